//! One delivery, start to end: the step on a blocking thread (bounded by a
//! hard deadline), the result published and confirmed, then the ack or the
//! requeue. Every log line of the job is inside its `job` span, which carries
//! `job_id` and `correlation_id`.

use super::amqp::{job_props, sent_at};
use super::metrics::{Metrics, QueueLabel, ReasonLabels, StatusLabels, TargetLabel};
use super::progress::BatchProgress;
use super::publish::{Publisher, ResultMessage};
use super::step::{self, AckDecision, Failure, StepConfig, StepOutcome};
use super::tracker::Guard;
use jidiao_solver::contract::JobKind;
use lapin::message::Delivery;
use lapin::options::{BasicAckOptions, BasicNackOptions};
use lapin::Acker;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant, SystemTime};
use tokio::sync::OwnedSemaphorePermit;
use tracing::{error, field, info, info_span, warn, Instrument};

/// What every job of a worker shares.
#[derive(Debug)]
pub struct JobContext {
    /// The step's settings.
    pub step: StepConfig,
    /// Metrics.
    pub metrics: Arc<Metrics>,
    /// The hard deadline of one attempt (time limit plus margin).
    pub deadline: Duration,
}

/// Handles one delivery from `queue`. `slot` is released when the solver
/// returns (even after the deadline, so a runaway solve still occupies its
/// slot); `_guard` when the job is acked or requeued.
pub async fn handle(
    delivery: Delivery,
    queue: &'static str,
    ctx: Arc<JobContext>,
    publisher: Publisher,
    slot: OwnedSemaphorePermit,
    _guard: Guard,
) {
    let Delivery { data, acker, properties, redelivered, .. } = delivery;
    let props = job_props(&properties, redelivered);
    let label = QueueLabel { queue };
    let m = ctx.metrics.clone();
    m.received.get_or_create(&label).inc();
    if redelivered {
        m.redeliveries.get_or_create(&label).inc();
    }
    if let Some(wait) = sent_at(&properties).and_then(|t| SystemTime::now().duration_since(t).ok()) {
        m.queue_wait_seconds.get_or_create(&label).observe(wait.as_secs_f64());
    }
    let in_flight = m.in_flight.get_or_create(&label).clone();
    in_flight.inc();
    let span = info_span!(
        "job",
        job_id = field::Empty,
        correlation_id = props.correlation_id.as_deref().unwrap_or(""),
        queue,
        attempt = props.delivery_count + 1,
    );
    let identity: Arc<OnceLock<(String, JobKind)>> = Arc::default();
    let started = Instant::now();
    let blocking = {
        let (ctx, props, span, identity) = (ctx.clone(), props.clone(), span.clone(), identity.clone());
        tokio::task::spawn_blocking(move || {
            let _slot = slot;
            let _entered = span.enter();
            let opened = step::open(&data, &props, &ctx.step);
            span.record("job_id", opened.job_id());
            let _ = identity.set((opened.job_id().to_string(), opened.kind()));
            info!(bytes = data.len(), redelivered = props.redelivered, "job started");
            // Batches report progress (log lines, `jidiao_batch_*` gauges) until they return.
            let batch = (opened.kind() == JobKind::Batch).then(|| BatchProgress::start(ctx.metrics.clone()));
            step::finish(opened, &props, &ctx.step, batch.as_ref().map(BatchProgress::sink))
        })
    };
    async move {
        let failed = |failure: Failure, detail: String| {
            let (id, kind) = identity
                .get()
                .cloned()
                .unwrap_or_else(|| (props.message_id.clone().unwrap_or_default(), JobKind::Plan));
            error!(job_id = %id, "{detail}");
            step::failed_attempt(id, kind, &props, &ctx.step, failure, &detail)
        };
        let outcome = match tokio::time::timeout(ctx.deadline, blocking).await {
            Ok(Ok(outcome)) => outcome,
            Ok(Err(e)) => failed(Failure::Panic, format!("the job's thread failed: {e}")),
            Err(_) => failed(
                Failure::Overran,
                format!(
                    "the solver did not return within {} s (its time limit plus margin)",
                    ctx.deadline.as_secs_f64()
                ),
            ),
        };
        let seconds = started.elapsed().as_secs_f64();
        m.solve_seconds.get_or_create(&label).observe(seconds);
        match outcome.failure {
            None => info!(kind = outcome.kind.as_str(), status = outcome.status.as_str(), seconds, "job solved"),
            Some(f) => warn!(failure = f.as_str(), last_attempt = outcome.result_json.is_some(), "attempt failed"),
        }
        finish(&ctx, queue, &props, &publisher, acker, outcome).await;
        in_flight.dec();
    }
    .instrument(span)
    .await
}

/// Publishes the outcome's result (if any), then acks or requeues.
async fn finish(
    ctx: &JobContext,
    queue: &'static str,
    props: &step::JobProps,
    publisher: &Publisher,
    acker: Acker,
    outcome: StepOutcome,
) {
    let m = &ctx.metrics;
    let fail = |reason: &'static str| m.failed.get_or_create(&ReasonLabels { queue, reason }).inc();
    if let Some(body) = &outcome.result_json {
        let msg = ResultMessage {
            job_id: &outcome.job_id,
            routing_key: &outcome.routing_key,
            status: outcome.status.as_str(),
            body,
            correlation_id: props.correlation_id.as_deref(),
            reply_to: props.reply_to.as_deref(),
        };
        match publisher.publish(&msg).await {
            Ok(confirmed) => {
                if confirmed.results_unroutable {
                    m.unroutable.get_or_create(&TargetLabel { target: "results" }).inc();
                    warn!(routing_key = %outcome.routing_key, "no queue is bound to jidiao.results for this result");
                }
                if confirmed.reply_unroutable {
                    m.unroutable.get_or_create(&TargetLabel { target: "reply_to" }).inc();
                    warn!(reply_to = props.reply_to.as_deref().unwrap_or(""), "the reply_to queue does not exist");
                }
                info!(routing_key = %outcome.routing_key, "result confirmed by the broker");
            }
            Err(e) => {
                fail(e.reason());
                error!(error = %e, "result not confirmed; returning the job to its queue, not acking it");
                settle(&acker, AckDecision::Requeue, m, queue).await;
                return;
            }
        }
    }
    if settle(&acker, outcome.ack, m, queue).await {
        match (outcome.ack, outcome.failure) {
            (AckDecision::Ack, _) => {
                m.completed.get_or_create(&StatusLabels { queue, status: outcome.status.as_str() }).inc();
                info!(status = outcome.status.as_str(), "job acknowledged");
            }
            (AckDecision::Requeue, failure) => {
                fail(failure.map(Failure::as_str).unwrap_or("requeued"));
                warn!("job returned to its queue");
            }
        }
    }
}

/// Acks or requeues; `true` when the broker took it. `Ok(false)` (channel
/// gone) and errors are counted and logged: the broker redelivers such a job.
async fn settle(acker: &Acker, decision: AckDecision, m: &Metrics, queue: &'static str) -> bool {
    let outcome = match decision {
        AckDecision::Ack => acker.ack(BasicAckOptions::default()).await,
        AckDecision::Requeue => acker.nack(BasicNackOptions { requeue: true, multiple: false }).await,
    };
    let reason = match outcome {
        Ok(true) => return true,
        Ok(false) => "ack_refused",
        Err(_) => "ack_error",
    };
    m.failed.get_or_create(&ReasonLabels { queue, reason }).inc();
    match outcome {
        Err(e) => warn!(error = %e, ?decision, "ack/nack failed; the broker will redeliver the job"),
        _ => warn!(?decision, "the channel is gone; ack/nack not sent, the broker will redeliver the job"),
    }
    false
}
