//! Test helpers of the batch modules: the shipped batch fixture's catalog and plan
//! columns made by hand.

use super::block::{GroupChoice, PlanColumn};
use super::resource::Resource;
use crate::contract::{Catalog, JobBody};
use crate::milp::plan::PlanChoice;

/// The shipped batch fixture's catalog: `coach-45` (vehicle 1) has one coach a day.
pub fn catalog() -> Catalog {
    let text = include_str!("../../../fixtures/batch/yunnan-3-groups.job.json");
    match crate::parse::parse_job(text).expect("the fixture parses").body {
        JobBody::Batch(b) => b.catalog,
        _ => unreachable!("a batch fixture"),
    }
}

/// A plan column of fleet and route `key`, costing `cost`, using `usage`.
pub fn column(key: usize, cost: f64, usage: Vec<(Resource, f64)>) -> PlanColumn {
    let choice = GroupChoice {
        fleet: key,
        choice: PlanChoice { routes: vec![key], hotels: vec![] },
        options: vec![],
        objective: cost,
    };
    PlanColumn { choice, cost, usage }
}
