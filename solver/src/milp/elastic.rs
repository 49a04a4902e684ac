//! The elastic plan MILP: the plan model of `plan.rs` with penalised slack on
//! each rule family, so that it always has a solution, and the solution that
//! breaks the rules least says which rules cannot hold together and by how
//! much.
//!
//! Slack, from the cheapest to break to the dearest (weights below):
//! - `drive`: one `over` column, the minutes the longest day drives beyond
//!   `max_drive_minutes` (routes are generated without the limit);
//! - `rooms`: a hotel night may take more rooms of a type than its allotment
//!   (or rooms of a type that has a rate but no allotment that night); each
//!   extra room is penalised ([`elastic_rooming`] finds the fewest per hotel night);
//! - `must_visit`: a must-visit may be left out;
//! - `day`: a "virtual" route per day and (start, end) pair stands for a day
//!   no real route can make (hours, meals); it visits nothing.
//!
//! The fleet plays no part: every rule above is the same whichever vehicles
//! drive, so one MILP answers for all fleets. Costs play no part either: the
//! budget is priced afterwards by solving the relaxed job for its cheapest
//! plan (`crate::diagnose`).

use super::highs::{solve, Col, MilpOutcome, MilpSettings};
use crate::contract::{Hotel, UnitKind};
use crate::model::{DayEnd, Minute, Rooming, TripModel};
use crate::routes::DayRoute;
use chrono::NaiveDate;
use good_lp::{constraint, variable, Expression, ProblemVariables, SolverModel};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Penalty per drive minute above the limit (on the longest day).
pub const WEIGHT_DRIVE_MINUTE: f64 = 1.0;
/// Penalty per room above an allotment.
pub const WEIGHT_ROOM: f64 = 100.0;
/// Penalty per must-visit left out.
pub const WEIGHT_MUST_VISIT: f64 = 10_000.0;
/// Penalty per day without a real route.
pub const WEIGHT_DAY: f64 = 1_000_000.0;

/// Rooms of one type a hotel night needs beyond its allotment.
#[derive(Clone, Debug, PartialEq)]
pub struct Shortfall {
    /// Index in `hotel.rooms`.
    pub room: usize,
    /// The allotment that night (0 when the type has a rate but no allotment).
    pub allotment: u32,
    /// Rooms of this type the rooming takes.
    pub needed: u32,
}

/// The rooming of a group at a hotel on a night with the fewest rooms beyond allotments.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct ElasticRooming {
    /// The room types that need more rooms than their allotment (empty: the hotel fits).
    pub short: Vec<Shortfall>,
}

impl ElasticRooming {
    /// The relaxation that makes this rooming fit: each short room type's allotment that night
    /// raised to what the rooming needs.
    pub fn allotment_ops(
        &self,
        hotel: &crate::contract::Hotel,
        date: chrono::NaiveDate,
    ) -> Vec<crate::contract::RelaxOp> {
        self.short
            .iter()
            .map(|s| crate::contract::RelaxOp::SetAllotment {
                hotel: hotel.id.clone(),
                kind: hotel.rooms[s.room].kind.clone(),
                date: crate::contract::Date(date),
                rooms: s.needed,
            })
            .collect()
    }

    /// Rooms needed beyond allotments.
    pub fn extra_rooms(&self) -> u32 {
        self.short.iter().map(|s| s.needed - s.allotment).sum()
    }
}

/// The fewest rooms beyond allotments with which `hotel` rooms the group on the night of
/// `date` (ties: the cheapest), or `None` when no number of rooms would do (no room type has
/// a rate that night, or a family fits no room type).
pub fn elastic_rooming(hotel: &Hotel, date: NaiveDate, rooming: &Rooming) -> Option<ElasticRooming> {
    let weekend = crate::rooming::is_weekend_night(date);
    // (room index, price, allotment) of every type with a rate that night.
    let terms: Vec<(usize, f64, u32)> = hotel
        .rooms
        .iter()
        .enumerate()
        .filter_map(|(i, r)| {
            let rate = r.rates.iter().find(|x| x.from.0 <= date && date <= x.to.0)?;
            let allot = r.allotment.iter().find(|x| x.from.0 <= date && date <= x.to.0).map_or(0, |a| a.rooms);
            let price = if weekend { rate.weekend_price.unwrap_or(rate.price) } else { rate.price };
            Some((i, price, allot))
        })
        .collect();
    if terms.is_empty() {
        return None;
    }
    let units = rooming.couples
        + rooming.males
        + rooming.females
        + rooming.singles
        + rooming.families.iter().map(|f| f.1).sum::<u32>();
    let mut vars = ProblemVariables::new();
    // (column, room index, unit kind, family size)
    let mut cols: Vec<(Col, usize, UnitKind, Option<u32>, bool)> = Vec::new();
    for &(i, _, _) in &terms {
        let r = &hotel.rooms[i];
        let mut add = |unit: UnitKind, size: Option<u32>, extra_bed: bool, max: u32| {
            cols.push((Col::add(&mut vars, variable().integer().min(0).max(max as f64)), i, unit, size, extra_bed));
        };
        if rooming.couples > 0 && r.couple_ok && r.sleeps >= 2 {
            add(UnitKind::Couple, None, false, rooming.couples);
        }
        if rooming.singles > 0 {
            add(UnitKind::Single, None, false, rooming.singles);
        }
        if rooming.males > 0 {
            add(UnitKind::Male, None, false, rooming.males);
        }
        if rooming.females > 0 {
            add(UnitKind::Female, None, false, rooming.females);
        }
        for &(size, count) in &rooming.families {
            if r.sleeps >= size {
                add(UnitKind::Family, Some(size), false, count);
            } else if r.extra_bed && r.sleeps + 1 == size {
                add(UnitKind::Family, Some(size), true, count);
            }
        }
    }
    let slack: Vec<Col> = terms.iter().map(|_| Col::add(&mut vars, variable().integer().min(0))).collect();
    // Fewest extra rooms first; among those the cheapest (the cost term stays below 1).
    let most = terms.iter().map(|t| t.1).fold(0.0, f64::max) + hotel.extra_bed_price.unwrap_or(0.0);
    let scale = 1.0 / (2.0 * (most * units.max(1) as f64 + 1.0));
    let mut objective: Expression = slack.iter().map(|s| s.var).sum();
    for (c, i, _, _, extra_bed) in &cols {
        let price = terms.iter().find(|t| t.0 == *i).map_or(0.0, |t| t.1);
        let bed = if *extra_bed { hotel.extra_bed_price.unwrap_or(0.0) } else { 0.0 };
        objective += (price + bed) * scale * c.var;
    }
    let mut problem = vars.minimise(objective).using(good_lp::highs);
    let sum = |pred: &dyn Fn(UnitKind, Option<u32>) -> bool| -> Expression {
        cols.iter().filter(|c| pred(c.2, c.3)).map(|c| c.0.var).sum()
    };
    problem.add_constraint(constraint!(sum(&|u, _| u == UnitKind::Couple) == rooming.couples as f64));
    problem.add_constraint(constraint!(sum(&|u, _| u == UnitKind::Single) == rooming.singles as f64));
    for &(size, count) in &rooming.families {
        problem.add_constraint(constraint!(sum(&|u, s| u == UnitKind::Family && s == Some(size)) == count as f64));
    }
    for (unit, people) in [(UnitKind::Male, rooming.males), (UnitKind::Female, rooming.females)] {
        let beds: Expression =
            cols.iter().filter(|c| c.2 == unit).map(|c| hotel.rooms[c.1].sleeps as f64 * c.0.var).sum();
        problem.add_constraint(constraint!(beds >= people as f64));
        problem.add_constraint(constraint!(sum(&|u, _| u == unit) <= people as f64));
    }
    for (t, s) in terms.iter().zip(&slack) {
        let used: Expression = cols.iter().filter(|c| c.1 == t.0).map(|c| c.0.var).sum();
        problem.add_constraint(constraint!(used <= t.2 as f64 + s.var));
    }
    let settings = MilpSettings { offset: 0.0, time_limit_s: 10.0, mip_gap: 0.0, presolve: true };
    match solve(problem, settings) {
        MilpOutcome::Solved { values, .. } => {
            let short = terms
                .iter()
                .zip(&slack)
                .filter_map(|(t, s)| {
                    let extra = s.value(&values).round().max(0.0) as u32;
                    (extra > 0).then(|| {
                        let needed: f64 = cols.iter().filter(|c| c.1 == t.0).map(|c| c.0.value(&values).round()).sum();
                        Shortfall { room: t.0, allotment: t.2, needed: (needed as u32).max(t.2 + extra) }
                    })
                })
                .collect();
            Some(ElasticRooming { short })
        }
        _ => None,
    }
}

/// What the elastic model is given.
pub struct ElasticInput<'a> {
    /// The trip.
    pub model: &'a TripModel,
    /// Routes per day (generated without the drive limit when there is one).
    pub routes: &'a [Vec<DayRoute>],
    /// `rooming[n][h]`: the elastic rooming of hotel option h on night n (None: unusable).
    pub rooming: &'a [Vec<Option<ElasticRooming>>],
    /// `trip.max_drive_minutes`.
    pub drive_limit: Option<Minute>,
    /// Wall-clock limit in seconds.
    pub time_limit_s: f64,
}

/// The plan that breaks the rules least.
#[derive(Clone, Debug, PartialEq)]
pub struct ElasticPlan {
    /// Must-visits left out (indices into `model.attractions`).
    pub missed: Vec<usize>,
    /// Hotel option per night.
    pub hotels: Vec<usize>,
    /// Route per day (index into that day's list), `None` for a day without a real route.
    pub routes: Vec<Option<usize>>,
    /// Days without a real route, with the (start, end) places of their virtual route.
    pub virtual_days: Vec<(usize, usize, usize)>,
    /// Drive minutes of each day (0 on a virtual day).
    pub day_drive: Vec<Minute>,
    /// Total penalty.
    pub penalty: f64,
}

impl ElasticPlan {
    /// The longest drive of a day.
    pub fn max_drive(&self) -> Minute {
        self.day_drive.iter().copied().max().unwrap_or(0)
    }
}

/// Solves the elastic model; `None` when it has no solution (a night without any usable
/// hotel) or the time ran out before one was found.
pub fn least_violation(input: &ElasticInput) -> Option<ElasticPlan> {
    let m = input.model;
    let n_days = m.days.len();
    let n_nights = n_days.saturating_sub(1);
    if input.rooming.len() != n_nights || input.routes.len() != n_days {
        return None;
    }
    // Routes: per (start, end, attraction set), the one that drives least.
    let kept: Vec<Vec<usize>> = input
        .routes
        .iter()
        .map(|day| {
            let mut best: BTreeMap<(usize, usize, u128), usize> = BTreeMap::new();
            for (i, r) in day.iter().enumerate() {
                best.entry((r.start, r.end, r.set))
                    .and_modify(|b| {
                        if r.drive_minutes < day[*b].drive_minutes {
                            *b = i;
                        }
                    })
                    .or_insert(i);
            }
            best.into_values().collect()
        })
        .collect();
    let night_places: Vec<BTreeSet<usize>> = input
        .rooming
        .iter()
        .map(|night| night.iter().enumerate().filter(|(_, r)| r.is_some()).map(|(h, _)| m.hotels[h].place).collect())
        .collect();
    if night_places.iter().any(BTreeSet::is_empty) {
        return None;
    }
    // Virtual routes: every (start, end) pair of every day.
    let virtual_pairs: Vec<Vec<(usize, usize)>> = (0..n_days)
        .map(|d| {
            let starts: Vec<usize> = match m.days[d].start_place {
                Some(p) => vec![p],
                None => night_places[d - 1].iter().copied().collect(),
            };
            let ends: Vec<usize> = match m.days[d].end {
                DayEnd::Depart(p) => vec![p],
                DayEnd::Hotel => night_places[d].iter().copied().collect(),
            };
            starts.iter().flat_map(|&s| ends.iter().map(move |&e| (s, e))).collect()
        })
        .collect();

    let mut vars = ProblemVariables::new();
    let x: Vec<Vec<Col>> =
        kept.iter().map(|d| d.iter().map(|_| Col::add(&mut vars, variable().binary())).collect()).collect();
    let v: Vec<Vec<Col>> =
        virtual_pairs.iter().map(|d| d.iter().map(|_| Col::add(&mut vars, variable().binary())).collect()).collect();
    let y: Vec<Vec<Option<Col>>> = input
        .rooming
        .iter()
        .map(|night| night.iter().map(|r| r.as_ref().map(|_| Col::add(&mut vars, variable().binary()))).collect())
        .collect();
    let musts: Vec<usize> = (0..m.attractions.len()).filter(|&i| m.attractions[i].must).collect();
    let miss: Vec<Col> = musts.iter().map(|_| Col::add(&mut vars, variable().min(0.0).max(1.0))).collect();
    let over = input.drive_limit.map(|_| Col::add(&mut vars, variable().min(0.0)));
    let variables = vars.len();

    let mut objective = Expression::from(0.0);
    for day in &v {
        for c in day {
            objective += WEIGHT_DAY * c.var;
        }
    }
    for (n, night) in input.rooming.iter().enumerate() {
        for (h, r) in night.iter().enumerate() {
            if let (Some(r), Some(c)) = (r, y[n][h]) {
                let extra = r.extra_rooms();
                if extra > 0 {
                    objective += WEIGHT_ROOM * extra as f64 * c.var;
                }
            }
        }
    }
    for c in &miss {
        objective += WEIGHT_MUST_VISIT * c.var;
    }
    if let Some(o) = over {
        objective += WEIGHT_DRIVE_MINUTE * o.var;
    }
    let mut problem = vars.minimise(objective).using(good_lp::highs);

    // one_route_per_day (real or virtual)
    for d in 0..n_days {
        let e: Expression = x[d].iter().chain(&v[d]).map(|c| c.var).sum();
        problem.add_constraint(constraint!(e == 1.0));
        // drive: over >= drive of the day - limit
        if let (Some(o), Some(limit)) = (over, input.drive_limit) {
            let drive: Expression =
                kept[d].iter().zip(&x[d]).map(|(&r, c)| input.routes[d][r].drive_minutes as f64 * c.var).sum();
            problem.add_constraint(constraint!(o.var >= drive - limit as f64));
        }
    }
    for n in 0..n_nights {
        let hotels: Expression = y[n].iter().flatten().map(|c| c.var).sum();
        problem.add_constraint(constraint!(hotels == 1.0));
        let mut places: BTreeSet<usize> = BTreeSet::new();
        let mut at_place: HashMap<usize, Expression> = HashMap::new();
        for (h, c) in y[n].iter().enumerate() {
            if let Some(c) = c {
                let p = m.hotels[h].place;
                places.insert(p);
                *at_place.entry(p).or_default() += c.var;
            }
        }
        let mut ending: HashMap<usize, Expression> = HashMap::new();
        for (&r, c) in kept[n].iter().zip(&x[n]) {
            let e = input.routes[n][r].end;
            places.insert(e);
            *ending.entry(e).or_default() += c.var;
        }
        for (&(_, e), c) in virtual_pairs[n].iter().zip(&v[n]) {
            places.insert(e);
            *ending.entry(e).or_default() += c.var;
        }
        let mut starting: HashMap<usize, Expression> = HashMap::new();
        for (&r, c) in kept[n + 1].iter().zip(&x[n + 1]) {
            let s = input.routes[n + 1][r].start;
            places.insert(s);
            *starting.entry(s).or_default() += c.var;
        }
        for (&(s, _), c) in virtual_pairs[n + 1].iter().zip(&v[n + 1]) {
            places.insert(s);
            *starting.entry(s).or_default() += c.var;
        }
        for p in places {
            let sleep = at_place.remove(&p).unwrap_or_default();
            let arrive = ending.remove(&p).unwrap_or_default();
            let leave = starting.remove(&p).unwrap_or_default();
            problem.add_constraint(constraint!(arrive == sleep.clone()));
            problem.add_constraint(constraint!(leave == sleep));
        }
    }
    // attraction_once / must_visit (with its miss column)
    for i in 0..m.attractions.len() {
        let bit = 1u128 << i;
        let mut visits = Expression::from(0.0);
        for (d, day) in kept.iter().enumerate() {
            for (&r, c) in day.iter().zip(&x[d]) {
                if input.routes[d][r].set & bit != 0 {
                    visits += c.var;
                }
            }
        }
        match musts.iter().position(|&k| k == i) {
            Some(k) => problem.add_constraint(constraint!(visits + miss[k].var == 1.0)),
            None => problem.add_constraint(constraint!(visits <= 1.0)),
        };
    }
    let settings = MilpSettings {
        offset: 0.0,
        time_limit_s: input.time_limit_s.max(0.05),
        mip_gap: 0.0,
        presolve: variables as u64 > super::plan::PRESOLVE_ABOVE_COLUMNS,
    };
    let MilpOutcome::Solved { values, objective, .. } = solve(problem, settings) else {
        return None;
    };
    let chosen = |cols: &[Col]| cols.iter().position(|c| c.value(&values) > 0.5);
    let mut routes = Vec::with_capacity(n_days);
    let mut virtual_days = Vec::new();
    let mut day_drive = Vec::with_capacity(n_days);
    for d in 0..n_days {
        match chosen(&x[d]) {
            Some(k) => {
                routes.push(Some(kept[d][k]));
                day_drive.push(input.routes[d][kept[d][k]].drive_minutes);
            }
            None => {
                let (s, e) = chosen(&v[d]).map_or((0, 0), |k| virtual_pairs[d][k]);
                routes.push(None);
                virtual_days.push((d, s, e));
                day_drive.push(0);
            }
        }
    }
    let hotels =
        y.iter().map(|ys| ys.iter().position(|c| c.is_some_and(|c| c.value(&values) > 0.5)).unwrap_or(0)).collect();
    let missed = musts.iter().zip(&miss).filter(|(_, c)| c.value(&values) > 0.5).map(|(&i, _)| i).collect();
    Some(ElasticPlan { missed, hotels, routes, virtual_days, day_drive, penalty: objective })
}
