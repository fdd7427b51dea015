//! End to end: the `skillbridge` Kombo client against the embedded mock server, over real HTTP on
//! 127.0.0.1. Every listing is compared with what the mock holds (its lookup API), so a record lost,
//! repeated, altered or let through a filter fails the test; every injected fault is either recovered
//! from (and the listing is still complete) or reported as the typed error the crate documents.

use crate::common;

use common::{HANG_TIMEOUT, assert_no_violations, fast_retries, hris, kombo_client as client, start};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures::{StreamExt, TryStreamExt};
use skillbridge::Error;
use skillbridge::kombo::{
    ErrorCode, ExpectedLevel, Integration, Kombo, KomboErrorExt, ListStaffingEntitySkills, SkillExpectation,
    StaffingEntitySkill,
};
use skillbridge::retry::{BoxFuture, RetryPolicy, Sleeper};
use skillbridge_mock::{Expectation, Fault, FaultRule, MockServer, MockServerBuilder, Route};

const SEED: u64 = 42;

/// 160 expectations over 40 entities, skills drawn from a catalog of 25 (so skill filters match many).
fn builder() -> MockServerBuilder {
    MockServer::builder()
        .seed(SEED)
        .staffing_entities(40)
        .skills_per_entity(4)
        .skill_catalog(25)
        .contract_checks(true)
}

fn client_with(server: &MockServer, policy: RetryPolicy, timeout: Duration) -> Kombo {
    common::kombo_builder(server)
        .retry_policy(policy)
        .timeout(timeout)
        .build()
        .expect("valid configuration")
}

/// A record in a form both sides convert to, so that every field is compared.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Row {
    id: String,
    entity: String,
    skill: String,
    level: Option<u8>,
    changed_at: DateTime<Utc>,
    deleted_at: Option<DateTime<Utc>>,
}

fn time(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap_or_else(|e| panic!("mock timestamp {text:?}: {e}"))
        .with_timezone(&Utc)
}

impl From<&StaffingEntitySkill> for Row {
    fn from(r: &StaffingEntitySkill) -> Self {
        Row {
            id: r.id.to_string(),
            entity: r.staffing_entity_id.to_string(),
            skill: r.skill_id.to_string(),
            level: r.expected_level.map(ExpectedLevel::get),
            changed_at: r.changed_at,
            deleted_at: r.remote_deleted_at,
        }
    }
}

impl From<&Expectation> for Row {
    fn from(e: &Expectation) -> Self {
        Row {
            id: e.id.clone(),
            entity: e.staffing_entity_id.clone(),
            skill: e.skill_id.clone(),
            level: e.expected_level,
            changed_at: time(&e.changed_at),
            deleted_at: e.remote_deleted_at.as_deref().map(time),
        }
    }
}

/// Everything the mock holds, in listing order, deleted records included.
fn all_expectations(server: &MockServer) -> Vec<Expectation> {
    (0..server.kombo().expectations_count())
        .map(|i| server.kombo().expectation(i).expect("index below the count"))
        .collect()
}

/// Fails with the index and both sides when the rows differ, and names lost and repeated ids.
fn assert_same_rows(got: &[Row], want: &[Row], context: &str) {
    let mut seen = BTreeSet::new();
    let repeated: Vec<_> = got
        .iter()
        .filter(|r| !seen.insert(r.id.clone()))
        .map(|r| &r.id)
        .collect();
    assert!(repeated.is_empty(), "{context}: repeated records {repeated:?}");
    let got_ids: BTreeSet<_> = got.iter().map(|r| r.id.clone()).collect();
    let lost: Vec<_> = want
        .iter()
        .filter(|r| !got_ids.contains(&r.id))
        .map(|r| &r.id)
        .collect();
    assert!(lost.is_empty(), "{context}: lost records {lost:?}");
    assert_eq!(got.len(), want.len(), "{context}: record count");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert_eq!(g, w, "{context}: record {i} differs");
    }
}

/// Every filter of the client, and what the mock should answer to it (the oracle).
#[derive(Debug, Clone, Default)]
struct Filters {
    ids: Option<Vec<String>>,
    remote_ids: Option<Vec<String>>,
    staffing_entity_ids: Option<Vec<String>>,
    skill_ids: Option<Vec<String>>,
    updated_after: Option<DateTime<Utc>>,
    include_deleted: Option<bool>,
    ignore_unsupported_filters: Option<bool>,
    page_size: Option<u32>,
}

/// A chainable setter per filter: `Filters::default().ids(v).page_size(4)`.
macro_rules! filter_setters {
    ($($name:ident: $ty:ty),* $(,)?) => {
        $(
            fn $name(mut self, value: $ty) -> Self {
                self.$name = Some(value);
                self
            }
        )*
    };
}

impl Filters {
    filter_setters! {
        ids: Vec<String>,
        remote_ids: Vec<String>,
        staffing_entity_ids: Vec<String>,
        skill_ids: Vec<String>,
        updated_after: DateTime<Utc>,
        include_deleted: bool,
        ignore_unsupported_filters: bool,
        page_size: u32,
    }

    fn apply(&self, mut list: ListStaffingEntitySkills) -> ListStaffingEntitySkills {
        if let Some(v) = &self.ids {
            list = list.ids(v);
        }
        if let Some(v) = &self.remote_ids {
            list = list.remote_ids(v);
        }
        if let Some(v) = &self.staffing_entity_ids {
            list = list.staffing_entity_ids(v);
        }
        if let Some(v) = &self.skill_ids {
            list = list.skill_ids(v);
        }
        if let Some(t) = self.updated_after {
            list = list.updated_after(t);
        }
        if let Some(b) = self.include_deleted {
            list = list.include_deleted(b);
        }
        if let Some(b) = self.ignore_unsupported_filters {
            list = list.ignore_unsupported_filters(b);
        }
        if let Some(n) = self.page_size {
            list = list.page_size(n);
        }
        list
    }

    /// The records a listing with these filters must return, computed from the mock's lookups.
    /// `unsupported` names filters the integration cannot apply: they empty the listing, or are
    /// dropped with `ignore_unsupported_filters`.
    fn expected(&self, server: &MockServer, unsupported: &[&str]) -> Vec<Row> {
        let ignore = self.ignore_unsupported_filters == Some(true);
        let set = |name: &str, present: bool| -> Option<bool> {
            if present && unsupported.contains(&name) {
                // `None`: the whole listing is empty.
                return ignore.then_some(false);
            }
            Some(present)
        };
        let ids = set("ids", self.ids.is_some());
        let remote_ids = set("remote_ids", self.remote_ids.is_some());
        let entities = set("staffing_entity_ids", self.staffing_entity_ids.is_some());
        let skills = set("skill_ids", self.skill_ids.is_some());
        let updated = set("updated_after", self.updated_after.is_some());
        let (Some(ids), Some(remote_ids), Some(entities), Some(skills), Some(updated)) =
            (ids, remote_ids, entities, skills, updated)
        else {
            return Vec::new();
        };
        let within = |on: bool, values: &Option<Vec<String>>, value: &str| {
            !on || values.as_ref().is_some_and(|v| v.iter().any(|x| x == value))
        };
        all_expectations(server)
            .iter()
            .filter(|e| self.include_deleted == Some(true) || e.remote_deleted_at.is_none())
            .filter(|e| within(ids, &self.ids, &e.id))
            .filter(|e| within(remote_ids, &self.remote_ids, &e.remote_id))
            .filter(|e| within(entities, &self.staffing_entity_ids, &e.staffing_entity_id))
            .filter(|e| within(skills, &self.skill_ids, &e.skill_id))
            .filter(|e| !updated || self.updated_after.is_some_and(|t| time(&e.changed_at) >= t))
            .map(Row::from)
            .collect()
    }
}

async fn list_rows(list: ListStaffingEntitySkills) -> Result<Vec<Row>, Error> {
    let records: Vec<StaffingEntitySkill> = list.items().try_collect().await?;
    Ok(records.iter().map(Row::from).collect())
}

// ---------------------------------------------------------------------------------------------
// Full listing with every filter

#[tokio::test]
async fn full_listing_with_every_filter_matches_what_the_mock_holds() {
    let server = start(builder()).await;
    let kombo = client(&server);
    let hris = hris(&kombo, &server);
    let all = all_expectations(&server);
    assert_eq!(all.len(), 160);
    let deleted: Vec<&Expectation> = all.iter().filter(|e| e.remote_deleted_at.is_some()).collect();
    assert!(
        !deleted.is_empty(),
        "the seed must give some deleted records to test include_deleted"
    );
    let pick = |step: usize| all.iter().step_by(step).map(|e| e.id.clone()).collect::<Vec<_>>();

    let mut ids = pick(11);
    ids.push(deleted[0].id.clone());
    ids.push("UnknownIdUnknownIdUnknow".to_owned()); // matches nothing
    let remote_ids: Vec<String> = all.iter().step_by(7).map(|e| e.remote_id.clone()).collect();
    let entities: Vec<String> = [0, 7, 19, 39]
        .iter()
        .map(|&i| server.kombo().staffing_entity(i).expect("entity").id)
        .collect();
    let skills: Vec<String> = [0, 3, 11]
        .iter()
        .map(|&i| server.kombo().skill_id(i).expect("skill"))
        .collect();
    let mut times: Vec<DateTime<Utc>> = all.iter().map(|e| time(&e.changed_at)).collect();
    times.sort();
    // A record's own timestamp: the filter is inclusive, so that record must be listed.
    let median = times[times.len() / 2];

    let cases: Vec<(&str, Filters)> = vec![
        ("no filter, default page size", Filters::default()),
        ("page_size 1", Filters::default().page_size(1)),
        ("page_size 7", Filters::default().page_size(7)),
        ("page_size 250", Filters::default().page_size(250)),
        ("ids", Filters::default().ids(ids.clone()).page_size(4)),
        (
            "ids with include_deleted",
            Filters::default().ids(ids).include_deleted(true).page_size(4),
        ),
        ("remote_ids", Filters::default().remote_ids(remote_ids).page_size(5)),
        (
            "staffing_entity_ids",
            Filters::default().staffing_entity_ids(entities.clone()).page_size(3),
        ),
        ("skill_ids", Filters::default().skill_ids(skills.clone()).page_size(6)),
        ("updated_after", Filters::default().updated_after(median).page_size(9)),
        (
            "include_deleted true",
            Filters::default().include_deleted(true).page_size(13),
        ),
        (
            "include_deleted false",
            Filters::default().include_deleted(false).page_size(13),
        ),
        (
            "ignore_unsupported_filters with every filter supported",
            Filters::default()
                .ignore_unsupported_filters(true)
                .skill_ids(skills.clone()),
        ),
        (
            "every filter at once",
            Filters::default()
                .staffing_entity_ids(entities)
                .skill_ids(
                    all.iter()
                        .map(|e| e.skill_id.clone())
                        .collect::<BTreeSet<_>>()
                        .into_iter()
                        .collect(),
                )
                .updated_after(times[0])
                .include_deleted(true)
                .ignore_unsupported_filters(false)
                .page_size(2),
        ),
    ];
    let visible = server.kombo().visible_expectations_count() as usize;
    for (name, filters) in cases {
        let want = filters.expected(&server, &[]);
        // A filter that narrows must keep something, and less than the same listing without it:
        // an oracle (or a server) that lets everything through, or nothing, fails here.
        let narrowing = filters.ids.is_some()
            || filters.remote_ids.is_some()
            || filters.staffing_entity_ids.is_some()
            || filters.skill_ids.is_some()
            || filters.updated_after.is_some();
        let unfiltered = Filters {
            include_deleted: filters.include_deleted,
            ..Default::default()
        }
        .expected(&server, &[])
        .len();
        if narrowing {
            assert!(!want.is_empty(), "{name}: the case selects nothing");
            assert!(want.len() < unfiltered, "{name}: the case narrows nothing");
        } else if filters.include_deleted == Some(true) {
            assert!(unfiltered > visible, "{name}: deleted records are listed");
        }
        let before = server.request_count(Route::KOMBO_LIST);
        let got = list_rows(filters.apply(hris.staffing_entity_skills()))
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_same_rows(&got, &want, name);
        let requests = server.request_count(Route::KOMBO_LIST) - before;
        let page_size = filters.page_size.unwrap_or(100) as usize;
        assert_eq!(
            requests as usize,
            want.len().div_ceil(page_size).max(1),
            "{name}: one request per page"
        );
    }
    // The unfiltered oracle lists the visible records, fewer than all of them.
    assert_eq!(Filters::default().expected(&server, &[]).len(), visible);
    assert!(visible < all.len());
    assert_eq!(kombo.stats().retries, 0);
    assert_no_violations(&server);
}

#[tokio::test]
async fn unsupported_filters_empty_the_listing_unless_ignored() {
    let server = start(
        builder()
            .unsupported_filter("skill_ids")
            .unsupported_filter("updated_after"),
    )
    .await;
    let kombo = client(&server);
    let hris = hris(&kombo, &server);
    let entity = server.kombo().staffing_entity(3).expect("entity").id;
    let skill = server.kombo().expectation(12).expect("record").skill_id;
    let since = time(&server.kombo().expectation(30).expect("record").changed_at);
    for ignore in [None, Some(false), Some(true)] {
        let filters = Filters {
            staffing_entity_ids: Some(vec![entity.clone()]),
            skill_ids: Some(vec![skill.clone()]),
            updated_after: Some(since),
            ignore_unsupported_filters: ignore,
            page_size: Some(2),
            ..Default::default()
        };
        let want = filters.expected(&server, &["skill_ids", "updated_after"]);
        if ignore == Some(true) {
            // Only the supported entity filter is applied: the entity's visible records.
            assert!(!want.is_empty());
            assert!(want.iter().all(|r| r.entity == entity));
        } else {
            assert!(want.is_empty());
        }
        let got = list_rows(filters.apply(hris.staffing_entity_skills()))
            .await
            .expect("listing");
        assert_same_rows(&got, &want, &format!("ignore_unsupported_filters {ignore:?}"));
    }
    assert_no_violations(&server);
}

// ---------------------------------------------------------------------------------------------
// Upsert then read

/// Open staffing entities and skills they do not have yet: upserts of these create records.
fn new_pairs(server: &MockServer, n: usize) -> Vec<(String, String)> {
    let mut pairs = Vec::new();
    for entity in server.kombo().staffing_entities().filter(|e| !e.closed) {
        for s in 0..server.kombo().skills_count() {
            let skill = server.kombo().skill_id(s).expect("skill");
            if server.kombo().find_expectation(&entity.id, &skill).is_none() {
                pairs.push((entity.id.clone(), skill));
                break; // spread over entities
            }
        }
        if pairs.len() == n {
            return pairs;
        }
    }
    panic!("only {} new pairs found, wanted {n}", pairs.len());
}

fn level(n: u8) -> ExpectedLevel {
    ExpectedLevel::new(n).expect("1..=5")
}

#[tokio::test]
async fn upsert_creates_and_updates_and_listings_see_it() {
    let server = start(builder()).await;
    let kombo = client(&server);
    let hris = hris(&kombo, &server);
    let seeded = all_expectations(&server);
    let newest_seeded = seeded.iter().map(|e| time(&e.changed_at)).max().expect("records");
    let (entity, skill) = new_pairs(&server, 1).remove(0);

    // Create.
    let created = hris
        .upsert_staffing_entity_skill(SkillExpectation::new(&entity, &skill).expected_level(level(2)))
        .await
        .expect("created");
    assert_eq!(
        (created.staffing_entity_id.as_str(), created.skill_id.as_str()),
        (entity.as_str(), skill.as_str())
    );
    assert_eq!(created.expected_level, Some(level(2)));
    assert!(
        created.changed_at > newest_seeded,
        "a write is newer than every seeded record"
    );
    assert_eq!(server.kombo().expectations_count(), seeded.len() as u64 + 1);
    let stored = server
        .kombo()
        .find_expectation(&entity, &skill)
        .expect("the mock stored it");
    assert_eq!(Row::from(&created), Row::from(&stored));

    // Read back by id and by entity: new records come last in listing order.
    let by_id = list_rows(hris.staffing_entity_skills().ids([&created.id]))
        .await
        .expect("listing");
    assert_eq!(by_id, vec![Row::from(&created)]);
    let by_entity = list_rows(
        hris.staffing_entity_skills()
            .staffing_entity_ids([&entity])
            .page_size(1),
    )
    .await
    .expect("listing");
    assert_eq!(by_entity.last(), Some(&Row::from(&created)));
    let everything = list_rows(hris.staffing_entity_skills().page_size(50))
        .await
        .expect("listing");
    assert_same_rows(&everything, &Filters::default().expected(&server, &[]), "after create");

    // `updated_after` at the write's time (inclusive) sees the write and nothing seeded.
    let since_create = list_rows(hris.staffing_entity_skills().updated_after(created.changed_at))
        .await
        .unwrap();
    assert_eq!(since_create, vec![Row::from(&created)]);

    // An identical upsert changes nothing, `changed_at` included.
    let same = hris
        .upsert_staffing_entity_skill(SkillExpectation::new(&entity, &skill).expected_level(level(2)))
        .await
        .expect("idempotent");
    assert_eq!(same, created);

    // Update: the level and `changed_at` move, the id stays, nothing is added.
    let updated = hris
        .upsert_staffing_entity_skill(SkillExpectation::new(&entity, &skill).expected_level(level(5)))
        .await
        .expect("updated");
    assert_eq!(updated.id, created.id);
    assert_eq!(updated.expected_level, Some(level(5)));
    assert!(updated.changed_at > created.changed_at, "changed_at moves on a change");
    assert_eq!(server.kombo().expectations_count(), seeded.len() as u64 + 1);
    let after_update = list_rows(hris.staffing_entity_skills().updated_after(updated.changed_at))
        .await
        .unwrap();
    assert_eq!(after_update, vec![Row::from(&updated)]);

    // Clearing the level is a change too.
    let cleared = hris
        .upsert_staffing_entity_skill(SkillExpectation::new(&entity, &skill))
        .await
        .expect("cleared");
    assert_eq!(cleared.expected_level, None);
    assert!(cleared.changed_at > updated.changed_at);

    // Updating a seeded record, then an upsert on a deleted one restores it.
    let upsert_again = |record: &Expectation, expected_level: u8| {
        let input = SkillExpectation::new(&record.staffing_entity_id, &record.skill_id);
        hris.upsert_staffing_entity_skill(input.expected_level(level(expected_level)))
    };
    let open = |id: &str| server.kombo().staffing_entities().any(|e| e.id == id && !e.closed);
    let old = seeded
        .iter()
        .find(|e| e.remote_deleted_at.is_none() && e.expected_level != Some(1) && open(&e.staffing_entity_id))
        .expect("the seed has a live record on an open entity");
    {
        let saved = upsert_again(old, 1).await.expect("update of a seeded record");
        assert_eq!(saved.id, old.id);
        assert!(saved.changed_at > updated.changed_at);
    }
    let gone = seeded
        .iter()
        .find(|e| e.remote_deleted_at.is_some() && open(&e.staffing_entity_id))
        .expect("the seed has a deleted record on an open entity");
    {
        let restored = upsert_again(gone, 3).await.expect("restored");
        assert_eq!(restored.id, gone.id);
        assert!(!restored.is_deleted());
        let listed = list_rows(hris.staffing_entity_skills().ids([&gone.id])).await.unwrap();
        assert_eq!(
            listed,
            vec![Row::from(&restored)],
            "a restored record is listed without include_deleted"
        );
    }
    let everything = list_rows(hris.staffing_entity_skills().include_deleted(true).page_size(33))
        .await
        .unwrap();
    assert_same_rows(
        &everything,
        &Filters::default().include_deleted(true).expected(&server, &[]),
        "end",
    );
    assert_eq!(kombo.stats().retries, 0);
    assert_no_violations(&server);
}

#[tokio::test]
async fn upsert_refusals_are_typed_and_not_retried() {
    let server = start(builder()).await;
    let kombo = client(&server);
    let hris = hris(&kombo, &server);
    let closed = server
        .kombo()
        .staffing_entities()
        .find(|e| e.closed)
        .expect("a closed entity");
    let skill = server.kombo().skill_id(0).expect("skill");
    let error = hris
        .upsert_staffing_entity_skill(SkillExpectation::new(&closed.id, &skill))
        .await
        .expect_err("closed entities refuse writes");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(409), "{error}");
    assert_eq!(
        error.kombo_code(),
        Some(&ErrorCode::from("HRIS.STAFFING_ENTITY_CLOSED"))
    );
    assert!(!error.is_retryable());

    let error = hris
        .upsert_staffing_entity_skill(SkillExpectation::new("UnknownEntityUnknownEnti", &skill))
        .await
        .expect_err("unknown entity");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404), "{error}");
    assert_eq!(error.code(), Some("PLATFORM.INPUT_INVALID"));

    let error = hris
        .upsert_staffing_entity_skill(SkillExpectation::new("", &skill))
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::InvalidInput {
                field: "staffing_entity_id",
                ..
            }
        ),
        "{error:?}"
    );

    assert_eq!(
        server.request_count(Route::KOMBO_UPSERT),
        2,
        "refusals are not retried; invalid input is not sent"
    );
    assert_eq!(kombo.stats().retries, 0);
    assert_eq!(server.kombo().expectations_count(), 160, "nothing was written");
    assert_no_violations(&server);
}

/// Upserts `pairs` with `upsert_many` and checks: one outcome per input, each saved exactly once with
/// its level, attempts add up to what the server received, and the listing has each record once.
async fn upsert_all_and_check(
    server: &MockServer,
    kombo: &Kombo,
    pairs: &[(String, String)],
    concurrency: usize,
) -> u32 {
    let hris = hris(kombo, server);
    let before_records = server.kombo().expectations_count();
    let before_requests = server.request_count(Route::KOMBO_UPSERT);
    let inputs: Vec<SkillExpectation> = pairs
        .iter()
        .enumerate()
        .map(|(i, (e, s))| SkillExpectation::new(e, s).expected_level(level(i as u8 % 5 + 1)))
        .collect();
    let outcomes: Vec<_> = hris.upsert_many(inputs).concurrency(concurrency).collect().await;
    assert_eq!(outcomes.len(), pairs.len());
    let mut by_index = BTreeMap::new();
    let mut attempts = 0;
    for outcome in outcomes {
        let saved = outcome
            .result
            .as_ref()
            .unwrap_or_else(|e| panic!("input {} failed: {e}", outcome.index));
        let (entity, skill) = &pairs[outcome.index];
        assert_eq!(
            (&saved.staffing_entity_id, &saved.skill_id),
            (&entity.into(), &skill.into())
        );
        assert_eq!(saved.expected_level, Some(level(outcome.index as u8 % 5 + 1)));
        let stored = server.kombo().find_expectation(entity, skill).expect("stored");
        assert_eq!(Row::from(saved), Row::from(&stored), "input {}", outcome.index);
        assert!(outcome.attempts >= 1);
        attempts += outcome.attempts;
        assert!(
            by_index.insert(outcome.index, saved.id.clone()).is_none(),
            "index {} twice",
            outcome.index
        );
    }
    assert_eq!(
        by_index.keys().copied().collect::<Vec<_>>(),
        (0..pairs.len()).collect::<Vec<_>>()
    );
    assert_eq!(
        server.kombo().expectations_count(),
        before_records + pairs.len() as u64,
        "each created exactly once"
    );
    assert_eq!(
        server.request_count(Route::KOMBO_UPSERT) - before_requests,
        u64::from(attempts),
        "every attempt reached the server"
    );
    let listed = list_rows(hris.staffing_entity_skills().page_size(25))
        .await
        .expect("listing");
    assert_same_rows(
        &listed,
        &Filters::default().expected(server, &[]),
        "listing after upsert_many",
    );
    let listed_ids: BTreeSet<_> = listed.iter().map(|r| r.id.to_string()).collect();
    assert!(by_index.values().all(|id| listed_ids.contains(id.as_str())));
    attempts
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upsert_many_over_the_write_concurrency_limit_saves_each_once() {
    let server = start(builder().write_concurrency_limit(3)).await;
    let policy = fast_retries().max_attempts(40).max_delay(Duration::from_millis(10));
    let kombo = client_with(&server, policy, Duration::from_secs(5));
    let pairs = new_pairs(&server, 38);
    let (pairs, spare) = pairs.split_at(36);
    // Both writers learn the limit of 3 from a first write of their own.
    let mine = SkillExpectation::new(&spare[0].0, &spare[0].1);
    hris(&kombo, &server)
        .upsert_staffing_entity_skill(mine)
        .await
        .expect("first write");
    let other = client_with(&server, RetryPolicy::never(), Duration::from_secs(60));
    let theirs = SkillExpectation::new(&spare[1].0, &spare[1].1);
    let other_hris = hris(&other, &server);
    other_hris
        .upsert_staffing_entity_skill(theirs.clone())
        .await
        .expect("first write");
    // Another writer (a client of its own) takes every slot and keeps it inside the server until six
    // of our writes have been refused: the limit is exceeded by construction, not by hoping that
    // latency makes writers overlap. Its writes update one record, so they create nothing.
    server.hold(Route::KOMBO_UPSERT);
    let other_writes = tokio::spawn(async move {
        let writes = (0..3).map(|_| other_hris.upsert_staffing_entity_skill(theirs.clone()).send());
        futures::future::join_all(writes).await
    });
    server.wait_held(Route::KOMBO_UPSERT, 3).await;
    let logged = server.logged_count();
    let release = async {
        tokio::select! {
            () = server.wait_logged(logged + 6) => {}
            () = server.wait_held(Route::KOMBO_UPSERT, 4) => panic!("a fourth write got a permit"),
        }
        server.release(Route::KOMBO_UPSERT);
    };
    let (attempts, ()) = tokio::join!(upsert_all_and_check(&server, &kombo, pairs, 9), release);
    let other_results = other_writes.await.expect("task");
    assert!(other_results.iter().all(Result::is_ok), "{other_results:?}");
    let stats = kombo.stats();
    assert!(
        stats.retries > 0,
        "writes against a limit the other writer holds are refused and retried"
    );
    assert_eq!(
        u64::from(attempts),
        36 + stats.retries,
        "every retry belongs to an upsert"
    );
    let refused = server
        .request_log()
        .iter()
        .filter(|r| r.route == Some(Route::KOMBO_UPSERT) && r.status == Some(429))
        .count() as u64;
    assert_eq!(refused, stats.retries, "each retry answers one concurrency refusal");
    assert!(
        server.kombo().peak_concurrent_writes() > 3,
        "the limit was really exceeded"
    );
    assert_no_violations(&server);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upsert_many_recovers_from_every_transient_fault() {
    let cases: Vec<(&str, FaultRule, Duration)> = vec![
        ("rate limit", Fault::rate_limit().every(3), Duration::from_secs(5)),
        (
            "concurrency limit",
            concurrency_limit().every(3),
            Duration::from_secs(5),
        ),
        ("503 html", Fault::ServiceUnavailable.every(3), Duration::from_secs(5)),
        (
            "remote unavailable",
            remote_unavailable().every(3),
            Duration::from_secs(5),
        ),
        (
            "dropped connection",
            Fault::DropConnection.every(3),
            Duration::from_secs(5),
        ),
        (
            "body cut off mid-transfer",
            Fault::IncompleteBody.every(3),
            Duration::from_secs(5),
        ),
        (
            // A delay no timeout outlasts, whatever the machine's load.
            "delay over the timeout",
            Fault::Delay(Duration::from_secs(3_600)).first(2),
            HANG_TIMEOUT,
        ),
    ];
    for (name, rule, timeout) in cases {
        let server = start(builder().fault(Route::KOMBO_UPSERT, rule)).await;
        let kombo = client_with(&server, fast_retries(), timeout);
        let pairs = new_pairs(&server, 12);
        let attempts = upsert_all_and_check(&server, &kombo, &pairs, 4).await;
        // Counted on arrival: the request log misses requests whose client gave up during a delay.
        let faults = (server.request_count(Route::KOMBO_UPSERT) - 12) as usize;
        assert!(faults > 0, "{name}: the fault fired");
        assert_eq!(kombo.stats().retries, faults as u64, "{name}: one retry per fault");
        assert_eq!(attempts as usize, 12 + faults, "{name}");
        assert_no_violations(&server);
    }
}

#[tokio::test]
async fn an_upsert_whose_response_is_cut_is_a_decode_error_but_was_saved() {
    for fault in [Fault::TruncatedJson, Fault::MalformedJson] {
        let server = start(builder().fault(Route::KOMBO_UPSERT, fault.clone().first(1))).await;
        let kombo = client(&server);
        let hris = hris(&kombo, &server);
        let (entity, skill) = new_pairs(&server, 1).remove(0);
        let input = SkillExpectation::new(&entity, &skill).expected_level(level(4));
        let error = hris
            .upsert_staffing_entity_skill(input.clone())
            .await
            .expect_err("the body does not decode");
        assert!(
            matches!(&error, Error::Decode { status, .. } if status.as_u16() == 200),
            "{fault:?}: {error:?}"
        );
        assert!(!error.is_retryable());
        assert_eq!(
            server.request_count(Route::KOMBO_UPSERT),
            1,
            "{fault:?}: decode errors are not retried"
        );
        // The server applied the write before the body was damaged; sending it again is idempotent.
        let stored = server
            .kombo()
            .find_expectation(&entity, &skill)
            .expect("saved despite the damaged response");
        let again = hris.upsert_staffing_entity_skill(input).await.expect("resent");
        assert_eq!(
            Row::from(&again),
            Row::from(&stored),
            "{fault:?}: the resend changed nothing"
        );
        assert_eq!(server.kombo().expectations_count(), 161);
        assert_no_violations(&server);
    }
}

// ---------------------------------------------------------------------------------------------
// Faults on the listing

fn concurrency_limit() -> Fault {
    Fault::Error {
        status: 429,
        code: Some("PLATFORM.CONCURRENCY_LIMIT_EXCEEDED".to_owned()),
        message: "Too many concurrent actions.".to_owned(),
    }
}

fn remote_unavailable() -> Fault {
    Fault::Error {
        status: 503,
        code: Some("REMOTE.SERVICE_UNAVAILABLE".to_owned()),
        message: "The remote system is down.".to_owned(),
    }
}

/// Lists everything with `rule` on the listing route; the listing must be complete and exact, with
/// one retry per fault that fired (`retried`: whether any is expected).
async fn assert_listing_recovers(name: &str, rule: FaultRule, timeout: Duration, retried: bool) {
    let server = start(builder().fault(Route::KOMBO_LIST, rule)).await;
    let kombo = client_with(&server, fast_retries(), timeout);
    let filters = Filters::default().include_deleted(true).page_size(10);
    let got = list_rows(filters.apply(hris(&kombo, &server).staffing_entity_skills()))
        .await
        .unwrap_or_else(|e| panic!("{name}: not recovered: {e}"));
    assert_same_rows(&got, &filters.expected(&server, &[]), name);
    // Counted on arrival: the request log misses requests whose client gave up during a delay.
    let faults = server.request_count(Route::KOMBO_LIST) - 16;
    assert_eq!(faults > 0, retried, "{name}: whether the fault made the client retry");
    let stats = kombo.stats();
    assert_eq!(stats.retries, faults, "{name}: one retry per fault");
    assert_eq!(stats.requests, server.request_count(Route::KOMBO_LIST), "{name}");
    assert_no_violations(&server);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listing_recovers_from_every_transient_fault_without_losing_or_repeating_records() {
    let normal = Duration::from_secs(5);
    assert_listing_recovers("rate limit", Fault::rate_limit().every(3), normal, true).await;
    assert_listing_recovers(
        "rate limit without Retry-After",
        Fault::RateLimit {
            limit: 10,
            reset: Duration::ZERO,
            retry_after: None,
        }
        .every(2),
        normal,
        true,
    )
    .await;
    assert_listing_recovers("concurrency limit", concurrency_limit().every(3), normal, true).await;
    assert_listing_recovers(
        "503 with an HTML body",
        Fault::ServiceUnavailable.every(3),
        normal,
        true,
    )
    .await;
    assert_listing_recovers("remote unavailable", remote_unavailable().every(4), normal, true).await;
    let bare_502 = Fault::Error {
        status: 502,
        code: None,
        message: "Bad gateway.".to_owned(),
    };
    assert_listing_recovers("502 with code null", bare_502.every(3), normal, true).await;
    assert_listing_recovers("dropped connection", Fault::DropConnection.every(3), normal, true).await;
    // A connection cut mid-body is a connection failure, which the crate documents as retried.
    assert_listing_recovers(
        "body cut off mid-transfer",
        Fault::IncompleteBody.every(3),
        normal,
        true,
    )
    .await;
    assert_listing_recovers(
        "delay over the client timeout",
        Fault::Delay(Duration::from_secs(3_600)).first(2),
        HANG_TIMEOUT,
        true,
    )
    .await;
    assert_listing_recovers(
        "a delay under the timeout",
        Fault::Delay(Duration::from_millis(30)).every(5),
        normal,
        false,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listing_recovers_from_a_seeded_mix_of_faults() {
    // Probabilities are drawn from the server's seed: the same run every time.
    let server = start(
        builder()
            .fault(Route::KOMBO_LIST, Fault::rate_limit().with_probability(0.15))
            .fault(Route::KOMBO_LIST, Fault::ServiceUnavailable.with_probability(0.15))
            .fault(Route::KOMBO_LIST, Fault::DropConnection.with_probability(0.15)),
    )
    .await;
    let kombo = client_with(&server, fast_retries().max_attempts(10), Duration::from_secs(5));
    let got = list_rows(hris(&kombo, &server).staffing_entity_skills().page_size(4))
        .await
        .expect("recovered");
    assert_same_rows(&got, &Filters::default().expected(&server, &[]), "mixed faults");
    let faults = server.request_log().iter().filter(|r| r.fault.is_some()).count() as u64;
    assert!(faults >= 3, "{faults} faults fired");
    assert_eq!(kombo.stats().retries, faults);
    assert_no_violations(&server);
}

/// A listing that fails on its third page: the first two pages arrived intact, the error is the
/// expected kind after the expected number of attempts, the stream ends, and a fresh listing from the
/// last good cursor delivers exactly the rest.
async fn assert_listing_fails_then_resumes(
    name: &str,
    fault: Fault,
    policy: RetryPolicy,
    timeout: Duration,
    check: impl Fn(&Error) -> bool,
    attempts_on_failing_page: u64,
) {
    let server = start(builder()).await;
    let kombo = client_with(&server, policy, timeout);
    let hris = hris(&kombo, &server);
    let filters = Filters::default().page_size(20);
    let want = filters.expected(&server, &[]);
    // The fault starts between pages: each page is fetched when asked for, none ahead.
    let mut pages = filters.apply(hris.staffing_entity_skills()).read_ahead(0).pages();
    let mut rows = Vec::new();
    let mut cursor = None;
    for _ in 0..2 {
        let page = pages.next().await.expect("a page").expect("no fault yet");
        rows.extend(page.results.iter().map(Row::from));
        cursor = page.next;
    }
    server.set_faults(Route::KOMBO_LIST, [fault.always()]);
    let before = server.request_count(Route::KOMBO_LIST);
    let error = pages.next().await.expect("an item").expect_err("the third page fails");
    assert!(check(&error), "{name}: unexpected error {error:?}");
    assert_eq!(
        server.request_count(Route::KOMBO_LIST) - before,
        attempts_on_failing_page,
        "{name}: attempts"
    );
    assert!(pages.next().await.is_none(), "{name}: the stream ends after an error");
    assert_same_rows(&rows, &want[..40], &format!("{name}: before the error"));

    // Resume from the last good page once the fault is gone.
    server.clear_faults();
    let rest = list_rows(
        filters
            .apply(hris.staffing_entity_skills())
            .cursor(cursor.expect("more pages")),
    )
    .await
    .expect("resumed");
    rows.extend(rest);
    assert_same_rows(&rows, &want, &format!("{name}: resumed"));
    assert_no_violations(&server);
}

fn status_is(error: &Error, status: u16) -> bool {
    error.status().map(|s| s.as_u16()) == Some(status)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listing_faults_that_cannot_be_recovered_are_typed_errors_and_the_listing_resumes() {
    let normal = Duration::from_secs(5);
    let three = || fast_retries().max_attempts(3);
    // A damaged 200 body is not retried (the crate documents decode errors as not retryable).
    let decode = |e: &Error| matches!(e, Error::Decode { status, .. } if status.as_u16() == 200) && !e.is_retryable();
    assert_listing_fails_then_resumes("truncated json", Fault::TruncatedJson, three(), normal, decode, 1).await;
    assert_listing_fails_then_resumes("malformed json", Fault::MalformedJson, three(), normal, decode, 1).await;
    // Transient faults that never stop: retried up to max_attempts, then the last error.
    assert_listing_fails_then_resumes(
        "rate limit forever",
        Fault::rate_limit(),
        three(),
        normal,
        |e| {
            status_is(e, 429)
                && e.kombo_code() == Some(&ErrorCode::from("PLATFORM.RATE_LIMIT_EXCEEDED"))
                && e.retry_after() == Some(Duration::ZERO)
        },
        3,
    )
    .await;
    assert_listing_fails_then_resumes(
        "timeout forever",
        Fault::Delay(Duration::from_secs(3_600)),
        three(),
        HANG_TIMEOUT,
        |e| {
            matches!(
                e,
                Error::Timeout {
                    operation: "get_hris_staffing_entity_skills"
                }
            )
        },
        3,
    )
    .await;
    assert_listing_fails_then_resumes(
        "dropped forever",
        Fault::DropConnection,
        three(),
        normal,
        |e| matches!(e, Error::Transport { connect: false, .. }) && e.status().is_none(),
        3,
    )
    .await;
    assert_listing_fails_then_resumes(
        "503 html forever",
        Fault::ServiceUnavailable,
        three(),
        normal,
        |e| {
            status_is(e, 503)
                && e.api()
                    .and_then(|a| a.body_start())
                    .is_some_and(|body_start| body_start.contains("503"))
        },
        3,
    )
    .await;
    // Codes Kombo does not call transient are never retried.
    let internal = Fault::Error {
        status: 500,
        code: Some("PLATFORM.UNKNOWN_ERROR".to_owned()),
        message: "Something broke.".to_owned(),
    };
    assert_listing_fails_then_resumes(
        "internal error",
        internal,
        three(),
        normal,
        |e| status_is(e, 500) && e.code() == Some("PLATFORM.UNKNOWN_ERROR") && !e.is_retryable(),
        1,
    )
    .await;
}

// ---------------------------------------------------------------------------------------------
// Authentication

#[tokio::test]
async fn wrong_credentials_are_typed_errors_and_never_retried() {
    let server = start(builder()).await;
    let wrong_key = Kombo::builder()
        .api_key("kombo_wrong_key_0000")
        .base_url(server.kombo().base_url())
        .retry_policy(fast_retries())
        .build()
        .unwrap();
    let error = wrong_key
        .integration(server.kombo().integration_id())
        .unwrap()
        .staffing_entity_skills()
        .send()
        .await
        .expect_err("wrong key");
    assert!(status_is(&error, 401), "{error:?}");
    assert_eq!(
        error.kombo_code(),
        Some(&ErrorCode::from("PLATFORM.AUTHENTICATION_INVALID"))
    );
    assert!(error.is_auth(), "a refused key is an auth error: {error:?}");
    assert!(!error.is_retryable());
    assert!(
        !format!("{error} {error:?}").contains("kombo_wrong_key_0000"),
        "the key leaked"
    );

    let kombo = client(&server);
    let error = kombo
        .integration("sandbox:NoSuchIntegrationNoSuchInt")
        .unwrap()
        .upsert_staffing_entity_skill(SkillExpectation::new(
            server.kombo().staffing_entity(0).unwrap().id,
            server.kombo().skill_id(0).unwrap(),
        ))
        .await
        .expect_err("unknown integration");
    assert!(status_is(&error, 404), "{error:?}");
    assert_eq!(error.code(), Some("PLATFORM.INTEGRATION_NOT_FOUND"));
    assert_eq!(
        server.request_count(Route::KOMBO_LIST) + server.request_count(Route::KOMBO_UPSERT),
        2
    );
    assert_eq!(server.kombo().expectations_count(), 160);
    assert_no_violations(&server);
}

// ---------------------------------------------------------------------------------------------
// Cursors

/// Every page of a listing, page by page with `send()` and `cursor(...)`: (rows, next cursor).
/// Lists with `filters` from `cursor` on; exactly `want` must come.
async fn assert_resumes(hris: &Integration, filters: &Filters, cursor: &str, want: &[Row], context: &str) {
    let rest = list_rows(filters.apply(hris.staffing_entity_skills()).cursor(cursor))
        .await
        .unwrap_or_else(|e| panic!("{context}: {e}"));
    assert_same_rows(&rest, want, context);
}

async fn pages_by_hand(hris: &Integration, filters: &Filters) -> Vec<(Vec<Row>, Option<String>)> {
    let mut pages = Vec::new();
    let mut cursor: Option<String> = None;
    // Bounded by the data size: 160 records at page size >= 1.
    for _ in 0..=160 {
        let mut list = filters.apply(hris.staffing_entity_skills());
        if let Some(c) = &cursor {
            list = list.cursor(c);
        }
        let page = list.send().await.expect("page");
        cursor = page.next.clone();
        pages.push((page.results.iter().map(Row::from).collect::<Vec<_>>(), page.next));
        if cursor.is_none() {
            return pages;
        }
    }
    panic!("the listing did not end");
}

#[tokio::test]
async fn cursors_survive_a_restart_of_the_listing_from_any_page() {
    let server = start(builder()).await;
    let kombo = client(&server);
    let hris = hris(&kombo, &server);
    for filters in [
        Filters::default().page_size(12),
        Filters::default()
            .skill_ids((0..10).map(|i| server.kombo().skill_id(i).unwrap()).collect())
            .include_deleted(true)
            .page_size(5),
    ] {
        let want = filters.expected(&server, &[]);
        let pages = pages_by_hand(&hris, &filters).await;
        assert!(pages.len() >= 4, "{} pages", pages.len());
        let full: Vec<Row> = pages.iter().flat_map(|(rows, _)| rows.clone()).collect();
        assert_same_rows(&full, &want, "page by page");
        // Restart from each page's cursor: a fresh stream, a fresh client, and another page size.
        let mut consumed = 0;
        for (k, (rows, next)) in pages.iter().enumerate() {
            consumed += rows.len();
            let Some(cursor) = next else { break };
            let fresh = client(&server);
            let fresh = fresh.integration(server.kombo().integration_id()).unwrap();
            let context = format!("restart after page {k}");
            assert_resumes(&fresh, &filters, cursor, &want[consumed..], &context).await;
            let resized = filters.clone().page_size(7);
            let context = format!("restart after page {k} at page size 7");
            assert_resumes(&hris, &resized, cursor, &want[consumed..], &context).await;
        }
        assert_eq!(consumed, want.len());
    }
    assert_eq!(kombo.stats().retries, 0);
    assert_no_violations(&server);
}

#[tokio::test]
async fn cursors_survive_a_restart_of_the_server_and_are_bound_to_their_filters() {
    let filters = Filters::default().include_deleted(true).page_size(30);
    let (cursors, want) = {
        let server = start(builder()).await;
        let pages = pages_by_hand(&hris(&client(&server), &server), &filters).await;
        let want = filters.expected(&server, &[]);
        (
            pages
                .into_iter()
                .map(|(rows, next)| (rows.len(), next))
                .collect::<Vec<_>>(),
            want,
        )
    }; // the first server is dropped here
    let server = start(builder()).await;
    let kombo = client(&server);
    let hris = hris(&kombo, &server);
    let mut consumed = 0;
    for (k, (len, next)) in cursors.iter().enumerate() {
        consumed += len;
        let Some(cursor) = next else { break };
        let context = format!("after page {k} on a restarted server");
        assert_resumes(&hris, &filters, cursor, &want[consumed..], &context).await;
    }
    // A cursor sent with other filters is refused, not silently reinterpreted.
    let cursor = cursors[0].1.clone().expect("a second page");
    let error = hris
        .staffing_entity_skills()
        .include_deleted(false)
        .page_size(30)
        .cursor(cursor)
        .send()
        .await
        .expect_err("filters changed");
    assert!(status_is(&error, 400), "{error:?}");
    assert_eq!(error.code(), Some("PLATFORM.INPUT_INVALID"));
    assert!(!error.is_retryable());
    assert_no_violations(&server);
}

/// Records the waits the client asks for (the waits are real, capped so the test stays fast).
#[derive(Debug, Default)]
struct RecordingSleeper {
    waits: Mutex<Vec<Duration>>,
}

impl Sleeper for RecordingSleeper {
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        self.waits.lock().unwrap().push(duration);
        Box::pin(tokio::time::sleep(duration.min(Duration::from_millis(10))))
    }
}

/// The mock's rate-limit fault, as the mock writes it, is waited out as it advertises and the
/// listing completes within the contract. Which header wins when both are present is a protocol
/// rule, tested on wiremock (`retry_after_wins_over_ratelimit_reset` in the library's tests).
#[tokio::test]
async fn the_mocks_rate_limit_fault_is_waited_out_as_it_advertises() {
    let rule = Fault::RateLimit {
        limit: 5,
        reset: Duration::from_secs(9),
        retry_after: Some(Duration::from_secs(2)),
    }
    .every(4);
    let server = start(builder().fault(Route::KOMBO_LIST, rule)).await;
    let sleeper = Arc::new(RecordingSleeper::default());
    let kombo = Kombo::builder()
        .api_key(server.kombo().api_key().to_owned())
        .base_url(server.kombo().base_url())
        .retry_policy(fast_retries())
        .sleeper(sleeper.clone())
        .build()
        .unwrap();
    let got = list_rows(hris(&kombo, &server).staffing_entity_skills().page_size(20))
        .await
        .expect("recovered");
    assert_same_rows(&got, &Filters::default().expected(&server, &[]), "rate limited");
    let waits = sleeper.waits.lock().unwrap().clone();
    assert!(!waits.is_empty());
    assert!(
        waits.iter().all(|w| *w == Duration::from_secs(2)),
        "the wait is the fault's Retry-After (2 s), not its reset (9 s): {waits:?}"
    );
    assert_eq!(waits.len() as u64, kombo.stats().retries);
    assert_no_violations(&server);
}
