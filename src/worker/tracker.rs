//! Counts the job tasks in flight, so shutdown can wait for them.

use tokio::sync::watch;

/// A counter of live [`Guard`]s that can be awaited down to zero.
#[derive(Clone, Debug)]
pub struct Tracker {
    count: watch::Sender<usize>,
}

/// Held by one job task; dropping it ends the job's tracking.
#[derive(Debug)]
pub struct Guard {
    count: watch::Sender<usize>,
}

impl Default for Tracker {
    fn default() -> Self {
        Tracker { count: watch::Sender::new(0) }
    }
}

impl Tracker {
    /// Starts tracking one job.
    pub fn guard(&self) -> Guard {
        self.count.send_modify(|n| *n += 1);
        Guard { count: self.count.clone() }
    }

    /// Jobs in flight now.
    pub fn count(&self) -> usize {
        *self.count.borrow()
    }

    /// Resolves when no job is in flight.
    pub async fn idle(&self) {
        let mut rx = self.count.subscribe();
        // The sender lives in `self`, so the channel cannot close while we wait.
        let _ = rx.wait_for(|n| *n == 0).await;
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        self.count.send_modify(|n| *n = n.saturating_sub(1));
    }
}
