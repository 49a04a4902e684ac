//! The long fuzz run over parse + validate (and, with `--solve M`, whole solves
//! of M mutated jobs that pass validation).
//!
//! `cargo run --example fuzz_parse -- 1000000 [--seed 1] [--solve 2000]` (the dev profile is
//! optimised, see Cargo.toml; `--release` works too)
//!
//! Inputs come from `tests/fuzz_support/mutate.rs` (seeded, so a run is
//! repeatable: input i of seed s is always the same). Every input that panics,
//! or is rejected without a pointer and a message, is written to
//! `target/fuzz-crashes/` and counted; the exit code is 1 when there is any.

#[path = "../tests/fuzz_support/mutate.rs"]
mod mutate;

use jidiao_solver::contract::Status;
use jidiao_solver::{Limits, SolveContext};
use mutate::{corpus, input, parse_and_validate, run_whole, Verdict};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let number =
        |flag: &str| args.iter().position(|a| a == flag).and_then(|i| args.get(i + 1)).and_then(|v| v.parse().ok());
    let runs: u64 = args.first().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let seed: u64 = number("--seed").unwrap_or(1);
    let solves: u64 = number("--solve").unwrap_or(0);
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let crashes = root.join("target/fuzz-crashes");
    let corpus = corpus(&root);
    let limits = Limits::default();
    std::panic::set_hook(Box::new(|_| {})); // panics are caught and reported below
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get()) as u64;
    let (valid, rejected, bugs) = (AtomicU64::new(0), AtomicU64::new(0), AtomicU64::new(0));
    let started = Instant::now();
    std::thread::scope(|s| {
        for t in 0..threads {
            let (corpus, limits, crashes) = (&corpus, &limits, &crashes);
            let (valid, rejected, bugs) = (&valid, &rejected, &bugs);
            s.spawn(move || {
                let mut i = t;
                while i < runs {
                    let text = input(seed, i, corpus);
                    match parse_and_validate(&text, limits) {
                        Verdict::Valid => valid.fetch_add(1, Ordering::Relaxed),
                        Verdict::Rejected => rejected.fetch_add(1, Ordering::Relaxed),
                        Verdict::Bug(why) => {
                            eprintln!("input {i}: {why}");
                            let _ = std::fs::create_dir_all(crashes);
                            let _ = std::fs::write(crashes.join(format!("parse-{seed}-{i}.json")), &text);
                            bugs.fetch_add(1, Ordering::Relaxed)
                        }
                    };
                    i += threads;
                }
            });
        }
    });
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "parse+validate: {runs} executions in {seconds:.1} s ({:.0}/s): {} valid, {} rejected, {} crashes",
        runs as f64 / seconds,
        valid.load(Ordering::Relaxed),
        rejected.load(Ordering::Relaxed),
        bugs.load(Ordering::Relaxed)
    );
    // Whole solves of mutated jobs that pass validation: no panic, no hang, no error.
    let mut solve_bugs = 0;
    if solves > 0 {
        let ctx = SolveContext { time_limit_s: 5.0, ..SolveContext::default() };
        let (mut done, mut i, mut slowest) = (0u64, 0u64, 0f64);
        let mut statuses = std::collections::BTreeMap::new();
        let small: Vec<_> = corpus.iter().filter(|(name, _)| name.starts_with("tiny")).cloned().collect();
        while done < solves {
            let text = input(seed ^ 0x5eed, i, &small);
            i += 1;
            if parse_and_validate(&text, &limits) != Verdict::Valid {
                continue;
            }
            done += 1;
            let t = Instant::now();
            let outcome = run_whole(&text, &ctx);
            let took = t.elapsed().as_secs_f64();
            slowest = slowest.max(took);
            let bad = match &outcome {
                Err(panic) => Some(format!("panic: {panic}")),
                Ok(r) if r.status == Status::Error => Some(format!("error: {:?}", r.diagnosis)),
                Ok(r) if r.status == Status::Infeasible && r.diagnosis.is_empty() => Some("no diagnosis".into()),
                Ok(_) if took > 3.0 * ctx.time_limit_s + 5.0 => Some(format!("took {took:.1} s")),
                Ok(r) if r.status == Status::Timeout && took < ctx.time_limit_s / 2.0 => {
                    Some(format!("timeout after {took:.2} s: {:?}", r.diagnosis))
                }
                Ok(_) => None,
            };
            if let Ok(r) = &outcome {
                *statuses.entry(r.status.as_str()).or_insert(0u64) += 1;
            }
            if let Some(why) = bad {
                eprintln!("solve input {i}: {why}");
                let _ = std::fs::create_dir_all(&crashes);
                let _ = std::fs::write(crashes.join(format!("solve-{seed}-{i}.json")), &text);
                solve_bugs += 1;
            }
        }
        println!(
            "solve: {done} valid mutated jobs solved, slowest {slowest:.2} s, statuses {statuses:?}, {solve_bugs} bugs"
        );
    }
    if bugs.load(Ordering::Relaxed) > 0 || solve_bugs > 0 {
        std::process::exit(1);
    }
}
