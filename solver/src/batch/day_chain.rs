//! Exact pricing of one group's fleet without a MILP, for a group without a budget: the
//! fleet's plan as a chain of days and nights ([`crate::chain`]) whose links carry the
//! prices. A route's value is its objective plus the prices of its contested meals; a
//! night's stay at a hotel is its best rooming by cost plus room prices plus change cost
//! against the current booking; what every plan of the fleet pays (day rates, the
//! vehicles' and the guide's prices, dropped vehicles, booked nights outside the trip) is
//! a constant. Residual capacities are per link too: every shared resource is dated, and
//! a plan takes one route a day and one rooming a night, so a route or rooming that does
//! not fit what is left is simply left out.
//!
//! The chain is exact: it returns the optimum of the group's pricing block for the fleet
//! (`tests/batch_day_chain.rs` compares it with the block's MILP), so its value is also
//! the fleet's proven bound.

use super::block::{booked_by_type, meal_key, GroupChoice, GroupInput};
use super::options::rooms_by_type;
use super::priced_rooming::priced_exactly;
use super::pricing::{fleet_fits, Prices, PricingTerms};
use super::resource::Resource;
use crate::chain::{best_chain, ChainOutcome, Link, Stay};
use crate::fleet_chain::chain_input;
use crate::milp::plan::fixed_cost;
use crate::routes::RouteStop;
use rustc_hash::FxHashMap;
use std::collections::HashMap;

/// Whether a group's fleets can be priced by their chains: it has no budget, the same
/// condition under which its rooming options are extended at the prices
/// ([`priced_exactly`]).
pub fn chain_prices(g: &GroupInput<'_>) -> bool {
    priced_exactly(&g.prepared.model)
}

/// What the chains of one group's fleets share at some prices, within some residual
/// capacities: each route's contested meals priced, each night's best rooming per hotel
/// option. Built once per group and pricing ([`GroupLinks::new`]).
pub struct GroupLinks<'a> {
    prices: &'a Prices,
    residual: Option<&'a HashMap<Resource, f64>>,
    /// Per day and route (index into the day's routes), the prices of its contested
    /// meals: infinite when one does not fit what is left, NaN for a route no fleet
    /// drives.
    meals: Vec<Vec<f64>>,
    /// Per night and hotel option, the rooming of least value that fits, and its value.
    stays: Vec<Vec<Stay>>,
    /// The guide fits what is left on every day.
    guide_fits: bool,
}

impl<'a> GroupLinks<'a> {
    /// Group `g`'s links at `prices`, within `residual` when given.
    pub fn new(
        terms: PricingTerms<'_>,
        g: &GroupInput<'_>,
        prices: &'a Prices,
        residual: Option<&'a HashMap<Resource, f64>>,
    ) -> GroupLinks<'a> {
        let p = g.prepared;
        let model = &p.model;
        let covers = g.covers as f64;
        let fits = |r: &Resource, n: f64| fits(residual, r, n);
        let guide_fits = g.guide.as_ref().is_none_or(|guide| {
            model.days.iter().all(|d| fits(&Resource::Guide { guide: guide.clone(), date: d.date }, 1.0))
        });
        let meals = (0..model.days.len())
            .map(|d| {
                // Per (restaurant, meal) of the day: its price for the group, infinite when full.
                let mut at: FxHashMap<(usize, usize), f64> = FxHashMap::default();
                let mut out = vec![f64::NAN; p.routes[d].len()];
                for c in g.priced.iter().flat_map(|days| &days[d]) {
                    if !out[c.route].is_nan() {
                        continue;
                    }
                    let mut total = 0.0;
                    for s in &p.routes[d][c.route].stops {
                        let RouteStop::Meal { restaurant, meal } = *s else { continue };
                        total += *at.entry((restaurant, meal)).or_insert_with(|| {
                            let key = meal_key(p, d, restaurant, meal);
                            if !terms.contested.contains(&key) {
                                return 0.0;
                            }
                            let r = Resource::Meal(key);
                            if fits(&r, covers) {
                                covers * prices.get(&r).copied().unwrap_or(0.0)
                            } else {
                                f64::INFINITY
                            }
                        });
                    }
                    out[c.route] = total;
                }
                out
            })
            .collect();
        let stays = (0..model.days.len() - 1).map(|n| best_stays(terms, g, n, prices, &fits)).collect();
        GroupLinks { prices, residual, meals, stays, guide_fits }
    }
}

/// Whether `n` of resource `r` fits what `residual` leaves (everything fits without one).
pub(super) fn fits(residual: Option<&HashMap<Resource, f64>>, r: &Resource, n: f64) -> bool {
    residual.and_then(|res| res.get(r)).is_none_or(|&cap| n <= cap.max(0.0) + 1e-9)
}

/// The best plan of fleet `f` of group `g` at the links' prices whose priced value is
/// below `below` (`f64::INFINITY`: the best plan), within their residual capacities.
/// Only for a group without a budget ([`chain_prices`]).
pub fn price_chain(
    terms: PricingTerms<'_>,
    g: &GroupInput<'_>,
    shared: &GroupLinks<'_>,
    f: usize,
    below: f64,
) -> ChainOutcome<GroupChoice> {
    let p = g.prepared;
    let model = &p.model;
    // The guide and the vehicles are the same whatever the chain.
    if !shared.guide_fits || !shared.residual.is_none_or(|res| fleet_fits(g, f, res)) {
        return ChainOutcome::NoPlan;
    }
    let input = chain_input(model, fleet_links(g, shared, f), shared.stays.clone());
    let constant = fleet_constant(terms, g, f, shared.prices);
    best_chain(&input, below - constant).map(|c| g.choice(f, c.routes, c.hotels, c.options))
}

/// Per day, fleet `f`'s routes that fit as links, valued with their contested meals.
fn fleet_links(g: &GroupInput<'_>, shared: &GroupLinks<'_>, f: usize) -> Vec<Vec<Link>> {
    let p = g.prepared;
    (0..p.model.days.len())
        .map(|d| g.priced[f][d].iter().filter_map(|c| link(g, shared, d, c.route, c.objective)).collect())
        .collect()
}

/// Route `route` of day `d` as a link of value `objective` plus its contested meals'
/// prices; `None` when a meal does not fit what is left.
fn link(g: &GroupInput<'_>, shared: &GroupLinks<'_>, d: usize, route: usize, objective: f64) -> Option<Link> {
    let meals = shared.meals[d][route];
    if meals.is_infinite() {
        return None;
    }
    let r = &g.prepared.routes[d][route];
    Some(Link { route, start: r.start, end: r.end, set: r.set, value: objective + meals })
}

/// A lower bound, common to the `fleets` of group `g`, of a plan's value less its
/// fleet's constant ([`fleet_constants`]): the best chain over every route any of them
/// may drive, each at the least value any of them gives it. So each fleet's pricing value
/// is at least its constant plus this, and a fleet whose constant puts it above the best
/// plan in hand needs no chain of its own. `below`: as for [`price_chain`], without the
/// constants (`NoPlan` says the bound is at least `below`).
pub fn fleets_floor(g: &GroupInput<'_>, shared: &GroupLinks<'_>, fleets: &[usize], below: f64) -> ChainOutcome<f64> {
    if !shared.guide_fits {
        return ChainOutcome::NoPlan;
    }
    let p = g.prepared;
    let links = (0..p.model.days.len())
        .map(|d| {
            // Per route, the least objective any of the fleets gives it.
            let mut least = vec![f64::INFINITY; p.routes[d].len()];
            for &f in fleets {
                for c in &g.priced[f][d] {
                    least[c.route] = least[c.route].min(c.objective);
                }
            }
            least
                .iter()
                .enumerate()
                .filter(|(_, o)| o.is_finite())
                .filter_map(|(route, &o)| link(g, shared, d, route, o))
                .collect()
        })
        .collect();
    let input = chain_input(&g.prepared.model, links, shared.stays.clone());
    best_chain(&input, below).map(|c| c.value)
}

/// Per fleet of group `g`, what every plan of it pays at `prices` whatever its links
/// ([`fleet_constant`]).
pub fn fleet_constants(terms: PricingTerms<'_>, g: &GroupInput<'_>, prices: &Prices) -> Vec<f64> {
    (0..g.prepared.fleets.len()).map(|f| fleet_constant(terms, g, f, prices)).collect()
}

/// What every plan of fleet `f` of group `g` pays at `prices` whatever its links: the
/// fleet's day rates, the guide and the fees; its vehicles' and the guide's prices; the
/// vehicles it drops from the current booking, and the booked nights the trip does not
/// have.
fn fleet_constant(terms: PricingTerms<'_>, g: &GroupInput<'_>, f: usize, prices: &Prices) -> f64 {
    let p = g.prepared;
    let model = &p.model;
    let fleet = &p.fleets[f];
    let price =
        |r: &Resource| if r.capacity(terms.catalog).is_some() { prices.get(r).copied().unwrap_or(0.0) } else { 0.0 };
    let mut total = fixed_cost(model, fleet);
    for day in &model.days {
        for &(v, n) in &fleet.counts {
            total += n as f64 * price(&Resource::Vehicle { vehicle: model.vehicles[v].catalog, date: day.date });
        }
        if let Some(guide) = &g.guide {
            total += price(&Resource::Guide { guide: guide.clone(), date: day.date });
        }
    }
    let Some(cur) = g.current else { return total };
    for fu in &cur.fleet {
        let kept: u32 = fleet
            .counts
            .iter()
            .filter(|(v, _)| terms.catalog.vehicles[model.vehicles[*v].catalog].id == fu.vehicle)
            .map(|(_, n)| *n)
            .sum();
        total += terms.costs.vehicle * fu.count.saturating_sub(kept) as f64;
    }
    let nights = &model.days[..model.days.len() - 1];
    for night in cur.nights.iter().filter(|b| nights.iter().all(|d| d.date != b.date.0)) {
        let Some(hc) = terms.catalog.hotels.iter().position(|h| h.id == night.hotel) else { continue };
        let booked: u32 = booked_by_type(terms.catalog, hc, night).iter().map(|b| b.1).sum();
        total += terms.costs.hotel_room_night * booked as f64;
    }
    total
}

/// Night `n`'s best rooming per hotel option of group `g` (index into its options, and
/// its cost plus room prices plus change cost), among those that `fits` allows.
fn best_stays(
    terms: PricingTerms<'_>,
    g: &GroupInput<'_>,
    n: usize,
    prices: &Prices,
    fits: &dyn Fn(&Resource, f64) -> bool,
) -> Vec<Stay> {
    let model = &g.prepared.model;
    let date = model.days[n].date;
    // The rooms booked for this night: (catalog hotel, room type, count).
    let mut booked: Vec<(usize, usize, u32)> = Vec::new();
    if let Some(cur) = g.current.filter(|_| terms.costs.hotel_room_night > 0.0) {
        for night in cur.nights.iter().filter(|b| b.date.0 == date) {
            let Some(hc) = terms.catalog.hotels.iter().position(|h| h.id == night.hotel) else { continue };
            booked.extend(booked_by_type(terms.catalog, hc, night).into_iter().map(|(room, k)| (hc, room, k)));
        }
    }
    g.options[n]
        .iter()
        .enumerate()
        .map(|(h, os)| {
            let hotel = model.hotels[h].catalog;
            let mut best: Option<(usize, f64)> = None;
            'option: for (o, r) in os.iter().enumerate() {
                let rooms = rooms_by_type(r);
                let mut value = r.cost;
                for &(room, count) in &rooms {
                    let res = Resource::Room { hotel, room, date };
                    if !fits(&res, count as f64) {
                        continue 'option;
                    }
                    value += count as f64 * prices.get(&res).copied().unwrap_or(0.0);
                }
                for &(hc, room, k) in &booked {
                    let used = if hc == hotel { rooms.iter().find(|t| t.0 == room).map_or(0, |t| t.1) } else { 0 };
                    value += terms.costs.hotel_room_night * k.saturating_sub(used) as f64;
                }
                if best.is_none_or(|b| value < b.1) {
                    best = Some((o, value));
                }
            }
            best
        })
        .collect()
}
