//! Progress of a batch solve in the worker: log lines (throttled) and the `jidiao_batch_*`
//! gauges. The solver calls the sink from any thread (rayon workers) while the job's
//! blocking thread waits, so each report enters the job's span itself: its log lines carry
//! the job id like every other line of the job. No broker types here.
//!
//! The gauges describe the batch that reported last (labels never carry a job id); with
//! several batches in flight `jidiao_batch_running` says so.

use super::metrics::Metrics;
use jidiao_solver::progress::{Phase, Progress, ProgressSink};
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tracing::info;

/// The longest time between two progress log lines of one batch within a phase.
pub const LOG_EVERY: Duration = Duration::from_secs(5);

/// When to log a report: on every phase change and every milestone (all groups planned
/// alone), else at most once per interval.
#[derive(Debug)]
pub struct Throttle {
    every: Duration,
    last: Option<(Phase, Instant)>,
}

impl Throttle {
    /// A throttle letting through a report per phase change and at most one per `every`.
    pub fn new(every: Duration) -> Throttle {
        Throttle { every, last: None }
    }

    /// Whether a report of `phase` at `now` is logged (and if so, remembers it); a
    /// `milestone` always is.
    pub fn admit(&mut self, phase: Phase, now: Instant, milestone: bool) -> bool {
        let due = milestone
            || match self.last {
                Some((seen, at)) => seen != phase || now.saturating_duration_since(at) >= self.every,
                None => true,
            };
        if due {
            self.last = Some((phase, now));
        }
        due
    }
}

/// The order of the phases (reports only move forward through them).
fn rank(phase: Phase) -> u8 {
    match phase {
        Phase::Groups => 0,
        Phase::Pricing => 1,
        Phase::Choosing => 2,
        Phase::Done => 3,
    }
}

/// What one batch has reported so far.
#[derive(Debug)]
struct State {
    throttle: Throttle,
    phase: Option<Phase>,
    groups_done: u64,
    columns: u64,
}

#[derive(Debug)]
struct Inner {
    metrics: Arc<Metrics>,
    span: tracing::Span,
    state: Mutex<State>,
}

impl Inner {
    fn report(&self, p: &Progress) {
        // A panic elsewhere must not turn progress reports into panics of the solve.
        let mut s = self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if s.phase.is_some_and(|seen| rank(p.phase) < rank(seen)) {
            return; // a late report of an earlier phase (reports come from several threads)
        }
        s.phase = Some(p.phase);
        let m = &self.metrics;
        // The first report that all groups are planned alone (reports arrive out of order).
        let all_planned = p.phase == Phase::Groups && p.total > 0 && p.done >= p.total && s.groups_done < p.total;
        if p.phase == Phase::Groups {
            s.groups_done = s.groups_done.max(p.done);
            m.batch_groups_total.set(p.total.max(s.groups_done) as i64);
            m.batch_groups_done.set(s.groups_done as i64);
        }
        s.columns = s.columns.max(p.columns);
        m.batch_columns.set(s.columns as i64);
        if let Some(gap) = p.gap() {
            m.batch_gap.set(gap);
        }
        if s.throttle.admit(p.phase, Instant::now(), all_planned) {
            let _entered = self.span.enter();
            info!(
                phase = p.phase.name(),
                done = p.done,
                total = p.total,
                columns = p.columns,
                objective = %Figure(p.objective, 2),
                bound = %Figure(p.bound, 2),
                gap = %Figure(p.gap(), 6),
                seconds = %Figure(Some(p.seconds), 2),
                "batch progress"
            );
        }
    }
}

/// An optional figure in a log line: the number with this many decimals, or `-`.
struct Figure(Option<f64>, usize);

impl fmt::Display for Figure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(v) => write!(f, "{v:.*}", self.1),
            None => f.write_str("-"),
        }
    }
}

/// The progress reporting of one batch solve: `jidiao_batch_running` counts it while this
/// lives, and the other `jidiao_batch_*` gauges start from zero (the gap from NaN, unknown).
#[derive(Debug)]
pub struct BatchProgress {
    inner: Arc<Inner>,
}

impl BatchProgress {
    /// Starts reporting a batch; log lines go into the current span (the job's).
    pub fn start(metrics: Arc<Metrics>) -> BatchProgress {
        metrics.batch_running.inc();
        metrics.batch_groups_done.set(0);
        metrics.batch_groups_total.set(0);
        metrics.batch_columns.set(0);
        metrics.batch_gap.set(f64::NAN);
        let state = State { throttle: Throttle::new(LOG_EVERY), phase: None, groups_done: 0, columns: 0 };
        let inner = Inner { metrics, span: tracing::Span::current(), state: Mutex::new(state) };
        BatchProgress { inner: Arc::new(inner) }
    }

    /// The sink to put in the solve's `SolveContext::progress`.
    pub fn sink(&self) -> ProgressSink {
        let inner = self.inner.clone();
        ProgressSink::new(move |p| inner.report(p))
    }
}

impl Drop for BatchProgress {
    fn drop(&mut self) {
        self.inner.metrics.batch_running.dec();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(phase: Phase, done: u64, total: u64) -> Progress {
        Progress { phase, done, total, columns: 0, objective: None, bound: None, seconds: 0.0 }
    }

    #[test]
    fn the_throttle_logs_phase_changes_and_at_most_one_line_per_interval() {
        let t0 = Instant::now();
        let at = |s: f64| t0 + Duration::from_secs_f64(s);
        let mut t = Throttle::new(Duration::from_secs(5));
        assert!(t.admit(Phase::Groups, at(0.0), false), "the first report");
        assert!(!t.admit(Phase::Groups, at(1.0), false));
        assert!(!t.admit(Phase::Groups, at(4.9), false));
        assert!(t.admit(Phase::Groups, at(5.0), false), "5 s after the last line");
        assert!(t.admit(Phase::Groups, at(5.5), true), "a milestone");
        assert!(!t.admit(Phase::Groups, at(6.0), false), "the milestone counts as the last line");
        assert!(t.admit(Phase::Pricing, at(6.1), false), "a phase change");
        assert!(!t.admit(Phase::Pricing, at(9.0), false));
        assert!(t.admit(Phase::Choosing, at(9.1), false));
        assert!(t.admit(Phase::Done, at(9.2), false));
    }

    #[test]
    fn the_gauges_follow_one_batch_and_running_counts_it_while_it_lives() {
        let m = Arc::new(Metrics::default());
        let batch = BatchProgress::start(m.clone());
        assert_eq!(m.batch_running.get(), 1);
        assert!(m.batch_gap.get().is_nan(), "no gap known yet");
        let sink = batch.sink();
        sink.report(&report(Phase::Groups, 0, 3));
        sink.report(&report(Phase::Groups, 2, 3));
        sink.report(&report(Phase::Groups, 1, 3)); // late
        assert_eq!((m.batch_groups_done.get(), m.batch_groups_total.get()), (2, 3));
        sink.report(&report(Phase::Groups, 3, 3));
        let priced =
            Progress { columns: 120, objective: Some(1000.0), bound: Some(950.0), ..report(Phase::Pricing, 2, 0) };
        sink.report(&priced);
        assert_eq!((m.batch_groups_done.get(), m.batch_columns.get()), (3, 120));
        assert!((m.batch_gap.get() - 0.05).abs() < 1e-12);
        sink.report(&report(Phase::Groups, 1, 3)); // a report of an earlier phase
        sink.report(&report(Phase::Done, 1, 1));
        assert_eq!((m.batch_groups_done.get(), m.batch_groups_total.get(), m.batch_columns.get()), (3, 3, 120));
        drop(batch);
        assert_eq!(m.batch_running.get(), 0);
        let text = m.render();
        for line in [
            "jidiao_batch_groups_done 3",
            "jidiao_batch_groups_total 3",
            "jidiao_batch_columns 120",
            "jidiao_batch_running 0",
        ] {
            assert!(text.lines().any(|l| l == line), "{line} in:\n{text}");
        }
    }
}
