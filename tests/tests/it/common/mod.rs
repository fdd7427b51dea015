//! Helpers shared by the end-to-end tests.
// Each test binary uses its own subset of these helpers.

use std::time::Duration;

use skillbridge::kombo::{Integration, Kombo, KomboBuilder};
use skillbridge::retry::RetryPolicy;
use skillbridge::techwolf::{TechWolf, TechWolfBuilder};
use skillbridge_mock::{MockServer, MockServerBuilder};

/// Starts a mock server; a test that cannot start one has nothing to test.
pub(crate) async fn start(builder: MockServerBuilder) -> MockServer {
    builder.start().await.expect("mock server starts")
}

/// The client timeout of cases whose fault is a request that never ends. Every such request costs
/// this much, so it is short; a fault-free page on loopback takes milliseconds even on a loaded
/// machine, and one that overran would be retried like any other timeout.
pub(crate) const HANG_TIMEOUT: Duration = Duration::from_millis(500);

/// The default policy with millisecond waits, so retried faults keep tests fast. The time budget
/// is far beyond what any test needs, so that a loaded machine cannot make a test give up early.
/// (The library's own tests' `fast_retries` is the same.)
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

/// A Kombo client as [`kombo_builder`] configures it.
pub(crate) fn kombo_client(server: &MockServer) -> Kombo {
    kombo_builder(server).build().expect("valid configuration")
}

/// A TechWolf client as [`techwolf_builder`] configures it.
pub(crate) fn techwolf_client(server: &MockServer) -> TechWolf {
    techwolf_builder(server).build().expect("valid configuration")
}

/// The handle of the mock's integration on `kombo`.
pub(crate) fn hris(kombo: &Kombo, server: &MockServer) -> Integration {
    kombo
        .integration(server.kombo().integration_id())
        .expect("the mock's integration id is valid")
}

/// Fails listing every request or response of `server` that broke the spec.
pub(crate) fn assert_no_violations(server: &MockServer) {
    let violations = server.contract_violations();
    assert!(violations.is_empty(), "contract violations: {violations:#?}");
}
