//! Recombination (`batch::recombine`): the joint MILP over the routes and fleets of the
//! pool's plans, with every hotel and rooming option at their overnight places free.
//! From a pool holding only the group's own optimal days with the dearest hotels at the
//! same places, it must find the group's optimum again.

mod support;

use jidiao_solver::batch::block::GroupChoice;
use jidiao_solver::batch::master::Pool;
use jidiao_solver::batch::pricing::PricingTerms;
use jidiao_solver::batch::recombine::recombine;
use jidiao_solver::contract::{ChangeCosts, PlanJob};
use jidiao_solver::milp::highs::MilpSettings;
use jidiao_solver::planner::{prepare, solve_prepared, SolveContext};
use std::collections::HashSet;
use std::time::Instant;
use support::lone_group::{lone_group, plan_job};
use support::tiny_jobs::tiny_job;

const EXACT: MilpSettings = MilpSettings { offset: 0.0, time_limit_s: 60.0, mip_gap: 0.0, presolve: true };

/// Recombines the job's group from a pool of one column: its optimum's fleet and days,
/// each night at the dearest rooming of any hotel at the same place. Returns whether that
/// column was dearer than the optimum (so the test had something to find); `false` for a
/// job without a plan.
fn recombination_restores_the_optimum(job: &PlanJob) -> bool {
    let ctx = SolveContext { mip_gap: 0.0, ..SolveContext::default() };
    let p = prepare(job, &ctx).expect("prepares");
    let own = solve_prepared(&p, &ctx, Instant::now());
    let contested = HashSet::new();
    let group = lone_group(&p, job, &contested, Vec::new());
    let costs = ChangeCosts::default();
    let terms = PricingTerms { catalog: &job.catalog, contested: &contested, costs: &costs };
    let Some(plan) = own.plan.as_ref() else { return false };
    let best: GroupChoice = group.choice_of_plan(&job.catalog, plan, &contested).expect("the plan maps onto the model");
    // The dearest rooming option of any hotel at the optimum's place, night by night.
    let (mut hotels, mut options) = (Vec::new(), Vec::new());
    for (n, &h) in best.choice.hotels.iter().enumerate() {
        let place = p.model.hotels[h].place;
        let dearest = (0..p.model.hotels.len())
            .filter(|&k| p.model.hotels[k].place == place)
            .flat_map(|k| group.options[n][k].iter().enumerate().map(move |(o, r)| (k, o, r.cost)))
            .max_by(|a, b| a.2.total_cmp(&b.2))
            .expect("the optimum's own hotel is there");
        hotels.push(dearest.0);
        options.push(dearest.1);
    }
    let spoiled = group.choice(best.fleet, best.choice.routes.clone(), hotels, options);
    let dearer = spoiled.objective > best.objective + 1e-6;
    let mut pool = Pool::new(1);
    pool.add(0, group.column(&job.catalog, &contested, &costs, spoiled));
    let found = recombine(terms, std::slice::from_ref(&group), &pool, &[None], EXACT).expect("a solution");
    let found = found[0].as_ref().expect("the group is planned");
    assert!(
        (found.objective - best.objective).abs() <= 1e-6 * best.objective.abs().max(1.0),
        "recombined {} against the optimum {}",
        found.objective,
        best.objective
    );
    assert_eq!(found.choice.routes, best.choice.routes, "only the pool's days may be used");
    dearer
}

#[test]
fn recombination_frees_the_hotels_of_the_pools_days() {
    let mut dearer = 0;
    for seed in 0..8 {
        dearer += usize::from(recombination_restores_the_optimum(&plan_job(&tiny_job(seed).to_string())));
    }
    dearer += usize::from(recombination_restores_the_optimum(&plan_job(include_str!(
        "../fixtures/plan/yunnan-6d-32pax.job.json"
    ))));
    assert!(dearer > 0, "no job had a dearer hotel at its places: nothing was tested");
}
