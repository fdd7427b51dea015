//! Keeping a local mirror of a listing current, through crashes and faults.
//!
//! A sync run reads a listing page by page and hands each page's [`Change`]s to a [`Sink`] (the
//! user's mirror: a table, an index, a cache). Where the run stands lives in a [`Checkpoint`],
//! kept by a [`CheckpointStore`] beside the ledger of the ids the mirror was given, and it moves
//! only after the sink acknowledged a page. So delivery is *at least once*: a run that fails, or
//! whose process is killed, resumes at the first page the sink did not acknowledge, and a page may
//! come twice. A sink that applies changes idempotently by id (an upsert replaces the record with
//! that id, a delete of an absent id does nothing) makes each change take effect once.
//!
//! Each vendor module says how its listing becomes changes (`kombo::SyncStaffingEntitySkills`:
//! incremental by `updated_after`, with periodic full fetches; `techwolf::SyncEmployeeSkillClusters`:
//! a full export compared with the last one by content hash). What they share lives here:
//!
//! - **Modes.** A [`Mode::Full`] run lists everything and then deletes, from the mirror, every id
//!   the ledger holds that the run did not see (in batches, as [`Change::Delete`]s). A
//!   [`Mode::Incremental`] run lists what changed since the watermark.
//! - **Watermark.** The time the last completed run *started*, minus a clock-skew margin: a change
//!   made while a run is under way is picked up by the next one.
//! - **Scope.** A checkpoint is bound to what it was made for (an integration and its filters): a
//!   store that holds another scope's checkpoint is refused with [`SyncError::ScopeMismatch`]
//!   before anything is fetched or written.
//! - **Stores.** [`FileCheckpointStore`] keeps the checkpoint and the ledger in one JSON file,
//!   replaced atomically (temporary file, `fsync`, rename) and locked against a second run. With
//!   the `sqlite` feature, `sqlite::SqliteStore` keeps them in a SQLite database and
//!   `sqlite::SqliteMirror` keeps the mirror there too, each page's rows, ledger and checkpoint in
//!   one transaction.
//!
//! Why the engine keeps the ledger (ids delivered, with a content hash) instead of asking the sink
//! which ids it holds: a sink then needs only two idempotent operations, and the ledger moves in
//! step with the checkpoint, so a full fetch's deletions and a snapshot comparison are decided from
//! state that the same acknowledgement made durable.

mod checkpoint;
mod engine;
mod error;
mod file;
mod hash;
#[cfg(feature = "sqlite")]
#[cfg_attr(docsrs, doc(cfg(feature = "sqlite")))]
pub mod sqlite;
#[cfg(test)]
mod testing;

use std::fmt;
use std::future::Future;

pub use self::checkpoint::{Checkpoint, CheckpointStore, Commit, Destination, Mode, RunState};
pub(crate) use self::engine::{Source, SourcePage, run};
pub use self::engine::{Summary, SyncOptions};
pub use self::error::SyncError;
pub use self::file::FileCheckpointStore;

/// A record a listing returns and a mirror keeps, identified by an id.
pub trait Record: serde::Serialize + Send + Sync + 'static {
    /// The record's id type.
    type Id: AsRef<str> + From<String> + Clone + fmt::Debug + Send + Sync + 'static;

    /// The record's id: the key a sink upserts and deletes by.
    fn id(&self) -> &Self::Id;
}

/// One change for a mirror.
#[derive(Debug, Clone, PartialEq)]
pub enum Change<T: Record> {
    /// Insert the record, or replace the one with its id.
    Upsert(T),
    /// Remove (or mark deleted) the record with this id; nothing to do when the mirror has none.
    Delete(T::Id),
}

impl<T: Record> Change<T> {
    /// The id the change is about.
    pub fn id(&self) -> &T::Id {
        match self {
            Change::Upsert(record) => record.id(),
            Change::Delete(id) => id,
        }
    }
}

/// Where a sync run's changes go: the user's mirror.
///
/// [`apply`](Sink::apply) gets one page's changes as a batch and returns once they are durable
/// (the checkpoint moves after it returns `Ok`). It must be idempotent by id: after a crash, a page
/// the sink applied but the store had not yet recorded is delivered again. An error stops the run;
/// the checkpoint stays before that page, and the next run delivers it again.
pub trait Sink<T: Record>: Send {
    /// Why applying failed.
    type Error: std::error::Error + Send + Sync + 'static;

    /// Applies one page's changes, in order.
    fn apply(&mut self, changes: &[Change<T>]) -> impl Future<Output = Result<(), Self::Error>> + Send;
}
