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
//! No group costs less than its own optimum's bound, so a try stops as soon as the groups
//! put back and those bounds reach what its groups cost before, and at its cost alone a
//! group's chains look only below what it may cost for the try to gain.
//! A worker per thread draws a try, puts its groups back, and keeps the new plans when
//! none of its groups moved meanwhile and the plans still fit, then draws the next. Column
//! generation also runs the search beside each master LP, one try at a time on the core
//! HiGHS leaves idle ([`RuinAndRecreate::run`] `alone`), on an [`Incumbent`] that holds
//! its plans by value, since the LP reads the pool meanwhile.

use super::block::{GroupInput, PlanColumn};
use super::colgen::{residual, seconds_left, wave_settings, Spread};
use super::day_chain::fits;
use super::master::{add_use, same, take_use, Pool};
use super::priced_rooming::{add_options, fitting_roomings, NewOption};
use super::pricing::{price_group, priced_value, Prices, PricingTerms};
use super::resource::Resource;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::Instant;

/// Most groups taken out together.
pub const RUIN_GROUPS: usize = 6;

/// Tries without an improvement, per group of the batch, after which the search stops
/// (it proves nothing, so a batch with time left does not wait for its deadline).
pub const STALE_TRIES_PER_GROUP: usize = 20;

/// The factors on the master's prices a group may be put back at (0: its cost alone).
/// Measured over one 100-group run's tries (session 20): a try gained 176 on average at
/// 0, 147 at 0.5 and 47 at 1.0, so 1.0 is no longer drawn.
const PRICE_FACTORS: [f64; 3] = [0.0, 0.0, 0.5];

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

/// The plans ruin and recreate works on, held by value (one per group, `None` =
/// unplanned) rather than as indices into the pool, so that it can run beside the master
/// LP, which reads the pool ([`super::colgen`]).
#[derive(Clone, Debug)]
pub struct Incumbent {
    /// Per group, its plan.
    pub plans: Vec<Option<PlanColumn>>,
}

impl Incumbent {
    /// The plans `choice` picks from the pool.
    pub fn of(pool: &Pool, choice: &[Option<usize>]) -> Incumbent {
        let plans = choice.iter().enumerate().map(|(g, c)| c.map(|j| pool.columns[g][j].clone())).collect();
        Incumbent { plans }
    }

    /// Its plans put into the pool (a plan the pool holds already keeps its index): the
    /// choice of them.
    pub fn into_pool(&self, pool: &mut Pool) -> Vec<Option<usize>> {
        self.plans.iter().enumerate().map(|(g, p)| p.as_ref().map(|c| pool.add(g, c.clone()))).collect()
    }

    /// What its plans use of each shared resource.
    fn used(&self) -> HashMap<Resource, f64> {
        let mut used = HashMap::new();
        for c in self.plans.iter().flatten() {
            add_use(&mut used, c);
        }
        used
    }
}

/// Ruin and recreate over a whole solve: its random draws, each group's related groups,
/// and how many tries in a row improved nothing, kept from one run to the next (column
/// generation runs it beside each master LP, then the choosing phase runs it to the end).
pub struct RuinAndRecreate {
    rng: ChaCha8Rng,
    related: Vec<Vec<usize>>,
    stale: usize,
    round: usize,
}

impl RuinAndRecreate {
    /// A search over groups with these footprints ([`GroupInput::footprint`]).
    pub fn new(footprint: &[BTreeMap<Resource, f64>]) -> RuinAndRecreate {
        RuinAndRecreate {
            rng: ChaCha8Rng::seed_from_u64(footprint.len() as u64),
            related: related_groups(footprint),
            stale: 0,
            round: 0,
        }
    }

    /// Whether [`STALE_TRIES_PER_GROUP`] times the groups' number of tries in a row have
    /// improved nothing: the search is over.
    pub fn is_stale(&self) -> bool {
        self.stale >= STALE_TRIES_PER_GROUP * self.related.len()
    }

    /// Counts the search as fresh again (a new start after other steps moved the plans).
    pub fn wake(&mut self) {
        self.stale = 0;
    }

    /// Ruins and recreates neighbourhoods of `incumbent` until `until`, until `stop` is
    /// set (checked between groups put back) or until the search is stale; returns how
    /// many neighbourhoods were improved. Every capacity the incumbent keeps stays kept.
    /// `alone`: one try at a time on the calling thread (beside other work), rather than
    /// a worker per thread of the rayon pool, each drawing its next try as soon as its last
    /// one is done (no thread waits for another's larger try).
    #[allow(clippy::too_many_arguments)]
    pub fn run(
        &mut self,
        terms: PricingTerms<'_>,
        groups: &mut [GroupInput<'_>],
        spread: Spread<'_>,
        hints: Hints<'_>,
        pool: &Pool,
        incumbent: &mut Incumbent,
        until: Instant,
        mip_gap: f64,
        stop: &AtomicBool,
        alone: bool,
    ) -> usize {
        let catalog = terms.catalog;
        let n = incumbent.plans.len();
        if incumbent.plans.iter().filter(|c| c.is_some()).count() < 2 {
            return 0;
        }
        let halt = Halt { until, stop };
        let used = incumbent.used();
        let board = Mutex::new(Board {
            search: self,
            incumbent,
            used,
            versions: vec![0; n],
            added: vec![Vec::new(); n],
            improved: 0,
        });
        let readonly: &[GroupInput<'_>] = groups;
        let lock = || board.lock().unwrap_or_else(PoisonError::into_inner);
        let work = || loop {
            let drawn = {
                let mut b = lock();
                if halt.now() || b.search.is_stale() {
                    return;
                }
                b.draw(hints, pool, catalog)
            };
            let (out, versions) = (drawn.t.out.clone(), drawn.versions.clone());
            let found = recreate(terms, readonly, spread, hints, pool, drawn, halt, mip_gap);
            let mut b = lock();
            b.search.stale += 1;
            if let Some((gain, placed)) = found {
                if gain > 1e-6 {
                    b.keep(catalog, &out, &versions, placed);
                }
            }
        };
        if alone {
            work();
        } else {
            rayon::scope(|scope| {
                for _ in 0..rayon::current_num_threads().max(1) {
                    scope.spawn(|_| work());
                }
            });
        }
        let board = board.into_inner().unwrap_or_else(PoisonError::into_inner);
        for (g, added) in board.added.into_iter().enumerate() {
            add_options(&mut groups[g], added);
        }
        board.improved
    }
}

/// What the workers of one run of ruin and recreate share: the search, the incumbent and
/// what it uses, each group's version (raised when its plan changes, so a try drawn
/// before is not kept), and the roomings the plans kept added to their groups' options
/// (given to the groups when the run ends, in order).
struct Board<'s, 'i> {
    search: &'s mut RuinAndRecreate,
    incumbent: &'i mut Incumbent,
    used: HashMap<Resource, f64>,
    versions: Vec<u64>,
    added: Vec<Vec<NewOption>>,
    improved: usize,
}

impl Board<'_, '_> {
    /// The next try, with what it needs of the incumbent as it is now.
    fn draw(&mut self, hints: Hints<'_>, pool: &Pool, catalog: &crate::contract::Catalog) -> Drawn {
        let crowded = self.search.round.is_multiple_of(2);
        self.search.round += 1;
        let search = &mut *self.search;
        let t = draw(&mut search.rng, crowded, &search.related, hints, pool, self.incumbent, &self.used, catalog);
        Drawn {
            used: self.used.clone(),
            plans: t.out.iter().map(|&g| self.incumbent.plans[g].clone()).collect(),
            versions: t.out.iter().map(|&g| self.versions[g]).collect(),
            added: t.out.iter().map(|&g| self.added[g].clone()).collect(),
            t,
        }
    }

    /// Keeps the plans a try found for the groups `out` (at `versions` when drawn), when
    /// none of those groups changed since and the plans still fit beside the others'.
    fn keep(&mut self, catalog: &crate::contract::Catalog, out: &[usize], versions: &[u64], placed: Vec<Placed>) {
        let unchanged = out.iter().zip(versions).all(|(&g, &v)| self.versions[g] == v);
        if !unchanged || !still_fits(catalog, self.incumbent, &self.used, &placed) {
            return;
        }
        for p in placed {
            if let Some(c) = &self.incumbent.plans[p.group] {
                take_use(&mut self.used, c);
            }
            add_use(&mut self.used, &p.column);
            self.versions[p.group] += 1;
            self.added[p.group].extend(p.new);
            self.incumbent.plans[p.group] = Some(p.column);
        }
        self.improved += 1;
        self.search.stale = 0;
    }
}

/// A try and what it needs of the incumbent when it was drawn: what the plans used, and
/// per group taken out (in the try's order) its plan, version and roomings added.
struct Drawn {
    t: Try,
    used: HashMap<Resource, f64>,
    plans: Vec<Option<PlanColumn>>,
    versions: Vec<u64>,
    added: Vec<Vec<NewOption>>,
}

/// When a run of ruin and recreate must stop: at its deadline, or once `stop` is set.
#[derive(Clone, Copy)]
struct Halt<'a> {
    until: Instant,
    stop: &'a AtomicBool,
}

impl Halt<'_> {
    fn now(&self) -> bool {
        self.stop.load(Ordering::Relaxed) || seconds_left(self.until) <= 0.2
    }
}

/// Ruins and recreates neighbourhoods of `choice` (plans of the pool) until `until` or
/// until the search is stale ([`RuinAndRecreate::is_stale`]); the plans kept join the
/// pool and `choice`. Returns how many neighbourhoods were improved.
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
    let mut incumbent = Incumbent::of(pool, choice);
    let never = AtomicBool::new(false);
    let improved = RuinAndRecreate::new(spread.footprint).run(
        terms,
        groups,
        spread,
        hints,
        pool,
        &mut incumbent,
        until,
        mip_gap,
        &never,
        false,
    );
    choice.copy_from_slice(&incumbent.into_pool(pool));
    improved
}

/// Whether the plans `placed` fit beside the plans `incumbent` keeps for every other group
/// (`used`: what `incumbent` uses).
fn still_fits(
    catalog: &crate::contract::Catalog,
    incumbent: &Incumbent,
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
        if let Some(c) = &incumbent.plans[p.group] {
            for (r, n) in &c.usage {
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
    incumbent: &Incumbent,
    used: &HashMap<Resource, f64>,
    catalog: &crate::contract::Catalog,
) -> Try {
    let choice = &incumbent.plans;
    let planned: Vec<usize> = (0..choice.len()).filter(|&g| choice[g].is_some()).collect();
    let size = rng.random_range(2..=RUIN_GROUPS);
    let factor = PRICE_FACTORS[rng.random_range(0..PRICE_FACTORS.len())];
    let crowded_out = if crowded { crowded_out(rng, hints, pool, incumbent, used, catalog) } else { None };
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
    incumbent: &Incumbent,
    used: &HashMap<Resource, f64>,
    catalog: &crate::contract::Catalog,
) -> Option<(usize, Vec<usize>)> {
    let choice = &incumbent.plans;
    let holding = |g: usize, r: &Resource| choice[g].as_ref().is_some_and(|c| c.usage.iter().any(|(u, _)| u == r));
    let blocked = |g: usize| -> Vec<&Resource> {
        let Some(own) = hints.own[g] else { return Vec::new() };
        let mine = choice[g].as_ref();
        if mine.is_some_and(|c| same(&c.choice, &pool.columns[g][own].choice)) {
            return Vec::new();
        }
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
            .map(|g| choice[g].as_ref().map_or(0.0, |c| (c.cost - hints.own_bounds[g]).max(0.0)))
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
    drawn: Drawn,
    halt: Halt<'_>,
    mip_gap: f64,
) -> Option<(f64, Vec<Placed>)> {
    let Drawn { t, mut used, plans, added, .. } = drawn;
    let before: f64 = t.out.iter().zip(&plans).map(|(&g, p)| p.as_ref().map_or(hints.penalties[g], |c| c.cost)).sum();
    for c in plans.iter().flatten() {
        take_use(&mut used, c);
    }
    let prices: Prices = if t.factor > 0.0 {
        hints.prices.iter().map(|(r, p)| (r.clone(), p * t.factor)).collect()
    } else {
        Prices::new()
    };
    let mut placed: Vec<Placed> = Vec::with_capacity(t.out.len());
    for (k, (&g, added)) in t.out.iter().zip(added).enumerate() {
        if halt.now() {
            return None;
        }
        // What this group may cost for the try to gain: no group costs less than its own
        // optimum's bound, so the groups after it cost at least their bounds.
        let so_far: f64 = placed.iter().map(|p| p.column.cost).sum();
        let later: f64 = t.out[k + 1..].iter().map(|&h| hints.own_bounds[h]).sum();
        let room = before - so_far - later - 1e-6;
        if hints.own_bounds[g] >= room {
            return None;
        }
        let settings = wave_settings(halt.until, mip_gap)?;
        let left = residual(terms.catalog, &spread.reach[g], &used, None);
        // The group with the roomings this run's kept plans added to its options.
        let with_added = (!added.is_empty()).then(|| {
            let mut copy = groups[g].clone();
            add_options(&mut copy, added);
            copy
        });
        let base = with_added.as_ref().unwrap_or(&groups[g]);
        // Where none of the group's roomings fits what is left of a hotel, the cheapest
        // that does (on a copy of the group; kept with the plan).
        let new = if spread.fitting { fitting_roomings(terms, base, &left).unwrap_or_default() } else { Vec::new() };
        let extended;
        let input = if new.is_empty() {
            base
        } else {
            let mut copy = base.clone();
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
        // At its cost alone, its chains look only below that room.
        let below = if t.factor > 0.0 { f64::INFINITY } else { room };
        let priced = price_group(terms, input, &prices, Some(&left), start.map(|c| &c.choice), below, settings);
        let c = priced.column.or_else(|| start.cloned())?;
        add_use(&mut used, &c);
        placed.push(Placed { group: g, column: c, new });
    }
    let after: f64 = placed.iter().map(|p| p.column.cost).sum();
    Some((before - after, placed))
}
