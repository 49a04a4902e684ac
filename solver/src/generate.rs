//! A generator of realistic synthetic `plan` jobs of a given size, seeded and
//! reproducible (`jidiao gen`): cities along a touring route, attractions with
//! weekday hours, closures and group tickets, hotels with seasonal and weekend
//! rates and allotments that sometimes bind, restaurants, a fleet, a rooming
//! list. Every job it makes is valid against the contract.

use crate::contract::*;
use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::BTreeMap;

/// The size of a generated job.
#[derive(Clone, Debug, PartialEq)]
pub struct GenSize {
    /// Trip days (2-15).
    pub days: u32,
    /// Cities on the route (1-6).
    pub cities: u32,
    /// Attractions in the catalog (5-80).
    pub attractions: u32,
    /// Hotels in the catalog (3-60).
    pub hotels: u32,
    /// Restaurants per city.
    pub restaurants_per_city: u32,
    /// Vehicle types (1-5).
    pub vehicle_types: u32,
    /// Paying travellers (2-60).
    pub pax: u32,
}

impl GenSize {
    /// The "6 days, 20 attractions, 15 hotels, 32 pax" size of the targets.
    pub fn standard() -> GenSize {
        GenSize { days: 6, cities: 3, attractions: 20, hotels: 15, restaurants_per_city: 3, vehicle_types: 3, pax: 32 }
    }
}

const CITY_NAMES: [(&str, &str, f64, f64); 6] = [
    ("kmg", "昆明", 25.04, 102.71),
    ("dli", "大理", 25.61, 100.27),
    ("ljg", "丽江", 26.87, 100.23),
    ("sgl", "香格里拉", 27.83, 99.71),
    ("xsb", "西双版纳", 22.0, 100.8),
    ("pr", "普洱", 22.78, 100.97),
];

fn money(rng: &mut ChaCha8Rng, lo: u32, hi: u32, step: u32) -> f64 {
    (rng.random_range(lo / step..=hi / step) * step) as f64
}

fn place(id: String, name: String, lat: f64, lon: f64) -> Place {
    Place { id, name: Some(name), lat: Some((lat * 1e4).round() / 1e4), lon: Some((lon * 1e4).round() / 1e4) }
}

fn leg(from: &str, to: &str, minutes: u32, toll: f64) -> Leg {
    let km = (minutes as f64 * 0.9 * 10.0).round() / 10.0;
    Leg { from: from.into(), to: to.into(), minutes, km, toll, both_ways: true }
}

fn clock(h: i32, m: i32) -> Clock {
    Clock(h * 60 + m)
}

/// Generates a plan job of `size` from `seed`; the same pair always gives the same job.
pub fn generate(size: &GenSize, seed: u64) -> serde_json::Value {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let cities = size.cities.clamp(1, 6) as usize;
    let days = size.days.clamp(2, 15);
    let pax = size.pax.clamp(2, 60);
    let first = NaiveDate::from_ymd_opt(2026, 7, 1).expect("date") + Duration::days(rng.random_range(0..30));
    let last = first + Duration::days(days as i64 - 1);
    let mut places = Vec::new();
    let mut legs = Vec::new();
    for (c, &(id, name, lat, lon)) in CITY_NAMES.iter().take(cities).enumerate() {
        places.push(place(format!("{id}-center"), format!("{name}市中心"), lat, lon));
        places.push(place(format!("{id}-airport"), format!("{name}机场"), lat + 0.1, lon + 0.1));
        legs.push(leg(&format!("{id}-airport"), &format!("{id}-center"), rng.random_range(25..50), 15.0));
        if c > 0 {
            let prev = CITY_NAMES[c - 1].0;
            let minutes = rng.random_range(120..230);
            legs.push(leg(&format!("{prev}-center"), &format!("{id}-center"), minutes, (minutes as f64 * 0.6).round()));
        }
    }
    // Attractions, spread over the cities, each at its own place near the centre.
    let mut attractions = Vec::new();
    for a in 0..size.attractions.max(1) as usize {
        let c = a % cities;
        let (cid, cname, lat, lon) = CITY_NAMES[c];
        let id = format!("{cid}-sight-{a}");
        places.push(place(
            id.clone(),
            format!("{cname}景点{a}"),
            lat + rng.random_range(-0.2..0.2),
            lon + rng.random_range(-0.2..0.2),
        ));
        legs.push(leg(&format!("{cid}-center"), &id, rng.random_range(10..60), 0.0));
        if a >= cities {
            // a road to an earlier sight of the same city makes real loops possible
            let other = format!("{cid}-sight-{}", a - cities);
            legs.push(leg(&other, &id, rng.random_range(10..45), 0.0));
        }
        let open = clock(rng.random_range(7..10), if rng.random_bool(0.5) { 0 } else { 30 });
        let close = clock(rng.random_range(16..19), if rng.random_bool(0.5) { 0 } else { 30 });
        let weekdays: Vec<u8> = if rng.random_bool(0.2) { (2..=7).collect() } else { (1..=7).collect() };
        let mut closed = Vec::new();
        if rng.random_bool(0.15) {
            closed.push(Date(first + Duration::days(rng.random_range(0..days as i64))));
        }
        let adult = money(&mut rng, 0, 300, 10);
        attractions.push(Attraction {
            id,
            name: Some(format!("{cname}景点{a}")),
            place: format!("{cid}-sight-{a}"),
            visit_minutes: [60, 90, 120, 150, 180, 240][rng.random_range(0..6)],
            hours: Some(vec![Hours { weekdays, open, close }]),
            closed_dates: closed,
            ticket: Some(Ticket { adult, child: Some((adult / 2.0).round()) }),
            group_ticket: rng.random_bool(0.4).then(|| GroupTicket {
                min_pax: 15,
                adult: Some((adult * 0.85).round()),
                child: Some((adult * 0.4).round()),
            }),
        });
    }
    // Hotels with twin, king and family rooms; seasonal and weekend rates; allotments.
    let mut hotels = Vec::new();
    for h in 0..size.hotels.max(1) as usize {
        let c = h % cities;
        let (cid, cname, _, _) = CITY_NAMES[c];
        let stars: u32 = rng.random_range(3..=5);
        let base = 150.0 * stars as f64 + money(&mut rng, 0, 300, 10);
        let allot_twin = rng.random_range(pax / 4 + 1..=pax / 2 + 8);
        let rate = |price: f64, rng: &mut ChaCha8Rng| {
            vec![
                Rate {
                    from: Date(first - Duration::days(60)),
                    to: Date(first + Duration::days(7)),
                    price,
                    weekend_price: Some((price * 1.15).round()),
                },
                Rate {
                    from: Date(first + Duration::days(8)),
                    to: Date(last + Duration::days(60)),
                    price: (price * rng.random_range(1.0..1.25)).round(),
                    weekend_price: None,
                },
            ]
        };
        let allot = |rooms: u32| {
            vec![Allotment { from: Date(first - Duration::days(60)), to: Date(last + Duration::days(60)), rooms }]
        };
        let rooms = vec![
            RoomType {
                kind: "twin".into(),
                sleeps: 2,
                couple_ok: true,
                extra_bed: false,
                rates: rate(base, &mut rng),
                allotment: allot(allot_twin),
            },
            RoomType {
                kind: "king".into(),
                sleeps: 2,
                couple_ok: true,
                extra_bed: true,
                rates: rate(base + 40.0, &mut rng),
                allotment: allot(rng.random_range(2..10)),
            },
            RoomType {
                kind: "family".into(),
                sleeps: 3,
                couple_ok: true,
                extra_bed: true,
                rates: rate(base * 1.5, &mut rng),
                allotment: allot(rng.random_range(1..4)),
            },
        ];
        let place_id = if rng.random_bool(0.5) {
            format!("{cid}-center")
        } else {
            format!("{cid}-sight-{}", h % size.attractions.max(1) as usize)
        };
        let place_id = if places.iter().any(|p| p.id == place_id) { place_id } else { format!("{cid}-center") };
        hotels.push(Hotel {
            id: format!("{cid}-hotel-{h}"),
            name: Some(format!("{cname}{stars}星酒店{h}")),
            place: place_id,
            stars,
            rooms,
            extra_bed_price: Some(money(&mut rng, 80, 200, 10)),
            foc: rng.random_bool(0.6).then_some(Foc { per: 15, free_value: base }),
        });
    }
    let mut restaurants = Vec::new();
    for (c, &(cid, cname, _, _)) in CITY_NAMES.iter().take(cities).enumerate() {
        for r in 0..size.restaurants_per_city.max(1) {
            let at = if r == 0 {
                format!("{cid}-center")
            } else {
                format!("{cid}-sight-{}", (c + r as usize * cities) % size.attractions.max(1) as usize)
            };
            let at = if places.iter().any(|p| p.id == at) { at } else { format!("{cid}-center") };
            let per = money(&mut rng, 40, 120, 5);
            restaurants.push(Restaurant {
                id: format!("{cid}-rest-{r}"),
                name: Some(format!("{cname}餐厅{r}")),
                place: at,
                meals: vec!["lunch".into(), "dinner".into()],
                per_pax: per,
                child_per_pax: Some((per * 0.6).round()),
                seats: Some(pax + 40),
                minutes: Some(60),
            });
        }
    }
    let fleet_kinds = [
        ("coach-53", 53, 2200.0, 6.0),
        ("coach-45", 45, 1900.0, 5.5),
        ("coach-35", 35, 1600.0, 5.0),
        ("minibus-19", 19, 1100.0, 4.0),
        ("mpv-7", 7, 700.0, 3.0),
    ];
    let vehicles = fleet_kinds
        .iter()
        .take(size.vehicle_types.clamp(1, 5) as usize)
        .map(|&(id, seats, rate, per_km)| Vehicle {
            id: id.into(),
            name: Some(format!("{seats}座车")),
            seats,
            day_rate: rate,
            km_included: 250.0,
            per_km,
            available: Some(rng.random_range(1..4)),
        })
        .collect::<Vec<_>>();
    // Rooming that adds up to pax: a family of 3 or 4 (king sleeps 2 + extra bed, family sleeps 3 + extra bed), couples, solos.
    let children = (pax / 8).min(4);
    let mut left = pax;
    let mut rooming = Vec::new();
    if left >= 6 {
        let size = if rng.random_bool(0.5) { 3 } else { 4 };
        rooming.push(RoomingLine { unit: UnitKind::Family, size: Some(size), count: 1 });
        left -= size;
    }
    let couples = left / 2 - (left / 2) / 3;
    if couples > 0 {
        rooming.push(RoomingLine { unit: UnitKind::Couple, size: None, count: couples });
        left -= 2 * couples;
    }
    let singles = left.min(1);
    if singles > 0 {
        rooming.push(RoomingLine { unit: UnitKind::Single, size: None, count: singles });
        left -= singles;
    }
    let males = left / 2;
    if males > 0 {
        rooming.push(RoomingLine { unit: UnitKind::Male, size: None, count: males });
    }
    if left - males > 0 {
        rooming.push(RoomingLine { unit: UnitKind::Female, size: None, count: left - males });
    }
    let must: Vec<String> = (0..cities).filter(|_| rng.random_bool(0.7)).map(|c| attractions[c].id.clone()).collect();
    let optional: Vec<OptionalVisit> = attractions
        .iter()
        .filter(|a| !must.contains(&a.id))
        .map(|a| OptionalVisit { attraction: a.id.clone(), value: money(&mut rng, 0, 3000, 100) })
        .collect();
    let depart_city = CITY_NAMES[cities - 1].0;
    let at =
        |d: NaiveDate, h: u32, m: u32| DateTime(NaiveDateTime::new(d, NaiveTime::from_hms_opt(h, m, 0).expect("time")));
    let mut meals = BTreeMap::new();
    meals.insert("lunch".to_string(), [clock(11, 0), clock(13, 30)]);
    meals.insert("dinner".to_string(), [clock(17, 0), clock(20, 0)]);
    let job = PlanJob {
        catalog: Catalog {
            currency: Some("CNY".into()),
            places,
            legs,
            attractions,
            hotels,
            vehicles,
            restaurants,
            guides: vec![Guide {
                id: "guide-zh".into(),
                name: Some("中文导游".into()),
                day_fee: 450.0,
                available: Some(2),
            }],
            fees: vec![Fee { name: "travel insurance".into(), per_pax_per_day: 10.0, per_pax: 0.0 }],
        },
        group: Group {
            name: Some(format!("generated {days}d {pax}pax seed {seed}")),
            pax: Pax { adult: pax - children, child: children },
            rooming,
            seats: None,
            meal_covers: None,
        },
        trip: Trip {
            arrive: Arrive { place: format!("{}-airport", CITY_NAMES[0].0), at: at(first, 10, 0) },
            depart: Depart { place: format!("{depart_city}-airport"), at: at(last, 18, 0), buffer_minutes: Some(120) },
            day_start: Some(clock(8, 0)),
            day_end: Some(clock(21, 0)),
            max_drive_minutes: Some(360),
            must_visit: must,
            optional,
            meals,
            hotel_min_stars: Some(3 + rng.random_range(0..2)),
            hotel_change_penalty: Some(200.0),
            drive_penalty_per_pax_hour: None,
            budget_per_pax: None,
            guide: Some("guide-zh".into()),
        },
        pricing: Pricing { markup_pct: Some(12.0), round_to: Some(10.0) },
    };
    let mut v = serde_json::to_value(&job).expect("a job serialises");
    let obj = v.as_object_mut().expect("object");
    obj.insert("schema".into(), SCHEMA.into());
    obj.insert("kind".into(), "plan".into());
    obj.insert("job_id".into(), format!("GEN-{days}d-{}a-{}h-{pax}p-{seed}", size.attractions, size.hotels).into());
    obj.insert("options".into(), serde_json::json!({"time_limit_s": 60, "mip_gap": 0.0}));
    v
}
