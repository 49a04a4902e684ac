//! Machine-applicable relaxations carried by infeasibility diagnoses (a
//! jidiao extension of the contract: `DiagnosisItem.relax`).
//!
//! Each op names one change to the job a 计调 could make (more budget, more
//! rooms on one night, more drive minutes, one must-visit less, ...). The ops
//! of one diagnosis item are meant to be applied together;
//! [`crate::diagnose::apply_relaxation`] applies them to a plan job.

use super::clock::{Clock, Date};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// One change to a plan job that relaxes a rule.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum RelaxOp {
    /// Set `trip.budget_per_pax`.
    SetBudgetPerPax {
        /// The new budget per pax.
        value: f64,
    },
    /// Set the allotment of one room type at one hotel on one night (other nights unchanged).
    SetAllotment {
        /// Hotel id.
        hotel: String,
        /// Room type.
        #[serde(rename = "type")]
        kind: String,
        /// The night (the date it begins).
        date: Date,
        /// Rooms available that night.
        rooms: u32,
    },
    /// Set `trip.max_drive_minutes`.
    SetMaxDriveMinutes {
        /// Drive minutes a day.
        value: u32,
    },
    /// Take an attraction out of `trip.must_visit`.
    DropMustVisit {
        /// Attraction id.
        attraction: String,
    },
    /// Set how many vehicles of a type may be hired (`available`).
    SetVehicleAvailable {
        /// Vehicle id.
        vehicle: String,
        /// Vehicles available.
        value: u32,
    },
    /// Set `trip.hotel_min_stars`.
    SetHotelMinStars {
        /// Minimum stars.
        value: u32,
    },
    /// Set a restaurant's `seats`.
    SetRestaurantSeats {
        /// Restaurant id.
        restaurant: String,
        /// Seats.
        value: u32,
    },
    /// Take a meal kind out of `trip.meals` (no day requires it any more).
    DropMeal {
        /// Meal kind (a key of `trip.meals`).
        meal: String,
    },
    /// Set `trip.day_end`.
    SetDayEnd {
        /// The new end of every day but the last.
        value: Clock,
    },
}

impl RelaxOp {
    /// The change in a 计调's words.
    pub fn describe(&self) -> String {
        match self {
            RelaxOp::SetBudgetPerPax { value } => format!("budget_per_pax {value:.2}"),
            RelaxOp::SetAllotment { hotel, kind, date, rooms } => {
                format!("{rooms} {kind} rooms at {hotel} on the night of {date}")
            }
            RelaxOp::SetMaxDriveMinutes { value } => format!("max_drive_minutes {value}"),
            RelaxOp::DropMustVisit { attraction } => format!("{attraction} out of must_visit"),
            RelaxOp::SetVehicleAvailable { vehicle, value } => format!("{value} x {vehicle} available"),
            RelaxOp::SetHotelMinStars { value } => format!("hotel_min_stars {value}"),
            RelaxOp::SetRestaurantSeats { restaurant, value } => format!("{value} seats at {restaurant}"),
            RelaxOp::DropMeal { meal } => format!("{meal} out of trip.meals"),
            RelaxOp::SetDayEnd { value } => format!("day_end {value}"),
        }
    }
}
