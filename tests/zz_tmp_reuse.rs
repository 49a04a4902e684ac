use jidiao_solver::contract::JobBody;
use jidiao_solver::{planner, whatif, SolveContext};
#[test]
fn t() {
    let text = std::fs::read_to_string("fixtures/whatif/yunnan-6d-32pax.job.json").unwrap();
    let JobBody::Whatif(w) = jidiao_solver::parse::parse_job(&text).unwrap().body else { panic!() };
    let ctx = SolveContext::default();
    let jobs = whatif::scenario_jobs(&w, &ctx).unwrap();
    let base = planner::prepare(&w.base, &ctx).unwrap();
    for j in &jobs {
        let m = jidiao_solver::model::TripModel::build(j);
        let t = std::time::Instant::now();
        let mut n = 0;
        for night in 0..m.nights() { for h in &m.hotels { n+=1; let _ = jidiao_solver::rooming::best_rooming(&m.catalog().hotels[h.catalog], m.days[night].date, &m.rooming); } }
        let tr = t.elapsed().as_secs_f64();
        let t = std::time::Instant::now();
        let rooming: Vec<Vec<_>> = (0..m.nights()).map(|night| m.hotels.iter().map(|h| jidiao_solver::rooming::best_rooming(&m.catalog().hotels[h.catalog], m.days[night].date, &m.rooming)).collect()).collect();
        let carry = whatif::reuse::routes_carry_over(&base, &m, &rooming);
        eprintln!("rooming {n} cells {:.3}  carry {} ({:.3})", tr, carry, t.elapsed().as_secs_f64());
    }
}
