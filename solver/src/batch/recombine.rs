//! Recombination: the joint MILP over the day routes and fleets of the pool's plans, with
//! every hotel and rooming option at their overnight places left free.
//!
//! The pool holds few plans a group (one or two each pricing round), so the integer
//! master over it can only take or leave them whole. Where groups compete for rooms, a
//! better answer often keeps a group's days and changes its hotels, or mixes the days of
//! two of its plans. This model allows both: each group's block ([`super::block`])
//! restricted to the routes its plans use on each day (for each fleet they use), side by
//! side under the shared capacities, warm-started from the best choice so far. Every plan
//! of the pool is a solution of it, so it is never worse than the integer master; it is a
//! restriction, so its bound bounds nothing (the Lagrangian bound stays the batch's).

use super::block::{GroupChoice, GroupInput, Options};
use super::joint::{joint_lp, solve_joint_within, Reserved};
use super::master::{use_of, Pool};
use super::pricing::{Prices, PricingTerms};
use crate::milp::highs::MilpSettings;
use std::collections::BTreeSet;

/// Fleets of least floor ([`GroupInput::fleet_floor`]) each group may take besides those
/// of its plans.
pub const EXTRA_FLEETS: usize = 3;

/// Group `g` restricted to the routes and fleets of its pool columns, its hotel options
/// kept only at the places those routes end at (the others cannot be linked).
fn restricted<'a>(group: &GroupInput<'a>, pool: &Pool, g: usize) -> GroupInput<'a> {
    let p = group.prepared;
    let columns = &pool.columns[g];
    let mut fleets: BTreeSet<usize> = columns.iter().map(|c| c.choice.fleet).collect();
    // The fleets of least floor too: the same days on other coaches.
    let mut by_floor: Vec<usize> = (0..p.fleets.len()).filter(|&f| group.fleet_floor(f).is_finite()).collect();
    by_floor.sort_by(|&a, &b| group.fleet_floor(a).total_cmp(&group.fleet_floor(b)).then(a.cmp(&b)));
    fleets.extend(by_floor.into_iter().take(EXTRA_FLEETS));
    let days = p.routes.len();
    let routes: Vec<BTreeSet<usize>> =
        (0..days).map(|d| columns.iter().filter_map(|c| c.choice.choice.routes.get(d).copied()).collect()).collect();
    let priced = group
        .priced
        .iter()
        .enumerate()
        .map(|(f, per_day)| {
            let kept = fleets.contains(&f);
            per_day
                .iter()
                .zip(&routes)
                .map(|(cs, on_day)| cs.iter().filter(|c| kept && on_day.contains(&c.route)).copied().collect())
                .collect()
        })
        .collect();
    let options = group
        .options
        .iter()
        .zip(&routes)
        .enumerate()
        .map(|(n, (hotels, on_day))| {
            let ends: BTreeSet<usize> = on_day.iter().map(|&r| p.routes[n][r].end).collect();
            hotels
                .iter()
                .enumerate()
                .map(|(h, os)| if ends.contains(&p.model.hotels[h].place) { os.clone() } else { Options::default() })
                .collect()
        })
        .collect();
    group.with_columns(options, priced)
}

/// The best recombination of the pool's plans found within `settings`, started from
/// `choice` (which must fit the shared capacities): per group its new choice (`None` =
/// unplanned), or `None` when no solution was found. The caller re-evaluates the choices
/// on the whole groups ([`GroupInput::column`]) before taking them.
pub fn recombine(
    terms: PricingTerms<'_>,
    groups: &[GroupInput<'_>],
    pool: &Pool,
    choice: &[Option<usize>],
    settings: MilpSettings,
) -> Option<Vec<Option<GroupChoice>>> {
    let members: Vec<usize> = (0..groups.len()).collect();
    recombine_within(terms, groups, &members, pool, choice, settings)
}

/// [`recombine`] for the groups `members` only (a neighbourhood), the other groups held
/// to their plans of `choice`: the members share what those leave of each capacity. Per
/// member (in order) its new choice, or `None` when no solution was found.
pub fn recombine_within(
    terms: PricingTerms<'_>,
    groups: &[GroupInput<'_>],
    members: &[usize],
    pool: &Pool,
    choice: &[Option<usize>],
    settings: MilpSettings,
) -> Option<Vec<Option<GroupChoice>>> {
    let mut reserved: Reserved = use_of(pool, choice);
    for &g in members {
        for (r, n) in choice[g].map_or(&[][..], |j| &pool.columns[g][j].usage[..]) {
            *reserved.entry(r.clone()).or_default() -= n;
        }
    }
    let narrow: Vec<GroupInput<'_>> = members.iter().map(|&g| restricted(&groups[g], pool, g)).collect();
    let starts: Vec<Option<GroupChoice>> =
        members.iter().map(|&g| choice[g].map(|j| pool.columns[g][j].choice.clone())).collect();
    let answer = solve_joint_within(terms.catalog, &narrow, terms.contested, terms.costs, &starts, &reserved, settings);
    answer.solved.then_some(answer.choices)
}

/// Prices of the shared resources from the LP relaxation of the whole batch's
/// recombination model: its duals. Small (the pool's routes only) and so fast, and its
/// rows are the full resources of the plans found so far, so its duals are near the
/// prices that make those plans fit; its optimum bounds nothing (a restriction). `None`
/// when it is not solved within `settings`.
pub fn recombination_prices(
    terms: PricingTerms<'_>,
    groups: &[GroupInput<'_>],
    pool: &Pool,
    settings: MilpSettings,
) -> Option<Prices> {
    let narrow: Vec<GroupInput<'_>> = groups.iter().enumerate().map(|(g, gi)| restricted(gi, pool, g)).collect();
    joint_lp(terms.catalog, &narrow, terms.contested, terms.costs, settings).map(|j| j.prices)
}
