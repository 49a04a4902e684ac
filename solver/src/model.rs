//! The core model of one group's trip: the validated job with every contract
//! default applied, indexed for the optimiser. No serde, no wire names.

use crate::contract::{Attraction, Catalog, PlanJob, UnitKind};
use chrono::{Datelike, NaiveDate};
use std::collections::HashMap;

/// Minutes after midnight.
pub type Minute = i32;

/// A meal kind of the trip with its window.
#[derive(Clone, Debug, PartialEq)]
pub struct MealKind {
    /// Name (`trip.meals` key).
    pub name: String,
    /// The window opens (a meal starts at or after this).
    pub open: Minute,
    /// The window closes (a meal starts at or before this).
    pub close: Minute,
}

/// How a day ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DayEnd {
    /// At the night's hotel (every day but the last).
    Hotel,
    /// At the departure place (the last day).
    Depart(usize),
}

/// The rules of one trip day.
#[derive(Clone, Debug, PartialEq)]
pub struct DayRule {
    /// Date.
    pub date: NaiveDate,
    /// ISO weekday, 1 = Monday.
    pub weekday: u8,
    /// Where the day starts: `Some(place)` on day 1, `None` = the previous night's hotel.
    pub start_place: Option<usize>,
    /// When the day starts.
    pub start_time: Minute,
    /// The latest arrival at the day's end.
    pub end_limit: Minute,
    /// How the day ends.
    pub end: DayEnd,
    /// Required meals, a bit per [`MealKind`].
    pub required_meals: u8,
    /// What the day drove before `start_time`: zero, except for a day in progress that is
    /// re-planned (its drive limit and its vehicles' km and tolls count this too).
    pub driven: Driven,
}

/// Driving already done on a day.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Driven {
    /// Drive minutes.
    pub minutes: Minute,
    /// Kilometres.
    pub km: f64,
    /// Tolls per vehicle.
    pub toll: f64,
}

/// An attraction the trip lists (must-visit or optional).
#[derive(Clone, Debug, PartialEq)]
pub struct ListedAttraction {
    /// Index in `catalog.attractions`.
    pub catalog: usize,
    /// Id.
    pub id: String,
    /// Place index.
    pub place: usize,
    /// Visit length.
    pub visit: Minute,
    /// Must be visited.
    pub must: bool,
    /// Value when visited (optional attractions).
    pub value: f64,
    /// Tickets for the whole group.
    pub tickets: TicketCost,
}

/// The tickets one visit costs the group.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TicketCost {
    /// Adult price applied.
    pub adult_price: f64,
    /// Child price applied.
    pub child_price: f64,
    /// Whether the group price applies.
    pub group_price: bool,
    /// Total for the group.
    pub total: f64,
}

/// A restaurant the group may eat at (enough seats).
#[derive(Clone, Debug, PartialEq)]
pub struct RestaurantOption {
    /// Index in `catalog.restaurants`.
    pub catalog: usize,
    /// Place index.
    pub place: usize,
    /// Meals served, a bit per [`MealKind`].
    pub serves: u8,
    /// Price per adult and staff cover.
    pub per_pax: f64,
    /// Price per child.
    pub child_per_pax: f64,
    /// Cost of one meal for the group.
    pub cost: f64,
    /// Minutes a meal lasts.
    pub minutes: Minute,
}

/// A hotel with enough stars.
#[derive(Clone, Debug, PartialEq)]
pub struct HotelOption {
    /// Index in `catalog.hotels`.
    pub catalog: usize,
    /// Place index.
    pub place: usize,
}

/// A vehicle type.
#[derive(Clone, Debug)]
pub struct VehicleOption {
    /// Index in `catalog.vehicles`.
    pub catalog: usize,
    /// Seats.
    pub seats: u32,
    /// Price per day.
    pub day_rate: f64,
    /// Km included per day.
    pub km_included: f64,
    /// Price per km beyond that.
    pub per_km: f64,
    /// How many may be hired (None = unlimited).
    pub available: Option<u32>,
}

/// The units to room each night.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Rooming {
    /// Couples.
    pub couples: u32,
    /// Solo men.
    pub males: u32,
    /// Solo women.
    pub females: u32,
    /// People who take a room alone.
    pub singles: u32,
    /// Families as (size, count), sizes ascending and distinct.
    pub families: Vec<(u32, u32)>,
}

impl Rooming {
    /// The units of a group's rooming list, families counted by size.
    pub fn of_lines(lines: &[crate::contract::RoomingLine]) -> Rooming {
        let mut rooming = Rooming::default();
        let mut families: std::collections::BTreeMap<u32, u32> = Default::default();
        for r in lines {
            match r.unit {
                UnitKind::Couple => rooming.couples += r.count,
                UnitKind::Male => rooming.males += r.count,
                UnitKind::Female => rooming.females += r.count,
                UnitKind::Single => rooming.singles += r.count,
                UnitKind::Family => *families.entry(r.size.unwrap_or(1)).or_default() += r.count,
            }
        }
        rooming.families = families.into_iter().collect();
        rooming
    }

    /// Rooming units (couples, solo travellers, families): the most rooms any rooming of
    /// the list takes, each unit taking at most one room.
    pub fn units(&self) -> u32 {
        self.couples + self.males + self.females + self.singles + self.families.iter().map(|f| f.1).sum::<u32>()
    }
}

/// One group's trip, ready for the optimiser.
#[derive(Clone, Debug)]
pub struct TripModel {
    /// The job as given (ids, names and prices are read from it).
    pub job: PlanJob,
    /// Place ids; a place index points here.
    pub places: Vec<String>,
    /// Adults.
    pub adults: u32,
    /// Children.
    pub children: u32,
    /// Staff covers (meal covers beyond pax).
    pub staff: u32,
    /// Seats the fleet must have.
    pub seats: u32,
    /// Meal covers.
    pub meal_covers: u32,
    /// Rooming units.
    pub rooming: Rooming,
    /// Days, in order.
    pub days: Vec<DayRule>,
    /// Meal kinds.
    pub meals: Vec<MealKind>,
    /// Listed attractions: must-visits first, then optional, in job order.
    pub attractions: Vec<ListedAttraction>,
    /// Restaurants with enough seats.
    pub restaurants: Vec<RestaurantOption>,
    /// Hotels with enough stars.
    pub hotels: Vec<HotelOption>,
    /// Vehicle types.
    pub vehicles: Vec<VehicleOption>,
    /// Guide fee per day (0 without a guide).
    pub guide_day_fee: f64,
    /// Fees for the whole trip.
    pub fees_total: f64,
    /// Drive penalty per minute on the road (whole group).
    pub drive_penalty_per_minute: f64,
    /// Penalty per hotel change.
    pub hotel_change_penalty: f64,
    /// Largest total cost allowed.
    pub budget_total: Option<f64>,
}

impl TripModel {
    /// Pax (adults + children).
    pub fn pax(&self) -> u32 {
        self.adults + self.children
    }

    /// The catalog.
    pub fn catalog(&self) -> &Catalog {
        &self.job.catalog
    }

    /// Number of nights.
    pub fn nights(&self) -> usize {
        self.days.len() - 1
    }

    /// Place index of an id.
    pub fn place_index(&self, id: &str) -> Option<usize> {
        self.places.iter().position(|p| p == id)
    }

    /// Opening intervals of a catalog attraction on a date (empty when closed).
    pub fn open_intervals(attraction: &Attraction, date: NaiveDate) -> Vec<(Minute, Minute)> {
        if attraction.closed_dates.iter().any(|d| d.0 == date) {
            return Vec::new();
        }
        let wd = date.weekday().number_from_monday() as u8;
        let Some(hours) = &attraction.hours else {
            return vec![(0, 24 * 60)];
        };
        let mut v: Vec<(Minute, Minute)> =
            hours.iter().filter(|h| h.weekdays.contains(&wd)).map(|h| (h.open.0, h.close.0)).collect();
        v.sort_unstable();
        v
    }

    /// Builds the model from a validated plan job.
    pub fn build(job: &PlanJob) -> TripModel {
        let c = &job.catalog;
        let g = &job.group;
        let t = &job.trip;
        let places: Vec<String> = c.places.iter().map(|p| p.id.clone()).collect();
        let place_of: HashMap<&str, usize> = places.iter().enumerate().map(|(i, p)| (p.as_str(), i)).collect();
        let pax = g.pax.adult + g.pax.child;
        let meal_covers = g.meal_covers.unwrap_or(pax + 1);
        let staff = meal_covers.saturating_sub(pax);
        let meals: Vec<MealKind> =
            t.meals.iter().map(|(name, [o, c])| MealKind { name: name.clone(), open: o.0, close: c.0 }).collect();
        let day_start = t.day_start.map_or(8 * 60, |c| c.0);
        let day_end = t.day_end.map_or(21 * 60, |c| c.0);
        let first = t.arrive.at.date();
        let last = t.depart.at.date();
        let latest = t.depart.at.0 - chrono::Duration::minutes(t.depart.buffer_minutes.unwrap_or(0) as i64);
        let n_days = (last - first).num_days() as usize + 1;
        let depart_place = place_of[t.depart.place.as_str()];
        let days = (0..n_days)
            .map(|i| {
                let date = first + chrono::Duration::days(i as i64);
                let is_last = i + 1 == n_days;
                let start_time = if i == 0 { t.arrive.at.clock().0 } else { day_start };
                let end_limit = if is_last {
                    // minutes after this date's midnight (may be negative if the buffer reaches back a day)
                    (latest - date.and_hms_opt(0, 0, 0).expect("midnight")).num_minutes() as Minute
                } else {
                    day_end
                };
                let required_meals = meals
                    .iter()
                    .enumerate()
                    .filter(|(_, m)| start_time <= m.open && end_limit >= m.close)
                    .fold(0u8, |acc, (k, _)| acc | (1 << k));
                DayRule {
                    date,
                    weekday: date.weekday().number_from_monday() as u8,
                    start_place: (i == 0).then(|| place_of[t.arrive.place.as_str()]),
                    start_time,
                    end_limit,
                    end: if is_last { DayEnd::Depart(depart_place) } else { DayEnd::Hotel },
                    required_meals,
                    driven: Driven::default(),
                }
            })
            .collect();
        let ticket = |a: &Attraction| -> TicketCost {
            let adult = a.ticket.as_ref().map_or(0.0, |t| t.adult);
            let child = a.ticket.as_ref().map_or(0.0, |t| t.child.unwrap_or(t.adult));
            let (adult_price, child_price, group_price) = match &a.group_ticket {
                Some(gt) if pax >= gt.min_pax => (gt.adult.unwrap_or(adult), gt.child.unwrap_or(child), true),
                _ => (adult, child, false),
            };
            TicketCost {
                adult_price,
                child_price,
                group_price,
                total: adult_price * g.pax.adult as f64 + child_price * g.pax.child as f64,
            }
        };
        let attraction_of: HashMap<&str, usize> =
            c.attractions.iter().enumerate().map(|(i, a)| (a.id.as_str(), i)).collect();
        let listed = t
            .must_visit
            .iter()
            .map(|id| (id.as_str(), true, 0.0))
            .chain(t.optional.iter().map(|o| (o.attraction.as_str(), false, o.value)));
        let attractions = listed
            .map(|(id, must, value)| {
                let idx = attraction_of[id];
                let a = &c.attractions[idx];
                ListedAttraction {
                    catalog: idx,
                    id: id.to_string(),
                    place: place_of[a.place.as_str()],
                    visit: a.visit_minutes as Minute,
                    must,
                    value,
                    tickets: ticket(a),
                }
            })
            .collect();
        let restaurants = c
            .restaurants
            .iter()
            .enumerate()
            .filter(|(_, r)| r.seats.is_none_or(|s| s >= meal_covers))
            .map(|(i, r)| {
                let serves = meals
                    .iter()
                    .enumerate()
                    .filter(|(_, m)| r.meals.contains(&m.name))
                    .fold(0u8, |acc, (k, _)| acc | (1 << k));
                let child = r.child_per_pax.unwrap_or(r.per_pax);
                RestaurantOption {
                    catalog: i,
                    place: place_of[r.place.as_str()],
                    serves,
                    per_pax: r.per_pax,
                    child_per_pax: child,
                    cost: r.per_pax * (g.pax.adult + staff) as f64 + child * g.pax.child as f64,
                    minutes: r.minutes.unwrap_or(60) as Minute,
                }
            })
            .filter(|r| r.serves != 0)
            .collect();
        let min_stars = t.hotel_min_stars.unwrap_or(0);
        let hotels = c
            .hotels
            .iter()
            .enumerate()
            .filter(|(_, h)| h.stars >= min_stars)
            .map(|(i, h)| HotelOption { catalog: i, place: place_of[h.place.as_str()] })
            .collect();
        let vehicles = c
            .vehicles
            .iter()
            .enumerate()
            .map(|(i, v)| VehicleOption {
                catalog: i,
                seats: v.seats,
                day_rate: v.day_rate,
                km_included: v.km_included,
                per_km: v.per_km,
                available: v.available,
            })
            .collect();
        let rooming = Rooming::of_lines(&g.rooming);
        let guide_day_fee =
            t.guide.as_ref().and_then(|gid| c.guides.iter().find(|g| &g.id == gid)).map_or(0.0, |g| g.day_fee);
        let fees_total =
            c.fees.iter().map(|f| f.per_pax_per_day * pax as f64 * n_days as f64 + f.per_pax * pax as f64).sum();
        TripModel {
            job: job.clone(),
            places,
            adults: g.pax.adult,
            children: g.pax.child,
            staff,
            seats: g.seats.unwrap_or(pax + 1),
            meal_covers,
            rooming,
            days,
            meals,
            attractions,
            restaurants,
            hotels,
            vehicles,
            guide_day_fee,
            fees_total,
            drive_penalty_per_minute: t.drive_penalty_per_pax_hour.unwrap_or(20.0) * pax as f64 / 60.0,
            hotel_change_penalty: t.hotel_change_penalty.unwrap_or(0.0),
            budget_total: t.budget_per_pax.map(|b| b * pax as f64),
        }
    }
}
