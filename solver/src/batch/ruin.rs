//! Ruin and recreate: a primal step after the local search. The local search re-plans one
//! group at a time within what the others leave, so it stops where no single group can
//! gain alone; a better plan may need two or more competing groups to move together (one
//! leaves a hotel so that another, who gains more, can take it). Here a small
//! neighbourhood of competing groups (a group and the groups sharing a resource with it)
//! is taken out and put back one group at a time in a random order, each at its best
//! within what the others leave; the new plans are kept when together they cost less.
//! Every plan is placed within the residual capacities, so capacities always hold.

use super::block::GroupInput;
use super::colgen::{residual, seconds_left, wave_settings, Spread};
use super::master::{add_use, use_of, Pool};
use super::pricing::{price_group, Prices, PricingTerms};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::time::Instant;

/// Most groups taken out together.
pub const RUIN_GROUPS: usize = 4;

/// Tries without an improvement, per group of the batch, after which the search stops
/// (it proves nothing, so a batch with time left does not wait for its deadline).
pub const STALE_TRIES_PER_GROUP: usize = 20;

/// Ruins and recreates neighbourhoods of `choice` until `until` or until
/// [`STALE_TRIES_PER_GROUP`] times the groups' number of tries in a row improve nothing;
/// returns how many neighbourhoods were improved.
pub fn ruin_and_recreate(
    terms: PricingTerms<'_>,
    groups: &[GroupInput<'_>],
    spread: Spread<'_>,
    pool: &mut Pool,
    choice: &mut [Option<usize>],
    until: Instant,
    mip_gap: f64,
) -> usize {
    let n = groups.len();
    let mut rng = ChaCha8Rng::seed_from_u64(n as u64);
    let mut improved = 0;
    let planned: Vec<usize> = (0..n).filter(|&g| choice[g].is_some()).collect();
    if planned.len() < 2 {
        return 0;
    }
    let mut stale = 0;
    while seconds_left(until) > 0.2 && stale < STALE_TRIES_PER_GROUP * n {
        stale += 1;
        let first = planned[rng.random_range(0..planned.len())];
        let mut out: Vec<usize> = planned
            .iter()
            .copied()
            .filter(|&g| g != first && spread.footprint[g].keys().any(|r| spread.footprint[first].contains_key(r)))
            .collect();
        out.shuffle(&mut rng);
        out.truncate(RUIN_GROUPS - 1);
        out.push(first);
        out.shuffle(&mut rng);
        let before: f64 = out.iter().map(|&g| choice[g].map_or(0.0, |j| pool.columns[g][j].cost)).sum();
        let mut trial: Vec<Option<usize>> = choice.to_vec();
        for &g in &out {
            trial[g] = None;
        }
        let mut used = use_of(pool, &trial);
        let mut placed = Vec::with_capacity(out.len());
        for &g in &out {
            let Some(settings) = wave_settings(until, mip_gap) else { break };
            let left = residual(terms.catalog, &spread.reach[g], &used, None);
            let Some(c) = price_group(terms, &groups[g], &Prices::new(), Some(&left), None, settings).column else {
                break;
            };
            add_use(&mut used, &c);
            placed.push((g, c));
        }
        if placed.len() < out.len() {
            continue;
        }
        let after: f64 = placed.iter().map(|(_, c)| c.cost).sum();
        if after < before - 1e-6 {
            for (g, c) in placed {
                choice[g] = Some(pool.add(g, c));
            }
            improved += 1;
            stale = 0;
        }
    }
    improved
}
