//! The Kombo client against a real HTTP server on 127.0.0.1 (wiremock).

use crate::common;

use std::sync::Arc;
use std::time::Duration;

use common::{INTEGRATION, KEY, RecordingSleeper, answering_exactly, kombo_builder};
use futures::{StreamExt, TryStreamExt};
use serde_json::{Value, json};
use skillbridge::Error;
use skillbridge::kombo::{
    ErrorCode, ExpectedLevel, Integration, Kombo, KomboErrorExt, SkillExpectation, StaffingEntitySkillPage,
};
use skillbridge::pagination::PaginationError;
use skillbridge::retry::{RetryPolicy, Sleeper};
use wiremock::matchers::{any, bearer_token, body_json, header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const PATH: &str = "/v1/hris/staffing-entity-skills";

fn client(server: &MockServer, sleeper: &Arc<RecordingSleeper>, policy: RetryPolicy) -> Kombo {
    kombo_builder(
        format!("{}/v1", server.uri()),
        policy,
        Arc::clone(sleeper) as Arc<dyn Sleeper>,
    )
    .timeout(Duration::from_secs(5))
    .build()
    .expect("valid configuration")
}

fn hris(server: &MockServer, sleeper: &Arc<RecordingSleeper>, policy: RetryPolicy) -> Integration {
    client(server, sleeper, policy)
        .integration(INTEGRATION)
        .expect("valid integration id")
}

fn record(id: &str, entity: &str, skill: &str, level: Option<u8>) -> Value {
    json!({
        "id": id,
        "staffing_entity_id": entity,
        "skill_id": skill,
        "expected_level": level,
        "changed_at": "2026-03-04T05:06:07.890Z",
        "remote_deleted_at": null,
    })
}

fn page(records: Vec<Value>, next: Option<&str>) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({"status": "success", "data": {"results": records, "next": next}}))
}

fn kombo_error(status: u16, code: Option<&str>, message: &str) -> ResponseTemplate {
    common::kombo_error_body(
        status,
        code,
        Some("A title"),
        message,
        Some("https://app.kombo.dev/logs/abc"),
    )
}

/// Asserts that `result` is an [`Error::InvalidInput`] naming `field`.
#[track_caller]
fn assert_invalid<T: std::fmt::Debug>(result: &Result<T, Error>, field: &str) {
    match result {
        Err(Error::InvalidInput { field: got, .. }) => assert_eq!(*got, field),
        other => panic!("expected invalid input in {field}, got {other:?}"),
    }
}

fn ok_record() -> ResponseTemplate {
    page(vec![record("r1", "e1", "s1", Some(3))], None)
}

/// The first page, through a client with `policy` waiting on `sleeper`.
async fn list_with(
    server: &MockServer,
    sleeper: &Arc<RecordingSleeper>,
    policy: RetryPolicy,
) -> skillbridge::Result<StaffingEntitySkillPage> {
    hris(server, sleeper, policy).staffing_entity_skills().send().await
}

/// Mounts `failure` for the first `times` GETs and [`ok_record`] for every GET after them.
async fn fail_then_ok(server: &MockServer, failure: ResponseTemplate, times: u64) {
    Mock::given(method("GET"))
        .respond_with(failure)
        .up_to_n_times(times)
        .mount(server)
        .await;
    Mock::given(method("GET")).respond_with(ok_record()).mount(server).await;
}

#[tokio::test]
async fn three_pages_resend_every_filter_with_each_cursor() {
    let server = MockServer::start().await;
    let since = chrono::DateTime::parse_from_rfc3339("2026-01-02T03:04:05.678Z")
        .expect("valid date")
        .with_timezone(&chrono::Utc);
    let filtered = || {
        Mock::given(method("GET"))
            .and(path(PATH))
            .and(header("X-Integration-Id", INTEGRATION))
            .and(bearer_token(KEY))
            .and(query_param("ids", "i1,i2"))
            .and(query_param("remote_ids", "r1"))
            .and(query_param("staffing_entity_ids", "e1,e2"))
            .and(query_param("skill_ids", "s1,s2,s3"))
            .and(query_param("updated_after", "2026-01-02T03:04:05.678Z"))
            .and(query_param("include_deleted", "true"))
            .and(query_param("ignore_unsupported_filters", "true"))
            .and(query_param("page_size", "2"))
    };
    filtered()
        .and(query_param_is_missing("cursor"))
        .respond_with(page(
            vec![record("a", "e1", "s1", Some(1)), record("b", "e1", "s2", None)],
            Some("c1"),
        ))
        .expect(1)
        .mount(&server)
        .await;
    filtered()
        .and(query_param("cursor", "c1"))
        .respond_with(page(
            vec![record("c", "e2", "s1", Some(5)), record("d", "e2", "s3", Some(2))],
            Some("c2"),
        ))
        .expect(1)
        .mount(&server)
        .await;
    filtered()
        .and(query_param("cursor", "c2"))
        .respond_with(page(vec![record("e", "e2", "s2", None)], None))
        .expect(1)
        .mount(&server)
        .await;

    let sleeper = Arc::default();
    let items = hris(&server, &sleeper, RetryPolicy::never())
        .staffing_entity_skills()
        .ids(["i1", "i2"])
        .remote_ids(vec!["r1".to_owned()])
        .staffing_entity_ids(["e1", "e2"])
        .skill_ids(["s1", "s2", "s3"].as_slice())
        .updated_after(since)
        .include_deleted(true)
        .ignore_unsupported_filters(true)
        .page_size(2)
        .items();
    fn assert_send<T: Send>(value: T) -> T {
        value
    }
    let items: Vec<_> = assert_send(items).try_collect().await.expect("three pages");
    let ids: Vec<&str> = items.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["a", "b", "c", "d", "e"]);
    assert_eq!(items[1].expected_level, None);
    assert_eq!(items[2].expected_level.map(ExpectedLevel::get), Some(5));
    assert_eq!(server.received_requests().await.map(|r| r.len()), Some(3));
}

#[tokio::test]
async fn a_repeated_cursor_fails_instead_of_looping() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(query_param_is_missing("cursor"))
        .respond_with(page(vec![record("a", "e", "s", None)], Some("c1")))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(query_param("cursor", "c1"))
        .respond_with(page(vec![record("b", "e", "s", None)], Some("c1")))
        .mount(&server)
        .await;

    let sleeper = Arc::default();
    let pages: Vec<_> = hris(&server, &sleeper, RetryPolicy::default())
        .staffing_entity_skills()
        .pages()
        .take(10) // bounded even if the guard were broken
        .collect()
        .await;
    assert_eq!(pages.len(), 2, "one good page, then the error");
    assert!(pages[0].is_ok());
    match &pages[1] {
        Err(Error::Pagination(PaginationError::RepeatedContinuation { continuation, page })) => {
            assert_eq!(continuation, "c1");
            assert_eq!(*page, 2);
        }
        other => panic!("expected a repeated-cursor error, got {other:?}"),
    }
    assert_eq!(server.received_requests().await.map(|r| r.len()), Some(2));
}

#[tokio::test]
async fn every_spec_error_code_and_an_unknown_one_decode() {
    let server = MockServer::start().await;
    let sleeper = Arc::default();
    let hris = hris(&server, &sleeper, RetryPolicy::never());
    let mut codes: Vec<ErrorCode> = ErrorCode::KNOWN.to_vec();
    codes.push(ErrorCode::Unknown("PLATFORM.SOMETHING_KOMBO_ADDS_TOMORROW".to_owned()));
    for (n, code) in codes.iter().enumerate() {
        server.reset().await;
        let status = match code.as_str() {
            c if c.ends_with("RATE_LIMIT_EXCEEDED") || c.ends_with("CONCURRENCY_LIMIT_EXCEEDED") => 429,
            "REMOTE.SERVICE_UNAVAILABLE" => 503,
            c if c.starts_with("INTEGRATION.SETUP") || c == "INTEGRATION.QA_FAILED" => 409,
            "PLATFORM.AUTHENTICATION_INVALID" => 401,
            _ => 400,
        };
        let message = format!("message {n}\nwith a second line");
        Mock::given(any())
            .respond_with(kombo_error(status, Some(code.as_str()), &message))
            .expect(1)
            .mount(&server)
            .await;
        let error = hris
            .staffing_entity_skills()
            .send()
            .await
            .expect_err("an error response");
        assert_eq!(error.status().map(|s| s.as_u16()), Some(status), "{code}");
        assert_eq!(error.kombo_code(), Some(code), "{code}");
        assert_eq!(error.code(), Some(code.as_str()));
        // Written out, not asked of `ErrorCode::is_retryable`: the four codes Kombo calls transient.
        let retryable = matches!(
            code.as_str(),
            "PLATFORM.RATE_LIMIT_EXCEEDED"
                | "PLATFORM.CONCURRENCY_LIMIT_EXCEEDED"
                | "REMOTE.SERVICE_UNAVAILABLE"
                | "REMOTE.RATE_LIMIT_EXCEEDED"
        );
        assert_eq!(error.is_retryable(), retryable, "{code}");
        assert_eq!(code.is_retryable(), retryable, "{code}");
        let kombo = error.api().and_then(|api| api.kombo()).expect("a Kombo error body");
        assert_eq!(kombo.title.as_deref(), Some("A title"));
        assert_eq!(kombo.message, message);
        assert_eq!(kombo.log_url.as_deref(), Some("https://app.kombo.dev/logs/abc"));
        let line = error.to_string();
        assert!(!line.contains('\n'), "one line: {line}");
        assert!(
            line.contains(code.as_str()) && line.contains(&status.to_string()),
            "{line}"
        );
    }

    // `code: null` (the spec's minimal error example) decodes too.
    server.reset().await;
    Mock::given(any())
        .respond_with(kombo_error(500, None, "boom"))
        .mount(&server)
        .await;
    let error = hris
        .staffing_entity_skills()
        .send()
        .await
        .expect_err("an error response");
    assert_eq!(error.kombo_code(), None);
    assert_eq!(
        error.api().and_then(|a| a.kombo()).map(|k| k.message.as_str()),
        Some("boom")
    );
    assert!(!error.is_retryable(), "a bare 500 is not retried");

    // Without a code (`code: null`, or a body that is not Kombo's), exactly 429, 502, 503 and 504
    // are retryable.
    for status in [400, 401, 403, 404, 408, 409, 429, 500, 501, 502, 503, 504, 505, 599] {
        let retryable = matches!(status, 429 | 502 | 503 | 504);
        for body in [
            kombo_error(status, None, "no code"),
            ResponseTemplate::new(status).set_body_string("<html>gateway</html>"),
        ] {
            server.reset().await;
            Mock::given(any()).respond_with(body).mount(&server).await;
            let error = hris.staffing_entity_skills().send().await.expect_err("an error");
            assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
            assert_eq!(error.is_retryable(), retryable, "{status}: {error}");
        }
    }
}

#[tokio::test]
async fn a_429_then_200_waits_as_long_as_retry_after_says() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            kombo_error(429, Some("PLATFORM.RATE_LIMIT_EXCEEDED"), "slow down").insert_header("Retry-After", "7"),
        )
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ok_record())
        .expect(1)
        .mount(&server)
        .await;

    let sleeper = Arc::new(RecordingSleeper::default());
    let kombo = client(&server, &sleeper, RetryPolicy::default());
    let page = kombo
        .integration(INTEGRATION)
        .expect("valid")
        .staffing_entity_skills()
        .send()
        .await;
    assert_eq!(page.expect("retried to success").results.len(), 1);
    assert_eq!(sleeper.waits(), [Duration::from_secs(7)]);
    let stats = kombo.stats();
    assert_eq!((stats.requests, stats.retries), (2, 1));
}

#[tokio::test]
async fn retry_after_wins_over_ratelimit_reset() {
    // Both headers, as Kombo's rate limiter sends them: the explicit Retry-After decides the wait.
    let server = MockServer::start().await;
    fail_then_ok(
        &server,
        kombo_error(429, Some("PLATFORM.RATE_LIMIT_EXCEEDED"), "slow down")
            .insert_header("ratelimit-limit", "5")
            .insert_header("ratelimit-remaining", "0")
            .insert_header("ratelimit-reset", "9")
            .insert_header("Retry-After", "2"),
        2,
    )
    .await;
    let sleeper = Arc::new(RecordingSleeper::default());
    let kombo = client(&server, &sleeper, RetryPolicy::default());
    common::list_once(&kombo, INTEGRATION)
        .await
        .expect("retried to success");
    let waits = sleeper.waits();
    assert_eq!(
        waits,
        [Duration::from_secs(2); 2],
        "Retry-After wins over ratelimit-reset"
    );
    assert_eq!(waits.len() as u64, kombo.stats().retries);
}

#[tokio::test]
async fn ratelimit_reset_is_honoured_and_retry_after_really_waits() {
    // ratelimit-reset without Retry-After, recorded.
    let server = MockServer::start().await;
    fail_then_ok(
        &server,
        kombo_error(429, Some("PLATFORM.RATE_LIMIT_EXCEEDED"), "slow down").insert_header("ratelimit-reset", "4"),
        1,
    )
    .await;
    let sleeper = Arc::new(RecordingSleeper::default());
    list_with(&server, &sleeper, RetryPolicy::default())
        .await
        .expect("retried to success");
    assert_eq!(sleeper.waits(), [Duration::from_secs(4)]);

    // The default sleeper waits for real: Retry-After: 1 delays the retry by at least a second.
    server.reset().await;
    fail_then_ok(
        &server,
        kombo_error(429, Some("PLATFORM.CONCURRENCY_LIMIT_EXCEEDED"), "wait").insert_header("Retry-After", "1"),
        1,
    )
    .await;
    let kombo = Kombo::builder()
        .api_key(KEY)
        .base_url(format!("{}/v1", server.uri()))
        .build()
        .expect("valid");
    let started = std::time::Instant::now();
    common::list_once(&kombo, INTEGRATION)
        .await
        .expect("retried to success");
    // A lower bound only: how much longer a loaded machine takes is not this test's business.
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_secs(1), "{elapsed:?}");
    assert_eq!(kombo.stats().retries, 1);
}

#[tokio::test]
async fn a_503_with_an_html_body_is_an_api_error_and_retried() {
    let server = MockServer::start().await;
    let html = "<html>\n<head><title>503 Service Temporarily Unavailable</title></head>\n<body>nginx</body>\n</html>";
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503).set_body_raw(html, "text/html"))
        .mount(&server)
        .await;
    let sleeper = Arc::new(RecordingSleeper::default());

    let error = list_with(&server, &sleeper, RetryPolicy::never())
        .await
        .expect_err("a 503");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert!(error.is_retryable());
    assert_eq!(error.code(), None);
    match error.api().and_then(|api| api.body_start()) {
        Some(body_start) => assert!(body_start.starts_with("<html>")),
        other => panic!("expected an unstructured body, got {other:?}"),
    }
    assert!(!error.to_string().contains('\n'));

    // With retries: 503, 503, then success; backoff starts near one second and grows.
    server.reset().await;
    fail_then_ok(&server, ResponseTemplate::new(503).set_body_raw(html, "text/html"), 2).await;
    list_with(&server, &sleeper, RetryPolicy::default())
        .await
        .expect("retried to success");
    let waits = sleeper.waits();
    assert_eq!(waits.len(), 2);
    assert!(
        waits[0] >= Duration::from_millis(800) && waits[0] <= Duration::from_millis(1200),
        "{waits:?}"
    );
    assert!(
        waits[1] >= Duration::from_millis(1600) && waits[1] <= Duration::from_millis(2400),
        "{waits:?}"
    );
}

#[tokio::test]
async fn input_invalid_is_never_retried() {
    let server = answering_exactly(kombo_error(400, Some("PLATFORM.INPUT_INVALID"), "bad filter"), 1).await;
    let sleeper = Arc::new(RecordingSleeper::default());
    let error = list_with(&server, &sleeper, RetryPolicy::default().max_attempts(10))
        .await
        .expect_err("a 400");
    assert_eq!(error.kombo_code(), Some(&ErrorCode::PlatformInputInvalid));
    assert!(sleeper.waits().is_empty());
    assert_eq!(server.received_requests().await.map(|r| r.len()), Some(1));
}

#[tokio::test]
async fn retries_stop_at_max_attempts() {
    let server = answering_exactly(kombo_error(503, Some("REMOTE.SERVICE_UNAVAILABLE"), "down"), 3).await;
    let sleeper = Arc::new(RecordingSleeper::default());
    let error = list_with(&server, &sleeper, RetryPolicy::default().max_attempts(3))
        .await
        .expect_err("still down");
    assert_eq!(error.kombo_code(), Some(&ErrorCode::RemoteServiceUnavailable));
    assert_eq!(sleeper.waits().len(), 2);
}

#[tokio::test]
async fn invalid_inputs_are_rejected_before_any_request() {
    let server = answering_exactly(ok_record(), 0).await;
    let sleeper = Arc::default();
    let kombo = client(&server, &sleeper, RetryPolicy::default());
    let hris = kombo.integration(INTEGRATION).expect("valid");

    assert_invalid(&ExpectedLevel::new(0), "expected_level");
    assert_invalid(&ExpectedLevel::new(6), "expected_level");
    for bad in ["workday", "workday:", ":x", "work day:x", ""] {
        assert_invalid(&kombo.integration(bad), "integration_id");
    }

    let empty_entity = hris
        .upsert_staffing_entity_skill(SkillExpectation::new("", "skill"))
        .await;
    assert_invalid(&empty_entity, "staffing_entity_id");
    let empty_skill = hris
        .upsert_staffing_entity_skill(SkillExpectation::new("entity", "  "))
        .await;
    assert_invalid(&empty_skill, "skill_id");

    let comma = hris
        .staffing_entity_skills()
        .staffing_entity_ids(["a", "b,c"])
        .send()
        .await;
    match comma {
        Err(Error::InvalidInput { field, reason }) => {
            assert_eq!(field, "staffing_entity_ids");
            assert!(reason.contains("comma"), "{reason}");
        }
        other => panic!("expected invalid input, got {other:?}"),
    }
    let streamed: Vec<_> = hris.staffing_entity_skills().skill_ids(["x,y"]).items().collect().await;
    assert!(matches!(
        streamed.as_slice(),
        [Err(Error::InvalidInput { field: "skill_ids", .. })]
    ));
    let empty_list = hris.staffing_entity_skills().ids(Vec::<String>::new()).send().await;
    assert_invalid(&empty_list, "ids");
    for size in [0, 251] {
        let sized = hris.staffing_entity_skills().page_size(size).send().await;
        assert_invalid(&sized, "page_size");
    }

    assert_eq!(server.received_requests().await.map(|r| r.len()), Some(0));
    assert_eq!(kombo.stats().requests, 0);
}

#[tokio::test]
async fn the_api_key_never_shows_in_debug_or_errors() {
    let server = MockServer::start().await;
    let sleeper = Arc::new(RecordingSleeper::default());
    let hris = hris(&server, &sleeper, RetryPolicy::never());
    let mut shown = vec![
        format!("{:?}", hris.client()),
        format!("{hris:?}"),
        format!("{:?}", hris.staffing_entity_skills()),
        format!("{:?}", Kombo::builder().api_key(KEY)),
    ];

    let mut errors = Vec::new();
    // An API error (and the key was really sent, so the check below means something).
    Mock::given(bearer_token(KEY))
        .respond_with(kombo_error(401, Some("PLATFORM.AUTHENTICATION_INVALID"), "nope"))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    errors.push(hris.staffing_entity_skills().send().await.expect_err("401"));
    // A decode error: a 200 that is not JSON.
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_string("definitely not json"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    let decode = hris.staffing_entity_skills().send().await.expect_err("undecodable");
    assert!(
        matches!(&decode, Error::Decode { body_start, .. } if body_start == "definitely not json"),
        "{decode:?}"
    );
    errors.push(decode);
    // A level out of range from the server is a decode error, not a panic.
    Mock::given(any())
        .respond_with(page(vec![record("x", "e", "s", Some(9))], None))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    errors.push(hris.staffing_entity_skills().send().await.expect_err("level 9"));
    // A timeout.
    Mock::given(any())
        .respond_with(ok_record().set_delay(Duration::from_secs(3)))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    let slow = Kombo::builder()
        .api_key(KEY)
        .base_url(format!("{}/v1", server.uri()))
        .timeout(Duration::from_millis(200))
        .retry_policy(RetryPolicy::never())
        .build()
        .expect("valid");
    let timeout = common::list_once(&slow, INTEGRATION).await.expect_err("timed out");
    assert!(matches!(timeout, Error::Timeout { .. }), "{timeout:?}");
    assert!(timeout.is_retryable());
    errors.push(timeout);
    // A connection failure: nothing listens on the port any more.
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("address").port()
    };
    let refused = Kombo::builder()
        .api_key(KEY)
        .base_url(format!("http://127.0.0.1:{closed}/v1"))
        .retry_policy(RetryPolicy::never())
        .build()
        .expect("valid");
    let transport = common::list_once(&refused, INTEGRATION).await.expect_err("refused");
    assert!(
        matches!(transport, Error::Transport { connect: true, .. }),
        "{transport:?}"
    );
    assert!(transport.is_retryable());
    errors.push(transport);
    // Input, configuration and pagination errors.
    errors.push(
        hris.staffing_entity_skills()
            .ids(["a,b"])
            .send()
            .await
            .expect_err("comma"),
    );
    errors.push(
        Kombo::builder()
            .api_key(KEY)
            .base_url("not a url")
            .build()
            .expect_err("bad url"),
    );
    errors.push(
        Kombo::builder()
            .api_key(format!("{KEY}\n"))
            .build()
            .expect_err("bad key"),
    );

    for error in &errors {
        shown.push(format!("{error:?}"));
        shown.push(error.to_string());
    }
    for text in &shown {
        assert!(!text.contains("SUPERSECRET"), "the key leaked: {text}");
    }
}

/// Echoes the upserted expectation as the saved record; fails skill `bad`.
struct Upserts;

impl Respond for Upserts {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let Ok(body) = request.body_json::<Value>() else {
            return kombo_error(400, Some("PLATFORM.INPUT_INVALID"), "not JSON");
        };
        if body["skill_id"] == "bad" {
            return kombo_error(400, Some("PLATFORM.INPUT_INVALID"), "unknown skill");
        }
        let entity = body["staffing_entity_id"].as_str().unwrap_or_default();
        let skill = body["skill_id"].as_str().unwrap_or_default();
        let level = body
            .get("expected_level")
            .and_then(Value::as_u64)
            .and_then(|l| u8::try_from(l).ok());
        ResponseTemplate::new(200).set_body_json(json!({
            "status": "success",
            "data": record(&format!("{entity}/{skill}"), entity, skill, level),
        }))
    }
}

#[tokio::test]
async fn upsert_sends_the_level_or_omits_it_and_returns_the_saved_record() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(PATH))
        .and(header("X-Integration-Id", INTEGRATION))
        .and(body_json(
            json!({"staffing_entity_id": "e1", "skill_id": "s1", "expected_level": 4}),
        ))
        .respond_with(Upserts)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(body_json(json!({"staffing_entity_id": "e1", "skill_id": "s2"})))
        .respond_with(Upserts)
        .expect(1)
        .mount(&server)
        .await;
    let sleeper = Arc::default();
    let hris = hris(&server, &sleeper, RetryPolicy::never());
    let saved = hris
        .upsert_staffing_entity_skill(
            SkillExpectation::new("e1", "s1").expected_level(ExpectedLevel::new(4).expect("1..=5")),
        )
        .await
        .expect("saved");
    assert_eq!(
        (saved.id.as_str(), saved.expected_level.map(ExpectedLevel::get)),
        ("e1/s1", Some(4))
    );
    let saved = hris
        .upsert_staffing_entity_skill(SkillExpectation::new("e1", "s2"))
        .await
        .expect("saved");
    assert_eq!(saved.expected_level, None);
}

#[tokio::test]
async fn upsert_is_retried_on_the_concurrency_limit() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(kombo_error(
            429,
            Some("PLATFORM.CONCURRENCY_LIMIT_EXCEEDED"),
            "too many",
        ))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST")).respond_with(Upserts).mount(&server).await;
    let sleeper = Arc::new(RecordingSleeper::default());
    let hris = hris(&server, &sleeper, RetryPolicy::default());
    let saved = hris
        .upsert_staffing_entity_skill(SkillExpectation::new("e", "s"))
        .await
        .expect("saved");
    assert_eq!(saved.id, "e/s");
    assert_eq!(sleeper.waits().len(), 1);
}

#[tokio::test]
async fn upsert_many_returns_every_other_result_when_one_fails() {
    let server = MockServer::start().await;
    // The first call of all is rate limited, to show retries are counted per outcome.
    Mock::given(method("POST"))
        .respond_with(kombo_error(429, Some("PLATFORM.RATE_LIMIT_EXCEEDED"), "slow"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST")).respond_with(Upserts).mount(&server).await;
    let sleeper = Arc::new(RecordingSleeper::default());
    let kombo = client(&server, &sleeper, RetryPolicy::default());
    let hris = kombo.integration(INTEGRATION).expect("valid");

    let skills = ["s0", "s1", "bad", "s3", "", "s5", "s6", "s7"];
    let inputs: Vec<SkillExpectation> = skills.iter().map(|s| SkillExpectation::new("e", *s)).collect();
    let mut outcomes: Vec<_> = hris.upsert_many(inputs).concurrency(3).collect().await;
    outcomes.sort_by_key(|o| o.index);

    assert_eq!(outcomes.len(), skills.len());
    for (outcome, skill) in outcomes.iter().zip(skills) {
        assert_eq!(outcome.input.skill_id(), skill);
        match skill {
            "bad" => {
                let error = outcome.result.as_ref().expect_err("the failing item");
                assert_eq!(error.kombo_code(), Some(&ErrorCode::PlatformInputInvalid));
                assert_eq!(outcome.attempts, 1);
            }
            "" => {
                assert_invalid(&outcome.result, "skill_id");
                assert_eq!(outcome.attempts, 0);
            }
            _ => assert_eq!(outcome.result.as_ref().expect("saved").id, format!("e/{skill}")),
        }
    }
    let retries: u32 = outcomes.iter().map(|o| o.retries()).sum();
    assert_eq!(retries, 1);
    assert_eq!(kombo.stats().retries, 1);
    // 7 sendable inputs + 1 retry.
    assert_eq!(server.received_requests().await.map(|r| r.len()), Some(8));
}

#[tokio::test]
async fn a_call_timeout_applies_to_every_page_of_a_listing() {
    let server = MockServer::start().await;
    // The second page comes after a second: later than the call's 50 ms, well within the
    // client's 5 s. Only the outcome is checked, never how long anything took.
    Mock::given(query_param("cursor", "c2"))
        .respond_with(page(vec![], None).set_delay(Duration::from_secs(1)))
        .mount(&server)
        .await;
    Mock::given(any())
        .respond_with(page(vec![record("r1", "e", "s", None)], Some("c2")))
        .mount(&server)
        .await;
    let sleeper = Arc::new(RecordingSleeper::default());
    let hris = hris(&server, &sleeper, RetryPolicy::never());
    let pages: Vec<_> = hris
        .staffing_entity_skills()
        .timeout(Duration::from_millis(50))
        .pages()
        .collect()
        .await;
    assert_eq!(pages.len(), 2, "{pages:?}");
    assert!(pages[0].is_ok(), "{pages:?}");
    assert!(matches!(pages[1], Err(Error::Timeout { .. })), "{pages:?}");
}
