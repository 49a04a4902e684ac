//! Wire types of a job document (`job-format.md`), mirrored field for field.
//!
//! These are plain serde types: absent optional fields stay `None` here and
//! get their contract defaults in [`crate::model`]. Unknown fields are ignored.

use super::clock::{Clock, Date, DateTime};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The supplier data shared by every kind of job (供应商资源).
#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema)]
pub struct Catalog {
    /// Currency of every amount; default `"CNY"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// Places: airports, city centres, attraction sites.
    #[serde(default)]
    pub places: Vec<Place>,
    /// Road legs between places.
    #[serde(default)]
    pub legs: Vec<Leg>,
    /// Attractions with hours and tickets.
    #[serde(default)]
    pub attractions: Vec<Attraction>,
    /// Hotels with room types, rates and allotments.
    #[serde(default)]
    pub hotels: Vec<Hotel>,
    /// Vehicle types for hire.
    #[serde(default)]
    pub vehicles: Vec<Vehicle>,
    /// Restaurants for group meals.
    #[serde(default)]
    pub restaurants: Vec<Restaurant>,
    /// Guides.
    #[serde(default)]
    pub guides: Vec<Guide>,
    /// Per-pax fees (insurance, service, visa).
    #[serde(default)]
    pub fees: Vec<Fee>,
}

/// A place on the map.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct Place {
    /// Unique id.
    pub id: String,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Latitude (degrees).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lat: Option<f64>,
    /// Longitude (degrees).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lon: Option<f64>,
}

/// A road leg; one-way unless `both_ways`.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct Leg {
    /// Origin place id.
    pub from: String,
    /// Destination place id.
    pub to: String,
    /// Driving minutes (whole minutes).
    pub minutes: u32,
    /// Kilometres.
    pub km: f64,
    /// Toll per vehicle.
    #[serde(default)]
    pub toll: f64,
    /// The same leg also runs from `to` to `from`.
    #[serde(default)]
    pub both_ways: bool,
}

/// Opening hours on some weekdays.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct Hours {
    /// ISO weekdays, 1 = Monday ... 7 = Sunday.
    pub weekdays: Vec<u8>,
    /// Opening time.
    pub open: Clock,
    /// Closing time.
    pub close: Clock,
}

/// Ticket prices per person.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct Ticket {
    /// Adult price.
    pub adult: f64,
    /// Child price; default the adult price.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub child: Option<f64>,
}

/// Group ticket prices, applying when pax >= `min_pax`.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct GroupTicket {
    /// Smallest pax for the group price.
    pub min_pax: u32,
    /// Adult group price; default the regular adult price.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adult: Option<f64>,
    /// Child group price; default the regular child price.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub child: Option<f64>,
}

/// An attraction (景点).
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct Attraction {
    /// Unique id.
    pub id: String,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Place id where it is.
    pub place: String,
    /// Length of a visit.
    pub visit_minutes: u32,
    /// Opening hours; a weekday with no entry is closed. Absent = open all day, every day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours: Option<Vec<Hours>>,
    /// Dates on which it is closed.
    #[serde(default)]
    pub closed_dates: Vec<Date>,
    /// Regular ticket.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket: Option<Ticket>,
    /// Group ticket.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_ticket: Option<GroupTicket>,
}

/// A nightly rate over an inclusive date range.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct Rate {
    /// First night.
    pub from: Date,
    /// Last night (inclusive).
    pub to: Date,
    /// Price per room per night.
    pub price: f64,
    /// Price on Friday and Saturday nights; default `price`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weekend_price: Option<f64>,
}

/// Contracted rooms per night over an inclusive date range.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct Allotment {
    /// First night.
    pub from: Date,
    /// Last night (inclusive).
    pub to: Date,
    /// Rooms available each night.
    pub rooms: u32,
}

/// A room type of a hotel.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct RoomType {
    /// Room type name, unique within the hotel.
    #[serde(rename = "type")]
    pub kind: String,
    /// Beds (people it sleeps without an extra bed).
    pub sleeps: u32,
    /// A couple may take it.
    #[serde(default)]
    pub couple_ok: bool,
    /// An extra bed may be added.
    #[serde(default)]
    pub extra_bed: bool,
    /// Rates.
    #[serde(default)]
    pub rates: Vec<Rate>,
    /// Allotments.
    #[serde(default)]
    pub allotment: Vec<Allotment>,
}

/// Free-of-charge rooms: one per `per` rooms booked.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct Foc {
    /// Rooms booked per free room.
    pub per: u32,
    /// Value deducted per free room.
    pub free_value: f64,
}

/// A hotel (酒店).
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct Hotel {
    /// Unique id.
    pub id: String,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Place id.
    pub place: String,
    /// Star rating.
    #[serde(default)]
    pub stars: u32,
    /// Room types.
    #[serde(default)]
    pub rooms: Vec<RoomType>,
    /// Price of an extra bed per night; default 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extra_bed_price: Option<f64>,
    /// FOC policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub foc: Option<Foc>,
}

/// A vehicle type for hire for the whole trip (全程用车).
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct Vehicle {
    /// Unique id.
    pub id: String,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Passenger seats.
    pub seats: u32,
    /// Price per vehicle per day.
    pub day_rate: f64,
    /// Kilometres included per day.
    #[serde(default)]
    pub km_included: f64,
    /// Price per kilometre beyond `km_included`.
    #[serde(default)]
    pub per_km: f64,
    /// How many can be hired; absent = unlimited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub available: Option<u32>,
}

/// A restaurant for group meals.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct Restaurant {
    /// Unique id.
    pub id: String,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Place id.
    pub place: String,
    /// Meal kinds served (keys of `trip.meals`, e.g. "lunch").
    #[serde(default)]
    pub meals: Vec<String>,
    /// Price per adult and per staff cover.
    pub per_pax: f64,
    /// Price per child; default `per_pax`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub child_per_pax: Option<f64>,
    /// Seats; must be at least the group's meal covers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seats: Option<u32>,
    /// Length of a meal; default 60.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minutes: Option<u32>,
}

/// A guide (导游).
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct Guide {
    /// Unique id.
    pub id: String,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Fee per trip day.
    pub day_fee: f64,
    /// How many such guides; absent = unlimited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub available: Option<u32>,
}

/// A per-pax fee.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct Fee {
    /// What it is.
    pub name: String,
    /// Per pax per trip day.
    #[serde(default)]
    pub per_pax_per_day: f64,
    /// Per pax once.
    #[serde(default)]
    pub per_pax: f64,
}

/// Solve options.
#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema)]
pub struct Options {
    /// Wall-clock limit for the solve, seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_limit_s: Option<f64>,
    /// Relative optimality gap accepted as optimal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mip_gap: Option<f64>,
    /// Number of next-best alternative plans wanted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alternatives: Option<u32>,
}

/// Paying travellers.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct Pax {
    /// Adults.
    #[serde(default)]
    pub adult: u32,
    /// Children.
    #[serde(default)]
    pub child: u32,
}

/// Kinds of rooming unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum UnitKind {
    /// Two people in one room with `couple_ok`.
    Couple,
    /// Solo male travellers, who may share.
    Male,
    /// Solo female travellers, who may share.
    Female,
    /// One person alone in a room.
    Single,
    /// A family of `size` in one room (extra bed allowed).
    Family,
}

impl UnitKind {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            UnitKind::Couple => "couple",
            UnitKind::Male => "male",
            UnitKind::Female => "female",
            UnitKind::Single => "single",
            UnitKind::Family => "family",
        }
    }
}

/// A line of the rooming list.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct RoomingLine {
    /// Unit kind.
    pub unit: UnitKind,
    /// Family size (families only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u32>,
    /// How many such units.
    pub count: u32,
}

/// The travelling group.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct Group {
    /// Group name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Paying travellers.
    pub pax: Pax,
    /// Rooming list.
    #[serde(default)]
    pub rooming: Vec<RoomingLine>,
    /// Seats needed on the coach; default pax + 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seats: Option<u32>,
    /// Meal covers (pax + staff); default pax + 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meal_covers: Option<u32>,
}

/// Where and when the trip starts.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct Arrive {
    /// Place id.
    pub place: String,
    /// Local date-time.
    pub at: DateTime,
}

/// Where and when the trip ends.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct Depart {
    /// Place id.
    pub place: String,
    /// Local date-time.
    pub at: DateTime,
    /// Minutes before `at` by which the group must be there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buffer_minutes: Option<u32>,
}

/// An optional attraction and what visiting it is worth.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct OptionalVisit {
    /// Attraction id.
    pub attraction: String,
    /// Value of the visit (subtracted from the objective).
    #[serde(default)]
    pub value: f64,
}

/// The trip's rules.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct Trip {
    /// Arrival.
    pub arrive: Arrive,
    /// Departure.
    pub depart: Depart,
    /// Start of every day but the first; default 08:00.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub day_start: Option<Clock>,
    /// End of every day but the last; default 21:00.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub day_end: Option<Clock>,
    /// Daily driving limit; absent = no limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_drive_minutes: Option<u32>,
    /// Attractions that must be visited.
    #[serde(default)]
    pub must_visit: Vec<String>,
    /// Attractions that may be visited, with their value.
    #[serde(default)]
    pub optional: Vec<OptionalVisit>,
    /// Meal windows by meal kind, `[start, end]`.
    #[serde(default)]
    pub meals: BTreeMap<String, [Clock; 2]>,
    /// Minimum hotel stars.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hotel_min_stars: Option<u32>,
    /// Penalty per change of hotel between consecutive nights.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hotel_change_penalty: Option<f64>,
    /// Value of a traveller's hour on the road; default 20.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drive_penalty_per_pax_hour: Option<f64>,
    /// Budget per pax (cost / pax).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget_per_pax: Option<f64>,
    /// Guide id, when a guide travels with the group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guide: Option<String>,
}

/// Pricing of the quote.
#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema)]
pub struct Pricing {
    /// Markup in percent; default 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub markup_pct: Option<f64>,
    /// Round the quote per pax up to a multiple of this; default 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub round_to: Option<f64>,
}

/// A plan job's body (also a batch group, a what-if base and a replan job).
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct PlanJob {
    /// Supplier data.
    #[serde(default)]
    pub catalog: Catalog,
    /// The group.
    pub group: Group,
    /// The trip.
    pub trip: Trip,
    /// Pricing.
    #[serde(default)]
    pub pricing: Pricing,
}
