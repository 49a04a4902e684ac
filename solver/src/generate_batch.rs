//! A generator of realistic synthetic `batch` jobs (旺季夜间统筹), seeded and reproducible
//! (`jidiao gen --groups N`, `benches/batch_ladder.rs`): one Yunnan catalog shared by N
//! groups that tour consecutive stretches of one road (香格里拉 - 丽江 - 大理 - 楚雄 - 昆明 -
//! 玉溪 - 普洱 - 西双版纳), starting over a 暑期 window in July so that many of them are on
//! the road, and in the same towns, on the same nights.
//!
//! The shared inventory is tight where it matters: the good-value hotels' allotments and the
//! coach companies' `available` counts are sized to a share ([`BatchGenSize::tight`]) of the
//! groups that want them at the peak, so groups planned alone overrun them and the batch must
//! arbitrate. The batch stays feasible by construction through the *reserve* inventory, sized
//! for every group that could need it (see [`is_reserve`]): in every town a 5-star hotel
//! (`{city}-grand`, twin and family rooms, no FOC) whose allotment per night holds the
//! rooming of every group touring that town and on the road that night, a coach type
//! (`reserve-57`) with one coach for every group on the road on the peak day, and in every
//! town a group canteen (`{city}-canteen`, lunch and dinner) seating every such group.
//! Guides are named by the trip, so each guide's `available` is its peak use.
//!
//! For tractability a town's hotels stand at two district places (three with more than 12
//! hotels a town): 3-star hotels in the old town, the others in the centre, as a group's day
//! routes are generated per overnight place; groups ask for 3, 4 or 5 stars (20%, 50%, 30%)
//! so they see different subsets of the hotels (a 4- or 5-star group sleeps at one place a
//! town); and each group lists at most about 14 attractions.
//! About [`BatchGenSize::current_share`] of the groups carry a `current` booking (one hotel
//! per town stay with a complete rooming, one coach), and the current bookings together fit
//! every allotment and `available` count. Every job it makes is valid against the contract.

use crate::contract::*;
use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::BTreeMap;

/// The size and shape of a generated batch.
#[derive(Clone, Debug, PartialEq)]
pub struct BatchGenSize {
    /// Groups in the batch (1-1000, `Limits::max_groups` by default).
    pub groups: u32,
    /// Nights of every group's trip (1-14); the trip has one day more.
    pub nights: u32,
    /// Towns on the road (2-8), the most visited first: 昆明, 大理, 丽江, 西双版纳, 香格里拉,
    /// 普洱, 楚雄, 玉溪.
    pub cities: u32,
    /// Attractions in the catalog (at least 3 per town).
    pub attractions: u32,
    /// Hotels in the catalog (at least 2 per town), the reserve hotels included.
    pub hotels: u32,
    /// Restaurants per town (1-6), the canteen included.
    pub restaurants_per_city: u32,
    /// Vehicle types (1-50), the reserve coach included.
    pub vehicle_types: u32,
    /// How much good-value inventory there is (0.05-4; default 0.5; lower is tighter): the
    /// good-value hotels of a town have room for about `tight` times the most groups staying
    /// in the town on one night (a group at least in each), and each company's coach type
    /// 1 to 1 + `tight` x (groups on the road at the peak) / 4 coaches.
    pub tight: f64,
    /// Share of the groups with a `current` booking (0-1; default 0.3).
    pub current_share: f64,
}

impl BatchGenSize {
    /// The default shape (7 nights, 6 towns, 48 attractions, 60 hotels, 3 restaurants per
    /// town, 20 vehicle types, tight 0.5, 30% booked) with `groups` groups.
    pub fn standard(groups: u32) -> BatchGenSize {
        BatchGenSize {
            groups,
            nights: 7,
            cities: 6,
            attractions: 48,
            hotels: 60,
            restaurants_per_city: 3,
            vehicle_types: 20,
            tight: 0.5,
            current_share: 0.3,
        }
    }
}

impl Default for BatchGenSize {
    fn default() -> Self {
        BatchGenSize::standard(10)
    }
}

/// Whether a catalog id of a generated batch names reserve inventory (sized so that every
/// group can be planned on it at once): the `{city}-grand` hotels, the `reserve-57` coach and
/// the `{city}-canteen` restaurants.
pub fn is_reserve(id: &str) -> bool {
    id.ends_with("-grand") || id == RESERVE_VEHICLE || id.ends_with("-canteen")
}

/// The id of the reserve coach type.
pub const RESERVE_VEHICLE: &str = "reserve-57";

/// The town of a catalog place, hotel, restaurant or attraction id of a generated batch (the
/// part before the first `-`), e.g. `dli` for `dli-grand`.
pub fn city_of(id: &str) -> &str {
    id.split('-').next().unwrap_or(id)
}

struct City {
    id: &'static str,
    name: &'static str,
    lat: f64,
    lon: f64,
    hub: &'static str,
    sights: [&'static str; 3],
    popularity: f64,
}

/// The road, in order; `ROAD_MINUTES[i]` is the drive from town i to town i + 1.
const ROAD: [City; 8] = [
    City {
        id: "sgl",
        name: "香格里拉",
        lat: 27.83,
        lon: 99.71,
        hub: "迪庆香格里拉机场",
        sights: ["普达措国家公园", "松赞林寺", "独克宗古城"],
        popularity: 1.5,
    },
    City {
        id: "ljg",
        name: "丽江",
        lat: 26.87,
        lon: 100.23,
        hub: "丽江三义机场",
        sights: ["玉龙雪山", "丽江古城", "束河古镇"],
        popularity: 3.0,
    },
    City {
        id: "dli",
        name: "大理",
        lat: 25.61,
        lon: 100.27,
        hub: "大理机场",
        sights: ["洱海", "大理古城", "崇圣寺三塔"],
        popularity: 3.0,
    },
    City {
        id: "cx",
        name: "楚雄",
        lat: 25.04,
        lon: 101.55,
        hub: "楚雄站",
        sights: ["彝人古镇", "元谋土林", "恐龙谷"],
        popularity: 0.5,
    },
    City {
        id: "kmg",
        name: "昆明",
        lat: 25.04,
        lon: 102.71,
        hub: "昆明长水国际机场",
        sights: ["石林", "滇池", "翠湖公园"],
        popularity: 2.5,
    },
    City {
        id: "yx",
        name: "玉溪",
        lat: 24.35,
        lon: 102.54,
        hub: "玉溪站",
        sights: ["抚仙湖", "澄江化石地", "通海秀山"],
        popularity: 0.5,
    },
    City {
        id: "pr",
        name: "普洱",
        lat: 22.78,
        lon: 100.97,
        hub: "普洱思茅机场",
        sights: ["普洱国家公园", "茶马古道", "那柯里"],
        popularity: 1.0,
    },
    City {
        id: "xsb",
        name: "西双版纳",
        lat: 22.0,
        lon: 100.8,
        hub: "西双版纳嘎洒机场",
        sights: ["野象谷", "中科院热带植物园", "告庄西双景"],
        popularity: 2.0,
    },
];
const ROAD_MINUTES: [u32; 7] = [190, 160, 150, 130, 80, 210, 110];
/// Towns taken in this order as `cities` grows (indices into `ROAD`).
const INCLUSION: [usize; 8] = [4, 2, 1, 7, 0, 6, 3, 5];
/// District places where a town's hotels stand.
const DISTRICTS: [(&str, &str); 3] = [("center", "市中心"), ("old", "古城区"), ("lake", "湖畔度假区")];
/// Star ratings of a town's hotels after the grand one.
const STARS: [u32; 12] = [3, 4, 3, 5, 3, 4, 3, 4, 3, 5, 4, 3];
/// Coach sizes of the vehicle types after the reserve, in order (repeating): mostly 41-57-seat
/// coaches (大巴), a few 33-39-seat midibuses (中巴) and 19-seat Coasters. Every pair of types
/// too small alone makes one more minimal fleet for a large group, so the small ones are few.
const SIZES: [u32; 19] = [45, 19, 53, 33, 49, 45, 57, 53, 37, 45, 41, 53, 19, 49, 45, 57, 53, 41, 39];
/// Coach companies (车队).
const SUPPLIERS: [(&str, &str); 5] =
    [("dianxi", "滇西"), ("chuncheng", "春城"), ("caiyun", "彩云"), ("jinma", "金马"), ("hongta", "红塔")];
/// Guides: id, name, day fee, share of the groups.
const GUIDES: [(&str, &str, f64, f64); 3] = [
    ("guide-zh", "中文导游", 450.0, 0.65),
    ("guide-zh-senior", "资深中文导游", 650.0, 0.2),
    ("guide-en", "英文导游", 850.0, 0.15),
];
const AGENCIES: [&str; 8] =
    ["上海华美", "北京康辉", "广州广之旅", "成都春秋", "深圳国旅", "杭州中青", "南京金陵", "武汉旅游"];

fn money(rng: &mut ChaCha8Rng, lo: u32, hi: u32, step: u32) -> f64 {
    (rng.random_range(lo / step..=hi / step) * step) as f64
}

fn round_to(x: f64, step: f64) -> f64 {
    (x / step).round() * step
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

/// One group as the generator sees it before writing it out.
struct Party {
    /// Towns (indices into the chosen towns), in travel order.
    towns: Vec<usize>,
    /// Nominal town of every night.
    night_town: Vec<usize>,
    first: NaiveDate,
    adults: u32,
    children: u32,
    couples: u32,
    singles: u32,
    males: u32,
    females: u32,
    /// Family sizes, one entry per family.
    families: Vec<u32>,
    min_stars: u32,
    guide: usize,
}

impl Party {
    fn pax(&self) -> u32 {
        self.adults + self.children
    }
    fn last(&self, nights: u32) -> NaiveDate {
        self.first + Duration::days(nights as i64)
    }
    /// Twin rooms of the rooming at a reserve hotel: couples, singles, solos two by two.
    fn twin_rooms(&self) -> u32 {
        self.couples + self.singles + self.males.div_ceil(2) + self.females.div_ceil(2)
    }
    fn rooming(&self) -> Vec<RoomingLine> {
        let mut lines = Vec::new();
        let mut sizes: BTreeMap<u32, u32> = BTreeMap::new();
        for &s in &self.families {
            *sizes.entry(s).or_default() += 1;
        }
        for (s, n) in sizes {
            lines.push(RoomingLine { unit: UnitKind::Family, size: Some(s), count: n });
        }
        for (unit, count) in [
            (UnitKind::Couple, self.couples),
            (UnitKind::Male, self.males),
            (UnitKind::Female, self.females),
            (UnitKind::Single, self.singles),
        ] {
            if count > 0 {
                lines.push(RoomingLine { unit, size: None, count });
            }
        }
        lines
    }
}

/// A party of 15-40 pax touring `towns`: families of 3 or 4 (2 adults and their children),
/// couples, one or two travelling alone in a room, the rest solo men and women who share;
/// 3, 4 or 5 stars (20%, 50%, 30%); a guide.
fn party(rng: &mut ChaCha8Rng, towns: Vec<usize>, night_town: Vec<usize>, first: NaiveDate) -> Party {
    let pax: u32 = rng.random_range(15..=40);
    let n_families = rng.random_range(0..=(pax / 12).min(3));
    let families: Vec<u32> = (0..n_families).map(|_| if rng.random_bool(0.5) { 3 } else { 4 }).collect();
    let children: u32 = families.iter().map(|s| s - 2).sum();
    let mut left = pax - families.iter().sum::<u32>();
    let singles = rng.random_range(0..=left.min(2));
    left -= singles;
    let couples = (left as f64 * rng.random_range(0.4..0.8) / 2.0).floor() as u32;
    left -= 2 * couples;
    let males = rng.random_range(0..=left);
    let females = left - males;
    let min_stars = [3, 3, 4, 4, 4, 4, 4, 5, 5, 5][rng.random_range(0..10)];
    let mut g = rng.random_range(0.0..1.0);
    let guide = GUIDES
        .iter()
        .position(|x| {
            g -= x.3;
            g < 0.0
        })
        .unwrap_or(0);
    Party {
        towns,
        night_town,
        first,
        adults: pax - children,
        children,
        couples,
        singles,
        males,
        females,
        families,
        min_stars,
        guide,
    }
}

/// Generates a `batch` job of `size` from `seed`; the same pair always gives the same job.
/// The catalog's places, roads, attractions and prices depend on the seed and the catalog
/// sizes only; the groups, and the capacities sized from them (allotments, `available`
/// counts, canteen seats), on the group count too.
pub fn generate_batch(size: &BatchGenSize, seed: u64) -> serde_json::Value {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    // the catalog, the groups, and the capacities sized from the groups each draw from their own
    // stream, so that the catalog's prices do not depend on the group count
    let mut grng = ChaCha8Rng::seed_from_u64(seed ^ 0x9e37_79b9_7f4a_7c15);
    let mut crng = ChaCha8Rng::seed_from_u64(seed ^ 0x2545_f491_4f6c_dd1d);
    let n_groups = size.groups.clamp(1, 1000) as usize;
    let nights = size.nights.clamp(1, 14);
    let n_towns = size.cities.clamp(2, 8) as usize;
    let tight = if size.tight.is_finite() { size.tight.clamp(0.05, 4.0) } else { 0.5 };
    let mut chosen: Vec<usize> = INCLUSION[..n_towns].to_vec();
    chosen.sort_unstable();
    let towns: Vec<&City> = chosen.iter().map(|&i| &ROAD[i]).collect();
    let season = NaiveDate::from_ymd_opt(2026, 7, 1).expect("date");
    let (june, june_end, aug_end, sept_end) = (
        NaiveDate::from_ymd_opt(2026, 6, 1).expect("date"),
        NaiveDate::from_ymd_opt(2026, 6, 30).expect("date"),
        NaiveDate::from_ymd_opt(2026, 8, 31).expect("date"),
        NaiveDate::from_ymd_opt(2026, 9, 30).expect("date"),
    );

    // ---- the road network: per town a hub (airport or station), districts, sights
    let per_town = |total: u32, t: usize, min: u32| -> u32 {
        let total = total.max(min * n_towns as u32);
        total / n_towns as u32 + u32::from((t as u32) < total % n_towns as u32)
    };
    let hotels_in: Vec<u32> = (0..n_towns).map(|t| per_town(size.hotels, t, 2)).collect();
    let sights_in: Vec<u32> = (0..n_towns).map(|t| per_town(size.attractions, t, 3)).collect();
    let districts_in: Vec<usize> = hotels_in.iter().map(|&h| if h <= 12 { 2 } else { 3 }).collect();
    let mut places = Vec::new();
    let mut legs = Vec::new();
    let mut attractions = Vec::new();
    for (t, town) in towns.iter().enumerate() {
        let (id, name, lat, lon) = (town.id, town.name, town.lat, town.lon);
        places.push(place(format!("{id}-hub"), town.hub.to_string(), lat + 0.12, lon + 0.08));
        for (k, &(d, dname)) in DISTRICTS.iter().take(districts_in[t]).enumerate() {
            let off = 0.02 * k as f64;
            places.push(place(format!("{id}-{d}"), format!("{name}{dname}"), lat + off, lon - off));
            if k > 0 {
                legs.push(leg(&format!("{id}-center"), &format!("{id}-{d}"), rng.random_range(10..=25), 0.0));
            }
        }
        legs.push(leg(&format!("{id}-hub"), &format!("{id}-center"), rng.random_range(20..=45), 15.0));
        if t > 0 {
            let prev = towns[t - 1].id;
            let road: u32 = ROAD_MINUTES[chosen[t - 1]..chosen[t]].iter().sum();
            let minutes = road + rng.random_range(0..=15);
            legs.push(leg(
                &format!("{prev}-center"),
                &format!("{id}-center"),
                minutes,
                round_to(minutes as f64 * 0.6, 1.0),
            ));
        }
        for j in 0..sights_in[t] as usize {
            let sid = format!("{id}-a{j}");
            let famous = j < 3;
            let sname = if famous { town.sights[j].to_string() } else { format!("{name}景点{j}") };
            places.push(place(
                sid.clone(),
                sname.clone(),
                lat + rng.random_range(-0.2..0.2),
                lon + rng.random_range(-0.2..0.2),
            ));
            legs.push(leg(&format!("{id}-center"), &sid, rng.random_range(10..=55), 0.0));
            if j >= 2 {
                legs.push(leg(&format!("{id}-a{}", j - 2), &sid, rng.random_range(10..=40), 0.0));
            }
            // Famous sights open every day all day and never close (groups must see them);
            // the others have their own hours, some a weekly closing day or a closed date.
            let (open, close, weekdays, closed) = if famous {
                (clock(8, 0), clock(18, 0), (1..=7).collect::<Vec<u8>>(), Vec::new())
            } else {
                let open = clock(rng.random_range(8..10), if rng.random_bool(0.5) { 0 } else { 30 });
                let close = clock(rng.random_range(16..19), if rng.random_bool(0.5) { 0 } else { 30 });
                let weekdays: Vec<u8> = if rng.random_bool(0.2) { (2..=7).collect() } else { (1..=7).collect() };
                let closed = if rng.random_bool(0.15) {
                    vec![Date(season + Duration::days(rng.random_range(0..40)))]
                } else {
                    Vec::new()
                };
                (open, close, weekdays, closed)
            };
            let adult = if famous { money(&mut rng, 80, 260, 10) } else { money(&mut rng, 0, 150, 10) };
            let visit_minutes = if famous {
                [90, 120, 150, 180][rng.random_range(0..4)]
            } else {
                [60, 90, 120, 150][rng.random_range(0..4)]
            };
            attractions.push(Attraction {
                id: sid.clone(),
                name: Some(sname),
                place: sid,
                visit_minutes,
                hours: Some(vec![Hours { weekdays, open, close }]),
                closed_dates: closed,
                ticket: Some(Ticket { adult, child: Some(round_to(adult / 2.0, 1.0)) }),
                group_ticket: rng.random_bool(0.4).then(|| GroupTicket {
                    min_pax: [15, 20][rng.random_range(0..2)],
                    adult: Some(round_to(adult * 0.85, 1.0)),
                    child: Some(round_to(adult * 0.4, 1.0)),
                }),
            });
        }
    }

    // ---- the groups
    let window = (n_groups as u32).div_ceil(3).clamp(1, 31) as i64;
    let max_len = 4.min(n_towns).min(nights as usize);
    let min_len = 2.min(max_len);
    let mut products: Vec<(usize, usize, f64)> = Vec::new();
    for len in min_len..=max_len {
        for start in 0..=(n_towns - len) {
            let pop: f64 = towns[start..start + len].iter().map(|c| c.popularity).sum();
            products.push((start, len, pop * if len == 3 { 1.5 } else { 1.0 }));
        }
    }
    let total_weight: f64 = products.iter().map(|p| p.2).sum();
    let mut parties = Vec::with_capacity(n_groups);
    for _ in 0..n_groups {
        let mut pick = grng.random_range(0.0..total_weight);
        let &(start, len, _) = products
            .iter()
            .find(|p| {
                pick -= p.2;
                pick < 0.0
            })
            .unwrap_or(&products[products.len() - 1]);
        let mut route: Vec<usize> = (start..start + len).collect();
        if grng.random_bool(0.5) {
            route.reverse();
        }
        let mut per = vec![nights as usize / len; len];
        for _ in 0..nights as usize % len {
            let k = grng.random_range(0..len);
            per[k] += 1;
        }
        let night_town: Vec<usize> = route.iter().zip(&per).flat_map(|(&t, &n)| std::iter::repeat_n(t, n)).collect();
        let first = season + Duration::days(grng.random_range(0..window));
        parties.push(party(&mut grng, route, night_town, first));
    }
    // Who is where: groups on the road per day, touring a town per night, nominally in it.
    let mut active: BTreeMap<NaiveDate, Vec<usize>> = BTreeMap::new();
    let mut touring: Vec<BTreeMap<NaiveDate, Vec<usize>>> = vec![BTreeMap::new(); n_towns];
    let mut nominal: Vec<BTreeMap<NaiveDate, Vec<usize>>> = vec![BTreeMap::new(); n_towns];
    for (i, p) in parties.iter().enumerate() {
        for d in 0..=nights as i64 {
            let date = p.first + Duration::days(d);
            active.entry(date).or_default().push(i);
            for &t in &p.towns {
                touring[t].entry(date).or_default().push(i);
            }
        }
        for (n, &t) in p.night_town.iter().enumerate() {
            nominal[t].entry(p.first + Duration::days(n as i64)).or_default().push(i);
        }
    }
    let peak = active.values().map(Vec::len).max().unwrap_or(1) as u32;

    // ---- hotels
    let mut hotels = Vec::new();
    let rates = |price: f64, weekend: f64| {
        vec![
            Rate { from: Date(june), to: Date(june_end), price: round_to(price * 0.8, 10.0), weekend_price: None },
            Rate { from: Date(season), to: Date(aug_end), price, weekend_price: Some(round_to(price * weekend, 10.0)) },
            Rate {
                from: Date(aug_end + Duration::days(1)),
                to: Date(sept_end),
                price: round_to(price * 0.8, 10.0),
                weekend_price: None,
            },
        ]
    };
    let allot = |rooms: u32| vec![Allotment { from: Date(june), to: Date(sept_end), rooms }];
    for (t, town) in towns.iter().enumerate() {
        let (id, name) = (town.id, town.name);
        // The reserve: every group touring the town and on the road that night fits.
        let (mut twin, mut family) = (0u32, 0u32);
        for (d, gs) in &touring[t] {
            let on = gs.iter().filter(|&&i| *d < parties[i].last(nights));
            let (tw, fa) =
                on.fold((0, 0), |(a, b), &i| (a + parties[i].twin_rooms(), b + parties[i].families.len() as u32));
            twin = twin.max(tw);
            family = family.max(fa);
        }
        let base = money(&mut rng, 1150, 1450, 10);
        let weekend = rng.random_range(1.1..1.25);
        hotels.push(Hotel {
            id: format!("{id}-grand"),
            name: Some(format!("{name}大酒店(团队保障房)")),
            place: format!("{id}-center"),
            stars: 5,
            rooms: vec![
                RoomType {
                    kind: "twin".into(),
                    sleeps: 2,
                    couple_ok: true,
                    extra_bed: false,
                    rates: rates(base, weekend),
                    allotment: allot((twin.div_ceil(5) * 5).max(20)),
                },
                RoomType {
                    kind: "family".into(),
                    sleeps: 3,
                    couple_ok: true,
                    extra_bed: true,
                    rates: rates(round_to(base * 2.2, 10.0), weekend),
                    allotment: allot(family.max(2) + 2),
                },
            ],
            extra_bed_price: Some(money(&mut rng, 150, 250, 10)),
            foc: None,
        });
        // The good-value hotels: room for about `tight` of the peak's groups in the town, one
        // group at least in each; a group's share of rooms from the town's average group.
        let k = hotels_in[t] as usize - 1;
        let peak_here = nominal[t].values().map(Vec::len).max().unwrap_or(0);
        let slots_total = ((tight * peak_here as f64).ceil() as usize).max(k);
        let mut slots = vec![1u32; k];
        for _ in 0..slots_total - k {
            let h = crng.random_range(0..k);
            slots[h] += 1;
        }
        let here: Vec<&Party> = parties.iter().filter(|p| p.towns.contains(&t)).collect();
        let avg = |f: &dyn Fn(&Party) -> u32| {
            if here.is_empty() {
                8.0
            } else {
                here.iter().map(|p| f(p) as f64).sum::<f64>() / here.len() as f64
            }
        };
        let avg_twin = avg(&|p| p.twin_rooms()).max(4.0);
        let avg_family = avg(&|p| p.families.len() as u32);
        for (j, &slot) in slots.iter().enumerate() {
            let stars = STARS[j % STARS.len()];
            let base = match stars {
                3 => money(&mut rng, 320, 480, 10),
                4 => money(&mut rng, 500, 720, 10),
                _ => money(&mut rng, 780, 1100, 10),
            };
            let weekend = rng.random_range(1.1..1.25);
            let s = slot as f64;
            let twin = (s * avg_twin * crng.random_range(0.7..1.2)).round().max(4.0) as u32;
            let king = (s * crng.random_range(2.0..6.0)).round().max(1.0) as u32;
            let fam = (s * avg_family.max(1.0) * crng.random_range(1.0..2.0)).round().max(2.0) as u32;
            // 3-star hotels (客栈 and budget chains) in the old town, the others in the centre
            // (and by the lake where a town has three districts)
            let district = if stars == 3 {
                1
            } else if districts_in[t] == 3 && j % 4 == 3 {
                2
            } else {
                0
            };
            let (d, dname) = DISTRICTS[district];
            hotels.push(Hotel {
                id: format!("{id}-h{}", j + 1),
                name: Some(format!("{name}{dname}{stars}星酒店{}", j + 1)),
                place: format!("{id}-{d}"),
                stars,
                rooms: vec![
                    RoomType {
                        kind: "twin".into(),
                        sleeps: 2,
                        couple_ok: true,
                        extra_bed: false,
                        rates: rates(base, weekend),
                        allotment: allot(twin),
                    },
                    RoomType {
                        kind: "king".into(),
                        sleeps: 2,
                        couple_ok: true,
                        extra_bed: true,
                        rates: rates(base + money(&mut rng, 40, 80, 10), weekend),
                        allotment: allot(king),
                    },
                    RoomType {
                        kind: "family".into(),
                        sleeps: 3,
                        couple_ok: true,
                        extra_bed: true,
                        rates: rates(round_to(base * 1.45, 10.0), weekend),
                        allotment: allot(fam),
                    },
                ],
                extra_bed_price: Some(money(&mut rng, 80, 200, 10)),
                foc: rng.random_bool(0.6).then_some(Foc { per: 16, free_value: base }),
            });
        }
    }

    // ---- restaurants: the canteen seats every group touring the town that day
    let mut restaurants = Vec::new();
    for (t, town) in towns.iter().enumerate() {
        let (id, name) = (town.id, town.name);
        let covers =
            touring[t].values().map(|gs| gs.iter().map(|&i| parties[i].pax() + 1).sum::<u32>()).max().unwrap_or(0);
        let per = money(&mut rng, 60, 80, 5);
        restaurants.push(Restaurant {
            id: format!("{id}-canteen"),
            name: Some(format!("{name}团餐中心")),
            place: format!("{id}-center"),
            meals: vec!["lunch".into(), "dinner".into()],
            per_pax: per,
            child_per_pax: Some(round_to(per * 0.6, 1.0)),
            seats: Some((covers.div_ceil(10) * 10).max(120)),
            minutes: Some(60),
        });
        for r in 1..size.restaurants_per_city.clamp(1, 6) as usize {
            let at = format!("{id}-a{}", (r * 2 - 1) % sights_in[t] as usize);
            let per = money(&mut rng, 35, 75, 5);
            let meals =
                if rng.random_bool(0.25) { vec!["lunch".into()] } else { vec!["lunch".into(), "dinner".into()] };
            restaurants.push(Restaurant {
                id: format!("{id}-r{r}"),
                name: Some(format!("{name}风味餐厅{r}")),
                place: at,
                meals,
                per_pax: per,
                child_per_pax: Some(round_to(per * 0.6, 1.0)),
                seats: Some(money(&mut rng, 60, 240, 20) as u32),
                minutes: Some(60),
            });
        }
    }

    // ---- vehicles: the reserve coach for every group on the road, companies' coaches tight
    let mut vehicles = vec![Vehicle {
        id: RESERVE_VEHICLE.into(),
        name: Some("57座大巴(备用车队)".into()),
        seats: 57,
        day_rate: money(&mut rng, 2800, 3200, 50),
        km_included: 250.0,
        per_km: 7.0,
        available: Some(peak),
    }];
    let most = (tight * peak as f64 / 4.0).round() as u32;
    let mut offered: BTreeMap<u32, usize> = BTreeMap::new();
    for i in 1..size.vehicle_types.clamp(1, 50) as usize {
        let seats = SIZES[(i - 1) % SIZES.len()];
        // the k-th type of a size comes from the next company (a second fleet of it past five)
        let k = *offered.entry(seats).and_modify(|k| *k += 1).or_insert(0);
        let (sid, sname) = SUPPLIERS[(k + seats as usize) % SUPPLIERS.len()];
        let sid = if k < SUPPLIERS.len() { sid.to_string() } else { format!("{sid}{}", k / SUPPLIERS.len() + 1) };
        let rate = match seats {
            57 => 2600.0,
            53 => 2300.0,
            49 => 2150.0,
            45 => 2000.0,
            41 => 1850.0,
            39 => 1750.0,
            37 => 1700.0,
            33 => 1550.0,
            29 => 1400.0,
            _ => 1100.0,
        };
        vehicles.push(Vehicle {
            id: format!("{sid}-{seats}"),
            name: Some(format!("{sname}车队{seats}座")),
            seats,
            day_rate: round_to(rate * rng.random_range(0.88..1.12), 10.0),
            km_included: money(&mut rng, 200, 300, 50),
            per_km: round_to(rng.random_range(3.5..7.0), 0.5),
            available: Some(1 + crng.random_range(0..=most)),
        });
    }
    let guides: Vec<Guide> = GUIDES
        .iter()
        .enumerate()
        .map(|(k, &(id, name, fee, _))| Guide {
            id: id.into(),
            name: Some(name.into()),
            day_fee: fee,
            available: Some(
                active
                    .values()
                    .map(|gs| gs.iter().filter(|&&i| parties[i].guide == k).count() as u32)
                    .max()
                    .unwrap_or(0)
                    .max(1),
            ),
        })
        .collect();
    let catalog = Catalog {
        currency: Some("CNY".into()),
        places,
        legs,
        attractions,
        hotels,
        vehicles,
        restaurants,
        guides,
        fees: vec![Fee { name: "travel insurance".into(), per_pax_per_day: 10.0, per_pax: 0.0 }],
    };

    // ---- current bookings that fit together: one hotel per town stay, one coach
    let mut room_use: BTreeMap<(usize, usize, NaiveDate), u32> = BTreeMap::new();
    let mut coach_use: BTreeMap<(usize, NaiveDate), u32> = BTreeMap::new();
    let mut groups = Vec::with_capacity(n_groups);
    for (i, p) in parties.iter().enumerate() {
        let current = grng
            .random_bool(size.current_share.clamp(0.0, 1.0))
            .then(|| booking(&catalog, p, &towns, nights, &mut room_use, &mut coach_use, &mut grng));
        groups.push(group_of(i, p, &catalog, &towns, nights, current, &mut grng));
    }
    let job = BatchJob { catalog, groups, change_costs: ChangeCosts { hotel_room_night: 80.0, vehicle: 500.0 } };
    let mut v = serde_json::to_value(&job).expect("a job serialises");
    let obj = v.as_object_mut().expect("object");
    obj.insert("schema".into(), SCHEMA.into());
    obj.insert("kind".into(), "batch".into());
    obj.insert(
        "job_id".into(),
        format!("GEN-BATCH-{n_groups}g-{nights}n-{}h-{}v-{seed}", size.hotels, size.vehicle_types).into(),
    );
    obj.insert("options".into(), serde_json::json!({"time_limit_s": 300, "mip_gap": 0.01}));
    v
}

/// Rooms of the canonical rooming at `hotel` (twin for couples, singles and solos two by two;
/// family rooms for families, an extra bed for a family one larger than the room), if the hotel
/// has those types: (type index, unit lines), extra beds.
fn canonical_rooms(hotel: &Hotel, p: &Party) -> Option<(Vec<(usize, RoomUse)>, u32)> {
    let twin = hotel.rooms.iter().position(|r| r.kind == "twin" && r.sleeps == 2 && r.couple_ok)?;
    let mut out = Vec::new();
    for (unit, count) in [
        (UnitKind::Couple, p.couples),
        (UnitKind::Single, p.singles),
        (UnitKind::Male, p.males.div_ceil(2)),
        (UnitKind::Female, p.females.div_ceil(2)),
    ] {
        if count > 0 {
            out.push((twin, RoomUse { kind: "twin".into(), unit, size: None, count }));
        }
    }
    let mut extra_beds = 0;
    let mut sizes: BTreeMap<u32, u32> = BTreeMap::new();
    for &s in &p.families {
        *sizes.entry(s).or_default() += 1;
    }
    for (s, n) in sizes {
        let fam = hotel.rooms.iter().position(|r| r.sleeps >= s || (r.extra_bed && r.sleeps + 1 == s))?;
        if hotel.rooms[fam].sleeps < s {
            extra_beds += n;
        }
        out.push((
            fam,
            RoomUse { kind: hotel.rooms[fam].kind.clone(), unit: UnitKind::Family, size: Some(s), count: n },
        ));
    }
    Some((out, extra_beds))
}

/// A current booking for party `p` that fits what is left of every allotment and `available`
/// count after the bookings made so far (which it adds to): per stay in a town, a hotel of the
/// town with enough stars (the reserve hotel when no other fits), and one coach (the reserve
/// coach when no other fits).
fn booking(
    c: &Catalog,
    p: &Party,
    towns: &[&City],
    nights: u32,
    room_use: &mut BTreeMap<(usize, usize, NaiveDate), u32>,
    coach_use: &mut BTreeMap<(usize, NaiveDate), u32>,
    rng: &mut ChaCha8Rng,
) -> Booked {
    let mut out = Vec::new();
    let mut n = 0;
    while n < p.night_town.len() {
        let t = p.night_town[n];
        let len = p.night_town[n..].iter().take_while(|&&x| x == t).count();
        let dates: Vec<NaiveDate> = (n..n + len).map(|k| p.first + Duration::days(k as i64)).collect();
        let mut candidates: Vec<usize> = (0..c.hotels.len())
            .filter(|&h| city_of(&c.hotels[h].id) == towns[t].id && c.hotels[h].stars >= p.min_stars)
            .collect();
        // a random good-value hotel first, the reserve last
        for k in (1..candidates.len()).rev() {
            candidates.swap(k, rng.random_range(0..=k));
        }
        candidates.sort_by_key(|&h| is_reserve(&c.hotels[h].id));
        let fits = |h: usize, rooms: &[(usize, RoomUse)], room_use: &BTreeMap<(usize, usize, NaiveDate), u32>| {
            let mut per_type: BTreeMap<usize, u32> = BTreeMap::new();
            for (r, u) in rooms {
                *per_type.entry(*r).or_default() += u.count;
            }
            dates.iter().all(|d| {
                per_type.iter().all(|(&r, &k)| {
                    let cap = c.hotels[h].rooms[r]
                        .allotment
                        .iter()
                        .find(|a| a.from.0 <= *d && *d <= a.to.0)
                        .map_or(0, |a| a.rooms);
                    room_use.get(&(h, r, *d)).copied().unwrap_or(0) + k <= cap
                })
            })
        };
        let chosen = candidates.iter().find_map(|&h| {
            let (rooms, beds) = canonical_rooms(&c.hotels[h], p)?;
            fits(h, &rooms, room_use).then_some((h, rooms, beds))
        });
        if let Some((h, rooms, beds)) = chosen {
            let total: u32 = rooms.iter().map(|(_, u)| u.count).sum();
            let foc = c.hotels[h].foc.as_ref().filter(|f| f.per > 0).map_or(0, |f| total / f.per);
            for d in &dates {
                for (r, u) in &rooms {
                    *room_use.entry((h, *r, *d)).or_default() += u.count;
                }
                out.push(Night {
                    date: Date(*d),
                    hotel: c.hotels[h].id.clone(),
                    rooms: rooms.iter().map(|(_, u)| u.clone()).collect(),
                    extra_beds: beds,
                    foc_rooms: foc,
                });
            }
        }
        n += len;
    }
    let days: Vec<NaiveDate> = (0..=nights as i64).map(|d| p.first + Duration::days(d)).collect();
    let need = p.pax() + 1;
    // the smallest coach that seats the group, from a random company; the reserve last
    let mut coaches: Vec<(bool, u32, u32, usize)> = (0..c.vehicles.len())
        .filter(|&v| c.vehicles[v].seats >= need)
        .map(|v| (c.vehicles[v].id == RESERVE_VEHICLE, c.vehicles[v].seats, rng.random::<u32>(), v))
        .collect();
    coaches.sort_unstable();
    let coach = coaches.into_iter().map(|x| x.3).find(|&v| {
        let cap = c.vehicles[v].available.unwrap_or(u32::MAX);
        days.iter().all(|d| coach_use.get(&(v, *d)).copied().unwrap_or(0) < cap)
    });
    let mut fleet = Vec::new();
    if let Some(v) = coach {
        for d in &days {
            *coach_use.entry((v, *d)).or_default() += 1;
        }
        fleet.push(FleetUse { vehicle: c.vehicles[v].id.clone(), count: 1 });
    }
    Booked { nights: out, fleet }
}

/// The wire form of party `p` (group `G001`...).
fn group_of(
    i: usize,
    p: &Party,
    c: &Catalog,
    towns: &[&City],
    nights: u32,
    current: Option<Booked>,
    rng: &mut ChaCha8Rng,
) -> BatchGroup {
    let first_town = towns[p.towns[0]];
    let last_town = towns[p.towns[p.towns.len() - 1]];
    let last = p.last(nights);
    let at =
        |d: NaiveDate, h: u32, m: u32| DateTime(NaiveDateTime::new(d, NaiveTime::from_hms_opt(h, m, 0).expect("time")));
    let arrive_half_hours = rng.random_range(18..=29); // 09:00 - 14:30
    let depart_half_hours = rng.random_range(28..=40); // 14:00 - 20:00
    let cap = (14 / p.towns.len()).max(3);
    let mut must = Vec::new();
    let mut optional = Vec::new();
    for &t in &p.towns {
        let id = towns[t].id;
        let mut here: Vec<&Attraction> = c.attractions.iter().filter(|a| city_of(&a.id) == id).collect();
        // the famous ones first, then a random choice of the rest
        for k in (3.min(here.len())..here.len()).rev() {
            let j = rng.random_range(3..=k);
            here.swap(k, j);
        }
        let nights_here = p.night_town.iter().filter(|&&x| x == t).count();
        for (j, a) in here.into_iter().take(cap).enumerate() {
            let is_must = (j == 0 && rng.random_bool(0.85)) || (j == 1 && nights_here >= 2 && rng.random_bool(0.35));
            if is_must {
                must.push(a.id.clone());
            } else {
                optional.push(OptionalVisit { attraction: a.id.clone(), value: money(rng, 0, 3000, 100) });
            }
        }
    }
    let mut meals = BTreeMap::new();
    meals.insert("lunch".to_string(), [clock(11, 0), clock(13, 30)]);
    meals.insert("dinner".to_string(), [clock(17, 0), clock(20, 0)]);
    let route: Vec<&str> = p.towns.iter().map(|&t| towns[t].name).collect();
    BatchGroup {
        group_id: format!("G{:03}", i + 1),
        group: Group {
            name: Some(format!(
                "{} {}人 {} {}日",
                AGENCIES[rng.random_range(0..AGENCIES.len())],
                p.pax(),
                route.join("-"),
                nights + 1
            )),
            pax: Pax { adult: p.adults, child: p.children },
            rooming: p.rooming(),
            seats: None,
            meal_covers: None,
        },
        trip: Trip {
            arrive: Arrive {
                place: format!("{}-hub", first_town.id),
                at: at(p.first, arrive_half_hours / 2, 30 * (arrive_half_hours % 2)),
            },
            depart: Depart {
                place: format!("{}-hub", last_town.id),
                at: at(last, depart_half_hours / 2, 30 * (depart_half_hours % 2)),
                buffer_minutes: Some(120),
            },
            day_start: Some(clock(8, 0)),
            day_end: Some(clock(21, 0)),
            max_drive_minutes: Some(420),
            must_visit: must,
            optional,
            meals,
            hotel_min_stars: Some(p.min_stars),
            hotel_change_penalty: Some(money(rng, 100, 300, 50)),
            drive_penalty_per_pax_hour: None,
            budget_per_pax: None,
            guide: Some(GUIDES[p.guide].0.into()),
        },
        pricing: Pricing { markup_pct: Some(rng.random_range(10..=15) as f64), round_to: Some(10.0) },
        current,
    }
}
