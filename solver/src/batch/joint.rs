//! The joint MILP of a batch: every group's block ([`super::block`]) side by side,
//! coupled by the shared capacities, with change costs against `current`, and elastic: a
//! group may be left unplanned at a large penalty, so a batch whose inventory cannot take
//! every group still plans the others. Exact, and used when the batch is small enough
//! (or to close the gap the decomposition leaves), warm-started from the best plans found.
//!
//! Shared rows: rooms of a type per hotel and night, vehicles per type and day, covers
//! per restaurant, meal and date, guides per day.

use super::block::{Block, GroupChoice, GroupInput, Scope};
use super::pricing::Prices;
use super::resource::{MealKey, Resource};
use crate::contract::{Catalog, ChangeCosts};
use crate::milp::highs::{solve_from, Col, MilpOutcome, MilpSettings};
use good_lp::{constraint, variable, Expression, ProblemVariables, SolverModel};
use std::collections::{BTreeMap, HashMap, HashSet};

/// The joint MILP's answer.
#[derive(Clone, Debug, Default)]
pub struct JointAnswer {
    /// Per group: its choices, or `None` when left unplanned (or no solution).
    pub choices: Vec<Option<GroupChoice>>,
    /// Whether any solution was found.
    pub solved: bool,
    /// MILP objective (penalties of unplanned groups included).
    pub objective: f64,
    /// Proven lower bound of the MILP objective.
    pub bound: f64,
    /// Optimality proven within the gap.
    pub proven: bool,
    /// Columns of the MILP.
    pub variables: u64,
    /// Rows.
    pub constraints: u64,
    /// Set when HiGHS failed.
    pub failure: Option<String>,
}

/// Builds and solves the joint MILP. `contested` lists the restaurant meals whose seats
/// the groups could overrun (only they are told apart in the route columns); `starts`
/// gives per group the choices to start from (`None` = unplanned), all together within
/// the shared capacities.
pub fn solve_joint(
    catalog: &Catalog,
    groups: &[GroupInput<'_>],
    contested: &HashSet<MealKey>,
    costs: &ChangeCosts,
    starts: &[Option<GroupChoice>],
    settings: MilpSettings,
) -> JointAnswer {
    solve_joint_within(catalog, groups, contested, costs, starts, &Reserved::new(), settings)
}

/// What groups outside a model already hold of each shared resource: the model's groups
/// share only the rest of each capacity.
pub type Reserved = HashMap<Resource, f64>;

/// [`solve_joint`] for some of a batch's groups, the others' plans fixed: each shared
/// capacity less what they hold (`reserved`).
pub fn solve_joint_within(
    catalog: &Catalog,
    groups: &[GroupInput<'_>],
    contested: &HashSet<MealKey>,
    costs: &ChangeCosts,
    starts: &[Option<GroupChoice>],
    reserved: &Reserved,
    settings: MilpSettings,
) -> JointAnswer {
    let scopes = vec![Scope::default(); groups.len()];
    let Joint { vars, objective, offset, rows, blocks, .. } =
        build(catalog, groups, contested, costs, &scopes, reserved);
    let variables = vars.len() as u64;
    // The start: the given choices, the rest unplanned; every drop at its booked count
    // (feasible whatever is kept).
    let mut start = vec![0.0; vars.len()];
    for (i, (g, b)) in groups.iter().zip(&blocks).enumerate() {
        for &(d, booked) in &b.drops {
            start[d.col] = booked;
        }
        if let Some(Some(c)) = starts.get(i) {
            g.start_values(b, c, &mut start);
        }
    }
    let constraints = rows.len() as u64;
    let mut problem = vars.minimise(objective).using(good_lp::highs);
    for r in rows {
        problem.add_constraint(r);
    }
    let outcome = solve_from(problem, MilpSettings { offset, ..settings }, Some(&start));
    let mut answer = JointAnswer { variables, constraints, ..JointAnswer::default() };
    match outcome {
        MilpOutcome::Solved { values, objective, bound, proven, .. } => {
            answer.solved = true;
            answer.objective = objective;
            answer.bound = bound;
            answer.proven = proven;
            answer.choices = groups.iter().zip(&blocks).map(|(g, b)| g.extract(b, &values)).collect();
        }
        MilpOutcome::Infeasible => {
            answer.proven = true;
            answer.bound = f64::INFINITY;
            answer.choices = vec![None; groups.len()];
        }
        MilpOutcome::NoSolution { bound } => {
            answer.bound = bound;
            answer.choices = vec![None; groups.len()];
        }
        MilpOutcome::Failed(e) => {
            answer.failure = Some(e);
            answer.bound = f64::NEG_INFINITY;
            answer.choices = vec![None; groups.len()];
        }
    }
    answer
}

/// The joint model's parts: variables, objective (and its constant), rows (the groups'
/// blocks' rows first, then `shared` rows, one per resource of `shared`, in order).
struct Joint {
    vars: ProblemVariables,
    objective: Expression,
    offset: f64,
    rows: Vec<good_lp::Constraint>,
    blocks: Vec<Block>,
    shared: Vec<Resource>,
}

fn build(
    catalog: &Catalog,
    groups: &[GroupInput<'_>],
    contested: &HashSet<MealKey>,
    costs: &ChangeCosts,
    scopes: &[Scope],
    reserved: &Reserved,
) -> Joint {
    let mut vars = ProblemVariables::new();
    let mut objective = Expression::from(0.0);
    let mut offset = 0.0;
    let mut rows: Vec<good_lp::Constraint> = Vec::new();
    let mut usage: BTreeMap<Resource, Expression> = BTreeMap::new();
    let mut blocks: Vec<Block> = Vec::new();
    for (g, &scope) in groups.iter().zip(scopes) {
        let relax = scope.relax;
        let planned = Col::add(&mut vars, if relax { variable().min(0.0).max(1.0) } else { variable().binary() });
        objective -= g.unplanned_penalty * planned.var;
        offset += g.unplanned_penalty;
        let mut b = g.block_in(&mut vars, catalog, planned, contested, costs, scope);
        objective += std::mem::take(&mut b.objective);
        offset += b.offset;
        rows.append(&mut b.rows);
        for (r, e) in std::mem::take(&mut b.usage) {
            *usage.entry(r).or_default() += e;
        }
        blocks.push(b);
    }
    let mut shared = Vec::new();
    for (r, e) in usage {
        if let Some(cap) = r.capacity(catalog) {
            let left = (cap - reserved.get(&r).copied().unwrap_or(0.0)).max(0.0);
            rows.push(constraint!(e <= left));
            shared.push(r);
        }
    }
    Joint { vars, objective, offset, rows, blocks, shared }
}

/// The joint model's LP relaxation: its optimum (a lower bound on the batch's best
/// objective) and the shared resources' prices (its duals), which start the
/// decomposition's pricing near the best Lagrangian prices.
#[derive(Clone, Debug)]
pub struct JointLp {
    /// The LP optimum, penalties included (`-inf` when the groups were restricted, so that
    /// it bounds nothing).
    pub bound: f64,
    /// Price per shared resource (> 0 only).
    pub prices: Prices,
}

/// Solves the joint LP relaxation within `settings`' time limit; `None` when it does not
/// finish (or HiGHS fails): the decomposition then starts from the master's prices.
pub fn joint_lp(
    catalog: &Catalog,
    groups: &[GroupInput<'_>],
    contested: &HashSet<MealKey>,
    costs: &ChangeCosts,
    settings: MilpSettings,
) -> Option<JointLp> {
    let scopes = vec![Scope { fleet: None, relax: true }; groups.len()];
    let Joint { vars, objective, offset, rows, shared, .. } =
        build(catalog, groups, contested, costs, &scopes, &Reserved::new());
    let first_shared = rows.len() - shared.len();
    let mut problem = vars.minimise(objective).using(good_lp::highs);
    for r in rows {
        problem.add_constraint(r);
    }
    match solve_from(problem, MilpSettings { offset, mip_gap: 0.0, ..settings }, None) {
        MilpOutcome::Solved { objective, proven: true, row_duals, .. } => {
            // HiGHS's sign: a <= row of a minimisation has a dual <= 0.
            let prices = shared
                .into_iter()
                .enumerate()
                .filter_map(|(i, r)| {
                    let pi = -row_duals.get(first_shared + i).copied().unwrap_or(0.0);
                    (pi > 1e-9).then_some((r, pi))
                })
                .collect();
            Some(JointLp { bound: objective, prices })
        }
        _ => None,
    }
}
