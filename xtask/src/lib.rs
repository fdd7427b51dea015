//! skillbridge's project automation, run as `cargo xtask <task>` (see `main.rs`).
//!
//! A library as well as a binary so that tests, including the workspace's stale-code check, call
//! exactly what the command runs.

pub mod codegen;
pub mod drift;
pub mod error;
pub mod fetch;
pub mod flags;
pub mod hoist;
pub mod load;
pub mod merge;
pub mod normalize;
pub mod overlay;
pub mod refs;
pub mod schemas;
pub mod sources;
pub mod vendor;
pub mod vendor_cmd;

use std::path::{Path, PathBuf};

/// The workspace root (the parent of the xtask crate).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}
