//! Batch pricing from fleet floors is exact: pricing a group whose fleets carry the
//! bounds of its own solve (and so skips the fleets that cannot win without building
//! their models) finds a plan as good as pricing every fleet, at any prices, and its
//! bound never exceeds that plan; pricing below a bar finds that plan when the bar is
//! above it and nothing when it is not. No timed assertions.

mod support;

use jidiao_solver::batch::day_chain::chain_prices;
use jidiao_solver::batch::pricing::{price_group, priced_value, Prices, PricingTerms};
use jidiao_solver::batch::resource::Resource;
use jidiao_solver::contract::{ChangeCosts, PlanJob};
use jidiao_solver::milp::highs::MilpSettings;
use jidiao_solver::planner::{prepare, solve_prepared, SolveContext};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::HashSet;
use std::time::Instant;
use support::lone_group::{lone_group, plan_job};
use support::tiny_jobs::tiny_job;

const EXACT: MilpSettings = MilpSettings { offset: 0.0, time_limit_s: 60.0, mip_gap: 0.0, presolve: false };

/// Prices the job's group at seeded random prices on what it can use, with and without
/// its fleet floors; returns how many fleets it has.
fn floors_price_exactly(job: &PlanJob, seed: u64) -> usize {
    let ctx = SolveContext { mip_gap: 0.0, ..SolveContext::default() };
    let p = prepare(job, &ctx).expect("prepares");
    let own = solve_prepared(&p, &ctx, Instant::now());
    assert_eq!(own.fleet_bounds.len(), p.fleets.len(), "a bound per fleet");
    let contested = HashSet::new();
    let input = |floors: Vec<f64>| lone_group(&p, job, &contested, floors);
    let with = input(own.fleet_bounds.clone());
    let without = input(Vec::new());
    let costs = ChangeCosts::default();
    let terms = PricingTerms { catalog: &job.catalog, contested: &contested, costs: &costs };
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let reach = with.reach(&job.catalog, &contested);
    // The own optimum, as pricing starts from the pool's best column.
    let start = own.plan.as_ref().and_then(|plan| with.choice_of_plan(&job.catalog, plan, &contested));
    let own_fleet = start.as_ref().map(|c| &p.fleets[c.fleet]);
    for round in 0..4 {
        // Round 0 at zero prices (the floors are the own optimum's bounds), then random
        // prices, then the own fleet's vehicles priced out (another fleet must win).
        let mut price = |r: &Resource| -> f64 {
            let own_vehicle = matches!(r, Resource::Vehicle { vehicle, .. }
                if own_fleet.is_some_and(|f| f.counts.iter().any(|&(v, _)| p.model.vehicles[v].catalog == *vehicle)));
            match round {
                0 => 0.0,
                3 if own_vehicle => 20_000.0,
                _ => rng.random_range(0.0..2_000.0),
            }
        };
        let prices: Prices = reach.keys().map(|r| (r.clone(), price(r))).collect();
        let a = price_group(terms, &with, &prices, None, start.as_ref(), f64::INFINITY, EXACT);
        let b = price_group(terms, &without, &prices, None, start.as_ref(), f64::INFINITY, EXACT);
        assert!(a.failure.is_none() && b.failure.is_none());
        // No column = nothing better than the start.
        let value = |c: &Option<jidiao_solver::batch::block::PlanColumn>| {
            c.as_ref().map(|c| priced_value(c, &prices)).or_else(|| {
                start.as_ref().map(|s| priced_value(&with.column(&job.catalog, &contested, &costs, s.clone()), &prices))
            })
        };
        let (Some(va), Some(vb)) = (value(&a.column), value(&b.column)) else {
            assert!(value(&a.column).is_none() && value(&b.column).is_none(), "one found a plan, the other none");
            continue;
        };
        assert!(
            (va - vb).abs() <= 1e-6 * vb.abs().max(1.0),
            "seed {seed} round {round}: {va} with floors, {vb} without"
        );
        assert!(a.bound <= va + 1e-6 && b.bound <= vb + 1e-6, "a bound above its plan: {} {}", a.bound, b.bound);
        // Looking only below a bar (as ruin and recreate does): above the optimum, the
        // optimum; at or below it, nothing (the chains prune it all).
        if chain_prices(&with) {
            let below = |bar: f64| price_group(terms, &with, &prices, None, None, bar, EXACT).column;
            let over = below(va + 1.0).map(|c| priced_value(&c, &prices));
            assert!(over.is_some_and(|v| (v - va).abs() <= 1e-6 * va.abs().max(1.0)), "seed {seed}: {over:?} not {va}");
            assert!(
                below(va).is_none() && below(va - 1.0).is_none(),
                "seed {seed} round {round}: a plan below the bar"
            );
        }
        if let Some(c) = &a.column {
            let floor = own.fleet_bounds[c.choice.fleet];
            assert!(floor <= c.choice.objective + 1e-6, "fleet {}'s floor {floor} above a plan of it", c.choice.fleet);
        }
    }
    p.fleets.len()
}

#[test]
fn pricing_from_fleet_floors_finds_the_same_optimum() {
    let mut several = 0;
    for seed in 0..8 {
        let job = plan_job(&tiny_job(seed).to_string());
        several += usize::from(floors_price_exactly(&job, seed) > 1);
    }
    let yunnan = plan_job(include_str!("../fixtures/plan/yunnan-6d-32pax.job.json"));
    several += usize::from(floors_price_exactly(&yunnan, 99) > 1);
    assert!(several > 0, "no job had more than one fleet: the floors were never tried");
}
