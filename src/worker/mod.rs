//! `jidiao worker`: takes planning jobs from RabbitMQ, solves them, publishes
//! the results (contract: `shared/spec/amqp.md`; guide: `docs/worker.md`).
//!
//! Code map, one job per file:
//! - [`config`]: flags and environment, checked once; the URL's password is redacted.
//! - [`topology`]: the queues and exchanges, declared idempotently.
//! - [`step`]: message bytes + properties in, result + ack decision out; no broker types.
//! - [`amqp`]: broker properties to and from the step's plain types.
//! - [`job`]: one delivery: step on a blocking thread, publish, confirm, ack.
//! - [`publish`]: results with publisher confirms, `mandatory`, a confirm timeout.
//! - [`session`]: one connection: channels, QoS, consumers, drain on shutdown.
//! - [`run`]: reconnect with back-off until shutdown.
//! - [`metrics`], [`http`]: Prometheus metrics, `/metrics`, `/livez`, `/readyz`.
//! - [`progress`]: a batch solve's progress as throttled log lines and `jidiao_batch_*` gauges.
//! - [`submit`]: `jidiao submit`, the RPC client.
//!
//! Invariants: the solver never runs on the async runtime (it would starve
//! lapin's heartbeats); a job is acknowledged only after its result is
//! confirmed by the broker; nothing here reaches into `jidiao-solver`'s
//! internals beyond `parse`, `run_parsed`, `result` and `progress` (the batch progress sink).

pub mod amqp;
pub mod backoff;
pub mod config;
pub mod http;
pub mod job;
pub mod metrics;
pub mod progress;
pub mod publish;
pub mod run;
pub mod session;
pub mod step;
pub mod submit;
pub mod topology;
pub mod tracker;

pub use config::{WorkerArgs, WorkerConfig};
pub use run::run;

use anyhow::{Context, Result};
use std::process::ExitCode;

/// Logs to stderr (colours only on a terminal); `RUST_LOG` overrides `default`.
pub fn init_logging(default: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_ansi(ansi).with_writer(std::io::stderr).try_init();
}

/// Resolves on SIGTERM or SIGINT.
pub async fn termination() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = term.recv() => {}
                _ = tokio::signal::ctrl_c() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

/// `jidiao worker`: runs until SIGTERM/SIGINT, then exits 0.
pub fn main(args: WorkerArgs) -> Result<ExitCode> {
    init_logging("info,lapin=warn,lapin::returned_messages=error");
    let config = WorkerConfig::try_from(args)?;
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().context("cannot start tokio")?;
    let outcome = runtime.block_on(run(config, termination()));
    // A solve still running past the grace period must not hold the exit: its
    // job was returned to the queue when the connection closed.
    runtime.shutdown_background();
    outcome.map(|()| ExitCode::SUCCESS)
}
