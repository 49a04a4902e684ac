//! What differs between two plans, decision by decision, in the words of a change list:
//! the hotel or the rooms of each night, the fleet, the attractions of each day.
//! Shared by what-if (a scenario against the base) and re-plan (against `confirmed`).

use crate::contract::{Change, Date, Day, FleetUse, Night, StopKind};
use std::collections::BTreeMap;

/// Rooms of a night per type, in the order the types first appear: `twin x 12, family x 2`.
pub fn rooms_text(night: &Night) -> String {
    let mut order: Vec<&str> = Vec::new();
    let mut count: BTreeMap<&str, u32> = BTreeMap::new();
    for r in &night.rooms {
        if !order.contains(&r.kind.as_str()) {
            order.push(&r.kind);
        }
        *count.entry(&r.kind).or_default() += r.count;
    }
    order.iter().map(|k| format!("{k} x {}", count[k])).collect::<Vec<_>>().join(", ")
}

/// Rooms per type of a night, by type.
pub fn rooms_by_type(night: &Night) -> BTreeMap<String, u32> {
    let mut count: BTreeMap<String, u32> = BTreeMap::new();
    for r in &night.rooms {
        *count.entry(r.kind.clone()).or_default() += r.count;
    }
    count
}

/// A fleet as `coach-45 x 1, minibus-19 x 2`.
pub fn fleet_text(fleet: &[FleetUse]) -> String {
    fleet.iter().map(|f| format!("{} x {}", f.vehicle, f.count)).collect::<Vec<_>>().join(", ")
}

/// Vehicles per type of a fleet.
pub fn fleet_counts(fleet: &[FleetUse]) -> BTreeMap<String, u32> {
    let mut count: BTreeMap<String, u32> = BTreeMap::new();
    for f in fleet {
        *count.entry(f.vehicle.clone()).or_default() += f.count;
    }
    count
}

/// The attractions of a day, in visiting order.
pub fn attractions(day: &Day) -> Vec<String> {
    day.stops.iter().filter(|s| s.kind == StopKind::Attraction).filter_map(|s| s.id.clone()).collect()
}

/// Whether two days visit the same set of attractions.
pub fn same_attractions(a: &Day, b: &Day) -> bool {
    let (mut x, mut y) = (attractions(a), attractions(b));
    x.sort();
    y.sort();
    x == y
}

/// A night's change, if any: another hotel, or other rooms at the same hotel.
pub fn night_change(before: &Night, after: &Night, date: Date) -> Option<Change> {
    if before.hotel != after.hotel {
        return Some(change("hotel", Some(date), before.hotel.clone(), after.hotel.clone()));
    }
    (rooms_by_type(before) != rooms_by_type(after))
        .then(|| change("rooms", Some(date), rooms_text(before), rooms_text(after)))
}

/// A day's change of attractions, if any.
pub fn day_change(before: &Day, after: &Day, date: Date) -> Option<Change> {
    (!same_attractions(before, after))
        .then(|| change("attractions", Some(date), attractions(before).join(", "), attractions(after).join(", ")))
}

/// A change without a cost.
pub fn change(what: &str, date: Option<Date>, from: String, to: String) -> Change {
    Change { what: what.to_string(), date, from, to, cost: None }
}

/// Every decision of `after` that differs from `before`: nights and days are compared in
/// trip order (night k with night k), dated as in `after`; then the fleet.
pub fn plan_changes(before: &crate::contract::Plan, after: &crate::contract::Plan) -> Vec<Change> {
    let mut out = Vec::new();
    for (b, a) in before.nights.iter().zip(&after.nights) {
        out.extend(night_change(b, a, a.date));
    }
    for (b, a) in before.days.iter().zip(&after.days) {
        out.extend(day_change(b, a, a.date));
    }
    if fleet_counts(&before.fleet) != fleet_counts(&after.fleet) {
        out.push(change(
            "fleet",
            after.days.first().map(|d| d.date),
            fleet_text(&before.fleet),
            fleet_text(&after.fleet),
        ));
    }
    out
}
