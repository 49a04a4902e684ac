//! Recombination in neighbourhoods (`batch::neighbourhood`, `batch::recombine::recombine_within`):
//! the groups outside a neighbourhood keep their plans, and the neighbourhood shares only
//! what they leave of each capacity.
//!
//! Two copies of one group on a catalog with room for both everywhere but at the group's
//! optimal first hotel, whose allotment holds exactly one group's rooms: with the second copy at its optimum, the first
//! recombined alone must not take those rooms again (it does when nothing is reserved).

mod support;

use jidiao_solver::batch::block::{GroupChoice, GroupInput};
use jidiao_solver::batch::master::Pool;
use jidiao_solver::batch::neighbourhood::{recombine_neighbourhoods, Batch};
use jidiao_solver::batch::pricing::PricingTerms;
use jidiao_solver::batch::recombine::recombine_within;
use jidiao_solver::contract::{ChangeCosts, PlanJob};
use jidiao_solver::milp::highs::MilpSettings;
use std::collections::{BTreeMap, HashSet};
use std::time::{Duration, Instant};
use support::lone_group::{lone_group, plan_job};
use support::room_for_one::{contested_copy, fits, optimum, without_those_rooms};
use support::tiny_jobs::tiny_job;

const EXACT: MilpSettings = MilpSettings { offset: 0.0, time_limit_s: 60.0, mip_gap: 0.0, presolve: true };

/// What the case showed: `None` when the job has no plan or its tightened hotel is not
/// shared by the copies' columns; otherwise whether the first copy found room elsewhere.
fn reserved_rooms_are_kept(job: &PlanJob) -> Option<bool> {
    let (job, p, own) = contested_copy(job)?;
    let contested = HashSet::new();
    let costs = ChangeCosts::default();
    let terms = PricingTerms { catalog: &job.catalog, contested: &contested, costs: &costs };
    let groups: Vec<GroupInput<'_>> = (0..2).map(|_| lone_group(&p, &job, &contested, Vec::new())).collect();
    let best: GroupChoice = groups[0].choice_of_plan(&job.catalog, &own, &contested)?;
    let mut pool = Pool::new(2);
    for (g, group) in groups.iter().enumerate() {
        pool.add(g, group.column(&job.catalog, &contested, &costs, best.clone()));
    }
    // The first copy's pool also holds its best plan without those rooms (other days),
    // when there is one: the neighbourhood may recombine it.
    if let Some(other) = optimum(&without_those_rooms(&job, &own)) {
        if let Some(c) = groups[0].choice_of_plan(&job.catalog, &other, &contested) {
            pool.add(0, groups[0].column(&job.catalog, &contested, &costs, c));
        }
    }
    // Both copies at the optimum do not fit: the tightened rooms are shared rows.
    if fits(&job.catalog, &pool, &[Some(0), Some(0)]) {
        return None;
    }
    // Recombined alone with nothing reserved, the first copy takes its optimum again.
    let free = recombine_within(terms, &groups, &[0], &pool, &[None, None], EXACT).expect("a solution");
    assert_eq!(free[0].as_ref().map(|c| c.objective), Some(best.objective), "alone it finds its optimum");
    // With the second copy holding its optimum, whatever the first gets must fit beside it.
    let held = [None, Some(0)];
    let found = recombine_within(terms, &groups, &[0], &pool, &held, EXACT).expect("a solution");
    let Some(c) = found[0].clone() else { return Some(false) };
    let j = pool.add(0, groups[0].column(&job.catalog, &contested, &costs, c));
    assert!(fits(&job.catalog, &pool, &[Some(j), Some(0)]), "the neighbourhood took rooms the other group holds");
    // The search over neighbourhoods of one group plans the first copy beside the second.
    let penalties = [1e9, 1e9];
    let footprint: Vec<BTreeMap<_, _>> = groups.iter().map(|g| g.footprint(&job.catalog, &contested)).collect();
    let own_bounds = [best.objective, best.objective];
    let batch = Batch {
        terms,
        groups: &groups,
        footprint: &footprint,
        own_bounds: &own_bounds,
        penalties: &penalties,
        size: 1,
    };
    let mut choice = vec![None, Some(0)];
    let until = Instant::now() + Duration::from_secs(60);
    recombine_neighbourhoods(&batch, &mut pool, &mut choice, until, 0.0);
    assert!(choice[0].is_some(), "the search left the first copy unplanned");
    assert!(fits(&job.catalog, &pool, &choice), "the search broke a capacity");
    Some(true)
}

#[test]
fn a_neighbourhood_shares_only_what_the_other_groups_leave() {
    let mut placed = 0;
    for seed in 0..8 {
        placed += usize::from(reserved_rooms_are_kept(&plan_job(&tiny_job(seed).to_string())) == Some(true));
    }
    placed += usize::from(
        reserved_rooms_are_kept(&plan_job(include_str!("../fixtures/plan/yunnan-6d-32pax.job.json"))) == Some(true),
    );
    assert!(placed > 0, "no job placed its first copy elsewhere: nothing was tested");
}
