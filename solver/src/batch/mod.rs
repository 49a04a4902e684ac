//! `batch`: many groups planned together on one catalog, sharing hotel allotments,
//! vehicles, restaurant seats and guides (旺季夜间统筹).
//!
//! Each group is prepared and planned alone in parallel (for its own feasibility,
//! diagnosis and lower bound). Then a decomposition ([`colgen`]): column generation over
//! the groups' plans priced by the master LP's duals, with a Lagrangian lower bound valid
//! for the whole batch, and a choice of one plan per group that fits the shared
//! capacities ([`master`]). A batch small enough then gets the exact joint MILP
//! ([`joint`]) for the gap left, started from those plans. A group that cannot be planned
//! on its own comes back with its own diagnosis; a group the shared inventory cannot take
//! is left unplanned (the models are elastic) and comes back `infeasible`, naming the
//! full resources and the groups that hold them. Pure: no I/O.

pub mod block;
pub mod check;
pub mod colgen;
pub mod day_chain;
pub mod dive;
#[cfg(test)]
mod fixture;
pub mod joint;
pub mod live_master;
pub mod master;
pub mod neighbourhood;
pub mod options;
pub mod priced_rooming;
pub mod pricing;
pub mod recombine;
pub mod resource;
pub mod result;
pub mod ruin;

use crate::contract::{BatchJob, Change, DiagnosisItem, FleetUse, JobKind, Night, Plan, SolverFigures, Status, SCHEMA};
use crate::milp::highs::MilpSettings;
use crate::planner::{prepare, solve_prepared, PlanOutcome, Prepared, SolveContext};
use crate::progress::{Phase, Progress};
use crate::rooming::{terms_on, NightRooming};
use block::{price_columns, GroupChoice, GroupInput};
use check::{group_job, meal_covers, resource_users};
use colgen::{decompose, Budget, Decomposition, KnownOptions};
use joint::solve_joint;
use options::rooming_options;
use pricing::PricingTerms;
use rayon::prelude::*;
use resource::MealKey;
use result::{BatchGroupResult, BatchResult, BatchTotals};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

/// Objective charged for leaving a plannable group unplanned: this plus ten times the
/// size of its own optimum, so the joint model plans as many groups as it can first.
pub const UNPLANNED_PENALTY: f64 = 1e6;

/// Share of the time left after preparation that column generation may take; the rest
/// goes to choosing plans that fit together (integer master, repair, joint MILP).
pub const PRICING_SHARE: f64 = 0.45;

/// [`PRICING_SHARE`] of a batch too large for the joint MILP: the local search and ruin
/// and recreate follow column generation (above [`neighbourhood::NEIGHBOURHOOD`] groups;
/// below, the diving, the integer master and recombination first). At 100 groups in 60 s,
/// 0.55 and 0.6 gave gaps of 2.81% and 2.96% against 2.71% (session 12). At 300 groups in
/// 600 s (session 15, ruin and recreate placing the groups the greedy fit leaves out):
/// 0.45 gave 29 rounds, bound 42.05 M, plan 45.01 M, gap 6.58%; 0.6 32 rounds, 42.24 M,
/// 45.10 M, 6.35%; 0.7 34 rounds, 42.33 M, 45.09 M, 6.12%, each 300/300 within 1.71 GB.
/// (Before ruin and recreate placed them, at 0.7 the choosing phase left 17-19 groups out.)
pub const PRICING_SHARE_ALONE: f64 = 0.7;

/// Share of the time limit the search for rooming options may take (from the start).
pub const OPTIONS_SHARE: f64 = 0.2;

/// Batches whose joint MILP has at most this many route and rooming columns get it, after
/// the decomposition, to close the gap exactly (the joint bound is valid for the batch).
pub const JOINT_MAX_COLUMNS: usize = 60_000;

/// Whether a group's rooming options are searched ([`rooming_options`]) where groups
/// contest its rooms: in a batch that wants them (`wanted`: the joint MILP could run,
/// and its bound needs every option; or the batch is at most
/// [`neighbourhood::NEIGHBOURHOOD`] groups), or when the group has a budget (its pricing
/// is exact only over its options). Otherwise its options are extended at the prices as
/// the decomposition goes ([`priced_rooming`]), which keeps its pricing exact. Measured
/// in 60 s: at 100 groups, searching them all (18,087 cases, 3.3 s with the rooming flow)
/// gave a gap of 9.16%, none 5.72% (the recombination model stays small enough to find
/// plans); at 30 groups the options give recombination the roomings of a better plan
/// (1.69% against 2.28% without).
fn options_needed(wanted: bool, model: &crate::model::TripModel) -> bool {
    wanted || !priced_rooming::priced_exactly(model)
}

/// One group prepared and planned alone.
struct Solo {
    prepared: Option<Prepared>,
    outcome: PlanOutcome,
}

/// Group `g` prepared alone: its model, routes and fleets, or why it cannot be planned.
fn prepare_alone(job: &BatchJob, g: usize, ctx: &SolveContext) -> Result<Prepared, Solo> {
    prepare(&group_job(job, g), ctx).map_err(|item| Solo {
        prepared: None,
        outcome: PlanOutcome {
            status: if item.code == "timeout" { Status::Timeout } else { Status::Invalid },
            plan: None,
            figures: SolverFigures::default(),
            diagnosis: vec![item],
            fleet_bounds: Vec::new(),
        },
    })
}

/// A prepared group planned alone (with its diagnosis when it is infeasible).
fn plan_alone(p: Prepared, ctx: &SolveContext) -> Solo {
    let mut outcome = solve_prepared(&p, ctx, Instant::now());
    if outcome.status == Status::Infeasible {
        outcome.diagnosis = crate::diagnose::infeasible(&p, ctx);
    }
    Solo { prepared: Some(p), outcome }
}

/// The work of planning a prepared group alone, for ordering: its fleets times its routes.
fn solo_size(p: &Prepared) -> usize {
    p.fleets.len().max(1) * p.routes.iter().map(Vec::len).sum::<usize>()
}

/// A case of the rooming options search: (catalog hotel, night, the group's rooming list).
type OptionKey = (usize, chrono::NaiveDate, String);

/// A group with a budget at one hotel and night: its option search's case, the room types
/// sold there, and those the search branches on.
type BudgetCase = (OptionKey, Vec<usize>, Vec<usize>);

/// The rooms the decomposition must not price. A group without a budget has its options
/// extended at the prices before it is priced ([`priced_rooming`]), which makes its
/// pricing exact. A group with a budget is not extended (it could need a cheaper rooming
/// that prices higher to stay within the budget), so its options must already hold every
/// rooming it could take: at each of its hotels and nights, every room type sold is
/// unpriceable unless the option search branched on it and ran to the end (`exact`).
fn unpriceable_rooms(budget_cases: &[BudgetCase], exact: &HashSet<OptionKey>) -> HashSet<resource::Resource> {
    budget_cases
        .iter()
        .flat_map(|(key, sold, branched)| {
            let known = |t: &usize| exact.contains(key) && branched.contains(t);
            sold.iter().filter(move |t| !known(t)).map(move |&t| resource::Resource::Room {
                hotel: key.0,
                room: t,
                date: key.1,
            })
        })
        .collect()
}

/// Runs a validated batch job.
pub fn run(job: &BatchJob, job_id: &str, ctx: &SolveContext) -> BatchResult {
    let started = Instant::now();
    let n = job.groups.len();
    let report = |phase: Phase, done: u64, total: u64| {
        if let Some(sink) = &ctx.progress {
            let p = Progress {
                phase,
                done,
                total,
                columns: 0,
                objective: None,
                bound: None,
                seconds: started.elapsed().as_secs_f64(),
            };
            sink.report(&p);
        }
    };
    let planned_alone = AtomicU64::new(0);
    report(Phase::Groups, 0, n as u64);
    // Prepared in parallel, then planned largest first (the threads take groups in that
    // order), so that no large group is left to run alone at the end of the phase.
    let mut ready: Vec<(usize, Result<Prepared, Solo>)> =
        (0..n).into_par_iter().map(|g| (g, prepare_alone(job, g, ctx))).collect();
    ready.sort_by_key(|(g, p)| (std::cmp::Reverse(p.as_ref().map_or(0, solo_size)), *g));
    let mut planned: Vec<(usize, Solo)> = ready
        .into_iter()
        .par_bridge()
        .map(|(g, p)| {
            let solo = p.map_or_else(|solo| solo, |p| plan_alone(p, ctx));
            report(Phase::Groups, planned_alone.fetch_add(1, Ordering::Relaxed) + 1, n as u64);
            (g, solo)
        })
        .collect();
    planned.sort_by_key(|(g, _)| *g);
    let solos: Vec<Solo> = planned.into_iter().map(|(_, s)| s).collect();
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
        let u = p.model.rooming.units();
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
                        meals.insert(block::meal_key(p, d, restaurant, meal));
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

    // Each group's route columns per fleet and day (with their contested meals).
    let priced: Vec<Vec<Vec<Vec<crate::milp::plan::PricedRoute>>>> = plannable
        .par_iter()
        .map(|&g| prepared(g).fleets.iter().map(|f| price_columns(prepared(g), f, &contested_meals)).collect())
        .collect();
    // The joint MILP could run when its route columns and one rooming per hotel and night
    // fit its limit; only then, in a small batch, or for a group with a budget are rooming
    // options searched ([`options_needed`]).
    let least_joint: usize = plannable
        .iter()
        .zip(&priced)
        .map(|(&g, fleets)| {
            let nights: usize = prepared(g).rooming.iter().flatten().filter(|r| r.is_ok()).count();
            fleets.iter().flatten().map(Vec::len).sum::<usize>() + nights
        })
        .sum();
    let joint_possible = least_joint <= ctx.joint_max_columns;
    let small = plannable.len() <= neighbourhood::NEIGHBOURHOOD;

    // Rooming options per (group, night, hotel option), each distinct case solved once.
    let mut complete = true;
    let complete_options = std::sync::atomic::AtomicBool::new(true);
    let mut cases: BTreeMap<OptionKey, (crate::model::Rooming, Vec<usize>)> = BTreeMap::new();
    let mut budget_cases: Vec<BudgetCase> = Vec::new();
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
                let key = (ho.catalog, date, format!("{:?}", p.model.rooming));
                if !priced_rooming::priced_exactly(&p.model) {
                    let sold = terms_on(hotel, date).iter().map(|t| t.index).collect();
                    budget_cases.push((key.clone(), sold, contested.clone()));
                }
                if contested.is_empty() {
                    continue;
                }
                if !options_needed(joint_possible || small, &p.model) {
                    complete = false;
                    continue;
                }
                cases.entry(key).or_insert_with(|| (p.model.rooming.clone(), contested));
            }
        }
    }
    // The hotels the groups' own plans use come first; the search stops at its share of
    // the time, and a case it did not reach keeps only the cheapest rooming (not exact).
    let used_alone: HashSet<(String, chrono::NaiveDate)> = plannable
        .iter()
        .filter_map(|&g| solos[g].outcome.plan.as_ref())
        .flat_map(|p| p.nights.iter().map(|n| (n.hotel.clone(), n.date.0)))
        .collect();
    let mut cases: Vec<(OptionKey, (crate::model::Rooming, Vec<usize>))> = cases.into_iter().collect();
    cases.sort_by_key(|(k, _)| !used_alone.contains(&(job.catalog.hotels[k.0].id.clone(), k.1)));
    let options_until = started + std::time::Duration::from_secs_f64(ctx.time_limit_s * OPTIONS_SHARE);
    // Cases at one hotel for one rooming list, branching on the same types, whose nights
    // sell on the same terms (rates and allotments) have the same options: each such
    // family is searched once, in the order of its first case.
    type Family = (OptionKey, crate::model::Rooming, Vec<usize>, Vec<OptionKey>);
    let mut families: Vec<Family> = Vec::new();
    let mut family_of: HashMap<(usize, String, String, Vec<usize>), usize> = HashMap::new();
    for (key, (rooming, contested)) in cases {
        let terms = format!("{:?}", terms_on(&job.catalog.hotels[key.0], key.1));
        match family_of.entry((key.0, terms, key.2.clone(), contested.clone())) {
            std::collections::hash_map::Entry::Occupied(e) => families[*e.get()].3.push(key),
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(families.len());
                families.push((key.clone(), rooming, contested, vec![key]));
            }
        }
    }
    type Searched = (Vec<OptionKey>, (Vec<NightRooming>, bool));
    let solved: Vec<Searched> = families
        .into_par_iter()
        .filter_map(|(key, rooming, contested, keys)| {
            if Instant::now() > options_until {
                complete_options.store(false, Ordering::Relaxed);
                return None;
            }
            let r = rooming_options(&job.catalog.hotels[key.0], key.1, &rooming, &contested);
            Some((keys, r))
        })
        .collect();
    complete &= complete_options.load(Ordering::Relaxed);
    let mut option_table: HashMap<OptionKey, block::Options> = HashMap::new();
    let mut exact: HashSet<OptionKey> = HashSet::new();
    for (keys, (opts, done)) in solved {
        complete &= done;
        let opts: block::Options = opts.into();
        for key in keys {
            if done {
                exact.insert(key.clone());
            }
            option_table.insert(key, opts.clone());
        }
    }
    let known = KnownOptions { unpriceable_rooms: unpriceable_rooms(&budget_cases, &exact), complete };

    let terms = PricingTerms { catalog: &job.catalog, contested: &contested_meals, costs: &job.change_costs };
    let mut inputs: Vec<GroupInput<'_>> = plannable
        .par_iter()
        .zip(priced)
        .map(|(&g, priced)| {
            let p = prepared(g);
            let options = (0..p.model.nights())
                .map(|night| {
                    let date = p.model.days[night].date;
                    p.model
                        .hotels
                        .iter()
                        .enumerate()
                        .map(|(h, ho)| {
                            let Ok(best) = &p.rooming[night][h] else { return block::Options::default() };
                            let key = (ho.catalog, date, format!("{:?}", p.model.rooming));
                            option_table.get(&key).cloned().unwrap_or_else(|| vec![best.clone()].into())
                        })
                        .collect()
                })
                .collect();
            GroupInput {
                prepared: p,
                options,
                priced,
                covers: meal_covers(job, g),
                guide: job.groups[g].trip.guide.clone(),
                current: job.groups[g].current.as_ref(),
                unplanned_penalty: UNPLANNED_PENALTY + 10.0 * solos[g].outcome.figures.objective.abs(),
                start: solos[g].outcome.plan.as_ref(),
                // HiGHS's bounds, a cent and a relative hair less (as the own bounds).
                fleet_floors: solos[g].outcome.fleet_bounds.iter().map(|b| b - 1e-9 * b.abs() - 0.01).collect(),
            }
        })
        .collect();
    let starts: Vec<Option<GroupChoice>> = inputs
        .iter()
        .map(|g| g.start.and_then(|plan| g.choice_of_plan(&job.catalog, plan, &contested_meals)))
        .collect();
    // Every group's objective is at least its own optimum's bound (the solo figures are
    // rounded to cents: a cent less each stays valid).
    let own_bounds: Vec<f64> = plannable.iter().map(|&g| solos[g].outcome.figures.bound - 0.01).collect();
    let until = started + std::time::Duration::from_secs_f64((ctx.time_limit_s * 0.97 - 0.05).max(0.1));
    let left = until.saturating_duration_since(Instant::now());
    // A batch small enough for the exact joint MILP leaves it time after the decomposition;
    // a larger one gives column generation most of the time.
    let joint_columns: usize = inputs
        .iter()
        .map(|g| {
            g.priced.iter().flatten().map(Vec::len).sum::<usize>()
                + g.options.iter().flatten().map(|o| o.len()).sum::<usize>()
        })
        .sum();
    let joint_runs = joint_columns <= ctx.joint_max_columns;
    let share = if joint_runs { PRICING_SHARE } else { PRICING_SHARE_ALONE };
    let budget = Budget { pricing_until: Instant::now() + left.mul_f64(share), until, mip_gap: ctx.mip_gap };
    let columns_seen = AtomicU64::new(0);
    let on_round = |round: u64, columns: u64, objective: Option<f64>, bound: Option<f64>| {
        columns_seen.store(columns, Ordering::Relaxed);
        if let Some(sink) = &ctx.progress {
            let phase = if objective.is_some() { Phase::Choosing } else { Phase::Pricing };
            let p = Progress {
                phase,
                done: round,
                total: 0,
                columns,
                objective,
                bound,
                seconds: started.elapsed().as_secs_f64(),
            };
            sink.report(&p);
        }
    };
    let dec = if inputs.is_empty() {
        Decomposition::default()
    } else {
        decompose(terms, &mut inputs, &own_bounds, &starts, &known, budget, &on_round)
    };
    let mut choices = dec.choices.clone();
    let mut objective = dec.objective;
    let mut bound = dec.bound;
    let mut failure = dec.failure.clone();
    let mut variables = dec.columns;
    let mut constraints = 0;
    let gap_of = |objective: f64, bound: f64| objective - bound > ctx.mip_gap * objective.abs() + 1e-6;
    // A batch small enough for the exact joint MILP gets it for the gap left, started from
    // the decomposition's plans; its bound is valid for the whole batch too.
    let left = until.saturating_duration_since(Instant::now()).as_secs_f64();
    if !inputs.is_empty() && gap_of(objective, bound) && joint_runs && left > 0.2 {
        let settings = MilpSettings { offset: 0.0, time_limit_s: left, mip_gap: ctx.mip_gap, presolve: true };
        let answer = solve_joint(&job.catalog, &inputs, &contested_meals, &job.change_costs, &choices, settings);
        variables = answer.variables;
        constraints = answer.constraints;
        if let Some(e) = answer.failure {
            failure.get_or_insert(e);
        }
        if answer.solved && answer.objective < objective - 1e-6 {
            choices = answer.choices;
            objective = answer.objective;
        }
        // Its bound bounds the batch only when it holds every rooming option (otherwise it
        // is a restriction of the batch).
        if known.complete {
            if answer.proven && answer.solved {
                bound = bound.max(answer.bound.min(answer.objective));
            } else if answer.proven {
                bound = f64::INFINITY;
            } else {
                bound = bound.max(answer.bound);
            }
        }
        bound = bound.min(objective);
    }
    on_round(dec.rounds, columns_seen.load(Ordering::Relaxed), Some(objective), Some(bound));
    let penalties: f64 =
        inputs.iter().zip(&choices).filter(|(_, c)| c.is_none()).map(|(i, _)| i.unplanned_penalty).sum();
    let min_penalty = inputs.iter().map(|i| i.unplanned_penalty).fold(f64::INFINITY, f64::min);
    // The number of groups planned is proven the most possible when the gap is below one penalty.
    let planned_most = objective - bound < min_penalty * 0.5;
    let proven = !gap_of(objective - penalties, bound - penalties);
    let solved = inputs.is_empty() || choices.iter().any(Option::is_some) || planned_most;
    // Plans of the planned groups.
    let mut plans: Vec<Option<Plan>> = vec![None; n];
    let mut objectives: Vec<f64> = vec![0.0; n];
    for (i, &g) in plannable.iter().enumerate() {
        let Some(c) = choices.get(i).cloned().flatten() else { continue };
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
            (if proven && complete { Status::Optimal } else { Status::Feasible }, Vec::new())
        } else if !plannable.contains(&g) {
            (solo.status, solo.diagnosis.clone())
        } else if let Some(msg) = failure.clone() {
            (Status::Error, vec![DiagnosisItem::general("solver_failed", msg)])
        } else if !solved {
            let msg = format!(
                "the time limit ({} s) ran out before any plan fitting the shared inventory was found",
                ctx.time_limit_s
            );
            (Status::Timeout, vec![DiagnosisItem::general("timeout", msg)])
        } else if !planned_most {
            unplanned += 1;
            let msg = format!(
                "group {id} was left unplanned when the time limit ({} s) ran out, without proof that the shared inventory cannot take it",
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
    // The bound bounds the penalised objective of the plannable groups; it is reported net
    // of the unplanned groups' penalties, with the change costs of the groups outside.
    let bound = if solved { (bound - penalties + outside_change_cost).min(totals.objective) } else { bound };
    let gap = if !solved {
        1.0
    } else if totals.objective.abs() > 1e-9 {
        ((totals.objective - bound) / totals.objective.abs()).max(0.0)
    } else {
        0.0
    };
    let planned = groups.iter().filter(|g| g.plan.is_some()).count();
    let status = if failure.is_some() {
        Status::Error
    } else if !solved || (planned == 0 && !planned_most && !plannable.is_empty()) {
        Status::Timeout
    } else if planned == 0 && n > 0 {
        if groups.iter().all(|g| g.status == Status::Invalid) {
            Status::Invalid
        } else {
            Status::Infeasible
        }
    } else if proven && complete && unplanned == 0 {
        Status::Optimal
    } else {
        Status::Feasible
    };
    let solver = SolverFigures {
        objective: totals.objective,
        bound: crate::quote::round2(bound),
        gap,
        seconds: started.elapsed().as_secs_f64(),
        variables,
        constraints,
        day_routes: Some(
            plannable.iter().map(|&g| prepared(g).routes.iter().map(Vec::len).sum::<usize>() as u64).sum(),
        ),
        fleets: Some(plannable.iter().map(|&g| prepared(g).fleets.len() as u64).sum()),
        prepare_seconds: None,
    };
    report(Phase::Done, 1, 1);
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

#[cfg(test)]
mod tests {
    use super::{unpriceable_rooms, BudgetCase, OptionKey};
    use crate::batch::resource::Resource;
    use chrono::NaiveDate;
    use std::collections::HashSet;

    #[test]
    fn a_budget_groups_room_is_priceable_only_where_its_search_branched_and_ran_to_the_end() {
        let night = NaiveDate::from_ymd_opt(2026, 7, 1).expect("a date");
        let case = |rooming: &str| -> OptionKey { (3, night, rooming.to_string()) };
        // Hotel 3 sells room types 0, 1 and 2; group a's search branches on 0 and 1,
        // group b's on 0 only.
        let cases: Vec<BudgetCase> = vec![(case("a"), vec![0, 1, 2], vec![0, 1]), (case("b"), vec![0, 1, 2], vec![0])];
        let room = |t: usize| Resource::Room { hotel: 3, room: t, date: night };
        let both: HashSet<OptionKey> = [case("a"), case("b")].into();
        // Type 2 is no case's branch; type 1 is not b's.
        assert_eq!(unpriceable_rooms(&cases, &both), [room(1), room(2)].into());
        // Group b's search was cut short: none of its types are known.
        let only_a: HashSet<OptionKey> = [case("a")].into();
        assert_eq!(unpriceable_rooms(&cases, &only_a), [room(0), room(1), room(2)].into());
        // Groups without a budget leave every room priceable.
        assert!(unpriceable_rooms(&[], &HashSet::new()).is_empty());
    }
}
