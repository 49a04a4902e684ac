//! The job step: one message in, one outcome out. A plain, synchronous
//! function with no broker types, so tests call it directly and the consume
//! loop stays thin. It runs on a blocking thread, never on the async runtime.
//!
//! The decision table (what the broker must do) lives here and only here:
//!
//! | message | result published | then |
//! | --- | --- | --- |
//! | solved (any status, `invalid` included) | yes | ack |
//! | larger than the size limit, not UTF-8, not JSON | `invalid` | ack |
//! | the solver panicked or overran, attempts left | none | requeue |
//! | the solver panicked or overran, last attempt | `error` | requeue: the broker dead-letters it |
//!
//! The body's `job_id` wins over the `message_id` property; the `message_id`
//! names a result only when the body has no readable `job_id`.

use jidiao_solver::contract::JobResult;
use jidiao_solver::contract::{DiagnosisItem, JobKind, PlanResult, Status};
use jidiao_solver::progress::ProgressSink;
use jidiao_solver::{parse, result, run_parsed_document, SolveContext};
use serde_json::Value;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// What the step needs to know of a message besides its body.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct JobProps {
    /// The `message_id` property.
    pub message_id: Option<String>,
    /// The `correlation_id` property, echoed on the result.
    pub correlation_id: Option<String>,
    /// The `reply_to` property: a queue that also gets the result.
    pub reply_to: Option<String>,
    /// The broker's `redelivered` flag.
    pub redelivered: bool,
    /// The `x-delivery-count` header of quorum queues: earlier attempts (0 on the first).
    pub delivery_count: u32,
    /// The optional `jidiao-time-limit-s` header: the sender's cap on the solve time.
    pub time_limit_s: Option<f64>,
}

/// The worker's settings the step obeys.
#[derive(Clone, Debug)]
pub struct StepConfig {
    /// Largest accepted body, bytes.
    pub max_message_bytes: usize,
    /// Time limit, gap and size limits of every solve.
    pub solve: SolveContext,
    /// The queues' `x-delivery-limit`.
    pub delivery_limit: u32,
    /// Test-only: the solve of this job id panics (`JIDIAO_TEST_PANIC_JOB_ID`).
    pub test_panic_job_id: Option<String>,
    /// Test-only: jobs whose id contains this marker sleep this long before
    /// solving, so tests can act "mid-solve" however fast the solver gets
    /// (`JIDIAO_TEST_SLOW_JOB=marker:seconds`).
    pub test_slow_job: Option<(String, std::time::Duration)>,
}

/// What the consume loop must do with the message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AckDecision {
    /// Acknowledge, once the result is confirmed: the job is done.
    Ack,
    /// Return it to its queue (a further attempt, or the dead-letter queue after the limit).
    Requeue,
}

/// Why an attempt produced no answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Failure {
    /// The solver panicked.
    Panic,
    /// The solver ran past its time limit and the worker's margin.
    Overran,
}

impl Failure {
    /// The metric label.
    pub fn as_str(self) -> &'static str {
        match self {
            Failure::Panic => "panic",
            Failure::Overran => "overran",
        }
    }
}

/// The outcome of one step.
#[derive(Clone, Debug)]
pub struct StepOutcome {
    /// The job's id (the body's, else the `message_id`, else empty).
    pub job_id: String,
    /// The job's kind (`plan` when unreadable).
    pub kind: JobKind,
    /// The status of the result.
    pub status: Status,
    /// The result document to publish; `None` when there is nothing to publish yet.
    pub result_json: Option<Vec<u8>>,
    /// `result.<kind>.<status>`.
    pub routing_key: String,
    /// Ack or requeue, after the result (if any) is confirmed.
    pub ack: AckDecision,
    /// Why the attempt failed, if it did.
    pub failure: Option<Failure>,
}

/// A message read up to the solve: its identity, and either a finished result
/// (unreadable messages) or the JSON document to solve.
#[derive(Debug)]
pub struct Opened {
    job_id: String,
    kind: JobKind,
    body: Body,
}

#[derive(Debug)]
enum Body {
    Answered(Box<PlanResult>),
    Json(Value),
}

impl Opened {
    /// The job's id as far as it is known before solving.
    pub fn job_id(&self) -> &str {
        &self.job_id
    }

    /// The job's kind as far as it is known before solving.
    pub fn kind(&self) -> JobKind {
        self.kind
    }
}

/// The whole step: [`open`] then [`finish`] (the worker calls the two
/// halves itself, to name the job in its log span between them).
#[cfg(test)]
pub fn step(body: &[u8], props: &JobProps, cfg: &StepConfig) -> StepOutcome {
    finish(open(body, props, cfg), props, cfg, None)
}

/// Reads a message: size limit, encoding, JSON. Cheap next to a solve.
pub fn open(body: &[u8], props: &JobProps, cfg: &StepConfig) -> Opened {
    let fallback_id = props.message_id.clone().unwrap_or_default();
    let invalid = |code: &str, message: String| Opened {
        job_id: fallback_id.clone(),
        kind: JobKind::Plan,
        body: Body::Answered(Box::new(result(
            fallback_id.clone(),
            JobKind::Plan,
            Status::Invalid,
            vec![DiagnosisItem::at(code, "", message)],
        ))),
    };
    if body.len() > cfg.max_message_bytes {
        return invalid(
            "too_large",
            format!(
                "the message is {} bytes; this service accepts at most {} bytes",
                body.len(),
                cfg.max_message_bytes
            ),
        );
    }
    let Ok(text) = std::str::from_utf8(body) else {
        return invalid("bad_encoding", "the job is not UTF-8 text".to_string());
    };
    match serde_json::from_str::<Value>(text) {
        Ok(value) => {
            let job_id = match value.get("job_id") {
                Some(Value::String(id)) if !id.trim().is_empty() => id.clone(),
                _ => fallback_id,
            };
            let kind = value.get("kind").and_then(Value::as_str).and_then(kind_named).unwrap_or(JobKind::Plan);
            Opened { job_id, kind, body: Body::Json(value) }
        }
        // The same words as `jidiao plan` for the same bytes.
        Err(_) => match parse::parse_job(text) {
            Err(rejected) => Opened {
                job_id: fallback_id.clone(),
                kind: JobKind::Plan,
                body: Body::Answered(Box::new(result(fallback_id, JobKind::Plan, Status::Invalid, rejected.problems))),
            },
            Ok(_) => invalid("bad_json", "the job is not valid JSON".to_string()),
        },
    }
}

/// Solves an opened message, a panic included, and decides ack or requeue. `progress`
/// receives the progress of long solves (batches).
pub fn finish(opened: Opened, props: &JobProps, cfg: &StepConfig, progress: Option<ProgressSink>) -> StepOutcome {
    let Opened { job_id, kind, body } = opened;
    let value = match body {
        Body::Answered(result) => return answered((*result).into(), &job_id),
        Body::Json(value) => value,
    };
    let mut ctx = cfg.solve.clone();
    if progress.is_some() {
        ctx.progress = progress;
    }
    if let Some(cap) = props.time_limit_s.filter(|t| t.is_finite() && *t > 0.0) {
        ctx.time_limit_s = ctx.time_limit_s.min(cap);
    }
    let solved = catch_unwind(AssertUnwindSafe(|| {
        if cfg.test_panic_job_id.as_deref() == Some(job_id.as_str()) {
            panic!("JIDIAO_TEST_PANIC_JOB_ID names job {job_id}");
        }
        if let Some((marker, pause)) = &cfg.test_slow_job {
            if job_id.contains(marker.as_str()) {
                std::thread::sleep(*pause);
            }
        }
        match parse::parse_value(&value) {
            Ok(job) => run_parsed_document(&job, &ctx),
            Err(rejected) => {
                result(rejected.job_id, rejected.kind.unwrap_or(kind), Status::Invalid, rejected.problems).into()
            }
        }
    }));
    match solved {
        Ok(result) => answered(result, &job_id),
        Err(payload) => {
            let detail = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "no message".to_string());
            failed_attempt(job_id, kind, props, cfg, Failure::Panic, &format!("the solver panicked: {detail}"))
        }
    }
}

/// An attempt without an answer: requeue it; on its last attempt publish an
/// `error` result first (the broker then dead-letters the job).
pub fn failed_attempt(
    job_id: String,
    kind: JobKind,
    props: &JobProps,
    cfg: &StepConfig,
    failure: Failure,
    detail: &str,
) -> StepOutcome {
    let last = props.delivery_count >= cfg.delivery_limit;
    let result_json = last.then(|| {
        let attempts = cfg.delivery_limit + 1;
        let code = match failure {
            Failure::Panic => "solver_panic",
            Failure::Overran => "solver_overran",
        };
        let message = format!("{detail}; the job failed on its last of {attempts} attempts and goes to jidiao.dead");
        to_json(&result(job_id.clone(), kind, Status::Error, vec![DiagnosisItem::general(code, message)]))
    });
    StepOutcome {
        routing_key: routing_key(kind, Status::Error),
        job_id,
        kind,
        status: Status::Error,
        result_json,
        ack: AckDecision::Requeue,
        failure: Some(failure),
    }
}

fn answered(mut result: JobResult, job_id: &str) -> StepOutcome {
    if result.job_id().is_empty() {
        result.set_job_id(job_id.to_string());
    }
    StepOutcome {
        job_id: result.job_id().to_string(),
        kind: result.kind(),
        status: result.status(),
        routing_key: routing_key(result.kind(), result.status()),
        result_json: Some(to_json(&result)),
        ack: AckDecision::Ack,
        failure: None,
    }
}

/// `result.<kind>.<status>`.
pub fn routing_key(kind: JobKind, status: Status) -> String {
    format!("result.{}.{}", kind.as_str(), status.as_str())
}

fn to_json<R: serde::Serialize + ResultHead>(result: &R) -> Vec<u8> {
    serde_json::to_vec(result).unwrap_or_else(|e| {
        let fallback = jidiao_solver::result(
            result.head().0,
            result.head().1,
            Status::Error,
            vec![DiagnosisItem::general("unserialisable", format!("the result could not be written: {e}"))],
        );
        serde_json::to_vec(&fallback).unwrap_or_default()
    })
}

fn kind_named(name: &str) -> Option<JobKind> {
    [JobKind::Plan, JobKind::Batch, JobKind::Whatif, JobKind::Replan].into_iter().find(|k| k.as_str() == name)
}

/// The job id and kind of any result document, for the fallback result.
trait ResultHead {
    fn head(&self) -> (String, JobKind);
}

impl ResultHead for PlanResult {
    fn head(&self) -> (String, JobKind) {
        (self.job_id.clone(), self.kind)
    }
}

impl ResultHead for JobResult {
    fn head(&self) -> (String, JobKind) {
        (self.job_id().to_string(), self.kind())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg() -> StepConfig {
        StepConfig {
            max_message_bytes: 1 << 20,
            solve: SolveContext::default(),
            delivery_limit: 5,
            test_panic_job_id: Some("PANIC-1".into()),
            test_slow_job: None,
        }
    }

    fn props(message_id: &str) -> JobProps {
        JobProps { message_id: Some(message_id.into()), ..JobProps::default() }
    }

    fn body_of(out: &StepOutcome) -> Value {
        serde_json::from_slice(out.result_json.as_deref().unwrap()).unwrap()
    }

    #[test]
    fn bad_json_is_invalid_and_acked_under_the_message_id() {
        let out = step(b"{not json", &props("M-1"), &cfg());
        assert_eq!((out.status, out.ack, out.job_id.as_str()), (Status::Invalid, AckDecision::Ack, "M-1"));
        assert_eq!(out.routing_key, "result.plan.invalid");
        assert_eq!(body_of(&out)["diagnosis"][0]["code"], "bad_json");
    }

    #[test]
    fn oversized_and_non_utf8_messages_are_invalid() {
        let mut c = cfg();
        c.max_message_bytes = 8;
        let out = step(b"0123456789", &props("M-2"), &c);
        assert_eq!((out.status, out.ack), (Status::Invalid, AckDecision::Ack));
        assert_eq!(body_of(&out)["diagnosis"][0]["code"], "too_large");
        let out = step(&[0xff, 0xfe], &props("M-3"), &cfg());
        assert_eq!(body_of(&out)["diagnosis"][0]["code"], "bad_encoding");
    }

    #[test]
    fn the_body_job_id_wins_and_a_wrong_schema_is_invalid() {
        let out = step(br#"{"schema": "jidiao/v0", "kind": "plan", "job_id": "BODY-1"}"#, &props("M-4"), &cfg());
        assert_eq!((out.status, out.job_id.as_str()), (Status::Invalid, "BODY-1"));
        assert_eq!(body_of(&out)["job_id"], "BODY-1");
    }

    #[test]
    fn a_panic_is_requeued_silently_until_the_last_attempt() {
        let body = br#"{"schema": "jidiao/v1", "kind": "plan", "job_id": "PANIC-1"}"#;
        let out = step(body, &props("M-5"), &cfg());
        assert_eq!(
            (out.ack, out.failure, out.result_json.is_none()),
            (AckDecision::Requeue, Some(Failure::Panic), true)
        );
        let last = JobProps { delivery_count: 5, redelivered: true, ..props("M-5") };
        let out = step(body, &last, &cfg());
        assert_eq!((out.ack, out.status), (AckDecision::Requeue, Status::Error));
        assert_eq!(out.routing_key, "result.plan.error");
        assert_eq!(body_of(&out)["diagnosis"][0]["code"], "solver_panic");
    }
}
