//! Ruin and recreate: a primal step after the local search. The local search re-plans one
//! group at a time within what the others leave, so it stops where no single group can
//! gain alone; a better plan may need two or more competing groups to move together (one
//! leaves a hotel so that another, who gains more, can take it). Here a small
//! neighbourhood of competing groups is taken out and put back one group at a time in a
//! random order, each at its best within what the others leave; the new plans are kept
//! when together they cost less. Every plan is placed within the residual capacities, so
//! capacities always hold.
//!
//! Two kinds of neighbourhood, drawn in turn:
//! - **crowded out**: a group far above its own optimum, and the groups that now hold
//!   the full rooms, seats or vehicles its own optimum needed;
//! - **related**: a group and groups sharing a resource with it.
//!
//! A group is put back at its cost, or at its cost plus the master's prices (scaled by a
//! random factor) on what it takes, which leaves the scarce resources to the groups put
//! back after it that value them more. The new plans are still judged by their cost.
//! Tries run side by side, [`TRIES_PER_THREAD`] per thread; their improvements are kept,
//! best first, while they touch different groups and still fit together.

use super::block::{GroupInput, PlanColumn};
use super::colgen::{residual, seconds_left, wave_settings, Spread};
use super::day_chain::fits;
use super::master::{add_use, take_use, use_of, Pool};
use super::priced_rooming::{add_options, fitting_roomings, NewOption};
use super::pricing::{price_group, priced_value, Prices, PricingTerms};
use super::resource::Resource;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::Instant;

/// Most groups taken out together.
pub const RUIN_GROUPS: usize = 6;

/// Tries without an improvement, per group of the batch, after which the search stops
/// (it proves nothing, so a batch with time left does not wait for its deadline).
pub const STALE_TRIES_PER_GROUP: usize = 20;

/// Tries drawn together per thread: each round waits for its slowest try, so with one try
/// per thread a thread sat idle while the other finished a larger one. Measured (session
/// 15): with 4, 59 tries a second at 300 groups against 45, and the plan after 170 s of
/// ruin and recreate 45.09 M against 45.21 M (gap 5.97% against 6.26%); at 100 groups in
/// 60 s, gaps of 2.43% and 2.42% against 2.63% (8 a thread: 2.51%).
pub const TRIES_PER_THREAD: usize = 4;

/// The factors on the master's prices a group may be put back at (0: its cost alone).
const PRICE_FACTORS: [f64; 4] = [0.0, 0.0, 0.5, 1.0];

/// What guides the neighbourhoods besides the plans: each group's own optimum and the
/// master's prices.
#[derive(Clone, Copy)]
pub struct Hints<'a> {
    /// Per group, the pool index of the group's own optimum (planned alone), if any.
    pub own: &'a [Option<usize>],
    /// Per group, a lower bound of its objective planned alone.
    pub own_bounds: &'a [f64],
    /// Per group, the objective charged when it is left unplanned.
    pub penalties: &'a [f64],
    /// The master's prices of the shared resources (the stability centre).
    pub prices: &'a Prices,
}

/// One try: the groups taken out, in the order they are put back, and the factor on the
/// prices they are put back at.
struct Try {
    out: Vec<usize>,
    factor: f64,
}

/// A group put back: its new plan, and the roomings added to its options for it.
struct Placed {
    group: usize,
    column: PlanColumn,
    new: Vec<NewOption>,
}

/// Ruins and recreates neighbourhoods of `choice` until `until` or until
/// [`STALE_TRIES_PER_GROUP`] times the groups' number of tries in a row improve nothing;
/// returns how many neighbourhoods were improved.
#[allow(clippy::too_many_arguments)]
pub fn ruin_and_recreate(
    terms: PricingTerms<'_>,
    groups: &mut [GroupInput<'_>],
    spread: Spread<'_>,
    hints: Hints<'_>,
    pool: &mut Pool,
    choice: &mut [Option<usize>],
    until: Instant,
    mip_gap: f64,
) -> usize {
    let n = groups.len();
    let catalog = terms.catalog;
    let mut rng = ChaCha8Rng::seed_from_u64(n as u64);
    let mut improved = 0;
    if choice.iter().filter(|c| c.is_some()).count() < 2 {
        return 0;
    }
    let related = related_groups(spread.footprint);
    let side_by_side = rayon::current_num_threads().max(1) * TRIES_PER_THREAD;
    let mut stale = 0;
    let mut round = 0usize;
    while seconds_left(until) > 0.2 && stale < STALE_TRIES_PER_GROUP * n {
        let used = use_of(pool, choice);
        let tries: Vec<Try> = (0..side_by_side)
            .map(|i| draw(&mut rng, (round + i).is_multiple_of(2), &related, hints, pool, choice, &used, catalog))
            .collect();
        round += side_by_side;
        let current: &[Option<usize>] = choice;
        let shared: &Pool = pool;
        let readonly: &[GroupInput<'_>] = groups;
        let mut found: Vec<(f64, Vec<Placed>)> = tries
            .par_iter()
            .filter_map(|t| recreate(terms, readonly, spread, hints, shared, current, &used, t, until, mip_gap))
            .filter(|f| f.0 > 1e-6)
            .collect();
        stale += tries.len();
        // The best first; a try is kept while it touches no group kept before it and its
        // plans still fit beside theirs.
        found.sort_by(|a, b| b.0.total_cmp(&a.0));
        let mut used = used;
        let mut touched: HashSet<usize> = HashSet::new();
        for (_, placed) in found {
            if placed.iter().any(|p| touched.contains(&p.group)) || !still_fits(catalog, pool, choice, &used, &placed) {
                continue;
            }
            for p in placed {
                if let Some(j) = choice[p.group] {
                    take_use(&mut used, &pool.columns[p.group][j]);
                }
                add_use(&mut used, &p.column);
                touched.insert(p.group);
                add_options(&mut groups[p.group], p.new);
                choice[p.group] = Some(pool.add(p.group, p.column));
            }
            improved += 1;
            stale = 0;
        }
    }
    improved
}

/// Whether the plans `placed` fit beside the plans `choice` keeps for every other group
/// (`used`: what `choice` uses).
fn still_fits(
    catalog: &crate::contract::Catalog,
    pool: &Pool,
    choice: &[Option<usize>],
    used: &HashMap<Resource, f64>,
    placed: &[Placed],
) -> bool {
    let mut after: HashMap<&Resource, f64> = HashMap::new();
    for p in placed {
        for (r, n) in &p.column.usage {
            *after.entry(r).or_insert_with(|| used.get(r).copied().unwrap_or(0.0)) += n;
        }
    }
    for p in placed {
        if let Some(j) = choice[p.group] {
            for (r, n) in &pool.columns[p.group][j].usage {
                if let Some(a) = after.get_mut(r) {
                    *a -= n;
                }
            }
        }
    }
    after.iter().all(|(r, n)| *n <= r.capacity(catalog).unwrap_or(f64::INFINITY) + 1e-6)
}

/// Draws one try: a crowded-out neighbourhood (`crowded`, when some group is above its own
/// optimum and blocked) or a related one, in a random order, at a random price factor.
#[allow(clippy::too_many_arguments)]
fn draw(
    rng: &mut ChaCha8Rng,
    crowded: bool,
    related: &[Vec<usize>],
    hints: Hints<'_>,
    pool: &Pool,
    choice: &[Option<usize>],
    used: &HashMap<Resource, f64>,
    catalog: &crate::contract::Catalog,
) -> Try {
    let planned: Vec<usize> = (0..choice.len()).filter(|&g| choice[g].is_some()).collect();
    let size = rng.random_range(2..=RUIN_GROUPS);
    let factor = PRICE_FACTORS[rng.random_range(0..PRICE_FACTORS.len())];
    let crowded_out = if crowded { crowded_out(rng, hints, pool, choice, used, catalog) } else { None };
    let (first, mut others) = crowded_out.unwrap_or_else(|| {
        let first = planned[rng.random_range(0..planned.len())];
        (first, related[first].iter().copied().filter(|&g| choice[g].is_some()).collect())
    });
    others.shuffle(rng);
    others.truncate(size - 1);
    others.push(first);
    others.shuffle(rng);
    Try { out: others, factor }
}

/// Per group, the other groups whose footprints share a resource with its own, in order.
fn related_groups(footprint: &[BTreeMap<Resource, f64>]) -> Vec<Vec<usize>> {
    let mut by_resource: HashMap<&Resource, Vec<usize>> = HashMap::new();
    for (g, f) in footprint.iter().enumerate() {
        for r in f.keys() {
            by_resource.entry(r).or_default().push(g);
        }
    }
    (0..footprint.len())
        .map(|g| {
            let mut related: Vec<usize> =
                footprint[g].keys().flat_map(|r| by_resource[r].iter().copied()).filter(|&h| h != g).collect();
            related.sort_unstable();
            related.dedup();
            related
        })
        .collect()
}

/// A group above its own optimum and the groups whose plans now hold a resource its own
/// optimum needs and cannot have (the resource is full); `None` when the group drawn is
/// not blocked. The group is one left out, half the time while there are any, otherwise a
/// planned one drawn with odds in proportion to how far above its own optimum it is.
fn crowded_out(
    rng: &mut ChaCha8Rng,
    hints: Hints<'_>,
    pool: &Pool,
    choice: &[Option<usize>],
    used: &HashMap<Resource, f64>,
    catalog: &crate::contract::Catalog,
) -> Option<(usize, Vec<usize>)> {
    let holding =
        |g: usize, r: &Resource| choice[g].is_some_and(|j| pool.columns[g][j].usage.iter().any(|(u, _)| u == r));
    let blocked = |g: usize| -> Vec<&Resource> {
        let Some(own) = hints.own[g] else { return Vec::new() };
        if choice[g] == Some(own) {
            return Vec::new();
        }
        let mine = choice[g].map(|now| &pool.columns[g][now]);
        pool.columns[g][own]
            .usage
            .iter()
            .filter(|(r, n)| {
                let held: f64 = mine.map_or(0.0, |c| c.usage.iter().filter(|(u, _)| u == r).map(|(_, m)| m).sum());
                let cap = r.capacity(catalog).unwrap_or(f64::INFINITY);
                used.get(r).copied().unwrap_or(0.0) - held + n > cap + 1e-6
            })
            .map(|(r, _)| r)
            .collect()
    };
    let out: Vec<usize> = (0..choice.len()).filter(|&g| choice[g].is_none() && hints.own[g].is_some()).collect();
    let first = if !out.is_empty() && rng.random_bool(0.5) {
        out[rng.random_range(0..out.len())]
    } else {
        let excess: Vec<f64> = (0..choice.len())
            .map(|g| choice[g].map_or(0.0, |j| (pool.columns[g][j].cost - hints.own_bounds[g]).max(0.0)))
            .collect();
        let total: f64 = excess.iter().sum();
        if total <= 0.0 {
            return None;
        }
        let mut at = rng.random::<f64>() * total;
        excess.iter().position(|&e| {
            at -= e;
            at <= 0.0 && e > 0.0
        })?
    };
    let wanted = blocked(first);
    if wanted.is_empty() {
        return None;
    }
    let holders: Vec<usize> =
        (0..choice.len()).filter(|&g| g != first && wanted.iter().any(|r| holding(g, r))).collect();
    (!holders.is_empty()).then_some((first, holders))
}

/// Puts the try's groups back in order, each at its best (cost plus the prices times the
/// try's factor) within what the others leave; their new plans with what they save, when
/// every group is placed and together they cost less.
#[allow(clippy::too_many_arguments)]
fn recreate(
    terms: PricingTerms<'_>,
    groups: &[GroupInput<'_>],
    spread: Spread<'_>,
    hints: Hints<'_>,
    pool: &Pool,
    choice: &[Option<usize>],
    used: &HashMap<Resource, f64>,
    t: &Try,
    until: Instant,
    mip_gap: f64,
) -> Option<(f64, Vec<Placed>)> {
    let before: f64 = t.out.iter().map(|&g| choice[g].map_or(hints.penalties[g], |j| pool.columns[g][j].cost)).sum();
    let mut used = used.clone();
    for &g in &t.out {
        if let Some(j) = choice[g] {
            take_use(&mut used, &pool.columns[g][j]);
        }
    }
    let prices: Prices = if t.factor > 0.0 {
        hints.prices.iter().map(|(r, p)| (r.clone(), p * t.factor)).collect()
    } else {
        Prices::new()
    };
    let mut placed = Vec::with_capacity(t.out.len());
    for &g in &t.out {
        let settings = wave_settings(until, mip_gap)?;
        let left = residual(terms.catalog, &spread.reach[g], &used, None);
        // Where none of the group's roomings fits what is left of a hotel, the cheapest
        // that does (on a copy of the group; kept with the plan).
        let new =
            if spread.fitting { fitting_roomings(terms, &groups[g], &left).unwrap_or_default() } else { Vec::new() };
        let extended;
        let input = if new.is_empty() {
            &groups[g]
        } else {
            let mut copy = groups[g].clone();
            add_options(&mut copy, new.clone());
            extended = copy;
            &extended
        };
        // The group's best pooled plan that fits is the bar the chains must beat (and the
        // answer when none does).
        let start = pool.columns[g]
            .iter()
            .filter(|c| c.usage.iter().all(|(r, n)| fits(Some(&left), r, *n)))
            .map(|c| (priced_value(c, &prices), c))
            .min_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, c)| c);
        let priced = price_group(terms, input, &prices, Some(&left), start.map(|c| &c.choice), settings);
        let c = priced.column.or_else(|| start.cloned())?;
        add_use(&mut used, &c);
        placed.push(Placed { group: g, column: c, new });
    }
    let after: f64 = placed.iter().map(|p| p.column.cost).sum();
    Some((before - after, placed))
}
