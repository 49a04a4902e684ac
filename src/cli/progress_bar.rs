//! The progress bar of `jidiao batch` on stderr: a bar while the groups are planned alone
//! (groups done of all groups), then a spinner with the search's figures while plans are
//! priced and chosen (round, columns, best objective, bound, gap), cleared when the batch
//! is done. Drawn only when stderr is a terminal: piped or redirected runs (and tests) see
//! nothing, and stdout, which carries the result, is never touched.
//!
//! The solver reports from any thread (rayon workers), so reports can arrive out of order;
//! [`Tracker`] keeps the bar from going back.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use jidiao_solver::progress::{Phase, Progress, ProgressSink};
use std::io::IsTerminal;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

/// How often the spinner and the elapsed time move on their own.
const TICK: Duration = Duration::from_millis(120);
/// The Groups phase: a bar of groups.
const GROUPS_TEMPLATE: &str = "{spinner} planning each group alone [{bar:30}] {pos}/{len} groups  {elapsed}";
/// The Pricing and Choosing phases: a spinner and a line of figures.
const SEARCH_TEMPLATE: &str = "{spinner} {msg}  {elapsed}";

/// What the bar shows after one report.
#[derive(Clone, Debug, PartialEq)]
pub enum View {
    /// The bar: groups planned alone, of all groups.
    Groups {
        /// Groups planned alone so far.
        done: u64,
        /// Groups in the batch.
        total: u64,
    },
    /// The spinner with this line of figures (pricing or choosing).
    Search(String),
    /// The batch is done: clear the bar.
    Done,
}

/// Turns reports, in whatever order they arrive, into what to show: a report of a phase
/// before the current one is dropped, and `done` never goes back within a phase.
#[derive(Debug, Default)]
pub struct Tracker {
    phase: Option<Phase>,
    done: u64,
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

impl Tracker {
    /// What to show after `p`; `None` when `p` is stale (an earlier phase than one seen).
    pub fn view(&mut self, p: &Progress) -> Option<View> {
        match self.phase {
            Some(seen) if rank(p.phase) < rank(seen) => return None,
            Some(seen) if seen == p.phase => self.done = self.done.max(p.done),
            _ => self.done = p.done,
        }
        self.phase = Some(p.phase);
        let figures = format!(
            "{} columns | best {} | bound {} | gap {}",
            p.columns,
            money(p.objective),
            money(p.bound),
            p.gap().map_or_else(|| "-".to_string(), |g| format!("{:.2}%", g * 100.0))
        );
        Some(match p.phase {
            Phase::Groups => View::Groups { done: self.done, total: p.total.max(self.done) },
            Phase::Pricing => View::Search(format!("pricing round {} | {figures}", self.done)),
            Phase::Choosing => View::Search(format!("choosing one plan per group | {figures}")),
            Phase::Done => View::Done,
        })
    }
}

/// An amount with 2 decimals, `-` when unknown.
fn money(v: Option<f64>) -> String {
    v.map_or_else(|| "-".to_string(), |v| format!("{v:.2}"))
}

/// Which style the bar has now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shown {
    Nothing,
    Bar,
    Spinner,
    Cleared,
}

/// The bar and what it shows, updated under one lock so reports from several threads
/// cannot interleave a style change.
struct Inner {
    bar: ProgressBar,
    state: Mutex<(Tracker, Shown)>,
}

impl Inner {
    fn lock(&self) -> MutexGuard<'_, (Tracker, Shown)> {
        // A panic elsewhere must not turn progress reports into panics of the solve.
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn report(&self, p: &Progress) {
        let mut state = self.lock();
        let (tracker, shown) = &mut *state;
        if *shown == Shown::Cleared {
            return;
        }
        let Some(view) = tracker.view(p) else { return };
        match view {
            View::Groups { done, total } => {
                if *shown != Shown::Bar {
                    self.bar.set_style(style(GROUPS_TEMPLATE));
                    self.start_ticking(*shown);
                    *shown = Shown::Bar;
                }
                self.bar.set_length(total);
                self.bar.set_position(done);
            }
            View::Search(line) => {
                if *shown != Shown::Spinner {
                    self.bar.set_style(style(SEARCH_TEMPLATE));
                    self.start_ticking(*shown);
                    *shown = Shown::Spinner;
                }
                self.bar.set_message(line);
            }
            View::Done => {
                self.clear();
                *shown = Shown::Cleared;
            }
        }
    }

    fn start_ticking(&self, shown: Shown) {
        if shown == Shown::Nothing && !self.bar.is_hidden() {
            self.bar.enable_steady_tick(TICK);
        }
    }

    fn clear(&self) {
        self.bar.disable_steady_tick();
        self.bar.finish_and_clear();
    }
}

fn style(template: &str) -> ProgressStyle {
    ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_bar()).progress_chars("=> ")
}

/// The progress bar of one batch solve; cleared when the batch reports `Done` or when
/// this is dropped, whichever comes first.
pub struct BatchBar {
    inner: Arc<Inner>,
}

impl BatchBar {
    /// A bar on stderr when stderr is a terminal, else a hidden one (draws nothing).
    pub fn stderr() -> BatchBar {
        let target =
            if std::io::stderr().is_terminal() { ProgressDrawTarget::stderr() } else { ProgressDrawTarget::hidden() };
        BatchBar::with_target(target)
    }

    /// A bar drawing to `target`.
    pub fn with_target(target: ProgressDrawTarget) -> BatchBar {
        let bar = ProgressBar::with_draw_target(None, target);
        BatchBar { inner: Arc::new(Inner { bar, state: Mutex::new((Tracker::default(), Shown::Nothing)) }) }
    }

    /// The sink to put in the solve's `SolveContext::progress`.
    pub fn sink(&self) -> ProgressSink {
        let inner = self.inner.clone();
        ProgressSink::new(move |p| inner.report(p))
    }
}

impl Drop for BatchBar {
    fn drop(&mut self) {
        let mut state = self.inner.lock();
        if state.1 != Shown::Cleared {
            self.inner.clear();
            state.1 = Shown::Cleared;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(phase: Phase, done: u64, total: u64) -> Progress {
        Progress { phase, done, total, columns: 0, objective: None, bound: None, seconds: 0.0 }
    }

    #[test]
    fn late_reports_never_move_the_bar_back() {
        let mut t = Tracker::default();
        assert_eq!(t.view(&report(Phase::Groups, 0, 3)), Some(View::Groups { done: 0, total: 3 }));
        assert_eq!(t.view(&report(Phase::Groups, 2, 3)), Some(View::Groups { done: 2, total: 3 }));
        // Group 1's report arrives after group 2's.
        assert_eq!(t.view(&report(Phase::Groups, 1, 3)), Some(View::Groups { done: 2, total: 3 }));
        assert!(matches!(t.view(&report(Phase::Pricing, 1, 0)), Some(View::Search(_))));
        assert_eq!(t.view(&report(Phase::Groups, 3, 3)), None, "a groups report after pricing began");
        assert_eq!(t.view(&report(Phase::Done, 1, 1)), Some(View::Done));
        assert_eq!(t.view(&report(Phase::Choosing, 1, 0)), None);
    }

    #[test]
    fn the_search_line_shows_round_columns_objective_bound_and_gap() {
        let mut t = Tracker::default();
        let p = Progress {
            phase: Phase::Pricing,
            done: 4,
            total: 0,
            columns: 812,
            objective: Some(200_000.0),
            bound: Some(196_000.0),
            seconds: 3.0,
        };
        assert_eq!(
            t.view(&p),
            Some(View::Search(
                "pricing round 4 | 812 columns | best 200000.00 | bound 196000.00 | gap 2.00%".to_string()
            ))
        );
        let p = Progress { phase: Phase::Choosing, bound: None, ..p };
        assert_eq!(
            t.view(&p),
            Some(View::Search("choosing one plan per group | 812 columns | best 200000.00 | bound - | gap -".into()))
        );
    }

    #[test]
    fn the_bar_follows_the_reports_and_is_cleared_when_done() {
        let bar = BatchBar::with_target(ProgressDrawTarget::hidden());
        let sink = bar.sink();
        sink.report(&report(Phase::Groups, 0, 3));
        sink.report(&report(Phase::Groups, 2, 3));
        sink.report(&report(Phase::Groups, 1, 3));
        let b = &bar.inner.bar;
        assert_eq!((b.position(), b.length()), (2, Some(3)));
        sink.report(&Progress { columns: 40, objective: Some(10.0), bound: Some(9.0), ..report(Phase::Pricing, 1, 0) });
        assert_eq!(b.message(), "pricing round 1 | 40 columns | best 10.00 | bound 9.00 | gap 10.00%");
        assert!(!b.is_finished());
        sink.report(&report(Phase::Done, 1, 1));
        assert!(b.is_finished());
    }

    #[test]
    fn dropping_the_bar_clears_it_without_a_done_report() {
        let bar = BatchBar::with_target(ProgressDrawTarget::hidden());
        let sink = bar.sink();
        sink.report(&report(Phase::Groups, 1, 3));
        let b = bar.inner.bar.clone();
        drop(bar);
        assert!(b.is_finished());
        sink.report(&Progress { columns: 7, ..report(Phase::Pricing, 1, 0) });
        assert_eq!(b.message(), "", "reports after the bar is cleared change nothing");
    }
}
