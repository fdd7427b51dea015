//! The import graphs of the library and the mock have no circle: each crate's shared core (the
//! library's `config`, `error`, `retry`, `pagination`, `send`, ...; the mock's harness: every
//! top-level module but the composition point `lib.rs` and the binary) never names a vendor
//! module, and the vendors never name each other. Vendors import the core, never the reverse. The
//! library's core does not even name a vendor in code (comments may).

use std::fs;
use std::path::{Path, PathBuf};

const VENDORS: [&str; 2] = ["kombo", "techwolf"];

/// The `src` folder of the workspace crate `name`.
fn src_of(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../crates")
        .join(name)
        .join("src")
}

/// The mock's sources.
fn src() -> PathBuf {
    src_of("skillbridge-mock")
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .collect();
    files.sort();
    files
}

/// Whether `line` has `word` as a whole identifier.
fn has_ident(line: &str, word: &str) -> bool {
    let is_ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    line.match_indices(word).any(|(at, _)| {
        let before = line[..at].chars().next_back();
        let after = line[at + word.len()..].chars().next();
        !before.is_some_and(is_ident) && !after.is_some_and(is_ident)
    })
}

/// Code lines (not comments) of `file` that import or path into the module `module`:
/// `use` lines naming it (grouped imports included) and `crate::<module>` / `super::<module>`.
fn naming(file: &Path, module: &str) -> Vec<String> {
    let text = fs::read_to_string(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    text.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .filter(|l| {
            let path_into = [format!("crate::{module}"), format!("super::{module}")]
                .iter()
                .any(|p| l.contains(p.as_str()));
            let imports = l.trim_start().starts_with("use ") && has_ident(l, module);
            path_into || imports
        })
        .map(|l| format!("{}: {}", file.display(), l.trim()))
        .collect()
}

#[test]
fn the_import_check_sees_grouped_and_relative_imports() {
    assert!(has_ident("use crate::{faults, kombo};", "kombo"));
    assert!(!has_ident("Route::KomboList, \"kombo_mock\"", "kombo"));
}

#[test]
fn the_mocks_harness_names_no_vendor() {
    let harness = core_files(&src());
    assert!(
        harness.iter().any(|p| p.ends_with("server.rs")),
        "the harness files were not found: {harness:?}"
    );
    let offending: Vec<String> = harness
        .iter()
        .flat_map(|file| VENDORS.iter().flat_map(move |v| naming(file, v)))
        .collect();
    assert!(
        offending.is_empty(),
        "harness files import a vendor:\n{}",
        offending.join("\n")
    );
}

/// Fails naming every line where a vendor folder of `src` imports another vendor.
fn assert_vendors_independent(src: &Path) {
    for vendor in VENDORS {
        let files = rust_files(&src.join(vendor));
        assert!(files.iter().any(|p| p.ends_with("mod.rs")), "{vendor}/mod.rs missing");
        let offending: Vec<String> = VENDORS
            .iter()
            .filter(|other| **other != vendor)
            .flat_map(|other| files.iter().flat_map(move |file| naming(file, other)))
            .collect();
        assert!(
            offending.is_empty(),
            "{vendor} imports another vendor:\n{}",
            offending.join("\n")
        );
    }
}

#[test]
fn the_mocks_vendors_do_not_import_each_other() {
    assert_vendors_independent(&src());
}

/// Every top-level module of a crate but its composition point (`lib.rs`) and binary: its core.
fn core_files(src: &Path) -> Vec<PathBuf> {
    rust_files(src)
        .into_iter()
        .filter(|p| !p.ends_with("lib.rs") && !p.ends_with("main.rs"))
        .collect()
}

#[test]
fn the_librarys_core_names_no_vendor() {
    let core = core_files(&src_of("skillbridge"));
    for expected in ["error.rs", "send.rs", "retry.rs", "pagination.rs", "limits.rs"] {
        assert!(
            core.iter().any(|p| p.ends_with(expected)),
            "{expected} not found: {core:?}"
        );
    }
    let mut offending: Vec<String> = core
        .iter()
        .flat_map(|file| VENDORS.iter().flat_map(move |v| naming(file, v)))
        .collect();
    // Not even a name: a vendor's rules live in its folder.
    for file in &core {
        let text = fs::read_to_string(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        offending.extend(
            text.lines()
                .filter(|l| !l.trim_start().starts_with("//"))
                .filter(|l| VENDORS.iter().any(|v| l.to_ascii_lowercase().contains(v)))
                .map(|l| format!("{}: {}", file.display(), l.trim())),
        );
    }
    assert!(
        offending.is_empty(),
        "the library's core names a vendor:\n{}",
        offending.join("\n")
    );
}

#[test]
fn the_librarys_vendors_do_not_import_each_other() {
    assert_vendors_independent(&src_of("skillbridge"));
}
