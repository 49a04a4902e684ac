//! The batch size ladder: generated `batch` jobs (`jidiao_solver::generate_batch`, 7 nights,
//! 60 hotels, 20 vehicle types, tight allotments) from 3 to 100 groups (300 with `--full`),
//! each solved through `run_document`, as one markdown table for BENCHMARKS.md: status,
//! groups planned / infeasible / other, wall and solver seconds, objective, bound, gap, MILP
//! size and peak memory.
//!
//! `cargo bench --profile dev --bench batch_ladder -- --quick` (one seed per size; without
//! `--quick` the sizes up to 10 groups run three seeds). `--sizes 3,10` picks the rungs,
//! `--full` adds 300 groups (`Limits::max_groups` is raised for larger rungs); `--nights N`,
//! `--hotels N`, `--vehicle-types N`, `--tight X` and `--time-limit S` change the shape and the limit of every rung. Each job is solved in a fresh child process
//! so that its peak memory (VmHWM) is its own. Only the public `run_document` and the
//! result's JSON are used (the batch algorithm is free to change); "MILP vars / rows" are
//! the result's `solver.variables` / `solver.constraints`, "binding resources" the resource
//! rows with `used == capacity`. Groups not planned nor infeasible (timeouts) count as other,
//! with their statuses on stderr.

use jidiao_solver::generate_batch::{generate_batch, BatchGenSize};
use jidiao_solver::{run_document, Limits, SolveContext};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

struct Rung {
    groups: u32,
    time_limit_s: f64,
    mip_gap: f64,
}

fn rungs(full: bool) -> Vec<Rung> {
    let mut out: Vec<Rung> =
        [3, 10, 30, 100].into_iter().map(|groups| Rung { groups, time_limit_s: 60.0, mip_gap: 0.01 }).collect();
    if full {
        out.push(Rung { groups: 300, time_limit_s: 600.0, mip_gap: 0.02 });
    }
    out
}

/// The peak resident memory of this process so far, in kB (VmHWM).
fn peak_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM")).and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

/// In the child: solve one batch job and print its figures as one JSON line.
fn child(path: &str, time_limit_s: f64, groups: usize) {
    let text = std::fs::read_to_string(path).expect("job");
    let limits = Limits { max_groups: Limits::default().max_groups.max(groups), ..Limits::default() };
    let ctx = SolveContext { time_limit_s, limits, ..SolveContext::default() };
    let started = Instant::now();
    let result = run_document(&text, &ctx);
    let wall = started.elapsed().as_secs_f64();
    let r = serde_json::to_value(&result).unwrap_or(Value::Null);
    let count = |want: &[&str]| {
        r["groups"]
            .as_array()
            .map_or(0, |gs| gs.iter().filter(|g| want.contains(&g["status"].as_str().unwrap_or(""))).count())
    };
    let s = &r["solver"];
    let mut statuses = serde_json::Map::new();
    for g in r["groups"].as_array().into_iter().flatten() {
        let k = g["status"].as_str().unwrap_or("?").to_string();
        let n = statuses.get(&k).and_then(Value::as_u64).unwrap_or(0);
        statuses.insert(k, json!(n + 1));
    }
    println!(
        "{}",
        json!({
            "status": r["status"], "wall": wall, "seconds": s["seconds"],
            "objective": s["objective"], "bound": s["bound"], "gap": s["gap"],
            "variables": s["variables"], "constraints": s["constraints"],
            "total": r["totals"]["objective"], "change_cost": r["totals"]["change_cost"],
            "planned": count(&["optimal", "feasible"]), "infeasible": count(&["infeasible"]),
            "groups": r["groups"].as_array().map_or(0, Vec::len),
            "binding": r["resources"].as_array().map_or(0, |rs| rs.iter().filter(|u| u["used"] == u["capacity"]).count()),
            "peak_kb": peak_kb(), "statuses": statuses,
            "diagnosis": r["diagnosis"].as_array().and_then(|d| d.first()).map(|d| d["message"].clone()),
        })
    );
}

fn run(path: &Path, time_limit_s: f64, groups: u32) -> Option<Value> {
    let exe = std::env::current_exe().expect("own path");
    let out = Command::new(exe)
        .args(["--one", &path.to_string_lossy(), &time_limit_s.to_string(), &groups.to_string()])
        .output()
        .expect("child runs");
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text.lines().rev().find(|l| l.starts_with('{'));
    if line.is_none() {
        eprintln!("{path:?}: the child printed no figures: {}", String::from_utf8_lossy(&out.stderr));
    }
    serde_json::from_str(line?).ok()
}

fn num(v: &Value, digits: usize) -> String {
    v.as_f64().map_or_else(|| "-".into(), |x| format!("{x:.digits$}"))
}

fn row(size: &BatchGenSize, seed: u64, r: Option<Value>) {
    let head = format!("| {} | {} | {} | {} | {seed} |", size.groups, size.nights, size.hotels, size.vehicle_types);
    let Some(r) = r else {
        println!("{head} (failed) |{}", " |".repeat(9));
        return;
    };
    let gap = r["gap"].as_f64().map_or_else(|| "-".into(), |g| format!("{:.2}%", g * 100.0));
    let count = |k: &str| r[k].as_u64().unwrap_or(0);
    let other = count("groups").saturating_sub(count("planned") + count("infeasible"));
    println!(
        "{head} {} | {} / {} / {other} | {} | {} | {} | {} | {gap} | {} / {} | {} | {:.0} |",
        r["status"].as_str().unwrap_or("-"),
        r["planned"],
        r["infeasible"],
        num(&r["wall"], 1),
        num(&r["seconds"], 1),
        num(&r["objective"], 0),
        num(&r["bound"], 0),
        r["variables"].as_u64().map_or("-".into(), |x| x.to_string()),
        r["constraints"].as_u64().map_or("-".into(), |x| x.to_string()),
        r["binding"],
        r["peak_kb"].as_f64().unwrap_or(0.0) / 1024.0
    );
    if other > 0 || r["diagnosis"].is_string() {
        eprintln!("  {} groups seed {seed}: group statuses {}; {}", size.groups, r["statuses"], r["diagnosis"]);
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--one") {
        let time_limit = args.get(3).and_then(|t| t.parse().ok()).unwrap_or(60.0);
        child(&args[2], time_limit, args.get(4).and_then(|g| g.parse().ok()).unwrap_or(0));
        return;
    }
    let quick = args.iter().any(|a| a == "--quick");
    let full = args.iter().any(|a| a == "--full");
    let flag = |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1));
    let only: Option<Vec<u32>> = flag("--sizes").map(|s| s.split(',').filter_map(|x| x.trim().parse().ok()).collect());
    let time_limit: Option<f64> = flag("--time-limit").and_then(|s| s.parse().ok());
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir: PathBuf = root.join("target/batch_ladder");
    std::fs::create_dir_all(&dir).expect("target/batch_ladder");
    println!("| groups | nights | hotels | vehicle types | seed | status | planned / infeasible / other | wall s | solver s | objective | bound | gap | MILP vars / rows | binding resources | peak MB |");
    println!("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    for rung in rungs(full || only.as_ref().is_some_and(|o| o.contains(&300))) {
        if only.as_ref().is_some_and(|o| !o.contains(&rung.groups)) {
            continue;
        }
        let mut size = BatchGenSize::standard(rung.groups);
        let number = |name: &str| flag(name).and_then(|s| s.parse::<u32>().ok());
        size.nights = number("--nights").unwrap_or(size.nights);
        size.hotels = number("--hotels").unwrap_or(size.hotels);
        size.vehicle_types = number("--vehicle-types").unwrap_or(size.vehicle_types);
        size.tight = flag("--tight").and_then(|s| s.parse().ok()).unwrap_or(size.tight);
        let time_limit_s = time_limit.unwrap_or(rung.time_limit_s);
        let seeds = if quick || rung.groups > 10 { 1 } else { 3 };
        for seed in 1..=seeds {
            let mut job = generate_batch(&size, seed);
            job["options"] = json!({"time_limit_s": time_limit_s, "mip_gap": rung.mip_gap});
            let path = dir.join(format!("batch-{}g-{seed}.json", rung.groups));
            std::fs::write(&path, job.to_string()).expect("write job");
            row(&size, seed, run(&path, time_limit_s, rung.groups));
        }
    }
}
