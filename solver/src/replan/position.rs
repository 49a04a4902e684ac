//! Where the group is at `now`: what of the confirmed plan has happened and is kept, and
//! where and when the re-planned rest begins.
//!
//! - Days before `now`'s date happened as confirmed, and so did their nights.
//! - On `now`'s date, the stops that ended at or before `now` happened; so does a visit or
//!   meal under way at `now` (it is finished), unless an event closes that attraction today.
//!   The rest of the day is re-planned from the place of the last stop kept, leaving at
//!   `max(its end, now) + delay`. A day whose end (the hotel, or the departure point) was
//!   reached by `now` is kept whole, with its night.
//! - Before the trip, nothing has happened: the rest is the whole trip from the arrival,
//!   `delay` minutes late.

use super::events;
use super::price::Pricer;
use crate::contract::{Day, Event, ReplanJob, StopKind};
use crate::graph::Hop;
use chrono::Duration;
use std::collections::BTreeSet;

/// What has happened by `now`, and where the rest begins.
#[derive(Clone, Debug, PartialEq)]
pub enum Position {
    /// The whole trip is over by `now`: nothing to re-plan.
    Over,
    /// The rest begins on day `first` at `place`, at minute `at` of that date.
    Resume(Resume),
}

/// Where and when the re-planned rest of the trip begins.
#[derive(Clone, Debug, PartialEq)]
pub struct Resume {
    /// The first re-planned day (and night): days and nights before it are kept.
    pub first: usize,
    /// Stops of day `first` kept (the start stop, then visits and meals), when the group
    /// resumes in the middle of that day; 0 when the day is re-planned from its start place
    /// at the day's own start (no stop of it kept).
    pub kept_stops: usize,
    /// Place id where the rest begins.
    pub place: String,
    /// Minute of day `first`'s date when the group is ready to go on.
    pub at: i32,
    /// What day `first` drove before the rest begins.
    pub driven: Hop,
    /// Meals had on day `first` before the rest begins.
    pub meals_had: BTreeSet<String>,
    /// Attractions visited before the rest begins.
    pub done: BTreeSet<String>,
}

/// Works out the group's position at `now` from the confirmed plan.
pub fn locate(r: &ReplanJob, pricer: &Pricer<'_>) -> Position {
    let t = &r.job.trip;
    let delay = events::delay(&r.events);
    let days = &r.confirmed.days;
    let first = t.arrive.at.date();
    let now = r.now.0;
    let visited = |upto_day: usize| -> BTreeSet<String> {
        days[..upto_day]
            .iter()
            .flat_map(|d| d.stops.iter())
            .filter(|s| s.kind == StopKind::Attraction)
            .filter_map(|s| s.id.clone())
            .collect()
    };
    if now <= t.arrive.at.0 {
        return Position::Resume(Resume {
            first: 0,
            kept_stops: 0,
            place: t.arrive.place.clone(),
            at: t.arrive.at.clock().0 + delay,
            driven: Hop::default(),
            meals_had: BTreeSet::new(),
            done: BTreeSet::new(),
        });
    }
    let index = (now.date() - first).num_days();
    if index >= days.len() as i64 {
        return Position::Over;
    }
    let d = index as usize;
    let day: &Day = &days[d];
    let date = first + Duration::days(d as i64);
    let minute = (now - date.and_hms_opt(0, 0, 0).expect("midnight")).num_minutes() as i32;
    let end = &day.stops[day.stops.len() - 1];
    if end.arrive.is_some_and(|a| a.0 <= minute) {
        // The day is over: the group is at its hotel (or has left).
        if d + 1 == days.len() {
            return Position::Over;
        }
        let place = pricer.place(end).unwrap_or_default().to_string();
        let day_start = t.day_start.map_or(8 * 60, |c| c.0);
        return Position::Resume(Resume {
            first: d + 1,
            kept_stops: 0,
            place,
            at: day_start + delay,
            driven: Hop::default(),
            meals_had: BTreeSet::new(),
            done: visited(d + 1),
        });
    }
    // The day in progress: keep the stops finished by now, and one under way.
    let inner = &day.stops[1..day.stops.len() - 1];
    let mut kept = 1; // the start stop
    for s in inner {
        let ended = s.end.is_some_and(|e| e.0 <= minute);
        let under_way = s.start.is_some_and(|x| x.0 <= minute)
            && !(s.kind == StopKind::Attraction && closed_today(&r.events, s.id.as_deref(), date));
        if ended || under_way {
            kept += 1;
        } else {
            break;
        }
    }
    let last = &day.stops[kept - 1];
    let last_end = if kept == 1 { last.depart.map_or(0, |c| c.0) } else { last.end.map_or(0, |c| c.0) };
    let mut done = visited(d);
    let mut meals_had = BTreeSet::new();
    for s in &day.stops[1..kept] {
        match s.kind {
            StopKind::Attraction => done.extend(s.id.clone()),
            StopKind::Meal => meals_had.extend(s.meal.clone()),
            _ => {}
        }
    }
    Position::Resume(Resume {
        first: d,
        kept_stops: kept,
        place: pricer.place(last).unwrap_or_default().to_string(),
        at: last_end.max(minute) + delay,
        driven: pricer.driven(day, kept - 1),
        meals_had,
        done,
    })
}

fn closed_today(events: &[Event], id: Option<&str>, date: chrono::NaiveDate) -> bool {
    id.is_some_and(|id| events::closed_on(events, id, date))
}
