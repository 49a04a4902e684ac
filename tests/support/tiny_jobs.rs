//! A seeded generator of tiny, realistic-looking `plan` jobs (contract v1).
//!
//! The jobs are small enough for the exhaustive oracle (`oracle.rs`) to solve
//! in well under a second: 2-3 days in July 2026, at most 4 candidate
//! attractions, 3 hotels of 1-2 room types, 3 restaurants, 2 vehicle types
//! and 8 pax. They are built to exercise every plan rule: one-way and
//! two-way legs, weekday-specific hours and split sessions, closed dates
//! inside the trip, group tickets, seasonal and weekend rates, binding
//! allotments, extra beds, FOC with a small `per`, optional attractions with
//! values, budgets, drive limits and hotel-change penalties. Some seeds are
//! infeasible on purpose; the same seed always gives the same job.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::{json, Value};

/// A place of the Guilin / Yangshuo area: id, name, lat, lon, and the
/// attraction found there, if any (id, name).
type Site = (&'static str, &'static str, f64, f64, Option<(&'static str, &'static str)>);

const AIRPORT: Site = ("KWL", "桂林两江国际机场", 25.2181, 110.0392, None);

const SITES: [Site; 8] = [
    ("gl-center", "桂林市中心(正阳步行街)", 25.2790, 110.2950, None),
    ("gl-elephant", "象鼻山", 25.2680, 110.2990, Some(("elephant-hill", "象鼻山公园"))),
    ("gl-reed-flute", "芦笛岩", 25.3190, 110.2580, Some(("reed-flute-cave", "芦笛岩"))),
    ("gl-seven-star", "七星公园", 25.2750, 110.3150, Some(("seven-star-park", "七星景区"))),
    ("gl-two-rivers", "两江四湖", 25.2850, 110.2880, Some(("two-rivers-cruise", "两江四湖游船"))),
    ("ys-west-street", "阳朔西街", 24.7780, 110.4920, Some(("west-street", "阳朔西街"))),
    ("ys-yulong", "遇龙河", 24.7660, 110.4300, Some(("yulong-rafting", "遇龙河竹筏漂流"))),
    ("gl-longji", "龙脊梯田", 25.7560, 110.1150, Some(("longji-terraces", "龙脊梯田"))),
];

const HOTEL_NAMES: [&str; 6] =
    ["桂林香格里拉大酒店", "桂林漓江大瀑布饭店", "阳朔悦榕庄", "桂林宾馆", "如家精选酒店", "桂林喜来登酒店"];

const RESTAURANT_NAMES: [&str; 5] = ["椿记烧鹅", "谢三姐啤酒鱼", "小南国", "米粉王", "漓江渔家菜"];

/// Builds the tiny `plan` job of a seed (job id `TINY-<seed>`).
pub fn tiny_job(seed: u64) -> Value {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let rng = &mut rng;

    // --- Trip dates -------------------------------------------------------
    let days: u32 = rng.random_range(2..=3);
    let first: u32 = rng.random_range(1..=31 - (days - 1));
    let dates: Vec<String> = (0..days).map(|i| july(first + i)).collect();
    let nights: Vec<u32> = (0..days - 1).map(|i| first + i).collect();

    // --- Places and legs --------------------------------------------------
    // The airport and the city centre, then 3-5 more sites, each joined by a
    // two-way road to the nearest site already on the map (a connected
    // network), plus a few short cuts that are often one-way.
    let n_sites: usize = rng.random_range(3..=5);
    let mut others: Vec<Site> = SITES[1..].to_vec();
    shuffle(rng, &mut others);
    let mut sites: Vec<Site> = vec![AIRPORT, SITES[0]];
    sites.extend(others.into_iter().take(n_sites));
    let places: Vec<Value> = sites.iter().map(|s| json!({"id": s.0, "name": s.1, "lat": s.2, "lon": s.3})).collect();
    let mut legs = Vec::new();
    let mut linked: Vec<(usize, usize)> = Vec::new();
    for i in 1..sites.len() {
        let j = (0..i)
            .min_by(|&a, &b| distance(&sites[a], &sites[i]).total_cmp(&distance(&sites[b], &sites[i])))
            .unwrap_or(0);
        let j = if i == 1 { 0 } else { j };
        legs.push(leg(rng, &sites[j], &sites[i], true));
        linked.push((j, i));
    }
    for _ in 0..rng.random_range(1..=3) {
        let a = rng.random_range(0..sites.len());
        let b = rng.random_range(0..sites.len());
        if a == b || linked.contains(&(a, b)) || linked.contains(&(b, a)) {
            continue;
        }
        let both = rng.random_bool(0.4);
        legs.push(leg(rng, &sites[a], &sites[b], both));
        linked.push((a, b));
    }

    // --- The group --------------------------------------------------------
    let pax: u32 = rng.random_range(2..=8);
    let children: u32 = if pax >= 3 { rng.random_range(0..=2) } else { 0 };
    let adults = pax - children;
    let (rooming, family_size) = rooming_list(rng, pax, children);
    let mut group = json!({
        "name": format!("tiny group {seed} {pax}人"),
        "pax": {"adult": adults, "child": children},
        "rooming": rooming,
    });
    if rng.random_bool(0.3) {
        group["seats"] = json!(pax + rng.random_range(1..=2));
    }
    if rng.random_bool(0.3) {
        group["meal_covers"] = json!(pax + rng.random_range(0..=1));
    }

    // --- Attractions --------------------------------------------------------
    let with_attraction: Vec<&Site> = sites.iter().filter(|s| s.4.is_some()).collect();
    let mut attractions = Vec::new();
    for site in with_attraction.iter().take(4) {
        attractions.push(attraction(rng, site, &dates, pax));
    }
    let ids: Vec<String> = attractions.iter().map(|a| a["id"].as_str().unwrap_or_default().to_string()).collect();
    let n_must = if ids.is_empty() { 0 } else { rng.random_range(1..=ids.len().min(2)) };
    let must_visit: Vec<&String> = ids.iter().take(n_must).collect();
    let optional: Vec<Value> =
        ids.iter().skip(n_must).map(|id| json!({"attraction": id, "value": 50 * rng.random_range(0..=8)})).collect();

    // --- Hotels -----------------------------------------------------------
    let n_hotels = rng.random_range(2..=3);
    let mut hotels = Vec::new();
    let mut names = HOTEL_NAMES.to_vec();
    shuffle(rng, &mut names);
    for (h, name) in names.iter().take(n_hotels).enumerate() {
        let place = sites[rng.random_range(1..sites.len())].0;
        hotels.push(hotel(rng, h, name, place, &nights));
    }
    // Every family must fit some room: give the first hotel a room for it.
    if let Some(size) = family_size {
        let fits = hotels.iter().any(|h| {
            h["rooms"].as_array().is_some_and(|rooms| {
                rooms.iter().any(|r| {
                    let sleeps = r["sleeps"].as_u64().unwrap_or(0) as u32;
                    sleeps >= size || (sleeps + 1 == size && r["extra_bed"] == json!(true))
                })
            })
        });
        if !fits {
            // Turn the last room type of the first hotel into a family room.
            let rooms = hotels[0]["rooms"].as_array_mut().expect("rooms");
            let last = rooms.len() - 1;
            rooms[last]["type"] = json!("family");
            rooms[last]["sleeps"] = json!(size.max(4) - 1);
            rooms[last]["extra_bed"] = json!(true);
            rooms[last]["couple_ok"] = json!(true);
        }
    }

    // --- Vehicles, restaurants, guides, fees ----------------------------------
    let vehicles = fleet_types(rng);
    let restaurants = restaurants(rng, &sites);
    let guides = json!([
        {"id": "guide-zh", "name": "中文导游", "day_fee": 50 * rng.random_range(6..=10), "available": 1},
        {"id": "guide-en", "name": "英文导游", "day_fee": 50 * rng.random_range(10..=14)}
    ]);
    let mut fees = vec![json!({"name": "旅游意外险", "per_pax_per_day": rng.random_range(5..=15)})];
    if rng.random_bool(0.5) {
        fees.push(json!({"name": "旅行社服务费", "per_pax": 10 * rng.random_range(1..=5)}));
    }

    // --- The trip ---------------------------------------------------------
    let arrive_at = format!("{}T{}", dates[0], hm(rng.random_range(16..=28) * 30));
    let depart_at = format!("{}T{}", dates[dates.len() - 1], hm(rng.random_range(28..=40) * 30));
    let mut trip = json!({
        "arrive": {"place": "KWL", "at": arrive_at},
        "depart": {"place": "KWL", "at": depart_at, "buffer_minutes": 30 * rng.random_range(0..=4)},
        "must_visit": must_visit,
        "optional": optional,
        "meals": {"lunch": ["11:00", "13:30"], "dinner": ["17:00", "19:30"]},
    });
    if rng.random_bool(0.5) {
        trip["day_start"] = json!(hm(rng.random_range(15..=18) * 30));
    }
    if rng.random_bool(0.5) {
        trip["day_end"] = json!(hm(rng.random_range(40..=44) * 30));
    }
    if rng.random_bool(0.4) {
        trip["max_drive_minutes"] = json!(30 * rng.random_range(4..=9));
    }
    if rng.random_bool(0.4) {
        trip["hotel_change_penalty"] = json!(100 * rng.random_range(1..=5));
    }
    if rng.random_bool(0.5) {
        trip["drive_penalty_per_pax_hour"] = json!(10 * rng.random_range(0..=4));
    }
    if rng.random_bool(0.3) {
        trip["hotel_min_stars"] = json!(4);
    }
    if rng.random_bool(0.3) {
        trip["budget_per_pax"] = json!(50 * rng.random_range(12..=20) * days);
    }
    if rng.random_bool(0.4) {
        trip["guide"] = json!(if rng.random_bool(0.7) { "guide-zh" } else { "guide-en" });
    }

    json!({
        "schema": "jidiao/v1",
        "kind": "plan",
        "job_id": format!("TINY-{seed}"),
        "catalog": {
            "currency": "CNY",
            "places": places,
            "legs": legs,
            "attractions": attractions,
            "hotels": hotels,
            "vehicles": vehicles,
            "restaurants": restaurants,
            "guides": guides,
            "fees": fees,
        },
        "options": {"time_limit_s": 30, "mip_gap": 0.0, "alternatives": 0},
        "group": group,
        "trip": trip,
        "pricing": {"markup_pct": 5 * rng.random_range(0..=3), "round_to": 10},
    })
}

/// "2026-07-DD".
fn july(day: u32) -> String {
    format!("2026-07-{day:02}")
}

/// Minutes after midnight as "HH:MM".
fn hm(minutes: u32) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// Fisher–Yates shuffle driven by the job's own generator.
fn shuffle<T>(rng: &mut ChaCha8Rng, items: &mut [T]) {
    for i in (1..items.len()).rev() {
        let j = rng.random_range(0..=i);
        items.swap(i, j);
    }
}

/// Straight-line distance between two sites in km (flat-earth, fine here).
fn distance(a: &Site, b: &Site) -> f64 {
    let dy = (a.2 - b.2) * 111.0;
    let dx = (a.3 - b.3) * 101.0;
    (dx * dx + dy * dy).sqrt()
}

/// A road leg between two sites, timed from their distance.
fn leg(rng: &mut ChaCha8Rng, a: &Site, b: &Site, both_ways: bool) -> Value {
    let straight = distance(a, b);
    let km = ((straight * rng.random_range(1.2..1.6) + 1.0) * 10.0).round() / 10.0;
    let minutes = (km * rng.random_range(0.9..1.5) + 4.0).round() as u32;
    let toll = if km > 25.0 && rng.random_bool(0.7) { 5 * rng.random_range(1..=8) } else { 0 };
    json!({"from": a.0, "to": b.0, "minutes": minutes, "km": km, "toll": toll, "both_ways": both_ways})
}

/// The rooming list for `pax` travellers and the family size used, if any.
fn rooming_list(rng: &mut ChaCha8Rng, pax: u32, children: u32) -> (Vec<Value>, Option<u32>) {
    let mut units = Vec::new();
    let mut left = pax;
    let mut family_size = None;
    if children > 0 && left >= 3 && rng.random_bool(0.8) {
        let size = if left >= 4 && children == 2 && rng.random_bool(0.4) { 4 } else { 3 };
        units.push(json!({"unit": "family", "size": size, "count": 1}));
        family_size = Some(size);
        left -= size;
    }
    let couples = rng.random_range(0..=left / 2);
    if couples > 0 {
        units.push(json!({"unit": "couple", "count": couples}));
        left -= 2 * couples;
    }
    let males = rng.random_range(0..=left);
    left -= males;
    let females = rng.random_range(0..=left);
    left -= females;
    for (unit, n) in [("male", males), ("female", females), ("single", left)] {
        if n > 0 {
            units.push(json!({"unit": unit, "count": n}));
        }
    }
    (units, family_size)
}

/// An attraction at a site, with hours, closed dates and tickets.
fn attraction(rng: &mut ChaCha8Rng, site: &Site, dates: &[String], pax: u32) -> Value {
    let (id, name) = site.4.unwrap_or(("attraction", "景点"));
    let hours = match rng.random_range(0..5) {
        0 => json!([{"weekdays": [1, 2, 3, 4, 5, 6, 7], "open": "08:30", "close": "17:30"}]),
        1 => json!([{"weekdays": [2, 3, 4, 5, 6, 7], "open": "09:00", "close": "17:00"}]),
        2 => json!([
            {"weekdays": [1, 2, 3, 4, 5, 6, 7], "open": "08:00", "close": "12:00"},
            {"weekdays": [1, 2, 3, 4, 5, 6, 7], "open": "14:00", "close": "18:00"}
        ]),
        3 => json!([
            {"weekdays": [1, 2, 3, 4, 5], "open": "09:00", "close": "16:30"},
            {"weekdays": [6, 7], "open": "08:00", "close": "19:00"}
        ]),
        _ => json!([{"weekdays": [1, 2, 3, 4, 5, 6, 7], "open": "15:00", "close": "22:00"}]),
    };
    let closed: Vec<&String> =
        if rng.random_bool(0.3) { vec![&dates[rng.random_range(0..dates.len())]] } else { Vec::new() };
    let adult = 5 * rng.random_range(0..=36);
    let mut ticket = json!({"adult": adult});
    if rng.random_bool(0.7) {
        ticket["child"] = json!(f64::from(adult) / 2.0);
    }
    let mut a = json!({
        "id": id,
        "name": name,
        "place": site.0,
        "visit_minutes": 30 * rng.random_range(2..=6),
        "hours": hours,
        "closed_dates": closed,
        "ticket": ticket,
    });
    if adult > 0 && rng.random_bool(0.35) {
        let min_pax = rng.random_range(pax.saturating_sub(2).max(2)..=pax + 2);
        let group_adult = adult * 4 / 5;
        a["group_ticket"] = json!({"min_pax": min_pax, "adult": group_adult, "child": f64::from(group_adult) / 2.0});
    }
    a
}

/// A hotel with 1-2 room types, seasonal and weekend rates, allotments,
/// extra beds and (often) FOC with a small `per`.
fn hotel(rng: &mut ChaCha8Rng, h: usize, name: &str, place: &str, nights: &[u32]) -> Value {
    let stars = rng.random_range(3..=5);
    let base = 60 * stars + 10 * rng.random_range(0..=20);
    let kinds =
        [("twin", 2, true), ("king", 2, true), ("twin-nc", 2, false), ("triple", 3, false), ("family", 4, true)];
    let n_types = rng.random_range(1..=2);
    let mut rooms = Vec::new();
    let mut used = Vec::new();
    while rooms.len() < n_types {
        let k = if rooms.is_empty() { rng.random_range(0..3) } else { rng.random_range(0..kinds.len()) };
        if used.contains(&k) {
            continue;
        }
        used.push(k);
        let (kind, sleeps, couple_ok) = kinds[k];
        let price = base + 40 * (sleeps - 2) * rng.random_range(1..=3) + 10 * rng.random_range(0..=5);
        let peak = price + 10 * rng.random_range(0..=10);
        // Friday and Saturday nights often cost more.
        let weekend = |p: u32, rng: &mut ChaCha8Rng| rng.random_bool(0.6).then(|| p + 10 * rng.random_range(2..=12));
        let mut early = json!({"from": "2026-06-01", "to": "2026-07-14", "price": price});
        let mut late = json!({"from": "2026-07-15", "to": "2026-08-31", "price": peak});
        if let Some(w) = weekend(price, rng) {
            early["weekend_price"] = json!(w);
        }
        if let Some(w) = weekend(peak, rng) {
            late["weekend_price"] = json!(w);
        }
        let rooms_sold = rng.random_range(1..=5);
        let mut allotment = vec![json!({"from": "2026-07-01", "to": "2026-07-31", "rooms": rooms_sold})];
        if rng.random_bool(0.15) {
            // Sold out on one trip night: the allotment skips it.
            let night = nights[rng.random_range(0..nights.len())];
            allotment = [(1, night - 1), (night + 1, 31)]
                .iter()
                .filter(|r| r.0 <= r.1)
                .map(|r| json!({"from": july(r.0), "to": july(r.1), "rooms": rooms_sold}))
                .collect();
        }
        rooms.push(json!({
            "type": kind,
            "sleeps": sleeps,
            "couple_ok": couple_ok,
            "extra_bed": rng.random_bool(0.5),
            "rates": [early, late],
            "allotment": allotment,
        }));
    }
    let mut hotel = json!({
        "id": format!("hotel-{}", h + 1),
        "name": name,
        "place": place,
        "stars": stars,
        "rooms": rooms,
    });
    if rng.random_bool(0.7) {
        hotel["extra_bed_price"] = json!(10 * rng.random_range(5..=20));
    }
    if rng.random_bool(0.6) {
        hotel["foc"] = json!({"per": rng.random_range(2..=4), "free_value": 10 * rng.random_range(10..=40)});
    }
    hotel
}

/// 1-2 vehicle types from a small rental list.
fn fleet_types(rng: &mut ChaCha8Rng) -> Vec<Value> {
    let all = [
        ("car-5", "5座轿车", 4, 450, 100, 2.0),
        ("mpv-7", "7座别克GL8", 6, 700, 150, 3.5),
        ("van-9", "9座商务车", 8, 900, 200, 4.0),
        ("bus-19", "19座中巴", 18, 1300, 250, 5.5),
    ];
    let first = rng.random_range(0..all.len());
    let mut picked = vec![first];
    if rng.random_bool(0.6) {
        let second = rng.random_range(0..all.len());
        if second != first {
            picked.push(second);
        }
    }
    picked
        .iter()
        .map(|&i| {
            let (id, name, seats, rate, included, per_km) = all[i];
            let mut v = json!({
                "id": id,
                "name": name,
                "seats": seats,
                "day_rate": rate + 50 * rng.random_range(0..=4),
                "km_included": included,
                "per_km": per_km,
            });
            if rng.random_bool(0.5) {
                v["available"] = json!(rng.random_range(1..=2));
            }
            v
        })
        .collect()
}

/// 1-3 restaurants; lunch and dinner are each served somewhere.
fn restaurants(rng: &mut ChaCha8Rng, sites: &[Site]) -> Vec<Value> {
    let n = rng.random_range(1..=3);
    let mut serves: Vec<(bool, bool)> = (0..n)
        .map(|_| match rng.random_range(0..3) {
            0 => (true, true),
            1 => (true, false),
            _ => (false, true),
        })
        .collect();
    if !serves.iter().any(|s| s.0) {
        serves[0].0 = true;
    }
    if !serves.iter().any(|s| s.1) {
        serves[n - 1].1 = true;
    }
    serves
        .iter()
        .enumerate()
        .map(|(i, &(lunch, dinner))| {
            let meals: Vec<&str> = [("lunch", lunch), ("dinner", dinner)].iter().filter(|m| m.1).map(|m| m.0).collect();
            let per_pax = 5 * rng.random_range(6..=30);
            let mut r = json!({
                "id": format!("rest-{}", i + 1),
                "name": RESTAURANT_NAMES[i],
                // The first one is downtown, the others anywhere but the airport.
                "place": if i == 0 { sites[1].0 } else { sites[rng.random_range(1..sites.len())].0 },
                "meals": meals,
                "per_pax": per_pax,
                "seats": if rng.random_bool(0.1) { 6 } else { 80 },
            });
            if rng.random_bool(0.5) {
                r["child_per_pax"] = json!(per_pax / 2);
            }
            if rng.random_bool(0.6) {
                r["minutes"] = json!(30 * rng.random_range(1..=3));
            }
            r
        })
        .collect()
}
