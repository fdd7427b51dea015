//! Each HTTP attempt gets a `skillbridge.request` span with the documented fields, and no secret.

use crate::common;

use std::sync::{Arc, PoisonError};
use std::time::Duration;

use skillbridge::retry::{BoxFuture, RetryPolicy, Sleeper};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer};

use common::recorder::{Fields, Recorder};
use common::{kombo_builder, list_once};

#[derive(Debug)]
struct NoSleep;

impl Sleeper for NoSleep {
    fn sleep(&self, _: Duration) -> BoxFuture<'static, ()> {
        Box::pin(async {})
    }
}

#[tokio::test]
async fn one_span_per_attempt_with_status_and_no_secret() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(common::kombo_error_body(
            429,
            Some("PLATFORM.RATE_LIMIT_EXCEEDED"),
            None,
            "slow down",
            None,
        ))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(common::empty_page())
        .mount(&server)
        .await;

    let recorder = Recorder::default();
    let _guard = tracing::subscriber::set_default(recorder.clone());
    let kombo = kombo_builder(server.uri(), RetryPolicy::default(), Arc::new(NoSleep))
        .build()
        .expect("valid");
    list_once(&kombo, "sandbox:7C9M5sXAQx2cNMpVHLojrFpL")
        .await
        .expect("retried to success");

    let spans = recorder.spans.lock().unwrap_or_else(PoisonError::into_inner).clone();
    let requests: Vec<&Fields> = spans
        .iter()
        .filter(|(name, _)| name == "skillbridge.request")
        .map(|(_, fields)| fields)
        .collect();
    assert_eq!(requests.len(), 2, "{spans:?}");
    for (n, (fields, status)) in requests.iter().zip(["429", "200"]).enumerate() {
        assert_eq!(fields.get("vendor").map(String::as_str), Some("kombo"));
        assert_eq!(
            fields.get("operation").map(String::as_str),
            Some("get_hris_staffing_entity_skills")
        );
        assert_eq!(
            fields.get("integration_id").map(String::as_str),
            Some("sandbox:7C9M5sXAQx2cNMpVHLojrFpL")
        );
        assert_eq!(fields.get("attempt"), Some(&(n + 1).to_string()));
        assert_eq!(fields.get("status").map(String::as_str), Some(status));
        assert!(fields.contains_key("duration_ms"), "{fields:?}");
    }
    let events = recorder.events.lock().unwrap_or_else(PoisonError::into_inner).clone();
    assert!(
        events
            .iter()
            .any(|e| e.get("message").is_some_and(|m| m.contains("retrying"))),
        "{events:?}"
    );
    let everything = format!("{spans:?}{events:?}");
    assert!(!everything.contains("SUPERSECRET"), "a secret reached tracing");
}

/// The `skillbridge.request` spans recorded so far.
fn request_spans(recorder: &Recorder) -> Vec<Fields> {
    recorder
        .spans
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .iter()
        .filter(|(name, _)| name == "skillbridge.request")
        .map(|(_, fields)| fields.clone())
        .collect()
}

#[tokio::test]
async fn techwolf_attempts_get_spans_too_without_the_secret_or_the_token() {
    let server = skillbridge_mock::MockServer::builder()
        .employees(3)
        .start()
        .await
        .expect("mock starts");
    let recorder = Recorder::default();
    let _guard = tracing::subscriber::set_default(recorder.clone());
    let techwolf = common::techwolf_on_mock(&server, server.techwolf().client_secret())
        .retry_policy(RetryPolicy::default())
        .sleeper(Arc::new(NoSleep))
        .build()
        .expect("valid");
    techwolf.employee_skill_clusters().send().await.expect("first page");
    // A revoked token: the 401 attempt, then the retry with a fresh token.
    server.techwolf().revoke_tokens();
    techwolf
        .employee_skill_clusters()
        .send()
        .await
        .expect("after a refresh");

    let spans = request_spans(&recorder);
    assert_eq!(spans.len(), 3, "{spans:?}");
    for (fields, (attempt, status)) in spans.iter().zip([("1", "200"), ("1", "401"), ("2", "200")]) {
        assert_eq!(fields.get("vendor").map(String::as_str), Some("techwolf"));
        assert_eq!(
            fields.get("operation").map(String::as_str),
            Some("export_employee_skill_clusters")
        );
        assert_eq!(fields.get("integration_id").map(String::as_str), Some(""));
        assert_eq!(fields.get("attempt").map(String::as_str), Some(attempt));
        assert_eq!(fields.get("status").map(String::as_str), Some(status), "{fields:?}");
        assert!(fields.contains_key("duration_ms"), "{fields:?}");
    }
    let events = recorder.events.lock().unwrap_or_else(PoisonError::into_inner).clone();
    let everything = format!(
        "{:?}{events:?}",
        recorder.spans.lock().unwrap_or_else(PoisonError::into_inner)
    );
    assert!(
        !everything.contains(server.techwolf().client_secret()),
        "the client secret reached tracing"
    );
    assert!(!everything.contains("twm_"), "an access token reached tracing");
}

#[tokio::test]
async fn an_attempt_without_a_response_records_status_zero() {
    // Nothing listens on the port any more: the connection is refused.
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("address").port()
    };
    let recorder = Recorder::default();
    let _guard = tracing::subscriber::set_default(recorder.clone());
    let policy = RetryPolicy::default().max_attempts(2);
    let kombo = kombo_builder(format!("http://127.0.0.1:{closed}"), policy, Arc::new(NoSleep))
        .build()
        .expect("valid");
    let error = list_once(&kombo, "sandbox:7C9M5sXAQx2cNMpVHLojrFpL")
        .await
        .expect_err("refused");
    assert!(
        matches!(error, skillbridge::Error::Transport { connect: true, .. }),
        "{error:?}"
    );
    let spans = request_spans(&recorder);
    assert_eq!(spans.len(), 2, "a connection failure is retried: {spans:?}");
    for (n, fields) in spans.iter().enumerate() {
        assert_eq!(fields.get("status").map(String::as_str), Some("0"), "{fields:?}");
        assert_eq!(fields.get("attempt"), Some(&(n + 1).to_string()));
    }
}
