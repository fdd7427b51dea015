//! The server handle a test holds: what it reports (seed, routes, answered requests, `Debug`), the
//! Kombo credentials it was told to accept, latency set while it runs, and that shutting it down
//! or dropping it closes its port.

use std::net::TcpStream;
use std::time::{Duration, Instant};

use skillbridge_mock::{ContractSchemas, MockServer, Route};

use crate::common::{Ctx, HOLD_GUARD};

#[tokio::test]
async fn the_handle_reports_its_seed_routes_and_answered_requests() {
    let ctx = Ctx::start(MockServer::builder().seed(42)).await;
    let server = &ctx.server;
    assert_eq!(server.seed(), 42);
    assert_eq!(
        server.routes(),
        [
            Route::KOMBO_LIST,
            Route::KOMBO_UPSERT,
            Route::KOMBO_SKILLS,
            Route::TECHWOLF_TOKEN,
            Route::TECHWOLF_EXPORT
        ]
    );
    assert_eq!(server.logged_count(), 0);
    for _ in 0..3 {
        assert_eq!(ctx.list(&[]).await.status, 200);
    }
    tokio::time::timeout(HOLD_GUARD, server.wait_logged(3))
        .await
        .expect("three answered requests are counted");
    assert_eq!(server.logged_count(), 3);
    let shown = format!("{server:?}");
    assert!(
        shown.starts_with("MockServer {") && shown.contains(&server.addr().to_string()) && shown.contains("seed: 42"),
        "{shown}"
    );
    // The compiled contract schemas print their name, not the validators.
    let schemas = ContractSchemas::builtin().expect("the built-in schemas compile");
    assert_eq!(format!("{schemas:?}"), "ContractSchemas { .. }");
}

#[tokio::test]
async fn the_configured_kombo_key_and_integration_are_the_ones_served() {
    let ctx = Ctx::start(
        MockServer::builder()
            .kombo_api_key("sk_chosen")
            .integration_id("sandbox:chosen"),
    )
    .await;
    let kombo = ctx.server.kombo();
    assert_eq!(
        (kombo.api_key(), kombo.integration_id()),
        ("sk_chosen", "sandbox:chosen")
    );
    // `list` sends the view's credentials: the chosen ones are accepted.
    assert_eq!(ctx.list(&[]).await.status, 200);
}

#[tokio::test]
async fn latency_set_on_a_running_server_delays_that_route() {
    let ctx = Ctx::start(MockServer::builder()).await;
    ctx.server.set_latency(Route::KOMBO_LIST, Duration::from_millis(300));
    let started = Instant::now();
    assert_eq!(ctx.list(&[]).await.status, 200);
    // A lower bound only: a loaded machine makes the answer later, never earlier.
    assert!(
        started.elapsed() >= Duration::from_millis(300),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn shutdown_closes_the_port_before_it_returns() {
    let server = MockServer::start().await.expect("mock starts");
    let addr = server.addr();
    drop(TcpStream::connect(addr).expect("listening"));
    server.shutdown().await;
    // Nothing else runs on this test's runtime in between: the port is closed when it returns.
    assert!(TcpStream::connect(addr).is_err(), "{addr} still accepts");
}

#[tokio::test]
async fn dropping_the_server_closes_its_port() {
    let server = MockServer::start().await.expect("mock starts");
    let addr = server.addr();
    drop(server);
    // Dropping does not wait: the port closes once the runtime next runs the server's task.
    let mut closed = false;
    for _ in 0..1_000 {
        tokio::task::yield_now().await;
        if TcpStream::connect(addr).is_err() {
            closed = true;
            break;
        }
    }
    assert!(closed, "{addr} still accepts after the server was dropped");
}
