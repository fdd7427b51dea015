//! The builders' escape hatches against the embedded mock on 127.0.0.1: a caller's own
//! `reqwest::Client`, default headers (API requests only, never the token endpoint), and errors
//! that name their cause once.

use crate::common;

use std::error::Error as _;
use std::time::Duration;

use skillbridge::Error;
use skillbridge::kombo::Kombo;
use skillbridge_mock::{MockServer, Route};

use common::{kombo_on_mock, list_once, techwolf_on_mock};

async fn mock() -> MockServer {
    MockServer::builder()
        .seed(5)
        .staffing_entities(3)
        .employees(3)
        .start()
        .await
        .expect("mock server starts")
}

#[tokio::test]
async fn a_callers_own_client_is_used_with_its_own_settings() {
    let server = mock().await;
    let own = skillbridge::reqwest::Client::builder()
        .user_agent("acme-sync/2.1")
        .build()
        .expect("client");
    let kombo = kombo_on_mock(&server)
        .user_agent("ignored-because-the-client-is-given")
        .http_client(own)
        .build()
        .expect("configured");
    let page = list_once(&kombo, server.kombo().integration_id())
        .await
        .expect("listed through the caller's client");
    assert!(!page.results.is_empty());
    let log = server.request_log();
    let request = log.iter().find(|r| r.route == Some(Route::KOMBO_LIST)).expect("logged");
    assert_eq!(request.header("user-agent"), Some("acme-sync/2.1"));
    assert_eq!(
        request.header("authorization"),
        Some(format!("Bearer {}", skillbridge_mock::MASK).as_str()),
        "credentials still sent"
    );
}

#[tokio::test]
async fn default_headers_reach_api_requests_and_never_the_token_endpoint() {
    let server = mock().await;
    let techwolf = techwolf_on_mock(&server, server.techwolf().client_secret())
        .default_header("X-Gateway-Route", "skills-eu")
        .default_header("x-request-source", "nightly")
        .build()
        .expect("configured");
    techwolf
        .employee_skill_clusters()
        .limit(2)
        .send()
        .await
        .expect("exported");
    let log = server.request_log();
    let export = log
        .iter()
        .find(|r| r.route == Some(Route::TECHWOLF_EXPORT))
        .expect("export logged");
    assert_eq!(export.header("x-gateway-route"), Some("skills-eu"));
    assert_eq!(export.header("x-request-source"), Some("nightly"));
    let token = log
        .iter()
        .find(|r| r.route == Some(Route::TECHWOLF_TOKEN))
        .expect("token logged");
    assert_eq!(token.header("x-gateway-route"), None, "{:?}", token.headers);

    let kombo = kombo_on_mock(&server)
        .default_header("X-Gateway-Route", "skills-eu")
        .build()
        .expect("configured");
    server.clear_request_log();
    list_once(&kombo, server.kombo().integration_id())
        .await
        .expect("listed");
    let log = server.request_log();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].header("x-gateway-route"), Some("skills-eu"));
}

#[test]
fn default_headers_are_checked_and_their_values_stay_secret() {
    let base = || Kombo::builder().api_key("k").base_url("http://127.0.0.1:9");
    for (name, value, expected) in [
        ("Authorization", "Bearer other", "set by the client itself"),
        ("content-type", "text/plain", "set by the client itself"),
        ("bad header", "v", "not a valid header name"),
        ("x-ok", "line\nbreak-SECRETVALUE", "characters not allowed"),
    ] {
        match base().default_header(name, value).build() {
            Err(Error::Config(reason)) => {
                assert!(reason.contains(expected), "{name}: {reason}");
                assert!(
                    !reason.contains("SECRETVALUE") && !reason.contains("Bearer other"),
                    "{reason}"
                );
            }
            other => panic!("{name}: expected a Config error, got {other:?}"),
        }
    }
    let builder = base().default_header("x-proxy-token", "SECRETVALUE");
    assert!(!format!("{builder:?}").contains("SECRETVALUE"));
    let client = builder.build().expect("a valid header");
    let shown = format!("{client:?}");
    assert!(!shown.contains("SECRETVALUE"), "{shown}");
    // What it does show: where it sends, that a key is set, and its retries.
    assert!(shown.starts_with("Kombo { base_url: "), "{shown}");
    assert!(shown.contains("127.0.0.1:9"), "{shown}");
    assert!(shown.contains(r#"api_key: "<redacted>""#), "{shown}");
    assert!(shown.contains("retry: "), "{shown}");
}

#[tokio::test]
async fn a_transport_error_names_its_cause_once() {
    // A port that was just free: nothing listens there.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("addr").port()
    };
    let kombo = Kombo::builder()
        .api_key("k")
        .base_url(format!("http://127.0.0.1:{port}/v1"))
        .retry_policy(skillbridge::retry::RetryPolicy::never())
        .connect_timeout(Duration::from_secs(5))
        .build()
        .expect("configured");
    let error = list_once(&kombo, "workday:abc").await.expect_err("nothing listens");
    assert!(matches!(error, Error::Transport { connect: true, .. }), "{error:?}");
    assert_eq!(error.to_string(), "get_hris_staffing_entity_skills: could not connect");
    // The cause is in the source chain, and no message repeats along it (as `anyhow`'s `{:#}` prints it).
    let mut chain = vec![error.to_string()];
    let mut source = error.source();
    while let Some(cause) = source {
        chain.push(cause.to_string());
        source = cause.source();
    }
    assert!(chain.len() >= 2, "{chain:?}");
    for (i, outer) in chain.iter().enumerate() {
        for inner in &chain[i + 1..] {
            assert!(!outer.contains(inner.as_str()), "{outer:?} repeats {inner:?}");
        }
    }
    // The one-line report a log wants: the whole chain, in order, without walking it by hand.
    assert_eq!(error.report().to_string(), chain.join(": "));
}
