//! One connection to the broker: open it (topology, confirm mode, QoS,
//! consumers), serve deliveries until a fault or a shutdown, then close it.
//!
//! Channels: one publishes results (confirm mode); one consumes
//! `jidiao.jobs` with prefetch = its slots (or `--prefetch`); one consumes
//! `jidiao.jobs.interactive` with prefetch = the reserved slots. So the broker
//! never hands this worker more interactive jobs than it can start at once,
//! and batch jobs can never occupy an interactive slot.

use super::config::WorkerConfig;
use super::job::{self, JobContext};
use super::metrics::Metrics;
use super::publish::Publisher;
use super::topology::{self, INTERACTIVE, JOBS};
use super::tracker::Tracker;
use futures_lite::StreamExt;
use lapin::options::{BasicCancelOptions, BasicConsumeOptions, BasicQosOptions, ConfirmSelectOptions};
use lapin::types::FieldTable;
use lapin::{Channel, Connection, ConnectionProperties, Consumer, Event};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{watch, Semaphore};
use tracing::{info, warn};

/// What outlives a connection: configuration, slots, metrics, in-flight jobs.
///
/// The slot semaphores are process-wide: a job still solving when its
/// connection dies keeps its slot, so a new connection cannot overload the CPU.
#[derive(Debug)]
pub struct Shared {
    /// The configuration.
    pub config: WorkerConfig,
    /// Metrics.
    pub metrics: Arc<Metrics>,
    /// Free `jidiao.jobs` slots.
    pub batch_slots: Arc<Semaphore>,
    /// Free `jidiao.jobs.interactive` slots.
    pub interactive_slots: Arc<Semaphore>,
    /// Job tasks in flight.
    pub tracker: Tracker,
    /// What every job shares.
    pub job: Arc<JobContext>,
}

/// Why a session ended.
#[derive(Debug)]
pub enum SessionEnd {
    /// Shutdown was requested; in-flight jobs are finished or returned.
    Shutdown,
    /// The connection, a channel or a consumer failed (scrubbed message).
    Fault(String),
}

/// An open connection, ready to serve.
pub struct Session {
    connection: Connection,
    publisher: Publisher,
    /// `jidiao.jobs` first, then `jidiao.jobs.interactive`.
    consumers: [(Channel, Consumer, &'static str); 2],
}

impl Session {
    /// Connects, declares the topology and starts both consumers.
    pub async fn open(shared: &Shared) -> Result<Session, String> {
        let cfg = &shared.config;
        let scrub = |e: lapin::Error| cfg.amqp_url.scrub(&e.to_string());
        let name = format!("jidiao-worker pid {}", std::process::id());
        let props = ConnectionProperties::default().with_connection_name(name.as_str().into());
        let connection = Connection::connect(cfg.amqp_url.expose(), props).await.map_err(scrub)?;
        let publish = connection.create_channel().await.map_err(scrub)?;
        topology::declare(&publish).await.map_err(scrub)?;
        publish.confirm_select(ConfirmSelectOptions::default()).await.map_err(scrub)?;
        let mut consumers = Vec::with_capacity(2);
        let prefetch =
            [(JOBS, cfg.batch_prefetch), (INTERACTIVE, u16::try_from(cfg.interactive_slots).unwrap_or(u16::MAX))];
        for (queue, prefetch) in prefetch {
            let channel = connection.create_channel().await.map_err(scrub)?;
            channel.basic_qos(prefetch, BasicQosOptions::default()).await.map_err(scrub)?;
            let tag = format!("jidiao-{}-{queue}", std::process::id());
            let consumer = channel
                .basic_consume(queue.into(), tag.as_str().into(), BasicConsumeOptions::default(), FieldTable::default())
                .await
                .map_err(scrub)?;
            consumers.push((channel, consumer, queue));
        }
        let consumers: [(Channel, Consumer, &'static str); 2] =
            consumers.try_into().map_err(|_| "two consumers expected".to_string())?;
        Ok(Session { connection, publisher: Publisher::new(publish, cfg.confirm_timeout), consumers })
    }

    /// Serves deliveries until `stop` turns true (then drains) or a fault.
    pub async fn serve(self, shared: &Shared, mut stop: watch::Receiver<bool>) -> SessionEnd {
        let m = &shared.metrics;
        m.connected.set(1);
        m.consuming.set(1);
        let (batch, interactive) = (&self.consumers[0], &self.consumers[1]);
        let end = tokio::select! {
            why = consume(batch.1.clone(), JOBS, shared.batch_slots.clone(), shared, self.publisher.clone()) => {
                SessionEnd::Fault(shared.config.amqp_url.scrub(&why))
            }
            why = consume(interactive.1.clone(), INTERACTIVE, shared.interactive_slots.clone(), shared, self.publisher.clone()) => {
                SessionEnd::Fault(shared.config.amqp_url.scrub(&why))
            }
            why = watch_events(self.connection.events_listener(), m.clone()) => {
                SessionEnd::Fault(shared.config.amqp_url.scrub(&why))
            }
            _ = stop.wait_for(|s| *s) => SessionEnd::Shutdown,
        };
        m.consuming.set(0);
        if matches!(end, SessionEnd::Shutdown) {
            self.drain(shared).await;
        }
        // Closing returns every unacknowledged delivery of this connection to its queue. A
        // blocked or half-dead connection may never answer: dropping it closes the socket.
        let close = self.connection.close(200, "jidiao worker closing".into());
        let _ = tokio::time::timeout(Duration::from_secs(5), close).await;
        m.connected.set(0);
        m.blocked.set(0);
        end
    }

    /// Stops both consumers, then waits up to the grace period for jobs in flight.
    async fn drain(&self, shared: &Shared) {
        for (channel, consumer, queue) in &self.consumers {
            if let Err(e) = channel.basic_cancel(consumer.tag(), BasicCancelOptions::default()).await {
                warn!(queue, error = %e, "cannot cancel the consumer");
            }
        }
        let grace = shared.config.shutdown_grace;
        info!(
            in_flight = shared.tracker.count(),
            grace_s = grace.as_secs_f64(),
            "stopped consuming; finishing jobs in flight"
        );
        if tokio::time::timeout(grace, shared.tracker.idle()).await.is_err() {
            warn!(
                in_flight = shared.tracker.count(),
                "grace period over; jobs still in flight go back to their queue unacknowledged"
            );
        }
    }
}

/// Takes deliveries one by one, each once a slot is free, and starts its job.
/// Returns only on a fault: the stream ending is one (the broker cancelled the
/// consumer or the channel closed), never a normal stop.
async fn consume(
    mut consumer: Consumer,
    queue: &'static str,
    slots: Arc<Semaphore>,
    shared: &Shared,
    publisher: Publisher,
) -> String {
    loop {
        let delivery = match consumer.next().await {
            Some(Ok(delivery)) => delivery,
            Some(Err(e)) => return format!("the consumer of {queue} failed: {e}"),
            None => return format!("the consumer of {queue} ended (cancelled by the broker, or its channel closed)"),
        };
        let Ok(slot) = slots.clone().acquire_owned().await else {
            return "the slots were closed".to_string();
        };
        let guard = shared.tracker.guard();
        tokio::spawn(job::handle(delivery, queue, shared.job.clone(), publisher.clone(), slot, guard));
    }
}

/// Follows connection events: logs broker blocking, returns on an error.
async fn watch_events(mut events: impl futures_lite::Stream<Item = Event> + Unpin, m: Arc<Metrics>) -> String {
    while let Some(event) = events.next().await {
        match event {
            Event::Error(e) => return format!("the connection failed: {e}"),
            Event::ConnectionBlocked(reason) => {
                m.blocked.set(1);
                warn!(%reason, "the broker blocks this connection (resource alarm): confirms will stall");
            }
            Event::ConnectionUnblocked => {
                m.blocked.set(0);
                info!("the broker unblocked this connection");
            }
            _ => {}
        }
    }
    // Nothing more will come; the consumers report the fault.
    std::future::pending::<String>().await
}

/// The pause after which a session counts as having worked (back-off resets).
pub const HEALTHY_SESSION: Duration = Duration::from_secs(10);
