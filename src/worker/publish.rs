//! Publishing a result: to `jidiao.results` (the system of record) and to the
//! job's `reply_to`, persistent, `mandatory`, on a channel in confirm mode;
//! done only when the broker has confirmed both, within a time limit.

use super::amqp::{result_properties, short};
use super::topology::RESULTS;
use lapin::options::BasicPublishOptions;
use lapin::Channel;
use lapin::Confirmation;
use std::time::Duration;

/// A channel in confirm mode and the longest wait for a confirm.
#[derive(Clone)]
pub struct Publisher {
    channel: Channel,
    confirm_timeout: Duration,
}

/// A result to publish.
#[derive(Debug)]
pub struct ResultMessage<'a> {
    /// The job's id (`message_id`).
    pub job_id: &'a str,
    /// `result.<kind>.<status>`.
    pub routing_key: &'a str,
    /// The status (header `jidiao-status`).
    pub status: &'a str,
    /// The result document.
    pub body: &'a [u8],
    /// Echoed `correlation_id`.
    pub correlation_id: Option<&'a str>,
    /// The job's `reply_to`, if any.
    pub reply_to: Option<&'a str>,
}

/// Both copies confirmed; which (if any) the broker returned as unroutable.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Confirmed {
    /// No queue is bound to `jidiao.results` for this routing key.
    pub results_unroutable: bool,
    /// The `reply_to` queue does not exist (any more).
    pub reply_unroutable: bool,
}

/// Why a result is not confirmed: the job must not be acknowledged.
#[derive(Debug)]
pub enum PublishError {
    /// The channel or connection failed.
    Broker(lapin::Error),
    /// The broker refused the message (`basic.nack`).
    Nacked,
    /// No confirm within the time limit (a resource alarm stalls them).
    TimedOut(Duration),
    /// The channel is not in confirm mode (a bug).
    NotConfirmed,
}

impl std::fmt::Display for PublishError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PublishError::Broker(e) => write!(f, "broker error: {e}"),
            PublishError::Nacked => f.write_str("the broker nacked the result"),
            PublishError::TimedOut(d) => write!(f, "no publisher confirm within {} s", d.as_secs_f64()),
            PublishError::NotConfirmed => f.write_str("the channel is not in confirm mode"),
        }
    }
}

impl PublishError {
    /// The metric label.
    pub fn reason(&self) -> &'static str {
        match self {
            PublishError::Broker(_) => "publish_error",
            PublishError::Nacked => "publish_nacked",
            PublishError::TimedOut(_) => "confirm_timeout",
            PublishError::NotConfirmed => "publish_unconfirmed",
        }
    }
}

/// Whether a confirm says "stored", and whether the message was returned unroutable.
fn unroutable(confirmation: Confirmation) -> Result<bool, PublishError> {
    match confirmation {
        Confirmation::Ack(returned) => Ok(returned.is_some()),
        Confirmation::Nack(_) => Err(PublishError::Nacked),
        Confirmation::NotRequested => Err(PublishError::NotConfirmed),
    }
}

impl Publisher {
    /// A publisher on `channel`, which must already be in confirm mode.
    pub fn new(channel: Channel, confirm_timeout: Duration) -> Publisher {
        Publisher { channel, confirm_timeout }
    }

    /// Publishes both copies and waits for both confirms.
    pub async fn publish(&self, msg: &ResultMessage<'_>) -> Result<Confirmed, PublishError> {
        let props = result_properties(msg.job_id, msg.correlation_id, msg.status);
        let options = BasicPublishOptions { mandatory: true, ..BasicPublishOptions::default() };
        let confirmed = async {
            let results = self
                .channel
                .basic_publish(RESULTS.into(), short(msg.routing_key), options, msg.body, props.clone())
                .await
                .map_err(PublishError::Broker)?;
            let reply = match msg.reply_to {
                Some(queue) => Some(
                    self.channel
                        .basic_publish("".into(), short(queue), options, msg.body, props)
                        .await
                        .map_err(PublishError::Broker)?,
                ),
                None => None,
            };
            let results_unroutable = unroutable(results.await.map_err(PublishError::Broker)?)?;
            let reply_unroutable = match reply {
                Some(confirm) => unroutable(confirm.await.map_err(PublishError::Broker)?)?,
                None => false,
            };
            Ok(Confirmed { results_unroutable, reply_unroutable })
        };
        match tokio::time::timeout(self.confirm_timeout, confirmed).await {
            Ok(outcome) => outcome,
            Err(_) => Err(PublishError::TimedOut(self.confirm_timeout)),
        }
    }
}
