//! Wire types of the results of `whatif` and `replan` jobs, and [`JobResult`], the
//! result document of a job of any kind.

use super::clock::Date;
use super::kinds::JobKind;
use super::result::{DiagnosisItem, Plan, PlanResult, SolverFigures, Status};
use crate::batch::result::BatchResult;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// One decision that differs between two plans: a scenario's against the base plan
/// (what-if), or the new plan's against the confirmed one (re-plan, as in batch).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Change {
    /// `hotel`, `rooms` (same hotel, other rooms), `fleet` or `attractions` (of a day).
    pub what: String,
    /// The night or day it concerns; for `fleet`, the first day it applies to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<Date>,
    /// Before: a hotel id, rooms as `twin x 12, family x 2`, a fleet as `coach-45 x 1`,
    /// attraction ids as `erhai, xizhou` (empty for none).
    pub from: String,
    /// After, in the same form.
    pub to: String,
    /// What the change costs (re-plan: change costs against the confirmed booking).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost: Option<f64>,
}

/// The base of a what-if: the plan of the job as given.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct WhatifBase {
    /// Outcome of the base solve.
    pub status: Status,
    /// Its plan, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan: Option<Plan>,
    /// Why there is no plan.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub diagnosis: Vec<DiagnosisItem>,
    /// Solver figures of the base solve.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub solver: Option<SolverFigures>,
}

/// One what-if scenario, solved on its own.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ScenarioResult {
    /// The scenario's name.
    pub name: String,
    /// Outcome of its solve.
    pub status: Status,
    /// `costs.total` of its plan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<f64>,
    /// `costs.per_pax` of its plan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_pax: Option<f64>,
    /// `total` minus the base plan's total (absent when either has no plan).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delta: Option<f64>,
    /// The decisions that differ from the base plan (nights and days compared in trip order).
    #[serde(default)]
    pub changes: Vec<Change>,
    /// Its plan, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan: Option<Plan>,
    /// Why there is no plan.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub diagnosis: Vec<DiagnosisItem>,
    /// Solver figures of its solve.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub solver: Option<SolverFigures>,
}

/// What one more room of a fully used allotment of the base plan is worth.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct MarginalValue {
    /// Hotel id.
    pub hotel: String,
    /// Room type.
    #[serde(rename = "type")]
    pub kind: String,
    /// The night.
    pub date: Date,
    /// How much `costs.total` falls when that night's allotment is one room larger
    /// (the base total minus the total of the job solved again with that room).
    pub saving: f64,
    /// How much the objective falls (a jidiao extension; the optimiser minimises the objective).
    pub objective_saving: f64,
}

/// The result document of a `whatif` job.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct WhatifResult {
    /// Always `"jidiao/v1"`.
    pub schema: String,
    /// The job's id.
    pub job_id: String,
    /// Always `whatif`.
    pub kind: JobKind,
    /// `optimal` when every solve ended with a proof (a plan proven optimal, or no plan
    /// proven to exist), `feasible` when some solve ran out of time (or a scenario was too
    /// large to build), `error` when one failed.
    pub status: Status,
    /// The base plan.
    pub base: WhatifBase,
    /// The scenarios, in job order.
    pub scenarios: Vec<ScenarioResult>,
    /// One per binding allotment of the base plan, by night, hotel and type.
    pub marginal_values: Vec<MarginalValue>,
    /// Figures of the whole what-if (seconds; solves counted as variables and constraints).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub solver: Option<SolverFigures>,
    /// Problems of the what-if as a whole.
    #[serde(default)]
    pub diagnosis: Vec<DiagnosisItem>,
}

/// The result document of a `replan` job: a plan result whose plan is the whole trip
/// (the fixed past and the new rest), with the changes against `confirmed`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ReplanResult {
    /// The plan result of the whole trip.
    #[serde(flatten)]
    pub result: PlanResult,
    /// What changed against `confirmed`, with what each change costs.
    pub changes: Vec<Change>,
    /// The sum of the changes' costs.
    pub change_cost: f64,
}

/// The result document of a job of any kind. Untagged: a document is exactly one of
/// these shapes. A result without a body (`invalid`, or `error` before solving) has the
/// plan result's shape whatever the job's kind.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum JobResult {
    /// A `batch` result.
    Batch(BatchResult),
    /// A `whatif` result.
    Whatif(WhatifResult),
    /// A `replan` result.
    Replan(ReplanResult),
    /// A `plan` result, or a result without a body.
    Plan(PlanResult),
}

impl From<PlanResult> for JobResult {
    fn from(r: PlanResult) -> JobResult {
        JobResult::Plan(r)
    }
}

impl JobResult {
    /// The outcome.
    pub fn status(&self) -> Status {
        match self {
            JobResult::Batch(r) => r.status,
            JobResult::Whatif(r) => r.status,
            JobResult::Replan(r) => r.result.status,
            JobResult::Plan(r) => r.status,
        }
    }

    /// The job's kind.
    pub fn kind(&self) -> JobKind {
        match self {
            JobResult::Batch(r) => r.kind,
            JobResult::Whatif(r) => r.kind,
            JobResult::Replan(r) => r.result.kind,
            JobResult::Plan(r) => r.kind,
        }
    }

    /// The job's id.
    pub fn job_id(&self) -> &str {
        match self {
            JobResult::Batch(r) => &r.job_id,
            JobResult::Whatif(r) => &r.job_id,
            JobResult::Replan(r) => &r.result.job_id,
            JobResult::Plan(r) => &r.job_id,
        }
    }

    /// Sets the job's id (a worker names an unreadable job after its message).
    pub fn set_job_id(&mut self, id: String) {
        match self {
            JobResult::Batch(r) => r.job_id = id,
            JobResult::Whatif(r) => r.job_id = id,
            JobResult::Replan(r) => r.result.job_id = id,
            JobResult::Plan(r) => r.job_id = id,
        }
    }

    /// The problems or reasons reported for the job as a whole.
    pub fn diagnosis(&self) -> &[DiagnosisItem] {
        match self {
            JobResult::Batch(r) => &r.diagnosis,
            JobResult::Whatif(r) => &r.diagnosis,
            JobResult::Replan(r) => &r.result.diagnosis,
            JobResult::Plan(r) => &r.diagnosis,
        }
    }

    /// The plan result: of a `plan` job (or a result without a body), or the whole-trip
    /// part of a `replan` result. `None` for a what-if.
    pub fn as_plan(&self) -> Option<&PlanResult> {
        match self {
            JobResult::Batch(_) | JobResult::Whatif(_) => None,
            JobResult::Replan(r) => Some(&r.result),
            JobResult::Plan(r) => Some(r),
        }
    }

    /// The result as a plan result: itself for a plan result, the whole-trip plan result of
    /// a re-plan (without its changes), and a plan result without a plan carrying the
    /// status, figures and diagnosis of a what-if.
    pub fn into_plan_view(self) -> PlanResult {
        match self {
            JobResult::Batch(r) => PlanResult {
                schema: r.schema,
                job_id: r.job_id,
                kind: r.kind,
                status: r.status,
                plan: None,
                alternatives: Vec::new(),
                solver: r.solver,
                diagnosis: r.diagnosis,
            },
            JobResult::Whatif(r) => PlanResult {
                schema: r.schema,
                job_id: r.job_id,
                kind: r.kind,
                status: r.status,
                plan: None,
                alternatives: Vec::new(),
                solver: r.solver,
                diagnosis: r.diagnosis,
            },
            JobResult::Replan(r) => r.result,
            JobResult::Plan(r) => r,
        }
    }

    /// [`JobResult::as_plan`], by value.
    pub fn into_plan(self) -> Option<PlanResult> {
        match self {
            JobResult::Batch(_) | JobResult::Whatif(_) => None,
            JobResult::Replan(r) => Some(r.result),
            JobResult::Plan(r) => Some(r),
        }
    }
}
