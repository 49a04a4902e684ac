//! The batch checker: re-verifies each group's plan with the plan checker and every
//! shared capacity (room allotments per night, vehicles and guides per day, restaurant
//! seats per meal and date) from the job and the plans alone, independently of the
//! optimiser. [`resource_use`] is also how a batch result's resource table is built.

use super::result::{BatchResult, ResourceUse};
use crate::check::{check_plan, Violation};
use crate::contract::{BatchJob, Date, Plan, PlanJob, StopKind};
use std::collections::BTreeMap;

/// The `plan` job of group `g` of a batch: the shared catalog with the group's own data.
pub fn group_job(job: &BatchJob, g: usize) -> PlanJob {
    let group = &job.groups[g];
    PlanJob {
        catalog: job.catalog.clone(),
        group: group.group.clone(),
        trip: group.trip.clone(),
        pricing: group.pricing.clone(),
    }
}

/// Meal covers of group `g` (default pax + 1).
pub fn meal_covers(job: &BatchJob, g: usize) -> u32 {
    let grp = &job.groups[g].group;
    grp.meal_covers.unwrap_or(grp.pax.adult + grp.pax.child + 1)
}

/// A shared resource: kind, id, room type or meal (else empty), date.
type ResourceKey = (String, String, String, Date);

/// Capacity of a resource key, `None` = unlimited (or unknown).
fn capacity(job: &BatchJob, key: &ResourceKey) -> Option<u32> {
    let c = &job.catalog;
    let (kind, id, sub, date) = key;
    match kind.as_str() {
        "hotel_room" => {
            let room = c.hotels.iter().find(|h| &h.id == id)?.rooms.iter().find(|r| &r.kind == sub)?;
            Some(room.allotment.iter().find(|a| a.from.0 <= date.0 && date.0 <= a.to.0).map_or(0, |a| a.rooms))
        }
        "vehicle" => c.vehicles.iter().find(|v| &v.id == id)?.available,
        "restaurant" => c.restaurants.iter().find(|r| &r.id == id)?.seats,
        "guide" => c.guides.iter().find(|g| &g.id == id)?.available,
        _ => None,
    }
}

/// What the plans use of every shared resource with a finite capacity, and which groups
/// (by index) use it. `plans[g]` is group g's plan, if any.
pub fn resource_users(job: &BatchJob, plans: &[Option<&Plan>]) -> Vec<(ResourceUse, Vec<usize>)> {
    let mut used: BTreeMap<ResourceKey, (u32, Vec<usize>)> = BTreeMap::new();
    let mut add = |key: ResourceKey, n: u32, g: usize| {
        let e = used.entry(key).or_default();
        e.0 += n;
        if !e.1.contains(&g) {
            e.1.push(g);
        }
    };
    for (g, plan) in plans.iter().enumerate() {
        let Some(plan) = plan else { continue };
        for night in &plan.nights {
            for r in &night.rooms {
                add(("hotel_room".into(), night.hotel.clone(), r.kind.clone(), night.date), r.count, g);
            }
        }
        for day in &plan.days {
            for f in &plan.fleet {
                add(("vehicle".into(), f.vehicle.clone(), String::new(), day.date), f.count, g);
            }
            for s in day.stops.iter().filter(|s| s.kind == StopKind::Meal) {
                let (Some(r), Some(m)) = (&s.restaurant, &s.meal) else { continue };
                add(("restaurant".into(), r.clone(), m.clone(), day.date), meal_covers(job, g), g);
            }
            if let Some(guide) = &job.groups[g].trip.guide {
                add(("guide".into(), guide.clone(), String::new(), day.date), 1, g);
            }
        }
    }
    used.into_iter()
        .filter_map(|(key, (n, groups))| {
            let cap = capacity(job, &key)?;
            let (kind, id, sub, date) = key;
            let room_type = (kind == "hotel_room").then(|| sub.clone());
            let meal = (kind == "restaurant").then_some(sub);
            Some((ResourceUse { kind, id, room_type, meal, date, used: n, capacity: cap }, groups))
        })
        .collect()
}

/// [`resource_users`] without the users: the resource table of a batch result.
pub fn resource_use(job: &BatchJob, plans: &[Option<&Plan>]) -> Vec<ResourceUse> {
    resource_users(job, plans).into_iter().map(|(r, _)| r).collect()
}

/// Every rule a batch result breaks: each group's plan against its own `plan` job (rule
/// names of [`check_plan`], messages prefixed with the group id), every shared capacity
/// (`shared_capacity`), and the result's shape (`batch_groups`: one entry per group, in
/// order; a planned group has a plan). Empty = the result keeps every rule.
pub fn check_batch(job: &BatchJob, result: &BatchResult) -> Vec<Violation> {
    let mut out = Vec::new();
    let same_groups = result.groups.len() == job.groups.len()
        && result.groups.iter().zip(&job.groups).all(|(r, g)| r.group_id == g.group_id);
    if !same_groups {
        out.push(Violation { rule: "batch_groups", message: "the result's groups are not the job's, in order".into() });
        return out;
    }
    for (g, r) in result.groups.iter().enumerate() {
        let planned = matches!(r.status, crate::contract::Status::Optimal | crate::contract::Status::Feasible);
        if planned != r.plan.is_some() {
            out.push(Violation {
                rule: "batch_groups",
                message: format!("group {}: status {} but plan {}", r.group_id, r.status.as_str(), r.plan.is_some()),
            });
        }
        if let Some(plan) = &r.plan {
            for v in check_plan(&group_job(job, g), plan) {
                out.push(Violation { rule: v.rule, message: format!("group {}: {}", r.group_id, v.message) });
            }
        }
    }
    let plans: Vec<Option<&Plan>> = result.groups.iter().map(|r| r.plan.as_ref()).collect();
    for (u, _) in resource_users(job, &plans) {
        if u.used > u.capacity {
            out.push(Violation {
                rule: "shared_capacity",
                message: format!(
                    "{} {}{}{} on {}: {} used but the capacity is {}",
                    u.kind,
                    u.id,
                    u.room_type.as_deref().map(|t| format!(" {t}")).unwrap_or_default(),
                    u.meal.as_deref().map(|m| format!(" {m}")).unwrap_or_default(),
                    u.date,
                    u.used,
                    u.capacity
                ),
            });
        }
    }
    out
}
