//! The sync engine on TechWolf's export, against the embedded mock over real HTTP on 127.0.0.1:
//! changes found by comparing each export with the last, employees gone from the export deleted,
//! a killed run resumed, and the SQLite mirror's rows.

use crate::common;
use crate::sync_common;

use std::collections::BTreeMap;

use common::{start, techwolf_client};
use skillbridge::sync::sqlite::{SqliteMirror, SqliteStore};
use skillbridge::sync::{Mode, SyncError};
use skillbridge::techwolf::{EmployeeSkillClusters, Include, TechWolf};
use skillbridge_mock::{MockServer, Route};
use sync_common::{Attempt, Clusters, MemorySink, Scratch, attempt, mirrored_employees, server_employees};

const LIMIT: u32 = 7;

async fn server(employees: u64) -> MockServer {
    start(MockServer::builder().seed(5).employees(employees).contract_checks(true)).await
}

fn sync(techwolf: &TechWolf) -> skillbridge::techwolf::SyncEmployeeSkillClusters {
    techwolf.employee_skill_clusters().limit(LIMIT).sync()
}

fn export_requests(server: &MockServer) -> u64 {
    server
        .request_log()
        .iter()
        .filter(|request| request.route == Some(Route::TECHWOLF_EXPORT))
        .count() as u64
}

#[tokio::test]
async fn each_run_exports_everything_and_delivers_only_what_changed_and_who_left() {
    let server = server(30).await;
    let techwolf = techwolf_client(&server);
    let scratch = Scratch::new("techwolf-changes");
    let store = SqliteStore::open(scratch.file("state.db"), "employees").unwrap();
    let mut destination = (MemorySink::<EmployeeSkillClusters>::default(), store);

    let first = sync(&techwolf).run(&mut destination).await.unwrap();
    assert_eq!(first.mode, Mode::Full);
    assert_eq!(
        (first.upserted, first.deleted, first.pages),
        (30, 0, 30_u64.div_ceil(u64::from(LIMIT)))
    );
    let delivered = destination.0.delivered();
    let mut unique = delivered.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), delivered.len(), "each employee delivered once");
    assert_eq!(mirrored_employees(&destination.0.live()), server_employees(&server));

    let unchanged = sync(&techwolf).run(&mut destination).await.unwrap();
    assert_eq!((unchanged.upserted, unchanged.deleted), (0, 0), "{unchanged:?}");
    assert_eq!(
        unchanged.pages, first.pages,
        "the export has no change filter: every page again"
    );

    let ids: Vec<String> = server.techwolf().employees().map(|e| e.external_id).collect();
    for id in &ids[..3] {
        assert!(server.techwolf().change_employee(id));
    }
    for id in &ids[10..12] {
        assert!(server.techwolf().remove_employee(id));
    }
    server.techwolf().add_employees(4);
    let changed = sync(&techwolf).run(&mut destination).await.unwrap();
    assert_eq!((changed.upserted, changed.deleted), (3 + 4, 2), "{changed:?}");
    assert_eq!(mirrored_employees(&destination.0.live()), server_employees(&server));
    common::assert_no_violations(&server);
}

#[tokio::test]
async fn a_killed_export_run_resumes_after_the_last_acknowledged_page() {
    let server = server(30).await;
    let techwolf = techwolf_client(&server);
    let scratch = Scratch::new("techwolf-killed");
    let path = scratch.file("cp.json");
    let pages = 30_u64.div_ceil(u64::from(LIMIT));
    let reopen = || skillbridge::sync::FileCheckpointStore::open(&path).unwrap();
    let destination = (MemorySink::<EmployeeSkillClusters>::default(), reopen());
    let killed = techwolf.employee_skill_clusters().limit(LIMIT).read_ahead(0).sync();
    let run = async |d: &mut (
        MemorySink<EmployeeSkillClusters>,
        skillbridge::sync::FileCheckpointStore,
    )| killed.run(d).await;
    let (mut destination, outcome) = attempt(destination, Some((3, true)), run, reopen).await;
    assert_eq!(outcome, Attempt::Killed);
    server.clear_request_log();
    let resumed = sync(&techwolf).run(&mut destination).await.unwrap();
    assert!(resumed.resumed);
    assert_eq!(resumed.pages, pages - 2);
    assert_eq!(export_requests(&server), pages - 2);
    assert_eq!(mirrored_employees(&destination.0.live()), server_employees(&server));
}

#[tokio::test]
async fn the_sqlite_mirror_holds_one_row_per_employee_and_cluster() {
    let server = server(25).await;
    let techwolf = techwolf_client(&server);
    let scratch = Scratch::new("techwolf-sqlite");
    let path = scratch.file("mirror.db");
    let mut mirror = SqliteMirror::<EmployeeSkillClusters>::open(&path).unwrap();
    sync(&techwolf).run(&mut mirror).await.unwrap();
    let gone = server.techwolf().employees().next().unwrap().external_id;
    server.techwolf().remove_employee(&gone);
    let changed = server.techwolf().employees().nth(5).unwrap().external_id;
    server.techwolf().change_employee(&changed);
    let second = sync(&techwolf).run(&mut mirror).await.unwrap();
    assert_eq!((second.upserted, second.deleted), (1, 1), "{second:?}");

    let mut rows: BTreeMap<String, Clusters> = BTreeMap::new();
    let connection = mirror.store().connection();
    let mut statement = connection
        .prepare("SELECT external_id, skill_cluster_id, skill_cluster_name, proficiency_level FROM techwolf_employee_skill_clusters")
        .unwrap();
    let found = statement
        .query_map([], |row| {
            Ok((row.get::<_, String>(0)?, (row.get(1)?, row.get(2)?, row.get(3)?)))
        })
        .unwrap();
    for row in found {
        let (id, cluster) = row.unwrap();
        rows.entry(id).or_default().push(cluster);
    }
    rows.values_mut().for_each(|clusters| clusters.sort());
    let expected: BTreeMap<String, Clusters> = server_employees(&server)
        .into_iter()
        .filter(|(_, clusters)| !clusters.is_empty())
        .collect();
    assert_eq!(rows, expected, "employees without clusters have no rows");
}

#[tokio::test]
async fn a_sync_bound_to_other_includes_is_refused_and_starting_after_is_the_engines() {
    let server = server(10).await;
    let techwolf = techwolf_client(&server);
    let scratch = Scratch::new("techwolf-scope");
    let mut destination = (
        MemorySink::<EmployeeSkillClusters>::default(),
        skillbridge::sync::FileCheckpointStore::open(scratch.file("cp.json")).unwrap(),
    );
    sync(&techwolf).run(&mut destination).await.unwrap();
    let with_sources = techwolf.employee_skill_clusters().include([Include::Sources]).sync();
    let refused = with_sources.run(&mut destination).await.unwrap_err();
    assert!(matches!(refused, SyncError::ScopeMismatch { .. }), "{refused:?}");
    let started = techwolf.employee_skill_clusters().starting_after("someone").sync();
    let refused = started.run(&mut destination).await.unwrap_err();
    assert!(
        matches!(
            refused,
            SyncError::Api(skillbridge::Error::InvalidInput {
                field: "starting_after",
                ..
            })
        ),
        "{refused:?}"
    );
}
