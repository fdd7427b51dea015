//! The import graphs of the library and the mock have no circle: each crate's shared core (the
//! library's `config`, `error`, `retry`, `pagination`, `send`, ...; the mock's harness: every
//! top-level module but the composition point `lib.rs` and the binary) never names a vendor
//! module, and the vendors never name each other. Vendors import the core, never the reverse.
//! Neither core even names a vendor in code, its unit tests included: a vendor's routes, rules and
//! words live in its folder, and the core is handed them. Comments may name one: they explain
//! (a public type's docs point to the vendors' constants, where users look for them) and create no
//! coupling; a trailing comment on a code line is exempt too, a string literal is not.

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

/// The code of a line: without a `//` comment (whole-line, doc or trailing), string literals kept.
fn code_of(line: &str) -> &str {
    let mut in_string = false;
    let mut escaped = false;
    for (at, c) in line.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_string => escaped = true,
            '"' => in_string = !in_string,
            '/' if !in_string && line[at..].starts_with("//") => return &line[..at],
            _ => {}
        }
    }
    line
}

/// Lines of `files` whose code (see [`code_of`]) names a vendor, in any case.
fn vendor_names_in_code(files: &[PathBuf]) -> Vec<String> {
    files
        .iter()
        .flat_map(|file| {
            let text = fs::read_to_string(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            text.lines()
                .filter(|l| {
                    let code = code_of(l).to_ascii_lowercase();
                    VENDORS.iter().any(|v| code.contains(v))
                })
                .map(|l| format!("{}: {}", file.display(), l.trim()))
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn the_name_check_reads_code_not_comments() {
    assert_eq!(
        code_of("let r = Route::KOMBO_LIST; // the list"),
        "let r = Route::KOMBO_LIST; "
    );
    assert_eq!(code_of("/// Kombo's envelope"), "");
    assert_eq!(
        code_of(r#"let url = "http://techwolf"; // x"#),
        r#"let url = "http://techwolf"; "#
    );
    assert_eq!(code_of(r#"let q = "\"//"; kombo"#), r#"let q = "\"//"; kombo"#);
    let scratch = std::env::temp_dir().join(format!("skillbridge-layout-{}.rs", std::process::id()));
    fs::write(
        &scratch,
        "// TechWolf's tokens\nconst A: u8 = 1; // kombo\nconst NAME: &str = \"TechWolf\";\n",
    )
    .expect("a scratch file");
    let found = vendor_names_in_code(std::slice::from_ref(&scratch));
    let _ = fs::remove_file(&scratch);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].ends_with(r#"const NAME: &str = "TechWolf";"#), "{found:?}");
}

#[test]
fn the_import_check_sees_grouped_and_relative_imports() {
    assert!(has_ident("use crate::{faults, kombo};", "kombo"));
    assert!(!has_ident("Route::KOMBO_LIST, \"kombo_mock\"", "kombo"));
}

#[test]
fn the_mocks_harness_names_no_vendor() {
    let harness = core_files(&src());
    assert!(
        harness.iter().any(|p| p.ends_with("server.rs")),
        "the harness files were not found: {harness:?}"
    );
    for expected in [
        "route.rs",
        "faults.rs",
        "contract.rs",
        "ids.rs",
        "hold.rs",
        "rate_limit.rs",
    ] {
        assert!(
            harness.iter().any(|p| p.ends_with(expected)),
            "{expected} not found: {harness:?}"
        );
    }
    let mut offending: Vec<String> = harness
        .iter()
        .flat_map(|file| VENDORS.iter().flat_map(move |v| naming(file, v)))
        .collect();
    // Not even a name: a vendor's routes, schemas, ids and words live in its folder.
    offending.extend(vendor_names_in_code(&harness));
    assert!(
        offending.is_empty(),
        "the mock's harness names a vendor:\n{}",
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
    offending.extend(vendor_names_in_code(&core));
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
