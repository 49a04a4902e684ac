//! The plan of one fleet as a chain of days and nights, solved exactly by dynamic
//! programming: the fast path for a plan without a budget, in `plan` jobs and in a
//! batch's pricing.
//!
//! With the fleet fixed, a plan is a chain: day 0's route, night 0's hotel and rooming,
//! day 1's route from that hotel's place, and so on. Every term of the objective belongs
//! to one link or to two neighbouring ones: a route's value (its objective, and in a
//! batch the prices of its contested meals), a stay's value (its rooming's cost, and in
//! a batch its rooms' prices and change cost), the hotel change penalty between two
//! nights. Only the rule "each attraction at most once, every must-visit once" reaches
//! across the chain, so a state is (where the group sleeps, which attractions it has
//! seen). Remembering every attraction makes too many states (a week's group may see any
//! of 14 attractions on most days), so the programme remembers only a critical set of
//! them (decremental state-space relaxation): the must-visits at first; the others may
//! then be seen twice, which makes the programme a relaxation. When its best chain sees
//! an attraction twice, that attraction joins the critical set and the programme runs
//! again; a best chain that sees none twice is optimal. A state is dropped when even the
//! best completion of the trip from it (a backward pass with no attraction rules) cannot
//! get below the bar (the plan in hand).
//!
//! A plan with a budget needs every (objective, cost) trade-off kept, and is solved by
//! the MILP instead. `tests/optimality.rs` and `tests/batch_day_chain.rs` compare the
//! chain with exhaustive search and with the MILP.

use rustc_hash::FxHashMap;
use std::collections::hash_map::Entry;

/// Most states a chain may hold on one day before it gives up (the MILP then solves
/// the fleet).
pub const MAX_STATES: usize = 400_000;

/// A route of a day as a link of the chain.
#[derive(Clone, Copy, Debug)]
pub struct Link {
    /// Index into the day's routes.
    pub route: usize,
    /// Start place.
    pub start: usize,
    /// End place.
    pub end: usize,
    /// Attractions visited.
    pub set: u128,
    /// Its value in the objective.
    pub value: f64,
}

/// A night at a hotel option: the rooming option taken and its value (`None`: the
/// hotel cannot room the group that night).
pub type Stay = Option<(usize, f64)>;

/// One fleet's chain problem.
#[derive(Clone, Debug)]
pub struct ChainInput {
    /// Per day, its routes (the first day's from the arrival, the last day's to the
    /// departure).
    pub links: Vec<Vec<Link>>,
    /// Per night and hotel option, the best stay there.
    pub stays: Vec<Vec<Stay>>,
    /// Per hotel option, its place.
    pub place: Vec<usize>,
    /// Number of places.
    pub places: usize,
    /// The must-visit attractions.
    pub musts: u128,
    /// The hotel change penalty.
    pub penalty: f64,
}

/// The best chain: a route per day, a hotel option and rooming option per night, and its
/// value (the sum of its links' and stays' values and penalties).
#[derive(Clone, Debug, PartialEq)]
pub struct ChainPlan {
    /// Route per day (index into the day's routes).
    pub routes: Vec<usize>,
    /// Hotel option per night.
    pub hotels: Vec<usize>,
    /// Rooming option per night.
    pub options: Vec<usize>,
    /// Its value.
    pub value: f64,
}

/// What solving a chain found.
#[derive(Clone, Debug, PartialEq)]
pub enum ChainOutcome<P> {
    /// The optimal plan (its value is below the bar).
    Plan(P),
    /// No plan whose value is below the bar.
    NoPlan,
    /// More than [`MAX_STATES`] states on a day: not solved.
    TooLarge,
}

impl<P> ChainOutcome<P> {
    /// The plan mapped by `f`, the other outcomes as they are.
    pub fn map<Q>(self, f: impl FnOnce(P) -> Q) -> ChainOutcome<Q> {
        match self {
            ChainOutcome::Plan(p) => ChainOutcome::Plan(f(p)),
            ChainOutcome::NoPlan => ChainOutcome::NoPlan,
            ChainOutcome::TooLarge => ChainOutcome::TooLarge,
        }
    }
}

/// The best chain of `input` whose value is below `below` (`f64::INFINITY`: the best).
pub fn best_chain(input: &ChainInput, below: f64) -> ChainOutcome<ChainPlan> {
    let Some(chain) = Chain::new(input) else { return ChainOutcome::NoPlan };
    let mut critical = input.musts;
    loop {
        let Some(best) = chain.best(critical, below) else { return ChainOutcome::TooLarge };
        let Some((links, hotels, options, value)) = best else { return ChainOutcome::NoPlan };
        // The attractions the best chain sees more than once become critical.
        let mut seen = 0u128;
        let mut twice = 0u128;
        for l in &links {
            twice |= seen & l.set;
            seen |= l.set;
        }
        if twice == 0 {
            let routes = links.iter().map(|l| l.route).collect();
            return ChainOutcome::Plan(ChainPlan { routes, hotels, options, value });
        }
        critical |= twice;
    }
}

/// A state after a day: its value, the night state it came from (`usize::MAX` on the
/// first day), the route taken, the critical attractions seen that a
/// later day can visit, and the hotel of the night before when it is at the place the
/// day ended (a stay there costs no hotel change).
#[derive(Clone, Copy)]
struct DayState {
    value: f64,
    parent: usize,
    link: Link,
    set: u128,
    stay: Option<usize>,
}

/// A state after a night: its value, the day state it came from, the hotel option and
/// rooming taken, and the critical attractions seen.
#[derive(Clone, Copy)]
struct NightState {
    value: f64,
    parent: usize,
    hotel: usize,
    option: usize,
    set: u128,
}

/// A chain problem with what the programme needs to know of it.
struct Chain<'s> {
    /// Per day and start place, the routes.
    links: Vec<Vec<Vec<Link>>>,
    /// Per night and hotel option, the best stay.
    stays: &'s [Vec<Stay>],
    /// Per night and place, the hotel options with a stay there.
    hotels_at: Vec<Vec<Vec<usize>>>,
    /// Per hotel option, its place.
    place: &'s [usize],
    /// Per day, the attractions a later day can visit.
    later: Vec<u128>,
    /// The must-visits.
    musts: u128,
    /// The hotel change penalty.
    penalty: f64,
    /// Per night and hotel option, the least value of the rest of the trip after sleeping
    /// there (no attraction rules): the completion bound.
    after: Vec<Vec<f64>>,
    /// Per night and place, the least value of that night and the rest of the trip for
    /// a group arriving there, without the hotel change penalty.
    arrival: Vec<Vec<f64>>,
}

/// The best chain found: links per day, hotel and rooming option per night, value.
type Found = (Vec<Link>, Vec<usize>, Vec<usize>, f64);

impl<'s> Chain<'s> {
    /// The chain of `input`; `None` when it has no day.
    fn new(input: &'s ChainInput) -> Option<Chain<'s>> {
        let days = input.links.len();
        if days == 0 || input.stays.len() + 1 != days {
            return None;
        }
        let places = input.places;
        let links: Vec<Vec<Vec<Link>>> = input
            .links
            .iter()
            .map(|day| {
                let mut by_start: Vec<Vec<Link>> = vec![Vec::new(); places];
                for l in day {
                    by_start[l.start].push(*l);
                }
                by_start
            })
            .collect();
        let hotels_at: Vec<Vec<Vec<usize>>> = input
            .stays
            .iter()
            .map(|night| {
                let mut at: Vec<Vec<usize>> = vec![Vec::new(); places];
                for (h, _) in night.iter().enumerate().filter(|(_, s)| s.is_some()) {
                    at[input.place[h]].push(h);
                }
                at
            })
            .collect();
        let nights = days - 1;
        let mut later = vec![0u128; days];
        for d in (0..nights).rev() {
            later[d] = later[d + 1] | input.links[d + 1].iter().fold(0, |s, l| s | l.set);
        }
        let mut chain = Chain {
            links,
            stays: &input.stays,
            hotels_at,
            place: &input.place,
            later,
            musts: input.musts,
            penalty: input.penalty,
            after: vec![vec![f64::INFINITY; input.place.len()]; nights],
            arrival: vec![vec![f64::INFINITY; places]; nights],
        };
        chain.complete();
        Some(chain)
    }

    /// A stay's value at hotel option `h` on night `n` and the completion after it.
    fn stay_and_after(&self, n: usize, h: usize) -> f64 {
        self.stays[n][h].map_or(f64::INFINITY, |s| s.1) + self.after[n][h]
    }

    /// The least value of night `n` and the rest of the trip for a group arriving at
    /// `end` after sleeping at `from` the night before (`None`: elsewhere, or night 0).
    fn arrive(&self, n: usize, end: usize, from: Option<usize>) -> f64 {
        if n == 0 {
            return self.arrival[0][end];
        }
        let same = from.map_or(f64::INFINITY, |h| self.stay_and_after(n, h));
        same.min(self.arrival[n][end] + self.penalty)
    }

    /// The completion bounds and arrivals, night by night from the last.
    fn complete(&mut self) {
        let days = self.links.len();
        for n in (0..days - 1).rev() {
            for h in 0..self.place.len() {
                if self.stays[n][h].is_none() {
                    continue;
                }
                let here = self.place[h];
                let mut best = f64::INFINITY;
                for l in &self.links[n + 1][here] {
                    let rest =
                        if n + 2 == days { 0.0 } else { self.arrive(n + 1, l.end, (here == l.end).then_some(h)) };
                    best = best.min(l.value + rest);
                }
                self.after[n][h] = best;
            }
            for (e, hotels) in self.hotels_at[n].iter().enumerate() {
                self.arrival[n][e] = hotels.iter().map(|&h| self.stay_and_after(n, h)).fold(f64::INFINITY, f64::min);
            }
        }
    }

    /// Per day and start place, the links that matter when only the `critical`
    /// attractions are remembered ([`Chain::distinct`]). No night comes before the first
    /// day, so where its routes start does not matter: they are one list.
    fn distinct_links(&self, critical: u128) -> Vec<Vec<Vec<(Link, f64)>>> {
        self.links
            .iter()
            .enumerate()
            .map(|(d, by_start)| {
                if d == 0 {
                    vec![self.distinct(d, by_start.iter().flatten(), critical)]
                } else {
                    by_start.iter().map(|from| self.distinct(d, from, critical)).collect()
                }
            })
            .collect()
    }

    /// Day `d`'s `links` that matter when only the `critical` attractions are remembered,
    /// each with its floor (its value plus the least value of the rest of the trip from
    /// where it ends), least floor first. Two links from one place to the same place that
    /// visit the same critical attractions lead to the same states, so only the one of
    /// least value is kept (the first of equals).
    fn distinct<'l>(&self, d: usize, links: impl IntoIterator<Item = &'l Link>, critical: u128) -> Vec<(Link, f64)> {
        let mut best: FxHashMap<(usize, u128), Link> = FxHashMap::default();
        for l in links {
            match best.entry((l.end, l.set & critical)) {
                Entry::Occupied(mut b) if l.value < b.get().value => *b.get_mut() = *l,
                Entry::Occupied(_) => {}
                Entry::Vacant(v) => {
                    v.insert(*l);
                }
            }
        }
        // A hotel change penalty below zero would make `arrive` less than `arrival`.
        let change = self.penalty.min(0.0);
        let last = d + 1 == self.links.len();
        let mut kept: Vec<(Link, f64)> = best
            .into_values()
            .map(|l| (l, l.value + if last { 0.0 } else { self.arrival[d][l.end] + change }))
            .collect();
        kept.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.route.cmp(&b.0.route)));
        kept
    }

    /// The best chain remembering the `critical` attractions, among those whose value is
    /// below `below`: `Some(None)` when there is none, `None` when a day holds more than
    /// [`MAX_STATES`] states.
    fn best(&self, critical: u128, below: f64) -> Option<Option<Found>> {
        let days = self.links.len();
        let bar = below + 1e-9 * below.abs().max(1.0);
        let links = self.distinct_links(critical);
        let mut day_states: Vec<Vec<DayState>> = Vec::with_capacity(days);
        let mut night_states: Vec<Vec<NightState>> = Vec::with_capacity(days);
        for d in 0..days {
            let later = self.later[d] & critical;
            let closing = if d == 0 { self.musts } else { self.musts & self.later[d - 1] } & !self.later[d];
            let mut states: Vec<DayState> = Vec::new();
            let mut index: FxHashMap<(usize, u128, Option<usize>), usize> = FxHashMap::default();
            let mut push = |value: f64, parent: usize, l: &Link, seen: u128, from: Option<usize>| {
                if l.set & seen != 0 {
                    return;
                }
                let all = seen | (l.set & critical);
                // A must-visit no later day can visit must be seen by now.
                if closing & !all != 0 {
                    return;
                }
                let value = value + l.value;
                let stay = from.filter(|&h| self.place[h] == l.end);
                let bound = if d + 1 == days { value } else { value + self.arrive(d, l.end, stay) };
                if bound > bar || bound == f64::INFINITY {
                    return;
                }
                let key = (l.end, all & later, stay);
                let state = DayState { value, parent, link: *l, set: key.1, stay };
                match index.entry(key) {
                    Entry::Occupied(i) if states[*i.get()].value <= value => {}
                    Entry::Occupied(i) => states[*i.get()] = state,
                    Entry::Vacant(v) => {
                        v.insert(states.len());
                        states.push(state);
                    }
                }
            };
            // Links come least `floor` first: once a state plus a link's floor is above the
            // bar, so is every link after it.
            if d == 0 {
                for (l, floor) in links[0].iter().flatten() {
                    if *floor > bar {
                        break;
                    }
                    push(0.0, usize::MAX, l, 0, None);
                }
            } else {
                for (i, ns) in night_states[d - 1].iter().enumerate() {
                    for (l, floor) in &links[d][self.place[ns.hotel]] {
                        if ns.value + floor > bar {
                            break;
                        }
                        push(ns.value, i, l, ns.set, Some(ns.hotel));
                    }
                }
            }
            if states.len() > MAX_STATES {
                return None;
            }
            day_states.push(states);
            if d + 1 == days {
                break;
            }
            // Night d: at each hotel of the place the day ended, its best rooming; the
            // hotel change penalty unless the group slept there the night before.
            let mut nights: Vec<NightState> = Vec::new();
            let mut index: FxHashMap<(usize, u128), usize> = FxHashMap::default();
            for (i, ds) in day_states[d].iter().enumerate() {
                for &h in &self.hotels_at[d][ds.link.end] {
                    let Some((option, cost)) = self.stays[d][h] else { continue };
                    let change = if d > 0 && ds.stay != Some(h) { self.penalty } else { 0.0 };
                    let value = ds.value + change + cost;
                    if value + self.after[d][h] > bar {
                        continue;
                    }
                    let state = NightState { value, parent: i, hotel: h, option, set: ds.set };
                    match index.entry((h, ds.set)) {
                        Entry::Occupied(j) if nights[*j.get()].value <= value => {}
                        Entry::Occupied(j) => nights[*j.get()] = state,
                        Entry::Vacant(v) => {
                            v.insert(nights.len());
                            nights.push(state);
                        }
                    }
                }
            }
            night_states.push(nights);
        }
        // The best last day, then back along the chain.
        let last =
            day_states[days - 1].iter().enumerate().min_by(|a, b| a.1.value.total_cmp(&b.1.value).then(a.0.cmp(&b.0)));
        let Some((mut i, &DayState { value, .. })) = last else { return Some(None) };
        let mut links = Vec::with_capacity(days);
        let mut hotels = vec![0; days - 1];
        let mut options = vec![0; days - 1];
        for d in (0..days).rev() {
            let ds = day_states[d][i];
            links.push(ds.link);
            if d == 0 {
                break;
            }
            let ns = night_states[d - 1][ds.parent];
            hotels[d - 1] = ns.hotel;
            options[d - 1] = ns.option;
            i = ns.parent;
        }
        links.reverse();
        Some(Some((links, hotels, options, value)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two places (0: town, 1: other town), a hotel option at each.
    fn input(links: Vec<Vec<Link>>, musts: u128, penalty: f64) -> ChainInput {
        let nights = links.len() - 1;
        ChainInput {
            links,
            stays: vec![vec![Some((0, 100.0)), Some((0, 80.0))]; nights],
            place: vec![0, 1],
            places: 2,
            musts,
            penalty,
        }
    }

    fn link(route: usize, start: usize, end: usize, set: u128, value: f64) -> Link {
        Link { route, start, end, set, value }
    }

    fn plan(o: ChainOutcome<ChainPlan>) -> ChainPlan {
        match o {
            ChainOutcome::Plan(p) => p,
            other => panic!("no plan: {other:?}"),
        }
    }

    #[test]
    fn an_attraction_seen_twice_in_the_relaxation_is_seen_once_in_the_plan() {
        // Attraction 0 (bit 1) is worth most on both days; the relaxation (nothing
        // critical at first) takes it twice for -20, the plan once with attraction 1: -15.
        let day0 = vec![link(0, 0, 0, 1, -10.0), link(1, 0, 0, 0, 0.0)];
        let day1 = vec![link(0, 0, 0, 1, -10.0), link(1, 0, 0, 2, -5.0)];
        let p = plan(best_chain(&input(vec![day0, day1], 0, 0.0), f64::INFINITY));
        assert_eq!(p.routes, vec![0, 1]);
        assert_eq!(p.hotels, vec![0]);
        assert!((p.value - (-15.0 + 100.0)).abs() < 1e-9, "{}", p.value);
    }

    #[test]
    fn a_must_visit_is_seen_and_nothing_is_found_below_the_optimum() {
        // Attraction 1 (bit 2) is a must: only day 0 can visit it.
        let day0 = vec![link(0, 0, 0, 1, -10.0), link(1, 0, 0, 2, -1.0)];
        let day1 = vec![link(0, 0, 0, 1, -10.0), link(1, 0, 0, 0, 0.0)];
        let inp = input(vec![day0, day1], 2, 0.0);
        let p = plan(best_chain(&inp, f64::INFINITY));
        assert_eq!(p.routes, vec![1, 0]);
        assert!((p.value - 89.0).abs() < 1e-9, "{}", p.value);
        assert_eq!(best_chain(&inp, 89.0 - 0.5), ChainOutcome::NoPlan);
        assert_eq!(plan(best_chain(&inp, 89.5)).value, p.value);
    }

    #[test]
    fn a_hotel_change_pays_its_penalty_and_a_move_may_still_win() {
        // Three days: sleep in town 0 twice, or move to town 1 (cheaper hotel) for the
        // second night.
        let day0 = vec![link(0, 0, 0, 0, 0.0)];
        let day1 = vec![link(0, 0, 0, 0, 0.0), link(1, 0, 1, 0, 5.0)];
        let day2 = vec![link(0, 0, 0, 0, 0.0), link(1, 1, 0, 0, 5.0)];
        // Staying: 100 + 100 = 200. Moving: 100 + 5 + 80 + 5 + penalty.
        let stay = plan(best_chain(&input(vec![day0.clone(), day1.clone(), day2.clone()], 0, 30.0), f64::INFINITY));
        assert_eq!((stay.hotels.clone(), stay.value), (vec![0, 0], 200.0));
        let moved = plan(best_chain(&input(vec![day0, day1, day2], 0, 5.0), f64::INFINITY));
        assert_eq!((moved.hotels.clone(), moved.value), (vec![0, 1], 195.0));
    }

    /// Every chain of `input` by brute force: the least value of one whose links see no
    /// attraction twice and every must-visit, `None` when there is none.
    fn exhaustive(input: &ChainInput) -> Option<f64> {
        fn go(input: &ChainInput, d: usize, prev: Option<usize>, seen: u128, value: f64, best: &mut Option<f64>) {
            let days = input.links.len();
            for l in &input.links[d] {
                if l.set & seen != 0 || prev.is_some_and(|h| input.place[h] != l.start) {
                    continue;
                }
                let (seen, value) = (seen | l.set, value + l.value);
                if d + 1 == days {
                    if seen & input.musts == input.musts && best.is_none_or(|b| value < b) {
                        *best = Some(value);
                    }
                    continue;
                }
                for (h, stay) in input.stays[d].iter().enumerate() {
                    let Some((_, cost)) = stay else { continue };
                    if input.place[h] != l.end {
                        continue;
                    }
                    let change = if prev.is_some_and(|p| p != h) { input.penalty } else { 0.0 };
                    go(input, d + 1, Some(h), seen, value + cost + change, best);
                }
            }
        }
        let mut best = None;
        go(input, 0, None, 0, 0.0, &mut best);
        best
    }

    #[test]
    fn the_chain_matches_an_exhaustive_search_on_random_trips() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        for case in 0..300 {
            let days = rng.random_range(1..=4);
            let places = rng.random_range(1..=3);
            // Many routes alike but for their value, so that only the least of them counts.
            let links: Vec<Vec<Link>> = (0..days)
                .map(|_| {
                    (0..rng.random_range(1..=12))
                        .map(|route| {
                            let set = rng.random_range(0..16u128);
                            let (start, end) = (rng.random_range(0..places), rng.random_range(0..places));
                            link(route, start, end, set, rng.random_range(-20..20) as f64)
                        })
                        .collect()
                })
                .collect();
            let hotels = rng.random_range(1..=4);
            let stays = (0..days - 1)
                .map(|_| {
                    (0..hotels).map(|_| rng.random_bool(0.8).then(|| (0, rng.random_range(50..100) as f64))).collect()
                })
                .collect();
            let place = (0..hotels).map(|_| rng.random_range(0..places)).collect();
            let musts = rng.random_range(0..4u128);
            let input = ChainInput { links, stays, place, places, musts, penalty: rng.random_range(0..15) as f64 };
            let found = match best_chain(&input, f64::INFINITY) {
                ChainOutcome::Plan(p) => Some(p.value),
                ChainOutcome::NoPlan => None,
                ChainOutcome::TooLarge => panic!("case {case}: too large"),
            };
            assert_eq!(found, exhaustive(&input), "case {case}: {input:?}");
        }
    }
}
