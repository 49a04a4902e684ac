//! The joint MILP of a batch: every group's plan MILP (as in [`crate::milp::plan`], with a
//! fleet binary per minimal fleet and route columns per fleet) side by side, coupled by the
//! shared capacities, with change costs against `current`, and elastic: a group may be
//! left unplanned at a large penalty, so a batch whose inventory cannot take every group
//! still plans the others.
//!
//! Per group g: `planned_g` (binary); `fleet_{g,f}` (binary, sum = planned); route columns
//! `x_{g,f,d,k}` (sum over k = fleet_{g,f} each day); rooming options `w_{g,n,h,o}` (sum
//! over h and o = planned each night), linked to the routes through the overnight places;
//! attractions at most once, must-visits once when planned; hotel changes; budget.
//! Shared rows: rooms of a type per hotel and night, vehicles per type and day, covers
//! per restaurant, meal and date, guides per day.

use super::options::rooms_by_type;
use crate::contract::{Booked, Catalog, ChangeCosts};
use crate::contract::{Plan, StopKind};
use crate::fleet::Fleet;
use crate::milp::highs::{solve_from, Col, MilpOutcome, MilpSettings};
use crate::milp::plan::{fixed_cost, keep_best, price_one, PlanChoice, PricedRoute};
use crate::planner::Prepared;
use crate::rooming::NightRooming;
use crate::routes::RouteStop;
use chrono::NaiveDate;
use good_lp::{constraint, variable, Expression, ProblemVariables, SolverModel};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// A restaurant meal on a date: (catalog restaurant index, meal name, date).
pub type MealKey = (usize, String, NaiveDate);

/// One group of the joint model.
pub struct GroupInput<'a> {
    /// The group's prepared model (routes, rooming, fleets).
    pub prepared: &'a Prepared,
    /// `options[n][h]`: rooming options at hotel option h on night n (empty = unusable).
    pub options: Vec<Vec<Vec<NightRooming>>>,
    /// Meal covers.
    pub covers: u32,
    /// The group's guide id, if any.
    pub guide: Option<String>,
    /// What the group has booked today.
    pub current: Option<&'a Booked>,
    /// Objective charged when the group is left unplanned.
    pub unplanned_penalty: f64,
    /// A proven lower bound on the group's plan objective (its own optimum's bound): the
    /// joint model only adds rules, so `objective_g >= lower_bound * planned_g` is a valid
    /// cut, and a strong one (it closes the gap at once when the groups do not compete).
    pub lower_bound: Option<f64>,
    /// A plan of the group to start from (its own optimum, when it fits beside the other
    /// starts); `None` starts the group unplanned.
    pub start: Option<&'a Plan>,
}

/// A planned group's choices.
#[derive(Clone, Debug)]
pub struct GroupChoice {
    /// Index into the group's fleets.
    pub fleet: usize,
    /// Routes per day and hotel option per night.
    pub choice: PlanChoice,
    /// Rooming option per night (into `options[n][hotel]`).
    pub options: Vec<usize>,
    /// The plan's objective (without change costs).
    pub objective: f64,
}

/// The joint MILP's answer.
#[derive(Clone, Debug, Default)]
pub struct JointAnswer {
    /// Per group: its choices, or `None` when left unplanned (or no solution).
    pub choices: Vec<Option<GroupChoice>>,
    /// Whether any solution was found.
    pub solved: bool,
    /// MILP objective (penalties of unplanned groups included).
    pub objective: f64,
    /// Proven lower bound of the MILP objective.
    pub bound: f64,
    /// Optimality proven within the gap.
    pub proven: bool,
    /// PricedRoutes.
    pub variables: u64,
    /// Rows.
    pub constraints: u64,
    /// Set when HiGHS failed.
    pub failure: Option<String>,
}

/// The route columns of one fleet: per (start, end, attraction set, contested meals) the
/// best route (all cost/objective Pareto-best ones under a budget). Routes with the same
/// key use the same shared resources, so the reduction is exact.
fn price_columns(p: &Prepared, fleet: &Fleet, contested: &HashSet<MealKey>) -> Vec<Vec<PricedRoute>> {
    let model = &p.model;
    p.routes
        .iter()
        .map(|day| {
            type Key = (usize, usize, u128, Vec<usize>);
            let mut by_key: BTreeMap<Key, Vec<PricedRoute>> = BTreeMap::new();
            for (i, r) in day.iter().enumerate() {
                let meals: Vec<usize> = r
                    .stops
                    .iter()
                    .filter_map(|s| match *s {
                        RouteStop::Meal { restaurant, meal } => {
                            let key = meal_key(p, r.day, restaurant, meal);
                            contested.contains(&key).then_some(restaurant * 64 + meal)
                        }
                        RouteStop::Attraction(_) => None,
                    })
                    .collect();
                by_key.entry((r.start, r.end, r.set, meals)).or_default().push(price_one(model, fleet, i, r));
            }
            let mut kept = Vec::new();
            for (_, v) in by_key {
                keep_best(v, model.budget_total.is_some(), &mut kept);
            }
            kept
        })
        .collect()
}

/// The shared key of a meal stop of a route on day `day`.
pub fn meal_key(p: &Prepared, day: usize, restaurant: usize, meal: usize) -> MealKey {
    (p.model.restaurants[restaurant].catalog, p.model.meals[meal].name.clone(), p.model.days[day].date)
}

fn allotment_on(catalog: &Catalog, hotel: usize, room: usize, date: NaiveDate) -> u32 {
    catalog.hotels[hotel].rooms[room]
        .allotment
        .iter()
        .find(|a| a.from.0 <= date && date <= a.to.0)
        .map_or(0, |a| a.rooms)
}

struct GroupVars {
    changes: Vec<Col>,
    drops: Vec<(Col, f64)>,
    planned: Col,
    fleet: Vec<Col>,
    columns: Vec<Vec<Vec<PricedRoute>>>,
    x: Vec<Vec<Vec<Col>>>,
    w: Vec<Vec<Vec<Col>>>,
}

/// Builds and solves the joint MILP. `contested` lists the restaurant meals whose seats
/// the groups could overrun (only they are told apart in the route columns).
pub fn solve_joint(
    catalog: &Catalog,
    groups: &[GroupInput<'_>],
    contested: &HashSet<MealKey>,
    costs: &ChangeCosts,
    settings: MilpSettings,
) -> JointAnswer {
    let mut vars = ProblemVariables::new();
    let mut objective = Expression::from(0.0);
    let mut offset = 0.0;
    let mut rows: Vec<good_lp::Constraint> = Vec::new();
    let mut room_use: BTreeMap<(usize, usize, NaiveDate), Expression> = BTreeMap::new();
    let mut vehicle_use: BTreeMap<(usize, NaiveDate), Expression> = BTreeMap::new();
    let mut meal_use: BTreeMap<MealKey, Expression> = BTreeMap::new();
    let mut guide_use: BTreeMap<(String, NaiveDate), Expression> = BTreeMap::new();
    let mut gv: Vec<GroupVars> = Vec::new();
    for g in groups {
        let p = g.prepared;
        let model = &p.model;
        let n_days = model.days.len();
        let n_nights = n_days - 1;
        let planned = Col::add(&mut vars, variable().binary());
        objective -= g.unplanned_penalty * planned.var;
        offset += g.unplanned_penalty;
        let fleet: Vec<Col> = p.fleets.iter().map(|_| Col::add(&mut vars, variable().binary())).collect();
        let columns: Vec<Vec<Vec<PricedRoute>>> = p.fleets.iter().map(|f| price_columns(p, f, contested)).collect();
        let x: Vec<Vec<Vec<Col>>> = columns
            .iter()
            .map(|days| {
                days.iter().map(|cs| cs.iter().map(|_| Col::add(&mut vars, variable().binary())).collect()).collect()
            })
            .collect();
        let w: Vec<Vec<Vec<Col>>> = g
            .options
            .iter()
            .map(|night| {
                night.iter().map(|os| os.iter().map(|_| Col::add(&mut vars, variable().binary())).collect()).collect()
            })
            .collect();
        let mut cost = Expression::from(0.0);
        let mut own = Expression::from(0.0);
        let mut changes: Vec<Col> = Vec::new();
        let mut drops: Vec<(Col, f64)> = Vec::new();
        // one fleet when planned
        let fleets: Expression = fleet.iter().map(|c| c.var).sum();
        rows.push(constraint!(fleets == planned.var));
        for (f, fl) in p.fleets.iter().enumerate() {
            let fixed = fixed_cost(model, fl);
            objective += fixed * fleet[f].var;
            own += fixed * fleet[f].var;
            cost += fixed * fleet[f].var;
            for (d, cs) in columns[f].iter().enumerate() {
                let e: Expression = x[f][d].iter().map(|c| c.var).sum();
                rows.push(constraint!(e == fleet[f].var));
                for (k, c) in cs.iter().enumerate() {
                    objective += c.objective * x[f][d][k].var;
                    own += c.objective * x[f][d][k].var;
                    cost += c.cost * x[f][d][k].var;
                    for s in &p.routes[d][c.route].stops {
                        if let RouteStop::Meal { restaurant, meal } = *s {
                            let key = meal_key(p, d, restaurant, meal);
                            if contested.contains(&key) {
                                *meal_use.entry(key).or_default() += g.covers as f64 * x[f][d][k].var;
                            }
                        }
                    }
                }
            }
            for &(v, n) in &fl.counts {
                let vc = model.vehicles[v].catalog;
                for day in &model.days {
                    *vehicle_use.entry((vc, day.date)).or_default() += n as f64 * fleet[f].var;
                }
            }
        }
        if let Some(guide) = &g.guide {
            for day in &model.days {
                *guide_use.entry((guide.clone(), day.date)).or_default() += planned.var;
            }
        }
        // nights: one hotel option when planned, linked to the routes by place
        let y = |n: usize, h: usize| -> Expression { w[n][h].iter().map(|c| c.var).sum() };
        for n in 0..n_nights {
            let all: Expression = (0..w[n].len()).map(|h| y(n, h)).sum();
            rows.push(constraint!(all == planned.var));
            let date = model.days[n].date;
            for (h, os) in g.options[n].iter().enumerate() {
                let hc = model.hotels[h].catalog;
                for (o, r) in os.iter().enumerate() {
                    objective += r.cost * w[n][h][o].var;
                    own += r.cost * w[n][h][o].var;
                    cost += r.cost * w[n][h][o].var;
                    for (room, count) in rooms_by_type(r) {
                        *room_use.entry((hc, room, date)).or_default() += count as f64 * w[n][h][o].var;
                    }
                }
            }
            let mut places: BTreeSet<usize> = BTreeSet::new();
            let mut sleep: HashMap<usize, Expression> = HashMap::new();
            for (h, ws) in w[n].iter().enumerate() {
                if !ws.is_empty() {
                    let pl = model.hotels[h].place;
                    places.insert(pl);
                    *sleep.entry(pl).or_default() += y(n, h);
                }
            }
            let mut arrive: HashMap<usize, Expression> = HashMap::new();
            let mut leave: HashMap<usize, Expression> = HashMap::new();
            for f in 0..p.fleets.len() {
                for (k, c) in columns[f][n].iter().enumerate() {
                    let e = p.routes[n][c.route].end;
                    places.insert(e);
                    *arrive.entry(e).or_default() += x[f][n][k].var;
                }
                for (k, c) in columns[f][n + 1].iter().enumerate() {
                    let s = p.routes[n + 1][c.route].start;
                    places.insert(s);
                    *leave.entry(s).or_default() += x[f][n + 1][k].var;
                }
            }
            for pl in places {
                let s = sleep.remove(&pl).unwrap_or_default();
                let a = arrive.remove(&pl).unwrap_or_default();
                let l = leave.remove(&pl).unwrap_or_default();
                rows.push(constraint!(a == s.clone()));
                rows.push(constraint!(l == s));
            }
        }
        // attractions
        for (i, a) in model.attractions.iter().enumerate() {
            let bit = 1u128 << i;
            let mut visits = Expression::from(0.0);
            let mut any = false;
            for f in 0..p.fleets.len() {
                for (d, cs) in columns[f].iter().enumerate() {
                    for (k, c) in cs.iter().enumerate() {
                        if p.routes[d][c.route].set & bit != 0 {
                            visits += x[f][d][k].var;
                            any = true;
                        }
                    }
                }
            }
            if a.must {
                rows.push(constraint!(visits == planned.var));
            } else if any {
                rows.push(constraint!(visits <= 1.0));
            }
        }
        // hotel changes
        if model.hotel_change_penalty > 0.0 && n_nights > 1 {
            for (n, tonight) in w.iter().enumerate().take(n_nights - 1) {
                let c = Col::add(&mut vars, variable().min(0.0).max(1.0));
                changes.push(c);
                objective += model.hotel_change_penalty * c.var;
                own += model.hotel_change_penalty * c.var;
                for (h, ws) in tonight.iter().enumerate() {
                    if ws.is_empty() {
                        continue;
                    }
                    rows.push(constraint!(c.var >= y(n, h) - y(n + 1, h)));
                }
            }
        }
        if let Some(lb) = g.lower_bound.filter(|b| b.is_finite()) {
            rows.push(constraint!(own >= lb * planned.var));
        }
        if let Some(b) = model.budget_total {
            rows.push(constraint!(cost <= b + 1e-6));
        }
        // change costs against the current booking
        if let Some(cur) = g.current {
            if costs.hotel_room_night > 0.0 {
                for night in &cur.nights {
                    let Some(hc) = catalog.hotels.iter().position(|h| h.id == night.hotel) else { continue };
                    let n = (0..n_nights).find(|&n| model.days[n].date == night.date.0);
                    for (room, booked) in booked_by_type(catalog, hc, night) {
                        let Some(n) = n else {
                            offset += costs.hotel_room_night * booked as f64;
                            continue;
                        };
                        let mut used = Expression::from(0.0);
                        for (h, os) in g.options[n].iter().enumerate() {
                            if model.hotels[h].catalog != hc {
                                continue;
                            }
                            for (o, r) in os.iter().enumerate() {
                                let k = rooms_by_type(r).iter().find(|t| t.0 == room).map_or(0, |t| t.1);
                                used += k as f64 * w[n][h][o].var;
                            }
                        }
                        let drop = Col::add(&mut vars, variable().min(0.0));
                        drops.push((drop, booked as f64));
                        objective += costs.hotel_room_night * drop.var;
                        rows.push(constraint!(drop.var + used >= booked as f64));
                    }
                }
            }
            if costs.vehicle > 0.0 {
                for fu in &cur.fleet {
                    let mut kept = Expression::from(0.0);
                    for (f, fl) in p.fleets.iter().enumerate() {
                        let n: u32 = fl
                            .counts
                            .iter()
                            .filter(|(v, _)| catalog.vehicles[model.vehicles[*v].catalog].id == fu.vehicle)
                            .map(|(_, n)| *n)
                            .sum();
                        kept += n as f64 * fleet[f].var;
                    }
                    let drop = Col::add(&mut vars, variable().min(0.0));
                    drops.push((drop, fu.count as f64));
                    objective += costs.vehicle * drop.var;
                    rows.push(constraint!(drop.var + kept >= fu.count as f64));
                }
            }
        }
        gv.push(GroupVars { changes, drops, planned, fleet, columns, x, w });
    }
    // shared capacities
    for ((h, room, date), e) in room_use {
        rows.push(constraint!(e <= allotment_on(catalog, h, room, date) as f64));
    }
    for ((v, _), e) in vehicle_use {
        if let Some(a) = catalog.vehicles[v].available {
            rows.push(constraint!(e <= a as f64));
        }
    }
    for ((r, _, _), e) in meal_use {
        if let Some(s) = catalog.restaurants[r].seats {
            rows.push(constraint!(e <= s as f64));
        }
    }
    for ((gid, _), e) in guide_use {
        if let Some(a) = catalog.guides.iter().find(|g| g.id == gid).and_then(|g| g.available) {
            rows.push(constraint!(e <= a as f64));
        }
    }
    let variables = vars.len() as u64;
    // The start: each group's own plan where given (and mappable), the rest unplanned;
    // every drop at its booked count (feasible whatever is kept).
    let mut start = vec![0.0; vars.len()];
    for (g, v) in groups.iter().zip(&gv) {
        for &(d, booked) in &v.drops {
            start[d.col] = booked;
        }
        if let Some(cols) = g.start.and_then(|plan| start_columns(catalog, g, v, plan, contested)) {
            for c in cols {
                start[c.col] = 1.0;
            }
        }
    }
    let constraints = rows.len() as u64;
    let mut problem = vars.minimise(objective).using(good_lp::highs);
    for r in rows {
        problem.add_constraint(r);
    }
    let outcome = solve_from(problem, MilpSettings { offset, ..settings }, Some(&start));
    let mut answer = JointAnswer { variables, constraints, ..JointAnswer::default() };
    match outcome {
        MilpOutcome::Solved { values, objective, bound, proven, .. } => {
            answer.solved = true;
            answer.objective = objective;
            answer.bound = bound;
            answer.proven = proven;
            answer.choices = groups.iter().zip(&gv).map(|(g, v)| extract(g, v, &values)).collect();
        }
        MilpOutcome::Infeasible => {
            answer.proven = true;
            answer.bound = f64::INFINITY;
            answer.choices = vec![None; groups.len()];
        }
        MilpOutcome::NoSolution { bound } => {
            answer.bound = bound;
            answer.choices = vec![None; groups.len()];
        }
        MilpOutcome::Failed(e) => {
            answer.failure = Some(e);
            answer.bound = f64::NEG_INFINITY;
            answer.choices = vec![None; groups.len()];
        }
    }
    answer
}

/// The contested meals of a route, as a signature.
fn meal_signature(p: &Prepared, day: usize, route: usize, contested: &HashSet<MealKey>) -> Vec<usize> {
    p.routes[day][route]
        .stops
        .iter()
        .filter_map(|s| match *s {
            RouteStop::Meal { restaurant, meal } => {
                contested.contains(&meal_key(p, day, restaurant, meal)).then_some(restaurant * 64 + meal)
            }
            RouteStop::Attraction(_) => None,
        })
        .collect()
}

/// The binary columns set to 1 by a group's wire plan: planned, its fleet, per day a column
/// of the same start, end, attractions and contested meals (the plan's own route or the
/// cheapest of its key), per night its hotel's option with the same rooms per type, and
/// the hotel changes. `None` when the plan does not map onto the model.
fn start_columns(
    catalog: &Catalog,
    g: &GroupInput<'_>,
    v: &GroupVars,
    plan: &Plan,
    contested: &HashSet<MealKey>,
) -> Option<Vec<Col>> {
    let p = g.prepared;
    let model = &p.model;
    let vid = |i: usize| catalog.vehicles[model.vehicles[i].catalog].id.as_str();
    let f = p.fleets.iter().position(|fl| {
        fl.counts.len() == plan.fleet.len()
            && fl.counts.iter().all(|&(i, n)| plan.fleet.iter().any(|u| u.vehicle == vid(i) && u.count == n))
    })?;
    let mut out = vec![v.planned, v.fleet[f]];
    for (d, day) in plan.days.iter().enumerate() {
        let wanted: Vec<String> = day
            .stops
            .iter()
            .filter_map(|s| match s.kind {
                StopKind::Attraction => s.id.clone(),
                StopKind::Meal => Some(format!("{}@{}", s.meal.clone()?, s.restaurant.clone()?)),
                _ => None,
            })
            .collect();
        let end = day.stops.last()?.place.clone()?;
        let start = day.stops.first()?.place.clone()?;
        let named = |s: &RouteStop| match *s {
            RouteStop::Attraction(i) => model.attractions[i].id.clone(),
            RouteStop::Meal { restaurant, meal } => {
                format!("{}@{}", model.meals[meal].name, catalog.restaurants[model.restaurants[restaurant].catalog].id)
            }
        };
        let r = p.routes.get(d)?.iter().position(|r| {
            model.places[r.end] == end
                && model.places[r.start] == start
                && r.stops.len() == wanted.len()
                && r.stops.iter().zip(&wanted).all(|(s, w)| &named(s) == w)
        })?;
        let route = &p.routes[d][r];
        let sig = meal_signature(p, d, r, contested);
        let cols = &v.columns[f][d];
        let k = cols.iter().position(|c| c.route == r).or_else(|| {
            cols.iter()
                .enumerate()
                .filter(|(_, c)| {
                    let o = &p.routes[d][c.route];
                    o.start == route.start
                        && o.end == route.end
                        && o.set == route.set
                        && meal_signature(p, d, c.route, contested) == sig
                })
                .min_by(|a, b| a.1.cost.total_cmp(&b.1.cost))
                .map(|(k, _)| k)
        })?;
        out.push(v.x[f][d][k]);
    }
    let mut hotels = Vec::new();
    for (n, night) in plan.nights.iter().enumerate() {
        let hotel_rooms = &catalog.hotels.iter().find(|h| h.id == night.hotel)?.rooms;
        let mut rooms: Vec<(usize, u32)> = Vec::new();
        for r in &night.rooms {
            let i = hotel_rooms.iter().position(|t| t.kind == r.kind)?;
            match rooms.iter_mut().find(|e| e.0 == i) {
                Some(e) => e.1 += r.count,
                None => rooms.push((i, r.count)),
            }
        }
        rooms.sort_unstable();
        let h = (0..model.hotels.len())
            .find(|&h| catalog.hotels[model.hotels[h].catalog].id == night.hotel && !g.options[n][h].is_empty())?;
        let o = g.options[n][h].iter().position(|r| rooms_by_type(r) == rooms)?;
        out.push(v.w[n][h][o]);
        hotels.push(h);
    }
    for (n, c) in v.changes.iter().enumerate() {
        if hotels.get(n) != hotels.get(n + 1) {
            out.push(*c);
        }
    }
    Some(out)
}

/// Rooms per type (index into the hotel's rooms) of a booked night; unknown types are skipped.
pub fn booked_by_type(catalog: &Catalog, hotel: usize, night: &crate::contract::Night) -> Vec<(usize, u32)> {
    let mut out: Vec<(usize, u32)> = Vec::new();
    for r in &night.rooms {
        let Some(room) = catalog.hotels[hotel].rooms.iter().position(|t| t.kind == r.kind) else { continue };
        match out.iter_mut().find(|(i, _)| *i == room) {
            Some(e) => e.1 += r.count,
            None => out.push((room, r.count)),
        }
    }
    out
}

fn argmax(cols: impl Iterator<Item = (usize, f64)>) -> Option<(usize, f64)> {
    cols.max_by(|a, b| a.1.total_cmp(&b.1))
}

fn extract(g: &GroupInput<'_>, v: &GroupVars, values: &[f64]) -> Option<GroupChoice> {
    if v.planned.value(values) < 0.5 {
        return None;
    }
    let p = g.prepared;
    let model = &p.model;
    let (f, _) = argmax(v.fleet.iter().map(|c| c.value(values)).enumerate())?;
    let mut objective = fixed_cost(model, &p.fleets[f]);
    let mut routes = Vec::new();
    for (d, cs) in v.columns[f].iter().enumerate() {
        let (k, _) = argmax(v.x[f][d].iter().map(|c| c.value(values)).enumerate())?;
        objective += cs[k].objective;
        routes.push(cs[k].route);
    }
    let mut hotels = Vec::new();
    let mut options = Vec::new();
    for (n, night) in v.w.iter().enumerate() {
        let best = night
            .iter()
            .enumerate()
            .flat_map(|(h, os)| os.iter().enumerate().map(move |(o, c)| ((h, o), c.value(values))))
            .max_by(|a, b| a.1.total_cmp(&b.1))?;
        let (h, o) = best.0;
        objective += g.options[n][h][o].cost;
        hotels.push(h);
        options.push(o);
    }
    let changes = hotels.windows(2).filter(|w| w[0] != w[1]).count();
    objective += model.hotel_change_penalty * changes as f64;
    Some(GroupChoice { fleet: f, choice: PlanChoice { routes, hotels }, options, objective })
}
