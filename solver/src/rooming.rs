//! Rooming for one night at one hotel: which rooms of which type each rooming
//! unit takes, at the least cost after extra beds and FOC.
//!
//! Nights are independent for one group (allotments are per night), so each
//! (night, hotel) is solved once, as a small MILP, and the plan MILP only
//! chooses the hotel.

use crate::contract::{Hotel, UnitKind};
use crate::milp::highs::{solve, Col, MilpOutcome, MilpSettings};
use crate::model::Rooming;
use chrono::{Datelike, NaiveDate, Weekday};
use good_lp::{constraint, variable, Expression, ProblemVariables, SolverModel};

/// A room type's terms on one night.
#[derive(Clone, Debug, PartialEq)]
pub struct RoomTerms {
    /// Index in `hotel.rooms`.
    pub index: usize,
    /// Price this night.
    pub price: f64,
    /// Rooms available this night.
    pub allotment: u32,
}

/// Whether a night (the night beginning on `date`) is a weekend night (Friday or Saturday).
pub fn is_weekend_night(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Fri | Weekday::Sat)
}

/// The room types sold on a night, with their price and allotment (types without a rate or
/// without allotment that night are not sold and are left out).
pub fn terms_on(hotel: &Hotel, date: NaiveDate) -> Vec<RoomTerms> {
    let weekend = is_weekend_night(date);
    hotel
        .rooms
        .iter()
        .enumerate()
        .filter_map(|(index, r)| {
            let rate = r.rates.iter().find(|x| x.from.0 <= date && date <= x.to.0)?;
            let allot = r.allotment.iter().find(|x| x.from.0 <= date && date <= x.to.0)?;
            let price = if weekend { rate.weekend_price.unwrap_or(rate.price) } else { rate.price };
            (allot.rooms > 0).then_some(RoomTerms { index, price, allotment: allot.rooms })
        })
        .collect()
}

/// Rooms of one type taken by one kind of unit.
#[derive(Clone, Debug, PartialEq)]
pub struct RoomTake {
    /// Index in `hotel.rooms`.
    pub room: usize,
    /// Unit kind.
    pub unit: UnitKind,
    /// Family size, for families.
    pub size: Option<u32>,
    /// Rooms.
    pub count: u32,
    /// Extra beds among them.
    pub extra_beds: u32,
}

/// The cheapest rooming of a group at a hotel on a night.
#[derive(Clone, Debug, PartialEq)]
pub struct NightRooming {
    /// Rooms taken.
    pub takes: Vec<RoomTake>,
    /// Rooms booked (paid or FOC).
    pub rooms: u32,
    /// Extra beds.
    pub extra_beds: u32,
    /// Free rooms.
    pub foc_rooms: u32,
    /// Cost after FOC.
    pub cost: f64,
    /// The room terms it was priced at.
    pub terms: Vec<RoomTerms>,
}

/// Why a hotel cannot room the group on a night.
#[derive(Clone, Debug, PartialEq)]
pub enum RoomingFailure {
    /// No room type is sold that night.
    NothingSold,
    /// The allotment cannot take this rooming list.
    NotEnoughRooms,
    /// The MILP failed.
    Solver(String),
}

struct Cols {
    var: Col,
    room: usize,
    unit: UnitKind,
    size: Option<u32>,
    extra_bed: bool,
}

/// Finds the cheapest rooming of `rooming` at `hotel` on the night of `date`.
pub fn best_rooming(hotel: &Hotel, date: NaiveDate, rooming: &Rooming) -> Result<NightRooming, RoomingFailure> {
    best_rooming_keeping(hotel, date, rooming, &[], 0.0)
}

/// The rooming of least cost plus `per_room_night` for each room of `keep` (room index,
/// rooms booked) it no longer uses (re-planning against a confirmed booking). The
/// returned cost is the rooming's cost alone.
pub fn best_rooming_keeping(
    hotel: &Hotel,
    date: NaiveDate,
    rooming: &Rooming,
    keep: &[(usize, u32)],
    per_room_night: f64,
) -> Result<NightRooming, RoomingFailure> {
    best_rooming_charged(hotel, date, rooming, Charges { keep, per_room_night, per_room: &[] })
}

/// What a rooming is charged beyond its rates when it is chosen (not part of its cost).
#[derive(Clone, Copy, Debug, Default)]
pub struct Charges<'a> {
    /// A confirmed booking (room index, rooms booked): each of its rooms no longer used
    /// costs `per_room_night`.
    pub keep: &'a [(usize, u32)],
    /// The charge per booked room given up.
    pub per_room_night: f64,
    /// A price per room of some types (room index, price >= 0): a batch's room prices.
    pub per_room: &'a [(usize, f64)],
}

/// The rooming of least cost plus `charges`; the returned cost is the rooming's cost alone.
pub fn best_rooming_charged(
    hotel: &Hotel,
    date: NaiveDate,
    rooming: &Rooming,
    charges: Charges<'_>,
) -> Result<NightRooming, RoomingFailure> {
    let terms = terms_on(hotel, date);
    if terms.is_empty() {
        return Err(RoomingFailure::NothingSold);
    }
    match crate::rooming_flow::cheapest_takes(hotel, &terms, rooming, charges) {
        Some(found) => found.map(|takes| price_takes(hotel, takes, terms)),
        None => best_rooming_milp(hotel, date, rooming, charges),
    }
}

/// [`best_rooming_charged`] by the rooming MILP alone: where the flow
/// ([`crate::rooming_flow`]) does not answer, and as its reference in tests.
pub fn best_rooming_milp(
    hotel: &Hotel,
    date: NaiveDate,
    rooming: &Rooming,
    charges: Charges<'_>,
) -> Result<NightRooming, RoomingFailure> {
    let Charges { keep, per_room_night, per_room } = charges;
    let terms = terms_on(hotel, date);
    if terms.is_empty() {
        return Err(RoomingFailure::NothingSold);
    }
    let mut vars = ProblemVariables::new();
    let mut cols: Vec<Cols> = Vec::new();
    let mut add =
        |vars: &mut ProblemVariables, room: usize, unit: UnitKind, size: Option<u32>, extra_bed: bool, max: u32| {
            let var = Col::add(vars, variable().integer().min(0).max(max as f64));
            cols.push(Cols { var, room, unit, size, extra_bed });
        };
    for t in &terms {
        let r = &hotel.rooms[t.index];
        let cap = t.allotment;
        if rooming.couples > 0 && r.couple_ok && r.sleeps >= 2 {
            add(&mut vars, t.index, UnitKind::Couple, None, false, cap.min(rooming.couples));
        }
        if rooming.singles > 0 {
            add(&mut vars, t.index, UnitKind::Single, None, false, cap.min(rooming.singles));
        }
        if rooming.males > 0 {
            add(&mut vars, t.index, UnitKind::Male, None, false, cap.min(rooming.males));
        }
        if rooming.females > 0 {
            add(&mut vars, t.index, UnitKind::Female, None, false, cap.min(rooming.females));
        }
        for &(size, count) in &rooming.families {
            if r.sleeps >= size {
                add(&mut vars, t.index, UnitKind::Family, Some(size), false, cap.min(count));
            } else if r.extra_bed && r.sleeps + 1 == size {
                add(&mut vars, t.index, UnitKind::Family, Some(size), true, cap.min(count));
            }
        }
    }
    let foc = hotel.foc.as_ref().filter(|f| f.per > 0 && f.free_value > 0.0);
    let foc_var = foc.map(|_| vars.add(variable().integer().min(0)));
    let extra_bed_price = hotel.extra_bed_price.unwrap_or(0.0);
    let mut objective = Expression::from(0.0);
    let mut all_rooms = Expression::from(0.0);
    for c in &cols {
        let price = terms.iter().find(|t| t.index == c.room).map_or(0.0, |t| t.price)
            + per_room.iter().filter(|p| p.0 == c.room).map(|p| p.1).sum::<f64>();
        objective += (price + if c.extra_bed { extra_bed_price } else { 0.0 }) * c.var.var;
        all_rooms += c.var.var;
    }
    if let (Some(f), Some(q)) = (foc, foc_var) {
        objective -= f.free_value * q;
    }
    // Rooms of a kept booking given up: dropped >= booked - used, each at per_room_night.
    let dropped: Vec<(usize, u32, good_lp::Variable)> = keep
        .iter()
        .filter(|_| per_room_night > 0.0)
        .map(|&(room, booked)| (room, booked, vars.add(variable().min(0.0))))
        .collect();
    for &(_, _, v) in &dropped {
        objective += per_room_night * v;
    }
    let mut problem = vars.minimise(objective).using(good_lp::highs);
    let sum = |pred: &dyn Fn(&Cols) -> bool| -> Expression { cols.iter().filter(|c| pred(c)).map(|c| c.var.var).sum() };
    let weighted = |unit: UnitKind| -> Expression {
        cols.iter().filter(|c| c.unit == unit).map(|c| hotel.rooms[c.room].sleeps as f64 * c.var.var).sum()
    };
    // Every unit has its room(s); solo travellers fill rooms, none empty.
    problem.add_constraint(constraint!(sum(&|c| c.unit == UnitKind::Couple) == rooming.couples as f64));
    problem.add_constraint(constraint!(sum(&|c| c.unit == UnitKind::Single) == rooming.singles as f64));
    for &(size, count) in &rooming.families {
        problem
            .add_constraint(constraint!(sum(&|c| c.unit == UnitKind::Family && c.size == Some(size)) == count as f64));
    }
    for (unit, people) in [(UnitKind::Male, rooming.males), (UnitKind::Female, rooming.females)] {
        problem.add_constraint(constraint!(weighted(unit) >= people as f64));
        problem.add_constraint(constraint!(sum(&|c| c.unit == unit) <= people as f64));
    }
    for t in &terms {
        problem.add_constraint(constraint!(sum(&|c| c.room == t.index) <= t.allotment as f64));
    }
    if let (Some(f), Some(q)) = (foc, foc_var) {
        problem.add_constraint(constraint!(f.per as f64 * q <= all_rooms.clone()));
    }
    for &(room, booked, v) in &dropped {
        problem.add_constraint(constraint!(v + sum(&|c| c.room == room) >= booked as f64));
    }
    let settings = MilpSettings { offset: 0.0, time_limit_s: 10.0, mip_gap: 0.0, presolve: true };
    match solve(problem, settings) {
        MilpOutcome::Solved { values, .. } => {
            let mut takes: Vec<RoomTake> = Vec::new();
            for c in &cols {
                let n = c.var.value(&values).round() as u32;
                if n == 0 {
                    continue;
                }
                takes.push(RoomTake {
                    room: c.room,
                    unit: c.unit,
                    size: c.size,
                    count: n,
                    extra_beds: if c.extra_bed { n } else { 0 },
                });
            }
            Ok(price_takes(hotel, takes, terms))
        }
        MilpOutcome::Infeasible => Err(RoomingFailure::NotEnoughRooms),
        MilpOutcome::NoSolution { .. } => Err(RoomingFailure::Solver("no rooming found in time".into())),
        MilpOutcome::Failed(e) => Err(RoomingFailure::Solver(e)),
    }
}

/// Prices a set of room takes exactly (the MILP's floating-point objective is not reused).
pub fn price_takes(hotel: &Hotel, takes: Vec<RoomTake>, terms: Vec<RoomTerms>) -> NightRooming {
    let rooms: u32 = takes.iter().map(|t| t.count).sum();
    let extra_beds: u32 = takes.iter().map(|t| t.extra_beds).sum();
    let foc_rooms = hotel.foc.as_ref().filter(|f| f.per > 0).map_or(0, |f| rooms / f.per);
    let paid: f64 =
        takes.iter().map(|t| t.count as f64 * terms.iter().find(|x| x.index == t.room).map_or(0.0, |x| x.price)).sum();
    let cost = paid + extra_beds as f64 * hotel.extra_bed_price.unwrap_or(0.0)
        - foc_rooms as f64 * hotel.foc.as_ref().map_or(0.0, |f| f.free_value);
    NightRooming { takes, rooms, extra_beds, foc_rooms, cost, terms }
}
