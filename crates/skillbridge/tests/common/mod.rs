//! Shared by the integration tests of this crate: a sleeper that records waits instead of sleeping
//! and keeps a clock the test moves.
#![allow(dead_code)] // Each test binary uses its own subset.

use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use skillbridge::retry::{BoxFuture, Sleeper};

/// Records the waits the retrier asks for instead of sleeping. Its clock starts at creation and
/// moves only by those waits and by [`RecordingSleeper::advance`]: the retry budget and token
/// expiry are measured on it, so no test depends on how fast the machine is.
#[derive(Debug)]
pub(crate) struct RecordingSleeper {
    waits: Mutex<Vec<Duration>>,
    start: Instant,
    offset: Mutex<Duration>,
}

impl Default for RecordingSleeper {
    fn default() -> Self {
        Self {
            waits: Mutex::default(),
            start: Instant::now(),
            offset: Mutex::default(),
        }
    }
}

impl RecordingSleeper {
    /// The waits asked for so far, in order.
    pub(crate) fn waits(&self) -> Vec<Duration> {
        self.waits.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// Moves the clock forward without recording a wait.
    pub(crate) fn advance(&self, by: Duration) {
        *self.offset.lock().unwrap_or_else(PoisonError::into_inner) += by;
    }
}

impl Sleeper for RecordingSleeper {
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        self.waits.lock().unwrap_or_else(PoisonError::into_inner).push(duration);
        self.advance(duration);
        Box::pin(async {})
    }

    fn now(&self) -> Instant {
        self.start + *self.offset.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
