//! The only file that names HiGHS: runs a good_lp model on the HiGHS backend
//! and turns HiGHS's statuses into jidiao's outcomes, with the proven bound.

use ::highs::HighsModelStatus;
use good_lp::solvers::highs::HighsProblem;
use good_lp::{ProblemVariables, Variable, VariableDefinition};

/// How to run one MILP.
#[derive(Clone, Copy, Debug)]
pub struct MilpSettings {
    /// Constant added to the objective (good_lp does not hand an objective's constant to HiGHS).
    pub offset: f64,
    /// Wall-clock limit in seconds.
    pub time_limit_s: f64,
    /// Relative gap accepted as optimal.
    pub mip_gap: f64,
    /// Run HiGHS's presolve (see [`solve`] for why the plan MILP does not).
    pub presolve: bool,
}

/// A MILP's answer.
#[derive(Clone, Debug)]
pub enum MilpOutcome {
    /// A solution with its objective and the proven lower bound.
    Solved {
        /// Column values, indexed by good_lp variable index.
        values: Vec<f64>,
        /// Objective value.
        objective: f64,
        /// Proven lower bound (minimisation).
        bound: f64,
        /// Whether optimality within the gap is proven.
        proven: bool,
        /// Reduced costs of the columns (meaningful for an LP solved to optimality).
        reduced_costs: Vec<f64>,
        /// Duals of the rows, in the order they were added (meaningful for an LP solved to
        /// optimality; HiGHS's sign: <= rows of a minimisation have duals <= 0).
        row_duals: Vec<f64>,
    },
    /// Proven infeasible.
    Infeasible,
    /// The time limit came before any solution.
    NoSolution {
        /// Proven lower bound when one is known.
        bound: f64,
    },
    /// HiGHS failed.
    Failed(String),
}

/// How far from 0 or 1 an LP value may be and still count as a whole choice.
pub const INTEGRAL_TOLERANCE: f64 = 1e-7;

/// A model variable with its column index (good_lp keeps the index private).
#[derive(Clone, Copy, Debug)]
pub struct Col {
    /// The good_lp variable, for expressions.
    pub var: Variable,
    /// Its column in the solution vector.
    pub col: usize,
}

impl Col {
    /// Adds a variable and remembers its column.
    pub fn add(vars: &mut ProblemVariables, def: VariableDefinition) -> Col {
        let col = vars.len();
        Col { var: vars.add(def), col }
    }

    /// Its value in a solution.
    pub fn value(self, values: &[f64]) -> f64 {
        values[self.col]
    }

    /// Whether its value in a solution is 0 or 1 (within [`INTEGRAL_TOLERANCE`]): a
    /// whole choice, as a MILP would make it.
    pub fn is_whole(self, values: &[f64]) -> bool {
        let v = self.value(values);
        v.abs() <= INTEGRAL_TOLERANCE || (v - 1.0).abs() <= INTEGRAL_TOLERANCE
    }
}

/// Solves a good_lp model built with `good_lp::highs`.
///
/// Presolve stays on: HiGHS 1.15's presolve can return a sub-optimal point as
/// optimal (`shared/notes/highs-presolve-bug`); the rule-off mitigation chosen by
/// measurement is set here, and the optimality tests against exhaustive search
/// guard the rest.
pub fn solve(problem: HighsProblem, settings: MilpSettings) -> MilpOutcome {
    solve_from(problem, settings, None)
}

/// [`solve`] from a starting solution (column values by good_lp variable index); HiGHS
/// ignores a start that is not feasible.
pub fn solve_from(problem: HighsProblem, settings: MilpSettings, start: Option<&[f64]>) -> MilpOutcome {
    let mut model = match problem.try_into_inner() {
        Ok(m) => m,
        Err(e) => return MilpOutcome::Failed(format!("HiGHS rejected the model: {e}")),
    };
    // The objective's constant goes to HiGHS as a column fixed at 1, so that its relative
    // gap (`mip_rel_gap`) is measured on the true objective: without it a large constant
    // (the batch models' unplanned penalties, about 1e8) made a 1% gap worth millions.
    let columns = model.num_cols();
    if settings.offset != 0.0 && model.try_add_column(settings.offset, 1.0..=1.0, std::iter::empty()).is_err() {
        return MilpOutcome::Failed("HiGHS refused the objective's constant".into());
    }
    if let Some(cols) = start {
        let mut cols = cols.to_vec();
        cols.resize(model.num_cols(), 1.0);
        let _ = model.try_set_solution(Some(&cols), None, None, None);
    }
    if std::env::var_os("JIDIAO_HIGHS_LOG").is_some() {
        let _ = model.try_set_option("output_flag", true);
        let _ = model.try_set_option("log_to_console", true);
    } else {
        model.make_quiet();
    }
    let time_limit = settings.time_limit_s.max(0.01);
    // The feasibility-jump heuristic took most of each small plan MILP's time on the what-if
    // scenarios (measured: 20 scenarios 7.0 -> 4.9 CPU s); the root LP finds plans without it.
    if model.try_set_option("mip_heuristic_run_feasibility_jump", false).is_err() {
        return MilpOutcome::Failed("HiGHS refused option mip_heuristic_run_feasibility_jump".into());
    }
    let presolve = if settings.presolve { "on" } else { "off" };
    if model.try_set_option("presolve", presolve).is_err() {
        return MilpOutcome::Failed("HiGHS refused option presolve".into());
    }
    let options: [(&str, HighsValue); 4] = [
        ("time_limit", HighsValue::F(time_limit)),
        ("mip_rel_gap", HighsValue::F(settings.mip_gap.max(0.0))),
        ("mip_abs_gap", HighsValue::F(1e-6)),
        // Switching off presolve rules 12-14 (see module docs) keeps HiGHS 1.15 from the
        // sub-optimal "optimal" point of shared/notes/highs-presolve-bug.
        ("presolve_rule_off", HighsValue::I(PRESOLVE_RULES_OFF)),
    ];
    for (key, value) in options {
        let r = match value {
            HighsValue::F(f) => model.try_set_option(key, f),
            HighsValue::I(i) => model.try_set_option(key, i),
        };
        if r.is_err() {
            return MilpOutcome::Failed(format!("HiGHS refused option {key}"));
        }
    }
    let solved = match model.try_solve() {
        Ok(s) => s,
        Err(e) => return MilpOutcome::Failed(format!("HiGHS failed: {e:?}")),
    };
    outcome_of(&solved, columns)
}

/// What a HiGHS solve came to, its values and reduced costs cut to the first `columns`
/// columns (the objective's constant column after them left out).
fn outcome_of(solved: &::highs::SolvedModel, columns: usize) -> MilpOutcome {
    let status = solved.status();
    let bound = solved.double_info_value(c"mip_dual_bound").unwrap_or(f64::NEG_INFINITY);
    // Read the raw info value: the highs crate's `primal_solution_status()` panics on values it
    // does not know (as HiGHS reports for some infeasible models). 2 = kSolutionStatusFeasible.
    let has_solution = solved.int_info_value(c"primal_solution_status").is_ok_and(|v| v == 2);
    match status {
        HighsModelStatus::Infeasible | HighsModelStatus::UnboundedOrInfeasible => MilpOutcome::Infeasible,
        HighsModelStatus::Optimal
        | HighsModelStatus::ReachedTimeLimit
        | HighsModelStatus::ReachedIterationLimit
        | HighsModelStatus::ReachedSolutionLimit
        | HighsModelStatus::ReachedInterrupt
        | HighsModelStatus::ObjectiveBound
        | HighsModelStatus::ObjectiveTarget
        | HighsModelStatus::ReachedMemoryLimit => {
            // HiGHS's objective and bound include the constant (its fixed column).
            if !has_solution {
                return MilpOutcome::NoSolution { bound };
            }
            let objective = solved.objective_value();
            let proven = status == HighsModelStatus::Optimal;
            // A pure LP (no integer columns) reports no MIP bound: its optimum is its bound.
            let bound = if bound.is_finite() {
                bound.min(objective)
            } else if proven {
                objective
            } else {
                bound
            };
            let solution = solved.get_solution();
            let cut = |v: &[f64]| v[..columns.min(v.len())].to_vec();
            MilpOutcome::Solved {
                values: cut(solution.columns()),
                objective,
                bound,
                proven,
                reduced_costs: cut(solution.dual_columns()),
                row_duals: solution.dual_rows().to_vec(),
            }
        }
        other => MilpOutcome::Failed(format!("HiGHS ended with status {other:?}")),
    }
}

/// A linear program kept between solves, for column generation: rows and columns are
/// added between solves, and each solve starts from the basis of the last one (HiGHS keeps
/// it: a new column comes in at its lower bound, a new row basic), so a round's master LP
/// needs fewer simplex iterations than a solve from scratch. Without presolve: it would
/// throw the basis away. Or by the interior-point method ([`IncrementalLp::set_interior`]).
pub struct IncrementalLp {
    /// `None` once HiGHS failed (every later call fails too).
    model: Option<::highs::Model>,
    rows: Vec<::highs::Row>,
    cols: Vec<::highs::Col>,
    /// Seconds spent in its solves so far (HiGHS's clock for the time limit).
    spent: f64,
}

impl IncrementalLp {
    /// An empty minimisation.
    pub fn new() -> Result<IncrementalLp, String> {
        let mut model = ::highs::ColProblem::new()
            .try_optimise(::highs::Sense::Minimise)
            .map_err(|e| format!("HiGHS could not start an LP: {e:?}"))?;
        if std::env::var_os("JIDIAO_HIGHS_LOG").is_none() {
            model.make_quiet();
        }
        model.try_set_option("presolve", "off").map_err(|_| "HiGHS refused option presolve".to_string())?;
        Ok(IncrementalLp { model: Some(model), rows: Vec::new(), cols: Vec::new(), spent: 0.0 })
    }

    fn model(&mut self) -> Result<&mut ::highs::Model, String> {
        self.model.as_mut().ok_or_else(|| "HiGHS failed on this LP before".to_string())
    }

    /// Adds a row `lower <= (nothing yet) <= upper` (infinite bounds allowed); returns its
    /// index. Columns added later give it its entries.
    pub fn add_row(&mut self, lower: f64, upper: f64) -> Result<usize, String> {
        self.add_row_over(lower, upper, &[])
    }

    /// Adds a row `lower <= sum entries <= upper` over columns already there (`entries`:
    /// column index from [`IncrementalLp::add_column`], coefficient); returns its index.
    pub fn add_row_over(&mut self, lower: f64, upper: f64, entries: &[(usize, f64)]) -> Result<usize, String> {
        let factors: Vec<(::highs::Col, f64)> = entries.iter().map(|&(c, a)| (self.cols[c], a)).collect();
        let row =
            self.model()?.try_add_row(lower..=upper, factors).map_err(|e| format!("HiGHS refused a row: {e:?}"))?;
        self.rows.push(row);
        Ok(self.rows.len() - 1)
    }

    /// Adds a column of cost `cost` within `lower..=upper`, with `entries` (row index from
    /// [`IncrementalLp::add_row`], coefficient); returns its index.
    pub fn add_column(&mut self, cost: f64, lower: f64, upper: f64, entries: &[(usize, f64)]) -> Result<usize, String> {
        let factors: Vec<(::highs::Row, f64)> = entries.iter().map(|&(r, a)| (self.rows[r], a)).collect();
        let col = self
            .model()?
            .try_add_column(cost, lower..=upper, factors)
            .map_err(|e| format!("HiGHS refused a column: {e:?}"))?;
        self.cols.push(col);
        Ok(self.cols.len() - 1)
    }

    /// How later solves go ([`LpMethod`]).
    pub fn set_method(&mut self, method: LpMethod) -> Result<(), String> {
        let model = self.model()?;
        let (solver, crossover, strategy) = match method {
            LpMethod::Interior => ("ipm", "off", 1),
            LpMethod::Simplex => ("choose", "on", 1),
            LpMethod::PrimalSimplex => ("simplex", "on", 4),
        };
        model.try_set_option("solver", solver).map_err(|_| "HiGHS refused option solver".to_string())?;
        model
            .try_set_option("simplex_strategy", strategy)
            .map_err(|_| "HiGHS refused option simplex_strategy".to_string())?;
        model.try_set_option("run_crossover", crossover).map_err(|_| "HiGHS refused option run_crossover".to_string())
    }

    /// Sets column `col`'s bounds to `lower..=upper`.
    pub fn set_bounds(&mut self, col: usize, lower: f64, upper: f64) -> Result<(), String> {
        let c = *self.cols.get(col).ok_or_else(|| format!("no column {col}"))?;
        self.model()?.change_column_bounds(c, lower..=upper);
        Ok(())
    }

    /// Solves from the last basis within `time_limit_s`: [`MilpOutcome::Solved`] with
    /// `proven` when optimal (values by column, duals by row, HiGHS's signs as in
    /// [`solve`]).
    pub fn solve(&mut self, time_limit_s: f64) -> MilpOutcome {
        let Some(mut model) = self.model.take() else {
            return MilpOutcome::Failed("HiGHS failed on this LP before".into());
        };
        // HiGHS's clock runs on over the model's solves: the limit counts from the time
        // spent so far.
        if model.try_set_option("time_limit", self.spent + time_limit_s.max(0.01)).is_err() {
            self.model = Some(model);
            return MilpOutcome::Failed("HiGHS refused option time_limit".into());
        }
        let started = std::time::Instant::now();
        let solved = match model.try_solve() {
            Ok(s) => s,
            Err(e) => return MilpOutcome::Failed(format!("HiGHS failed: {e:?}")),
        };
        self.spent += started.elapsed().as_secs_f64();
        let outcome = outcome_of(&solved, self.cols.len());
        self.model = Some(::highs::Model::from(solved));
        outcome
    }
}

/// How an [`IncrementalLp`] is solved.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LpMethod {
    /// The interior-point method without crossover: faster on a large master (measured at
    /// 300 groups: 2.5-5.8 s against 10-15 s for the dual simplex method, from scratch or
    /// from the last basis, and 70 s from no basis after interior points), and its duals
    /// are central, so pricing at them moves the Lagrangian bound more per round.
    Interior,
    /// The simplex method HiGHS chooses (the dual), from the last basis: after bounds
    /// change, the last basis stays dual feasible.
    Simplex,
    /// The primal simplex method from the last basis: after columns are added (at their
    /// lower bounds) the last basis stays primal feasible, so a column generation round
    /// needs few iterations while the master is small (measured at 100 groups: 0.03-0.9 s
    /// a round against 0.15-1.8 s by interior points; at 300 groups it grew to 93 s).
    PrimalSimplex,
}

enum HighsValue {
    F(f64),
    I(i32),
}

/// Presolve rules switched off (bit mask of HiGHS `presolve_rule_off`).
pub const PRESOLVE_RULES_OFF: i32 = 1 << 12;
