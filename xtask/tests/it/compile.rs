//! The client generated from a document that uses every rule of the normalizer (and a derived
//! `operationId`) compiles: a scratch crate holding it is built against the workspace's own
//! `skillbridge-openapi` (its `RequestContext`) and lock file, offline. One build; its target
//! directory lives under the workspace's and is reused by later runs.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The scratch crate: the generated client as a module, `crate::RequestContext` re-exported
/// from the generated crate, as its hooks expect.
fn scratch_crate(dir: &Path, code: &str) {
    let root = xtask::workspace_root();
    std::fs::create_dir_all(dir.join("src")).unwrap();
    let manifest = format!(
        r#"[package]
name = "xtask-compile-check"
version = "0.0.0"
edition = "2024"
publish = false

# Not a member of the workspace it sits in.
[workspace]

[dependencies]
skillbridge-openapi = {{ path = "{openapi}" }}
chrono = {{ version = "0.4", default-features = false, features = ["serde", "std"] }}
progenitor-client = "0.15.1"
reqwest = {{ version = "0.13.5", default-features = false, features = ["json", "query"] }}
serde = {{ version = "1", features = ["derive"] }}
serde_json = "1"
uuid = {{ version = "1", features = ["serde"] }}
"#,
        openapi = root
            .join("crates/skillbridge-openapi")
            .display()
            .to_string()
            .replace('\\', "/")
    );
    write_if_changed(&dir.join("Cargo.toml"), &manifest);
    write_if_changed(
        &dir.join("src/lib.rs"),
        "pub use skillbridge_openapi::RequestContext;\n\n#[allow(warnings, clippy::all)]\npub mod rules;\n",
    );
    write_if_changed(&dir.join("src/rules.rs"), code);
    // The workspace's resolution: the same versions, and no network needed.
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
}

/// Unchanged files keep their timestamps, so a rerun rebuilds nothing.
fn write_if_changed(path: &Path, content: &str) {
    if std::fs::read_to_string(path).ok().as_deref() != Some(content) {
        std::fs::write(path, content).unwrap();
    }
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| xtask::workspace_root().join("target"))
}

#[test]
fn the_client_generated_with_every_rule_compiles() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/normalize/openapi-31-rules.yaml");
    let tried = xtask::codegen::try_document(&fixture).unwrap();
    // The rules produced what the client is meant to have.
    for expected in [
        "pub fn get_stream(",        // hand-named
        "pub fn put_streams_by_id(", // derived from method and path
        "ResponseValue<()>",         // no responses: status and headers, no body type
        "pub legacy: (),",           // a lone null type
        "pub owner: ::std::option::Option<Owner>",
        "pub enum StreamSize {", // several types: one variant per type
    ] {
        assert!(
            tried.code.contains(expected),
            "{expected} missing from the generated client"
        );
    }
    let dir = target_dir().join("xtask-compile-check");
    scratch_crate(&dir, &tried.code);
    let out = Command::new(env!("CARGO"))
        .args(["build", "--offline", "--quiet"])
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", dir.join("target"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "the generated client does not compile:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
