//! Retries with exponential backoff and jitter, shared by every API client.
//!
//! A request is retried when [`Error::is_retryable`] says so (for Kombo: the rate-limit,
//! concurrency-limit and remote-unavailable codes, bare `502`/`503`/`504`, connection failures and
//! timeouts). The wait before retry *n* (1-based) is `initial_delay * multiplier^(n-1)`, capped at
//! `max_delay`, then scaled by a random factor in `1 ± jitter`; when the server says how long to wait
//! (`Retry-After` in seconds or as an HTTP date, or `ratelimit-reset` on a `429`), that wait is used
//! instead. Retrying stops after `max_attempts` attempts or when the next wait would end after
//! `max_elapsed`, and the last error is returned.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, RETRY_AFTER};

use crate::error::{Error, Result, StatusCode};

/// A boxed, `Send` future, as returned by [`Sleeper::sleep`].
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// When and how often to retry.
///
/// ```
/// use std::time::Duration;
/// use skillbridge::retry::RetryPolicy;
///
/// let policy = RetryPolicy::default()
///     .max_attempts(4)
///     .initial_delay(Duration::from_millis(500))
///     .max_elapsed(Duration::from_secs(20));
/// assert_eq!(policy.attempt_limit(), 4);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_delay: Duration,
    multiplier: f64,
    max_delay: Duration,
    max_elapsed: Duration,
    jitter: f64,
}

impl Default for RetryPolicy {
    /// 5 attempts, first wait about 1 s, doubling up to 30 s, 20 % jitter, 2 minutes in total.
    fn default() -> Self {
        Self {
            max_attempts: 5,
            initial_delay: Duration::from_secs(1),
            multiplier: 2.0,
            max_delay: Duration::from_secs(30),
            max_elapsed: Duration::from_secs(120),
            jitter: 0.2,
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries (one attempt).
    pub fn never() -> Self {
        Self::default().max_attempts(1)
    }

    /// Attempts in total, the first included (at least 1).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The wait before the first retry, before jitter (default 1 s).
    pub fn initial_delay(mut self, delay: Duration) -> Self {
        self.initial_delay = delay;
        self
    }

    /// The factor between consecutive waits (default 2, at least 1).
    pub fn multiplier(mut self, multiplier: f64) -> Self {
        self.multiplier = if multiplier.is_finite() {
            multiplier.max(1.0)
        } else {
            1.0
        };
        self
    }

    /// The longest computed backoff wait (default 30 s); a server's `Retry-After` may be longer.
    pub fn max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// The time budget for all attempts and waits of one call (default 120 s).
    pub fn max_elapsed(mut self, budget: Duration) -> Self {
        self.max_elapsed = budget;
        self
    }

    /// Random spread of each backoff wait, as a fraction (default 0.2 = ±20 %, clamped to 0..=1).
    pub fn jitter(mut self, jitter: f64) -> Self {
        self.jitter = if jitter.is_finite() {
            jitter.clamp(0.0, 1.0)
        } else {
            0.0
        };
        self
    }

    /// The time budget of one call (what [`max_elapsed`](Self::max_elapsed) set).
    pub(crate) fn budget(&self) -> Duration {
        self.max_elapsed
    }

    /// Attempts in total, the first included (what [`max_attempts`](Self::max_attempts) set).
    pub fn attempt_limit(&self) -> u32 {
        self.max_attempts
    }

    /// The backoff wait before retry number `retry` (1-based), before jitter.
    pub fn backoff(&self, retry: u32) -> Duration {
        let exponent = i32::try_from(retry.saturating_sub(1)).unwrap_or(i32::MAX);
        let secs = self.initial_delay.as_secs_f64() * self.multiplier.powi(exponent);
        let capped = secs.min(self.max_delay.as_secs_f64());
        Duration::try_from_secs_f64(capped).unwrap_or(self.max_delay)
    }

    fn jittered(&self, base: Duration, rng: &mut fastrand::Rng) -> Duration {
        if self.jitter == 0.0 {
            return base;
        }
        // `f64()` is uniform in [0, 1): the factor is uniform in [1 - jitter, 1 + jitter).
        let factor = 1.0 - self.jitter + 2.0 * self.jitter * rng.f64();
        base.mul_f64(factor)
    }
}

/// Where retry waits happen, and the clock that the retry budget and token expiry read. The
/// default sleeps on the tokio timer and reads tokio's clock; tests may inject one that records the
/// requested waits instead of sleeping, and a clock they move forward themselves.
pub trait Sleeper: Send + Sync + std::fmt::Debug {
    /// Wait for `duration`.
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()>;

    /// The current time (default: `tokio::time::Instant::now()`, which follows a paused tokio clock).
    fn now(&self) -> std::time::Instant {
        tokio::time::Instant::now().into_std()
    }
}

/// The default [`Sleeper`]: `tokio::time::sleep`.
#[derive(Debug, Clone, Copy, Default)]
pub struct TokioSleeper;

impl Sleeper for TokioSleeper {
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        Box::pin(tokio::time::sleep(duration))
    }
}

/// Counts of requests and retries made by one client (all its handles and clones).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RequestStats {
    /// HTTP requests attempted, retries included.
    pub requests: u64,
    /// Requests that were retries of an earlier attempt.
    pub retries: u64,
}

#[derive(Debug, Default)]
struct Counters {
    requests: AtomicU64,
    retries: AtomicU64,
}

/// The result of a call run by a [`Retrier`], with the number of attempts it took and the time
/// they took, waits included, on the [`Sleeper`]'s clock.
#[derive(Debug)]
pub(crate) struct Attempted<T> {
    pub(crate) result: Result<T>,
    pub(crate) attempts: u32,
    pub(crate) elapsed: Duration,
}

impl<T> Attempted<T> {
    /// A call refused before anything was sent: no attempt, no time.
    pub(crate) fn refused(error: Error) -> Self {
        Self {
            result: Err(error),
            attempts: 0,
            elapsed: Duration::ZERO,
        }
    }
}

/// What a recovery hook wants: run this future (e.g. refresh a token), then retry at once.
pub(crate) type Recovery = BoxFuture<'static, Result<()>>;

/// Runs calls under a [`RetryPolicy`]; cheap to clone, counters are shared between clones.
#[derive(Clone)]
pub(crate) struct Retrier {
    policy: RetryPolicy,
    sleeper: Arc<dyn Sleeper>,
    counters: Arc<Counters>,
    rng: Arc<Mutex<fastrand::Rng>>,
}

impl std::fmt::Debug for Retrier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Retrier")
            .field("policy", &self.policy)
            .field("stats", &self.stats())
            .finish_non_exhaustive()
    }
}

impl Retrier {
    pub(crate) fn new(policy: RetryPolicy, sleeper: Arc<dyn Sleeper>) -> Self {
        Self {
            policy,
            sleeper,
            counters: Arc::default(),
            rng: Arc::new(Mutex::new(fastrand::Rng::with_seed(random_seed()))),
        }
    }

    /// This retrier with another policy, for one call; requests and retries still count in the
    /// client's stats.
    pub(crate) fn with_policy(&self, policy: RetryPolicy) -> Self {
        Self { policy, ..self.clone() }
    }

    pub(crate) fn stats(&self) -> RequestStats {
        RequestStats {
            requests: self.counters.requests.load(Ordering::Relaxed),
            retries: self.counters.retries.load(Ordering::Relaxed),
        }
    }

    /// Runs `attempt(n)` for n = 1, 2, ... until it succeeds, fails for good, or the policy says stop.
    pub(crate) async fn run<T, F, Fut>(&self, operation: &'static str, attempt: F) -> Attempted<T>
    where
        F: FnMut(u32) -> Fut,
        Fut: Future<Output = Result<T>>,
    {
        self.run_with_recovery(operation, attempt, |_: &Error| None).await
    }

    /// Like [`Retrier::run`], with a hook consulted on every non-retryable error: when it returns a
    /// future (say, "refresh the OAuth token" after a 401), that future runs and the call is retried
    /// at once. The hook is honoured once per call, so a second 401 is returned to the caller.
    pub(crate) async fn run_with_recovery<T, F, Fut, R>(
        &self,
        operation: &'static str,
        mut attempt: F,
        mut recover: R,
    ) -> Attempted<T>
    where
        F: FnMut(u32) -> Fut,
        Fut: Future<Output = Result<T>>,
        R: FnMut(&Error) -> Option<Recovery>,
    {
        let started = self.sleeper.now();
        let mut slept = Duration::ZERO;
        let mut recovered = false;
        let mut number = 1;
        loop {
            self.counters.requests.fetch_add(1, Ordering::Relaxed);
            let result = attempt(number).await;
            let sleeper = &self.sleeper;
            let done = move |result: Result<T>| Attempted {
                result,
                attempts: number,
                elapsed: sleeper.now().saturating_duration_since(started),
            };
            let error = match result {
                Ok(value) => return done(Ok(value)),
                Err(error) => error,
            };
            let give_up = move |error: Error| done(Err(error));
            if number >= self.policy.max_attempts {
                return give_up(error);
            }
            if !error.is_retryable() {
                if recovered {
                    return give_up(error);
                }
                let Some(recovery) = recover(&error) else {
                    return give_up(error);
                };
                recovered = true;
                if let Err(failed) = recovery.await {
                    return give_up(failed);
                }
                tracing::debug!(operation, attempt = number, error = %error, "recovered; retrying at once");
                self.counters.retries.fetch_add(1, Ordering::Relaxed);
                number += 1;
                continue;
            }
            let wait = match error.retry_after() {
                Some(server_wait) => server_wait,
                None => {
                    let base = self.policy.backoff(number);
                    let mut rng = self.rng.lock().unwrap_or_else(PoisonError::into_inner);
                    self.policy.jittered(base, &mut rng)
                }
            };
            let spent = self.sleeper.now().saturating_duration_since(started).max(slept);
            if spent.saturating_add(wait) > self.policy.max_elapsed {
                tracing::debug!(
                    operation,
                    attempt = number,
                    wait_ms = wait.as_millis() as u64,
                    "retry budget exhausted"
                );
                return give_up(error);
            }
            tracing::info!(
                operation,
                attempt = number,
                wait_ms = wait.as_millis() as u64,
                error = %error,
                "retrying after a transient error"
            );
            self.sleeper.sleep(wait).await;
            slept += wait;
            self.counters.retries.fetch_add(1, Ordering::Relaxed);
            number += 1;
        }
    }
}

/// A per-process random seed without an OS-randomness feature: std's `RandomState` is randomly keyed.
fn random_seed() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(
        SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default(),
    );
    hasher.finish()
}

/// The wait a response asks for: `Retry-After` (delta seconds or HTTP date), else on a `429` the
/// `ratelimit-reset` header (seconds until the rate-limit window resets).
pub(crate) fn server_wait(status: StatusCode, headers: &HeaderMap) -> Option<Duration> {
    if let Some(value) = headers.get(RETRY_AFTER).and_then(|v| v.to_str().ok()) {
        return parse_retry_after(value, SystemTime::now());
    }
    if status == StatusCode::TOO_MANY_REQUESTS {
        let reset = headers.get("ratelimit-reset")?.to_str().ok()?.trim();
        return reset.parse::<u64>().ok().map(Duration::from_secs);
    }
    None
}

/// Parses a `Retry-After` value: delta seconds, or an HTTP date (a past date means "now").
pub(crate) fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let date = parse_http_date(value)?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

/// An HTTP date (RFC 9110 §5.6.7): the preferred IMF-fixdate, or the obsolete RFC 850 and asctime
/// forms recipients must still accept. Always GMT.
fn parse_http_date(value: &str) -> Option<SystemTime> {
    use chrono::NaiveDateTime;
    const FORMATS: [&str; 3] = [
        "%a, %d %b %Y %H:%M:%S GMT", // Sun, 06 Nov 1994 08:49:37 GMT
        "%A, %d-%b-%y %H:%M:%S GMT", // Sunday, 06-Nov-94 08:49:37 GMT
        "%a %b %e %H:%M:%S %Y",      // Sun Nov  6 08:49:37 1994
    ];
    let parsed = FORMATS
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(value, format).ok())?;
    let secs = u64::try_from(parsed.and_utc().timestamp()).ok()?;
    SystemTime::UNIX_EPOCH.checked_add(Duration::from_secs(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_starts_near_one_second_and_is_capped() {
        let policy = RetryPolicy::default();
        assert_eq!(policy.backoff(1), Duration::from_secs(1));
        assert_eq!(policy.backoff(2), Duration::from_secs(2));
        assert_eq!(policy.backoff(3), Duration::from_secs(4));
        assert_eq!(policy.backoff(20), Duration::from_secs(30));
        assert_eq!(policy.backoff(u32::MAX), Duration::from_secs(30));
    }

    #[test]
    fn jitter_stays_within_its_band() {
        let policy = RetryPolicy::default();
        let mut rng = fastrand::Rng::with_seed(7);
        for _ in 0..1000 {
            let wait = policy.jittered(Duration::from_secs(1), &mut rng);
            assert!(
                wait >= Duration::from_millis(800) && wait <= Duration::from_millis(1200),
                "{wait:?}"
            );
        }
    }

    #[test]
    fn retry_after_seconds_and_http_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(parse_retry_after("7", now), Some(Duration::from_secs(7)));
        let later = httpdate::fmt_http_date(now + Duration::from_secs(42));
        assert_eq!(parse_retry_after(&later, now), Some(Duration::from_secs(42)));
        let earlier = httpdate::fmt_http_date(now - Duration::from_secs(42));
        assert_eq!(parse_retry_after(&earlier, now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("soon", now), None);
    }

    #[test]
    fn every_http_date_form_is_read() {
        // 1994-11-06T08:49:37Z, the example of RFC 9110 §5.6.7, in its three forms.
        let date = SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_777);
        let before = date - Duration::from_secs(10);
        for form in [
            "Sun, 06 Nov 1994 08:49:37 GMT",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
        ] {
            assert_eq!(parse_retry_after(form, before), Some(Duration::from_secs(10)), "{form}");
        }
        for bad in ["Sun, 06 Nov 1994 08:49:37 CET", "Sun, 31 Feb 1994 08:49:37 GMT", ""] {
            assert_eq!(parse_retry_after(bad, before), None, "{bad}");
        }
    }

    #[test]
    fn ratelimit_reset_only_counts_on_429() {
        let mut headers = HeaderMap::new();
        headers.insert("ratelimit-reset", reqwest::header::HeaderValue::from_static("9"));
        assert_eq!(
            server_wait(StatusCode::TOO_MANY_REQUESTS, &headers),
            Some(Duration::from_secs(9))
        );
        assert_eq!(server_wait(StatusCode::SERVICE_UNAVAILABLE, &headers), None);
        headers.insert(RETRY_AFTER, reqwest::header::HeaderValue::from_static("2"));
        assert_eq!(
            server_wait(StatusCode::SERVICE_UNAVAILABLE, &headers),
            Some(Duration::from_secs(2))
        );
    }
}
