//! Re-plan: the past stays as confirmed, every event is respected, the whole trip passes
//! the checker against the job with the events applied, the changes are priced, and with
//! no events the confirmed (optimal) plan comes back unchanged at zero change cost.

use jidiao_solver::check::check_plan;
use jidiao_solver::contract::{Event, JobBody, JobResult, Plan, ReplanJob, ReplanResult, Status, StopKind};
use jidiao_solver::parse::parse_job;
use jidiao_solver::replan::events::job_with_events;
use jidiao_solver::{run_document, SolveContext};
use serde_json::{json, Value};

fn root(path: &str) -> String {
    format!("{}/{path}", env!("CARGO_MANIFEST_DIR"))
}

fn load(path: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(root(path)).expect("fixture")).expect("json")
}

fn replan_job(doc: &Value) -> ReplanJob {
    match parse_job(&doc.to_string()).expect("parses").body {
        JobBody::Replan(r) => r,
        _ => unreachable!("a replan job"),
    }
}

fn run(doc: &Value) -> ReplanResult {
    match run_document(&doc.to_string(), &SolveContext::default()) {
        JobResult::Replan(r) => r,
        other => panic!("not a replan result: {other:?}"),
    }
}

/// The yunnan fixture's optimal plan, confirmed, with `now` and no events.
fn confirmed_optimal(now: &str) -> Value {
    let plan_doc = load("fixtures/plan/yunnan-6d-32pax.job.json");
    let result = run_document(&plan_doc.to_string(), &SolveContext::default()).into_plan().expect("plan result");
    assert_eq!(result.status, Status::Optimal);
    let plan = serde_json::to_value(result.plan.expect("a plan")).expect("serialises");
    let mut job = plan_doc.clone();
    for key in ["schema", "kind", "job_id", "options"] {
        job.as_object_mut().expect("object").remove(key);
    }
    json!({
        "schema": "jidiao/v1", "kind": "replan", "job_id": "RP-NO-EVENTS",
        "job": job,
        "confirmed": {"days": plan["days"], "nights": plan["nights"], "fleet": plan["fleet"]},
        "now": now, "events": [],
        "change_costs": {"hotel_room_night": 80, "vehicle": 500}
    })
}

#[test]
fn with_no_events_the_confirmed_optimal_plan_comes_back_unchanged() {
    let plan_doc = load("fixtures/plan/yunnan-6d-32pax.job.json");
    let optimal: Plan =
        run_document(&plan_doc.to_string(), &SolveContext::default()).into_plan().and_then(|r| r.plan).expect("a plan");
    // At the arrival, during a visit, while waiting for lunch, between two stops, in the
    // evening after the hotel, and on the last morning.
    for now in [
        "2026-07-03T10:30",
        "2026-07-03T13:00",
        "2026-07-05T09:00",
        "2026-07-06T11:15",
        "2026-07-07T21:30",
        "2026-07-08T09:00",
    ] {
        let r = run(&confirmed_optimal(now));
        assert_eq!(r.result.status, Status::Optimal, "{now}: {:?}", r.result.diagnosis);
        let plan = r.result.plan.as_ref().expect("a plan");
        assert_eq!(plan, &optimal, "{now}: the confirmed plan comes back unchanged");
        assert!(r.changes.is_empty(), "{now}: {:?}", r.changes);
        assert_eq!(r.change_cost, 0.0, "{now}");
    }
}

/// Everything a re-plan result must satisfy.
fn assert_replan(name: &str, doc: &Value) -> ReplanResult {
    let job = replan_job(doc);
    let r = run(doc);
    assert!(matches!(r.result.status, Status::Optimal | Status::Feasible), "{name}: {:?}", r.result.diagnosis);
    let plan = r.result.plan.as_ref().expect("a plan");
    let conf = &job.confirmed;
    let now = job.now.0;
    let today = now.date();
    let minute = (now - today.and_hms_opt(0, 0, 0).unwrap()).num_minutes() as i32;
    // The past is as confirmed: days and nights before today, and today's finished stops.
    let past = |d: &jidiao_solver::contract::Day| (d.date, d.stops.clone(), d.drive_minutes, d.km);
    for (a, b) in plan.days.iter().zip(&conf.days).filter(|(_, b)| b.date.0 < today) {
        assert_eq!(past(a), past(b), "{name}: day {} is the past", b.date);
    }
    for (a, b) in plan.nights.iter().zip(&conf.nights).filter(|(_, b)| b.date.0 < today) {
        assert_eq!(a, b, "{name}: night {} is the past", b.date);
    }
    let d = plan.days.iter().position(|x| x.date.0 == today).expect("today is a trip day");
    let done =
        conf.days[d].stops.iter().take_while(|s| s.kind == StopKind::Start || s.end.is_some_and(|e| e.0 <= minute));
    for (k, s) in done.enumerate() {
        assert_eq!(&plan.days[d].stops[k], s, "{name}: stop {k} of today was done by now");
    }
    // Every event.
    let delay: i32 =
        job.events.iter().map(|e| if let Event::Delay { minutes } = e { *minutes as i32 } else { 0 }).sum();
    for e in &job.events {
        match e {
            Event::Delay { .. } => {
                let kept = conf.days[d]
                    .stops
                    .iter()
                    .take_while(|s| s.kind == StopKind::Start || s.start.is_some_and(|e| e.0 <= minute))
                    .count();
                let next = &plan.days[d].stops[kept.min(plan.days[d].stops.len() - 1)];
                let at = next.arrive.expect("a timed stop").0;
                assert!(at >= minute + delay, "{name}: the group goes on {delay} min late, not at {at}");
            }
            Event::Closed { attraction, dates } => {
                for day in plan.days.iter().filter(|x| dates.contains(&x.date) && x.date.0 >= today) {
                    assert!(
                        !day.stops.iter().any(|s| s.id.as_ref() == Some(attraction)),
                        "{name}: {attraction} is closed on {}",
                        day.date
                    );
                }
            }
            Event::HotelUnavailable { hotel, nights } => {
                for n in plan.nights.iter().filter(|n| nights.contains(&n.date) && n.date.0 >= today) {
                    assert_ne!(&n.hotel, hotel, "{name}: {hotel} is unavailable on {}", n.date);
                }
            }
            Event::VehicleUnavailable { vehicle, from } => {
                for day in plan.days.iter().filter(|x| x.date.0 >= from.0.max(today)) {
                    let fleet = day.fleet.as_ref().unwrap_or(&plan.fleet);
                    assert!(!fleet.iter().any(|f| &f.vehicle == vehicle), "{name}: {vehicle} drives on {}", day.date);
                }
            }
        }
    }
    // The whole trip keeps every rule of the job with the events applied.
    let violations = check_plan(&job_with_events(&job.job, &job.events), plan);
    assert!(violations.is_empty(), "{name}: {violations:#?}");
    // Changes are priced as the contract says.
    let sum: f64 = r.changes.iter().map(|c| c.cost.expect("every change has a cost")).sum();
    assert!((sum - r.change_cost).abs() < 0.011, "{name}: change_cost {} is not the sum {sum}", r.change_cost);
    for c in r.changes.iter().filter(|c| c.what == "hotel") {
        let night = conf.nights.iter().find(|n| Some(n.date) == c.date).expect("a confirmed night");
        let rooms: u32 = night.rooms.iter().map(|x| x.count).sum();
        assert_eq!(c.cost, Some(job.change_costs.hotel_room_night * rooms as f64), "{name}: {c:?}");
    }
    r
}

#[test]
fn the_day3_disruptions_fixture_keeps_the_past_and_respects_every_event() {
    let doc = load("fixtures/replan/yunnan-day3-disruptions.job.json");
    let r = assert_replan("day 3", &doc);
    let whats: Vec<&str> = r.changes.iter().map(|c| c.what.as_str()).collect();
    assert!(whats.contains(&"hotel") && whats.contains(&"fleet"), "{whats:?}");
    let fleet = r.changes.iter().find(|c| c.what == "fleet").expect("fleet change");
    assert_eq!(fleet.cost, Some(500.0), "one coach dropped");
    let plan = r.result.plan.as_ref().unwrap();
    assert!(plan.days[..2].iter().all(|d| d.fleet.is_some()), "the past days name the coach that drove them");
}

#[test]
fn the_day4_hotel_cancelled_fixture_keeps_the_visit_under_way_and_respects_every_event() {
    let doc = load("fixtures/replan/yunnan-day4-lijiang-hotel-cancelled.job.json");
    let r = assert_replan("day 4", &doc);
    let plan = r.result.plan.as_ref().unwrap();
    // Erhai (08:30-11:00) was under way at 09:00: it is finished, and not visited again.
    let erhai = plan.days.iter().flat_map(|d| &d.stops).filter(|s| s.id.as_deref() == Some("erhai")).count();
    assert_eq!(erhai, 1);
    assert_eq!(plan.days[3].stops[1].id.as_deref(), Some("erhai"));
    assert_eq!(r.changes.iter().filter(|c| c.what == "hotel").count(), 2);
}

#[test]
fn a_disruption_nothing_can_absorb_is_infeasible_with_a_diagnosis() {
    // Erhai, a must-visit, closes the only day the group can still be at the lake.
    let mut doc = load("fixtures/replan/yunnan-day4-lijiang-hotel-cancelled.job.json");
    doc["events"] = json!([{"type": "closed", "attraction": "erhai", "dates": ["2026-07-06"]}]);
    let r = run(&doc);
    assert_eq!(r.result.status, Status::Infeasible);
    assert!(r.result.plan.is_none());
    let codes: Vec<&str> = r.result.diagnosis.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes.first(), Some(&"replan_infeasible"), "{codes:?}");
    assert!(codes.len() >= 2, "the reasons follow: {codes:?}");
}

#[test]
fn a_confirmed_plan_that_does_not_fit_the_job_is_invalid_with_paths() {
    let mut doc = load("fixtures/replan/yunnan-day3-disruptions.job.json");
    doc["confirmed"]["nights"].as_array_mut().unwrap().pop();
    doc["confirmed"]["nights"][0]["hotel"] = json!("no-such-hotel");
    doc["confirmed"]["fleet"][0]["vehicle"] = json!("no-such-coach");
    let result = run_document(&doc.to_string(), &SolveContext::default());
    assert_eq!(result.status(), Status::Invalid);
    let paths: Vec<&str> = result.diagnosis().iter().filter_map(|d| d.path.as_deref()).collect();
    assert_eq!(paths, ["/confirmed/nights", "/confirmed/nights/0/hotel", "/confirmed/fleet/0/vehicle"]);
}
