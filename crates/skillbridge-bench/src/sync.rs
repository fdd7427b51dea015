//! Scenario 10's helpers: a sink that only counts what a sync run delivers, and a scratch
//! directory for the databases the runs write.

use std::convert::Infallible;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use skillbridge::sync::{Change, Record, Sink};

/// A sink that counts the changes it is given and keeps nothing: the sync engine's own cost, and
/// its store's, without a mirror's.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct CountingSink {
    /// Upserts applied.
    pub upserts: u64,
    /// Deletes applied.
    pub deletes: u64,
    /// The lengths of every id seen, summed, so that nothing delivered goes untouched.
    pub id_bytes: u64,
}

impl<T: Record> Sink<T> for CountingSink {
    type Error = Infallible;

    async fn apply(&mut self, changes: &[Change<T>]) -> Result<(), Infallible> {
        for change in changes {
            match change {
                Change::Upsert(_) => self.upserts += 1,
                Change::Delete(_) => self.deletes += 1,
            }
            self.id_bytes += change.id().as_ref().len() as u64;
        }
        Ok(())
    }
}

/// A fresh directory under the system's temporary directory, removed with everything in it when
/// dropped.
#[derive(Debug)]
pub struct ScratchDir {
    path: PathBuf,
}

impl ScratchDir {
    /// Creates a directory no other scratch directory of any process uses.
    pub fn new(label: &str) -> std::io::Result<Self> {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let path = std::env::temp_dir().join(format!(
            "skillbridge-bench-{label}-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&path)?;
        Ok(Self { path })
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Bytes of the files directly in the directory (a database and its write-ahead log).
    pub fn size(&self) -> u64 {
        std::fs::read_dir(&self.path)
            .into_iter()
            .flatten()
            .filter_map(|entry| entry.ok()?.metadata().ok())
            .map(|meta| meta.len())
            .sum()
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}
