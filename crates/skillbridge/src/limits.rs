//! Limits a server announces, honoured before they bite, shared by every API client.
//!
//! - [`RateGate`]: when a response says `ratelimit-remaining: 0`, no request goes out through the
//!   gate until `ratelimit-reset` seconds have passed. One gate per client, shared by its handles
//!   and streams: the response does not say what the limit is keyed on, and waiting for all of
//!   them is the choice that never earns a `429`. (A `429` that comes anyway, say from another
//!   process using the same key, is waited out by the retrier, which honours its `Retry-After`.)
//! - [`ConcurrencyLimiter`]: requests in flight at once, following a limit the server announces
//!   (a header the vendor module reads) and otherwise additive-increase/multiplicative-decrease on
//!   the server's concurrency refusals. It starts with one request in flight, so that the first
//!   answer announces the limit before the client can exceed it. An announcement is a ceiling
//!   that moves down at once and up only gradually (one more per window of answers announcing
//!   more), so a server whose announcements flip-flop is held to the lower one; a value outside
//!   `1..=`[`UNANNOUNCED_LIMIT`] is not a limit and is ignored; a refusal always halves the window,
//!   and no announcement undoes that.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use reqwest::header::HeaderMap;
use tokio::sync::Notify;

use crate::retry::Sleeper;

/// Holds requests back while a rate-limit window is used up.
#[derive(Debug)]
pub(crate) struct RateGate {
    /// When requests may go out again, if the server said to wait.
    open_at: Mutex<Option<Instant>>,
    sleeper: Arc<dyn Sleeper>,
    /// The longest wait a response can impose (a reset far beyond it is a server's mistake).
    longest: Duration,
}

impl RateGate {
    pub(crate) fn new(sleeper: Arc<dyn Sleeper>, longest: Duration) -> Self {
        Self {
            open_at: Mutex::new(None),
            sleeper,
            longest,
        }
    }

    /// Waits until the window the server last announced as used up has reset.
    pub(crate) async fn wait(&self) {
        loop {
            let now = self.sleeper.now();
            let open_at = *self.open_at.lock().unwrap_or_else(PoisonError::into_inner);
            match open_at {
                Some(at) if at > now => self.sleeper.sleep(at - now).await,
                _ => return,
            }
        }
    }

    /// Reads `ratelimit-remaining` and `ratelimit-reset` (whole or fractional seconds) from a
    /// response: a used-up window closes the gate until it resets.
    pub(crate) fn observe(&self, headers: &HeaderMap) {
        let read = |name: &str| {
            headers
                .get(name)
                .and_then(|value| value.to_str().ok())
                .and_then(|value| value.trim().parse::<f64>().ok())
                .filter(|value| value.is_finite() && *value >= 0.0)
        };
        if read("ratelimit-remaining") != Some(0.0) {
            return;
        }
        let Some(reset) = read("ratelimit-reset") else {
            return;
        };
        let wait = Duration::try_from_secs_f64(reset).map_or(self.longest, |wait| wait.min(self.longest));
        let open_at = self.sleeper.now() + wait;
        let mut current = self.open_at.lock().unwrap_or_else(PoisonError::into_inner);
        // The later of two announced reopenings holds.
        *current = Some(current.map_or(open_at, |at| at.max(open_at)));
    }
}

/// The most requests in flight a limiter allows while no limit has been announced.
pub(crate) const UNANNOUNCED_LIMIT: usize = 1024;

/// Requests in flight at once for one key, following the server's limit.
#[derive(Debug, Default)]
pub(crate) struct ConcurrencyLimiter {
    state: Mutex<LimiterState>,
    changed: Notify,
}

#[derive(Debug)]
struct LimiterState {
    /// Requests allowed in flight (fractional so that additive increase can add `1/window`).
    window: f64,
    /// The ceiling the server's announcements set, if it announced one (fractional so that a
    /// higher announcement can raise it by `1/ceiling`).
    announced: Option<f64>,
    /// Whether the window still doubles per round trip (until the first refusal or announcement).
    slow_start: bool,
    in_flight: usize,
}

impl Default for LimiterState {
    fn default() -> Self {
        Self {
            window: 1.0,
            announced: None,
            slow_start: true,
            in_flight: 0,
        }
    }
}

impl LimiterState {
    fn ceiling(&self) -> f64 {
        self.announced.unwrap_or(UNANNOUNCED_LIMIT as f64)
    }

    fn allowed(&self) -> usize {
        // At least one: a limiter never stops everything.
        (self.window.min(self.ceiling()).floor() as usize).max(1)
    }
}

/// A slot of a [`ConcurrencyLimiter`], given back when dropped.
#[derive(Debug)]
pub(crate) struct Slot {
    limiter: Arc<ConcurrencyLimiter>,
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.limiter.lock().in_flight -= 1;
        self.limiter.changed.notify_waiters();
    }
}

impl ConcurrencyLimiter {
    fn lock(&self) -> std::sync::MutexGuard<'_, LimiterState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Waits for a slot: fewer requests in flight than the window allows.
    pub(crate) async fn acquire(self: &Arc<Self>) -> Slot {
        loop {
            // Registered before the check, so that a slot freed in between still wakes us.
            let changed = self.changed.notified();
            tokio::pin!(changed);
            changed.as_mut().enable();
            {
                let mut state = self.lock();
                if state.in_flight < state.allowed() {
                    state.in_flight += 1;
                    return Slot {
                        limiter: Arc::clone(self),
                    };
                }
            }
            changed.await;
        }
    }

    /// How many requests may be in flight now.
    pub(crate) fn allowed(&self) -> usize {
        self.lock().allowed()
    }

    /// The server announced its limit. The first announcement is adopted at once (it answers the
    /// probe); after that a lower one lowers the ceiling and the window at once, a higher one raises
    /// the ceiling by one per window of such answers, and the window only grows with successes. A
    /// limit of zero, or above [`UNANNOUNCED_LIMIT`], is no limit a client can follow: ignored.
    pub(crate) fn announce(&self, limit: u64) {
        if !(1..=UNANNOUNCED_LIMIT as u64).contains(&limit) {
            return;
        }
        let limit = limit as f64;
        self.update(|state| {
            match state.announced {
                None => {
                    state.announced = Some(limit);
                    state.window = limit;
                }
                Some(ceiling) if limit <= ceiling => {
                    state.announced = Some(limit);
                    state.window = state.window.min(limit);
                }
                Some(ceiling) => state.announced = Some((ceiling + 1.0 / ceiling).min(limit)),
            }
            state.slow_start = false;
        });
    }

    /// A request succeeded: without an announced limit the window grows, by one per success
    /// during slow start (doubling per round trip), by one per window afterwards.
    pub(crate) fn succeeded(&self) {
        self.update(|state| {
            let step = if state.slow_start { 1.0 } else { 1.0 / state.window };
            state.window = (state.window + step).min(state.ceiling());
        });
    }

    /// The server refused a request for concurrency: the window halves.
    pub(crate) fn refused(&self) {
        self.update(|state| {
            state.slow_start = false;
            state.window = (state.window / 2.0).max(1.0);
        });
    }

    /// Changes the state; waiters are woken only when more requests are allowed than before
    /// (every answer updates the limiter, and most change nothing a waiter cares about).
    fn update(&self, change: impl FnOnce(&mut LimiterState)) {
        let mut state = self.lock();
        let before = state.allowed();
        change(&mut state);
        let grew = state.allowed() > before;
        drop(state);
        if grew {
            self.changed.notify_waiters();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::retry::TokioSleeper;

    /// Before: each flip back to the high value undid the halving and the lower limit (5 and
    /// more writes in flight against a server allowing 4; 30 refusals for 30 writes).
    #[test]
    fn a_flip_flopping_announcement_is_held_to_the_lower_limit() {
        let limiter = ConcurrencyLimiter::default();
        for _ in 0..1_000 {
            limiter.announce(4);
            limiter.succeeded();
            assert_eq!(limiter.allowed(), 4);
            limiter.announce(100_000);
            limiter.succeeded();
            assert_eq!(limiter.allowed(), 4, "{:?}", limiter.lock());
        }
        limiter.refused();
        assert_eq!(limiter.allowed(), 2, "a refusal halves the window");
        limiter.announce(4);
        limiter.announce(1_000);
        assert_eq!(limiter.allowed(), 2, "no announcement undoes a refusal");
    }

    #[test]
    fn a_higher_announcement_is_followed_gradually_a_lower_one_at_once() {
        let limiter = ConcurrencyLimiter::default();
        limiter.announce(4);
        let mut allowed = vec![limiter.allowed()];
        for _ in 0..40 {
            limiter.announce(8);
            limiter.succeeded();
            allowed.push(limiter.allowed());
        }
        assert!(
            allowed.windows(2).all(|w| w[1] <= w[0] + 1),
            "one more at a time: {allowed:?}"
        );
        assert_eq!(allowed[1], 4, "not at the first higher announcement");
        assert_eq!(allowed.last(), Some(&8), "but in the end: {allowed:?}");
        limiter.announce(3);
        assert_eq!(limiter.allowed(), 3, "down at once");
        for _ in 0..10 {
            limiter.announce(8);
        }
        assert_eq!(
            limiter.allowed(),
            3,
            "a ceiling going up again widens no window without successes"
        );
        for insane in [0, 1_025, u64::MAX] {
            limiter.announce(insane);
            assert_eq!(limiter.allowed(), 3, "{insane} is ignored");
        }
    }

    /// A higher announcement raises the ceiling by one per window's worth of announcements (like
    /// the window's own growth), however many requests succeed meanwhile.
    #[test]
    fn a_higher_ceiling_is_trusted_one_step_per_window_of_announcements() {
        let limiter = ConcurrencyLimiter::default();
        limiter.announce(4);
        let mut allowed_after = Vec::new();
        for _ in 0..2 {
            for _ in 0..4 {
                limiter.announce(8);
            }
            for _ in 0..100 {
                limiter.succeeded();
            }
            allowed_after.push(limiter.allowed());
        }
        // 4 + 1/4 + 1/4.25 + ...: about 4.9 after four announcements, 5.7 after eight.
        assert_eq!(allowed_after, [4, 5], "{:?}", limiter.lock());
    }

    #[test]
    fn an_announced_limit_is_adopted_at_once_and_caps_growth() {
        let limiter = ConcurrencyLimiter::default();
        assert_eq!(limiter.allowed(), 1, "one request probes for the limit");
        limiter.announce(30);
        assert_eq!(limiter.allowed(), 30);
        for _ in 0..100 {
            limiter.succeeded();
        }
        assert_eq!(limiter.allowed(), 30, "never above the announced limit");
        limiter.refused();
        assert_eq!(limiter.allowed(), 15, "another writer took slots: halve");
        limiter.announce(30);
        assert_eq!(
            limiter.allowed(),
            15,
            "the same announcement does not undo the decrease"
        );
        for _ in 0..15 {
            limiter.succeeded();
        }
        assert_eq!(
            limiter.allowed(),
            15,
            "one more per window of successes: {:?}",
            limiter.lock()
        );
        for _ in 0..400 {
            limiter.succeeded();
        }
        assert_eq!(limiter.allowed(), 30, "back to the limit, not beyond");
        limiter.announce(12);
        assert_eq!(limiter.allowed(), 12, "a lower limit is adopted at once");
    }

    #[test]
    fn without_announcements_slow_start_then_aimd() {
        let limiter = ConcurrencyLimiter::default();
        for expected in 2..=9 {
            limiter.succeeded();
            assert_eq!(limiter.allowed(), expected);
        }
        limiter.refused();
        assert_eq!(limiter.allowed(), 4);
        limiter.succeeded();
        assert_eq!(limiter.allowed(), 4, "additive now: a quarter more");
        for _ in 0..3 {
            limiter.succeeded();
        }
        assert_eq!(limiter.allowed(), 5);
        for _ in 0..20 {
            limiter.refused();
        }
        assert_eq!(limiter.allowed(), 1, "never below one");
        for _ in 0..100_000 {
            limiter.succeeded();
        }
        assert!(limiter.allowed() <= UNANNOUNCED_LIMIT);
    }

    /// Virtual time: a limiter that never gives a slot fails the test at once instead of hanging.
    #[tokio::test(start_paused = true)]
    async fn slots_never_exceed_the_window_and_waiters_wake_when_it_grows() {
        let limiter = Arc::new(ConcurrencyLimiter::default());
        let first = tokio::time::timeout(Duration::from_secs(60), limiter.acquire())
            .await
            .expect("the first request gets a slot");
        let waiting = tokio::spawn({
            let limiter = Arc::clone(&limiter);
            async move { limiter.acquire().await }
        });
        tokio::task::yield_now().await;
        assert!(!waiting.is_finished(), "window 1: the second waits");
        limiter.announce(2);
        let second = tokio::time::timeout(Duration::from_secs(60), waiting)
            .await
            .expect("woken by the announcement")
            .expect("joins");
        assert_eq!(limiter.lock().in_flight, 2);
        drop((first, second));
        assert_eq!(limiter.lock().in_flight, 0);
    }

    #[tokio::test(start_paused = true)]
    async fn a_used_up_window_holds_requests_until_it_resets() {
        let gate = RateGate::new(Arc::new(TokioSleeper), Duration::from_secs(120));
        let mut headers = HeaderMap::new();
        headers.insert("ratelimit-remaining", "3".parse().expect("value"));
        headers.insert("ratelimit-reset", "7".parse().expect("value"));
        gate.observe(&headers);
        let start = tokio::time::Instant::now();
        gate.wait().await;
        assert_eq!(start.elapsed(), Duration::ZERO, "requests left: no wait");

        headers.insert("ratelimit-remaining", "0".parse().expect("value"));
        gate.observe(&headers);
        gate.wait().await;
        assert_eq!(start.elapsed(), Duration::from_secs(7));
        gate.wait().await;
        assert_eq!(start.elapsed(), Duration::from_secs(7), "open again after the reset");

        headers.insert("ratelimit-reset", "0.25".parse().expect("value"));
        gate.observe(&headers);
        gate.wait().await;
        assert_eq!(
            start.elapsed(),
            Duration::from_millis(7_250),
            "fractional seconds are read"
        );

        headers.insert("ratelimit-reset", "99999999999".parse().expect("value"));
        let before = tokio::time::Instant::now();
        gate.observe(&headers);
        gate.wait().await;
        assert_eq!(before.elapsed(), Duration::from_secs(120), "capped at the longest wait");

        for absurd in ["-1", "soon", "NaN", "inf", "-inf", ""] {
            headers.insert("ratelimit-reset", absurd.parse().expect("value"));
            let before = tokio::time::Instant::now();
            gate.observe(&headers);
            gate.wait().await;
            assert_eq!(
                before.elapsed(),
                Duration::ZERO,
                "{absurd:?}: no reset a client can follow, ignored"
            );
        }
    }
}
