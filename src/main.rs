//! `jidiao`: itinerary optimisation for tour operators (计调).
//!
//! A thin shell over `jidiao-solver`: read files, run, write, exit with the
//! contract's codes (0 solved, 2 invalid, 3 infeasible, 1 anything else).

use clap::Parser;
use std::process::ExitCode;

mod cli;
mod text;
mod worker;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    match cli::run(args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("jidiao: {e:#}");
            ExitCode::from(1)
        }
    }
}
