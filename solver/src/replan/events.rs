//! A re-plan's inputs checked against its job (every reference of `confirmed` and of the
//! events, `confirmed` covering the trip's days and nights), and its events applied to the
//! catalog of the re-planned period.

use crate::contract::{Catalog, DiagnosisItem, Event, PlanJob, ReplanJob, StopKind};
use chrono::{Duration, NaiveDate};
use std::collections::HashSet;

/// Every problem of `confirmed` against the job (empty = fine): it covers the trip's days
/// and nights, every id resolves, every stop has its times. (The events and `now` are
/// checked with the rest of the job, in [`crate::validate`].)
pub fn validate(r: &ReplanJob) -> Vec<DiagnosisItem> {
    let mut out = Vec::new();
    let c = &r.job.catalog;
    let t = &r.job.trip;
    let first = t.arrive.at.date();
    let n_days = (t.depart.at.date() - first).num_days().max(0) as usize + 1;
    let places: HashSet<&str> = c.places.iter().map(|p| p.id.as_str()).collect();
    let unknown = |path: String, what: &str, id: &str, list: &str| {
        DiagnosisItem::at("unknown_reference", path, format!("{what} '{id}' is not in {list}"))
    };
    let conf = &r.confirmed;
    if conf.days.len() != n_days {
        out.push(DiagnosisItem::at(
            "confirmed_mismatch",
            "/confirmed/days",
            format!("confirmed has {} days; the trip {first} .. {} has {n_days}", conf.days.len(), t.depart.at.date()),
        ));
    }
    if conf.nights.len() + 1 != n_days {
        out.push(DiagnosisItem::at(
            "confirmed_mismatch",
            "/confirmed/nights",
            format!("confirmed has {} nights; the trip has {}", conf.nights.len(), n_days - 1),
        ));
    }
    for (i, d) in conf.days.iter().enumerate() {
        let p = format!("/confirmed/days/{i}");
        let date = first + Duration::days(i as i64);
        if d.date.0 != date {
            out.push(DiagnosisItem::at(
                "confirmed_mismatch",
                format!("{p}/date"),
                format!("day {} of the trip is {date}, not {}", i + 1, d.date),
            ));
        }
        let shape_ok = d.stops.len() >= 2
            && d.stops[0].kind == StopKind::Start
            && d.stops[d.stops.len() - 1].kind == StopKind::End
            && d.stops[1..d.stops.len() - 1].iter().all(|s| matches!(s.kind, StopKind::Attraction | StopKind::Meal));
        if !shape_ok {
            out.push(DiagnosisItem::at(
                "bad_value",
                format!("{p}/stops"),
                "a confirmed day runs from a start stop through visits and meals to an end stop",
            ));
            continue;
        }
        for (j, s) in d.stops.iter().enumerate() {
            let sp = format!("{p}/stops/{j}");
            match s.kind {
                StopKind::Start | StopKind::End => match &s.place {
                    Some(id) if !places.contains(id.as_str()) => {
                        out.push(unknown(format!("{sp}/place"), "place", id, "catalog.places"))
                    }
                    None => out.push(DiagnosisItem::at(
                        "missing_field",
                        format!("{sp}/place"),
                        "a start or end stop names its place",
                    )),
                    _ => {}
                },
                StopKind::Attraction => match &s.id {
                    Some(id) if !c.attractions.iter().any(|a| &a.id == id) => {
                        out.push(unknown(format!("{sp}/id"), "attraction", id, "catalog.attractions"))
                    }
                    None => {
                        out.push(DiagnosisItem::at("missing_field", format!("{sp}/id"), "a visit names its attraction"))
                    }
                    _ => {}
                },
                StopKind::Meal => match &s.restaurant {
                    Some(id) if !c.restaurants.iter().any(|x| &x.id == id) => {
                        out.push(unknown(format!("{sp}/restaurant"), "restaurant", id, "catalog.restaurants"))
                    }
                    None => out.push(DiagnosisItem::at(
                        "missing_field",
                        format!("{sp}/restaurant"),
                        "a meal names its restaurant",
                    )),
                    _ => {}
                },
            }
            let timed = match s.kind {
                StopKind::Start => s.depart.is_some(),
                StopKind::End => s.arrive.is_some(),
                _ => s.start.is_some() && s.end.is_some() && s.meal.as_ref().is_none_or(|m| t.meals.contains_key(m)),
            };
            if !timed {
                out.push(DiagnosisItem::at(
                    "missing_field",
                    sp,
                    "a confirmed stop carries its times (start: depart; visit or meal: start and end, and a meal of the trip; end: arrive)",
                ));
            }
        }
    }
    for (i, n) in conf.nights.iter().enumerate() {
        let p = format!("/confirmed/nights/{i}");
        let date = first + Duration::days(i as i64);
        if n.date.0 != date {
            out.push(DiagnosisItem::at(
                "confirmed_mismatch",
                format!("{p}/date"),
                format!("night {} of the trip is {date}, not {}", i + 1, n.date),
            ));
        }
        let Some(h) = c.hotels.iter().find(|h| h.id == n.hotel) else {
            out.push(unknown(format!("{p}/hotel"), "hotel", &n.hotel, "catalog.hotels"));
            continue;
        };
        for (j, room) in n.rooms.iter().enumerate() {
            if !h.rooms.iter().any(|x| x.kind == room.kind) {
                out.push(DiagnosisItem::at(
                    "unknown_reference",
                    format!("{p}/rooms/{j}/type"),
                    format!("hotel '{}' has no room type '{}'", h.id, room.kind),
                ));
            }
        }
    }
    for (i, f) in conf.fleet.iter().enumerate() {
        if !c.vehicles.iter().any(|v| v.id == f.vehicle) {
            out.push(unknown(format!("/confirmed/fleet/{i}/vehicle"), "vehicle", &f.vehicle, "catalog.vehicles"));
        }
    }
    out
}

/// The delay of every `delay` event, summed.
pub fn delay(events: &[Event]) -> i32 {
    events.iter().map(|e| if let Event::Delay { minutes } = e { *minutes as i32 } else { 0 }).sum()
}

/// Whether an event closes `attraction` on `date`.
pub fn closed_on(events: &[Event], attraction: &str, date: NaiveDate) -> bool {
    events.iter().any(
        |e| matches!(e, Event::Closed { attraction: a, dates } if a == attraction && dates.iter().any(|d| d.0 == date)),
    )
}

/// The catalog with the events applied from `first_night` on: closed dates added, a hotel's
/// rooms not sold on its unavailable nights, and a vehicle type unavailable from a date on
/// the trip's `last` day or before not hired at all (the re-planned rest has one fleet).
pub fn apply(catalog: &Catalog, events: &[Event], first_night: NaiveDate, last: NaiveDate) -> Catalog {
    let mut c = catalog.clone();
    for e in events {
        match e {
            Event::Delay { .. } => {}
            Event::Closed { attraction, dates } => {
                if let Some(a) = c.attractions.iter_mut().find(|a| &a.id == attraction) {
                    a.closed_dates.extend(dates.iter().copied());
                }
            }
            Event::HotelUnavailable { hotel, nights } => {
                if let Some(h) = c.hotels.iter_mut().find(|h| &h.id == hotel) {
                    for night in nights.iter().filter(|n| n.0 >= first_night) {
                        for room in &mut h.rooms {
                            crate::whatif::ops::set_allotment(&mut room.allotment, night.0, night.0, 0);
                        }
                    }
                }
            }
            Event::VehicleUnavailable { vehicle, from } => {
                if from.0 <= last {
                    if let Some(v) = c.vehicles.iter_mut().find(|v| &v.id == vehicle) {
                        v.available = Some(0);
                    }
                }
            }
        }
    }
    c
}

/// The job with the events applied to the whole trip (closures, hotel nights; not the
/// delay or vehicles, which a plan job cannot say): what a re-planned trip is checked against.
pub fn job_with_events(job: &PlanJob, events: &[Event]) -> PlanJob {
    let mut j = job.clone();
    let first = j.trip.arrive.at.date();
    let vehicles = j.catalog.vehicles.clone();
    j.catalog = apply(&job.catalog, events, first, first);
    j.catalog.vehicles = vehicles;
    j
}
