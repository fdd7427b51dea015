//! skillbridge's project automation, run as `cargo xtask <task>` (see `main.rs`).
//!
//! A library as well as a binary so that tests, including the workspace's stale-code check, call
//! exactly what the command runs.
//!
//! The tree: the spec pipeline's stages live in [`spec`], one stage per file, shared by every
//! command; each command is its own module: [`codegen`], [`drift`] and [`vendor`] (which also
//! holds the vendor definitions and where their upstream documents come from). The command
//! line is [`flags`]; [`error`] is the one error type.

pub mod codegen;
pub mod drift;
pub mod error;
pub mod flags;
pub mod spec;
pub mod vendor;

use std::path::{Path, PathBuf};

/// The workspace root (the parent of the xtask crate).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}
