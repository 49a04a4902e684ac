//! Ruin and recreate (`batch::ruin`): two copies of one group on a catalog with room for
//! both everywhere but at the group's optimal first hotel, whose allotment holds one
//! group's rooms. Started with both copies at their best plan without those rooms, ruin and
//! recreate must give one copy its optimum (the pair then costs at most the optimum plus
//! that plan), keep every capacity, and leave each chosen plan's cost and use equal to
//! what its group's options make of it (roomings it added to fit what was left included).
//! The same holds for the search run one try at a time beside other work (as column
//! generation runs it beside each master LP), and a search told to stop changes nothing.

mod support;

use jidiao_solver::batch::block::GroupInput;
use jidiao_solver::batch::colgen::Spread;
use jidiao_solver::batch::master::Pool;
use jidiao_solver::batch::pricing::{Prices, PricingTerms};
use jidiao_solver::batch::ruin::{ruin_and_recreate, Hints, Incumbent, RuinAndRecreate};
use jidiao_solver::contract::{ChangeCosts, PlanJob};
use std::collections::{BTreeMap, HashSet};
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};
use support::lone_group::{lone_group, plan_job};
use support::room_for_one::{contested_copy, fits, optimum, without_those_rooms};
use support::tiny_jobs::tiny_job;

/// How the search is run.
#[derive(Clone, Copy, PartialEq)]
enum Run {
    /// `ruin_and_recreate` on the rayon pool.
    Pooled,
    /// One try at a time on the calling thread.
    Alone,
    /// Alone, told to stop before it starts.
    Stopped,
}

/// What the case showed: `None` when the job has no plan, its plan without the tightened
/// rooms is not dearer, or both copies fit at the optimum (nothing to sort out);
/// otherwise `Some(())` once every assertion held.
fn copies_sorted_out(job: &PlanJob, run: Run) -> Option<()> {
    let (job, p, own) = contested_copy(job)?;
    let elsewhere = optimum(&without_those_rooms(&job, &own))?;
    let contested = HashSet::new();
    let costs = ChangeCosts::default();
    let catalog = &job.catalog;
    let terms = PricingTerms { catalog, contested: &contested, costs: &costs };
    let mut groups: Vec<GroupInput<'_>> = (0..2).map(|_| lone_group(&p, &job, &contested, Vec::new())).collect();
    let best = groups[0].choice_of_plan(catalog, &own, &contested)?;
    let other = groups[0].choice_of_plan(catalog, &elsewhere, &contested)?;
    if other.objective <= best.objective + 1e-6 {
        return None;
    }
    let mut pool = Pool::new(2);
    for (g, group) in groups.iter().enumerate() {
        pool.add(g, group.column(catalog, &contested, &costs, other.clone()));
        pool.add(g, group.column(catalog, &contested, &costs, best.clone()));
    }
    if fits(catalog, &pool, &[Some(1), Some(1)]) || !fits(catalog, &pool, &[Some(0), Some(0)]) {
        return None;
    }
    let reach: Vec<BTreeMap<_, _>> = groups.iter().map(|g| g.reach(catalog, &contested)).collect();
    let footprint: Vec<BTreeMap<_, _>> = groups.iter().map(|g| g.footprint(catalog, &contested)).collect();
    let spread = Spread { reach: &reach, footprint: &footprint, fitting: true };
    let own_index = [Some(1), Some(1)];
    let own_bounds = [best.objective, best.objective];
    let prices = Prices::new();
    let penalties = [1e9, 1e9];
    let hints = Hints { own: &own_index, own_bounds: &own_bounds, penalties: &penalties, prices: &prices };
    let mut choice = vec![Some(0), Some(0)];
    let until = Instant::now() + Duration::from_secs(60);
    let improved = if run == Run::Pooled {
        ruin_and_recreate(terms, &mut groups, spread, hints, &mut pool, &mut choice, until, 0.0)
    } else {
        let mut incumbent = Incumbent::of(&pool, &choice);
        let stop = AtomicBool::new(run == Run::Stopped);
        let mut search = RuinAndRecreate::new(&footprint);
        let improved = search.run(terms, &mut groups, spread, hints, &pool, &mut incumbent, until, 0.0, &stop, true);
        choice = incumbent.into_pool(&mut pool);
        improved
    };
    if run == Run::Stopped {
        assert_eq!(improved, 0, "a search told to stop improved something");
        assert_eq!(choice, vec![Some(0), Some(0)], "a search told to stop moved a plan");
        return Some(());
    }
    assert!(improved > 0, "nothing improved from both copies elsewhere");
    assert!(fits(catalog, &pool, &choice), "ruin and recreate broke a capacity");
    let mut total = 0.0;
    for (g, c) in choice.iter().enumerate() {
        let column = &pool.columns[g][c.expect("both copies stay planned")];
        let again = groups[g].column(catalog, &contested, &costs, column.choice.clone());
        assert!((again.cost - column.cost).abs() < 1e-6, "copy {g}: its plan's cost is not what its options make");
        assert_eq!(again.usage, column.usage, "copy {g}: its plan's use is not what its options make");
        total += column.cost;
    }
    assert!(
        total <= best.objective + other.objective + 1e-6,
        "the copies cost {total}, above one at its optimum ({}) and one elsewhere ({})",
        best.objective,
        other.objective
    );
    assert!(total >= 2.0 * best.objective - 1e-6, "the copies cost {total}, below twice the optimum");
    Some(())
}

fn sorted_out(run: Run) {
    let mut tested = 0;
    for seed in 0..8 {
        tested += usize::from(copies_sorted_out(&plan_job(&tiny_job(seed).to_string()), run).is_some());
    }
    let fixture = plan_job(include_str!("../fixtures/plan/yunnan-6d-32pax.job.json"));
    tested += usize::from(copies_sorted_out(&fixture, run).is_some());
    assert!(tested > 0, "no job had copies to sort out: nothing was tested");
}

#[test]
fn two_copies_competing_for_one_hotel_are_sorted_out() {
    sorted_out(Run::Pooled);
}

#[test]
fn two_copies_are_sorted_out_one_try_at_a_time() {
    sorted_out(Run::Alone);
}

#[test]
fn a_search_told_to_stop_changes_nothing() {
    sorted_out(Run::Stopped);
}
