//! The one place where broker types meet the step's plain types: message
//! properties in, result properties out.

use super::step::JobProps;
use lapin::types::{AMQPValue, FieldTable, LongString, ShortString};
use lapin::BasicProperties;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Header: the status of a result.
pub const STATUS_HEADER: &str = "jidiao-status";
/// Header: when the sender published the job, milliseconds since the Unix epoch (optional).
pub const SENT_MS_HEADER: &str = "jidiao-sent-ms";
/// Header: the sender's cap on the solve time, seconds (optional).
pub const TIME_LIMIT_HEADER: &str = "jidiao-time-limit-s";
/// Header set by quorum queues: earlier delivery attempts.
pub const DELIVERY_COUNT_HEADER: &str = "x-delivery-count";

/// A short string of at most 255 bytes (AMQP's limit), cut at a character boundary.
pub fn short(s: &str) -> ShortString {
    let mut end = s.len().min(255);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    ShortString::try_new(&s[..end]).unwrap_or_default()
}

fn header<'a>(props: &'a BasicProperties, name: &str) -> Option<&'a AMQPValue> {
    props.headers().as_ref()?.inner().get(name)
}

fn as_f64(value: &AMQPValue) -> Option<f64> {
    Some(match value {
        AMQPValue::ShortShortInt(v) => f64::from(*v),
        AMQPValue::ShortShortUInt(v) => f64::from(*v),
        AMQPValue::ShortInt(v) => f64::from(*v),
        AMQPValue::ShortUInt(v) => f64::from(*v),
        AMQPValue::LongInt(v) => f64::from(*v),
        AMQPValue::LongUInt(v) => f64::from(*v),
        AMQPValue::LongLongInt(v) => *v as f64,
        AMQPValue::Timestamp(v) => *v as f64,
        AMQPValue::Float(v) => f64::from(*v),
        AMQPValue::Double(v) => *v,
        AMQPValue::LongString(s) => std::str::from_utf8(s.as_bytes()).ok()?.trim().parse().ok()?,
        AMQPValue::ShortString(s) => s.as_str().trim().parse().ok()?,
        _ => return None,
    })
}

/// The step's view of a delivery's properties.
pub fn job_props(props: &BasicProperties, redelivered: bool) -> JobProps {
    let text = |v: &Option<ShortString>| v.as_ref().map(|s| s.as_str().to_string()).filter(|s| !s.is_empty());
    JobProps {
        message_id: text(props.message_id()),
        correlation_id: text(props.correlation_id()),
        reply_to: text(props.reply_to()),
        redelivered,
        delivery_count: header(props, DELIVERY_COUNT_HEADER)
            .and_then(as_f64)
            .map(|n| n.clamp(0.0, f64::from(u32::MAX)) as u32)
            .unwrap_or(0),
        time_limit_s: header(props, TIME_LIMIT_HEADER).and_then(as_f64),
    }
}

/// When the job was published: the `jidiao-sent-ms` header, else the `timestamp` property (whole seconds).
pub fn sent_at(props: &BasicProperties) -> Option<SystemTime> {
    if let Some(ms) = header(props, SENT_MS_HEADER).and_then(as_f64).filter(|ms| *ms >= 0.0) {
        return UNIX_EPOCH.checked_add(Duration::from_secs_f64(ms / 1000.0));
    }
    props.timestamp().and_then(|s| UNIX_EPOCH.checked_add(Duration::from_secs(s)))
}

/// Milliseconds since the Unix epoch, for the `jidiao-sent-ms` header.
pub fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
}

/// The properties of a result: persistent JSON, `message_id` = job id,
/// `correlation_id` echoed, header `jidiao-status`.
pub fn result_properties(job_id: &str, correlation_id: Option<&str>, status: &str) -> BasicProperties {
    let mut headers = FieldTable::default();
    headers.insert(short(STATUS_HEADER), AMQPValue::LongString(LongString::from(status)));
    let secs = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let props = BasicProperties::default()
        .with_content_type(short("application/json"))
        .with_delivery_mode(2)
        .with_message_id(short(job_id))
        .with_timestamp(secs)
        .with_headers(headers);
    match correlation_id {
        Some(c) => props.with_correlation_id(short(c)),
        None => props,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn properties_become_job_props() {
        let mut headers = FieldTable::default();
        headers.insert(short(DELIVERY_COUNT_HEADER), AMQPValue::LongLongInt(3));
        headers.insert(short(TIME_LIMIT_HEADER), AMQPValue::LongString(LongString::from("12.5")));
        let props = BasicProperties::default()
            .with_message_id(short("J-1"))
            .with_correlation_id(short("C-1"))
            .with_reply_to(short("amq.gen-x"))
            .with_headers(headers);
        let p = job_props(&props, true);
        assert_eq!(p.message_id.as_deref(), Some("J-1"));
        assert_eq!(p.correlation_id.as_deref(), Some("C-1"));
        assert_eq!(p.reply_to.as_deref(), Some("amq.gen-x"));
        assert_eq!((p.redelivered, p.delivery_count, p.time_limit_s), (true, 3, Some(12.5)));
    }

    #[test]
    fn long_ids_are_cut_at_a_character_boundary() {
        let id = "计".repeat(100);
        assert_eq!(short(&id).as_str().len(), 255);
    }
}
