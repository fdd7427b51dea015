//! SQLite as a sync's store and mirror (feature `sqlite`, SQLite bundled): [`SqliteStore`] keeps
//! checkpoints and ledgers, [`SqliteMirror`] keeps a vendor's records in their own table as well,
//! with each page's rows, ledger entries and checkpoint in the same transaction.
//!
//! **Group commit.** A transaction spans several pages ([`GROUP_PAGES`], or [`GROUP_TIME`],
//! whichever comes first) and the run's last step: committing each page alone wrote every touched
//! B-tree page to the log again per page, which made a mirror many times slower than the listing.
//! Rows, ledger and checkpoint still commit together, so a crash loses a whole group or nothing:
//! the mirror and its checkpoint never disagree, and the next run fetches the lost pages again.
//! A store that is dropped (a run that failed, returned or was cancelled) commits what it holds:
//! each step leaves a consistent state.
//!
//! The database uses write-ahead logging with `synchronous=NORMAL`: a killed process loses
//! nothing committed; a power cut may lose the last commits, rows and checkpoint together. Readers
//! may query the mirror while a run writes; they see it as of the last group.

use std::collections::HashMap;
use std::fs::File;
use std::marker::PhantomData;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rusqlite::{OptionalExtension, params};

use super::file::{lock_file, sibling};
use super::{Change, Checkpoint, CheckpointStore, Commit, Destination, Record, SyncError};

/// The SQLite bindings, re-exported so that a caller reading the mirror uses the same version.
pub use rusqlite;
/// A connection to the database ([`SqliteStore::connection`] reads the mirror).
pub use rusqlite::Connection;

/// The one checkpoint format version this release reads and writes.
const VERSION: i64 = 1;

/// Pages a transaction holds at most before it commits.
pub const GROUP_PAGES: usize = 1024;
/// How long a transaction stays open at most before the next step commits it: what a crash can
/// cost, in work done again.
pub const GROUP_TIME: Duration = Duration::from_secs(1);

/// Ids per ledger lookup query (SQLite allows 32,766 parameters).
const LOOKUP_BATCH: usize = 128;

/// SQLite's page cache, in KiB (a negative `cache_size`): a mirror's B-trees are written in id
/// order, which is no order, and the default 2 MiB made most writes read a page back first.
const CACHE_KIB: i64 = 32 * 1024;

const SCHEMA: &str = "
    CREATE TABLE IF NOT EXISTS skillbridge_sync_checkpoints (
        namespace TEXT PRIMARY KEY,
        version INTEGER NOT NULL,
        checkpoint TEXT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS skillbridge_sync_ledger (
        namespace TEXT NOT NULL,
        id TEXT NOT NULL,
        hash INTEGER NOT NULL,
        generation INTEGER NOT NULL,
        PRIMARY KEY (namespace, id)
    ) WITHOUT ROWID;
";
// No index on `generation`: only a full run's sweep asks by it (a scan, once or twice a run),
// while every page would pay to keep such an index.

/// A checkpoint store in a SQLite database: one checkpoint and one ledger per namespace (tables
/// `skillbridge_sync_checkpoints` and `skillbridge_sync_ledger`), so several syncs can share a
/// file. The ledger stays on disk: memory does not grow with the mirror.
///
/// [`open`](Self::open) locks the namespace (`PATH.NAMESPACE.lock`) for as long as the store
/// lives: a second store on the same namespace is [`SyncError::Locked`].
#[derive(Debug)]
pub struct SqliteStore {
    connection: Connection,
    path: PathBuf,
    namespace: String,
    /// Steps written since the open transaction began, and when it began.
    group: Option<(usize, Instant)>,
    /// When the open transaction commits: [`GROUP_PAGES`] steps or [`GROUP_TIME`] (tests set
    /// others).
    group_pages: usize,
    group_time: Duration,
    _lock: File,
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `path` for `namespace`.
    pub fn open(path: impl AsRef<Path>, namespace: &str) -> Result<Self, SyncError> {
        let path = path.as_ref().to_path_buf();
        let lock = lock_file(&sibling(&path, &format!(".{namespace}.lock")))?;
        let fail = |e: rusqlite::Error| SyncError::store(&path, e);
        let connection = Connection::open(&path).map_err(fail)?;
        connection
            .execute_batch(&format!(
                "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;
                 PRAGMA cache_size = -{CACHE_KIB};"
            ))
            .map_err(fail)?;
        connection.execute_batch(SCHEMA).map_err(fail)?;
        Ok(Self {
            connection,
            path,
            namespace: namespace.to_owned(),
            group: None,
            group_pages: GROUP_PAGES,
            group_time: GROUP_TIME,
            _lock: lock,
        })
    }

    /// This store, committing after `pages` steps or `time`, whichever comes first.
    #[cfg(test)]
    fn with_group_limits(mut self, pages: usize, time: Duration) -> Self {
        self.group_pages = pages;
        self.group_time = time;
        self
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The connection, for reading the mirror's tables (and anything else in the file).
    pub fn connection(&self) -> &Connection {
        &self.connection
    }

    fn fail(&self) -> impl Fn(rusqlite::Error) -> SyncError + '_ {
        |e| SyncError::store(&self.path, e)
    }

    /// Writes a step: `rows` (the mirror's part, if any), then its ledger entries and checkpoint,
    /// in the open transaction (begun if none is); commits the group when it is full, old, or the
    /// run's last. A failed step rolls the whole group back: the state stays that of the last
    /// commit.
    fn write<T: Record>(
        &mut self,
        commit: &Commit<T>,
        rows: impl FnOnce(&Connection) -> rusqlite::Result<()>,
    ) -> Result<(), SyncError> {
        if self.group.is_none() {
            self.connection
                .execute_batch("BEGIN IMMEDIATE")
                .map_err(|e| SyncError::store(&self.path, e))?;
            self.group = Some((0, Instant::now()));
        }
        let written = rows(&self.connection).and_then(|()| Self::save_in(&self.connection, &self.namespace, commit));
        if let Err(error) = written {
            self.group = None;
            let _ = self.connection.execute_batch("ROLLBACK");
            return Err(SyncError::store(&self.path, error));
        }
        let (steps, began) = self.group.get_or_insert((0, Instant::now()));
        *steps += 1;
        if commit.checkpoint.run.is_none() || *steps >= self.group_pages || began.elapsed() >= self.group_time {
            self.commit_group()?;
        }
        Ok(())
    }

    /// Commits the open transaction, if any.
    fn commit_group(&mut self) -> Result<(), SyncError> {
        if self.group.take().is_some()
            && let Err(error) = self.connection.execute_batch("COMMIT")
        {
            let _ = self.connection.execute_batch("ROLLBACK");
            return Err(SyncError::store(&self.path, error));
        }
        Ok(())
    }

    /// Writes a step's ledger entries and checkpoint on `connection`, in its open transaction.
    fn save_in<T: Record>(connection: &Connection, namespace: &str, commit: &Commit<T>) -> Result<(), rusqlite::Error> {
        let transaction = connection;
        let generation = i64::try_from(commit.generation).unwrap_or(i64::MAX);
        let mut seen = transaction.prepare_cached(
            "INSERT INTO skillbridge_sync_ledger (namespace, id, hash, generation) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (namespace, id) DO UPDATE SET hash = excluded.hash, generation = excluded.generation",
        )?;
        for (id, hash) in &commit.seen {
            seen.execute(params![
                namespace,
                id,
                i64::from_ne_bytes(hash.to_ne_bytes()),
                generation
            ])?;
        }
        let mut forget =
            transaction.prepare_cached("DELETE FROM skillbridge_sync_ledger WHERE namespace = ?1 AND id = ?2")?;
        for id in &commit.forgotten {
            forget.execute(params![namespace, id])?;
        }
        let checkpoint = serde_json::to_string(&commit.checkpoint)
            .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
        transaction.execute(
            "INSERT INTO skillbridge_sync_checkpoints (namespace, version, checkpoint) VALUES (?1, ?2, ?3)
             ON CONFLICT (namespace) DO UPDATE SET version = excluded.version, checkpoint = excluded.checkpoint",
            params![namespace, VERSION, checkpoint],
        )?;
        Ok(())
    }
}

impl CheckpointStore for SqliteStore {
    fn load(&mut self) -> Result<Option<Checkpoint>, SyncError> {
        let row: Option<(i64, String)> = self
            .connection
            .query_row(
                "SELECT version, checkpoint FROM skillbridge_sync_checkpoints WHERE namespace = ?1",
                [&self.namespace],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()
            .map_err(self.fail())?;
        let Some((version, text)) = row else {
            return Ok(None);
        };
        if version != VERSION {
            return Err(SyncError::UnknownVersion {
                path: self.path.clone(),
                found: u64::try_from(version).unwrap_or_default(),
                expected: VERSION.unsigned_abs(),
            });
        }
        serde_json::from_str(&text).map(Some).map_err(|e| SyncError::Corrupt {
            path: self.path.clone(),
            reason: format!("namespace {:?}: {e}", self.namespace),
        })
    }

    fn hashes(&mut self, ids: &[&str]) -> Result<Vec<Option<u64>>, SyncError> {
        // A page's ids in a few queries, not one each: statements cost more than the lookups.
        let mut held: HashMap<String, u64> = HashMap::with_capacity(ids.len());
        for chunk in ids.chunks(LOOKUP_BATCH) {
            let placeholders = vec!["?"; chunk.len()].join(", ");
            let mut statement = self
                .connection
                .prepare_cached(&format!(
                    "SELECT id, hash FROM skillbridge_sync_ledger WHERE namespace = ? AND id IN ({placeholders})"
                ))
                .map_err(self.fail())?;
            let values = std::iter::once(self.namespace.as_str()).chain(chunk.iter().copied());
            let rows = statement
                .query_map(rusqlite::params_from_iter(values), |row| {
                    Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)?))
                })
                .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
                .map_err(|e| SyncError::store(&self.path, e))?;
            held.extend(
                rows.into_iter()
                    .map(|(id, hash)| (id, u64::from_ne_bytes(hash.to_ne_bytes()))),
            );
        }
        Ok(ids.iter().map(|id| held.get(*id).copied()).collect())
    }

    fn unseen(&mut self, generation: u64, limit: usize) -> Result<Vec<String>, SyncError> {
        let mut statement = self
            .connection
            .prepare_cached("SELECT id FROM skillbridge_sync_ledger WHERE namespace = ?1 AND generation < ?2 LIMIT ?3")
            .map_err(self.fail())?;
        let generation = i64::try_from(generation).unwrap_or(i64::MAX);
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let ids = statement
            .query_map(params![self.namespace, generation, limit], |row| row.get(0))
            .and_then(Iterator::collect);
        ids.map_err(self.fail())
    }

    fn save<T: Record>(&mut self, commit: &Commit<T>) -> Result<(), SyncError> {
        self.write(commit, |_| Ok(()))
    }
}

impl Drop for SqliteStore {
    fn drop(&mut self) {
        // Each step left a consistent state: keep what the group holds.
        let _ = self.commit_group();
    }
}

/// Records this crate can keep in a SQLite table of their own (implemented for each vendor's
/// synced record; not implementable outside the crate).
pub trait SqliteRecord: Record + private::Sealed {}

pub(crate) mod private {
    use rusqlite::Connection;

    /// How a record type lives in its table.
    pub trait Sealed {
        /// The table, and the store's namespace.
        const TABLE: &'static str;
        /// `CREATE TABLE IF NOT EXISTS ...` for the table.
        const SCHEMA: &'static str;
        /// Inserts or replaces the record (inside the store's open transaction).
        fn upsert(connection: &Connection, record: &Self) -> rusqlite::Result<()>;
        /// Deletes (or marks deleted) the record with `id` (inside the store's open transaction).
        fn delete(connection: &Connection, id: &str) -> rusqlite::Result<()>;
    }
}

/// A mirror in a SQLite table, with its store in the same database: each page's rows, ledger
/// entries and checkpoint commit in one transaction, so the mirror and the checkpoint never
/// disagree. The tables are those of the record type (`kombo::StaffingEntitySkill`,
/// `techwolf::EmployeeSkillClusters`: see their sync types).
#[derive(Debug)]
pub struct SqliteMirror<T> {
    store: SqliteStore,
    records: PhantomData<fn() -> T>,
}

impl<T: SqliteRecord> SqliteMirror<T> {
    /// Opens (creating if needed) the database at `path`, with `T`'s table, and locks `T`'s
    /// namespace for this process.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, SyncError> {
        let store = SqliteStore::open(path, T::TABLE)?;
        store.connection.execute_batch(T::SCHEMA).map_err(store.fail())?;
        Ok(Self {
            store,
            records: PhantomData,
        })
    }

    /// The store beneath (its connection reads the mirror).
    pub fn store(&self) -> &SqliteStore {
        &self.store
    }
}

impl<T: SqliteRecord> Destination<T> for SqliteMirror<T> {
    fn load(&mut self) -> Result<Option<Checkpoint>, SyncError> {
        self.store.load()
    }

    fn hashes(&mut self, ids: &[&str]) -> Result<Vec<Option<u64>>, SyncError> {
        self.store.hashes(ids)
    }

    fn unseen(&mut self, generation: u64, limit: usize) -> Result<Vec<String>, SyncError> {
        self.store.unseen(generation, limit)
    }

    async fn commit(&mut self, commit: Commit<T>) -> Result<(), SyncError> {
        self.store.write(&commit, |connection| {
            commit.changes.iter().try_for_each(|change| match change {
                Change::Upsert(record) => T::upsert(connection, record),
                Change::Delete(id) => T::delete(connection, id.as_ref()),
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::testing::{Item, scratch};
    use crate::sync::{Mode, RunState};

    /// A step of a run under way (`last`: the step that completes it).
    fn step(generation: u64, last: bool) -> Commit<Item> {
        let mut checkpoint = Checkpoint::new("items");
        checkpoint.generation = generation;
        checkpoint.run = (!last).then(|| RunState {
            mode: Mode::Full,
            started: chrono::Utc::now(),
            since: None,
            cursor: Some(format!("after-{generation}")),
            listed: false,
            generation,
        });
        Commit {
            changes: Vec::new(),
            seen: vec![(format!("id-{generation}"), generation)],
            forgotten: Vec::new(),
            generation,
            checkpoint,
        }
    }

    /// The generation another connection sees: what is committed.
    fn committed(path: &Path) -> Option<u64> {
        let reader = Connection::open(path).expect("a reader");
        let text: Option<String> = reader
            .query_row(
                "SELECT checkpoint FROM skillbridge_sync_checkpoints WHERE namespace = 'items'",
                [],
                |row| row.get(0),
            )
            .optional()
            .expect("the query");
        text.map(|t| serde_json::from_str::<Checkpoint>(&t).expect("a checkpoint").generation)
    }

    /// Steps commit in groups: when the group is full, when it is old, and at the run's last step;
    /// until then a reader sees the last group.
    #[test]
    fn steps_commit_when_the_group_is_full_old_or_the_run_ends() {
        let path = scratch("sqlite-group", "store.db");
        let hour = Duration::from_secs(3_600);
        let mut store = SqliteStore::open(&path, "items")
            .expect("opens")
            .with_group_limits(3, hour);
        for generation in 1..=2 {
            store.save(&step(generation, false)).expect("saved");
            assert_eq!(committed(&path), None, "step {generation} of a group of 3");
        }
        store.save(&step(3, false)).expect("saved");
        assert_eq!(committed(&path), Some(3), "a full group commits");
        store.save(&step(4, false)).expect("saved");
        assert_eq!(committed(&path), Some(3));
        store.save(&step(5, true)).expect("saved");
        assert_eq!(committed(&path), Some(5), "the run's last step commits");
        drop(store);

        let mut aged = SqliteStore::open(&path, "items")
            .expect("opens")
            .with_group_limits(1_000, Duration::ZERO);
        aged.save(&step(6, false)).expect("saved");
        assert_eq!(committed(&path), Some(6), "a group as old as the limit commits");
    }
}
