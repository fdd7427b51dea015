//! What the binary tests share: a scratch copy of part of the workspace, and running the
//! `xtask` binary against it with `--root`.

use std::path::PathBuf;
use std::process::{Command, Output};

/// A scratch copy of some workspace files, removed on drop. `.0` is its root.
pub(crate) struct Scratch(pub(crate) PathBuf);

impl Scratch {
    /// Copy `files` (workspace-relative) into a fresh directory named after `prefix`, the
    /// process and `name`.
    pub(crate) fn copy(prefix: &str, name: &str, files: &[&str]) -> Self {
        let dir = std::env::temp_dir().join(format!("{prefix}-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let root = xtask::workspace_root();
        for rel in files {
            let to = dir.join(rel);
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::fs::copy(root.join(rel), to).unwrap();
        }
        Self(dir)
    }

    /// Run `cargo xtask --root <scratch> <args>`.
    pub(crate) fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_xtask"))
            .arg("--root")
            .arg(&self.0)
            .args(args)
            .output()
            .unwrap()
    }

    /// A file of the scratch copy, as text.
    pub(crate) fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.0.join(rel)).unwrap()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
