//! Fault injection, latency and the request log, over real HTTP.

use crate::common;

use std::time::{Duration, Instant};

use common::Ctx;
use serde_json::json;
use skillbridge_mock::{Direction, Fault, MockServer, Route};

fn small() -> skillbridge_mock::MockServerBuilder {
    MockServer::builder().seed(3).staffing_entities(30).employees(20)
}

#[tokio::test]
async fn rate_limit_first_n_then_recovers() {
    let fault = Fault::RateLimit {
        limit: 50,
        reset: Duration::from_millis(1500),
        retry_after: Some(Duration::from_secs(1)),
    };
    let ctx = Ctx::start(small().fault(Route::KOMBO_LIST, fault.first(2))).await;
    for _ in 0..2 {
        let r = ctx.list(&[]).await;
        assert_eq!(r.status, 429);
        assert_eq!(r.code(), "PLATFORM.RATE_LIMIT_EXCEEDED");
        assert_eq!(r.json()["error"]["title"], "You have exceeded the rate limit.");
        assert_eq!(r.header("ratelimit-limit"), Some("50"));
        assert_eq!(r.header("ratelimit-remaining"), Some("0"));
        assert_eq!(r.header("ratelimit-reset"), Some("2"), "rounded up to whole seconds");
        assert_eq!(r.header("retry-after"), Some("1"));
    }
    assert_eq!(ctx.list(&[]).await.status, 200);
    assert_eq!(
        ctx.server.request_count(Route::KOMBO_LIST),
        3,
        "faulted requests count too"
    );
    // Other routes are unaffected.
    assert!(!ctx.token().await.is_empty());
    ctx.assert_no_violations();
}

#[tokio::test]
async fn every_nth_and_runtime_changes() {
    let ctx = Ctx::start(small()).await;
    ctx.server
        .set_faults(Route::KOMBO_LIST, [Fault::ServiceUnavailable.every(3)]);
    let mut statuses = Vec::new();
    for _ in 0..6 {
        statuses.push(ctx.list(&[]).await.status);
    }
    assert_eq!(statuses, [200, 200, 503, 200, 200, 503]);
    ctx.server.clear_faults();
    assert_eq!(ctx.list(&[]).await.status, 200);
    ctx.server.add_fault(Route::KOMBO_LIST, Fault::rate_limit());
    assert_eq!(ctx.list(&[]).await.status, 429);
    ctx.server.set_faults(Route::KOMBO_LIST, Vec::<Fault>::new());
    assert_eq!(ctx.list(&[]).await.status, 200);
    ctx.assert_no_violations();
}

#[tokio::test]
async fn service_unavailable_is_html() {
    let ctx = Ctx::start(small().fault(Route::TECHWOLF_EXPORT, Fault::ServiceUnavailable)).await;
    let token = ctx.token().await;
    let r = ctx.export(&token, &json!({"limit": 1})).await;
    assert_eq!(r.status, 503);
    assert!(r.header("content-type").is_some_and(|c| c.starts_with("text/html")));
    assert!(serde_json::from_str::<serde_json::Value>(&r.text).is_err());
    assert!(r.text.contains("503"));
    ctx.assert_no_violations();
}

#[tokio::test]
async fn errors_take_the_vendor_shape_of_the_route() {
    let err = Fault::Error {
        status: 503,
        code: Some("REMOTE.SERVICE_UNAVAILABLE".to_owned()),
        message: "The remote system is down.".to_owned(),
    };
    let ctx = Ctx::start(
        small()
            .fault(Route::KOMBO_UPSERT, err.clone())
            .fault(Route::TECHWOLF_EXPORT, err.clone())
            .fault(Route::TECHWOLF_TOKEN, Fault::rate_limit().first(1)),
    )
    .await;
    let r = ctx.upsert(&json!({})).await;
    assert_eq!((r.status, r.code()), (503, json!("REMOTE.SERVICE_UNAVAILABLE")));
    assert_eq!(r.json()["error"]["message"], "The remote system is down.");

    let limited = ctx.token_request(&ctx.token_body()).await;
    assert_eq!(limited.status, 429);
    assert_eq!(limited.json()["error"], "too_many_requests");
    let token = ctx.token().await;
    let r = ctx.export(&token, &json!({"limit": 1})).await;
    assert_eq!(r.status, 503);
    assert_eq!(r.json()[0]["title"], "503 Service Unavailable");
    assert_eq!(r.json()[0]["description"], "The remote system is down.");
    ctx.assert_no_violations();

    // `code: null` is valid (Kombo documents it; the overlay patches the enum)...
    ctx.server.set_faults(
        Route::KOMBO_LIST,
        [Fault::Error {
            status: 500,
            code: None,
            message: "x".to_owned(),
        }],
    );
    let r = ctx.list(&[]).await;
    assert!(r.json()["error"]["code"].is_null());
    ctx.assert_no_violations();
    // ...but a code outside the spec's enum is caught by the response check.
    ctx.server.set_faults(
        Route::KOMBO_LIST,
        [Fault::Error {
            status: 500,
            code: Some("MOCK.NOT_IN_SPEC".to_owned()),
            message: "x".to_owned(),
        }],
    );
    assert_eq!(ctx.list(&[]).await.status, 500);
    let v = ctx.server.contract_violations();
    assert_eq!(v.len(), 1, "{v:#?}");
    assert_eq!(
        (v[0].route, v[0].direction, v[0].status),
        (Route::KOMBO_LIST, Direction::Response, 500)
    );
    ctx.server.clear_contract_violations();
    assert!(ctx.server.contract_violations().is_empty());
}

#[tokio::test]
async fn delay_and_latency_add_time() {
    let ctx = Ctx::start(small().latency(Route::KOMBO_LIST, Duration::from_millis(150))).await;
    let t = Instant::now();
    assert_eq!(ctx.list(&[]).await.status, 200);
    assert!(t.elapsed() >= Duration::from_millis(150));
    ctx.server.set_latency(Route::KOMBO_LIST, Duration::ZERO);
    ctx.server
        .add_fault(Route::KOMBO_LIST, Fault::Delay(Duration::from_millis(200)).first(1));
    let t = Instant::now();
    assert_eq!(ctx.list(&[]).await.status, 200, "a delay still answers normally");
    assert!(t.elapsed() >= Duration::from_millis(200));
    // The delay applied to the first request only (checked in the log, not with a clock).
    ctx.list(&[]).await;
    let log = ctx.server.request_log();
    let last = log.last().expect("logged");
    assert!(last.fault.is_none(), "{last:?}");
    ctx.assert_no_violations();
}

#[tokio::test]
async fn latency_all_slows_every_route() {
    let latency = Duration::from_millis(120);
    let ctx = Ctx::start(small().latency_all(latency)).await;
    let t = Instant::now();
    let token = ctx.token().await;
    assert!(t.elapsed() >= latency, "token endpoint");
    let t = Instant::now();
    assert_eq!(ctx.export(&token, &json!({"limit": 1})).await.status, 200);
    assert!(t.elapsed() >= latency, "TechWolf export");
    let t = Instant::now();
    assert_eq!(ctx.list(&[]).await.status, 200);
    assert!(t.elapsed() >= latency, "Kombo list");
    let t = Instant::now();
    assert_eq!(ctx.skills(&[]).await.status, 200);
    assert!(t.elapsed() >= latency, "Kombo skills");
    let t = Instant::now();
    let unknown_entity = json!({"staffing_entity_id": "26vafvWSRmbhNcxJYqjCzuJg", "skill_id": "x"});
    assert_eq!(ctx.upsert(&unknown_entity).await.status, 404);
    assert!(t.elapsed() >= latency, "Kombo upsert");
    ctx.assert_no_violations();
}

#[tokio::test]
async fn a_request_the_client_abandons_is_still_logged() {
    let ctx = Ctx::start(small()).await;
    ctx.server.clear_request_log();
    let logged = ctx.server.logged_count();
    ctx.server.hold(Route::KOMBO_LIST);
    let request = ctx
        .http
        .get(ctx.kombo_url())
        .bearer_auth(ctx.server.kombo().api_key())
        .header("X-Integration-Id", ctx.server.kombo().integration_id())
        .send();
    let abandoned = tokio::spawn(request);
    // The request is inside the server's handler; the client gives up (its connection closes).
    ctx.wait_held(Route::KOMBO_LIST, 1).await;
    abandoned.abort();
    assert!(abandoned.await.is_err_and(|e| e.is_cancelled()));
    // The server notices the hang-up, drops the handler and logs the request without a status.
    ctx.server.wait_logged(logged + 1).await;
    let log = ctx.server.request_log();
    assert_eq!(log.len(), 1, "{log:#?}");
    assert_eq!(log[0].status, None);
    assert_eq!(ctx.server.held(Route::KOMBO_LIST), 0);
    ctx.server.release(Route::KOMBO_LIST);
    assert_eq!(ctx.list(&[]).await.status, 200, "released: requests pass again");
}

#[tokio::test]
async fn truncated_and_malformed_bodies() {
    let ctx = Ctx::start(small()).await;
    let good = ctx.list(&[("page_size", "20")]).await;
    ctx.server.set_faults(
        Route::KOMBO_LIST,
        [Fault::TruncatedJson.first(1), Fault::MalformedJson.first(1)],
    );
    let truncated = ctx.list(&[("page_size", "20")]).await;
    assert_eq!(truncated.status, 200);
    assert!(serde_json::from_str::<serde_json::Value>(&truncated.text).is_err());
    assert!(good.text.starts_with(&truncated.text));
    assert_eq!(truncated.text.len(), good.text.len() / 2, "the first half");
    let malformed = ctx.list(&[("page_size", "20")]).await;
    assert_eq!(malformed.status, 200);
    assert!(serde_json::from_str::<serde_json::Value>(&malformed.text).is_err());
    assert_eq!(ctx.list(&[("page_size", "20")]).await.text, good.text);
    ctx.assert_no_violations();
}

#[tokio::test]
async fn dropped_connections_send_nothing() {
    let ctx = Ctx::start(small().fault(Route::KOMBO_LIST, Fault::DropConnection.first(1))).await;
    let err = ctx
        .http
        .get(ctx.kombo_url())
        .bearer_auth(ctx.server.kombo().api_key())
        .header("X-Integration-Id", ctx.server.kombo().integration_id())
        .send()
        .await
        .expect_err("the connection is closed without a response");
    assert!(!err.is_timeout() && err.status().is_none(), "{err:?}");
    assert_eq!(ctx.list(&[]).await.status, 200, "the next request is served");
    let log = ctx.server.request_log();
    assert_eq!(log[0].status, None);
    assert!(log[0].fault.as_deref().is_some_and(|f| f.contains("DropConnection")));
    assert_eq!(log[1].status, Some(200));
}

#[tokio::test]
async fn expire_tokens_fault_revokes_live_tokens() {
    let ctx = Ctx::start(small()).await;
    let token = ctx.token().await;
    assert_eq!(ctx.export(&token, &json!({"limit": 1})).await.status, 200);
    ctx.server
        .add_fault(Route::TECHWOLF_EXPORT, Fault::ExpireTokens.first(1));
    let r = ctx.export(&token, &json!({"limit": 1})).await;
    assert_eq!(r.status, 401, "the token was revoked before this request was handled");
    let fresh = ctx.token().await;
    assert_ne!(fresh, token);
    assert_eq!(ctx.export(&fresh, &json!({"limit": 1})).await.status, 200);
    ctx.assert_no_violations();
}

#[tokio::test]
async fn probabilistic_faults_are_seeded() {
    let rule = Fault::ServiceUnavailable.with_probability(0.4);
    let a = Ctx::start(small().fault(Route::KOMBO_LIST, rule.clone())).await;
    let b = Ctx::start(small().fault(Route::KOMBO_LIST, rule.clone())).await;
    let mut sa = Vec::new();
    let mut sb = Vec::new();
    for _ in 0..30 {
        sa.push(a.list(&[]).await.status);
        sb.push(b.list(&[]).await.status);
    }
    assert_eq!(sa, sb);
    let failed = sa.iter().filter(|s| **s == 503).count();
    assert!((3..27).contains(&failed), "{failed} of 30 failed at p=0.4");
}

#[tokio::test]
async fn request_log_masks_secrets_and_is_bounded() {
    let ctx = Ctx::start(small().request_log_capacity(4)).await;
    ctx.list(&[("page_size", "5"), ("skill_ids", "a,b")]).await;
    let log = ctx.server.request_log();
    let entry = &log[0];
    assert_eq!(entry.route, Some(Route::KOMBO_LIST));
    assert_eq!(entry.method, "GET");
    assert_eq!(entry.path, "/kombo/v1/hris/staffing-entity-skills");
    assert_eq!(entry.query_param("skill_ids").as_deref(), Some("a,b"));
    assert_eq!(entry.header("authorization"), Some("Bearer ***"));
    assert_eq!(
        entry.header("x-integration-id"),
        Some(ctx.server.kombo().integration_id())
    );
    assert_eq!(entry.status, Some(200));

    let token = ctx.token().await;
    ctx.export(&token, &json!({"limit": 2})).await;
    let log = ctx.server.request_log();
    let token_entry = log
        .iter()
        .find(|e| e.route == Some(Route::TECHWOLF_TOKEN))
        .expect("token request logged");
    assert_eq!(token_entry.json().expect("json")["client_secret"], "***");
    assert_eq!(
        token_entry.json().expect("json")["client_id"],
        ctx.server.techwolf().client_id()
    );
    let export_entry = log
        .iter()
        .find(|e| e.route == Some(Route::TECHWOLF_EXPORT))
        .expect("export logged");
    assert!(!format!("{export_entry:?}").contains(&token));
    assert_eq!(export_entry.json().expect("json")["limit"], 2);

    for _ in 0..10 {
        ctx.list(&[]).await;
    }
    assert_eq!(ctx.server.request_log().len(), 4);
    ctx.server.clear_request_log();
    assert!(ctx.server.request_log().is_empty());
    assert!(!format!("{:?}", ctx.server).contains(ctx.server.techwolf().client_secret()));
}

#[tokio::test]
async fn shutdown_closes_the_listener_and_every_connection() {
    let ctx = Ctx::start(small()).await;
    assert_eq!(ctx.list(&[]).await.status, 200);
    let url = ctx.kombo_url();
    let Ctx { server, http } = ctx;
    // Returns once the listener and every connection are closed.
    server.shutdown().await;
    let fresh = common::client();
    assert!(fresh.get(&url).send().await.is_err(), "nothing listens any more");
    assert!(http.get(&url).send().await.is_err(), "pooled connections were closed");
}

#[tokio::test]
async fn incomplete_bodies_fail_while_reading() {
    let ctx = Ctx::start(small()).await;
    let token = ctx.token().await;
    ctx.server
        .add_fault(Route::TECHWOLF_EXPORT, Fault::IncompleteBody.first(1));
    let mut r = ctx
        .http
        .post(ctx.export_url())
        .bearer_auth(&token)
        .json(&json!({"limit": 20}))
        .send()
        .await
        .expect("the status line and headers arrive");
    assert_eq!(r.status().as_u16(), 200);
    let promised = r.content_length().expect("content-length");
    assert!(promised > 100);
    // The first half arrives, then the connection breaks.
    let mut received = 0;
    let err = loop {
        match r.chunk().await {
            Ok(Some(chunk)) => received += chunk.len() as u64,
            Ok(None) => panic!("the whole body arrived ({received} bytes)"),
            Err(err) => break err,
        }
    };
    assert!(err.is_body() || err.is_decode(), "{err:?}");
    assert_eq!(received, promised / 2, "cut half-way");
    assert_eq!(
        ctx.export(&token, &json!({"limit": 20})).await.status,
        200,
        "the next request is served"
    );
    ctx.assert_no_violations();
}
