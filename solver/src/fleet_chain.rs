//! One fleet of a plan solved by its chain of days and nights ([`crate::chain`]) instead
//! of its MILP: exact, and much faster, for a plan without a budget and without plans to
//! exclude. A route's value is its objective (cost - value + drive penalty), a night's
//! stay at a hotel its rooming's cost plus the caller's extra term; the fleet's day
//! rates, guide and fees are the constant.

use crate::chain::{best_chain, ChainInput, ChainOutcome, Link, Stay};
use crate::fleet::Fleet;
use crate::milp::plan::{fixed_cost, price_routes, FleetAnswer, FleetTerms, PlanChoice};
use crate::model::TripModel;
use crate::rooming::NightRooming;
use crate::routes::DayRoute;

/// Whether a plan's fleets can be solved by their chains: no budget, no plan to exclude.
pub fn chain_solves(model: &TripModel, terms: FleetTerms<'_>) -> bool {
    model.budget_total.is_none() && terms.exclude.is_empty()
}

/// The chain of a plan of `model` with these links and stays: its hotels' places, its
/// must-visits and its hotel change penalty.
pub fn chain_input(model: &TripModel, links: Vec<Vec<Link>>, stays: Vec<Vec<Stay>>) -> ChainInput {
    ChainInput {
        links,
        stays,
        place: model.hotels.iter().map(|h| h.place).collect(),
        places: model.places.len(),
        musts: model.attractions.iter().enumerate().filter(|(_, a)| a.must).fold(0, |s, (i, _)| s | (1u128 << i)),
        penalty: model.hotel_change_penalty,
    }
}

/// Fleet `fleet`'s best plan whose objective is below `below` (`f64::INFINITY`: the best),
/// as a proven answer; with none below it, an answer without a plan whose bound is
/// `below`. `None` when the chain is too large (the MILP must solve the fleet). Only
/// where [`chain_solves`].
pub fn solve_fleet_chain(
    model: &TripModel,
    fleet: &Fleet,
    routes: &[Vec<DayRoute>],
    rooming: &[Vec<Option<NightRooming>>],
    terms: FleetTerms<'_>,
    below: f64,
) -> Option<FleetAnswer> {
    let links = price_routes(model, fleet, routes)
        .iter()
        .enumerate()
        .map(|(d, day)| {
            day.iter()
                .map(|pr| {
                    let r = &routes[d][pr.route];
                    Link { route: pr.route, start: r.start, end: r.end, set: r.set, value: pr.objective }
                })
                .collect()
        })
        .collect();
    let stays = rooming
        .iter()
        .enumerate()
        .map(|(n, night)| {
            night
                .iter()
                .enumerate()
                .map(|(h, r)| {
                    let extra = terms.hotel_night.get(n).and_then(|e| e.get(h)).copied().unwrap_or(0.0);
                    r.as_ref().map(|r| (0, r.cost + extra))
                })
                .collect()
        })
        .collect();
    let input = chain_input(model, links, stays);
    let constant = fixed_cost(model, fleet) + terms.fleet;
    let answer = |choice: Option<(PlanChoice, f64)>, bound: f64| FleetAnswer {
        choice,
        bound,
        proven: true,
        variables: 0,
        constraints: 0,
        failure: None,
        reduced: Vec::new(),
        integral: true,
    };
    match best_chain(&input, below - constant) {
        ChainOutcome::Plan(c) => {
            let objective = c.value + constant;
            Some(answer(Some((PlanChoice { routes: c.routes, hotels: c.hotels }, objective)), objective))
        }
        ChainOutcome::NoPlan => Some(answer(None, below)),
        ChainOutcome::TooLarge => None,
    }
}
