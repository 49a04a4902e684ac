//! An independent exhaustive-search oracle for `plan` jobs (contract v1).
//!
//! It is written only from `shared/spec/job-format.md` and
//! `docs/contract-decisions.md`, never from the optimiser's code, so that the
//! tests can use it to prove the MILP reaches the true optimum of tiny jobs.
//! It is exponential on purpose and only meant for tiny jobs (a few days,
//! attractions, hotels, room types, restaurants and vehicle types).
//!
//! How it searches (every reduction below is exact, never a heuristic):
//! - Rooming: nights are independent for one group, so for every hotel and
//!   night it enumerates every assignment of rooming units to room types and
//!   keeps the cheapest (FOC and allotments included).
//! - Routes: for every day and start place it walks every ordered sequence of
//!   distinct candidate attractions interleaved with the required meals at
//!   every suitable restaurant, scheduling each stop as early as possible
//!   (waiting allowed), and records every feasible route under the key
//!   (start place, end place, attraction set). Routes that are worse in every
//!   one of drive minutes, km, tolls and meal cost are dropped.
//! - Fleets: every fleet from which no vehicle can be removed (the contract
//!   decision) is tried in turn.
//! - Days and nights are combined by a dynamic programme over
//!   (hotel of the previous night, attractions visited so far), keeping the
//!   Pareto front of (objective, cost) so that a budget is honoured exactly.

use serde_json::Value;
use std::collections::{BTreeMap, HashMap};

/// Fixed-point scale for km and tolls, so that path ties compare exactly.
const FX: f64 = 10_000.0;
/// Tolerance when comparing objectives and costs.
const EPS: f64 = 1e-7;
/// Minutes in a day, the close of an attraction that has no `hours` at all.
const DAY_MINUTES: i64 = 24 * 60;

/// The optimum of a `plan` job found by exhaustive search.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OracleBest {
    /// The minimised objective: cost, less the value of optional attractions
    /// visited, plus `hotel_change_penalty` per hotel change, plus
    /// `drive_penalty_per_pax_hour * pax * drive minutes / 60`.
    pub objective: f64,
    /// The exact (unrounded) cost of an optimal plan: hotels, vehicles,
    /// tickets, meals, guide and fees. When several plans reach the optimal
    /// objective this is the lowest cost among them.
    pub cost: f64,
}

/// Finds the best plan of a `plan` job by exhaustive search.
///
/// Returns `None` when no plan satisfies every rule (including the budget).
/// Panics on a document that breaks the contract (a missing required field or
/// a reference that does not resolve): the oracle is a test tool and such a
/// job is a bug in the test, not a case to plan.
pub fn exhaustive_best(job: &Value) -> Option<OracleBest> {
    let model = Model::build(job)?;
    model.solve()
}

// ---------------------------------------------------------------------------
// JSON helpers
// ---------------------------------------------------------------------------

fn field<'a>(v: &'a Value, key: &str) -> Option<&'a Value> {
    v.get(key).filter(|x| !x.is_null())
}

fn num_or(v: &Value, key: &str, default: f64) -> f64 {
    field(v, key).and_then(Value::as_f64).unwrap_or(default)
}

fn num(v: &Value, key: &str) -> f64 {
    field(v, key).and_then(Value::as_f64).unwrap_or_else(|| panic!("oracle: missing number `{key}` in {v}"))
}

fn text<'a>(v: &'a Value, key: &str) -> &'a str {
    field(v, key).and_then(Value::as_str).unwrap_or_else(|| panic!("oracle: missing string `{key}` in {v}"))
}

fn list<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    field(v, key).and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[])
}

fn count(x: f64) -> u32 {
    x.round().max(0.0) as u32
}

/// "HH:MM" to minutes after midnight.
fn minutes_of(hm: &str) -> i64 {
    let (h, m) = hm.split_once(':').unwrap_or_else(|| panic!("oracle: bad time {hm:?}"));
    let h: i64 = h.parse().unwrap_or_else(|_| panic!("oracle: bad time {hm:?}"));
    let m: i64 = m.parse().unwrap_or_else(|_| panic!("oracle: bad time {hm:?}"));
    h * 60 + m
}

/// "YYYY-MM-DD" to days since 1970-01-01 (proleptic Gregorian calendar).
fn day_number(ymd: &str) -> i64 {
    let parts: Vec<i64> =
        ymd.split('-').map(|p| p.parse().unwrap_or_else(|_| panic!("oracle: bad date {ymd:?}"))).collect();
    assert!(parts.len() == 3, "oracle: bad date {ymd:?}");
    let (y, m, d) = (parts[0], parts[1], parts[2]);
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let month_from_march = (m + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + d - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// ISO weekday (1 = Monday ... 7 = Sunday) of a day number.
fn iso_weekday(day: i64) -> u32 {
    // 1970-01-01 was a Thursday.
    ((day + 3).rem_euclid(7) + 1) as u32
}

/// "YYYY-MM-DDTHH:MM" to (day number, minutes after midnight).
fn date_time(s: &str) -> (i64, i64) {
    let (d, t) = s.split_once('T').unwrap_or_else(|| panic!("oracle: bad date-time {s:?}"));
    (day_number(d), minutes_of(t))
}

/// Whether a `{"from", "to"}` range (both included) covers a day.
fn covers(range: &Value, day: i64) -> bool {
    day_number(text(range, "from")) <= day && day <= day_number(text(range, "to"))
}

// ---------------------------------------------------------------------------
// Travel: fewest minutes, then fewest km, then fewest tolls
// ---------------------------------------------------------------------------

/// A path's (minutes, km, toll); km and toll in fixed point (`FX`).
type Hop = (i64, i64, i64);

/// All-pairs lexicographic shortest paths (Floyd–Warshall). Lexicographic
/// order on sums of non-negative triples is compatible with addition, so the
/// classic algorithm is exact for it.
fn shortest_paths(n: usize, legs: &[(usize, usize, Hop)]) -> Vec<Vec<Option<Hop>>> {
    let mut d: Vec<Vec<Option<Hop>>> = vec![vec![None; n]; n];
    for &(a, b, hop) in legs {
        let better = match d[a][b] {
            None => true,
            Some(old) => hop < old,
        };
        if better {
            d[a][b] = Some(hop);
        }
    }
    for (i, row) in d.iter_mut().enumerate() {
        row[i] = Some((0, 0, 0));
    }
    for k in 0..n {
        let via_k = d[k].clone();
        for row in d.iter_mut() {
            let Some(ik) = row[k] else { continue };
            for (cell, kj) in row.iter_mut().zip(&via_k) {
                let Some(kj) = kj else { continue };
                let via = (ik.0 + kj.0, ik.1 + kj.1, ik.2 + kj.2);
                let better = match *cell {
                    None => true,
                    Some(old) => via < old,
                };
                if better {
                    *cell = Some(via);
                }
            }
        }
    }
    d
}

// ---------------------------------------------------------------------------
// The model, read from the job
// ---------------------------------------------------------------------------

/// One opening-hours entry.
struct Hours {
    weekdays: Vec<u32>,
    open: i64,
    close: i64,
}

/// A candidate attraction (from `must_visit` or `optional`).
struct Attraction {
    place: usize,
    visit_minutes: i64,
    hours: Vec<Hours>,
    closed: Vec<i64>,
    /// Tickets for this group's pax.
    tickets: f64,
    /// Value when visited (optional attractions only).
    value: f64,
}

/// One restaurant able to serve a required meal.
struct MealOption {
    place: usize,
    minutes: i64,
    cost: f64,
}

/// A meal required on a day.
struct MealReq {
    open: i64,
    close: i64,
    options: Vec<MealOption>,
}

/// One trip day.
struct Day {
    date: i64,
    weekday: u32,
    /// Start time (`arrive.at` on day 1, `day_start` otherwise).
    start: i64,
    /// End limit (`depart.at - buffer` on the last day, `day_end` otherwise).
    limit: i64,
    meals: Vec<MealReq>,
}

/// A hotel that meets `hotel_min_stars`, with its best rooming per night.
struct Hotel {
    place: usize,
    /// Cheapest rooming cost per night (`None`: cannot house the group).
    night_cost: Vec<Option<f64>>,
}

/// A vehicle type.
struct Vehicle {
    seats: u32,
    day_rate: f64,
    per_km: f64,
    km_included: i64,
    /// Largest count worth considering.
    max_count: u32,
}

/// A feasible route of a day, reduced to what prices it.
#[derive(Clone, Copy, Debug)]
struct RouteMetrics {
    drive: i64,
    km: i64,
    toll: i64,
    meal_cost: f64,
}

impl RouteMetrics {
    fn dominates(&self, other: &RouteMetrics) -> bool {
        self.drive <= other.drive
            && self.km <= other.km
            && self.toll <= other.toll
            && self.meal_cost <= other.meal_cost + EPS
    }
}

/// (start place, end place, attraction mask).
type RouteKey = (usize, usize, u32);
/// Every non-dominated feasible route of a day, by key.
type RouteTable = HashMap<RouteKey, Vec<RouteMetrics>>;
/// DP state: (hotel of the previous night, attractions visited so far).
type State = (Option<usize>, u32);

/// The group's rooming list, by unit kind.
#[derive(Default)]
struct Rooming {
    couples: u32,
    singles: u32,
    males: u32,
    females: u32,
    /// (size, count) of family units.
    families: Vec<(u32, u32)>,
}

/// Everything the search needs, read from the job once.
struct Model {
    paths: Vec<Vec<Option<Hop>>>,
    attractions: Vec<Attraction>,
    must_mask: u32,
    days: Vec<Day>,
    arrive_place: usize,
    depart_place: usize,
    hotels: Vec<Hotel>,
    vehicles: Vec<Vehicle>,
    seats_needed: u32,
    max_drive: i64,
    change_penalty: f64,
    /// Objective per drive minute (`drive_penalty_per_pax_hour * pax / 60`).
    drive_penalty_per_minute: f64,
    /// Guide and fees: the same for every plan.
    fixed_cost: f64,
    /// `budget_per_pax`, if any.
    budget_per_pax: Option<f64>,
    pax: f64,
}

/// The places and the travel between them.
struct Places<'a> {
    ids: Vec<&'a str>,
    paths: Vec<Vec<Option<Hop>>>,
}

impl<'a> Places<'a> {
    fn read(catalog: &'a Value) -> Places<'a> {
        let ids: Vec<&str> = list(catalog, "places").iter().map(|p| text(p, "id")).collect();
        let mut places = Places { ids, paths: Vec::new() };
        let mut legs = Vec::new();
        for leg in list(catalog, "legs") {
            let a = places.index(text(leg, "from"));
            let b = places.index(text(leg, "to"));
            let hop = (
                num(leg, "minutes").round() as i64,
                (num_or(leg, "km", 0.0) * FX).round() as i64,
                (num_or(leg, "toll", 0.0) * FX).round() as i64,
            );
            legs.push((a, b, hop));
            if field(leg, "both_ways").and_then(Value::as_bool) == Some(true) {
                legs.push((b, a, hop));
            }
        }
        places.paths = shortest_paths(places.ids.len(), &legs);
        places
    }

    fn index(&self, id: &str) -> usize {
        self.ids.iter().position(|p| *p == id).unwrap_or_else(|| panic!("oracle: unknown place {id:?}"))
    }
}

/// The group: pax, seats, meal covers and rooming list.
struct Group {
    adults: f64,
    children: f64,
    pax: f64,
    seats_needed: u32,
    /// `meal_covers - pax`: covers paid at the adult price, no ticket.
    staff: f64,
    covers: f64,
    rooming: Rooming,
}

impl Group {
    fn read(group: &Value) -> Group {
        let pax = field(group, "pax").expect("oracle: no group.pax");
        let adults = num_or(pax, "adult", 0.0);
        let children = num_or(pax, "child", 0.0);
        let pax = adults + children;
        let covers = num_or(group, "meal_covers", pax + 1.0);
        let mut rooming = Rooming::default();
        for unit in list(group, "rooming") {
            let n = count(num_or(unit, "count", 1.0));
            match text(unit, "unit") {
                "couple" => rooming.couples += n,
                "single" => rooming.singles += n,
                "male" => rooming.males += n,
                "female" => rooming.females += n,
                "family" => rooming.families.push((count(num(unit, "size")), n)),
                other => panic!("oracle: unknown rooming unit {other:?}"),
            }
        }
        Group {
            adults,
            children,
            pax,
            seats_needed: count(num_or(group, "seats", pax + 1.0)),
            staff: (covers - pax).max(0.0),
            covers,
            rooming,
        }
    }
}

/// The trip days with their spans and required meals; `None` when the
/// departure comes before the arrival.
fn read_days(catalog: &Value, trip: &Value, group: &Group, places: &Places) -> Option<Vec<Day>> {
    let arrive = field(trip, "arrive").expect("oracle: no trip.arrive");
    let depart = field(trip, "depart").expect("oracle: no trip.depart");
    let (first_day, arrive_time) = date_time(text(arrive, "at"));
    let (last_day, depart_time) = date_time(text(depart, "at"));
    if last_day < first_day {
        return None;
    }
    let buffer = num_or(depart, "buffer_minutes", 0.0).round() as i64;
    let clock = |key: &str, default: i64| field(trip, key).and_then(Value::as_str).map_or(default, minutes_of);
    let day_start = clock("day_start", 8 * 60);
    let day_end = clock("day_end", 21 * 60);
    let meal_windows: Vec<(&str, i64, i64)> = field(trip, "meals")
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(kind, w)| {
                    let at = |i: usize| minutes_of(w.get(i).and_then(Value::as_str).expect("oracle: bad meal window"));
                    (kind.as_str(), at(0), at(1))
                })
                .collect()
        })
        .unwrap_or_default();
    let mut days = Vec::new();
    for date in first_day..=last_day {
        let start = if date == first_day { arrive_time } else { day_start };
        let limit = if date == last_day { depart_time - buffer } else { day_end };
        // A meal is required when the span covers its whole window.
        let meals = meal_windows
            .iter()
            .filter(|&&(_, open, close)| start <= open && limit >= close)
            .map(|&(kind, open, close)| MealReq { open, close, options: meal_options(catalog, kind, group, places) })
            .collect();
        days.push(Day { date, weekday: iso_weekday(date), start, limit, meals });
    }
    Some(days)
}

/// The restaurants that serve `kind` with enough seats, priced for the group.
fn meal_options(catalog: &Value, kind: &str, group: &Group, places: &Places) -> Vec<MealOption> {
    list(catalog, "restaurants")
        .iter()
        .filter(|r| list(r, "meals").iter().any(|m| m.as_str() == Some(kind)))
        .filter(|r| num_or(r, "seats", f64::INFINITY) >= group.covers)
        .map(|r| {
            let per_pax = num(r, "per_pax");
            let child = num_or(r, "child_per_pax", per_pax);
            MealOption {
                place: places.index(text(r, "place")),
                minutes: num_or(r, "minutes", 60.0).round() as i64,
                cost: per_pax * (group.adults + group.staff) + child * group.children,
            }
        })
        .collect()
}

/// The candidate attractions (`must_visit`, then `optional`) and the mask of
/// the must-visits among them.
fn read_attractions(catalog: &Value, trip: &Value, group: &Group, places: &Places) -> (Vec<Attraction>, u32) {
    let mut wanted: Vec<(&str, f64, bool)> = Vec::new();
    for id in list(trip, "must_visit") {
        let id = id.as_str().expect("oracle: must_visit holds a non-string");
        if !wanted.iter().any(|w| w.0 == id) {
            wanted.push((id, 0.0, true));
        }
    }
    for opt in list(trip, "optional") {
        let id = text(opt, "attraction");
        let value = num_or(opt, "value", 0.0);
        match wanted.iter_mut().find(|w| w.0 == id) {
            Some(w) => w.1 += value,
            None => wanted.push((id, value, false)),
        }
    }
    assert!(wanted.len() <= 16, "oracle: too many attractions");
    let mut must_mask = 0u32;
    let mut attractions = Vec::new();
    for (i, &(id, value, must)) in wanted.iter().enumerate() {
        if must {
            must_mask |= 1 << i;
        }
        let a = list(catalog, "attractions")
            .iter()
            .find(|a| text(a, "id") == id)
            .unwrap_or_else(|| panic!("oracle: unknown attraction {id:?}"));
        attractions.push(Attraction::read(a, value, group, places));
    }
    (attractions, must_mask)
}

impl Attraction {
    /// Earliest start of a visit on `day` when arriving at
    /// `arrival`: inside one hours entry of that weekday, not on a closed date.
    fn earliest_visit(&self, day: &Day, arrival: i64) -> Option<i64> {
        if self.closed.contains(&day.date) {
            return None;
        }
        self.hours
            .iter()
            .filter(|h| h.weekdays.contains(&day.weekday))
            .filter_map(|h| {
                let start = arrival.max(h.open);
                (start + self.visit_minutes <= h.close).then_some(start)
            })
            .min()
    }

    fn read(a: &Value, value: f64, group: &Group, places: &Places) -> Attraction {
        let every_day = || (1..=7).collect::<Vec<u32>>();
        let hours = match field(a, "hours") {
            // No `hours` at all: open round the clock.
            None => vec![Hours { weekdays: every_day(), open: 0, close: DAY_MINUTES }],
            Some(_) => list(a, "hours")
                .iter()
                .map(|h| Hours {
                    weekdays: match field(h, "weekdays") {
                        None => every_day(),
                        Some(_) => list(h, "weekdays")
                            .iter()
                            .map(|w| count(w.as_f64().expect("oracle: bad weekday")))
                            .collect(),
                    },
                    open: minutes_of(text(h, "open")),
                    close: minutes_of(text(h, "close")),
                })
                .collect(),
        };
        let ticket = field(a, "ticket");
        let adult = ticket.map_or(0.0, |t| num_or(t, "adult", 0.0));
        let child = ticket.map_or(adult, |t| num_or(t, "child", adult));
        let (adult, child) = match field(a, "group_ticket") {
            Some(g) if group.pax >= num_or(g, "min_pax", f64::INFINITY) => {
                (num_or(g, "adult", adult), num_or(g, "child", child))
            }
            _ => (adult, child),
        };
        Attraction {
            place: places.index(text(a, "place")),
            visit_minutes: num(a, "visit_minutes").round() as i64,
            hours,
            closed: list(a, "closed_dates")
                .iter()
                .map(|d| day_number(d.as_str().expect("oracle: bad closed date")))
                .collect(),
            tickets: adult * group.adults + child * group.children,
            value,
        }
    }
}

impl Vehicle {
    fn read(v: &Value, seats_needed: u32) -> Vehicle {
        let seats = count(num(v, "seats"));
        // More of one type than it takes alone is never a minimal fleet.
        let needed_alone = if seats == 0 { 0 } else { seats_needed.div_ceil(seats) };
        let available =
            field(v, "available").map_or(u32::MAX, |a| count(a.as_f64().expect("oracle: bad vehicle available")));
        Vehicle {
            seats,
            day_rate: num_or(v, "day_rate", 0.0),
            per_km: num_or(v, "per_km", 0.0),
            km_included: (num_or(v, "km_included", 0.0) * FX).round() as i64,
            max_count: needed_alone.min(available),
        }
    }
}

impl Model {
    /// Reads the job. `None` when the job is infeasible on its face.
    fn build(job: &Value) -> Option<Model> {
        let catalog = field(job, "catalog").expect("oracle: no catalog");
        let trip = field(job, "trip").expect("oracle: no trip");
        let places = Places::read(catalog);
        let group = Group::read(field(job, "group").expect("oracle: no group"));
        let days = read_days(catalog, trip, &group, &places)?;
        let n_days = days.len();
        let (attractions, must_mask) = read_attractions(catalog, trip, &group, &places);

        // Hotels that meet the stars, with their cheapest rooming per night.
        let min_stars = num_or(trip, "hotel_min_stars", 0.0);
        let hotels = list(catalog, "hotels")
            .iter()
            .filter(|h| num_or(h, "stars", 0.0) >= min_stars)
            .map(|h| Hotel {
                place: places.index(text(h, "place")),
                night_cost: days[..n_days - 1].iter().map(|d| best_rooming(h, d.date, &group.rooming)).collect(),
            })
            .collect();

        let vehicles = list(catalog, "vehicles").iter().map(|v| Vehicle::read(v, group.seats_needed)).collect();

        // Guide and fees cost the same in every plan.
        let mut fixed_cost = 0.0;
        if let Some(id) = field(trip, "guide").and_then(Value::as_str) {
            let g = list(catalog, "guides")
                .iter()
                .find(|g| text(g, "id") == id)
                .unwrap_or_else(|| panic!("oracle: unknown guide {id:?}"));
            if num_or(g, "available", f64::INFINITY) < 1.0 {
                return None;
            }
            fixed_cost += num(g, "day_fee") * n_days as f64;
        }
        for fee in list(catalog, "fees") {
            fixed_cost += num_or(fee, "per_pax_per_day", 0.0) * group.pax * n_days as f64
                + num_or(fee, "per_pax", 0.0) * group.pax;
        }

        let end_place = |key: &str| {
            let end = field(trip, key).expect("oracle: no trip.arrive / trip.depart");
            places.index(text(end, "place"))
        };
        let arrive_place = end_place("arrive");
        let depart_place = end_place("depart");
        Some(Model {
            paths: places.paths,
            attractions,
            must_mask,
            days,
            arrive_place,
            depart_place,
            hotels,
            vehicles,
            seats_needed: group.seats_needed,
            max_drive: field(trip, "max_drive_minutes").and_then(Value::as_f64).map_or(i64::MAX, |m| m.round() as i64),
            change_penalty: num_or(trip, "hotel_change_penalty", 0.0),
            drive_penalty_per_minute: num_or(trip, "drive_penalty_per_pax_hour", 20.0) * group.pax / 60.0,
            fixed_cost,
            budget_per_pax: field(trip, "budget_per_pax").and_then(Value::as_f64),
            pax: group.pax,
        })
    }

    fn solve(&self) -> Option<OracleBest> {
        let tables: Vec<RouteTable> = (0..self.days.len()).map(|d| self.routes_of_day(d)).collect();
        let mut best: Option<(f64, f64)> = None;
        for fleet in self.fleets() {
            let Some((objective, cost)) = self.best_for_fleet(&fleet, &tables) else {
                continue;
            };
            if improves(best, objective, cost) {
                best = Some((objective, cost));
            }
        }
        best.map(|(objective, cost)| OracleBest { objective, cost })
    }

    /// Every fleet (count per vehicle type) with enough seats from which no
    /// vehicle can be removed.
    fn fleets(&self) -> Vec<Vec<u32>> {
        let mut all = vec![Vec::new()];
        for v in &self.vehicles {
            all = all
                .into_iter()
                .flat_map(|f: Vec<u32>| {
                    (0..=v.max_count).map(move |n| {
                        let mut f = f.clone();
                        f.push(n);
                        f
                    })
                })
                .collect();
        }
        all.into_iter()
            .filter(|f| {
                let seats: u32 = f.iter().zip(&self.vehicles).map(|(n, v)| n * v.seats).sum();
                seats >= self.seats_needed
                    && f.iter().zip(&self.vehicles).all(|(&n, v)| n == 0 || seats - v.seats < self.seats_needed)
            })
            .collect()
    }

    // -- Routes -------------------------------------------------------------

    /// Every feasible route of day `d`, from every possible start place to
    /// every possible end place.
    fn routes_of_day(&self, d: usize) -> RouteTable {
        let last = d + 1 == self.days.len();
        let mut starts: Vec<usize> =
            if d == 0 { vec![self.arrive_place] } else { self.hotels.iter().map(|h| h.place).collect() };
        let mut ends: Vec<usize> =
            if last { vec![self.depart_place] } else { self.hotels.iter().map(|h| h.place).collect() };
        starts.sort_unstable();
        starts.dedup();
        ends.sort_unstable();
        ends.dedup();
        let mut table = RouteTable::new();
        let day = &self.days[d];
        for &start in &starts {
            let mut walker = Walker { model: self, day, start, ends: &ends, table: &mut table };
            walker.explore(Walk {
                place: start,
                time: day.start,
                drive: 0,
                km: 0,
                toll: 0,
                meal_cost: 0.0,
                visited: 0,
                meals_done: 0,
            });
        }
        table
    }

    // -- Combining days, nights and fleets ----------------------------------

    /// Objective and cost of one route of a day for a fleet.
    fn price_route(&self, fleet: &[u32], mask: u32, r: &RouteMetrics) -> (f64, f64) {
        let toll = r.toll as f64 / FX;
        let mut vehicles = 0.0;
        for (&n, v) in fleet.iter().zip(&self.vehicles) {
            if n == 0 {
                continue;
            }
            let excess = (r.km - v.km_included).max(0) as f64 / FX;
            vehicles += f64::from(n) * (v.day_rate + v.per_km * excess + toll);
        }
        let mut tickets = 0.0;
        let mut value = 0.0;
        for (i, a) in self.attractions.iter().enumerate() {
            if mask & (1 << i) != 0 {
                tickets += a.tickets;
                value += a.value;
            }
        }
        let cost = vehicles + r.meal_cost + tickets;
        let objective = cost - value + self.drive_penalty_per_minute * r.drive as f64;
        (objective, cost)
    }

    /// The best (objective, cost) of a whole plan with this fleet.
    fn best_for_fleet(&self, fleet: &[u32], tables: &[RouteTable]) -> Option<(f64, f64)> {
        let keep_all = self.budget_per_pax.is_some();
        let n_days = self.days.len();
        let all_mask = (1u32 << self.attractions.len()) - 1;

        // Price every route of every day for this fleet.
        let priced: Vec<HashMap<RouteKey, Front>> = tables
            .iter()
            .map(|table| {
                table
                    .iter()
                    .map(|(&key, routes)| {
                        let mut front = Front::new(keep_all);
                        for r in routes {
                            let (o, c) = self.price_route(fleet, key.2, r);
                            front.insert(o, c);
                        }
                        (key, front)
                    })
                    .collect()
            })
            .collect();

        let mut states: BTreeMap<State, Front> = BTreeMap::new();
        let mut origin = Front::new(keep_all);
        origin.insert(0.0, 0.0);
        states.insert((None, 0), origin);
        let mut finals = Front::new(keep_all);

        for (d, day_routes) in priced.iter().enumerate() {
            let last = d + 1 == n_days;
            let mut next: BTreeMap<State, Front> = BTreeMap::new();
            for (&(prev, used), so_far) in &states {
                let start = prev.map_or(self.arrive_place, |h| self.hotels[h].place);
                let free = all_mask & !used;
                let mut set = free;
                loop {
                    if last {
                        let key = (start, self.depart_place, set);
                        if let Some(route) = day_routes.get(&key) {
                            if (used | set) & self.must_mask == self.must_mask {
                                finals.absorb(so_far, route, 0.0, 0.0);
                            }
                        }
                    } else {
                        for (h, hotel) in self.hotels.iter().enumerate() {
                            let Some(night) = hotel.night_cost[d] else {
                                continue;
                            };
                            let key = (start, hotel.place, set);
                            let Some(route) = day_routes.get(&key) else {
                                continue;
                            };
                            let penalty = match prev {
                                Some(p) if p != h => self.change_penalty,
                                _ => 0.0,
                            };
                            next.entry((Some(h), used | set)).or_insert_with(|| Front::new(keep_all)).absorb(
                                so_far,
                                route,
                                night + penalty,
                                night,
                            );
                        }
                    }
                    if set == 0 {
                        break;
                    }
                    set = (set - 1) & free;
                }
            }
            states = next;
        }

        let mut best: Option<(f64, f64)> = None;
        for &(o, c) in &finals.points {
            let (o, c) = (o + self.fixed_cost, c + self.fixed_cost);
            if let Some(b) = self.budget_per_pax {
                if c / self.pax > b + 1e-9 {
                    continue;
                }
            }
            if improves(best, o, c) {
                best = Some((o, c));
            }
        }
        best
    }
}

/// Whether `(o, c)` improves on the best held so far (or nothing is held).
fn improves(best: Option<(f64, f64)>, o: f64, c: f64) -> bool {
    match best {
        None => true,
        Some((bo, bc)) => better(o, c, bo, bc),
    }
}

/// Lexicographic (objective, cost) comparison with tolerance.
fn better(o1: f64, c1: f64, o2: f64, c2: f64) -> bool {
    o1 < o2 - EPS || (o1 <= o2 + EPS && c1 < c2 - EPS)
}

/// The (objective, cost) points worth keeping: the Pareto front when a budget
/// applies, else the single lexicographic best.
struct Front {
    points: Vec<(f64, f64)>,
    keep_all: bool,
}

impl Front {
    fn new(keep_all: bool) -> Front {
        Front { points: Vec::new(), keep_all }
    }

    fn insert(&mut self, o: f64, c: f64) {
        if self.keep_all {
            if self.points.iter().any(|&(po, pc)| po <= o + EPS && pc <= c + EPS) {
                return;
            }
            self.points.retain(|&(po, pc)| !(o <= po + EPS && c <= pc + EPS));
            self.points.push((o, c));
        } else {
            match self.points.first() {
                Some(&(po, pc)) if !better(o, c, po, pc) => {}
                _ => self.points = vec![(o, c)],
            }
        }
    }

    /// Adds every sum of a point of `a`, a point of `b` and the extras.
    fn absorb(&mut self, a: &Front, b: &Front, extra_objective: f64, extra_cost: f64) {
        for &(ao, ac) in &a.points {
            for &(bo, bc) in &b.points {
                self.insert(ao + bo + extra_objective, ac + bc + extra_cost);
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Route enumeration
// ---------------------------------------------------------------------------

/// Where a partial route of a day stands.
#[derive(Clone, Copy)]
struct Walk {
    place: usize,
    time: i64,
    drive: i64,
    km: i64,
    toll: i64,
    meal_cost: f64,
    visited: u32,
    meals_done: u32,
}

/// Depth-first enumeration of the routes of one day from one start place.
struct Walker<'a> {
    model: &'a Model,
    day: &'a Day,
    start: usize,
    ends: &'a [usize],
    table: &'a mut RouteTable,
}

impl Walker<'_> {
    /// Moves from `w` to `to`: the walk after the hop, or `None` if there is
    /// no path or the drive limit is broken.
    fn hop(&self, w: &Walk, to: usize) -> Option<Walk> {
        let (minutes, km, toll) = self.model.paths[w.place][to]?;
        let drive = w.drive + minutes;
        if drive > self.model.max_drive {
            return None;
        }
        Some(Walk { place: to, time: w.time + minutes, drive, km: w.km + km, toll: w.toll + toll, ..*w })
    }

    fn explore(&mut self, w: Walk) {
        let day = self.day;
        let all_meals = (1u32 << day.meals.len()) - 1;
        // A required meal whose window has closed can no longer be taken.
        if day.meals.iter().enumerate().any(|(m, meal)| w.meals_done & (1 << m) == 0 && w.time > meal.close) {
            return;
        }
        // End the day here, at every possible end place.
        if w.meals_done == all_meals {
            for &end in self.ends {
                let Some(e) = self.hop(&w, end) else { continue };
                if e.time > day.limit {
                    continue;
                }
                let metrics = RouteMetrics { drive: e.drive, km: e.km, toll: e.toll, meal_cost: e.meal_cost };
                let routes = self.table.entry((self.start, end, w.visited)).or_default();
                if routes.iter().any(|r| r.dominates(&metrics)) {
                    continue;
                }
                routes.retain(|r| !metrics.dominates(r));
                routes.push(metrics);
            }
        }
        // Visit another attraction.
        for (i, a) in self.model.attractions.iter().enumerate() {
            if w.visited & (1 << i) != 0 {
                continue;
            }
            let Some(at) = self.hop(&w, a.place) else {
                continue;
            };
            let Some(start) = a.earliest_visit(day, at.time) else {
                continue;
            };
            let end = start + a.visit_minutes;
            if end > day.limit {
                continue;
            }
            self.explore(Walk { time: end, visited: w.visited | (1 << i), ..at });
        }
        // Take a required meal not yet taken.
        for (m, meal) in day.meals.iter().enumerate() {
            if w.meals_done & (1 << m) != 0 {
                continue;
            }
            for option in &meal.options {
                let Some(at) = self.hop(&w, option.place) else {
                    continue;
                };
                let start = at.time.max(meal.open);
                if start > meal.close {
                    continue;
                }
                let end = start + option.minutes;
                if end > day.limit {
                    continue;
                }
                self.explore(Walk {
                    time: end,
                    meal_cost: w.meal_cost + option.cost,
                    meals_done: w.meals_done | (1 << m),
                    ..at
                });
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Rooming
// ---------------------------------------------------------------------------

/// A room type as sold on one night.
struct RoomOffer {
    sleeps: u32,
    couple_ok: bool,
    extra_bed: bool,
    rate: f64,
    allotment: u32,
}

/// The cheapest rooming of the group at `hotel` on night `night`, or `None`
/// when the hotel cannot house the group that night.
///
/// It enumerates every assignment of units to room types; partial
/// assignments that book the same number of rooms of every type are merged,
/// keeping the fewest extra beds (the rest of the bill only depends on the
/// room counts).
fn best_rooming(hotel: &Value, night: i64, rooming: &Rooming) -> Option<f64> {
    let weekend = matches!(iso_weekday(night), 5 | 6);
    let offers: Vec<RoomOffer> = list(hotel, "rooms")
        .iter()
        .map(|r| {
            let rate = list(r, "rates").iter().find(|e| covers(e, night)).map(|e| {
                let price = num(e, "price");
                if weekend {
                    num_or(e, "weekend_price", price)
                } else {
                    price
                }
            });
            let allotment =
                list(r, "allotment").iter().find(|e| covers(e, night)).map_or(0, |e| count(num(e, "rooms")));
            RoomOffer {
                sleeps: count(num(r, "sleeps")),
                couple_ok: field(r, "couple_ok").and_then(Value::as_bool) == Some(true),
                extra_bed: field(r, "extra_bed").and_then(Value::as_bool) == Some(true),
                rate: rate.unwrap_or(0.0),
                allotment: if rate.is_some() { allotment } else { 0 },
            }
        })
        .collect();
    let n = offers.len();

    // Room counts per type -> fewest extra beds.
    let mut states: BTreeMap<Vec<u32>, u32> = BTreeMap::new();
    states.insert(vec![0; n], 0);

    // Units that take one room each: options are (type, extra beds).
    let mut one_room_units: Vec<Vec<(usize, u32)>> = Vec::new();
    let couple_options: Vec<(usize, u32)> =
        (0..n).filter(|&t| offers[t].sleeps >= 2 && offers[t].couple_ok).map(|t| (t, 0)).collect();
    for _ in 0..rooming.couples {
        one_room_units.push(couple_options.clone());
    }
    for _ in 0..rooming.singles {
        one_room_units.push((0..n).map(|t| (t, 0)).collect());
    }
    for &(size, k) in &rooming.families {
        let options: Vec<(usize, u32)> = (0..n)
            .filter_map(|t| {
                let o = &offers[t];
                if o.sleeps >= size {
                    Some((t, 0))
                } else if o.sleeps + 1 == size && o.extra_bed {
                    Some((t, 1))
                } else {
                    None
                }
            })
            .collect();
        for _ in 0..k {
            one_room_units.push(options.clone());
        }
    }
    for options in &one_room_units {
        let mut next = BTreeMap::new();
        for (rooms, &beds) in &states {
            for &(t, extra) in options {
                if rooms[t] >= offers[t].allotment {
                    continue;
                }
                let mut r = rooms.clone();
                r[t] += 1;
                keep_fewest(&mut next, r, beds + extra);
            }
        }
        states = next;
    }

    // Solo travellers of each gender: any spread over rooms, none empty.
    for solos in [rooming.males, rooming.females] {
        let spreads = solo_spreads(solos, &offers);
        let mut next = BTreeMap::new();
        for (rooms, &beds) in &states {
            for spread in &spreads {
                let r: Vec<u32> = rooms.iter().zip(spread).map(|(a, b)| a + b).collect();
                if r.iter().zip(&offers).any(|(&k, o)| k > o.allotment) {
                    continue;
                }
                keep_fewest(&mut next, r, beds);
            }
        }
        states = next;
    }

    let bed_price = num_or(hotel, "extra_bed_price", 0.0);
    let foc = field(hotel, "foc").map(|f| (count(num(f, "per")), num(f, "free_value")));
    states
        .iter()
        .map(|(rooms, &beds)| {
            let booked: u32 = rooms.iter().sum();
            let mut cost: f64 = rooms.iter().zip(&offers).map(|(&k, o)| f64::from(k) * o.rate).sum();
            cost += f64::from(beds) * bed_price;
            if let Some((per, free_value)) = foc {
                if let Some(free_rooms) = booked.checked_div(per) {
                    cost -= f64::from(free_rooms) * free_value;
                }
            }
            cost
        })
        .min_by(f64::total_cmp)
}

fn keep_fewest(states: &mut BTreeMap<Vec<u32>, u32>, rooms: Vec<u32>, beds: u32) {
    let slot = states.entry(rooms).or_insert(beds);
    *slot = (*slot).min(beds);
}

/// Every count of rooms per type that can hold exactly `solos` travellers of
/// one gender with no room empty: at most `solos` rooms, enough beds.
fn solo_spreads(solos: u32, offers: &[RoomOffer]) -> Vec<Vec<u32>> {
    let mut spreads = vec![Vec::new()];
    for o in offers {
        spreads = spreads
            .into_iter()
            .flat_map(|s: Vec<u32>| {
                let used: u32 = s.iter().sum();
                let most = if o.sleeps == 0 { 0 } else { (solos - used).min(o.allotment) };
                (0..=most).map(move |k| {
                    let mut s = s.clone();
                    s.push(k);
                    s
                })
            })
            .collect();
    }
    spreads
        .into_iter()
        .filter(|s| {
            let beds: u32 = s.iter().zip(offers).map(|(&k, o)| k * o.sleeps).sum();
            beds >= solos
        })
        .collect()
}
