//! The fleet (全程用车): which vehicles the group hires for the whole trip.
//!
//! Every fleet that seats the group and from which no vehicle can be removed
//! is enumerated; any other fleet costs more for the same plan (every cost of
//! a vehicle is non-negative), so the optimum uses one of these.

use crate::model::VehicleOption;

/// A count per vehicle type.
#[derive(Clone, Debug, PartialEq)]
pub struct Fleet {
    /// (index into the model's vehicles, count), counts > 0, in vehicle order.
    pub counts: Vec<(usize, u32)>,
    /// Total seats.
    pub seats: u32,
}

impl Fleet {
    /// Vehicles in the fleet.
    pub fn vehicles(&self) -> u32 {
        self.counts.iter().map(|&(_, n)| n).sum()
    }

    /// Day rates of the whole fleet for one day.
    pub fn day_rate(&self, vehicles: &[VehicleOption]) -> f64 {
        self.counts.iter().map(|&(v, n)| n as f64 * vehicles[v].day_rate).sum()
    }

    /// What a day of `km` and `toll` (per vehicle) costs the fleet beyond its day rates.
    pub fn distance_cost(&self, vehicles: &[VehicleOption], km: f64, toll: f64) -> f64 {
        self.counts
            .iter()
            .map(|&(v, n)| {
                let o = &vehicles[v];
                n as f64 * (o.per_km * (km - o.km_included).max(0.0) + toll)
            })
            .sum()
    }
}

/// Every minimal fleet seating `seats`, cheapest day rate first (ties in enumeration order);
/// at most `cap` of them.
pub fn minimal_fleets(vehicles: &[VehicleOption], seats: u32, cap: usize) -> Vec<Fleet> {
    let mut out = Vec::new();
    let mut counts = vec![0u32; vehicles.len()];
    // Seats the vehicles from k on can add at most (u64::MAX = unlimited), to cut hopeless branches.
    let mut reach = vec![0u64; vehicles.len() + 1];
    for k in (0..vehicles.len()).rev() {
        let v = &vehicles[k];
        let here = v.available.map_or(u64::MAX, |a| a as u64 * v.seats as u64);
        reach[k] = reach[k + 1].saturating_add(here);
    }
    enumerate(vehicles, seats, 0, &mut counts, &mut out, cap, &reach);
    out.sort_by(|a, b| a.day_rate(vehicles).total_cmp(&b.day_rate(vehicles)));
    out
}

fn enumerate(
    vehicles: &[VehicleOption],
    need: u32,
    k: usize,
    counts: &mut [u32],
    out: &mut Vec<Fleet>,
    cap: usize,
    reach: &[u64],
) {
    if out.len() >= cap {
        return;
    }
    let seats: u64 = counts.iter().zip(vehicles).map(|(&n, v)| n as u64 * v.seats as u64).sum();
    let need64 = need as u64;
    if seats.saturating_add(reach[k]) < need64 {
        return; // the remaining vehicles cannot seat the group
    }
    if k == vehicles.len() {
        if seats < need64 {
            return;
        }
        let smallest = counts.iter().zip(vehicles).filter(|(&n, _)| n > 0).map(|(_, v)| v.seats as u64).min();
        if smallest.is_some_and(|s| seats - s >= need64) {
            return; // a vehicle could go: not minimal
        }
        out.push(Fleet {
            counts: counts.iter().enumerate().filter(|(_, &n)| n > 0).map(|(i, &n)| (i, n)).collect(),
            seats: seats.min(u32::MAX as u64) as u32,
        });
        return;
    }
    let v = &vehicles[k];
    let most_useful = if v.seats == 0 { 0 } else { need.div_ceil(v.seats) };
    // Once the group is seated, any further vehicle could be removed again: not minimal.
    let most_useful = if seats >= need64 { 0 } else { most_useful };
    let max = v.available.map_or(most_useful, |a| a.min(most_useful));
    for n in 0..=max {
        counts[k] = n;
        enumerate(vehicles, need, k + 1, counts, out, cap, reach);
    }
    counts[k] = 0;
}
