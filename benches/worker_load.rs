//! Load benchmark of `jidiao worker` against the real RabbitMQ on
//! 127.0.0.1:5672 (not run in CI; `cargo bench --bench worker_load`).
//!
//! For 1 and 2 workers (default configuration: slots = cores), it measures:
//! - a burst: N small plan jobs (`tiny-2d`) published at once; jobs/s and
//!   end-to-end latency p50/p99 (publication to result received, queueing included);
//! - one at a time: M jobs, each published after the previous result came;
//!   end-to-end latency against the in-process solve time of the same job,
//!   whose difference is the broker's and the worker's overhead per job.
//!
//! `JIDIAO_BENCH_JOBS` (default 200) and `JIDIAO_BENCH_SEQUENTIAL` (default 50) set N and M.

#[path = "../tests/worker/harness.rs"]
mod harness;

use harness::*;
use std::time::{Duration, Instant};

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

fn ms(mut v: Vec<f64>) -> (f64, f64) {
    v.sort_by(|a, b| a.total_cmp(b));
    (percentile(&v, 50.0) * 1e3, percentile(&v, 99.0) * 1e3)
}

fn env_count(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

async fn burst(client: &mut Client, n: usize, tag: &str) -> (f64, f64, f64) {
    let mut sent = std::collections::HashMap::new();
    let start = Instant::now();
    for i in 0..n {
        let (id, text) = fixture("tiny-2d", &format!("burst-{tag}-{i}"));
        sent.insert(id.clone(), Instant::now());
        client.submit(JOBS, &id, text.as_bytes()).await;
    }
    let mut latencies = Vec::with_capacity(n);
    while latencies.len() < n {
        let r = client.next(Duration::from_secs(120)).await;
        if let Some(t) = sent.remove(&r.job_id) {
            latencies.push(t.elapsed().as_secs_f64());
        }
    }
    let rate = n as f64 / start.elapsed().as_secs_f64();
    let (p50, p99) = ms(latencies);
    (rate, p50, p99)
}

async fn one_at_a_time(client: &mut Client, m: usize, tag: &str) -> (f64, f64) {
    let mut latencies = Vec::with_capacity(m);
    for i in 0..m {
        let (id, text) = fixture("tiny-2d", &format!("seq-{tag}-{i}"));
        let t = Instant::now();
        client.submit(JOBS, &id, text.as_bytes()).await;
        client.result_for(&id, Duration::from_secs(60)).await;
        latencies.push(t.elapsed().as_secs_f64());
    }
    ms(latencies)
}

fn main() {
    if std::env::args().any(|a| a == "--list" || a == "--test") {
        return; // `cargo test --benches` and `cargo bench -- --list`: nothing to list or test.
    }
    let n = env_count("JIDIAO_BENCH_JOBS", 200);
    let m = env_count("JIDIAO_BENCH_SEQUENTIAL", 50);
    ensure_broker();
    let (_, text) = fixture("tiny-2d", "inproc");
    let mut solve = Vec::new();
    for _ in 0..m.max(20) {
        let t = Instant::now();
        let _ = jidiao_solver::run_job(&text, &jidiao_solver::SolveContext::default());
        solve.push(t.elapsed().as_secs_f64());
    }
    let (solve_p50, solve_p99) = ms(solve);
    println!("in-process solve of tiny-2d: p50 {solve_p50:.2} ms, p99 {solve_p99:.2} ms");
    println!(
        "{:>7} | {:>8} {:>11} {:>11} | {:>12} {:>12} {:>14}",
        "workers", "jobs/s", "burst p50", "burst p99", "1-by-1 p50", "1-by-1 p99", "overhead p50"
    );
    let rt = runtime();
    for workers in [1usize, 2] {
        rt.block_on(async {
            let mut client = Client::fresh().await;
            let _workers: Vec<Worker> = (0..workers).map(|_| Worker::start(&[])).collect();
            let tag = unique();
            let (_, _) = one_at_a_time(&mut client, 5, &format!("warm-{tag}")).await;
            let (seq_p50, seq_p99) = one_at_a_time(&mut client, m, &tag).await;
            let (rate, p50, p99) = burst(&mut client, n, &tag).await;
            println!(
                "{workers:>7} | {rate:>8.1} {p50:>8.1} ms {p99:>8.1} ms | {seq_p50:>9.2} ms {seq_p99:>9.2} ms {:>11.2} ms",
                seq_p50 - solve_p50
            );
            client.close().await;
        });
    }
    println!("(N = {n} burst jobs, M = {m} one-by-one jobs; each worker: default slots = cores, one reserved for interactive)");
}
