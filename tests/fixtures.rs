//! Every shipped fixture: plan fixtures solve to `optimal` with the expected
//! objective and pass the checker; infeasible fixtures say why, and applying
//! the suggested relaxation makes them feasible.

use jidiao_solver::check::check_result;
use jidiao_solver::contract::{JobBody, PlanResult, Status};
use jidiao_solver::parse::parse_job;
use jidiao_solver::{run_job, SolveContext};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn cases(dir: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join(dir))
        .expect("fixture folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.to_string_lossy().ends_with(".job.json"))
        .collect();
    v.sort();
    v
}

fn load(path: &Path) -> (String, Value) {
    let text = std::fs::read_to_string(path).expect("fixture");
    let expect = path.to_string_lossy().replace(".job.json", ".expect.json");
    let expect: Value =
        serde_json::from_str(&std::fs::read_to_string(&expect).expect("expect file")).expect("expect json");
    (text, expect)
}

fn checked(text: &str) -> PlanResult {
    let result = run_job(text, &SolveContext::default());
    let JobBody::Plan(job) = parse_job(text).expect("fixture parses").body else { panic!("a plan fixture") };
    let violations = check_result(&job, &result);
    assert!(violations.is_empty(), "{}: the checker rejects the plan: {violations:#?}", result.job_id);
    result
}

#[test]
fn plan_fixtures_solve_to_their_expected_optimum() {
    let paths = cases("fixtures/plan");
    assert!(paths.len() >= 6, "at least 6 realistic fixtures");
    for path in paths {
        let (text, expect) = load(&path);
        let result = checked(&text);
        let name = path.display();
        assert_eq!(result.status, Status::Optimal, "{name}: {:?}", result.diagnosis);
        let plan = result.plan.as_ref().expect("optimal carries a plan");
        let objective = plan.objective.expect("objective");
        let want = expect["objective"].as_f64().expect("expected objective");
        assert!((objective - want).abs() < 0.011, "{name}: objective {objective}, expected {want}");
        let solver = result.solver.as_ref().expect("solver figures");
        assert!(solver.gap <= 1e-6 && (solver.bound - objective).abs() < 0.011, "{name}: not proven: {solver:?}");
        assert!(plan.lines.iter().all(|l| !l.item.is_empty()) && !plan.lines.is_empty());
    }
}

#[test]
fn infeasible_fixtures_name_the_rule_and_the_fix() {
    let paths = cases("fixtures/plan-infeasible");
    assert!(!paths.is_empty());
    for path in paths {
        let (text, expect) = load(&path);
        let result = checked(&text);
        let name = path.display();
        assert_eq!(result.status, Status::Infeasible, "{name}");
        let codes: Vec<&str> = result.diagnosis.iter().map(|d| d.code.as_str()).collect();
        let want: Vec<&str> = expect["codes"].as_array().expect("codes").iter().filter_map(Value::as_str).collect();
        assert_eq!(codes, want, "{name}");
        assert!(result.diagnosis.iter().all(|d| d.message.len() > 20), "{name}: messages say what is wrong");
    }
}

#[test]
fn raising_the_budget_to_the_suggested_relaxation_makes_the_job_feasible() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/plan-infeasible/budget-too-low.job.json");
    let (text, _) = load(&path);
    let result = run_job(&text, &SolveContext::default());
    let item = result.diagnosis.iter().find(|d| d.code == "budget_too_low").expect("budget diagnosis");
    let relaxation = item.relaxation.as_deref().expect("a relaxation");
    let budget: f64 = relaxation.rsplit(' ').next().and_then(|x| x.parse().ok()).expect("a number in the relaxation");
    let mut job: Value = serde_json::from_str(&text).expect("json");
    job["trip"]["budget_per_pax"] = serde_json::json!(budget);
    let relaxed = checked(&job.to_string());
    assert_eq!(relaxed.status, Status::Optimal, "budget {budget} should be enough");
    job["trip"]["budget_per_pax"] = serde_json::json!(budget - 1.0);
    assert_eq!(
        run_job(&job.to_string(), &SolveContext::default()).status,
        Status::Infeasible,
        "and it is the smallest"
    );
}
