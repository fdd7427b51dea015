//! Shared by the integration tests of this crate: a sleeper that records waits instead of sleeping
//! and keeps a clock the test moves, the test credentials, client builders for wiremock and the
//! embedded mock, and wiremock servers with canned Kombo answers.

pub(crate) mod recorder;

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use serde_json::json;
use skillbridge::kombo::{Integration, Kombo, KomboBuilder, StaffingEntitySkillPage};
use skillbridge::retry::{BoxFuture, RetryPolicy, Sleeper};
use skillbridge::techwolf::{TechWolf, TechWolfBuilder};
use wiremock::matchers::{any, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

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

/// A Kombo API key in a real key's shape; `SUPERSECRET` must never show in any output.
pub(crate) const KEY: &str = "sk_test_SUPERSECRET_0123456789";
/// A TechWolf client secret; `SUPERSECRET` must never show in any output.
pub(crate) const SECRET: &str = "cs_SUPERSECRET_value_42";
/// A Kombo integration id.
pub(crate) const INTEGRATION: &str = "workday:HWUTwvyx2wLoSUHphiWVrp28";
/// TechWolf's export path.
pub(crate) const EXPORT: &str = "/export/employees/skill_clusters";
/// The token endpoint's path on a wiremock server.
pub(crate) const TOKEN_PATH: &str = "/oauth/token";

/// `s` seconds.
pub(crate) fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

/// The default policy with short real waits (5 ms, at most 20 ms), for tests against a server
/// that answers at once. The time budget is far beyond what any test needs, so that a loaded
/// machine cannot make a test give up early. (The workspace tests' `fast_retries` is the same.)
pub(crate) fn fast_retries() -> RetryPolicy {
    RetryPolicy::default()
        .initial_delay(Duration::from_millis(5))
        .max_delay(Duration::from_millis(20))
        .max_elapsed(Duration::from_secs(600))
}

/// A Kombo builder with [`KEY`], `base_url` and `policy`, waiting on `sleeper`.
pub(crate) fn kombo_builder(
    base_url: impl Into<String>,
    policy: RetryPolicy,
    sleeper: Arc<dyn Sleeper>,
) -> KomboBuilder {
    Kombo::builder()
        .api_key(KEY)
        .base_url(base_url)
        .retry_policy(policy)
        .sleeper(sleeper)
}

/// A Kombo client at `server`'s root with [`KEY`], retrying by `policy` and waiting on `sleeper`.
pub(crate) fn kombo_client(server: &MockServer, sleeper: &Arc<RecordingSleeper>, policy: RetryPolicy) -> Kombo {
    kombo_builder(server.uri(), policy, Arc::clone(sleeper) as Arc<dyn Sleeper>)
        .build()
        .expect("valid configuration")
}

/// The handle of [`INTEGRATION`] on `kombo`.
pub(crate) fn hris(kombo: &Kombo) -> Integration {
    kombo.integration(INTEGRATION).expect("valid integration id")
}

/// A Kombo builder with the embedded mock's key and base URL.
pub(crate) fn kombo_on_mock(mock: &skillbridge_mock::MockServer) -> KomboBuilder {
    Kombo::builder()
        .api_key(mock.kombo().api_key())
        .base_url(mock.kombo().base_url())
}

/// A TechWolf builder with the embedded mock's base URL, token URL, tenant, audience and client
/// id, and `secret` as the client secret.
pub(crate) fn techwolf_on_mock(mock: &skillbridge_mock::MockServer, secret: &str) -> TechWolfBuilder {
    TechWolf::builder()
        .base_url(mock.techwolf().base_url())
        .token_url(mock.techwolf().token_url())
        .tenant(mock.techwolf().tenant())
        .audience(mock.techwolf().audience())
        .client_credentials(mock.techwolf().client_id(), secret.to_owned())
}

/// The first page of staffing entity skills of `integration`.
pub(crate) async fn list_once(kombo: &Kombo, integration: &str) -> skillbridge::Result<StaffingEntitySkillPage> {
    kombo
        .integration(integration)
        .expect("valid integration id")
        .staffing_entity_skills()
        .send()
        .await
}

/// A Kombo error response: `status` with an error body of these fields.
pub(crate) fn kombo_error_body(
    status: u16,
    code: Option<&str>,
    title: Option<&str>,
    message: &str,
    log_url: Option<&str>,
) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(json!({
        "status": "error",
        "error": {"code": code, "title": title, "message": message, "log_url": log_url}
    }))
}

/// A Kombo error response: `status` with `code` and nothing else worth reading.
pub(crate) fn kombo_error_code(status: u16, code: &str) -> ResponseTemplate {
    kombo_error_body(status, Some(code), None, "m", None)
}

/// A Kombo list page with no results and no next cursor.
pub(crate) fn empty_page() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({"status": "success", "data": {"results": [], "next": null}}))
}

/// A wiremock server answering every request with `response`.
pub(crate) async fn answering(response: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(response).mount(&server).await;
    server
}

/// Like [`answering`]; when dropped, the server checks that exactly `times` requests came.
pub(crate) async fn answering_exactly(response: ResponseTemplate, times: u64) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(response)
        .expect(times)
        .mount(&server)
        .await;
    server
}

/// How many requests `server` received.
pub(crate) async fn received(server: &MockServer) -> usize {
    server.received_requests().await.map_or(0, |r| r.len())
}

/// Mounts a token endpoint at [`TOKEN_PATH`] answering `token`, and an export at [`EXPORT`]
/// answering an empty last page (after whatever `server` already answers first).
pub(crate) async fn mount_token_and_export(server: &MockServer, token: serde_json::Value) {
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_json(token))
        .mount(server)
        .await;
    Mock::given(method("POST"))
        .and(path(EXPORT))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"has_next": false, "records": []})))
        .mount(server)
        .await;
}

/// How many requests `server` received at `to`.
pub(crate) async fn requests_to(server: &MockServer, to: &str) -> usize {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|r| r.url.path() == to)
        .count()
}
