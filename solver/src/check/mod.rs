//! The plan checker: re-verifies every rule of the contract for a plan and
//! recomputes every cost from the catalog, independently of the optimiser
//! (its own shortest paths, its own pricing). Used by `jidiao check` and on
//! every plan the tests produce.

mod costs;
mod itinerary;
mod rooms;
mod travel;

use crate::contract::{Plan, PlanJob, PlanResult, Status};
use crate::parse::parse_job;

/// One broken rule.
#[derive(Clone, Debug, PartialEq)]
pub struct Violation {
    /// The rule's short name (e.g. `opening_hours`, `allotment`, `lines_sum`).
    pub rule: &'static str,
    /// What is wrong, with the ids and numbers involved.
    pub message: String,
}

pub(crate) struct Report {
    pub violations: Vec<Violation>,
}

impl Report {
    pub fn fail(&mut self, rule: &'static str, message: String) {
        self.violations.push(Violation { rule, message });
    }
    pub fn expect(&mut self, ok: bool, rule: &'static str, message: impl FnOnce() -> String) {
        if !ok {
            self.fail(rule, message());
        }
    }
}

/// Money equal to the cent.
pub(crate) fn same_money(a: f64, b: f64) -> bool {
    (a - b).abs() < 0.005 + 1e-9 * a.abs().max(b.abs())
}

/// Checks one plan against its job; an empty list means every rule holds.
pub fn check_plan(job: &PlanJob, plan: &Plan) -> Vec<Violation> {
    let mut r = Report { violations: Vec::new() };
    let visits = itinerary::check(job, plan, &mut r);
    rooms::check(job, plan, &mut r);
    costs::check(job, plan, &visits, &mut r);
    r.violations
}

/// Checks a result document: its plan and its alternatives. A result without a plan is
/// accepted only with a status that has none and, for `infeasible`/`invalid`, a diagnosis.
pub fn check_result(job: &PlanJob, result: &PlanResult) -> Vec<Violation> {
    let mut out = Vec::new();
    match (&result.plan, result.status) {
        (Some(plan), Status::Optimal | Status::Feasible) => out.extend(check_plan(job, plan)),
        (None, Status::Infeasible | Status::Invalid) if result.diagnosis.is_empty() => out.push(Violation {
            rule: "diagnosis",
            message: format!("status {} carries no diagnosis", result.status.as_str()),
        }),
        (None, Status::Optimal | Status::Feasible) => {
            out.push(Violation { rule: "plan", message: "a solved result carries no plan".into() })
        }
        (Some(_), s) => {
            out.push(Violation { rule: "plan", message: format!("status {} must not carry a plan", s.as_str()) })
        }
        _ => {}
    }
    for (i, alt) in result.alternatives.iter().enumerate() {
        for mut v in check_plan(job, alt) {
            v.message = format!("alternative {}: {}", i + 1, v.message);
            out.push(v);
        }
    }
    out
}

/// Checks a result text against a job text (for `jidiao check`).
pub fn check_texts(job_text: &str, result_text: &str) -> Vec<Violation> {
    let job = match parse_job(job_text) {
        Ok(j) => j,
        Err(r) => {
            return vec![Violation {
                rule: "job",
                message: format!(
                    "the job is not valid: {}",
                    r.problems.iter().map(|p| p.message.clone()).collect::<Vec<_>>().join("; ")
                ),
            }]
        }
    };
    let plan_job = match &job.body {
        crate::contract::JobBody::Plan(p) => p.clone(),
        crate::contract::JobBody::Replan(r) => r.job.clone(),
        _ => {
            return vec![Violation {
                rule: "job",
                message: format!("checking {} results is not supported", job.kind.as_str()),
            }]
        }
    };
    let result: PlanResult = match serde_json::from_str(result_text) {
        Ok(r) => r,
        Err(e) => return vec![Violation { rule: "result", message: format!("the result cannot be read: {e}") }],
    };
    let mut out = Vec::new();
    if result.job_id != job.job_id {
        out.push(Violation {
            rule: "job_id",
            message: format!("result job_id '{}' is not the job's '{}'", result.job_id, job.job_id),
        });
    }
    out.extend(check_result(&plan_job, &result));
    out
}
