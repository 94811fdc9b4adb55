//! Per-service counters: API attempts sent (retries included), operations that ended in an
//! error, and the time spent waiting on them.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Duration;

/// What one service cost.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServiceStats {
    /// The service, as the SDK names it (`EC2`, `CloudWatch Logs`).
    pub service: String,
    /// HTTP requests sent, retries included.
    pub requests: u64,
    /// Operations (after retries) that ended in an error, including expected "not found" answers.
    pub errors: u64,
    /// Operations that were turned into gaps.
    pub gaps: u64,
    /// Time spent in operations (summed over concurrent calls), rate-limit waits excluded.
    pub busy: Duration,
    /// Time spent waiting for the rate limiter.
    pub throttled: Duration,
}

/// Shared counters.
#[derive(Debug, Default)]
pub struct Stats {
    inner: Mutex<BTreeMap<String, ServiceStats>>,
}

impl Stats {
    fn with(&self, service: &str, f: impl FnOnce(&mut ServiceStats)) {
        let mut map = match self.inner.lock() {
            Ok(m) => m,
            Err(poisoned) => poisoned.into_inner(),
        };
        let entry = map
            .entry(service.to_owned())
            .or_insert_with(|| ServiceStats {
                service: service.to_owned(),
                ..ServiceStats::default()
            });
        f(entry);
    }

    pub(crate) fn attempt(&self, service: &str) {
        self.with(service, |s| s.requests += 1);
    }

    pub(crate) fn finished(&self, service: &str, busy: Duration, waited: Duration, error: bool) {
        self.with(service, |s| {
            s.busy += busy;
            s.throttled += waited;
            if error {
                s.errors += 1;
            }
        });
    }

    pub(crate) fn gap(&self, service: &str) {
        self.with(service, |s| s.gaps += 1);
    }

    /// A copy of the counters, sorted by service.
    #[must_use]
    pub fn snapshot(&self) -> Vec<ServiceStats> {
        let map = match self.inner.lock() {
            Ok(m) => m,
            Err(poisoned) => poisoned.into_inner(),
        };
        map.values().cloned().collect()
    }

    /// Requests sent over all services.
    #[must_use]
    pub fn total_requests(&self) -> u64 {
        self.snapshot().iter().map(|s| s.requests).sum()
    }
}
