//! Roomings added to a group's options as the decomposition goes: at room prices, what
//! makes a group's pricing exact at any room prices, with or without a complete option
//! search ([`super::options`]); and within what the other groups leave, for the repair.
//!
//! A group's rooming at one hotel on one night touches nothing else of its plan but its
//! budget: the routes, the hotel changes and the other nights do not depend on which rooms
//! it takes there. So, for a group without a budget, the best plan at some prices takes,
//! at each hotel and night, the rooming of least cost plus room prices plus change cost
//! against its current booking. That rooming is one small MILP
//! ([`best_rooming_charged`]). Added to the group's options before the group is priced,
//! it puts an optimal plan at those prices within the group's block, so the block's bound
//! is the group's. The new options stay (after the old ones, so the plans already in the
//! pool keep their indices) and give the master and recombination dearer roomings that
//! free contested rooms.
//!
//! A group with a budget might need a rooming of lower cost but higher price to stay
//! within it, so its rooms are priced only where its option search ran to the end.
//!
//! The repair and the diving do the same within what the other groups leave
//! ([`fitting_roomings`]), in batches of up to [`super::neighbourhood::WHOLE`] groups:
//! where a room type is full, a group whose options all take it gets the cheapest rooming
//! that fits, rather than losing the hotel. (In larger batches the groups so placed took
//! the last rooms of crowded hotels and blocked the groups after them.)

use super::block::{booked_by_type, GroupInput, Options};
use super::colgen::seconds_left;
use super::options::rooms_by_type;
use super::pricing::{Prices, PricingTerms};
use super::resource::Resource;
use crate::contract::{Allotment, Date};
use crate::model::TripModel;
use crate::rooming::{best_rooming_charged, terms_on, Charges, NightRooming, RoomingFailure};
use rayon::prelude::*;
use std::collections::HashMap;
use std::time::Instant;

/// A rooming a group's options lack: (night, hotel option, rooming).
pub type NewOption = (usize, usize, NightRooming);

/// Whether a group's pricing is exact at any room prices once its options are extended
/// at those prices ([`missing_roomings`]): it has no budget.
pub fn priced_exactly(model: &TripModel) -> bool {
    model.budget_total.is_none()
}

/// Per night and hotel option of group `g` where a room has a price or the group has
/// booked rooms, the rooming of least cost plus room prices plus change cost, when the
/// group's options there lack it. `None` when a rooming MILP failed (the group's options
/// then do not make its pricing exact).
pub fn missing_roomings(terms: PricingTerms<'_>, g: &GroupInput<'_>, prices: &Prices) -> Option<Vec<NewOption>> {
    let model = &g.prepared.model;
    let mut out = Vec::new();
    for HotelNight { night: n, hotel: h, options, catalog: hc, date } in hotel_nights(g) {
        let hotel = &terms.catalog.hotels[hc];
        let per_room: Vec<(usize, f64)> = terms_on(hotel, date)
            .iter()
            .filter_map(|t| {
                let r = Resource::Room { hotel: hc, room: t.index, date };
                prices.get(&r).filter(|&&pi| pi > 0.0).map(|&pi| (t.index, pi))
            })
            .collect();
        let keep = booked_at(terms, g, hc, date);
        if per_room.is_empty() && keep.is_empty() {
            // The first option is the cheapest rooming: the best with nothing charged.
            continue;
        }
        let charges = Charges { keep: &keep, per_room_night: terms.costs.hotel_room_night, per_room: &per_room };
        // No rooming costs less than the cheapest (the first option), and charges are not
        // negative: an option charged nothing on top of the least cost is already the best.
        let least = options.first().map_or(f64::INFINITY, |o| o.cost);
        if options.iter().any(|o| o.cost + charged(o, &charges) <= least + 1e-9) {
            continue;
        }
        let best = best_rooming_charged(hotel, date, &model.rooming, charges).ok()?;
        if !options.iter().any(|o| o.takes == best.takes) {
            out.push((n, h, best));
        }
    }
    Some(out)
}

/// What `charges` add to rooming `r`'s cost: its rooms' prices, and each booked room it
/// gives up.
fn charged(r: &NightRooming, charges: &Charges<'_>) -> f64 {
    let rooms = rooms_by_type(r);
    let taken = |room: usize| rooms.iter().find(|t| t.0 == room).map_or(0, |t| t.1);
    let priced: f64 = charges.per_room.iter().map(|&(room, pi)| pi * taken(room) as f64).sum();
    let dropped: u32 = charges.keep.iter().map(|&(room, k)| k.saturating_sub(taken(room))).sum();
    priced + charges.per_room_night * dropped as f64
}

/// Adds `new` to `g`'s options, after the ones there.
pub fn add_options(g: &mut GroupInput<'_>, new: Vec<NewOption>) {
    for (n, h, r) in new {
        let mut v = g.options[n][h].to_vec();
        v.push(r);
        g.options[n][h] = Options::from(v);
    }
}

/// Extends the options of the groups in `which` at `prices` ([`missing_roomings`]), in
/// parallel, until `until`. Returns, per group of `which`, whether its pricing at `prices`
/// is now exact (a group with a budget only where its rooms were left unpriced).
pub fn extend_options(
    terms: PricingTerms<'_>,
    groups: &mut [GroupInput<'_>],
    prices: &Prices,
    which: &[usize],
    until: Instant,
) -> Vec<bool> {
    let found: Vec<Option<Vec<NewOption>>> = which
        .par_iter()
        .map(|&g| {
            if !priced_exactly(&groups[g].prepared.model) {
                return Some(Vec::new());
            }
            if seconds_left(until) <= 0.0 {
                return None;
            }
            missing_roomings(terms, &groups[g], prices)
        })
        .collect();
    which
        .iter()
        .zip(found)
        .map(|(&g, new)| match new {
            Some(new) => {
                add_options(&mut groups[g], new);
                true
            }
            None => false,
        })
        .collect()
}

/// Per night and hotel option of group `g` where none of its options fits the rooms
/// `residual` leaves, the rooming of least cost plus change cost within them, when there
/// is one: so that a group the repair places within what the others leave is not kept
/// out of a hotel only because its options all take a room type that is full there.
/// `None` when a rooming MILP failed.
pub fn fitting_roomings(
    terms: PricingTerms<'_>,
    g: &GroupInput<'_>,
    residual: &HashMap<Resource, f64>,
) -> Option<Vec<NewOption>> {
    let model = &g.prepared.model;
    let mut out = Vec::new();
    for HotelNight { night: n, hotel: h, options, catalog: hc, date } in hotel_nights(g) {
        let hotel = &terms.catalog.hotels[hc];
        let left = |room: usize| residual.get(&Resource::Room { hotel: hc, room, date }).map(|&r| r.max(0.0) as u32);
        let fits = |o: &NightRooming| rooms_by_type(o).iter().all(|&(room, k)| left(room).is_none_or(|l| k <= l));
        if options.iter().any(fits) {
            continue;
        }
        let mut capped = hotel.clone();
        for t in terms_on(hotel, date) {
            if let Some(l) = left(t.index) {
                capped.rooms[t.index].allotment =
                    vec![Allotment { from: Date(date), to: Date(date), rooms: l.min(t.allotment) }];
            }
        }
        let keep = booked_at(terms, g, hc, date);
        let charges = Charges { keep: &keep, per_room_night: terms.costs.hotel_room_night, per_room: &[] };
        match best_rooming_charged(&capped, date, &model.rooming, charges) {
            Ok(mut r) => {
                r.terms = terms_on(hotel, date);
                out.push((n, h, r));
            }
            Err(RoomingFailure::NotEnoughRooms | RoomingFailure::NothingSold) => {}
            Err(RoomingFailure::Solver(_)) => return None,
        }
    }
    Some(out)
}

/// Extends the options of each group `which[i]` within `residuals[i]` ([`fitting_roomings`]),
/// in parallel.
pub fn extend_within(
    terms: PricingTerms<'_>,
    groups: &mut [GroupInput<'_>],
    which: &[usize],
    residuals: &[HashMap<Resource, f64>],
) {
    let found: Vec<Option<Vec<NewOption>>> =
        which.par_iter().zip(residuals).map(|(&g, res)| fitting_roomings(terms, &groups[g], res)).collect();
    for (&g, new) in which.iter().zip(found) {
        add_options(&mut groups[g], new.unwrap_or_default());
    }
}

/// The rooms (room index, count) group `g` has booked at catalog hotel `hc` on the night
/// of `date`, when changing them costs something.
fn booked_at(terms: PricingTerms<'_>, g: &GroupInput<'_>, hc: usize, date: chrono::NaiveDate) -> Vec<(usize, u32)> {
    let hotel = &terms.catalog.hotels[hc];
    g.current
        .filter(|_| terms.costs.hotel_room_night > 0.0)
        .and_then(|cur| cur.nights.iter().find(|b| b.date.0 == date && b.hotel == hotel.id))
        .map(|b| booked_by_type(terms.catalog, hc, b))
        .unwrap_or_default()
}

/// One hotel option of a group on one night it can sleep there.
struct HotelNight<'a> {
    /// The night (index into the group's days).
    night: usize,
    /// The hotel option (index into the group's model hotels).
    hotel: usize,
    /// The group's rooming options there.
    options: &'a Options,
    /// The catalog hotel.
    catalog: usize,
    /// The night's date.
    date: chrono::NaiveDate,
}

/// Every night and hotel option of group `g` with a rooming.
fn hotel_nights<'a>(g: &'a GroupInput<'_>) -> impl Iterator<Item = HotelNight<'a>> + 'a {
    let model = &g.prepared.model;
    g.options.iter().enumerate().flat_map(move |(night, hotels)| {
        hotels.iter().enumerate().filter(|(_, options)| !options.is_empty()).map(move |(hotel, options)| HotelNight {
            night,
            hotel,
            options,
            catalog: model.hotels[hotel].catalog,
            date: model.days[night].date,
        })
    })
}
