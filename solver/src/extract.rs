//! From the optimiser's choices to the wire plan: timed day routes, nights
//! with rooms, the fleet, and the itemised quote.

use crate::contract::{Clock, Date, Day, FleetUse, Night, Plan, RoomUse, Stop, StopKind};
use crate::fleet::Fleet;
use crate::graph::TravelMatrix;
use crate::milp::plan::PlanChoice;
use crate::model::{Minute, TripModel};
use crate::quote::{costs, line, quote};
use crate::rooming::NightRooming;
use crate::routes::{DayRoute, RouteStop};

/// Builds the wire plan of a choice. `rooming[n][h]` must be set for every chosen hotel.
pub fn build_plan(
    model: &TripModel,
    travel: &TravelMatrix,
    routes: &[Vec<DayRoute>],
    choice: &PlanChoice,
    fleet: &Fleet,
    rooming: &[Vec<Option<NightRooming>>],
    objective: f64,
) -> Plan {
    let c = model.catalog();
    let chosen: Vec<&DayRoute> = choice.routes.iter().enumerate().map(|(d, &r)| &routes[d][r]).collect();
    let days: Vec<Day> = chosen
        .iter()
        .enumerate()
        .map(|(d, r)| {
            let hotel = choice.hotels.get(d).map(|&h| c.hotels[model.hotels[h].catalog].id.clone());
            timed_day(model, travel, r, hotel)
        })
        .collect();
    let nights: Vec<Night> = choice
        .hotels
        .iter()
        .enumerate()
        .map(|(n, &h)| {
            let hotel = &c.hotels[model.hotels[h].catalog];
            let r = rooming[n][h].as_ref().expect("a chosen hotel has a rooming");
            Night {
                date: Date(model.days[n].date),
                hotel: hotel.id.clone(),
                rooms: r
                    .takes
                    .iter()
                    .map(|t| RoomUse {
                        kind: hotel.rooms[t.room].kind.clone(),
                        unit: t.unit,
                        size: t.size,
                        count: t.count,
                    })
                    .collect(),
                extra_beds: r.extra_beds,
                foc_rooms: r.foc_rooms,
            }
        })
        .collect();
    let fleet_use: Vec<FleetUse> = fleet
        .counts
        .iter()
        .map(|&(v, n)| FleetUse { vehicle: c.vehicles[model.vehicles[v].catalog].id.clone(), count: n })
        .collect();
    let mut lines = Vec::new();
    // Hotels, night by night.
    for (n, &h) in choice.hotels.iter().enumerate() {
        let hotel = &c.hotels[model.hotels[h].catalog];
        let r = rooming[n][h].as_ref().expect("a chosen hotel has a rooming");
        let date = Some(model.days[n].date);
        for t in &r.terms {
            let count: u32 = r.takes.iter().filter(|x| x.room == t.index).map(|x| x.count).sum();
            if count > 0 {
                let kind = &hotel.rooms[t.index].kind;
                lines.push(line("hotel", &hotel.id, date, format!("{kind} x {count}"), count as f64, t.price));
            }
        }
        if r.extra_beds > 0 {
            let price = hotel.extra_bed_price.unwrap_or(0.0);
            lines.push(line(
                "hotel",
                &hotel.id,
                date,
                format!("extra bed x {}", r.extra_beds),
                r.extra_beds as f64,
                price,
            ));
        }
        if r.foc_rooms > 0 {
            let value = hotel.foc.as_ref().map_or(0.0, |f| f.free_value);
            lines.push(line("hotel", &hotel.id, date, format!("FOC x {}", r.foc_rooms), r.foc_rooms as f64, -value));
        }
    }
    // Vehicles, day by day.
    for (d, r) in chosen.iter().enumerate() {
        let date = Some(model.days[d].date);
        for &(v, n) in &fleet.counts {
            let o = &model.vehicles[v];
            let id = &c.vehicles[o.catalog].id;
            lines.push(line("vehicle", id, date, format!("{id} x {n} day rate"), n as f64, o.day_rate));
            let excess = (r.km - o.km_included).max(0.0);
            if excess > 0.0 && o.per_km > 0.0 {
                lines.push(line(
                    "vehicle",
                    id,
                    date,
                    format!("{id} x {n} beyond {} km: {} km", o.km_included, round_km(excess)),
                    n as f64 * excess,
                    o.per_km,
                ));
            }
            if r.toll > 0.0 {
                lines.push(line("vehicle", id, date, format!("{id} x {n} tolls"), n as f64, r.toll));
            }
        }
    }
    // Tickets and meals, day by day in route order.
    let mut meal_lines = Vec::new();
    for (d, r) in chosen.iter().enumerate() {
        let date = Some(model.days[d].date);
        for s in &r.stops {
            match *s {
                RouteStop::Attraction(i) => {
                    let a = &model.attractions[i];
                    let t = a.tickets;
                    let group = if t.group_price { "group " } else { "" };
                    if model.adults > 0 {
                        lines.push(line(
                            "ticket",
                            &a.id,
                            date,
                            format!("{group}adult ticket x {}", model.adults),
                            model.adults as f64,
                            t.adult_price,
                        ));
                    }
                    if model.children > 0 {
                        lines.push(line(
                            "ticket",
                            &a.id,
                            date,
                            format!("{group}child ticket x {}", model.children),
                            model.children as f64,
                            t.child_price,
                        ));
                    }
                }
                RouteStop::Meal { restaurant, meal } => {
                    let o = &model.restaurants[restaurant];
                    let id = &c.restaurants[o.catalog].id;
                    let name = &model.meals[meal].name;
                    let covers = model.adults + model.staff;
                    if covers > 0 {
                        meal_lines.push(line(
                            "meal",
                            id,
                            date,
                            format!("{name} adults+staff x {covers}"),
                            covers as f64,
                            o.per_pax,
                        ));
                    }
                    if model.children > 0 {
                        meal_lines.push(line(
                            "meal",
                            id,
                            date,
                            format!("{name} children x {}", model.children),
                            model.children as f64,
                            o.child_per_pax,
                        ));
                    }
                }
            }
        }
    }
    lines.extend(meal_lines);
    let n_days = model.days.len() as f64;
    if let Some(gid) = &model.job.trip.guide {
        lines.push(line("guide", gid, None, format!("{gid} x {} days", model.days.len()), n_days, model.guide_day_fee));
    }
    let pax = model.pax();
    for f in &c.fees {
        if f.per_pax_per_day != 0.0 {
            lines.push(line(
                "fee",
                &f.name,
                None,
                format!("{} x {pax} pax x {} days", f.name, model.days.len()),
                pax as f64 * n_days,
                f.per_pax_per_day,
            ));
        }
        if f.per_pax != 0.0 {
            lines.push(line("fee", &f.name, None, format!("{} x {pax} pax", f.name), pax as f64, f.per_pax));
        }
    }
    lines.retain(|l| l.qty != 0.0);
    let costs = costs(&lines, pax);
    let p = &model.job.pricing;
    let quote = quote(&costs, pax, p.markup_pct.unwrap_or(0.0), p.round_to.unwrap_or(1.0));
    Plan { days, nights, fleet: fleet_use, lines, costs, quote, objective: Some(crate::quote::round2(objective)) }
}

fn round_km(km: f64) -> f64 {
    (km * 100.0).round() / 100.0
}

/// The earliest-start timetable of a day route.
pub fn timed_day(model: &TripModel, travel: &TravelMatrix, r: &DayRoute, hotel: Option<String>) -> Day {
    let c = model.catalog();
    let rule = &model.days[r.day];
    let mut stops = vec![Stop {
        kind: StopKind::Start,
        place: Some(model.places[r.start].clone()),
        depart: Some(Clock(rule.start_time)),
        ..empty_stop(StopKind::Start)
    }];
    let mut place = r.start;
    let mut time: Minute = rule.start_time;
    for s in &r.stops {
        let (to, _) = stop_place(model, s);
        let hop = travel.hop(place, to).expect("a generated route only uses reachable hops");
        let arrive = time + hop.minutes;
        match *s {
            RouteStop::Attraction(i) => {
                let a = &model.attractions[i];
                let iv = TripModel::open_intervals(&c.attractions[a.catalog], rule.date);
                let start = iv
                    .iter()
                    .map(|&(o, cl)| (arrive.max(o), cl))
                    .find(|&(s, cl)| s + a.visit <= cl)
                    .map_or(arrive, |(s, _)| s);
                time = start + a.visit;
                stops.push(Stop {
                    id: Some(a.id.clone()),
                    arrive: Some(Clock(arrive)),
                    start: Some(Clock(start)),
                    end: Some(Clock(time)),
                    ..empty_stop(StopKind::Attraction)
                });
            }
            RouteStop::Meal { restaurant, meal } => {
                let o = &model.restaurants[restaurant];
                let start = arrive.max(model.meals[meal].open);
                time = start + o.minutes;
                stops.push(Stop {
                    meal: Some(model.meals[meal].name.clone()),
                    restaurant: Some(c.restaurants[o.catalog].id.clone()),
                    arrive: Some(Clock(arrive)),
                    start: Some(Clock(start)),
                    end: Some(Clock(time)),
                    ..empty_stop(StopKind::Meal)
                });
            }
        }
        place = to;
    }
    let hop = travel.hop(place, r.end).expect("a generated route reaches its end");
    stops.push(Stop {
        place: Some(model.places[r.end].clone()),
        hotel,
        arrive: Some(Clock(time + hop.minutes)),
        ..empty_stop(StopKind::End)
    });
    Day {
        date: Date(rule.date),
        stops,
        drive_minutes: r.drive_minutes as u32,
        km: crate::quote::round2(r.km),
        fleet: None,
    }
}

fn stop_place(model: &TripModel, s: &RouteStop) -> (usize, ()) {
    match *s {
        RouteStop::Attraction(i) => (model.attractions[i].place, ()),
        RouteStop::Meal { restaurant, .. } => (model.restaurants[restaurant].place, ()),
    }
}

fn empty_stop(kind: StopKind) -> Stop {
    Stop {
        kind,
        id: None,
        meal: None,
        restaurant: None,
        place: None,
        hotel: None,
        arrive: None,
        start: None,
        end: None,
        depart: None,
    }
}
