//! The validation corpus: every job in `fixtures/invalid/` is rejected with
//! exactly the problems its `<case>.expect.json` lists, every valid fixture
//! validates clean, and the committed JSON Schemas match the wire types.
//!
//! Adding a case: write `fixtures/invalid/<case>.job.json` and
//! `fixtures/invalid/<case>.expect.json`
//! (`{"status": "invalid", "problems": [{"code": "...", "path": "/json/pointer"}]}`).

use jidiao_solver::contract::{PlanResult, Status};
use jidiao_solver::{run_job, Limits, SolveContext};
use serde_json::Value;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

/// Fewer cases than this means the corpus lost files.
const MIN_CASES: usize = 30;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The `*.job.json` files of a fixture directory, sorted.
fn jobs_in(dir: &Path) -> Vec<PathBuf> {
    let mut jobs: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.ends_with(".job.json")))
        .collect();
    jobs.sort();
    jobs
}

fn case_name(job: &Path) -> String {
    let name = job.file_name().and_then(|n| n.to_str()).expect("a UTF-8 file name");
    name.trim_end_matches(".job.json").to_string()
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// The expected `(code, path)` pairs of a case, sorted.
fn expected_problems(case: &str, expect: &Value) -> Result<Vec<(String, String)>, String> {
    if expect.get("status").and_then(Value::as_str) != Some("invalid") {
        return Err(format!("{case}.expect.json: \"status\" must be \"invalid\""));
    }
    let problems = expect
        .get("problems")
        .and_then(Value::as_array)
        .ok_or_else(|| format!("{case}.expect.json: \"problems\" must be a list"))?;
    if problems.is_empty() {
        return Err(format!("{case}.expect.json: an invalid job must list at least one problem"));
    }
    let mut pairs = problems
        .iter()
        .map(|p| match (p.get("code").and_then(Value::as_str), p.get("path").and_then(Value::as_str)) {
            (Some(code), Some(path)) => Ok((code.to_string(), path.to_string())),
            _ => Err(format!("{case}.expect.json: every problem needs a string \"code\" and \"path\"")),
        })
        .collect::<Result<Vec<_>, _>>()?;
    pairs.sort();
    Ok(pairs)
}

/// Everything wrong with the result of one case (empty when it passes).
fn check_case(job_path: &Path) -> Vec<String> {
    let case = case_name(job_path);
    let expect_path = job_path.with_file_name(format!("{case}.expect.json"));
    let expect: Value = match serde_json::from_str(&read(&expect_path)) {
        Ok(v) => v,
        Err(e) => return vec![format!("{}: not JSON: {e}", expect_path.display())],
    };
    let expected = match expected_problems(&case, &expect) {
        Ok(pairs) => pairs,
        Err(e) => return vec![e],
    };
    let text = read(job_path);
    let ctx = SolveContext { time_limit_s: 5.0, ..SolveContext::default() };
    let result: PlanResult = match catch_unwind(AssertUnwindSafe(|| run_job(&text, &ctx))) {
        Ok(r) => r,
        Err(_) => return vec![format!("{case}: run_job panicked")],
    };
    let mut failures = Vec::new();
    if result.status != Status::Invalid {
        failures.push(format!("{case}: status {:?}, expected invalid", result.status));
    }
    if result.plan.is_some() || !result.alternatives.is_empty() {
        failures.push(format!("{case}: an invalid job must not carry a plan"));
    }
    // The document as far as it parses, to check that pointers lead somewhere.
    let document: Option<Value> = serde_json::from_str(&text).ok();
    let mut actual = Vec::new();
    for d in &result.diagnosis {
        let Some(path) = &d.path else {
            failures.push(format!("{case}: problem [{}] has no JSON pointer", d.code));
            continue;
        };
        if d.message.trim().is_empty() {
            failures.push(format!("{case}: problem [{}] at {path:?} has an empty message", d.code));
        }
        if !(path.is_empty() || path.starts_with('/')) {
            failures.push(format!("{case}: problem [{}] path {path:?} is not a JSON pointer", d.code));
        }
        // A missing field cannot be pointed at; every other problem is somewhere in the document.
        if d.code != "missing_field" {
            if let Some(doc) = &document {
                if doc.pointer(path).is_none() {
                    failures.push(format!("{case}: problem [{}] path {path:?} is not in the job", d.code));
                }
            }
        }
        actual.push((d.code.clone(), path.clone()));
    }
    actual.sort();
    if actual != expected {
        let missing: Vec<_> = expected.iter().filter(|p| !actual.contains(p)).collect();
        let extra: Vec<_> = actual.iter().filter(|p| !expected.contains(p)).collect();
        let reported: Vec<String> = result
            .diagnosis
            .iter()
            .map(|d| format!("    [{}] {} {}", d.code, d.path.as_deref().unwrap_or("-"), d.message))
            .collect();
        failures.push(format!(
            "{case}: problems differ from {case}.expect.json\n  not reported: {missing:?}\n  not expected: {extra:?}\n  reported:\n{}",
            reported.join("\n")
        ));
    }
    failures
}

#[test]
fn every_invalid_job_reports_exactly_its_expected_problems() {
    let jobs = jobs_in(&root().join("fixtures/invalid"));
    let failures: Vec<String> = jobs.iter().flat_map(|job| check_case(job)).collect();
    assert!(failures.is_empty(), "{} failure(s):\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn every_invalid_case_has_an_expectation_and_the_corpus_is_complete() {
    let dir = root().join("fixtures/invalid");
    let jobs = jobs_in(&dir);
    assert!(
        jobs.len() >= MIN_CASES,
        "only {} invalid cases in {}; expected at least {MIN_CASES}",
        jobs.len(),
        dir.display()
    );
    for job in &jobs {
        let case = case_name(job);
        assert!(dir.join(format!("{case}.expect.json")).is_file(), "{case}.job.json has no {case}.expect.json");
    }
    for entry in std::fs::read_dir(&dir).expect("the invalid fixtures") {
        let name = entry.expect("a directory entry").file_name().to_string_lossy().into_owned();
        if let Some(case) = name.strip_suffix(".expect.json") {
            assert!(dir.join(format!("{case}.job.json")).is_file(), "{name} has no {case}.job.json");
        }
    }
}

#[test]
fn every_valid_fixture_validates_without_problems() {
    let mut seen = 0;
    for dir in ["fixtures/plan", "fixtures/plan-infeasible"] {
        for path in jobs_in(&root().join(dir)) {
            let job = jidiao_solver::parse::parse_job(&read(&path)).unwrap_or_else(|rejected| {
                panic!("{} does not parse: {:?}", path.display(), rejected.problems);
            });
            let problems = jidiao_solver::validate::validate_job(&job, &Limits::default());
            assert!(problems.is_empty(), "{} has problems: {problems:?}", path.display());
            seen += 1;
        }
    }
    assert!(seen > 0, "no valid fixtures found");
}

fn assert_schema_in_sync(which: &str, generated: Value) {
    let file = root().join(format!("docs/schema/{which}.schema.json"));
    let regenerate = format!("cargo run -- schema {which} > docs/schema/{which}.schema.json");
    let text = std::fs::read_to_string(&file)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}; generate it with `{regenerate}`", file.display()));
    let committed: Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{} is not JSON ({e}); regenerate it with `{regenerate}`", file.display()));
    assert!(
        committed == generated,
        "{} is out of date with the wire types; regenerate it with `{regenerate}` and commit it",
        file.display()
    );
}

#[test]
fn committed_job_schema_matches_the_wire_types() {
    assert_schema_in_sync("job", jidiao_solver::schema::job_schema());
}

#[test]
fn committed_result_schema_matches_the_wire_types() {
    assert_schema_in_sync("result", jidiao_solver::schema::result_schema());
}
