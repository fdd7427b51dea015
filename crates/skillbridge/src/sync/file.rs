//! [`FileCheckpointStore`]: a checkpoint and its ledger in one JSON file.

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{Checkpoint, CheckpointStore, Commit, Record, SyncError};

/// The one format version this release reads and writes.
const VERSION: u64 = 1;
/// What the file says it is, so that a file of something else is refused as corrupt.
const FORMAT: &str = "skillbridge-sync-checkpoint";

/// The file's contents. The ledger maps an id to its content hash and the generation of the last
/// run that saw it.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Contents {
    checkpoint: Option<Checkpoint>,
    ledger: BTreeMap<String, (u64, u64)>,
}

/// The header read first, so that a newer format is reported as such and not as corrupt.
#[derive(Deserialize)]
struct Header {
    format: String,
    version: u64,
}

#[derive(Serialize, Deserialize)]
struct Stored {
    format: String,
    version: u64,
    #[serde(flatten)]
    contents: Contents,
}

/// A checkpoint store in one JSON file, for mirrors of up to some hundred thousand records.
///
/// - **Atomic:** each save writes a temporary file beside it, `fsync`s it, renames it over the
///   old one and `fsync`s the directory: a crash leaves the old checkpoint or the new one, never
///   a mix.
/// - **Versioned:** a file with another format version is [`SyncError::UnknownVersion`]; one that
///   does not parse is [`SyncError::Corrupt`], naming the file. Neither is ever read as "no
///   checkpoint".
/// - **Locked:** [`open`](Self::open) takes an exclusive lock on `PATH.lock` for as long as the
///   store lives; a second store on the same path is [`SyncError::Locked`].
///
/// The whole ledger (every id the mirror was given) is held in memory and rewritten with each page,
/// so its cost grows with the mirror: above some hundred thousand records, use
/// `sqlite::SqliteStore` (feature `sqlite`), which writes only what a page changed.
#[derive(Debug)]
pub struct FileCheckpointStore {
    path: PathBuf,
    /// Held for the store's life; the lock file itself stays (removing it would race with a
    /// process that just opened it).
    _lock: File,
    /// The file's contents once read; `None` again after a failed save, so that the next use
    /// reads what is really on disk.
    contents: Option<Contents>,
}

impl FileCheckpointStore {
    /// Opens (or prepares to create) the store at `path`, and locks it for this process.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, SyncError> {
        let path = path.as_ref().to_path_buf();
        let lock_path = sibling(&path, ".lock");
        let lock = lock_file(&lock_path)?;
        Ok(Self {
            path,
            _lock: lock,
            contents: None,
        })
    }

    /// The checkpoint file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn contents(&mut self) -> Result<&mut Contents, SyncError> {
        if self.contents.is_none() {
            self.contents = Some(read(&self.path)?);
        }
        // Just filled above.
        self.contents
            .as_mut()
            .ok_or_else(|| SyncError::store(&self.path, "contents were not loaded"))
    }
}

impl CheckpointStore for FileCheckpointStore {
    fn load(&mut self) -> Result<Option<Checkpoint>, SyncError> {
        Ok(self.contents()?.checkpoint.clone())
    }

    fn hashes(&mut self, ids: &[&str]) -> Result<Vec<Option<u64>>, SyncError> {
        let ledger = &self.contents()?.ledger;
        Ok(ids.iter().map(|id| ledger.get(*id).map(|&(hash, _)| hash)).collect())
    }

    fn unseen(&mut self, generation: u64, limit: usize) -> Result<Vec<String>, SyncError> {
        let ledger = &self.contents()?.ledger;
        Ok(ledger
            .iter()
            .filter(|(_, (_, seen))| *seen < generation)
            .take(limit)
            .map(|(id, _)| id.clone())
            .collect())
    }

    fn save<T: Record>(&mut self, commit: &Commit<T>) -> Result<(), SyncError> {
        let contents = self.contents()?;
        for (id, hash) in &commit.seen {
            contents.ledger.insert(id.clone(), (*hash, commit.generation));
        }
        for id in &commit.forgotten {
            contents.ledger.remove(id);
        }
        contents.checkpoint = Some(commit.checkpoint.clone());
        let written = serde_json::to_vec(&StoredRef {
            format: FORMAT,
            version: VERSION,
            contents,
        })
        .map_err(|e| SyncError::store(&self.path, e))
        .and_then(|bytes| write_atomically(&self.path, &bytes));
        if written.is_err() {
            self.contents = None;
        }
        written
    }
}

#[derive(Serialize)]
struct StoredRef<'a> {
    format: &'a str,
    version: u64,
    #[serde(flatten)]
    contents: &'a Contents,
}

/// `path` with `suffix` appended to its file name.
pub(crate) fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().map(ToOwned::to_owned).unwrap_or_default();
    name.push(suffix);
    path.with_file_name(name)
}

/// Opens `lock_path` and takes an exclusive lock on it without waiting.
pub(crate) fn lock_file(lock_path: &Path) -> Result<File, SyncError> {
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(lock_path)
        .map_err(|e| SyncError::store(lock_path, e))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(TryLockError::WouldBlock) => Err(SyncError::Locked {
            path: lock_path.to_path_buf(),
        }),
        Err(TryLockError::Error(e)) => Err(SyncError::store(lock_path, e)),
    }
}

fn read(path: &Path) -> Result<Contents, SyncError> {
    let bytes = match fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Contents::default()),
        Err(e) => return Err(SyncError::store(path, e)),
    };
    let corrupt = |reason: String| SyncError::Corrupt {
        path: path.to_path_buf(),
        reason,
    };
    let header: Header = serde_json::from_slice(&bytes).map_err(|e| corrupt(e.to_string()))?;
    if header.format != FORMAT {
        return Err(corrupt(format!("format {:?} is not {FORMAT:?}", header.format)));
    }
    if header.version != VERSION {
        return Err(SyncError::UnknownVersion {
            path: path.to_path_buf(),
            found: header.version,
            expected: VERSION,
        });
    }
    let file: Stored = serde_json::from_slice(&bytes).map_err(|e| corrupt(e.to_string()))?;
    Ok(file.contents)
}

/// Replaces `path` with `bytes`: a temporary file beside it, synced, renamed over it, and the
/// directory synced so that the rename itself survives a crash.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), SyncError> {
    let temporary = sibling(path, ".tmp");
    let fail = |e: io::Error| SyncError::store(path, e);
    let mut file = File::create(&temporary).map_err(fail)?;
    file.write_all(bytes).map_err(fail)?;
    file.sync_all().map_err(fail)?;
    drop(file);
    fs::rename(&temporary, path).map_err(fail)?;
    sync_directory(path).map_err(fail)
}

#[cfg(unix)]
fn sync_directory(path: &Path) -> io::Result<()> {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => File::open(dir)?.sync_all(),
        _ => File::open(".")?.sync_all(),
    }
}

/// Windows cannot open a directory as a file; its renames are durable once the call returns.
#[cfg(not(unix))]
fn sync_directory(_: &Path) -> io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::testing::{Item, scratch as scratch_in};
    use crate::sync::{Change, Mode, RunState};

    fn scratch(name: &str) -> PathBuf {
        scratch_in(&format!("file-store-{name}"), "checkpoint.json")
    }

    fn commit(checkpoint: Checkpoint, seen: &[(&str, u64)], forgotten: &[&str], generation: u64) -> Commit<Item> {
        Commit {
            changes: vec![Change::Upsert(Item("a".to_owned()))],
            seen: seen.iter().map(|(id, hash)| ((*id).to_owned(), *hash)).collect(),
            forgotten: forgotten.iter().map(|id| (*id).to_owned()).collect(),
            generation,
            checkpoint,
        }
    }

    #[test]
    fn a_saved_checkpoint_and_ledger_read_back_from_a_new_store_and_no_temporary_file_stays() {
        let path = scratch("round-trip");
        let mut checkpoint = Checkpoint::new("scope");
        checkpoint.generation = 2;
        checkpoint.run = Some(RunState {
            mode: Mode::Full,
            started: chrono::DateTime::UNIX_EPOCH,
            since: None,
            cursor: Some("c2".to_owned()),
            listed: false,
            generation: 2,
        });
        {
            let mut store = FileCheckpointStore::open(&path).expect("opens");
            assert_eq!(store.load().expect("loads"), None, "no file: no checkpoint");
            store
                .save(&commit(checkpoint.clone(), &[("a", 7), ("b", 8), ("c", 9)], &[], 1))
                .expect("saves");
            store
                .save(&commit(checkpoint.clone(), &[("b", 10)], &["c"], 2))
                .expect("saves");
        }
        let mut store = FileCheckpointStore::open(&path).expect("opens again");
        assert_eq!(store.load().expect("loads"), Some(checkpoint));
        assert_eq!(
            store.hashes(&["a", "b", "c"]).expect("reads"),
            [Some(7), Some(10), None]
        );
        assert_eq!(store.unseen(2, 10).expect("reads"), ["a"]);
        assert_eq!(store.unseen(3, 1).expect("reads").len(), 1, "at most the limit");
        assert!(!sibling(&path, ".tmp").exists());
    }

    #[test]
    fn a_file_of_another_format_is_corrupt_and_a_second_store_is_locked_out() {
        let path = scratch("refusals");
        fs::write(&path, br#"{"format":"something-else","version":1}"#).expect("writes");
        let mut store = FileCheckpointStore::open(&path).expect("opens");
        assert!(matches!(store.load(), Err(SyncError::Corrupt { .. })));
        assert!(matches!(
            FileCheckpointStore::open(&path),
            Err(SyncError::Locked { .. })
        ));
        drop(store);
        assert!(FileCheckpointStore::open(&path).is_ok(), "the lock goes with the store");
    }

    #[test]
    fn an_unreadable_checkpoint_is_a_store_error_not_a_fresh_start() {
        // A directory where the file should be: reading fails, and not for a missing file.
        let path = scratch("unreadable");
        fs::create_dir(&path).expect("a directory in its place");
        let mut store = FileCheckpointStore::open(&path).expect("opens");
        let error = store.load().expect_err("unreadable");
        assert!(
            matches!(&error, SyncError::Store { path: at, .. } if *at == path),
            "{error:?}"
        );
    }
}
