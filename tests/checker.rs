//! The plan checker enforces every rule of the contract.
//!
//! Each fixture below is solved in process and its optimal plan must pass the
//! checker untouched. Every case then breaks that plan (or its job) in one
//! place, by hand, and the checker must name the rule broken: the `rule`
//! field of its violations must be exactly the case's rule, plus the rules a
//! case lists in `also` (each documented where the case is written: a change
//! that cannot break one rule alone, e.g. an allotment of 0 both stops the
//! room type being sold and is exceeded).
//!
//! Every case runs even when some fail; the test reports all failures at once.
//!
//! Adding a case: one `case(name, fixture, rule, |job, plan| ...)` line in
//! `cases()`. Mutations find what they change by id or kind (not by position)
//! and panic with a clear message when the fixture's plan no longer has it,
//! which fails that case, not the whole table.

use chrono::Duration;
use jidiao_solver::check::{check_plan, check_result};
use jidiao_solver::contract::{
    Attraction, Clock, Date, DateTime, FleetUse, Hotel, JobBody, Leg, Line, Place, Plan, PlanJob, PlanResult,
    Restaurant, RoomType, RoomUse, Status, Stop, StopKind, UnitKind, Vehicle,
};
use jidiao_solver::parse::parse_job;
use jidiao_solver::{quote, run_job, SolveContext};
use std::collections::BTreeSet;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::OnceLock;

/// The fixtures whose optimal plans the cases break.
const FIXTURES: [&str; 3] = ["tiny-2d", "xian-3d", "guilin-yangshuo-4d"];

/// Every rule of the contract that must have at least one case.
const RULES: [&str; 36] = [
    "allotment",
    "attraction_once",
    "budget",
    "cost",
    "day_end",
    "day_start",
    "days",
    "drive_minutes",
    "extra_beds",
    "fleet_seats",
    "foc",
    "hotel_stars",
    "km",
    "line_amount",
    "lines_sum",
    "max_drive",
    "meal_length",
    "meal_once",
    "meal_required",
    "meal_seats",
    "meal_served",
    "meal_window",
    "must_visit",
    "nights",
    "objective",
    "opening_hours",
    "per_pax",
    "quote",
    "reference",
    "room_fits",
    "room_sold",
    "rooming",
    "timing",
    "travel",
    "vehicle_available",
    "visit_length",
];

// ---------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------

struct Fixture {
    name: &'static str,
    job: PlanJob,
    result: PlanResult,
}

impl Fixture {
    fn plan(&self) -> &Plan {
        self.result.plan.as_ref().unwrap_or_else(|| panic!("{}: the solver returned no plan", self.name))
    }
}

fn fixtures() -> &'static [Fixture] {
    static SOLVED: OnceLock<Vec<Fixture>> = OnceLock::new();
    SOLVED.get_or_init(|| FIXTURES.iter().map(|name| solve(name)).collect())
}

fn fixture(name: &str) -> &'static Fixture {
    fixtures().iter().find(|f| f.name == name).unwrap_or_else(|| panic!("no fixture {name}"))
}

fn solve(name: &'static str) -> Fixture {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/plan").join(format!("{name}.job.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let job = match parse_job(&text) {
        Ok(job) => job,
        Err(rejected) => panic!("{name} does not parse: {:?}", rejected.problems),
    };
    let JobBody::Plan(job) = job.body else { panic!("{name} is not a plan job") };
    let result = run_job(&text, &SolveContext::default());
    assert_eq!(result.status, Status::Optimal, "{name} is not solved to optimality: {:?}", result.diagnosis);
    assert!(result.plan.is_some(), "{name}: an optimal result without a plan");
    Fixture { name, job, result }
}

// ---------------------------------------------------------------------------
// Cases
// ---------------------------------------------------------------------------

type Mutation = fn(&mut PlanJob, &mut Plan);

struct Case {
    name: &'static str,
    fixture: &'static str,
    rule: &'static str,
    /// Rules the mutation cannot help breaking as well (documented at the case).
    also: &'static [&'static str],
    mutate: Mutation,
}

fn case(name: &'static str, fixture: &'static str, rule: &'static str, mutate: Mutation) -> Case {
    Case { name, fixture, rule, also: &[], mutate }
}

impl Case {
    fn also(self, also: &'static [&'static str]) -> Case {
        Case { also, ..self }
    }
}

const TINY: &str = "tiny-2d";
const XIAN: &str = "xian-3d";
const GUILIN: &str = "guilin-yangshuo-4d";

fn cases() -> Vec<Case> {
    vec![
        // ----- days and nights -----
        case("day 2 carries the wrong date", TINY, "days", |_, p| {
            p.days[1].date = next_day(p.days[1].date);
        }),
        // Friday -> Saturday: both weekend nights, so the rate (and the cost) is unchanged.
        case("the night carries the wrong date", TINY, "nights", |_, p| {
            p.nights[0].date = next_day(p.nights[0].date);
        }),
        // ----- day start and end -----
        case("day 1 leaves the airport before the group lands", TINY, "day_start", |_, p| {
            shift(&mut start(p, 0).depart, -10);
        }),
        case("day 2 leaves the hotel before day_start", TINY, "day_start", |_, p| {
            shift(&mut start(p, 1).depart, -10);
        }),
        // The new place is 0 minutes/km/toll from the hotel, so only the start place is wrong.
        case("day 2 starts somewhere other than last night's hotel", TINY, "day_start", |j, p| {
            let hotel_place = start(p, 1).place.clone().expect("a start place");
            start(p, 1).place = Some(twin_place(j, &hotel_place));
        }),
        case("day 1 reaches the hotel after day_end", XIAN, "day_end", |j, p| {
            let day_end = j.trip.day_end.expect("xian sets day_end").0;
            end(p, 0).arrive = Some(Clock(day_end + 10));
        }),
        case("the last day reaches the airport after depart.at - buffer", GUILIN, "day_end", |j, p| {
            let limit = j.trip.depart.at.clock().0 - j.trip.depart.buffer_minutes.unwrap_or(0) as i32;
            let last = p.days.len() - 1;
            end(p, last).arrive = Some(Clock(limit + 10));
        }),
        case("day 1 ends at another hotel than the night's", GUILIN, "day_end", |j, p| {
            let e = end(p, 0);
            let other = j
                .catalog
                .hotels
                .iter()
                .find(|h| Some(&h.place) == e.place.as_ref() && Some(&h.id) != e.hotel.as_ref())
                .expect("another hotel at the same place");
            e.hotel = Some(other.id.clone());
        }),
        // The new place is 0 minutes/km/toll from depart.place, so only the end place is wrong.
        case("the last day ends away from depart.place", TINY, "day_end", |j, p| {
            let airport = j.trip.depart.place.clone();
            let last = p.days.len() - 1;
            end(p, last).place = Some(twin_place(j, &airport));
        }),
        // ----- travel and timing -----
        case("day 1 reaches its first visit sooner than the road allows", TINY, "travel", |_, p| {
            shift(&mut first_visit(p, 0).arrive, -5);
        }),
        case("lunch starts before the group arrives", TINY, "timing", |_, p| {
            let lunch = meal(p, 1, "lunch");
            lunch.arrive = lunch.start.map(|s| Clock(s.0 + 5));
        }),
        case("the cruise starts before the group arrives", GUILIN, "timing", |_, p| {
            let cruise = visit(p, "li-river-cruise");
            cruise.arrive = cruise.start.map(|s| Clock(s.0 + 5));
        }),
        // ----- visits -----
        case("a visit is cut 10 minutes short", TINY, "visit_length", |_, p| {
            shift(&mut visit(p, "hongyadong").end, -10);
        }),
        case("the attraction is closed on the visit date", TINY, "opening_hours", |j, p| {
            let date = p.days[day_of_visit(p, "hongyadong")].date;
            attraction(j, "hongyadong").closed_dates.push(date);
        }),
        case("the attraction has no hours on the visit's weekday", TINY, "opening_hours", |j, p| {
            use chrono::Datelike;
            let wd = p.days[day_of_visit(p, "hongyadong")].date.0.weekday().number_from_monday() as u8;
            for h in attraction(j, "hongyadong").hours.as_mut().expect("hours") {
                h.weekdays.retain(|&d| d != wd);
            }
        }),
        case("the attraction closes before the visit ends", TINY, "opening_hours", |j, p| {
            let end = visit(p, "hongyadong").end.expect("an end");
            for h in attraction(j, "hongyadong").hours.as_mut().expect("hours") {
                h.close = Clock(end.0 - 1);
            }
        }),
        // The museum opens 08:30 and the group is there at 08:20, waiting: start the visit on arrival.
        case("the visit starts before the museum opens", XIAN, "opening_hours", |_, p| {
            let v = visit(p, "shaanxi-history-museum");
            let early = v.start.expect("a start").0 - v.arrive.expect("an arrival").0;
            assert!(early > 0, "the group no longer waits for the museum to open");
            shift(&mut v.start, -early);
            shift(&mut v.end, -early);
        }),
        // hongyadong is free and at the restaurant's place: seeing it again after dinner costs
        // nothing and drives nowhere.
        case("the same attraction is visited twice", TINY, "attraction_once", |j, p| {
            let again = visit(p, "hongyadong").clone();
            let minutes = attraction(j, "hongyadong").visit_minutes as i32;
            let stops = &mut p.days[0].stops;
            let n = stops.len();
            let from = stops[n - 2].end.expect("dinner ends");
            stops.insert(
                n - 1,
                Stop { arrive: Some(from), start: Some(from), end: Some(Clock(from.0 + minutes)), ..again },
            );
            stops[n].arrive = Some(Clock(from.0 + minutes));
        }),
        case("the job asks for an attraction the plan does not visit", XIAN, "must_visit", |j, p| {
            let unseen = j
                .catalog
                .attractions
                .iter()
                .map(|a| a.id.clone())
                .find(|id| !p.days.iter().flat_map(|d| &d.stops).any(|s| s.id.as_ref() == Some(id)))
                .expect("an attraction the plan skips");
            j.trip.must_visit.push(unseen);
        }),
        // hongyadong is free and at the restaurant's place: skipping it changes no cost and no drive.
        case("day 1 skips the must-visit hongyadong", TINY, "must_visit", |_, p| {
            let i = p.days[0].stops.iter().position(|s| s.id.as_deref() == Some("hongyadong")).expect("visited");
            p.days[0].stops.remove(i);
        }),
        // ----- meals -----
        case("the restaurant does not serve dinner", TINY, "meal_served", |j, p| {
            let rid = meal(p, 0, "dinner").restaurant.clone().expect("a restaurant");
            restaurant(j, &rid).meals.retain(|m| m != "dinner");
        }),
        case("the restaurant seats fewer than the covers", TINY, "meal_seats", |j, p| {
            let rid = meal(p, 0, "dinner").restaurant.clone().expect("a restaurant");
            let covers = j.group.meal_covers.unwrap_or(j.group.pax.adult + j.group.pax.child + 1);
            restaurant(j, &rid).seats = Some(covers - 1);
        }),
        case("dinner starts before its window opens", TINY, "meal_window", |j, p| {
            let opens = j.trip.meals["dinner"][0].0;
            let dinner = meal(p, 0, "dinner");
            let early = dinner.start.expect("a start").0 - opens + 10;
            shift(&mut dinner.start, -early);
            shift(&mut dinner.end, -early);
            assert!(dinner.start >= dinner.arrive, "dinner cannot move earlier");
        }),
        case("the job's dinner window opens after the planned dinner", TINY, "meal_window", |j, p| {
            let start = meal(p, 0, "dinner").start.expect("a start");
            j.trip.meals.get_mut("dinner").expect("a dinner window")[0] = Clock(start.0 + 30);
        }),
        case("dinner is 30 minutes short", TINY, "meal_length", |_, p| {
            shift(&mut meal(p, 0, "dinner").end, -30);
        }),
        case("the boat meal's restaurant takes the default 60 minutes", GUILIN, "meal_length", |j, _| {
            let r = restaurant(j, "li-river-boat-meal");
            assert_ne!(r.minutes, None, "the boat meal already lasts the default");
            r.minutes = None;
        }),
        // A second lunch at the same restaurant right after the first, priced into the quote.
        case("two lunches on one day", XIAN, "meal_once", |j, p| {
            let i = p.days[0].stops.iter().position(|s| s.meal.as_deref() == Some("lunch")).expect("a lunch");
            let first = p.days[0].stops[i].clone();
            let (s, e) = (first.start.expect("a start").0, first.end.expect("an end").0);
            let second = Stop { arrive: Some(Clock(e)), start: Some(Clock(e)), end: Some(Clock(2 * e - s)), ..first };
            let next = &mut p.days[0].stops[i + 1];
            assert_eq!(next.restaurant, second.restaurant, "the next stop is no longer at the same restaurant");
            next.arrive = Some(Clock(next.arrive.expect("an arrival").0.max(2 * e - s)));
            p.days[0].stops.insert(i + 1, second);
            let date = p.days[0].date;
            let extra: Vec<Line> = p
                .lines
                .iter()
                .filter(|l| l.category == "meal" && l.date == Some(date) && l.item.starts_with("lunch"))
                .cloned()
                .collect();
            assert!(!extra.is_empty(), "no lunch lines");
            p.lines.extend(extra);
            reprice(j, p);
        }),
        // The group now lands when lunch opens; leaving the airport later is allowed but lunch
        // is then required.
        case("the group lands before lunch but the plan skips it", TINY, "meal_required", |j, p| {
            let opens = j.trip.meals["lunch"][0];
            let date = j.trip.arrive.at.date();
            j.trip.arrive.at = DateTime(date.and_hms_opt(0, 0, 0).expect("midnight") + minutes(opens.0));
            assert!(meal_at(p, 0, "lunch").is_none(), "day 1 already has a lunch");
        }),
        case("the last day's lunch is dropped from the route and the quote", TINY, "meal_required", |j, p| {
            let last = p.days.len() - 1;
            let i = p.days[last].stops.iter().position(|s| s.meal.as_deref() == Some("lunch")).expect("a lunch");
            p.days[last].stops.remove(i);
            let date = p.days[last].date;
            p.lines.retain(|l| !(l.category == "meal" && l.date == Some(date) && l.item.starts_with("lunch")));
            reprice(j, p);
        }),
        // ----- driving -----
        case("day 1 reports more drive minutes than its route", TINY, "drive_minutes", |_, p| {
            p.days[0].drive_minutes += 15;
        }),
        case("day 2 reports more km than its route", TINY, "km", |_, p| {
            p.days[1].km += 3.0;
        }),
        case("max_drive_minutes below the longest day", GUILIN, "max_drive", |j, p| {
            let longest = p.days.iter().map(|d| d.drive_minutes).max().expect("days");
            j.trip.max_drive_minutes = Some(longest - 1);
        }),
        // ----- hotels and rooms -----
        case("hotel_min_stars above the hotel chosen", TINY, "hotel_stars", |j, p| {
            let stars = hotel(j, &p.nights[0].hotel).stars;
            j.trip.hotel_min_stars = Some(stars + 1);
        }),
        case("the couples' room type is not couple_ok", GUILIN, "room_fits", |j, p| {
            let kind = room_of(p, 0, UnitKind::Couple).kind.clone();
            let h = p.nights[0].hotel.clone();
            room(j, &h, &kind).couple_ok = false;
        }),
        // The family of 4 sleeps in a room for 4 with no extra bed; shrink the room to 3.
        case("the family room sleeps fewer than the family", XIAN, "room_fits", |j, p| {
            let (kind, size) = p.nights[0]
                .rooms
                .iter()
                .find(|r| r.unit == UnitKind::Family && r.size == Some(4))
                .map(|r| (r.kind.clone(), 4))
                .expect("a family of 4");
            let h = p.nights[0].hotel.clone();
            let rt = room(j, &h, &kind);
            assert!(rt.sleeps >= size && !rt.extra_bed, "the family of 4 no longer fits without an extra bed");
            rt.sleeps = size - 1;
        }),
        // A room type with no allotment that night is not sold; the rooms used then also exceed
        // its (zero) allotment. (Taking the rate away instead would also change the cost.)
        case("the room type has no allotment that night", TINY, "room_sold", |j, p| {
            let kind = p.nights[0].rooms[0].kind.clone();
            let (h, date) = (p.nights[0].hotel.clone(), p.nights[0].date);
            for a in room(j, &h, &kind).allotment.iter_mut().filter(|a| a.from <= date && date <= a.to) {
                a.rooms = 0;
            }
        })
        .also(&["allotment"]),
        case("the allotment is one room short", TINY, "allotment", |j, p| {
            let kind = p.nights[0].rooms[0].kind.clone();
            let used: u32 = p.nights[0].rooms.iter().filter(|r| r.kind == kind).map(|r| r.count).sum();
            let (h, date) = (p.nights[0].hotel.clone(), p.nights[0].date);
            for a in room(j, &h, &kind).allotment.iter_mut().filter(|a| a.from <= date && date <= a.to) {
                a.rooms = used - 1;
            }
        }),
        // Same rooms of the same type, so the same cost; only the units are wrong.
        case("the couple and single room counts are swapped", TINY, "rooming", |_, p| {
            let rooms = &mut p.nights[0].rooms;
            let c = rooms.iter().position(|r| r.unit == UnitKind::Couple).expect("couples");
            let s = rooms.iter().position(|r| r.unit == UnitKind::Single).expect("singles");
            assert_eq!(rooms[c].kind, rooms[s].kind, "couples and singles use different types");
            assert_ne!(rooms[c].count, rooms[s].count, "swapping equal counts changes nothing");
            let (a, b) = (rooms[c].count, rooms[s].count);
            rooms[c].count = b;
            rooms[s].count = a;
        }),
        case("the job's singles are male solo travellers", TINY, "rooming", |j, _| {
            for line in j.group.rooming.iter_mut().filter(|l| l.unit == UnitKind::Single) {
                line.unit = UnitKind::Male;
            }
        }),
        case("one single room fewer, priced into the quote", TINY, "rooming", |j, p| {
            let kind = room_of(p, 0, UnitKind::Single).kind.clone();
            room_of(p, 0, UnitKind::Single).count -= 1;
            let (h, date) = (p.nights[0].hotel.clone(), p.nights[0].date);
            let l = line(p, |l| {
                l.category == "hotel" && l.supplier == h && l.date == Some(date) && l.item.starts_with(&kind)
            });
            set_qty(l, l.qty - 1.0);
            reprice(j, p);
        }),
        case("one extra bed fewer, priced into the quote", GUILIN, "extra_beds", |j, p| {
            assert!(p.nights[0].extra_beds > 0, "no extra beds on night 1");
            p.nights[0].extra_beds -= 1;
            let date = p.nights[0].date;
            let l = line(p, |l| l.category == "hotel" && l.date == Some(date) && l.item.starts_with("extra bed"));
            set_qty(l, l.qty - 1.0);
            reprice(j, p);
        }),
        case("an FOC room the rooms do not earn", GUILIN, "foc", |_, p| {
            p.nights[0].foc_rooms += 1;
        }),
        // ----- fleet -----
        case("more vehicles hired than available", XIAN, "vehicle_available", |j, p| {
            let f = p.fleet[0].clone();
            vehicle(j, &f.vehicle).available = Some(f.count - 1);
        }),
        // The fleet lists its vehicle type twice (each entry within `available`, together over
        // it); the second vehicle is priced into the quote.
        case("the same vehicle type listed twice, together over available", XIAN, "vehicle_available", |j, p| {
            let f = p.fleet[0].clone();
            vehicle(j, &f.vehicle).available = Some(f.count);
            let extra: Vec<Line> = p.lines.iter().filter(|l| l.supplier == f.vehicle).cloned().collect();
            p.lines.extend(extra);
            p.fleet.push(f);
            reprice(j, p);
        }),
        case("the group needs one seat more than the fleet has", XIAN, "fleet_seats", |j, p| {
            let seats: u32 = p.fleet.iter().map(|f| f.count * vehicle(j, &f.vehicle).seats).sum();
            j.group.seats = Some(seats + 1);
        }),
        // ----- references -----
        case("a visit to an attraction not in the catalog", TINY, "reference", |_, p| {
            let at = p.days[0].stops.len() - 1;
            let stray = Stop { id: Some("no-such-attraction".into()), ..visit(p, "hongyadong").clone() };
            p.days[0].stops.insert(at, stray);
        }),
        case("a meal at a restaurant not in the catalog", TINY, "reference", |_, p| {
            let at = p.days[0].stops.len() - 1;
            let stray = Stop { restaurant: Some("no-such-restaurant".into()), ..meal(p, 0, "dinner").clone() };
            p.days[0].stops.insert(at, stray);
        }),
        case("a room type the hotel does not have", TINY, "reference", |_, p| {
            p.nights[0].rooms.push(RoomUse {
                kind: "no-such-room".into(),
                unit: UnitKind::Single,
                size: None,
                count: 0,
            });
        }),
        case("a vehicle not in the catalog", TINY, "reference", |_, p| {
            p.fleet.push(FleetUse { vehicle: "no-such-vehicle".into(), count: 0 });
        }),
        // ----- the quote sheet -----
        case("a line's qty no longer gives its amount", TINY, "line_amount", |_, p| {
            line(p, |l| l.category == "hotel").qty += 1.0;
        }),
        case("a vehicle line filed under tickets", TINY, "lines_sum", |_, p| {
            line(p, |l| l.category == "vehicle" && l.amount != 0.0).category = "ticket".into();
        }),
        case("a hotel line missing from costs", TINY, "lines_sum", |_, p| {
            let mut l = line(p, |l| l.category == "hotel").clone();
            l.item = "late check-out".into();
            set_qty(&mut l, 1.0);
            p.lines.push(l);
        }),
        // The lines and the categories agree, but the vehicle money is now reported as tickets.
        case("a vehicle cost reported as tickets", TINY, "cost", |_, p| {
            let l = line(p, |l| l.category == "vehicle" && l.amount != 0.0);
            l.category = "ticket".into();
            let amount = l.amount;
            p.costs.vehicles -= amount;
            p.costs.tickets += amount;
        }),
        // The catalog's day rate rises; the plan (and its objective, which follows the catalog)
        // is made to match everything but the vehicle cost.
        case("the catalog's vehicle day rate is higher than the quote's", TINY, "cost", |j, p| {
            let f = p.fleet[0].clone();
            vehicle(j, &f.vehicle).day_rate += 100.0;
            if let Some(o) = p.objective.as_mut() {
                *o += 100.0 * f.count as f64 * p.days.len() as f64;
            }
        }),
        // A surcharge outside the six categories inflates the total (and the quote) past
        // hotels + vehicles + tickets + meals + guide + fees. The objective is left as the
        // catalog gives it.
        case("a line outside the six categories inflates the total", TINY, "cost", |j, p| {
            let mut l = line(p, |l| l.category == "fee").clone();
            l.category = "misc".into();
            l.item = "handling".into();
            set_qty(&mut l, 1.0);
            p.lines.push(l);
            resum(j, p);
        }),
        case("costs.per_pax is not total / pax", XIAN, "per_pax", |_, p| {
            p.costs.per_pax += 0.01;
        }),
        case("quote.per_pax is one rounding step too high", XIAN, "quote", |j, p| {
            p.quote.per_pax += j.pricing.round_to.unwrap_or(1.0);
        }),
        case("quote.total is not quote.per_pax x pax", XIAN, "quote", |_, p| {
            p.quote.total += 1.0;
        }),
        case("the job's markup is higher than the quote's", XIAN, "quote", |j, _| {
            *j.pricing.markup_pct.get_or_insert(0.0) += 5.0;
        }),
        case("quote.markup_pct is not the job's", XIAN, "quote", |_, p| {
            p.quote.markup_pct += 5.0;
        }),
        case("budget_per_pax below the plan's cost per pax", XIAN, "budget", |j, p| {
            j.trip.budget_per_pax = Some(p.costs.per_pax - 1.0);
        }),
        // ----- the objective -----
        case("the objective is 100 off", XIAN, "objective", |_, p| {
            *p.objective.as_mut().expect("an objective") += 100.0;
        }),
        case("the job's drive penalty is higher than the objective's", XIAN, "objective", |j, _| {
            *j.trip.drive_penalty_per_pax_hour.get_or_insert(20.0) += 10.0;
        }),
        case("an optional visit is worth more than the objective counted", XIAN, "objective", |j, p| {
            let seen: Vec<String> = p.days.iter().flat_map(|d| &d.stops).filter_map(|s| s.id.clone()).collect();
            let o = j.trip.optional.iter_mut().find(|o| seen.contains(&o.attraction)).expect("an optional visit");
            o.value += 100.0;
        }),
    ]
}

// ---------------------------------------------------------------------------
// The runner
// ---------------------------------------------------------------------------

/// Runs every case; returns one message per failing case.
fn check(cases: &[Case]) -> Vec<String> {
    let mut failures = Vec::new();
    for c in cases {
        let f = fixture(c.fixture);
        let (mut job, mut plan) = (f.job.clone(), f.plan().clone());
        let applied = catch_unwind(AssertUnwindSafe(|| (c.mutate)(&mut job, &mut plan)));
        if let Err(e) = applied {
            let why = e
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            failures.push(format!("[{}] {}: the mutation does not apply to this plan: {why}", c.fixture, c.name));
            continue;
        }
        if json(&job) == json(&f.job) && json(&plan) == json(f.plan()) {
            failures.push(format!("[{}] {}: the mutation changed nothing", c.fixture, c.name));
            continue;
        }
        let violations = check_plan(&job, &plan);
        let got: BTreeSet<&str> = violations.iter().map(|v| v.rule).collect();
        let want: BTreeSet<&str> = std::iter::once(c.rule).chain(c.also.iter().copied()).collect();
        if got != want {
            let detail: Vec<String> = violations.iter().map(|v| format!("      {}: {}", v.rule, v.message)).collect();
            failures.push(format!(
                "[{}] {}: expected rules {want:?}, the checker reported {got:?}{}{}",
                c.fixture,
                c.name,
                if detail.is_empty() { "" } else { "\n" },
                detail.join("\n")
            ));
        }
    }
    failures
}

fn json<T: serde::Serialize>(x: &T) -> serde_json::Value {
    serde_json::to_value(x).expect("serialisable")
}

// ---------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------

#[test]
fn optimal_plans_pass_the_checker_untouched() {
    let mut failures = Vec::new();
    for f in fixtures() {
        for v in check_plan(&f.job, f.plan()) {
            failures.push(format!("[{}] check_plan: {}: {}", f.name, v.rule, v.message));
        }
        for v in check_result(&f.job, &f.result) {
            failures.push(format!("[{}] check_result: {}: {}", f.name, v.rule, v.message));
        }
    }
    assert!(failures.is_empty(), "the checker rejects optimal plans:\n{}", failures.join("\n"));
}

#[test]
fn every_rule_has_a_case() {
    let cases = cases();
    let missing: Vec<&str> = RULES.iter().copied().filter(|r| !cases.iter().any(|c| c.rule == *r)).collect();
    assert!(missing.is_empty(), "rules without a case: {missing:?}");
    let mut names = BTreeSet::new();
    for c in &cases {
        assert!(names.insert(c.name), "two cases are named '{}'", c.name);
        assert!(FIXTURES.contains(&c.fixture), "case '{}' uses an unknown fixture {}", c.name, c.fixture);
    }
}

#[test]
fn every_broken_plan_is_caught_by_its_rule() {
    let cases = cases();
    let failures = check(&cases);
    assert!(
        failures.is_empty(),
        "{} of {} broken plans were not reported as expected:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn check_result_requires_a_plan_or_a_diagnosis() {
    let f = fixture(TINY);
    let rules = |r: &PlanResult| check_result(&f.job, r).iter().map(|v| v.rule).collect::<Vec<_>>();
    let with = |status: Status, plan: Option<Plan>| PlanResult {
        status,
        plan,
        diagnosis: Vec::new(),
        alternatives: Vec::new(),
        ..f.result.clone()
    };

    assert_eq!(rules(&with(Status::Optimal, None)), ["plan"], "optimal without a plan");
    assert_eq!(rules(&with(Status::Feasible, None)), ["plan"], "feasible without a plan");
    assert_eq!(rules(&with(Status::Infeasible, None)), ["diagnosis"], "infeasible without a diagnosis");
    assert_eq!(rules(&with(Status::Invalid, None)), ["diagnosis"], "invalid without a diagnosis");
    assert_eq!(rules(&with(Status::Infeasible, Some(f.plan().clone()))), ["plan"], "infeasible with a plan");

    let mut infeasible = with(Status::Infeasible, None);
    infeasible.diagnosis = vec![jidiao_solver::contract::DiagnosisItem::general("no_plan", "nothing fits")];
    assert!(rules(&infeasible).is_empty(), "an infeasible result with a diagnosis is acceptable");
    assert!(rules(&with(Status::Timeout, None)).is_empty(), "a timeout carries no plan");

    // A broken alternative is reported, and named as such.
    let mut alt = f.plan().clone();
    alt.days[0].drive_minutes += 1;
    let mut result = with(Status::Optimal, Some(f.plan().clone()));
    result.alternatives = vec![alt];
    let v = check_result(&f.job, &result);
    assert_eq!(v.len(), 1, "{v:?}");
    assert_eq!(v[0].rule, "drive_minutes");
    assert!(v[0].message.starts_with("alternative 1:"), "{}", v[0].message);
}

// ---------------------------------------------------------------------------
// Helpers: finding what to break
// ---------------------------------------------------------------------------

fn minutes(m: i32) -> Duration {
    Duration::minutes(m as i64)
}

fn next_day(d: Date) -> Date {
    Date(d.0.succ_opt().expect("a next day"))
}

fn shift(c: &mut Option<Clock>, by: i32) {
    let t = c.expect("a time to shift");
    *c = Some(Clock(t.0 + by));
}

fn start(p: &mut Plan, day: usize) -> &mut Stop {
    let s = p.days[day].stops.first_mut().expect("stops");
    assert_eq!(s.kind, StopKind::Start);
    s
}

fn end(p: &mut Plan, day: usize) -> &mut Stop {
    let s = p.days[day].stops.last_mut().expect("stops");
    assert_eq!(s.kind, StopKind::End);
    s
}

fn visit<'a>(p: &'a mut Plan, id: &str) -> &'a mut Stop {
    p.days
        .iter_mut()
        .flat_map(|d| d.stops.iter_mut())
        .find(|s| s.kind == StopKind::Attraction && s.id.as_deref() == Some(id))
        .unwrap_or_else(|| panic!("the plan does not visit {id}"))
}

fn first_visit(p: &mut Plan, day: usize) -> &mut Stop {
    p.days[day].stops.iter_mut().find(|s| s.kind == StopKind::Attraction).expect("a visit that day")
}

fn day_of_visit(p: &Plan, id: &str) -> usize {
    p.days
        .iter()
        .position(|d| d.stops.iter().any(|s| s.id.as_deref() == Some(id)))
        .unwrap_or_else(|| panic!("the plan does not visit {id}"))
}

fn meal_at<'a>(p: &'a mut Plan, day: usize, kind: &str) -> Option<&'a mut Stop> {
    p.days[day].stops.iter_mut().find(|s| s.kind == StopKind::Meal && s.meal.as_deref() == Some(kind))
}

fn meal<'a>(p: &'a mut Plan, day: usize, kind: &str) -> &'a mut Stop {
    meal_at(p, day, kind).unwrap_or_else(|| panic!("no {kind} on day {}", day + 1))
}

fn room_of(p: &mut Plan, night: usize, unit: UnitKind) -> &mut RoomUse {
    p.nights[night].rooms.iter_mut().find(|r| r.unit == unit).unwrap_or_else(|| panic!("no {unit:?} rooms"))
}

fn line(p: &mut Plan, pred: impl Fn(&Line) -> bool) -> &mut Line {
    p.lines.iter_mut().find(|l| pred(l)).expect("a matching quote line")
}

/// Sets a line's qty and its amount with it.
fn set_qty(l: &mut Line, qty: f64) {
    l.qty = qty;
    l.amount = quote::round2(qty * l.unit_price);
}

/// Recomputes costs and quote from the lines (the objective is left alone).
fn resum(j: &PlanJob, p: &mut Plan) {
    let pax = j.group.pax.adult + j.group.pax.child;
    p.costs = quote::costs(&p.lines, pax);
    p.quote = quote::quote(&p.costs, pax, j.pricing.markup_pct.unwrap_or(0.0), j.pricing.round_to.unwrap_or(1.0));
}

/// Recomputes costs and quote from the lines and moves the objective by the change in cost,
/// so a plan changed on purpose stays consistent everywhere else.
fn reprice(j: &PlanJob, p: &mut Plan) {
    let before = p.costs.total;
    resum(j, p);
    let delta = p.costs.total - before;
    if let Some(o) = p.objective.as_mut() {
        *o += delta;
    }
}

fn hotel<'a>(j: &'a mut PlanJob, id: &str) -> &'a mut Hotel {
    j.catalog.hotels.iter_mut().find(|h| h.id == id).unwrap_or_else(|| panic!("no hotel {id}"))
}

fn room<'a>(j: &'a mut PlanJob, hotel_id: &str, kind: &str) -> &'a mut RoomType {
    hotel(j, hotel_id).rooms.iter_mut().find(|r| r.kind == kind).unwrap_or_else(|| panic!("no {kind} at {hotel_id}"))
}

fn attraction<'a>(j: &'a mut PlanJob, id: &str) -> &'a mut Attraction {
    j.catalog.attractions.iter_mut().find(|a| a.id == id).unwrap_or_else(|| panic!("no attraction {id}"))
}

fn restaurant<'a>(j: &'a mut PlanJob, id: &str) -> &'a mut Restaurant {
    j.catalog.restaurants.iter_mut().find(|r| r.id == id).unwrap_or_else(|| panic!("no restaurant {id}"))
}

fn vehicle<'a>(j: &'a mut PlanJob, id: &str) -> &'a mut Vehicle {
    j.catalog.vehicles.iter_mut().find(|v| v.id == id).unwrap_or_else(|| panic!("no vehicle {id}"))
}

/// Adds a place joined to `of` by a free, instant road both ways (no path gets shorter), and
/// returns its id.
fn twin_place(j: &mut PlanJob, of: &str) -> String {
    let id = format!("{of}-annex");
    j.catalog.places.push(Place { id: id.clone(), name: None, lat: None, lon: None });
    j.catalog.legs.push(Leg { from: id.clone(), to: of.to_string(), minutes: 0, km: 0.0, toll: 0.0, both_ways: true });
    id
}
