//! When a what-if scenario's day routes are the base's: the travel matrix and the route
//! search depend only on the places and legs, the days, the meals, the listed attractions
//! (where, how long, when open), the restaurants, the drive limit and where the group may
//! sleep each night. A scenario that changes only hotel prices or allotments (with the same
//! usable hotels each night), vehicles or tickets gets the base's routes, with tickets and
//! values priced again — exactly what a fresh search would give, at none of its cost.

use crate::model::TripModel;
use crate::planner::{night_places, Prepared};
use crate::rooming::{best_rooming, terms_on, NightRooming, RoomingFailure};
use crate::routes::{DayRoute, RouteStop};
use rayon::prelude::*;

/// The rooming table of `model`: a cell of the same hotel (as in the catalog), date and
/// rooming list as one of `base` is taken from it; the others are solved (each distinct
/// hotel and terms once, in parallel), as [`crate::planner::prepare`] would.
pub fn rooming_table(base: &Prepared, model: &TripModel) -> Vec<Vec<Result<NightRooming, RoomingFailure>>> {
    let b = &base.model;
    let c = model.catalog();
    let same_group = b.rooming == model.rooming;
    let carried = |n: usize, h: usize| -> Option<Result<NightRooming, RoomingFailure>> {
        let hotel = &c.hotels[model.hotels[h].catalog];
        let bn = b.days.iter().position(|d| d.date == model.days[n].date).filter(|&bn| bn < b.nights())?;
        let bh = b.hotels.iter().position(|o| b.catalog().hotels[o.catalog].id == hotel.id)?;
        (same_group && json(&b.catalog().hotels[b.hotels[bh].catalog]) == json(hotel))
            .then(|| base.rooming[bn][bh].clone())
    };
    let mut table: Vec<Vec<Option<Result<NightRooming, RoomingFailure>>>> =
        (0..model.nights()).map(|n| (0..model.hotels.len()).map(|h| carried(n, h)).collect()).collect();
    // The rest, each distinct (hotel, terms) once.
    let key =
        |n: usize, h: usize| (h, format!("{:?}", terms_on(&c.hotels[model.hotels[h].catalog], model.days[n].date)));
    let mut todo: Vec<((usize, String), (usize, usize))> = Vec::new();
    let mut slot: Vec<Vec<usize>> = vec![vec![usize::MAX; model.hotels.len()]; table.len()];
    for (n, row) in table.iter().enumerate() {
        for (h, cell) in row.iter().enumerate() {
            if cell.is_none() {
                let k = key(n, h);
                slot[n][h] = todo.iter().position(|(x, _)| *x == k).unwrap_or_else(|| {
                    todo.push((k, (n, h)));
                    todo.len() - 1
                });
            }
        }
    }
    let solved: Vec<Result<NightRooming, RoomingFailure>> = todo
        .par_iter()
        .map(|&(_, (n, h))| best_rooming(&c.hotels[model.hotels[h].catalog], model.days[n].date, &model.rooming))
        .collect();
    for (n, row) in table.iter_mut().enumerate() {
        for (h, cell) in row.iter_mut().enumerate() {
            if cell.is_none() {
                *cell = Some(solved[slot[n][h]].clone());
            }
        }
    }
    table.into_iter().map(|row| row.into_iter().map(|c| c.expect("filled")).collect()).collect()
}

/// Whether `model` (with its rooming table) would search the same day routes over the same
/// travel matrix as `base`.
pub fn routes_carry_over(
    base: &Prepared,
    model: &TripModel,
    rooming: &[Vec<Result<NightRooming, RoomingFailure>>],
) -> bool {
    let b = &base.model;
    let same_attractions = b.attractions.len() == model.attractions.len()
        && b.attractions.iter().zip(&model.attractions).all(|(x, y)| {
            let (cx, cy) = (&b.catalog().attractions[x.catalog], &model.catalog().attractions[y.catalog]);
            (x.catalog, &x.id, x.place, x.visit) == (y.catalog, &y.id, y.place, y.visit)
                && json(&cx.hours) == json(&cy.hours)
                && json(&cx.closed_dates) == json(&cy.closed_dates)
        });
    b.places == model.places
        && b.days == model.days
        && b.meals == model.meals
        && b.restaurants == model.restaurants
        && b.hotels == model.hotels
        && b.job.trip.max_drive_minutes == model.job.trip.max_drive_minutes
        && same_attractions
        && json(&b.catalog().places) == json(&model.catalog().places)
        && json(&b.catalog().legs) == json(&model.catalog().legs)
        && night_places(b, &base.rooming) == night_places(model, rooming)
}

/// The base's routes with the model's tickets and values.
pub fn carried_routes(base: &Prepared, model: &TripModel) -> Vec<Vec<DayRoute>> {
    base.routes
        .iter()
        .map(|day| {
            day.iter()
                .map(|r| {
                    let mut r = r.clone();
                    r.ticket_cost = r
                        .stops
                        .iter()
                        .filter_map(|s| match s {
                            RouteStop::Attraction(i) => Some(model.attractions[*i].tickets.total),
                            RouteStop::Meal { .. } => None,
                        })
                        .sum();
                    r.value = (0..model.attractions.len())
                        .filter(|i| r.set & (1u128 << i) != 0)
                        .map(|i| model.attractions[i].value)
                        .sum();
                    r
                })
                .collect()
        })
        .collect()
}

/// A wire value as JSON, to compare values that have no `PartialEq`.
fn json<T: serde::Serialize>(v: &T) -> serde_json::Value {
    serde_json::to_value(v).unwrap_or(serde_json::Value::Null)
}
