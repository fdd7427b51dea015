//! Where things are: the workspace root, the release build's directory and the `cargo` to run.

use std::path::{Path, PathBuf};

type Error = Box<dyn std::error::Error>;

/// The workspace root, where BENCHMARKS.md and the xtask live.
pub(crate) fn workspace_root() -> Result<PathBuf, Error> {
    Ok(Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize()?)
}

/// The directory of this build's profile (`target/release`), where the scenarios' binaries are.
pub(crate) fn target_profile_dir() -> Result<PathBuf, Error> {
    // This binary is target/<profile>/bench-report.
    let exe = std::env::current_exe()?;
    Ok(exe.parent().ok_or("cannot locate the target directory")?.to_owned())
}

/// The `cargo` that runs this build (`$CARGO`), or the one on the path.
pub(crate) fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned())
}
