//! Subcommands and the one convention every solving subcommand follows:
//! `JOB.json [--out RESULT.json] [--format json|text]`, the result on `--out`
//! in every case, and exit codes by status.

use anyhow::{Context, Result};
use clap::{Parser, Subcommand, ValueEnum};
use jidiao_solver::contract::{PlanResult, Status};
use jidiao_solver::{run_job, Limits, SolveContext};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// jidiao: the cheapest tour plan that works on the ground, proven and itemised.
#[derive(Parser, Debug)]
#[command(name = "jidiao", version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Output format of a result.
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum Format {
    /// The result document.
    Json,
    /// A readable itinerary and quote.
    Text,
}

/// The arguments every solving subcommand takes.
#[derive(clap::Args, Debug)]
pub struct SolveArgs {
    /// The job document.
    job: PathBuf,
    /// Also write the result document here (always JSON).
    #[arg(long)]
    out: Option<PathBuf>,
    /// What to print on stdout.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    /// Upper limit on the solve time, seconds (the job's options may ask for less).
    #[arg(long, default_value_t = 600.0)]
    time_limit: f64,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Plan one group (kind "plan").
    Plan(SolveArgs),
    /// Check a job without solving it.
    Validate {
        /// The job document.
        job: PathBuf,
    },
    /// Re-verify a result's plan against its job, independently of the optimiser.
    Check {
        /// The job document.
        job: PathBuf,
        /// The result document.
        result: PathBuf,
    },
    /// Print the JSON Schema of jobs or results.
    Schema {
        /// `job` or `result`.
        #[arg(value_parser = ["job", "result"])]
        which: String,
    },
}

/// The exit code of a status.
pub fn exit_code(status: Status) -> ExitCode {
    ExitCode::from(match status {
        Status::Optimal | Status::Feasible => 0,
        Status::Invalid => 2,
        Status::Infeasible => 3,
        Status::Timeout | Status::Error => 1,
    })
}

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}

/// Runs the CLI.
pub fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Plan(args) => solve(&args),
        Command::Validate { job } => {
            let text = read(&job)?;
            let parsed = jidiao_solver::parse::parse_job(&text);
            let problems = match parsed {
                Ok(job) => jidiao_solver::validate::validate_job(&job, &Limits::default()),
                Err(rejected) => rejected.problems,
            };
            if problems.is_empty() {
                println!("{}: valid", job.display());
                return Ok(ExitCode::SUCCESS);
            }
            for p in &problems {
                eprintln!("{} [{}] {}", p.path.as_deref().unwrap_or(""), p.code, p.message);
            }
            eprintln!("{}: {} problem(s)", job.display(), problems.len());
            Ok(ExitCode::from(2))
        }
        Command::Check { job, result } => {
            let job_text = read(&job)?;
            let result_text = read(&result)?;
            let report = jidiao_solver::check::check_texts(&job_text, &result_text);
            if report.is_empty() {
                println!("{}: every rule holds and every cost adds up", result.display());
                Ok(ExitCode::SUCCESS)
            } else {
                for v in &report {
                    eprintln!("[{}] {}", v.rule, v.message);
                }
                eprintln!("{}: {} violation(s)", result.display(), report.len());
                Ok(ExitCode::from(1))
            }
        }
        Command::Schema { which } => {
            let schema = if which == "job" {
                jidiao_solver::schema::job_schema()
            } else {
                jidiao_solver::schema::result_schema()
            };
            println!("{}", serde_json::to_string_pretty(&schema)?);
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn solve(args: &SolveArgs) -> Result<ExitCode> {
    let text = read(&args.job)?;
    let ctx = SolveContext { time_limit_s: args.time_limit, ..SolveContext::default() };
    let result = run_job(&text, &ctx);
    emit(args, &result)?;
    Ok(exit_code(result.status))
}

/// Writes the result to `--out` (always) and prints it in the chosen format.
pub fn emit(args: &SolveArgs, result: &PlanResult) -> Result<()> {
    let json = serde_json::to_string_pretty(result)?;
    if let Some(out) = &args.out {
        std::fs::write(out, format!("{json}\n")).with_context(|| format!("cannot write {}", out.display()))?;
    }
    match args.format {
        Format::Json => println!("{json}"),
        Format::Text => print!("{}", crate::text::render(result)),
    }
    if args.format == Format::Json && !matches!(result.status, Status::Optimal | Status::Feasible) {
        for d in &result.diagnosis {
            eprintln!("{} [{}] {}", d.path.as_deref().unwrap_or(""), d.code, d.message);
        }
    }
    Ok(())
}
