//! jidiao's solver: the domain model of a group tour, the travel graph, day
//! route generation, the MILP formulation and its solution, the quote, and an
//! independent plan checker. No I/O and no async: every function here takes
//! values and returns values, so the CLI, the worker and the tests share it.
//!
//! The pipeline is fixed: [`parse`] -> [`validate`] -> [`model`] -> [`graph`]
//! -> [`rooming`] and [`routes`] -> [`milp`] -> [`extract`] and [`quote`]; the
//! [`check`] module re-verifies a plan from the job alone.
#![warn(missing_docs)]

pub mod alternatives;
pub mod batch;
pub mod chain;
pub mod check;
pub mod compare;
pub mod contract;
pub mod diagnose;
pub mod extract;
pub mod fleet;
pub mod fleet_chain;
pub mod generate;
pub mod generate_batch;
pub mod graph;
pub mod limits;
pub mod milp;
pub mod model;
pub mod parse;
pub mod planner;
pub mod progress;
pub mod quote;
pub mod replan;
pub mod rooming;
pub mod rooming_flow;
pub mod routes;
pub mod schema;
pub mod validate;
pub mod whatif;

use contract::{DiagnosisItem, Job, JobBody, JobKind, JobResult, PlanResult, Status, SCHEMA};
pub use limits::Limits;
pub use planner::SolveContext;

/// Runs one job document end to end: parse, validate, solve. Never panics on bad input;
/// every outcome, `invalid` included, is a result document of the job's kind.
pub fn run_document(text: &str, ctx: &SolveContext) -> JobResult {
    let job = match parse::parse_job_within(text, &ctx.limits) {
        Ok(job) => job,
        Err(rejected) => {
            let kind = rejected.kind.unwrap_or(JobKind::Plan);
            return result(rejected.job_id, kind, Status::Invalid, rejected.problems).into();
        }
    };
    run_parsed_document(&job, ctx)
}

/// Runs an already parsed job of any kind.
pub fn run_parsed_document(job: &Job, ctx: &SolveContext) -> JobResult {
    let mut problems = validate::validate_job(job, &ctx.limits);
    kind_problems(job, &ctx.limits, &mut problems);
    if !problems.is_empty() {
        return result(job.job_id.clone(), job.kind, Status::Invalid, problems).into();
    }
    let ctx = context_for(job, ctx);
    match &job.body {
        JobBody::Plan(p) => {
            let wanted = job.options.alternatives.unwrap_or(0) as usize;
            let (outcome, alternatives) = alternatives::plan_with_alternatives(p, &ctx, wanted);
            JobResult::Plan(PlanResult {
                schema: SCHEMA.to_string(),
                job_id: job.job_id.clone(),
                kind: job.kind,
                status: outcome.status,
                plan: outcome.plan,
                alternatives,
                solver: Some(outcome.figures),
                diagnosis: outcome.diagnosis,
            })
        }
        JobBody::Whatif(w) => whatif::run(w, &job.job_id, &ctx),
        JobBody::Replan(r) => replan::run(r, &job.job_id, &ctx),
        JobBody::Batch(b) => JobResult::Batch(batch::run(b, &job.job_id, &ctx)),
    }
}

/// Problems only applying a what-if's ops in order, or reading a re-plan's `confirmed`
/// against its job, finds; added (at paths not already reported) when the plan job itself
/// is valid, so that every problem is reported at once.
fn kind_problems(job: &Job, limits: &Limits, problems: &mut Vec<DiagnosisItem>) {
    let (more, base) = match &job.body {
        JobBody::Whatif(w) => (whatif::scenario_jobs_checked(w, limits), "/base"),
        JobBody::Replan(r) => (replan::events::validate(r), "/job"),
        _ => return,
    };
    let in_base = |p: &DiagnosisItem| p.path.as_deref().is_some_and(|x| x.starts_with(base));
    if problems.iter().any(in_base) {
        return;
    }
    let found = problems.len();
    for p in more {
        let covered = problems[..found].iter().any(|q| match (&q.path, &p.path) {
            (Some(a), Some(b)) => a.starts_with(b.as_str()) || b.starts_with(a.as_str()),
            _ => false,
        });
        if !covered {
            problems.push(p);
        }
    }
}

/// [`run_document`] as a plan result: the document itself for `plan` jobs (and every
/// result without a body), the whole-trip plan result of a `replan` (without its
/// changes), and only the status, figures and diagnosis of a `whatif`.
pub fn run_job(text: &str, ctx: &SolveContext) -> PlanResult {
    run_document(text, ctx).into_plan_view()
}

/// [`run_parsed_document`] as a plan result (see [`run_job`]).
pub fn run_parsed(job: &Job, ctx: &SolveContext) -> PlanResult {
    run_parsed_document(job, ctx).into_plan_view()
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
