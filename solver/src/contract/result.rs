//! Wire types of a result document (`job-format.md`, "The result").

use super::clock::{Clock, Date};
use super::job::UnitKind;
use super::kinds::JobKind;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The outcome of a job.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// A plan proven optimal within `mip_gap`.
    Optimal,
    /// A plan without proof of optimality (time limit).
    Feasible,
    /// No plan exists; `diagnosis` says why.
    Infeasible,
    /// The job breaks the contract; `diagnosis` lists every problem.
    Invalid,
    /// No plan found within the time limit.
    Timeout,
    /// Something went wrong inside jidiao.
    Error,
}

impl Status {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Optimal => "optimal",
            Status::Feasible => "feasible",
            Status::Infeasible => "infeasible",
            Status::Invalid => "invalid",
            Status::Timeout => "timeout",
            Status::Error => "error",
        }
    }
}

/// What kind of stop.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum StopKind {
    /// Where the day starts.
    Start,
    /// An attraction visit.
    Attraction,
    /// A meal at a restaurant.
    Meal,
    /// Where the day ends.
    End,
}

/// One timed stop of a day route.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Stop {
    /// Kind of stop.
    pub kind: StopKind,
    /// Attraction id (attraction stops).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Meal kind (meal stops).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meal: Option<String>,
    /// Restaurant id (meal stops).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restaurant: Option<String>,
    /// Place id (start and end stops).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<String>,
    /// Hotel id (end stops of days followed by a night).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hotel: Option<String>,
    /// Arrival time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arrive: Option<Clock>,
    /// Start of the visit or meal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<Clock>,
    /// End of the visit or meal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<Clock>,
    /// Departure time (start stops).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub depart: Option<Clock>,
}

/// One day of the itinerary.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Day {
    /// Date.
    pub date: Date,
    /// Ordered stops, from `start` to `end`.
    pub stops: Vec<Stop>,
    /// Driving minutes, the last hop included.
    pub drive_minutes: u32,
    /// Kilometres driven.
    pub km: f64,
    /// The vehicles that drove this day when they are not the plan's `fleet` (a re-planned
    /// trip whose fleet changed on the way; a jidiao extension).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fleet: Option<Vec<FleetUse>>,
}

/// Rooms of one type used by one kind of rooming unit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RoomUse {
    /// Room type.
    #[serde(rename = "type")]
    pub kind: String,
    /// Unit kind.
    pub unit: UnitKind,
    /// Family size (family units only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u32>,
    /// Rooms.
    pub count: u32,
}

/// One night's hotel and rooms.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Night {
    /// The date the night begins.
    pub date: Date,
    /// Hotel id.
    pub hotel: String,
    /// Rooms per type and unit kind.
    #[serde(default)]
    pub rooms: Vec<RoomUse>,
    /// Extra beds.
    #[serde(default)]
    pub extra_beds: u32,
    /// Free rooms (FOC).
    #[serde(default)]
    pub foc_rooms: u32,
}

/// Vehicles of one type hired for the whole trip.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FleetUse {
    /// Vehicle type id.
    pub vehicle: String,
    /// How many.
    pub count: u32,
}

/// One line of the quote sheet (报价单).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Line {
    /// `hotel`, `vehicle`, `ticket`, `meal`, `guide` or `fee`.
    pub category: String,
    /// Supplier id (or fee name).
    pub supplier: String,
    /// Date, where the line belongs to one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<Date>,
    /// What is bought.
    pub item: String,
    /// Quantity.
    pub qty: f64,
    /// Price per unit.
    pub unit_price: f64,
    /// `qty * unit_price`, rounded to 2 decimals.
    pub amount: f64,
}

/// Costs per category; `total` is the sum of all lines.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Costs {
    /// Hotels (FOC deducted).
    pub hotels: f64,
    /// Vehicles.
    pub vehicles: f64,
    /// Tickets.
    pub tickets: f64,
    /// Meals.
    pub meals: f64,
    /// Guide.
    pub guide: f64,
    /// Fees.
    pub fees: f64,
    /// Sum of all lines.
    pub total: f64,
    /// `total / pax`.
    pub per_pax: f64,
}

/// The price quoted to the customer (报价).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Quote {
    /// Quoted price per pax.
    pub per_pax: f64,
    /// `per_pax * pax`.
    pub total: f64,
    /// Markup applied.
    pub markup_pct: f64,
}

/// A complete plan with its quote.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Plan {
    /// Day routes.
    pub days: Vec<Day>,
    /// Nights.
    pub nights: Vec<Night>,
    /// The fleet.
    pub fleet: Vec<FleetUse>,
    /// The quote sheet.
    pub lines: Vec<Line>,
    /// Costs.
    pub costs: Costs,
    /// Quote.
    pub quote: Quote,
    /// The plan's objective: cost - value + penalties (a jidiao extension).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub objective: Option<f64>,
}

/// Figures of the optimiser's run.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SolverFigures {
    /// Objective of the plan returned.
    pub objective: f64,
    /// Proven lower bound on the objective.
    pub bound: f64,
    /// Relative gap between objective and bound.
    pub gap: f64,
    /// Wall-clock seconds.
    pub seconds: f64,
    /// Variables in the MILP(s).
    pub variables: u64,
    /// Constraints in the MILP(s).
    pub constraints: u64,
    /// Day routes generated (a jidiao extension).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub day_routes: Option<u64>,
    /// Fleets considered (a jidiao extension).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fleets: Option<u64>,
    /// Seconds spent before the MILP: graph, rooming, day routes (a jidiao extension).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prepare_seconds: Option<f64>,
}

/// One problem found: a contract breach (`invalid`) or a reason no plan exists (`infeasible`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct DiagnosisItem {
    /// Stable code (see `docs/diagnosis-codes.md`).
    pub code: String,
    /// JSON pointer into the job, where the problem is in one place.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// What is wrong and what to change, in plain words.
    pub message: String,
    /// Ids involved.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ids: Vec<String>,
    /// The smallest change known to make the job feasible.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relaxation: Option<String>,
    /// The same change in machine-applicable form, ops applied together (a jidiao extension).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub relax: Vec<super::relax::RelaxOp>,
}

impl DiagnosisItem {
    /// A problem at a JSON pointer.
    pub fn at(code: &str, path: impl Into<String>, message: impl Into<String>) -> DiagnosisItem {
        DiagnosisItem {
            code: code.to_string(),
            path: Some(path.into()),
            message: message.into(),
            ids: Vec::new(),
            relaxation: None,
            relax: Vec::new(),
        }
    }

    /// A problem not tied to one place in the job.
    pub fn general(code: &str, message: impl Into<String>) -> DiagnosisItem {
        DiagnosisItem {
            code: code.to_string(),
            path: None,
            message: message.into(),
            ids: Vec::new(),
            relaxation: None,
            relax: Vec::new(),
        }
    }

    /// Adds the ids involved.
    pub fn with_ids<I: IntoIterator<Item = S>, S: Into<String>>(mut self, ids: I) -> Self {
        self.ids.extend(ids.into_iter().map(Into::into));
        self
    }

    /// Adds the relaxation that would fix it.
    pub fn with_relaxation(mut self, relaxation: impl Into<String>) -> Self {
        self.relaxation = Some(relaxation.into());
        self
    }

    /// Adds the relaxation in machine-applicable form (and in words, when none is set yet).
    pub fn with_relax(mut self, ops: Vec<super::relax::RelaxOp>) -> Self {
        if self.relaxation.is_none() && !ops.is_empty() {
            self.relaxation = Some(ops.iter().map(|o| o.describe()).collect::<Vec<_>>().join("; "));
        }
        self.relax = ops;
        self
    }
}

/// A result document of a `plan` job (also the shape of `replan` results).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PlanResult {
    /// Always `"jidiao/v1"`.
    pub schema: String,
    /// The job's id.
    pub job_id: String,
    /// The job's kind.
    pub kind: JobKind,
    /// Outcome.
    pub status: Status,
    /// The plan, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan: Option<Plan>,
    /// Next-best plans.
    #[serde(default)]
    pub alternatives: Vec<Plan>,
    /// Solver figures.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub solver: Option<SolverFigures>,
    /// Problems (invalid) or reasons (infeasible).
    #[serde(default)]
    pub diagnosis: Vec<DiagnosisItem>,
}
