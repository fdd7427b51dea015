//! The token endpoint's answers: token types, a missing lifetime, an echoed secret.

use std::sync::Arc;
use std::time::Duration;

use serde_json::json;
use skillbridge::Error;
use skillbridge::retry::{RetryPolicy, Sleeper};
use skillbridge::techwolf::TechWolf;
use wiremock::MockServer;

use crate::common::{EXPORT, RecordingSleeper, SECRET, TOKEN_PATH, mount_token_and_export, requests_to};

fn techwolf_with_token_endpoint(server: &MockServer, sleeper: &Arc<RecordingSleeper>) -> TechWolf {
    TechWolf::builder()
        .base_url(server.uri())
        .token_url(format!("{}{TOKEN_PATH}", server.uri()))
        .tenant("acme")
        .client_credentials("client", SECRET)
        .retry_policy(RetryPolicy::never())
        .sleeper(Arc::clone(sleeper) as Arc<dyn Sleeper>)
        .build()
        .expect("valid configuration")
}

/// Mounts a token endpoint answering 200 with `token` and an export answering one empty page.
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
    assert_eq!(requests_to(&server, TOKEN_PATH).await, 2);
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

    let techwolf = crate::common::techwolf_on_mock(&server, SECRET)
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
