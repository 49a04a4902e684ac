//! `batch`: many groups planned together on one catalog, sharing hotel allotments,
//! vehicles, restaurant seats and guides (旺季夜间统筹).
//!
//! This first version is exact: each group is prepared (and planned alone, for its own
//! feasibility and diagnosis) in parallel, then one joint MILP ([`joint`]) chooses every
//! group's fleet, day routes, hotels and rooming together under the shared capacities,
//! with change costs against `current`. A group that cannot be planned on its own comes
//! back with its own diagnosis; a group the shared inventory cannot take is left unplanned
//! (the MILP is elastic) and comes back `infeasible`, naming the full resources and the
//! groups that hold them. Pure: no I/O.

pub mod check;
pub mod joint;
pub mod options;
pub mod result;

use crate::contract::{BatchJob, Change, DiagnosisItem, FleetUse, JobKind, Night, Plan, SolverFigures, Status, SCHEMA};
use crate::milp::highs::MilpSettings;
use crate::planner::{prepare, solve_prepared, PlanOutcome, Prepared, SolveContext};
use crate::rooming::{terms_on, NightRooming};
use check::{group_job, meal_covers, resource_users};
use joint::{solve_joint, GroupInput, MealKey};
use options::rooming_options;
use rayon::prelude::*;
use result::{BatchGroupResult, BatchResult, BatchTotals};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::Instant;

/// Objective charged for leaving a plannable group unplanned: this plus ten times the
/// size of its own optimum, so the joint model plans as many groups as it can first.
pub const UNPLANNED_PENALTY: f64 = 1e6;

/// One group prepared and planned alone.
struct Solo {
    prepared: Option<Prepared>,
    outcome: PlanOutcome,
}

fn plan_alone(job: &BatchJob, g: usize, ctx: &SolveContext) -> Solo {
    let started = Instant::now();
    let pj = group_job(job, g);
    match prepare(&pj, ctx) {
        Ok(p) => {
            let mut outcome = solve_prepared(&p, ctx, started);
            if outcome.status == Status::Infeasible {
                outcome.diagnosis = crate::diagnose::infeasible(&p, ctx);
            }
            Solo { prepared: Some(p), outcome }
        }
        Err(item) => Solo {
            prepared: None,
            outcome: PlanOutcome {
                status: if item.code == "timeout" { Status::Timeout } else { Status::Invalid },
                plan: None,
                figures: SolverFigures::default(),
                diagnosis: vec![item],
            },
        },
    }
}

fn units(r: &crate::model::Rooming) -> u32 {
    r.couples + r.males + r.females + r.singles + r.families.iter().map(|f| f.1).sum::<u32>()
}

/// Runs a validated batch job.
pub fn run(job: &BatchJob, job_id: &str, ctx: &SolveContext) -> BatchResult {
    let started = Instant::now();
    let n = job.groups.len();
    let solos: Vec<Solo> = (0..n).into_par_iter().map(|g| plan_alone(job, g, ctx)).collect();
    let plannable: Vec<usize> = (0..n)
        .filter(|&g| {
            matches!(solos[g].outcome.status, Status::Optimal | Status::Feasible) && solos[g].prepared.is_some()
        })
        .collect();
    let prepared = |g: usize| solos[g].prepared.as_ref().expect("plannable groups are prepared");

    // Room types that the plannable groups together could overrun (each unit takes at most
    // one room), and restaurant meals likewise: only these need options or finer columns.
    let mut room_demand: HashMap<(usize, usize, chrono::NaiveDate), u32> = HashMap::new();
    let mut meal_demand: HashMap<MealKey, u32> = HashMap::new();
    for &g in &plannable {
        let p = prepared(g);
        let u = units(&p.model.rooming);
        for night in 0..p.model.nights() {
            let date = p.model.days[night].date;
            for h in &p.model.hotels {
                for t in terms_on(&job.catalog.hotels[h.catalog], date) {
                    *room_demand.entry((h.catalog, t.index, date)).or_default() += u.min(t.allotment);
                }
            }
        }
        let mut meals: HashSet<MealKey> = HashSet::new();
        for (d, day) in p.routes.iter().enumerate() {
            for r in day {
                for s in &r.stops {
                    if let crate::routes::RouteStop::Meal { restaurant, meal } = *s {
                        meals.insert(joint::meal_key(p, d, restaurant, meal));
                    }
                }
            }
        }
        for m in meals {
            *meal_demand.entry(m).or_default() += meal_covers(job, g);
        }
    }
    let contested_meals: HashSet<MealKey> = meal_demand
        .into_iter()
        .filter(|(k, d)| job.catalog.restaurants[k.0].seats.is_some_and(|s| *d > s))
        .map(|(k, _)| k)
        .collect();

    // Rooming options per (group, night, hotel option), each distinct case solved once.
    let mut complete = true;
    type OptionKey = (usize, chrono::NaiveDate, String);
    let mut cases: BTreeMap<OptionKey, (crate::model::Rooming, Vec<usize>)> = BTreeMap::new();
    for &g in &plannable {
        let p = prepared(g);
        for night in 0..p.model.nights() {
            let date = p.model.days[night].date;
            for (h, ho) in p.model.hotels.iter().enumerate() {
                if p.rooming[night][h].is_err() {
                    continue;
                }
                let hotel = &job.catalog.hotels[ho.catalog];
                let contested: Vec<usize> = terms_on(hotel, date)
                    .iter()
                    .filter(|t| room_demand.get(&(ho.catalog, t.index, date)).is_some_and(|&d| d > t.allotment))
                    .map(|t| t.index)
                    .collect();
                if !contested.is_empty() {
                    let key = (ho.catalog, date, format!("{:?}", p.model.rooming));
                    cases.entry(key).or_insert_with(|| (p.model.rooming.clone(), contested));
                }
            }
        }
    }
    let solved: Vec<(OptionKey, (Vec<NightRooming>, bool))> = cases
        .into_par_iter()
        .map(|(key, (rooming, contested))| {
            let r = rooming_options(&job.catalog.hotels[key.0], key.1, &rooming, &contested);
            (key, r)
        })
        .collect();
    let mut option_table: HashMap<OptionKey, Vec<NightRooming>> = HashMap::new();
    for (key, (opts, done)) in solved {
        complete &= done;
        option_table.insert(key, opts);
    }

    // Start from the groups' own plans, taken in job order while they fit together.
    let mut starts: Vec<Option<&Plan>> = vec![None; n];
    for &g in &plannable {
        starts[g] = solos[g].outcome.plan.as_ref();
        if resource_users(job, &starts).iter().any(|(u, _)| u.used > u.capacity) {
            starts[g] = None;
        }
    }
    let inputs: Vec<GroupInput<'_>> = plannable
        .iter()
        .map(|&g| {
            let p = prepared(g);
            let options = (0..p.model.nights())
                .map(|night| {
                    let date = p.model.days[night].date;
                    p.model
                        .hotels
                        .iter()
                        .enumerate()
                        .map(|(h, ho)| {
                            let Ok(best) = &p.rooming[night][h] else { return Vec::new() };
                            let key = (ho.catalog, date, format!("{:?}", p.model.rooming));
                            option_table.get(&key).cloned().unwrap_or_else(|| vec![best.clone()])
                        })
                        .collect()
                })
                .collect();
            GroupInput {
                prepared: p,
                options,
                covers: meal_covers(job, g),
                guide: job.groups[g].trip.guide.clone(),
                current: job.groups[g].current.as_ref(),
                unplanned_penalty: UNPLANNED_PENALTY + 10.0 * solos[g].outcome.figures.objective.abs(),
                // Not as a cut: on the Yunnan batch it kept HiGHS from finding plans for
                // two of three groups in 60 s (all three without it). It enters the
                // reported bound instead (below).
                lower_bound: None,
                start: starts[g],
            }
        })
        .collect();
    let settings = MilpSettings {
        offset: 0.0,
        time_limit_s: (ctx.time_limit_s - started.elapsed().as_secs_f64()).max(0.5),
        mip_gap: ctx.mip_gap,
        presolve: true,
    };
    let answer = if inputs.is_empty() {
        joint::JointAnswer { solved: true, proven: true, ..joint::JointAnswer::default() }
    } else {
        solve_joint(&job.catalog, &inputs, &contested_meals, &job.change_costs, settings)
    };

    // Plans of the planned groups.
    let mut plans: Vec<Option<Plan>> = vec![None; n];
    let mut objectives: Vec<f64> = vec![0.0; n];
    for (i, &g) in plannable.iter().enumerate() {
        let Some(c) = answer.choices.get(i).cloned().flatten() else { continue };
        let p = prepared(g);
        let mut rooming = p.usable_rooming();
        for (night, (&h, &o)) in c.choice.hotels.iter().zip(&c.options).enumerate() {
            rooming[night][h] = Some(inputs[i].options[night][h][o].clone());
        }
        let plan = crate::extract::build_plan(
            &p.model,
            &p.travel,
            &p.routes,
            &c.choice,
            &p.fleets[c.fleet],
            &rooming,
            c.objective,
        );
        objectives[g] = c.objective;
        plans[g] = Some(plan);
    }
    let plan_refs: Vec<Option<&Plan>> = plans.iter().map(Option::as_ref).collect();
    let users = resource_users(job, &plan_refs);

    let mut groups: Vec<BatchGroupResult> = Vec::with_capacity(n);
    let mut totals = BatchTotals::default();
    let mut unplanned = 0usize;
    let mut outside_change_cost = 0.0;
    for g in 0..n {
        let id = job.groups[g].group_id.clone();
        let solo = &solos[g].outcome;
        let plan = plans[g].take();
        let (status, diagnosis) = if plan.is_some() {
            (if answer.proven && complete { Status::Optimal } else { Status::Feasible }, Vec::new())
        } else if !plannable.contains(&g) {
            (solo.status, solo.diagnosis.clone())
        } else if answer.failure.is_some() {
            let msg = answer.failure.clone().unwrap_or_default();
            (Status::Error, vec![DiagnosisItem::general("solver_failed", msg)])
        } else if !answer.solved {
            let msg = format!("the time limit ({} s) ran out before the joint model found a plan", ctx.time_limit_s);
            (Status::Timeout, vec![DiagnosisItem::general("timeout", msg)])
        } else if !answer.proven {
            unplanned += 1;
            let msg = format!(
                "the joint model left group {id} unplanned when the time limit ({} s) ran out, without proof that the shared inventory cannot take it",
                ctx.time_limit_s
            );
            (Status::Timeout, vec![DiagnosisItem::general("timeout", msg)])
        } else {
            unplanned += 1;
            (Status::Infeasible, vec![shortage(job, g, prepared(g), &users)])
        };
        let changes = job.groups[g].current.as_ref().map(|cur| changes(job, cur, plan.as_ref())).unwrap_or_default();
        let change_cost: f64 = changes.iter().filter_map(|c| c.cost).sum();
        if let Some(p) = &plan {
            totals.cost += p.costs.total;
            totals.objective += objectives[g];
        }
        // Every group's change costs count; those of groups outside the joint model (not
        // plannable alone) are constants it does not see.
        totals.change_cost += change_cost;
        if !plannable.contains(&g) {
            outside_change_cost += change_cost;
        }
        groups.push(BatchGroupResult { group_id: id, status, plan, diagnosis, changes });
    }
    totals.cost = crate::quote::round2(totals.cost);
    totals.change_cost = crate::quote::round2(totals.change_cost);
    totals.objective = crate::quote::round2(totals.objective + totals.change_cost);
    let penalties: f64 =
        inputs.iter().zip(&answer.choices).filter(|(_, c)| c.is_none()).map(|(i, _)| i.unplanned_penalty).sum();
    // With every group planned, the MILP bound bounds the batch objective; with some left
    // out it bounds the penalised objective, and is reported net of their penalties.
    // Every group's objective is at least its own optimum's bound and change costs are not
    // negative, so with every plannable group planned their sum is a bound too (the solo
    // figures are rounded to cents: a cent less each stays valid).
    let own_bounds: f64 = plannable.iter().map(|&g| solos[g].outcome.figures.bound - 0.01).sum();
    let bound = if answer.solved {
        let milp = answer.bound - penalties + outside_change_cost;
        let own = if unplanned == 0 { own_bounds + outside_change_cost } else { f64::NEG_INFINITY };
        milp.max(own).min(totals.objective)
    } else {
        answer.bound
    };
    let gap = if !answer.solved {
        1.0
    } else if totals.objective.abs() > 1e-9 {
        ((totals.objective - bound) / totals.objective.abs()).max(0.0)
    } else {
        0.0
    };
    let planned = groups.iter().filter(|g| g.plan.is_some()).count();
    let status = if answer.failure.is_some() {
        Status::Error
    } else if !answer.solved || (planned == 0 && !answer.proven && !plannable.is_empty()) {
        Status::Timeout
    } else if planned == 0 && n > 0 {
        if groups.iter().all(|g| g.status == Status::Invalid) {
            Status::Invalid
        } else {
            Status::Infeasible
        }
    } else if answer.proven && complete && unplanned == 0 {
        Status::Optimal
    } else {
        Status::Feasible
    };
    let solver = SolverFigures {
        objective: totals.objective,
        bound: crate::quote::round2(bound),
        gap,
        seconds: started.elapsed().as_secs_f64(),
        variables: answer.variables,
        constraints: answer.constraints,
        day_routes: Some(
            plannable.iter().map(|&g| prepared(g).routes.iter().map(Vec::len).sum::<usize>() as u64).sum(),
        ),
        fleets: Some(plannable.iter().map(|&g| prepared(g).fleets.len() as u64).sum()),
        prepare_seconds: None,
    };
    BatchResult {
        schema: SCHEMA.to_string(),
        job_id: job_id.to_string(),
        kind: JobKind::Batch,
        status,
        groups,
        resources: users.into_iter().map(|(r, _)| r).collect(),
        totals,
        solver: Some(solver),
        diagnosis: Vec::new(),
    }
}

/// Why a group that can be planned alone was left out: the shared resources it could use
/// that the planned groups fill to capacity on its dates, and who holds them.
fn shortage(job: &BatchJob, g: usize, p: &Prepared, users: &[(result::ResourceUse, Vec<usize>)]) -> DiagnosisItem {
    let model = &p.model;
    let dates: Vec<chrono::NaiveDate> = model.days.iter().map(|d| d.date).collect();
    let hotels: HashSet<&str> = model.hotels.iter().map(|h| job.catalog.hotels[h.catalog].id.as_str()).collect();
    let vehicles: HashSet<&str> = model.vehicles.iter().map(|v| job.catalog.vehicles[v.catalog].id.as_str()).collect();
    let restaurants: HashSet<&str> =
        model.restaurants.iter().map(|r| job.catalog.restaurants[r.catalog].id.as_str()).collect();
    let guide = job.groups[g].trip.guide.as_deref();
    let mut full: Vec<String> = Vec::new();
    let mut ids: Vec<String> = Vec::new();
    for (u, holders) in users {
        if u.used < u.capacity || !dates.contains(&u.date.0) {
            continue;
        }
        let relevant = match u.kind.as_str() {
            "hotel_room" => hotels.contains(u.id.as_str()) && u.date.0 < dates[dates.len() - 1],
            "vehicle" => vehicles.contains(u.id.as_str()),
            "restaurant" => restaurants.contains(u.id.as_str()),
            "guide" => guide == Some(u.id.as_str()),
            _ => false,
        };
        if !relevant {
            continue;
        }
        let by: Vec<&str> = holders.iter().map(|&h| job.groups[h].group_id.as_str()).collect();
        let what = match (&u.room_type, &u.meal) {
            (Some(t), _) => format!("{} {} rooms", u.id, t),
            (_, Some(m)) => format!("{} {} seats", u.id, m),
            _ => format!("{} {}", u.kind.replace('_', " "), u.id),
        };
        full.push(format!("{what} on {} ({}/{} used by {})", u.date, u.used, u.capacity, by.join(", ")));
        if !ids.contains(&u.id) {
            ids.push(u.id.clone());
        }
        for b in by {
            if !ids.iter().any(|i| i == b) {
                ids.push(b.to_string());
            }
        }
    }
    let message = if full.is_empty() {
        format!(
            "group {} can be planned alone but not together with the others within the shared inventory",
            job.groups[g].group_id
        )
    } else {
        format!(
            "group {} can be planned alone, but the shared inventory it needs is taken: {}",
            job.groups[g].group_id,
            full.join("; ")
        )
    };
    DiagnosisItem::general("shared_inventory", message).with_ids(ids)
}

fn rooms_text(night: &Night) -> String {
    let mut by: BTreeMap<&str, u32> = BTreeMap::new();
    for r in &night.rooms {
        *by.entry(r.kind.as_str()).or_default() += r.count;
    }
    by.iter().map(|(k, n)| format!("{k} x {n}")).collect::<Vec<_>>().join(", ")
}

fn fleet_text(fleet: &[FleetUse]) -> String {
    let mut by: BTreeMap<&str, u32> = BTreeMap::new();
    for f in fleet {
        *by.entry(f.vehicle.as_str()).or_default() += f.count;
    }
    by.iter().map(|(k, n)| format!("{k} x {n}")).collect::<Vec<_>>().join(", ")
}

/// What a plan (or no plan) changes against a group's current booking, with the change
/// costs: each booked room-night no longer used at the same hotel and type, each booked
/// vehicle dropped.
pub fn changes(job: &BatchJob, cur: &crate::contract::Booked, plan: Option<&Plan>) -> Vec<Change> {
    let costs = &job.change_costs;
    let mut out = Vec::new();
    for night in &cur.nights {
        let new = plan.and_then(|p| p.nights.iter().find(|x| x.date == night.date));
        let mut dropped = 0u32;
        let mut booked: BTreeMap<&str, u32> = BTreeMap::new();
        for r in &night.rooms {
            *booked.entry(r.kind.as_str()).or_default() += r.count;
        }
        for (kind, b) in booked {
            let used: u32 = new
                .filter(|x| x.hotel == night.hotel)
                .map_or(0, |x| x.rooms.iter().filter(|r| r.kind == kind).map(|r| r.count).sum());
            dropped += b.saturating_sub(used);
        }
        let cost = crate::quote::round2(dropped as f64 * costs.hotel_room_night);
        let (what, from, to) = match new {
            None => ("hotel", night.hotel.clone(), String::new()),
            Some(x) if x.hotel != night.hotel => ("hotel", night.hotel.clone(), x.hotel.clone()),
            Some(x) => ("rooms", rooms_text(night), rooms_text(x)),
        };
        if from != to {
            out.push(Change { what: what.into(), date: Some(night.date), from, to, cost: Some(cost) });
        }
    }
    let new_fleet = plan.map(|p| p.fleet.clone()).unwrap_or_default();
    let (from, to) = (fleet_text(&cur.fleet), fleet_text(&new_fleet));
    if from != to {
        let mut dropped = 0u32;
        for f in &cur.fleet {
            let kept: u32 = new_fleet.iter().filter(|x| x.vehicle == f.vehicle).map(|x| x.count).sum();
            dropped += f.count.saturating_sub(kept);
        }
        let date = plan.and_then(|p| p.days.first()).map(|d| d.date);
        let cost = crate::quote::round2(dropped as f64 * costs.vehicle);
        out.push(Change { what: "fleet".into(), date, from, to, cost: Some(cost) });
    }
    out
}
