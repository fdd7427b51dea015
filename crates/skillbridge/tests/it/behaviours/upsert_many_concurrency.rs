//! `upsert_many`'s concurrency, measured by the mock.

use std::time::Duration;

use futures::StreamExt;
use skillbridge::kombo::{ErrorCode, KomboErrorExt, SkillExpectation};
use skillbridge::retry::RetryPolicy;
use skillbridge_mock::{Fault, Route};

/// Kombo's refusal of a write over the integration's concurrency limit.
fn concurrency_refusal() -> Fault {
    Fault::Error {
        status: 429,
        code: Some("PLATFORM.CONCURRENCY_LIMIT_EXCEEDED".to_owned()),
        message: "Too many concurrent actions.".to_owned(),
    }
}

/// Runs `inputs` upserts with `concurrency` against a mock whose write limit is `server_limit`,
/// holding every write inside the server; returns the peak in flight, which must be the smaller of
/// the two (the limit is announced by a first write, made before the hold). With `refusals`, that
/// many single writes are refused for concurrency after the first: each halves the window.
async fn held_upserts(concurrency: Option<usize>, inputs: u32, server_limit: u32, refusals: u32) -> u64 {
    let server = skillbridge_mock::MockServer::builder()
        .staffing_entities(40)
        .skills_per_entity(2)
        .skill_catalog(80)
        .write_concurrency_limit(server_limit)
        .start()
        .await
        .expect("mock starts");
    let entity = server
        .kombo()
        .staffing_entities()
        .find(|e| !e.closed)
        .expect("an open entity")
        .id;
    let expectations: Vec<SkillExpectation> = (0..inputs)
        .map(|s| SkillExpectation::new(&entity, server.kombo().skill_id(s).expect("skill")))
        .collect();
    let client = crate::common::kombo_on_mock(&server)
        .retry_policy(RetryPolicy::never())
        .build()
        .expect("valid configuration");
    let hris = client.integration(server.kombo().integration_id()).expect("valid");
    // The first write's answer announces the limit; the limiter allows one write until then.
    let announce = SkillExpectation::new(&entity, server.kombo().skill_id(inputs).expect("skill"));
    hris.upsert_staffing_entity_skill(announce.clone())
        .await
        .expect("first write");
    server.set_faults(Route::KOMBO_UPSERT, [concurrency_refusal().first(u64::from(refusals))]);
    for _ in 0..refusals {
        let refused = hris.upsert_staffing_entity_skill(announce.clone()).await;
        assert_eq!(
            refused.expect_err("refused").kombo_code(),
            Some(&ErrorCode::PlatformConcurrencyLimitExceeded)
        );
    }
    // Every write waits inside the server until released: those in flight pile up there.
    server.hold(Route::KOMBO_UPSERT);
    let upserts = hris.upsert_many(expectations);
    let upserts = match concurrency {
        Some(n) => upserts.concurrency(n),
        None => upserts,
    };
    let all = tokio::spawn(upserts.collect::<Vec<_>>());
    let expected = concurrency
        .unwrap_or(usize::MAX)
        .max(1)
        .min((server_limit >> refusals).max(1) as usize)
        .min(inputs as usize) as u64;
    // A hang guard only (the writes arrive within milliseconds): an `upsert_many` that stalls,
    // as one with no slot at all does, or a hold that never fills, fails here instead of hanging.
    tokio::time::timeout(Duration::from_secs(30), server.wait_held(Route::KOMBO_UPSERT, expected))
        .await
        .expect("upsert_many stalled: fewer writes in flight than its concurrency");
    // A round trip on another route: requests already sent have reached the server by now.
    let _ = hris.staffing_entity_skills().page_size(1).send().await;
    let peak_while_held = server.kombo().peak_concurrent_writes();
    server.release(Route::KOMBO_UPSERT);
    let outcomes = all.await.expect("task");
    assert_eq!(outcomes.len(), inputs as usize);
    assert!(outcomes.iter().all(|o| o.result.is_ok()), "{outcomes:?}");
    assert_eq!(
        server.request_count(Route::KOMBO_UPSERT),
        u64::from(inputs + 1 + refusals),
        "one request per input, the first write and the refused ones: none refused later"
    );
    assert_eq!(
        peak_while_held,
        server.kombo().peak_concurrent_writes(),
        "never more later"
    );
    peak_while_held
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upsert_many_keeps_at_most_n_in_flight() {
    assert_eq!(held_upserts(Some(3), 12, 30, 0).await, 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upsert_many_concurrency_zero_means_one() {
    assert_eq!(held_upserts(Some(0), 4, 30, 0).await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upsert_many_defaults_to_as_many_as_the_server_allows() {
    assert_eq!(held_upserts(None, 25, 7, 0).await, 7);
    assert_eq!(
        held_upserts(None, 12, 30, 0).await,
        12,
        "fewer inputs than the limit: all at once"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn asking_for_more_than_the_server_allows_waits_instead_of_being_refused() {
    assert_eq!(held_upserts(Some(64), 40, 9, 0).await, 9);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_concurrency_refusal_halves_the_writes_in_flight() {
    assert_eq!(held_upserts(None, 20, 8, 1).await, 4);
    assert_eq!(
        held_upserts(None, 20, 8, 2).await,
        2,
        "and each further one halves them again"
    );
}

/// Its `Debug` says how far it got: the concurrency asked for, the writes in flight, whether inputs
/// are left.
#[tokio::test]
async fn its_debug_shows_its_progress() {
    let server = skillbridge_mock::MockServer::builder()
        .staffing_entities(4)
        .skill_catalog(10)
        .start()
        .await
        .expect("mock starts");
    let entity = server.kombo().staffing_entity(0).expect("an entity").id;
    let expectations: Vec<SkillExpectation> = (0..2)
        .map(|s| SkillExpectation::new(&entity, server.kombo().skill_id(s).expect("skill")))
        .collect();
    let client = crate::common::kombo_on_mock(&server)
        .build()
        .expect("valid configuration");
    let hris = client.integration(server.kombo().integration_id()).expect("valid");
    let mut upserts = hris.upsert_many(expectations).concurrency(3);
    let fresh = format!("{upserts:?}");
    for part in ["ceiling: 3", "running: 0", "inputs_left: true"] {
        assert!(fresh.contains(part), "{part}: {fresh}");
    }
    while let Some(outcome) = upserts.next().await {
        outcome.result.expect("saved");
    }
    let done = format!("{upserts:?}");
    for part in ["running: 0", "inputs_left: false"] {
        assert!(done.contains(part), "{part}: {done}");
    }
}
