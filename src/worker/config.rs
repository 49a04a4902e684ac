//! The worker's configuration: flags of `jidiao worker`, each also read from
//! the environment, checked once at start-up.
//!
//! The broker URL carries a password; [`AmqpUrl`] keeps it out of every
//! `Display`, `Debug`, log line and error message.

use anyhow::{bail, Result};
use std::fmt;
use std::net::SocketAddr;
use std::time::Duration;

/// The default broker: the local RabbitMQ with its guest account.
pub const DEFAULT_AMQP_URL: &str = "amqp://guest:guest@127.0.0.1:5672/%2f";

/// A broker URL (`amqp://` or `amqps://`) whose password never shows.
#[derive(Clone, PartialEq, Eq)]
pub struct AmqpUrl(String);

impl AmqpUrl {
    /// Reads a URL; only the scheme is checked here, lapin checks the rest on connect.
    pub fn parse(text: &str) -> Result<AmqpUrl, String> {
        let url = AmqpUrl(text.trim().to_string());
        if !(url.0.starts_with("amqp://") || url.0.starts_with("amqps://")) {
            return Err(format!("the broker URL must start with amqp:// or amqps://, not {url}"));
        }
        Ok(url)
    }

    /// The URL with its password, for the connection itself and nothing else.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Splits the URL into scheme, user info, host part and path, when it has user info.
    fn parts(&self) -> Option<(&str, &str, &str, &str)> {
        let (scheme, rest) = self.0.split_once("://")?;
        let end = rest.find(['/', '?']).unwrap_or(rest.len());
        let (authority, path) = rest.split_at(end);
        let (userinfo, host) = authority.rsplit_once('@')?;
        Some((scheme, userinfo, host, path))
    }

    /// The password, if the URL has one.
    fn password(&self) -> Option<&str> {
        let (_, userinfo, _, _) = self.parts()?;
        userinfo.split_once(':').map(|(_, p)| p).filter(|p| !p.is_empty())
    }

    /// The URL with the password replaced by `***`.
    pub fn redacted(&self) -> String {
        match self.parts() {
            Some((scheme, userinfo, host, path)) => match userinfo.split_once(':') {
                Some((user, _)) => format!("{scheme}://{user}:***@{host}{path}"),
                None => self.0.clone(),
            },
            None => self.0.clone(),
        }
    }

    /// `text` (an error message, say) with every occurrence of the password,
    /// as written or percent-decoded, replaced by `***`.
    pub fn scrub(&self, text: &str) -> String {
        match self.password() {
            Some(p) => text.replace(p, "***").replace(&percent_decode(p), "***"),
            None => text.to_string(),
        }
    }
}

/// Decodes `%XX` escapes (the rest is kept as it is).
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

impl fmt::Display for AmqpUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

impl fmt::Debug for AmqpUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AmqpUrl({})", self.redacted())
    }
}

impl std::str::FromStr for AmqpUrl {
    type Err = String;
    fn from_str(s: &str) -> Result<AmqpUrl, String> {
        AmqpUrl::parse(s)
    }
}

/// The flags of `jidiao worker`; every one can also come from the environment.
#[derive(clap::Args, Debug, Clone)]
pub struct WorkerArgs {
    /// Broker URL (`amqps://` for TLS). The password never appears in logs.
    #[arg(long, env = "AMQP_URL", default_value = DEFAULT_AMQP_URL, hide_env_values = true, hide_default_value = true)]
    pub amqp_url: AmqpUrl,
    /// Solver slots: jobs solved at once (default: the number of cores, at least 2).
    #[arg(long, env = "JIDIAO_SLOTS")]
    pub slots: Option<usize>,
    /// Slots reserved for `jidiao.jobs.interactive` (the rest serve `jidiao.jobs`).
    #[arg(long, env = "JIDIAO_INTERACTIVE_SLOTS", default_value_t = 1)]
    pub interactive_slots: usize,
    /// Unacknowledged `jidiao.jobs` messages held at once (default: its slots, so none waits in the worker).
    #[arg(long, env = "JIDIAO_PREFETCH")]
    pub prefetch: Option<u16>,
    /// Upper limit on one solve, seconds; jobs may ask for less. Kept below the broker's consumer timeout.
    #[arg(long, env = "JIDIAO_JOB_TIME_LIMIT_S", default_value_t = 1200.0)]
    pub job_time_limit_s: f64,
    /// How long a solve may overrun the time limit, seconds, before the attempt counts as failed.
    #[arg(long, env = "JIDIAO_OVERRUN_MARGIN_S", default_value_t = 60.0)]
    pub overrun_margin_s: f64,
    /// The broker's consumer timeout, seconds (RabbitMQ 3.10: 30 min); time limit plus margin stay below it.
    #[arg(long, env = "JIDIAO_CONSUMER_TIMEOUT_S", default_value_t = 1800.0)]
    pub consumer_timeout_s: f64,
    /// Largest accepted message body, bytes; larger ones get an `invalid` result.
    #[arg(long, env = "JIDIAO_MAX_MESSAGE_BYTES", default_value_t = 16 * 1024 * 1024)]
    pub max_message_bytes: usize,
    /// Address of the HTTP endpoint (/metrics, /livez, /readyz); `off` for none.
    #[arg(long, env = "JIDIAO_METRICS_ADDR", default_value = "127.0.0.1:9464")]
    pub metrics_addr: String,
    /// How long to wait for the broker to confirm a result, seconds; no ack before it does.
    #[arg(long, env = "JIDIAO_CONFIRM_TIMEOUT_S", default_value_t = 30.0)]
    pub confirm_timeout_s: f64,
    /// On SIGTERM/SIGINT, how long in-flight jobs may run on, seconds, before they are returned to the queue.
    #[arg(long, env = "JIDIAO_SHUTDOWN_GRACE_S", default_value_t = 25.0)]
    pub shutdown_grace_s: f64,
    /// Longest pause between reconnection attempts, seconds (the back-off doubles up to it).
    #[arg(long, env = "JIDIAO_RECONNECT_MAX_S", default_value_t = 30.0)]
    pub reconnect_max_s: f64,
}

/// The checked configuration of one worker process.
#[derive(Clone, Debug)]
pub struct WorkerConfig {
    /// Broker URL.
    pub amqp_url: AmqpUrl,
    /// Slots serving `jidiao.jobs`.
    pub batch_slots: usize,
    /// Slots reserved for `jidiao.jobs.interactive`.
    pub interactive_slots: usize,
    /// Prefetch of the `jidiao.jobs` consumer.
    pub batch_prefetch: u16,
    /// Upper limit on one solve.
    pub job_time_limit: Duration,
    /// How long a solve may overrun `job_time_limit` before its attempt fails.
    pub overrun_margin: Duration,
    /// Largest accepted message body, bytes.
    pub max_message_bytes: usize,
    /// HTTP endpoint address, if any.
    pub metrics_addr: Option<SocketAddr>,
    /// Longest wait for a publisher confirm.
    pub confirm_timeout: Duration,
    /// Grace period for in-flight jobs on shutdown.
    pub shutdown_grace: Duration,
    /// First pause between reconnection attempts.
    pub reconnect_min: Duration,
    /// Longest pause between reconnection attempts.
    pub reconnect_max: Duration,
    /// Test-only: a job id whose solve panics (from `JIDIAO_TEST_PANIC_JOB_ID`; unset in production).
    pub test_panic_job_id: Option<String>,
    /// Test-only: jobs whose id contains the marker sleep before solving
    /// (from `JIDIAO_TEST_SLOW_JOB=marker:seconds`; unset in production).
    pub test_slow_job: Option<(String, Duration)>,
}

impl WorkerConfig {
    /// All slots of this worker.
    pub fn slots(&self) -> usize {
        self.batch_slots + self.interactive_slots
    }

    /// The hard deadline of one attempt: the time limit plus the overrun margin.
    pub fn attempt_deadline(&self) -> Duration {
        self.job_time_limit + self.overrun_margin
    }
}

fn seconds(name: &str, value: f64) -> Result<Duration> {
    if !(value.is_finite() && value > 0.0) {
        bail!("{name} must be a positive number of seconds, not {value}");
    }
    Ok(Duration::from_secs_f64(value))
}

/// `JIDIAO_TEST_SLOW_JOB=marker:seconds`, if set.
fn test_slow_job() -> Result<Option<(String, Duration)>> {
    let Ok(spec) = std::env::var("JIDIAO_TEST_SLOW_JOB") else { return Ok(None) };
    match spec.rsplit_once(':') {
        Some((marker, secs)) if !marker.is_empty() => {
            let secs: f64 =
                secs.parse().map_err(|_| anyhow::anyhow!("JIDIAO_TEST_SLOW_JOB={spec}: seconds expected"))?;
            Ok(Some((marker.to_string(), seconds("JIDIAO_TEST_SLOW_JOB", secs)?)))
        }
        _ => bail!("JIDIAO_TEST_SLOW_JOB={spec}: expected marker:seconds"),
    }
}

impl TryFrom<WorkerArgs> for WorkerConfig {
    type Error = anyhow::Error;

    fn try_from(a: WorkerArgs) -> Result<WorkerConfig> {
        let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
        let slots = a.slots.unwrap_or(cores.max(2));
        if a.interactive_slots == 0 {
            bail!("--interactive-slots must be at least 1: interactive jobs never wait behind batch jobs");
        }
        if slots <= a.interactive_slots {
            bail!(
                "--slots ({slots}) must exceed --interactive-slots ({}): at least one slot serves jidiao.jobs",
                a.interactive_slots
            );
        }
        let batch_slots = slots - a.interactive_slots;
        let batch_prefetch = match a.prefetch {
            Some(0) => bail!("--prefetch must be at least 1"),
            Some(p) => p,
            None => u16::try_from(batch_slots).unwrap_or(u16::MAX),
        };
        let job_time_limit = seconds("--job-time-limit-s", a.job_time_limit_s)?;
        let overrun_margin = seconds("--overrun-margin-s", a.overrun_margin_s)?;
        let consumer_timeout = seconds("--consumer-timeout-s", a.consumer_timeout_s)?;
        if job_time_limit + overrun_margin >= consumer_timeout {
            bail!(
                "--job-time-limit-s ({}) plus --overrun-margin-s ({}) must stay below the broker's consumer timeout ({} s)",
                a.job_time_limit_s,
                a.overrun_margin_s,
                a.consumer_timeout_s
            );
        }
        if a.max_message_bytes == 0 {
            bail!("--max-message-bytes must be at least 1");
        }
        let metrics_addr = match a.metrics_addr.trim() {
            "off" | "none" | "" => None,
            addr => Some(addr.parse().map_err(|e| anyhow::anyhow!("--metrics-addr {addr}: {e}"))?),
        };
        Ok(WorkerConfig {
            amqp_url: a.amqp_url,
            batch_slots,
            interactive_slots: a.interactive_slots,
            batch_prefetch,
            job_time_limit,
            overrun_margin,
            max_message_bytes: a.max_message_bytes,
            metrics_addr,
            confirm_timeout: seconds("--confirm-timeout-s", a.confirm_timeout_s)?,
            shutdown_grace: seconds("--shutdown-grace-s", a.shutdown_grace_s)?,
            reconnect_min: Duration::from_millis(250).min(seconds("--reconnect-max-s", a.reconnect_max_s)?),
            reconnect_max: seconds("--reconnect-max-s", a.reconnect_max_s)?,
            test_panic_job_id: std::env::var("JIDIAO_TEST_PANIC_JOB_ID").ok().filter(|s| !s.is_empty()),
            test_slow_job: test_slow_job()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_never_shows() {
        let url = AmqpUrl::parse("amqps://jidiao:s3cr%2Ft@rabbit.example:5671/prod").unwrap();
        assert_eq!(url.to_string(), "amqps://jidiao:***@rabbit.example:5671/prod");
        assert_eq!(format!("{url:?}"), "AmqpUrl(amqps://jidiao:***@rabbit.example:5671/prod)");
        assert_eq!(url.scrub("cannot log in with s3cr%2Ft or s3cr/t"), "cannot log in with *** or ***");
        assert_eq!(AmqpUrl::parse(DEFAULT_AMQP_URL).unwrap().to_string(), "amqp://guest:***@127.0.0.1:5672/%2f");
        assert_eq!(AmqpUrl::parse("amqp://host/%2f").unwrap().to_string(), "amqp://host/%2f");
        assert!(AmqpUrl::parse("http://host").is_err());
    }

    #[test]
    fn a_password_with_an_at_sign_is_hidden_whole() {
        let url = AmqpUrl::parse("amqp://u:p@ss@host/%2f").unwrap();
        assert_eq!(url.to_string(), "amqp://u:***@host/%2f");
    }
}
