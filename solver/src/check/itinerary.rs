//! Day routes: dates, start and end places and times, travel times, opening
//! hours, meals, the drive limit, each attraction once, every must-visit.

use super::travel::Roads;
use super::Report;
use crate::contract::{Clock, Plan, PlanJob, StopKind};
use chrono::{Datelike, Duration};
use std::collections::HashSet;

/// What the checker recomputed of a day, for pricing.
pub(crate) struct DayFacts {
    pub km: f64,
    pub toll: f64,
    pub drive: i64,
    pub attractions: Vec<String>,
    pub meals: Vec<(String, String)>,
}

fn at(c: Option<Clock>) -> Option<i64> {
    c.map(|c| c.0 as i64)
}

pub(crate) fn check(job: &PlanJob, plan: &Plan, r: &mut Report) -> Vec<DayFacts> {
    let c = &job.catalog;
    let t = &job.trip;
    let mut roads = Roads::new(c);
    let first = t.arrive.at.date();
    let last = t.depart.at.date();
    let n_days = (last - first).num_days() + 1;
    r.expect(plan.days.len() as i64 == n_days, "days", || {
        format!("the plan has {} days; the trip {first} .. {last} has {n_days}", plan.days.len())
    });
    r.expect(plan.nights.len() as i64 == n_days - 1, "nights", || {
        format!("the plan has {} nights; the trip has {}", plan.nights.len(), n_days - 1)
    });
    let pax = job.group.pax.adult + job.group.pax.child;
    let covers = job.group.meal_covers.unwrap_or(pax + 1);
    let day_start = t.day_start.map_or(480, |c| c.0 as i64);
    let day_end = t.day_end.map_or(1260, |c| c.0 as i64);
    let latest = t.depart.at.0 - Duration::minutes(t.depart.buffer_minutes.unwrap_or(0) as i64);
    let mut visited: HashSet<String> = HashSet::new();
    let mut facts = Vec::new();
    for (d, day) in plan.days.iter().enumerate() {
        let date = first + Duration::days(d as i64);
        let label = format!("day {} ({date})", d + 1);
        r.expect(day.date.0 == date, "days", || format!("{label} is dated {}", day.date));
        let is_last = d as i64 == n_days - 1;
        let start_time = if d == 0 { t.arrive.at.clock().0 as i64 } else { day_start };
        let end_limit =
            if is_last { (latest - date.and_hms_opt(0, 0, 0).expect("midnight")).num_minutes() } else { day_end };
        let night_hotel = plan.nights.get(d).map(|n| n.hotel.clone());
        let prev_hotel = if d > 0 { plan.nights.get(d - 1).map(|n| n.hotel.clone()) } else { None };
        let hotel_place = |h: &Option<String>| -> Option<String> {
            h.as_ref().and_then(|h| c.hotels.iter().find(|x| &x.id == h)).map(|x| x.place.clone())
        };
        let mut f = DayFacts { km: 0.0, toll: 0.0, drive: 0, attractions: vec![], meals: vec![] };
        let stops = &day.stops;
        if stops.len() < 2 || stops[0].kind != StopKind::Start || stops[stops.len() - 1].kind != StopKind::End {
            r.fail("day_shape", format!("{label} must run from a start stop to an end stop"));
            facts.push(f);
            continue;
        }
        let start_place = if d == 0 { Some(t.arrive.place.clone()) } else { hotel_place(&prev_hotel) };
        r.expect(stops[0].place == start_place, "day_start", || {
            format!("{label} starts at {:?}, not at {:?}", stops[0].place, start_place)
        });
        let depart = at(stops[0].depart).unwrap_or(start_time);
        r.expect(depart >= start_time, "day_start", || {
            format!("{label} leaves at {} before the day starts at {}", Clock(depart as i32), Clock(start_time as i32))
        });
        let mut place = stops[0].place.clone().unwrap_or_default();
        let mut time = depart;
        let mut meals_today: HashSet<String> = HashSet::new();
        for st in &stops[1..] {
            let to = match st.kind {
                StopKind::Attraction => {
                    c.attractions.iter().find(|a| Some(&a.id) == st.id.as_ref()).map(|a| a.place.clone())
                }
                StopKind::Meal => {
                    c.restaurants.iter().find(|x| Some(&x.id) == st.restaurant.as_ref()).map(|x| x.place.clone())
                }
                StopKind::End => st.place.clone(),
                StopKind::Start => None,
            };
            let Some(to) = to else {
                r.fail("reference", format!("{label}: a {:?} stop names nothing in the catalog", st.kind));
                continue;
            };
            let Some(hop) = roads.path(&place, &to) else {
                r.fail("travel", format!("{label}: no road from {place} to {to}"));
                continue;
            };
            f.km += hop.km;
            f.toll += hop.toll;
            f.drive += hop.minutes;
            let arrive = at(st.arrive).unwrap_or(time + hop.minutes);
            r.expect(arrive >= time + hop.minutes, "travel", || {
                format!(
                    "{label}: arrives at {to} at {} but the drive from {place} takes {} min from {}",
                    Clock(arrive as i32),
                    hop.minutes,
                    Clock(time as i32)
                )
            });
            match st.kind {
                StopKind::Attraction => {
                    let id = st.id.clone().unwrap_or_default();
                    let a = c.attractions.iter().find(|a| a.id == id).expect("found above");
                    let (Some(s), Some(e)) = (at(st.start), at(st.end)) else {
                        r.fail("timing", format!("{label}: visit to {id} has no start or end"));
                        continue;
                    };
                    r.expect(s >= arrive, "timing", || format!("{label}: {id} starts before the group arrives"));
                    r.expect(e - s == a.visit_minutes as i64, "visit_length", || {
                        format!("{label}: {id} lasts {} min, not its {} min", e - s, a.visit_minutes)
                    });
                    let closed = a.closed_dates.iter().any(|x| x.0 == date);
                    let wd = date.weekday().number_from_monday() as u8;
                    let fits = match &a.hours {
                        None => true,
                        Some(h) => {
                            h.iter().any(|h| h.weekdays.contains(&wd) && s >= h.open.0 as i64 && e <= h.close.0 as i64)
                        }
                    };
                    r.expect(!closed && fits, "opening_hours", || {
                        format!(
                            "{label}: {id} visited {}-{} outside its opening hours (or on a closed date)",
                            Clock(s as i32),
                            Clock(e as i32)
                        )
                    });
                    r.expect(visited.insert(id.clone()), "attraction_once", || format!("{id} is visited twice"));
                    f.attractions.push(id);
                    time = e;
                }
                StopKind::Meal => {
                    let rid = st.restaurant.clone().unwrap_or_default();
                    let meal = st.meal.clone().unwrap_or_default();
                    let rest = c.restaurants.iter().find(|x| x.id == rid).expect("found above");
                    let (Some(s), Some(e)) = (at(st.start), at(st.end)) else {
                        r.fail("timing", format!("{label}: {meal} at {rid} has no start or end"));
                        continue;
                    };
                    r.expect(s >= arrive, "timing", || format!("{label}: {meal} starts before the group arrives"));
                    r.expect(rest.meals.contains(&meal), "meal_served", || {
                        format!("{label}: {rid} does not serve {meal}")
                    });
                    r.expect(rest.seats.is_none_or(|x| x >= covers), "meal_seats", || {
                        format!("{label}: {rid} seats {:?}, fewer than {covers} covers", rest.seats)
                    });
                    match t.meals.get(&meal) {
                        Some([o, cl]) => r.expect(s >= o.0 as i64 && s <= cl.0 as i64, "meal_window", || {
                            format!("{label}: {meal} starts at {} outside its window {o}-{cl}", Clock(s as i32))
                        }),
                        None => r.fail("meal_window", format!("{label}: {meal} is not a meal of the trip")),
                    }
                    r.expect(e - s == rest.minutes.unwrap_or(60) as i64, "meal_length", || {
                        format!("{label}: {meal} at {rid} lasts {} min, not {}", e - s, rest.minutes.unwrap_or(60))
                    });
                    r.expect(meals_today.insert(meal.clone()), "meal_once", || format!("{label}: {meal} twice"));
                    f.meals.push((rid, meal));
                    time = e;
                }
                StopKind::End => {
                    time = arrive;
                    if is_last {
                        r.expect(st.place.as_ref() == Some(&t.depart.place), "day_end", || {
                            format!("{label}: the trip ends at {:?}, not at {}", st.place, t.depart.place)
                        });
                    } else {
                        let hp = hotel_place(&night_hotel);
                        r.expect(st.place == hp && st.hotel == night_hotel, "day_end", || {
                            format!(
                                "{label}: ends at {:?}/{:?}, not at the night's hotel {:?}",
                                st.place, st.hotel, night_hotel
                            )
                        });
                    }
                    r.expect(arrive <= end_limit, "day_end", || {
                        format!(
                            "{label}: arrives at {} after the limit {}",
                            Clock(arrive as i32),
                            Clock(end_limit as i32)
                        )
                    });
                }
                StopKind::Start => {}
            }
            place = to;
        }
        for (name, [o, cl]) in &t.meals {
            if start_time <= o.0 as i64 && end_limit >= cl.0 as i64 {
                r.expect(meals_today.contains(name), "meal_required", || {
                    format!("{label}: {name} is required (the day spans its window {o}-{cl}) but not planned")
                });
            }
        }
        r.expect(day.drive_minutes as i64 == f.drive, "drive_minutes", || {
            format!("{label}: drive_minutes {} but the route drives {}", day.drive_minutes, f.drive)
        });
        r.expect((day.km - f.km).abs() < 0.011, "km", || {
            format!("{label}: km {} but the route drives {:.2}", day.km, f.km)
        });
        if let Some(m) = t.max_drive_minutes {
            r.expect(f.drive <= m as i64, "max_drive", || {
                format!("{label}: drives {} min, over the limit {m}", f.drive)
            });
        }
        facts.push(f);
    }
    for m in &t.must_visit {
        r.expect(visited.contains(m), "must_visit", || format!("must-visit {m} is not visited"));
    }
    facts
}
