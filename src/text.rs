//! The text form of a result: a readable itinerary and quote for a person at a terminal.

use jidiao_solver::contract::{Plan, PlanResult, Stop, StopKind};
use std::fmt::Write;

/// Renders a result for a terminal.
pub fn render(r: &PlanResult) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "job {} ({}) : {}", r.job_id, r.kind.as_str(), r.status.as_str());
    if let Some(plan) = &r.plan {
        plan_text(&mut s, plan);
    }
    for d in &r.diagnosis {
        let _ = writeln!(
            s,
            "  ! [{}] {}{}",
            d.code,
            d.message,
            d.path.as_deref().map(|p| format!(" (at {p})")).unwrap_or_default()
        );
        if let Some(x) = &d.relaxation {
            let _ = writeln!(s, "    -> {x}");
        }
    }
    if let (Some(f), None) = (&r.solver, &r.plan) {
        let _ = writeln!(s, "solver: {:.3} s, {} variables, {} constraints", f.seconds, f.variables, f.constraints);
    }
    if let (Some(f), Some(_)) = (&r.solver, &r.plan) {
        let _ = writeln!(
            s,
            "solver: objective {:.2}, bound {:.2}, gap {:.4}%, {:.3} s, {} variables, {} constraints{}",
            f.objective,
            f.bound,
            f.gap * 100.0,
            f.seconds,
            f.variables,
            f.constraints,
            f.day_routes.map(|n| format!(", {n} day routes")).unwrap_or_default()
        );
    }
    s
}

fn stop_text(st: &Stop) -> String {
    let t = |c: &Option<jidiao_solver::contract::Clock>| c.map(|c| c.to_string()).unwrap_or_default();
    match st.kind {
        StopKind::Start => format!("{}  depart {}", t(&st.depart), st.place.as_deref().unwrap_or("")),
        StopKind::Attraction => format!("{}-{}  visit {}", t(&st.start), t(&st.end), st.id.as_deref().unwrap_or("")),
        StopKind::Meal => format!(
            "{}-{}  {} at {}",
            t(&st.start),
            t(&st.end),
            st.meal.as_deref().unwrap_or(""),
            st.restaurant.as_deref().unwrap_or("")
        ),
        StopKind::End => match &st.hotel {
            Some(h) => format!("{}  arrive hotel {} ({})", t(&st.arrive), h, st.place.as_deref().unwrap_or("")),
            None => format!("{}  arrive {} (end of trip)", t(&st.arrive), st.place.as_deref().unwrap_or("")),
        },
    }
}

fn plan_text(s: &mut String, plan: &Plan) {
    let fleet: Vec<String> = plan.fleet.iter().map(|f| format!("{} x {}", f.vehicle, f.count)).collect();
    let _ = writeln!(s, "fleet: {}", fleet.join(", "));
    for (i, day) in plan.days.iter().enumerate() {
        let _ = writeln!(s, "\nDay {} {}  ({} drive min, {} km)", i + 1, day.date, day.drive_minutes, day.km);
        for st in &day.stops {
            let _ = writeln!(s, "  {}", stop_text(st));
        }
        if let Some(n) = plan.nights.get(i) {
            let rooms: Vec<String> = n
                .rooms
                .iter()
                .map(|r| {
                    format!(
                        "{} {}{} x {}",
                        r.kind,
                        r.unit.as_str(),
                        r.size.map(|z| format!("({z})")).unwrap_or_default(),
                        r.count
                    )
                })
                .collect();
            let _ = writeln!(
                s,
                "  night: {}  rooms: {}{}{}",
                n.hotel,
                rooms.join(", "),
                if n.extra_beds > 0 { format!(", extra beds {}", n.extra_beds) } else { String::new() },
                if n.foc_rooms > 0 { format!(", FOC {}", n.foc_rooms) } else { String::new() }
            );
        }
    }
    let _ = writeln!(s, "\nQuote sheet (报价单)");
    for l in &plan.lines {
        let date = l.date.map(|d| d.to_string()).unwrap_or_else(|| "          ".into());
        let _ = writeln!(s, "  {date}  {:<8} {:<28} {:<44} {:>12.2}", l.category, l.supplier, l.item, l.amount);
    }
    let c = &plan.costs;
    let _ = writeln!(
        s,
        "  hotels {:.2} | vehicles {:.2} | tickets {:.2} | meals {:.2} | guide {:.2} | fees {:.2}",
        c.hotels, c.vehicles, c.tickets, c.meals, c.guide, c.fees
    );
    let _ = writeln!(s, "  total cost {:.2}  ({:.2} per pax)", c.total, c.per_pax);
    let _ = writeln!(
        s,
        "  quote {:.2} per pax, {:.2} in all (markup {}%)",
        plan.quote.per_pax, plan.quote.total, plan.quote.markup_pct
    );
}
