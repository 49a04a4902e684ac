//! The shared resources of a batch as the models see them: a room type of a hotel on a
//! night, a vehicle type on a day, a restaurant's seats at a meal on a date, a guide on a
//! day, each with its capacity from the one catalog.

use crate::contract::Catalog;
use chrono::NaiveDate;

/// A restaurant meal on a date: (catalog restaurant index, meal name, date).
pub type MealKey = (usize, String, NaiveDate);

/// One shared resource (catalog indices).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Resource {
    /// Rooms of type `room` at `hotel` on the night of `date`.
    Room {
        /// Catalog hotel index.
        hotel: usize,
        /// Index into the hotel's room types.
        room: usize,
        /// The night.
        date: NaiveDate,
    },
    /// Vehicles of a type on a day.
    Vehicle {
        /// Catalog vehicle index.
        vehicle: usize,
        /// The day.
        date: NaiveDate,
    },
    /// Covers at a restaurant meal.
    Meal(MealKey),
    /// A guide on a day.
    Guide {
        /// The guide's id.
        guide: String,
        /// The day.
        date: NaiveDate,
    },
}

impl Resource {
    /// Its capacity; `None` when the catalog sets none (the resource is not shared).
    pub fn capacity(&self, catalog: &Catalog) -> Option<f64> {
        match self {
            Resource::Room { hotel, room, date } => Some(allotment_on(catalog, *hotel, *room, *date) as f64),
            Resource::Vehicle { vehicle, .. } => catalog.vehicles[*vehicle].available.map(f64::from),
            Resource::Meal((r, _, _)) => catalog.restaurants[*r].seats.map(f64::from),
            Resource::Guide { guide, .. } => {
                catalog.guides.iter().find(|g| &g.id == guide).and_then(|g| g.available).map(f64::from)
            }
        }
    }
}

/// The allotment of a hotel's room type on a night (0 when none is sold).
pub fn allotment_on(catalog: &Catalog, hotel: usize, room: usize, date: NaiveDate) -> u32 {
    catalog.hotels[hotel].rooms[room]
        .allotment
        .iter()
        .find(|a| a.from.0 <= date && date <= a.to.0)
        .map_or(0, |a| a.rooms)
}
