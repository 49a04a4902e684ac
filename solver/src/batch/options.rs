//! Rooming options of one group at one hotel on one night, for shared allotments.
//!
//! Alone, a group takes the cheapest rooming ([`best_rooming`]). When groups compete for a
//! room type, a group may have to take a dearer rooming that uses fewer rooms of it. The
//! options are found by a search over per-type caps: the cheapest rooming under the
//! allotment, then, for each contested type it uses `u` rooms of, the cheapest rooming
//! with that type capped at `u - 1`, and so on. Run to the end, the search finds, for
//! every cap vector, the cheapest rooming within it (if the cheapest rooming under the
//! full allotment fits a cap, it is the cheapest within the cap; otherwise it breaks the
//! cap on some type, and the child that caps that type covers the cap vector), so the
//! joint model choosing among the options is exact for the room counts.

use crate::contract::{Allotment, Date, Hotel};
use crate::model::Rooming;
use crate::rooming::{best_rooming, terms_on, NightRooming};
use chrono::NaiveDate;
use std::collections::{BTreeSet, VecDeque};

/// Most cheapest-rooming solves per (hotel, night, rooming list); beyond it the options
/// found so far are kept and the result is not proven exact. Measured on the 10-group
/// batch: 43 of 1890 cases stop short at 64 (the largest complete search took 107 solves),
/// but 256 made every group's options longer, and at 300 groups the batch took the peak
/// memory to 2.30 GB and planned fewer groups.
pub const MAX_OPTION_SOLVES: usize = 64;

/// Rooms of each room type (index into `hotel.rooms`) a rooming books.
pub fn rooms_by_type(r: &NightRooming) -> Vec<(usize, u32)> {
    let mut out: Vec<(usize, u32)> = Vec::new();
    for t in &r.takes {
        match out.iter_mut().find(|(room, _)| *room == t.room) {
            Some(e) => e.1 += t.count,
            None => out.push((t.room, t.count)),
        }
    }
    out.sort_unstable();
    out
}

/// The rooming options of `rooming` at `hotel` on the night of `date`, branching only on
/// the room types in `contested` (indices into `hotel.rooms`); cheapest first. The flag is
/// true when the search ran to the end (the options are complete).
pub fn rooming_options(
    hotel: &Hotel,
    date: NaiveDate,
    rooming: &Rooming,
    contested: &[usize],
) -> (Vec<NightRooming>, bool) {
    let terms = terms_on(hotel, date);
    let full: Vec<(usize, u32)> = terms.iter().map(|t| (t.index, t.allotment)).collect();
    let mut seen: BTreeSet<Vec<(usize, u32)>> = BTreeSet::new();
    let mut queue: VecDeque<Vec<(usize, u32)>> = VecDeque::from([full.clone()]);
    seen.insert(full);
    let mut options: Vec<NightRooming> = Vec::new();
    let mut solves = 0;
    while let Some(caps) = queue.pop_front() {
        if solves >= MAX_OPTION_SOLVES {
            return (sorted(options), false);
        }
        solves += 1;
        let mut capped = hotel.clone();
        for &(index, cap) in &caps {
            capped.rooms[index].allotment = vec![Allotment { from: Date(date), to: Date(date), rooms: cap }];
        }
        let Ok(mut r) = best_rooming(&capped, date, rooming) else { continue };
        r.terms = terms_on(hotel, date);
        let used = rooms_by_type(&r);
        for &(room, n) in &used {
            if !contested.contains(&room) {
                continue;
            }
            let child: Vec<(usize, u32)> =
                caps.iter().map(|&(i, c)| if i == room { (i, n.saturating_sub(1).min(c)) } else { (i, c) }).collect();
            if seen.insert(child.clone()) {
                queue.push_back(child);
            }
        }
        if !options.iter().any(|o| o.takes == r.takes) {
            options.push(r);
        }
    }
    (sorted(options), true)
}

fn sorted(mut options: Vec<NightRooming>) -> Vec<NightRooming> {
    options.sort_by(|a, b| a.cost.total_cmp(&b.cost));
    options
}
