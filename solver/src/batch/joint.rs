//! The joint MILP of a batch: every group's block ([`super::block`]) side by side,
//! coupled by the shared capacities, with change costs against `current`, and elastic: a
//! group may be left unplanned at a large penalty, so a batch whose inventory cannot take
//! every group still plans the others. Exact, and used when the batch is small enough
//! (or to close the gap the decomposition leaves), warm-started from the best plans found.
//!
//! Shared rows: rooms of a type per hotel and night, vehicles per type and day, covers
//! per restaurant, meal and date, guides per day.

use super::block::{Block, GroupChoice, GroupInput};
use super::resource::{MealKey, Resource};
use crate::contract::{Catalog, ChangeCosts};
use crate::milp::highs::{solve_from, Col, MilpOutcome, MilpSettings};
use good_lp::{constraint, variable, Expression, ProblemVariables, SolverModel};
use std::collections::{BTreeMap, HashSet};

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
    let mut vars = ProblemVariables::new();
    let mut objective = Expression::from(0.0);
    let mut offset = 0.0;
    let mut rows: Vec<good_lp::Constraint> = Vec::new();
    let mut shared: BTreeMap<Resource, Expression> = BTreeMap::new();
    let mut blocks: Vec<Block> = Vec::new();
    for g in groups {
        let planned = Col::add(&mut vars, variable().binary());
        objective -= g.unplanned_penalty * planned.var;
        offset += g.unplanned_penalty;
        let mut b = g.block(&mut vars, catalog, planned, contested, costs);
        objective += std::mem::take(&mut b.objective);
        offset += b.offset;
        rows.append(&mut b.rows);
        for (r, e) in std::mem::take(&mut b.usage) {
            *shared.entry(r).or_default() += e;
        }
        blocks.push(b);
    }
    for (r, e) in shared {
        if let Some(cap) = r.capacity(catalog) {
            rows.push(constraint!(e <= cap));
        }
    }
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
