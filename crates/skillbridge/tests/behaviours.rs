//! Behaviours users depend on that the vendor tests do not reach: the retry budget and caps, the
//! policy setters' clamping, the token endpoint's answers, input validation, `upsert_many`'s
//! concurrency, error texts and the shared configuration. No test here waits on the wall clock:
//! waits are recorded and time is moved by the injected [`RecordingSleeper`].
#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests: a panic is the failure report.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::{EXPORT, INTEGRATION, KEY, RecordingSleeper, SECRET, answering, empty_page, kombo_builder, received};
use futures::StreamExt;
use serde_json::json;
use skillbridge::Error;
use skillbridge::config::DEFAULT_USER_AGENT;
use skillbridge::kombo::{ErrorCode, Integration, Kombo, KomboErrorExt, SkillExpectation};
use skillbridge::retry::{RetryPolicy, Sleeper};
use skillbridge::techwolf::TechWolf;
use skillbridge_mock::Route;
use wiremock::matchers::{any, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "/oauth/token";

fn kombo_error(status: u16, code: &str) -> ResponseTemplate {
    common::kombo_error_body(status, Some(code), None, "m", None)
}

fn kombo(server: &MockServer, sleeper: &Arc<RecordingSleeper>, policy: RetryPolicy) -> Kombo {
    kombo_builder(server.uri(), policy, Arc::clone(sleeper) as Arc<dyn Sleeper>)
        .build()
        .expect("valid configuration")
}

fn hris(kombo: &Kombo) -> Integration {
    kombo.integration(INTEGRATION).expect("valid integration id")
}

fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

// ---------------------------------------------------------------------------------------------
// Retry: the budget, the caps, the setters

/// No jitter, waits of 1, 2, 4, 8, ... seconds.
fn doubling() -> RetryPolicy {
    RetryPolicy::default()
        .max_attempts(100)
        .initial_delay(secs(1))
        .multiplier(2.0)
        .max_delay(secs(1000))
        .jitter(0.0)
}

#[tokio::test]
async fn retrying_stops_when_the_next_wait_would_pass_the_budget() {
    let server = answering(kombo_error(503, "REMOTE.SERVICE_UNAVAILABLE")).await;
    // 1 + 2 + 4 = 7 s spent; waiting 8 more would end at 15 s, past the 10 s budget.
    let sleeper = Arc::new(RecordingSleeper::default());
    let client = kombo(&server, &sleeper, doubling().max_elapsed(secs(10)));
    let error = hris(&client).staffing_entity_skills().send().await.expect_err("down");
    assert_eq!(error.kombo_code(), Some(&ErrorCode::RemoteServiceUnavailable));
    assert_eq!(sleeper.waits(), [secs(1), secs(2), secs(4)]);
    assert_eq!(received(&server).await, 4);
    assert_eq!(client.stats().requests, 4);

    // A wait that ends exactly at the budget is still taken.
    let sleeper = Arc::new(RecordingSleeper::default());
    let client = kombo(&server, &sleeper, doubling().max_elapsed(secs(15)));
    hris(&client).staffing_entity_skills().send().await.expect_err("down");
    assert_eq!(sleeper.waits(), [secs(1), secs(2), secs(4), secs(8)]);
}

#[tokio::test]
async fn a_retry_after_longer_than_the_cap_is_honoured_but_not_past_the_budget() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(kombo_error(429, "PLATFORM.RATE_LIMIT_EXCEEDED").insert_header("Retry-After", "45"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(any()).respond_with(empty_page()).mount(&server).await;
    // The cap bounds computed backoff only: the server's 45 s beats a 2 s cap.
    let sleeper = Arc::new(RecordingSleeper::default());
    let client = kombo(&server, &sleeper, doubling().max_delay(secs(2)).max_elapsed(secs(60)));
    hris(&client).staffing_entity_skills().send().await.expect("retried");
    assert_eq!(sleeper.waits(), [secs(45)]);

    // Longer than the budget: give up at once, and say how long the server wanted.
    server.reset().await;
    Mock::given(any())
        .respond_with(kombo_error(429, "PLATFORM.RATE_LIMIT_EXCEEDED").insert_header("Retry-After", "61"))
        .mount(&server)
        .await;
    let sleeper = Arc::new(RecordingSleeper::default());
    let client = kombo(&server, &sleeper, doubling().max_elapsed(secs(60)));
    let error = hris(&client)
        .staffing_entity_skills()
        .send()
        .await
        .expect_err("gave up");
    assert_eq!(error.retry_after(), Some(secs(61)));
    assert!(error.is_retryable());
    assert!(sleeper.waits().is_empty(), "{:?}", sleeper.waits());
    assert_eq!(received(&server).await, 1);
}

#[test]
fn policy_setters_clamp_out_of_range_values() {
    let base = RetryPolicy::default();
    assert_eq!(base.clone().max_attempts(0).attempt_limit(), 1);
    assert_eq!(base.clone().max_attempts(0), RetryPolicy::never());
    for below_one in [0.5, 0.0, -3.0, f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        assert_eq!(
            base.clone().multiplier(below_one),
            base.clone().multiplier(1.0),
            "multiplier {below_one}"
        );
    }
    let flat = base.clone().initial_delay(secs(3)).multiplier(0.5);
    assert_eq!(
        (flat.backoff(1), flat.backoff(7)),
        (secs(3), secs(3)),
        "never shrinking"
    );
    for (jitter, clamped) in [
        (5.0, 1.0),
        (1.5, 1.0),
        (-0.5, 0.0),
        (f64::NAN, 0.0),
        (f64::INFINITY, 0.0),
    ] {
        assert_eq!(
            base.clone().jitter(jitter),
            base.clone().jitter(clamped),
            "jitter {jitter}"
        );
    }
}

#[tokio::test]
async fn clamped_settings_hold_on_the_wire() {
    let server = answering(kombo_error(503, "REMOTE.SERVICE_UNAVAILABLE")).await;
    // max_attempts(0) still makes the one attempt.
    let sleeper = Arc::new(RecordingSleeper::default());
    let client = kombo(&server, &sleeper, RetryPolicy::default().max_attempts(0));
    hris(&client).staffing_entity_skills().send().await.expect_err("down");
    assert_eq!(received(&server).await, 1);
    assert!(sleeper.waits().is_empty());

    // Jitter 5 is jitter 1: every wait within 0..=2 x the backoff (an unclamped factor would be
    // negative, and panic in `Duration::mul_f64`).
    let sleeper = Arc::new(RecordingSleeper::default());
    let policy = RetryPolicy::default()
        .max_attempts(40)
        .initial_delay(secs(1))
        .multiplier(1.0)
        .max_elapsed(secs(10_000))
        .jitter(5.0);
    let client = kombo(&server, &sleeper, policy);
    hris(&client).staffing_entity_skills().send().await.expect_err("down");
    let waits = sleeper.waits();
    assert_eq!(waits.len(), 39);
    assert!(waits.iter().all(|w| *w <= secs(2)), "{waits:?}");
    assert!(waits.iter().any(|w| *w != secs(1)), "jitter applied: {waits:?}");

    // A negative jitter is none: every wait is exactly the backoff.
    let sleeper = Arc::new(RecordingSleeper::default());
    let client = kombo(&server, &sleeper, doubling().max_attempts(4).jitter(-1.0));
    hris(&client).staffing_entity_skills().send().await.expect_err("down");
    assert_eq!(sleeper.waits(), [secs(1), secs(2), secs(4)]);
}

// ---------------------------------------------------------------------------------------------
// The token endpoint

fn techwolf_with_token_endpoint(server: &MockServer, sleeper: &Arc<RecordingSleeper>) -> TechWolf {
    TechWolf::builder()
        .base_url(server.uri())
        .token_url(format!("{}{TOKEN}", server.uri()))
        .tenant("acme")
        .client_credentials("client", SECRET)
        .retry_policy(RetryPolicy::never())
        .sleeper(Arc::clone(sleeper) as Arc<dyn Sleeper>)
        .build()
        .expect("valid configuration")
}

/// Mounts a token endpoint answering 200 with `token` and an export answering one empty page.
async fn mount_token_and_export(server: &MockServer, token: serde_json::Value) {
    Mock::given(method("POST"))
        .and(path(TOKEN))
        .respond_with(ResponseTemplate::new(200).set_body_json(token))
        .mount(server)
        .await;
    Mock::given(method("POST"))
        .and(path(EXPORT))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"has_next": false, "records": []})))
        .mount(server)
        .await;
}

async fn requests_to(server: &MockServer, to: &str) -> usize {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|r| r.url.path() == to)
        .count()
}

#[tokio::test]
async fn a_token_type_other_than_bearer_is_refused() {
    let server = MockServer::start().await;
    mount_token_and_export(
        &server,
        json!({"access_token": "abc", "token_type": "mac", "expires_in": 600}),
    )
    .await;
    let sleeper = Arc::new(RecordingSleeper::default());
    let techwolf = techwolf_with_token_endpoint(&server, &sleeper);
    let error = techwolf.employee_skill_clusters().send().await.expect_err("refused");
    match &error {
        Error::Auth(auth) => {
            assert_eq!(auth.operation, "oauth_token");
            assert!(auth.reason.contains("unsupported token type"), "{error}");
            assert!(!auth.retryable);
        }
        other => panic!("expected an auth error, got {other:?}"),
    }
    assert_eq!(requests_to(&server, EXPORT).await, 0, "the token was not used");

    // `Bearer` in any case is accepted.
    server.reset().await;
    mount_token_and_export(
        &server,
        json!({"access_token": "abc", "token_type": "BeArEr", "expires_in": 600}),
    )
    .await;
    techwolf.employee_skill_clusters().send().await.expect("accepted");
}

#[tokio::test]
async fn a_missing_expires_in_means_an_hour() {
    let server = MockServer::start().await;
    mount_token_and_export(&server, json!({"access_token": "abc", "token_type": "Bearer"})).await;
    let clock = Arc::new(RecordingSleeper::default());
    let techwolf = techwolf_with_token_endpoint(&server, &clock);
    techwolf.employee_skill_clusters().send().await.expect("exported");
    // 3600 s minus the default 60 s margin.
    clock.advance(Duration::from_millis(3_539_999));
    techwolf.employee_skill_clusters().send().await.expect("exported");
    assert_eq!(techwolf.token_fetches(), 1);
    clock.advance(Duration::from_millis(1));
    techwolf.employee_skill_clusters().send().await.expect("exported");
    assert_eq!(techwolf.token_fetches(), 2);
    assert_eq!(requests_to(&server, TOKEN).await, 2);
}

#[tokio::test]
async fn a_secret_the_token_endpoint_echoes_is_redacted() {
    let server = skillbridge_mock::MockServer::builder()
        .echo_client_secret(true)
        .start()
        .await
        .expect("mock starts");
    // The endpoint really echoes it, so the check below means something.
    let raw = reqwest::Client::new()
        .post(server.techwolf().token_url())
        .json(&json!({
            "client_id": server.techwolf().client_id(), "client_secret": SECRET, "audience": server.techwolf().audience(),
            "grant_type": "client_credentials", "tenant": server.techwolf().tenant()
        }))
        .send()
        .await
        .expect("answered")
        .text()
        .await
        .expect("body");
    assert!(raw.contains(SECRET), "{raw}");

    let techwolf = common::techwolf_on_mock(&server, SECRET)
        .build()
        .expect("valid configuration");
    let error = techwolf
        .employee_skill_clusters()
        .send()
        .await
        .expect_err("wrong secret");
    assert!(error.is_auth(), "{error}");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
    let shown = format!("{error} {error:?}");
    assert!(!shown.contains(SECRET), "secret leaked: {shown}");
    assert!(shown.contains("<redacted>"), "{shown}");
}

// ---------------------------------------------------------------------------------------------
// Input validation

#[tokio::test]
async fn ids_with_control_characters_and_an_empty_cursor_send_nothing() {
    let server = common::answering_exactly(empty_page(), 0).await;
    let sleeper = Arc::new(RecordingSleeper::default());
    let client = kombo(&server, &sleeper, RetryPolicy::never());
    let hris = hris(&client);
    for (entity, skill, field) in [
        ("entity\u{0}", "skill", "staffing_entity_id"),
        ("entity", "skill\n", "skill_id"),
        ("ent\u{7f}ity", "skill", "staffing_entity_id"),
        ("entity", "\u{1b}[31mskill", "skill_id"),
    ] {
        let error = hris
            .upsert_staffing_entity_skill(SkillExpectation::new(entity, skill))
            .await
            .expect_err("rejected");
        match error {
            Error::InvalidInput { field: got, reason } => {
                assert_eq!(got, field, "{entity:?} {skill:?}");
                assert!(reason.contains("control characters"), "{reason}");
            }
            other => panic!("expected invalid input, got {other:?}"),
        }
    }
    let error = hris
        .staffing_entity_skills()
        .cursor("")
        .send()
        .await
        .expect_err("rejected");
    assert!(
        matches!(error, Error::InvalidInput { field: "cursor", .. }),
        "{error:?}"
    );
    let streamed: Vec<_> = hris.staffing_entity_skills().cursor("").items().collect().await;
    assert!(matches!(
        streamed.as_slice(),
        [Err(Error::InvalidInput { field: "cursor", .. })]
    ));
    assert_eq!(received(&server).await, 0);
    assert_eq!(client.stats().requests, 0);
}

#[test]
fn unusable_techwolf_credentials_are_config_errors() {
    let host = || TechWolf::builder().tenant("acme").region("eu");
    for bad in ["tok\nen", "tok\u{0}en", "tok\ren"] {
        match host().access_token(bad).build() {
            Err(Error::Config(reason)) => {
                assert!(reason.contains("not allowed in a header"), "{reason}");
                assert!(!reason.contains(bad), "{reason}");
            }
            other => panic!("{bad:?}: expected a config error, got {other:?}"),
        }
    }
    let empty_secret = host().client_credentials("client", "").build();
    assert!(matches!(empty_secret, Err(Error::Config(_))), "{empty_secret:?}");
    assert!(host().client_credentials("client", "s").build().is_ok());
}

// ---------------------------------------------------------------------------------------------
// upsert_many's concurrency, measured by the mock

/// Runs `inputs` upserts with `concurrency` against a mock whose write limit is `server_limit`,
/// holding every write inside the server; returns the peak in flight, which must be the smaller of
/// the two (the limit is announced by a first write, made before the hold).
async fn held_upserts(concurrency: Option<usize>, inputs: u32, server_limit: u32) -> u64 {
    let server = skillbridge_mock::MockServer::builder()
        .staffing_entities(40)
        .skills_per_entity(2)
        .skill_catalog(80)
        .write_concurrency_limit(server_limit)
        .start()
        .await
        .expect("mock starts");
    let entity = server
        .kombo()
        .staffing_entities()
        .find(|e| !e.closed)
        .expect("an open entity")
        .id;
    let expectations: Vec<SkillExpectation> = (0..inputs)
        .map(|s| SkillExpectation::new(&entity, server.kombo().skill_id(s).expect("skill")))
        .collect();
    let client = common::kombo_on_mock(&server)
        .retry_policy(RetryPolicy::never())
        .build()
        .expect("valid configuration");
    let hris = client.integration(server.kombo().integration_id()).expect("valid");
    // The first write's answer announces the limit; the limiter allows one write until then.
    let announce = SkillExpectation::new(&entity, server.kombo().skill_id(inputs).expect("skill"));
    hris.upsert_staffing_entity_skill(announce).await.expect("first write");
    // Every write waits inside the server until released: those in flight pile up there.
    server.hold(Route::KOMBO_UPSERT);
    let upserts = hris.upsert_many(expectations);
    let upserts = match concurrency {
        Some(n) => upserts.concurrency(n),
        None => upserts,
    };
    let all = tokio::spawn(upserts.collect::<Vec<_>>());
    let expected = concurrency
        .unwrap_or(usize::MAX)
        .max(1)
        .min(server_limit as usize)
        .min(inputs as usize) as u64;
    // A hang guard only (the writes arrive within milliseconds): an `upsert_many` that stalls,
    // as one with no slot at all does, fails here instead of hanging the suite.
    tokio::time::timeout(
        Duration::from_secs(120),
        server.wait_held(Route::KOMBO_UPSERT, expected),
    )
    .await
    .expect("upsert_many stalled: fewer writes in flight than its concurrency");
    // A round trip on another route: requests already sent have reached the server by now.
    let _ = hris.staffing_entity_skills().page_size(1).send().await;
    let peak_while_held = server.kombo().peak_concurrent_writes();
    server.release(Route::KOMBO_UPSERT);
    let outcomes = all.await.expect("task");
    assert_eq!(outcomes.len(), inputs as usize);
    assert!(outcomes.iter().all(|o| o.result.is_ok()), "{outcomes:?}");
    assert_eq!(
        server.request_count(Route::KOMBO_UPSERT),
        u64::from(inputs) + 1,
        "one request per input and the first write: none refused"
    );
    assert_eq!(
        peak_while_held,
        server.kombo().peak_concurrent_writes(),
        "never more later"
    );
    peak_while_held
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upsert_many_keeps_at_most_n_in_flight() {
    assert_eq!(held_upserts(Some(3), 12, 30).await, 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upsert_many_concurrency_zero_means_one() {
    assert_eq!(held_upserts(Some(0), 4, 30).await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upsert_many_defaults_to_as_many_as_the_server_allows() {
    assert_eq!(held_upserts(None, 25, 7).await, 7);
    assert_eq!(
        held_upserts(None, 12, 30).await,
        12,
        "fewer inputs than the limit: all at once"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn asking_for_more_than_the_server_allows_waits_instead_of_being_refused() {
    assert_eq!(held_upserts(Some(64), 40, 9).await, 9);
}

// ---------------------------------------------------------------------------------------------
// Error texts and what is retried

#[tokio::test]
async fn error_bodies_are_cut_at_512_bytes_and_an_empty_one_says_so() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(503).set_body_raw("x".repeat(2_000), "text/html"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    let sleeper = Arc::new(RecordingSleeper::default());
    let client = kombo(&server, &sleeper, RetryPolicy::never());
    let error = hris(&client).staffing_entity_skills().send().await.expect_err("503");
    match error.api().and_then(|api| api.body_start()) {
        Some(body_start) => assert_eq!(body_start.len(), 512),
        other => panic!("expected an unstructured body, got {other:?}"),
    }
    assert!(error.to_string().len() < 600, "{error}");

    // A success that does not decode keeps at most 512 bytes too.
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_raw("y".repeat(2_000), "application/json"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    let error = hris(&client)
        .staffing_entity_skills()
        .send()
        .await
        .expect_err("undecodable");
    match &error {
        Error::Decode { body_start, .. } => assert_eq!(body_start.len(), 512),
        other => panic!("expected a decode error, got {other:?}"),
    }

    Mock::given(any())
        .respond_with(ResponseTemplate::new(502))
        .mount(&server)
        .await;
    let error = hris(&client).staffing_entity_skills().send().await.expect_err("502");
    assert_eq!(
        error.to_string(),
        "get_hris_staffing_entity_skills: HTTP 502 (empty body)"
    );
    assert!(error.is_retryable());
}

#[tokio::test]
async fn builder_and_redirect_transport_errors_are_not_retried() {
    let builder_error = reqwest::Client::new()
        .get("not a url")
        .build()
        .expect_err("a builder error");
    assert!(builder_error.is_builder());
    let error = Error::Transport {
        operation: "get_hris_staffing_entity_skills",
        connect: false,
        source: Arc::new(builder_error),
    };
    assert!(!error.is_retryable());

    // A redirect loop: reqwest gives up with a redirect error, which retrying cannot fix.
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(302)
                .insert_header("Location", format!("{}/hris/staffing-entity-skills", server.uri())),
        )
        .mount(&server)
        .await;
    let sleeper = Arc::new(RecordingSleeper::default());
    let client = kombo(&server, &sleeper, RetryPolicy::default());
    let error = hris(&client).staffing_entity_skills().send().await.expect_err("loop");
    match &error {
        Error::Transport { source, .. } => assert!(source.is_redirect(), "{error:?}"),
        other => panic!("expected a transport error, got {other:?}"),
    }
    assert!(!error.is_retryable());
    assert!(sleeper.waits().is_empty());
    assert_eq!(client.stats().requests, 1);
}

// ---------------------------------------------------------------------------------------------
// Configuration

/// Mounts `response` for exactly one request to `to` with this user agent.
async fn expect_once_from(server: &MockServer, user_agent: &str, to: &str, response: ResponseTemplate) {
    Mock::given(header("user-agent", user_agent))
        .and(path(to))
        .respond_with(response)
        .expect(1)
        .mount(server)
        .await;
}

#[tokio::test]
async fn the_user_agent_is_sent_default_or_custom() {
    assert_eq!(DEFAULT_USER_AGENT, concat!("skillbridge/", env!("CARGO_PKG_VERSION")));
    let server = MockServer::start().await;
    let list = "/hris/staffing-entity-skills";
    expect_once_from(&server, DEFAULT_USER_AGENT, list, empty_page()).await;
    expect_once_from(&server, "acme-sync/2.1", list, empty_page()).await;
    expect_once_from(
        &server,
        "acme-sync/2.1",
        EXPORT,
        ResponseTemplate::new(200).set_body_json(json!({"has_next": false, "records": []})),
    )
    .await;
    let sleeper = Arc::new(RecordingSleeper::default());
    hris(&kombo(&server, &sleeper, RetryPolicy::never()))
        .staffing_entity_skills()
        .send()
        .await
        .expect("default user agent");
    let custom = Kombo::builder()
        .api_key(KEY)
        .base_url(server.uri())
        .user_agent("acme-sync/2.1")
        .retry_policy(RetryPolicy::never())
        .build()
        .expect("valid");
    hris(&custom)
        .staffing_entity_skills()
        .send()
        .await
        .expect("custom user agent");
    let techwolf = TechWolf::builder()
        .base_url(server.uri())
        .access_token("t")
        .user_agent("acme-sync/2.1")
        .retry_policy(RetryPolicy::never())
        .build()
        .expect("valid");
    techwolf
        .employee_skill_clusters()
        .send()
        .await
        .expect("custom user agent");
    server.verify().await;
}

#[tokio::test(start_paused = true)]
async fn connect_timeout_bounds_a_connection_nobody_answers() {
    // A listener with a backlog of one that never accepts: once one connection fills the queue,
    // the kernel drops further connection attempts, so connecting hangs.
    let socket = tokio::net::TcpSocket::new_v4().expect("socket");
    socket.bind("127.0.0.1:0".parse().expect("address")).expect("bind");
    let listener = socket.listen(0).expect("listen");
    let address = listener.local_addr().expect("address");
    let _queued = tokio::net::TcpStream::connect(address).await.expect("first connection");
    let client = Kombo::builder()
        .api_key(KEY)
        .base_url(format!("http://{address}"))
        .connect_timeout(Duration::from_millis(200))
        .timeout(Duration::from_secs(3_600))
        .retry_policy(RetryPolicy::never())
        .build()
        .expect("valid");
    // Virtual time (the runtime starts paused and jumps to the next timer whenever it is idle):
    // with the connect timeout the attempt ends 200 ms in; without it, only the one-hour request
    // timeout would end it. No wall clock is read, and the test takes no time either way.
    let started = tokio::time::Instant::now();
    let result = hris(&client).staffing_entity_skills().send().await;
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(200) && waited < Duration::from_secs(60),
        "ended after {waited:?} of virtual time: connect_timeout was not applied"
    );
    let error = result.expect_err("no connection");
    assert!(matches!(error, Error::Timeout { .. }), "{error:?}");
    assert!(error.is_retryable());
    drop(listener);
}
