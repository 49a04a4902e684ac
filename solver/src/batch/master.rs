//! The master problem of the batch decomposition: choose one plan (column) per group, or
//! leave it unplanned at its penalty, within the shared capacities.
//!
//! `min sum_j cost_j l_j + sum_g P_g u_g` subject to `sum_{j of g} l_j + u_g = 1` per group
//! (dual `sigma_g`) and `sum_j use_rj l_j <= cap_r` per shared resource (dual `-price_r`).
//! Its LP relaxation prices the resources for column generation; its integer version
//! (over the columns generated) gives the batch's plans.

use super::block::{GroupChoice, PlanColumn};
use super::pricing::Prices;
use super::resource::Resource;
use crate::contract::Catalog;
use crate::milp::highs::{solve_from, Col, MilpOutcome, MilpSettings};
use good_lp::{constraint, variable, Expression, ProblemVariables, SolverModel};
use std::collections::{BTreeMap, HashMap, HashSet};

/// What tells two plans of a group apart: fleet, routes, hotels, rooming options.
type ChoiceKey = (usize, Vec<usize>, Vec<usize>, Vec<usize>);

/// The plans generated so far, per group, without repeats.
#[derive(Default)]
pub struct Pool {
    /// Columns per group.
    pub columns: Vec<Vec<PlanColumn>>,
    seen: Vec<HashSet<ChoiceKey>>,
}

impl Pool {
    /// An empty pool for `groups` groups.
    pub fn new(groups: usize) -> Pool {
        Pool { columns: vec![Vec::new(); groups], seen: vec![HashSet::new(); groups] }
    }

    /// Adds a column of group `g`; returns its index (the existing one for a repeat).
    pub fn add(&mut self, g: usize, column: PlanColumn) -> usize {
        let c = &column.choice;
        let key = (c.fleet, c.choice.routes.clone(), c.choice.hotels.clone(), c.options.clone());
        if !self.seen[g].insert(key) {
            return self.columns[g].iter().position(|x| same(&x.choice, c)).unwrap_or(0);
        }
        self.columns[g].push(column);
        self.columns[g].len() - 1
    }

    /// Columns over all groups.
    pub fn len(&self) -> usize {
        self.columns.iter().map(Vec::len).sum()
    }

    /// Whether the pool holds no column.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Whether two choices of one group are the same plan.
pub(super) fn same(a: &GroupChoice, b: &GroupChoice) -> bool {
    a.fleet == b.fleet && a.choice == b.choice && a.options == b.options
}

/// A group's state in the master: open (the master chooses among its columns), held to
/// one of its columns, or held out (unplanned). Diving ([`super::dive`]) holds groups one
/// after another; column generation keeps every group open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hold {
    /// The master chooses.
    Open,
    /// Planned with this column of the pool.
    Column(usize),
    /// Left unplanned.
    Out,
}

/// The master LP's answer.
#[derive(Clone, Debug)]
pub struct MasterLp {
    /// Its optimum.
    pub objective: f64,
    /// Resource prices (>= 0).
    pub prices: Prices,
    /// `l_j` per group and column.
    pub values: Vec<Vec<f64>>,
    /// `u_g` per group: how much of it the LP leaves unplanned.
    pub unplanned: Vec<f64>,
}

/// The chosen column per group (`None` = unplanned) of an integer master solution.
#[derive(Clone, Debug)]
pub struct MasterChoice {
    /// Per group, the index of its column in the pool.
    pub choice: Vec<Option<usize>>,
    /// Objective (penalties included).
    pub objective: f64,
    /// Whether the restricted problem was solved to proven optimality.
    pub proven: bool,
}

/// Builds the master over `pool`; `relax` for the LP.
struct Built {
    problem: good_lp::solvers::highs::HighsProblem,
    lambda: Vec<Vec<Col>>,
    unplanned: Vec<Col>,
    resources: Vec<Resource>,
    groups: usize,
}

fn build(catalog: &Catalog, pool: &Pool, penalties: &[f64], relax: bool, holds: &[Hold]) -> Built {
    let mut vars = ProblemVariables::new();
    // No upper bound on a relaxed column: the group's row already keeps it at most 1, and a
    // bound of 1 would let the column sit at its bound, leaving the group row's dual at the
    // unplanned penalty and the resource prices meaningless for pricing. A held group's
    // columns are fixed by their bounds.
    // `j`: a column of group g, or `None` for its unplanned variable.
    let kind = |g: usize, j: Option<usize>| match (holds.get(g).copied().unwrap_or(Hold::Open), j) {
        (Hold::Open, Some(_)) if !relax => variable().binary(),
        (Hold::Open, _) => variable().min(0.0),
        (Hold::Column(c), Some(j)) if j == c => variable().min(1.0).max(1.0),
        (Hold::Out, None) => variable().min(1.0).max(1.0),
        _ => variable().min(0.0).max(0.0),
    };
    let lambda: Vec<Vec<Col>> = pool
        .columns
        .iter()
        .enumerate()
        .map(|(g, cs)| (0..cs.len()).map(|j| Col::add(&mut vars, kind(g, Some(j)))).collect())
        .collect();
    let unplanned: Vec<Col> = (0..penalties.len()).map(|g| Col::add(&mut vars, kind(g, None))).collect();
    let mut objective = Expression::from(0.0);
    let mut usage: BTreeMap<Resource, Expression> = BTreeMap::new();
    for (g, cs) in pool.columns.iter().enumerate() {
        objective += penalties[g] * unplanned[g].var;
        for (j, c) in cs.iter().enumerate() {
            objective += c.cost * lambda[g][j].var;
            for (r, n) in &c.usage {
                *usage.entry(r.clone()).or_default() += *n * lambda[g][j].var;
            }
        }
    }
    let mut problem = vars.minimise(objective).using(good_lp::highs);
    for (g, ls) in lambda.iter().enumerate() {
        let e: Expression = ls.iter().map(|c| c.var).sum::<Expression>() + unplanned[g].var;
        problem.add_constraint(constraint!(e == 1.0));
    }
    let mut resources = Vec::new();
    for (r, e) in usage {
        if let Some(cap) = r.capacity(catalog) {
            problem.add_constraint(constraint!(e <= cap));
            resources.push(r);
        }
    }
    Built { problem, lambda, unplanned, resources, groups: penalties.len() }
}

/// Solves the master LP over the pool, each group as `holds` says (all open when empty):
/// its optimum, the resource prices, the column values.
pub fn solve_lp(
    catalog: &Catalog,
    pool: &Pool,
    penalties: &[f64],
    holds: &[Hold],
    settings: MilpSettings,
) -> Result<MasterLp, String> {
    let b = build(catalog, pool, penalties, true, holds);
    match solve_from(b.problem, MilpSettings { presolve: true, ..settings }, None) {
        MilpOutcome::Solved { values, objective, proven: true, row_duals, .. } => {
            let prices: Prices = b
                .resources
                .iter()
                .enumerate()
                .filter_map(|(i, r)| {
                    let pi = -row_duals.get(b.groups + i).copied().unwrap_or(0.0);
                    (pi > 1e-9).then(|| (r.clone(), pi))
                })
                .collect();
            let unplanned = b.unplanned.iter().map(|c| c.value(&values)).collect();
            let values: Vec<Vec<f64>> =
                b.lambda.iter().map(|ls| ls.iter().map(|c| c.value(&values)).collect()).collect();
            Ok(MasterLp { objective, prices, values, unplanned })
        }
        MilpOutcome::Solved { .. } | MilpOutcome::NoSolution { .. } => Err("the master LP ran out of time".into()),
        MilpOutcome::Infeasible => Err("the master LP is infeasible (it never should be)".into()),
        MilpOutcome::Failed(e) => Err(e),
    }
}

/// Solves the integer master over the pool from a start (a column or none per group, all
/// together within the capacities).
pub fn solve_integer(
    catalog: &Catalog,
    pool: &Pool,
    penalties: &[f64],
    start: &[Option<usize>],
    settings: MilpSettings,
) -> Option<MasterChoice> {
    let b = build(catalog, pool, penalties, false, &[]);
    let n = b.lambda.iter().map(Vec::len).sum::<usize>() + b.unplanned.len();
    let mut values = vec![0.0; n];
    for (g, s) in start.iter().enumerate() {
        match s {
            Some(j) => values[b.lambda[g][*j].col] = 1.0,
            None => values[b.unplanned[g].col] = 1.0,
        }
    }
    match solve_from(b.problem, MilpSettings { presolve: true, ..settings }, Some(&values)) {
        MilpOutcome::Solved { values, objective, proven, .. } => {
            let choice = b.lambda.iter().map(|ls| ls.iter().position(|c| c.value(&values) > 0.5)).collect();
            Some(MasterChoice { choice, objective, proven })
        }
        _ => None,
    }
}

/// What the columns chosen use of each resource.
pub fn use_of(pool: &Pool, choice: &[Option<usize>]) -> HashMap<Resource, f64> {
    let mut used: HashMap<Resource, f64> = HashMap::new();
    for (g, c) in choice.iter().enumerate() {
        if let Some(j) = c {
            add_use(&mut used, &pool.columns[g][*j]);
        }
    }
    used
}

/// Counts column `c`'s use of each resource into `used`.
pub fn add_use(used: &mut HashMap<Resource, f64>, c: &PlanColumn) {
    for (r, n) in &c.usage {
        *used.entry(r.clone()).or_default() += n;
    }
}

/// Takes column `c`'s use of each resource out of `used` (undoes [`add_use`]).
pub fn take_use(used: &mut HashMap<Resource, f64>, c: &PlanColumn) {
    for (r, n) in &c.usage {
        *used.entry(r.clone()).or_default() -= n;
    }
}

/// Gives each of `groups` (unplanned in `choice`) its cheapest column that fits beside
/// the others, in turn; a group none of whose columns fits stays unplanned.
pub fn fill_cheapest(catalog: &Catalog, pool: &Pool, choice: &mut [Option<usize>], groups: &[usize]) {
    let mut used = use_of(pool, choice);
    for &g in groups {
        let mut by_cost: Vec<usize> = (0..pool.columns[g].len()).collect();
        by_cost.sort_by(|&a, &b| pool.columns[g][a].cost.total_cmp(&pool.columns[g][b].cost));
        choice[g] = by_cost.into_iter().find(|&j| fits(catalog, &used, &pool.columns[g][j]));
        if let Some(j) = choice[g] {
            add_use(&mut used, &pool.columns[g][j]);
        }
    }
}

/// Whether column `c` fits beside `used` within the capacities.
pub fn fits(catalog: &Catalog, used: &HashMap<Resource, f64>, c: &PlanColumn) -> bool {
    c.usage.iter().all(|(r, n)| {
        let cap = r.capacity(catalog).unwrap_or(f64::INFINITY);
        used.get(r).copied().unwrap_or(0.0) + n <= cap + 1e-6
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::batch::fixture::catalog;
    use chrono::NaiveDate;

    fn column(fleet: usize, cost: f64, coaches: f64) -> PlanColumn {
        let date = NaiveDate::from_ymd_opt(2026, 7, 10).expect("a date");
        let usage = if coaches > 0.0 { vec![(Resource::Vehicle { vehicle: 1, date }, coaches)] } else { vec![] };
        crate::batch::fixture::column(fleet, cost, usage)
    }

    const LP: MilpSettings = MilpSettings { offset: 0.0, time_limit_s: 10.0, mip_gap: 0.0, presolve: true };

    /// Two groups want the one `coach-45`; group 0 can also travel without it at 300 more.
    fn pool() -> Pool {
        let mut pool = Pool::new(2);
        pool.add(0, column(0, 1000.0, 1.0));
        pool.add(0, column(1, 1300.0, 0.0));
        pool.add(1, column(0, 900.0, 1.0));
        pool
    }

    #[test]
    fn open_master_gives_the_coach_to_the_group_without_another_way() {
        let lp = solve_lp(&catalog(), &pool(), &[10_000.0, 10_000.0], &[], LP).expect("solves");
        assert!((lp.objective - 2200.0).abs() < 1e-6, "{}", lp.objective);
        assert!((lp.values[0][1] - 1.0).abs() < 1e-6 && (lp.values[1][0] - 1.0).abs() < 1e-6, "{:?}", lp.values);
        assert!(lp.unplanned.iter().all(|&u| u.abs() < 1e-6));
    }

    #[test]
    fn a_held_column_is_kept_and_the_group_it_blocks_goes_unplanned() {
        let holds = [Hold::Column(0), Hold::Open];
        let lp = solve_lp(&catalog(), &pool(), &[10_000.0, 10_000.0], &holds, LP).expect("solves");
        assert!((lp.values[0][0] - 1.0).abs() < 1e-6, "{:?}", lp.values);
        assert!((lp.unplanned[1] - 1.0).abs() < 1e-6, "{:?}", lp.unplanned);
        assert!((lp.objective - 11_000.0).abs() < 1e-6, "{}", lp.objective);
    }

    #[test]
    fn a_group_held_out_pays_its_penalty_and_frees_what_it_would_use() {
        let holds = [Hold::Out, Hold::Open];
        let lp = solve_lp(&catalog(), &pool(), &[10_000.0, 10_000.0], &holds, LP).expect("solves");
        assert!((lp.unplanned[0] - 1.0).abs() < 1e-6 && lp.values[0].iter().all(|v| v.abs() < 1e-6));
        assert!((lp.values[1][0] - 1.0).abs() < 1e-6, "{:?}", lp.values);
        assert!((lp.objective - 10_900.0).abs() < 1e-6, "{}", lp.objective);
    }
}
