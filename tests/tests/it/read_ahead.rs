//! Read-ahead end to end: listings that request the next page while the caller works keep every
//! guarantee of a listing that does not. Against the embedded mock over real HTTP on 127.0.0.1:
//! the same records, once each and in order, under injected faults; an error after every record
//! before it; and dropping a stream cancels its request in flight, which the mock's request log shows.

use crate::common;

use common::{fast_retries, start};
use futures::{StreamExt, TryStreamExt};
use skillbridge::Error;
use skillbridge::kombo::Integration;
use skillbridge::techwolf::{Include, TechWolf};
use skillbridge_mock::{Fault, FaultRule, MockServer, MockServerBuilder, Route};

/// Depths compared with the sequential listing (depth 0).
const DEPTHS: [usize; 3] = [1, 2, 5];

fn builder() -> MockServerBuilder {
    MockServer::builder()
        .seed(7)
        .staffing_entities(30)
        .skills_per_entity(3)
        .employees(45)
        .contract_checks(true)
}

fn hris(server: &MockServer) -> Integration {
    common::kombo_builder(server)
        .retry_policy(fast_retries().max_attempts(10))
        .build()
        .expect("valid configuration")
        .integration(server.kombo().integration_id())
        .expect("the mock's integration id is valid")
}

fn techwolf(server: &MockServer) -> TechWolf {
    common::techwolf_builder(server)
        .retry_policy(fast_retries().max_attempts(10))
        .build()
        .expect("valid configuration")
}

async fn kombo_ids(hris: &Integration, depth: usize) -> Result<Vec<String>, Error> {
    hris.staffing_entity_skills()
        .include_deleted(true)
        .page_size(7)
        .read_ahead(depth)
        .items()
        .map_ok(|record| record.id.into_string())
        .try_collect()
        .await
}

async fn techwolf_ids(client: &TechWolf, depth: usize) -> Result<Vec<String>, Error> {
    client
        .employee_skill_clusters()
        .include(Include::all())
        .limit(4)
        .read_ahead(depth)
        .items()
        .map_ok(|employee| employee.external_id.into_string())
        .try_collect()
        .await
}

/// Transient faults of every kind the client retries, on a seeded share of the requests.
fn transient_faults() -> [FaultRule; 4] {
    [
        Fault::ServiceUnavailable.every(3),
        Fault::DropConnection.every(5),
        Fault::IncompleteBody.every(7),
        Fault::rate_limit().every(4),
    ]
}

#[tokio::test]
async fn under_transient_faults_every_depth_yields_each_record_once_in_order() {
    let server = start(builder()).await;
    let hris = hris(&server);
    let client = techwolf(&server);
    let kombo_expected = kombo_ids(&hris, 0).await.expect("a clean listing");
    let techwolf_expected = techwolf_ids(&client, 0).await.expect("a clean export");
    assert_eq!(kombo_expected.len(), 90, "30 entities × 3 skills");
    assert_eq!(techwolf_expected.len(), 45);

    for (route, rules) in [
        (Route::KOMBO_LIST, transient_faults()),
        (Route::TECHWOLF_EXPORT, transient_faults()),
    ] {
        server.set_faults(route, rules);
    }
    for depth in DEPTHS {
        let before = server.request_count(Route::KOMBO_LIST);
        assert_eq!(
            kombo_ids(&hris, depth).await.expect("recovers"),
            kombo_expected,
            "depth {depth}"
        );
        assert!(
            server.request_count(Route::KOMBO_LIST) - before > 13,
            "faults fired: more requests than the 13 pages"
        );
        assert_eq!(
            techwolf_ids(&client, depth).await.expect("recovers"),
            techwolf_expected,
            "depth {depth}"
        );
    }
    server.clear_faults();
    let violations = server.contract_violations();
    assert!(violations.is_empty(), "contract violations: {violations:#?}");
}

#[tokio::test]
async fn an_error_comes_after_every_record_before_it_and_ends_the_stream() {
    let server = start(builder()).await;
    let hris = hris(&server);
    let expected = kombo_ids(&hris, 0).await.expect("a clean listing");
    // The third request fails for good (a 400 is not retried): pages 1 and 2 come, then the error.
    let refusal = Fault::Error {
        status: 400,
        code: Some("PLATFORM.INPUT_INVALID".to_owned()),
        message: "refused on purpose".to_owned(),
    };
    for depth in [0].into_iter().chain(DEPTHS) {
        server.set_faults(Route::KOMBO_LIST, [refusal.clone().every(3)]);
        let before = server.request_count(Route::KOMBO_LIST);
        let mut items = hris
            .staffing_entity_skills()
            .include_deleted(true)
            .page_size(7)
            .read_ahead(depth)
            .items();
        let mut got = Vec::new();
        let error = loop {
            match items.next().await {
                Some(Ok(record)) => got.push(record.id),
                Some(Err(error)) => break error,
                None => panic!("depth {depth}: the listing ended without the error"),
            }
        };
        assert_eq!(
            got,
            expected[..14],
            "depth {depth}: every record of pages 1 and 2, in order"
        );
        assert_eq!(error.status().map(|s| s.as_u16()), Some(400), "depth {depth}: {error}");
        assert!(items.next().await.is_none(), "depth {depth}: nothing after the error");
        assert_eq!(
            server.request_count(Route::KOMBO_LIST) - before,
            3,
            "depth {depth}: no request after the failed one"
        );
    }
}

#[tokio::test]
async fn dropping_a_stream_cancels_its_request_in_flight_and_starts_no_other() {
    let server = start(builder()).await;
    let hris = hris(&server);
    let logged = server.logged_count();
    let mut pages = hris.staffing_entity_skills().page_size(7).read_ahead(1).pages();
    let first = pages.try_next().await.expect("page 1").expect("a page");
    assert!(first.next.is_some(), "more pages follow");
    // This test runs on one thread: the read-ahead task has not run since page 1 was handed over,
    // so its request for page 2 reaches the mock after the hold.
    server.hold(Route::KOMBO_LIST);
    server.wait_held(Route::KOMBO_LIST, 1).await;
    drop(pages);
    // The mock logs the held request once the client has hung up on it.
    server.wait_logged(logged + 2).await;
    let log = server.request_log();
    let lists: Vec<_> = log.iter().filter(|r| r.route == Some(Route::KOMBO_LIST)).collect();
    assert_eq!(lists.len(), 2, "{lists:#?}");
    assert!(
        lists[1].query.as_deref().is_some_and(|q| q.contains("cursor=")),
        "page 2 was the one in flight"
    );
    assert_eq!(lists[1].status, None, "abandoned by the client, never answered");

    // A new request goes through; it is the only one after the drop.
    server.release(Route::KOMBO_LIST);
    hris.staffing_entity_skills()
        .page_size(3)
        .send()
        .await
        .expect("a fresh page");
    server.wait_logged(logged + 3).await;
    let log = server.request_log();
    let lists: Vec<_> = log.iter().filter(|r| r.route == Some(Route::KOMBO_LIST)).collect();
    assert_eq!(lists.len(), 3, "{lists:#?}");
    assert!(
        lists[2]
            .query
            .as_deref()
            .is_some_and(|q| q.contains("page_size=3") && !q.contains("cursor=")),
        "{:?}",
        lists[2].query
    );
}
