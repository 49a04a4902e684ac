//! `jidiao worker` against the real RabbitMQ on 127.0.0.1:5672 (issue 3;
//! contract: shared/spec/amqp.md). Never a mock: each scenario spawns worker
//! processes from the built binary, talks AMQP to the broker, and observes
//! results, queues and the workers' /metrics. No assertion depends on
//! wall-clock thresholds; every wait is bounded and fails loudly.
//!
//! Scenarios share the contract's fixed queue names, so they run one at a
//! time (a process-wide lock) and purge the queues first.

#[path = "worker/harness.rs"]
mod harness;

use harness::*;
use serde_json::Value;
use std::collections::HashMap;
use std::future::Future;
use std::process::Command;
use std::time::Duration;

/// The fastest fixture; "mid-solve" scenarios slow it down with [`slow`].
const SHORT: &str = "tiny-2d";
/// What slow job ids contain.
const SLOW: &str = "SLOW";
const WAIT: Duration = Duration::from_secs(120);

fn scenario(f: impl Future<Output = ()>) {
    let _serial = serial();
    ensure_broker();
    runtime().block_on(f);
}

/// The worker's test-only hook: jobs whose id contains [`SLOW`] sleep `secs`
/// before solving, so "mid-solve" stays true however fast the solver gets.
fn slow(secs: &str) -> (&'static str, String) {
    ("JIDIAO_TEST_SLOW_JOB", format!("{SLOW}:{secs}"))
}

/// A slow tiny job: (job id, text).
fn slow_job(tag: &str) -> (String, String) {
    fixture(SHORT, &format!("{SLOW}-{tag}"))
}

fn series(name: &str, labels: &str) -> String {
    format!("{name}{{{labels}}}")
}

fn in_flight(queue: &str) -> String {
    series("jidiao_jobs_in_flight", &format!("queue=\"{queue}\""))
}

#[test]
fn every_fixture_round_trips_to_the_plan_run_job_gives() {
    scenario(async {
        let tag = unique();
        let mut client = Client::fresh().await;
        let worker = Worker::start(&[("JIDIAO_SLOTS", "3")]);
        let mut texts = HashMap::new();
        for name in plan_fixtures() {
            let (id, text) = fixture(&name, &tag);
            client.submit(JOBS, &id, text.as_bytes()).await;
            texts.insert(id, text);
        }
        let ids: Vec<String> = texts.keys().cloned().collect();
        let want: HashMap<String, Value> =
            tokio::task::spawn_blocking(move || texts.into_iter().map(|(id, t)| (id, in_process(&t))).collect())
                .await
                .unwrap();
        client.all_results(&ids, Duration::from_secs(300)).await;
        for id in &ids {
            let got = client.result_for(id, WAIT).await;
            assert_eq!(answer(&got.body), answer(&want[id]), "{id}: the worker's answer differs from run_job's");
            assert_eq!(got.body["job_id"], Value::String(id.clone()));
            assert_eq!(got.status_header.as_deref(), Some(got.status()), "{id}: header jidiao-status");
            assert_eq!(got.routing_key, format!("result.plan.{}", got.status()));
            assert_eq!(got.correlation_id, Some(format!("corr-{id}")), "{id}: correlation_id echoed");
            assert_eq!((got.content_type.as_deref(), got.delivery_mode), (Some("application/json"), Some(2)));
        }
        let optimal = ids.iter().filter(|id| want[*id]["status"] == "optimal").count() as f64;
        let completed = series("jidiao_jobs_completed_total", "queue=\"jidiao.jobs\",status=\"optimal\"");
        worker.wait_metric(&completed, |v| v == optimal, WAIT).await;
        assert_eq!(worker.get("/livez").map(|r| r.0), Some(200));
        assert_eq!(worker.get("/readyz").map(|r| r.0), Some(200));
        assert_eq!(worker.metric("jidiao_connected"), 1.0);
        let (_, metrics) = worker.get("/metrics").unwrap();
        assert!(
            metrics.contains("jidiao_solve_seconds_bucket") && metrics.contains("jidiao_queue_wait_seconds_bucket")
        );
        assert!(!metrics.contains("guest"), "the broker credentials leak into /metrics");
        let log = worker.log_text();
        assert!(log.contains("amqp://guest:***@127.0.0.1"), "the log names the broker, redacted");
        assert!(!log.contains("guest:guest"), "the password leaks into the log");
        assert_eq!(client.ready(JOBS).await, 0);
    });
}

#[test]
fn a_batch_job_reports_its_progress_in_metrics_and_logs_and_gets_its_result() {
    scenario(async {
        let tag = unique();
        let mut client = Client::fresh().await;
        let worker = Worker::start(&[]);
        let (id, text) = batch_fixture("yunnan-3-groups", &tag);
        let mut job: Value = serde_json::from_str(&text).unwrap();
        job["options"]["time_limit_s"] = Value::from(20);
        client.submit(JOBS, &id, job.to_string().as_bytes()).await;
        let got = client.result_for(&id, Duration::from_secs(240)).await;
        assert_eq!(got.body["kind"], "batch", "{}", got.body);
        assert_eq!(got.routing_key, format!("result.batch.{}", got.status()));
        // A solve stopped by its time limit still answers (`feasible` or `timeout`).
        assert!(matches!(got.status(), "optimal" | "feasible" | "timeout"), "{}", got.body);
        assert_eq!(got.body["groups"].as_array().map(Vec::len), Some(3));
        // The step ends (and the gauges are final) before the result is published.
        assert_eq!(worker.metric("jidiao_batch_groups_total"), 3.0);
        assert_eq!(worker.metric("jidiao_batch_groups_done"), 3.0);
        assert_eq!(worker.metric("jidiao_batch_running"), 0.0);
        let log = worker.log_text();
        let progress: Vec<&str> = log.lines().filter(|l| l.contains("batch progress")).collect();
        let logged = |what: &str| progress.iter().any(|l| l.contains(what));
        assert!(
            logged(r#"phase="groups" done=0 total=3"#)
                && logged(r#"phase="groups" done=3 total=3"#)
                && logged(r#"phase="done""#),
            "progress lines for the start, all groups planned alone, and the end:\n{log}"
        );
        let job_id = format!("job_id=\"{id}\"");
        assert!(progress.iter().all(|l| l.contains(&job_id)), "every progress line names the job:\n{log}");
        assert_eq!(client.ready(JOBS).await, 0);
    });
}

#[test]
fn reply_to_gets_the_result_and_the_body_job_id_wins() {
    scenario(async {
        let tag = unique();
        let mut client = Client::fresh().await;
        let worker = Worker::start(&[]);
        let options = lapin::options::QueueDeclareOptions { exclusive: true, auto_delete: true, ..Default::default() };
        let reply = client.ch.queue_declare("".into(), options, Default::default()).await.unwrap();
        let (id, text) = fixture(SHORT, &tag);
        let props = job_props(&format!("MSG-{tag}")).with_reply_to(reply.name().clone());
        client.publish(INTERACTIVE, text.as_bytes(), props).await;
        let mut direct = None;
        for _ in 0..2400 {
            direct = client.ch.basic_get(reply.name().clone(), Default::default()).await.unwrap();
            if direct.is_some() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let direct = direct.expect("the result reaches the reply_to queue");
        let p = &direct.delivery.properties;
        assert_eq!(p.message_id().as_ref().map(|s| s.as_str()), Some(id.as_str()), "message_id = the body's job_id");
        assert_eq!(p.correlation_id().as_ref().map(|s| s.as_str()), Some(format!("corr-MSG-{tag}").as_str()));
        let body: Value = serde_json::from_slice(&direct.delivery.data).unwrap();
        assert_eq!((body["job_id"].as_str(), body["status"].as_str()), (Some(id.as_str()), Some("optimal")));
        let record = client.result_for(&id, WAIT).await;
        assert_eq!(answer(&record.body), answer(&body), "the results exchange has the same answer");

        // A reply_to queue that no longer exists: the results exchange still gets the result.
        let (gone_id, text) = fixture(SHORT, &format!("gone-{tag}"));
        let props = job_props(&gone_id).with_reply_to("jidiao-test.no-such-queue".into());
        client.publish(JOBS, text.as_bytes(), props).await;
        assert_eq!(client.result_for(&gone_id, WAIT).await.status(), "optimal");
        worker.wait_metric("jidiao_results_unroutable_total{target=\"reply_to\"}", |v| v == 1.0, WAIT).await;
        assert_eq!(client.ready(JOBS).await, 0);
    });
}

#[test]
fn unreadable_jobs_get_invalid_results_are_acked_and_the_worker_lives_on() {
    scenario(async {
        let tag = unique();
        let mut client = Client::fresh().await;
        let mut worker = Worker::start(&[("JIDIAO_MAX_MESSAGE_BYTES", "65536")]);
        let bad_json = format!("BADJSON-{tag}");
        client.submit(JOBS, &bad_json, b"{\"schema\": \"jidiao/v1\", not json").await;
        let (schema_id, text) = fixture(SHORT, &format!("schema-{tag}"));
        let wrong_schema = text.replacen("jidiao/v1", "jidiao/v0", 1);
        client.submit(JOBS, &format!("MSG-{schema_id}"), wrong_schema.as_bytes()).await;
        let big = format!("BIG-{tag}");
        let (_, text) = fixture(SHORT, &format!("big-{tag}"));
        let oversized = format!("{text}{}", " ".repeat(70_000));
        client.submit(JOBS, &big, oversized.as_bytes()).await;
        let (valid, text) = fixture(SHORT, &format!("valid-{tag}"));
        client.submit(JOBS, &valid, text.as_bytes()).await;

        let code = |r: &Received| r.body["diagnosis"][0]["code"].as_str().unwrap_or("").to_string();
        let r = client.result_for(&bad_json, WAIT).await;
        assert_eq!(
            (r.status(), code(&r).as_str(), r.routing_key.as_str()),
            ("invalid", "bad_json", "result.plan.invalid")
        );
        let r = client.result_for(&schema_id, WAIT).await;
        assert_eq!(r.status(), "invalid");
        assert!(r.body["diagnosis"].as_array().unwrap().iter().any(|d| d["path"] == "/schema"), "{}", r.body);
        let r = client.result_for(&big, WAIT).await;
        assert_eq!((r.status(), code(&r).as_str()), ("invalid", "too_large"));
        assert_eq!(client.result_for(&valid, WAIT).await.status(), "optimal");
        let invalid = series("jidiao_jobs_completed_total", "queue=\"jidiao.jobs\",status=\"invalid\"");
        worker.wait_metric(&invalid, |v| v == 3.0, WAIT).await;
        assert!(worker.alive());
        assert_eq!((client.ready(JOBS).await, client.ready(DEAD).await), (0, 0), "acked, not requeued nor dead");
    });
}

#[test]
fn a_job_survives_kill_9_of_its_worker_mid_solve() {
    scenario(async {
        let tag = unique();
        let mut client = Client::fresh().await;
        let (var, value) = slow("60");
        let mut first = Worker::start(&[(var, &value)]);
        let (id, text) = slow_job(&tag);
        client.submit(JOBS, &id, text.as_bytes()).await;
        first.wait_metric(&in_flight(JOBS), |v| v == 1.0, WAIT).await;
        first.kill9();
        let second = Worker::start(&[]);
        let got = client.result_for(&id, WAIT).await;
        assert_eq!(got.status(), "optimal");
        let redelivered = second.metric(&series("jidiao_redeliveries_total", "queue=\"jidiao.jobs\""));
        assert_eq!(redelivered, 1.0, "the second worker got the job as a redelivery");
        assert_eq!((client.ready(JOBS).await, client.ready(DEAD).await), (0, 0));
    });
}

#[test]
fn random_kills_lose_no_job_and_duplicates_carry_the_same_plan() {
    use rand::Rng;
    scenario(async {
        let tag = unique();
        let mut client = Client::fresh().await;
        let names = ["tiny-2d", "xian-3d", "zhangjiajie-4d"];
        let mut ids = Vec::new();
        let mut texts = HashMap::new();
        for i in 0..30 {
            let (id, text) = fixture(names[i % names.len()], &format!("{SLOW}-{tag}-{i}"));
            client.submit(JOBS, &id, text.as_bytes()).await;
            ids.push(id.clone());
            texts.insert(id, text);
        }
        // Every job sleeps 0.3 s in its slot first, so kills often land mid-solve.
        let (var, value) = slow("0.3");
        let env = [(var, value.as_str())];
        let mut workers = [Worker::start(&env), Worker::start(&env)];
        let mut rng = rand::rng();
        for kill in 0..4 {
            tokio::time::sleep(Duration::from_millis(rng.random_range(150..700))).await;
            let victim = kill % 2;
            workers[victim].kill9();
            workers[victim] = Worker::start(&env);
        }
        client.all_results(&ids, Duration::from_secs(240)).await;
        // Let late duplicates (a kill between confirm and ack) arrive, then compare them.
        tokio::time::sleep(Duration::from_millis(500)).await;
        let mut by_id: HashMap<&str, Vec<&Received>> = HashMap::new();
        for r in &client.seen {
            by_id.entry(r.job_id.as_str()).or_default().push(r);
        }
        for id in &ids {
            let copies = &by_id[id.as_str()];
            assert!(copies.iter().all(|r| answer(&r.body) == answer(&copies[0].body)), "{id}: duplicates differ");
            assert_eq!(copies[0].status(), "optimal", "{id}");
        }
        let duplicates = client.seen.len() - ids.len();
        eprintln!("30 jobs, 4 kills: {duplicates} duplicate result(s), all identical");
        let sample = ids[1].clone();
        let want = in_process(&texts[&sample]);
        assert_eq!(answer(&by_id[sample.as_str()][0].body), answer(&want));
        assert_eq!((client.ready(JOBS).await, client.ready(DEAD).await), (0, 0), "nothing left, nothing dead");
    });
}

#[test]
fn sigterm_finishes_the_solve_in_flight_stops_taking_jobs_and_exits_0() {
    scenario(async {
        let tag = unique();
        let mut client = Client::fresh().await;
        let (var, value) = slow("2");
        let mut worker = Worker::start(&[("JIDIAO_SHUTDOWN_GRACE_S", "120"), (var, &value)]);
        let (id, text) = slow_job(&tag);
        client.submit(JOBS, &id, text.as_bytes()).await;
        worker.wait_metric(&in_flight(JOBS), |v| v == 1.0, WAIT).await;
        worker.sigterm();
        worker.wait_metric("jidiao_consuming", |v| v == 0.0, WAIT).await;
        let (late, text) = fixture(SHORT, &format!("late-{tag}"));
        client.submit(JOBS, &late, text.as_bytes()).await;
        let status = worker.wait_exit(Duration::from_secs(150)).await;
        assert_eq!(status.code(), Some(0), "{}", worker.log_text());
        assert_eq!(client.result_for(&id, WAIT).await.status(), "optimal", "the job in flight was finished");
        assert_eq!(client.ready(JOBS).await, 1, "the job sent after SIGTERM waits for another worker");
        assert!(client.seen.iter().all(|r| r.job_id != late));
    });
}

#[test]
fn sigterm_past_the_grace_period_returns_the_job_and_exits_0() {
    scenario(async {
        let tag = unique();
        let mut client = Client::fresh().await;
        let (var, value) = slow("60");
        let mut worker = Worker::start(&[("JIDIAO_SHUTDOWN_GRACE_S", "0.2"), (var, &value)]);
        let (id, text) = slow_job(&tag);
        client.submit(JOBS, &id, text.as_bytes()).await;
        worker.wait_metric(&in_flight(JOBS), |v| v == 1.0, WAIT).await;
        worker.sigterm();
        let status = worker.wait_exit(Duration::from_secs(60)).await;
        assert_eq!(status.code(), Some(0), "{}", worker.log_text());
        assert!(worker.log_text().contains("grace period over"), "{}", worker.log_text());
        let _next = Worker::start(&[]);
        assert_eq!(client.result_for(&id, WAIT).await.status(), "optimal", "the returned job was redelivered");
        assert_eq!((client.ready(JOBS).await, client.ready(DEAD).await), (0, 0));
    });
}

#[test]
fn the_worker_reconnects_after_dropped_connections_and_a_broker_restart() {
    scenario(async {
        let tag = unique();
        let client = Client::fresh().await;
        let (var, value) = slow("2");
        let mut worker = Worker::start(&[(var, &value)]);
        let (long, text) = slow_job(&tag);
        client.submit(JOBS, &long, text.as_bytes()).await;
        worker.wait_metric(&in_flight(JOBS), |v| v == 1.0, WAIT).await;
        client.close().await;
        rabbitmqctl(&["close_all_connections", "jidiao worker test"]);
        worker.wait_metric("jidiao_reconnects_total", |v| v >= 1.0, WAIT).await;
        worker.wait_ready(WAIT);
        let mut client = Client::connect().await;
        let mut ids = vec![long.clone()];
        for i in 0..5 {
            let (id, text) = fixture(SHORT, &format!("{tag}-a{i}"));
            client.submit(JOBS, &id, text.as_bytes()).await;
            ids.push(id);
        }
        client.all_results(&ids, Duration::from_secs(180)).await;
        assert_eq!(client.result_for(&long, WAIT).await.status(), "optimal", "the interrupted job was redelivered");
        client.close().await;

        rabbitmqctl(&["stop_app"]);
        worker.wait_metric("jidiao_connected", |v| v == 0.0, WAIT).await;
        rabbitmqctl(&["start_app"]);
        rabbitmqctl(&["await_startup"]);
        worker.wait_metric("jidiao_reconnects_total", |v| v >= 2.0, WAIT).await;
        worker.wait_ready(WAIT);
        let mut client = Client::connect().await;
        let mut ids = Vec::new();
        for i in 0..3 {
            let (id, text) = fixture(SHORT, &format!("{tag}-b{i}"));
            client.submit(JOBS, &id, text.as_bytes()).await;
            ids.push(id);
        }
        client.all_results(&ids, WAIT).await;
        assert!(worker.alive());
        assert_eq!(client.ready(JOBS).await, 0);
    });
}

#[test]
fn an_interactive_job_overtakes_busy_batch_slots() {
    scenario(async {
        let tag = unique();
        let mut client = Client::fresh().await;
        // 2 slots: one for jidiao.jobs, one reserved for jidiao.jobs.interactive.
        let (var, value) = slow("3");
        let worker = Worker::start(&[("JIDIAO_SLOTS", "2"), (var, &value)]);
        let (long, text) = slow_job(&tag);
        client.submit(JOBS, &long, text.as_bytes()).await;
        let mut batch = vec![long.clone()];
        for i in 0..3 {
            let (id, text) = fixture("xian-3d", &format!("{tag}-{i}"));
            client.submit(JOBS, &id, text.as_bytes()).await;
            batch.push(id);
        }
        worker.wait_metric(&in_flight(JOBS), |v| v == 1.0, WAIT).await;
        let (interactive, text) = fixture(SHORT, &format!("i-{tag}"));
        client.submit(INTERACTIVE, &interactive, text.as_bytes()).await;
        let mut all = batch.clone();
        all.push(interactive.clone());
        client.all_results(&all, Duration::from_secs(180)).await;
        let order = ids(&client.seen);
        assert_eq!(order[0], interactive, "the interactive job finished first, while batch slots were busy: {order:?}");
        assert_eq!(
            worker
                .metric(&series("jidiao_jobs_completed_total", "queue=\"jidiao.jobs.interactive\",status=\"optimal\"")),
            1.0
        );
    });
}

#[test]
fn a_poison_job_ends_in_jidiao_dead_with_an_error_result_and_the_queue_moves_on() {
    scenario(async {
        let tag = unique();
        let mut client = Client::fresh().await;
        let poison = format!("POISON-{tag}");
        let mut worker = Worker::start(&[("JIDIAO_TEST_PANIC_JOB_ID", poison.as_str())]);
        let (_, text) = fixture(SHORT, &tag);
        let mut job: Value = serde_json::from_str(&text).unwrap();
        job["job_id"] = Value::String(poison.clone());
        client.submit(JOBS, &poison, job.to_string().as_bytes()).await;
        let (valid, text) = fixture(SHORT, &format!("after-{tag}"));
        client.submit(JOBS, &valid, text.as_bytes()).await;

        let error = client.result_for(&poison, WAIT).await;
        assert_eq!((error.status(), error.routing_key.as_str()), ("error", "result.plan.error"));
        assert_eq!(error.body["diagnosis"][0]["code"], "solver_panic");
        assert_eq!(client.result_for(&valid, WAIT).await.status(), "optimal", "the job behind the poison completes");
        let mut dead = None;
        for _ in 0..200 {
            dead = client.take_dead().await;
            if dead.is_some() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let (props, body) = dead.expect("the poison job reaches jidiao.dead");
        assert_eq!(props.message_id().as_ref().map(|s| s.as_str()), Some(poison.as_str()));
        assert_eq!(body, job.to_string().into_bytes());
        let headers = props.headers().clone().unwrap_or_default();
        let reason = headers.inner().get("x-first-death-reason").cloned();
        assert_eq!(reason, Some(lapin::types::AMQPValue::LongString("delivery_limit".into())), "{headers:?}");
        let panics = series("jidiao_jobs_failed_total", "queue=\"jidiao.jobs\",reason=\"panic\"");
        worker.wait_metric(&panics, |v| v == 6.0, WAIT).await;
        assert_eq!(
            client.seen.iter().filter(|r| r.job_id == poison).count(),
            1,
            "one error result, on the last attempt"
        );
        assert!(worker.alive());
        assert_eq!((client.ready(JOBS).await, client.ready(DEAD).await), (0, 0));
    });
}

#[test]
fn a_job_that_keeps_overrunning_its_time_limit_ends_in_jidiao_dead_with_an_error_result() {
    scenario(async {
        let tag = unique();
        let mut client = Client::fresh().await;
        // Deadline 0.2 + 0.3 s; the slow job sleeps 1 s in its slot on every attempt.
        let (var, value) = slow("1");
        let worker = Worker::start(&[
            ("JIDIAO_JOB_TIME_LIMIT_S", "0.2"),
            ("JIDIAO_OVERRUN_MARGIN_S", "0.3"),
            (var, value.as_str()),
        ]);
        let (runaway, text) = slow_job(&tag);
        client.submit(JOBS, &runaway, text.as_bytes()).await;
        let (valid, text) = fixture(SHORT, &format!("after-{tag}"));
        client.submit(JOBS, &valid, text.as_bytes()).await;
        let error = client.result_for(&runaway, WAIT).await;
        assert_eq!((error.status(), error.body["diagnosis"][0]["code"].as_str()), ("error", Some("solver_overran")));
        assert_eq!(client.result_for(&valid, WAIT).await.status(), "optimal");
        let overran = series("jidiao_jobs_failed_total", "queue=\"jidiao.jobs\",reason=\"overran\"");
        worker.wait_metric(&overran, |v| v == 6.0, WAIT).await;
        let mut dead = None;
        for _ in 0..200 {
            dead = client.take_dead().await;
            if dead.is_some() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let (props, _) = dead.expect("the runaway job reaches jidiao.dead");
        assert_eq!(props.message_id().as_ref().map(|s| s.as_str()), Some(runaway.as_str()));
    });
}

/// Raises a broker memory alarm (publishers blocked) until dropped.
struct MemoryAlarm;

impl MemoryAlarm {
    fn raise() -> MemoryAlarm {
        rabbitmqctl(&["set_vm_memory_high_watermark", "0.00001"]);
        MemoryAlarm
    }
}

impl Drop for MemoryAlarm {
    fn drop(&mut self) {
        // 0.4 is RabbitMQ's default, and this machine's setting.
        let _ = Command::new("rabbitmqctl").args(["set_vm_memory_high_watermark", "0.4"]).output();
    }
}

#[test]
fn a_memory_alarm_stalls_confirms_and_the_job_is_not_acked_until_its_result_is_confirmed() {
    scenario(async {
        let tag = unique();
        let mut client = Client::fresh().await;
        // The solve must outlast raising the alarm (rabbitmqctl can take seconds on a busy
        // machine), or the result is confirmed before the alarm and nothing stalls.
        let (var, value) = slow("5");
        let worker = Worker::start(&[("JIDIAO_CONFIRM_TIMEOUT_S", "1"), (var, value.as_str())]);
        let (id, text) = slow_job(&tag);
        client.submit(JOBS, &id, text.as_bytes()).await;
        worker.wait_metric(&in_flight(JOBS), |v| v == 1.0, WAIT).await;
        let alarm = MemoryAlarm::raise();
        let timeouts = series("jidiao_jobs_failed_total", "queue=\"jidiao.jobs\",reason=\"confirm_timeout\"");
        worker.wait_metric(&timeouts, |v| v >= 1.0, WAIT).await;
        worker.wait_metric("jidiao_blocked", |v| v == 1.0, WAIT).await;
        drop(alarm);
        assert_eq!(client.result_for(&id, WAIT).await.status(), "optimal");
        worker.wait_metric("jidiao_blocked", |v| v == 0.0, WAIT).await;
        let done = series("jidiao_jobs_completed_total", "queue=\"jidiao.jobs\",status=\"optimal\"");
        worker.wait_metric(&done, |v| v == 1.0, WAIT).await;
        // The unconfirmed attempt did not ack: the broker delivered the job again.
        let redelivered = series("jidiao_redeliveries_total", "queue=\"jidiao.jobs\"");
        worker.wait_metric(&redelivered, |v| v == 1.0, WAIT).await;
        assert_eq!(client.ready(JOBS).await, 0);
    });
}

#[test]
fn jidiao_submit_wait_prints_the_result_and_exits_by_status() {
    scenario(async {
        let tag = unique();
        let mut client = Client::fresh().await;
        let _worker = Worker::start(&[]);
        let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
        let out = dir.join(format!("submit-{tag}.json"));
        let job = format!("{}/fixtures/plan/{SHORT}.job.json", env!("CARGO_MANIFEST_DIR"));
        let submit = |args: Vec<String>| {
            tokio::task::spawn_blocking(move || {
                Command::new(env!("CARGO_BIN_EXE_jidiao"))
                    .arg("submit")
                    .args(args)
                    .env("AMQP_URL", URL)
                    .output()
                    .unwrap()
            })
        };
        let args = vec![job.clone(), "--wait".into(), "--interactive".into(), "--format".into(), "json".into()];
        let run = submit(
            [args, vec!["--out".into(), out.display().to_string(), "--wait-timeout-s".into(), "60".into()]].concat(),
        )
        .await
        .unwrap();
        assert_eq!(run.status.code(), Some(0), "{}", String::from_utf8_lossy(&run.stderr));
        let printed: Value = serde_json::from_slice(&run.stdout).unwrap();
        let written: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
        assert_eq!((printed["status"].as_str(), written["status"].as_str()), (Some("optimal"), Some("optimal")));

        let invalid = dir.join(format!("invalid-{tag}.job.json"));
        std::fs::write(&invalid, format!(r#"{{"schema": "jidiao/v1", "kind": "plan", "job_id": "BAD-{tag}"}}"#))
            .unwrap();
        let run = submit(vec![invalid.display().to_string(), "--wait".into(), "--wait-timeout-s".into(), "60".into()])
            .await
            .unwrap();
        assert_eq!(run.status.code(), Some(2), "invalid exits 2: {}", String::from_utf8_lossy(&run.stderr));

        let run = submit(vec![job]).await.unwrap();
        assert_eq!(run.status.code(), Some(0));
        assert!(String::from_utf8_lossy(&run.stdout).contains("queued job"));
        let id = serde_json::from_str::<Value>(
            &std::fs::read_to_string(format!("{}/fixtures/plan/{SHORT}.job.json", env!("CARGO_MANIFEST_DIR"))).unwrap(),
        )
        .unwrap()["job_id"]
            .as_str()
            .unwrap()
            .to_string();
        // Three results for this fixture id (two waited for, one not), all on the results exchange.
        let deadline = std::time::Instant::now() + WAIT;
        while client.seen.iter().filter(|r| r.job_id == id).count() < 2 {
            client.next(deadline.saturating_duration_since(std::time::Instant::now())).await;
        }
        assert_eq!(client.result_for(&format!("BAD-{tag}"), WAIT).await.status(), "invalid");
    });
}

#[test]
fn the_python_pika_example_gets_its_result() {
    scenario(async {
        let has_pika = Command::new("python3").args(["-c", "import pika"]).status().map(|s| s.success());
        if has_pika.ok() != Some(true) {
            let pip = Command::new("python3").args(["-m", "pip", "install", "--quiet", "pika"]).status();
            assert!(
                matches!(pip, Ok(s) if s.success()),
                "python3 with pika is needed (pip install pika failed: {pip:?})"
            );
        }
        let _client = Client::fresh().await;
        let _worker = Worker::start(&[]);
        let script = format!("{}/examples/pika_client.py", env!("CARGO_MANIFEST_DIR"));
        let run = tokio::task::spawn_blocking(move || {
            Command::new("python3").arg(script).env("AMQP_URL", URL).env("JIDIAO_WAIT_S", "60").output().unwrap()
        })
        .await
        .unwrap();
        let stdout = String::from_utf8_lossy(&run.stdout);
        assert!(run.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&run.stderr));
        assert!(stdout.contains("optimal (header jidiao-status=optimal)"), "{stdout}");
    });
}
