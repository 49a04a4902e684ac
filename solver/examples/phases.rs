//! Prints, for each job given, the solve time split into preparation (graph,
//! rooming, day routes) and MILPs: `cargo run -p jidiao-solver --example phases -- JOB.json...`.

use jidiao_solver::{run_job, SolveContext};

fn main() {
    println!(
        "{:<48} {:>9} {:>9} {:>9} {:>8} {:>8} {:>6}",
        "job", "status", "total s", "prep s", "vars", "routes", "fleets"
    );
    for path in std::env::args().skip(1) {
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("{path}: {e}");
                continue;
            }
        };
        let r = run_job(&text, &SolveContext::default());
        let f = r.solver.unwrap_or_default();
        println!(
            "{:<48} {:>9} {:>9.3} {:>9.3} {:>8} {:>8} {:>6}",
            path.rsplit('/').next().unwrap_or(&path),
            r.status.as_str(),
            f.seconds,
            f.prepare_seconds.unwrap_or(0.0),
            f.variables,
            f.day_routes.unwrap_or(0),
            f.fleets.unwrap_or(0)
        );
    }
}
