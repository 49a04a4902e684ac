//! One group's job made to hold room for one copy of it only: the two-copies cases of the
//! batch tests (neighbourhoods, ruin and recreate).

use jidiao_solver::batch::master::{use_of, Pool};
use jidiao_solver::contract::{Allotment, Catalog, Plan, PlanJob};
use jidiao_solver::planner::{prepare, solve_prepared, Prepared, SolveContext};
use std::time::Instant;

/// The job's own optimal plan, or `None` when it has none.
pub fn optimum(job: &PlanJob) -> Option<Plan> {
    let ctx = SolveContext { mip_gap: 0.0, ..SolveContext::default() };
    let p = prepare(job, &ctx).ok()?;
    solve_prepared(&p, &ctx, Instant::now()).plan
}

/// The two-copies case of `job`: the job with room for one copy only at its optimum's
/// first hotel ([`roomy`], then [`room_for_one`]), prepared, and the copy's own optimum
/// there; `None` when the job has no plan.
pub fn contested_copy(job: &PlanJob) -> Option<(PlanJob, Prepared, Plan)> {
    let job = roomy(job);
    let plan = optimum(&job)?;
    let job = room_for_one(&job, &plan);
    let ctx = SolveContext { mip_gap: 0.0, ..SolveContext::default() };
    let p = prepare(&job, &ctx).ok()?;
    let own = solve_prepared(&p, &ctx, Instant::now()).plan?;
    Some((job, p, own))
}

/// The job with room for two groups everywhere: every allotment a hundred times larger,
/// and vehicles, restaurants and guides without limits.
pub fn roomy(job: &PlanJob) -> PlanJob {
    let mut job = job.clone();
    for room in job.catalog.hotels.iter_mut().flat_map(|h| h.rooms.iter_mut()) {
        for a in &mut room.allotment {
            a.rooms *= 100;
        }
    }
    for v in &mut job.catalog.vehicles {
        v.available = None;
    }
    for r in &mut job.catalog.restaurants {
        r.seats = None;
    }
    for g in &mut job.catalog.guides {
        g.available = None;
    }
    job
}

/// The job with the allotment of every room type its plan takes at the first night's
/// hotel cut to what the plan takes of it (the most on any night): room for one group.
pub fn room_for_one(job: &PlanJob, plan: &Plan) -> PlanJob {
    let mut job = job.clone();
    let first = &plan.nights[0];
    let hotel = job.catalog.hotels.iter_mut().find(|h| h.id == first.hotel).expect("the plan's hotel");
    for room in &mut hotel.rooms {
        let taken = plan
            .nights
            .iter()
            .filter(|n| n.hotel == first.hotel)
            .map(|n| n.rooms.iter().filter(|r| r.kind == room.kind).map(|r| r.count).sum::<u32>())
            .max()
            .unwrap_or(0);
        if taken > 0 {
            let (from, to) = (plan.nights[0].date, plan.nights[plan.nights.len() - 1].date);
            room.allotment = vec![Allotment { from, to, rooms: taken }];
        }
    }
    job
}

/// The job without the rooms `room_for_one` left at the plan's first hotel.
pub fn without_those_rooms(job: &PlanJob, plan: &Plan) -> PlanJob {
    let mut job = room_for_one(job, plan);
    let hotel = job.catalog.hotels.iter_mut().find(|h| h.id == plan.nights[0].hotel).expect("the plan's hotel");
    for room in &mut hotel.rooms {
        if plan.nights[0].rooms.iter().any(|r| r.kind == room.kind) {
            for a in &mut room.allotment {
                a.rooms = 0;
            }
        }
    }
    job
}

/// Whether the choices together keep every capacity of the catalog.
pub fn fits(catalog: &Catalog, pool: &Pool, choice: &[Option<usize>]) -> bool {
    use_of(pool, choice).iter().all(|(r, n)| *n <= r.capacity(catalog).unwrap_or(f64::INFINITY) + 1e-6)
}
