//! The worker's Prometheus metrics (served on `/metrics` by [`super::http`]).
//!
//! Labels hold queue names, statuses and fixed reasons only: never a job id
//! and never anything from the broker URL.

use prometheus_client::encoding::text::encode;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;
use std::sync::atomic::AtomicU64;

/// Label: the queue a job came from.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct QueueLabel {
    /// `jidiao.jobs` or `jidiao.jobs.interactive`.
    pub queue: &'static str,
}

/// Labels: queue and result status.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct StatusLabels {
    /// The queue.
    pub queue: &'static str,
    /// The result's status.
    pub status: &'static str,
}

/// Labels: queue and a fixed failure reason.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ReasonLabels {
    /// The queue.
    pub queue: &'static str,
    /// Why: `panic`, `overran`, `publish_failed`, `ack_refused`, `ack_error`, ...
    pub reason: &'static str,
}

/// Label: where a result went.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct TargetLabel {
    /// `results` (the exchange) or `reply_to`.
    pub target: &'static str,
}

type HistogramFamily<L> = Family<L, Histogram, fn() -> Histogram>;

/// Every metric of the worker.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    /// Jobs delivered to this worker.
    pub received: Family<QueueLabel, Counter>,
    /// Jobs answered: result confirmed and message acknowledged.
    pub completed: Family<StatusLabels, Counter>,
    /// Attempts that ended without an acknowledged answer, by reason.
    pub failed: Family<ReasonLabels, Counter>,
    /// Deliveries flagged `redelivered` by the broker.
    pub redeliveries: Family<QueueLabel, Counter>,
    /// Time spent in the step (parse, validate, solve), seconds.
    pub solve_seconds: HistogramFamily<QueueLabel>,
    /// Time from publication (`jidiao-sent-ms` header or `timestamp`) to the start of the step, seconds.
    pub queue_wait_seconds: HistogramFamily<QueueLabel>,
    /// Jobs being worked on now.
    pub in_flight: Family<QueueLabel, Gauge>,
    /// Results the broker returned as unroutable (mandatory flag).
    pub unroutable: Family<TargetLabel, Counter>,
    /// 1 while connected to the broker.
    pub connected: Gauge,
    /// 1 while both consumers are active.
    pub consuming: Gauge,
    /// 1 while the broker blocks this connection (resource alarm).
    pub blocked: Gauge,
    /// Connections opened after the first.
    pub reconnects: Counter,
    /// Batch solves in progress.
    pub batch_running: Gauge,
    /// Groups of the last reporting batch planned alone so far.
    pub batch_groups_done: Gauge,
    /// Groups of the last reporting batch.
    pub batch_groups_total: Gauge,
    /// Candidate plans (columns) the last reporting batch has generated.
    pub batch_columns: Gauge,
    /// Relative gap between the best batch objective and the bound of the last reporting
    /// batch; NaN until both are known.
    pub batch_gap: Gauge<f64, AtomicU64>,
}

fn seconds_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.005, 2.0, 20))
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("jidiao");
        let m = Metrics {
            received: Family::default(),
            completed: Family::default(),
            failed: Family::default(),
            redeliveries: Family::default(),
            solve_seconds: Family::new_with_constructor(seconds_histogram as fn() -> Histogram),
            queue_wait_seconds: Family::new_with_constructor(seconds_histogram as fn() -> Histogram),
            in_flight: Family::default(),
            unroutable: Family::default(),
            connected: Gauge::default(),
            consuming: Gauge::default(),
            blocked: Gauge::default(),
            reconnects: Counter::default(),
            batch_running: Gauge::default(),
            batch_groups_done: Gauge::default(),
            batch_groups_total: Gauge::default(),
            batch_columns: Gauge::default(),
            batch_gap: Gauge::default(),
            registry: Registry::default(),
        };
        registry.register("jobs_received", "Jobs delivered to this worker", m.received.clone());
        registry.register("jobs_completed", "Jobs answered (result confirmed, message acked)", m.completed.clone());
        registry.register("jobs_failed", "Attempts without an acknowledged answer", m.failed.clone());
        registry.register("redeliveries", "Deliveries flagged redelivered", m.redeliveries.clone());
        registry.register("solve_seconds", "Time in the job step", m.solve_seconds.clone());
        registry.register("queue_wait_seconds", "Time from publication to start", m.queue_wait_seconds.clone());
        registry.register("jobs_in_flight", "Jobs being worked on", m.in_flight.clone());
        registry.register("results_unroutable", "Results returned unroutable", m.unroutable.clone());
        registry.register("connected", "1 while connected to the broker", m.connected.clone());
        registry.register("consuming", "1 while consuming both job queues", m.consuming.clone());
        registry.register("blocked", "1 while the broker blocks the connection", m.blocked.clone());
        registry.register("reconnects", "Connections opened after the first", m.reconnects.clone());
        registry.register("batch_running", "Batch solves in progress", m.batch_running.clone());
        registry.register(
            "batch_groups_done",
            "Groups planned alone (last reporting batch)",
            m.batch_groups_done.clone(),
        );
        registry.register("batch_groups_total", "Groups of the last reporting batch", m.batch_groups_total.clone());
        registry.register("batch_columns", "Candidate plans generated (last reporting batch)", m.batch_columns.clone());
        registry.register("batch_gap", "Relative gap objective-bound (last reporting batch)", m.batch_gap.clone());
        Metrics { registry, ..m }
    }
}

impl Metrics {
    /// The OpenMetrics text of every metric.
    pub fn render(&self) -> String {
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = encode(&mut out, &self.registry);
        out
    }

    /// Ready: connected and consuming.
    pub fn ready(&self) -> bool {
        self.connected.get() == 1 && self.consuming.get() == 1
    }
}
