//! Nights and fleet: hotel stars, rooming per unit, room types sold, allotments,
//! extra beds, FOC; vehicles available and seats.

use super::Report;
use crate::contract::{Plan, PlanJob, UnitKind};
use chrono::Duration;
use std::collections::BTreeMap;

pub(crate) fn check(job: &PlanJob, plan: &Plan, r: &mut Report) {
    let c = &job.catalog;
    let g = &job.group;
    let first = job.trip.arrive.at.date();
    let min_stars = job.trip.hotel_min_stars.unwrap_or(0);
    let count = |k: UnitKind| g.rooming.iter().filter(|x| x.unit == k).map(|x| x.count).sum::<u32>();
    let mut families: BTreeMap<u32, u32> = BTreeMap::new();
    for x in g.rooming.iter().filter(|x| x.unit == UnitKind::Family) {
        *families.entry(x.size.unwrap_or(1)).or_default() += x.count;
    }
    for (n, night) in plan.nights.iter().enumerate() {
        let date = first + Duration::days(n as i64);
        let label = format!("night of {date}");
        r.expect(night.date.0 == date, "nights", || format!("{label} is dated {}", night.date));
        let Some(hotel) = c.hotels.iter().find(|h| h.id == night.hotel) else {
            r.fail("reference", format!("{label}: hotel {} is not in the catalog", night.hotel));
            continue;
        };
        r.expect(hotel.stars >= min_stars, "hotel_stars", || {
            format!("{label}: {} has {} stars, below {min_stars}", hotel.id, hotel.stars)
        });
        let mut per_type: BTreeMap<&str, u32> = BTreeMap::new();
        let mut by_unit: BTreeMap<(UnitKind, Option<u32>), u32> = BTreeMap::new();
        let mut solo_beds: BTreeMap<UnitKind, u32> = BTreeMap::new();
        let mut extra_beds = 0;
        for u in &night.rooms {
            let Some(rt) = hotel.rooms.iter().find(|x| x.kind == u.kind) else {
                r.fail("reference", format!("{label}: {} has no room type {}", hotel.id, u.kind));
                continue;
            };
            *per_type.entry(rt.kind.as_str()).or_default() += u.count;
            *by_unit.entry((u.unit, if u.unit == UnitKind::Family { u.size } else { None })).or_default() += u.count;
            match u.unit {
                UnitKind::Couple => r.expect(rt.couple_ok && rt.sleeps >= 2, "room_fits", || {
                    format!("{label}: a couple cannot take a {} at {}", rt.kind, hotel.id)
                }),
                UnitKind::Family => {
                    let s = u.size.unwrap_or(0);
                    if rt.sleeps >= s {
                    } else if rt.extra_bed && rt.sleeps + 1 == s {
                        extra_beds += u.count;
                    } else {
                        r.fail(
                            "room_fits",
                            format!("{label}: a family of {s} does not fit a {} at {}", rt.kind, hotel.id),
                        );
                    }
                }
                UnitKind::Male | UnitKind::Female => *solo_beds.entry(u.unit).or_default() += u.count * rt.sleeps,
                UnitKind::Single => {}
            }
            let sold = rt.rates.iter().any(|x| x.from.0 <= date && date <= x.to.0);
            let allot = rt.allotment.iter().find(|x| x.from.0 <= date && date <= x.to.0).map_or(0, |x| x.rooms);
            r.expect(sold && allot > 0, "room_sold", || {
                format!("{label}: {} {} is not sold that night", hotel.id, rt.kind)
            });
        }
        for (kind, used) in &per_type {
            let rt = hotel.rooms.iter().find(|x| x.kind == *kind).expect("found above");
            let allot = rt.allotment.iter().find(|x| x.from.0 <= date && date <= x.to.0).map_or(0, |x| x.rooms);
            r.expect(*used <= allot, "allotment", || {
                format!("{label}: {used} {kind} rooms at {} but the allotment is {allot}", hotel.id)
            });
        }
        for (k, want) in [(UnitKind::Couple, count(UnitKind::Couple)), (UnitKind::Single, count(UnitKind::Single))] {
            let got = by_unit.get(&(k, None)).copied().unwrap_or(0);
            r.expect(got == want, "rooming", || {
                format!("{label}: {got} {} rooms for {want} {} units", k.as_str(), k.as_str())
            });
        }
        for (&size, &want) in &families {
            let got = by_unit.get(&(UnitKind::Family, Some(size))).copied().unwrap_or(0);
            r.expect(got == want, "rooming", || format!("{label}: {got} rooms for {want} families of {size}"));
        }
        for k in [UnitKind::Male, UnitKind::Female] {
            let people = count(k);
            let rooms = by_unit.get(&(k, None)).copied().unwrap_or(0);
            let beds = solo_beds.get(&k).copied().unwrap_or(0);
            r.expect(rooms <= people && beds >= people, "rooming", || {
                format!(
                    "{label}: {people} {} travellers in {rooms} rooms with {beds} beds (none empty, all in a bed)",
                    k.as_str()
                )
            });
        }
        r.expect(night.extra_beds == extra_beds, "extra_beds", || {
            format!("{label}: {} extra beds reported, {extra_beds} needed", night.extra_beds)
        });
        let total: u32 = per_type.values().sum();
        let foc = hotel.foc.as_ref().filter(|f| f.per > 0).map_or(0, |f| total / f.per);
        r.expect(night.foc_rooms == foc, "foc", || {
            format!("{label}: {} FOC rooms reported, {total} rooms earn {foc}", night.foc_rooms)
        });
    }
    let pax = g.pax.adult + g.pax.child;
    // The plan's fleet, and any other fleet a day names (a fleet changed on the way).
    let mut fleets = vec![&plan.fleet];
    for d in &plan.days {
        if let Some(f) = d.fleet.as_ref().filter(|f| !fleets.contains(f)) {
            fleets.push(f);
        }
    }
    for fleet in fleets {
        let mut seats = 0;
        // Counts per vehicle type: a fleet listing a type twice hires the sum of both entries.
        let mut hired: BTreeMap<&str, u32> = BTreeMap::new();
        for f in fleet {
            let Some(v) = c.vehicles.iter().find(|v| v.id == f.vehicle) else {
                r.fail("reference", format!("vehicle {} is not in the catalog", f.vehicle));
                continue;
            };
            *hired.entry(v.id.as_str()).or_default() += f.count;
            seats += f.count * v.seats;
        }
        for (id, count) in hired {
            let v = c.vehicles.iter().find(|v| v.id == id).expect("found above");
            r.expect(v.available.is_none_or(|a| count <= a), "vehicle_available", || {
                format!("{count} x {id} hired but only {:?} available", v.available)
            });
        }
        let need = g.seats.unwrap_or(pax + 1);
        r.expect(seats >= need, "fleet_seats", || format!("the fleet seats {seats}, the group needs {need}"));
    }
}
