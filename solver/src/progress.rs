//! Progress of a long solve (a batch), reported to whoever runs it: the CLI's progress
//! bar, the worker's logs and metrics. The solver only calls the sink; it never prints.

use std::fmt;
use std::sync::Arc;

/// Where a batch solve is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Preparing and planning each group alone (`done` of `total` groups).
    Groups,
    /// Column generation: pricing better plans for the groups against the shared inventory.
    Pricing,
    /// Choosing one plan per group among the generated ones (the integer master problem).
    Choosing,
    /// Finished.
    Done,
}

impl Phase {
    /// A short name for logs and bars.
    pub fn name(self) -> &'static str {
        match self {
            Phase::Groups => "groups",
            Phase::Pricing => "pricing",
            Phase::Choosing => "choosing",
            Phase::Done => "done",
        }
    }
}

/// One progress report.
#[derive(Clone, Debug, PartialEq)]
pub struct Progress {
    /// The phase.
    pub phase: Phase,
    /// Units done in this phase (groups planned alone, or pricing rounds).
    pub done: u64,
    /// Units in this phase when known (groups); 0 when open-ended.
    pub total: u64,
    /// Candidate plans (columns) generated so far over all groups.
    pub columns: u64,
    /// Best batch objective found so far, when there is one.
    pub objective: Option<f64>,
    /// Best proven lower bound so far, when there is one.
    pub bound: Option<f64>,
    /// Seconds since the batch started.
    pub seconds: f64,
}

impl Progress {
    /// The relative gap between `objective` and `bound`, when both are known.
    pub fn gap(&self) -> Option<f64> {
        let (o, b) = (self.objective?, self.bound?);
        Some(if o.abs() > 1e-9 { ((o - b) / o.abs()).max(0.0) } else { 0.0 })
    }
}

/// A callback that receives progress reports; cheap to clone, safe to call from any thread.
#[derive(Clone)]
pub struct ProgressSink(pub Arc<dyn Fn(&Progress) + Send + Sync>);

impl ProgressSink {
    /// A sink calling `f`.
    pub fn new(f: impl Fn(&Progress) + Send + Sync + 'static) -> ProgressSink {
        ProgressSink(Arc::new(f))
    }

    /// Reports `p`.
    pub fn report(&self, p: &Progress) {
        (self.0)(p)
    }
}

impl fmt::Debug for ProgressSink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ProgressSink")
    }
}
