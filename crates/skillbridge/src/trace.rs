//! One `tracing` span per HTTP attempt, shared by every API client.
//!
//! Span `skillbridge.request` carries `vendor`, `operation`, `integration_id` (empty where the API
//! has none), `attempt` (1-based), and once the attempt ends `status` (HTTP status, 0 when no
//! response arrived) and `duration_ms`. Credentials never go into a span or event.

use std::future::Future;

use tracing::Instrument;

use crate::error::Result;
use crate::response::Received;

/// Runs one attempt inside its span, recording the status and duration when it ends (a success's
/// status is in what it [`Received`]).
pub(crate) async fn request<T, Fut>(
    vendor: &'static str,
    operation: &'static str,
    integration_id: &str,
    attempt: u32,
    call: Fut,
) -> Result<Received<T>>
where
    Fut: Future<Output = Result<Received<T>>>,
{
    let span = tracing::info_span!(
        "skillbridge.request",
        vendor,
        operation,
        integration_id,
        attempt,
        status = tracing::field::Empty,
        duration_ms = tracing::field::Empty,
    );
    let started = std::time::Instant::now();
    let result = call.instrument(span.clone()).await;
    let status = match &result {
        Ok(received) => Some(received.status),
        Err(error) => error.status(),
    };
    span.record("status", status.map_or(0, |s| s.as_u16()));
    span.record(
        "duration_ms",
        u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
    );
    if let Err(error) = &result {
        span.in_scope(|| tracing::debug!(error = %error, "request failed"));
    }
    result
}
