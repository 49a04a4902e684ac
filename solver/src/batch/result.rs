//! Wire types of a `batch` result (`job-format.md`, kind `batch`).

use crate::contract::{Change, Date, DiagnosisItem, JobKind, Plan, SolverFigures, Status};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// One group's outcome in a batch.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct BatchGroupResult {
    /// The group's id in the batch.
    pub group_id: String,
    /// `optimal` / `feasible` when planned; `infeasible`, `invalid`, `timeout` or `error` when not.
    pub status: Status,
    /// The group's plan (same shape as a `plan` result's plan).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan: Option<Plan>,
    /// Why the group has no plan.
    #[serde(default)]
    pub diagnosis: Vec<DiagnosisItem>,
    /// What changed against the group's `current` booking, with the change costs.
    #[serde(default)]
    pub changes: Vec<Change>,
}

/// The use of one shared resource on one night, day or meal.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ResourceUse {
    /// `hotel_room`, `vehicle`, `restaurant` or `guide`.
    pub kind: String,
    /// Hotel, vehicle type, restaurant or guide id.
    pub id: String,
    /// Room type (hotel rooms only).
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub room_type: Option<String>,
    /// Meal kind (restaurants only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meal: Option<String>,
    /// The night (hotel rooms) or day.
    pub date: Date,
    /// Rooms, vehicles, seats (meal covers) or guides used by all groups together.
    pub used: u32,
    /// The allotment, `available` count or seats.
    pub capacity: u32,
}

/// Totals of the batch over the planned groups.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct BatchTotals {
    /// Sum of the planned groups' `costs.total`.
    pub cost: f64,
    /// Sum of the change costs against `current`.
    pub change_cost: f64,
    /// Sum of the planned groups' objectives plus the change costs.
    pub objective: f64,
}

/// The result document of a `batch` job.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct BatchResult {
    /// Always `"jidiao/v1"`.
    pub schema: String,
    /// The job's id.
    pub job_id: String,
    /// Always `batch`.
    pub kind: JobKind,
    /// `optimal` only when every plannable group is planned and the gap is proven.
    pub status: Status,
    /// One entry per group, in job order.
    pub groups: Vec<BatchGroupResult>,
    /// Use of every shared resource with a finite capacity that some plan uses.
    pub resources: Vec<ResourceUse>,
    /// Totals.
    pub totals: BatchTotals,
    /// Solver figures of the joint solve (objective and bound as in `totals.objective`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub solver: Option<SolverFigures>,
    /// Problems of the batch as a whole.
    #[serde(default)]
    pub diagnosis: Vec<DiagnosisItem>,
}
