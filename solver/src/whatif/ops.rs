//! A what-if scenario's changes applied to the base job, op by op, in order. An op that
//! does not apply (an unknown id, a rooming that does not add up, a bad factor) is a
//! problem at its JSON pointer (`/scenarios/i/changes/j/...`); the changed job is then
//! validated as a plan job, and what it breaks is reported at the op that did it.

use crate::contract::{Allotment, Date, DiagnosisItem, PlanJob, Scenario, ScenarioOp, UnitKind};
use crate::limits::Limits;
use crate::validate::validate_plan;
use chrono::{Duration, NaiveDate};

/// Most days a scenario may shift the trip by (a year, as [`crate::validate`] allows).
const MAX_SHIFT_DAYS: i64 = 366;

/// The base job with the scenario's changes applied, or every problem found.
pub fn apply(base: &PlanJob, scenario: &Scenario, at: &str, limits: &Limits) -> Result<PlanJob, Vec<DiagnosisItem>> {
    let mut job = base.clone();
    let mut problems = Vec::new();
    let mut last_set_pax: Option<String> = None;
    for (j, op) in scenario.changes.iter().enumerate() {
        let path = format!("{at}/changes/{j}");
        if let ScenarioOp::SetPax { .. } = op {
            last_set_pax = Some(path.clone());
        }
        if let Err(p) = apply_op(&mut job, op, &path) {
            problems.extend(p);
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    // What the changed job breaks: at the set_pax op for the group, else at the scenario.
    let found = validate_plan(&job, "", limits);
    if found.is_empty() {
        return Ok(job);
    }
    Err(found
        .into_iter()
        .map(|mut d| {
            let inner = d.path.take().unwrap_or_default();
            d.path = Some(match (&last_set_pax, inner.strip_prefix("/group")) {
                (Some(op), Some(rest)) => {
                    let rest = rest.strip_prefix("/pax").unwrap_or(rest);
                    format!("{op}{rest}")
                }
                _ => {
                    d.message = format!("after the changes of scenario '{}', {inner}: {}", scenario.name, d.message);
                    at.to_string()
                }
            });
            d
        })
        .collect())
}

fn unknown(path: String, what: &str, id: &str, list: &str) -> DiagnosisItem {
    DiagnosisItem::at("unknown_reference", path, format!("{what} '{id}' is not in {list}"))
}

fn apply_op(job: &mut PlanJob, op: &ScenarioOp, path: &str) -> Result<(), Vec<DiagnosisItem>> {
    let c = &mut job.catalog;
    match op {
        ScenarioOp::ScalePrice { hotel, vehicle, restaurant, attraction, factor } => {
            let named = [hotel, vehicle, restaurant, attraction].iter().filter(|x| x.is_some()).count();
            let mut problems = Vec::new();
            if named != 1 {
                problems.push(DiagnosisItem::at(
                    "bad_value",
                    path,
                    "scale_price names exactly one of hotel, vehicle, restaurant or attraction",
                ));
            }
            if !factor.is_finite() {
                problems.push(DiagnosisItem::at(
                    "not_finite",
                    format!("{path}/factor"),
                    "a price factor must be a finite number",
                ));
            } else if *factor < 0.0 {
                problems.push(DiagnosisItem::at(
                    "negative",
                    format!("{path}/factor"),
                    format!("a price factor must not be negative (got {factor})"),
                ));
            }
            if !problems.is_empty() {
                return Err(problems);
            }
            let f = *factor;
            if let Some(id) = hotel {
                let h = c.hotels.iter_mut().find(|h| &h.id == id);
                let h = h.ok_or_else(|| vec![unknown(format!("{path}/hotel"), "hotel", id, "catalog.hotels")])?;
                for rate in h.rooms.iter_mut().flat_map(|r| r.rates.iter_mut()) {
                    rate.price *= f;
                    rate.weekend_price = rate.weekend_price.map(|p| p * f);
                }
            } else if let Some(id) = vehicle {
                let v = c.vehicles.iter_mut().find(|v| &v.id == id);
                let v = v.ok_or_else(|| vec![unknown(format!("{path}/vehicle"), "vehicle", id, "catalog.vehicles")])?;
                v.day_rate *= f;
                v.per_km *= f;
            } else if let Some(id) = restaurant {
                let r = c.restaurants.iter_mut().find(|r| &r.id == id);
                let r = r.ok_or_else(|| {
                    vec![unknown(format!("{path}/restaurant"), "restaurant", id, "catalog.restaurants")]
                })?;
                r.per_pax *= f;
                r.child_per_pax = r.child_per_pax.map(|p| p * f);
            } else if let Some(id) = attraction {
                let a = c.attractions.iter_mut().find(|a| &a.id == id);
                let a = a.ok_or_else(|| {
                    vec![unknown(format!("{path}/attraction"), "attraction", id, "catalog.attractions")]
                })?;
                if let Some(t) = &mut a.ticket {
                    t.adult *= f;
                    t.child = t.child.map(|p| p * f);
                }
                if let Some(g) = &mut a.group_ticket {
                    g.adult = g.adult.map(|p| p * f);
                    g.child = g.child.map(|p| p * f);
                }
            }
        }
        ScenarioOp::SetPax { adult, child, rooming } => {
            let g = &mut job.group;
            let (old, new) = (g.pax.adult + g.pax.child, adult + child);
            // Seats and meal covers keep their surplus over pax (guides, tour leader).
            g.seats = g.seats.map(|s| new + s.saturating_sub(old));
            g.meal_covers = g.meal_covers.map(|m| new + m.saturating_sub(old));
            g.pax.adult = *adult;
            g.pax.child = *child;
            g.rooming = rooming.clone();
            let people: u64 = rooming
                .iter()
                .map(|r| {
                    let size = match r.unit {
                        UnitKind::Couple => 2,
                        UnitKind::Family => r.size.unwrap_or(0),
                        _ => 1,
                    };
                    size as u64 * r.count as u64
                })
                .sum();
            let sizes_known = rooming.iter().all(|r| r.unit != UnitKind::Family || r.size.is_some_and(|s| s > 0));
            if sizes_known && people != new as u64 {
                return Err(vec![DiagnosisItem::at(
                    "rooming_mismatch",
                    format!("{path}/rooming"),
                    format!("the new rooming list sleeps {people} people but the new group has {new} pax ({adult} adults + {child} children)"),
                )]);
            }
        }
        ScenarioOp::ShiftDates { days } => {
            if days.abs() > MAX_SHIFT_DAYS {
                return Err(vec![DiagnosisItem::at(
                    "out_of_range",
                    format!("{path}/days"),
                    format!("shift_dates by {days} days: at most a year either way"),
                )]);
            }
            let t = &mut job.trip;
            t.arrive.at.0 += Duration::days(*days);
            t.depart.at.0 += Duration::days(*days);
        }
        ScenarioOp::SetAllotment { hotel, kind, rooms } => {
            let first = job.trip.arrive.at.date();
            let last_night = job.trip.depart.at.date() - Duration::days(1);
            let h = c.hotels.iter_mut().find(|h| &h.id == hotel);
            let h = h.ok_or_else(|| vec![unknown(format!("{path}/hotel"), "hotel", hotel, "catalog.hotels")])?;
            let Some(room) = h.rooms.iter_mut().find(|r| &r.kind == kind) else {
                return Err(vec![DiagnosisItem::at(
                    "unknown_reference",
                    format!("{path}/type"),
                    format!("hotel '{hotel}' has no room type '{kind}'"),
                )]);
            };
            set_allotment(&mut room.allotment, first, last_night, *rooms);
        }
        ScenarioOp::RemoveAttraction { attraction } => {
            let Some(i) = c.attractions.iter().position(|a| &a.id == attraction) else {
                return Err(vec![unknown(
                    format!("{path}/attraction"),
                    "attraction",
                    attraction,
                    "catalog.attractions",
                )]);
            };
            c.attractions.remove(i);
            job.trip.must_visit.retain(|a| a != attraction);
            job.trip.optional.retain(|o| &o.attraction != attraction);
        }
        ScenarioOp::AddMustVisit { attraction } => {
            if !c.attractions.iter().any(|a| &a.id == attraction) {
                return Err(vec![unknown(
                    format!("{path}/attraction"),
                    "attraction",
                    attraction,
                    "catalog.attractions",
                )]);
            }
            job.trip.optional.retain(|o| &o.attraction != attraction);
            if !job.trip.must_visit.contains(attraction) {
                job.trip.must_visit.push(attraction.clone());
            }
        }
    }
    Ok(())
}

/// Sets the allotment of nights `first..=last` to `rooms`, keeping other nights as they were
/// (ranges are split around the period; no two ranges overlap).
pub fn set_allotment(list: &mut Vec<Allotment>, first: NaiveDate, last: NaiveDate, rooms: u32) {
    if last < first {
        return;
    }
    let mut out = Vec::with_capacity(list.len() + 2);
    for a in list.drain(..) {
        if a.to.0 < first || a.from.0 > last {
            out.push(a);
            continue;
        }
        if a.from.0 < first {
            out.push(Allotment { from: a.from, to: Date(first - Duration::days(1)), rooms: a.rooms });
        }
        if a.to.0 > last {
            out.push(Allotment { from: Date(last + Duration::days(1)), to: a.to, rooms: a.rooms });
        }
    }
    out.push(Allotment { from: Date(first), to: Date(last), rooms });
    out.sort_by_key(|a| a.from.0);
    *list = out;
}
