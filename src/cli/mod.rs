//! Subcommands and the one convention every solving subcommand follows:
//! `JOB.json [--out RESULT.json] [--format json|text]`, the result on `--out`
//! in every case, and exit codes by status.

use anyhow::{Context, Result};
use clap::{Parser, Subcommand, ValueEnum};
use jidiao_solver::contract::{JobKind, JobResult, PlanResult, Status};
use jidiao_solver::{run_parsed_document, Limits, SolveContext};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

pub mod progress_bar;

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

/// Size and seed of a generated job.
#[derive(clap::Args, Debug)]
pub struct GenArgs {
    /// Trip days (2-15).
    #[arg(long, default_value_t = 6)]
    days: u32,
    /// Cities on the route (1-6; default 3; with --groups: towns on the road, 2-8, default 6).
    #[arg(long)]
    cities: Option<u32>,
    /// Attractions (5-80; default 20; with --groups default 48).
    #[arg(long)]
    attractions: Option<u32>,
    /// Hotels (3-60; default 15; with --groups default 60).
    #[arg(long)]
    hotels: Option<u32>,
    /// Restaurants per city.
    #[arg(long, default_value_t = 3)]
    restaurants_per_city: u32,
    /// Vehicle types (1-5; default 3; with --groups 1-50, default 20).
    #[arg(long)]
    vehicle_types: Option<u32>,
    /// Paying travellers (2-60).
    #[arg(long, default_value_t = 32)]
    pax: u32,
    /// Emit a `batch` job of this many groups on one shared catalog (flags below).
    #[arg(long)]
    groups: Option<u32>,
    /// With --groups: nights of every trip (1-14).
    #[arg(long, default_value_t = 7)]
    nights: u32,
    /// With --groups: share of the peak's groups the good-value hotels and coaches can take (lower is tighter).
    #[arg(long, default_value_t = 0.5)]
    tight: f64,
    /// With --groups: share of the groups with a `current` booking (0-1).
    #[arg(long, default_value_t = 0.3)]
    current_share: f64,
    /// Random seed.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Write the job here instead of stdout.
    #[arg(long)]
    out: Option<PathBuf>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Plan one group (kind "plan"; `options.alternatives` asks for next-best plans).
    Plan(SolveArgs),
    /// Solve a what-if job: every scenario next to the base, side by side (kind "whatif").
    Whatif(SolveArgs),
    /// Re-plan the rest of a trip after a disruption (kind "replan").
    Replan(SolveArgs),
    /// Plan many groups together on shared inventory (kind "batch").
    Batch(SolveArgs),
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
    /// Generate a realistic synthetic plan job of a given size (seeded, reproducible).
    Gen(GenArgs),
    /// Print the JSON Schema of jobs or results.
    Schema {
        /// `job` or `result`.
        #[arg(value_parser = ["job", "result"])]
        which: String,
    },
    /// Take jobs from RabbitMQ, solve them, publish the results (docs/worker.md).
    Worker(crate::worker::WorkerArgs),
    /// Put a job on RabbitMQ; with --wait, print its result (exit code by status, as `plan`).
    Submit(crate::worker::submit::SubmitArgs),
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
        Command::Plan(args) => solve(&args, JobKind::Plan),
        Command::Whatif(args) => solve(&args, JobKind::Whatif),
        Command::Replan(args) => solve(&args, JobKind::Replan),
        Command::Batch(args) => solve(&args, JobKind::Batch),
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
        Command::Gen(g) => {
            let job = if let Some(groups) = g.groups {
                let d = jidiao_solver::generate_batch::BatchGenSize::standard(groups);
                let size = jidiao_solver::generate_batch::BatchGenSize {
                    groups,
                    nights: g.nights,
                    cities: g.cities.unwrap_or(d.cities),
                    attractions: g.attractions.unwrap_or(d.attractions),
                    hotels: g.hotels.unwrap_or(d.hotels),
                    restaurants_per_city: g.restaurants_per_city,
                    vehicle_types: g.vehicle_types.unwrap_or(d.vehicle_types),
                    tight: g.tight,
                    current_share: g.current_share,
                };
                jidiao_solver::generate_batch::generate_batch(&size, g.seed)
            } else {
                let size = jidiao_solver::generate::GenSize {
                    days: g.days,
                    cities: g.cities.unwrap_or(3),
                    attractions: g.attractions.unwrap_or(20),
                    hotels: g.hotels.unwrap_or(15),
                    restaurants_per_city: g.restaurants_per_city,
                    vehicle_types: g.vehicle_types.unwrap_or(3),
                    pax: g.pax,
                };
                jidiao_solver::generate::generate(&size, g.seed)
            };
            let job = serde_json::to_string_pretty(&job)?;
            match &g.out {
                Some(out) => std::fs::write(out, format!("{job}\n"))
                    .with_context(|| format!("cannot write {}", out.display()))?,
                None => println!("{job}"),
            }
            Ok(ExitCode::SUCCESS)
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
        Command::Worker(args) => crate::worker::main(args),
        Command::Submit(args) => crate::worker::submit::main(args),
    }
}

/// Solves a job file. The job's own `kind` decides what is solved; a subcommand named for
/// another kind only notes it on stderr.
fn solve(args: &SolveArgs, expected: JobKind) -> Result<ExitCode> {
    let text = read(&args.job)?;
    let ctx = SolveContext { time_limit_s: args.time_limit, ..SolveContext::default() };
    let result = match jidiao_solver::parse::parse_job(&text) {
        Ok(job) => {
            if job.kind != expected {
                eprintln!(
                    "note: {} is a {} job; solving it as one (jidiao {})",
                    args.job.display(),
                    job.kind.as_str(),
                    job.kind.as_str()
                );
            }
            // A batch shows its progress on stderr (a terminal only); cleared when dropped.
            let bar = (job.kind == JobKind::Batch).then(progress_bar::BatchBar::stderr);
            let ctx = SolveContext { progress: bar.as_ref().map(progress_bar::BatchBar::sink), ..ctx };
            run_parsed_document(&job, &ctx)
        }
        Err(rejected) => {
            let kind = rejected.kind.unwrap_or(expected);
            jidiao_solver::result(rejected.job_id, kind, Status::Invalid, rejected.problems).into()
        }
    };
    emit_document(args, &result)?;
    Ok(exit_code(result.status()))
}

/// [`emit_document`] for a plan result.
pub fn emit(args: &SolveArgs, result: &PlanResult) -> Result<()> {
    emit_document(args, &JobResult::Plan(result.clone()))
}

/// Writes the result to `--out` (always) and prints it in the chosen format.
pub fn emit_document(args: &SolveArgs, result: &JobResult) -> Result<()> {
    let json = serde_json::to_string_pretty(result)?;
    if let Some(out) = &args.out {
        std::fs::write(out, format!("{json}\n")).with_context(|| format!("cannot write {}", out.display()))?;
    }
    match args.format {
        Format::Json => println!("{json}"),
        Format::Text => print!("{}", crate::text::render_document(result)),
    }
    if args.format == Format::Json && !matches!(result.status(), Status::Optimal | Status::Feasible) {
        for d in result.diagnosis() {
            eprintln!("{} [{}] {}", d.path.as_deref().unwrap_or(""), d.code, d.message);
        }
    }
    Ok(())
}
