//! The batch generator (`jidiao gen --groups N`): every batch it makes parses and validates,
//! the same seed gives the same batch, the `current` bookings are complete roomings that fit
//! the shared inventory together, every group can be planned alone, the groups planned alone
//! overrun some shared capacity (they compete), and the reserve inventory alone plans every
//! group at once within every capacity (so the batch is feasible). No timed assertions.

use jidiao_solver::batch::check::{group_job, resource_users};
use jidiao_solver::check::check_plan;
use jidiao_solver::contract::{BatchJob, Date, Day, JobBody, JobKind, Plan, Status};
use jidiao_solver::generate_batch::{city_of, generate_batch, is_reserve, BatchGenSize, RESERVE_VEHICLE};
use jidiao_solver::parse::parse_job;
use jidiao_solver::validate::validate_job;
use jidiao_solver::{run_job, Limits, SolveContext};
use serde_json::{json, Value};
use std::collections::BTreeSet;

fn parsed(batch: &Value) -> BatchJob {
    let job = parse_job(&batch.to_string()).unwrap_or_else(|e| panic!("the batch parses: {:?}", e.problems));
    assert_eq!(job.kind, JobKind::Batch);
    match job.body {
        JobBody::Batch(b) => b,
        _ => unreachable!("a batch job"),
    }
}

/// Group `g`'s own `plan` job as JSON.
fn own_job(b: &BatchJob, g: usize) -> Value {
    let mut v = serde_json::to_value(group_job(b, g)).expect("serialises");
    v["schema"] = json!("jidiao/v1");
    v["kind"] = json!("plan");
    v["job_id"] = json!(format!("OWN-{g}"));
    v["options"] = json!({"time_limit_s": 120, "mip_gap": 0.0});
    v
}

/// The towns a group tours: those of its arrival, departure and listed attractions.
fn towns(v: &Value) -> BTreeSet<String> {
    let t = &v["trip"];
    let mut out = BTreeSet::new();
    for p in [&t["arrive"]["place"], &t["depart"]["place"]] {
        out.insert(city_of(p.as_str().unwrap()).to_string());
    }
    for a in t["must_visit"].as_array().unwrap() {
        out.insert(city_of(a.as_str().unwrap()).to_string());
    }
    for o in t["optional"].as_array().unwrap() {
        out.insert(city_of(o["attraction"].as_str().unwrap()).to_string());
    }
    out
}

/// `own` with only the reserve inventory of the towns it tours.
fn on_reserve(own: &Value) -> Value {
    let mut v = own.clone();
    let here = towns(own);
    let c = &mut v["catalog"];
    let keep = |x: &Value| {
        let id = x["id"].as_str().unwrap();
        is_reserve(id) && here.contains(city_of(id))
    };
    let hotels: Vec<Value> = c["hotels"].as_array().unwrap().iter().filter(|h| keep(h)).cloned().collect();
    let restaurants: Vec<Value> = c["restaurants"].as_array().unwrap().iter().filter(|r| keep(r)).cloned().collect();
    let vehicles: Vec<Value> =
        c["vehicles"].as_array().unwrap().iter().filter(|x| x["id"] == RESERVE_VEHICLE).cloned().collect();
    c["hotels"] = json!(hotels);
    c["restaurants"] = json!(restaurants);
    c["vehicles"] = json!(vehicles);
    v
}

/// Solves group `g` of `b` (or the job `make` builds from its own job) alone and checks the
/// plan against the group's own job.
fn plan_alone(b: &BatchJob, g: usize, make: &dyn Fn(&Value) -> Value) -> Plan {
    let own = own_job(b, g);
    let r = run_job(&make(&own).to_string(), &SolveContext::default());
    assert!(
        matches!(r.status, Status::Optimal | Status::Feasible),
        "group {}: {} {:?}",
        b.groups[g].group_id,
        r.status.as_str(),
        r.diagnosis
    );
    let plan = r.plan.expect("a planned group has a plan");
    let v = check_plan(&group_job(b, g), &plan);
    assert!(v.is_empty(), "group {}: {v:?}", b.groups[g].group_id);
    plan
}

fn sizes() -> Vec<BatchGenSize> {
    let s = BatchGenSize::standard;
    vec![
        s(1),
        s(3),
        s(10),
        s(30),
        s(100),
        BatchGenSize { nights: 2, cities: 2, attractions: 6, hotels: 4, vehicle_types: 1, ..s(5) },
        BatchGenSize {
            nights: 14,
            cities: 8,
            attractions: 90,
            hotels: 120,
            vehicle_types: 50,
            tight: 0.05,
            current_share: 1.0,
            ..s(40)
        },
        BatchGenSize { nights: 4, restaurants_per_city: 1, tight: 4.0, current_share: 0.0, ..s(12) },
    ]
}

#[test]
fn generated_batches_parse_and_validate() {
    for size in sizes() {
        for seed in 1..=4 {
            let batch = generate_batch(&size, seed);
            let b = parsed(&batch);
            let job = parse_job(&batch.to_string()).unwrap();
            let problems = validate_job(&job, &Limits::default());
            assert!(problems.is_empty(), "{size:?} seed {seed}: {problems:?}");
            assert_eq!(b.groups.len(), size.groups as usize);
            for g in &b.groups {
                let days = (g.trip.depart.at.date() - g.trip.arrive.at.date()).num_days();
                assert_eq!(days, size.nights as i64, "{size:?} seed {seed}");
                let pax = g.group.pax.adult + g.group.pax.child;
                assert!((15..=40).contains(&pax), "{pax}");
            }
        }
    }
}

#[test]
fn the_same_seed_gives_the_same_batch() {
    for size in [BatchGenSize::standard(10), BatchGenSize::standard(37)] {
        assert_eq!(generate_batch(&size, 7), generate_batch(&size, 7));
        assert_ne!(generate_batch(&size, 7), generate_batch(&size, 8));
    }
    // The catalog's places, roads and attractions do not depend on the group count.
    let (a, b) = (generate_batch(&BatchGenSize::standard(3), 5), generate_batch(&BatchGenSize::standard(30), 5));
    for list in ["places", "legs", "attractions"] {
        assert_eq!(a["catalog"][list], b["catalog"][list], "{list}");
    }
    // Nor do the prices: only the capacities sized from the groups differ.
    let prices = |v: &Value| {
        let c = &v["catalog"];
        let rates: Vec<Value> = c["hotels"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|h| h["rooms"].as_array().unwrap())
            .map(|r| r["rates"].clone())
            .collect();
        let rest: Vec<Value> = c["restaurants"].as_array().unwrap().iter().map(|r| r["per_pax"].clone()).collect();
        let coach: Vec<Value> = c["vehicles"].as_array().unwrap().iter().map(|x| x["day_rate"].clone()).collect();
        (rates, rest, coach)
    };
    assert_eq!(prices(&a), prices(&b));
}

/// A plan made of a `current` booking alone (days without stops), for the room checks and
/// the resource table.
fn booked_plan(b: &BatchJob, g: usize) -> Option<Plan> {
    let cur = b.groups[g].current.as_ref()?;
    let first = b.groups[g].trip.arrive.at.date();
    let last = b.groups[g].trip.depart.at.date();
    let days = (0..=(last - first).num_days())
        .map(|d| Day {
            date: Date(first + chrono::Duration::days(d)),
            stops: Vec::new(),
            drive_minutes: 0,
            km: 0.0,
            fleet: None,
        })
        .collect();
    Some(Plan {
        days,
        nights: cur.nights.clone(),
        fleet: cur.fleet.clone(),
        lines: Vec::new(),
        costs: Default::default(),
        quote: Default::default(),
        objective: None,
    })
}

#[test]
fn current_bookings_are_complete_roomings_that_fit_together() {
    const ROOM_RULES: [&str; 11] = [
        "nights",
        "reference",
        "hotel_stars",
        "room_fits",
        "room_sold",
        "allotment",
        "rooming",
        "extra_beds",
        "foc",
        "vehicle_available",
        "fleet_seats",
    ];
    let mut booked = 0;
    for (size, seeds) in [
        (BatchGenSize { current_share: 1.0, ..BatchGenSize::standard(40) }, 1..=3),
        (BatchGenSize { current_share: 1.0, tight: 0.1, ..BatchGenSize::standard(100) }, 1..=2),
        (BatchGenSize::standard(30), 1..=3),
    ] {
        for seed in seeds {
            let b = parsed(&generate_batch(&size, seed));
            let plans: Vec<Option<Plan>> = (0..b.groups.len()).map(|g| booked_plan(&b, g)).collect();
            for (g, plan) in plans.iter().enumerate() {
                let Some(plan) = plan else { continue };
                booked += 1;
                let v: Vec<_> =
                    check_plan(&group_job(&b, g), plan).into_iter().filter(|v| ROOM_RULES.contains(&v.rule)).collect();
                assert!(v.is_empty(), "seed {seed} group {g}: {v:?}");
                assert_eq!(plan.fleet.len(), 1, "seed {seed} group {g}");
            }
            let refs: Vec<Option<&Plan>> = plans.iter().map(Option::as_ref).collect();
            for (u, _) in resource_users(&b, &refs) {
                assert!(u.used <= u.capacity, "seed {seed}: {u:?}");
            }
        }
    }
    assert!(booked > 300, "{booked}");
}

/// Small batches: every group plans alone; together the plans made alone overrun some
/// shared capacity; and every group plans on the reserve inventory of its towns, where all
/// those plans together fit every capacity (a feasible batch, checked independently).
#[test]
fn groups_plan_alone_compete_and_fit_on_the_reserve() {
    for (size, seed) in [(BatchGenSize::standard(4), 1), (BatchGenSize { nights: 4, ..BatchGenSize::standard(6) }, 2)] {
        let b = parsed(&generate_batch(&size, seed));
        let alone: Vec<Plan> = (0..b.groups.len()).map(|g| plan_alone(&b, g, &|v| v.clone())).collect();
        let refs: Vec<Option<&Plan>> = alone.iter().map(Some).collect();
        let over: Vec<_> = resource_users(&b, &refs).into_iter().filter(|(u, _)| u.used > u.capacity).collect();
        assert!(!over.is_empty(), "seed {seed}: the groups planned alone fit together");
        assert!(over.iter().any(|(_, users)| users.len() > 1), "seed {seed}: {over:?}");
        let reserve: Vec<Plan> = (0..b.groups.len()).map(|g| plan_alone(&b, g, &on_reserve)).collect();
        let refs: Vec<Option<&Plan>> = reserve.iter().map(Some).collect();
        for (u, _) in resource_users(&b, &refs) {
            assert!(u.used <= u.capacity, "seed {seed}: the reserve overflows: {u:?}");
        }
    }
}
