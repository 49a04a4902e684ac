//! The plan MILP for one fleet: choose one route per day and one hotel per
//! night, consistently linked through the overnight places, each attraction
//! at most once, every must-visit once, within the budget.
//!
//! Constraint families (named for diagnosis): `one_route_per_day`,
//! `one_hotel_per_night`, `arrive_at_hotel`, `leave_from_hotel`,
//! `attraction_once`, `must_visit`, `hotel_change`, `budget`.

use super::highs::{solve, Col, MilpOutcome, MilpSettings};
use crate::fleet::Fleet;
use crate::model::TripModel;
use crate::rooming::NightRooming;
use crate::routes::DayRoute;
use good_lp::{constraint, variable, Expression, ProblemVariables, SolverModel};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Plan MILPs with more columns than this are presolved by HiGHS.
pub const PRESOLVE_ABOVE_COLUMNS: u64 = 8_000;

/// A route priced for one fleet.
#[derive(Clone, Copy, Debug)]
pub struct PricedRoute {
    /// Index into the day's route list.
    pub route: usize,
    /// Cost (tickets, meals, the fleet's distance cost and tolls).
    pub cost: f64,
    /// Objective contribution (cost - value + drive penalty).
    pub objective: f64,
}

/// The choices of a plan.
#[derive(Clone, Debug, PartialEq)]
pub struct PlanChoice {
    /// Route index per day (into that day's route list).
    pub routes: Vec<usize>,
    /// Hotel option index per night.
    pub hotels: Vec<usize>,
}

/// The answer for one fleet.
#[derive(Clone, Debug)]
pub struct FleetAnswer {
    /// The best plan found, with its objective.
    pub choice: Option<(PlanChoice, f64)>,
    /// Proven lower bound on the objective with this fleet.
    pub bound: f64,
    /// Optimality proven (within the gap) or infeasibility proven.
    pub proven: bool,
    /// MILP columns.
    pub variables: u64,
    /// MILP rows.
    pub constraints: u64,
    /// Set when HiGHS failed.
    pub failure: Option<String>,
    /// For an LP relaxation: the reduced cost of each priced route, per day.
    pub reduced: Vec<Vec<f64>>,
    /// For an LP relaxation: its optimum chose every route and hotel whole, so `choice`
    /// is also the MILP's proven optimum.
    pub integral: bool,
}

/// Which priced routes (per day, by index into [`price_routes`]' list) a MILP may use.
pub type ColumnMask = Vec<Vec<bool>>;

/// What tells two plans of one fleet apart for a customer: the hotel of each night and
/// the set of attractions of each day.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanClass {
    /// Hotel option per night.
    pub hotels: Vec<usize>,
    /// Attractions visited per day.
    pub sets: Vec<crate::routes::AttractionSet>,
}

/// Terms a caller adds to the plan MILP of one fleet: objective terms that are not plan
/// cost (re-planning's change costs) and plans to exclude (alternatives). None by default.
#[derive(Clone, Copy, Debug, Default)]
pub struct FleetTerms<'a> {
    /// Extra objective per (night, hotel option) chosen; empty = none.
    pub hotel_night: &'a [Vec<f64>],
    /// Extra objective of choosing this fleet.
    pub fleet: f64,
    /// Plans of this fleet to differ from, each in at least one night's hotel or one day's
    /// set of attractions (a no-good cut per plan).
    pub exclude: &'a [PlanClass],
}

/// [`FleetTerms`] for every fleet of a job (by index into its fleet list); empty = none.
#[derive(Clone, Debug, Default)]
pub struct PlanTerms {
    /// Extra objective per (night, hotel option) chosen, whatever the fleet.
    pub hotel_night: Vec<Vec<f64>>,
    /// Extra objective per fleet.
    pub fleet: Vec<f64>,
    /// Plans to differ from, per fleet.
    pub exclude: Vec<Vec<PlanClass>>,
}

impl PlanTerms {
    /// The terms of fleet `f`.
    pub fn for_fleet(&self, f: usize) -> FleetTerms<'_> {
        FleetTerms {
            hotel_night: &self.hotel_night,
            fleet: self.fleet.get(f).copied().unwrap_or(0.0),
            exclude: self.exclude.get(f).map_or(&[], Vec::as_slice),
        }
    }
}

/// The fixed part of the objective with a fleet: day rates, guide, fees.
pub fn fixed_cost(model: &TripModel, fleet: &Fleet) -> f64 {
    let days = model.days.len() as f64;
    fleet.day_rate(&model.vehicles) * days + model.guide_day_fee * days + model.fees_total
}

/// Prices route `i` of a day for a fleet: cost (tickets, meals, the fleet's distance cost and
/// tolls, counting what the day had already driven) and objective (cost - value + drive penalty).
pub fn price_one(model: &TripModel, fleet: &Fleet, i: usize, r: &DayRoute) -> PricedRoute {
    let before = model.days[r.day].driven;
    let cost =
        r.ticket_cost + r.meal_cost + fleet.distance_cost(&model.vehicles, r.km + before.km, r.toll + before.toll);
    let objective = cost - r.value + model.drive_penalty_per_minute * r.drive_minutes as f64;
    PricedRoute { route: i, cost, objective }
}

/// Of the priced routes sharing one key, keeps the best by objective; with a budget, every
/// route on the (objective, cost) Pareto front, since a dearer objective may be needed to fit.
pub fn keep_best(mut v: Vec<PricedRoute>, with_budget: bool, kept: &mut Vec<PricedRoute>) {
    v.sort_by(|a, b| a.objective.total_cmp(&b.objective).then(a.cost.total_cmp(&b.cost)).then(a.route.cmp(&b.route)));
    if !with_budget {
        kept.extend(v.first().copied());
        return;
    }
    let mut best_cost = f64::INFINITY;
    for p in v {
        if p.cost < best_cost - 1e-9 {
            best_cost = p.cost;
            kept.push(p);
        }
    }
}

/// Prices the routes of each day for a fleet and keeps, per (start, end, attraction set),
/// the best one (all Pareto-best in cost and objective when a budget binds).
pub fn price_routes(model: &TripModel, fleet: &Fleet, routes: &[Vec<DayRoute>]) -> Vec<Vec<PricedRoute>> {
    routes
        .iter()
        .map(|day| {
            let mut by_key: BTreeMap<(usize, usize, u128), Vec<PricedRoute>> = BTreeMap::new();
            for (i, r) in day.iter().enumerate() {
                by_key.entry((r.start, r.end, r.set)).or_default().push(price_one(model, fleet, i, r));
            }
            let mut kept = Vec::new();
            for (_, v) in by_key {
                keep_best(v, model.budget_total.is_some(), &mut kept);
            }
            kept
        })
        .collect()
}

/// Builds and solves the plan MILP for one fleet (or its LP relaxation).
pub fn solve_fleet(
    model: &TripModel,
    fleet: &Fleet,
    routes: &[Vec<DayRoute>],
    rooming: &[Vec<Option<NightRooming>>],
    settings: MilpSettings,
    relax: bool,
    mask: Option<&ColumnMask>,
) -> FleetAnswer {
    solve_fleet_with(model, fleet, routes, rooming, settings, relax, mask, FleetTerms::default())
}

/// [`solve_fleet`] with a caller's extra terms.
#[allow(clippy::too_many_arguments)]
pub fn solve_fleet_with(
    model: &TripModel,
    fleet: &Fleet,
    routes: &[Vec<DayRoute>],
    rooming: &[Vec<Option<NightRooming>>],
    settings: MilpSettings,
    relax: bool,
    mask: Option<&ColumnMask>,
    terms: FleetTerms<'_>,
) -> FleetAnswer {
    let priced = price_routes(model, fleet, routes);
    // The LP relaxation (relax = true) gives a lower bound used to skip fleets that cannot win.
    let choose = || if relax { variable().min(0.0).max(1.0) } else { variable().binary() };
    let n_days = model.days.len();
    let n_nights = n_days - 1;
    let mut vars = ProblemVariables::new();
    let allowed = |d: usize, k: usize| mask.is_none_or(|m| m[d][k]);
    let x: Vec<Vec<Option<Col>>> = priced
        .iter()
        .enumerate()
        .map(|(d, day)| (0..day.len()).map(|k| allowed(d, k).then(|| Col::add(&mut vars, choose()))).collect())
        .collect();
    let y: Vec<Vec<Option<Col>>> = rooming
        .iter()
        .map(|night| night.iter().map(|r| r.as_ref().map(|_| Col::add(&mut vars, choose()))).collect())
        .collect();
    let change: Vec<Col> = if model.hotel_change_penalty > 0.0 && n_nights > 1 {
        (0..n_nights - 1).map(|_| Col::add(&mut vars, variable().min(0.0).max(1.0))).collect()
    } else {
        Vec::new()
    };
    let fixed = fixed_cost(model, fleet);
    let settings = MilpSettings { offset: fixed + terms.fleet, ..settings };
    let mut objective = Expression::from(0.0);
    let mut cost = Expression::from(fixed);
    for (d, day) in priced.iter().enumerate() {
        for (k, p) in day.iter().enumerate() {
            if let Some(c) = x[d][k] {
                objective += p.objective * c.var;
                cost += p.cost * c.var;
            }
        }
    }
    for (n, night) in rooming.iter().enumerate() {
        for (h, r) in night.iter().enumerate() {
            if let (Some(r), Some(v)) = (r, y[n][h]) {
                let extra = terms.hotel_night.get(n).and_then(|e| e.get(h)).copied().unwrap_or(0.0);
                objective += (r.cost + extra) * v.var;
                cost += r.cost * v.var;
            }
        }
    }
    for &c in &change {
        objective += model.hotel_change_penalty * c.var;
    }
    let variables = vars.len() as u64;
    let mut problem = vars.minimise(objective).using(good_lp::highs);
    let mut rows = 0u64;
    let mut add = |p: &mut good_lp::solvers::highs::HighsProblem, c: good_lp::Constraint| {
        p.add_constraint(c);
        rows += 1;
    };
    // one_route_per_day
    for xs in &x {
        let e: Expression = xs.iter().flatten().map(|c| c.var).sum();
        add(&mut problem, constraint!(e == 1.0));
    }
    for n in 0..n_nights {
        // one_hotel_per_night
        let hotels: Expression = y[n].iter().flatten().map(|c| c.var).sum();
        add(&mut problem, constraint!(hotels == 1.0));
        // arrive_at_hotel / leave_from_hotel: by overnight place
        let mut places: BTreeSet<usize> = BTreeSet::new();
        let mut at_place: HashMap<usize, Expression> = HashMap::new();
        for (h, v) in y[n].iter().enumerate() {
            if let Some(v) = v {
                let p = model.hotels[h].place;
                places.insert(p);
                *at_place.entry(p).or_default() += v.var;
            }
        }
        let mut ending: HashMap<usize, Expression> = HashMap::new();
        for (k, p) in priced[n].iter().enumerate() {
            if let Some(c) = x[n][k] {
                let e = routes[n][p.route].end;
                places.insert(e);
                *ending.entry(e).or_default() += c.var;
            }
        }
        let mut starting: HashMap<usize, Expression> = HashMap::new();
        for (k, p) in priced[n + 1].iter().enumerate() {
            if let Some(c) = x[n + 1][k] {
                let s = routes[n + 1][p.route].start;
                places.insert(s);
                *starting.entry(s).or_default() += c.var;
            }
        }
        for p in places {
            let sleep = at_place.remove(&p).unwrap_or_default();
            let arrive = ending.remove(&p).unwrap_or_default();
            let leave = starting.remove(&p).unwrap_or_default();
            add(&mut problem, constraint!(arrive == sleep.clone()));
            add(&mut problem, constraint!(leave == sleep));
        }
    }
    // attraction_once / must_visit
    for (i, a) in model.attractions.iter().enumerate() {
        let bit = 1u128 << i;
        let mut visits = Expression::from(0.0);
        let mut any = false;
        for (d, day) in priced.iter().enumerate() {
            for (k, p) in day.iter().enumerate() {
                if let (Some(c), true) = (x[d][k], routes[d][p.route].set & bit != 0) {
                    visits += c.var;
                    any = true;
                }
            }
        }
        if a.must {
            add(&mut problem, constraint!(visits == 1.0));
        } else if any {
            add(&mut problem, constraint!(visits <= 1.0));
        }
    }
    // hotel_change: change[n] >= y[n][h] - y[n+1][h]
    for (n, &c) in change.iter().enumerate() {
        for (tonight, tomorrow) in y[n].iter().zip(&y[n + 1]) {
            match (tonight, tomorrow) {
                (Some(a), Some(b)) => add(&mut problem, constraint!(c.var >= a.var - b.var)),
                (Some(a), None) => add(&mut problem, constraint!(c.var >= a.var)),
                _ => {}
            }
        }
    }
    // budget
    if let Some(b) = model.budget_total {
        add(&mut problem, constraint!(cost <= b + 1e-6));
    }
    // exclude: the hotel-nights and the days' attraction sets of an excluded plan cannot all
    // be chosen again
    for plan in terms.exclude {
        let mut same = Expression::from(0.0);
        for (n, &h) in plan.hotels.iter().enumerate() {
            if let Some(v) = y.get(n).and_then(|ys| ys.get(h)).copied().flatten() {
                same += v.var;
            }
        }
        for (d, &set) in plan.sets.iter().enumerate().take(priced.len()) {
            for (k, p) in priced[d].iter().enumerate() {
                if let (Some(c), true) = (x[d][k], routes[d][p.route].set == set) {
                    same += c.var;
                }
            }
        }
        let most = (plan.hotels.len() + plan.sets.len()) as f64 - 1.0;
        add(&mut problem, constraint!(same <= most));
    }
    // HiGHS's presolve costs ~0.5 s on these models and little else below a few thousand
    // columns (the root LP is nearly integral); above that, its column reductions pay for
    // themselves in cut separation. Measured on the fixtures: BENCHMARKS.md.
    let settings = MilpSettings { presolve: !relax && variables > PRESOLVE_ABOVE_COLUMNS, ..settings };
    let outcome = solve(problem, settings);
    let extract = |values: &[f64]| -> PlanChoice {
        let routes = x
            .iter()
            .enumerate()
            .map(|(d, xs)| {
                let value = |k: usize| xs[k].map_or(f64::NEG_INFINITY, |c| c.value(values));
                let k = (0..xs.len()).max_by(|&a, &b| value(a).total_cmp(&value(b))).unwrap_or(0);
                priced[d][k].route
            })
            .collect();
        let hotels = y
            .iter()
            .map(|ys| {
                ys.iter()
                    .enumerate()
                    .filter_map(|(h, v)| v.map(|v| (h, v.value(values))))
                    .max_by(|a, b| a.1.total_cmp(&b.1))
                    .map_or(0, |(h, _)| h)
            })
            .collect();
        PlanChoice { routes, hotels }
    };
    let mut reduced = Vec::new();
    let mut integral = false;
    let (choice, bound, proven, failure) = match outcome {
        MilpOutcome::Solved { values, objective, bound, proven, reduced_costs, .. } => {
            if relax {
                integral = proven && x.iter().chain(&y).flatten().flatten().all(|c| c.is_whole(&values));
                reduced = x
                    .iter()
                    .map(|xs| xs.iter().map(|c| c.map_or(f64::INFINITY, |c| c.value(&reduced_costs))).collect())
                    .collect();
            }
            (Some((extract(&values), objective)), bound, proven, None)
        }
        MilpOutcome::Infeasible => (None, f64::INFINITY, true, None),
        MilpOutcome::NoSolution { bound } => (None, bound, false, None),
        MilpOutcome::Failed(e) => (None, f64::NEG_INFINITY, false, Some(e)),
    };
    FleetAnswer { choice, bound, proven, variables, constraints: rows, failure, reduced, integral }
}
