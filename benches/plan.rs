//! Solve time of every plan fixture, end to end (parse, validate, graph, rooming, day
//! routes, MILPs, extraction): `cargo bench --bench plan`.

use criterion::{criterion_group, criterion_main, Criterion};
use jidiao_solver::{run_job, SolveContext};
use std::time::Duration;

fn fixtures(c: &mut Criterion) {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/plan");
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .expect("fixtures/plan")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".job.json"))
        .collect();
    paths.sort();
    let mut group = c.benchmark_group("plan");
    group.sample_size(10).measurement_time(Duration::from_secs(8)).warm_up_time(Duration::from_secs(1));
    for path in paths {
        let text = std::fs::read_to_string(&path).expect("fixture");
        let name = path.file_name().map(|n| n.to_string_lossy().replace(".job.json", "")).unwrap_or_default();
        group.bench_function(name, |b| b.iter(|| run_job(&text, &SolveContext::default())));
    }
    group.finish();
}

criterion_group!(benches, fixtures);
criterion_main!(benches);
