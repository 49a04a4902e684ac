//! Test harness for `tests/worker.rs` (and the load benchmark): the real
//! RabbitMQ on 127.0.0.1:5672, worker processes spawned from the built
//! binary, and an AMQP client that publishes jobs and collects results.
//!
//! The topology names are fixed by the contract, so every scenario takes a
//! process-wide lock, purges the queues first, and runs alone.
#![allow(dead_code)]

use futures_lite::StreamExt;
use lapin::options::{
    BasicAckOptions, BasicConsumeOptions, BasicGetOptions, BasicPublishOptions, ConfirmSelectOptions,
    ExchangeDeclareOptions, QueueBindOptions, QueueDeclareOptions, QueuePurgeOptions,
};
use lapin::types::{AMQPValue, FieldTable, LongString, ShortString};
use lapin::{BasicProperties, Channel, Confirmation, Connection, ConnectionProperties, Consumer, ExchangeKind};
use serde_json::Value;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// The broker every test uses.
pub const URL: &str = "amqp://guest:guest@127.0.0.1:5672/%2f";
/// Contract names.
pub const JOBS: &str = "jidiao.jobs";
/// Contract names.
pub const INTERACTIVE: &str = "jidiao.jobs.interactive";
/// Contract names.
pub const RESULTS: &str = "jidiao.results";
/// Contract names.
pub const DEAD: &str = "jidiao.dead";
/// The tests' own queue on `jidiao.results` (`result.#`); it outlives client reconnections.
pub const TEST_RESULTS: &str = "jidiao-test.results";

static SERIAL: Mutex<()> = Mutex::new(());
static WORKERS: AtomicUsize = AtomicUsize::new(0);

/// Runs scenarios one at a time (they share the contract's queues).
pub fn serial() -> MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A multi-threaded runtime for one scenario.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap()
}

fn broker_port_open() -> bool {
    let addr: SocketAddr = "127.0.0.1:5672".parse().unwrap();
    TcpStream::connect_timeout(&addr, Duration::from_secs(1)).is_ok()
}

/// Makes sure RabbitMQ answers on 127.0.0.1:5672, starting it (`rabbitmq-server -detached`,
/// or `rabbitmqctl start_app` for a stopped app) if needed; panics if it cannot.
pub fn ensure_broker() {
    if broker_port_open() {
        return;
    }
    eprintln!("RabbitMQ is not answering on 127.0.0.1:5672; starting it");
    let app = Command::new("rabbitmqctl").args(["start_app"]).output();
    if !matches!(&app, Ok(o) if o.status.success()) {
        let started = Command::new("rabbitmq-server").arg("-detached").status();
        assert!(
            matches!(started, Ok(s) if s.success()),
            "cannot run `rabbitmq-server -detached` ({started:?}); the worker tests need RabbitMQ on 127.0.0.1:5672"
        );
    }
    let deadline = Instant::now() + Duration::from_secs(90);
    while Instant::now() < deadline {
        if broker_port_open() {
            let _ = Command::new("rabbitmqctl").args(["await_startup", "--timeout", "30"]).status();
            return;
        }
        std::thread::sleep(Duration::from_millis(500));
    }
    panic!("RabbitMQ did not start on 127.0.0.1:5672 within 90 s");
}

/// Runs `rabbitmqctl ARGS`, panicking on failure.
pub fn rabbitmqctl(args: &[&str]) {
    let out = Command::new("rabbitmqctl").args(args).output().expect("rabbitmqctl runs");
    assert!(out.status.success(), "rabbitmqctl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// A unique suffix for job ids of this test run.
pub fn unique() -> String {
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_nanos();
    format!("{}-{}", std::process::id(), nanos % 1_000_000_000_000)
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A fixture with a fresh job id: (job id, JSON text).
pub fn fixture(name: &str, tag: &str) -> (String, String) {
    let path = format!("{}/fixtures/plan/{name}.job.json", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    with_job_id(&text, tag)
}

/// A `fixtures/batch/` job with a fresh job id: (job id, JSON text).
pub fn batch_fixture(name: &str, tag: &str) -> (String, String) {
    let path = format!("{}/fixtures/batch/{name}.job.json", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    with_job_id(&text, tag)
}

/// `text` with its job id suffixed by `tag`: (job id, JSON text).
pub fn with_job_id(text: &str, tag: &str) -> (String, String) {
    let mut job: Value = serde_json::from_str(text).unwrap();
    let id = format!("{}-{tag}", job["job_id"].as_str().unwrap_or("JOB"));
    job["job_id"] = Value::String(id.clone());
    (id, serde_json::to_string(&job).unwrap())
}

/// The names of every `fixtures/plan/*.job.json`.
pub fn plan_fixtures() -> Vec<String> {
    let dir = format!("{}/fixtures/plan", env!("CARGO_MANIFEST_DIR"));
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().to_str()?.strip_suffix(".job.json").map(str::to_string))
        .collect();
    names.sort();
    names
}

/// A `jidiao worker` child process; killed (SIGKILL) when dropped.
pub struct Worker {
    child: Child,
    /// Port of its HTTP endpoint.
    pub port: u16,
    /// Its stderr.
    pub log: PathBuf,
}

impl Worker {
    /// Starts a worker (2 slots unless `env` says otherwise) and waits until `/readyz` says ready.
    pub fn start(env: &[(&str, &str)]) -> Worker {
        let port = free_port();
        let n = WORKERS.fetch_add(1, Ordering::SeqCst);
        let log = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("worker-{}-{n}.log", std::process::id()));
        let stderr = std::fs::File::create(&log).unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_jidiao"))
            .arg("worker")
            .env("AMQP_URL", URL)
            .env("JIDIAO_METRICS_ADDR", format!("127.0.0.1:{port}"))
            .env("JIDIAO_SLOTS", "2")
            .env("JIDIAO_RECONNECT_MAX_S", "1")
            .env("RUST_LOG", "info,lapin=warn,lapin::returned_messages=error")
            .env_remove("JIDIAO_TEST_PANIC_JOB_ID")
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(stderr)
            .spawn()
            .expect("the jidiao binary starts");
        let mut worker = Worker { child, port, log };
        worker.wait_ready(Duration::from_secs(30));
        worker
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Its log so far.
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Waits for `/readyz` to answer 200; panics (with the log) after `timeout`.
    pub fn wait_ready(&mut self, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("the worker exited ({status}) before it was ready:\n{}", self.log_text());
            }
            if matches!(self.get("/readyz"), Some((200, _))) {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("the worker was not ready within {timeout:?}:\n{}", self.log_text());
    }

    /// `GET path` on its HTTP endpoint: (status, body), `None` if it does not answer.
    pub fn get(&self, path: &str) -> Option<(u16, String)> {
        let addr: SocketAddr = format!("127.0.0.1:{}", self.port).parse().unwrap();
        let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(1)).ok()?;
        s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
        write!(s, "GET {path} HTTP/1.0\r\nHost: localhost\r\n\r\n").ok()?;
        let mut text = String::new();
        s.read_to_string(&mut text).ok()?;
        let status = text.split_whitespace().nth(1)?.parse().ok()?;
        let body = text.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default();
        Some((status, body))
    }

    /// The value of one metric line (`name{labels}`), 0 when absent.
    pub fn metric(&self, series: &str) -> f64 {
        let Some((200, text)) = self.get("/metrics") else { return f64::NAN };
        text.lines().find_map(|l| l.strip_prefix(series)?.strip_prefix(' ')?.trim().parse().ok()).unwrap_or(0.0)
    }

    /// Waits until `series` satisfies `ok`; panics (with the log) after `timeout`.
    pub async fn wait_metric(&self, series: &str, ok: impl Fn(f64) -> bool, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if ok(self.metric(series)) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("{series} = {} after {timeout:?}:\n{}", self.metric(series), self.log_text());
    }

    /// Sends SIGTERM.
    pub fn sigterm(&self) {
        let ok = Command::new("kill").args(["-TERM", &self.pid().to_string()]).status().unwrap().success();
        assert!(ok, "kill -TERM failed");
    }

    /// SIGKILL, as a crash would.
    pub fn kill9(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Waits for the process to exit; panics (with the log) after `timeout`.
    pub async fn wait_exit(&mut self, timeout: Duration) -> ExitStatus {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the worker did not exit within {timeout:?}:\n{}", self.log_text());
    }

    /// Still running?
    pub fn alive(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            let log = self.log_text();
            let tail: Vec<&str> = log.lines().rev().take(60).collect();
            eprintln!("--- worker log (last lines, newest first) {} ---", self.log.display());
            for line in tail {
                eprintln!("{line}");
            }
        }
    }
}

/// A result as the tests see it.
#[derive(Clone, Debug)]
pub struct Received {
    /// `message_id`.
    pub job_id: String,
    /// `correlation_id`.
    pub correlation_id: Option<String>,
    /// Header `jidiao-status`.
    pub status_header: Option<String>,
    /// Routing key.
    pub routing_key: String,
    /// `content_type`.
    pub content_type: Option<String>,
    /// `delivery_mode`.
    pub delivery_mode: Option<u8>,
    /// The result document.
    pub body: Value,
}

impl Received {
    /// The result's status.
    pub fn status(&self) -> &str {
        self.body["status"].as_str().unwrap_or("")
    }
}

fn text(v: &Option<ShortString>) -> Option<String> {
    v.as_ref().map(|s| s.as_str().to_string())
}

fn received(d: &lapin::message::Delivery) -> Received {
    let p = &d.properties;
    let status_header = p.headers().as_ref().and_then(|h| match h.inner().get("jidiao-status") {
        Some(AMQPValue::LongString(s)) => Some(String::from_utf8_lossy(s.as_bytes()).into_owned()),
        _ => None,
    });
    Received {
        job_id: text(p.message_id()).unwrap_or_default(),
        correlation_id: text(p.correlation_id()),
        status_header,
        routing_key: d.routing_key.as_str().to_string(),
        content_type: text(p.content_type()),
        delivery_mode: *p.delivery_mode(),
        body: serde_json::from_slice(&d.data).unwrap_or(Value::Null),
    }
}

/// An AMQP client: publishes jobs, collects results from [`TEST_RESULTS`].
pub struct Client {
    /// The connection.
    pub conn: Connection,
    /// A channel in confirm mode.
    pub ch: Channel,
    results: Consumer,
    /// Every result received, in arrival order.
    pub seen: Vec<Received>,
}

fn str_arg(s: &str) -> AMQPValue {
    AMQPValue::LongString(LongString::from(s))
}

/// The contract's job queue arguments, written out independently of the worker's code:
/// if the worker ever declares them differently, the broker refuses one of the two.
pub fn contract_job_queue_args() -> FieldTable {
    let mut a = FieldTable::default();
    a.insert("x-queue-type".into(), str_arg("quorum"));
    a.insert("x-delivery-limit".into(), AMQPValue::LongInt(5));
    a.insert("x-dead-letter-exchange".into(), str_arg(DEAD));
    a.insert("x-dead-letter-strategy".into(), str_arg("at-least-once"));
    a.insert("x-overflow".into(), str_arg("reject-publish"));
    a
}

impl Client {
    /// Connects, declares the topology and the test results queue.
    pub async fn connect() -> Client {
        let conn =
            Connection::connect(URL, ConnectionProperties::default().with_connection_name("jidiao tests".into()))
                .await
                .expect("the tests connect to RabbitMQ");
        let ch = conn.create_channel().await.unwrap();
        let durable = QueueDeclareOptions { durable: true, ..QueueDeclareOptions::default() };
        let ex = ExchangeDeclareOptions { durable: true, ..ExchangeDeclareOptions::default() };
        ch.exchange_declare(RESULTS.into(), ExchangeKind::Topic, ex, FieldTable::default()).await.unwrap();
        ch.exchange_declare(DEAD.into(), ExchangeKind::Fanout, ex, FieldTable::default()).await.unwrap();
        let mut quorum = FieldTable::default();
        quorum.insert("x-queue-type".into(), str_arg("quorum"));
        ch.queue_declare(DEAD.into(), durable, quorum).await.unwrap();
        ch.queue_bind(DEAD.into(), DEAD.into(), "".into(), QueueBindOptions::default(), FieldTable::default())
            .await
            .unwrap();
        for q in [JOBS, INTERACTIVE] {
            ch.queue_declare(q.into(), durable, contract_job_queue_args()).await.unwrap();
        }
        let mut args = FieldTable::default();
        args.insert("x-expires".into(), AMQPValue::LongInt(600_000));
        ch.queue_declare(TEST_RESULTS.into(), durable, args).await.unwrap();
        ch.queue_bind(
            TEST_RESULTS.into(),
            RESULTS.into(),
            "result.#".into(),
            QueueBindOptions::default(),
            FieldTable::default(),
        )
        .await
        .unwrap();
        ch.confirm_select(ConfirmSelectOptions::default()).await.unwrap();
        let consumer_ch = conn.create_channel().await.unwrap();
        let results = consumer_ch
            .basic_consume(
                TEST_RESULTS.into(),
                "jidiao-tests".into(),
                BasicConsumeOptions { no_ack: true, ..BasicConsumeOptions::default() },
                FieldTable::default(),
            )
            .await
            .unwrap();
        Client { conn, ch, results, seen: Vec::new() }
    }

    /// Connects and empties the job queues, the dead-letter queue and the test results queue.
    pub async fn fresh() -> Client {
        let client = Client::connect().await;
        for q in [JOBS, INTERACTIVE, DEAD, TEST_RESULTS] {
            client.ch.queue_purge(q.into(), QueuePurgeOptions::default()).await.unwrap();
        }
        client
    }

    /// Publishes `body` to `queue` (default exchange), persistent, confirmed.
    pub async fn publish(&self, queue: &str, body: &[u8], props: BasicProperties) {
        let options = BasicPublishOptions { mandatory: true, ..BasicPublishOptions::default() };
        let confirm =
            self.ch.basic_publish("".into(), queue.into(), options, body, props).await.unwrap().await.unwrap();
        assert!(matches!(confirm, Confirmation::Ack(None)), "publishing to {queue}: {confirm:?}");
    }

    /// Publishes a job the way the contract says: JSON, persistent, `message_id` = job id.
    pub async fn submit(&self, queue: &str, job_id: &str, body: &[u8]) {
        self.publish(queue, body, job_props(job_id)).await;
    }

    /// Waits for the next result; panics after `timeout`.
    pub async fn next(&mut self, timeout: Duration) -> Received {
        let d = tokio::time::timeout(timeout, self.results.next())
            .await
            .unwrap_or_else(|_| panic!("no result within {timeout:?}; seen so far: {:?}", ids(&self.seen)))
            .expect("the results consumer ended")
            .expect("the results consumer failed");
        let r = received(&d);
        self.seen.push(r.clone());
        r
    }

    /// Waits for a result of `job_id` (keeping every other one in `seen`).
    pub async fn result_for(&mut self, job_id: &str, timeout: Duration) -> Received {
        if let Some(r) = self.seen.iter().find(|r| r.job_id == job_id) {
            return r.clone();
        }
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let r = self.next(left).await;
            if r.job_id == job_id {
                return r;
            }
        }
    }

    /// Waits until every one of `job_ids` has a result.
    pub async fn all_results(&mut self, job_ids: &[String], timeout: Duration) {
        let deadline = Instant::now() + timeout;
        for id in job_ids {
            self.result_for(id, deadline.saturating_duration_since(Instant::now())).await;
        }
    }

    /// Messages ready in `queue`.
    pub async fn ready(&self, queue: &str) -> u32 {
        let passive = QueueDeclareOptions { passive: true, ..QueueDeclareOptions::default() };
        self.ch.queue_declare(queue.into(), passive, FieldTable::default()).await.unwrap().message_count()
    }

    /// Takes one message from `jidiao.dead`: (properties, body).
    pub async fn take_dead(&self) -> Option<(BasicProperties, Vec<u8>)> {
        let got = self.ch.basic_get(DEAD.into(), BasicGetOptions::default()).await.unwrap()?;
        got.delivery.acker.ack(BasicAckOptions::default()).await.unwrap();
        Some((got.delivery.properties.clone(), got.delivery.data.clone()))
    }

    /// Closes the connection.
    pub async fn close(self) {
        let _ = self.conn.close(200, "done".into()).await;
    }
}

/// The properties of a job message (with the standard `timestamp`, for the queue-wait metric).
pub fn job_props(job_id: &str) -> BasicProperties {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs();
    BasicProperties::default()
        .with_timestamp(now)
        .with_content_type("application/json".into())
        .with_delivery_mode(2)
        .with_message_id(job_id.into())
        .with_correlation_id(format!("corr-{job_id}").into())
}

/// The ids of results, for messages.
pub fn ids(seen: &[Received]) -> Vec<&str> {
    seen.iter().map(|r| r.job_id.as_str()).collect()
}

/// What `run_job` gives in process: the result document as JSON.
pub fn in_process(text: &str) -> Value {
    serde_json::to_value(jidiao_solver::run_job(text, &jidiao_solver::SolveContext::default())).unwrap()
}

/// The parts of a result that must not change between deliveries.
pub fn answer(result: &Value) -> (Value, Value, Value) {
    (result["status"].clone(), result["plan"].clone(), result["alternatives"].clone())
}
