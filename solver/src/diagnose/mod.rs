//! Why a plan job has no plan, in a 计调's words, and what would fix it.
//!
//! 1. Fast necessary-condition checks ([`checks`]): a rule that cannot hold
//!    whatever the plan does (no fleet seats the group, a must-visit closed on
//!    every date, a night without rooms, a day too short or too far, ...).
//! 2. The elastic plan MILP (`crate::milp::elastic`), on the job with the
//!    relaxations of step 1 that it cannot model applied: the plan that
//!    breaks the rules least, and by how much (rooms beyond allotments,
//!    minutes beyond the drive limit, must-visits left out, days without a
//!    real route).
//! 3. Verification and the budget: every relaxation found is applied to the
//!    job, the budget taken away, and the cheapest plan solved for. When one
//!    exists the relaxations are proven sufficient, and the budget that plan
//!    needs (if above the job's) is the last relaxation.
//!
//! Every item carries a stable code (`docs/diagnosis-codes.md`), a message
//! with ids and numbers, the ids involved and, where known, the relaxation in
//! words (`relaxation`) and as ops (`relax`, see [`RelaxOp`]). When several
//! changes are needed together, a last item `smallest_relaxation` carries all
//! of them.

mod checks;
mod relax;

pub use relax::apply_relaxation;

use crate::contract::{DiagnosisItem, PlanJob, RelaxOp};
use crate::milp::elastic::{elastic_rooming, least_violation, ElasticInput, ElasticRooming};
use crate::model::Minute;
use crate::planner::{prepare, solve_prepared, Prepared, SolveContext};
use crate::rooming::RoomingFailure;
use crate::routes::{day_searches, generate_within, DayRoute};
use rayon::prelude::*;
use std::collections::BTreeSet;
use std::time::{Duration, Instant};

/// Explains an infeasible plan job; never empty.
pub fn infeasible(p: &Prepared, ctx: &SolveContext) -> Vec<DiagnosisItem> {
    let budget_s = ctx.time_limit_s.min(ctx.limits.max_diagnosis_s).clamp(0.5, 1e6);
    let deadline = Instant::now() + Duration::from_secs_f64(budget_s);
    let findings = checks::fast_checks(p);
    let mut out: Vec<DiagnosisItem> = findings.iter().map(|f| f.item.clone()).collect();
    let mut prereq: Vec<RelaxOp> = Vec::new();
    for op in findings.iter().filter(|f| f.prerequisite).flat_map(|f| f.item.relax.iter()) {
        if !prereq.contains(op) {
            prereq.push(op.clone());
        }
    }
    let prereq_complete = findings.iter().filter(|f| f.prerequisite).all(|f| !f.item.relax.is_empty());
    let job = &p.model.job;

    // Step 2: the elastic model.
    let mut ops = prereq.clone();
    let mut elastic_answered = false;
    if prereq_complete {
        let owned = if prereq.is_empty() {
            None
        } else {
            let mut relaxed = job.clone();
            apply_relaxation(&mut relaxed, &prereq).ok().and_then(|_| prepare(&relaxed, &within(ctx, deadline)).ok())
        };
        let base = owned.as_ref().unwrap_or(p);
        if let Some(e) = elastic(base, ctx, deadline) {
            elastic_answered = true;
            for (item, day) in e.items {
                let duplicate = findings.iter().any(|f| {
                    (!item.relax.is_empty() && item.relax.iter().all(|op| f.item.relax.contains(op)))
                        || (day.is_some() && f.day == day && item.relax.is_empty())
                });
                if !duplicate {
                    out.push(item);
                }
            }
            for op in e.ops {
                if !ops.contains(&op) {
                    ops.push(op);
                }
            }
        }
    }
    if !elastic_answered {
        // Without the elastic model, try every relaxation the fast checks found.
        for op in findings.iter().flat_map(|f| f.item.relax.iter()) {
            if !ops.contains(op) {
                ops.push(op.clone());
            }
        }
    }

    // Step 3: verify, and price the budget.
    if Instant::now() < deadline {
        if let Some(cost) = cheapest_cost(p, &ops, ctx, deadline) {
            let mut all = ops.clone();
            if let (Some(budget), true) = (job.trip.budget_per_pax, p.model.pax() > 0) {
                let per_pax = cost / p.model.pax() as f64;
                if per_pax > budget + 1e-9 {
                    let needed = (per_pax * 100.0 - 1e-7).ceil() / 100.0;
                    let op = RelaxOp::SetBudgetPerPax { value: needed };
                    let item = if ops.is_empty() {
                        DiagnosisItem::general(
                            "budget_too_low",
                            format!(
                                "the budget {budget}/pax is below the cheapest plan that keeps every other rule: {per_pax:.2}/pax"
                            ),
                        )
                    } else {
                        DiagnosisItem::general(
                            "budget_too_low",
                            format!(
                                "with the changes above, the cheapest plan costs {per_pax:.2}/pax, above the budget {budget}/pax"
                            ),
                        )
                    };
                    out.push(
                        item.with_relaxation(format!("budget_per_pax >= {needed:.2}")).with_relax(vec![op.clone()]),
                    );
                    all.push(op);
                }
            }
            let carried = out.iter().any(|d| d.relax == all);
            if !all.is_empty() && !carried {
                out.push(
                    DiagnosisItem::general(
                        "smallest_relaxation",
                        format!(
                            "the job has a plan with all of these changes together: {}",
                            all.iter().map(RelaxOp::describe).collect::<Vec<_>>().join("; ")
                        ),
                    )
                    .with_relax(all),
                );
            }
        }
    }
    if out.is_empty() {
        let m = &p.model;
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

/// A solve context that ends at `deadline`.
fn within(ctx: &SolveContext, deadline: Instant) -> SolveContext {
    let left = deadline.saturating_duration_since(Instant::now()).as_secs_f64();
    SolveContext { time_limit_s: left.max(0.05), ..ctx.clone() }
}

/// The cost of the cheapest plan of the job with `ops` applied and no budget.
fn cheapest_cost(p: &Prepared, ops: &[RelaxOp], ctx: &SolveContext, deadline: Instant) -> Option<f64> {
    let mut relaxed = if ops.is_empty() {
        Prepared {
            model: p.model.clone(),
            travel: p.travel.clone(),
            rooming: p.rooming.clone(),
            routes: p.routes.clone(),
            fleets: p.fleets.clone(),
        }
    } else {
        let mut job: PlanJob = p.model.job.clone();
        apply_relaxation(&mut job, ops).ok()?;
        job.trip.budget_per_pax = None;
        prepare(&job, &within(ctx, deadline)).ok()?
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
    let outcome = solve_prepared(&relaxed, &within(ctx, deadline), Instant::now());
    outcome.plan.map(|plan| plan.objective.unwrap_or(plan.costs.total).max(plan.costs.total - 0.005))
}

/// What the elastic model says: items (with the day they are about) and their ops.
struct ElasticFindings {
    items: Vec<(DiagnosisItem, Option<usize>)>,
    ops: Vec<RelaxOp>,
}

fn elastic(p: &Prepared, ctx: &SolveContext, deadline: Instant) -> Option<ElasticFindings> {
    let m = &p.model;
    let c = m.catalog();
    if p.fleets.is_empty() {
        return None;
    }
    // Rooming with allotments as slack, for the hotel nights that cannot take the group.
    let cells: Vec<(usize, usize)> = (0..m.nights()).flat_map(|n| (0..m.hotels.len()).map(move |h| (n, h))).collect();
    let solved: Vec<Option<ElasticRooming>> = cells
        .par_iter()
        .map(|&(n, h)| match &p.rooming[n][h] {
            Ok(_) => Some(ElasticRooming::default()),
            Err(RoomingFailure::Solver(_)) => None,
            Err(_) if Instant::now() >= deadline => None,
            Err(_) => elastic_rooming(&c.hotels[m.hotels[h].catalog], m.days[n].date, &m.rooming),
        })
        .collect();
    let mut rooming: Vec<Vec<Option<ElasticRooming>>> = vec![Vec::with_capacity(m.hotels.len()); m.nights()];
    for (&(n, _), r) in cells.iter().zip(solved) {
        rooming[n].push(r);
    }
    let night_places: Vec<Vec<usize>> = rooming
        .iter()
        .map(|night| {
            let set: BTreeSet<usize> =
                night.iter().enumerate().filter(|(_, r)| r.is_some()).map(|(h, _)| m.hotels[h].place).collect();
            set.into_iter().collect()
        })
        .collect();
    // Routes without the drive limit (so that the overrun can be measured), else with it.
    let drive_limit = m.job.trip.max_drive_minutes.map(|x| x as Minute);
    let half = Instant::now() + deadline.saturating_duration_since(Instant::now()) / 2;
    let generate = |model: &crate::model::TripModel, until: Instant| -> Option<Vec<Vec<DayRoute>>> {
        let searches = day_searches(model, &night_places);
        let per = generate_within(model, &p.travel, &searches, ctx.limits.max_route_labels, Some(until)).ok()?;
        let mut routes: Vec<Vec<DayRoute>> = vec![Vec::new(); model.days.len()];
        for (s, rs) in searches.iter().zip(per) {
            routes[s.day].extend(rs);
        }
        Some(routes)
    };
    let routes = match drive_limit {
        Some(_) => {
            let mut free = m.clone();
            free.job.trip.max_drive_minutes = None;
            generate(&free, half).or_else(|| generate(m, deadline))
        }
        None => generate(m, deadline),
    }?;
    let left = deadline.saturating_duration_since(Instant::now()).as_secs_f64();
    if left <= 0.0 {
        return None;
    }
    let plan = least_violation(&ElasticInput {
        model: m,
        routes: &routes,
        rooming: &rooming,
        drive_limit,
        time_limit_s: left,
    })?;

    let mut items = Vec::new();
    let mut ops = Vec::new();
    let musts: Vec<&str> = m.attractions.iter().filter(|a| a.must).map(|a| a.id.as_str()).collect();
    for &i in &plan.missed {
        let a = &m.attractions[i];
        let op = RelaxOp::DropMustVisit { attraction: a.id.clone() };
        items.push((
            DiagnosisItem::general(
                "must_visit_left_out",
                format!(
                    "the must-visits ({}) do not all fit into the {} trip days with the hours, hotels, meals{} given; the nearest plan leaves out {}",
                    musts.join(", "),
                    m.days.len(),
                    drive_limit.map_or(String::new(), |l| format!(" and {l} drive minutes")),
                    a.id
                ),
            )
            .with_ids([a.id.clone()])
            .with_relax(vec![op.clone()]),
            None,
        ));
        ops.push(op);
    }
    for (n, &h) in plan.hotels.iter().enumerate() {
        let Some(r) = rooming[n].get(h).and_then(Option::as_ref) else { continue };
        if r.short.is_empty() {
            continue;
        }
        let hotel = &c.hotels[m.hotels[h].catalog];
        let date = m.days[n].date;
        let night_ops: Vec<RelaxOp> = r.allotment_ops(hotel, date);
        let what = r
            .short
            .iter()
            .map(|s| format!("{} {} rooms where the allotment is {}", s.needed, hotel.rooms[s.room].kind, s.allotment))
            .collect::<Vec<_>>()
            .join(", and ");
        items.push((
            DiagnosisItem::general(
                "allotment_short",
                format!(
                    "the nearest plan sleeps at {} ({}) on the night of {date} and needs {what} ({} room(s) short)",
                    hotel.id,
                    m.places[m.hotels[h].place],
                    r.extra_rooms()
                ),
            )
            .with_ids([hotel.id.clone()])
            .with_relax(night_ops.clone()),
            Some(n),
        ));
        ops.extend(night_ops);
    }
    if let Some(limit) = drive_limit {
        let most = plan.max_drive();
        if most > limit {
            let days: Vec<String> = plan
                .day_drive
                .iter()
                .enumerate()
                .filter(|(_, &x)| x > limit)
                .map(|(d, x)| format!("{x} minutes on day {} ({})", d + 1, m.days[d].date))
                .collect();
            let op = RelaxOp::SetMaxDriveMinutes { value: most as u32 };
            items.push((
                DiagnosisItem::general(
                    "drive_limit_exceeded",
                    format!(
                        "no plan keeps to trip.max_drive_minutes {limit}; the nearest plan drives {}",
                        days.join(", ")
                    ),
                )
                .with_relax(vec![op.clone()]),
                None,
            ));
            ops.push(op);
        }
    }
    for &(d, s, e) in &plan.virtual_days {
        let rule = &m.days[d];
        items.push((
            DiagnosisItem::general(
                "day_unroutable",
                format!(
                    "day {} ({}) has no route from {} at {} to {} by {} that keeps the opening hours and required meals, whatever else the plan does",
                    d + 1,
                    rule.date,
                    m.places[s],
                    crate::contract::clock::format_minutes(rule.start_time),
                    m.places[e],
                    crate::contract::clock::format_minutes(rule.end_limit)
                ),
            )
            .with_ids([m.places[s].clone(), m.places[e].clone()]),
            Some(d),
        ));
    }
    Some(ElasticFindings { items, ops })
}
