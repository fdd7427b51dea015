//! Error texts and what is retried.

use std::sync::Arc;

use skillbridge::Error;
use skillbridge::retry::RetryPolicy;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::{RecordingSleeper, hris, kombo_client};

#[tokio::test]
async fn error_bodies_are_cut_at_512_bytes_and_an_empty_one_says_so() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(503).set_body_raw("x".repeat(2_000), "text/html"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    let sleeper = Arc::new(RecordingSleeper::default());
    let client = kombo_client(&server, &sleeper, RetryPolicy::never());
    let error = hris(&client).staffing_entity_skills().send().await.expect_err("503");
    match error.api().and_then(|api| api.body_start()) {
        Some(body_start) => assert_eq!(body_start.len(), 512),
        other => panic!("expected an unstructured body, got {other:?}"),
    }
    assert!(error.to_string().len() < 600, "{error}");
    assert!(
        error
            .to_string()
            .starts_with("get_hris_staffing_entity_skills: HTTP 503 (undecoded body: \"xxx"),
        "{error}"
    );

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
    let client = kombo_client(&server, &sleeper, RetryPolicy::default());
    let error = hris(&client).staffing_entity_skills().send().await.expect_err("loop");
    match &error {
        Error::Transport { source, .. } => assert!(source.is_redirect(), "{error:?}"),
        other => panic!("expected a transport error, got {other:?}"),
    }
    assert!(!error.is_retryable());
    assert!(sleeper.waits().is_empty());
    assert_eq!(client.stats().requests, 1);
}
