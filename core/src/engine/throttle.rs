//! Throttling (docs/behaviour.md §9): API Gateway's token buckets, one per route of the stage and one for the
//! account's new connections, each a single atomic word so that a message pays one compare-and-swap.
//!
//! A bucket is the generic cell rate algorithm, the token bucket written as the time its next token is due (the
//! "theoretical arrival time"): a request at `now` conforms while that time is at most `burst - 1` intervals ahead.

use std::sync::atomic::{AtomicU64, Ordering};

/// `throttlingBurstLimit` and `throttlingRateLimit`, as a stage's route settings give them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ThrottleLimits {
    /// Requests the bucket holds: how many may come at once.
    pub burst: u32,
    /// Requests a second it refills with.
    pub rate: f64,
}

/// One token bucket, shared by every connection of the gateway.
#[derive(Debug)]
pub struct Bucket {
    /// Nanoseconds between tokens; `u64::MAX` when the rate is 0 (never refilled).
    interval_ns: u64,
    /// How far ahead of now the next token may be due: `(burst - 1)` intervals.
    tolerance_ns: u64,
    burst: u64,
    /// The time the next token is due, in nanoseconds of the callers' clock; with a rate of 0, the tokens taken.
    due_ns: AtomicU64,
}

impl Bucket {
    pub fn new(limits: ThrottleLimits) -> Self {
        let interval_ns = if limits.rate > 0.0 {
            (1e9 / limits.rate).max(1.0) as u64
        } else {
            u64::MAX
        };
        Self {
            interval_ns,
            tolerance_ns: interval_ns.saturating_mul(u64::from(limits.burst.saturating_sub(1))),
            burst: u64::from(limits.burst),
            due_ns: AtomicU64::new(0),
        }
    }

    /// Takes a token at `now_ms` (the event's time); `false` when the bucket is empty and the request is
    /// throttled. Times that go backwards count as the latest seen.
    pub fn take(&self, now_ms: u64) -> bool {
        if self.interval_ns == u64::MAX {
            // Never refilled: `burst` requests in all.
            let taken = self
                .due_ns
                .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| {
                    (n < self.burst).then_some(n + 1)
                });
            return taken.is_ok();
        }
        if self.burst == 0 {
            return false;
        }
        let now = now_ms.saturating_mul(1_000_000);
        let mut due = self.due_ns.load(Ordering::Relaxed);
        loop {
            let from = due.max(now);
            if from - now > self.tolerance_ns {
                return false;
            }
            match self.due_ns.compare_exchange_weak(
                due,
                from.saturating_add(self.interval_ns),
                Ordering::Relaxed,
                Ordering::Relaxed,
            ) {
                Ok(_) => return true,
                Err(seen) => due = seen,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn taken(bucket: &Bucket, at_ms: u64, times: usize) -> usize {
        (0..times).filter(|_| bucket.take(at_ms)).count()
    }

    #[test]
    fn a_burst_passes_at_once_then_the_rate_refills_it() {
        let bucket = Bucket::new(ThrottleLimits {
            burst: 5,
            rate: 10.0,
        });
        let start = 1_700_000_000_000;
        assert_eq!(taken(&bucket, start, 8), 5);
        // 100 ms later one token is back; a second later all five.
        assert_eq!(taken(&bucket, start + 100, 3), 1);
        assert_eq!(taken(&bucket, start + 1_100, 8), 5);
    }

    #[test]
    fn zero_limits_throttle_everything_or_never_refill() {
        let closed = Bucket::new(ThrottleLimits {
            burst: 0,
            rate: 100.0,
        });
        assert_eq!(taken(&closed, 1, 3), 0);
        let once = Bucket::new(ThrottleLimits {
            burst: 2,
            rate: 0.0,
        });
        assert_eq!(taken(&once, 1, 3), 2);
        assert_eq!(taken(&once, 1_000_000, 3), 0);
    }

    #[test]
    fn a_steady_rate_under_the_limit_is_never_throttled() {
        let bucket = Bucket::new(ThrottleLimits {
            burst: 1,
            rate: 1000.0,
        });
        assert!((0..10_000).all(|ms| bucket.take(5_000 + ms)));
        assert!(!bucket.take(5_000 + 9_999));
    }
}
