//! The size ladder: solve time, model size, status and peak memory of the fixtures and of
//! generated jobs from small to the largest size, as one markdown table for BENCHMARKS.md.
//!
//! `cargo bench --bench ladder` (add `-- --quick` for one seed per size). Each job is solved
//! in a fresh child process so that its peak memory (VmHWM) is its own.

use jidiao_solver::generate::{generate, GenSize};
use jidiao_solver::{run_job, SolveContext};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

struct Rung {
    name: &'static str,
    size: GenSize,
    time_limit_s: f64,
    mip_gap: f64,
    runs: usize,
}

fn rungs() -> Vec<Rung> {
    let g = |days, cities, attractions, hotels, pax| GenSize {
        days,
        cities,
        attractions,
        hotels,
        restaurants_per_city: 3,
        vehicle_types: 3,
        pax,
    };
    vec![
        Rung { name: "S 3d 8a 5h 12p", size: g(3, 1, 8, 5, 12), time_limit_s: 60.0, mip_gap: 0.0, runs: 3 },
        Rung { name: "M 6d 20a 15h 32p", size: g(6, 3, 20, 15, 32), time_limit_s: 60.0, mip_gap: 0.0, runs: 3 },
        Rung { name: "L 10d 40a 30h 40p", size: g(10, 4, 40, 30, 40), time_limit_s: 60.0, mip_gap: 0.005, runs: 1 },
        Rung { name: "XL 15d 80a 60h 60p", size: g(15, 6, 80, 60, 60), time_limit_s: 30.0, mip_gap: 0.02, runs: 1 },
    ]
}

/// In the child: solve one job and print one line of figures.
fn child(path: &str, time_limit_s: f64) {
    let text = std::fs::read_to_string(path).expect("job");
    let started = Instant::now();
    let r = run_job(&text, &SolveContext { time_limit_s, ..SolveContext::default() });
    let wall = started.elapsed().as_secs_f64();
    let f = r.solver.unwrap_or_default();
    let peak_kb = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM")).map(|l| l.split_whitespace().nth(1).unwrap_or("0").to_string())
        })
        .unwrap_or_else(|| "0".into());
    println!(
        "{} {wall:.3} {:.3} {} {} {} {:.5} {peak_kb}",
        r.status.as_str(),
        f.prepare_seconds.unwrap_or(0.0),
        f.day_routes.unwrap_or(0),
        f.variables,
        f.constraints,
        f.gap
    );
}

fn run(path: &Path, time_limit_s: f64) -> Vec<String> {
    let exe = std::env::current_exe().expect("own path");
    let out = Command::new(exe)
        .args(["--one", &path.to_string_lossy(), &time_limit_s.to_string()])
        .output()
        .expect("child runs");
    String::from_utf8_lossy(&out.stdout).split_whitespace().map(String::from).collect()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn row(name: &str, path: &Path, time_limit_s: f64, runs: usize) {
    let results: Vec<Vec<String>> = (0..runs).map(|_| run(path, time_limit_s)).filter(|r| r.len() == 8).collect();
    let Some(first) = results.first() else {
        println!("| {name} | (failed) | | | | | | |");
        return;
    };
    let wall = median(results.iter().map(|r| r[1].parse().unwrap_or(0.0)).collect());
    let prep = median(results.iter().map(|r| r[2].parse().unwrap_or(0.0)).collect());
    let peak_mb: f64 = results.iter().map(|r| r[7].parse::<f64>().unwrap_or(0.0)).fold(0.0, f64::max) / 1024.0;
    let gap: f64 = first[6].parse().unwrap_or(0.0);
    println!(
        "| {name} | {} | {} / {} | {prep:.2} | {wall:.2} | {} | {:.2}% | {peak_mb:.0} |",
        first[3],
        first[4],
        first[5],
        first[0],
        gap * 100.0
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--one") {
        child(&args[2], args.get(3).and_then(|t| t.parse().ok()).unwrap_or(60.0));
        return;
    }
    let quick = args.iter().any(|a| a == "--quick");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir: PathBuf = root.join("target/ladder");
    std::fs::create_dir_all(&dir).expect("target/ladder");
    println!("| job | day routes | MILP vars / rows | build s | solve s (median) | status | gap | peak MB |");
    println!("| --- | --- | --- | --- | --- | --- | --- | --- |");
    let mut fixtures: Vec<PathBuf> = std::fs::read_dir(root.join("fixtures/plan"))
        .expect("fixtures")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".job.json"))
        .collect();
    fixtures.sort();
    for f in &fixtures {
        let name = f.file_name().map(|n| n.to_string_lossy().replace(".job.json", "")).unwrap_or_default();
        row(&format!("fixture {name}"), f, 60.0, if quick { 1 } else { 3 });
    }
    for rung in rungs() {
        for seed in 1..=(if quick { 1 } else { 3 }) {
            let mut job = generate(&rung.size, seed);
            job["options"] = serde_json::json!({"time_limit_s": rung.time_limit_s, "mip_gap": rung.mip_gap});
            let path = dir.join(format!("{}-{seed}.json", rung.name.split(' ').next().unwrap_or("x")));
            std::fs::write(&path, job.to_string()).expect("write job");
            row(&format!("gen {} seed {seed}", rung.name), &path, rung.time_limit_s, rung.runs);
        }
    }
}
