//! Helpers shared by the end-to-end tests.
// Each test binary uses its own subset of these helpers.
#![allow(dead_code)]

use std::time::Duration;

use skillbridge::kombo::KomboBuilder;
use skillbridge::retry::RetryPolicy;
use skillbridge::techwolf::TechWolfBuilder;
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

/// A Kombo client builder with the mock's key and base URL, [`fast_retries`] and a 5 s timeout;
/// tests change what they need.
pub(crate) fn kombo_builder(server: &MockServer) -> KomboBuilder {
    skillbridge::kombo::Kombo::builder()
        .api_key(server.kombo().api_key().to_owned())
        .base_url(server.kombo().base_url())
        .retry_policy(fast_retries())
        .timeout(Duration::from_secs(5))
}

/// A TechWolf client builder with the mock's credentials, [`fast_retries`] and a 5 s timeout;
/// tests change what they need.
pub(crate) fn techwolf_builder(server: &MockServer) -> TechWolfBuilder {
    skillbridge::techwolf::TechWolf::builder()
        .base_url(server.techwolf().base_url())
        .token_url(server.techwolf().token_url())
        .tenant(server.techwolf().tenant())
        .audience(server.techwolf().audience())
        .client_credentials(
            server.techwolf().client_id(),
            server.techwolf().client_secret().to_owned(),
        )
        .retry_policy(fast_retries())
        .timeout(Duration::from_secs(5))
}
