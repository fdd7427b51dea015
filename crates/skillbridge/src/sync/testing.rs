//! What the sync module's unit tests share: a record type and scratch directories.

use std::path::PathBuf;

use super::Record;

/// A record that is its id.
#[derive(Debug, Clone, serde::Serialize)]
pub(crate) struct Item(pub(crate) String);

impl Record for Item {
    type Id = String;

    fn id(&self) -> &String {
        &self.0
    }
}

/// `file` in a new, empty directory of its own for the test `name`.
pub(crate) fn scratch(name: &str, file: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("skillbridge-sync-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch directory");
    dir.join(file)
}
