//! Fuzzing on every test run (a few thousand seeded mutations of the fixture
//! jobs through parse + validate, and a few whole solves), and the hostile
//! inputs found by fuzzing or by reading the code, as regression tests. The
//! long run is `cargo run --example fuzz_parse -- 1000000` (see
//! `examples/fuzz_parse.rs`).

#[path = "fuzz_support/mutate.rs"]
mod mutate;

use jidiao_solver::contract::Status;
use jidiao_solver::{run_job, Limits, SolveContext};
use mutate::{corpus, input, parse_and_validate, run_whole, Verdict};
use serde_json::{json, Value};
use std::path::PathBuf;
use std::time::{Duration, Instant};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn tiny() -> Value {
    serde_json::from_str(&std::fs::read_to_string(root().join("fixtures/plan/tiny-2d.job.json")).expect("fixture"))
        .expect("json")
}

/// Runs a job within a wall-clock bound, asserting no panic.
fn run_bounded(doc: &str, limit: Duration) -> jidiao_solver::contract::PlanResult {
    let ctx = SolveContext { time_limit_s: 10.0, ..SolveContext::default() };
    let started = Instant::now();
    let result = run_whole(doc, &ctx).unwrap_or_else(|p| panic!("run_job panicked: {p}"));
    assert!(started.elapsed() < limit, "took {:?} (limit {limit:?})", started.elapsed());
    result
}

#[test]
fn seeded_mutations_never_crash_parse_or_validate() {
    let corpus = corpus(&root());
    assert!(corpus.len() > 100, "the corpus has {} jobs", corpus.len());
    let limits = Limits::default();
    let (mut valid, mut rejected) = (0, 0);
    let mut bugs = Vec::new();
    for i in 0..3_000 {
        let text = input(1, i, &corpus);
        match parse_and_validate(&text, &limits) {
            Verdict::Valid => valid += 1,
            Verdict::Rejected => rejected += 1,
            Verdict::Bug(why) => bugs.push(format!("input {i}: {why}")),
        }
    }
    assert!(bugs.is_empty(), "{} bug(s):\n{}", bugs.len(), bugs.join("\n"));
    assert!(valid > 50 && rejected > 1_000, "{valid} valid, {rejected} rejected: the mutations lost their bite");
}

#[test]
fn seeded_valid_mutations_solve_without_panic_hang_or_error() {
    let small: Vec<_> = corpus(&root()).into_iter().filter(|(n, _)| n.starts_with("tiny")).collect();
    let limits = Limits::default();
    let ctx = SolveContext { time_limit_s: 5.0, ..SolveContext::default() };
    let (mut done, mut i) = (0, 0);
    while done < 25 && i < 5_000 {
        let text = input(0x5eed, i, &small);
        i += 1;
        if parse_and_validate(&text, &limits) != Verdict::Valid {
            continue;
        }
        done += 1;
        let started = Instant::now();
        let r = run_whole(&text, &ctx).unwrap_or_else(|p| panic!("input {i} panicked: {p}"));
        assert!(started.elapsed().as_secs_f64() < 3.0 * ctx.time_limit_s + 5.0, "input {i} took too long");
        assert_ne!(r.status, Status::Error, "input {i}: {:?}", r.diagnosis);
        if r.status == Status::Infeasible {
            assert!(!r.diagnosis.is_empty(), "input {i}: infeasible without a diagnosis");
        }
    }
    assert!(done >= 10, "only {done} valid mutated jobs");
}

#[test]
fn a_job_above_the_byte_limit_is_too_large_before_it_is_read() {
    let ctx = SolveContext { limits: Limits { max_job_bytes: 1_000, ..Limits::default() }, ..SolveContext::default() };
    let r = run_job(&tiny().to_string(), &ctx);
    assert_eq!(r.status, Status::Invalid);
    assert_eq!(r.diagnosis[0].code, "too_large");
}

#[test]
fn deep_nesting_is_bad_json_not_a_stack_overflow() {
    let deep = format!("{}1{}", "[".repeat(100_000), "]".repeat(100_000));
    let mut doc = tiny();
    doc["trip"]["optional"] = json!([]);
    let text = doc.to_string().replacen("\"optional\":[]", &format!("\"optional\":{deep}"), 1);
    let r = run_bounded(&text, Duration::from_secs(10));
    assert_eq!(r.status, Status::Invalid);
    assert_eq!(r.diagnosis[0].code, "bad_json");
}

#[test]
fn dates_at_the_ends_of_the_calendar_are_out_of_range_not_a_panic() {
    for (arrive, depart) in [
        ("262143-12-30T10:00", "262143-12-31T23:59"),
        ("-262143-01-01T00:00", "-262143-01-02T00:00"),
        ("1900-01-01T10:00", "1900-01-02T10:00"),
    ] {
        let mut doc = tiny();
        doc["trip"]["arrive"]["at"] = json!(arrive);
        doc["trip"]["depart"]["at"] = json!(depart);
        doc["trip"]["depart"]["buffer_minutes"] = json!(u32::MAX);
        let r = run_bounded(&doc.to_string(), Duration::from_secs(10));
        assert_eq!(r.status, Status::Invalid, "{arrive}: {:?}", r.diagnosis);
    }
}

#[test]
fn a_hundred_thousand_overlapping_rate_rows_are_rejected_quickly() {
    let mut doc = tiny();
    let row = json!({"from": "2026-06-01", "to": "2026-06-30", "price": 100});
    doc["catalog"]["hotels"][0]["rooms"][0]["rates"] = Value::Array(vec![row; 100_000]);
    let started = Instant::now();
    let r = run_bounded(&doc.to_string(), Duration::from_secs(20));
    assert_eq!(r.status, Status::Invalid);
    assert!(r.diagnosis.iter().any(|d| d.code == "too_large"));
    assert!(r.diagnosis.len() < 50, "{} problems for one list", r.diagnosis.len());
    assert!(started.elapsed() < Duration::from_secs(20));
}

#[test]
fn many_one_seat_vehicle_types_do_not_explode_the_fleet_enumeration() {
    let mut doc = tiny();
    let vehicles: Vec<Value> =
        (0..50).map(|i| json!({"id": format!("bike-{i}"), "seats": 1, "day_rate": 10 + i, "per_km": 0})).collect();
    doc["catalog"]["vehicles"] = Value::Array(vehicles);
    let r = run_bounded(&doc.to_string(), Duration::from_secs(30));
    assert!(matches!(r.status, Status::Invalid | Status::Optimal | Status::Feasible), "{:?}", r.status);
    if r.status == Status::Invalid {
        assert_eq!(r.diagnosis[0].code, "too_large");
    }
}

#[test]
fn huge_available_counts_and_amounts_are_handled() {
    let mut doc = tiny();
    doc["catalog"]["vehicles"][0]["available"] = json!(u32::MAX);
    doc["catalog"]["hotels"][0]["rooms"][0]["allotment"][0]["rooms"] = json!(u32::MAX);
    let r = run_bounded(&doc.to_string(), Duration::from_secs(30));
    assert_eq!(r.status, Status::Optimal, "{:?}", r.diagnosis);
    doc["catalog"]["vehicles"][0]["day_rate"] = json!(1e300);
    let r = run_bounded(&doc.to_string(), Duration::from_secs(30));
    assert_eq!(r.status, Status::Invalid);
    assert_eq!(r.diagnosis[0].path.as_deref(), Some("/catalog/vehicles/0/day_rate"));
}

#[test]
fn a_31_day_trip_with_many_hotels_and_restaurants_ends_within_its_time_limit() {
    // The largest shape the limits allow along the axes that multiply route searches.
    let mut doc = tiny();
    doc["trip"]["depart"]["at"] = json!("2026-07-05T15:00");
    let hotel = doc["catalog"]["hotels"][1].clone();
    let rest = doc["catalog"]["restaurants"][0].clone();
    let hotels: Vec<Value> = (0..200)
        .map(|i| {
            let mut h = hotel.clone();
            h["id"] = json!(format!("h-{i}"));
            for room in h["rooms"].as_array_mut().into_iter().flatten() {
                for key in ["rates", "allotment"] {
                    room[key] = json!([room[key][0].clone()]);
                    room[key][0]["from"] = json!("2026-06-01");
                    room[key][0]["to"] = json!("2026-07-31");
                }
            }
            h
        })
        .collect();
    let restaurants: Vec<Value> = (0..300)
        .map(|i| {
            let mut r = rest.clone();
            r["id"] = json!(format!("r-{i}"));
            r["per_pax"] = json!(50 + i % 7);
            r
        })
        .collect();
    doc["catalog"]["hotels"] = Value::Array(hotels);
    doc["catalog"]["restaurants"] = Value::Array(restaurants);
    doc["trip"]["meals"] =
        json!({"breakfast": ["07:00", "09:00"], "lunch": ["11:00", "13:30"], "dinner": ["17:00", "20:00"]});
    let ctx = SolveContext { time_limit_s: 20.0, ..SolveContext::default() };
    let started = Instant::now();
    let r = run_whole(&doc.to_string(), &ctx).unwrap_or_else(|p| panic!("panicked: {p}"));
    let took = started.elapsed().as_secs_f64();
    assert!(took < 3.0 * ctx.time_limit_s + 10.0, "took {took:.1} s with a {} s limit", ctx.time_limit_s);
    assert!(matches!(r.status, Status::Optimal | Status::Feasible | Status::Timeout), "{:?}", r.diagnosis);
}
