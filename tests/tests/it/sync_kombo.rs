//! The sync engine against the embedded mock over real HTTP on 127.0.0.1: Kombo's incremental
//! sync, resumption after a failed or killed run, and the typed errors that leave a mirror untouched.

use crate::common;
use crate::sync_common;

use std::time::Duration;

use common::{hris, kombo_client, start};
use skillbridge::kombo::{ExpectedLevel, Integration, SkillExpectation, StaffingEntitySkill};
use skillbridge::sync::{FileCheckpointStore, Mode, SyncError};
use skillbridge_mock::{MockServer, MockServerBuilder, Route};
use sync_common::{Attempt, MemorySink, Scratch, attempt, live_kombo_records};

/// 160 expectations (about 5 % deleted) over 40 entities: 7 pages of 25 with `include_deleted`.
fn builder() -> MockServerBuilder {
    MockServer::builder()
        .seed(11)
        .staffing_entities(40)
        .skills_per_entity(4)
        .skill_catalog(25)
        .contract_checks(true)
}

const PAGE: u32 = 25;

/// A sync of everything, page size [`PAGE`], with no clock-skew margin so that counts are exact.
fn sync(hris: &Integration) -> skillbridge::kombo::SyncStaffingEntitySkills {
    hris.staffing_entity_skills()
        .page_size(PAGE)
        .sync()
        .clock_skew_margin(Duration::ZERO)
}

/// Listing requests in the request log (cleared before the run under test).
fn list_requests(server: &MockServer) -> u64 {
    server
        .request_log()
        .iter()
        .filter(|request| request.route == Some(Route::KOMBO_LIST))
        .count() as u64
}

fn pages_for(records: u64) -> u64 {
    records.div_ceil(u64::from(PAGE)).max(1)
}

#[tokio::test]
async fn a_first_run_mirrors_everything_and_the_next_is_incremental_and_finds_nothing() {
    let server = start(builder()).await;
    let hris = hris(&kombo_client(&server), &server);
    let scratch = Scratch::new("first-run");
    let mut destination = (
        MemorySink::default(),
        FileCheckpointStore::open(scratch.file("cp.json")).unwrap(),
    );

    let first = sync(&hris).run(&mut destination).await.unwrap();
    let total = server.kombo().expectations_count();
    let live = live_kombo_records(&server);
    assert_eq!(first.mode, Mode::Full);
    assert!(!first.resumed);
    assert_eq!(first.pages, pages_for(total));
    assert_eq!(first.upserted, live.len() as u64);
    assert_eq!(
        first.deleted,
        total - live.len() as u64,
        "deleted records come as deletes"
    );
    assert_eq!(destination.0.live(), live, "the mirror equals the live listing");

    server.clear_request_log();
    let second = sync(&hris).run(&mut destination).await.unwrap();
    assert_eq!(second.mode, Mode::Incremental);
    assert_eq!((second.upserted, second.deleted, second.pages), (0, 0, 1));
    let request = &server.request_log()[0];
    assert_eq!(request.query_param("include_deleted").as_deref(), Some("true"));
    assert!(request.query_param("updated_after").is_some(), "{request:?}");
    assert_eq!(destination.0.live(), live);
    common::assert_no_violations(&server);
}

#[tokio::test]
async fn an_upsert_and_a_change_made_during_a_run_reach_the_mirror_on_the_next_incremental_run() {
    let server = start(builder()).await;
    let hris = hris(&kombo_client(&server), &server);
    let scratch = Scratch::new("during-run");
    let store = FileCheckpointStore::open(scratch.file("cp.json")).unwrap();
    let mut destination = (MemorySink::default(), store);
    sync(&hris).run(&mut destination).await.unwrap();

    // Between runs: a changed level on an existing record.
    let existing = server.kombo().expectation(0).unwrap();
    let level = if existing.expected_level == Some(5) { 1 } else { 5 };
    hris.upsert_staffing_entity_skill(
        SkillExpectation::new(existing.staffing_entity_id.as_str(), existing.skill_id.as_str())
            .expected_level(ExpectedLevel::new(level).unwrap()),
    )
    .await
    .unwrap();
    // During the next run, after its first page: a change on the first record of the listing,
    // which that run has already passed.
    let passed = server.kombo().expectation(1).unwrap();
    let (client, entity, skill) = (hris.clone(), passed.staffing_entity_id.clone(), passed.skill_id.clone());
    destination.0.on_page(1, move || {
        let (client, entity, skill) = (client.clone(), entity.clone(), skill.clone());
        Box::pin(async move {
            client
                .upsert_staffing_entity_skill(SkillExpectation::new(entity.as_str(), skill.as_str()))
                .await
                .unwrap();
        })
    });
    let during = sync(&hris).full(true).run(&mut destination).await.unwrap();
    assert_eq!(during.mode, Mode::Full);
    assert_ne!(
        destination.0.live().get(passed.id.as_str()).map(|r| r.expected_level),
        Some(None),
        "the change made after its page was listed is not in this run"
    );

    let applied_before = destination.0.pages_applied();
    let next = sync(&hris).run(&mut destination).await.unwrap();
    assert_eq!(next.mode, Mode::Incremental);
    // The change made during the last run, and at most the one made just before it started (its
    // stamp may share the second of `updated_after`): delivery is at least once.
    assert!((1..=2).contains(&next.upserted), "{next:?}");
    let delivered_now: Vec<String> = (applied_before + 1..=destination.0.pages_applied())
        .flat_map(|page| destination.0.delivered_on_page(page))
        .collect();
    assert!(delivered_now.contains(&passed.id), "{delivered_now:?}");
    assert_eq!(destination.0.live(), live_kombo_records(&server));
}

#[tokio::test]
async fn a_run_whose_sink_fails_stops_there_and_the_next_run_resumes_at_that_page() {
    let server = start(builder()).await;
    let hris = hris(&kombo_client(&server), &server);
    let scratch = Scratch::new("sink-fails");
    let mut destination = (
        MemorySink::default(),
        FileCheckpointStore::open(scratch.file("cp.json")).unwrap(),
    );
    destination.0.fail_on_page(3);

    // No read-ahead on the failing run, so that no page it requested ahead lands in the request log
    // of the resumed run.
    let failing = hris.staffing_entity_skills().page_size(PAGE).read_ahead(0).sync();
    let error = failing.run(&mut destination).await.unwrap_err();
    assert!(matches!(error, SyncError::Sink(_)), "{error:?}");
    assert_eq!(destination.0.pages_applied(), 2, "the failed page was not applied");
    let failed_page = destination.0.refused().to_vec();
    assert_eq!(failed_page.len(), PAGE as usize);

    server.clear_request_log();
    let resumed = sync(&hris).run(&mut destination).await.unwrap();
    let total = server.kombo().expectations_count();
    assert!(resumed.resumed);
    assert_eq!(resumed.mode, Mode::Full);
    assert_eq!(
        resumed.pages,
        pages_for(total) - 2,
        "only the pages after the acknowledged ones"
    );
    assert_eq!(list_requests(&server), resumed.pages);
    let first = &server.request_log()[0];
    assert!(first.query_param("cursor").is_some(), "resumed at a cursor: {first:?}");
    assert_eq!(
        destination.0.delivered_on_page(3),
        failed_page,
        "the refused page is delivered again, first"
    );
    assert_eq!(destination.0.live(), live_kombo_records(&server));
}

#[tokio::test]
async fn a_run_killed_after_any_page_resumes_after_the_last_acknowledged_one() {
    let server = start(builder()).await;
    let hris = hris(&kombo_client(&server), &server);
    let total = server.kombo().expectations_count();
    for killed_at in 1..=pages_for(total) {
        let scratch = Scratch::new(&format!("killed-{killed_at}"));
        let path = scratch.file("cp.json");
        // The process dies while the sink applies page `killed_at`: the run is dropped and the
        // store opened again from disk. No read-ahead on the killed run (see above).
        let reopen = || FileCheckpointStore::open(&path).unwrap();
        let mut destination = (MemorySink::default(), reopen());
        let killed = hris.staffing_entity_skills().page_size(PAGE).read_ahead(0).sync();
        let run = async |d: &mut (MemorySink<StaffingEntitySkill>, FileCheckpointStore)| killed.run(d).await;
        let (after, outcome) = attempt(destination, Some((killed_at, true)), run, reopen).await;
        assert_eq!(outcome, Attempt::Killed);
        destination = after;
        server.clear_request_log();
        let resumed = sync(&hris).run(&mut destination).await.unwrap();
        assert_eq!(resumed.resumed, killed_at > 1, "killed at page {killed_at}");
        assert_eq!(
            resumed.pages,
            pages_for(total) - (killed_at - 1),
            "killed at page {killed_at}"
        );
        assert_eq!(list_requests(&server), resumed.pages, "killed at page {killed_at}");
        assert_eq!(
            destination.0.live(),
            live_kombo_records(&server),
            "killed at page {killed_at}"
        );
    }
}

#[tokio::test]
async fn a_forced_full_run_abandons_an_interrupted_run_and_starts_over() {
    let server = start(builder()).await;
    let hris = hris(&kombo_client(&server), &server);
    let scratch = Scratch::new("forced-full");
    let mut destination = (
        MemorySink::default(),
        FileCheckpointStore::open(scratch.file("cp.json")).unwrap(),
    );
    destination.0.fail_on_page(3);
    let failing = hris.staffing_entity_skills().page_size(PAGE).read_ahead(0).sync();
    assert!(matches!(failing.run(&mut destination).await, Err(SyncError::Sink(_))));

    server.clear_request_log();
    let over = sync(&hris).full(true).run(&mut destination).await.unwrap();
    let total = server.kombo().expectations_count();
    assert!(!over.resumed);
    assert_eq!((over.mode, over.pages), (Mode::Full, pages_for(total)));
    assert!(
        server.request_log()[0].query_param("cursor").is_none(),
        "from the first page"
    );
    assert_eq!(destination.0.live(), live_kombo_records(&server));
}

#[tokio::test]
async fn a_corrupt_or_foreign_checkpoint_and_a_second_run_are_typed_errors_that_touch_nothing() {
    let server = start(builder()).await;
    let hris = hris(&kombo_client(&server), &server);
    let scratch = Scratch::new("refusals");
    let path = scratch.file("cp.json");

    std::fs::write(
        &path,
        b"{\"format\":\"skillbridge-sync-checkpoint\",\"version\":1,\"checkpoint\":{",
    )
    .unwrap();
    let mut destination = (MemorySink::default(), FileCheckpointStore::open(&path).unwrap());
    let corrupt = sync(&hris).run(&mut destination).await.unwrap_err();
    assert!(
        matches!(&corrupt, SyncError::Corrupt { path: named, .. } if *named == path),
        "{corrupt:?}"
    );
    assert!(corrupt.to_string().contains("cp.json"), "{corrupt}");

    std::fs::write(&path, b"{\"format\":\"skillbridge-sync-checkpoint\",\"version\":9}").unwrap();
    let newer = sync(&hris).run(&mut destination).await.unwrap_err();
    assert!(
        matches!(
            newer,
            SyncError::UnknownVersion {
                found: 9,
                expected: 1,
                ..
            }
        ),
        "{newer:?}"
    );
    assert_eq!(
        std::fs::read(&path).unwrap(),
        b"{\"format\":\"skillbridge-sync-checkpoint\",\"version\":9}"
    );
    drop(destination);

    std::fs::remove_file(&path).unwrap();
    let mut destination = (MemorySink::default(), FileCheckpointStore::open(&path).unwrap());
    let every_entity = hris.staffing_entity_skills().page_size(PAGE).sync();
    every_entity.run(&mut destination).await.unwrap();
    let saved = std::fs::read(&path).unwrap();
    let one_entity = hris
        .staffing_entity_skills()
        .staffing_entity_ids([server.kombo().staffing_entity(0).unwrap().id])
        .sync();
    let foreign = one_entity.run(&mut destination).await.unwrap_err();
    assert!(matches!(foreign, SyncError::ScopeMismatch { .. }), "{foreign:?}");
    let other_integration = kombo_client(&server).integration("personio:another").unwrap();
    let foreign = other_integration
        .staffing_entity_skills()
        .sync()
        .run(&mut destination)
        .await
        .unwrap_err();
    assert!(matches!(foreign, SyncError::ScopeMismatch { .. }), "{foreign:?}");

    let second = FileCheckpointStore::open(&path).unwrap_err();
    assert!(matches!(second, SyncError::Locked { .. }), "{second:?}");

    let owned = hris.staffing_entity_skills().include_deleted(false).sync();
    let refused = owned.run(&mut destination).await.unwrap_err();
    assert!(
        matches!(
            refused,
            SyncError::Api(skillbridge::Error::InvalidInput {
                field: "include_deleted",
                ..
            })
        ),
        "{refused:?}"
    );

    assert_eq!(std::fs::read(&path).unwrap(), saved, "the checkpoint is untouched");
    assert_eq!(
        destination.0.pages_applied(),
        pages_for(server.kombo().expectations_count()) as usize
    );
    server.clear_request_log();
    drop(destination);
    let mut again = (MemorySink::default(), FileCheckpointStore::open(&path).unwrap());
    let fine = every_entity.run(&mut again).await.unwrap();
    assert_eq!(fine.mode, Mode::Incremental, "the lock went with the store");
}

#[tokio::test]
async fn the_sqlite_mirror_holds_the_listing_and_commits_rows_with_the_checkpoint() {
    use skillbridge::sync::sqlite::SqliteMirror;

    let server = start(builder()).await;
    let hris = hris(&kombo_client(&server), &server);
    let scratch = Scratch::new("sqlite-kombo");
    let path = scratch.file("mirror.db");
    let mut mirror = SqliteMirror::<StaffingEntitySkill>::open(&path).unwrap();
    let first = sync(&hris).run(&mut mirror).await.unwrap();
    assert_eq!(first.mode, Mode::Full);

    let rows = sync_common::kombo_rows(mirror.store().connection());
    let live = live_kombo_records(&server);
    assert_eq!(rows.values().filter(|r| !r.deleted).count(), live.len());
    assert_eq!(
        rows.len(),
        live.len(),
        "a record deleted before the mirror held it has no row"
    );
    for (id, record) in &live {
        let row = &rows[id];
        assert_eq!(
            (row.entity.as_str(), row.skill.as_str(), row.level),
            (
                record.staffing_entity_id.as_str(),
                record.skill_id.as_str(),
                record.expected_level.map(ExpectedLevel::get)
            ),
            "{id}"
        );
        assert!(!row.deleted);
    }
    drop(mirror);
    let mut mirror = SqliteMirror::<StaffingEntitySkill>::open(&path).unwrap();
    let second = sync(&hris).run(&mut mirror).await.unwrap();
    assert_eq!(
        (second.mode, second.upserted, second.deleted),
        (Mode::Incremental, 0, 0)
    );
    // A record the mirror holds is deleted upstream: its row stays, marked deleted.
    let gone = live.keys().next().unwrap().clone();
    assert!(server.kombo().delete_expectation(&gone));
    let third = sync(&hris).run(&mut mirror).await.unwrap();
    assert_eq!((third.upserted, third.deleted), (0, 1), "{third:?}");
    let rows = sync_common::kombo_rows(mirror.store().connection());
    assert!(rows[&gone].deleted, "{:?}", rows[&gone]);
    assert_eq!(rows.values().filter(|r| !r.deleted).count(), live.len() - 1);
    let busy = SqliteMirror::<StaffingEntitySkill>::open(&path).unwrap_err();
    assert!(matches!(busy, SyncError::Locked { .. }), "{busy:?}");
}

#[tokio::test]
async fn a_sqlite_mirror_cancelled_mid_group_keeps_what_it_acknowledged_and_resumes_after_it() {
    use skillbridge::sync::sqlite::{GROUP_PAGES, SqliteMirror};

    let server = start(builder()).await;
    let hris = hris(&kombo_client(&server), &server);
    let scratch = Scratch::new("sqlite-cancelled");
    let path = scratch.file("mirror.db");
    // Pages of 4: 40 pages, all in one open group (a second or 1,024 pages) when the run is cancelled.
    let total = server.kombo().expectations_count();
    let pages = total.div_ceil(4);
    assert!(pages < GROUP_PAGES as u64);
    let mirror = SqliteMirror::<StaffingEntitySkill>::open(&path).unwrap();
    let cancelled = hris.staffing_entity_skills().page_size(4).read_ahead(0).sync();
    let run = tokio::spawn(async move {
        let mut mirror = mirror;
        cancelled.run(&mut mirror).await
    });
    let stop_at = pages / 2;
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while server.request_count(Route::KOMBO_LIST) < stop_at {
        assert!(std::time::Instant::now() < deadline, "the run did not get going");
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    server.hold(Route::KOMBO_LIST);
    while server.held(Route::KOMBO_LIST) == 0 {
        assert!(std::time::Instant::now() < deadline, "the next request never came");
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    // What a power cut would leave now: the database and its log as they are on disk, with the
    // group still open (copied before the cancelled run's store commits it on drop).
    let crashed = scratch.file("crashed.db");
    std::fs::copy(&path, &crashed).unwrap();
    std::fs::copy(scratch.file("mirror.db-wal"), scratch.file("crashed.db-wal")).unwrap();
    run.abort();
    assert!(run.await.unwrap_err().is_cancelled());
    server.release(Route::KOMBO_LIST);

    // The crash lost the open group whole: rows and checkpoint are those of the last commit
    // (none at all when the run had not yet filled or aged a group), never one without the
    // other. The next run continues from there and ends with the server's records.
    let mut after_crash = SqliteMirror::<StaffingEntitySkill>::open(&crashed).unwrap();
    let committed = skillbridge::sync::Destination::<StaffingEntitySkill>::load(&mut after_crash).unwrap();
    let rows_at_crash = sync_common::kombo_rows(after_crash.store().connection()).len();
    assert_eq!(
        committed.is_some(),
        rows_at_crash > 0,
        "{committed:?}, {rows_at_crash} rows"
    );
    let redone = hris
        .staffing_entity_skills()
        .page_size(4)
        .sync()
        .run(&mut after_crash)
        .await
        .unwrap();
    assert_eq!(redone.resumed, committed.is_some());
    let rows = sync_common::kombo_rows(after_crash.store().connection());
    assert_eq!(rows.len(), live_kombo_records(&server).len());

    // Counted on arrival, so the held request of the cancelled run is already in `before`.
    let before = server.request_count(Route::KOMBO_LIST);
    let mut mirror = SqliteMirror::<StaffingEntitySkill>::open(&path).unwrap();
    let resumed = hris
        .staffing_entity_skills()
        .page_size(4)
        .sync()
        .run(&mut mirror)
        .await
        .unwrap();
    assert!(resumed.resumed);
    // Every page acknowledged before the cancel was kept (at least `stop_at - 1` of them; more may
    // have gone through before the hold took effect), the open group included.
    assert!(
        resumed.pages <= pages + 1 - stop_at,
        "after the last acknowledged page: {resumed:?}"
    );
    assert_eq!(server.request_count(Route::KOMBO_LIST) - before, resumed.pages);
    let rows = sync_common::kombo_rows(mirror.store().connection());
    let live = live_kombo_records(&server);
    assert_eq!(rows.len(), live.len());
    assert!(rows.values().all(|row| !row.deleted));
}
