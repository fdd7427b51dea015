//! The public API of `skillbridge` and of `skillbridge-mock`, one item a line, as insta snapshots:
//! a change to either surface shows as a diff in review. After an intended change:
//!
//! ```text
//! INSTA_UPDATE=always cargo test -p skillbridge-tests --test it public_api
//! ```
//!
//! The listing is what `cargo public-api` prints, from rustdoc's JSON output: every path,
//! function signature with its generics and bounds, public field, enum variant and trait
//! implementation (auto traits such as `Send` and `Sync` included; blanket implementations such as
//! `impl<T> From<T> for T`, the same for every type, left out). An item that exists only with a
//! feature ends with `// feature = "..."`.
//!
//! rustdoc's JSON output is unstable: on a stable toolchain `RUSTC_BOOTSTRAP=skillbridge,skillbridge_mock`
//! allows it for these two crates alone (as `.ci/doc-cfg` does for `doc(cfg)`). Its format changes with the
//! toolchain; `public-api` is pinned to the release that reads this toolchain's format, and a
//! mismatch fails with both numbers rather than with a parse error.

use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The rustdoc JSON format `public-api` 0.52.1 reads (its `rustdoc-types` 0.57): rustc 1.95's.
const FORMAT_VERSION: u64 = 57;

/// The features of `skillbridge` that add or change public items. The TLS and transport features
/// (`rustls`, `native-tls`, `http2`, `system-proxy`) only configure reqwest.
const SKILLBRIDGE_GATING_FEATURES: &[&str] = &["observe", "schemars", "sqlite"];

/// A target directory of its own: `cargo test` holds the lock of the one it builds in, and the
/// JSON builds `check` the dependencies, which the test build does not.
fn json_target_dir() -> PathBuf {
    // This test runs as <target>/<profile>/deps/public_api-<hash>.
    let exe = std::env::current_exe().unwrap();
    exe.ancestors().nth(3).unwrap().join("public-api")
}

/// Builds `package`'s rustdoc JSON with its default features plus `features`, and returns its text.
fn rustdoc_json(package: &str, features: &[&str]) -> String {
    let target = json_target_dir();
    let krate = package.replace('-', "_");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let mut command = Command::new(cargo);
    command
        .current_dir(xtask::workspace_root())
        // The same value for every build: cargo reruns build scripts when it changes.
        .env("RUSTC_BOOTSTRAP", "skillbridge,skillbridge_mock")
        .args([
            "rustdoc",
            "--quiet",
            "--locked",
            "--lib",
            "--package",
            package,
            "--target-dir",
        ])
        .arg(&target);
    if !features.is_empty() {
        command.args(["--features", &features.join(",")]);
    }
    command.args(["--", "-Z", "unstable-options", "--output-format", "json"]);
    let output = command.output().unwrap();
    assert!(
        output.status.success(),
        "cargo rustdoc --output-format json failed for {package}:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // Read at once: the next build (other features) writes the same file.
    std::fs::read_to_string(target.join("doc").join(format!("{krate}.json"))).unwrap()
}

/// The public items of one rustdoc JSON document, in `public-api`'s order (each type's items and
/// implementations follow it).
fn items(json: &str) -> Vec<String> {
    #[derive(serde::Deserialize)]
    struct Header {
        format_version: u64,
    }
    let header: Header = serde_json::from_str(json).unwrap();
    assert_eq!(
        header.format_version, FORMAT_VERSION,
        "this toolchain's rustdoc writes JSON format {}, the pinned public-api reads {FORMAT_VERSION}: \
         pin the public-api release whose rustdoc-types has that FORMAT_VERSION, then regenerate",
        header.format_version
    );
    let dir = json_target_dir();
    let file = dir.join("listing.json");
    std::fs::write(&file, json).unwrap();
    public_api::Builder::from_rustdoc_json(&file)
        .omit_blanket_impls(true)
        .build()
        .unwrap()
        .items()
        .map(ToString::to_string)
        .collect()
}

/// The listing of `package` with every gating feature on, items that need one marked with it.
fn listing(package: &str, gating_features: &[&str]) -> String {
    let base = items(&rustdoc_json(package, &[]));
    let base_set: HashSet<&str> = base.iter().map(String::as_str).collect();
    let mut gated: Vec<(String, Vec<&str>)> = Vec::new();
    let mut last = Vec::new();
    for feature in gating_features {
        let with = items(&rustdoc_json(package, &[feature]));
        let with_set: HashSet<&str> = with.iter().map(String::as_str).collect();
        let gone: Vec<&&str> = base_set.iter().filter(|item| !with_set.contains(**item)).collect();
        assert!(gone.is_empty(), "feature {feature} removes items: {gone:?}");
        for item in &with {
            if base_set.contains(item.as_str()) {
                continue;
            }
            match gated.iter_mut().find(|(known, _)| known == item) {
                Some((_, features)) => features.push(feature),
                None => gated.push((item.clone(), vec![feature])),
            }
        }
        last = with;
    }
    // The order in which gated items join the rest: a build with every gating feature on.
    let all = match gating_features {
        [] => base.clone(),
        [_] => last,
        _ => items(&rustdoc_json(package, gating_features)),
    };
    let mut out = String::new();
    for item in &all {
        out.push_str(item);
        if let Some((_, features)) = gated.iter().find(|(known, _)| known == item) {
            let names: Vec<String> = features.iter().map(|f| format!("feature = \"{f}\"")).collect();
            out.push_str("  // ");
            out.push_str(&names.join(", "));
        } else if !base_set.contains(item.as_str()) {
            // Present only when several features are on together.
            out.push_str("  // features together: ");
            out.push_str(&gating_features.join(", "));
        }
        out.push('\n');
    }
    out
}

/// Every `feature = "X"` named in a `cfg` under `dir`, outside tests.
fn features_named_in_cfg(dir: &Path) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let source = std::fs::read_to_string(&path).unwrap();
                for rest in source.split("cfg(feature = \"").skip(1) {
                    found.insert(rest.split('"').next().unwrap().to_owned());
                }
                for rest in source.split("cfg_attr(feature = \"").skip(1) {
                    found.insert(rest.split('"').next().unwrap().to_owned());
                }
            }
        }
    }
    found
}

#[test]
fn every_feature_that_gates_code_is_listed() {
    // A new feature that adds items must join the gating list, or its items go unmarked.
    let root = xtask::workspace_root();
    let listed: BTreeSet<String> = SKILLBRIDGE_GATING_FEATURES.iter().map(|f| (*f).to_owned()).collect();
    assert_eq!(features_named_in_cfg(&root.join("crates/skillbridge/src")), listed);
    assert_eq!(
        features_named_in_cfg(&root.join("crates/skillbridge-mock/src")),
        BTreeSet::new()
    );
}

#[test]
fn public_api() {
    // One test, so that the JSON builds, which share a target directory, run one after another.
    insta::with_settings!({
        description => "The public API (cargo public-api's listing). Regenerate: INSTA_UPDATE=always cargo test -p skillbridge-tests --test it public_api",
        omit_expression => true,
    }, {
        insta::assert_snapshot!("skillbridge", listing("skillbridge", SKILLBRIDGE_GATING_FEATURES));
        insta::assert_snapshot!("skillbridge_mock", listing("skillbridge-mock", &[]));
    });
}
