//! skillbridge's project automation, run as `cargo xtask <task>` (see `main.rs`).
//!
//! A library as well as a binary so that tests, including the workspace's stale-code check, call
//! exactly what the command runs.
//!
//! The tree: the spec pipeline's stages live in [`spec`], one stage per file, shared by every
//! command; each command is its own module: [`codegen`], [`drift`] and [`vendor`]. What they
//! share: the vendor definitions, read from `specs/<vendor>/vendor.toml` ([`vendors`]), and how
//! upstream documents are read ([`upstream`]). The command line is [`flags`]; [`error`] is the one error
//! type.

pub mod codegen;
pub mod drift;
pub mod error;
pub mod flags;
pub mod spec;
pub mod upstream;
pub mod vendor;
pub mod vendors;

use std::io::Write as _;
use std::path::{Path, PathBuf};

/// The workspace root (the parent of the xtask crate).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// Write via a temporary file in the same directory and a rename: readers see old or new, never half.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{file_name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = std::fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}
