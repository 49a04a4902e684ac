//! Applying relaxations ([`RelaxOp`]) to a plan job, so that a diagnosis can
//! be verified (and a caller can act on it) mechanically.

use crate::contract::{Allotment, Date, PlanJob, RelaxOp};
use chrono::Duration;

/// Applies every op to the job, in order. An op naming something the job does not have
/// (an unknown hotel, room type, vehicle, restaurant) is an error and leaves the job as the
/// earlier ops made it.
pub fn apply_relaxation(job: &mut PlanJob, ops: &[RelaxOp]) -> Result<(), String> {
    for op in ops {
        apply_op(job, op)?;
    }
    Ok(())
}

fn apply_op(job: &mut PlanJob, op: &RelaxOp) -> Result<(), String> {
    let t = &mut job.trip;
    match op {
        RelaxOp::SetBudgetPerPax { value } => t.budget_per_pax = Some(*value),
        RelaxOp::SetMaxDriveMinutes { value } => t.max_drive_minutes = Some(*value),
        RelaxOp::DropMustVisit { attraction } => t.must_visit.retain(|a| a != attraction),
        RelaxOp::SetHotelMinStars { value } => t.hotel_min_stars = Some(*value),
        RelaxOp::DropMeal { meal } => {
            t.meals.remove(meal);
        }
        RelaxOp::SetDayEnd { value } => t.day_end = Some(*value),
        RelaxOp::SetVehicleAvailable { vehicle, value } => {
            let v = job
                .catalog
                .vehicles
                .iter_mut()
                .find(|v| &v.id == vehicle)
                .ok_or_else(|| format!("no vehicle '{vehicle}'"))?;
            v.available = Some(*value);
        }
        RelaxOp::SetRestaurantSeats { restaurant, value } => {
            let r = job
                .catalog
                .restaurants
                .iter_mut()
                .find(|r| &r.id == restaurant)
                .ok_or_else(|| format!("no restaurant '{restaurant}'"))?;
            r.seats = Some(*value);
        }
        RelaxOp::SetAllotment { hotel, kind, date, rooms } => {
            let h =
                job.catalog.hotels.iter_mut().find(|h| &h.id == hotel).ok_or_else(|| format!("no hotel '{hotel}'"))?;
            let room = h
                .rooms
                .iter_mut()
                .find(|r| &r.kind == kind)
                .ok_or_else(|| format!("hotel '{hotel}' has no room type '{kind}'"))?;
            let night = date.0;
            let mut rows = Vec::with_capacity(room.allotment.len() + 2);
            for row in room.allotment.drain(..) {
                if row.from.0 <= night && night <= row.to.0 {
                    if row.from.0 < night {
                        rows.push(Allotment { from: row.from, to: Date(night - Duration::days(1)), rooms: row.rooms });
                    }
                    if night < row.to.0 {
                        rows.push(Allotment { from: Date(night + Duration::days(1)), to: row.to, rooms: row.rooms });
                    }
                } else {
                    rows.push(row);
                }
            }
            rows.push(Allotment { from: *date, to: *date, rooms: *rooms });
            rows.sort_by_key(|r| r.from);
            room.allotment = rows;
        }
    }
    Ok(())
}
