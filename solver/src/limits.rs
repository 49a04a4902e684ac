//! The largest job jidiao accepts, and the longest it solves.
//!
//! A job over a limit is `invalid` with code `too_large` before anything is
//! built, so no input can make a worker run out of memory or time.

/// Size and time limits (all configurable by the service).
#[derive(Clone, Debug, PartialEq)]
pub struct Limits {
    /// Places in the catalog.
    pub max_places: usize,
    /// Legs in the catalog.
    pub max_legs: usize,
    /// Attractions in the catalog.
    pub max_attractions: usize,
    /// Hotels in the catalog.
    pub max_hotels: usize,
    /// Vehicle types in the catalog.
    pub max_vehicles: usize,
    /// Restaurants in the catalog.
    pub max_restaurants: usize,
    /// Trip days.
    pub max_days: u32,
    /// Pax of one group.
    pub max_pax: u32,
    /// Attractions a trip may list (must-visit plus optional).
    pub max_listed_attractions: usize,
    /// `options.alternatives`.
    pub max_alternatives: u32,
    /// `options.time_limit_s` (and the default when absent).
    pub max_time_limit_s: f64,
    /// Day-route labels one day may create before the search stops.
    pub max_route_labels: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_places: 2_000,
            max_legs: 20_000,
            max_attractions: 500,
            max_hotels: 500,
            max_vehicles: 50,
            max_restaurants: 500,
            max_days: 31,
            max_pax: 500,
            max_listed_attractions: 128,
            max_alternatives: 10,
            max_time_limit_s: 1_500.0,
            max_route_labels: 2_000_000,
        }
    }
}
