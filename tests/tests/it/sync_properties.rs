//! The sync engine's guarantee as a property: whatever the server does between runs and wherever a
//! run is interrupted (the sink failing on a page, or the process killed while a page is applied:
//! the run dropped and the store reopened from disk), once a run completes the mirror holds every
//! record as the server had it when that run started. Records the server changed after the start
//! may lag; the next completed run catches them. With no such change, the mirror equals the
//! server's live listing (Kombo) or export (TechWolf) exactly.

use crate::common;
use crate::sync_common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::time::Duration;

use common::{hris, kombo_client, start, techwolf_client};
use proptest::prelude::*;
use skillbridge::kombo::{Integration, StaffingEntitySkill};
use skillbridge::sync::sqlite::SqliteStore;
use skillbridge::sync::{CheckpointStore, FileCheckpointStore};
use skillbridge::techwolf::{EmployeeSkillClusters, TechWolf};
use skillbridge_mock::MockServer;
use sync_common::{Attempt, MemorySink, Scratch, attempt, live_kombo_records, mirrored_employees, server_employees};

/// What happens next: a change on the server (`target` picks the record), or a run.
#[derive(Debug, Clone)]
enum Step {
    /// A change at the source; `kind` picks which.
    Change { kind: u8, target: usize },
    /// A run, interrupted on its `page`th sink call (when it gets that far) by a failure or a kill.
    Run { interrupt: Option<(u64, bool)>, full: bool },
}

fn steps() -> impl Strategy<Value = Vec<Step>> {
    let step = prop_oneof![
        (0_u8..3, 0_usize..1000).prop_map(|(kind, target)| Step::Change { kind, target }),
        (
            proptest::option::of((1_u64..8, any::<bool>())),
            proptest::bool::weighted(0.15)
        )
            .prop_map(|(interrupt, full)| Step::Run { interrupt, full }),
    ];
    proptest::collection::vec(step, 1..16)
}

/// Whether the store holds a run under way (a resumed run keeps that run's start).
fn run_under_way(store: &mut impl CheckpointStore) -> bool {
    store.load().unwrap().is_some_and(|checkpoint| checkpoint.run.is_some())
}

/// Checks, after a completed run, every record the server did not touch since the run started.
fn assert_mirrors<V: PartialEq + std::fmt::Debug>(
    mirror: &BTreeMap<String, V>,
    server: &BTreeMap<String, V>,
    touched: &BTreeSet<String>,
) {
    for id in mirror.keys().chain(server.keys()) {
        if !touched.contains(id) {
            assert_eq!(mirror.get(id), server.get(id), "record {id}");
        }
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

fn kombo_sync(hris: &Integration, full: bool, read_ahead: usize) -> skillbridge::kombo::SyncStaffingEntitySkills {
    hris.staffing_entity_skills()
        .page_size(5)
        .read_ahead(read_ahead)
        .sync()
        // A millisecond-stamped server and a nanosecond watermark need a margin; a small one keeps
        // redelivery (harmless) rare.
        .clock_skew_margin(Duration::from_millis(50))
        .full(full)
}

async fn kombo_story(steps: Vec<Step>, dir: &Path) {
    let server = start(
        MockServer::builder()
            .seed(3)
            .staffing_entities(12)
            .skills_per_entity(3)
            .skill_catalog(10),
    )
    .await;
    let hris = hris(&kombo_client(&server), &server);
    let path = dir.join("kombo.json");
    let reopen = || FileCheckpointStore::open(&path).unwrap();
    let mut destination = (MemorySink::<StaffingEntitySkill>::default(), reopen());
    let mut touched = BTreeSet::new();
    let ids: Vec<String> = server.kombo().expectations().map(|e| e.id).collect();
    for step in steps.into_iter().chain([Step::Run {
        interrupt: None,
        full: false,
    }]) {
        match step {
            Step::Change { kind, target } => {
                let id = &ids[target % ids.len()];
                let changed = match kind {
                    0 => server.kombo().delete_expectation(id),
                    // An upsert at the source: a level set (restoring a deleted record), or cleared.
                    1 => server.kombo().set_expected_level(id, Some(1 + (target % 5) as u8)),
                    _ => server.kombo().set_expected_level(id, None),
                };
                if changed {
                    touched.insert(id.clone());
                }
            }
            Step::Run { interrupt, full } => {
                if !run_under_way(&mut destination.1) {
                    touched.clear();
                }
                let read_ahead = usize::from(interrupt.is_none());
                let sync = kombo_sync(&hris, full, read_ahead);
                let run = async |d: &mut (MemorySink<StaffingEntitySkill>, FileCheckpointStore)| sync.run(d).await;
                let (after, outcome) = attempt(destination, interrupt, run, reopen).await;
                destination = after;
                if let Attempt::Completed = outcome {
                    assert_mirrors(&destination.0.live(), &live_kombo_records(&server), &touched);
                }
            }
        }
    }
    // The last step ran uninterrupted; with nothing changed since its start the mirror is exact.
    if touched.is_empty() {
        assert_eq!(destination.0.live(), live_kombo_records(&server));
    }
}

async fn techwolf_story(steps: Vec<Step>, dir: &Path) {
    let server = start(MockServer::builder().seed(4).employees(20)).await;
    let techwolf: TechWolf = techwolf_client(&server);
    let path = dir.join("techwolf.db");
    let reopen = || SqliteStore::open(&path, "employees").unwrap();
    let mut destination = (MemorySink::<EmployeeSkillClusters>::default(), reopen());
    let mut touched = BTreeSet::new();
    for step in steps.into_iter().chain([Step::Run {
        interrupt: None,
        full: false,
    }]) {
        match step {
            Step::Change { kind, target } => {
                let ids: Vec<String> = server.techwolf().employees().map(|e| e.external_id).collect();
                match (kind, ids.get(target % ids.len().max(1))) {
                    (0, Some(id)) if server.techwolf().remove_employee(id) => {
                        touched.insert(id.clone());
                    }
                    (1, Some(id)) if server.techwolf().change_employee(id) => {
                        touched.insert(id.clone());
                    }
                    _ => {
                        server.techwolf().add_employees(1);
                        let added = server.techwolf().employees().last().unwrap().external_id;
                        touched.insert(added);
                    }
                }
            }
            Step::Run { interrupt, .. } => {
                if !run_under_way(&mut destination.1) {
                    touched.clear();
                }
                let read_ahead = usize::from(interrupt.is_none());
                let sync = techwolf
                    .employee_skill_clusters()
                    .limit(4)
                    .read_ahead(read_ahead)
                    .sync();
                let run = async |d: &mut (MemorySink<EmployeeSkillClusters>, SqliteStore)| sync.run(d).await;
                let (after, outcome) = attempt(destination, interrupt, run, reopen).await;
                destination = after;
                if let Attempt::Completed = outcome {
                    assert_mirrors(
                        &mirrored_employees(&destination.0.live()),
                        &server_employees(&server),
                        &touched,
                    );
                }
            }
        }
    }
    if touched.is_empty() {
        assert_eq!(mirrored_employees(&destination.0.live()), server_employees(&server));
    }
}

proptest! {
    // Each case starts a server and makes a few dozen requests on loopback.
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    #[test]
    fn a_kombo_mirror_survives_any_interruption_and_any_change_between_runs(steps in steps()) {
        let scratch = Scratch::new("kombo-property");
        runtime().block_on(kombo_story(steps, &scratch.file("")));
    }

    #[test]
    fn a_techwolf_mirror_survives_any_interruption_and_any_change_between_runs(steps in steps()) {
        let scratch = Scratch::new("techwolf-property");
        runtime().block_on(techwolf_story(steps, &scratch.file("")));
    }
}
