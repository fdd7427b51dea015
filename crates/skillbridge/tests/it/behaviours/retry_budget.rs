//! Retry: the budget, the caps, the setters.

use std::sync::Arc;

use skillbridge::kombo::{ErrorCode, KomboErrorExt};
use skillbridge::retry::RetryPolicy;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer};

use crate::common::{RecordingSleeper, answering, empty_page, hris, kombo_client, kombo_error_code, received, secs};

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
    let server = answering(kombo_error_code(503, "REMOTE.SERVICE_UNAVAILABLE")).await;
    // 1 + 2 + 4 = 7 s spent; waiting 8 more would end at 15 s, past the 10 s budget.
    let sleeper = Arc::new(RecordingSleeper::default());
    let client = kombo_client(&server, &sleeper, doubling().max_elapsed(secs(10)));
    let error = hris(&client).staffing_entity_skills().send().await.expect_err("down");
    assert_eq!(error.kombo_code(), Some(&ErrorCode::RemoteServiceUnavailable));
    assert_eq!(sleeper.waits(), [secs(1), secs(2), secs(4)]);
    assert_eq!(received(&server).await, 4);
    assert_eq!(client.stats().requests, 4);

    // A wait that ends exactly at the budget is still taken.
    let sleeper = Arc::new(RecordingSleeper::default());
    let client = kombo_client(&server, &sleeper, doubling().max_elapsed(secs(15)));
    hris(&client).staffing_entity_skills().send().await.expect_err("down");
    assert_eq!(sleeper.waits(), [secs(1), secs(2), secs(4), secs(8)]);
}

#[tokio::test]
async fn a_retry_after_longer_than_the_cap_is_honoured_but_not_past_the_budget() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(kombo_error_code(429, "PLATFORM.RATE_LIMIT_EXCEEDED").insert_header("Retry-After", "45"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(any()).respond_with(empty_page()).mount(&server).await;
    // The cap bounds computed backoff only: the server's 45 s beats a 2 s cap.
    let sleeper = Arc::new(RecordingSleeper::default());
    let client = kombo_client(&server, &sleeper, doubling().max_delay(secs(2)).max_elapsed(secs(60)));
    hris(&client).staffing_entity_skills().send().await.expect("retried");
    assert_eq!(sleeper.waits(), [secs(45)]);

    // Longer than the budget: give up at once, and say how long the server wanted.
    server.reset().await;
    Mock::given(any())
        .respond_with(kombo_error_code(429, "PLATFORM.RATE_LIMIT_EXCEEDED").insert_header("Retry-After", "61"))
        .mount(&server)
        .await;
    let sleeper = Arc::new(RecordingSleeper::default());
    let client = kombo_client(&server, &sleeper, doubling().max_elapsed(secs(60)));
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
    let server = answering(kombo_error_code(503, "REMOTE.SERVICE_UNAVAILABLE")).await;
    // max_attempts(0) still makes the one attempt.
    let sleeper = Arc::new(RecordingSleeper::default());
    let client = kombo_client(&server, &sleeper, RetryPolicy::default().max_attempts(0));
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
    let client = kombo_client(&server, &sleeper, policy);
    hris(&client).staffing_entity_skills().send().await.expect_err("down");
    let waits = sleeper.waits();
    assert_eq!(waits.len(), 39);
    assert!(waits.iter().all(|w| *w <= secs(2)), "{waits:?}");
    assert!(waits.iter().any(|w| *w != secs(1)), "jitter applied: {waits:?}");

    // A negative jitter is none: every wait is exactly the backoff.
    let sleeper = Arc::new(RecordingSleeper::default());
    let client = kombo_client(&server, &sleeper, doubling().max_attempts(4).jitter(-1.0));
    hris(&client).staffing_entity_skills().send().await.expect_err("down");
    assert_eq!(sleeper.waits(), [secs(1), secs(2), secs(4)]);
}

#[tokio::test]
async fn two_clients_do_not_retry_in_lockstep() {
    // Each client seeds its jitter on its own: a fleet that failed together spreads its retries
    // instead of hitting a recovering server at the same instants.
    let server = answering(kombo_error_code(503, "REMOTE.SERVICE_UNAVAILABLE")).await;
    let policy = doubling().max_attempts(5).jitter(0.5);
    let mut waits = Vec::new();
    for _ in 0..2 {
        let sleeper = Arc::new(RecordingSleeper::default());
        let client = kombo_client(&server, &sleeper, policy.clone());
        hris(&client).staffing_entity_skills().send().await.expect_err("down");
        assert_eq!(sleeper.waits().len(), 4);
        waits.push(sleeper.waits());
    }
    assert_ne!(waits[0], waits[1], "both clients waited exactly the same");
}
