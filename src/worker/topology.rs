//! The broker topology of the contract (`shared/spec/amqp.md`), declared
//! idempotently by every worker (and by `jidiao submit`) before use.
//!
//! Every argument is explained in `docs/worker.md`, "Topology". Changing one
//! here makes the broker refuse the declaration of an existing queue
//! (PRECONDITION_FAILED): arguments of a live queue change through a policy
//! or a migration, never by editing this file alone.

use lapin::options::{ExchangeDeclareOptions, QueueBindOptions, QueueDeclareOptions};
use lapin::types::{AMQPValue, FieldTable, LongString, ShortString};
use lapin::{Channel, ExchangeKind};

/// Queue of batch and overnight planning jobs.
pub const JOBS: &str = "jidiao.jobs";
/// Queue of jobs a planning lead waits for.
pub const INTERACTIVE: &str = "jidiao.jobs.interactive";
/// Topic exchange of results, routing key `result.<kind>.<status>`.
pub const RESULTS: &str = "jidiao.results";
/// Queue (and fanout exchange of the same name) of dead-lettered jobs.
pub const DEAD: &str = "jidiao.dead";
/// Deliveries a job queue makes before it dead-letters a job: the broker
/// dead-letters a message returned more than this many times, so a job gets
/// `DELIVERY_LIMIT + 1` attempts and the last one carries
/// `x-delivery-count = DELIVERY_LIMIT`.
pub const DELIVERY_LIMIT: u32 = 5;

/// The arguments of both job queues.
pub fn job_queue_arguments() -> FieldTable {
    let mut args = FieldTable::default();
    args.insert(ShortString::from("x-queue-type"), long_string("quorum"));
    args.insert(ShortString::from("x-delivery-limit"), AMQPValue::LongInt(DELIVERY_LIMIT as i32));
    args.insert(ShortString::from("x-dead-letter-exchange"), long_string(DEAD));
    args.insert(ShortString::from("x-dead-letter-strategy"), long_string("at-least-once"));
    args.insert(ShortString::from("x-overflow"), long_string("reject-publish"));
    args
}

/// The arguments of `jidiao.dead`.
pub fn dead_queue_arguments() -> FieldTable {
    let mut args = FieldTable::default();
    args.insert(ShortString::from("x-queue-type"), long_string("quorum"));
    args
}

fn long_string(s: &str) -> AMQPValue {
    AMQPValue::LongString(LongString::from(s))
}

fn durable() -> QueueDeclareOptions {
    QueueDeclareOptions { durable: true, ..QueueDeclareOptions::default() }
}

/// Declares the exchanges, the queues and the dead-letter binding. Idempotent:
/// the same declaration on an existing, identical topology is a no-op.
pub async fn declare(channel: &Channel) -> lapin::Result<()> {
    let exchange = ExchangeDeclareOptions { durable: true, ..ExchangeDeclareOptions::default() };
    channel.exchange_declare(RESULTS.into(), ExchangeKind::Topic, exchange, FieldTable::default()).await?;
    channel.exchange_declare(DEAD.into(), ExchangeKind::Fanout, exchange, FieldTable::default()).await?;
    channel.queue_declare(DEAD.into(), durable(), dead_queue_arguments()).await?;
    channel.queue_bind(DEAD.into(), DEAD.into(), "".into(), QueueBindOptions::default(), FieldTable::default()).await?;
    for queue in [JOBS, INTERACTIVE] {
        channel.queue_declare(queue.into(), durable(), job_queue_arguments()).await?;
    }
    Ok(())
}
