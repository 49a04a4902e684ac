//! Pricing a group's fleet by its chain of days and nights (`batch::day_chain`) is
//! exact: on tiny seeded jobs, the shipped plan fixtures and groups of a generated batch
//! (with their current bookings and change costs), at zero and at random prices, with
//! and without random residual capacities, its plan's priced value equals the optimum of
//! the group's block MILP for the same fleet, it finds a plan exactly when the MILP does,
//! its plan fits the residual capacities, and with a bar it finds nothing below the
//! optimum and the optimum below a bar above it. No timed assertions.

mod support;

use jidiao_solver::batch::block::GroupInput;
use jidiao_solver::batch::check::group_job;
use jidiao_solver::batch::day_chain::{chain_prices, fleet_constants, fleets_floor, price_chain, GroupLinks};
use jidiao_solver::batch::pricing::{price_fleet_milp, price_group, priced_value, Prices, PricingTerms};
use jidiao_solver::batch::resource::{MealKey, Resource};
use jidiao_solver::chain::ChainOutcome;
use jidiao_solver::contract::{Booked, ChangeCosts, JobBody, PlanJob};
use jidiao_solver::generate_batch::{generate_batch, BatchGenSize};
use jidiao_solver::milp::highs::MilpSettings;
use jidiao_solver::parse::parse_job;
use jidiao_solver::planner::{prepare, SolveContext};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::{HashMap, HashSet};
use support::lone_group::{lone_group, plan_job};
use support::tiny_jobs::tiny_job;

const EXACT: MilpSettings = MilpSettings { offset: 0.0, time_limit_s: 120.0, mip_gap: 0.0, presolve: false };

/// Every meal of the group's routes, as contested (so that seats are priced and capped).
fn all_meals(p: &jidiao_solver::planner::Prepared) -> HashSet<MealKey> {
    let mut out = HashSet::new();
    for (d, day) in p.routes.iter().enumerate() {
        for r in day {
            for s in &r.stops {
                if let jidiao_solver::routes::RouteStop::Meal { restaurant, meal } = *s {
                    out.insert(jidiao_solver::batch::block::meal_key(p, d, restaurant, meal));
                }
            }
        }
    }
    out
}

/// Compares chain and MILP on every fleet of the job's group, in four rounds of prices
/// and residuals; returns how many (fleet, round) pairs had a plan.
fn chain_is_exact(job: &PlanJob, current: Option<&Booked>, costs: &ChangeCosts, seed: u64) -> usize {
    let ctx = SolveContext { mip_gap: 0.0, ..SolveContext::default() };
    let p = prepare(job, &ctx).expect("prepares");
    let contested = all_meals(&p);
    let g = GroupInput {
        current,
        covers: job.group.pax.adult + job.group.pax.child,
        ..lone_group(&p, job, &contested, Vec::new())
    };
    assert!(chain_prices(&g) == job.trip.budget_per_pax.is_none());
    if !chain_prices(&g) {
        return 0;
    }
    let terms = PricingTerms { catalog: &job.catalog, contested: &contested, costs };
    let reach = g.reach(&job.catalog, &contested);
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut planned = 0;
    for round in 0..4 {
        // Round 0 at zero prices, then random prices; rounds 2 and 3 also cap every
        // resource at a random part of the most the group could use.
        let prices: Prices =
            reach.keys().map(|r| (r.clone(), if round == 0 { 0.0 } else { rng.random_range(0.0..800.0) })).collect();
        let residual: Option<HashMap<Resource, f64>> = (round >= 2).then(|| {
            reach
                .iter()
                .map(|(r, &most)| {
                    (r.clone(), if rng.random_bool(0.3) { (most * rng.random_range(0.0..1.0)).floor() } else { most })
                })
                .collect()
        });
        let links = GroupLinks::new(terms, &g, &prices, residual.as_ref());
        let mut optima: Vec<Option<f64>> = Vec::new();
        for f in 0..p.fleets.len() {
            let milp = price_fleet_milp(terms, &g, f, &prices, residual.as_ref(), EXACT);
            assert!(milp.failure.is_none(), "HiGHS failed: {:?}", milp.failure);
            optima.push(milp.column.as_ref().map(|m| priced_value(m, &prices)));
            match price_chain(terms, &g, &links, f, f64::INFINITY) {
                ChainOutcome::Plan(choice) => {
                    let c = g.column(&job.catalog, &contested, costs, choice);
                    let chain = priced_value(&c, &prices);
                    let m = milp.column.as_ref().map(|m| priced_value(m, &prices));
                    let m = m.unwrap_or_else(|| {
                        panic!("seed {seed} round {round} fleet {f}: a chain plan ({chain}), no MILP plan")
                    });
                    assert!(
                        (chain - m).abs() <= 1e-6 * m.abs().max(1.0),
                        "seed {seed} round {round} fleet {f}: chain {chain}, MILP {m}"
                    );
                    if let Some(res) = &residual {
                        for (r, n) in &c.usage {
                            assert!(
                                *n <= res.get(r).copied().unwrap_or(f64::INFINITY) + 1e-9,
                                "{r:?} over what is left"
                            );
                        }
                    }
                    // With the plan in hand as the bar: nothing below a bar at its value, the
                    // same value below a bar just above it.
                    let bar = |b: f64| price_chain(terms, &g, &links, f, b);
                    assert_eq!(bar(m - 1.0), ChainOutcome::NoPlan, "seed {seed} round {round} fleet {f}: below {m}");
                    match bar(m + 1.0) {
                        ChainOutcome::Plan(c) => {
                            let v = priced_value(&g.column(&job.catalog, &contested, costs, c), &prices);
                            assert!((v - m).abs() <= 1e-6 * m.abs().max(1.0), "seed {seed}: {v} under a bar, {m} best");
                        }
                        other => panic!("seed {seed} round {round} fleet {f}: {other:?} under a bar above {m}"),
                    }
                    planned += 1;
                }
                ChainOutcome::NoPlan => {
                    assert!(
                        milp.column.is_none(),
                        "seed {seed} round {round} fleet {f}: the MILP has a plan, the chain none"
                    )
                }
                ChainOutcome::TooLarge => panic!("a small job's chain is too large"),
            }
        }
        group_pricing_is_exact(terms, &g, &links, &prices, residual.as_ref(), &optima, seed);
    }
    planned
}

/// The group's pricing over all its fleets (which skips the fleets that the common
/// floor puts above the plan in hand) finds
/// the least of the fleets' optima (`optima`, by MILP) and proves it; the common floor
/// plus each fleet's constant bounds that fleet's optimum.
fn group_pricing_is_exact(
    terms: PricingTerms<'_>,
    g: &GroupInput<'_>,
    links: &GroupLinks<'_>,
    prices: &Prices,
    residual: Option<&HashMap<Resource, f64>>,
    optima: &[Option<f64>],
    seed: u64,
) {
    let fleets: Vec<usize> = (0..optima.len()).collect();
    let constants = fleet_constants(terms, g, prices);
    if let ChainOutcome::Plan(floor) = fleets_floor(g, links, &fleets, f64::INFINITY) {
        for (f, m) in optima.iter().enumerate() {
            if let Some(m) = m {
                assert!(constants[f] + floor <= m + 1e-6 * m.abs().max(1.0), "seed {seed} fleet {f}: floor above {m}");
            }
        }
    }
    let best = optima.iter().flatten().copied().fold(f64::INFINITY, f64::min);
    let same = |v: f64| (v - best).abs() <= 1e-6 * best.abs().max(1.0) || (v.is_infinite() && best.is_infinite());
    let priced = price_group(terms, g, prices, residual, None, f64::INFINITY, EXACT);
    let found = priced.column.as_ref().map_or(f64::INFINITY, |c| priced_value(c, prices));
    assert!(same(found) && same(priced.bound), "seed {seed}: group {found} bound {} against {best}", priced.bound);
}

#[test]
fn chains_price_tiny_jobs_and_fixtures_exactly() {
    let mut planned = 0;
    let mut chained = 0;
    for seed in 0..12 {
        let job = plan_job(&tiny_job(seed).to_string());
        chained += usize::from(job.trip.budget_per_pax.is_none());
        planned += chain_is_exact(&job, None, &ChangeCosts::default(), seed);
    }
    for text in [
        include_str!("../fixtures/plan/yunnan-6d-32pax.job.json"),
        include_str!("../fixtures/plan/guilin-yangshuo-4d.job.json"),
        include_str!("../fixtures/plan/beijing-4d-palace-monday.job.json"),
    ] {
        planned += chain_is_exact(&plan_job(text), None, &ChangeCosts::default(), 77);
    }
    assert!(chained >= 4, "too few seeds without a budget: {chained}");
    assert!(planned >= 8, "too few plans compared: {planned}");
}

#[test]
fn chains_price_generated_groups_with_their_bookings_exactly() {
    let size = BatchGenSize { nights: 4, ..BatchGenSize::standard(4) };
    let text = generate_batch(&size, 3).to_string();
    let JobBody::Batch(batch) = parse_job(&text).expect("parses").body else { unreachable!("a batch") };
    let costs = ChangeCosts { hotel_room_night: 150.0, vehicle: 900.0 };
    let mut planned = 0;
    let mut booked = 0;
    for g in 0..batch.groups.len() {
        let current = batch.groups[g].current.as_ref();
        booked += usize::from(current.is_some());
        planned += chain_is_exact(&group_job(&batch, g), current, &costs, g as u64);
    }
    assert!(booked > 0, "no group had a booking: change costs untested");
    assert!(planned >= 8, "too few plans compared: {planned}");
}
