//! Rooming at room prices: what makes a group's pricing exact at any room prices, with
//! or without a complete option search ([`super::options`]).
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

use super::block::{booked_by_type, GroupInput, Options};
use super::colgen::seconds_left;
use super::pricing::{Prices, PricingTerms};
use super::resource::Resource;
use crate::rooming::{best_rooming_charged, terms_on, Charges, NightRooming};
use rayon::prelude::*;
use std::time::Instant;

/// A rooming a group's options lack: (night, hotel option, rooming).
pub type NewOption = (usize, usize, NightRooming);

/// Whether the group's pricing is exact at any room prices once its options are extended
/// at those prices ([`missing_roomings`]): it has no budget.
pub fn priced_exactly(g: &GroupInput<'_>) -> bool {
    g.prepared.model.budget_total.is_none()
}

/// Per night and hotel option of group `g` where a room has a price or the group has
/// booked rooms, the rooming of least cost plus room prices plus change cost, when the
/// group's options there lack it. `None` when a rooming MILP failed (the group's options
/// then do not make its pricing exact).
pub fn missing_roomings(terms: PricingTerms<'_>, g: &GroupInput<'_>, prices: &Prices) -> Option<Vec<NewOption>> {
    let model = &g.prepared.model;
    let mut out = Vec::new();
    for (n, night) in g.options.iter().enumerate() {
        let date = model.days[n].date;
        for (h, options) in night.iter().enumerate() {
            if options.is_empty() {
                continue;
            }
            let hc = model.hotels[h].catalog;
            let hotel = &terms.catalog.hotels[hc];
            let per_room: Vec<(usize, f64)> = terms_on(hotel, date)
                .iter()
                .filter_map(|t| {
                    let r = Resource::Room { hotel: hc, room: t.index, date };
                    prices.get(&r).filter(|&&pi| pi > 0.0).map(|&pi| (t.index, pi))
                })
                .collect();
            let keep: Vec<(usize, u32)> = g
                .current
                .filter(|_| terms.costs.hotel_room_night > 0.0)
                .and_then(|cur| cur.nights.iter().find(|b| b.date.0 == date && b.hotel == hotel.id))
                .map(|b| booked_by_type(terms.catalog, hc, b))
                .unwrap_or_default();
            if per_room.is_empty() && keep.is_empty() {
                // The first option is the cheapest rooming: the best with nothing charged.
                continue;
            }
            let charges = Charges { keep: &keep, per_room_night: terms.costs.hotel_room_night, per_room: &per_room };
            let best = best_rooming_charged(hotel, date, &model.rooming, charges).ok()?;
            if !options.iter().any(|o| o.takes == best.takes) {
                out.push((n, h, best));
            }
        }
    }
    Some(out)
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
            if !priced_exactly(&groups[g]) {
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
