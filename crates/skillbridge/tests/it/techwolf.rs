//! The TechWolf client over real HTTP on 127.0.0.1: OAuth2 against the mock server's token
//! endpoint, request bodies and pagination edge cases against wiremock.

use crate::common;

use std::sync::Arc;
use std::time::Duration;

use common::{
    EXPORT, RecordingSleeper, SECRET, TOKEN_PATH, fast_retries, mount_token_and_export, requests_to, techwolf_on_mock,
};

use futures::{StreamExt, TryStreamExt};
use serde_json::{Value, json};
use skillbridge::Error;
use skillbridge::pagination::PaginationError;
use skillbridge::retry::{RetryPolicy, Sleeper};
use skillbridge::techwolf::{Filter, Include, SkillSource, TechWolf, ValidationState};
use skillbridge_mock::{MockServer as Mock, NextStartingAfter};
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock as Stub, MockServer, Request, ResponseTemplate};

/// A client with client credentials against the embedded mock server.
fn oauth_client(mock: &Mock, secret: &str) -> TechWolf {
    techwolf_on_mock(mock, secret)
        .retry_policy(fast_retries())
        .timeout(Duration::from_secs(10))
        .build()
        .expect("valid configuration")
}

async fn mock(employees: u64) -> Mock {
    Mock::builder()
        .seed(11)
        .employees(employees)
        .start()
        .await
        .expect("mock server starts")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_token_for_many_concurrent_requests() {
    let server = mock(30).await;
    let techwolf = oauth_client(&server, server.techwolf().client_secret());
    let calls = (0..1_000).map(|_| {
        let techwolf = techwolf.clone();
        async move { techwolf.employee_skill_clusters().limit(5).send().await }
    });
    let pages = futures::future::join_all(calls).await;
    assert!(
        pages.iter().all(Result::is_ok),
        "{:?}",
        pages.iter().find(|p| p.is_err())
    );
    assert_eq!(server.techwolf().token_requests(), 1);
    assert_eq!(techwolf.token_fetches(), 1);
}

/// A client with client credentials against `server`'s `/oauth/token`, retrying with `attempts`
/// attempts, 1 ms apart and without jitter, on a recording sleeper: every waiter retries at once.
fn credentials_client(server: &MockServer, attempts: u32) -> TechWolf {
    TechWolf::builder()
        .base_url(server.uri())
        .token_url(format!("{}/oauth/token", server.uri()))
        .tenant("acme")
        .client_credentials("client-id", SECRET)
        .retry_policy(
            RetryPolicy::default()
                .max_attempts(attempts)
                .initial_delay(Duration::from_millis(1))
                .jitter(0.0),
        )
        .sleeper(Arc::new(RecordingSleeper::default()))
        .build()
        .unwrap()
}

async fn token_requests(server: &MockServer) -> usize {
    requests_to(server, TOKEN_PATH).await
}

/// Before: each waiter made its own fetch after a failed one, one after another (17 token requests
/// for 16 exports against an endpoint answering 503 to its first 16; 80 with the endpoint down
/// throughout, where this test now counts 5).
#[tokio::test]
async fn waiters_share_a_failed_token_fetch_one_token_request_per_attempt() {
    const EXPORTS: usize = 16;
    let server = MockServer::start().await;
    Stub::given(method("POST"))
        .and(path("/oauth/token"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    mount_token_and_export(&server, json!({"access_token": "abc", "expires_in": 600})).await;
    let techwolf = credentials_client(&server, 5);
    let exports = (0..EXPORTS).map(|_| techwolf.employee_skill_clusters().send());
    let pages = futures::future::join_all(exports).await;
    assert!(pages.iter().all(Result::is_ok), "{pages:?}");
    assert_eq!(
        token_requests(&server).await,
        2,
        "one failed fetch shared by all, then one that succeeds"
    );
    assert_eq!(
        techwolf.stats().retries,
        EXPORTS as u64,
        "every waiter had the failure and retried once"
    );

    // The endpoint down throughout: every attempt of every export fails, one token request each.
    let down = MockServer::start().await;
    Stub::given(method("POST"))
        .and(path("/oauth/token"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&down)
        .await;
    let techwolf = credentials_client(&down, 5);
    let exports = (0..EXPORTS).map(|_| techwolf.employee_skill_clusters().send());
    let failures = futures::future::join_all(exports).await;
    for failure in &failures {
        let error = failure.as_ref().expect_err("no token");
        assert!(error.is_auth() && error.is_retryable(), "{error:?}");
        assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    }
    assert_eq!(
        token_requests(&down).await,
        5,
        "one token request per attempt, not per waiter"
    );
    let requests = down.received_requests().await.unwrap();
    assert_eq!(requests.len(), 5, "no export was sent without a token");
}

/// What a token request carries: the credentials, the tenant, and the scopes joined by spaces
/// only when some are configured (none means all).
#[tokio::test]
async fn a_token_request_carries_the_scopes_only_when_configured() {
    for (scopes, expected) in [
        (vec!["read", "read_reports"], Some("read read_reports")),
        (vec![], None),
    ] {
        let server = MockServer::start().await;
        mount_token_and_export(&server, json!({"access_token": "abc", "expires_in": 600})).await;
        let techwolf = TechWolf::builder()
            .base_url(server.uri())
            .token_url(format!("{}/oauth/token", server.uri()))
            .tenant("acme")
            .audience("aud.example")
            .client_credentials("client-id", SECRET)
            .scopes(scopes.clone())
            .build()
            .unwrap();
        techwolf.employee_skill_clusters().send().await.unwrap();
        let requests = server.received_requests().await.unwrap();
        let sent: Value = serde_json::from_slice(&requests[0].body).unwrap();
        let mut want = json!({
            "client_id": "client-id", "client_secret": SECRET, "audience": "aud.example",
            "grant_type": "client_credentials", "tenant": "acme"
        });
        if let Some(expected) = expected {
            want["scopes"] = json!(expected);
        }
        assert_eq!(sent, want, "{scopes:?}");
    }
}

/// A token endpoint answering 429 or a 5xx is asked again, paced by the retry policy; a 4xx
/// other than 429 is final.
#[tokio::test]
async fn a_token_endpoint_429_or_5xx_is_retried_and_other_refusals_are_not() {
    for (status, retried) in [(429, true), (500, true), (503, true), (400, false), (401, false)] {
        let server = MockServer::start().await;
        Stub::given(method("POST"))
            .and(path("/oauth/token"))
            .respond_with(ResponseTemplate::new(status))
            .up_to_n_times(1)
            .mount(&server)
            .await;
        mount_token_and_export(&server, json!({"access_token": "abc", "expires_in": 600})).await;
        let outcome = credentials_client(&server, 3).employee_skill_clusters().send().await;
        assert_eq!(outcome.is_ok(), retried, "{status}: {outcome:?}");
        if let Err(error) = outcome {
            assert!(error.is_auth() && !error.is_retryable(), "{status}: {error:?}");
        }
        assert_eq!(token_requests(&server).await, 1 + usize::from(retried), "{status}");
    }
}

#[tokio::test]
async fn token_is_refreshed_after_expiry() {
    let server = Mock::builder()
        .seed(11)
        .employees(5)
        .token_ttl(Duration::from_secs(400))
        .start()
        .await
        .unwrap();
    // The client's clock is the injected one; the server's tokens outlive the test.
    let clock = Arc::new(RecordingSleeper::default());
    // A margin larger than half the lifetime is capped at half of it: the token is reused for 200 s.
    let techwolf = techwolf_on_mock(&server, server.techwolf().client_secret())
        .refresh_margin(Duration::from_secs(300))
        .sleeper(Arc::clone(&clock) as Arc<dyn Sleeper>)
        .build()
        .unwrap();
    techwolf.employee_skill_clusters().send().await.unwrap();
    techwolf.employee_skill_clusters().send().await.unwrap();
    assert_eq!(server.techwolf().token_requests(), 1, "a fresh token is reused");
    clock.advance(Duration::from_millis(199_999));
    techwolf.employee_skill_clusters().send().await.unwrap();
    assert_eq!(
        server.techwolf().token_requests(),
        1,
        "still within lifetime minus margin"
    );
    clock.advance(Duration::from_millis(1));
    techwolf.employee_skill_clusters().send().await.unwrap();
    assert_eq!(
        server.techwolf().token_requests(),
        2,
        "a token near expiry is refreshed before use"
    );
    assert_eq!(techwolf.token_fetches(), 2);

    // With the default margin (60 s) the second token lives 400 - 60 s.
    let techwolf = techwolf_on_mock(&server, server.techwolf().client_secret())
        .sleeper(Arc::clone(&clock) as Arc<dyn Sleeper>)
        .build()
        .unwrap();
    techwolf.employee_skill_clusters().send().await.unwrap();
    clock.advance(Duration::from_millis(339_999));
    techwolf.employee_skill_clusters().send().await.unwrap();
    assert_eq!(techwolf.token_fetches(), 1);
    clock.advance(Duration::from_millis(1));
    techwolf.employee_skill_clusters().send().await.unwrap();
    assert_eq!(techwolf.token_fetches(), 2);
}

#[tokio::test]
async fn a_401_refreshes_once_and_retries_once() {
    let server = mock(5).await;
    let techwolf = oauth_client(&server, server.techwolf().client_secret());
    techwolf.employee_skill_clusters().send().await.unwrap();
    server.clear_request_log();
    server.techwolf().revoke_tokens();
    techwolf.employee_skill_clusters().send().await.unwrap();
    assert_eq!(server.techwolf().token_requests(), 2);
    let exports = server.request_log().iter().filter(|r| r.path.ends_with(EXPORT)).count();
    assert_eq!(exports, 2, "the refused request and one retry");
}

#[tokio::test]
async fn a_static_token_that_is_refused_is_an_auth_error_without_refresh() {
    let server = mock(5).await;
    let techwolf = TechWolf::builder()
        .base_url(server.techwolf().base_url())
        .access_token("not-a-token-the-server-issued")
        .build()
        .unwrap();
    let error = techwolf.employee_skill_clusters().send().await.unwrap_err();
    assert!(error.is_auth(), "{error}");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
    assert_eq!(server.techwolf().token_requests(), 0);
    assert!(!format!("{error} {error:?}").contains("not-a-token-the-server-issued"));
}

#[tokio::test]
async fn a_wrong_secret_is_an_auth_error_that_never_shows_the_secret() {
    let server = mock(5).await;
    let techwolf = oauth_client(&server, SECRET);
    let error = techwolf.employee_skill_clusters().send().await.unwrap_err();
    assert!(error.is_auth(), "{error}");
    assert!(!error.is_retryable());
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
    for text in [error.to_string(), format!("{error:?}"), format!("{techwolf:?}")] {
        assert!(!text.contains(SECRET), "secret leaked: {text}");
    }
    let shown = format!("{techwolf:?}");
    assert!(shown.starts_with("TechWolf { base_url: "), "{shown}");
    assert!(shown.contains(&server.techwolf().base_url()), "{shown}");
    assert!(shown.contains("tokens: ") && shown.contains("retry: "), "{shown}");
    // The retry settings and the counts of requests and retries made so far.
    assert!(
        shown.contains("retry: Retrier { policy: RetryPolicy { max_attempts: "),
        "{shown}"
    );
    assert!(shown.contains("stats: RequestStats { requests: "), "{shown}");
    assert_eq!(
        server.request_log().iter().filter(|r| r.path.ends_with(EXPORT)).count(),
        0
    );
}

#[tokio::test]
async fn full_export_with_and_without_next_starting_after() {
    for mode in [
        NextStartingAfter::Present,
        NextStartingAfter::Absent,
        NextStartingAfter::Alternating,
    ] {
        let server = Mock::builder()
            .seed(3)
            .employees(23)
            .next_starting_after(mode)
            .start()
            .await
            .unwrap();
        let techwolf = oauth_client(&server, server.techwolf().client_secret());
        let employees: Vec<_> = techwolf
            .employee_skill_clusters()
            .include(Include::all())
            .limit(5)
            .items()
            .try_collect()
            .await
            .unwrap();
        let ids: Vec<_> = employees.iter().map(|e| e.external_id.clone()).collect();
        assert_eq!(ids.len(), 23, "{mode:?}");
        let distinct: std::collections::BTreeSet<_> = ids.iter().collect();
        assert_eq!(distinct.len(), 23, "{mode:?}: a record was repeated");
        let expected: Vec<_> = (0..23)
            .map(|i| server.techwolf().employee(i).unwrap().external_id)
            .collect();
        assert_eq!(ids, expected, "{mode:?}: every employee once, in order");
        assert!(
            server.contract_violations().is_empty(),
            "{:?}",
            server.contract_violations()
        );
    }
}

/// A wiremock responder serving a fixed sequence of pages, one per request.
fn pages(bodies: Vec<Value>) -> impl Fn(&Request) -> ResponseTemplate {
    let next = std::sync::atomic::AtomicUsize::new(0);
    move |_: &Request| {
        let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        ResponseTemplate::new(200).set_body_json(
            bodies
                .get(i)
                .cloned()
                .unwrap_or(json!({"has_next": false, "records": []})),
        )
    }
}

fn employee(id: &str) -> Value {
    json!({"external_id": id, "skill_clusters": []})
}

fn token_client(server: &MockServer) -> TechWolf {
    TechWolf::builder()
        .base_url(server.uri())
        .access_token("t0ken")
        .retry_policy(fast_retries())
        .build()
        .unwrap()
}

#[tokio::test]
async fn keyset_pagination_over_three_pages_sends_every_filter_and_include() {
    let server = MockServer::start().await;
    Stub::given(method("POST"))
        .and(path(EXPORT))
        .respond_with(pages(vec![
            json!({"has_next": true, "records": [employee("a"), employee("b")], "next_starting_after": "b"}),
            json!({"has_next": true, "records": [employee("c"), employee("d")]}),
            json!({"has_next": false, "records": [employee("e")]}),
        ]))
        .expect(3)
        .mount(&server)
        .await;
    let since = chrono::NaiveDate::from_ymd_opt(2022, 3, 25).unwrap();
    let ids: Vec<String> = token_client(&server)
        .employee_skill_clusters()
        .filter(Filter::IsActive(true))
        .filter(Filter::UpdatedAfter(since))
        .include([Include::Sources, Include::CurrentSkills])
        .limit(2)
        .items()
        .map_ok(|e| e.external_id.into_string())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids, ["a", "b", "c", "d", "e"]);
    let bodies: Vec<Value> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .collect();
    let filters = json!([
        {"filter": "is_active", "is_active": true},
        {"filter": "last_updated", "operator": "gt", "value": "2022-03-25"}
    ]);
    for (body, after) in bodies.iter().zip([None, Some("b"), Some("d")]) {
        assert_eq!(body["filters"], filters);
        assert_eq!(body["include"], json!(["current_skills", "sources"]));
        assert_eq!(body["limit"], 2);
        assert_eq!(body.get("starting_after").and_then(Value::as_str), after, "{body}");
    }
}

#[tokio::test]
async fn has_next_without_a_way_to_continue_is_an_error_not_a_loop() {
    let server = MockServer::start().await;
    Stub::given(method("POST"))
        .and(path(EXPORT))
        .respond_with(pages(vec![json!({"has_next": true, "records": []})]))
        .mount(&server)
        .await;
    let results: Vec<_> = token_client(&server).employee_skill_clusters().pages().collect().await;
    assert_eq!(results.len(), 1);
    assert!(
        matches!(
            &results[0],
            Err(Error::Pagination(PaginationError::EmptyContinuation { .. }))
        ),
        "{results:?}"
    );

    let server = MockServer::start().await;
    Stub::given(method("POST"))
        .and(path(EXPORT))
        .respond_with(pages(vec![
            json!({"has_next": true, "records": [employee("a")], "next_starting_after": "x"}),
            json!({"has_next": true, "records": [employee("b")], "next_starting_after": "x"}),
        ]))
        .mount(&server)
        .await;
    let results: Vec<_> = token_client(&server).employee_skill_clusters().items().collect().await;
    assert!(matches!(
        results.last(),
        Some(Err(Error::Pagination(PaginationError::RepeatedContinuation { .. })))
    ));
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn invalid_limit_and_long_starting_after_send_nothing() {
    let server = MockServer::start().await;
    let techwolf = token_client(&server);
    for builder in [
        techwolf.employee_skill_clusters().limit(0),
        techwolf.employee_skill_clusters().limit(101),
        techwolf.employee_skill_clusters().starting_after("x".repeat(101)),
        techwolf.employee_skill_clusters().starting_after(""),
    ] {
        let error = builder.clone().send().await.unwrap_err();
        assert!(matches!(error, Error::InvalidInput { .. }), "{error}");
        let streamed: Vec<_> = builder.items().collect().await;
        assert!(matches!(streamed.as_slice(), [Err(Error::InvalidInput { .. })]));
    }
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn unknown_enum_values_decode_and_absent_lists_stay_absent() {
    let server = MockServer::start().await;
    let body = json!({"has_next": false, "records": [{"external_id": "e1", "skill_clusters": [{
        "skill_cluster_id": "51e605a8-ca08-4ba6-a359-28bad07b38f6", "skill_cluster_name": "DevOps",
        "domain_name": "CS", "proficiency_level": 3, "validation_state": "manager_approved",
        "current_skills": [{"name": "Git", "skill_id": "ed8a3b44-59a0-44a6-a283-6c0e4b303be1",
            "validation_state": "validated", "skill_sources": ["hackathon", "learning"]}],
        "rejected_skills": []
    }]}]});
    Stub::given(method("POST"))
        .and(path(EXPORT))
        .and(body_json(
            json!({"limit": 100, "include": ["current_skills", "related_skills"]}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .expect(1)
        .mount(&server)
        .await;
    let page = token_client(&server)
        .employee_skill_clusters()
        .include([Include::CurrentSkills, Include::RelatedSkills])
        .send()
        .await
        .unwrap();
    let cluster = &page.records[0].skill_clusters[0];
    assert_eq!(
        cluster.validation_state,
        Some(ValidationState::Unknown("manager_approved".into()))
    );
    let git = &cluster.current_skills.as_ref().unwrap()[0];
    assert_eq!(
        git.skill_sources,
        [SkillSource::Unknown("hackathon".into()), SkillSource::Learning]
    );
    assert_eq!(
        cluster.related_skills,
        Some(vec![]),
        "asked for: present, though the server left it out"
    );
    assert_eq!(cluster.rejected_skills, None, "not asked for, and empty: says nothing");
    assert_eq!(cluster.sources, None, "not asked for");
}

#[tokio::test]
async fn error_arrays_decode_and_5xx_is_retried_honouring_retry_after() {
    let server = MockServer::start().await;
    Stub::given(method("POST"))
        .and(path(EXPORT))
        .respond_with(
            ResponseTemplate::new(503)
                .insert_header("Retry-After", "3")
                .set_body_json(json!([{"title": "503 Service Unavailable", "description": "try later"}])),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Stub::given(method("POST"))
        .and(path(EXPORT))
        .respond_with(ResponseTemplate::new(400).set_body_json(
            json!([{"title": "400 Bad Request", "description": "The request body was not structured correctly."}]),
        ))
        .mount(&server)
        .await;
    // The backoff would wait about 5 ms; the header says 3 s, and the recorded wait says which won.
    let sleeper = Arc::new(RecordingSleeper::default());
    let techwolf = TechWolf::builder()
        .base_url(server.uri())
        .access_token("t0ken")
        .retry_policy(fast_retries())
        .sleeper(Arc::clone(&sleeper) as Arc<dyn Sleeper>)
        .build()
        .unwrap();
    let error = techwolf.employee_skill_clusters().send().await.unwrap_err();
    assert_eq!(techwolf.stats().retries, 1, "the 503 was retried");
    assert_eq!(
        sleeper.waits(),
        [Duration::from_secs(3)],
        "Retry-After decided the wait"
    );
    assert_eq!(error.status().map(|s| s.as_u16()), Some(400));
    assert!(!error.is_retryable());
    assert_eq!(error.code(), None, "TechWolf's errors carry no code");
    assert_eq!(
        error.to_string(),
        "export_employee_skill_clusters: HTTP 400 400 Bad Request: The request body was not structured correctly."
    );
}

#[test]
fn the_seed_response_example_decodes_and_round_trips() {
    // The prepared document the client was generated from (the crate reads nothing outside itself).
    let spec: Value = serde_json::from_str(skillbridge_openapi::documents::TECHWOLF).unwrap();
    let example = spec
        .pointer("/paths/~1export~1employees~1skill_clusters/post/responses/200/content/application~1json/examples/example1/value")
        .unwrap()
        .clone();
    let page: skillbridge::techwolf::EmployeeSkillClustersPage = serde_json::from_value(example.clone()).unwrap();
    assert_eq!(serde_json::to_value(&page).unwrap(), example);
    let second = &page.records[1].skill_clusters[0];
    assert_eq!(
        second.validation_state, None,
        "the seed's second record has no cluster state"
    );
    assert_eq!(second.current_skills.as_ref().unwrap()[0].skill_sources, []);
}

/// One rule for TechWolf, whatever the body: a 500 is retried when it is the JSON error array and
/// when it is a proxy's HTML page alike (vendor identity is kept when the body is not TechWolf's).
#[tokio::test]
async fn a_500_is_retried_the_same_with_an_html_body_as_with_json() {
    for (content_type, body) in [
        (
            "application/json",
            r#"[{"title":"500 Internal Server Error","description":"boom"}]"#,
        ),
        (
            "text/html",
            "<html><body><h1>500 Internal Server Error</h1></body></html>",
        ),
    ] {
        let server = MockServer::start().await;
        Stub::given(method("POST"))
            .and(path("/export/employees/skill_clusters"))
            .respond_with(ResponseTemplate::new(500).set_body_raw(body, content_type))
            .up_to_n_times(1)
            .mount(&server)
            .await;
        Stub::given(method("POST"))
            .and(path("/export/employees/skill_clusters"))
            .respond_with(pages(vec![json!({"has_next": false, "records": [employee("e1")]})]))
            .mount(&server)
            .await;
        let techwolf = token_client(&server);
        let page = techwolf
            .employee_skill_clusters()
            .send()
            .await
            .unwrap_or_else(|e| panic!("{content_type}: {e}"));
        assert_eq!(page.records.len(), 1, "{content_type}");
        assert_eq!(techwolf.stats().retries, 1, "{content_type}: retried once");

        let never = TechWolf::builder()
            .base_url(server.uri())
            .access_token("t0ken")
            .retry_policy(RetryPolicy::never())
            .build()
            .unwrap();
        server.reset().await;
        Stub::given(method("POST"))
            .respond_with(ResponseTemplate::new(500).set_body_raw(body, content_type))
            .mount(&server)
            .await;
        let error = never.employee_skill_clusters().send().await.expect_err("500");
        assert!(error.is_retryable(), "{content_type}: {error}");
        assert_eq!(error.status().map(|s| s.as_u16()), Some(500));
    }
}

/// A token endpoint's OAuth `error` is the error's code; text that is no OAuth code (too long,
/// a line break) is not passed on as one.
#[tokio::test]
async fn a_token_endpoint_refusal_keeps_its_oauth_code() {
    let long = "x".repeat(65);
    for (error, expected) in [
        (json!("invalid_client"), Some("invalid_client")),
        (json!(long), None),
        (json!("two\nlines"), None),
        (json!(42), None),
    ] {
        let server = MockServer::start().await;
        Stub::given(method("POST"))
            .and(path("/oauth/token"))
            .respond_with(
                ResponseTemplate::new(401).set_body_json(json!({"error": error, "error_description": "refused"})),
            )
            .mount(&server)
            .await;
        let refused = credentials_client(&server, 1)
            .employee_skill_clusters()
            .send()
            .await
            .expect_err("refused");
        assert!(
            matches!(&refused, Error::Auth(auth) if auth.code() == expected),
            "{refused:?}"
        );
        assert_eq!(refused.code(), expected);
    }
}
