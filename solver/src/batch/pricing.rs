//! Pricing: the best plan of one group when every shared resource has a price (the
//! master's duals), or within what the other groups leave of the inventory. The group's
//! block ([`super::block`]) with `planned` fixed to 1, its objective plus the resources'
//! prices times its use of them, optionally capped by residual capacities.

use super::block::{GroupChoice, GroupInput, PlanColumn, Scope};
use super::day_chain::{chain_prices, fleet_constants, fleets_floor, price_chain, GroupLinks};
use super::resource::{MealKey, Resource};
use crate::chain::ChainOutcome;
use crate::contract::{Catalog, ChangeCosts};
use crate::milp::highs::{solve_from, Col, MilpOutcome, MilpSettings};
use good_lp::{constraint, variable, ProblemVariables, SolverModel};
use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

/// Prices of shared resources (each >= 0); a resource not listed costs nothing.
pub type Prices = HashMap<Resource, f64>;

/// What pricing one group found.
#[derive(Clone, Debug)]
pub struct Priced {
    /// The best plan found, as a master column.
    pub column: Option<PlanColumn>,
    /// Proven lower bound on `cost + prices . use` over all the group's plans (within the
    /// residual capacities when given); `+inf` when the group has no such plan.
    pub bound: f64,
    /// Set when HiGHS failed.
    pub failure: Option<String>,
}

/// Everything pricing needs besides the group.
#[derive(Clone, Copy)]
pub struct PricingTerms<'a> {
    /// The one catalog.
    pub catalog: &'a Catalog,
    /// Contested restaurant meals.
    pub contested: &'a HashSet<MealKey>,
    /// Change costs.
    pub costs: &'a ChangeCosts,
}

/// The value of a column under `prices`: its cost plus the prices of what it uses.
pub fn priced_value(column: &PlanColumn, prices: &Prices) -> f64 {
    column.cost + column.usage.iter().map(|(r, n)| prices.get(r).copied().unwrap_or(0.0) * n).sum::<f64>()
}

/// The best plan of group `g` under `prices`, within `residual` capacities when given;
/// `start` is a plan of the group to start from (it must fit the residual capacities).
/// Only a plan of value below `below` is looked for (`f64::INFINITY`: the best plan): a
/// group's chains prune everything at or above it (ruin and recreate knows what a group
/// may cost for its try to gain); a group with a budget, priced by its MILPs, ignores it.
///
/// With several fleets: the LP relaxation of each fleet whose floor
/// ([`GroupInput::fleet_floors`]) can beat the best plan so far (a fleet whose floor
/// cannot is skipped without a model), then the MILPs in order of LP bound, skipping a
/// fleet whose bound cannot beat the best plan found or whose relaxation is already
/// whole. Exact: skipped fleets' bounds still count.
pub fn price_group(
    terms: PricingTerms<'_>,
    g: &GroupInput<'_>,
    prices: &Prices,
    residual: Option<&HashMap<Resource, f64>>,
    start: Option<&GroupChoice>,
    below: f64,
    settings: MilpSettings,
) -> Priced {
    price_fleets(terms, g, prices, residual, start, below, settings, true)
}

/// A lower bound of group `g`'s pricing value under `prices` from its fleets' LP
/// relaxations alone (no MILP; a fleet whose relaxation chose whole routes and hotels
/// gives its plan too): much faster than [`price_group`], for a Lagrangian bound early.
/// `start` is a plan to measure the fleets' floors against.
pub fn bound_group(
    terms: PricingTerms<'_>,
    g: &GroupInput<'_>,
    prices: &Prices,
    start: Option<&GroupChoice>,
    settings: MilpSettings,
) -> Priced {
    price_fleets(terms, g, prices, None, start, f64::INFINITY, settings, false)
}

/// [`price_group`], with the fleets' MILPs after their relaxations (`milps`) or without,
/// the chains looking only below `below`.
#[allow(clippy::too_many_arguments)]
fn price_fleets(
    terms: PricingTerms<'_>,
    g: &GroupInput<'_>,
    prices: &Prices,
    residual: Option<&HashMap<Resource, f64>>,
    start: Option<&GroupChoice>,
    below: f64,
    settings: MilpSettings,
    milps: bool,
) -> Priced {
    // The time limit is for all of this group's models together.
    let until = deadline(settings);
    if chain_prices(g) {
        return price_by_chains(terms, g, prices, residual, start, below, until, settings, milps);
    }
    price_fleets_milp(terms, g, prices, residual, start, until, settings, milps)
}

/// [`price_fleets`] of a group with a budget: each fleet's LP relaxation and MILP.
#[allow(clippy::too_many_arguments)]
fn price_fleets_milp(
    terms: PricingTerms<'_>,
    g: &GroupInput<'_>,
    prices: &Prices,
    residual: Option<&HashMap<Resource, f64>>,
    start: Option<&GroupChoice>,
    until: Instant,
    settings: MilpSettings,
    milps: bool,
) -> Priced {
    let fleets = g.prepared.fleets.len();
    let settings = || MilpSettings { time_limit_s: seconds_until(until).max(0.01), ..settings };
    if fleets <= 1 && milps {
        return price_scope(terms, g, prices, residual, start, settings(), Scope::default()).0;
    }
    let (order, mut incumbent) = fleets_by_floor(terms, g, prices, residual, start);
    let value = |c: &PlanColumn| priced_value(c, prices);
    let mut best: Option<PlanColumn> = None;
    let mut bound = f64::INFINITY;
    // The LP relaxations of the fleets whose floors can beat the best plan: a bound each,
    // and the fleet's optimum when the relaxation chose whole routes and hotels.
    let mut open: Vec<(usize, f64)> = Vec::new();
    for f in order {
        let floor = g.fleet_floor(f);
        if floor >= incumbent - 1e-6 || Instant::now() >= until {
            // No better plan with this fleet, or no time to look: its floor stands.
            bound = bound.min(floor);
            continue;
        }
        let (lp, integral) =
            price_scope(terms, g, prices, residual, None, settings(), Scope { fleet: Some(f), relax: true });
        if lp.failure.is_some() {
            return lp;
        }
        let lp_bound = lp.bound.max(floor);
        match lp.column.filter(|_| integral) {
            Some(c) => {
                bound = bound.min(lp_bound);
                if value(&c) < incumbent {
                    incumbent = value(&c);
                    best = Some(c);
                }
            }
            None => open.push((f, lp_bound)),
        }
    }
    if !milps {
        let bound = open.iter().fold(bound, |b, o| b.min(o.1));
        return Priced { column: best, bound: bound.min(incumbent), failure: None };
    }
    // Then the MILPs, most promising first, skipping a fleet whose LP bound cannot beat
    // the best plan found.
    open.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
    for (f, lp_bound) in open {
        if lp_bound >= incumbent - 1e-6 || Instant::now() >= until {
            bound = bound.min(lp_bound);
            continue;
        }
        let from = start.filter(|c| c.fleet == f);
        let (r, _) = price_scope(terms, g, prices, residual, from, settings(), Scope { fleet: Some(f), relax: false });
        if r.failure.is_some() {
            return r;
        }
        bound = bound.min(r.bound.max(lp_bound));
        if let Some(c) = r.column {
            if value(&c) < incumbent {
                incumbent = value(&c);
                best = Some(c);
            }
        }
    }
    Priced { column: best, bound: bound.min(incumbent), failure: None }
}

/// The fleets of group `g` that fit `residual` (when given), from the lowest floor
/// (their own plans' bounds: once a fleet's floor is no better than the best plan found,
/// neither is any later one's, and none of them needs a model), and the value of `start`
/// at `prices` (`+inf` without one).
fn fleets_by_floor(
    terms: PricingTerms<'_>,
    g: &GroupInput<'_>,
    prices: &Prices,
    residual: Option<&HashMap<Resource, f64>>,
    start: Option<&GroupChoice>,
) -> (Vec<usize>, f64) {
    let fits = |f: usize| residual.is_none_or(|res| fleet_fits(g, f, res));
    let mut order: Vec<usize> = (0..g.prepared.fleets.len()).filter(|&f| fits(f)).collect();
    order.sort_by(|&a, &b| g.fleet_floor(a).total_cmp(&g.fleet_floor(b)).then(a.cmp(&b)));
    let start = start.map_or(f64::INFINITY, |c| {
        priced_value(&g.column(terms.catalog, terms.contested, terms.costs, c.clone()), prices)
    });
    (order, start)
}

/// [`price_fleets`] for a group without a budget: each fleet whose floor can beat the
/// best plan so far priced exactly by its chain ([`price_chain`]), fleets from the lowest
/// floor; a fleet whose chain is too large by its MILP (or, without `milps`, its LP
/// relaxation).
#[allow(clippy::too_many_arguments)]
fn price_by_chains(
    terms: PricingTerms<'_>,
    g: &GroupInput<'_>,
    prices: &Prices,
    residual: Option<&HashMap<Resource, f64>>,
    start: Option<&GroupChoice>,
    below: f64,
    until: Instant,
    settings: MilpSettings,
    milps: bool,
) -> Priced {
    let (order, incumbent) = fleets_by_floor(terms, g, prices, residual, start);
    let mut incumbent = incumbent.min(below);
    let value = |c: &PlanColumn| priced_value(c, prices);
    let mut best: Option<PlanColumn> = None;
    let mut bound = f64::INFINITY;
    // What the fleets' chains share, built when the first fleet needs it.
    let mut links: Option<GroupLinks<'_>> = None;
    // With several fleets, a bound for each from one chain over all their routes
    // ([`fleets_floor`]): its constant plus the chain's value.
    let mut common = vec![f64::NEG_INFINITY; g.prepared.fleets.len()];
    if order.len() > 1 {
        let shared = links.get_or_insert_with(|| GroupLinks::new(terms, g, prices, residual));
        let constants = fleet_constants(terms, g, prices);
        let least = order.iter().map(|&f| constants[f]).fold(f64::INFINITY, f64::min);
        let floor = match fleets_floor(g, shared, &order, incumbent - least) {
            ChainOutcome::Plan(v) => v,
            ChainOutcome::NoPlan => incumbent - least,
            ChainOutcome::TooLarge => f64::NEG_INFINITY,
        };
        for &f in &order {
            common[f] = constants[f] + floor;
        }
    }
    for f in order {
        let floor = g.fleet_floor(f).max(common[f]);
        if floor >= incumbent - 1e-6 || Instant::now() >= until {
            bound = bound.min(floor);
            continue;
        }
        let shared = links.get_or_insert_with(|| GroupLinks::new(terms, g, prices, residual));
        let column = match price_chain(terms, g, shared, f, incumbent) {
            ChainOutcome::Plan(choice) => {
                let c = g.column(terms.catalog, terms.contested, terms.costs, choice);
                bound = bound.min(value(&c));
                c
            }
            ChainOutcome::NoPlan => continue,
            ChainOutcome::TooLarge => {
                let settings = MilpSettings { time_limit_s: seconds_until(until).max(0.01), ..settings };
                let scope = Scope { fleet: Some(f), relax: !milps };
                let (r, _) = price_scope(terms, g, prices, residual, None, settings, scope);
                if r.failure.is_some() {
                    return r;
                }
                bound = bound.min(r.bound.max(floor));
                match r.column {
                    Some(c) => c,
                    None => continue,
                }
            }
        };
        if value(&column) < incumbent {
            incumbent = value(&column);
            best = Some(column);
        }
    }
    Priced { column: best, bound: bound.min(incumbent), failure: None }
}

/// The best plan of fleet `f` of group `g` at `prices`, within `residual` when given, by
/// the group's block MILP alone (no chain): the reference the chains are tested against.
pub fn price_fleet_milp(
    terms: PricingTerms<'_>,
    g: &GroupInput<'_>,
    f: usize,
    prices: &Prices,
    residual: Option<&HashMap<Resource, f64>>,
    settings: MilpSettings,
) -> Priced {
    price_scope(terms, g, prices, residual, None, settings, Scope { fleet: Some(f), relax: false }).0
}

/// One model of [`price_group`]: the group's block within `scope`, and whether its
/// optimum chose every binary whole (an LP relaxation's optimum is then the MILP's).
fn price_scope(
    terms: PricingTerms<'_>,
    g: &GroupInput<'_>,
    prices: &Prices,
    residual: Option<&HashMap<Resource, f64>>,
    start: Option<&GroupChoice>,
    settings: MilpSettings,
    scope: Scope,
) -> (Priced, bool) {
    let mut vars = ProblemVariables::new();
    let planned = Col::add(&mut vars, variable().min(1.0).max(1.0));
    let b = g.block_in(&mut vars, terms.catalog, planned, terms.contested, terms.costs, scope);
    let mut objective = b.objective.clone();
    let mut rows = b.rows.clone();
    for (r, e) in &b.usage {
        if let Some(&pi) = prices.get(r).filter(|&&pi| pi > 0.0) {
            objective += pi * e.clone();
        }
        if let Some(&cap) = residual.and_then(|res| res.get(r)) {
            rows.push(constraint!(e.clone() <= cap.max(0.0)));
        }
    }
    let mut start_values = vec![0.0; vars.len()];
    for &(d, booked) in &b.drops {
        start_values[d.col] = booked;
    }
    if let Some(c) = start {
        g.start_values(&b, c, &mut start_values);
    }
    let mut problem = vars.minimise(objective).using(good_lp::highs);
    for r in rows {
        problem.add_constraint(r);
    }
    let settings = MilpSettings { offset: b.offset, presolve: false, ..settings };
    match solve_from(problem, settings, start.map(|_| start_values.as_slice())) {
        MilpOutcome::Solved { values, bound, objective, proven, .. } => {
            // An LP's optimum is its bound (HiGHS reports no MIP bound for it).
            let bound = if scope.relax {
                if proven {
                    objective
                } else {
                    f64::NEG_INFINITY
                }
            } else {
                bound
            };
            let whole = |c: &Col| c.is_whole(&values);
            let integral = proven
                && b.fleet.iter().all(whole)
                && b.x.iter().flatten().flatten().all(whole)
                && b.w.iter().flatten().flatten().all(whole);
            let column =
                g.extract(&b, &values).map(|choice| g.column(terms.catalog, terms.contested, terms.costs, choice));
            (Priced { column, bound, failure: None }, integral)
        }
        MilpOutcome::Infeasible => (Priced { column: None, bound: f64::INFINITY, failure: None }, true),
        MilpOutcome::NoSolution { bound } => (Priced { column: None, bound, failure: None }, false),
        MilpOutcome::Failed(e) => (Priced { column: None, bound: f64::NEG_INFINITY, failure: Some(e) }, false),
    }
}

/// When `settings`' time limit, counted from now, runs out.
fn deadline(settings: MilpSettings) -> Instant {
    Instant::now() + Duration::from_secs_f64(settings.time_limit_s.max(0.0))
}

fn seconds_until(until: Instant) -> f64 {
    until.saturating_duration_since(Instant::now()).as_secs_f64()
}

/// Whether fleet `f` of group `g` fits the vehicles left on every day of its trip.
pub(super) fn fleet_fits(g: &GroupInput<'_>, f: usize, residual: &HashMap<Resource, f64>) -> bool {
    let model = &g.prepared.model;
    g.prepared.fleets[f].counts.iter().all(|&(v, n)| {
        model.days.iter().all(|d| {
            let r = Resource::Vehicle { vehicle: model.vehicles[v].catalog, date: d.date };
            residual.get(&r).is_none_or(|&left| n as f64 <= left + 1e-9)
        })
    })
}

/// A plan of group `g` within `residual` capacities, quickly and without proof: the
/// fleets that fit the vehicles left, cheapest day rates first, each fleet's MILP until
/// one has a plan (by its chain, for a group without a budget). For repairing a choice
/// that does not fit (a primal heuristic).
pub fn fit_group(
    terms: PricingTerms<'_>,
    g: &GroupInput<'_>,
    residual: &HashMap<Resource, f64>,
    settings: MilpSettings,
) -> Option<PlanColumn> {
    let until = deadline(settings);
    let model = &g.prepared.model;
    let mut fleets: Vec<usize> = (0..g.prepared.fleets.len()).filter(|&f| fleet_fits(g, f, residual)).collect();
    fleets.sort_by(|&a, &b| {
        let cost = |f: usize| crate::milp::plan::fixed_cost(model, &g.prepared.fleets[f]);
        cost(a).total_cmp(&cost(b)).then(a.cmp(&b))
    });
    if chain_prices(g) {
        // Each fleet's chain instead of its MILP, in the same order.
        let no_prices = Prices::new();
        let links = GroupLinks::new(terms, g, &no_prices, Some(residual));
        for f in fleets {
            match price_chain(terms, g, &links, f, f64::INFINITY) {
                ChainOutcome::Plan(c) => return Some(g.column(terms.catalog, terms.contested, terms.costs, c)),
                ChainOutcome::NoPlan => {}
                ChainOutcome::TooLarge => {
                    let settings = MilpSettings { time_limit_s: seconds_until(until).max(0.01), ..settings };
                    let scope = Scope { fleet: Some(f), relax: false };
                    let c = price_scope(terms, g, &no_prices, Some(residual), None, settings, scope).0.column;
                    if c.is_some() {
                        return c;
                    }
                }
            }
        }
        return None;
    }
    for f in fleets {
        let left = seconds_until(until);
        if left <= 0.01 {
            return None;
        }
        let settings = MilpSettings { time_limit_s: left, ..settings };
        let scope = Scope { fleet: Some(f), relax: false };
        if let Some(c) = price_scope(terms, g, &Prices::new(), Some(residual), None, settings, scope).0.column {
            return Some(c);
        }
    }
    None
}
