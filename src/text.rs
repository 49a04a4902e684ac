//! The text form of a result: a readable itinerary and quote for a person at a terminal.

use jidiao_solver::compare::{attractions, fleet_text};
use jidiao_solver::contract::{Change, JobResult, Plan, PlanResult, ReplanResult, Stop, StopKind, WhatifResult};
use std::fmt::Write;

/// Renders a result of any kind for a terminal.
pub fn render_document(r: &JobResult) -> String {
    match r {
        JobResult::Batch(b) => render_batch(b),
        JobResult::Plan(p) => render(p),
        JobResult::Replan(x) => render_replan(x),
        JobResult::Whatif(w) => render_whatif(w),
    }
}

fn change_text(c: &Change) -> String {
    format!(
        "{:<12} {:<11} {} -> {}{}",
        c.what,
        c.date.map(|d| d.to_string()).unwrap_or_default(),
        if c.from.is_empty() { "(none)" } else { &c.from },
        if c.to.is_empty() { "(none)" } else { &c.to },
        c.cost.map(|x| format!("  (change cost {x:.2})")).unwrap_or_default()
    )
}

/// A re-plan: the whole trip, then what changed against the confirmed plan.
fn render_replan(r: &ReplanResult) -> String {
    let mut s = render(&r.result);
    if r.result.plan.is_some() {
        let _ = writeln!(s, "\nChanges against the confirmed plan");
        if r.changes.is_empty() {
            let _ = writeln!(s, "  none");
        }
        for c in &r.changes {
            let _ = writeln!(s, "  {}", change_text(c));
        }
        let _ = writeln!(s, "  change cost {:.2}", r.change_cost);
    }
    s
}

/// A what-if: the base and every scenario side by side, then the changes and marginal values.
fn render_whatif(w: &WhatifResult) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "job {} (whatif) : {}", w.job_id, w.status.as_str());
    let money = |x: Option<f64>| x.map(|v| format!("{v:.2}")).unwrap_or_else(|| "-".into());
    let mut columns: Vec<(String, Vec<String>)> = Vec::new();
    let base_plan = w.base.plan.as_ref();
    let column = |name: &str, status: &str, plan: Option<&Plan>, delta: Option<f64>, changes: Option<usize>| {
        let mut v = vec![
            status.to_string(),
            money(plan.map(|p| p.costs.total)),
            money(plan.map(|p| p.costs.per_pax)),
            delta.map(|d| format!("{d:+.2}")).unwrap_or_else(|| "-".into()),
            money(plan.map(|p| p.quote.per_pax)),
            plan.map(|p| fleet_text(&p.fleet)).unwrap_or_else(|| "-".into()),
        ];
        let nights = base_plan.map_or(0, |p| p.nights.len()).max(plan.map_or(0, |p| p.nights.len()));
        for n in 0..nights {
            v.push(plan.and_then(|p| p.nights.get(n)).map(|x| x.hotel.clone()).unwrap_or_else(|| "-".into()));
        }
        let days = base_plan.map_or(0, |p| p.days.len()).max(plan.map_or(0, |p| p.days.len()));
        for d in 0..days {
            v.push(plan.and_then(|p| p.days.get(d)).map(|x| attractions(x).join(",")).unwrap_or_else(|| "-".into()));
        }
        v.push(changes.map(|c| c.to_string()).unwrap_or_else(|| "-".into()));
        (name.to_string(), v)
    };
    columns.push(column("base", w.base.status.as_str(), base_plan, None, None));
    for sc in &w.scenarios {
        columns.push(column(&sc.name, sc.status.as_str(), sc.plan.as_ref(), sc.delta, Some(sc.changes.len())));
    }
    let mut labels: Vec<String> =
        ["status", "total", "per pax", "delta", "quote per pax", "fleet"].iter().map(|x| x.to_string()).collect();
    let rows = columns.iter().map(|c| c.1.len()).max().unwrap_or(0);
    let nights = base_plan.map_or(0, |p| p.nights.len());
    for k in labels.len()..rows.saturating_sub(1) {
        let i = k - 6;
        labels.push(if i < nights { format!("night {}", i + 1) } else { format!("day {} sights", i - nights + 1) });
    }
    labels.push("changes".into());
    let width = |c: &(String, Vec<String>)| c.1.iter().chain([&c.0]).map(|x| x.chars().count()).max().unwrap_or(0) + 2;
    let pad = |x: &str, n: usize| format!("{x}{}", " ".repeat(n.saturating_sub(x.chars().count())));
    let mut line = pad("", 16);
    for c in &columns {
        line += &pad(&c.0, width(c));
    }
    let _ = writeln!(s, "{}", line.trim_end());
    for (r, label) in labels.iter().enumerate() {
        let mut line = pad(label, 16);
        for c in &columns {
            line += &pad(c.1.get(r).map_or("", String::as_str), width(c));
        }
        let _ = writeln!(s, "{}", line.trim_end());
    }
    for sc in &w.scenarios {
        if !sc.changes.is_empty() || !sc.diagnosis.is_empty() {
            let _ = writeln!(s, "\n{}:", sc.name);
        }
        for c in &sc.changes {
            let _ = writeln!(s, "  {}", change_text(c));
        }
        for d in &sc.diagnosis {
            let _ = writeln!(s, "  ! [{}] {}", d.code, d.message);
        }
    }
    if !w.marginal_values.is_empty() {
        let _ = writeln!(s, "\nOne more room of a sold-out allotment would save");
        for m in &w.marginal_values {
            let _ = writeln!(
                s,
                "  {} {} {} {:>10.2}  (objective {:.2})",
                m.date, m.hotel, m.kind, m.saving, m.objective_saving
            );
        }
    }
    for d in w.base.diagnosis.iter().chain(&w.diagnosis) {
        let _ = writeln!(s, "  ! [{}] {}", d.code, d.message);
    }
    if let Some(f) = &w.solver {
        let _ = writeln!(s, "solver: {:.3} s, {} variables, {} constraints", f.seconds, f.variables, f.constraints);
    }
    s
}

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
    if let (Some(best), false) = (&r.plan, r.alternatives.is_empty()) {
        let _ = writeln!(s, "\nAlternatives (next-best plans, each differing from every better one)");
        for (i, a) in r.alternatives.iter().enumerate() {
            let hotels: Vec<&str> = a.nights.iter().map(|n| n.hotel.as_str()).collect();
            let _ = writeln!(
                s,
                "  {}. objective {:.2}, total {:.2} ({:.2}/pax), quote {:.2}/pax; fleet {}; hotels {}",
                i + 1,
                a.objective.unwrap_or(0.0),
                a.costs.total,
                a.costs.per_pax,
                a.quote.per_pax,
                fleet_text(&a.fleet),
                hotels.join(", ")
            );
            for c in jidiao_solver::compare::plan_changes(best, a) {
                let _ = writeln!(s, "       {}", change_text(&c));
            }
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
        if let Some(f) = &day.fleet {
            let _ = writeln!(s, "  vehicles this day: {}", fleet_text(f));
        }
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

/// A batch: one line per group, the changes, the full or nearly full resources, totals.
fn render_batch(r: &jidiao_solver::batch::result::BatchResult) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "Batch {}: {} ({} groups)", r.job_id, r.status.as_str(), r.groups.len());
    for g in &r.groups {
        match &g.plan {
            Some(p) => {
                let hotels: Vec<&str> = p.nights.iter().map(|n| n.hotel.as_str()).collect();
                let _ = writeln!(
                    s,
                    "  {:<10} {:<10} total {:>12.2}  per pax {:>9.2}  fleet {}  hotels {}",
                    g.group_id,
                    g.status.as_str(),
                    p.costs.total,
                    p.costs.per_pax,
                    fleet_text(&p.fleet),
                    hotels.join(" > ")
                );
            }
            None => {
                let _ = writeln!(s, "  {:<10} {:<10} no plan", g.group_id, g.status.as_str());
            }
        }
        for d in &g.diagnosis {
            let _ = writeln!(s, "      [{}] {}", d.code, d.message);
        }
        for c in &g.changes {
            let _ = writeln!(s, "      change {}", change_text(c));
        }
    }
    let tight: Vec<_> = r.resources.iter().filter(|u| u.used * 10 >= u.capacity * 9).collect();
    if !tight.is_empty() {
        let _ = writeln!(s, "\nShared resources at 90% or more");
        for u in tight {
            let sub = u.room_type.as_deref().or(u.meal.as_deref()).unwrap_or("");
            let _ = writeln!(s, "  {:<10} {:<22} {:<8} {}  {}/{}", u.kind, u.id, sub, u.date, u.used, u.capacity);
        }
    }
    let _ = writeln!(
        s,
        "\nTotals: cost {:.2}  change cost {:.2}  objective {:.2}",
        r.totals.cost, r.totals.change_cost, r.totals.objective
    );
    if let Some(f) = &r.solver {
        let _ = writeln!(s, "Solver: bound {:.2}  gap {:.4}%  {:.2} s", f.bound, f.gap * 100.0, f.seconds);
    }
    s
}
