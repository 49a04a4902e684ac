//! The largest job jidiao accepts, and the longest it solves.
//!
//! A job over a size limit is `invalid` with code `too_large` before anything
//! is built, so no input can make a worker run out of memory; the time limits
//! stop every phase that could run long (route generation, the MILPs, the
//! diagnosis) with `timeout` rather than a hang. Every number is configurable:
//! the CLI and the worker build a [`Limits`] (the defaults, or
//! [`Limits::with_overrides`] of a `key=value,...` string) and pass it in the
//! [`crate::SolveContext`].

use serde::{Deserialize, Serialize};

/// Size and time limits (all configurable by the service).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Limits {
    /// Bytes of one job document.
    pub max_job_bytes: usize,
    /// Places in the catalog.
    pub max_places: usize,
    /// Legs in the catalog.
    pub max_legs: usize,
    /// Attractions in the catalog.
    pub max_attractions: usize,
    /// Hotels in the catalog.
    pub max_hotels: usize,
    /// Room types of one hotel.
    pub max_room_types: usize,
    /// Rows of one list inside a catalog entry (rates, allotments, opening hours, closed dates,
    /// meals served) and rooming lines.
    pub max_rows: usize,
    /// Vehicle types in the catalog.
    pub max_vehicles: usize,
    /// Restaurants in the catalog.
    pub max_restaurants: usize,
    /// Guides in the catalog.
    pub max_guides: usize,
    /// Fees in the catalog.
    pub max_fees: usize,
    /// Trip days.
    pub max_days: u32,
    /// Pax of one group.
    pub max_pax: u32,
    /// Attractions a trip may list (must-visit plus optional; at most 128, the route bit set).
    pub max_listed_attractions: usize,
    /// Meal kinds of a trip (at most 8, the route's meal bit set).
    pub max_meal_kinds: usize,
    /// `options.alternatives`.
    pub max_alternatives: u32,
    /// What-if scenarios, replan events.
    pub max_scenarios: usize,
    /// Groups in a batch (overnight re-optimisation of a peak season: hundreds).
    pub max_groups: usize,
    /// Any amount of money, km or value in the job (larger ones are typing errors and would
    /// swamp the MILP's tolerances).
    pub max_amount: f64,
    /// `options.time_limit_s` (and the default when absent).
    pub max_time_limit_s: f64,
    /// Seconds the diagnosis of an infeasible job may take on top of the solve.
    pub max_diagnosis_s: f64,
    /// Day-route labels one search (day, start place) may create before it stops.
    pub max_route_labels: usize,
    /// Minimal fleets enumerated (one MILP each); a job with more is `too_large`.
    pub max_fleets: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_job_bytes: 16 * 1024 * 1024,
            max_places: 2_000,
            max_legs: 20_000,
            max_attractions: 500,
            max_hotels: 500,
            max_room_types: 50,
            max_rows: 1_000,
            max_vehicles: 50,
            max_restaurants: 500,
            max_guides: 100,
            max_fees: 100,
            max_days: 31,
            max_pax: 500,
            max_listed_attractions: 128,
            max_meal_kinds: 8,
            max_alternatives: 10,
            max_scenarios: 100,
            max_groups: 1000,
            max_amount: 1e8,
            max_time_limit_s: 1_500.0,
            max_diagnosis_s: 60.0,
            max_route_labels: 2_000_000,
            max_fleets: 200,
        }
    }
}

impl Limits {
    /// The defaults with some limits changed by a `key=value` list separated by commas
    /// (for example `"max_days=14,max_pax=200"`), keys as the field names.
    pub fn with_overrides(spec: &str) -> Result<Limits, String> {
        let mut value = serde_json::to_value(Limits::default()).map_err(|e| e.to_string())?;
        for pair in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (key, v) = pair.split_once('=').ok_or_else(|| format!("'{pair}' is not key=value"))?;
            let key = key.trim();
            let slot = value.get_mut(key).ok_or_else(|| format!("'{key}' is not a limit"))?;
            let number: f64 = v.trim().parse().map_err(|_| format!("{key}: '{v}' is not a number"))?;
            if !number.is_finite() || number < 0.0 {
                return Err(format!("{key}: {v} must be a finite number >= 0"));
            }
            *slot = if slot.is_f64() {
                serde_json::json!(number)
            } else if number.fract() == 0.0 {
                serde_json::json!(number as u64)
            } else {
                return Err(format!("{key}: {v} must be a whole number"));
            };
        }
        let limits: Limits = serde_json::from_value(value).map_err(|e| e.to_string())?;
        if limits.max_listed_attractions > 128 || limits.max_meal_kinds > 8 {
            return Err("max_listed_attractions is at most 128 and max_meal_kinds at most 8".into());
        }
        Ok(limits)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overrides_change_only_the_named_limits() {
        let l = Limits::with_overrides("max_days=14, max_time_limit_s=30.5").unwrap();
        assert_eq!(l.max_days, 14);
        assert_eq!(l.max_time_limit_s, 30.5);
        assert_eq!(l.max_pax, Limits::default().max_pax);
        assert!(Limits::with_overrides("max_dayz=1").is_err());
        assert!(Limits::with_overrides("max_days=-1").is_err());
        assert!(Limits::with_overrides("max_days=1.5").is_err());
        assert!(Limits::with_overrides("max_meal_kinds=9").is_err());
        assert_eq!(Limits::with_overrides("").unwrap(), Limits::default());
    }
}
