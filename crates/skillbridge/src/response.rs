//! A call's typed value with what came with it ([`Response`]), shared by every API client: the
//! status and headers of the answer that succeeded, how many attempts the call took and how long,
//! on the client's [`Sleeper`](crate::retry::Sleeper) clock.

use std::time::Duration;

use reqwest::header::HeaderMap;

use crate::error::{Result, StatusCode};
use crate::retry::Attempted;

/// A decoded success, with its status and the headers worth keeping (see [`Response::headers`]).
#[derive(Debug)]
pub(crate) struct Received<T> {
    pub(crate) value: T,
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
}

impl<T> Received<T> {
    /// The same answer with its value changed by `f` (an envelope unwrapped, ...).
    pub(crate) fn map<U>(self, f: impl FnOnce(T) -> U) -> Received<U> {
        Received {
            value: f(self.value),
            status: self.status,
            headers: self.headers,
        }
    }
}

/// A call's typed value, with the status and headers of the answer it came in, the number of
/// attempts the call took and the time they took; from a builder's `send_with_meta` (or, page by
/// page, `pages_with_meta`).
///
/// ```no_run
/// # async fn run(hris: skillbridge::kombo::Integration) -> skillbridge::Result<()> {
/// let page = hris.staffing_entity_skills().page_size(50).send_with_meta().await?;
/// println!(
///     "HTTP {} after {} attempts in {:?}, {:?} requests left",
///     page.status(),
///     page.attempts(),
///     page.elapsed(),
///     page.headers().get("ratelimit-remaining"),
/// );
/// let records = page.into_inner().results;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct Response<T> {
    value: T,
    status: StatusCode,
    headers: HeaderMap,
    attempts: u32,
    elapsed: Duration,
}

impl<T> Response<T> {
    /// The response of a call its retrier ran.
    pub(crate) fn from_attempted(attempted: Attempted<Received<T>>) -> Result<Self> {
        let Attempted {
            result,
            attempts,
            elapsed,
        } = attempted;
        result.map(|received| Self {
            value: received.value,
            status: received.status,
            headers: received.headers,
            attempts,
            elapsed,
        })
    }

    /// The typed value.
    pub fn into_inner(self) -> T {
        self.value
    }

    /// The typed value, borrowed.
    pub fn value(&self) -> &T {
        &self.value
    }

    /// The HTTP status of the answer the value came in.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// That answer's headers (`ratelimit-*`, a request id, a vendor's `concurrency-limit`, ...),
    /// kept by the rule of [`ApiError::headers`](crate::error::ApiError::headers): no header that
    /// may carry a credential or a session (`Authorization`, `Set-Cookie`, names containing
    /// `token`, `secret` or `key`), and configured secrets redacted in the others.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// HTTP requests the call took: 1 without retries.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// The time from the first attempt's start to the answer, retry waits included, on the
    /// client's [`Sleeper`](crate::retry::Sleeper) clock (tokio's by default, which a test can pause).
    pub fn elapsed(&self) -> Duration {
        self.elapsed
    }
}
