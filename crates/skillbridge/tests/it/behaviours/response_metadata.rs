//! Response metadata: a call's value with its status, headers, attempts and elapsed time (on the
//! recording sleeper's clock), page by page for listings; and the headers an `ApiError` keeps.

use std::sync::Arc;
use std::time::Duration;

use futures::TryStreamExt;
use serde_json::json;
use skillbridge::kombo::SkillExpectation;
use skillbridge::retry::RetryPolicy;
use skillbridge::techwolf::TechWolf;
use wiremock::matchers::{any, method, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::{KEY, RecordingSleeper, empty_page, hris, kombo_client, kombo_error_code, secs};

/// No jitter: waits of 1, 2, 4, ... seconds.
fn doubling() -> RetryPolicy {
    RetryPolicy::default()
        .initial_delay(secs(1))
        .jitter(0.0)
        .max_elapsed(secs(600))
}

/// A `503` for the first request, whatever it is; later ones get the server's other answers.
async fn unavailable_once(server: &MockServer) {
    Mock::given(any())
        .respond_with(kombo_error_code(503, "REMOTE.SERVICE_UNAVAILABLE"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(server)
        .await;
}

/// `template` with the headers a server sends: rate limits, a request id, and headers that carry
/// sessions or credentials.
fn with_headers(template: ResponseTemplate) -> ResponseTemplate {
    template
        .insert_header("ratelimit-limit", "100")
        .insert_header("ratelimit-remaining", "7")
        .insert_header("x-request-id", "req-42")
        .insert_header("set-cookie", "session=abc")
        .insert_header("authorization", "Bearer leaked")
        .insert_header("proxy-authorization", "Basic leaked")
        .insert_header("x-auth-token", "leaked")
        .insert_header("x-client-secret", "leaked")
        .insert_header("X-Api-Key", "leaked")
        .insert_header("x-echo", format!("you sent {KEY}"))
}

/// What every kept header map must hold, and lack.
fn assert_cleaned(headers: &skillbridge::reqwest::header::HeaderMap) {
    assert_eq!(headers.get("ratelimit-limit").map(|v| v.as_bytes()), Some(&b"100"[..]));
    assert_eq!(
        headers.get("ratelimit-remaining").map(|v| v.as_bytes()),
        Some(&b"7"[..])
    );
    assert_eq!(headers.get("x-request-id").map(|v| v.as_bytes()), Some(&b"req-42"[..]));
    for dropped in [
        "set-cookie",
        "authorization",
        "proxy-authorization",
        "x-auth-token",
        "x-client-secret",
        "x-api-key",
    ] {
        assert!(headers.get(dropped).is_none(), "{dropped} kept: {headers:?}");
    }
    assert_eq!(
        headers.get("x-echo").map(|v| v.as_bytes()),
        Some(&b"you sent <redacted>"[..])
    );
    assert!(!format!("{headers:?}").contains("leaked"));
}

#[tokio::test]
async fn a_page_says_its_status_headers_attempts_and_elapsed_time() {
    let server = MockServer::start().await;
    unavailable_once(&server).await;
    Mock::given(any())
        .respond_with(with_headers(empty_page()))
        .mount(&server)
        .await;
    let sleeper = Arc::new(RecordingSleeper::default());
    let kombo = kombo_client(&server, &sleeper, doubling());
    let page = hris(&kombo)
        .staffing_entity_skills()
        .send_with_meta()
        .await
        .expect("retried");
    assert_eq!(page.status().as_u16(), 200);
    assert_eq!(page.attempts(), 2);
    // The clock moves only by the retrier's waits: one wait of 1 s.
    assert_eq!(sleeper.waits(), [secs(1)]);
    assert_eq!(page.elapsed(), secs(1));
    assert_cleaned(page.headers());
    assert!(page.value().results.is_empty());
    assert_eq!(page.into_inner().next, None);
}

#[tokio::test]
async fn every_page_of_a_listing_has_its_own_metadata() {
    let server = MockServer::start().await;
    // The second page fails once, then comes.
    Mock::given(query_param("cursor", "c2"))
        .respond_with(kombo_error_code(503, "REMOTE.SERVICE_UNAVAILABLE"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(query_param("cursor", "c2"))
        .respond_with(empty_page().insert_header("x-request-id", "second"))
        .with_priority(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"status": "success", "data": {"results": [], "next": "c2"}}))
                .insert_header("x-request-id", "first"),
        )
        .with_priority(3)
        .mount(&server)
        .await;
    let sleeper = Arc::new(RecordingSleeper::default());
    let kombo = kombo_client(&server, &sleeper, doubling());
    let pages: Vec<_> = hris(&kombo)
        .staffing_entity_skills()
        .pages_with_meta()
        .try_collect()
        .await
        .expect("both pages");
    let seen: Vec<_> = pages
        .iter()
        .map(|page| {
            (
                page.attempts(),
                page.elapsed(),
                page.headers().get("x-request-id").map(|v| v.as_bytes().to_vec()),
                page.value().next.clone(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            (1, Duration::ZERO, Some(b"first".to_vec()), Some("c2".to_owned())),
            (2, secs(1), Some(b"second".to_vec()), None),
        ]
    );
}

#[tokio::test]
async fn an_upsert_and_an_export_say_theirs() {
    let server = MockServer::start().await;
    unavailable_once(&server).await;
    Mock::given(method("POST"))
        .and(wiremock::matchers::path("/hris/staffing-entity-skills"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"status": "success", "data": {
                    "id": "r1", "staffing_entity_id": "e", "skill_id": "s", "expected_level": null,
                    "changed_at": "2026-01-01T00:00:00Z", "remote_deleted_at": null
                }}))
                .insert_header("concurrency-limit", "30"),
        )
        .mount(&server)
        .await;
    let sleeper = Arc::new(RecordingSleeper::default());
    let kombo = kombo_client(&server, &sleeper, doubling());
    let saved = hris(&kombo)
        .upsert_staffing_entity_skill(SkillExpectation::new("e", "s"))
        .send_with_meta()
        .await
        .expect("retried");
    assert_eq!(
        (saved.status().as_u16(), saved.attempts(), saved.elapsed()),
        (200, 2, secs(1))
    );
    assert_eq!(
        saved.headers().get("concurrency-limit").map(|v| v.as_bytes()),
        Some(&b"30"[..])
    );
    assert_eq!(saved.into_inner().id, "r1");

    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(with_headers(
            ResponseTemplate::new(200).set_body_json(json!({"has_next": false, "records": []})),
        ))
        .mount(&server)
        .await;
    let techwolf = TechWolf::builder()
        .base_url(server.uri())
        .access_token(KEY)
        .sleeper(Arc::new(RecordingSleeper::default()))
        .build()
        .expect("valid configuration");
    let page = techwolf
        .employee_skill_clusters()
        .send_with_meta()
        .await
        .expect("exported");
    assert_eq!(
        (page.status().as_u16(), page.attempts(), page.elapsed()),
        (200, 1, Duration::ZERO)
    );
    assert_cleaned(page.headers());
}

/// A request through the escape hatch says the status it was answered with, whichever success
/// it was (Kombo's own routes answer `200`; a route the crate does not wrap may answer `202`).
#[tokio::test]
async fn a_custom_request_says_its_own_success_status() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(202).set_body_json(json!({"status": "success", "data": {"queued": true}})))
        .mount(&server)
        .await;
    let kombo = kombo_client(&server, &Arc::new(RecordingSleeper::default()), doubling());
    let accepted = hris(&kombo)
        .post("/hris/anything")
        .send_with_meta::<serde_json::Value>()
        .await
        .expect("accepted");
    assert_eq!(accepted.status().as_u16(), 202);
    assert_eq!(accepted.into_inner(), json!({"queued": true}));
}

#[tokio::test]
async fn an_api_error_keeps_the_headers_that_carry_no_credential() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(with_headers(kombo_error_code(400, "PLATFORM.INPUT_INVALID")))
        .mount(&server)
        .await;
    let sleeper = Arc::new(RecordingSleeper::default());
    let kombo = kombo_client(&server, &sleeper, RetryPolicy::never());
    let error = hris(&kombo).staffing_entity_skills().send().await.expect_err("refused");
    let api = error.api().expect("an API error");
    assert_cleaned(api.headers());
    let shown = error.to_string();
    for header_text in ["ratelimit", "req-42", "session", "you sent"] {
        assert!(!shown.contains(header_text), "{shown}");
    }
    assert!(!format!("{error:?}").contains("SUPERSECRET"));
}
