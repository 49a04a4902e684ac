//! Day routes: every day's feasible ordered routes between overnight places,
//! found by a label-setting dynamic programme over time windows.
//!
//! A label is a partial route: where the group is, which attractions and meals
//! it has done, the clock, and what the day has used (drive minutes, km,
//! tolls, meal cost). Labels with the same place, attractions and meals are
//! compared component-wise and dominated ones dropped: every cost of a route
//! is non-decreasing in each component, whatever fleet drives it, so no
//! optimal route is lost. Each (day, start place) is searched on its own, in
//! parallel.

use crate::graph::TravelMatrix;
use crate::model::{DayEnd, Minute, TripModel};
use rayon::prelude::*;
use std::collections::HashMap;
use std::time::Instant;

/// A set of listed attractions (bit i = `model.attractions[i]`).
pub type AttractionSet = u128;

/// One stop of a route.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RouteStop {
    /// A visit to `model.attractions[i]`.
    Attraction(usize),
    /// A meal of kind `meal` at `model.restaurants[restaurant]`.
    Meal {
        /// Index into `model.restaurants`.
        restaurant: usize,
        /// Index into `model.meals`.
        meal: usize,
    },
}

/// A feasible route for one day.
#[derive(Clone, Debug, PartialEq)]
pub struct DayRoute {
    /// Day index.
    pub day: usize,
    /// Start place.
    pub start: usize,
    /// End place.
    pub end: usize,
    /// Attractions visited.
    pub set: AttractionSet,
    /// Stops in order.
    pub stops: Vec<RouteStop>,
    /// Driving minutes (last hop included).
    pub drive_minutes: Minute,
    /// Kilometres.
    pub km: f64,
    /// Tolls per vehicle.
    pub toll: f64,
    /// Meals for the group.
    pub meal_cost: f64,
    /// Tickets for the group.
    pub ticket_cost: f64,
    /// Value of the optional attractions visited.
    pub value: f64,
}

/// What a day route search needs to know about a day.
#[derive(Clone, Debug)]
pub struct DaySearch {
    /// Day index.
    pub day: usize,
    /// Start place.
    pub start: usize,
    /// Places where the day may end.
    pub ends: Vec<usize>,
}

/// The route search ran into the label limit (or its deadline).
#[derive(Clone, Debug, PartialEq)]
pub struct TooManyLabels {
    /// The day.
    pub day: usize,
    /// The deadline passed before the search ended (rather than the label limit).
    pub timed_out: bool,
}

#[derive(Clone, Debug)]
struct Label {
    place: usize,
    set: AttractionSet,
    meals: u8,
    time: Minute,
    drive: Minute,
    km: f64,
    toll: f64,
    meal_cost: f64,
    parent: u32,
    stop: Option<RouteStop>,
    dead: bool,
}

const NONE: u32 = u32::MAX;
const EPS: f64 = 1e-9;

impl Label {
    fn dominates(&self, o: &Label) -> bool {
        self.time <= o.time
            && self.drive <= o.drive
            && self.km <= o.km + EPS
            && self.toll <= o.toll + EPS
            && self.meal_cost <= o.meal_cost + EPS
    }
}

/// Searches every (day, start place) in parallel; routes come back in input order.
pub fn generate(
    model: &TripModel,
    travel: &TravelMatrix,
    searches: &[DaySearch],
    max_labels: usize,
) -> Result<Vec<Vec<DayRoute>>, TooManyLabels> {
    generate_within(model, travel, searches, max_labels, None)
}

/// [`generate`], giving up (with `timed_out`) once `deadline` has passed.
pub fn generate_within(
    model: &TripModel,
    travel: &TravelMatrix,
    searches: &[DaySearch],
    max_labels: usize,
    deadline: Option<Instant>,
) -> Result<Vec<Vec<DayRoute>>, TooManyLabels> {
    searches.par_iter().map(|s| search_day_within(model, travel, s, max_labels, deadline)).collect()
}

/// All non-dominated routes of one day from one start place to each end place.
pub fn search_day(
    model: &TripModel,
    travel: &TravelMatrix,
    search: &DaySearch,
    max_labels: usize,
) -> Result<Vec<DayRoute>, TooManyLabels> {
    search_day_within(model, travel, search, max_labels, None)
}

/// [`search_day`] with a deadline.
pub fn search_day_within(
    model: &TripModel,
    travel: &TravelMatrix,
    search: &DaySearch,
    max_labels: usize,
    deadline: Option<Instant>,
) -> Result<Vec<DayRoute>, TooManyLabels> {
    if deadline.is_some_and(|d| Instant::now() >= d) {
        return Err(TooManyLabels { day: search.day, timed_out: true });
    }
    let rule = &model.days[search.day];
    let limit = rule.end_limit;
    let max_drive = model.job.trip.max_drive_minutes.map_or(Minute::MAX / 4, |m| m as Minute - rule.driven.minutes);
    let required = rule.required_meals;
    // Opening intervals of each listed attraction on this date.
    let intervals: Vec<Vec<(Minute, Minute)>> = model
        .attractions
        .iter()
        .map(|a| TripModel::open_intervals(&model.job.catalog.attractions[a.catalog], rule.date))
        .collect();
    // Fewest minutes from each place to any end of the day.
    let mut to_end: HashMap<usize, Option<Minute>> = HashMap::new();
    let mut min_to_end = |p: usize| -> Option<Minute> {
        *to_end
            .entry(p)
            .or_insert_with(|| search.ends.iter().filter_map(|&e| travel.hop(p, e)).map(|h| h.minutes).min())
    };
    let meal_options: Vec<(usize, usize)> = model
        .restaurants
        .iter()
        .enumerate()
        .flat_map(|(r, opt)| {
            (0..model.meals.len()).filter(move |&k| required & opt.serves & (1 << k) != 0).map(move |k| (r, k))
        })
        .collect();
    let mut labels: Vec<Label> = vec![Label {
        place: search.start,
        set: 0,
        meals: 0,
        time: rule.start_time,
        drive: 0,
        km: 0.0,
        toll: 0.0,
        meal_cost: 0.0,
        parent: NONE,
        stop: None,
        dead: false,
    }];
    let mut buckets: HashMap<(usize, AttractionSet, u8), Vec<u32>> = HashMap::new();
    buckets.insert((search.start, 0, 0), vec![0]);
    let mut frontier: Vec<u32> = vec![0];
    while !frontier.is_empty() {
        let mut next: Vec<u32> = Vec::new();
        for &li in &frontier {
            if labels[li as usize].dead {
                continue;
            }
            let cur = labels[li as usize].clone();
            // Can every required meal still be had?
            let meals_possible = (0..model.meals.len()).all(|k| {
                required & (1 << k) == 0
                    || cur.meals & (1 << k) != 0
                    || meal_options.iter().any(|&(r, mk)| {
                        mk == k
                            && travel
                                .hop(cur.place, model.restaurants[r].place)
                                .is_some_and(|h| cur.time + h.minutes <= model.meals[k].close)
                    })
            });
            if !meals_possible {
                continue;
            }
            let mut extend = |stop: RouteStop,
                              place: usize,
                              start_ok: &dyn Fn(Minute) -> Option<(Minute, Minute)>,
                              labels: &mut Vec<Label>,
                              meal_cost: f64,
                              bit_set: AttractionSet,
                              bit_meal: u8| {
                let Some(hop) = travel.hop(cur.place, place) else { return };
                let arrive = cur.time + hop.minutes;
                let Some((_, end)) = start_ok(arrive) else { return };
                let drive = cur.drive + hop.minutes;
                let Some(rest) = min_to_end(place) else { return };
                if end + rest > limit || drive + rest > max_drive {
                    return;
                }
                let cand = Label {
                    place,
                    set: cur.set | bit_set,
                    meals: cur.meals | bit_meal,
                    time: end,
                    drive,
                    km: cur.km + hop.km,
                    toll: cur.toll + hop.toll,
                    meal_cost: cur.meal_cost + meal_cost,
                    parent: li,
                    stop: Some(stop),
                    dead: false,
                };
                let bucket = buckets.entry((cand.place, cand.set, cand.meals)).or_default();
                if bucket.iter().any(|&o| labels[o as usize].dominates(&cand)) {
                    return;
                }
                bucket.retain(|&o| {
                    if cand.dominates(&labels[o as usize]) {
                        labels[o as usize].dead = true;
                        false
                    } else {
                        true
                    }
                });
                let idx = labels.len() as u32;
                bucket.push(idx);
                labels.push(cand);
                next.push(idx);
            };
            for (i, a) in model.attractions.iter().enumerate() {
                let bit = 1u128 << i;
                if cur.set & bit != 0 || intervals[i].is_empty() {
                    continue;
                }
                let visit = a.visit;
                let iv = &intervals[i];
                let start_ok = |arrive: Minute| {
                    iv.iter()
                        .map(|&(o, c)| (arrive.max(o), c))
                        .find(|&(s, c)| s + visit <= c)
                        .map(|(s, _)| (s, s + visit))
                };
                extend(RouteStop::Attraction(i), a.place, &start_ok, &mut labels, 0.0, bit, 0);
            }
            for &(r, k) in &meal_options {
                if cur.meals & (1 << k) != 0 {
                    continue;
                }
                let (open, close) = (model.meals[k].open, model.meals[k].close);
                let minutes = model.restaurants[r].minutes;
                let start_ok = |arrive: Minute| {
                    let s = arrive.max(open);
                    (s <= close).then_some((s, s + minutes))
                };
                let cost = model.restaurants[r].cost;
                extend(
                    RouteStop::Meal { restaurant: r, meal: k },
                    model.restaurants[r].place,
                    &start_ok,
                    &mut labels,
                    cost,
                    0,
                    1 << k,
                );
            }
            if labels.len() > max_labels {
                return Err(TooManyLabels { day: search.day, timed_out: false });
            }
            if deadline.is_some_and(|d| Instant::now() >= d) {
                return Err(TooManyLabels { day: search.day, timed_out: true });
            }
        }
        frontier = next;
    }
    // Close every live label that has had its meals at each end of the day. Stops are traced
    // only for the routes that survive the Pareto filter (most do not; tracing all of them
    // was the largest allocation of the largest jobs).
    let mut routes: Vec<(DayRoute, u32)> = Vec::new();
    for (li, l) in labels.iter().enumerate() {
        if l.dead || l.meals & required != required {
            continue;
        }
        for &e in &search.ends {
            let Some(hop) = travel.hop(l.place, e) else { continue };
            let (arrive, drive) = (l.time + hop.minutes, l.drive + hop.minutes);
            if arrive > limit || drive > max_drive {
                continue;
            }
            let visited = || (0..model.attractions.len()).filter(|i| l.set & (1u128 << i) != 0);
            let ticket_cost = visited().map(|i| model.attractions[i].tickets.total).sum();
            let value = visited().map(|i| model.attractions[i].value).sum();
            let route = DayRoute {
                day: search.day,
                start: search.start,
                end: e,
                set: l.set,
                stops: Vec::new(),
                drive_minutes: drive,
                km: l.km + hop.km,
                toll: l.toll + hop.toll,
                meal_cost: l.meal_cost,
                ticket_cost,
                value,
            };
            routes.push((route, li as u32));
        }
    }
    Ok(pareto(routes)
        .into_iter()
        .map(|(mut r, li)| {
            r.stops = trace(&labels, li);
            r
        })
        .collect())
}

fn trace(labels: &[Label], mut li: u32) -> Vec<RouteStop> {
    let mut stops = Vec::new();
    while li != NONE {
        let l = &labels[li as usize];
        if let Some(s) = l.stop {
            stops.push(s);
        }
        li = l.parent;
    }
    stops.reverse();
    stops
}

/// Keeps, per (end, attraction set), the routes not dominated in drive minutes, km, tolls
/// and meal cost; deterministic order.
fn pareto(mut routes: Vec<(DayRoute, u32)>) -> Vec<(DayRoute, u32)> {
    routes.sort_by(|(a, _), (b, _)| {
        (a.end, a.set, a.drive_minutes)
            .cmp(&(b.end, b.set, b.drive_minutes))
            .then(a.km.total_cmp(&b.km))
            .then(a.toll.total_cmp(&b.toll))
            .then(a.meal_cost.total_cmp(&b.meal_cost))
    });
    let mut kept: Vec<(DayRoute, u32)> = Vec::new();
    let mut group_start = 0;
    for (r, li) in routes {
        if kept.last().is_some_and(|(k, _)| (k.end, k.set) != (r.end, r.set)) {
            group_start = kept.len();
        }
        let dominated = kept[group_start..].iter().any(|(k, _)| {
            k.drive_minutes <= r.drive_minutes
                && k.km <= r.km + EPS
                && k.toll <= r.toll + EPS
                && k.meal_cost <= r.meal_cost + EPS
        });
        if !dominated {
            kept.push((r, li));
        }
    }
    kept
}

/// Which places each day may start and end at, given the hotels usable each night.
pub fn day_searches(model: &TripModel, night_places: &[Vec<usize>]) -> Vec<DaySearch> {
    let mut out = Vec::new();
    for (d, rule) in model.days.iter().enumerate() {
        let starts: Vec<usize> = match rule.start_place {
            Some(p) => vec![p],
            None => night_places[d - 1].clone(),
        };
        let ends: Vec<usize> = match rule.end {
            DayEnd::Depart(p) => vec![p],
            DayEnd::Hotel => night_places[d].clone(),
        };
        for s in starts {
            out.push(DaySearch { day: d, start: s, ends: ends.clone() });
        }
    }
    out
}
