//! Helpers shared by the end-to-end tests.

use std::time::Duration;

use skillbridge::retry::RetryPolicy;
use skillbridge_mock::{MockServer, MockServerBuilder};

/// Starts a mock server; a test that cannot start one has nothing to test.
pub(crate) async fn start(builder: MockServerBuilder) -> MockServer {
    builder.start().await.expect("mock server starts")
}

/// The default policy with millisecond waits, so retried faults keep tests fast. The time budget
/// is far beyond what any test needs, so that a loaded machine cannot make a test give up early.
pub(crate) fn fast_retries() -> RetryPolicy {
    RetryPolicy::default()
        .initial_delay(Duration::from_millis(5))
        .max_delay(Duration::from_millis(20))
        .max_elapsed(Duration::from_secs(600))
}
