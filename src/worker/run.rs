//! The worker's outer loop: connect, serve, and on a fault reconnect with
//! capped exponential back-off, until `shutdown` resolves.

use super::backoff::Backoff;
use super::config::WorkerConfig;
use super::http;
use super::job::JobContext;
use super::metrics::Metrics;
use super::session::{Session, SessionEnd, Shared, HEALTHY_SESSION};
use super::step::StepConfig;
use super::topology::DELIVERY_LIMIT;
use super::tracker::Tracker;
use anyhow::{Context, Result};
use jidiao_solver::SolveContext;
use std::future::Future;
use std::sync::Arc;
use std::time::Instant;
use tokio::sync::{watch, Semaphore};
use tracing::{info, warn};

/// Runs a worker until `shutdown` resolves; then it stops consuming, lets
/// jobs in flight finish within the grace period, and returns `Ok`. Errors
/// only when it cannot start (the HTTP endpoint cannot bind).
pub async fn run(config: WorkerConfig, shutdown: impl Future<Output = ()> + Send + 'static) -> Result<()> {
    let (stop_tx, mut stop) = watch::channel(false);
    tokio::spawn(async move {
        shutdown.await;
        info!("shutdown requested");
        let _ = stop_tx.send(true);
    });
    let metrics = Arc::new(Metrics::default());
    if let Some(addr) = config.metrics_addr {
        http::serve(addr, metrics.clone()).await.with_context(|| format!("cannot serve HTTP on {addr}"))?;
    }
    let step = StepConfig {
        max_message_bytes: config.max_message_bytes,
        solve: SolveContext { time_limit_s: config.job_time_limit.as_secs_f64(), ..SolveContext::default() },
        delivery_limit: DELIVERY_LIMIT,
        test_panic_job_id: config.test_panic_job_id.clone(),
        test_slow_job: config.test_slow_job.clone(),
    };
    let shared = Shared {
        job: Arc::new(JobContext { step, metrics: metrics.clone(), deadline: config.attempt_deadline() }),
        batch_slots: Arc::new(Semaphore::new(config.batch_slots)),
        interactive_slots: Arc::new(Semaphore::new(config.interactive_slots)),
        tracker: Tracker::default(),
        metrics,
        config,
    };
    let cfg = &shared.config;
    info!(
        url = %cfg.amqp_url,
        slots = cfg.slots(),
        batch_slots = cfg.batch_slots,
        interactive_slots = cfg.interactive_slots,
        batch_prefetch = cfg.batch_prefetch,
        time_limit_s = cfg.job_time_limit.as_secs_f64(),
        max_message_bytes = cfg.max_message_bytes,
        "worker starting"
    );
    let mut backoff = Backoff::new(cfg.reconnect_min, cfg.reconnect_max);
    let mut sessions = 0u64;
    loop {
        let opened = tokio::select! {
            opened = Session::open(&shared) => opened,
            _ = stop.wait_for(|s| *s) => break,
        };
        match opened {
            Ok(session) => {
                if sessions > 0 {
                    shared.metrics.reconnects.inc();
                }
                sessions += 1;
                info!(url = %cfg.amqp_url, "connected; consuming jidiao.jobs and jidiao.jobs.interactive");
                let since = Instant::now();
                match session.serve(&shared, stop.clone()).await {
                    SessionEnd::Shutdown => break,
                    SessionEnd::Fault(why) => {
                        warn!(%why, "lost the broker; jobs in flight will be redelivered; reconnecting");
                        if since.elapsed() >= HEALTHY_SESSION {
                            backoff.reset();
                        }
                    }
                }
            }
            Err(why) => warn!(url = %cfg.amqp_url, %why, "cannot connect to the broker"),
        }
        let pause = backoff.next_pause();
        info!(pause_s = pause.as_secs_f64(), "reconnecting after a pause");
        tokio::select! {
            _ = tokio::time::sleep(pause) => {}
            _ = stop.wait_for(|s| *s) => break,
        }
    }
    info!(in_flight = shared.tracker.count(), "worker stopped");
    Ok(())
}
