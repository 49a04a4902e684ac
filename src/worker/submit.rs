//! `jidiao submit`: put a job on the queue the way any other system would
//! (persistent, confirmed, `mandatory`), and with `--wait` take the answer
//! from an exclusive auto-delete reply queue (the usual RPC pattern).

use super::amqp::{now_ms, short, SENT_MS_HEADER, TIME_LIMIT_HEADER};
use super::config::{AmqpUrl, DEFAULT_AMQP_URL};
use super::topology::{self, INTERACTIVE, JOBS};
use crate::cli::{emit, exit_code, Format, SolveArgs};
use anyhow::{anyhow, bail, Context, Result};
use futures_lite::StreamExt;
use jidiao_solver::contract::PlanResult;
use lapin::options::{BasicConsumeOptions, BasicPublishOptions, ConfirmSelectOptions, QueueDeclareOptions};
use lapin::types::{AMQPValue, FieldTable};
use lapin::{BasicProperties, Confirmation, Connection, ConnectionProperties};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

/// The flags of `jidiao submit`.
#[derive(clap::Args, Debug)]
pub struct SubmitArgs {
    /// The job document.
    pub job: PathBuf,
    /// Send it to `jidiao.jobs.interactive` (a planning lead is waiting) instead of `jidiao.jobs`.
    #[arg(long)]
    pub interactive: bool,
    /// Wait for the result, print it, and exit by its status (0 solved, 2 invalid, 3 infeasible, 1 other).
    #[arg(long)]
    pub wait: bool,
    /// With --wait: also write the result document here (always JSON).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// With --wait: what to print on stdout.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    /// Cap on the solve time, seconds, sent as the `jidiao-time-limit-s` header (the worker's own limit still holds).
    #[arg(long)]
    pub time_limit: Option<f64>,
    /// With --wait: how long to wait for the result, seconds.
    #[arg(long, default_value_t = 1800.0)]
    pub wait_timeout_s: f64,
    /// Broker URL (`amqps://` for TLS).
    #[arg(long, env = "AMQP_URL", default_value = DEFAULT_AMQP_URL, hide_env_values = true, hide_default_value = true)]
    pub amqp_url: AmqpUrl,
}

/// `jidiao submit`.
pub fn main(args: SubmitArgs) -> Result<ExitCode> {
    super::init_logging("warn,lapin=error");
    let body = std::fs::read(&args.job).with_context(|| format!("cannot read {}", args.job.display()))?;
    let job_id = serde_json::from_slice::<serde_json::Value>(&body)
        .ok()
        .and_then(|v| v.get("job_id")?.as_str().map(str::to_string))
        .filter(|id| !id.trim().is_empty())
        .unwrap_or_else(|| format!("submit-{}-{}", std::process::id(), now_ms()));
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().context("cannot start tokio")?;
    let outcome = runtime.block_on(submit(&args, &body, &job_id));
    runtime.shutdown_background();
    outcome
}

async fn submit(args: &SubmitArgs, body: &[u8], job_id: &str) -> Result<ExitCode> {
    let url = &args.amqp_url;
    let scrub = |e: lapin::Error| anyhow!("broker {url}: {}", url.scrub(&e.to_string()));
    let props = ConnectionProperties::default().with_connection_name("jidiao submit".into());
    let connection = Connection::connect(url.expose(), props).await.map_err(scrub)?;
    let channel = connection.create_channel().await.map_err(scrub)?;
    topology::declare(&channel).await.map_err(scrub)?;
    channel.confirm_select(ConfirmSelectOptions::default()).await.map_err(scrub)?;
    let queue = if args.interactive { INTERACTIVE } else { JOBS };
    let correlation_id = format!("{}:{}:{}", job_id, std::process::id(), now_ms());
    let mut reply = None;
    if args.wait {
        let options = QueueDeclareOptions { exclusive: true, auto_delete: true, ..QueueDeclareOptions::default() };
        let q = channel.queue_declare("".into(), options, FieldTable::default()).await.map_err(scrub)?;
        let consume = BasicConsumeOptions { no_ack: true, ..BasicConsumeOptions::default() };
        let consumer = channel
            .basic_consume(q.name().clone(), "jidiao-submit".into(), consume, FieldTable::default())
            .await
            .map_err(scrub)?;
        reply = Some((q.name().clone(), consumer));
    }
    let mut headers = FieldTable::default();
    headers.insert(short(SENT_MS_HEADER), AMQPValue::LongLongInt(now_ms() as i64));
    if let Some(t) = args.time_limit {
        headers.insert(short(TIME_LIMIT_HEADER), AMQPValue::Double(t));
    }
    let mut properties = BasicProperties::default()
        .with_content_type(short("application/json"))
        .with_delivery_mode(2)
        .with_message_id(short(job_id))
        .with_correlation_id(short(&correlation_id))
        .with_headers(headers);
    if let Some((name, _)) = &reply {
        properties = properties.with_reply_to(name.clone());
    }
    let options = BasicPublishOptions { mandatory: true, ..BasicPublishOptions::default() };
    let confirm = async { channel.basic_publish("".into(), queue.into(), options, body, properties).await?.await };
    let confirmation = tokio::time::timeout(Duration::from_secs(30), confirm)
        .await
        .map_err(|_| anyhow!("the broker did not confirm the job within 30 s"))?
        .map_err(scrub)?;
    match confirmation {
        Confirmation::Ack(None) => {}
        Confirmation::Ack(Some(_)) => bail!("the broker returned the job: {queue} does not exist"),
        Confirmation::Nack(_) => bail!("the broker refused the job"),
        Confirmation::NotRequested => bail!("the channel is not in confirm mode"),
    }
    let Some((_, mut consumer)) = reply else {
        println!("queued job {job_id} on {queue} (correlation_id {correlation_id})");
        let _ = connection.close(200, "done".into()).await;
        return Ok(ExitCode::SUCCESS);
    };
    eprintln!("queued job {job_id} on {queue}; waiting for the result");
    let wait = Duration::from_secs_f64(args.wait_timeout_s.max(0.001));
    let answer = tokio::time::timeout(wait, async {
        while let Some(delivery) = consumer.next().await {
            let delivery = delivery.map_err(scrub)?;
            let cid = delivery.properties.correlation_id().as_ref().map(|c| c.as_str().to_string());
            if cid.as_deref() == Some(correlation_id.as_str()) {
                return Ok(delivery.data);
            }
        }
        bail!("the connection closed before the result came")
    })
    .await
    .map_err(|_| anyhow!("no result within {} s (the job stays queued)", args.wait_timeout_s))??;
    let _ = connection.close(200, "done".into()).await;
    let result: PlanResult = serde_json::from_slice(&answer).context("the result is not a plan result document")?;
    emit(&solve_args(args)?, &result)?;
    Ok(exit_code(result.status))
}

/// The `plan` subcommand's output arguments, so `submit --wait` prints exactly as `plan` does.
fn solve_args(args: &SubmitArgs) -> Result<SolveArgs> {
    use clap::{Args, FromArgMatches};
    let mut argv = vec!["submit".into(), args.job.clone().into_os_string()];
    if let Some(out) = &args.out {
        argv.extend(["--out".into(), out.clone().into_os_string()]);
    }
    argv.extend(["--format".into(), if args.format == Format::Json { "json" } else { "text" }.into()]);
    let matches = SolveArgs::augment_args(clap::Command::new("submit")).try_get_matches_from(argv)?;
    Ok(SolveArgs::from_arg_matches(&matches)?)
}
