//! `batch`: many groups on one catalog. Small batches built from the seeded tiny jobs
//! (copies of a tiny job's group on its catalog, so they compete for its allotments,
//! vehicles, restaurant seats and its single `guide-zh`) are solved exactly and checked
//! against the batch checker, against each group's own optimum (a lower bound, reached
//! when the groups do not compete), against every combination of the groups' own
//! next-best plans that fits the shared inventory (an upper bound), and for the change
//! costs against `current`. No timed assertions.

mod support;

use jidiao_solver::batch::check::{check_batch, group_job};
use jidiao_solver::batch::result::BatchResult;
use jidiao_solver::contract::{BatchJob, Booked, JobBody, JobResult, Plan, PlanResult, Status};
use jidiao_solver::parse::parse_job;
use jidiao_solver::{run_document, run_job, SolveContext};
use serde_json::{json, Value};
use support::tiny_jobs::tiny_job;

const SEEDS: u64 = 24;

/// A batch of `k` copies of tiny job `seed`'s group on its catalog.
fn batch_of(seed: u64, k: usize) -> Value {
    let job = tiny_job(seed);
    let groups: Vec<Value> = (0..k)
        .map(|i| {
            json!({"group_id": format!("G{}", i + 1), "group": job["group"], "trip": job["trip"], "pricing": job["pricing"]})
        })
        .collect();
    json!({
        "schema": "jidiao/v1", "kind": "batch", "job_id": format!("BATCH-{seed}-{k}"),
        "catalog": job["catalog"], "options": {"time_limit_s": 120, "mip_gap": 0.0},
        "groups": groups, "change_costs": {"hotel_room_night": 80, "vehicle": 500}
    })
}

fn solve(batch: &Value) -> BatchResult {
    match run_document(&batch.to_string(), &SolveContext::default()) {
        JobResult::Batch(b) => b,
        other => panic!("a batch job answers a batch result, got {other:?}"),
    }
}

fn parsed(batch: &Value) -> BatchJob {
    match parse_job(&batch.to_string()).expect("the batch parses").body {
        JobBody::Batch(b) => b,
        _ => unreachable!("a batch job"),
    }
}

/// Group `g`'s own `plan` job (the shared catalog with its data) as JSON.
fn own_job(batch: &Value, g: usize) -> Value {
    let b = parsed(batch);
    let mut v = serde_json::to_value(group_job(&b, g)).expect("serialises");
    v["schema"] = json!("jidiao/v1");
    v["kind"] = json!("plan");
    v["job_id"] = json!(format!("OWN-{g}"));
    v["options"] = json!({"time_limit_s": 60, "mip_gap": 0.0});
    v
}

fn own_result(batch: &Value, g: usize, alternatives: u32) -> PlanResult {
    let mut v = own_job(batch, g);
    v["options"]["alternatives"] = json!(alternatives);
    run_job(&v.to_string(), &SolveContext::default())
}

fn objective(p: &Plan) -> f64 {
    p.objective.expect("plans carry their objective")
}

fn assert_checks(batch: &Value, r: &BatchResult) {
    let v = check_batch(&parsed(batch), r);
    assert!(v.is_empty(), "{}: {v:?}", r.job_id);
}

/// Multiplies every shared capacity by `f` (hotel allotments only when `hotels`).
fn scale_capacities(batch: &mut Value, f: u64, hotels: bool) {
    let c = &mut batch["catalog"];
    for h in c["hotels"].as_array_mut().unwrap().iter_mut().filter(|_| hotels) {
        for r in h["rooms"].as_array_mut().unwrap() {
            for a in r["allotment"].as_array_mut().unwrap() {
                a["rooms"] = json!(a["rooms"].as_u64().unwrap() * f);
            }
        }
    }
    for list in ["vehicles", "guides"] {
        for v in c[list].as_array_mut().unwrap() {
            if let Some(n) = v["available"].as_u64() {
                v["available"] = json!(n * f);
            }
        }
    }
    for r in c["restaurants"].as_array_mut().unwrap() {
        if let Some(n) = r["seats"].as_u64() {
            r["seats"] = json!(n * f);
        }
    }
}

#[test]
fn capacities_hold_plans_check_and_no_group_beats_its_own_optimum() {
    let mut planned = 0;
    let mut left_out = 0;
    for seed in 0..SEEDS {
        for k in [2, 3] {
            let batch = batch_of(seed, k);
            let r = solve(&batch);
            assert_checks(&batch, &r);
            let own = own_result(&batch, 0, 0);
            for g in &r.groups {
                match own.status {
                    Status::Infeasible => {
                        assert_eq!(g.status, Status::Infeasible, "seed {seed}: a group infeasible alone");
                        assert!(!g.diagnosis.is_empty(), "seed {seed}: its diagnosis comes back");
                    }
                    Status::Optimal => {
                        if let Some(p) = &g.plan {
                            planned += 1;
                            let alone = objective(own.plan.as_ref().unwrap());
                            assert!(objective(p) >= alone - 0.02, "seed {seed}: {} < {alone}", objective(p));
                        } else {
                            left_out += 1;
                            assert_eq!(g.status, Status::Infeasible, "seed {seed} k {k}: {:?}", g.diagnosis);
                            assert_eq!(g.diagnosis[0].code, "shared_inventory");
                        }
                    }
                    _ => {}
                }
            }
            if own.status == Status::Optimal {
                assert!(r.groups.iter().any(|g| g.plan.is_some()), "seed {seed}: one copy always fits");
            }
        }
    }
    assert!(planned >= 10 && left_out > 0, "the seeds cover both cases: {planned} planned, {left_out} left out");
}

#[test]
fn groups_that_do_not_compete_get_their_own_optimum() {
    let mut compared = 0;
    for seed in 0..SEEDS {
        let mut batch = batch_of(seed, 3);
        scale_capacities(&mut batch, 100, true);
        let r = solve(&batch);
        assert_checks(&batch, &r);
        let own = own_result(&batch, 0, 0);
        if own.status != Status::Optimal {
            continue;
        }
        assert_eq!(r.status, Status::Optimal, "seed {seed}");
        let alone = objective(own.plan.as_ref().unwrap());
        for g in &r.groups {
            let p = g.plan.as_ref().expect("planned");
            assert!((objective(p) - alone).abs() < 0.02, "seed {seed}: {} vs {alone}", objective(p));
            compared += 1;
        }
        assert!((r.totals.objective - 3.0 * alone).abs() < 0.1, "seed {seed}");
    }
    assert!(compared > 30, "{compared}");
}

/// Every combination of the groups' own best and next-best plans that fits the shared
/// inventory is a plan of the batch: the joint optimum is no worse than the best of them,
/// and it plans every group when one exists.
#[test]
fn joint_optimum_is_no_worse_than_any_fitting_combination_of_own_plans() {
    let mut combos_checked = 0;
    for seed in 0..SEEDS {
        // Only the hotels compete: the own plans differ in hotels, so some pairs fit.
        let mut batch = batch_of(seed, 2);
        scale_capacities(&mut batch, 2, false);
        let own = own_result(&batch, 0, 6);
        if own.status != Status::Optimal {
            continue;
        }
        let mut plans: Vec<Plan> = vec![own.plan.clone().unwrap()];
        plans.extend(own.alternatives.iter().cloned());
        let r = solve(&batch);
        assert_checks(&batch, &r);
        let b = parsed(&batch);
        let mut best = f64::INFINITY;
        for a in &plans {
            for c in &plans {
                let mut fake = r.clone();
                fake.groups[0].plan = Some(a.clone());
                fake.groups[1].plan = Some(c.clone());
                fake.groups[0].status = Status::Feasible;
                fake.groups[1].status = Status::Feasible;
                if check_batch(&b, &fake).is_empty() {
                    best = best.min(objective(a) + objective(c));
                    combos_checked += 1;
                }
            }
        }
        if best.is_finite() {
            assert!(r.groups.iter().all(|g| g.plan.is_some()), "seed {seed}: both fit");
            assert!(r.totals.objective <= best + 0.05, "seed {seed}: {} > {best}", r.totals.objective);
            let floor = 2.0 * objective(&plans[0]);
            assert!(r.totals.objective >= floor - 0.05, "seed {seed}");
            if r.status == Status::Optimal {
                assert!(r.solver.as_ref().unwrap().bound <= r.totals.objective + 0.01);
            }
        }
    }
    assert!(combos_checked > 5, "{combos_checked}");
}

/// The allotment ranges with `date` set to `rooms` (its range split around it).
fn split_allotment(ranges: &Value, date: chrono::NaiveDate, rooms: u32) -> Value {
    let day = |d: chrono::NaiveDate| d.format("%Y-%m-%d").to_string();
    let parse = |v: &Value| chrono::NaiveDate::parse_from_str(v.as_str().unwrap(), "%Y-%m-%d").unwrap();
    let mut out = Vec::new();
    for r in ranges.as_array().unwrap() {
        let (from, to) = (parse(&r["from"]), parse(&r["to"]));
        if date < from || date > to {
            out.push(r.clone());
            continue;
        }
        if from < date {
            out.push(json!({"from": day(from), "to": day(date.pred_opt().unwrap()), "rooms": r["rooms"]}));
        }
        out.push(json!({"from": day(date), "to": day(date), "rooms": rooms}));
        if date < to {
            out.push(json!({"from": day(date.succ_opt().unwrap()), "to": day(to), "rooms": r["rooms"]}));
        }
    }
    json!(out)
}

/// Solved to proven optimality (each group planned optimally or proven not to fit).
fn proven(r: &BatchResult) -> bool {
    r.groups.iter().all(|g| matches!(g.status, Status::Optimal | Status::Infeasible))
}

fn with_current(batch: &Value, r: &BatchResult) -> Value {
    let mut b = batch.clone();
    for (i, g) in r.groups.iter().enumerate() {
        if let Some(p) = &g.plan {
            let booked = Booked { nights: p.nights.clone(), fleet: p.fleet.clone() };
            b["groups"][i]["current"] = serde_json::to_value(booked).unwrap();
        }
    }
    b
}

#[test]
fn with_current_equal_to_the_optimum_nothing_changes() {
    let mut compared = 0;
    for seed in 0..SEEDS {
        let batch = batch_of(seed, 2);
        let first = solve(&batch);
        if !proven(&first) {
            continue;
        }
        let again = solve(&with_current(&batch, &first));
        assert_checks(&batch, &again);
        assert_eq!(again.totals.change_cost, 0.0, "seed {seed}");
        assert!((again.totals.objective - first.totals.objective).abs() < 0.05, "seed {seed}");
        for g in &again.groups {
            assert!(g.changes.is_empty(), "seed {seed}: {:?}", g.changes);
        }
        compared += 1;
    }
    assert!(compared > 5, "{compared}");
}

/// The change costs of plan `r` against `current` under the batch's `change_costs`.
fn change_cost_under(batch: &Value, r: &BatchResult) -> f64 {
    let b = parsed(batch);
    b.groups
        .iter()
        .zip(&r.groups)
        .map(|(g, res)| {
            g.current.as_ref().map_or(0.0, |cur| {
                jidiao_solver::batch::changes(&b, cur, res.plan.as_ref()).iter().filter_map(|c| c.cost).sum::<f64>()
            })
        })
        .sum()
}

/// With the optimum booked and one room type's allotment tightened below what it uses,
/// something must change; whatever the change costs, the plan chosen under them is no
/// worse under them than the plan chosen under other change costs (so the change costs
/// steer the choice to the cheapest change).
#[test]
fn with_a_tightened_allotment_the_cheapest_change_is_chosen() {
    let mut tightened = 0;
    for seed in 0..SEEDS {
        let batch = batch_of(seed, 2);
        let first = solve(&batch);
        if !proven(&first) {
            continue;
        }
        let Some(u) = first.resources.iter().find(|u| u.kind == "hotel_room" && u.used > 1) else { continue };
        let mut b = with_current(&batch, &first);
        let hotels = b["catalog"]["hotels"].as_array_mut().unwrap();
        let h = hotels.iter_mut().find(|h| h["id"] == json!(u.id)).unwrap();
        let room = h["rooms"].as_array_mut().unwrap().iter_mut().find(|r| r["type"] == json!(u.room_type)).unwrap();
        room["allotment"] = split_allotment(&room["allotment"], u.date.0, u.used - 1);
        let mut results = Vec::new();
        for (room_night, vehicle) in [(80.0, 500.0), (5000.0, 500.0), (0.0, 0.0)] {
            let mut bc = b.clone();
            bc["change_costs"] = json!({"hotel_room_night": room_night, "vehicle": vehicle});
            let r = solve(&bc);
            assert_checks(&bc, &r);
            results.push((bc, r));
        }
        for (bc, r) in &results {
            if !proven(r) {
                continue;
            }
            let own_total = r.totals.objective;
            let stated = change_cost_under(bc, r);
            assert!((stated - r.totals.change_cost).abs() < 0.05, "seed {seed}: {stated} vs {}", r.totals.change_cost);
            for (_, other) in &results {
                let same_groups = other.groups.iter().zip(&r.groups).all(|(a, b)| a.plan.is_some() == b.plan.is_some());
                if !same_groups {
                    continue;
                }
                let plans: f64 = other.groups.iter().filter_map(|g| g.plan.as_ref()).map(objective).sum();
                let other_total = plans + change_cost_under(bc, other);
                assert!(own_total <= other_total + 0.05, "seed {seed}: {own_total} > {other_total}");
            }
            if bc["change_costs"]["hotel_room_night"] == json!(80.0) {
                assert!(r.totals.change_cost > 0.0 || r.groups.iter().all(|g| g.changes.is_empty()));
            }
        }
        tightened += 1;
    }
    assert!(tightened > 3, "{tightened}");
}

#[test]
fn a_group_infeasible_alone_keeps_its_diagnosis_and_the_others_are_planned() {
    for seed in 0..SEEDS {
        let own = own_result(&batch_of(seed, 1), 0, 0);
        if own.status != Status::Optimal {
            continue;
        }
        let mut batch = batch_of(seed, 2);
        batch["groups"][1]["trip"]["budget_per_pax"] = json!(1);
        batch["groups"][1]["trip"]["guide"] = Value::Null;
        let r = solve(&batch);
        assert_checks(&batch, &r);
        assert!(r.groups[0].plan.is_some(), "seed {seed}");
        assert_eq!(r.groups[1].status, Status::Infeasible);
        assert!(!r.groups[1].diagnosis.is_empty());
        assert!(matches!(r.status, Status::Optimal | Status::Feasible), "seed {seed}: {:?}", r.status);
        return;
    }
    panic!("no seed is feasible");
}

#[test]
fn yunnan_fixture_keeps_every_shared_capacity() {
    let text = std::fs::read_to_string("fixtures/batch/yunnan-3-groups.job.json").expect("fixture");
    let batch: Value = serde_json::from_str(&text).unwrap();
    let ctx = SolveContext { time_limit_s: 90.0, ..SolveContext::default() };
    let JobResult::Batch(r) = run_document(&text, &ctx) else { panic!("a batch result") };
    assert_checks(&batch, &r);
    assert_eq!(r.groups.len(), 3);
    for g in &r.groups {
        assert!(matches!(g.status, Status::Optimal | Status::Feasible | Status::Timeout), "{:?}", g.status);
    }
    let twins = r.resources.iter().filter(|u| u.id == "km-guandu-holiday" && u.room_type.as_deref() == Some("twin"));
    for u in twins {
        assert!(u.used <= u.capacity);
    }
}

/// The decomposition alone (no joint MILP after it) on small competing batches: its plans
/// fit the shared inventory and check, it is never better than the exact joint optimum
/// (that would be a wrong cost), and its Lagrangian bound never exceeds that optimum (that
/// would be a wrong bound: the gap it reports would lie).
#[test]
fn decomposition_bound_is_below_the_exact_optimum_and_its_plans_fit() {
    let mut compared = 0;
    for seed in 0..SEEDS {
        for (k, f, hotels) in [(2usize, 1, false), (3, 1, false), (3, 2, false), (4, 2, true), (4, 3, false)] {
            let mut batch = batch_of(seed, k);
            scale_capacities(&mut batch, f, hotels);
            let exact = solve(&batch);
            // Proven exact: every group optimal or proven not to fit.
            if !exact.groups.iter().all(|g| matches!(g.status, Status::Optimal | Status::Infeasible)) {
                continue;
            }
            let only = SolveContext { joint_max_columns: 0, ..SolveContext::default() };
            let r = match run_document(&batch.to_string(), &only) {
                JobResult::Batch(b) => b,
                other => panic!("a batch result, got {other:?}"),
            };
            assert_checks(&batch, &r);
            let planned = |b: &BatchResult| b.groups.iter().filter(|g| g.plan.is_some()).count();
            assert!(planned(&r) <= planned(&exact), "seed {seed} k {k}: more groups than the exact optimum");
            if planned(&r) < planned(&exact) {
                continue; // fewer groups planned: objectives are not comparable
            }
            let bound = r.solver.as_ref().unwrap().bound;
            assert!(
                r.totals.objective >= exact.totals.objective - 0.05,
                "seed {seed} k {k}: {} < exact {}",
                r.totals.objective,
                exact.totals.objective
            );
            assert!(
                bound <= exact.totals.objective + 0.05,
                "seed {seed} k {k}: bound {bound} > exact {}",
                exact.totals.objective
            );
            compared += 1;
        }
    }
    assert!(compared > 20, "{compared}");
}
