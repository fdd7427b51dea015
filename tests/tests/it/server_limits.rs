//! Limits the server announces, honoured before they bite, end to end on the embedded mock over
//! real HTTP on 127.0.0.1: Kombo's write concurrency limit (`Concurrency-Limit`) is never exceeded
//! by one client, whatever concurrency it asks for and however many handles write; a rate limit
//! announced with `ratelimit-remaining: 0` holds the next request (of any handle or stream of the
//! client) until `ratelimit-reset`, so that no request is refused.

use crate::common;

use std::time::Duration;

use common::{hris, start};
use futures::{StreamExt, TryStreamExt};
use skillbridge::kombo::{Kombo, SkillExpectation};
use skillbridge_mock::{MockServer, MockServerBuilder, Route};

fn builder() -> MockServerBuilder {
    MockServer::builder()
        .seed(11)
        .staffing_entities(60)
        .skills_per_entity(1)
        .skill_catalog(400)
        .employees(22)
        .contract_checks(true)
}

fn kombo(server: &MockServer) -> Kombo {
    common::kombo_builder(server)
        .timeout(Duration::from_secs(30))
        .build()
        .expect("valid configuration")
}

/// `n` expectations the mock does not hold yet, one skill after another on open entities.
fn new_expectations(server: &MockServer, n: usize) -> Vec<SkillExpectation> {
    let entities: Vec<String> = server
        .kombo()
        .staffing_entities()
        .filter(|e| !e.closed)
        .map(|e| e.id)
        .collect();
    let mut found = Vec::new();
    for skill in 0..server.kombo().skills_count() {
        let skill = server.kombo().skill_id(skill).expect("skill");
        for entity in &entities {
            if server.kombo().find_expectation(entity, &skill).is_none() {
                found.push(SkillExpectation::new(entity, &skill));
                if found.len() == n {
                    return found;
                }
            }
        }
    }
    panic!("only {} new expectations, wanted {n}", found.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upsert_many_asking_64_never_exceeds_the_announced_limit_and_is_never_refused() {
    let server = start(
        builder()
            .write_concurrency_limit(7)
            .latency(Route::KOMBO_UPSERT, Duration::from_millis(2)),
    )
    .await;
    let kombo = kombo(&server);
    let inputs = new_expectations(&server, 200);
    let before = server.kombo().expectations_count();
    let outcomes: Vec<_> = hris(&kombo, &server)
        .upsert_many(inputs)
        .concurrency(64)
        .collect()
        .await;
    assert_eq!(outcomes.len(), 200);
    let mut indices: Vec<usize> = outcomes
        .iter()
        .map(|o| {
            assert!(o.result.is_ok(), "input {}: {:?}", o.index, o.result);
            assert_eq!(o.attempts, 1, "input {}: never refused, never retried", o.index);
            o.index
        })
        .collect();
    indices.sort_unstable();
    assert_eq!(indices, (0..200).collect::<Vec<_>>(), "one outcome per input");
    assert_eq!(server.kombo().expectations_count(), before + 200, "each saved once");
    assert_eq!(server.request_count(Route::KOMBO_UPSERT), 200, "no refusal, no retry");
    let peak = server.kombo().peak_concurrent_writes();
    assert!(
        (2..=7).contains(&peak),
        "peak {peak}: above one once announced, never above the limit"
    );
}

/// A server that allows 4 writes in flight but announces its limit in hostile ways (flip-flopping
/// with a huge value, zero, negative, not a number, beyond 64 bits): as long as 4 is the only sane
/// value it announces, no more than 4 writes are ever in flight and none is refused. Before, the
/// flip back to 100000 was adopted at once: 5 and more in flight, about half the writes refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_limit_announcements_never_put_more_in_flight_than_the_sane_one() {
    let cycles: [&[&str]; 4] = [
        &["4", "100000"],
        &["100000", "4"],
        &["4", "0", "-1", "abc", "", "18446744073709551616", " 4 ", "1e3", "4.5"],
        &["0", "-4", "not a number", "4", "99999999"],
    ];
    for cycle in cycles {
        let server = start(
            builder()
                .write_concurrency_limit(4)
                .announced_write_limits(cycle.iter().copied())
                .latency(Route::KOMBO_UPSERT, Duration::from_millis(2)),
        )
        .await;
        let kombo = kombo(&server);
        let inputs = new_expectations(&server, 40);
        let outcomes: Vec<_> = hris(&kombo, &server)
            .upsert_many(inputs)
            .concurrency(64)
            .collect()
            .await;
        assert_eq!(outcomes.len(), 40, "{cycle:?}");
        for outcome in &outcomes {
            assert!(outcome.result.is_ok(), "{cycle:?}: {:?}", outcome.result);
            assert_eq!(outcome.attempts, 1, "{cycle:?}: input {} was refused", outcome.index);
        }
        assert_eq!(server.request_count(Route::KOMBO_UPSERT), 40, "{cycle:?}: no refusal");
        let peak = server.kombo().peak_concurrent_writes();
        assert!(peak <= 4, "{cycle:?}: peak {peak}");
    }
}

/// Announcements that are never a usable limit leave the client to find the limit from refusals:
/// every write still lands (nothing stalls), and the client stays near the real limit.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn announcements_that_are_never_sane_do_not_stall_writes() {
    let server = start(
        builder()
            .write_concurrency_limit(4)
            .announced_write_limits(["0", "-1", "abc", "100000"])
            .latency(Route::KOMBO_UPSERT, Duration::from_millis(2)),
    )
    .await;
    let kombo = kombo(&server);
    let inputs = new_expectations(&server, 40);
    let before = server.kombo().expectations_count();
    let outcomes: Vec<_> = tokio::time::timeout(
        Duration::from_secs(60),
        hris(&kombo, &server).upsert_many(inputs).collect::<Vec<_>>(),
    )
    .await
    .expect("the writes never stall");
    assert!(outcomes.iter().all(|o| o.result.is_ok()), "{outcomes:?}");
    assert_eq!(server.kombo().expectations_count(), before + 40, "each saved once");
    let refused = server.request_count(Route::KOMBO_UPSERT) - 40;
    assert!(refused < 40, "{refused} refusals: the window halves on each");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn single_upserts_from_every_handle_share_the_integrations_limit() {
    let server = start(builder().write_concurrency_limit(4)).await;
    let kombo = kombo(&server);
    let mut inputs = new_expectations(&server, 21);
    // One write announces the limit (until then the client allows a single write in flight).
    let first = inputs.pop().expect("an input");
    hris(&kombo, &server)
        .upsert_staffing_entity_skill(first)
        .await
        .expect("first write");
    server.hold(Route::KOMBO_UPSERT);
    let writers: Vec<_> = inputs
        .into_iter()
        .map(|input| {
            // A handle of its own for every write: the limit belongs to the integration.
            let handle = hris(&kombo, &server);
            tokio::spawn(async move { handle.upsert_staffing_entity_skill(input).await })
        })
        .collect();
    server.wait_held(Route::KOMBO_UPSERT, 4).await;
    // A round trip on another route: writes already sent have reached the server by now.
    hris(&kombo, &server)
        .staffing_entity_skills()
        .page_size(1)
        .send()
        .await
        .expect("a listing");
    assert_eq!(
        server.kombo().peak_concurrent_writes(),
        4,
        "the fifth waits in the client"
    );
    server.release(Route::KOMBO_UPSERT);
    for writer in writers {
        writer.await.expect("task").expect("saved");
    }
    assert_eq!(server.request_count(Route::KOMBO_UPSERT), 21, "no refusal, no retry");
    assert_eq!(server.kombo().peak_concurrent_writes(), 4);
}

/// 5 requests per window of one second.
fn rate_limited() -> MockServerBuilder {
    builder().rate_limit(5, Duration::from_secs(1))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_listing_waits_for_each_window_instead_of_being_refused() {
    let server = start(rate_limited()).await;
    let kombo = kombo(&server);
    let techwolf = common::techwolf_client(&server);
    // 60 records at 5 a page and 22 employees at 2 a page: over 10 pages each, three windows each.
    let listing = hris(&kombo, &server)
        .staffing_entity_skills()
        .include_deleted(true)
        .page_size(5)
        .pages()
        .try_collect::<Vec<_>>();
    let export = techwolf
        .employee_skill_clusters()
        .limit(2)
        .pages()
        .try_collect::<Vec<_>>();
    let (pages, exported) = tokio::join!(listing, export);
    let (pages, exported) = (pages.expect("listed"), exported.expect("exported"));
    assert_eq!(pages.iter().map(|p| p.results.len()).sum::<usize>(), 60);
    assert_eq!(exported.iter().map(|p| p.records.len()).sum::<usize>(), 22);
    assert!(pages.len() > 10 && exported.len() > 10, "three windows each");
    assert_eq!(
        server.request_count(Route::KOMBO_LIST),
        pages.len() as u64,
        "one request per page"
    );
    assert_eq!(
        server.request_count(Route::TECHWOLF_EXPORT),
        exported.len() as u64,
        "one request per page"
    );
    assert_eq!(server.rate_limit_refusals(), 0, "no request was refused");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_used_up_window_holds_every_handle_and_stream_of_the_client() {
    let server = start(rate_limited()).await;
    let kombo = kombo(&server);
    // The first listing uses the whole window: 5 pages of 12.
    let first = hris(&kombo, &server)
        .staffing_entity_skills()
        .include_deleted(true)
        .page_size(12)
        .items();
    assert_eq!(first.try_collect::<Vec<_>>().await.expect("listed").len(), 60);
    assert_eq!(server.request_count(Route::KOMBO_LIST), 5, "the whole window");
    // Another handle, another stream, a single write: each waits for the window to reset.
    let second = hris(&kombo, &server)
        .staffing_entity_skills()
        .include_deleted(true)
        .page_size(30)
        .items();
    assert_eq!(second.try_collect::<Vec<_>>().await.expect("listed").len(), 60);
    let input = new_expectations(&server, 1).remove(0);
    hris(&kombo, &server)
        .upsert_staffing_entity_skill(input)
        .await
        .expect("saved");
    assert_eq!(server.rate_limit_refusals(), 0, "no request was refused");
    assert_eq!(kombo.stats().retries, 0);
}
