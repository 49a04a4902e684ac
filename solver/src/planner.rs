//! The plan pipeline for one group: model -> travel matrix -> rooming per
//! night -> day routes -> one MILP per fleet (in parallel) -> the best plan.

use crate::contract::{DiagnosisItem, Plan, PlanJob, SolverFigures, Status};
use crate::diagnose;
use crate::extract::build_plan;
use crate::fleet::{minimal_fleets, Fleet};
use crate::fleet_chain::{chain_solves, solve_fleet_chain};
use crate::graph::{TravelMatrix, TravelNetwork};
use crate::limits::Limits;
use crate::milp::highs::MilpSettings;
use crate::milp::plan::{fixed_cost, solve_fleet_with, ColumnMask, FleetAnswer, PlanTerms};
use crate::model::{DayEnd, TripModel};
use crate::rooming::{best_rooming, NightRooming, RoomingFailure};
use crate::routes::{day_searches, generate_within, DayRoute};
use rayon::prelude::*;
use std::collections::{BTreeSet, HashMap};
use std::time::Instant;

/// Jobs with more day routes than this get reduced-cost fixing by default (below it the MILP is fast as is).
pub const RC_FIXING_ABOVE_ROUTES: usize = 8_000;
/// Columns per day of the restricted MILP that finds a first plan for reduced-cost fixing.
pub const RESTRICTED_COLUMNS_PER_DAY: usize = 300;

/// Every fleet's answer by its chain, cheapest fixed costs first, each below the best
/// plan so far; `None` when the plan has a budget or plans to exclude, or a chain is too
/// large.
fn chain_answers(p: &Prepared, rooming: &[Vec<Option<NightRooming>>], terms: &PlanTerms) -> Option<FleetAnswers> {
    if (0..p.fleets.len()).any(|f| !chain_solves(&p.model, terms.for_fleet(f))) {
        return None;
    }
    let fixed = |f: usize| fixed_cost(&p.model, &p.fleets[f]) + terms.for_fleet(f).fleet;
    let mut order: Vec<usize> = (0..p.fleets.len()).collect();
    order.sort_by(|&a, &b| fixed(a).total_cmp(&fixed(b)).then(a.cmp(&b)));
    let mut solved: Vec<(usize, FleetAnswer)> = Vec::with_capacity(order.len());
    let mut incumbent = f64::INFINITY;
    for f in order {
        let a = solve_fleet_chain(&p.model, &p.fleets[f], &p.routes, rooming, terms.for_fleet(f), incumbent)?;
        if let Some((_, objective)) = &a.choice {
            incumbent = incumbent.min(*objective);
        }
        solved.push((f, a));
    }
    solved.sort_by_key(|s| s.0);
    Some(FleetAnswers { solved, floors: vec![f64::NEG_INFINITY; p.fleets.len()], pruned_bound: f64::INFINITY })
}

/// The fleets' answers of one plan, and what bounds the fleets not solved.
struct FleetAnswers {
    /// (fleet, its answer) of the fleets solved.
    solved: Vec<(usize, FleetAnswer)>,
    /// Per fleet, a lower bound known before it was solved (its LP's; `-inf` when none).
    floors: Vec<f64>,
    /// The least bound of the fleets skipped (`+inf` when none was).
    pruned_bound: f64,
}

/// Every fleet by its LP relaxation and MILP: the relaxations order the fleets and skip
/// those that cannot beat the best plan found; their reduced costs drop columns that
/// cannot be in a better plan (reduced-cost fixing). Both keep the optimum exact.
fn milp_answers(
    p: &Prepared,
    ctx: &SolveContext,
    started: Instant,
    rooming: &[Vec<Option<NightRooming>>],
    terms: &PlanTerms,
    route_count: usize,
) -> FleetAnswers {
    let settings = |started: Instant| MilpSettings {
        offset: 0.0,
        time_limit_s: (ctx.time_limit_s - started.elapsed().as_secs_f64()).max(0.05),
        mip_gap: ctx.mip_gap,
        presolve: false,
    };
    let large = route_count > ctx.rc_fixing_above_routes;
    let lps: Vec<Option<FleetAnswer>> = if p.fleets.len() > 1 || large {
        let lp = |(i, f): (usize, &Fleet)| {
            solve_fleet_with(&p.model, f, &p.routes, rooming, settings(started), true, None, terms.for_fleet(i))
        };
        if large {
            // One at a time: a large LP's model takes hundreds of MB.
            p.fleets.iter().enumerate().map(|x| Some(lp(x))).collect()
        } else {
            p.fleets.par_iter().enumerate().map(|x| Some(lp(x))).collect()
        }
    } else {
        vec![None]
    };
    let lp_bound = |f: usize| -> f64 {
        lps[f].as_ref().map_or(f64::NEG_INFINITY, |a| a.choice.as_ref().map_or(a.bound, |(_, obj)| *obj))
    };
    let mut order: Vec<usize> = (0..p.fleets.len()).collect();
    order.sort_by(|&a, &b| lp_bound(a).total_cmp(&lp_bound(b)).then(a.cmp(&b)));
    let mut solved: Vec<(usize, FleetAnswer)> = Vec::new();
    let mut incumbent = f64::INFINITY;
    let mut pruned_bound = f64::INFINITY;
    for f in order {
        let lb = lp_bound(f);
        if lb >= incumbent - 1e-6 {
            pruned_bound = pruned_bound.min(lb);
            continue;
        }
        if let Some(lp) = lps[f].as_ref().filter(|a| a.integral && a.choice.is_some()) {
            // The relaxation chose whole routes and hotels: that is this fleet's optimum.
            let a = FleetAnswer { reduced: Vec::new(), bound: lb, proven: true, ..lp.clone() };
            incumbent = incumbent.min(lb);
            solved.push((f, a));
            continue;
        }
        let fleet = &p.fleets[f];
        let reduced = lps[f].as_ref().map(|a| &a.reduced).filter(|r| large && !r.is_empty());
        let mut ceiling = incumbent;
        if let (Some(rc), false) = (reduced, ceiling.is_finite()) {
            // A quick plan from the columns the LP likes best gives the ceiling to fix against.
            let restricted = cheapest_columns(rc, RESTRICTED_COLUMNS_PER_DAY);
            let t = terms.for_fleet(f);
            let a =
                solve_fleet_with(&p.model, fleet, &p.routes, rooming, settings(started), false, Some(&restricted), t);
            if let Some((_, obj)) = &a.choice {
                ceiling = *obj;
            }
        }
        let mask = reduced.filter(|_| ceiling.is_finite()).map(|rc| {
            let slack = ceiling - lb + 1e-6 * ceiling.abs().max(1.0);
            rc.iter().map(|day| day.iter().map(|&r| r <= slack).collect()).collect::<ColumnMask>()
        });
        let t = terms.for_fleet(f);
        let mut a = solve_fleet_with(&p.model, fleet, &p.routes, rooming, settings(started), false, mask.as_ref(), t);
        if mask.is_some() {
            // Every plan outside the mask costs more than the ceiling.
            a.bound = a.bound.min(ceiling);
        }
        if let Some((_, obj)) = &a.choice {
            incumbent = incumbent.min(*obj);
        }
        solved.push((f, a));
    }
    FleetAnswers { solved, floors: (0..p.fleets.len()).map(lp_bound).collect(), pruned_bound }
}

/// The `per_day` columns of each day with the smallest reduced costs.
fn cheapest_columns(reduced: &[Vec<f64>], per_day: usize) -> ColumnMask {
    reduced
        .iter()
        .map(|day| {
            let mut idx: Vec<usize> = (0..day.len()).collect();
            idx.sort_by(|&a, &b| day[a].total_cmp(&day[b]).then(a.cmp(&b)));
            let mut keep = vec![false; day.len()];
            for &k in idx.iter().take(per_day) {
                keep[k] = true;
            }
            keep
        })
        .collect()
}

/// How to solve: the caller's options and the service's limits.
#[derive(Clone, Debug)]
pub struct SolveContext {
    /// Wall-clock limit in seconds.
    pub time_limit_s: f64,
    /// Relative gap accepted as optimal.
    pub mip_gap: f64,
    /// Size limits.
    pub limits: Limits,
    /// Use reduced-cost fixing when a job has more day routes than this.
    pub rc_fixing_above_routes: usize,
    /// Where long solves (batches) report their progress; `None` = nowhere.
    pub progress: Option<crate::progress::ProgressSink>,
    /// Batches whose joint MILP would have at most this many route and rooming columns get
    /// it after the decomposition (0 = decomposition only).
    pub joint_max_columns: usize,
}

impl Default for SolveContext {
    fn default() -> Self {
        SolveContext {
            time_limit_s: 60.0,
            mip_gap: 0.0,
            limits: Limits::default(),
            rc_fixing_above_routes: RC_FIXING_ABOVE_ROUTES,
            progress: None,
            joint_max_columns: crate::batch::JOINT_MAX_COLUMNS,
        }
    }
}

/// The outcome of planning one group.
#[derive(Clone, Debug)]
pub struct PlanOutcome {
    /// optimal, feasible, infeasible, timeout or error.
    pub status: Status,
    /// The plan, when one was found.
    pub plan: Option<Plan>,
    /// Solver figures.
    pub figures: SolverFigures,
    /// Why no plan exists (infeasible) or what failed (error).
    pub diagnosis: Vec<DiagnosisItem>,
    /// Per fleet (by index into the prepared fleets), a proven lower bound on the
    /// objective of any plan with it (`-inf` = unknown, `+inf` = none); empty when the
    /// MILPs were not run. A batch prices a group's fleets from these.
    pub fleet_bounds: Vec<f64>,
}

/// Everything built before the MILP: reusable by diagnosis and alternatives.
pub struct Prepared {
    /// The core model.
    pub model: TripModel,
    /// Travel between the used places.
    pub travel: TravelMatrix,
    /// `rooming[n][h]`: rooming at hotel option h on night n, or why not.
    pub rooming: Vec<Vec<Result<NightRooming, RoomingFailure>>>,
    /// Routes per day.
    pub routes: Vec<Vec<DayRoute>>,
    /// Minimal fleets.
    pub fleets: Vec<Fleet>,
}

impl Prepared {
    /// Rooming per night and hotel, usable ones only.
    pub fn usable_rooming(&self) -> Vec<Vec<Option<NightRooming>>> {
        self.rooming.iter().map(|n| n.iter().map(|r| r.as_ref().ok().cloned()).collect()).collect()
    }
}

/// Builds everything up to the MILP. Errors are diagnosis items (too large).
pub fn prepare(job: &PlanJob, ctx: &SolveContext) -> Result<Prepared, DiagnosisItem> {
    prepare_model(TripModel::build(job), ctx)
}

/// [`prepare`] from a model the caller has adjusted (a re-planned day in progress).
pub fn prepare_model(model: TripModel, ctx: &SolveContext) -> Result<Prepared, DiagnosisItem> {
    prepare_reusing(model, ctx, None)
}

/// [`prepare_model`], taking the travel matrix and the day routes from `base` when the
/// model would build the same ones ([`crate::whatif::reuse`]: a what-if scenario that
/// changes only hotels, vehicles or tickets).
pub fn prepare_reusing(
    model: TripModel,
    ctx: &SolveContext,
    base: Option<&Prepared>,
) -> Result<Prepared, DiagnosisItem> {
    let rooming = match base {
        Some(b) => crate::whatif::reuse::rooming_table(b, &model),
        None => rooming_table(&model),
    };
    if let Some(b) = base.filter(|b| crate::whatif::reuse::routes_carry_over(b, &model, &rooming)) {
        let routes = crate::whatif::reuse::carried_routes(b, &model);
        let fleets = fleets_of(&model, ctx)?;
        return Ok(Prepared { travel: b.travel.clone(), rooming, routes, fleets, model });
    }
    let network = TravelNetwork::build(model.catalog(), &model.places);
    let mut used: BTreeSet<usize> = BTreeSet::new();
    if let Some(p) = model.days[0].start_place {
        used.insert(p);
    }
    for d in &model.days {
        if let DayEnd::Depart(p) = d.end {
            used.insert(p);
        }
    }
    used.extend(model.attractions.iter().map(|a| a.place));
    used.extend(model.restaurants.iter().map(|r| r.place));
    used.extend(model.hotels.iter().map(|h| h.place));
    let used: Vec<usize> = used.into_iter().collect();
    let travel = network.matrix(&used);
    let night_places = night_places(&model, &rooming);
    let searches = day_searches(&model, &night_places);
    let deadline = Instant::now() + std::time::Duration::from_secs_f64(ctx.time_limit_s.clamp(0.0, 1e6));
    let per_search =
        generate_within(&model, &travel, &searches, ctx.limits.max_route_labels, Some(deadline)).map_err(|e| {
            if e.timed_out {
                return DiagnosisItem::general(
                    "timeout",
                    format!("the time limit ({} s) ran out while enumerating the routes of day {}", ctx.time_limit_s, e.day + 1),
                );
            }
            DiagnosisItem::general(
                "too_large",
                format!("day {} has too many possible routes to enumerate (over {} partial routes); list fewer optional attractions or restaurants", e.day + 1, ctx.limits.max_route_labels),
            )
        })?;
    let mut routes: Vec<Vec<DayRoute>> = vec![Vec::new(); model.days.len()];
    for (s, rs) in searches.iter().zip(per_search) {
        routes[s.day].extend(rs);
    }
    let fleets = fleets_of(&model, ctx)?;
    Ok(Prepared { model, travel, rooming, routes, fleets })
}

/// The places of the hotels usable each night.
pub fn night_places(model: &TripModel, rooming: &[Vec<Result<NightRooming, RoomingFailure>>]) -> Vec<Vec<usize>> {
    rooming
        .iter()
        .map(|night| {
            let set: BTreeSet<usize> =
                night.iter().enumerate().filter(|(_, r)| r.is_ok()).map(|(h, _)| model.hotels[h].place).collect();
            set.into_iter().collect()
        })
        .collect()
}

/// Every minimal fleet of the model (`too_large` past the limit).
fn fleets_of(model: &TripModel, ctx: &SolveContext) -> Result<Vec<Fleet>, DiagnosisItem> {
    let fleets = minimal_fleets(&model.vehicles, model.seats, ctx.limits.max_fleets.saturating_add(1));
    if fleets.len() > ctx.limits.max_fleets {
        return Err(DiagnosisItem::general(
            "too_large",
            format!(
                "over {} vehicle combinations seat the group; list fewer vehicle types or set their 'available'",
                ctx.limits.max_fleets
            ),
        ));
    }
    Ok(fleets)
}

/// Rooming of every night at every hotel option, each distinct (hotel, terms) solved once.
fn rooming_table(model: &TripModel) -> Vec<Vec<Result<NightRooming, RoomingFailure>>> {
    let c = model.catalog();
    let cells: Vec<(usize, usize)> =
        (0..model.nights()).flat_map(|n| (0..model.hotels.len()).map(move |h| (n, h))).collect();
    // Nights with the same terms at a hotel have the same rooming: solve each key once.
    let key = |n: usize, h: usize| {
        let hotel = &c.hotels[model.hotels[h].catalog];
        let terms = crate::rooming::terms_on(hotel, model.days[n].date);
        (h, format!("{terms:?}"))
    };
    let mut first: HashMap<(usize, String), usize> = HashMap::new();
    let mut representative = Vec::with_capacity(cells.len());
    for (i, &(n, h)) in cells.iter().enumerate() {
        representative.push(*first.entry(key(n, h)).or_insert(i));
    }
    let distinct: Vec<usize> = (0..cells.len()).filter(|&i| representative[i] == i).collect();
    let solved: HashMap<usize, Result<NightRooming, RoomingFailure>> = distinct
        .par_iter()
        .map(|&i| {
            let (n, h) = cells[i];
            (i, best_rooming(&c.hotels[model.hotels[h].catalog], model.days[n].date, &model.rooming))
        })
        .collect();
    let mut table: Vec<Vec<Result<NightRooming, RoomingFailure>>> = (0..model.nights()).map(|_| Vec::new()).collect();
    for (i, &(n, _)) in cells.iter().enumerate() {
        table[n].push(solved[&representative[i]].clone());
    }
    table
}

/// Plans one group: the cheapest plan that keeps every rule, proven by the solver's bound.
pub fn plan(job: &PlanJob, ctx: &SolveContext) -> PlanOutcome {
    plan_reusing(job, ctx, None).0
}

/// [`plan`], taking from `base` what its preparation shares with this job (see
/// [`prepare_reusing`]); also returns this job's preparation, when there is one.
pub fn plan_reusing(job: &PlanJob, ctx: &SolveContext, base: Option<&Prepared>) -> (PlanOutcome, Option<Prepared>) {
    let started = Instant::now();
    let prepared = match prepare_reusing(TripModel::build(job), ctx, base) {
        Ok(p) => p,
        Err(item) => {
            let outcome = PlanOutcome {
                status: if item.code == "timeout" { Status::Timeout } else { Status::Invalid },
                plan: None,
                figures: SolverFigures::default(),
                diagnosis: vec![item],
                fleet_bounds: Vec::new(),
            };
            return (outcome, None);
        }
    };
    let prepare_seconds = started.elapsed().as_secs_f64();
    let mut outcome = solve_prepared(&prepared, ctx, started);
    outcome.figures.prepare_seconds = Some(prepare_seconds);
    if outcome.status == Status::Infeasible {
        outcome.diagnosis = diagnose::infeasible(&prepared, ctx);
    }
    outcome.figures.seconds = started.elapsed().as_secs_f64();
    (outcome, Some(prepared))
}

/// Solves the MILP of every fleet and keeps the best plan.
pub fn solve_prepared(p: &Prepared, ctx: &SolveContext, started: Instant) -> PlanOutcome {
    solve_prepared_with(p, ctx, started, &PlanTerms::default())
}

/// [`solve_prepared`] with extra MILP terms per fleet (change costs, excluded plans).
pub fn solve_prepared_with(p: &Prepared, ctx: &SolveContext, started: Instant, terms: &PlanTerms) -> PlanOutcome {
    let route_count: usize = p.routes.iter().map(Vec::len).sum();
    let mut figures = SolverFigures {
        day_routes: Some(route_count as u64),
        fleets: Some(p.fleets.len() as u64),
        ..SolverFigures::default()
    };
    let quick_infeasible = p.fleets.is_empty()
        || p.rooming.iter().any(|n| n.iter().all(|r| r.is_err()))
        || p.routes.iter().any(Vec::is_empty);
    if quick_infeasible {
        return PlanOutcome {
            status: Status::Infeasible,
            plan: None,
            figures,
            diagnosis: Vec::new(),
            // No plan with any fleet.
            fleet_bounds: vec![f64::INFINITY; p.fleets.len()],
        };
    }
    let rooming = p.usable_rooming();
    // Without a budget or plans to exclude, every fleet's chain ([`crate::fleet_chain`]):
    // exact and fast; the MILPs only when one is too large.
    let FleetAnswers { solved, floors, pruned_bound } = chain_answers(p, &rooming, terms)
        .unwrap_or_else(|| milp_answers(p, ctx, started, &rooming, terms, route_count));
    let (solved_fleet, answers): (Vec<usize>, Vec<FleetAnswer>) = solved.into_iter().unzip();
    figures.variables = answers.iter().map(|a| a.variables).sum();
    figures.constraints = answers.iter().map(|a| a.constraints).sum();
    if let Some(failure) = answers.iter().find_map(|a| a.failure.clone()) {
        return PlanOutcome {
            status: Status::Error,
            plan: None,
            figures,
            diagnosis: vec![DiagnosisItem::general("solver_failed", failure)],
            fleet_bounds: Vec::new(),
        };
    }
    let best = answers
        .iter()
        .zip(&solved_fleet)
        .filter_map(|(a, &f)| a.choice.as_ref().map(|(c, obj)| (f, c, *obj)))
        .min_by(|a, b| a.2.total_cmp(&b.2).then(a.0.cmp(&b.0)));
    let bound = answers.iter().map(|a| a.bound).fold(pruned_bound, f64::min);
    let mut fleet_bounds = floors;
    for (a, &f) in answers.iter().zip(&solved_fleet) {
        fleet_bounds[f] = fleet_bounds[f].max(a.bound);
    }
    let all_proven = answers.iter().all(|a| a.proven);
    match best {
        None => {
            let status = if all_proven { Status::Infeasible } else { Status::Timeout };
            PlanOutcome { status, plan: None, figures, diagnosis: Vec::new(), fleet_bounds }
        }
        Some((f, choice, objective)) => {
            let plan = build_plan(&p.model, &p.travel, &p.routes, choice, &p.fleets[f], &rooming, objective);
            let bound = bound.min(objective);
            let gap = if objective.abs() > 1e-9 { ((objective - bound) / objective.abs()).max(0.0) } else { 0.0 };
            figures.objective = crate::quote::round2(objective);
            figures.bound = crate::quote::round2(bound);
            figures.gap = gap;
            let status = if all_proven { Status::Optimal } else { Status::Feasible };
            PlanOutcome { status, plan: Some(plan), figures, diagnosis: Vec::new(), fleet_bounds }
        }
    }
}
