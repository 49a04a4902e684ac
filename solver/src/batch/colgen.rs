//! The batch decomposition: column generation over the groups' plans, then a choice of
//! one plan per group.
//!
//! 1. The pool starts with each group's own optimum; the groups that do not fit together
//!    are repaired first, in waves of groups that share no resource ([`repair`]), then
//!    recombined ([`super::neighbourhood`]: the joint MILP over the pool's routes and
//!    fleets with the hotels free, the whole batch or a few dozen competing groups at a
//!    time).
//! 2. Starting prices ([`starting_prices`]): the joint LP relaxation's duals when it is
//!    small enough ([`JOINT_LP_MAX_COLUMNS`]) and time allows ([`JOINT_LP_MIN_SECONDS`]),
//!    otherwise the recombination model's LP duals, scaled ([`RECOMBINATION_PRICE_SCALE`]).
//!    A first Lagrangian bound at them comes from every group's LP relaxations
//!    ([`relaxed_round`]), in seconds.
//! 3. Each round solves the master LP ([`super::live_master`]; by the primal simplex
//!    method while that is fast, [`PRIMAL_SIMPLEX_SECONDS`]) while ruin and recreate
//!    ([`super::ruin`]) improves the plans that fit together on the other core (HiGHS
//!    solves the LP on one), and prices in parallel
//!    (rayon) every group whose resources' prices changed, at a mix of the master's duals
//!    and the best prices so far (Wentges smoothing, [`SMOOTHING`]): its best plan at those
//!    prices joins the pool.
//! 4. Every round gives a Lagrangian lower bound, valid for the whole batch, not only for
//!    the pool: `sum_g min(P_g, z_g(price)) - sum_r price_r cap_r`, with `z_g` the proven
//!    bound of group g's pricing MILP. A group not re-priced keeps its last bound, lowered
//!    by what the prices it saw exceed today's times the most it can use (still valid).
//!    Before a group is priced, its options are extended at the prices
//!    ([`super::priced_rooming`]): at each hotel and night, the rooming of least cost plus
//!    room prices joins them, so its pricing is exact without a complete option search.
//!    A room where a group with a budget could dodge the price with a rooming its
//!    options lack is never priced ([`KnownOptions`]).
//! 5. Stop when the bound comes within a tenth of the gap asked for below the LP
//!    ([`CLOSE_SHARE`]), no new plan comes at the master's own prices, or the time share
//!    runs out.
//! 6. A greedy pass builds plans that fit together (the plans of step 1 stand when
//!    better), LP-guided diving ([`super::dive`]) may beat it (it holds groups to the
//!    master LP's columns a few at a time and prices the groups it can no longer place),
//!    the integer master over the pool improves them, recombination improves them again,
//!    a last repair plans any group left out, a local search re-plans each group
//!    within what the others leave ([`improve`]), and ruin and recreate
//!    ([`super::ruin`]) moves small neighbourhoods of competing groups together. Above
//!    [`NEIGHBOURHOOD`] groups the last two take the whole phase.
//!
//! The answer's gap is measured against the Lagrangian bound, so it is honest.

use super::block::{GroupChoice, GroupInput};
use super::dive::dive;
use super::joint::joint_lp;
use super::live_master::LiveMaster;
use super::master::{add_use, fill_cheapest, fits, solve_integer, solve_lp, take_use, use_of, Pool};
use super::neighbourhood::{recombine_neighbourhoods, Batch, NEIGHBOURHOOD, WHOLE};
use super::priced_rooming::{extend_options, extend_within};
use super::pricing::{bound_group, fit_group, price_group, priced_value, Prices, PricingTerms};
use super::recombine::recombination_prices;
use super::resource::Resource;
use super::ruin::{Hints, Incumbent, RuinAndRecreate};
use crate::milp::highs::{LpMethod, MilpSettings};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

/// A proven lower bound on each group's pricing value, and the prices it was proven at.
#[derive(Clone, Debug, Default)]
struct GroupBound {
    value: f64,
    prices: BTreeMap<Resource, f64>,
    /// Only from LP relaxations ([`relaxed_round`]): a MILP at the same prices may prove more.
    relaxed: bool,
}

/// How the decomposition went.
#[derive(Clone, Debug, Default)]
pub struct Decomposition {
    /// Per group, its plan (`None` = unplanned).
    pub choices: Vec<Option<GroupChoice>>,
    /// Objective of the choices (penalties of unplanned groups and change costs included).
    pub objective: f64,
    /// Proven lower bound on the best objective (penalties included).
    pub bound: f64,
    /// Pricing rounds.
    pub rounds: u64,
    /// Plans generated over all groups.
    pub columns: u64,
    /// Set when HiGHS failed.
    pub failure: Option<String>,
}

/// A report of the loop's state for progress: round, columns, objective, bound.
pub type Report<'a> = &'a (dyn Fn(u64, u64, Option<f64>, Option<f64>) + Sync);

/// Time shares and tolerances of a decomposition run.
#[derive(Clone, Copy, Debug)]
pub struct Budget {
    /// When column generation must stop.
    pub pricing_until: Instant,
    /// When everything must be done.
    pub until: Instant,
    /// Relative gap accepted.
    pub mip_gap: f64,
}

/// A group's pricing bound proven at `b.prices`, made valid at `prices`: lowered by what
/// each resource's price fell times the most the group can use of it.
fn group_bound(b: &GroupBound, prices: &Prices, reach: &BTreeMap<Resource, f64>) -> f64 {
    let mut z = b.value;
    for (r, old) in &b.prices {
        let now = prices.get(r).copied().unwrap_or(0.0);
        z -= (old - now).max(0.0) * reach.get(r).copied().unwrap_or(0.0);
    }
    z
}

/// Group `g`'s pool column of least value at `prices` (a start for its pricing).
fn cheapest_at<'p>(pool: &'p Pool, g: usize, prices: &Prices) -> Option<&'p GroupChoice> {
    pool.columns[g].iter().min_by(|a, b| priced_value(a, prices).total_cmp(&priced_value(b, prices))).map(|c| &c.choice)
}

/// The prices of `prices` a group with `reach` sees.
fn seen_prices(reach: &BTreeMap<Resource, f64>, prices: &Prices) -> BTreeMap<Resource, f64> {
    reach.keys().filter_map(|r| prices.get(r).map(|&pi| (r.clone(), pi))).collect()
}

/// How far the groups' rooming options are known, which decides what bounds the batch.
#[derive(Clone, Debug, Default)]
pub struct KnownOptions {
    /// The rooms some group could avoid a price on with a rooming its options lack, even
    /// once they are extended at the prices ([`super::priced_rooming`]: a group with a
    /// budget, where its option search did not run to the end): these are never priced.
    pub unpriceable_rooms: HashSet<Resource>,
    /// Every option search ran to the end: a relaxation of the joint model bounds the batch.
    pub complete: bool,
}

/// `prices` without the rooms of `unpriceable_rooms`: a group's pricing bounds it only
/// when every rooming it could take at a priced room is among its options.
fn exact_prices(mut prices: Prices, unpriceable_rooms: &HashSet<Resource>) -> Prices {
    prices.retain(|r, _| !unpriceable_rooms.contains(r));
    prices
}

pub(super) fn seconds_left(until: Instant) -> f64 {
    until.saturating_duration_since(Instant::now()).as_secs_f64()
}

/// Runs the decomposition. `own_bounds[g]` is a proven lower bound of group g's objective
/// alone (change costs are not negative, so it bounds its pricing at zero prices) and
/// `starts[g]` its own optimum as choices, when it maps onto the model.
pub fn decompose(
    terms: PricingTerms<'_>,
    groups: &mut [GroupInput<'_>],
    own_bounds: &[f64],
    starts: &[Option<GroupChoice>],
    known: &KnownOptions,
    budget: Budget,
    report: Report<'_>,
) -> Decomposition {
    // No room a group could dodge carries a price ([`exact_prices`]).
    let exact = |prices: Prices| exact_prices(prices, &known.unpriceable_rooms);
    let catalog = terms.catalog;
    let n = groups.len();
    let penalties: Vec<f64> = groups.iter().map(|g| g.unplanned_penalty).collect();
    let reach: Vec<BTreeMap<Resource, f64>> = groups.par_iter().map(|g| g.reach(catalog, terms.contested)).collect();
    // The waves of the repair and of the local search: groups whose footprints do not
    // overlap (their reach would make the waves small: every room type at every hotel).
    let footprint: Vec<BTreeMap<Resource, f64>> =
        groups.par_iter().map(|g| g.footprint(catalog, terms.contested)).collect();
    // Roomings fitted to what is left only up to [`WHOLE`] groups: at 300 groups they put
    // groups into the last rooms of crowded hotels, where they blocked the groups after
    // them (22 left out after the repair, against 17-18 without).
    let spread = Spread { reach: &reach, footprint: &footprint, fitting: n <= WHOLE };
    let mut pool = Pool::new(n);
    for (g, s) in starts.iter().enumerate() {
        if let Some(c) = s {
            pool.add(g, groups[g].column(catalog, terms.contested, terms.costs, c.clone()));
        }
    }
    let mut bounds: Vec<GroupBound> =
        own_bounds.iter().map(|&b| GroupBound { value: b, prices: BTreeMap::new(), relaxed: false }).collect();
    let lagrangian = |bounds: &[GroupBound], prices: &Prices| -> f64 {
        let mut total: f64 = -prices.iter().map(|(r, pi)| pi * r.capacity(catalog).unwrap_or(0.0)).sum::<f64>();
        for g in 0..n {
            total += group_bound(&bounds[g], prices, &reach[g]).min(penalties[g]);
        }
        total
    };
    let mut best_bound = lagrangian(&bounds, &Prices::new());
    // Plans that fit together before pricing starts (the groups' own plans, and a group
    // that does not fit re-priced within what the others leave), so the master LP plans
    // every group it can from the first round and its prices are on the scale of plan
    // costs, not of the unplanned penalties.
    let mut first = greedy(catalog, &pool, &[]);
    // Feasibility first: the repair may take most of the time (column generation then
    // runs in what is left of its share, if anything).
    let repair_until = Instant::now() + budget.until.saturating_duration_since(Instant::now()).mul_f64(0.85);
    repair(terms, groups, spread, &mut pool, &mut first, Budget { until: repair_until, ..budget });
    // Recombined before pricing when the whole batch fits one model; a larger batch
    // spends that time pricing (its neighbourhoods place more groups once the pool holds
    // the priced plans: measured at 300 groups).
    if n <= WHOLE {
        let left = budget.pricing_until.saturating_duration_since(Instant::now());
        // At least [`EARLY_RECOMBINE_SECONDS`] while it is at most twice the share: the
        // whole batch's model needs about 3 s at 100 groups to find anything.
        let floor =
            left.mul_f64(2.0 * EARLY_RECOMBINE_SHARE).min(std::time::Duration::from_secs_f64(EARLY_RECOMBINE_SECONDS));
        let until = Instant::now() + left.mul_f64(EARLY_RECOMBINE_SHARE).max(floor);
        let batch = Batch { terms, groups, footprint: &footprint, own_bounds, penalties: &penalties, size: n };
        recombine_neighbourhoods(&batch, &mut pool, &mut first, until, budget.mip_gap);
    }
    // Then the prices that start the pricing ([`starting_prices`]).
    let joint_settings = MilpSettings {
        offset: 0.0,
        time_limit_s: seconds_left(budget.pricing_until) * JOINT_LP_SHARE,
        mip_gap: 0.0,
        presolve: true,
    };
    let joint = starting_prices(terms, groups, &pool, joint_settings);
    let mut rounds = 0u64;
    let mut failure: Option<String> = None;
    let mut lp_values: Vec<Vec<f64>> = Vec::new();
    let lp_settings = |until: Instant| MilpSettings {
        offset: 0.0,
        time_limit_s: seconds_left(until).max(0.05),
        mip_gap: 0.0,
        presolve: true,
    };
    let mut last_round = std::time::Duration::ZERO;
    // Ruin and recreate from the plans that fit together so far, on its own thread beside
    // each master LP, which HiGHS solves on one core: the other core would sit idle.
    let own: Vec<Option<usize>> = starts.iter().map(|s| s.as_ref().map(|_| 0)).collect();
    let mut search = RuinAndRecreate::new(&footprint);
    let mut incumbent = Incumbent::of(&pool, &first);
    // Stabilisation (Wentges smoothing): groups are priced at a mix of the best prices so
    // far (the stability centre, where the Lagrangian bound was highest) and the LP's.
    let mut centre = Prices::new();
    let mut smoothing = SMOOTHING;
    // The first round prices every group at the joint LP's duals, when it was solved in
    // time; its optimum may be a bound too.
    if let Some(j) = joint {
        if known.complete {
            best_bound = best_bound.max(j.bound);
        }
        centre = exact(j.prices);
        smoothing = 1.0;
        // A first bound at those prices from the groups' LP relaxations (fast), each group's
        // options first extended at them. It may run past the pricing's share into the
        // choosing phase ([`RELAXED_BORROW`]): cut short, it bounds nothing.
        let relaxed_until =
            budget.pricing_until + budget.until.saturating_duration_since(budget.pricing_until).mul_f64(RELAXED_BORROW);
        let all: Vec<usize> = (0..n).collect();
        let ready = extend_options(terms, groups, &centre, &all, relaxed_until);
        let ready: Vec<usize> = all.into_iter().filter(|&g| ready[g]).collect();
        for (g, p) in relaxed_round(terms, groups, &ready, &pool, &centre, relaxed_until) {
            let fresh = GroupBound { value: p.bound, prices: seen_prices(&reach[g], &centre), relaxed: true };
            if group_bound(&fresh, &centre, &reach[g]) >= group_bound(&bounds[g], &centre, &reach[g]) {
                bounds[g] = fresh;
            }
            if let Some(c) = p.column {
                pool.add(g, c);
            }
        }
        best_bound = best_bound.max(lagrangian(&bounds, &centre));
        report(rounds, pool.len() as u64, None, Some(best_bound));
    }
    // The master LP kept between rounds, solved by the primal simplex method from the last
    // basis while that is fast, then by interior points ([`PRIMAL_SIMPLEX_SECONDS`]).
    let mut live = LiveMaster::new(&penalties).ok();
    if let Some(m) = live.as_mut() {
        if m.set_method(LpMethod::PrimalSimplex).is_err() {
            live = None;
        }
    }
    // A round is not started when the last one's length would carry it past the deadline.
    while Instant::now() + last_round < budget.pricing_until {
        let round_started = Instant::now();
        // The master kept alive between rounds; built from scratch when HiGHS failed on it.
        let solved = match live.as_mut() {
            Some(m) => {
                let hints = Hints { own: &own, own_bounds, penalties: &penalties, prices: &centre };
                let stop = AtomicBool::new(false);
                let lp = std::thread::scope(|scope| {
                    let (pool, incumbent, search, stop) = (&pool, &mut incumbent, &mut search, &stop);
                    let groups = &mut *groups;
                    scope.spawn(move || {
                        let until = budget.pricing_until;
                        search.run(terms, groups, spread, hints, pool, incumbent, until, budget.mip_gap, stop, true)
                    });
                    let started = Instant::now();
                    let lp = m.solve(catalog, pool, &[], lp_settings(budget.pricing_until).time_limit_s);
                    stop.store(true, Ordering::Relaxed);
                    // A slow simplex solve: interior points from the next round on.
                    if started.elapsed().as_secs_f64() > PRIMAL_SIMPLEX_SECONDS {
                        return m.set_method(LpMethod::Interior).and(lp);
                    }
                    lp
                });
                // Its plans join the pool (and so the master LP).
                incumbent.into_pool(&mut pool);
                Some(lp)
            }
            None => None,
        };
        let solved = match solved {
            Some(Ok(lp)) => Ok(lp),
            _ if Instant::now() < budget.pricing_until => {
                live = None;
                solve_lp(catalog, &pool, &penalties, &[], lp_settings(budget.pricing_until))
            }
            _ => Err("the master LP ran out of time".into()),
        };
        let lp = match solved {
            Ok(lp) => lp,
            Err(e) => {
                if Instant::now() < budget.pricing_until {
                    failure = Some(e);
                }
                break;
            }
        };
        lp_values = lp.values.clone();
        let lp_prices = exact(lp.prices.clone());
        best_bound = best_bound.max(lagrangian(&bounds, &lp_prices));
        report(rounds, pool.len() as u64, None, Some(best_bound));
        if lp.objective - best_bound <= budget.mip_gap.max(1e-6) * lp.objective.abs().max(1.0) * CLOSE_SHARE {
            break;
        }
        let prices = mix(&centre, &lp_prices, smoothing);
        let seen = |g: usize| seen_prices(&reach[g], &prices);
        let to_price: Vec<usize> = (0..n).filter(|&g| bounds[g].relaxed || seen(g) != bounds[g].prices).collect();
        if to_price.is_empty() {
            break;
        }
        // Each group's options extended at the prices first, so its pricing is exact; a
        // group whose options could not be (no time, or HiGHS failed) is not priced.
        let ready = extend_options(terms, groups, &prices, &to_price, budget.pricing_until);
        let to_price: Vec<usize> = to_price.into_iter().zip(ready).filter(|p| p.1).map(|p| p.0).collect();
        let groups: &[GroupInput<'_>] = groups;
        let priced: Vec<(usize, super::pricing::Priced)> = to_price
            .par_iter()
            .map(|&g| {
                if seconds_left(budget.pricing_until) < 0.05 {
                    // Past the deadline: not priced (its old bound stands).
                    let skipped = super::pricing::Priced { column: None, bound: f64::NEG_INFINITY, failure: None };
                    return (g, skipped);
                }
                let start = cheapest_at(&pool, g, &prices);
                let settings = MilpSettings {
                    offset: 0.0,
                    time_limit_s: seconds_left(budget.pricing_until).clamp(0.05, PRICING_SECONDS),
                    mip_gap: budget.mip_gap * 0.25,
                    presolve: false,
                };
                (g, price_group(terms, &groups[g], &prices, None, start, f64::INFINITY, settings))
            })
            .collect();
        let before = pool.len();
        for (g, p) in priced {
            if let Some(e) = p.failure {
                failure = Some(e);
                continue;
            }
            // The old bound, lowered for today's prices, stays valid: keep whichever is higher
            // (a pricing cut short by time may prove less than before).
            let fresh = GroupBound { value: p.bound, prices: seen(g), relaxed: false };
            if group_bound(&fresh, &prices, &reach[g]) >= group_bound(&bounds[g], &prices, &reach[g]) {
                bounds[g] = fresh;
            }
            if let Some(c) = p.column {
                pool.add(g, c);
            }
        }
        rounds += 1;
        last_round = round_started.elapsed();
        best_bound = best_bound.max(lagrangian(&bounds, &lp_prices));
        let at_mix = lagrangian(&bounds, &prices);
        let improved = at_mix > best_bound;
        if improved {
            best_bound = at_mix;
            centre = prices;
        }
        report(rounds, pool.len() as u64, None, Some(best_bound));
        if pool.len() == before {
            // No new plan at the mixed prices (a mispricing): the LP's own prices next, and
            // when those bring none either, the pool is complete.
            if smoothing == 0.0 {
                break;
            }
            smoothing = 0.0;
        } else if improved || smoothing < SMOOTHING {
            smoothing = SMOOTHING;
        } else {
            // No better bound at the mix: half the step towards the LP's prices next.
            smoothing = (1.0 - (1.0 - smoothing) * 0.5).min(MAX_SMOOTHING);
        }
    }
    // Above [`NEIGHBOURHOOD`] groups the local search and ruin and recreate take the
    // choosing phase. Measured at 100 groups in 60 s: the diving, the integer master
    // (proven within 1% of the pool's best) and recombination found nothing better in
    // 17 s, and ruin and recreate in their place took the plan from 13.576 M to 13.487 M.
    // At 300 groups in 600 s (session 15): the diving (127 s, not finished), the integer
    // master (96 s) and recombination (47 s) found nothing better than the greedy fit
    // (20 groups left out, which the repair could not place either); ruin and recreate
    // placed them and reached 45.79 M in the 55 s left, and 45.01 M with the whole phase.
    let local_search_first = n > NEIGHBOURHOOD;
    let mut choice = greedy(catalog, &pool, &lp_values);
    // The plans that fit together before pricing (repaired and recombined), as ruin and
    // recreate beside the master LPs left them, may still be the best.
    let kept = incumbent.into_pool(&mut pool);
    if objective_of_pool(&pool, &penalties, &kept) < objective_of_pool(&pool, &penalties, &choice) {
        choice = kept;
    }
    // The diving changes bounds, after which the primal simplex method would start far off.
    if let Some(m) = live.as_mut() {
        if m.set_method(LpMethod::Interior).is_err() {
            live = None;
        }
    }
    // LP-guided diving, from the pool priced so far, for a start that may beat the greedy one.
    let dived = (!local_search_first).then(|| {
        let dive_until = Instant::now() + budget.until.saturating_duration_since(Instant::now()).mul_f64(DIVE_SHARE);
        dive(terms, groups, spread, &mut pool, &penalties, &mut live, Budget { until: dive_until, ..budget })
    });
    // The master LP is done with: its memory goes back for what follows.
    drop(live);
    if let Some(d) = dived.flatten() {
        let better = objective_of_pool(&pool, &penalties, &d) < objective_of_pool(&pool, &penalties, &choice) - 1e-9;
        if better && capacities_hold(catalog, &pool, &d) {
            choice = d;
        }
    }
    let objective_of = |choice: &[Option<usize>]| objective_of_pool(&pool, &penalties, choice);
    let objective = objective_of(&choice);
    report(rounds, pool.len() as u64, Some(objective), Some(best_bound));
    // The integer master over the pool, from the best start so far (half the time left: the
    // local search takes the rest).
    let left = seconds_left(budget.until);
    if !local_search_first && left > 0.2 && objective - best_bound > budget.mip_gap * objective.abs() {
        let settings = MilpSettings { offset: 0.0, time_limit_s: left * 0.5, mip_gap: budget.mip_gap, presolve: true };
        if let Some(m) = solve_integer(catalog, &pool, &penalties, &choice, settings) {
            let candidate = objective_of(&m.choice);
            if candidate < objective - 1e-9 && capacities_hold(catalog, &pool, &m.choice) {
                choice = m.choice;
            }
        }
    }
    // Recombination: the joint MILP over the pool's routes, hotels free, neighbourhood by
    // neighbourhood (half of what is left: the local search takes the rest). Only up to
    // [`NEIGHBOURHOOD`] groups, so the whole batch is one model.
    let left = seconds_left(budget.until);
    let before = objective_of_pool(&pool, &penalties, &choice);
    if !local_search_first && left > 1.0 && before - best_bound > budget.mip_gap * before.abs() {
        let batch =
            Batch { terms, groups: &*groups, footprint: &footprint, own_bounds, penalties: &penalties, size: n };
        let until = Instant::now() + std::time::Duration::from_secs_f64(left * RECOMBINE_SHARE);
        recombine_neighbourhoods(&batch, &mut pool, &mut choice, until, budget.mip_gap);
    }
    if choice.iter().any(Option::is_none) {
        repair(terms, groups, spread, &mut pool, &mut choice, budget);
    }
    improve(terms, groups, spread, own_bounds, &mut pool, &mut choice, budget);
    // Then neighbourhoods of competing groups moved together, while the gap is open.
    let objective = objective_of_pool(&pool, &penalties, &choice);
    if objective - best_bound > budget.mip_gap * objective.abs() {
        let hints = Hints { own: &own, own_bounds, penalties: &penalties, prices: &centre };
        let mut incumbent = Incumbent::of(&pool, &choice);
        let never = AtomicBool::new(false);
        search.wake();
        search.run(terms, groups, spread, hints, &pool, &mut incumbent, budget.until, budget.mip_gap, &never, false);
        choice = incumbent.into_pool(&mut pool);
    }
    let objective = objective_of_pool(&pool, &penalties, &choice);
    let choices = choice.iter().enumerate().map(|(g, c)| c.map(|j| pool.columns[g][j].choice.clone())).collect();
    Decomposition { choices, objective, bound: best_bound.min(objective), rounds, columns: pool.len() as u64, failure }
}

pub(super) fn capacities_hold(catalog: &crate::contract::Catalog, pool: &Pool, choice: &[Option<usize>]) -> bool {
    use_of(pool, choice).iter().all(|(r, n)| *n <= r.capacity(catalog).unwrap_or(f64::INFINITY) + 1e-6)
}

pub(super) fn objective_of_pool(pool: &Pool, penalties: &[f64], choice: &[Option<usize>]) -> f64 {
    choice.iter().enumerate().map(|(g, c)| c.map_or(penalties[g], |j| pool.columns[g][j].cost)).sum()
}

/// The prices that start the pricing, near the best Lagrangian prices.
///
/// - A batch whose joint LP relaxation ([`joint_lp`]) over the groups trimmed to their
///   likeliest routes ([`GroupInput::trimmed`]) has at most [`JOINT_LP_MAX_COLUMNS`] route
///   columns, when at least [`JOINT_LP_MIN_SECONDS`] are left: its duals, and its optimum
///   as a bound when trimming kept every route.
/// - Otherwise, for a batch of at most [`WHOLE`] groups, the duals of the recombination
///   model's LP relaxation ([`recombination_prices`]: the pool's routes only, so fast),
///   scaled by [`RECOMBINATION_PRICE_SCALE`]; they bound nothing by themselves.
///
/// `None` when neither is solved in time: the pricing then starts from the master's duals.
fn starting_prices(
    terms: PricingTerms<'_>,
    groups: &[GroupInput<'_>],
    pool: &Pool,
    settings: MilpSettings,
) -> Option<super::joint::JointLp> {
    let routes =
        |gs: &[GroupInput<'_>]| gs.iter().map(|g| g.priced.iter().flatten().map(Vec::len).sum::<usize>()).sum();
    if settings.time_limit_s >= JOINT_LP_MIN_SECONDS {
        let trimmed: Vec<GroupInput<'_>> = groups.par_iter().map(|g| g.trimmed(JOINT_LP_ROUTES)).collect();
        let kept: usize = routes(&trimmed);
        if kept <= JOINT_LP_MAX_COLUMNS {
            // A relaxation that lost routes is a restriction: its optimum bounds nothing.
            let whole = kept == routes(groups);
            let j = joint_lp(terms.catalog, &trimmed, terms.contested, terms.costs, settings)?;
            return Some(super::joint::JointLp { bound: if whole { j.bound } else { f64::NEG_INFINITY }, ..j });
        }
    }
    // The recombination model of a batch larger than [`WHOLE`] is too large: at 300 groups
    // its LP took the peak memory past 2 GB.
    if groups.len() > WHOLE {
        return None;
    }
    let prices = recombination_prices(terms, groups, pool, settings)?;
    let prices = prices.into_iter().map(|(r, pi)| (r, pi * RECOMBINATION_PRICE_SCALE)).collect();
    Some(super::joint::JointLp { bound: f64::NEG_INFINITY, prices })
}

/// Share of the recombination model's duals that start the pricing
/// ([`starting_prices`]): that model holds only the pool's routes, so its duals price
/// the scarce resources as if the groups could not avoid them. Measured on 100 groups
/// (the relaxed round's Lagrangian bound, rooms unpriced, against the groups' own optima,
/// 12.39 M): at the full duals 12.51 M, at 0.6 12.60 M, at 0.3 12.63 M.
pub const RECOMBINATION_PRICE_SCALE: f64 = 0.3;

/// The pricing bounds of the groups `which` at `prices` from their LP relaxations
/// ([`bound_group`]), in parallel, each from its pool column of least value at those
/// prices; the groups it could not bound (no time, or HiGHS failed) are left out.
fn relaxed_round(
    terms: PricingTerms<'_>,
    groups: &[GroupInput<'_>],
    which: &[usize],
    pool: &Pool,
    prices: &Prices,
    until: Instant,
) -> Vec<(usize, super::pricing::Priced)> {
    which
        .par_iter()
        .filter_map(|&g| {
            let start = cheapest_at(pool, g, prices);
            let left = seconds_left(until);
            if left < 0.05 {
                return None;
            }
            let settings =
                MilpSettings { offset: 0.0, time_limit_s: left.min(PRICING_SECONDS), mip_gap: 0.0, presolve: false };
            let p = bound_group(terms, &groups[g], prices, start, settings);
            p.failure.is_none().then_some((g, p))
        })
        .collect()
}

/// Share of the choosing phase the relaxed round ([`relaxed_round`]) may take when it
/// runs past the pricing's share: at 100 groups in 60 s it is the only bound, and when a
/// slow repair left it short of time, the bound fell back to the groups' own optima (a
/// gap of 9.2-10.8% instead of 7.2-7.3%). At 0.3 the round was still cut at its end in
/// most runs (87-98 of the 100 groups bounded, bound 12.51-12.63 M); at 0.5 it bounds all
/// 100 with about 2 s to spare (12.63 M every run), and the choosing phase keeps 24 s.
pub const RELAXED_BORROW: f64 = 0.5;

/// Routes kept per day and places (and per must-visit) in the joint LP relaxation
/// ([`GroupInput::trimmed`]).
pub const JOINT_LP_ROUTES: usize = 3;

/// Most route columns in the joint LP relaxation ([`starting_prices`]); measured: 105k
/// columns (30 groups) solve in 2 s, 88k (100 groups, one fleet each) in 17 s, and 303k
/// (300 groups) did not finish in 104 s while taking the peak memory to 1.9 GB. With the
/// generator's batches of today (session 14: every fleet's routes priced) the trimmed
/// model has 1.9 M route columns at 100 groups and 6.8 M at 300 (0.76 M and 2.7 M at one
/// route per day and places), so it runs only on small batches: the prices then come
/// from recombination (at most [`WHOLE`] groups) or from the first master LP.
pub const JOINT_LP_MAX_COLUMNS: usize = 150_000;

/// Least time worth giving the joint LP relaxation: with less it does not finish at 100
/// groups and only delays the pricing.
pub const JOINT_LP_MIN_SECONDS: f64 = 10.0;

/// Most of the pricing time the joint LP relaxation may take.
pub const JOINT_LP_SHARE: f64 = 0.6;

/// Weight of the stability centre in the prices groups are priced at.
pub const SMOOTHING: f64 = 0.8;

/// The most weight of the stability centre: after rounds whose mix did not raise the
/// bound, the step towards the LP's prices halves down to this.
pub const MAX_SMOOTHING: f64 = 1.0 - 1.0 / 64.0;

/// `alpha * centre + (1 - alpha) * lp`, resource by resource.
fn mix(centre: &Prices, lp: &Prices, alpha: f64) -> Prices {
    let mut out = Prices::new();
    for r in centre.keys().chain(lp.keys()) {
        let v = alpha * centre.get(r).copied().unwrap_or(0.0) + (1.0 - alpha) * lp.get(r).copied().unwrap_or(0.0);
        if v > 0.0 {
            out.insert(r.clone(), v);
        }
    }
    out
}

/// Share of the time left after the integer master that recombination
/// ([`recombine_neighbourhoods`]) may take.
pub const RECOMBINE_SHARE: f64 = 0.5;

/// Share of the pricing time left after the repair that recombination may take before
/// pricing starts.
pub const EARLY_RECOMBINE_SHARE: f64 = 0.3;

/// Least seconds recombination before pricing gets, when the pricing's share allows
/// ([`EARLY_RECOMBINE_SHARE`]).
pub const EARLY_RECOMBINE_SECONDS: f64 = 4.5;

/// Share of the time left after column generation that diving ([`dive`]) may take.
pub const DIVE_SHARE: f64 = 0.4;

/// Seconds a master LP by the primal simplex method may take before the rounds after it
/// go by interior points ([`LpMethod`]): measured at 100 groups, primal simplex rounds
/// took 0.03-0.9 s (interior points 0.15-1.8 s), so more rounds fit (27 against 20) and
/// the bound ended higher; at 300 groups they grew past 2 s by round 6 and to 93 s by
/// round 16, where interior points take 18-34 s.
pub const PRIMAL_SIMPLEX_SECONDS: f64 = 2.0;

/// Column generation stops once its bound is within this share of the gap asked for
/// (`mip_gap`) below the master LP. Measured at 100 groups in 60 s (session 18): at 0.5 it
/// stopped at 26-35 s with the bound about 0.45% below the LP; at 0.1 it prices to its
/// deadline and ends with a bound 0.2% higher, while ruin and recreate beside the master
/// LPs keeps the plan about where the longer choosing phase took it.
pub const CLOSE_SHARE: f64 = 0.1;

/// Relative gap at which a repair's MILP stops.
pub const REPAIR_GAP: f64 = 0.05;

/// Most seconds one pricing MILP may take (its bound stays valid when it stops early).
pub const PRICING_SECONDS: f64 = 5.0;

/// Plans from the pool that fit together: the columns the LP likes most first
/// (`lp_values`), then per group the cheapest column that fits; `None` where none fits.
fn greedy(catalog: &crate::contract::Catalog, pool: &Pool, lp_values: &[Vec<f64>]) -> Vec<Option<usize>> {
    let n = pool.columns.len();
    let mut order: Vec<(usize, usize, f64)> = Vec::new();
    for (g, vs) in lp_values.iter().enumerate() {
        for (j, &v) in vs.iter().enumerate() {
            if v > 1e-6 {
                order.push((g, j, v));
            }
        }
    }
    order.sort_by(|a, b| b.2.total_cmp(&a.2).then(pool.columns[a.0][a.1].cost.total_cmp(&pool.columns[b.0][b.1].cost)));
    let mut choice: Vec<Option<usize>> = vec![None; n];
    let mut used: HashMap<Resource, f64> = HashMap::new();
    for &(g, j, _) in &order {
        if choice[g].is_none() && fits(catalog, &used, &pool.columns[g][j]) {
            choice[g] = Some(j);
            add_use(&mut used, &pool.columns[g][j]);
        }
    }
    let rest: Vec<usize> = (0..n).filter(|&g| choice[g].is_none()).collect();
    fill_cheapest(catalog, pool, &mut choice, &rest);
    choice
}

/// What each group can use ([`GroupInput::reach`]: the residual capacities it is priced
/// within), what it uses now ([`GroupInput::footprint`]: the waves of groups priced side
/// by side), and whether the groups placed within what the others leave get roomings
/// that fit.
#[derive(Clone, Copy)]
pub struct Spread<'a> {
    /// Per group, [`GroupInput::reach`].
    pub reach: &'a [BTreeMap<Resource, f64>],
    /// Per group, [`GroupInput::footprint`].
    pub footprint: &'a [BTreeMap<Resource, f64>],
    /// Whether a group placed within what the others leave first gets roomings that fit
    /// it ([`extend_within`]).
    pub fitting: bool,
}

/// Each group left unplanned re-priced within what the others leave of the inventory
/// (its options first extended with roomings that fit what is left, [`extend_within`]),
/// while time lasts; a plan found joins the pool and the choice. In waves: the groups
/// still out whose shared resources do not overlap ([`independent`]) are priced in
/// parallel against the same residual; a plan that no longer fits what the wave's earlier
/// groups took waits for the next wave, and a group that finds nothing is not tried again.
fn repair(
    terms: PricingTerms<'_>,
    groups: &mut [GroupInput<'_>],
    spread: Spread<'_>,
    pool: &mut Pool,
    choice: &mut [Option<usize>],
    budget: Budget,
) {
    let catalog = terms.catalog;
    let mut failed: HashSet<usize> = HashSet::new();
    loop {
        let waiting: Vec<usize> = (0..groups.len()).filter(|&g| choice[g].is_none() && !failed.contains(&g)).collect();
        if waiting.is_empty() || seconds_left(budget.until) < 0.2 {
            return;
        }
        let out = independent(&waiting, spread.footprint);
        let now = use_of(pool, choice);
        // Roomings that fit what is left, where the group's options do not.
        let residuals: Vec<HashMap<Resource, f64>> =
            out.iter().map(|&g| residual(catalog, &spread.reach[g], &now, None)).collect();
        if spread.fitting {
            extend_within(terms, groups, &out, &residuals);
        }
        let groups: &[GroupInput<'_>] = groups;
        let priced: Vec<(usize, Option<super::block::PlanColumn>)> = out
            .par_iter()
            .zip(&residuals)
            .map(|(&g, residual)| {
                // A repair needs a plan that fits, not a proof: a loose gap stops it early.
                let Some(settings) = wave_settings(budget.until, budget.mip_gap.max(REPAIR_GAP)) else {
                    return (g, None);
                };
                (g, fit_group(terms, &groups[g], residual, settings))
            })
            .collect();
        let mut used = now;
        for (g, c) in priced {
            // A group of the wave that found nothing within what the others leave (or ran
            // out of time) is not tried again.
            let Some(c) = c else {
                failed.insert(g);
                continue;
            };
            if fits(catalog, &used, &c) {
                add_use(&mut used, &c);
                choice[g] = Some(pool.add(g, c));
            } else {
                pool.add(g, c);
            }
        }
    }
}

/// Local search on `choice` while time lasts: each group re-planned at its best within
/// what the others leave of the inventory (its pricing at zero prices within the residual
/// capacities, from its current plan; up to [`WHOLE`] groups its options first extended
/// with roomings that fit what is left, [`extend_within`]), a better plan replacing the
/// current one. In waves of groups whose footprints do not overlap ([`independent`]); a
/// new plan that no longer fits what the wave's earlier groups took is not taken. The groups furthest above their
/// own optimum (the unplanned first) lead. Each replacement lowers the objective and keeps
/// every capacity; a pass that improves nothing ends it.
fn improve(
    terms: PricingTerms<'_>,
    groups: &mut [GroupInput<'_>],
    spread: Spread<'_>,
    own_bounds: &[f64],
    pool: &mut Pool,
    choice: &mut [Option<usize>],
    budget: Budget,
) {
    let catalog = terms.catalog;
    let cost = |pool: &Pool, choice: &[Option<usize>], g: usize| choice[g].map(|j| pool.columns[g][j].cost);
    loop {
        let mut order: Vec<usize> = (0..groups.len()).collect();
        let excess = |g: usize| cost(pool, choice, g).map_or(f64::INFINITY, |c| c - own_bounds[g]);
        order.sort_by(|&a, &b| excess(b).total_cmp(&excess(a)).then(a.cmp(&b)));
        let mut improved = 0usize;
        while !order.is_empty() {
            if seconds_left(budget.until) < 0.2 {
                return;
            }
            let wave = independent(&order, spread.footprint);
            order.retain(|g| !wave.contains(g));
            let now = use_of(pool, choice);
            let residuals: Vec<HashMap<Resource, f64>> = wave
                .iter()
                .map(|&g| residual(catalog, &spread.reach[g], &now, choice[g].map(|j| &pool.columns[g][j])))
                .collect();
            // Roomings that fit what is left, where the group's options do not.
            if spread.fitting {
                extend_within(terms, groups, &wave, &residuals);
            }
            let readonly: &[GroupInput<'_>] = groups;
            let found: Vec<(usize, Option<super::block::PlanColumn>)> = wave
                .par_iter()
                .zip(&residuals)
                .map(|(&g, residual)| {
                    let Some(settings) = wave_settings(budget.until, budget.mip_gap) else { return (g, None) };
                    let start = choice[g].map(|j| &pool.columns[g][j].choice);
                    let at_cost = Prices::new();
                    let best =
                        price_group(terms, &readonly[g], &at_cost, Some(residual), start, f64::INFINITY, settings);
                    (g, best.column)
                })
                .collect();
            let mut used = now;
            for (g, c) in found {
                let Some(c) = c else { continue };
                let better = cost(pool, choice, g).is_none_or(|now| c.cost < now - 1e-6);
                if let Some(j) = choice[g] {
                    take_use(&mut used, &pool.columns[g][j]);
                }
                if better && fits(catalog, &used, &c) {
                    add_use(&mut used, &c);
                    choice[g] = Some(pool.add(g, c));
                    improved += 1;
                } else {
                    if let Some(j) = choice[g] {
                        add_use(&mut used, &pool.columns[g][j]);
                    }
                    pool.add(g, c);
                }
            }
        }
        if improved == 0 {
            return;
        }
    }
}

/// One group's MILP settings in a wave of the repair or the local search: what is left of
/// the time, at most [`PRICING_SECONDS`]; `None` when too little is left to start.
pub(super) fn wave_settings(until: Instant, mip_gap: f64) -> Option<MilpSettings> {
    let left = seconds_left(until);
    (left >= 0.1).then_some(MilpSettings {
        offset: 0.0,
        time_limit_s: left.min(PRICING_SECONDS),
        mip_gap,
        presolve: false,
    })
}

/// What is left of each shared resource a group can use (`reach`): its capacity less what
/// `used` counts, given back what `own` (the group's current plan, counted in `used`) takes.
pub(super) fn residual(
    catalog: &crate::contract::Catalog,
    reach: &BTreeMap<Resource, f64>,
    used: &HashMap<Resource, f64>,
    own: Option<&super::block::PlanColumn>,
) -> HashMap<Resource, f64> {
    reach
        .keys()
        .filter_map(|r| {
            let mine: f64 = own.map_or(0.0, |c| c.usage.iter().filter(|(u, _)| u == r).map(|(_, n)| n).sum());
            r.capacity(catalog).map(|cap| (r.clone(), cap - used.get(r).copied().unwrap_or(0.0) + mine))
        })
        .collect()
}

/// Groups of `waiting` (in order) whose shared resources (`uses`) no earlier one of them
/// uses: priced in parallel against one residual, their plans rarely collide.
fn independent(waiting: &[usize], uses: &[BTreeMap<Resource, f64>]) -> Vec<usize> {
    let mut taken: HashSet<&Resource> = HashSet::new();
    let mut out = Vec::new();
    for &g in waiting {
        if uses[g].keys().all(|r| !taken.contains(r)) {
            taken.extend(uses[g].keys());
            out.push(g);
        }
    }
    out
}
