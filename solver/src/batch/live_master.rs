//! The master LP of column generation kept alive between rounds.
//!
//! [`super::master::solve_lp`] builds the master from the whole pool and solves it from
//! scratch; at 300 groups (5,000 columns, 3,000 capacity rows) that took 10-17 s a round,
//! against 3 s for pricing every group. Here the LP stays in HiGHS: each round adds only the
//! new columns (and the rows of resources they are the first to use), and the simplex
//! starts from the last round's basis, or (as the decomposition runs it) the interior-point
//! method solves it: 2.5-5.8 s a round at 300 groups, and the diving's steps, with groups
//! held, 0.1-6 s (the simplex method from no basis took 70 s, then 10-25 s a step).
//!
//! A resource's capacity row joins the LP only once it could bind: once the most each
//! group's columns use of it adds up to more than its capacity (the row is then added
//! over every column already there). Until then no solution can overrun it, so the LP
//! is the master with every row, and a row left out has no price. Measured on a master
//! of 300 groups (5,692 rows, 10,569 columns): 1,589 of its 5,392 resource rows could
//! never bind, and without them the interior-point method took 15.3-16.1 s against
//! 17.7-18.4 s.

use super::master::{Hold, MasterLp, Pool};
use super::pricing::Prices;
use super::resource::Resource;
use crate::contract::Catalog;
use crate::milp::highs::{IncrementalLp, LpMethod, MilpOutcome};
use std::collections::HashMap;

/// A resource without a row: what each group's columns use of it at most, and the
/// columns' entries, for its row once it could bind.
struct RowOut {
    most: Vec<f64>,
    total: f64,
    entries: Vec<(usize, f64)>,
}

impl RowOut {
    fn new(groups: usize) -> RowOut {
        RowOut { most: vec![0.0; groups], total: 0.0, entries: Vec::new() }
    }

    /// Counts a column of group `g` using `n`: whether the groups together could now use
    /// more than `cap` (each group's plans are a convex combination: it uses at most its
    /// most).
    fn could_bind(&mut self, g: usize, n: f64, cap: f64) -> bool {
        if n > self.most[g] {
            self.total += n - self.most[g];
            self.most[g] = n;
        }
        self.total > cap + 1e-9
    }
}

/// The master LP over a growing pool: `min sum_j cost_j l_j + sum_g P_g u_g`, one
/// convexity row per group (`sum_j l_j + u_g = 1`) and one row per shared resource with a
/// capacity (`sum_j use_rj l_j <= cap_r`), once the pool's columns could overrun it.
pub struct LiveMaster {
    lp: IncrementalLp,
    /// The LP column of each pool column added so far, per group.
    columns: Vec<Vec<usize>>,
    /// The LP column of each group's unplanned variable.
    unplanned: Vec<usize>,
    /// The LP row of each resource that has one.
    resource_rows: HashMap<Resource, usize>,
    /// The resource of each LP row after the groups' rows, in row order.
    resources: Vec<Resource>,
    /// The resources used by some column but without a row yet.
    rows_out: HashMap<Resource, RowOut>,
    /// Each group's hold, as the columns' bounds now say.
    holds: Vec<Hold>,
}

impl LiveMaster {
    /// The master with each group's unplanned variable (at its penalty) and no plan yet.
    pub fn new(penalties: &[f64]) -> Result<LiveMaster, String> {
        let mut lp = IncrementalLp::new()?;
        let mut unplanned = Vec::with_capacity(penalties.len());
        for &p in penalties {
            let row = lp.add_row(1.0, 1.0)?;
            unplanned.push(lp.add_column(p, 0.0, f64::INFINITY, &[(row, 1.0)])?);
        }
        Ok(LiveMaster {
            lp,
            columns: vec![Vec::new(); penalties.len()],
            unplanned,
            resource_rows: HashMap::new(),
            resources: Vec::new(),
            rows_out: HashMap::new(),
            holds: vec![Hold::Open; penalties.len()],
        })
    }

    /// How later solves go ([`LpMethod`]).
    pub fn set_method(&mut self, method: LpMethod) -> Result<(), String> {
        self.lp.set_method(method)
    }

    /// Adds the pool's columns it does not hold yet, and the row of each resource they
    /// make able to bind.
    fn catch_up(&mut self, catalog: &Catalog, pool: &Pool) -> Result<(), String> {
        let groups = self.columns.len();
        for (g, cs) in pool.columns.iter().enumerate() {
            for c in &cs[self.columns[g].len()..] {
                let mut entries = vec![(g, 1.0)];
                let mut still_out: Vec<(&Resource, f64)> = Vec::new();
                for (r, n) in &c.usage {
                    let Some(cap) = r.capacity(catalog) else { continue };
                    if !self.resource_rows.contains_key(r) {
                        let out = self.rows_out.entry(r.clone()).or_insert_with(|| RowOut::new(groups));
                        if out.could_bind(g, *n, cap) {
                            // Its row, over the columns already there.
                            let row = self.lp.add_row_over(f64::NEG_INFINITY, cap, &out.entries)?;
                            debug_assert_eq!(row, groups + self.resources.len());
                            self.rows_out.remove(r);
                            self.resource_rows.insert(r.clone(), row);
                            self.resources.push(r.clone());
                        }
                    }
                    match self.resource_rows.get(r) {
                        Some(&row) => entries.push((row, *n)),
                        None => still_out.push((r, *n)),
                    }
                }
                // No upper bound, as in [`super::master::solve_lp`]: the group's row keeps
                // it at most 1. A held group's new column stays at 0.
                let upper = if self.holds[g] == Hold::Open { f64::INFINITY } else { 0.0 };
                let col = self.lp.add_column(c.cost, 0.0, upper, &entries)?;
                self.columns[g].push(col);
                for (r, n) in still_out {
                    if let Some(out) = self.rows_out.get_mut(r) {
                        out.entries.push((col, n));
                    }
                }
            }
        }
        Ok(())
    }

    /// Sets each group's columns' bounds as `holds` says (all open when empty), for the
    /// groups whose hold changed.
    fn hold(&mut self, holds: &[Hold]) -> Result<(), String> {
        for g in 0..self.holds.len() {
            let want = holds.get(g).copied().unwrap_or(Hold::Open);
            if want == self.holds[g] {
                continue;
            }
            let (out_lower, out_upper) = match want {
                Hold::Open => (0.0, f64::INFINITY),
                Hold::Column(_) => (0.0, 0.0),
                Hold::Out => (1.0, 1.0),
            };
            self.lp.set_bounds(self.unplanned[g], out_lower, out_upper)?;
            for (j, &col) in self.columns[g].iter().enumerate() {
                let (lower, upper) = match want {
                    Hold::Open => (0.0, f64::INFINITY),
                    Hold::Column(c) if c == j => (1.0, 1.0),
                    _ => (0.0, 0.0),
                };
                self.lp.set_bounds(col, lower, upper)?;
            }
            self.holds[g] = want;
        }
        Ok(())
    }

    /// Solves the master over `pool` (which only grows between calls) within
    /// `time_limit_s`, each group as `holds` says (all open when empty): the same answer as
    /// [`super::master::solve_lp`].
    pub fn solve(
        &mut self,
        catalog: &Catalog,
        pool: &Pool,
        holds: &[Hold],
        time_limit_s: f64,
    ) -> Result<MasterLp, String> {
        self.catch_up(catalog, pool)?;
        self.hold(holds)?;
        let groups = self.columns.len();
        match self.lp.solve(time_limit_s) {
            MilpOutcome::Solved { values, objective, proven: true, row_duals, .. } => {
                let prices: Prices = self
                    .resources
                    .iter()
                    .enumerate()
                    .filter_map(|(i, r)| {
                        let pi = -row_duals.get(groups + i).copied().unwrap_or(0.0);
                        (pi > 1e-9).then(|| (r.clone(), pi))
                    })
                    .collect();
                let unplanned = self.unplanned.iter().map(|&c| values[c]).collect();
                let values = self.columns.iter().map(|cs| cs.iter().map(|&c| values[c]).collect()).collect();
                Ok(MasterLp { objective, prices, values, unplanned })
            }
            MilpOutcome::Solved { .. } | MilpOutcome::NoSolution { .. } => Err("the master LP ran out of time".into()),
            MilpOutcome::Infeasible => Err("the master LP is infeasible (it never should be)".into()),
            MilpOutcome::Failed(e) => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::batch::block::PlanColumn;
    use crate::batch::fixture::catalog;
    use crate::batch::master::solve_lp;
    use crate::milp::highs::MilpSettings;
    use chrono::NaiveDate;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    /// A column using `coaches` of vehicle 1 (one a day in the fixture) on each of `days`.
    fn column(key: usize, cost: f64, days: &[u32], coaches: f64) -> PlanColumn {
        let usage = days
            .iter()
            .map(|&d| {
                let date = NaiveDate::from_ymd_opt(2026, 7, d).expect("a date");
                (Resource::Vehicle { vehicle: 1, date }, coaches)
            })
            .collect();
        crate::batch::fixture::column(key, cost, usage)
    }

    /// Grown a few columns at a time, with holds put on and taken off, the live master
    /// answers as a master built from scratch over the same pool (every capacity row
    /// there): the same optimum, and a solution that keeps the holds, the groups' rows and
    /// the capacities, including those whose rows it left out.
    #[test]
    fn the_live_master_matches_one_built_from_scratch_as_the_pool_grows() {
        let catalog = catalog();
        let settings = MilpSettings { offset: 0.0, time_limit_s: 10.0, mip_gap: 0.0, presolve: true };
        let (mut compared_with_holds, mut rows_left_out) = (0, 0);
        for seed in 0..20u64 {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            let groups = rng.random_range(2..=4);
            let penalties = vec![5_000.0; groups];
            let mut pool = Pool::new(groups);
            let mut live = LiveMaster::new(&penalties).expect("HiGHS starts");
            // Each method in turn; interior points are optimal within their tolerances.
            let method = [LpMethod::Simplex, LpMethod::Interior, LpMethod::PrimalSimplex][seed as usize % 3];
            let interior = method == LpMethod::Interior;
            live.set_method(method).expect("HiGHS takes the option");
            let tol = if interior { 1e-5 } else { 1e-6 };
            let mut key = 0;
            for round in 0..6 {
                for _ in 0..rng.random_range(1..=4) {
                    let g = rng.random_range(0..groups);
                    let days: Vec<u32> = (10..14).filter(|_| rng.random_bool(0.5)).collect();
                    let coaches = if days.is_empty() { 0.0 } else { 1.0 };
                    key += 1;
                    pool.add(g, column(key, rng.random_range(500.0..2_000.0), &days, coaches));
                }
                // Every other round, some groups held to a column or held out (the holds
                // change bounds on the live model and must be undone when they change).
                let holds: Vec<Hold> = (0..groups)
                    .map(|g| match rng.random_range(0..4) {
                        0 if round % 2 == 1 && !pool.columns[g].is_empty() => {
                            Hold::Column(rng.random_range(0..pool.columns[g].len()))
                        }
                        1 if round % 2 == 1 => Hold::Out,
                        _ => Hold::Open,
                    })
                    .collect();
                let fresh = solve_lp(&catalog, &pool, &penalties, &holds, settings);
                let kept = live.solve(&catalog, &pool, &holds, 10.0);
                let (fresh, kept) = match (fresh, kept) {
                    (Ok(f), Ok(k)) => (f, k),
                    (Err(_), Err(_)) => continue,
                    (f, k) => panic!(
                        "seed {seed}: from scratch {:?}, live {:?}",
                        f.map(|x| x.objective),
                        k.map(|x| x.objective)
                    ),
                };
                compared_with_holds += usize::from(holds.iter().any(|h| *h != Hold::Open));
                // Some days' coaches never overran: their rows stayed out, and still the
                // answers agree.
                let used: std::collections::HashSet<&Resource> =
                    pool.columns.iter().flatten().flat_map(|c| c.usage.iter().map(|u| &u.0)).collect();
                rows_left_out += usize::from(live.resources.len() < used.len());
                for (g, h) in holds.iter().enumerate() {
                    match h {
                        Hold::Column(j) => assert!((kept.values[g][*j] - 1.0).abs() < tol, "seed {seed}"),
                        Hold::Out => assert!((kept.unplanned[g] - 1.0).abs() < tol, "seed {seed}"),
                        Hold::Open => {}
                    }
                }
                assert!(
                    (fresh.objective - kept.objective).abs() < tol * fresh.objective.abs().max(1.0),
                    "seed {seed}: {} from scratch, {} live",
                    fresh.objective,
                    kept.objective
                );
                // Both are optimal duals: their value on the capacities and the groups'
                // rows may differ only where the LP is degenerate, so check what must
                // hold: the live values are a feasible solution of the same cost.
                let cost: f64 = kept
                    .values
                    .iter()
                    .zip(&pool.columns)
                    .flat_map(|(vs, cs)| vs.iter().zip(cs).map(|(v, c)| v * c.cost))
                    .sum::<f64>()
                    + kept.unplanned.iter().zip(&penalties).map(|(u, p)| u * p).sum::<f64>();
                assert!((cost - kept.objective).abs() < tol * cost.abs().max(1.0), "seed {seed}");
                for (g, vs) in kept.values.iter().enumerate() {
                    let total: f64 = vs.iter().sum::<f64>() + kept.unplanned[g];
                    assert!((total - 1.0).abs() < tol, "seed {seed}: group {g} sums to {total}");
                }
                let mut used: HashMap<Resource, f64> = HashMap::new();
                for (vs, cs) in kept.values.iter().zip(&pool.columns) {
                    for (v, c) in vs.iter().zip(cs) {
                        for (r, n) in &c.usage {
                            *used.entry(r.clone()).or_default() += v * n;
                        }
                    }
                }
                for (r, n) in used {
                    assert!(n <= r.capacity(&catalog).unwrap_or(f64::INFINITY) + tol, "seed {seed}: {r:?} {n}");
                }
                assert!(kept.prices.values().all(|&p| p > 0.0));
            }
        }
        assert!(compared_with_holds > 10, "only {compared_with_holds} rounds with holds compared");
        assert!(rows_left_out > 10, "only {rows_left_out} rounds with a resource row left out");
    }
}
