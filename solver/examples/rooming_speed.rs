//! Times the night's rooming of every group of a batch at every catalog hotel, by the
//! flow with the MILP where it does not answer (`best_rooming_charged`) and by the MILP
//! alone, at room prices: `cargo run -p jidiao-solver --example rooming_speed -- BATCH.json`.

use jidiao_solver::contract::BatchJob;
use jidiao_solver::model::Rooming;
use jidiao_solver::rooming::{best_rooming_charged, best_rooming_milp, terms_on, Charges};
use std::time::Instant;

fn main() {
    let path = std::env::args().nth(1).expect("usage: rooming_speed BATCH.json");
    let job: BatchJob = serde_json::from_str(&std::fs::read_to_string(&path).expect("readable job")).expect("a batch");
    let cases: Vec<(usize, chrono::NaiveDate, Rooming)> = job
        .groups
        .iter()
        .flat_map(|g| {
            let date = g.trip.arrive.at.0.date();
            let rooming = Rooming::of_lines(&g.group.rooming);
            (0..job.catalog.hotels.len()).map(move |h| (h, date, rooming.clone()))
        })
        .collect();
    println!("| solver | roomings | not roomed | per rooming |");
    println!("| --- | --- | --- | --- |");
    for (name, milp) in [("flow, MILP where it does not answer", false), ("MILP alone", true)] {
        let started = Instant::now();
        let mut failed = 0;
        for (h, date, rooming) in &cases {
            let hotel = &job.catalog.hotels[*h];
            // A price on every room type, rising with its index.
            let per_room: Vec<(usize, f64)> =
                terms_on(hotel, *date).iter().map(|t| (t.index, 37.0 * (t.index as f64 + 1.0))).collect();
            let charges = Charges { keep: &[], per_room_night: 0.0, per_room: &per_room };
            let r = if milp {
                best_rooming_milp(hotel, *date, rooming, charges)
            } else {
                best_rooming_charged(hotel, *date, rooming, charges)
            };
            failed += usize::from(r.is_err());
        }
        let each = started.elapsed().as_secs_f64() * 1e3 / cases.len() as f64;
        println!("| {name} | {} | {failed} | {each:.3} ms |", cases.len());
    }
}
