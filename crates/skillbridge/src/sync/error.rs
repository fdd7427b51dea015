//! [`SyncError`]: why a sync run stopped. After any of them the checkpoint is where the last
//! acknowledged page left it, and the mirror has nothing half-applied from the engine's side.

use std::path::PathBuf;

/// Why a sync run stopped.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SyncError {
    /// The API failed (after the client's retries), or the listing's inputs were invalid.
    #[error("sync: the listing failed: {0}")]
    Api(#[from] crate::Error),

    /// The sink refused a page: the checkpoint stays before it, and the next run delivers it again.
    #[error("sync: the sink failed to apply a page")]
    Sink(#[source] Box<dyn std::error::Error + Send + Sync>),

    /// The checkpoint could not be read: the store is left as it is for a person to look at,
    /// never treated as empty (which would silently restart the mirror).
    #[error("sync: the checkpoint in {} is corrupt: {reason}", path.display())]
    Corrupt {
        /// The file (or database) holding the checkpoint.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },

    /// The checkpoint was written by a format version this release does not read.
    #[error("sync: the checkpoint in {} has format version {found}; this release reads version {expected}", path.display())]
    UnknownVersion {
        /// The file (or database) holding the checkpoint.
        path: PathBuf,
        /// The version found.
        found: u64,
        /// The version this release reads and writes.
        expected: u64,
    },

    /// Another run holds the store: two runs on one store would interleave their pages.
    #[error("sync: {} is in use by another sync run", path.display())]
    Locked {
        /// The lock file.
        path: PathBuf,
    },

    /// The store holds the checkpoint of another integration or another set of filters.
    #[error("sync: the store holds the checkpoint of {stored:?}, not of {requested:?}; use a store per scope")]
    ScopeMismatch {
        /// The scope of the saved checkpoint.
        stored: String,
        /// The scope of this run.
        requested: String,
    },

    /// The store listed an id as unseen again after this run had deleted it and told the store to
    /// forget it (a [`CheckpointStore`](super::CheckpointStore) whose `save` drops `forgotten`):
    /// the run stops instead of deleting the same records for ever.
    #[error("sync: the store lists {id:?} as unseen again after this run deleted and forgot it")]
    Inconsistent {
        /// The id listed again.
        id: String,
    },
    /// Reading or writing the store failed.
    #[error("sync: the store {} failed", path.display())]
    Store {
        /// The file (or database) of the store.
        path: PathBuf,
        /// The cause (an I/O or database error).
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

impl SyncError {
    /// A store failure at `path`.
    pub(crate) fn store(path: impl Into<PathBuf>, source: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        SyncError::Store {
            path: path.into(),
            source: source.into(),
        }
    }
}
