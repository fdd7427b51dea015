//! What a sync run remembers, and the two traits that keep it: [`CheckpointStore`] (checkpoint and
//! ledger) and [`Destination`] (a sink and a store, committed page by page).

use std::future::Future;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Change, Record, Sink, SyncError};

/// How a run fetches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Everything, then a delete for every id the mirror was given and the listing no longer has.
    Full,
    /// Only what changed since the watermark.
    Incremental,
}

/// Where a sync stands: saved after every page a sink acknowledged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Checkpoint {
    /// What the checkpoint was made for (a vendor, an integration, the filters): a run for another
    /// scope is refused.
    pub scope: String,
    /// Changes made at or after this time may not be in the mirror yet: the start of the last
    /// completed run, minus the clock-skew margin.
    pub watermark: Option<DateTime<Utc>>,
    /// When the last completed full fetch started.
    pub last_full_fetch: Option<DateTime<Utc>>,
    /// The generation of the latest run; each new run takes the next one.
    pub generation: u64,
    /// The run under way, while one is: resumed by the next run.
    pub run: Option<RunState>,
}

impl Checkpoint {
    /// A checkpoint for a scope nothing was synced for yet.
    pub fn new(scope: impl Into<String>) -> Self {
        Self {
            scope: scope.into(),
            watermark: None,
            last_full_fetch: None,
            generation: 0,
            run: None,
        }
    }
}

/// A run that has not finished: enough to continue it where the sink last acknowledged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RunState {
    /// The run's mode.
    pub mode: Mode,
    /// When the run started (its watermark, once it completes).
    pub started: DateTime<Utc>,
    /// The lower bound on changes the run lists (`None` on a full run).
    pub since: Option<DateTime<Utc>>,
    /// The continuation after the last acknowledged page (`None`: from the first page).
    pub cursor: Option<String>,
    /// Whether every page was acknowledged (a full run then deletes what it did not see).
    pub listed: bool,
    /// The run's generation: the ledger marks every id the run saw with it.
    pub generation: u64,
}

/// One acknowledged step of a run: a page's changes (or a batch of a full run's deletions), what
/// the ledger learns from it, and the checkpoint after it. A [`Destination`] makes it durable.
#[derive(Debug)]
#[non_exhaustive]
pub struct Commit<T: Record> {
    /// The changes for the mirror, in order (may be empty).
    pub changes: Vec<Change<T>>,
    /// Ids the run saw, with their content hash, to mark with [`generation`](Self::generation).
    pub seen: Vec<(String, u64)>,
    /// Ids the mirror no longer holds.
    pub forgotten: Vec<String>,
    /// The generation of the run.
    pub generation: u64,
    /// The checkpoint once this step is applied.
    pub checkpoint: Checkpoint,
}

/// The durable state of a sync: a checkpoint and a ledger of the ids the mirror was given, each
/// with a content hash and the generation of the last run that saw it.
///
/// [`FileCheckpointStore`](super::FileCheckpointStore) is one; the `sqlite` feature adds
/// `sqlite::SqliteStore`. An implementation must refuse a second concurrent run on the same state
/// ([`SyncError::Locked`]), and report a checkpoint it cannot read as an error
/// ([`SyncError::Corrupt`], [`SyncError::UnknownVersion`]), never as no checkpoint.
pub trait CheckpointStore: Send {
    /// The saved checkpoint, or `None` when nothing was ever saved.
    fn load(&mut self) -> Result<Option<Checkpoint>, SyncError>;

    /// The content hashes the ledger holds for these ids (`None` for an id it does not hold), in
    /// the same order.
    fn hashes(&mut self, ids: &[&str]) -> Result<Vec<Option<u64>>, SyncError>;

    /// Up to `limit` ids the ledger holds that no run of `generation` or later saw.
    fn unseen(&mut self, generation: u64, limit: usize) -> Result<Vec<String>, SyncError>;

    /// Records a step's ledger entries and checkpoint (its changes went to the sink before),
    /// durably, all or nothing.
    fn save<T: Record>(&mut self, commit: &Commit<T>) -> Result<(), SyncError>;
}

/// Where a run goes: a mirror and the state that says how far it is. Any `(sink, store)` pair is
/// one (the sink applies a step's changes, then the store records it); `sqlite::SqliteMirror` is
/// one that commits both in one transaction.
pub trait Destination<T: Record>: Send {
    /// The saved checkpoint ([`CheckpointStore::load`]).
    fn load(&mut self) -> Result<Option<Checkpoint>, SyncError>;

    /// The ledger's content hashes ([`CheckpointStore::hashes`]).
    fn hashes(&mut self, ids: &[&str]) -> Result<Vec<Option<u64>>, SyncError>;

    /// Ids not seen since `generation` ([`CheckpointStore::unseen`]).
    fn unseen(&mut self, generation: u64, limit: usize) -> Result<Vec<String>, SyncError>;

    /// Applies a step to the mirror and records it; the run continues only once this returns `Ok`.
    fn commit(&mut self, commit: Commit<T>) -> impl Future<Output = Result<(), SyncError>> + Send;
}

impl<T, S, C> Destination<T> for (S, C)
where
    T: Record,
    S: Sink<T>,
    C: CheckpointStore,
{
    fn load(&mut self) -> Result<Option<Checkpoint>, SyncError> {
        self.1.load()
    }

    fn hashes(&mut self, ids: &[&str]) -> Result<Vec<Option<u64>>, SyncError> {
        self.1.hashes(ids)
    }

    fn unseen(&mut self, generation: u64, limit: usize) -> Result<Vec<String>, SyncError> {
        self.1.unseen(generation, limit)
    }

    async fn commit(&mut self, commit: Commit<T>) -> Result<(), SyncError> {
        let (sink, store) = self;
        if !commit.changes.is_empty() {
            sink.apply(&commit.changes)
                .await
                .map_err(|error| SyncError::Sink(Box::new(error)))?;
        }
        store.save(&commit)
    }
}
