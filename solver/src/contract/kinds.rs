//! Wire types of the job envelope and of the `batch`, `whatif` and `replan` kinds.

use super::clock::{Date, DateTime};
use super::job::{Catalog, Group, Options, PlanJob, Pricing, RoomingLine, Trip};
use super::result::{Day, FleetUse, Night};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The kinds of job.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum JobKind {
    /// One group.
    Plan,
    /// Many groups on shared inventory.
    Batch,
    /// Scenarios on a base job.
    Whatif,
    /// Re-planning after a disruption.
    Replan,
}

impl JobKind {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            JobKind::Plan => "plan",
            JobKind::Batch => "batch",
            JobKind::Whatif => "whatif",
            JobKind::Replan => "replan",
        }
    }
}

/// A job document of any kind (parsed by [`crate::parse`], which reads `kind` first).
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct Job {
    /// Always `"jidiao/v1"`.
    pub schema: String,
    /// The kind of job.
    pub kind: JobKind,
    /// The caller's id of the job.
    pub job_id: String,
    /// Options.
    #[serde(default)]
    pub options: Options,
    /// The body, by kind.
    #[serde(flatten)]
    pub body: JobBody,
}

/// The kind-specific part of a job (flattened into the envelope).
#[derive(Clone, Debug, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum JobBody {
    /// `kind = "plan"`.
    Plan(PlanJob),
    /// `kind = "batch"`.
    Batch(BatchJob),
    /// `kind = "whatif"`.
    Whatif(WhatifJob),
    /// `kind = "replan"`.
    Replan(ReplanJob),
}

/// Change costs against what is already booked.
#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema)]
pub struct ChangeCosts {
    /// Per room-night no longer used at the same hotel and type.
    #[serde(default)]
    pub hotel_room_night: f64,
    /// Per vehicle dropped from the fleet.
    #[serde(default)]
    pub vehicle: f64,
}

/// What a group has booked today.
#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema)]
pub struct Booked {
    /// Nights as in a plan.
    #[serde(default)]
    pub nights: Vec<Night>,
    /// Fleet as in a plan.
    #[serde(default)]
    pub fleet: Vec<FleetUse>,
}

/// One group of a batch.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct BatchGroup {
    /// The group's id in the batch.
    pub group_id: String,
    /// The group.
    pub group: Group,
    /// Its trip.
    pub trip: Trip,
    /// Its pricing.
    #[serde(default)]
    pub pricing: Pricing,
    /// What is booked today.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current: Option<Booked>,
}

/// `kind = "batch"`: many groups on one catalog.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct BatchJob {
    /// The shared catalog.
    pub catalog: Catalog,
    /// The groups.
    pub groups: Vec<BatchGroup>,
    /// Change costs against `current`.
    #[serde(default)]
    pub change_costs: ChangeCosts,
}

/// A change applied by a what-if scenario.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum ScenarioOp {
    /// Multiply the prices of one supplier.
    ScalePrice {
        /// Hotel id.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        hotel: Option<String>,
        /// Vehicle id.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        vehicle: Option<String>,
        /// Restaurant id.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        restaurant: Option<String>,
        /// Attraction id.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        attraction: Option<String>,
        /// The factor.
        factor: f64,
    },
    /// Replace pax and rooming.
    SetPax {
        /// Adults.
        adult: u32,
        /// Children.
        #[serde(default)]
        child: u32,
        /// The new rooming list.
        rooming: Vec<RoomingLine>,
    },
    /// Move arrival and departure by whole days.
    ShiftDates {
        /// Days (may be negative).
        days: i64,
    },
    /// Set a room type's allotment on every trip night.
    SetAllotment {
        /// Hotel id.
        hotel: String,
        /// Room type.
        #[serde(rename = "type")]
        kind: String,
        /// Rooms.
        rooms: u32,
    },
    /// Take an attraction out of the catalog and the trip.
    RemoveAttraction {
        /// Attraction id.
        attraction: String,
    },
    /// Add an attraction to `must_visit`.
    AddMustVisit {
        /// Attraction id.
        attraction: String,
    },
}

/// A named what-if scenario.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct Scenario {
    /// Its name.
    pub name: String,
    /// Changes, applied in order to the base.
    pub changes: Vec<ScenarioOp>,
}

/// `kind = "whatif"`.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct WhatifJob {
    /// The base job.
    pub base: PlanJob,
    /// The scenarios.
    pub scenarios: Vec<Scenario>,
}

/// A disruption event.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    /// The group is late by some minutes.
    Delay {
        /// Minutes.
        minutes: u32,
    },
    /// An attraction is closed on some dates.
    Closed {
        /// Attraction id.
        attraction: String,
        /// Dates.
        dates: Vec<Date>,
    },
    /// A hotel cannot take the group on some nights.
    HotelUnavailable {
        /// Hotel id.
        hotel: String,
        /// Nights.
        nights: Vec<Date>,
    },
    /// A vehicle type is unavailable from a date on.
    VehicleUnavailable {
        /// Vehicle id.
        vehicle: String,
        /// First date.
        from: Date,
    },
}

/// What the group has confirmed.
#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema)]
pub struct Confirmed {
    /// Days as in a plan.
    #[serde(default)]
    pub days: Vec<Day>,
    /// Nights as in a plan.
    #[serde(default)]
    pub nights: Vec<Night>,
    /// Fleet as in a plan.
    #[serde(default)]
    pub fleet: Vec<FleetUse>,
}

/// `kind = "replan"`.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct ReplanJob {
    /// The original job.
    pub job: PlanJob,
    /// The confirmed plan.
    pub confirmed: Confirmed,
    /// The moment of re-planning.
    pub now: DateTime,
    /// What happened.
    #[serde(default)]
    pub events: Vec<Event>,
    /// Change costs against `confirmed`.
    #[serde(default)]
    pub change_costs: ChangeCosts,
}

/// Convenience: the group, trip and pricing of a plan job.
impl PlanJob {
    /// Builds a plan job from its parts.
    pub fn new(catalog: Catalog, group: Group, trip: Trip, pricing: Pricing) -> PlanJob {
        PlanJob { catalog, group, trip, pricing }
    }
}
