//! A real rate limit ([`crate::MockServerBuilder::rate_limit`]): each vendor's API admits so many
//! requests per window, says how many are left on every response (`ratelimit-limit`,
//! `ratelimit-remaining`, `ratelimit-reset` in whole seconds, rounded up as a client must wait at
//! least that long) and refuses the rest with a `429` until the window resets. A window opens with
//! the first request after the previous one closed.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::http::{HeaderMap, HeaderValue};
use tokio::time::Instant;

/// The configured limit and each vendor's current window.
#[derive(Debug)]
pub(crate) struct RateLimit {
    requests: u32,
    window: Duration,
    /// Per vendor (by name): when its window opened, and how many requests it admitted since.
    windows: Mutex<HashMap<&'static str, (Instant, u32)>>,
    refused: AtomicU64,
}

/// What the limit says about one request.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Verdict {
    /// Whether the request may be served.
    pub(crate) admitted: bool,
    limit: u32,
    remaining: u32,
    reset: Duration,
}

impl Verdict {
    /// Adds the `ratelimit-*` headers.
    pub(crate) fn headers(&self, headers: &mut HeaderMap) {
        let reset = self.reset.as_secs() + u64::from(self.reset.subsec_nanos() > 0);
        headers.insert("ratelimit-limit", HeaderValue::from(self.limit));
        headers.insert("ratelimit-remaining", HeaderValue::from(self.remaining));
        headers.insert("ratelimit-reset", HeaderValue::from(reset));
    }
}

impl RateLimit {
    pub(crate) fn new(requests: u32, window: Duration) -> Self {
        Self {
            requests: requests.max(1),
            window,
            windows: Mutex::new(HashMap::new()),
            refused: AtomicU64::new(0),
        }
    }

    /// Counts a request to `vendor` against its window.
    pub(crate) fn admit(&self, vendor: &'static str) -> Verdict {
        let now = Instant::now();
        let mut windows = self.windows.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let (opened, used) = windows.entry(vendor).or_insert((now, 0));
        if now >= *opened + self.window {
            (*opened, *used) = (now, 0);
        }
        let admitted = *used < self.requests;
        if admitted {
            *used += 1;
        } else {
            self.refused.fetch_add(1, Ordering::Relaxed);
        }
        Verdict {
            admitted,
            limit: self.requests,
            remaining: self.requests - *used,
            reset: (*opened + self.window).saturating_duration_since(now),
        }
    }

    /// Requests refused so far.
    pub(crate) fn refused(&self) -> u64 {
        self.refused.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_window_admits_its_requests_then_refuses_until_it_resets() {
        let limit = RateLimit::new(3, Duration::from_millis(1_500));
        let remaining: Vec<(bool, u32)> = (0..4)
            .map(|_| limit.admit("first"))
            .map(|v| (v.admitted, v.remaining))
            .collect();
        assert_eq!(remaining, [(true, 2), (true, 1), (true, 0), (false, 0)]);
        assert_eq!(limit.refused(), 1);
        assert!(limit.admit("second").admitted, "another vendor has its own window");
        let mut headers = HeaderMap::new();
        limit.admit("first").headers(&mut headers);
        assert_eq!(headers["ratelimit-reset"], "2", "1.5 s rounds up");
        tokio::time::advance(Duration::from_millis(1_500)).await;
        let fresh = limit.admit("first");
        assert!(fresh.admitted);
        assert_eq!(fresh.remaining, 2);
    }
}
