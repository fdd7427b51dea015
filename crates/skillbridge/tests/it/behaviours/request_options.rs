//! Per-call options (`timeout`, `retry_policy`, `header`) on every request builder: they change
//! that call only, a listing's every page, and a refused header sends nothing.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use futures::{StreamExt, TryStreamExt};
use serde_json::json;
use skillbridge::Error;
use skillbridge::kombo::{Integration, Kombo, SkillExpectation};
use skillbridge::retry::{RetryPolicy, Sleeper};
use skillbridge::techwolf::TechWolf;
use wiremock::matchers::{any, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::{
    EXPORT, INTEGRATION, KEY, RecordingSleeper, TOKEN_PATH, answering, empty_page, fast_retries, hris, kombo_builder,
    kombo_client, kombo_error_code, received,
};

/// A saved expectation in Kombo's envelope.
fn saved() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({"status": "success", "data": {
        "id": "3KvQZzFZCrLPaDY3kZ5Y1gP9", "staffing_entity_id": "e", "skill_id": "s",
        "expected_level": null, "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z",
        "remote_id": null, "remote_created_at": null, "remote_deleted_at": null, "changed_at": "2026-01-01T00:00:00Z"
    }}))
}

fn export_page() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({"has_next": false, "records": []}))
}

fn techwolf(server: &MockServer, policy: RetryPolicy) -> TechWolf {
    TechWolf::builder()
        .base_url(server.uri())
        .access_token("a-token")
        .retry_policy(policy)
        .sleeper(Arc::new(RecordingSleeper::default()))
        .build()
        .expect("valid configuration")
}

fn upsert(hris: &Integration) -> skillbridge::kombo::UpsertStaffingEntitySkill {
    hris.upsert_staffing_entity_skill(SkillExpectation::new("e", "s"))
}

/// A short timeout, and a long one: which of them ended a call shows in the virtual time it took.
const SHORT: Duration = Duration::from_millis(200);
const LONG: Duration = Duration::from_secs(3_600);

/// How long (in virtual time) `call` took to fail with a timeout.
async fn timed_out<T: std::fmt::Debug>(call: impl Future<Output = skillbridge::Result<T>>) -> Duration {
    let started = tokio::time::Instant::now();
    let result = call.await;
    let waited = started.elapsed();
    assert!(matches!(result, Err(Error::Timeout { .. })), "{result:?}");
    waited
}

/// Whether `waited` is the short timeout's (and not the long one's).
fn short(waited: Duration) -> bool {
    waited >= SHORT && waited < LONG
}

// Virtual time (the runtime starts paused and jumps to the next timer whenever it is idle) against
// a listener that takes connections and never answers: a call ends when its timeout does, and the
// time it took says which timeout that was. No wall clock is read, and the test takes no time.
#[tokio::test(start_paused = true)]
async fn a_call_timeout_applies_to_that_call_only() {
    let silent = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let base_url = format!("http://{}", silent.local_addr().expect("address"));
    let sleeper = Arc::new(RecordingSleeper::default()) as Arc<dyn Sleeper>;
    // The client allows an hour; the calls a fifth of a second.
    let kombo = kombo_builder(&base_url, RetryPolicy::never(), Arc::clone(&sleeper))
        .timeout(LONG)
        .connect_timeout(LONG)
        .build()
        .expect("valid configuration");
    let hris = hris(&kombo);
    let techwolf = TechWolf::builder()
        .base_url(&base_url)
        .access_token("a-token")
        .timeout(LONG)
        .connect_timeout(LONG)
        .retry_policy(RetryPolicy::never())
        .build()
        .expect("valid configuration");
    assert!(short(
        timed_out(hris.staffing_entity_skills().timeout(SHORT).send()).await
    ));
    assert!(short(timed_out(upsert(&hris).timeout(SHORT).send()).await));
    assert!(short(
        timed_out(techwolf.employee_skill_clusters().timeout(SHORT).send()).await
    ));
    let started = tokio::time::Instant::now();
    let many: Vec<_> = hris
        .upsert_many(vec![SkillExpectation::new("e", "s")])
        .timeout(SHORT)
        .collect()
        .await;
    assert!(matches!(many[0].result, Err(Error::Timeout { .. })), "{many:?}");
    assert!(short(started.elapsed()));
    // The next call, without it, has the client's hour.
    assert!(!short(timed_out(hris.staffing_entity_skills().send()).await));
    assert!(!short(timed_out(techwolf.employee_skill_clusters().send()).await));

    // And the other way round: a call may allow more than its client.
    let impatient = kombo_builder(&base_url, RetryPolicy::never(), sleeper)
        .timeout(SHORT)
        .connect_timeout(LONG)
        .build()
        .expect("valid configuration");
    let hris = impatient.integration(INTEGRATION).expect("valid id");
    assert!(short(timed_out(hris.staffing_entity_skills().send()).await));
    assert!(!short(
        timed_out(hris.staffing_entity_skills().timeout(LONG).send()).await
    ));
    drop(silent);
}

#[tokio::test]
async fn a_listing_sends_its_call_headers_with_every_page() {
    let server = MockServer::start().await;
    Mock::given(query_param("cursor", "c2"))
        .respond_with(empty_page())
        .mount(&server)
        .await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"status": "success", "data": {"results": [], "next": "c2"}})),
        )
        .mount(&server)
        .await;
    let sleeper = Arc::new(RecordingSleeper::default());
    let kombo = kombo_client(&server, &sleeper, RetryPolicy::never());
    let pages: Vec<_> = hris(&kombo)
        .staffing_entity_skills()
        .header("X-Call", "page-header")
        .pages()
        .try_collect()
        .await
        .expect("two pages");
    assert_eq!(pages.len(), 2);
    let requests = server.received_requests().await.expect("recorded");
    assert_eq!(requests.len(), 2);
    for request in &requests {
        assert_eq!(
            request.headers.get("x-call").map(|v| v.as_bytes()),
            Some(&b"page-header"[..])
        );
    }
}

#[tokio::test]
async fn a_call_retry_policy_changes_the_attempts_of_that_call_only() {
    let server = answering(kombo_error_code(503, "REMOTE.SERVICE_UNAVAILABLE")).await;
    let sleeper = Arc::new(RecordingSleeper::default());
    let kombo = kombo_client(&server, &sleeper, fast_retries().max_attempts(4));
    let hris = hris(&kombo);
    let twice = RetryPolicy::default().max_attempts(2).jitter(0.0);
    hris.staffing_entity_skills()
        .retry_policy(twice.clone())
        .send()
        .await
        .expect_err("down");
    assert_eq!(received(&server).await, 2);
    upsert(&hris)
        .retry_policy(RetryPolicy::never())
        .await
        .expect_err("down");
    assert_eq!(received(&server).await, 3);
    let many: Vec<_> = hris
        .upsert_many(vec![SkillExpectation::new("e", "s")])
        .retry_policy(twice.clone())
        .collect()
        .await;
    assert_eq!(many[0].attempts, 2);
    assert_eq!(received(&server).await, 5);
    // The client's policy is untouched, and counts every request.
    hris.staffing_entity_skills().send().await.expect_err("down");
    assert_eq!(received(&server).await, 9);
    assert_eq!(kombo.stats().requests, 9);
    assert_eq!(kombo.stats().retries, 5);

    let server = answering(ResponseTemplate::new(503)).await;
    let techwolf = techwolf(&server, fast_retries().max_attempts(4));
    techwolf
        .employee_skill_clusters()
        .retry_policy(twice)
        .send()
        .await
        .expect_err("down");
    assert_eq!(received(&server).await, 2);
    techwolf.employee_skill_clusters().send().await.expect_err("down");
    assert_eq!(received(&server).await, 6);
}

#[tokio::test]
async fn a_call_header_is_sent_and_replaces_a_default_header_of_its_name() {
    let server = answering(saved()).await;
    let sleeper = Arc::new(RecordingSleeper::default());
    let kombo = kombo_builder(server.uri(), RetryPolicy::never(), sleeper as Arc<dyn Sleeper>)
        .default_header("X-Route", "default")
        .build()
        .expect("valid configuration");
    let hris = hris(&kombo);
    upsert(&hris)
        .header("x-route", "call")
        .header("X-Trace", "t1")
        .await
        .expect("saved");
    upsert(&hris).await.expect("saved");
    let requests = server.received_requests().await.expect("recorded");
    let values = |at: usize, name: &str| -> Vec<String> {
        requests[at]
            .headers
            .get_all(name)
            .iter()
            .map(|v| v.to_str().unwrap_or_default().to_owned())
            .collect()
    };
    assert_eq!(values(0, "x-route"), ["call"]);
    assert_eq!(values(0, "x-trace"), ["t1"]);
    assert_eq!(
        values(1, "x-route"),
        ["default"],
        "the next call has the client's header again"
    );
    assert!(values(1, "x-trace").is_empty());
    assert_eq!(values(0, "authorization"), [format!("Bearer {KEY}")]);
}

/// Header names and values a call refuses, and the words its reason must have.
const REFUSED: [(&str, &str, &str); 6] = [
    ("Authorization", "Bearer other", "set by the client itself"),
    ("content-type", "text/plain", "set by the client itself"),
    ("Host", "elsewhere.example", "set by the client itself"),
    ("Content-Length", "3", "set by the client itself"),
    ("bad name", "v", "not a valid header name"),
    ("x-ok", "line\nbreak-SECRETVALUE", "not allowed in a header"),
];

fn assert_refused(error: &Error, words: &str) {
    match error {
        Error::InvalidInput {
            field: "header",
            reason,
        } => {
            assert!(reason.contains(words), "{reason}");
            assert!(!reason.contains("SECRETVALUE"), "{reason}");
        }
        other => panic!("expected an invalid header, got {other:?}"),
    }
    assert!(!format!("{error:?}").contains("SECRETVALUE"));
}

#[tokio::test]
async fn a_refused_call_header_sends_nothing() {
    let server = answering(saved()).await;
    let sleeper = Arc::new(RecordingSleeper::default());
    let kombo: Kombo = kombo_client(&server, &sleeper, RetryPolicy::never());
    let hris = hris(&kombo);
    let techwolf = techwolf(&server, RetryPolicy::never());
    for (name, value, words) in REFUSED {
        let listing = hris.staffing_entity_skills().header(name, value);
        assert_refused(&listing.clone().send().await.expect_err("refused"), words);
        assert_refused(&listing.clone().send_with_meta().await.expect_err("refused"), words);
        let streamed: Vec<_> = listing.items().collect().await;
        assert_eq!(streamed.len(), 1);
        assert_refused(streamed[0].as_ref().expect_err("refused"), words);
        assert_refused(&upsert(&hris).header(name, value).await.expect_err("refused"), words);
        let many: Vec<_> = hris
            .upsert_many(vec![SkillExpectation::new("e", "s"), SkillExpectation::new("e", "t")])
            .header(name, value)
            .collect()
            .await;
        assert_eq!(many.len(), 2);
        for outcome in &many {
            assert_refused(outcome.result.as_ref().expect_err("refused"), words);
            assert_eq!(outcome.attempts, 0);
        }
        let export = techwolf.employee_skill_clusters().header(name, value);
        assert_refused(&export.clone().send().await.expect_err("refused"), words);
        let pages: Vec<_> = export.pages_with_meta().collect().await;
        assert_refused(pages[0].as_ref().expect_err("refused"), words);
    }
    assert_eq!(received(&server).await, 0);
    assert_eq!(kombo.stats().requests, 0);
}

#[tokio::test]
async fn a_call_header_never_reaches_the_token_endpoint() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"access_token": "abc", "expires_in": 600})))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(EXPORT))
        .respond_with(export_page())
        .mount(&server)
        .await;
    let techwolf = TechWolf::builder()
        .base_url(server.uri())
        .token_url(format!("{}{TOKEN_PATH}", server.uri()))
        .tenant("acme")
        .client_credentials("client-id", "client-secret")
        .retry_policy(RetryPolicy::never())
        .build()
        .expect("valid configuration");
    techwolf
        .employee_skill_clusters()
        .header("X-Call-Token", "call-secret")
        .send()
        .await
        .expect("exported");
    let requests = server.received_requests().await.expect("recorded");
    let (token, export): (Vec<_>, Vec<_>) = requests.iter().partition(|r| r.url.path() == TOKEN_PATH);
    assert_eq!((token.len(), export.len()), (1, 1));
    assert!(token[0].headers.get("x-call-token").is_none(), "{:?}", token[0].headers);
    assert_eq!(
        export[0].headers.get("x-call-token").map(|v| v.as_bytes()),
        Some(&b"call-secret"[..])
    );
}

#[test]
fn builders_with_call_headers_never_show_their_values() {
    let kombo = Kombo::builder().api_key(KEY).build().expect("valid configuration");
    let hris = kombo.integration(INTEGRATION).expect("valid id");
    let shown = [
        format!("{:?}", hris.staffing_entity_skills().header("x-a", "VALUE-ONE")),
        format!("{:?}", upsert(&hris).header("x-a", "VALUE-ONE")),
        format!("{:?}", hris.upsert_many(Vec::new()).header("x-a", "VALUE-ONE")),
    ];
    for text in shown {
        assert!(!text.contains("VALUE-ONE"), "{text}");
    }
}
