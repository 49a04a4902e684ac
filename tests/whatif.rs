//! What-if: each scenario's result is what `plan` gives for the changed job solved on its
//! own; marginal values are the difference of two plan solves; an op that does not apply
//! makes the job invalid with its path.

use jidiao_solver::check::check_plan;
use jidiao_solver::contract::{JobBody, JobResult, PlanJob, PlanResult, Status, WhatifJob, WhatifResult};
use jidiao_solver::parse::parse_job;
use jidiao_solver::whatif::{binding_allotments, ops, with_one_more_room};
use jidiao_solver::{run_document, SolveContext};
use serde_json::{json, Value};

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/whatif/yunnan-6d-32pax.job.json");

fn fixture() -> Value {
    serde_json::from_str(&std::fs::read_to_string(FIXTURE).expect("fixture")).expect("json")
}

fn whatif_job(doc: &Value) -> WhatifJob {
    match parse_job(&doc.to_string()).expect("parses").body {
        JobBody::Whatif(w) => w,
        _ => unreachable!("a whatif job"),
    }
}

fn run_whatif(doc: &Value) -> WhatifResult {
    match run_document(&doc.to_string(), &SolveContext::default()) {
        JobResult::Whatif(w) => w,
        other => panic!("not a whatif result: {other:?}"),
    }
}

/// A plan job alone, as `jidiao plan` would get it.
fn plan_alone(job: &PlanJob) -> PlanResult {
    let mut doc = serde_json::to_value(job).expect("serialises");
    doc["schema"] = json!("jidiao/v1");
    doc["kind"] = json!("plan");
    doc["job_id"] = json!("ALONE");
    run_document(&doc.to_string(), &SolveContext::default()).into_plan().expect("a plan result")
}

fn total(r: &PlanResult) -> Option<f64> {
    r.plan.as_ref().map(|p| p.costs.total)
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 0.011
}

#[test]
fn every_scenario_is_the_plan_of_its_changed_job_solved_alone() {
    let doc = fixture();
    let w = whatif_job(&doc);
    let r = run_whatif(&doc);
    assert_eq!(r.status, Status::Optimal);
    let base = plan_alone(&w.base);
    assert_eq!(r.base.status, base.status);
    assert_eq!(r.base.plan, base.plan, "the base is the plan of the base job");
    assert_eq!(r.scenarios.len(), w.scenarios.len());
    let limits = SolveContext::default().limits;
    for (i, (s, got)) in w.scenarios.iter().zip(&r.scenarios).enumerate() {
        assert_eq!(got.name, s.name);
        let job = ops::apply(&w.base, s, &format!("/scenarios/{i}"), &limits).expect("the ops apply");
        let alone = plan_alone(&job);
        assert_eq!(got.status, alone.status, "{}", s.name);
        assert_eq!(got.total, total(&alone), "{}: total", s.name);
        assert_eq!(got.plan, alone.plan, "{}: plan", s.name);
        let plan = got.plan.as_ref().expect("every fixture scenario has a plan");
        assert_eq!(got.per_pax, Some(plan.costs.per_pax));
        let delta = got.delta.expect("delta");
        assert!(close(delta, plan.costs.total - total(&base).expect("base total")), "{}: delta {delta}", s.name);
        let violations = check_plan(&job, plan);
        assert!(violations.is_empty(), "{}: {violations:?}", s.name);
        assert_eq!(got.changes, jidiao_solver::compare::plan_changes(base.plan.as_ref().unwrap(), plan));
    }
    // The fixture's scenarios move the needle both ways and change decisions.
    assert!(r.scenarios.iter().any(|s| s.delta.unwrap() > 0.0) && r.scenarios.iter().any(|s| s.delta.unwrap() < 0.0));
    assert!(r.scenarios.iter().any(|s| s.changes.iter().any(|c| c.what == "rooms")));
    assert!(r.scenarios.iter().any(|s| s.changes.iter().any(|c| c.what == "fleet")));
    assert!(r.scenarios.iter().any(|s| s.changes.iter().any(|c| c.what == "attractions")));
}

/// Every binding allotment of the base plan, and its saving from two plan solves.
fn assert_marginal_values(doc: &Value) {
    let w = whatif_job(doc);
    let r = run_whatif(doc);
    let base = plan_alone(&w.base);
    let plan = base.plan.as_ref().expect("a base plan");
    let bindings = binding_allotments(&w.base, plan);
    assert!(!bindings.is_empty(), "the base plan uses up some allotment");
    assert_eq!(r.marginal_values.len(), bindings.len(), "one value per binding allotment");
    for (b, m) in bindings.iter().zip(&r.marginal_values) {
        assert_eq!(
            (m.hotel.as_str(), m.kind.as_str(), m.date),
            (b.hotel.as_str(), b.kind.as_str(), plan.nights[b.night].date)
        );
        let more = plan_alone(&with_one_more_room(&w.base, plan, b));
        let after = more.plan.as_ref().expect("one more room keeps a plan");
        let saving = plan.costs.total - after.costs.total;
        let objective_saving = plan.objective.unwrap() - after.objective.unwrap();
        assert!(
            close(m.saving, saving),
            "{} {} {}: saving {} but two solves give {saving}",
            m.hotel,
            m.kind,
            m.date,
            m.saving
        );
        assert!(
            close(m.objective_saving, objective_saving),
            "{} {}: objective saving {}, solves {objective_saving}",
            m.hotel,
            m.kind,
            m.objective_saving
        );
    }
    assert!(r.marginal_values.iter().any(|m| m.saving > 0.0), "some room is worth having");
}

#[test]
fn marginal_values_are_the_difference_of_two_plan_solves() {
    assert_marginal_values(&fixture());
}

#[test]
fn marginal_values_without_a_budget_are_the_difference_of_two_plan_solves() {
    let mut doc = fixture();
    doc["base"]["trip"].as_object_mut().expect("trip").remove("budget_per_pax");
    doc["scenarios"] = json!([]);
    assert_marginal_values(&doc);
}

#[test]
fn marginal_values_when_the_budget_binds_are_the_difference_of_two_plan_solves() {
    let mut doc = fixture();
    // Just below the unconstrained optimum's 2794.63/pax: the budget decides the plan.
    doc["base"]["trip"]["budget_per_pax"] = json!(2790);
    doc["scenarios"] = json!([]);
    assert_marginal_values(&doc);
}

#[test]
fn an_infeasible_base_has_no_marginal_values_and_scenarios_still_answer() {
    let mut doc = fixture();
    doc["base"]["trip"]["budget_per_pax"] = json!(1000);
    doc["scenarios"] = json!([{"name": "no change", "changes": []}]);
    let r = run_whatif(&doc);
    assert_eq!(r.base.status, Status::Infeasible);
    assert!(!r.base.diagnosis.is_empty());
    assert!(r.marginal_values.is_empty());
    assert_eq!(r.scenarios[0].status, Status::Infeasible);
    assert_eq!(r.scenarios[0].delta, None);
    assert_eq!(r.status, Status::Optimal, "every solve ended with a proof");
}

#[test]
fn ops_that_do_not_apply_make_the_job_invalid_with_their_paths() {
    let mut doc = fixture();
    doc["scenarios"] = json!([
        {"name": "unknown hotel", "changes": [{"op": "scale_price", "hotel": "no-such-hotel", "factor": 1.1}]},
        {"name": "unknown room type", "changes": [{"op": "set_allotment", "hotel": "dl-lanlin", "type": "suite", "rooms": 3}]},
        {"name": "fine, then unknown attraction", "changes": [
            {"op": "shift_dates", "days": 1},
            {"op": "remove_attraction", "attraction": "no-such-sight"}]},
        {"name": "rooming does not add up", "changes": [
            {"op": "set_pax", "adult": 34, "child": 4, "rooming": [{"unit": "couple", "count": 10}]}]},
        {"name": "two suppliers at once", "changes": [{"op": "scale_price", "hotel": "dl-lanlin", "vehicle": "coach-45", "factor": 1.1}]},
        {"name": "negative factor", "changes": [{"op": "scale_price", "vehicle": "coach-45", "factor": -1}]},
        {"name": "removed, then made a must (found applying the ops in order)", "changes": [
            {"op": "remove_attraction", "attraction": "xizhou"},
            {"op": "add_must_visit", "attraction": "xizhou"}]}
    ]);
    let result = run_document(&doc.to_string(), &SolveContext::default());
    assert_eq!(result.status(), Status::Invalid);
    let found: Vec<(String, String)> =
        result.diagnosis().iter().map(|d| (d.code.clone(), d.path.clone().unwrap_or_default())).collect();
    let want = [
        ("unknown_reference", "/scenarios/0/changes/0/hotel"),
        ("unknown_reference", "/scenarios/1/changes/0/type"),
        ("unknown_reference", "/scenarios/2/changes/1/attraction"),
        ("rooming_mismatch", "/scenarios/3/changes/0/rooming"),
        ("bad_value", "/scenarios/4/changes/0"),
        ("negative", "/scenarios/5/changes/0/factor"),
        ("unknown_reference", "/scenarios/6/changes/1/attraction"),
    ];
    let want: Vec<(String, String)> = want.iter().map(|(c, p)| (c.to_string(), p.to_string())).collect();
    assert_eq!(found, want);
    assert!(result.diagnosis().iter().all(|d| d.message.len() > 15));
}

#[test]
fn a_scenario_that_sells_out_a_hotel_moves_the_group_and_says_so() {
    let mut doc = fixture();
    doc["scenarios"] = json!([{"name": "dl-lanlin sold out", "changes": [
        {"op": "set_allotment", "hotel": "dl-lanlin", "type": "twin", "rooms": 0},
        {"op": "set_allotment", "hotel": "dl-lanlin", "type": "king", "rooms": 0},
        {"op": "set_allotment", "hotel": "dl-lanlin", "type": "triple", "rooms": 0}]}]);
    let r = run_whatif(&doc);
    let s = &r.scenarios[0];
    assert_eq!(s.status, Status::Optimal);
    let plan = s.plan.as_ref().expect("a plan");
    assert!(plan.nights.iter().all(|n| n.hotel != "dl-lanlin"));
    let base = r.base.plan.as_ref().expect("base plan");
    for (n, (b, a)) in base.nights.iter().zip(&plan.nights).enumerate() {
        if b.hotel != a.hotel {
            assert!(
                s.changes
                    .iter()
                    .any(|c| c.what == "hotel" && c.date == Some(a.date) && c.from == b.hotel && c.to == a.hotel),
                "night {n}: the hotel change is listed"
            );
        }
    }
    assert!(s.delta.expect("delta") >= 0.0, "losing a hotel cannot make the trip cheaper");
}
