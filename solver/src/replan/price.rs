//! The quote sheet of a plan given as wire days and nights (a re-planned trip: the fixed
//! past and the new rest, perhaps with another fleet from some day on), itemised exactly
//! as [`crate::extract`] itemises an optimised plan.

use crate::contract::{Attraction, Day, FleetUse, Line, Night, PlanJob, RoomUse, StopKind, UnitKind};
use crate::graph::{Hop, TravelMatrix, TravelNetwork};
use crate::quote::line;
use crate::rooming::terms_on;
use chrono::NaiveDate;
use std::collections::{BTreeSet, HashMap};

/// Prices wire plans of one job: its catalog, group and shortest paths.
pub struct Pricer<'a> {
    /// The job (catalog, group, trip).
    pub job: &'a PlanJob,
    place_of: HashMap<&'a str, usize>,
    travel: TravelMatrix,
}

impl<'a> Pricer<'a> {
    /// A pricer for `job` that knows the paths between every place of `days` and `extra`.
    pub fn new(job: &'a PlanJob, days: &[&Day], extra: &[&str]) -> Pricer<'a> {
        let c = &job.catalog;
        let places: Vec<String> = c.places.iter().map(|p| p.id.clone()).collect();
        let place_of: HashMap<&str, usize> = c.places.iter().enumerate().map(|(i, p)| (p.id.as_str(), i)).collect();
        let mut used: BTreeSet<usize> = extra.iter().filter_map(|p| place_of.get(p).copied()).collect();
        for d in days {
            for s in &d.stops {
                if let Some(p) = stop_place(job, s.kind, s.id.as_deref(), s.restaurant.as_deref(), s.place.as_deref()) {
                    used.extend(place_of.get(p));
                }
            }
        }
        let used: Vec<usize> = used.into_iter().collect();
        let travel = TravelNetwork::build(c, &places).matrix(&used);
        Pricer { job, place_of, travel }
    }

    /// The fewest-minutes hop between two place ids (zero at the same place).
    pub fn hop(&self, from: &str, to: &str) -> Option<Hop> {
        self.travel.hop(*self.place_of.get(from)?, *self.place_of.get(to)?)
    }

    /// The place of a stop.
    pub fn place<'s>(&'s self, s: &'s crate::contract::Stop) -> Option<&'s str> {
        stop_place(self.job, s.kind, s.id.as_deref(), s.restaurant.as_deref(), s.place.as_deref())
    }

    /// Drive minutes, km and tolls of stops `0..=upto` of a day (hop by hop).
    pub fn driven(&self, day: &Day, upto: usize) -> Hop {
        let mut total = Hop::default();
        for w in day.stops[..=upto.min(day.stops.len() - 1)].windows(2) {
            if let (Some(a), Some(b)) = (self.place(&w[0]), self.place(&w[1])) {
                total = total + self.hop(a, b).unwrap_or_default();
            }
        }
        total
    }

    /// Hotel lines of a night: each room type at that night's rate, extra beds, FOC.
    pub fn night_lines(&self, night: &Night) -> Vec<Line> {
        let Some(h) = self.job.catalog.hotels.iter().find(|h| h.id == night.hotel) else { return Vec::new() };
        let date = night.date.0;
        let terms = terms_on(h, date);
        let weekend = crate::rooming::is_weekend_night(date);
        let mut out = Vec::new();
        let mut rooms = 0;
        for (index, rt) in h.rooms.iter().enumerate() {
            let count: u32 = night.rooms.iter().filter(|r| r.kind == rt.kind).map(|r| r.count).sum();
            if count == 0 {
                continue;
            }
            rooms += count;
            let price = terms.iter().find(|t| t.index == index).map(|t| t.price).unwrap_or_else(|| {
                let rate = rt.rates.iter().find(|x| x.from.0 <= date && date <= x.to.0);
                rate.map_or(0.0, |x| if weekend { x.weekend_price.unwrap_or(x.price) } else { x.price })
            });
            out.push(line("hotel", &h.id, Some(date), format!("{} x {count}", rt.kind), count as f64, price));
        }
        let beds = extra_beds(self.job, night);
        if beds > 0 {
            let price = h.extra_bed_price.unwrap_or(0.0);
            out.push(line("hotel", &h.id, Some(date), format!("extra bed x {beds}"), beds as f64, price));
        }
        let foc = foc_rooms(self.job, &night.hotel, rooms);
        if foc > 0 {
            let value = h.foc.as_ref().map_or(0.0, |f| f.free_value);
            out.push(line("hotel", &h.id, Some(date), format!("FOC x {foc}"), foc as f64, -value));
        }
        out
    }

    /// Vehicle lines of a day driven `km` with `toll` per vehicle by `fleet`.
    pub fn vehicle_lines(&self, date: NaiveDate, fleet: &[FleetUse], km: f64, toll: f64) -> Vec<Line> {
        let mut out = Vec::new();
        for f in fleet {
            let Some(v) = self.job.catalog.vehicles.iter().find(|v| v.id == f.vehicle) else { continue };
            let (id, n) = (&v.id, f.count);
            out.push(line("vehicle", id, Some(date), format!("{id} x {n} day rate"), n as f64, v.day_rate));
            let excess = (km - v.km_included).max(0.0);
            if excess > 0.0 && v.per_km > 0.0 {
                let shown = (excess * 100.0).round() / 100.0;
                out.push(line(
                    "vehicle",
                    id,
                    Some(date),
                    format!("{id} x {n} beyond {} km: {shown} km", v.km_included),
                    n as f64 * excess,
                    v.per_km,
                ));
            }
            if toll > 0.0 {
                out.push(line("vehicle", id, Some(date), format!("{id} x {n} tolls"), n as f64, toll));
            }
        }
        out
    }

    /// Ticket lines of a visit.
    pub fn ticket_lines(&self, date: NaiveDate, attraction: &str) -> Vec<Line> {
        let g = &self.job.group;
        let Some(a) = self.job.catalog.attractions.iter().find(|a| a.id == attraction) else { return Vec::new() };
        let (adult, child, group) = ticket_prices(a, g.pax.adult + g.pax.child);
        let prefix = if group { "group " } else { "" };
        let mut out = Vec::new();
        if g.pax.adult > 0 {
            let n = g.pax.adult;
            out.push(line("ticket", &a.id, Some(date), format!("{prefix}adult ticket x {n}"), n as f64, adult));
        }
        if g.pax.child > 0 {
            let n = g.pax.child;
            out.push(line("ticket", &a.id, Some(date), format!("{prefix}child ticket x {n}"), n as f64, child));
        }
        out
    }

    /// Meal lines of a meal.
    pub fn meal_lines(&self, date: NaiveDate, restaurant: &str, meal: &str) -> Vec<Line> {
        let g = &self.job.group;
        let Some(r) = self.job.catalog.restaurants.iter().find(|r| r.id == restaurant) else { return Vec::new() };
        let pax = g.pax.adult + g.pax.child;
        let covers = g.pax.adult + g.meal_covers.unwrap_or(pax + 1).saturating_sub(pax);
        let mut out = Vec::new();
        if covers > 0 {
            out.push(line(
                "meal",
                &r.id,
                Some(date),
                format!("{meal} adults+staff x {covers}"),
                covers as f64,
                r.per_pax,
            ));
        }
        if g.pax.child > 0 {
            let n = g.pax.child;
            let price = r.child_per_pax.unwrap_or(r.per_pax);
            out.push(line("meal", &r.id, Some(date), format!("{meal} children x {n}"), n as f64, price));
        }
        out
    }

    /// The guide and fee lines of a trip of `days` days.
    pub fn trip_lines(&self, days: usize) -> Vec<Line> {
        let c = &self.job.catalog;
        let g = &self.job.group;
        let pax = g.pax.adult + g.pax.child;
        let mut out = Vec::new();
        if let Some(gid) = &self.job.trip.guide {
            let fee = c.guides.iter().find(|x| &x.id == gid).map_or(0.0, |x| x.day_fee);
            out.push(line("guide", gid, None, format!("{gid} x {days} days"), days as f64, fee));
        }
        for f in &c.fees {
            if f.per_pax_per_day != 0.0 {
                let item = format!("{} x {pax} pax x {days} days", f.name);
                out.push(line("fee", &f.name, None, item, pax as f64 * days as f64, f.per_pax_per_day));
            }
            if f.per_pax != 0.0 {
                out.push(line("fee", &f.name, None, format!("{} x {pax} pax", f.name), pax as f64, f.per_pax));
            }
        }
        out
    }

    /// Every line of a whole plan: nights, each day's vehicles (`fleets[d]`), tickets, meals,
    /// guide and fees; lines of quantity 0 left out.
    pub fn plan_lines(&self, days: &[Day], nights: &[Night], fleets: &[&[FleetUse]]) -> Vec<Line> {
        let mut lines: Vec<Line> = nights.iter().flat_map(|n| self.night_lines(n)).collect();
        for (d, day) in days.iter().enumerate() {
            let hop = self.driven(day, day.stops.len() - 1);
            lines.extend(self.vehicle_lines(day.date.0, fleets[d], hop.km, hop.toll));
        }
        let mut meals = Vec::new();
        for day in days {
            for s in &day.stops {
                match s.kind {
                    StopKind::Attraction => lines.extend(self.ticket_lines(day.date.0, s.id.as_deref().unwrap_or(""))),
                    StopKind::Meal => meals.extend(self.meal_lines(
                        day.date.0,
                        s.restaurant.as_deref().unwrap_or(""),
                        s.meal.as_deref().unwrap_or(""),
                    )),
                    _ => {}
                }
            }
        }
        lines.extend(meals);
        lines.extend(self.trip_lines(days.len()));
        lines.retain(|l| l.qty != 0.0);
        lines
    }
}

/// The exact (unrounded) sum of lines.
pub fn exact(lines: &[Line]) -> f64 {
    lines.iter().map(|l| l.qty * l.unit_price).sum()
}

fn stop_place<'a>(
    job: &'a PlanJob,
    kind: StopKind,
    id: Option<&str>,
    restaurant: Option<&str>,
    place: Option<&'a str>,
) -> Option<&'a str> {
    let c = &job.catalog;
    match kind {
        StopKind::Start | StopKind::End => place,
        StopKind::Attraction => c.attractions.iter().find(|a| Some(a.id.as_str()) == id).map(|a| a.place.as_str()),
        StopKind::Meal => c.restaurants.iter().find(|r| Some(r.id.as_str()) == restaurant).map(|r| r.place.as_str()),
    }
}

/// Adult and child ticket prices for a group of `pax`, and whether the group price applies.
pub fn ticket_prices(a: &Attraction, pax: u32) -> (f64, f64, bool) {
    let adult = a.ticket.as_ref().map_or(0.0, |t| t.adult);
    let child = a.ticket.as_ref().map_or(0.0, |t| t.child.unwrap_or(t.adult));
    match &a.group_ticket {
        Some(g) if pax >= g.min_pax => (g.adult.unwrap_or(adult), g.child.unwrap_or(child), true),
        _ => (adult, child, false),
    }
}

/// Extra beds a night's rooms need (families in a room one bed short).
pub fn extra_beds(job: &PlanJob, night: &Night) -> u32 {
    let Some(h) = job.catalog.hotels.iter().find(|h| h.id == night.hotel) else { return 0 };
    night
        .rooms
        .iter()
        .filter(|r: &&RoomUse| r.unit == UnitKind::Family)
        .filter(|r| h.rooms.iter().find(|x| x.kind == r.kind).is_some_and(|x| x.sleeps < r.size.unwrap_or(0)))
        .map(|r| r.count)
        .sum()
}

/// FOC rooms `rooms` booked at a hotel earn.
pub fn foc_rooms(job: &PlanJob, hotel: &str, rooms: u32) -> u32 {
    job.catalog
        .hotels
        .iter()
        .find(|h| h.id == hotel)
        .and_then(|h| h.foc.as_ref())
        .filter(|f| f.per > 0)
        .map_or(0, |f| rooms / f.per)
}
