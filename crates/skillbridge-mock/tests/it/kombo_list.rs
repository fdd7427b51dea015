//! Kombo `GET /hris/staffing-entity-skills` over real HTTP.

use crate::common;

use std::collections::HashSet;

use common::Ctx;
use serde_json::Value;
use skillbridge_mock::{Expectation, MockServer, Route};

fn small() -> skillbridge_mock::MockServerBuilder {
    MockServer::builder()
        .seed(7)
        .staffing_entities(120)
        .skills_per_entity(5)
        .skill_catalog(40)
}

fn all_expectations(ctx: &Ctx) -> Vec<Expectation> {
    (0..ctx.server.kombo().expectations_count())
        .map(|i| ctx.server.kombo().expectation(i).expect("expectation"))
        .collect()
}

fn ids(records: &[Value]) -> Vec<String> {
    records
        .iter()
        .map(|r| r["id"].as_str().expect("id").to_owned())
        .collect()
}

/// The ids an oracle predicate selects, in listing order.
fn oracle(ctx: &Ctx, keep: impl Fn(&Expectation) -> bool) -> Vec<String> {
    all_expectations(ctx)
        .into_iter()
        .filter(|e| keep(e))
        .map(|e| e.id)
        .collect()
}

#[tokio::test]
async fn auth_and_integration_are_checked() {
    let ctx = Ctx::start(small()).await;
    ctx.assert_kombo_auth_refusals(&ctx.kombo_url()).await;
    ctx.assert_no_violations();
}

#[tokio::test]
async fn pages_to_the_end_without_duplicates_or_gaps() {
    let ctx = Ctx::start(small()).await;
    let everything = ctx.list_all(&[("include_deleted", "true"), ("page_size", "37")]).await;
    let expected: Vec<String> = all_expectations(&ctx).into_iter().map(|e| e.id).collect();
    assert_eq!(expected.len(), 600);
    assert_eq!(ids(&everything), expected, "every record once, in creation order");

    let visible = ctx.list_all(&[("page_size", "250")]).await;
    assert_eq!(visible.len() as u64, ctx.server.kombo().visible_expectations_count());
    assert!(visible.len() < everything.len(), "the seed hides some deleted records");
    assert!(visible.iter().all(|r| r["remote_deleted_at"].is_null()));
    let unique: HashSet<String> = ids(&visible).into_iter().collect();
    assert_eq!(unique.len(), visible.len());

    // Default page size is 100, and the last page says `next: null`.
    let first = ctx.list(&[]).await.json();
    assert_eq!(first["data"]["results"].as_array().map(Vec::len), Some(100));
    assert!(first["data"]["next"].is_string());
    ctx.assert_no_violations();
}

#[tokio::test]
async fn seeded_data_has_the_documented_variety() {
    let ctx = Ctx::start(small()).await;
    let all = ctx.list_all(&[("include_deleted", "true"), ("page_size", "250")]).await;
    assert!(all.iter().any(|r| r["expected_level"].is_null()));
    assert!(all.iter().any(|r| r["remote_deleted_at"].is_string()));
    assert!(all.iter().all(|r| r["id"].as_str().is_some_and(|s| s.len() == 24)));
    assert!(ctx.server.kombo().staffing_entities().any(|e| e.closed));
    assert!(ctx.server.kombo().staffing_entities().any(|e| !e.closed));
    ctx.assert_no_violations();
}

#[tokio::test]
async fn page_size_is_validated() {
    let ctx = Ctx::start(small()).await;
    for bad in ["0", "251", "-1", "ten", "2.5"] {
        let r = ctx.list(&[("page_size", bad)]).await;
        assert_eq!(r.status, 400, "page_size={bad}");
        assert_eq!(r.code(), "PLATFORM.INPUT_INVALID");
        assert!(
            r.json()["error"]["message"]
                .as_str()
                .is_some_and(|m| m.contains("page_size"))
        );
    }
    for (ok, n) in [("1", 1), ("250", 250)] {
        let r = ctx.list(&[("page_size", ok), ("include_deleted", "true")]).await;
        assert_eq!(r.status, 200);
        assert_eq!(r.json()["data"]["results"].as_array().map(Vec::len), Some(n));
    }
    ctx.assert_no_violations();
}

#[tokio::test]
async fn bad_parameters_are_rejected() {
    let ctx = Ctx::start(small()).await;
    for query in [
        vec![("include_deleted", "yes")],
        vec![("ignore_unsupported_filters", "1")],
        vec![("updated_after", "yesterday")],
        vec![("pagesize", "10")],
        vec![("ids", "a"), ("ids", "b")],
        vec![("cursor", "not base64!")],
    ] {
        let r = ctx.list(&query).await;
        assert_eq!(r.status, 400, "{query:?}: {}", r.text);
        assert_eq!(r.code(), "PLATFORM.INPUT_INVALID");
    }
    ctx.assert_no_violations();
}

#[tokio::test]
async fn id_filters_select_exactly_the_oracle() {
    let ctx = Ctx::start(small()).await;
    let all = all_expectations(&ctx);
    let deleted = all
        .iter()
        .find(|e| e.remote_deleted_at.is_some())
        .expect("a deleted record");
    let live = all
        .iter()
        .find(|e| e.remote_deleted_at.is_none())
        .expect("a live record");

    // ids: OR within; deleted ones hidden unless include_deleted.
    let both = format!("{},{}", live.id, deleted.id);
    assert_eq!(
        ids(&ctx.list_all(&[("ids", &both)]).await),
        std::slice::from_ref(&live.id)
    );
    let mut with_deleted = ids(&ctx.list_all(&[("ids", &both), ("include_deleted", "true")]).await);
    with_deleted.sort();
    let mut expect = vec![live.id.clone(), deleted.id.clone()];
    expect.sort();
    assert_eq!(with_deleted, expect);
    // Unknown ids match nothing.
    assert!(ctx.list_all(&[("ids", "C8gqYqWk6N3qjvJ8vh5o3VtH")]).await.is_empty());

    // remote_ids.
    assert_eq!(
        ids(&ctx.list_all(&[("remote_ids", &live.remote_id)]).await),
        std::slice::from_ref(&live.id)
    );

    // staffing_entity_ids: two entities.
    let e1 = ctx.server.kombo().staffing_entity(3).expect("entity").id;
    let e2 = ctx.server.kombo().staffing_entity(77).expect("entity").id;
    let q = format!("{e1},{e2}");
    let got = ids(&ctx.list_all(&[("staffing_entity_ids", &q), ("page_size", "3")]).await);
    let want = oracle(&ctx, |e| {
        (e.staffing_entity_id == e1 || e.staffing_entity_id == e2) && e.remote_deleted_at.is_none()
    });
    assert!(!want.is_empty());
    assert_eq!(got, want);

    // skill_ids: OR within.
    let s1 = ctx.server.kombo().skill_id(5).expect("skill");
    let s2 = ctx.server.kombo().skill_id(11).expect("skill");
    let q = format!("{s1},{s2}");
    let got = ids(&ctx
        .list_all(&[("skill_ids", &q), ("include_deleted", "true"), ("page_size", "7")])
        .await);
    let want = oracle(&ctx, |e| e.skill_id == s1 || e.skill_id == s2);
    assert!(want.len() > 7, "several pages");
    assert_eq!(got, want);

    // AND across filters.
    let entities: Vec<String> = (0..60)
        .map(|i| ctx.server.kombo().staffing_entity(i).expect("entity").id)
        .collect();
    let got = ids(&ctx
        .list_all(&[
            ("staffing_entity_ids", &entities.join(",")),
            ("skill_ids", &q),
            ("include_deleted", "true"),
        ])
        .await);
    let want = oracle(&ctx, |e| {
        entities.contains(&e.staffing_entity_id) && (e.skill_id == s1 || e.skill_id == s2)
    });
    assert!(!want.is_empty());
    assert_eq!(got, want);
    ctx.assert_no_violations();
}

#[tokio::test]
async fn updated_after_is_inclusive_and_matches_the_oracle() {
    let ctx = Ctx::start(small()).await;
    let mut stamps: Vec<String> = all_expectations(&ctx).into_iter().map(|e| e.changed_at).collect();
    stamps.sort();
    let median = stamps[stamps.len() / 2].clone();
    let got = ids(&ctx
        .list_all(&[
            ("updated_after", &median),
            ("include_deleted", "true"),
            ("page_size", "50"),
        ])
        .await);
    // RFC 3339 with fixed millisecond precision and `Z` sorts lexicographically.
    let want = oracle(&ctx, |e| e.changed_at >= median);
    assert_eq!(got, want);
    assert!(got.len() >= stamps.len() / 2);
    // Another offset notation of the same instant gives the same answer.
    let chrono_like = median.replace('Z', "+00:00");
    assert_eq!(
        ids(&ctx
            .list_all(&[("updated_after", &chrono_like), ("include_deleted", "true")])
            .await),
        want
    );
    // Nothing changed in the future.
    assert!(
        ctx.list_all(&[("updated_after", "2100-01-01T00:00:00.000Z")])
            .await
            .is_empty()
    );
    ctx.assert_no_violations();
}

/// The wall clock as the server stamps changes: millisecond precision, UTC.
fn now_stamp() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

#[tokio::test]
async fn a_deletion_at_the_source_shows_in_incremental_listings() {
    let ctx = Ctx::start(small()).await;
    let kombo = ctx.server.kombo();
    let live: Vec<Expectation> = kombo.expectations().filter(|e| e.remote_deleted_at.is_none()).collect();
    let (first, second) = (&live[3], &live[40]);
    let visible = kombo.visible_expectations_count();
    let before = now_stamp();

    assert!(kombo.delete_expectation(&first.id));
    assert!(!kombo.delete_expectation(&first.id), "already deleted");
    assert!(!kombo.delete_expectation("not-an-expectation-id"));
    assert!(
        !kombo.delete_expectation(&kombo.staffing_entity(0).expect("entity").id),
        "another kind's id"
    );
    let deleted = kombo.expectation_by_id(&first.id).expect("still there");
    let deleted_at = deleted.remote_deleted_at.clone().expect("remote_deleted_at set");
    assert_eq!(deleted_at, deleted.changed_at, "changed_at moves with the deletion");
    assert!(deleted.changed_at >= before && deleted.changed_at > first.changed_at);
    assert_eq!(
        (deleted.expected_level, &deleted.skill_id, &deleted.staffing_entity_id),
        (first.expected_level, &first.skill_id, &first.staffing_entity_id),
        "nothing else changes"
    );
    assert_eq!(kombo.visible_expectations_count(), visible - 1);

    // A sync client asking for what changed since `before` learns of the deletion...
    let changed = ctx
        .list_all(&[("updated_after", &before), ("include_deleted", "true")])
        .await;
    assert_eq!(changed, [serde_json::to_value(&deleted).expect("json")]);
    assert_eq!(changed[0]["remote_deleted_at"], deleted_at.as_str());
    // ...and a listing without `include_deleted` hides the record.
    assert!(ctx.list_all(&[("updated_after", &before)]).await.is_empty());
    assert!(ctx.list_all(&[("ids", &first.id)]).await.is_empty());
    assert_eq!(
        ctx.list_all(&[("ids", &first.id), ("include_deleted", "true")])
            .await
            .len(),
        1
    );

    // Each change is stamped strictly after the previous one, even within a millisecond.
    assert!(kombo.delete_expectation(&second.id));
    let second_deleted = kombo.expectation_by_id(&second.id).expect("still there");
    assert!(second_deleted.changed_at > deleted.changed_at);
    let since_second = ctx
        .list_all(&[
            ("updated_after", &second_deleted.changed_at),
            ("include_deleted", "true"),
        ])
        .await;
    assert_eq!(ids(&since_second), std::slice::from_ref(&second.id));

    // The assertion iterator sees every record as it is now, deleted ones included.
    let now: Vec<Expectation> = kombo.expectations().collect();
    assert_eq!(now, all_expectations(&ctx));
    assert_eq!(now.len() as u64, kombo.expectations_count());
    assert!(now.contains(&deleted) && now.contains(&second_deleted));
    ctx.assert_no_violations();
}

#[tokio::test]
async fn cursors_are_bound_to_filters_and_stateless() {
    let ctx = Ctx::start(small()).await;
    let q = [("include_deleted", "true"), ("page_size", "10")];
    let first = ctx.list(&q).await.json();
    let cursor = first["data"]["next"].as_str().expect("next").to_owned();

    // Changing a filter mid-way is refused.
    for changed in [
        vec![("include_deleted", "false")],
        vec![("include_deleted", "true"), ("skill_ids", "x")],
        vec![],
    ] {
        let mut query = changed.clone();
        query.push(("cursor", &cursor));
        let r = ctx.list(&query).await;
        assert_eq!(r.status, 400, "{changed:?}");
        assert_eq!(r.code(), "PLATFORM.INPUT_INVALID");
    }
    // A tampered cursor is refused.
    let r = ctx
        .list(&[("include_deleted", "true"), ("cursor", "eyJwYWdlIjoxMn0=")])
        .await;
    assert_eq!(r.status, 400);

    // The same cursor resumes on a fresh client and on a fresh server with the same seed,
    // with a different page size if wanted.
    let resumed = ctx
        .list(&[("include_deleted", "true"), ("page_size", "10"), ("cursor", &cursor)])
        .await
        .json();
    let other = Ctx::start(small()).await;
    let again = other
        .list(&[("include_deleted", "true"), ("page_size", "10"), ("cursor", &cursor)])
        .await
        .json();
    assert_eq!(resumed["data"]["results"], again["data"]["results"]);
    let expected: Vec<String> = (10..20)
        .map(|i| ctx.server.kombo().expectation(i).expect("e").id)
        .collect();
    assert_eq!(ids(resumed["data"]["results"].as_array().expect("results")), expected);
    let bigger = ctx
        .list(&[("include_deleted", "true"), ("page_size", "25"), ("cursor", &cursor)])
        .await
        .json();
    assert_eq!(bigger["data"]["results"][0]["id"], expected[0].as_str());
    ctx.assert_no_violations();
}

#[tokio::test]
async fn unsupported_filters_return_nothing_unless_ignored() {
    let ctx = Ctx::start(small().unsupported_filter("skill_ids")).await;
    let skill = ctx.server.kombo().skill_id(1).expect("skill");
    let r = ctx.list(&[("skill_ids", &skill)]).await.json();
    assert_eq!(r["data"]["results"], serde_json::json!([]));
    assert!(r["data"]["next"].is_null());
    let ignored = ctx
        .list_all(&[
            ("skill_ids", &skill),
            ("ignore_unsupported_filters", "true"),
            ("page_size", "250"),
        ])
        .await;
    assert_eq!(
        ignored.len() as u64,
        ctx.server.kombo().visible_expectations_count(),
        "filter dropped, not applied"
    );
    // Supported filters still apply.
    let e = ctx.server.kombo().staffing_entity(0).expect("entity").id;
    let both = ctx
        .list_all(&[
            ("staffing_entity_ids", &e),
            ("skill_ids", &skill),
            ("ignore_unsupported_filters", "true"),
        ])
        .await;
    // Entity 0 has records in seed 1 (small()): an empty reply must not pass the check below.
    assert!(!both.is_empty(), "the entity filter kept nothing");
    assert!(both.len() < ignored.len(), "the entity filter narrowed nothing");
    assert!(both.iter().all(|r| r["staffing_entity_id"] == e.as_str()));
    ctx.assert_no_violations();
}

#[tokio::test]
async fn same_seed_gives_same_data() {
    let a = Ctx::start(small()).await;
    let b = Ctx::start(small()).await;
    let c = Ctx::start(small().seed(8)).await;
    let q = [("include_deleted", "true"), ("page_size", "250")];
    let (pa, pb, pc) = (a.list(&q).await, b.list(&q).await, c.list(&q).await);
    assert_eq!(pa.text, pb.text, "byte-identical pages for the same seed");
    assert_ne!(pa.text, pc.text);
    assert_eq!(a.server.kombo().api_key(), b.server.kombo().api_key());
    assert_eq!(a.server.kombo().integration_id(), b.server.kombo().integration_id());
}

/// A million records cost nothing up front: ids and cursors decode to an index (O(1) per lookup;
/// the speed itself is measured by the benchmarks, not asserted here with a clock).
#[tokio::test]
async fn a_million_expectations_are_served_by_index() {
    let ctx = Ctx::start(
        MockServer::builder()
            .seed(3)
            .staffing_entities(200_000)
            .skills_per_entity(5),
    )
    .await;
    assert_eq!(ctx.server.kombo().expectations_count(), 1_000_000);
    let last = ctx.server.kombo().expectation(999_999).expect("last");
    let r = ctx.list(&[("ids", &last.id), ("include_deleted", "true")]).await.json();
    assert_eq!(r["data"]["results"].as_array().map(Vec::len), Some(1));
    assert_eq!(r["data"]["results"][0]["id"], last.id.as_str());
    assert!(r["data"]["next"].is_null());
    let page = ctx.list(&[("page_size", "250")]).await.json();
    assert_eq!(page["data"]["results"].as_array().map(Vec::len), Some(250));
    let next = page["data"]["next"].as_str().expect("next").to_owned();
    let r = ctx.list(&[("page_size", "250"), ("cursor", &next)]).await;
    assert_eq!(r.status, 200);
    let second = r.json();
    assert_eq!(second["data"]["results"].as_array().map(Vec::len), Some(250));
    assert_ne!(second["data"]["results"][0]["id"], page["data"]["results"][0]["id"]);
    assert_eq!(ctx.server.request_count(Route::KOMBO_LIST), 3, "one request per lookup");
    ctx.assert_no_violations();
}

/// Over the rate limit, a request is refused with Kombo's 429 until the window resets.
#[tokio::test]
async fn a_request_over_the_rate_limit_is_refused() {
    let ctx = Ctx::start(small().rate_limit(2, std::time::Duration::from_secs(3_600))).await;
    for n in 1..=2 {
        let admitted = ctx.list(&[]).await;
        assert_eq!(admitted.status, 200, "request {n}: {}", admitted.text);
    }
    let refused = ctx.list(&[]).await;
    assert_eq!(refused.status, 429, "{}", refused.text);
    assert_eq!(refused.code(), "PLATFORM.RATE_LIMIT_EXCEEDED");
    assert_eq!(refused.header("ratelimit-remaining"), Some("0"));
    assert_eq!(ctx.server.rate_limit_refusals(), 1);
}
