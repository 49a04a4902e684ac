//! One group's part of a batch model: its plan MILP (a fleet binary per minimal fleet,
//! route columns per fleet and day, rooming options per night and hotel, linked through
//! the overnight places; attractions at most once, must-visits, hotel changes, budget),
//! its change costs against `current`, and what it uses of each shared resource. The
//! joint MILP ([`super::joint`]) puts every group's block side by side under the shared
//! capacities; pricing ([`super::pricing`]) solves one block with the resources priced.
//!
//! A group's choices ([`GroupChoice`]) are also evaluated directly, without a model:
//! [`GroupInput::column`] gives a plan's objective, change cost and resource use, exactly
//! as its block would count them.

use super::options::rooms_by_type;
use super::resource::{MealKey, Resource};
use crate::contract::{Booked, Catalog, ChangeCosts, Plan, StopKind};
use crate::fleet::Fleet;
use crate::milp::highs::Col;
use crate::milp::plan::{fixed_cost, keep_best, price_one, PlanChoice, PricedRoute};
use crate::planner::Prepared;
use crate::rooming::{terms_on, NightRooming};
use crate::routes::RouteStop;
use good_lp::{constraint, variable, Constraint, Expression, ProblemVariables};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// One group of a batch model.
#[derive(Clone)]
pub struct GroupInput<'a> {
    /// The group's prepared model (routes, rooming, fleets).
    pub prepared: &'a Prepared,
    /// `options[n][h]`: rooming options at hotel option h on night n (empty = unusable).
    pub options: Vec<Vec<Options>>,
    /// `priced[f][d]`: the route columns of fleet f on day d ([`price_columns`]).
    pub priced: Vec<Vec<Vec<PricedRoute>>>,
    /// Meal covers.
    pub covers: u32,
    /// The group's guide id, if any.
    pub guide: Option<String>,
    /// What the group has booked today.
    pub current: Option<&'a Booked>,
    /// Objective charged when the group is left unplanned.
    pub unplanned_penalty: f64,
    /// A plan of the group to start from; `None` starts the group unplanned.
    pub start: Option<&'a Plan>,
    /// Per fleet, a proven lower bound on the group's objective with it whatever the
    /// prices (its own plan's bound: prices and change costs only add); empty = none.
    pub fleet_floors: Vec<f64>,
}

/// The rooming options of one group at one hotel on one night, cheapest first; shared
/// between the groups and nights whose option search is the same (at 300 groups the
/// copies had taken the peak memory past 2 GB).
pub type Options = std::sync::Arc<[NightRooming]>;

/// A planned group's choices.
#[derive(Clone, Debug, PartialEq)]
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

/// A group's plan as a column of the batch's master problem: its choices, its objective
/// with change costs, and what it uses of each shared resource.
#[derive(Clone, Debug)]
pub struct PlanColumn {
    /// The choices.
    pub choice: GroupChoice,
    /// Plan objective plus change costs.
    pub cost: f64,
    /// Use of each shared resource with a capacity (amount > 0).
    pub usage: Vec<(Resource, f64)>,
}

/// The route columns of one fleet: per (start, end, attraction set, contested meals) the
/// best route (all cost/objective Pareto-best ones under a budget). Routes with the same
/// key use the same shared resources, so the reduction is exact.
pub fn price_columns(p: &Prepared, fleet: &Fleet, contested: &HashSet<MealKey>) -> Vec<Vec<PricedRoute>> {
    let model = &p.model;
    p.routes
        .iter()
        .enumerate()
        .map(|(d, day)| {
            type Key = (usize, usize, u128, Vec<usize>);
            let mut by_key: BTreeMap<Key, Vec<PricedRoute>> = BTreeMap::new();
            for (i, r) in day.iter().enumerate() {
                let key = (r.start, r.end, r.set, meal_signature(p, d, i, contested));
                by_key.entry(key).or_default().push(price_one(model, fleet, i, r));
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

/// The contested meals of a route, as a signature.
fn meal_signature(p: &Prepared, day: usize, route: usize, contested: &HashSet<MealKey>) -> Vec<usize> {
    contested_meals(p, day, route, contested).map(|(restaurant, meal, _)| restaurant * 64 + meal).collect()
}

/// The contested meal stops of a route: (model restaurant, model meal, shared key).
pub(super) fn contested_meals<'a>(
    p: &'a Prepared,
    day: usize,
    route: usize,
    contested: &'a HashSet<MealKey>,
) -> impl Iterator<Item = (usize, usize, MealKey)> + 'a {
    p.routes[day][route].stops.iter().filter_map(move |s| match *s {
        RouteStop::Meal { restaurant, meal } => {
            let key = meal_key(p, day, restaurant, meal);
            contested.contains(&key).then_some((restaurant, meal, key))
        }
        RouteStop::Attraction(_) => None,
    })
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

/// Which part of a group's block to build.
#[derive(Clone, Copy, Debug, Default)]
pub struct Scope {
    /// Only this fleet's columns (the others are fixed to 0).
    pub fleet: Option<usize>,
    /// The LP relaxation (every binary in [0, 1]).
    pub relax: bool,
}

/// One group's variables, rows, objective and resource use in a model.
pub struct Block {
    /// 1 when the group is planned.
    pub planned: Col,
    /// One binary per fleet.
    pub fleet: Vec<Col>,
    /// `x[f][d][k]`: route column k of fleet f on day d.
    pub x: Vec<Vec<Vec<Col>>>,
    /// `w[n][h][o]`: rooming option o at hotel option h on night n.
    pub w: Vec<Vec<Vec<Col>>>,
    /// Hotel change indicators per night boundary.
    pub changes: Vec<Col>,
    /// Dropped booked rooms or vehicles, with the booked count.
    pub drops: Vec<(Col, f64)>,
    /// The group's rows.
    pub rows: Vec<Constraint>,
    /// Plan objective plus change costs (the unplanned penalty is the caller's).
    pub objective: Expression,
    /// Constant change costs (booked nights outside the trip).
    pub offset: f64,
    /// Use of each shared resource with a capacity.
    pub usage: BTreeMap<Resource, Expression>,
}

impl GroupInput<'_> {
    /// This group with fewer route columns, for the joint LP relaxation that prices the
    /// shared resources: per fleet, day and (start, end) places, the `keep` routes of least
    /// objective and the `keep` least among those visiting each must-visit attraction.
    pub fn trimmed(&self, keep: usize) -> Self {
        let p = self.prepared;
        let musts: Vec<u128> =
            p.model.attractions.iter().enumerate().filter(|(_, a)| a.must).map(|(i, _)| 1u128 << i).collect();
        let priced = self
            .priced
            .iter()
            .map(|days| {
                days.iter()
                    .enumerate()
                    .map(|(d, cs)| {
                        let mut order: Vec<usize> = (0..cs.len()).collect();
                        order.sort_by(|&a, &b| cs[a].objective.total_cmp(&cs[b].objective));
                        let mut kept: HashMap<(usize, usize, Option<u128>), usize> = HashMap::new();
                        let mut take = vec![false; cs.len()];
                        for k in order {
                            let r = &p.routes[d][cs[k].route];
                            let keys = std::iter::once(None)
                                .chain(musts.iter().filter(|&&m| r.set & m != 0).map(|&m| Some(m)));
                            for key in keys {
                                let n = kept.entry((r.start, r.end, key)).or_default();
                                if *n < keep {
                                    *n += 1;
                                    take[k] = true;
                                }
                            }
                        }
                        cs.iter().zip(take).filter(|(_, t)| *t).map(|(c, _)| *c).collect()
                    })
                    .collect()
            })
            .collect();
        self.with_columns(self.options.clone(), priced)
    }

    /// This group with other rooming options and route columns (a subset of its own, at
    /// the same indices), everything else the same.
    pub fn with_columns(&self, options: Vec<Vec<Options>>, priced: Vec<Vec<Vec<PricedRoute>>>) -> Self {
        GroupInput {
            prepared: self.prepared,
            options,
            priced,
            covers: self.covers,
            guide: self.guide.clone(),
            current: self.current,
            unplanned_penalty: self.unplanned_penalty,
            start: self.start,
            fleet_floors: self.fleet_floors.clone(),
        }
    }

    /// Adds this group's block to `vars`, with `planned` the caller's planned column (a
    /// binary in the joint model, fixed to 1 in pricing). `contested` lists the restaurant
    /// meals whose seats are shared in the model.
    pub fn block(
        &self,
        vars: &mut ProblemVariables,
        catalog: &Catalog,
        planned: Col,
        contested: &HashSet<MealKey>,
        costs: &ChangeCosts,
    ) -> Block {
        self.block_in(vars, catalog, planned, contested, costs, Scope::default())
    }

    /// [`GroupInput::block`] within a scope: one fleet only, or the LP relaxation.
    pub fn block_in(
        &self,
        vars: &mut ProblemVariables,
        catalog: &Catalog,
        planned: Col,
        contested: &HashSet<MealKey>,
        costs: &ChangeCosts,
        scope: Scope,
    ) -> Block {
        let choose = || if scope.relax { variable().min(0.0).max(1.0) } else { variable().binary() };
        let in_scope = |f: usize| scope.fleet.is_none_or(|only| only == f);
        let p = self.prepared;
        let model = &p.model;
        let n_nights = model.days.len() - 1;
        let mut rows: Vec<Constraint> = Vec::new();
        let mut usage: BTreeMap<Resource, Expression> = BTreeMap::new();
        let mut objective = Expression::from(0.0);
        let mut offset = 0.0;
        let fleet: Vec<Col> = (0..p.fleets.len())
            .map(|f| Col::add(vars, if in_scope(f) { choose() } else { variable().min(0.0).max(0.0) }))
            .collect();
        let x: Vec<Vec<Vec<Col>>> = self
            .priced
            .iter()
            .enumerate()
            .map(|(f, days)| {
                let cols = |cs: &Vec<PricedRoute>| -> Vec<Col> {
                    if in_scope(f) {
                        cs.iter().map(|_| Col::add(vars, choose())).collect()
                    } else {
                        Vec::new()
                    }
                };
                days.iter().map(cols).collect()
            })
            .collect();
        let w: Vec<Vec<Vec<Col>>> = self
            .options
            .iter()
            .map(|night| night.iter().map(|os| os.iter().map(|_| Col::add(vars, choose())).collect()).collect())
            .collect();
        let shared = |r: &Resource| r.capacity(catalog).is_some();
        let mut cost = Expression::from(0.0);
        let mut changes: Vec<Col> = Vec::new();
        let mut drops: Vec<(Col, f64)> = Vec::new();
        // one fleet when planned
        let fleets: Expression = fleet.iter().map(|c| c.var).sum();
        rows.push(constraint!(fleets == planned.var));
        for (f, fl) in p.fleets.iter().enumerate() {
            if !in_scope(f) {
                continue;
            }
            let fixed = fixed_cost(model, fl);
            objective += fixed * fleet[f].var;
            cost += fixed * fleet[f].var;
            for (d, cs) in self.priced[f].iter().enumerate() {
                let e: Expression = x[f][d].iter().map(|c| c.var).sum();
                rows.push(constraint!(e == fleet[f].var));
                for (k, c) in cs.iter().enumerate() {
                    objective += c.objective * x[f][d][k].var;
                    cost += c.cost * x[f][d][k].var;
                    for (_, _, key) in contested_meals(p, d, c.route, contested) {
                        *usage.entry(Resource::Meal(key)).or_default() += self.covers as f64 * x[f][d][k].var;
                    }
                }
            }
            for &(v, n) in &fl.counts {
                for day in &model.days {
                    let r = Resource::Vehicle { vehicle: model.vehicles[v].catalog, date: day.date };
                    if shared(&r) {
                        *usage.entry(r).or_default() += n as f64 * fleet[f].var;
                    }
                }
            }
        }
        if let Some(guide) = &self.guide {
            for day in &model.days {
                let r = Resource::Guide { guide: guide.clone(), date: day.date };
                if shared(&r) {
                    *usage.entry(r).or_default() += planned.var;
                }
            }
        }
        // nights: one hotel option when planned, linked to the routes by place
        let y = |n: usize, h: usize| -> Expression { w[n][h].iter().map(|c| c.var).sum() };
        for n in 0..n_nights {
            let all: Expression = (0..w[n].len()).map(|h| y(n, h)).sum();
            rows.push(constraint!(all == planned.var));
            let date = model.days[n].date;
            for (h, os) in self.options[n].iter().enumerate() {
                let hotel = model.hotels[h].catalog;
                for (o, r) in os.iter().enumerate() {
                    objective += r.cost * w[n][h][o].var;
                    cost += r.cost * w[n][h][o].var;
                    for (room, count) in rooms_by_type(r) {
                        *usage.entry(Resource::Room { hotel, room, date }).or_default() +=
                            count as f64 * w[n][h][o].var;
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
            for f in (0..p.fleets.len()).filter(|&f| in_scope(f)) {
                for (k, c) in self.priced[f][n].iter().enumerate() {
                    let e = p.routes[n][c.route].end;
                    places.insert(e);
                    *arrive.entry(e).or_default() += x[f][n][k].var;
                }
                for (k, c) in self.priced[f][n + 1].iter().enumerate() {
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
            for f in (0..p.fleets.len()).filter(|&f| in_scope(f)) {
                for (d, cs) in self.priced[f].iter().enumerate() {
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
                let c = Col::add(vars, variable().min(0.0).max(1.0));
                changes.push(c);
                objective += model.hotel_change_penalty * c.var;
                for (h, ws) in tonight.iter().enumerate() {
                    if !ws.is_empty() {
                        rows.push(constraint!(c.var >= y(n, h) - y(n + 1, h)));
                    }
                }
            }
        }
        if let Some(b) = model.budget_total {
            rows.push(constraint!(cost <= b + 1e-6));
        }
        // change costs against the current booking
        if let Some(cur) = self.current {
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
                        for (h, os) in self.options[n].iter().enumerate() {
                            if model.hotels[h].catalog != hc {
                                continue;
                            }
                            for (o, r) in os.iter().enumerate() {
                                let k = rooms_by_type(r).iter().find(|t| t.0 == room).map_or(0, |t| t.1);
                                used += k as f64 * w[n][h][o].var;
                            }
                        }
                        let drop = Col::add(vars, variable().min(0.0));
                        drops.push((drop, booked as f64));
                        objective += costs.hotel_room_night * drop.var;
                        rows.push(constraint!(drop.var + used >= booked as f64));
                    }
                }
            }
            if costs.vehicle > 0.0 {
                for fu in &cur.fleet {
                    let mut kept = Expression::from(0.0);
                    for (f, fl) in p.fleets.iter().enumerate().filter(|&(f, _)| in_scope(f)) {
                        let n: u32 = fl
                            .counts
                            .iter()
                            .filter(|(v, _)| catalog.vehicles[model.vehicles[*v].catalog].id == fu.vehicle)
                            .map(|(_, n)| *n)
                            .sum();
                        kept += n as f64 * fleet[f].var;
                    }
                    let drop = Col::add(vars, variable().min(0.0));
                    drops.push((drop, fu.count as f64));
                    objective += costs.vehicle * drop.var;
                    rows.push(constraint!(drop.var + kept >= fu.count as f64));
                }
            }
        }
        Block { planned, fleet, x, w, changes, drops, rows, objective, offset, usage }
    }

    /// The group's choices in a solution of a model holding its block; `None` when the
    /// group is not planned there.
    pub fn extract(&self, b: &Block, values: &[f64]) -> Option<GroupChoice> {
        if b.planned.value(values) < 0.5 {
            return None;
        }
        let argmax =
            |cols: &[Col]| (0..cols.len()).max_by(|&a, &c| cols[a].value(values).total_cmp(&cols[c].value(values)));
        let f = argmax(&b.fleet)?;
        let routes = (0..self.priced[f].len())
            .map(|d| argmax(&b.x[f][d]).map(|k| self.priced[f][d][k].route))
            .collect::<Option<Vec<usize>>>()?;
        let mut hotels = Vec::new();
        let mut options = Vec::new();
        for night in &b.w {
            let best = night
                .iter()
                .enumerate()
                .flat_map(|(h, os)| os.iter().enumerate().map(move |(o, c)| ((h, o), c.value(values))))
                .max_by(|a, b| a.1.total_cmp(&b.1))?;
            hotels.push(best.0 .0);
            options.push(best.0 .1);
        }
        Some(self.choice(f, routes, hotels, options))
    }

    /// Fleet `f`'s floor ([`GroupInput::fleet_floors`]), `-inf` when unknown.
    pub fn fleet_floor(&self, f: usize) -> f64 {
        self.fleet_floors.get(f).copied().unwrap_or(f64::NEG_INFINITY)
    }

    /// A choice (fleet, route per day, hotel option and rooming option per night) with its
    /// plan objective computed.
    pub fn choice(&self, fleet: usize, routes: Vec<usize>, hotels: Vec<usize>, options: Vec<usize>) -> GroupChoice {
        let p = self.prepared;
        let model = &p.model;
        let mut objective = fixed_cost(model, &p.fleets[fleet]);
        for (d, &r) in routes.iter().enumerate() {
            let priced = self.priced[fleet][d].iter().find(|c| c.route == r);
            objective += priced
                .map_or_else(|| price_one(model, &p.fleets[fleet], r, &p.routes[d][r]).objective, |c| c.objective);
        }
        for (n, (&h, &o)) in hotels.iter().zip(&options).enumerate() {
            objective += self.options[n][h][o].cost;
        }
        let changes = hotels.windows(2).filter(|w| w[0] != w[1]).count();
        objective += model.hotel_change_penalty * changes as f64;
        GroupChoice { fleet, choice: PlanChoice { routes, hotels }, options, objective }
    }

    /// The master column of a choice: its objective plus change costs, and its resource
    /// use, counted as the group's block counts them.
    pub fn column(
        &self,
        catalog: &Catalog,
        contested: &HashSet<MealKey>,
        costs: &ChangeCosts,
        choice: GroupChoice,
    ) -> PlanColumn {
        let p = self.prepared;
        let model = &p.model;
        let mut usage: BTreeMap<Resource, f64> = BTreeMap::new();
        let mut add = |r: Resource, n: f64| {
            if n > 0.0 && r.capacity(catalog).is_some() {
                *usage.entry(r).or_default() += n;
            }
        };
        let fl = &p.fleets[choice.fleet];
        for day in &model.days {
            for &(v, n) in &fl.counts {
                add(Resource::Vehicle { vehicle: model.vehicles[v].catalog, date: day.date }, n as f64);
            }
            if let Some(guide) = &self.guide {
                add(Resource::Guide { guide: guide.clone(), date: day.date }, 1.0);
            }
        }
        for (d, &r) in choice.choice.routes.iter().enumerate() {
            for (_, _, key) in contested_meals(p, d, r, contested) {
                add(Resource::Meal(key), self.covers as f64);
            }
        }
        for (n, (&h, &o)) in choice.choice.hotels.iter().zip(&choice.options).enumerate() {
            let hotel = model.hotels[h].catalog;
            for (room, count) in rooms_by_type(&self.options[n][h][o]) {
                add(Resource::Room { hotel, room, date: model.days[n].date }, count as f64);
            }
        }
        let cost = choice.objective + self.change_cost(catalog, costs, &choice);
        PlanColumn { choice, cost, usage: usage.into_iter().collect() }
    }

    /// The most this group can use of each shared resource in any of its plans, whatever
    /// its options (the resources its pricing can be touched by).
    pub fn reach(&self, catalog: &Catalog, contested: &HashSet<MealKey>) -> BTreeMap<Resource, f64> {
        self.most_use(catalog, contested, true)
    }

    /// The most this group uses of each shared resource in the plans its options and
    /// route columns make now: [`GroupInput::reach`] without the roomings pricing may
    /// add. Groups whose footprints do not overlap rarely collide.
    pub fn footprint(&self, catalog: &Catalog, contested: &HashSet<MealKey>) -> BTreeMap<Resource, f64> {
        self.most_use(catalog, contested, false)
    }

    /// [`GroupInput::reach`] (`any_rooming`) or [`GroupInput::footprint`].
    fn most_use(&self, catalog: &Catalog, contested: &HashSet<MealKey>, any_rooming: bool) -> BTreeMap<Resource, f64> {
        let p = self.prepared;
        let model = &p.model;
        let mut most: BTreeMap<Resource, f64> = BTreeMap::new();
        let mut add = |r: Resource, n: f64| {
            if n > 0.0 && r.capacity(catalog).is_some() {
                let e = most.entry(r).or_default();
                *e = e.max(n);
            }
        };
        for day in &model.days {
            for fl in &p.fleets {
                for &(v, n) in &fl.counts {
                    add(Resource::Vehicle { vehicle: model.vehicles[v].catalog, date: day.date }, n as f64);
                }
            }
            if let Some(guide) = &self.guide {
                add(Resource::Guide { guide: guide.clone(), date: day.date }, 1.0);
            }
        }
        for (d, day) in p.routes.iter().enumerate() {
            for r in 0..day.len() {
                for (_, _, key) in contested_meals(p, d, r, contested) {
                    add(Resource::Meal(key), self.covers as f64);
                }
            }
        }
        // With `any_rooming`, every room type sold, not only the options' (pricing adds
        // options: [`super::priced_rooming`]).
        let units = model.rooming.units();
        for (n, night) in self.options.iter().enumerate() {
            let date = model.days[n].date;
            for (h, os) in night.iter().enumerate().filter(|(_, os)| !os.is_empty()) {
                let hotel = model.hotels[h].catalog;
                for t in terms_on(&catalog.hotels[hotel], date).iter().filter(|_| any_rooming) {
                    add(Resource::Room { hotel, room: t.index, date }, t.allotment.min(units) as f64);
                }
                for o in os.iter() {
                    for (room, count) in rooms_by_type(o) {
                        add(Resource::Room { hotel, room, date }, count as f64);
                    }
                }
            }
        }
        most
    }

    /// The change costs of a choice against the group's current booking.
    pub fn change_cost(&self, catalog: &Catalog, costs: &ChangeCosts, choice: &GroupChoice) -> f64 {
        let Some(cur) = self.current else { return 0.0 };
        let p = self.prepared;
        let model = &p.model;
        let mut total = 0.0;
        if costs.hotel_room_night > 0.0 {
            for night in &cur.nights {
                let Some(hc) = catalog.hotels.iter().position(|h| h.id == night.hotel) else { continue };
                let n = (0..model.days.len() - 1).find(|&n| model.days[n].date == night.date.0);
                for (room, booked) in booked_by_type(catalog, hc, night) {
                    let used = n.filter(|&n| model.hotels[choice.choice.hotels[n]].catalog == hc).map_or(0, |n| {
                        let r = &self.options[n][choice.choice.hotels[n]][choice.options[n]];
                        rooms_by_type(r).iter().find(|t| t.0 == room).map_or(0, |t| t.1)
                    });
                    total += costs.hotel_room_night * booked.saturating_sub(used) as f64;
                }
            }
        }
        if costs.vehicle > 0.0 {
            let fl = &p.fleets[choice.fleet];
            for fu in &cur.fleet {
                let kept: u32 = fl
                    .counts
                    .iter()
                    .filter(|(v, _)| catalog.vehicles[model.vehicles[*v].catalog].id == fu.vehicle)
                    .map(|(_, n)| *n)
                    .sum();
                total += costs.vehicle * fu.count.saturating_sub(kept) as f64;
            }
        }
        total
    }

    /// The choices of a wire plan of this group: its fleet, per day the route column of the
    /// same start, end, attractions and contested meals, per night its hotel's option with
    /// the same rooms per type. `None` when the plan does not map onto the model.
    pub fn choice_of_plan(&self, catalog: &Catalog, plan: &Plan, contested: &HashSet<MealKey>) -> Option<GroupChoice> {
        let p = self.prepared;
        let model = &p.model;
        let vid = |i: usize| catalog.vehicles[model.vehicles[i].catalog].id.as_str();
        let f = p.fleets.iter().position(|fl| {
            fl.counts.len() == plan.fleet.len()
                && fl.counts.iter().all(|&(i, n)| plan.fleet.iter().any(|u| u.vehicle == vid(i) && u.count == n))
        })?;
        let mut routes = Vec::new();
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
                    format!(
                        "{}@{}",
                        model.meals[meal].name, catalog.restaurants[model.restaurants[restaurant].catalog].id
                    )
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
            // the plan's own route, or the best column of its key (no worse, same resources)
            let cols = &self.priced[f][d];
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
            routes.push(cols[k].route);
        }
        let mut hotels = Vec::new();
        let mut options = Vec::new();
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
            let h = (0..model.hotels.len()).find(|&h| {
                catalog.hotels[model.hotels[h].catalog].id == night.hotel && !self.options[n][h].is_empty()
            })?;
            let o = self.options[n][h].iter().position(|r| rooms_by_type(r) == rooms)?;
            hotels.push(h);
            options.push(o);
        }
        Some(self.choice(f, routes, hotels, options))
    }

    /// The block's column values that make `choice` (binaries, hotel changes and drops),
    /// for a MILP start.
    pub fn start_values(&self, b: &Block, choice: &GroupChoice, start: &mut [f64]) {
        start[b.planned.col] = 1.0;
        start[b.fleet[choice.fleet].col] = 1.0;
        for (d, &r) in choice.choice.routes.iter().enumerate() {
            let k = self.priced[choice.fleet][d].iter().position(|c| c.route == r);
            if let Some(x) = k.and_then(|k| b.x[choice.fleet][d].get(k)) {
                start[x.col] = 1.0;
            }
        }
        for (n, (&h, &o)) in choice.choice.hotels.iter().zip(&choice.options).enumerate() {
            start[b.w[n][h][o].col] = 1.0;
        }
        for (n, c) in b.changes.iter().enumerate() {
            if choice.choice.hotels.get(n) != choice.choice.hotels.get(n + 1) {
                start[c.col] = 1.0;
            }
        }
    }
}
