//! Alternative plans (`options.alternatives = k`, 提供多种方案供客户选择): the next-best
//! plans, each differing from every better one in at least one night's hotel, the fleet,
//! or one day's set of attractions, in order of objective.
//!
//! Each alternative is one more solve of the same prepared job with a no-good cut per plan
//! found (for its fleet: its hotel-nights and its days' attraction sets cannot all be
//! chosen again; another fleet differs anyway). The fleet loop prunes by LP bound against
//! the best plan of that solve, which is the next-best overall: exact.

use crate::contract::StopKind;
use crate::contract::{Plan, PlanJob, Status};
use crate::milp::plan::{PlanClass, PlanTerms};
use crate::planner::{self, PlanOutcome, Prepared, SolveContext};
use crate::routes::AttractionSet;
use std::time::Instant;

/// Plans a group and finds up to `wanted` alternatives. The outcome is exactly what
/// [`planner::plan`] gives; alternatives stop early when no other plan exists, when the
/// time limit runs out, or after the first one that is not proven next-best.
pub fn plan_with_alternatives(job: &PlanJob, ctx: &SolveContext, wanted: usize) -> (PlanOutcome, Vec<Plan>) {
    if wanted == 0 {
        return (planner::plan(job, ctx), Vec::new());
    }
    let started = Instant::now();
    let (outcome, prepared) = planner::plan_reusing(job, ctx, None);
    let (Some(best), Some(prepared)) = (outcome.plan.as_ref(), prepared) else {
        return (outcome, Vec::new());
    };
    let mut terms = PlanTerms { exclude: vec![Vec::new(); prepared.fleets.len()], ..PlanTerms::default() };
    let mut found: Vec<Plan> = Vec::new();
    let mut last = best.clone();
    while found.len() < wanted && started.elapsed().as_secs_f64() < ctx.time_limit_s {
        let Some((f, class)) = class_of(&prepared, &last) else { break };
        terms.exclude[f].push(class);
        let next = planner::solve_prepared_with(&prepared, ctx, started, &terms);
        match (next.status, next.plan) {
            (Status::Optimal, Some(plan)) => {
                found.push(plan.clone());
                last = plan;
            }
            (Status::Feasible, Some(plan)) => {
                found.push(plan);
                break;
            }
            _ => break,
        }
    }
    (outcome, found)
}

/// The fleet index and the class (hotel per night, attraction set per day) of a plan.
pub fn class_of(p: &Prepared, plan: &Plan) -> Option<(usize, PlanClass)> {
    let m = &p.model;
    let c = m.catalog();
    let fleet = crate::compare::fleet_counts(&plan.fleet);
    let f = p.fleets.iter().position(|fl| {
        fl.counts.len() == fleet.len()
            && fl.counts.iter().all(|&(v, n)| fleet.get(&c.vehicles[m.vehicles[v].catalog].id) == Some(&n))
    })?;
    let hotels = plan
        .nights
        .iter()
        .map(|n| m.hotels.iter().position(|h| c.hotels[h.catalog].id == n.hotel))
        .collect::<Option<Vec<usize>>>()?;
    let sets = plan
        .days
        .iter()
        .map(|d| {
            d.stops.iter().filter(|s| s.kind == StopKind::Attraction).try_fold(0 as AttractionSet, |set, s| {
                let i = m.attractions.iter().position(|a| Some(&a.id) == s.id.as_ref())?;
                Some(set | (1 << i))
            })
        })
        .collect::<Option<Vec<AttractionSet>>>()?;
    Some((f, PlanClass { hotels, sets }))
}
