//! What the sync tests share: a mirror in memory that can fail or hang on a chosen page, scratch
//! directories, and the server's side of the story to compare a mirror with.
// Each test binary uses its own subset of these helpers.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use futures::future::BoxFuture;
use skillbridge::kombo::StaffingEntitySkill;
use skillbridge::sync::{Change, CheckpointStore, Record, Sink, Summary, SyncError};
use skillbridge_mock::MockServer;
use tokio::sync::Notify;

type Hook = Box<dyn FnMut() -> BoxFuture<'static, ()> + Send>;

/// A mirror in memory, idempotent by id. The `n`th call of `apply` (counting every call) can be
/// made to fail once ([`fail_on_page`](Self::fail_on_page)) or to never return, as if the process
/// died while applying it ([`hang_on_page`](Self::hang_on_page)).
pub(crate) struct MemorySink<T: Record> {
    rows: BTreeMap<String, T>,
    applied: Vec<Vec<String>>,
    refused: Vec<String>,
    calls: u64,
    fail_on: Option<u64>,
    hang_on: Option<u64>,
    hung: Arc<Notify>,
    hooks: Vec<(u64, Hook)>,
}

impl<T: Record> Default for MemorySink<T> {
    fn default() -> Self {
        Self {
            rows: BTreeMap::new(),
            applied: Vec::new(),
            refused: Vec::new(),
            calls: 0,
            fail_on: None,
            hang_on: None,
            hung: Arc::new(Notify::new()),
            hooks: Vec::new(),
        }
    }
}

impl<T: Record + Clone> MemorySink<T> {
    /// The records the mirror holds, by id.
    pub(crate) fn live(&self) -> BTreeMap<String, T> {
        self.rows.clone()
    }
}

impl<T: Record> MemorySink<T> {
    /// The `call`th `apply` fails (once).
    pub(crate) fn fail_on_page(&mut self, call: u64) {
        self.fail_on = Some(self.calls + call);
    }

    /// The `call`th `apply` never returns; [`hung`](Self::hung) is notified when it starts.
    pub(crate) fn hang_on_page(&mut self, call: u64) {
        self.hang_on = Some(self.calls + call);
    }

    /// Notified when a hanging `apply` starts.
    pub(crate) fn hung(&self) -> Arc<Notify> {
        Arc::clone(&self.hung)
    }

    /// Runs `hook` after the `call`th `apply` succeeded, before it returns.
    pub(crate) fn on_page(&mut self, call: u64, hook: impl FnMut() -> BoxFuture<'static, ()> + Send + 'static) {
        self.hooks.push((self.calls + call, Box::new(hook)));
    }

    /// Batches applied.
    pub(crate) fn pages_applied(&self) -> usize {
        self.applied.len()
    }

    /// The ids of the `n`th batch applied (1-based).
    pub(crate) fn delivered_on_page(&self, n: usize) -> Vec<String> {
        self.applied[n - 1].clone()
    }

    /// The ids of the batch that was refused.
    pub(crate) fn refused(&self) -> &[String] {
        &self.refused
    }

    /// Forgets a failure or hang that was set up and did not happen.
    pub(crate) fn disarm(&mut self) {
        self.fail_on = None;
        self.hang_on = None;
    }

    /// Every id ever delivered, in order, with repeats.
    pub(crate) fn delivered(&self) -> Vec<String> {
        self.applied.iter().flatten().cloned().collect()
    }
}

impl<T: Record + Clone> Sink<T> for MemorySink<T> {
    type Error = std::io::Error;

    async fn apply(&mut self, changes: &[Change<T>]) -> Result<(), std::io::Error> {
        self.calls += 1;
        let ids: Vec<String> = changes.iter().map(|c| c.id().as_ref().to_owned()).collect();
        if self.fail_on == Some(self.calls) {
            self.refused = ids;
            return Err(std::io::Error::other("the mirror is full"));
        }
        if self.hang_on == Some(self.calls) {
            self.hung.notify_one();
            std::future::pending::<()>().await;
        }
        for change in changes {
            match change {
                Change::Upsert(record) => {
                    self.rows.insert(record.id().as_ref().to_owned(), record.clone());
                }
                Change::Delete(id) => {
                    self.rows.remove(id.as_ref());
                }
            }
        }
        self.applied.push(ids);
        let calls = self.calls;
        for (_, hook) in self.hooks.iter_mut().filter(|(at, _)| *at == calls) {
            hook().await;
        }
        Ok(())
    }
}

/// How an attempt ended.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Attempt {
    Completed,
    Failed,
    Killed,
}

/// Runs `run` into `(sink, store)`, failing or killing it at the sink's `interrupt` call; a kill
/// drops the run and the store, and the store is opened again from disk by `reopen`.
pub(crate) async fn attempt<T, C, F>(
    mut destination: (MemorySink<T>, C),
    interrupt: Option<(u64, bool)>,
    run: F,
    reopen: impl Fn() -> C,
) -> ((MemorySink<T>, C), Attempt)
where
    T: Record + Clone,
    C: CheckpointStore,
    F: AsyncFnOnce(&mut (MemorySink<T>, C)) -> Result<Summary, SyncError>,
{
    match interrupt {
        Some((page, true)) => destination.0.hang_on_page(page),
        Some((page, false)) => destination.0.fail_on_page(page),
        None => {}
    }
    let hung = destination.0.hung();
    let outcome = tokio::select! {
        outcome = run(&mut destination) => Some(outcome),
        () = hung.notified() => None,
    };
    destination.0.disarm();
    match outcome {
        Some(Ok(_)) => (destination, Attempt::Completed),
        Some(Err(SyncError::Sink(_))) => (destination, Attempt::Failed),
        Some(Err(other)) => panic!("only the sink fails here: {other:?}"),
        None => {
            // The process died: the store is closed (its lock released) and read again from disk.
            let (sink, store) = destination;
            drop(store);
            ((sink, reopen()), Attempt::Killed)
        }
    }
}

/// A directory of its own under the system's temporary directory, removed when dropped.
pub(crate) struct Scratch(PathBuf);

impl Scratch {
    pub(crate) fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!(
            "skillbridge-sync-{name}-{}-{}",
            std::process::id(),
            fastrand_suffix()
        ));
        std::fs::create_dir_all(&dir).expect("scratch directory");
        Self(dir)
    }

    pub(crate) fn file(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn fastrand_suffix() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default()
}

/// Every record the mock's Kombo side lists and has not deleted, as the client decodes it.
pub(crate) fn live_kombo_records(server: &MockServer) -> BTreeMap<String, StaffingEntitySkill> {
    let kombo = server.kombo();
    (0..kombo.expectations_count())
        .filter_map(|i| kombo.expectation(i))
        .filter(|e| e.remote_deleted_at.is_none())
        .map(|e| {
            let record: StaffingEntitySkill =
                serde_json::from_value(serde_json::to_value(&e).expect("serializes")).expect("decodes");
            (e.id, record)
        })
        .collect()
}

/// A row of the SQLite mirror's Kombo table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct KomboRow {
    pub(crate) entity: String,
    pub(crate) skill: String,
    pub(crate) level: Option<u8>,
    pub(crate) deleted: bool,
}

/// The SQLite mirror's Kombo table, by id.
pub(crate) fn kombo_rows(connection: &skillbridge::sync::sqlite::Connection) -> BTreeMap<String, KomboRow> {
    let mut statement = connection
        .prepare("SELECT id, staffing_entity_id, skill_id, expected_level, deleted FROM kombo_staffing_entity_skills")
        .expect("the table exists");
    statement
        .query_map([], |row| {
            Ok((
                row.get::<_, String>(0)?,
                KomboRow {
                    entity: row.get(1)?,
                    skill: row.get(2)?,
                    level: row.get(3)?,
                    deleted: row.get::<_, i64>(4)? != 0,
                },
            ))
        })
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows")
}

/// An employee as the mirror's tests compare them: each cluster's id, name and level, sorted.
pub(crate) type Clusters = Vec<(String, String, i64)>;

/// What the mock's TechWolf side exports now, projected to [`Clusters`] by `external_id`.
pub(crate) fn server_employees(server: &MockServer) -> BTreeMap<String, Clusters> {
    server
        .techwolf()
        .employees()
        .map(|employee| {
            let json = serde_json::to_value(&employee).expect("serializes");
            let mut clusters: Clusters = json["skill_clusters"]
                .as_array()
                .expect("a list")
                .iter()
                .map(|c| {
                    (
                        c["skill_cluster_id"].as_str().expect("an id").to_owned(),
                        c["skill_cluster_name"].as_str().expect("a name").to_owned(),
                        c["proficiency_level"].as_i64().expect("a level"),
                    )
                })
                .collect();
            clusters.sort();
            (employee.external_id, clusters)
        })
        .collect()
}

/// A mirror of employees projected to [`Clusters`].
pub(crate) fn mirrored_employees(
    rows: &BTreeMap<String, skillbridge::techwolf::EmployeeSkillClusters>,
) -> BTreeMap<String, Clusters> {
    rows.iter()
        .map(|(id, employee)| {
            let mut clusters: Clusters = employee
                .skill_clusters
                .iter()
                .map(|c| {
                    (
                        c.skill_cluster_id.to_string(),
                        c.skill_cluster_name.clone(),
                        c.proficiency_level,
                    )
                })
                .collect();
            clusters.sort();
            (id.clone(), clusters)
        })
        .collect()
}
