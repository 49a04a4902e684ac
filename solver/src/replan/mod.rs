//! Re-planning after a disruption (突发情况调整): what happened before `now` stays as it
//! happened; the rest of the trip is planned again with the events applied, at least cost
//! plus change costs against `confirmed`.
//!
//! The rest is a plan job of its own (the sub-trip): it arrives where the group is at
//! `now` ([`position`]), lists only the attractions not yet visited, and has the events
//! applied to its catalog ([`events`]). Its model is adjusted for a day in progress (what
//! that day drove and which of its meals are still due), its budget is what the past left,
//! and the change costs and the hotel change at its first night are objective terms of its
//! MILPs. Its plan and the past are then stitched into one plan of the whole trip and
//! priced line by line ([`price`]).

pub mod events;
pub mod position;
pub mod price;

use crate::compare::{day_change, fleet_counts, fleet_text, rooms_by_type, rooms_text};
use crate::contract::StopKind;
use crate::contract::{
    Arrive, Change, DateTime, Day, DiagnosisItem, FleetUse, Hotel, JobKind, JobResult, Night, Plan, PlanJob,
    PlanResult, ReplanJob, ReplanResult, SolverFigures, Status, Stop, UnitKind, SCHEMA,
};
use crate::milp::plan::PlanTerms;
use crate::model::{Driven, Rooming, TripModel};
use crate::planner::{self, Prepared, SolveContext};
use crate::quote::{costs, quote, round2};
use crate::rooming::{best_rooming_keeping, price_takes, terms_on, NightRooming, RoomTake};
use crate::routes::RouteStop;
use chrono::{Duration, NaiveDate};
use position::{Position, Resume};
use price::{exact, Pricer};
use std::time::Instant;

/// Runs a validated re-plan job.
pub fn run(r: &ReplanJob, job_id: &str, ctx: &SolveContext) -> JobResult {
    let started = Instant::now();
    let problems = events::validate(r);
    if !problems.is_empty() {
        return crate::result(job_id.to_string(), JobKind::Replan, Status::Invalid, problems).into();
    }
    let job = &r.job;
    let c = &job.catalog;
    let conf_days: Vec<&Day> = r.confirmed.days.iter().collect();
    let mut extra: Vec<&str> = c.restaurants.iter().map(|x| x.place.as_str()).collect();
    extra.extend(c.hotels.iter().map(|h| h.place.as_str()));
    extra.push(&job.trip.arrive.place);
    let pricer = Pricer::new(job, &conf_days, &extra);
    let resume = match position::locate(r, &pricer) {
        Position::Over => return finished(r, job_id, started),
        Position::Resume(x) => x,
    };
    let first_date = job.trip.arrive.at.date() + Duration::days(resume.first as i64);
    let original = TripModel::build(job);
    let rule = &original.days[resume.first];
    if resume.at > rule.end_limit {
        let item = DiagnosisItem::general(
            "replan_too_late",
            format!(
                "the group is ready to go on at {} on {first_date}, after that day's end at {}: nothing of the day can be planned",
                crate::contract::clock::format_minutes(resume.at),
                crate::contract::clock::format_minutes(rule.end_limit)
            ),
        )
        .with_relaxation("a shorter delay, or a later trip.day_end (or departure)");
        return answer(job_id, Status::Infeasible, None, vec![item], Vec::new(), None);
    }
    let sub = sub_job(r, &resume, first_date);
    let mut model = TripModel::build(&sub);
    adjust_first_day(&mut model, &original, &resume, &pricer);
    let past = past_cost(r, &resume, &pricer, &model);
    model.budget_total = model.budget_total.map(|b| b - past);
    let mut prepared = match planner::prepare_model(model, ctx) {
        Ok(p) => p,
        Err(item) => {
            let status = if item.code == "timeout" { Status::Timeout } else { Status::Invalid };
            return answer(job_id, status, None, vec![item], Vec::new(), None);
        }
    };
    keep_confirmed_rooming(r, &resume, &mut prepared);
    let mut terms = change_terms(r, &resume, &prepared);
    prefer_confirmed(r, &resume, &mut prepared, &mut terms);
    let outcome = planner::solve_prepared_with(&prepared, ctx, started, &terms);
    let Some(rest) = outcome.plan else {
        let mut diagnosis = outcome.diagnosis;
        if outcome.status == Status::Infeasible {
            diagnosis = vec![DiagnosisItem::general(
                "replan_infeasible",
                format!(
                    "the rest of the trip, from {} at {first_date} {}, cannot be planned with the events applied; the reasons below count its days from {first_date}",
                    resume.place,
                    crate::contract::clock::format_minutes(resume.at)
                ),
            )];
            diagnosis.extend(crate::diagnose::infeasible(&prepared, ctx));
        }
        let figures = SolverFigures { seconds: started.elapsed().as_secs_f64(), ..outcome.figures };
        return answer(job_id, outcome.status, None, diagnosis, Vec::new(), Some(figures));
    };
    let (plan, changes) = stitch(r, &resume, &rest);
    let change_cost = round2(changes.iter().filter_map(|x| x.cost).sum());
    let mut figures = outcome.figures;
    let objective = plan.objective.unwrap_or(0.0) + change_cost;
    figures.bound = round2(figures.bound + objective - figures.objective);
    figures.objective = round2(objective);
    figures.seconds = started.elapsed().as_secs_f64();
    answer(job_id, outcome.status, Some(plan), Vec::new(), changes, Some(figures))
}

fn answer(
    job_id: &str,
    status: Status,
    plan: Option<Plan>,
    diagnosis: Vec<DiagnosisItem>,
    changes: Vec<Change>,
    solver: Option<SolverFigures>,
) -> JobResult {
    let change_cost = round2(changes.iter().filter_map(|x| x.cost).sum());
    JobResult::Replan(ReplanResult {
        result: PlanResult {
            schema: SCHEMA.to_string(),
            job_id: job_id.to_string(),
            kind: JobKind::Replan,
            status,
            plan,
            alternatives: Vec::new(),
            solver,
            diagnosis,
        },
        changes,
        change_cost,
    })
}

/// The trip is over by `now`: the confirmed plan is what happened.
fn finished(r: &ReplanJob, job_id: &str, started: Instant) -> JobResult {
    let c = &r.confirmed;
    let fleets: Vec<&[FleetUse]> = c.days.iter().map(|_| c.fleet.as_slice()).collect();
    let plan = whole_plan(&r.job, c.days.clone(), c.nights.clone(), c.fleet.clone(), &fleets);
    let figures = SolverFigures {
        objective: plan.objective.unwrap_or(0.0),
        bound: plan.objective.unwrap_or(0.0),
        seconds: started.elapsed().as_secs_f64(),
        ..SolverFigures::default()
    };
    answer(job_id, Status::Optimal, Some(plan), Vec::new(), Vec::new(), Some(figures))
}

/// The rest of the trip as a plan job of its own.
fn sub_job(r: &ReplanJob, resume: &Resume, first_date: NaiveDate) -> PlanJob {
    let job = &r.job;
    let catalog = events::apply(&job.catalog, &r.events, first_date, job.trip.depart.at.date());
    let mut trip = job.trip.clone();
    let midnight = first_date.and_hms_opt(0, 0, 0).expect("midnight");
    trip.arrive = Arrive { place: resume.place.clone(), at: DateTime(midnight + Duration::minutes(resume.at as i64)) };
    trip.must_visit.retain(|a| !resume.done.contains(a));
    trip.optional.retain(|o| !resume.done.contains(&o.attraction));
    PlanJob::new(catalog, job.group.clone(), trip, job.pricing.clone())
}

/// The first re-planned day: what it drove already, and the meals still due — those the
/// day requires, not yet had, and still within reach (a restaurant that serves it can be
/// reached before its window closes).
fn adjust_first_day(model: &mut TripModel, original: &TripModel, resume: &Resume, pricer: &Pricer<'_>) {
    let required = original.days[resume.first].required_meals;
    let c = &model.job.catalog;
    let mut due = 0u8;
    for (k, meal) in model.meals.iter().enumerate() {
        if required & (1 << k) == 0 || resume.meals_had.contains(&meal.name) {
            continue;
        }
        let reachable = model.restaurants.iter().filter(|x| x.serves & (1 << k) != 0).any(|x| {
            let place = &c.restaurants[x.catalog].place;
            pricer.hop(&resume.place, place).is_some_and(|h| resume.at + h.minutes <= meal.close)
        });
        if reachable {
            due |= 1 << k;
        }
    }
    let day = &mut model.days[0];
    day.required_meals = due;
    day.driven = Driven { minutes: resume.driven.minutes, km: resume.driven.km, toll: resume.driven.toll };
}

/// What the kept past costs beyond what the sub-trip's model counts (for its budget): the
/// nights and days before the rest (their vehicles the confirmed fleet), the kept stops of a
/// day in progress, and the guide and per-day fees of the past days.
fn past_cost(r: &ReplanJob, resume: &Resume, pricer: &Pricer<'_>, model: &TripModel) -> f64 {
    let c = &r.confirmed;
    let mut lines = Vec::new();
    for n in &c.nights[..resume.first.min(c.nights.len())] {
        lines.extend(pricer.night_lines(n));
    }
    for day in &c.days[..resume.first] {
        let hop = pricer.driven(day, day.stops.len() - 1);
        lines.extend(pricer.vehicle_lines(day.date.0, &c.fleet, hop.km, hop.toll));
    }
    let kept_today = c.days.get(resume.first).map_or(&[][..], |d| &d.stops[..resume.kept_stops.min(d.stops.len())]);
    let stops = c.days[..resume.first].iter().flat_map(|d| d.stops.iter().map(move |s| (d.date.0, s)));
    let today = c.days.get(resume.first).map(|d| d.date.0);
    for (date, s) in stops.chain(kept_today.iter().map(|s| (today.unwrap_or_default(), s))) {
        match s.kind {
            crate::contract::StopKind::Attraction => {
                lines.extend(pricer.ticket_lines(date, s.id.as_deref().unwrap_or("")))
            }
            crate::contract::StopKind::Meal => lines.extend(pricer.meal_lines(
                date,
                s.restaurant.as_deref().unwrap_or(""),
                s.meal.as_deref().unwrap_or(""),
            )),
            _ => {}
        }
    }
    let sub_days = model.days.len() as f64;
    exact(&lines) + exact(&pricer.trip_lines(c.days.len())) - model.guide_day_fee * sub_days - model.fees_total
}

/// Rooms per room index of a confirmed night at `hotel`.
fn booked(hotel: &Hotel, night: &Night) -> Vec<(usize, u32)> {
    let by_type = rooms_by_type(night);
    hotel.rooms.iter().enumerate().filter_map(|(i, rt)| by_type.get(&rt.kind).map(|&n| (i, n))).collect()
}

/// Rooms of `booked` a rooming no longer uses.
fn dropped(booked: &[(usize, u32)], r: &NightRooming) -> u32 {
    booked.iter().map(|&(i, n)| n.saturating_sub(r.takes.iter().filter(|t| t.room == i).map(|t| t.count).sum())).sum()
}

/// At each night's confirmed hotel, the rooming of least cost plus change cost; the
/// confirmed rooming itself when it is as good (the booking stays as it is).
fn keep_confirmed_rooming(r: &ReplanJob, resume: &Resume, p: &mut Prepared) {
    let per = r.change_costs.hotel_room_night;
    for n in 0..p.model.nights() {
        let Some(conf) = r.confirmed.nights.get(resume.first + n) else { continue };
        let catalog = p.model.catalog();
        let Some(h) = p.model.hotels.iter().position(|o| catalog.hotels[o.catalog].id == conf.hotel) else { continue };
        let Ok(cheapest) = &p.rooming[n][h] else { continue };
        let hotel = &catalog.hotels[p.model.hotels[h].catalog];
        let date = p.model.days[n].date;
        let keep = booked(hotel, conf);
        let best = if per > 0.0 {
            best_rooming_keeping(hotel, date, &p.model.rooming, &keep, per).unwrap_or_else(|_| cheapest.clone())
        } else {
            cheapest.clone()
        };
        let value = best.cost + per * dropped(&keep, &best) as f64;
        let chosen = match confirmed_rooming(hotel, date, conf, &p.model.rooming) {
            Some(c) if c.cost <= value + 1e-9 => c,
            _ => best,
        };
        p.rooming[n][h] = Ok(chosen);
    }
}

/// The confirmed rooming of a night, when it still rooms the group under that night's terms.
fn confirmed_rooming(hotel: &Hotel, date: NaiveDate, night: &Night, rooming: &Rooming) -> Option<NightRooming> {
    let terms = terms_on(hotel, date);
    let mut takes = Vec::new();
    let (mut couples, mut singles, mut males, mut females) = (0, 0, (0, 0), (0, 0));
    let mut families: Vec<(u32, u32)> = Vec::new();
    for r in &night.rooms {
        let room = hotel.rooms.iter().position(|x| x.kind == r.kind)?;
        terms.iter().find(|t| t.index == room)?;
        let rt = &hotel.rooms[room];
        let mut extra_beds = 0;
        match r.unit {
            UnitKind::Couple if rt.couple_ok && rt.sleeps >= 2 => couples += r.count,
            UnitKind::Single => singles += r.count,
            UnitKind::Male => males = (males.0 + r.count, males.1 + r.count * rt.sleeps),
            UnitKind::Female => females = (females.0 + r.count, females.1 + r.count * rt.sleeps),
            UnitKind::Family => {
                let size = r.size?;
                if rt.sleeps < size {
                    if !(rt.extra_bed && rt.sleeps + 1 == size) {
                        return None;
                    }
                    extra_beds = r.count;
                }
                match families.iter_mut().find(|f| f.0 == size) {
                    Some(f) => f.1 += r.count,
                    None => families.push((size, r.count)),
                }
            }
            _ => return None,
        }
        takes.push(RoomTake {
            room,
            unit: r.unit,
            size: (r.unit == UnitKind::Family).then_some(r.size).flatten(),
            count: r.count,
            extra_beds,
        });
    }
    families.sort_unstable();
    let solo_ok = |(rooms, beds): (u32, u32), people: u32| rooms <= people && beds >= people;
    let fits = couples == rooming.couples
        && singles == rooming.singles
        && families == rooming.families
        && solo_ok(males, rooming.males)
        && solo_ok(females, rooming.females)
        && terms
            .iter()
            .all(|t| takes.iter().filter(|x| x.room == t.index).map(|x| x.count).sum::<u32>() <= t.allotment);
    fits.then(|| price_takes(hotel, takes, terms))
}

/// The change costs (and the hotel change at the first re-planned night) as MILP terms.
fn change_terms(r: &ReplanJob, resume: &Resume, p: &Prepared) -> PlanTerms {
    let m = &p.model;
    let c = m.catalog();
    let per = r.change_costs.hotel_room_night;
    let previous = resume.first.checked_sub(1).and_then(|n| r.confirmed.nights.get(n)).map(|n| n.hotel.as_str());
    let hotel_night = (0..m.nights())
        .map(|n| {
            let conf = r.confirmed.nights.get(resume.first + n);
            (0..m.hotels.len())
                .map(|h| {
                    let hotel = &c.hotels[m.hotels[h].catalog];
                    let mut extra = 0.0;
                    if let (Some(conf), Ok(rooming)) = (conf, &p.rooming[n][h]) {
                        let gone = if conf.hotel == hotel.id {
                            dropped(&booked(hotel, conf), rooming)
                        } else {
                            conf.rooms.iter().map(|x| x.count).sum()
                        };
                        extra += per * gone as f64;
                    }
                    if n == 0 && previous.is_some_and(|prev| prev != hotel.id) {
                        extra += m.hotel_change_penalty;
                    }
                    extra
                })
                .collect()
        })
        .collect();
    let booked_fleet = fleet_counts(&r.confirmed.fleet);
    let fleet = p
        .fleets
        .iter()
        .map(|f| {
            let gone: u32 = booked_fleet
                .iter()
                .map(|(id, &n)| {
                    let kept = f
                        .counts
                        .iter()
                        .find(|&&(v, _)| &c.vehicles[m.vehicles[v].catalog].id == id)
                        .map_or(0, |&(_, k)| k);
                    n.saturating_sub(kept)
                })
                .sum();
            r.change_costs.vehicle * gone as f64
        })
        .collect();
    PlanTerms { hotel_night, fleet, exclude: Vec::new() }
}

/// What keeping a confirmed decision is worth when nothing else tells plans apart: a
/// tenth of a cent, so that among plans equally good to the cent the confirmed one stands.
pub const KEEP_TIE_BREAK: f64 = 0.001;

/// Breaks ties for the confirmed plan: its remaining day routes, hotels and fleet get
/// [`KEEP_TIE_BREAK`] off the objective (the whole-trip objective is recomputed exactly).
fn prefer_confirmed(r: &ReplanJob, resume: &Resume, p: &mut Prepared, terms: &mut PlanTerms) {
    let m = &p.model;
    let c = m.catalog();
    for (k, routes) in p.routes.iter_mut().enumerate() {
        let Some(day) = r.confirmed.days.get(resume.first + k) else { continue };
        let from = if k == 0 { resume.kept_stops.max(1) } else { 1 };
        let inner = &day.stops[from.min(day.stops.len() - 1)..day.stops.len() - 1];
        let wanted: Option<Vec<RouteStop>> = inner
            .iter()
            .map(|s| match s.kind {
                StopKind::Attraction => {
                    m.attractions.iter().position(|a| Some(&a.id) == s.id.as_ref()).map(RouteStop::Attraction)
                }
                _ => {
                    let restaurant = m
                        .restaurants
                        .iter()
                        .position(|x| Some(&c.restaurants[x.catalog].id) == s.restaurant.as_ref())?;
                    let meal = m.meals.iter().position(|x| Some(&x.name) == s.meal.as_ref())?;
                    Some(RouteStop::Meal { restaurant, meal })
                }
            })
            .collect();
        let end = day.stops.last().and_then(|s| s.place.as_deref()).and_then(|x| m.place_index(x));
        let start = if k == 0 {
            m.place_index(&resume.place)
        } else {
            day.stops[0].place.as_deref().and_then(|x| m.place_index(x))
        };
        let (Some(wanted), Some(start), Some(end)) = (wanted, start, end) else { continue };
        for route in routes.iter_mut().filter(|x| x.start == start && x.end == end && x.stops == wanted) {
            route.value += KEEP_TIE_BREAK;
        }
    }
    for n in 0..m.nights() {
        let Some(conf) = r.confirmed.nights.get(resume.first + n) else { continue };
        for (h, o) in m.hotels.iter().enumerate() {
            if c.hotels[o.catalog].id == conf.hotel {
                terms.hotel_night[n][h] -= KEEP_TIE_BREAK;
            }
        }
    }
    let booked = fleet_counts(&r.confirmed.fleet);
    for (f, fleet) in p.fleets.iter().enumerate() {
        let counts: std::collections::BTreeMap<String, u32> =
            fleet.counts.iter().map(|&(v, n)| (c.vehicles[m.vehicles[v].catalog].id.clone(), n)).collect();
        if counts == booked {
            terms.fleet[f] -= KEEP_TIE_BREAK;
        }
    }
}

/// The same stops in the same order (times aside).
fn same_stops(a: &[Stop], b: &[Stop]) -> bool {
    let key = |s: &Stop| (s.kind, s.id.clone(), s.meal.clone(), s.restaurant.clone(), s.place.clone(), s.hotel.clone());
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| key(x) == key(y))
}

/// The same hotel and the same rooms (in any order).
fn same_night(a: &Night, b: &Night) -> bool {
    let key = |n: &Night| {
        let mut v: Vec<(String, UnitKind, Option<u32>, u32)> =
            n.rooms.iter().map(|r| (r.kind.clone(), r.unit, r.size, r.count)).collect();
        v.sort();
        (n.hotel.clone(), v)
    };
    key(a) == key(b)
}

/// The whole trip: the kept past, then the re-planned rest; and its changes.
fn stitch(r: &ReplanJob, resume: &Resume, rest: &Plan) -> (Plan, Vec<Change>) {
    let conf = &r.confirmed;
    let first = resume.first;
    let fleet_changed = fleet_counts(&rest.fleet) != fleet_counts(&conf.fleet);
    let mut days: Vec<Day> = conf.days[..first].to_vec();
    for (k, new) in rest.days.iter().enumerate() {
        let d = first + k;
        let mut day = new.clone();
        if k == 0 && resume.kept_stops > 0 {
            let mut stops = conf.days[d].stops[..resume.kept_stops].to_vec();
            stops.extend(new.stops[1..].iter().cloned());
            day = Day {
                date: new.date,
                stops,
                drive_minutes: resume.driven.minutes as u32 + new.drive_minutes,
                km: 0.0,
                fleet: None,
            };
        }
        // The confirmed timetable stands wherever the stops are the confirmed ones.
        if same_stops(&day.stops, &conf.days[d].stops) {
            day = conf.days[d].clone();
        }
        days.push(day);
    }
    if fleet_changed {
        for day in &mut days[..first] {
            day.fleet = Some(conf.fleet.clone());
        }
    }
    let mut nights: Vec<Night> = conf.nights[..first.min(conf.nights.len())].to_vec();
    for (k, new) in rest.nights.iter().enumerate() {
        let n = first + k;
        nights.push(if same_night(new, &conf.nights[n]) { conf.nights[n].clone() } else { new.clone() });
    }
    let fleets: Vec<&[FleetUse]> = days.iter().map(|d| d.fleet.as_deref().unwrap_or(&rest.fleet)).collect();
    let plan = whole_plan(&r.job, days.clone(), nights, rest.fleet.clone(), &fleets);
    let mut changes = Vec::new();
    let per = r.change_costs.hotel_room_night;
    for n in first..plan.nights.len() {
        let (before, after) = (&conf.nights[n], &plan.nights[n]);
        let cost = |dropped: u32| Some(round2(per * dropped as f64));
        if before.hotel != after.hotel {
            let all: u32 = before.rooms.iter().map(|x| x.count).sum();
            changes.push(Change {
                what: "hotel".into(),
                date: Some(after.date),
                from: before.hotel.clone(),
                to: after.hotel.clone(),
                cost: cost(all),
            });
        } else if rooms_by_type(before) != rooms_by_type(after) {
            let used = rooms_by_type(after);
            let gone: u32 =
                rooms_by_type(before).iter().map(|(k, &n)| n.saturating_sub(used.get(k).copied().unwrap_or(0))).sum();
            changes.push(Change {
                what: "rooms".into(),
                date: Some(after.date),
                from: rooms_text(before),
                to: rooms_text(after),
                cost: cost(gone),
            });
        }
    }
    for d in first..plan.days.len() {
        if let Some(mut ch) = day_change(&conf.days[d], &plan.days[d], plan.days[d].date) {
            ch.cost = Some(0.0);
            changes.push(ch);
        }
    }
    if fleet_changed {
        let now = fleet_counts(&rest.fleet);
        let gone: u32 =
            fleet_counts(&conf.fleet).iter().map(|(v, &n)| n.saturating_sub(now.get(v).copied().unwrap_or(0))).sum();
        changes.push(Change {
            what: "fleet".into(),
            date: plan.days.get(first).map(|d| d.date),
            from: fleet_text(&conf.fleet),
            to: fleet_text(&rest.fleet),
            cost: Some(round2(r.change_costs.vehicle * gone as f64)),
        });
    }
    (plan, changes)
}

/// A whole-trip plan from its days, nights and fleets: day totals recomputed hop by hop,
/// extra beds and FOC from the rooms, every line priced, the quote, and the objective.
fn whole_plan(
    job: &PlanJob,
    mut days: Vec<Day>,
    mut nights: Vec<Night>,
    fleet: Vec<FleetUse>,
    fleets: &[&[FleetUse]],
) -> Plan {
    let day_refs: Vec<&Day> = days.iter().collect();
    let pricer = Pricer::new(job, &day_refs, &[]);
    for day in &mut days {
        let hop = pricer.driven(day, day.stops.len() - 1);
        day.drive_minutes = hop.minutes.max(0) as u32;
        day.km = round2(hop.km);
    }
    for night in &mut nights {
        night.extra_beds = price::extra_beds(job, night);
        let rooms = night.rooms.iter().map(|x| x.count).sum();
        night.foc_rooms = price::foc_rooms(job, &night.hotel, rooms);
    }
    let lines = pricer.plan_lines(&days, &nights, fleets);
    let pax = job.group.pax.adult + job.group.pax.child;
    let costs = costs(&lines, pax);
    let quote = quote(&costs, pax, job.pricing.markup_pct.unwrap_or(0.0), job.pricing.round_to.unwrap_or(1.0));
    let t = &job.trip;
    let value: f64 = days
        .iter()
        .flat_map(crate::compare::attractions)
        .map(|a| t.optional.iter().filter(|o| o.attraction == a).map(|o| o.value).sum::<f64>())
        .sum();
    let hotel_changes = nights.windows(2).filter(|w| w[0].hotel != w[1].hotel).count() as f64;
    let drive: u32 = days.iter().map(|d| d.drive_minutes).sum();
    let objective = exact(&lines) - value
        + t.hotel_change_penalty.unwrap_or(0.0) * hotel_changes
        + t.drive_penalty_per_pax_hour.unwrap_or(20.0) * pax as f64 * drive as f64 / 60.0;
    Plan { days, nights, fleet, lines, costs, quote, objective: Some(round2(objective)) }
}
