//! jidiao's solver: the domain model of a group tour, the travel graph, day
//! route generation, the MILP formulation and its solution, the quote, and an
//! independent plan checker. No I/O and no async: every function here takes
//! values and returns values, so the CLI, the worker and the tests share it.
//!
//! The pipeline is fixed: [`parse`] -> [`validate`] -> [`model`] -> [`graph`]
//! -> [`rooming`] and [`routes`] -> [`milp`] -> [`extract`] and [`quote`]; the
//! [`check`] module re-verifies a plan from the job alone.
#![warn(missing_docs)]

pub mod check;
pub mod contract;
pub mod diagnose;
pub mod extract;
pub mod fleet;
pub mod graph;
pub mod limits;
pub mod milp;
pub mod model;
pub mod parse;
pub mod planner;
pub mod quote;
pub mod rooming;
pub mod routes;
pub mod schema;
pub mod validate;

use contract::{DiagnosisItem, Job, JobBody, JobKind, PlanResult, Status, SCHEMA};
pub use limits::Limits;
pub use planner::SolveContext;

/// Runs one job document end to end: parse, validate, solve. Never panics on bad input;
/// every outcome, `invalid` included, is a result document.
pub fn run_job(text: &str, ctx: &SolveContext) -> PlanResult {
    let job = match parse::parse_job(text) {
        Ok(job) => job,
        Err(rejected) => {
            return result(rejected.job_id, rejected.kind.unwrap_or(JobKind::Plan), Status::Invalid, rejected.problems)
        }
    };
    run_parsed(&job, ctx)
}

/// Runs an already parsed job.
pub fn run_parsed(job: &Job, ctx: &SolveContext) -> PlanResult {
    let problems = validate::validate_job(job, &ctx.limits);
    if !problems.is_empty() {
        return result(job.job_id.clone(), job.kind, Status::Invalid, problems);
    }
    let ctx = context_for(job, ctx);
    match &job.body {
        JobBody::Plan(p) => {
            let outcome = planner::plan(p, &ctx);
            PlanResult {
                schema: SCHEMA.to_string(),
                job_id: job.job_id.clone(),
                kind: job.kind,
                status: outcome.status,
                plan: outcome.plan,
                alternatives: Vec::new(),
                solver: Some(outcome.figures),
                diagnosis: outcome.diagnosis,
            }
        }
        _ => result(
            job.job_id.clone(),
            job.kind,
            Status::Error,
            vec![DiagnosisItem::general(
                "kind_not_supported",
                format!("jobs of kind '{}' are read and validated but not solved by this version", job.kind.as_str()),
            )],
        ),
    }
}

/// The solve context for a job: its options within the service's limits.
pub fn context_for(job: &Job, base: &SolveContext) -> SolveContext {
    let mut ctx = base.clone();
    if let Some(t) = job.options.time_limit_s {
        ctx.time_limit_s = t.min(base.time_limit_s);
    }
    if let Some(g) = job.options.mip_gap {
        ctx.mip_gap = g;
    }
    ctx
}

/// A result without a plan.
pub fn result(job_id: String, kind: JobKind, status: Status, diagnosis: Vec<DiagnosisItem>) -> PlanResult {
    PlanResult {
        schema: SCHEMA.to_string(),
        job_id,
        kind,
        status,
        plan: None,
        alternatives: Vec::new(),
        solver: None,
        diagnosis,
    }
}
