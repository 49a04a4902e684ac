//! Batch pricing is exact at room prices once a group's options are extended at them
//! (`batch::priced_rooming`): a group whose options hold only its cheapest rooming per
//! hotel and night, extended at random room prices, prices as well as the same group with
//! every rooming a complete option search finds, and its bound never exceeds that. The
//! same group without the extension prices worse at some prices, so the comparison can
//! fail. And where a room type is full, the rooming the repair adds is the cheapest that
//! fits what is left. No timed assertions.

mod support;

use jidiao_solver::batch::block::{GroupInput, Options};
use jidiao_solver::batch::options::rooming_options;
use jidiao_solver::batch::options::rooms_by_type;
use jidiao_solver::batch::priced_rooming::{extend_options, fitting_roomings};
use jidiao_solver::batch::pricing::{price_group, priced_value, Prices, PricingTerms};
use jidiao_solver::batch::resource::Resource;
use jidiao_solver::contract::{ChangeCosts, PlanJob};
use jidiao_solver::milp::highs::MilpSettings;
use jidiao_solver::planner::{prepare, SolveContext};
use jidiao_solver::rooming::terms_on;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};
use support::lone_group::{lone_group, plan_job};
use support::tiny_jobs::tiny_job;

const EXACT: MilpSettings = MilpSettings { offset: 0.0, time_limit_s: 60.0, mip_gap: 0.0, presolve: false };

/// What pricing one job's group at random room prices showed.
#[derive(Default)]
struct Seen {
    /// Rounds priced.
    rounds: usize,
    /// Rounds where the extension added a rooming.
    extended: usize,
    /// Rounds where the group's cheapest roomings alone priced worse than the exact value.
    restricted_worse: usize,
}

/// The group's value at `prices` (its best column's, or none).
fn value(g: &GroupInput<'_>, terms: PricingTerms<'_>, prices: &Prices) -> (Option<f64>, f64) {
    let p = price_group(terms, g, prices, None, None, f64::INFINITY, EXACT);
    assert!(p.failure.is_none(), "{:?}", p.failure);
    (p.column.as_ref().map(|c| priced_value(c, prices)), p.bound)
}

/// The group's options at every hotel and night replaced by a complete option search's.
fn complete_options(g: &mut GroupInput<'_>, job: &PlanJob) {
    let p = g.prepared;
    for (n, night) in g.options.iter_mut().enumerate() {
        let date = p.model.days[n].date;
        for (h, options) in night.iter_mut().enumerate() {
            if options.is_empty() {
                continue;
            }
            let hotel = &job.catalog.hotels[p.model.hotels[h].catalog];
            let types: Vec<usize> = terms_on(hotel, date).iter().map(|t| t.index).collect();
            let (found, done) = rooming_options(hotel, date, &p.model.rooming, &types);
            assert!(done, "the tiny job's option search runs to the end");
            *options = Options::from(found);
        }
    }
}

fn compare(job: &PlanJob, seed: u64, seen: &mut Seen) {
    let ctx = SolveContext { mip_gap: 0.0, ..SolveContext::default() };
    let Ok(p) = prepare(job, &ctx) else { return };
    let contested = HashSet::new();
    let costs = ChangeCosts::default();
    let terms = PricingTerms { catalog: &job.catalog, contested: &contested, costs: &costs };
    let all = lone_group(&p, job, &contested, Vec::new());
    // Every rooming a complete search over every sold room type finds: exact at any prices.
    let mut complete = lone_group(&p, job, &contested, Vec::new());
    complete_options(&mut complete, job);
    let reach = all.reach(&job.catalog, &contested);
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    for _ in 0..6 {
        let prices: Prices = reach
            .keys()
            .filter(|r| matches!(r, Resource::Room { .. }))
            .map(|r| (r.clone(), if rng.random_bool(0.5) { rng.random_range(0.0..600.0) } else { 0.0 }))
            .collect();
        let (exact, _) = value(&complete, terms, &prices);
        let (restricted, _) = value(&all, terms, &prices);
        let mut extended = lone_group(&p, job, &contested, Vec::new());
        let before: usize = extended.options.iter().flatten().map(|o| o.len()).sum();
        let ready = extend_options(terms, std::slice::from_mut(&mut extended), &prices, &[0], far());
        assert_eq!(ready, vec![true]);
        let after: usize = extended.options.iter().flatten().map(|o| o.len()).sum();
        let (found, bound) = value(&extended, terms, &prices);
        let (Some(exact), Some(found)) = (exact, found) else {
            assert!(exact.is_none() && found.is_none(), "seed {seed}: one found a plan, the other none");
            continue;
        };
        assert!((found - exact).abs() <= 1e-6 * exact.abs().max(1.0), "seed {seed}: {found} extended, {exact} exact");
        assert!(bound <= exact + 1e-6, "seed {seed}: bound {bound} above the exact value {exact}");
        seen.rounds += 1;
        seen.extended += usize::from(after > before);
        seen.restricted_worse += usize::from(restricted.is_none_or(|r| r > exact + 1e-6));
    }
}

fn far() -> Instant {
    Instant::now() + Duration::from_secs(3600)
}

#[test]
fn extended_options_price_as_well_as_every_rooming() {
    let mut seen = Seen::default();
    for seed in 0..16 {
        let mut job = plan_job(&tiny_job(seed).to_string());
        // A budget could need a rooming of lower cost but higher price: such a group's
        // options are not extended (its rooms are priced only where its search is complete).
        job.trip.budget_per_pax = None;
        compare(&job, seed, &mut seen);
    }
    let mut yunnan = plan_job(include_str!("../fixtures/plan/yunnan-6d-32pax.job.json"));
    yunnan.trip.budget_per_pax = None;
    compare(&yunnan, 99, &mut seen);
    assert!(seen.rounds >= 20, "too few rounds compared: {}", seen.rounds);
    assert!(seen.extended > 0, "the extension never added a rooming");
    assert!(seen.restricted_worse > 0, "the cheapest roomings alone were always exact: the test shows nothing");
}

/// Per hotel and night, the room type of the cheapest rooming's first take left full:
/// the rooming the repair adds fits what is left and costs what the cheapest fitting
/// rooming of a complete search costs; where nothing fits, none is added.
fn fitting(job: &PlanJob) -> (usize, usize) {
    let ctx = SolveContext { mip_gap: 0.0, ..SolveContext::default() };
    let Ok(p) = prepare(job, &ctx) else { return (0, 0) };
    let contested = HashSet::new();
    let costs = ChangeCosts::default();
    let terms = PricingTerms { catalog: &job.catalog, contested: &contested, costs: &costs };
    let cheapest = lone_group(&p, job, &contested, Vec::new());
    let mut complete = lone_group(&p, job, &contested, Vec::new());
    complete_options(&mut complete, job);
    let (mut added, mut none) = (0, 0);
    for (n, night) in cheapest.options.iter().enumerate() {
        let date = p.model.days[n].date;
        for (h, options) in night.iter().enumerate().filter(|(_, o)| !o.is_empty()) {
            let hotel = p.model.hotels[h].catalog;
            let full = rooms_by_type(&options[0])[0].0;
            let residual: HashMap<Resource, f64> = [(Resource::Room { hotel, room: full, date }, 0.0)].into();
            let fits = |o: &jidiao_solver::rooming::NightRooming| rooms_by_type(o).iter().all(|t| t.0 != full);
            let found = fitting_roomings(terms, &cheapest, &residual).expect("the rooming MILPs solve");
            let here: Vec<_> = found.iter().filter(|f| f.0 == n && f.1 == h).collect();
            let best = complete.options[n][h].iter().filter(|o| fits(o)).map(|o| o.cost).fold(f64::INFINITY, f64::min);
            match here.as_slice() {
                [] => {
                    assert!(best.is_infinite(), "nothing added at night {n} hotel {h}, yet a rooming at {best} fits");
                    none += 1;
                }
                [(_, _, r)] => {
                    assert!(fits(r), "the added rooming takes the full room type");
                    assert!((r.cost - best).abs() < 1e-6, "added at {}, the cheapest fitting costs {best}", r.cost);
                    added += 1;
                }
                _ => panic!("more than one rooming added at one hotel and night"),
            }
        }
    }
    (added, none)
}

#[test]
fn where_a_room_type_is_full_the_repair_adds_the_cheapest_rooming_that_fits() {
    let (mut added, mut none) = (0, 0);
    for seed in 0..16 {
        let (a, b) = fitting(&plan_job(&tiny_job(seed).to_string()));
        added += a;
        none += b;
    }
    assert!(added > 0, "no rooming was ever added");
    assert!(none > 0, "every hotel always had another rooming: the empty case was never tried");
}
