//! Recombination in neighbourhoods (a large neighbourhood search): the batch recombined
//! ([`super::recombine`]) a few dozen competing groups at a time, the other groups held to
//! their plans, so that batches of hundreds of groups get it too and each model is small
//! enough to solve to its optimum in seconds.
//!
//! A neighbourhood grows from a seed, the group furthest above its own optimum (an
//! unplanned group first), by the groups that hold most of the full resources the seed
//! could use: where rooms or coaches ran out, those are the groups it competes with. A
//! neighbourhood's answer is taken only when it lowers the batch's objective and keeps
//! every capacity; each seed is tried once a pass, and a pass that improved anything is
//! followed by another while time lasts.

use super::block::GroupInput;
use super::colgen::{capacities_hold, objective_of_pool, seconds_left};
use super::master::{use_of, Pool};
use super::pricing::PricingTerms;
use super::recombine::recombine_within;
use super::resource::Resource;
use crate::milp::highs::MilpSettings;
use std::collections::{BTreeMap, HashSet};
use std::time::Instant;

/// Most groups in one neighbourhood when the whole batch's model finds nothing better;
/// also the largest batch whose choosing phase runs the diving, the integer master and
/// recombination (above it, the local search and ruin and recreate take that phase).
pub const NEIGHBOURHOOD: usize = 30;

/// Most groups of a batch recombined whole, in one model.
pub const WHOLE: usize = 100;

/// Most seconds one neighbourhood's model may take.
pub const NEIGHBOURHOOD_SECONDS: f64 = 10.0;

/// Least time worth starting a neighbourhood with.
const MIN_SECONDS: f64 = 0.5;

/// What the batch's decomposition knows that the neighbourhoods need.
pub struct Batch<'a, 'g> {
    /// Pricing terms (catalog, contested meals, change costs).
    pub terms: PricingTerms<'a>,
    /// The groups.
    pub groups: &'a [GroupInput<'g>],
    /// Per group, the shared resources its options and routes use now
    /// ([`GroupInput::footprint`]): whom a group competes with.
    pub footprint: &'a [BTreeMap<Resource, f64>],
    /// Per group, a lower bound of its objective alone.
    pub own_bounds: &'a [f64],
    /// Per group, the objective charged when it is left unplanned.
    pub penalties: &'a [f64],
    /// Most groups in one neighbourhood: the decomposition passes the whole batch (it
    /// recombines only batches of at most [`WHOLE`] groups), then [`NEIGHBOURHOOD`] is
    /// used if the whole batch's model finds nothing better.
    pub size: usize,
}

/// Recombines `choice` (which must fit the shared capacities) neighbourhood by
/// neighbourhood until `until` or until a whole pass improves nothing; new plans join
/// `pool`. Returns how many neighbourhoods improved the choice.
pub fn recombine_neighbourhoods(
    batch: &Batch<'_, '_>,
    pool: &mut Pool,
    choice: &mut [Option<usize>],
    until: Instant,
    mip_gap: f64,
) -> usize {
    let n = batch.groups.len();
    let catalog = batch.terms.catalog;
    let mut tried: HashSet<usize> = HashSet::new();
    let mut improved = 0usize;
    let mut improved_in_pass = false;
    // The whole batch first when it fits one model ([`Batch::size`]); when that finds
    // nothing, neighbourhoods of [`NEIGHBOURHOOD`] for the time left.
    let mut size = batch.size;
    loop {
        let left = seconds_left(until);
        if left < MIN_SECONDS {
            break;
        }
        let excess = |g: usize| choice[g].map_or(f64::INFINITY, |j| pool.columns[g][j].cost - batch.own_bounds[g]);
        let seed = (0..n)
            .filter(|g| !tried.contains(g) && excess(*g) > 1e-6)
            .max_by(|&a, &b| excess(a).total_cmp(&excess(b)).then(b.cmp(&a)));
        let Some(seed) = seed else {
            if !improved_in_pass {
                break;
            }
            // Another pass: the plans around every seed may have changed.
            tried.clear();
            improved_in_pass = false;
            continue;
        };
        tried.insert(seed);
        let members = neighbourhood(batch, pool, choice, seed, size);
        let settings =
            MilpSettings { offset: 0.0, time_limit_s: left.min(NEIGHBOURHOOD_SECONDS), mip_gap, presolve: true };
        if let Some(new) = recombine_within(batch.terms, batch.groups, &members, pool, choice, settings) {
            let (contested, costs) = (batch.terms.contested, batch.terms.costs);
            let mut candidate = choice.to_vec();
            for (&g, c) in members.iter().zip(new) {
                candidate[g] = c.map(|c| pool.add(g, batch.groups[g].column(catalog, contested, costs, c)));
            }
            let before = objective_of_pool(pool, batch.penalties, choice);
            let after = objective_of_pool(pool, batch.penalties, &candidate);
            if after < before - 1e-6 && capacities_hold(catalog, pool, &candidate) {
                choice.copy_from_slice(&candidate);
                improved += 1;
                improved_in_pass = true;
            }
        }
        if members.len() == n {
            // The whole batch in one model: another seed would build the same one. When it
            // found nothing better, smaller models may still (at 100 groups the whole
            // batch's model sometimes keeps its start for all its 10 s).
            if improved > 0 || size <= NEIGHBOURHOOD {
                break;
            }
            size = NEIGHBOURHOOD;
            tried.clear();
        }
    }
    improved
}

/// The seed and the `size - 1` groups that compete most with it: by what
/// they hold of the full resources the seed's footprint holds (ten times), then of the
/// others there; every group when the batch is no larger than a neighbourhood.
fn neighbourhood(batch: &Batch<'_, '_>, pool: &Pool, choice: &[Option<usize>], seed: usize, size: usize) -> Vec<usize> {
    let n = batch.groups.len();
    if n <= size {
        return (0..n).collect();
    }
    let catalog = batch.terms.catalog;
    let used = use_of(pool, choice);
    let full = |r: &Resource| r.capacity(catalog).is_some_and(|cap| used.get(r).copied().unwrap_or(0.0) >= cap - 0.5);
    let wanted = &batch.footprint[seed];
    let score = |g: usize| -> f64 {
        choice[g].map_or(0.0, |j| {
            pool.columns[g][j]
                .usage
                .iter()
                .filter(|(r, _)| wanted.contains_key(r))
                .map(|(r, amount)| if full(r) { 10.0 * amount } else { *amount })
                .sum()
        })
    };
    let mut others: Vec<(usize, f64)> =
        (0..n).filter(|&g| g != seed).map(|g| (g, score(g))).filter(|s| s.1 > 0.0).collect();
    others.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut members: Vec<usize> =
        std::iter::once(seed).chain(others.into_iter().map(|s| s.0)).take(size.max(1)).collect();
    members.sort_unstable();
    members
}
