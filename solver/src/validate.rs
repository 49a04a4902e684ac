//! Semantic validation of a parsed job: every problem at once, each with a
//! stable code, a JSON pointer and a message that says what to fix.
//!
//! Codes are listed in `docs/diagnosis-codes.md`. Nothing is solved for a job
//! with any problem.

use crate::contract::{Catalog, DiagnosisItem, Job, JobBody, Options, PlanJob, UnitKind};
use crate::limits::Limits;
use std::collections::{HashMap, HashSet};

/// Most staff (seats and meal covers beyond pax) a group may have.
const MAX_STAFF: u64 = 100;

/// Minutes in a day: every leg, visit and meal happens inside one day.
const MINUTES_PER_DAY: u32 = 24 * 60;

/// The highest star rating.
const MAX_STARS: u32 = 7;

/// Overlapping date ranges reported per list (the rest say nothing new).
const MAX_OVERLAPS_REPORTED: usize = 10;

/// The shortest time limit a job may ask for, in seconds.
const MIN_TIME_LIMIT_S: f64 = 0.1;

/// The largest markup a quote may carry, in percent.
const MAX_MARKUP_PCT: f64 = 1_000.0;

/// Years a trip may fall in.
const YEARS: std::ops::RangeInclusive<i32> = 2000..=2200;

/// Escapes a JSON-pointer reference token (`~` -> `~0`, `/` -> `~1`).
pub fn pointer_escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// Validates a whole job; an empty list means valid.
pub fn validate_job(job: &Job, limits: &Limits) -> Vec<DiagnosisItem> {
    let mut v = Validator { problems: Vec::new(), limits };
    v.options(&job.options);
    match &job.body {
        JobBody::Plan(p) => v.plan(p, ""),
        JobBody::Whatif(w) => {
            v.plan(&w.base, "/base");
            v.scenarios(w);
        }
        JobBody::Replan(r) => {
            v.plan(&r.job, "/job");
            v.replan(r);
        }
        JobBody::Batch(b) => {
            v.catalog(&b.catalog, "/catalog");
            v.count(b.groups.len(), v.limits.max_groups, "/groups", "groups");
            v.money(b.change_costs.hotel_room_night, "/change_costs/hotel_room_night".into(), "a change cost");
            v.money(b.change_costs.vehicle, "/change_costs/vehicle".into(), "a change cost");
            let mut seen = HashSet::new();
            for (i, g) in b.groups.iter().enumerate() {
                if !seen.insert(g.group_id.as_str()) {
                    v.push(
                        "duplicate_id",
                        format!("/groups/{i}/group_id"),
                        format!("group_id '{}' is used twice", g.group_id),
                    );
                }
                if g.group_id.trim().is_empty() {
                    v.push("empty", format!("/groups/{i}/group_id"), format!("group {i} has an empty group_id"));
                }
                let pj = PlanJob::new(b.catalog.clone(), g.group.clone(), g.trip.clone(), g.pricing.clone());
                v.group_trip(&pj, &format!("/groups/{i}"), "/catalog");
            }
        }
    }
    v.problems
}

/// Validates a plan job found at `base` (`""` for a plan job).
pub fn validate_plan(job: &PlanJob, base: &str, limits: &Limits) -> Vec<DiagnosisItem> {
    let mut v = Validator { problems: Vec::new(), limits };
    v.plan(job, base);
    v.problems
}

struct Validator<'a> {
    problems: Vec<DiagnosisItem>,
    limits: &'a Limits,
}

fn ids<'a, I: Iterator<Item = &'a str>>(it: I) -> HashSet<&'a str> {
    it.collect()
}

impl Validator<'_> {
    fn push(&mut self, code: &str, path: impl Into<String>, message: impl Into<String>) {
        self.problems.push(DiagnosisItem::at(code, path, message));
    }

    fn money(&mut self, value: f64, path: String, what: &str) {
        if !value.is_finite() {
            self.push("not_finite", path, format!("{what} must be a finite number"));
        } else if value < 0.0 {
            self.push("negative", path, format!("{what} must not be negative (got {value})"));
        } else if value > self.limits.max_amount {
            self.push(
                "out_of_range",
                path,
                format!("{what} {value} is above {}; is a digit too many?", self.limits.max_amount),
            );
        }
    }

    /// A list inside one entry (rates, hours, ...) longer than `Limits::max_rows`.
    fn rows(&mut self, len: usize, path: String, what: &str) {
        if len > self.limits.max_rows {
            self.push("too_large", path, format!("{len} {what} is above the limit of {}", self.limits.max_rows));
        }
    }

    /// Star ratings run from 0 to 7.
    fn stars(&mut self, stars: u32, path: String, what: &str) {
        if stars > MAX_STARS {
            self.push("out_of_range", path, format!("{what} {stars} is not a star rating 0 to {MAX_STARS}"));
        }
    }

    /// Date ranges (rates, allotments) that share a night: one item per overlapping pair, at
    /// most a few per list, found by a sweep (a list may be long).
    fn overlaps(
        &mut self,
        ranges: &[(chrono::NaiveDate, chrono::NaiveDate)],
        path: &str,
        what: &dyn Fn(usize, usize) -> String,
    ) {
        let mut order: Vec<usize> = (0..ranges.len()).filter(|&i| ranges[i].0 <= ranges[i].1).collect();
        order.sort_by_key(|&i| (ranges[i].0, i));
        let mut active: Vec<usize> = Vec::new();
        let mut pairs: Vec<(usize, usize)> = Vec::new();
        'sweep: for &k in &order {
            active.retain(|&m| ranges[m].1 >= ranges[k].0);
            for &m in &active {
                pairs.push((m.min(k), m.max(k)));
                if pairs.len() >= MAX_OVERLAPS_REPORTED {
                    break 'sweep;
                }
            }
            active.push(k);
        }
        pairs.sort_by_key(|&(m, k)| (k, m));
        for (m, k) in pairs {
            self.push("overlapping_ranges", format!("{path}/{k}"), what(m, k));
        }
    }

    fn positive(&mut self, value: f64, path: String, what: &str) {
        if !(value.is_finite() && value > 0.0) {
            self.push("not_positive", path, format!("{what} must be greater than 0 (got {value})"));
        }
    }

    /// Durations longer than a day cannot happen in one day's route (and would not fit the model's minutes).
    fn within_a_day(&mut self, minutes: u32, path: String, what: &str, fix: &str) {
        if minutes > MINUTES_PER_DAY {
            self.push(
                "out_of_range",
                path,
                format!("{what} {minutes} is more than a day ({MINUTES_PER_DAY} minutes); {fix}"),
            );
        }
    }

    fn reference(&mut self, set: &HashSet<&str>, id: &str, path: String, what: &str, list: &str) {
        if !set.contains(id) {
            self.push("unknown_reference", path, format!("{what} '{id}' is not in {list}"));
        }
    }

    fn options(&mut self, o: &Options) {
        if let Some(t) = o.time_limit_s {
            self.positive(t, "/options/time_limit_s".into(), "options.time_limit_s");
            if t > 0.0 && t < MIN_TIME_LIMIT_S {
                // Found by fuzzing: 1e-320 s is positive, and every solve timed out at once.
                self.push(
                    "out_of_range",
                    "/options/time_limit_s",
                    format!("options.time_limit_s {t} is below {MIN_TIME_LIMIT_S} s; no plan can be found that fast"),
                );
            }
            if t > self.limits.max_time_limit_s {
                self.push(
                    "too_large",
                    "/options/time_limit_s",
                    format!("options.time_limit_s {t} is above the limit of {} s", self.limits.max_time_limit_s),
                );
            }
        }
        if let Some(g) = o.mip_gap {
            if !(0.0..=1.0).contains(&g) {
                self.push(
                    "out_of_range",
                    "/options/mip_gap",
                    format!("options.mip_gap must be between 0 and 1 (got {g})"),
                );
            }
        }
        if let Some(k) = o.alternatives {
            if k > self.limits.max_alternatives {
                self.push(
                    "too_large",
                    "/options/alternatives",
                    format!("options.alternatives {k} is above the limit of {}", self.limits.max_alternatives),
                );
            }
        }
    }

    /// Scenarios, events or groups above their limit.
    fn count(&mut self, len: usize, limit: usize, path: &str, what: &str) {
        if len > limit {
            self.push("too_large", path, format!("{len} {what} is above the limit of {limit}"));
        }
    }

    /// What-if scenarios: every op names something the base job has, with sane numbers.
    fn scenarios(&mut self, w: &crate::contract::WhatifJob) {
        use crate::contract::ScenarioOp;
        let c = &w.base.catalog;
        let hotels = ids(c.hotels.iter().map(|h| h.id.as_str()));
        let vehicles = ids(c.vehicles.iter().map(|x| x.id.as_str()));
        let restaurants = ids(c.restaurants.iter().map(|x| x.id.as_str()));
        let attractions = ids(c.attractions.iter().map(|x| x.id.as_str()));
        self.count(w.scenarios.len(), self.limits.max_scenarios, "/scenarios", "scenarios");
        for (i, sc) in w.scenarios.iter().enumerate() {
            let sp = format!("/scenarios/{i}");
            if sc.name.trim().is_empty() {
                self.push("empty", format!("{sp}/name"), format!("scenario {i} has no name"));
            }
            for (k, op) in sc.changes.iter().enumerate() {
                let op_path = format!("{sp}/changes/{k}");
                match op {
                    ScenarioOp::ScalePrice { hotel, vehicle, restaurant, attraction, factor } => {
                        let targets = [hotel, vehicle, restaurant, attraction].iter().filter(|t| t.is_some()).count();
                        if targets != 1 {
                            self.push(
                                "bad_value",
                                op_path.clone(),
                                "scale_price names exactly one of hotel, vehicle, restaurant or attraction",
                            );
                        }
                        for (id, key, set, list) in [
                            (hotel, "hotel", &hotels, "catalog.hotels"),
                            (vehicle, "vehicle", &vehicles, "catalog.vehicles"),
                            (restaurant, "restaurant", &restaurants, "catalog.restaurants"),
                            (attraction, "attraction", &attractions, "catalog.attractions"),
                        ] {
                            if let Some(id) = id {
                                self.reference(set, id, format!("{op_path}/{key}"), key, &format!("base.{list}"));
                            }
                        }
                        self.money(*factor, format!("{op_path}/factor"), "a price factor");
                    }
                    ScenarioOp::SetPax { adult, child, rooming } => {
                        let pax = *adult as u64 + *child as u64;
                        if pax == 0 || pax > self.limits.max_pax as u64 {
                            self.push(
                                "out_of_range",
                                format!("{op_path}/adult"),
                                format!("set_pax gives {pax} pax; it must be 1 to {}", self.limits.max_pax),
                            );
                        }
                        self.rows(rooming.len(), format!("{op_path}/rooming"), "rooming lines");
                        let sleeps: Option<u64> = rooming
                            .iter()
                            .map(|r| {
                                let size = match r.unit {
                                    UnitKind::Couple => Some(2),
                                    UnitKind::Family => r.size.filter(|&s| s > 0),
                                    _ => Some(1),
                                };
                                size.map(|s| s as u64 * r.count as u64)
                            })
                            .sum();
                        if sleeps.is_some_and(|n| n != pax) || sleeps.is_none() {
                            self.push(
                                "rooming_mismatch",
                                format!("{op_path}/rooming"),
                                format!("set_pax's rooming list does not sleep exactly its {pax} pax (every family needs a size)"),
                            );
                        }
                    }
                    ScenarioOp::ShiftDates { days } => {
                        if days.unsigned_abs() > 366 {
                            self.push(
                                "out_of_range",
                                format!("{op_path}/days"),
                                format!("shift_dates by {days} days: at most a year either way"),
                            );
                        }
                    }
                    ScenarioOp::SetAllotment { hotel, kind, .. } => {
                        self.reference(&hotels, hotel, format!("{op_path}/hotel"), "hotel", "base.catalog.hotels");
                        if let Some(h) = c.hotels.iter().find(|h| &h.id == hotel) {
                            if !h.rooms.iter().any(|r| &r.kind == kind) {
                                self.push(
                                    "unknown_reference",
                                    format!("{op_path}/type"),
                                    format!("hotel '{hotel}' has no room type '{kind}'"),
                                );
                            }
                        }
                    }
                    ScenarioOp::RemoveAttraction { attraction } | ScenarioOp::AddMustVisit { attraction } => {
                        self.reference(
                            &attractions,
                            attraction,
                            format!("{op_path}/attraction"),
                            "attraction",
                            "base.catalog.attractions",
                        );
                    }
                }
            }
        }
    }

    /// Replan: events name what the job has, `now` falls within the trip.
    fn replan(&mut self, r: &crate::contract::ReplanJob) {
        use crate::contract::Event;
        let c = &r.job.catalog;
        let t = &r.job.trip;
        if r.now.0 < t.arrive.at.0 || r.now.0 > t.depart.at.0 {
            self.push(
                "out_of_range",
                "/now",
                format!(
                    "now {} is not within the trip ({} to {})",
                    fmt_dt(r.now.0),
                    fmt_dt(t.arrive.at.0),
                    fmt_dt(t.depart.at.0)
                ),
            );
        }
        self.money(r.change_costs.hotel_room_night, "/change_costs/hotel_room_night".into(), "a change cost");
        self.money(r.change_costs.vehicle, "/change_costs/vehicle".into(), "a change cost");
        self.count(r.events.len(), self.limits.max_scenarios, "/events", "events");
        let hotels = ids(c.hotels.iter().map(|h| h.id.as_str()));
        let vehicles = ids(c.vehicles.iter().map(|x| x.id.as_str()));
        let attractions = ids(c.attractions.iter().map(|x| x.id.as_str()));
        for (i, e) in r.events.iter().enumerate() {
            let ep = format!("/events/{i}");
            match e {
                Event::Delay { minutes } => {
                    self.within_a_day(*minutes, format!("{ep}/minutes"), "a delay", "a longer delay is a new trip")
                }
                Event::Closed { attraction, dates } => {
                    self.reference(
                        &attractions,
                        attraction,
                        format!("{ep}/attraction"),
                        "attraction",
                        "job.catalog.attractions",
                    );
                    self.rows(dates.len(), format!("{ep}/dates"), "dates");
                }
                Event::HotelUnavailable { hotel, nights } => {
                    self.reference(&hotels, hotel, format!("{ep}/hotel"), "hotel", "job.catalog.hotels");
                    self.rows(nights.len(), format!("{ep}/nights"), "nights");
                }
                Event::VehicleUnavailable { vehicle, .. } => {
                    self.reference(&vehicles, vehicle, format!("{ep}/vehicle"), "vehicle", "job.catalog.vehicles");
                }
            }
        }
    }

    fn plan(&mut self, job: &PlanJob, base: &str) {
        self.catalog(&job.catalog, &format!("{base}/catalog"));
        self.group_trip(job, base, &format!("{base}/catalog"));
    }

    fn unique<'a>(&mut self, items: impl Iterator<Item = &'a str>, path: &str, what: &str) {
        let mut seen = HashSet::new();
        for (i, id) in items.enumerate() {
            if id.trim().is_empty() {
                self.push("empty", format!("{path}/{i}/id"), format!("{what} {i} has an empty id"));
            } else if !seen.insert(id) {
                self.push("duplicate_id", format!("{path}/{i}/id"), format!("{what} id '{id}' is used twice"));
            }
        }
    }

    fn catalog(&mut self, c: &Catalog, path: &str) {
        let l = self.limits;
        for (len, key, max) in [
            (c.places.len(), "places", l.max_places),
            (c.legs.len(), "legs", l.max_legs),
            (c.attractions.len(), "attractions", l.max_attractions),
            (c.hotels.len(), "hotels", l.max_hotels),
            (c.vehicles.len(), "vehicles", l.max_vehicles),
            (c.restaurants.len(), "restaurants", l.max_restaurants),
            (c.guides.len(), "guides", l.max_guides),
            (c.fees.len(), "fees", l.max_fees),
        ] {
            if len > max {
                self.push("too_large", format!("{path}/{key}"), format!("{len} {key} is above the limit of {max}"));
            }
        }
        if let Some(cur) = &c.currency {
            if cur.len() != 3 || !cur.bytes().all(|b| b.is_ascii_uppercase()) {
                self.push(
                    "bad_value",
                    format!("{path}/currency"),
                    format!("currency '{cur}' is not an ISO 4217 code of 3 capital letters (e.g. \"CNY\")"),
                );
            }
        }
        let places = ids(c.places.iter().map(|p| p.id.as_str()));
        self.unique(c.places.iter().map(|p| p.id.as_str()), &format!("{path}/places"), "place");
        for (i, p) in c.places.iter().enumerate() {
            if let Some(lat) = p.lat {
                if !(-90.0..=90.0).contains(&lat) {
                    self.push(
                        "out_of_range",
                        format!("{path}/places/{i}/lat"),
                        format!("place '{}' lat {lat} is not between -90 and 90", p.id),
                    );
                }
            }
            if let Some(lon) = p.lon {
                if !(-180.0..=180.0).contains(&lon) {
                    self.push(
                        "out_of_range",
                        format!("{path}/places/{i}/lon"),
                        format!("place '{}' lon {lon} is not between -180 and 180", p.id),
                    );
                }
            }
        }
        for (i, leg) in c.legs.iter().enumerate() {
            let lp = format!("{path}/legs/{i}");
            self.reference(&places, &leg.from, format!("{lp}/from"), "place", "catalog.places");
            self.reference(&places, &leg.to, format!("{lp}/to"), "place", "catalog.places");
            self.within_a_day(
                leg.minutes,
                format!("{lp}/minutes"),
                "a leg's minutes",
                "every leg is driven within one day",
            );
            self.money(leg.km, format!("{lp}/km"), "a leg's km");
            self.money(leg.toll, format!("{lp}/toll"), "a leg's toll");
        }
        self.unique(c.attractions.iter().map(|a| a.id.as_str()), &format!("{path}/attractions"), "attraction");
        for (i, a) in c.attractions.iter().enumerate() {
            let ap = format!("{path}/attractions/{i}");
            self.reference(&places, &a.place, format!("{ap}/place"), "place", "catalog.places");
            if a.visit_minutes == 0 {
                self.push(
                    "not_positive",
                    format!("{ap}/visit_minutes"),
                    format!("attraction '{}' visit_minutes must be greater than 0", a.id),
                );
            }
            self.within_a_day(
                a.visit_minutes,
                format!("{ap}/visit_minutes"),
                &format!("attraction '{}' visit_minutes", a.id),
                "a visit fits inside one day's opening hours",
            );
            if let Some(h) = &a.hours {
                self.rows(h.len(), format!("{ap}/hours"), &format!("hours entries of attraction '{}'", a.id));
            }
            self.rows(
                a.closed_dates.len(),
                format!("{ap}/closed_dates"),
                &format!("closed dates of attraction '{}'", a.id),
            );
            for (j, h) in a.hours.iter().flatten().enumerate() {
                let hp = format!("{ap}/hours/{j}");
                if h.open >= h.close {
                    self.push(
                        "reversed_window",
                        format!("{hp}/close"),
                        format!("attraction '{}' closes at {} but opens at {}", a.id, h.close, h.open),
                    );
                }
                if h.weekdays.is_empty() {
                    self.push(
                        "empty",
                        format!("{hp}/weekdays"),
                        format!("attraction '{}' hours entry {j} lists no weekday", a.id),
                    );
                }
                for (k, d) in h.weekdays.iter().enumerate() {
                    if !(1..=7).contains(d) {
                        self.push(
                            "out_of_range",
                            format!("{hp}/weekdays/{k}"),
                            format!("weekday {d} is not an ISO weekday 1 (Monday) to 7 (Sunday)"),
                        );
                    }
                }
            }
            if let Some(t) = &a.ticket {
                self.money(t.adult, format!("{ap}/ticket/adult"), "a ticket price");
                if let Some(ch) = t.child {
                    self.money(ch, format!("{ap}/ticket/child"), "a ticket price");
                }
            }
            if let Some(g) = &a.group_ticket {
                if g.min_pax == 0 {
                    self.push(
                        "not_positive",
                        format!("{ap}/group_ticket/min_pax"),
                        "group_ticket.min_pax must be at least 1",
                    );
                }
                for (v, k) in [(g.adult, "adult"), (g.child, "child")] {
                    if let Some(v) = v {
                        self.money(v, format!("{ap}/group_ticket/{k}"), "a group ticket price");
                    }
                }
            }
        }
        self.unique(c.hotels.iter().map(|h| h.id.as_str()), &format!("{path}/hotels"), "hotel");
        for (i, h) in c.hotels.iter().enumerate() {
            let hp = format!("{path}/hotels/{i}");
            self.reference(&places, &h.place, format!("{hp}/place"), "place", "catalog.places");
            self.stars(h.stars, format!("{hp}/stars"), &format!("hotel '{}' stars", h.id));
            if h.rooms.len() > self.limits.max_room_types {
                self.push(
                    "too_large",
                    format!("{hp}/rooms"),
                    format!(
                        "hotel '{}' lists {} room types, above the limit of {}",
                        h.id,
                        h.rooms.len(),
                        self.limits.max_room_types
                    ),
                );
            }
            if let Some(p) = h.extra_bed_price {
                self.money(p, format!("{hp}/extra_bed_price"), "extra_bed_price");
            }
            if let Some(f) = &h.foc {
                if f.per == 0 {
                    self.push(
                        "not_positive",
                        format!("{hp}/foc/per"),
                        format!("hotel '{}' foc.per must be at least 1", h.id),
                    );
                }
                self.money(f.free_value, format!("{hp}/foc/free_value"), "foc.free_value");
            }
            let mut types = HashSet::new();
            for (j, r) in h.rooms.iter().enumerate() {
                let rp = format!("{hp}/rooms/{j}");
                self.rows(r.rates.len(), format!("{rp}/rates"), "rate rows");
                self.rows(r.allotment.len(), format!("{rp}/allotment"), "allotment rows");
                if r.kind.trim().is_empty() {
                    self.push("empty", format!("{rp}/type"), format!("room type {j} of hotel '{}' has no name", h.id));
                } else if !types.insert(r.kind.as_str()) {
                    self.push(
                        "duplicate_id",
                        format!("{rp}/type"),
                        format!("hotel '{}' lists room type '{}' twice", h.id, r.kind),
                    );
                }
                if r.sleeps == 0 {
                    self.push(
                        "not_positive",
                        format!("{rp}/sleeps"),
                        format!("room type '{}' of hotel '{}' sleeps 0; it must sleep at least 1", r.kind, h.id),
                    );
                }
                for (k, rate) in r.rates.iter().enumerate() {
                    let ratep = format!("{rp}/rates/{k}");
                    if rate.from > rate.to {
                        self.push(
                            "reversed_dates",
                            format!("{ratep}/to"),
                            format!("rate ends {} before it starts {}", rate.to, rate.from),
                        );
                    }
                    self.money(rate.price, format!("{ratep}/price"), "a room rate");
                    if let Some(w) = rate.weekend_price {
                        self.money(w, format!("{ratep}/weekend_price"), "a weekend room rate");
                    }
                }
                let ranges: Vec<_> = r.rates.iter().map(|x| (x.from.0, x.to.0)).collect();
                self.overlaps(&ranges, &format!("{rp}/rates"), &|m, k| {
                    format!(
                        "rates {m} and {k} of room type '{}' at hotel '{}' overlap; each night needs one price",
                        r.kind, h.id
                    )
                });
                for (k, al) in r.allotment.iter().enumerate() {
                    let alp = format!("{rp}/allotment/{k}");
                    if al.from > al.to {
                        self.push(
                            "reversed_dates",
                            format!("{alp}/to"),
                            format!("allotment ends {} before it starts {}", al.to, al.from),
                        );
                    }
                }
                let ranges: Vec<_> = r.allotment.iter().map(|x| (x.from.0, x.to.0)).collect();
                self.overlaps(&ranges, &format!("{rp}/allotment"), &|m, k| {
                    format!("allotments {m} and {k} of room type '{}' at hotel '{}' overlap", r.kind, h.id)
                });
            }
        }
        self.unique(c.vehicles.iter().map(|v| v.id.as_str()), &format!("{path}/vehicles"), "vehicle");
        for (i, v) in c.vehicles.iter().enumerate() {
            let vp = format!("{path}/vehicles/{i}");
            if v.seats == 0 {
                self.push("not_positive", format!("{vp}/seats"), format!("vehicle '{}' has 0 seats", v.id));
            }
            self.money(v.day_rate, format!("{vp}/day_rate"), "day_rate");
            self.money(v.km_included, format!("{vp}/km_included"), "km_included");
            self.money(v.per_km, format!("{vp}/per_km"), "per_km");
        }
        self.unique(c.restaurants.iter().map(|r| r.id.as_str()), &format!("{path}/restaurants"), "restaurant");
        for (i, r) in c.restaurants.iter().enumerate() {
            let rp = format!("{path}/restaurants/{i}");
            self.reference(&places, &r.place, format!("{rp}/place"), "place", "catalog.places");
            self.rows(r.meals.len(), format!("{rp}/meals"), &format!("meals of restaurant '{}'", r.id));
            self.money(r.per_pax, format!("{rp}/per_pax"), "per_pax");
            if let Some(c) = r.child_per_pax {
                self.money(c, format!("{rp}/child_per_pax"), "child_per_pax");
            }
            if r.minutes == Some(0) {
                self.push(
                    "not_positive",
                    format!("{rp}/minutes"),
                    format!("restaurant '{}' minutes must be greater than 0", r.id),
                );
            }
            if let Some(m) = r.minutes {
                self.within_a_day(
                    m,
                    format!("{rp}/minutes"),
                    &format!("restaurant '{}' minutes", r.id),
                    "a meal lasts less than a day",
                );
            }
        }
        self.unique(c.guides.iter().map(|g| g.id.as_str()), &format!("{path}/guides"), "guide");
        for (i, g) in c.guides.iter().enumerate() {
            self.money(g.day_fee, format!("{path}/guides/{i}/day_fee"), "day_fee");
        }
        for (i, f) in c.fees.iter().enumerate() {
            if f.name.trim().is_empty() {
                self.push(
                    "empty",
                    format!("{path}/fees/{i}/name"),
                    format!("fee {i} has no name (it names the quote line)"),
                );
            }
            self.money(f.per_pax, format!("{path}/fees/{i}/per_pax"), "a fee");
            self.money(f.per_pax_per_day, format!("{path}/fees/{i}/per_pax_per_day"), "a fee");
        }
    }

    fn group_trip(&mut self, job: &PlanJob, base: &str, catalog_path: &str) {
        let c = &job.catalog;
        let g = &job.group;
        let t = &job.trip;
        // u64: two u32 counts near the top of their range must not overflow here.
        let pax = g.pax.adult as u64 + g.pax.child as u64;
        if pax == 0 {
            self.push(
                "not_positive",
                format!("{base}/group/pax"),
                "the group has no pax; adult + child must be at least 1",
            );
        }
        if pax > self.limits.max_pax as u64 {
            self.push(
                "too_large",
                format!("{base}/group/pax"),
                format!("{pax} pax is above the limit of {}", self.limits.max_pax),
            );
        }
        let mut people = 0u64;
        // A family line without a usable size already has its own problem; the sum would only repeat it.
        let mut sizes_known = true;
        self.rows(g.rooming.len(), format!("{base}/group/rooming"), "rooming lines");
        // Largest family any room type takes (with an extra bed where allowed).
        let largest_family = c
            .hotels
            .iter()
            .flat_map(|h| &h.rooms)
            .map(|rt| rt.sleeps.saturating_add(rt.extra_bed as u32))
            .max()
            .unwrap_or(0);
        for (i, r) in g.rooming.iter().enumerate() {
            let rp = format!("{base}/group/rooming/{i}");
            if r.count == 0 {
                self.push("not_positive", format!("{rp}/count"), "a rooming line must count at least 1 unit");
            }
            let size = match r.unit {
                UnitKind::Couple => 2,
                UnitKind::Family => {
                    match r.size {
                        Some(0) => {
                            self.push("not_positive", format!("{rp}/size"), "a family must have at least 1 person");
                            sizes_known = false;
                            0
                        }
                        Some(s) => {
                            if s > largest_family {
                                self.push("no_room_fits", format!("{rp}/size"), format!("no room type in the catalog sleeps a family of {s} (not even with an extra bed)"));
                            }
                            s
                        }
                        None => {
                            self.push("missing_field", format!("{rp}/size"), "a family rooming line needs its size");
                            sizes_known = false;
                            0
                        }
                    }
                }
                _ => 1,
            };
            if r.unit != UnitKind::Family && r.size.is_some_and(|s| s != size) {
                self.push(
                    "bad_value",
                    format!("{rp}/size"),
                    format!(
                        "a {} line has no size of its own (it sleeps {size}); size is for family lines",
                        r.unit.as_str()
                    ),
                );
            }
            people += size as u64 * r.count as u64;
        }
        if sizes_known && people != pax {
            self.push(
                "rooming_mismatch",
                format!("{base}/group/rooming"),
                format!(
                    "the rooming list sleeps {people} people but the group has {pax} pax ({} adults + {} children)",
                    g.pax.adult, g.pax.child
                ),
            );
        }
        for (value, key) in [(g.seats, "seats"), (g.meal_covers, "meal_covers")] {
            if value.is_some_and(|v| v as u64 > pax + MAX_STAFF) {
                self.push(
                    "too_large",
                    format!("{base}/group/{key}"),
                    format!(
                        "{key} {} is more than {MAX_STAFF} above pax {pax}; staff travel in small numbers",
                        value.unwrap_or(0)
                    ),
                );
            }
        }
        if let Some(s) = g.seats {
            if (s as u64) < pax {
                self.push(
                    "seats_below_pax",
                    format!("{base}/group/seats"),
                    format!("seats {s} is below pax {pax}; every traveller needs a seat"),
                );
            }
        }
        if let Some(m) = g.meal_covers {
            if (m as u64) < pax {
                self.push(
                    "covers_below_pax",
                    format!("{base}/group/meal_covers"),
                    format!("meal_covers {m} is below pax {pax}; every traveller eats"),
                );
            }
        }
        let places = ids(c.places.iter().map(|p| p.id.as_str()));
        let attractions = ids(c.attractions.iter().map(|a| a.id.as_str()));
        let tp = format!("{base}/trip");
        // Messages name lists as the contract does ("catalog.attractions"); the pointer is in `path`.
        let cat = catalog_path.trim_start_matches('/').replace('/', ".");
        self.reference(&places, &t.arrive.place, format!("{tp}/arrive/place"), "place", &format!("{cat}.places"));
        self.reference(&places, &t.depart.place, format!("{tp}/depart/place"), "place", &format!("{cat}.places"));
        let buffer = t.depart.buffer_minutes.unwrap_or(0) as i64;
        let latest = t.depart.at.0.checked_sub_signed(chrono::Duration::minutes(buffer)).unwrap_or(t.depart.at.0);
        if let Some(b) = t.depart.buffer_minutes {
            self.within_a_day(
                b,
                format!("{tp}/depart/buffer_minutes"),
                "trip.depart.buffer_minutes",
                "a buffer is hours, not days",
            );
        }
        for (at, key) in [(t.arrive.at, "arrive"), (t.depart.at, "depart")] {
            use chrono::Datelike;
            if !YEARS.contains(&at.date().year()) {
                self.push(
                    "out_of_range",
                    format!("{tp}/{key}/at"),
                    format!("{key}.at {} is not in the years {} to {}", fmt_dt(at.0), YEARS.start(), YEARS.end()),
                );
            }
        }
        if t.depart.at.0 <= t.arrive.at.0 {
            self.push(
                "reversed_dates",
                format!("{tp}/depart/at"),
                format!("departure {} is not after arrival {}", fmt_dt(t.depart.at.0), fmt_dt(t.arrive.at.0)),
            );
        } else if latest <= t.arrive.at.0 {
            self.push(
                "reversed_dates",
                format!("{tp}/depart/buffer_minutes"),
                format!(
                    "the departure buffer of {buffer} minutes ends before the arrival at {}",
                    fmt_dt(t.arrive.at.0)
                ),
            );
        }
        let days = (t.depart.at.date() - t.arrive.at.date()).num_days() + 1;
        if days > self.limits.max_days as i64 {
            self.push(
                "too_large",
                format!("{tp}/depart/at"),
                format!("a trip of {days} days is above the limit of {} days", self.limits.max_days),
            );
        }
        if let Some(m) = t.max_drive_minutes {
            self.within_a_day(
                m,
                format!("{tp}/max_drive_minutes"),
                "trip.max_drive_minutes",
                "leave it out for no daily limit",
            );
        }
        let (ds, de) = (t.day_start.map_or(480, |c| c.0), t.day_end.map_or(1260, |c| c.0));
        if ds >= de {
            // Point at a field the job has: a day_start after the default day_end is the day_start's fault.
            let key = if t.day_end.is_some() || t.day_start.is_none() { "day_end" } else { "day_start" };
            self.push(
                "reversed_window",
                format!("{tp}/{key}"),
                format!(
                    "day_end {}{} is not after day_start {}",
                    crate::contract::clock::format_minutes(de),
                    if t.day_end.is_none() { " (the default)" } else { "" },
                    crate::contract::clock::format_minutes(ds)
                ),
            );
        }
        let listed = t.must_visit.len() + t.optional.len();
        if listed > self.limits.max_listed_attractions {
            let key = if t.must_visit.len() > self.limits.max_listed_attractions { "must_visit" } else { "optional" };
            self.push(
                "too_large",
                format!("{tp}/{key}"),
                format!(
                    "the trip lists {listed} attractions ({} must-visit + {} optional), above the limit of {}; list fewer",
                    t.must_visit.len(),
                    t.optional.len(),
                    self.limits.max_listed_attractions
                ),
            );
        }
        let mut seen: HashMap<&str, String> = HashMap::new();
        for (i, a) in t.must_visit.iter().enumerate() {
            let p = format!("{tp}/must_visit/{i}");
            self.reference(&attractions, a, p.clone(), "attraction", &format!("{cat}.attractions"));
            if seen.insert(a, p).is_some() {
                self.push("duplicate_id", format!("{tp}/must_visit/{i}"), format!("attraction '{a}' is listed twice"));
            }
        }
        for (i, o) in t.optional.iter().enumerate() {
            let p = format!("{tp}/optional/{i}/attraction");
            self.reference(&attractions, &o.attraction, p.clone(), "attraction", &format!("{cat}.attractions"));
            if let Some(first) = seen.insert(&o.attraction, p.clone()) {
                self.push("duplicate_id", p, format!("attraction '{}' is already listed at {first}", o.attraction));
            }
            self.money(o.value, format!("{tp}/optional/{i}/value"), "an optional attraction's value");
        }
        for (name, [open, close]) in &t.meals {
            if name.trim().is_empty() {
                self.push("empty", format!("{tp}/meals/{}", pointer_escape(name)), "a meal kind needs a name");
            }
            if open > close {
                self.push(
                    "reversed_window",
                    format!("{tp}/meals/{}", pointer_escape(name)),
                    format!("the {name} window closes at {close} before it opens at {open}"),
                );
            }
        }
        let most_meals = self.limits.max_meal_kinds.min(8);
        if t.meals.len() > most_meals {
            self.push(
                "too_large",
                format!("{tp}/meals"),
                format!("at most {most_meals} meal kinds a day are supported"),
            );
        }
        if let Some(s) = t.hotel_min_stars {
            self.stars(s, format!("{tp}/hotel_min_stars"), "trip.hotel_min_stars");
        }
        if let Some(p) = t.hotel_change_penalty {
            self.money(p, format!("{tp}/hotel_change_penalty"), "hotel_change_penalty");
        }
        if let Some(p) = t.drive_penalty_per_pax_hour {
            self.money(p, format!("{tp}/drive_penalty_per_pax_hour"), "drive_penalty_per_pax_hour");
        }
        if let Some(b) = t.budget_per_pax {
            self.positive(b, format!("{tp}/budget_per_pax"), "budget_per_pax");
            if b > self.limits.max_amount {
                self.push(
                    "out_of_range",
                    format!("{tp}/budget_per_pax"),
                    format!("budget_per_pax {b} is above {}; leave it out for no budget", self.limits.max_amount),
                );
            }
        }
        if let Some(gid) = &t.guide {
            let guides = ids(c.guides.iter().map(|g| g.id.as_str()));
            self.reference(&guides, gid, format!("{tp}/guide"), "guide", &format!("{cat}.guides"));
        }
        if let Some(m) = job.pricing.markup_pct {
            if !m.is_finite() || m <= -100.0 || m > MAX_MARKUP_PCT {
                self.push(
                    "out_of_range",
                    format!("{base}/pricing/markup_pct"),
                    format!("markup_pct must be above -100 and at most {MAX_MARKUP_PCT} (got {m})"),
                );
            }
        }
        if let Some(r) = job.pricing.round_to {
            self.positive(r, format!("{base}/pricing/round_to"), "round_to");
            if r > self.limits.max_amount {
                self.push(
                    "out_of_range",
                    format!("{base}/pricing/round_to"),
                    format!("round_to {r} is above {}", self.limits.max_amount),
                );
            }
        }
    }
}

fn fmt_dt(dt: chrono::NaiveDateTime) -> String {
    dt.format("%Y-%m-%dT%H:%M").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse_job;

    #[test]
    fn replan_events_and_now_are_checked_against_the_job() {
        let plan: serde_json::Value =
            serde_json::from_str(include_str!("../../fixtures/plan/tiny-2d.job.json")).expect("fixture");
        let doc = serde_json::json!({
            "schema": "jidiao/v1", "kind": "replan", "job_id": "R",
            "job": {"catalog": plan["catalog"], "group": plan["group"], "trip": plan["trip"]},
            "confirmed": {}, "now": "2026-06-09T09:00",
            "change_costs": {"hotel_room_night": -1},
            "events": [
                {"type": "closed", "attraction": "wuhan-yellow-crane", "dates": ["2026-06-06"]},
                {"type": "delay", "minutes": 5000},
                {"type": "hotel_unavailable", "hotel": "cq-westin", "nights": ["2026-06-05"]}
            ]
        });
        let job = parse_job(&doc.to_string()).expect("parses");
        let mut found: Vec<(String, String)> =
            validate_job(&job, &Limits::default()).into_iter().map(|d| (d.code, d.path.unwrap_or_default())).collect();
        found.sort();
        let want = [
            ("negative", "/change_costs/hotel_room_night"),
            ("out_of_range", "/events/1/minutes"),
            ("out_of_range", "/now"),
            ("unknown_reference", "/events/0/attraction"),
        ];
        assert_eq!(found, want.map(|(c, p)| (c.to_string(), p.to_string())));
    }
}
