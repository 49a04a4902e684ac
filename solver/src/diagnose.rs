//! Why a plan job has no plan, in a 计调's words: fast necessary-condition
//! checks first, then re-solving without the budget to price it.

use crate::contract::DiagnosisItem;
use crate::model::TripModel;
use crate::planner::{solve_prepared, Prepared, SolveContext};
use crate::rooming::RoomingFailure;
use std::time::Instant;

/// Explains an infeasible plan job; never empty.
pub fn infeasible(p: &Prepared, ctx: &SolveContext) -> Vec<DiagnosisItem> {
    let m = &p.model;
    let c = m.catalog();
    let mut out = Vec::new();
    if p.fleets.is_empty() {
        let most: u32 = m.vehicles.iter().map(|v| v.seats * v.available.unwrap_or(0)).sum();
        let unlimited = m.vehicles.iter().any(|v| v.available.is_none());
        if !unlimited {
            out.push(
                DiagnosisItem::general(
                    "fleet_too_small",
                    format!(
                        "no fleet seats the group: {} seats needed, all available vehicles together seat {most}",
                        m.seats
                    ),
                )
                .with_ids(c.vehicles.iter().map(|v| v.id.clone()))
                .with_relaxation(format!("add vehicles for {} more seats", m.seats - most.min(m.seats))),
            );
        }
    }
    for (n, night) in p.rooming.iter().enumerate() {
        let date = m.days[n].date;
        if m.hotels.is_empty() {
            out.push(DiagnosisItem::general(
                "no_hotel_stars",
                format!(
                    "no hotel has {} stars or more (trip.hotel_min_stars)",
                    m.job.trip.hotel_min_stars.unwrap_or(0)
                ),
            ));
            break;
        }
        if night.iter().all(|r| r.is_err()) {
            let mut ids = Vec::new();
            let mut details = Vec::new();
            for (h, r) in night.iter().enumerate() {
                let hotel = &c.hotels[m.hotels[h].catalog];
                ids.push(hotel.id.clone());
                let terms = crate::rooming::terms_on(hotel, date);
                match r {
                    Err(RoomingFailure::NothingSold) => details.push(format!("{} sells no room that night", hotel.id)),
                    Err(_) => details.push(format!(
                        "{} has only {}",
                        hotel.id,
                        terms
                            .iter()
                            .map(|t| format!("{} {}", t.allotment, hotel.rooms[t.index].kind))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )),
                    Ok(_) => {}
                }
            }
            out.push(
                DiagnosisItem::general(
                    "no_hotel_rooms",
                    format!(
                        "no hotel of {} stars or more has rooms for this rooming list on the night of {date}: {}",
                        m.job.trip.hotel_min_stars.unwrap_or(0),
                        details.join("; ")
                    ),
                )
                .with_ids(ids)
                .with_relaxation(format!("more allotment on {date}, or a hotel with fewer stars")),
            );
        }
    }
    // Required meals without any restaurant.
    for (k, meal) in m.meals.iter().enumerate() {
        let needed = m.days.iter().any(|d| d.required_meals & (1 << k) != 0);
        if needed && !m.restaurants.iter().any(|r| r.serves & (1 << k) != 0) {
            out.push(DiagnosisItem::general(
                "no_restaurant",
                format!("no restaurant serves {} with {} seats or more", meal.name, m.meal_covers),
            ));
        }
    }
    // Must-visits that no route can include.
    for (i, a) in m.attractions.iter().enumerate().filter(|(_, a)| a.must) {
        let bit = 1u128 << i;
        if p.routes.iter().flatten().any(|r| r.set & bit != 0) {
            continue;
        }
        let attraction = &c.attractions[a.catalog];
        let open_days: Vec<String> = m
            .days
            .iter()
            .filter(|d| !TripModel::open_intervals(attraction, d.date).is_empty())
            .map(|d| d.date.to_string())
            .collect();
        let first = m.days[0].date;
        let last = m.days[m.days.len() - 1].date;
        if open_days.is_empty() {
            out.push(
                DiagnosisItem::general(
                    "must_visit_closed",
                    format!(
                        "{} ({}) is closed on every trip date: {first} ... {last}",
                        a.id,
                        attraction.name.clone().unwrap_or_default()
                    ),
                )
                .with_ids([a.id.clone()])
                .with_relaxation(format!("drop {} from must_visit or move the dates", a.id)),
            );
        } else {
            let drive = m.job.trip.max_drive_minutes.map_or(String::new(), |d| format!(" and {d} drive minutes"));
            out.push(
                DiagnosisItem::general(
                    "must_visit_unreachable",
                    format!(
                        "{} cannot be reached, visited ({} min) and left within a day's hours{drive} from any usable hotel on the days it is open ({})",
                        a.id,
                        a.visit,
                        open_days.join(", ")
                    ),
                )
                .with_ids([a.id.clone()])
                .with_relaxation(format!("drop {} from must_visit, lengthen the day or allow more driving", a.id)),
            );
        }
    }
    for (d, routes) in p.routes.iter().enumerate() {
        if routes.is_empty() && !p.rooming.iter().any(|n| n.iter().all(|r| r.is_err())) {
            let rule = &m.days[d];
            let meals: Vec<&str> = m
                .meals
                .iter()
                .enumerate()
                .filter(|(k, _)| rule.required_meals & (1 << k) != 0)
                .map(|(_, x)| x.name.as_str())
                .collect();
            out.push(DiagnosisItem::general(
                "day_unroutable",
                format!(
                    "day {} ({}) has no feasible route from {} to {} (by {}{}{})",
                    d + 1,
                    rule.date,
                    crate::contract::clock::format_minutes(rule.start_time),
                    if d + 1 == m.days.len() { "the departure point" } else { "a hotel" },
                    crate::contract::clock::format_minutes(rule.end_limit),
                    if meals.is_empty() { String::new() } else { format!(", with {}", meals.join(" and ")) },
                    m.job.trip.max_drive_minutes.map_or(String::new(), |x| format!(", within {x} drive minutes")),
                ),
            ));
        }
    }
    if out.is_empty() && m.budget_total.is_some() {
        let mut relaxed = Prepared {
            model: m.clone(),
            travel: p.travel.clone(),
            rooming: p.rooming.clone(),
            routes: p.routes.clone(),
            fleets: p.fleets.clone(),
        };
        // The smallest budget that works is the cheapest plan's cost: price cost alone.
        relaxed.model.budget_total = None;
        relaxed.model.drive_penalty_per_minute = 0.0;
        relaxed.model.hotel_change_penalty = 0.0;
        for a in &mut relaxed.model.attractions {
            a.value = 0.0;
        }
        for day in &mut relaxed.routes {
            for r in day {
                r.value = 0.0;
            }
        }
        let free = solve_prepared(&relaxed, ctx, Instant::now());
        if let Some(plan) = free.plan {
            let budget = m.job.trip.budget_per_pax.unwrap_or(0.0);
            out.push(
                DiagnosisItem::general(
                    "budget_too_low",
                    format!(
                        "the budget {budget}/pax is below the cheapest plan that keeps every other rule: {:.2}/pax",
                        plan.costs.per_pax
                    ),
                )
                .with_relaxation(format!("budget_per_pax >= {:.2}", (plan.costs.per_pax * 100.0).ceil() / 100.0)),
            );
        }
    }
    if out.is_empty() {
        let musts: Vec<String> = m.attractions.iter().filter(|a| a.must).map(|a| a.id.clone()).collect();
        out.push(
            DiagnosisItem::general(
                "rules_conflict",
                format!(
                    "every rule can be met on its own, but not together: the must-visits ({}) do not fit into the {} trip days with the hotels, meals and drive limit given",
                    musts.join(", "),
                    m.days.len()
                ),
            )
            .with_ids(musts),
        );
    }
    out
}
