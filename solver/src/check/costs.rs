//! Costs recomputed from the catalog, the quote lines, the quote, the budget
//! and the objective.

use super::itinerary::DayFacts;
use super::{same_money, Report};
use crate::contract::{Plan, PlanJob};
use chrono::{Datelike, Weekday};

fn r2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

pub(crate) fn check(job: &PlanJob, plan: &Plan, days: &[DayFacts], r: &mut Report) {
    let c = &job.catalog;
    let g = &job.group;
    let pax = g.pax.adult + g.pax.child;
    let (adults, children) = (g.pax.adult as f64, g.pax.child as f64);
    let staff = g.meal_covers.unwrap_or(pax + 1).saturating_sub(pax) as f64;
    let n_days = days.len() as f64;
    // Hotels.
    let mut hotels = 0.0;
    for night in &plan.nights {
        let Some(h) = c.hotels.iter().find(|h| h.id == night.hotel) else { continue };
        let date = night.date.0;
        let weekend = matches!(date.weekday(), Weekday::Fri | Weekday::Sat);
        let mut rooms = 0;
        for u in &night.rooms {
            let Some(rt) = h.rooms.iter().find(|x| x.kind == u.kind) else { continue };
            let Some(rate) = rt.rates.iter().find(|x| x.from.0 <= date && date <= x.to.0) else { continue };
            let price = if weekend { rate.weekend_price.unwrap_or(rate.price) } else { rate.price };
            hotels += price * u.count as f64;
            rooms += u.count;
        }
        hotels += night.extra_beds as f64 * h.extra_bed_price.unwrap_or(0.0);
        if let Some(f) = h.foc.as_ref().filter(|f| f.per > 0) {
            hotels -= (rooms / f.per) as f64 * f.free_value;
        }
    }
    // Vehicles.
    let mut vehicles = 0.0;
    for (i, d) in days.iter().enumerate() {
        // A day may name the vehicles that drove it (a fleet changed on the way).
        let fleet = plan.days.get(i).and_then(|x| x.fleet.as_ref()).unwrap_or(&plan.fleet);
        for f in fleet {
            let Some(v) = c.vehicles.iter().find(|v| v.id == f.vehicle) else { continue };
            vehicles += f.count as f64 * (v.day_rate + v.per_km * (d.km - v.km_included).max(0.0) + d.toll);
        }
    }
    // Tickets and meals.
    let mut tickets = 0.0;
    let mut meals = 0.0;
    let mut value = 0.0;
    for d in days {
        for id in &d.attractions {
            let Some(a) = c.attractions.iter().find(|a| &a.id == id) else { continue };
            let adult = a.ticket.as_ref().map_or(0.0, |t| t.adult);
            let child = a.ticket.as_ref().map_or(0.0, |t| t.child.unwrap_or(t.adult));
            let (ap, cp) = match &a.group_ticket {
                Some(gt) if pax >= gt.min_pax => (gt.adult.unwrap_or(adult), gt.child.unwrap_or(child)),
                _ => (adult, child),
            };
            tickets += ap * adults + cp * children;
            value += job.trip.optional.iter().filter(|o| &o.attraction == id).map(|o| o.value).sum::<f64>();
        }
        for (rid, _) in &d.meals {
            let Some(x) = c.restaurants.iter().find(|x| &x.id == rid) else { continue };
            meals += x.per_pax * (adults + staff) + x.child_per_pax.unwrap_or(x.per_pax) * children;
        }
    }
    let guide = job
        .trip
        .guide
        .as_ref()
        .and_then(|id| c.guides.iter().find(|x| &x.id == id))
        .map_or(0.0, |x| x.day_fee * n_days);
    let fees: f64 = c.fees.iter().map(|f| f.per_pax_per_day * pax as f64 * n_days + f.per_pax * pax as f64).sum();
    let cost = hotels + vehicles + tickets + meals + guide + fees;
    // Lines: each amount is qty x unit price rounded; categories and total are sums of lines.
    let tol = 0.006 * (plan.lines.len() as f64 + 1.0);
    for l in &plan.lines {
        r.expect(same_money(l.amount, r2(l.qty * l.unit_price)), "line_amount", || {
            format!("line '{}': {} x {} is not {}", l.item, l.qty, l.unit_price, l.amount)
        });
    }
    let sum = |cat: &str| plan.lines.iter().filter(|l| l.category == cat).map(|l| l.amount).sum::<f64>();
    let k = &plan.costs;
    for (name, reported, lines, recomputed) in [
        ("hotels", k.hotels, sum("hotel"), hotels),
        ("vehicles", k.vehicles, sum("vehicle"), vehicles),
        ("tickets", k.tickets, sum("ticket"), tickets),
        ("meals", k.meals, sum("meal"), meals),
        ("guide", k.guide, sum("guide"), guide),
        ("fees", k.fees, sum("fee"), fees),
    ] {
        r.expect(same_money(reported, r2(lines)), "lines_sum", || {
            format!("costs.{name} {reported} is not the sum of its lines {lines:.2}")
        });
        r.expect((reported - recomputed).abs() <= tol, "cost", || {
            format!("costs.{name} {reported} but the catalog prices this plan at {recomputed:.2}")
        });
    }
    let all: f64 = plan.lines.iter().map(|l| l.amount).sum();
    r.expect(same_money(k.total, r2(all)), "lines_sum", || {
        format!("costs.total {} is not the sum of the lines {all:.2}", k.total)
    });
    // Cost = hotels + vehicles + tickets + meals + guide + fees: nothing else (e.g. a line
    // outside those categories) may reach the total.
    r.expect((k.total - cost).abs() <= tol, "cost", || {
        format!("costs.total {} but the catalog prices this plan at {cost:.2}", k.total)
    });
    r.expect(same_money(k.per_pax, r2(k.total / pax as f64)), "per_pax", || {
        format!("costs.per_pax {} is not total / pax", k.per_pax)
    });
    let markup = job.pricing.markup_pct.unwrap_or(0.0);
    let round_to = job.pricing.round_to.unwrap_or(1.0);
    r.expect((plan.quote.markup_pct - markup).abs() < 1e-9, "quote", || {
        format!("quote.markup_pct {} but the job's markup is {markup}", plan.quote.markup_pct)
    });
    let q = r2(((k.per_pax * (1.0 + markup / 100.0) / round_to) - 1e-9).ceil() * round_to);
    r.expect(same_money(plan.quote.per_pax, q), "quote", || {
        format!("quote.per_pax {} but the pricing gives {q}", plan.quote.per_pax)
    });
    r.expect(same_money(plan.quote.total, r2(q * pax as f64)), "quote", || {
        format!("quote.total {} is not per_pax x pax", plan.quote.total)
    });
    if let Some(b) = job.trip.budget_per_pax {
        r.expect(cost / pax as f64 <= b + 1e-6, "budget", || {
            format!("the plan costs {:.2}/pax, over the budget {b}/pax", cost / pax as f64)
        });
    }
    if let Some(obj) = plan.objective {
        let changes = plan.nights.windows(2).filter(|w| w[0].hotel != w[1].hotel).count() as f64;
        let drive: i64 = days.iter().map(|d| d.drive).sum();
        let expected = cost - value
            + job.trip.hotel_change_penalty.unwrap_or(0.0) * changes
            + job.trip.drive_penalty_per_pax_hour.unwrap_or(20.0) * pax as f64 * drive as f64 / 60.0;
        r.expect((obj - expected).abs() <= 0.01 + tol, "objective", || {
            format!("the plan's objective {obj} but its rules give {expected:.2}")
        });
    }
}
