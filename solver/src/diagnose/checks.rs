//! Fast necessary-condition checks: each finds one rule that cannot hold
//! whatever else the plan does, says so with the ids and numbers involved,
//! and, where it can, the change that would lift that one obstacle.

use crate::contract::clock::format_minutes;
use crate::contract::{Clock, DiagnosisItem, RelaxOp};
use crate::milp::elastic::elastic_rooming;
use crate::model::{DayEnd, Minute, TripModel};
use crate::planner::Prepared;
use std::collections::BTreeSet;

/// A finding of a fast check.
pub(crate) struct Finding {
    /// What to report.
    pub item: DiagnosisItem,
    /// Its relaxation must be applied before the elastic model can run (the elastic model has
    /// no slack for this rule: fleet, stars, restaurants, the day's end).
    pub prerequisite: bool,
    /// The trip day it is about.
    pub day: Option<usize>,
}

impl Finding {
    fn new(item: DiagnosisItem) -> Finding {
        Finding { item, prerequisite: false, day: None }
    }
}

/// Places of every hotel with enough stars (whether or not it has rooms).
fn hotel_places(m: &TripModel) -> Vec<usize> {
    m.hotels.iter().map(|h| h.place).collect::<BTreeSet<_>>().into_iter().collect()
}

/// Where day `d` may start and end, at any hotel with enough stars.
fn day_ends(m: &TripModel, d: usize, hotels: &[usize]) -> (Vec<usize>, Vec<usize>) {
    let starts = match m.days[d].start_place {
        Some(p) => vec![p],
        None => hotels.to_vec(),
    };
    let ends = match m.days[d].end {
        DayEnd::Depart(p) => vec![p],
        DayEnd::Hotel => hotels.to_vec(),
    };
    (starts, ends)
}

fn place_name(m: &TripModel, p: usize) -> &str {
    &m.places[p]
}

/// Runs every fast check.
pub(crate) fn fast_checks(p: &Prepared) -> Vec<Finding> {
    let mut out = Vec::new();
    fleet(p, &mut out);
    hotels(p, &mut out);
    restaurants(p, &mut out);
    // Day routes are only built to the hotels that can room the group and with the
    // restaurants that seat it: without those, a day or a must-visit without routes says
    // nothing about the day or the must-visit itself.
    let routes_tell = out.is_empty() || out.iter().all(|f| f.item.code == "fleet_too_small");
    days(p, routes_tell, &mut out);
    must_visits(p, routes_tell, &mut out);
    out
}

fn fleet(p: &Prepared, out: &mut Vec<Finding>) {
    let m = &p.model;
    let c = m.catalog();
    if !p.fleets.is_empty() {
        return;
    }
    let most: u64 = m.vehicles.iter().map(|v| v.seats as u64 * v.available.unwrap_or(0) as u64).sum();
    let short = (m.seats as u64).saturating_sub(most);
    let mut item = DiagnosisItem::general(
        "fleet_too_small",
        if m.vehicles.is_empty() {
            format!("no fleet seats the group: {} seats needed and the catalog lists no vehicle", m.seats)
        } else {
            format!("no fleet seats the group: {} seats needed, all available vehicles together seat {most}", m.seats)
        },
    )
    .with_ids(c.vehicles.iter().map(|v| v.id.clone()));
    // More of the biggest vehicle type: the fewest vehicles added.
    if let Some(v) = m.vehicles.iter().filter(|v| v.seats > 0).max_by_key(|v| (v.seats, std::cmp::Reverse(v.catalog))) {
        let add = short.div_ceil(v.seats as u64);
        let value = (v.available.unwrap_or(0) as u64 + add).min(u32::MAX as u64) as u32;
        item = item
            .with_relaxation(format!("add vehicles for {short} more seats"))
            .with_relax(vec![RelaxOp::SetVehicleAvailable { vehicle: c.vehicles[v.catalog].id.clone(), value }]);
    }
    out.push(Finding { item, prerequisite: true, day: None });
}

fn hotels(p: &Prepared, out: &mut Vec<Finding>) {
    let m = &p.model;
    let c = m.catalog();
    if m.nights() == 0 {
        return;
    }
    let min_stars = m.job.trip.hotel_min_stars.unwrap_or(0);
    if m.hotels.is_empty() {
        let best = c.hotels.iter().map(|h| h.stars).max();
        let mut item = DiagnosisItem::general(
            "no_hotel_stars",
            match best {
                Some(b) => format!(
                    "no hotel has {min_stars} stars or more (trip.hotel_min_stars); the best in the catalog has {b}"
                ),
                None => "the catalog lists no hotel, and the trip has nights".to_string(),
            },
        );
        if let Some(b) = best {
            item = item.with_relax(vec![RelaxOp::SetHotelMinStars { value: b }]);
        }
        out.push(Finding { item, prerequisite: true, day: None });
        return;
    }
    for (n, night) in p.rooming.iter().enumerate() {
        if !night.iter().all(|r| r.is_err()) {
            continue;
        }
        let date = m.days[n].date;
        let mut details = Vec::new();
        let mut best: Option<(u32, usize, Vec<RelaxOp>)> = None;
        for h in 0..night.len() {
            let hotel = &c.hotels[m.hotels[h].catalog];
            let terms = crate::rooming::terms_on(hotel, date);
            let sold = if terms.is_empty() {
                "sells no room that night".to_string()
            } else {
                format!(
                    "has {}",
                    terms
                        .iter()
                        .map(|t| format!("{} {}", t.allotment, hotel.rooms[t.index].kind))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            match elastic_rooming(hotel, date, &m.rooming) {
                Some(e) => {
                    let needs = e
                        .short
                        .iter()
                        .map(|s| {
                            format!("{} {} (largest allotment {})", s.needed, hotel.rooms[s.room].kind, s.allotment)
                        })
                        .collect::<Vec<_>>()
                        .join(", ");
                    details.push(format!("{} {sold} and needs {needs}", hotel.id));
                    let ops: Vec<RelaxOp> = e.allotment_ops(hotel, date);
                    let extra = e.extra_rooms();
                    if best.as_ref().is_none_or(|b| extra < b.0) {
                        best = Some((extra, h, ops));
                    }
                }
                None => details.push(format!("{} {sold} and no room type fits this rooming list", hotel.id)),
            }
        }
        let shown = details.len().min(6);
        let more = if details.len() > shown { format!("; and {} more", details.len() - shown) } else { String::new() };
        let mut item = DiagnosisItem::general(
            "no_hotel_rooms",
            format!(
                "no hotel{} has rooms for this rooming list on the night of {date}: {}{more}",
                if min_stars > 0 { format!(" of {min_stars} stars or more") } else { String::new() },
                details[..shown].join("; ")
            ),
        )
        .with_ids(night.iter().enumerate().map(|(h, _)| c.hotels[m.hotels[h].catalog].id.clone()));
        let mut prerequisite = false;
        match best {
            Some((_, _, ops)) => item = item.with_relax(ops),
            None => {
                // No hotel with enough stars can take this rooming list at all: the best hotel
                // below the minimum that can (with the rooms it would need).
                let lower = c
                    .hotels
                    .iter()
                    .filter(|h| h.stars < min_stars)
                    .filter_map(|h| elastic_rooming(h, date, &m.rooming).map(|e| (h, e)))
                    .max_by_key(|(h, e)| (h.stars, std::cmp::Reverse(e.extra_rooms())));
                match lower {
                    Some((h, e)) => {
                        let mut ops = vec![RelaxOp::SetHotelMinStars { value: h.stars }];
                        ops.extend(e.short.iter().map(|s| RelaxOp::SetAllotment {
                            hotel: h.id.clone(),
                            kind: h.rooms[s.room].kind.clone(),
                            date: crate::contract::Date(date),
                            rooms: s.needed,
                        }));
                        item = item.with_relax(ops);
                        prerequisite = true;
                    }
                    None => item = item.with_relaxation(format!("a hotel whose rooms fit this rooming list on {date}")),
                }
            }
        }
        out.push(Finding { item, prerequisite, day: Some(n) });
    }
}

fn restaurants(p: &Prepared, out: &mut Vec<Finding>) {
    let m = &p.model;
    let c = m.catalog();
    for (k, meal) in m.meals.iter().enumerate() {
        let needed = m.days.iter().any(|d| d.required_meals & (1 << k) != 0);
        if !needed || m.restaurants.iter().any(|r| r.serves & (1 << k) != 0) {
            continue;
        }
        let serving: Vec<&crate::contract::Restaurant> =
            c.restaurants.iter().filter(|r| r.meals.contains(&meal.name)).collect();
        let biggest = serving.iter().max_by_key(|r| r.seats.unwrap_or(0));
        let item = match biggest {
            Some(r) => DiagnosisItem::general(
                "no_restaurant",
                format!(
                    "no restaurant serves {} with {} seats or more (the largest, {}, has {})",
                    meal.name,
                    m.meal_covers,
                    r.id,
                    r.seats.unwrap_or(0)
                ),
            )
            .with_ids(serving.iter().map(|r| r.id.clone()))
            .with_relax(vec![RelaxOp::SetRestaurantSeats { restaurant: r.id.clone(), value: m.meal_covers }]),
            None => DiagnosisItem::general(
                "no_restaurant",
                format!("no restaurant in the catalog serves {}, which the trip requires (trip.meals)", meal.name),
            )
            .with_relax(vec![RelaxOp::DropMeal { meal: meal.name.clone() }]),
        };
        out.push(Finding { item, prerequisite: true, day: None });
    }
}

/// Days without any route: arrival after the day's end, too far, too little time, meals.
fn days(p: &Prepared, routes_tell: bool, out: &mut Vec<Finding>) {
    let m = &p.model;
    let hotels = hotel_places(m);
    for (d, routes) in p.routes.iter().enumerate() {
        if !routes.is_empty() {
            continue;
        }
        let rule = &m.days[d];
        let (starts, ends) = day_ends(m, d, &hotels);
        if d == 0 && m.days.len() > 1 && rule.start_time > rule.end_limit {
            let nearest = ends.iter().filter_map(|&e| p.travel.hop(starts[0], e)).map(|h| h.minutes).min();
            let mut item = DiagnosisItem::general(
                "arrival_after_day_end",
                format!(
                    "the group arrives at {} at {} on {}, after that day's end ({} by trip.day_end); no hotel can be reached in time",
                    place_name(m, starts[0]),
                    format_minutes(rule.start_time),
                    rule.date,
                    format_minutes(rule.end_limit)
                ),
            )
            .with_ids([place_name(m, starts[0]).to_string()]);
            if let Some(h) = nearest.filter(|h| rule.start_time + h <= 23 * 60 + 59) {
                item = item.with_relax(vec![RelaxOp::SetDayEnd { value: Clock(rule.start_time + h) }]);
            }
            out.push(Finding { item, prerequisite: true, day: Some(d) });
            continue;
        }
        if !routes_tell {
            continue;
        }
        let hops: Vec<(usize, usize, Minute)> = starts
            .iter()
            .flat_map(|&s| ends.iter().map(move |&e| (s, e)))
            .filter_map(|(s, e)| p.travel.hop(s, e).map(|h| (s, e, h.minutes)))
            .collect();
        let end_what = if matches!(rule.end, DayEnd::Depart(_)) { "the departure point" } else { "a hotel" };
        let Some(&(s, e, shortest)) = hops.iter().min_by_key(|h| h.2) else {
            out.push(Finding {
                item: DiagnosisItem::general(
                    "day_unroutable",
                    format!(
                        "day {} ({}): no road leads from {} to {end_what} (catalog.legs)",
                        d + 1,
                        rule.date,
                        starts.iter().map(|&s| place_name(m, s)).collect::<Vec<_>>().join(", ")
                    ),
                ),
                prerequisite: false,
                day: Some(d),
            });
            continue;
        };
        if rule.start_time + shortest > rule.end_limit {
            out.push(Finding {
                item: DiagnosisItem::general(
                    "day_unroutable",
                    format!(
                        "day {} ({}) starts at {} and must end at {end_what} by {}, but the shortest way ({} to {}) takes {shortest} minutes",
                        d + 1,
                        rule.date,
                        format_minutes(rule.start_time),
                        format_minutes(rule.end_limit),
                        place_name(m, s),
                        place_name(m, e)
                    ),
                )
                .with_ids([place_name(m, s).to_string(), place_name(m, e).to_string()]),
                prerequisite: false,
                day: Some(d),
            });
            continue;
        }
        if let Some(limit) = m.job.trip.max_drive_minutes {
            if shortest > limit as Minute {
                out.push(Finding {
                    item: DiagnosisItem::general(
                        "day_too_far",
                        format!(
                            "day {} ({}) cannot keep to {limit} drive minutes: the shortest way from {} to {end_what} ({}) takes {shortest}",
                            d + 1,
                            rule.date,
                            place_name(m, s),
                            place_name(m, e)
                        ),
                    )
                    .with_ids([place_name(m, s).to_string(), place_name(m, e).to_string()])
                    .with_relax(vec![RelaxOp::SetMaxDriveMinutes { value: shortest as u32 }]),
                    prerequisite: false,
                    day: Some(d),
                });
                continue;
            }
        }
        // Otherwise meals, opening hours or other must-visits stand in the way: the elastic
        // model says which (a virtual route for the day, or slack on another rule).
    }
}

/// Must-visits no route includes: closed, too long for its hours, out of reach in time, too far.
fn must_visits(p: &Prepared, routes_tell: bool, out: &mut Vec<Finding>) {
    let m = &p.model;
    let c = m.catalog();
    let hotels = hotel_places(m);
    for (i, a) in m.attractions.iter().enumerate().filter(|(_, a)| a.must) {
        let bit = 1u128 << i;
        if p.routes.iter().flatten().any(|r| r.set & bit != 0) {
            continue;
        }
        let attraction = &c.attractions[a.catalog];
        let label = match &attraction.name {
            Some(n) if !n.is_empty() => format!("{} ({n})", a.id),
            _ => a.id.clone(),
        };
        let drop = vec![RelaxOp::DropMustVisit { attraction: a.id.clone() }];
        let open: Vec<(usize, Vec<(Minute, Minute)>)> = m
            .days
            .iter()
            .enumerate()
            .map(|(d, day)| (d, TripModel::open_intervals(attraction, day.date)))
            .filter(|(_, iv)| !iv.is_empty())
            .collect();
        let first = m.days[0].date;
        let last = m.days[m.days.len() - 1].date;
        if open.is_empty() {
            out.push(Finding::new(
                DiagnosisItem::general(
                    "must_visit_closed",
                    format!("{label} is closed on every trip date: {first} ... {last}"),
                )
                .with_ids([a.id.clone()])
                .with_relaxation(format!("drop {} from must_visit or move the dates", a.id))
                .with_relax(drop),
            ));
            continue;
        }
        let longest = open.iter().flat_map(|(d, iv)| iv.iter().map(move |&(o, c)| (c - o, *d, o, c))).max();
        if let Some((len, d, o, cl)) = longest.filter(|l| l.0 < a.visit) {
            out.push(Finding::new(
                DiagnosisItem::general(
                    "visit_exceeds_hours",
                    format!(
                        "{label} takes {} minutes but is never open that long on a trip date: the longest opening is {len} minutes ({}-{} on {})",
                        a.visit,
                        format_minutes(o),
                        format_minutes(cl),
                        m.days[d].date
                    ),
                )
                .with_ids([a.id.clone()])
                .with_relax(drop),
            ));
            continue;
        }
        if !routes_tell {
            continue;
        }
        // Ignoring meals: the earliest start of a visit, and the least driving that fits the day.
        let mut earliest: Option<(Minute, usize, usize)> = None; // (arrival - latest start, day, start place)
        let mut least_drive: Option<(Minute, usize, usize)> = None; // (drive, day, start place)
        for (d, iv) in &open {
            let rule = &m.days[*d];
            let (starts, ends) = day_ends(m, *d, &hotels);
            for &s in &starts {
                let Some(go) = p.travel.hop(s, a.place) else { continue };
                let arrive = rule.start_time + go.minutes;
                let latest_start = iv.iter().map(|&(_, cl)| cl - a.visit).max().unwrap_or(Minute::MIN);
                let late = arrive - latest_start;
                if earliest.is_none_or(|e| late < e.0) {
                    earliest = Some((late, *d, s));
                }
                let Some(done) = iv.iter().map(|&(o, cl)| (arrive.max(o), cl)).find(|&(st, cl)| st + a.visit <= cl)
                else {
                    continue;
                };
                let done = done.0 + a.visit;
                for &e in &ends {
                    let Some(back) = p.travel.hop(a.place, e) else { continue };
                    if done + back.minutes <= rule.end_limit {
                        let drive = go.minutes + back.minutes;
                        if least_drive.is_none_or(|l| drive < l.0) {
                            least_drive = Some((drive, *d, s));
                        }
                    }
                }
            }
        }
        let limit = m.job.trip.max_drive_minutes.map(|x| x as Minute);
        let item = match (least_drive, limit) {
            (Some((drive, d, s)), Some(limit)) if drive > limit => DiagnosisItem::general(
                "must_visit_too_far",
                format!(
                    "{label} cannot be reached and visited within {limit} drive minutes from any hotel: the shortest way there and on takes {drive} minutes (from {} on {})",
                    place_name(m, s),
                    m.days[d].date
                ),
            )
            .with_ids([a.id.clone()])
            .with_relax(vec![RelaxOp::SetMaxDriveMinutes { value: drive as u32 }]),
            // It fits a day on its own: what keeps it out (meals, other must-visits, rooms)
            // is for the elastic model to find.
            (Some(_), _) => continue,
            (None, _) => {
                let detail = match earliest {
                    Some((late, d, s)) if late > 0 => {
                        let iv = &open.iter().find(|o| o.0 == d).map_or(&[][..], |o| &o.1[..]);
                        let close = iv.iter().map(|x| x.1).max().unwrap_or(0);
                        format!(
                            ": it closes at {} and takes {} minutes; the earliest arrival on any day it is open is {} ({} from {})",
                            format_minutes(close),
                            a.visit,
                            format_minutes(close - a.visit + late),
                            m.days[d].date,
                            place_name(m, s)
                        )
                    }
                    Some(_) => format!(
                        ": after the visit, the day's end ({}) cannot be reached in time on any day it is open",
                        if m.days.len() == 1 { "the departure point" } else { "a hotel or the departure point" }
                    ),
                    None => ": no road leads there from the day's start".to_string(),
                };
                DiagnosisItem::general(
                    "must_visit_unreachable",
                    format!("{label} cannot be reached and visited within a day's hours{detail}"),
                )
                .with_ids([a.id.clone()])
                .with_relax(drop)
            }
        };
        out.push(Finding::new(item));
    }
}
