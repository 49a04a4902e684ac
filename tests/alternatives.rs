//! Alternatives (`options.alternatives = k`): the next-best plans, each differing from
//! every better one in a night's hotel, the fleet or a day's set of attractions, in order
//! of objective; each passes the checker and the first plan is the one `plan` gives.

mod support;

use jidiao_solver::check::check_plan;
use jidiao_solver::compare::{attractions, fleet_counts};
use jidiao_solver::contract::{JobBody, Plan, PlanJob, PlanResult, Status};
use jidiao_solver::parse::parse_job;
use jidiao_solver::whatif::ops::set_allotment;
use jidiao_solver::{run_document, SolveContext};
use serde_json::{json, Value};
use std::collections::BTreeSet;
use support::tiny_jobs::tiny_job;

fn solve(job: &Value) -> PlanResult {
    run_document(&job.to_string(), &SolveContext::default()).into_plan().expect("a plan result")
}

fn plan_job(job: &Value) -> PlanJob {
    match parse_job(&job.to_string()).expect("the job parses").body {
        JobBody::Plan(p) => p,
        _ => unreachable!("a plan job"),
    }
}

fn with_alternatives(job: &Value, k: u32) -> Value {
    let mut j = job.clone();
    j["options"] = json!({"alternatives": k});
    j
}

/// Whether two plans differ in a way a customer notices.
fn distinct(a: &Plan, b: &Plan) -> bool {
    let hotels = |p: &Plan| p.nights.iter().map(|n| n.hotel.clone()).collect::<Vec<_>>();
    let sets =
        |p: &Plan| p.days.iter().map(|d| attractions(d).into_iter().collect::<BTreeSet<_>>()).collect::<Vec<_>>();
    hotels(a) != hotels(b) || fleet_counts(&a.fleet) != fleet_counts(&b.fleet) || sets(a) != sets(b)
}

/// Every property of a result with alternatives; returns how many alternatives it has.
fn check_alternatives(name: &str, job: &Value, k: u32) -> usize {
    let result = solve(&with_alternatives(job, k));
    let alone = solve(job);
    assert_eq!(result.status, alone.status, "{name}: status");
    assert_eq!(result.plan, alone.plan, "{name}: the first plan is the one plan gives");
    let Some(best) = &result.plan else {
        assert!(result.alternatives.is_empty(), "{name}: alternatives without a plan");
        return 0;
    };
    assert!(result.alternatives.len() <= k as usize, "{name}: more alternatives than asked");
    let pj = plan_job(job);
    let all: Vec<&Plan> = std::iter::once(best).chain(&result.alternatives).collect();
    for (i, p) in all.iter().enumerate() {
        let violations = check_plan(&pj, p);
        assert!(violations.is_empty(), "{name}: plan {i} breaks rules: {violations:?}");
    }
    for w in all.windows(2) {
        let (a, b) = (w[0].objective.expect("objective"), w[1].objective.expect("objective"));
        assert!(a <= b + 0.011, "{name}: alternatives out of order: {a} then {b}");
    }
    for i in 0..all.len() {
        for j in i + 1..all.len() {
            assert!(
                distinct(all[i], all[j]),
                "{name}: plans {i} and {j} differ in no hotel, fleet or day's attractions"
            );
        }
    }
    result.alternatives.len()
}

#[test]
fn alternatives_of_the_yunnan_fixture_are_distinct_ordered_and_valid() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/plan/yunnan-6d-32pax.job.json");
    let job: Value = serde_json::from_str(&std::fs::read_to_string(path).expect("fixture")).expect("json");
    assert_eq!(check_alternatives("yunnan", &job, 3), 3, "yunnan has many plans");
}

#[test]
fn alternatives_of_seeded_tiny_jobs_are_distinct_ordered_and_valid() {
    let mut with_some = 0;
    for seed in 0..30 {
        if check_alternatives(&format!("seed {seed}"), &tiny_job(seed), 3) > 0 {
            with_some += 1;
        }
    }
    assert!(with_some >= 8, "only {with_some} seeded jobs had alternatives");
}

/// The best plan with one of its hotel-nights made unavailable is a plan that differs from
/// the best; so the next-best plan is no worse than any of those.
#[test]
fn the_next_best_plan_is_no_worse_than_the_best_plan_without_one_of_its_hotel_nights() {
    let mut compared = 0;
    for seed in 0..30 {
        let job = tiny_job(seed);
        let result = solve(&with_alternatives(&job, 1));
        let (Some(best), Some(next)) = (&result.plan, result.alternatives.first()) else { continue };
        let next = next.objective.expect("objective");
        for night in &best.nights {
            let mut pj = plan_job(&job);
            let hotel = pj.catalog.hotels.iter_mut().find(|h| h.id == night.hotel).expect("hotel");
            for room in &mut hotel.rooms {
                set_allotment(&mut room.allotment, night.date.0, night.date.0, 0);
            }
            let mut doc = serde_json::to_value(&pj).expect("serialises");
            for key in ["schema", "kind", "job_id"] {
                doc[key] = job[key].clone();
            }
            let other = solve(&doc);
            if other.status == Status::Optimal {
                let bound = other.plan.as_ref().and_then(|p| p.objective).expect("objective");
                assert!(
                    next <= bound + 0.011,
                    "seed {seed}: next-best {next}, but a plan without {} on {} has {bound}",
                    night.hotel,
                    night.date
                );
                compared += 1;
            }
        }
    }
    assert!(compared >= 5, "only {compared} comparisons");
}
