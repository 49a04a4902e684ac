//! LP-guided diving on the master: a primal heuristic that builds plans fitting together
//! by holding groups, a few at a time, to the columns the master LP settles on, and
//! generating new columns for the groups it can no longer place.
//!
//! Each step solves the master LP with the groups held so far fixed ([`Hold`]) (the live
//! master of column generation, by interior points, when there is one), then:
//! 1. every open group the LP plans with one column at 1 is held to it (those columns fit
//!    beside the held ones: the LP's solution keeps the capacities and no use is negative);
//! 2. otherwise each open group the LP leaves partly unplanned is priced at the LP's
//!    prices within what the held groups leave ([`price_group`]), its options first
//!    extended with roomings that fit there ([`extend_within`], when the batch allows),
//!    once per step count, and its new column joins the pool;
//! 3. otherwise the open columns with the largest LP values that fit are held
//!    ([`HOLD_SHARE`] of the open groups at most);
//! 4. and when none fits, the open group the LP leaves most unplanned is held out.
//!
//! Unlike the greedy pass and the repair, the groups not yet held stay flexible while the
//! scarce inventory is handed out, so a group with few ways to travel keeps them.

use super::block::GroupInput;
use super::colgen::{residual, seconds_left, wave_settings, Budget, Spread, REPAIR_GAP};
use super::live_master::LiveMaster;
use super::master::{add_use, fill_cheapest, fits, solve_lp, use_of, Hold, Pool};
use super::priced_rooming::extend_within;
use super::pricing::{price_group, PricingTerms};
use super::resource::Resource;
use crate::milp::highs::MilpSettings;
use rayon::prelude::*;
use std::collections::HashMap;

/// Most of the open groups held in one step of rule 3 (at least one).
pub const HOLD_SHARE: f64 = 0.1;

/// Dives from an all-open master over `pool` (kept in `live` when there is one) until
/// every group is held or `budget.until`; groups still open then get their cheapest column
/// that fits, if any. Returns a column (or `None`, unplanned) per group, all together
/// within the capacities, or `None` when the first master LP could not be solved. New
/// columns join `pool`.
pub fn dive(
    terms: PricingTerms<'_>,
    groups: &mut [GroupInput<'_>],
    spread: Spread<'_>,
    pool: &mut Pool,
    penalties: &[f64],
    live: &mut Option<LiveMaster>,
    budget: Budget,
) -> Option<Vec<Option<usize>>> {
    let catalog = terms.catalog;
    let n = groups.len();
    let mut holds = vec![Hold::Open; n];
    // The number of groups held when each group was last priced (priced once per count).
    let mut priced_at: Vec<Option<usize>> = vec![None; n];
    let chosen = |holds: &[Hold]| -> Vec<Option<usize>> {
        holds.iter().map(|h| if let Hold::Column(j) = h { Some(*j) } else { None }).collect()
    };
    loop {
        let open: Vec<usize> = (0..n).filter(|&g| holds[g] == Hold::Open).collect();
        if open.is_empty() || seconds_left(budget.until) < 0.2 {
            break;
        }
        let settings =
            MilpSettings { offset: 0.0, time_limit_s: seconds_left(budget.until), mip_gap: 0.0, presolve: true };
        // The live master when there is one (each step then starts from the last basis).
        let solved = match live.as_mut() {
            Some(m) => m.solve(catalog, pool, &holds, settings.time_limit_s),
            None => solve_lp(catalog, pool, penalties, &holds, settings),
        };
        // A master LP cut short by the deadline ends the dive with the groups held so far
        // (the open ones get their cheapest column that fits, below), not without them.
        let lp = match solved {
            Ok(lp) => lp,
            Err(_) if holds.iter().any(|h| *h != Hold::Open) => break,
            Err(_) => return None,
        };
        let mut used = use_of(pool, &chosen(&holds));
        // 1. What the LP plans whole.
        let mut held = 0usize;
        for &g in &open {
            if let Some(j) = lp.values[g].iter().position(|&v| v > 1.0 - 1e-6) {
                held += usize::from(hold(catalog, pool, &mut holds, &mut used, (g, j)));
            }
        }
        if held > 0 {
            continue;
        }
        // 2. New columns for the groups the LP cannot place whole.
        let count = n - open.len();
        let short: Vec<usize> =
            open.iter().copied().filter(|&g| lp.unplanned[g] > 1e-6 && priced_at[g] != Some(count)).collect();
        if !short.is_empty() {
            // Each within what the held groups leave, with roomings that fit it.
            let left: Vec<HashMap<Resource, f64>> =
                short.iter().map(|&g| residual(catalog, &spread.reach[g], &used, None)).collect();
            if spread.fitting {
                extend_within(terms, groups, &short, &left);
            }
            let groups: &[GroupInput<'_>] = groups;
            let found: Vec<(usize, Option<super::block::PlanColumn>)> = short
                .par_iter()
                .zip(&left)
                .map(|(&g, left)| {
                    let Some(settings) = wave_settings(budget.until, budget.mip_gap.max(REPAIR_GAP)) else {
                        return (g, None);
                    };
                    (g, price_group(terms, &groups[g], &lp.prices, Some(left), None, f64::INFINITY, settings).column)
                })
                .collect();
            let before = pool.len();
            for (g, c) in found {
                priced_at[g] = Some(count);
                if let Some(c) = c {
                    pool.add(g, c);
                }
            }
            if pool.len() > before {
                continue;
            }
        }
        // 3. The columns the LP likes most, as many as fit.
        let mut ranked: Vec<(usize, usize, f64)> = open
            .iter()
            .flat_map(|&g| lp.values[g].iter().enumerate().map(move |(j, &v)| (g, j, v)))
            .filter(|x| x.2 > 1e-6)
            .collect();
        ranked.sort_by(|a, b| {
            b.2.total_cmp(&a.2).then(pool.columns[a.0][a.1].cost.total_cmp(&pool.columns[b.0][b.1].cost))
        });
        let most = ((open.len() as f64 * HOLD_SHARE).ceil() as usize).max(1);
        for (g, j, _) in ranked {
            if held >= most {
                break;
            }
            if holds[g] == Hold::Open {
                held += usize::from(hold(catalog, pool, &mut holds, &mut used, (g, j)));
            }
        }
        if held > 0 {
            continue;
        }
        // 4. Nothing fits: the group the LP leaves most unplanned goes out.
        let out = open.iter().copied().max_by(|&a, &b| lp.unplanned[a].total_cmp(&lp.unplanned[b]).then(b.cmp(&a)))?;
        holds[out] = Hold::Out;
    }
    // Out of time: each group still open gets its cheapest column that fits.
    let mut choice = chosen(&holds);
    let open: Vec<usize> = (0..n).filter(|&g| holds[g] == Hold::Open).collect();
    fill_cheapest(catalog, pool, &mut choice, &open);
    Some(choice)
}

/// Holds group `g` to its column `j` when that fits beside `used`, counting its use.
fn hold(
    catalog: &crate::contract::Catalog,
    pool: &Pool,
    holds: &mut [Hold],
    used: &mut HashMap<Resource, f64>,
    (g, j): (usize, usize),
) -> bool {
    let c = &pool.columns[g][j];
    if !fits(catalog, used, c) {
        return false;
    }
    add_use(used, c);
    holds[g] = Hold::Column(j);
    true
}
