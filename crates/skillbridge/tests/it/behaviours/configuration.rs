//! Configuration: the user agent, the connect timeout.

use std::sync::Arc;
use std::time::Duration;

use serde_json::json;
use skillbridge::Error;
use skillbridge::config::DEFAULT_USER_AGENT;
use skillbridge::kombo::Kombo;
use skillbridge::retry::RetryPolicy;
use skillbridge::techwolf::TechWolf;
use wiremock::matchers::{header, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::{EXPORT, KEY, RecordingSleeper, empty_page, hris, kombo_client};

/// Mounts `response` for exactly one request to `to` with this user agent.
async fn expect_once_from(server: &MockServer, user_agent: &str, to: &str, response: ResponseTemplate) {
    Mock::given(header("user-agent", user_agent))
        .and(path(to))
        .respond_with(response)
        .expect(1)
        .mount(server)
        .await;
}

#[tokio::test]
async fn the_user_agent_is_sent_default_or_custom() {
    assert_eq!(DEFAULT_USER_AGENT, concat!("skillbridge/", env!("CARGO_PKG_VERSION")));
    let server = MockServer::start().await;
    let list = "/hris/staffing-entity-skills";
    expect_once_from(&server, DEFAULT_USER_AGENT, list, empty_page()).await;
    expect_once_from(&server, "acme-sync/2.1", list, empty_page()).await;
    expect_once_from(
        &server,
        "acme-sync/2.1",
        EXPORT,
        ResponseTemplate::new(200).set_body_json(json!({"has_next": false, "records": []})),
    )
    .await;
    let sleeper = Arc::new(RecordingSleeper::default());
    hris(&kombo_client(&server, &sleeper, RetryPolicy::never()))
        .staffing_entity_skills()
        .send()
        .await
        .expect("default user agent");
    let custom = Kombo::builder()
        .api_key(KEY)
        .base_url(server.uri())
        .user_agent("acme-sync/2.1")
        .retry_policy(RetryPolicy::never())
        .build()
        .expect("valid");
    hris(&custom)
        .staffing_entity_skills()
        .send()
        .await
        .expect("custom user agent");
    let techwolf = TechWolf::builder()
        .base_url(server.uri())
        .access_token("t")
        .user_agent("acme-sync/2.1")
        .retry_policy(RetryPolicy::never())
        .build()
        .expect("valid");
    techwolf
        .employee_skill_clusters()
        .send()
        .await
        .expect("custom user agent");
    server.verify().await;
}

#[tokio::test(start_paused = true)]
async fn connect_timeout_bounds_a_connection_nobody_answers() {
    // A listener with a backlog of one that never accepts: once one connection fills the queue,
    // the kernel drops further connection attempts, so connecting hangs.
    let socket = tokio::net::TcpSocket::new_v4().expect("socket");
    socket.bind("127.0.0.1:0".parse().expect("address")).expect("bind");
    let listener = socket.listen(0).expect("listen");
    let address = listener.local_addr().expect("address");
    let _queued = tokio::net::TcpStream::connect(address).await.expect("first connection");
    let client = Kombo::builder()
        .api_key(KEY)
        .base_url(format!("http://{address}"))
        .connect_timeout(Duration::from_millis(200))
        .timeout(Duration::from_secs(3_600))
        .retry_policy(RetryPolicy::never())
        .build()
        .expect("valid");
    // Virtual time (the runtime starts paused and jumps to the next timer whenever it is idle):
    // with the connect timeout the attempt ends 200 ms in; without it, only the one-hour request
    // timeout would end it. No wall clock is read, and the test takes no time either way.
    let started = tokio::time::Instant::now();
    let result = hris(&client).staffing_entity_skills().send().await;
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(200) && waited < Duration::from_secs(60),
        "ended after {waited:?} of virtual time: connect_timeout was not applied"
    );
    let error = result.expect_err("no connection");
    assert!(matches!(error, Error::Timeout { .. }), "{error:?}");
    assert!(error.is_retryable());
    drop(listener);
}
