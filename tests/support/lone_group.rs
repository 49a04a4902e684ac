//! One `plan` job as the only group of a batch model, for the tests of batch pricing
//! and recombination.

use jidiao_solver::batch::block::{price_columns, GroupInput};
use jidiao_solver::batch::resource::MealKey;
use jidiao_solver::contract::{JobBody, PlanJob};
use jidiao_solver::parse::parse_job;
use jidiao_solver::planner::Prepared;
use std::collections::HashSet;

/// The `plan` job of a JSON text.
pub fn plan_job(text: &str) -> PlanJob {
    match parse_job(text).expect("the job parses").body {
        JobBody::Plan(p) => p,
        _ => unreachable!("a plan job"),
    }
}

/// The prepared job as a batch group alone: every rooming of its preparation as its
/// options, its route columns per fleet, one cover, no booking, `floors` as its fleet
/// floors.
pub fn lone_group<'a>(
    p: &'a Prepared,
    job: &PlanJob,
    contested: &HashSet<MealKey>,
    floors: Vec<f64>,
) -> GroupInput<'a> {
    GroupInput {
        prepared: p,
        options: p.rooming.iter().map(|night| night.iter().map(|r| r.iter().cloned().collect()).collect()).collect(),
        priced: p.fleets.iter().map(|f| price_columns(p, f, contested)).collect(),
        covers: 1,
        guide: job.trip.guide.clone(),
        current: None,
        unplanned_penalty: 1e9,
        start: None,
        fleet_floors: floors,
    }
}
