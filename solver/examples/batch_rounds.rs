//! Prints a batch's progress reports (pricing rounds, columns, objective, bound) to stderr
//! while it solves, then the result's figures: `cargo run -p jidiao-solver --example
//! batch_rounds -- BATCH.json [SECONDS]`. For tuning the decomposition.

use jidiao_solver::contract::JobResult;
use jidiao_solver::progress::ProgressSink;
use jidiao_solver::{run_document, SolveContext};

fn main() {
    let path = std::env::args().nth(1).expect("usage: batch_rounds BATCH.json");
    let mut job: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("readable job")).expect("a JSON job");
    let sink = ProgressSink::new(|p| {
        let fmt = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{v:.2}"));
        eprintln!(
            "{:>7.2} s  {:<8} {:>4}/{:<4} columns {:>6}  objective {:>14}  bound {:>14}  gap {}",
            p.seconds,
            p.phase.name(),
            p.done,
            p.total,
            p.columns,
            fmt(p.objective),
            fmt(p.bound),
            p.gap().map_or("-".to_string(), |g| format!("{:.3}%", g * 100.0)),
        );
    });
    // An optional second argument: the time limit in seconds, for the context and the
    // job's own options alike (the smaller of the two applies); default: the context's.
    let time_limit_s: f64 =
        std::env::args().nth(2).and_then(|t| t.parse().ok()).unwrap_or(SolveContext::default().time_limit_s);
    if std::env::args().nth(2).is_some() {
        job["options"]["time_limit_s"] = serde_json::json!(time_limit_s);
    }
    let ctx = SolveContext { progress: Some(sink), time_limit_s, ..SolveContext::default() };
    match run_document(&job.to_string(), &ctx) {
        JobResult::Batch(b) => {
            let s = b.solver.unwrap_or_default();
            let planned = b.groups.iter().filter(|g| g.plan.is_some()).count();
            println!(
                "{:?}: {planned}/{} planned, objective {:.2}, bound {:.2}, gap {:.3}%, {:.2} s",
                b.status,
                b.groups.len(),
                s.objective,
                s.bound,
                s.gap * 100.0,
                s.seconds
            );
        }
        other => println!("{other:?}"),
    }
}
