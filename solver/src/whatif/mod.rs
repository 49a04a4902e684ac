//! What-if analysis (成本假设分析): every scenario applied to the base job and solved on
//! its own, next to the base, in parallel; the decisions that changed; and the marginal
//! value of each allotment the base plan uses up, found by solving again.

pub mod ops;
pub mod reuse;

use crate::compare::plan_changes;
use crate::contract::{
    Date, DiagnosisItem, JobKind, JobResult, MarginalValue, Plan, PlanJob, ScenarioResult, SolverFigures, Status,
    WhatifBase, WhatifJob, WhatifResult, SCHEMA,
};
use crate::planner::{self, PlanOutcome, Prepared, SolveContext};
use crate::rooming::{best_rooming, terms_on};
use rayon::prelude::*;
use std::time::Instant;

/// Every problem applying the scenarios' ops in order finds (empty = every op applies).
pub fn scenario_jobs_checked(job: &WhatifJob, limits: &crate::Limits) -> Vec<DiagnosisItem> {
    scenario_jobs(job, limits).err().unwrap_or_default()
}

/// Every scenario's job (the base with its changes applied), or every problem found.
pub fn scenario_jobs(job: &WhatifJob, limits: &crate::Limits) -> Result<Vec<PlanJob>, Vec<DiagnosisItem>> {
    let mut jobs = Vec::with_capacity(job.scenarios.len());
    let mut problems = Vec::new();
    for (i, s) in job.scenarios.iter().enumerate() {
        match ops::apply(&job.base, s, &format!("/scenarios/{i}"), limits) {
            Ok(j) => jobs.push(j),
            Err(p) => problems.extend(p),
        }
    }
    if problems.is_empty() {
        Ok(jobs)
    } else {
        Err(problems)
    }
}

/// Runs a validated what-if job.
pub fn run(job: &WhatifJob, job_id: &str, ctx: &SolveContext) -> JobResult {
    let started = Instant::now();
    let jobs = match scenario_jobs(job, &ctx.limits) {
        Ok(j) => j,
        Err(problems) => return crate::result(job_id.to_string(), JobKind::Whatif, Status::Invalid, problems).into(),
    };
    // The base first: a scenario that only changes hotels, vehicles or tickets takes its
    // travel matrix and day routes ([`reuse`]). Each scenario is solved alone, in parallel;
    // rayon keeps the input order.
    let (base, prepared) = planner::plan_reusing(&job.base, ctx, None);
    let outcomes: Vec<PlanOutcome> =
        jobs.par_iter().map(|j| planner::plan_reusing(j, ctx, prepared.as_ref()).0).collect();
    let (marginal_values, marginal_proven, marginal_failed) = match (&base.plan, &prepared) {
        (Some(plan), Some(p)) if base.status == Status::Optimal => marginal_values(&job.base, plan, p, ctx),
        _ => (Vec::new(), true, false),
    };
    let base_total = base.plan.as_ref().map(|p| p.costs.total);
    let scenarios: Vec<ScenarioResult> = job
        .scenarios
        .iter()
        .zip(outcomes)
        .map(|(s, o)| {
            let total = o.plan.as_ref().map(|p| p.costs.total);
            let changes = match (&base.plan, &o.plan) {
                (Some(b), Some(p)) => plan_changes(b, p),
                _ => Vec::new(),
            };
            ScenarioResult {
                name: s.name.clone(),
                status: o.status,
                total,
                per_pax: o.plan.as_ref().map(|p| p.costs.per_pax),
                delta: total.zip(base_total).map(|(t, b)| crate::quote::round2(t - b)),
                changes,
                plan: o.plan,
                diagnosis: o.diagnosis,
                solver: Some(o.figures),
            }
        })
        .collect();
    let statuses = std::iter::once(base.status).chain(scenarios.iter().map(|s| s.status));
    let status = overall(statuses, marginal_proven, marginal_failed);
    let figures = SolverFigures {
        seconds: started.elapsed().as_secs_f64(),
        variables: base.figures.variables
            + scenarios.iter().filter_map(|s| s.solver.as_ref()).map(|f| f.variables).sum::<u64>(),
        constraints: base.figures.constraints
            + scenarios.iter().filter_map(|s| s.solver.as_ref()).map(|f| f.constraints).sum::<u64>(),
        ..SolverFigures::default()
    };
    JobResult::Whatif(WhatifResult {
        schema: SCHEMA.to_string(),
        job_id: job_id.to_string(),
        kind: JobKind::Whatif,
        status,
        base: WhatifBase {
            status: base.status,
            plan: base.plan,
            diagnosis: base.diagnosis,
            solver: Some(base.figures),
        },
        scenarios,
        marginal_values,
        solver: Some(figures),
        diagnosis: Vec::new(),
    })
}

/// `optimal` when every solve ended with a proof, `error` when one failed, else `feasible`
/// (a solve ran out of time, or a scenario was too large to build).
fn overall(statuses: impl Iterator<Item = Status>, marginal_proven: bool, marginal_failed: bool) -> Status {
    let mut status = if marginal_proven { Status::Optimal } else { Status::Feasible };
    for s in statuses {
        match s {
            Status::Optimal | Status::Infeasible => {}
            Status::Error => return Status::Error,
            Status::Feasible | Status::Timeout | Status::Invalid => status = Status::Feasible,
        }
    }
    if marginal_failed {
        Status::Error
    } else {
        status
    }
}

/// Whether the budget leaves the optimum alone: the best plan without a budget keeps it
/// (then it is also the best plan with it, and one more room is priced as without a budget).
fn budget_is_slack(p: &Prepared, ctx: &SolveContext) -> bool {
    let mut model = p.model.clone();
    model.budget_total = None;
    let free = Prepared {
        model,
        travel: p.travel.clone(),
        rooming: p.rooming.clone(),
        routes: p.routes.clone(),
        fleets: p.fleets.clone(),
    };
    let o = planner::solve_prepared(&free, ctx, Instant::now());
    let budget = p.model.budget_total.unwrap_or(f64::INFINITY);
    // Lines are rounded to the cent; the budget is kept on the exact cost (within a cent per line).
    o.status == Status::Optimal && o.plan.is_some_and(|q| q.costs.total <= budget - 0.01 * q.lines.len() as f64)
}

/// An allotment the base plan uses up: (night index, hotel id, room type, allotment).
#[derive(Clone, Debug, PartialEq)]
pub struct Binding {
    /// Night index.
    pub night: usize,
    /// Hotel id.
    pub hotel: String,
    /// Room type.
    pub kind: String,
    /// That night's allotment, all used.
    pub rooms: u32,
}

/// Every room type whose allotment the plan uses in full, night by night.
pub fn binding_allotments(job: &PlanJob, plan: &Plan) -> Vec<Binding> {
    let mut out = Vec::new();
    for (n, night) in plan.nights.iter().enumerate() {
        let Some(hotel) = job.catalog.hotels.iter().find(|h| h.id == night.hotel) else { continue };
        let used = crate::compare::rooms_by_type(night);
        for t in terms_on(hotel, night.date.0) {
            let kind = &hotel.rooms[t.index].kind;
            if used.get(kind).is_some_and(|&u| u >= t.allotment) {
                out.push(Binding { night: n, hotel: hotel.id.clone(), kind: kind.clone(), rooms: t.allotment });
            }
        }
    }
    out
}

/// The base job with one more room of a binding allotment on its night.
pub fn with_one_more_room(job: &PlanJob, plan: &Plan, b: &Binding) -> PlanJob {
    let mut j = job.clone();
    let date: Date = plan.nights[b.night].date;
    if let Some(room) = j
        .catalog
        .hotels
        .iter_mut()
        .find(|h| h.id == b.hotel)
        .and_then(|h| h.rooms.iter_mut().find(|r| r.kind == b.kind))
    {
        ops::set_allotment(&mut room.allotment, date.0, date.0, b.rooms + 1);
    }
    j
}

/// The marginal value of every binding allotment of the base plan: the optimum with one
/// more room of it (exact for the MILP, not an LP dual). Returns the values, and whether
/// every solve was proven and whether one failed.
///
/// Without a budget no solve is needed: the room only changes the rooming cost of that
/// night at that hotel, by the same amount for every plan that sleeps there, and the base
/// plan sleeps there and was the best of all; so the base plan with the cheaper rooming is
/// the new optimum, and the saving is the rooming's. So too when the budget is slack (the
/// best plan without it keeps it). When the budget binds, a plan it ruled out could now
/// fit, so the job is solved again (taking the base's routes).
fn marginal_values(job: &PlanJob, plan: &Plan, p: &Prepared, ctx: &SolveContext) -> (Vec<MarginalValue>, bool, bool) {
    let bindings = binding_allotments(job, plan);
    let m = &p.model;
    let budget_binds = m.budget_total.is_some() && !bindings.is_empty() && !budget_is_slack(p, ctx);
    let solved: Vec<Option<(Status, f64, f64)>> = bindings
        .par_iter()
        .map(|b| {
            let more = with_one_more_room(job, plan, b);
            let h = m.hotels.iter().position(|o| m.catalog().hotels[o.catalog].id == b.hotel)?;
            let now = p.rooming[b.night][h].as_ref().ok()?;
            if !budget_binds {
                let hotel = more.catalog.hotels.iter().find(|x| x.id == b.hotel)?;
                let after = best_rooming(hotel, m.days[b.night].date, &m.rooming).ok()?;
                let saving = now.cost - after.cost;
                return Some((Status::Optimal, saving, saving));
            }
            let (o, _) = planner::plan_reusing(&more, ctx, Some(p));
            let objective = |q: &Plan| q.objective.unwrap_or(0.0);
            Some(match &o.plan {
                Some(q) => (o.status, plan.costs.total - q.costs.total, objective(plan) - objective(q)),
                None => (o.status, 0.0, 0.0),
            })
        })
        .collect();
    let mut proven = true;
    let mut failed = false;
    let mut out = Vec::new();
    for (b, x) in bindings.iter().zip(solved) {
        match x {
            Some((Status::Optimal, saving, objective_saving)) => out.push(MarginalValue {
                hotel: b.hotel.clone(),
                kind: b.kind.clone(),
                date: plan.nights[b.night].date,
                saving: crate::quote::round2(saving),
                objective_saving: crate::quote::round2(objective_saving),
            }),
            Some((Status::Error, ..)) | None => failed = true,
            Some(_) => proven = false,
        }
    }
    (out, proven, failed)
}
