//! What a team pins its acknowledgements and dashboards to: fingerprints that survive a vendor
//! reformatting its document (YAML to JSON, other indentation, keys in another order), and the
//! markdown report as a reviewed snapshot.

use std::path::{Path, PathBuf};

use xtask::drift::cli::run;
use xtask::drift::format::Format;
use xtask::flags::Drift;

fn case(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/drift/cases")
        .join(name)
}

fn drift(old: &Path, new: &Path, format: Format) -> String {
    let args = Drift {
        vendor: None,
        base: vec![old.display().to_string()],
        against: vec![new.display().to_string()],
        upstream: false,
        format,
        fail_on: None,
        ignore: None,
        severity: Vec::new(),
        impact: false,
        observed: None,
    };
    run(&xtask::workspace_root(), &args).unwrap().stdout
}

fn fingerprints(report: &str) -> Vec<(String, String)> {
    let json: serde_json::Value = serde_json::from_str(report).unwrap();
    let mut found: Vec<(String, String)> = json["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["id"].as_str().unwrap().to_owned(),
                c["fingerprint"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    found.sort();
    found
}

/// `value` with every mapping's keys in reverse order.
fn reversed(value: serde_json::Value) -> serde_json::Value {
    match value {
        serde_json::Value::Object(map) => {
            let mut entries: Vec<_> = map.into_iter().collect();
            entries.reverse();
            serde_json::Value::Object(entries.into_iter().map(|(k, v)| (k, reversed(v))).collect())
        }
        serde_json::Value::Array(items) => serde_json::Value::Array(items.into_iter().map(reversed).collect()),
        other => other,
    }
}

#[test]
fn fingerprints_survive_the_new_side_reformatted_as_json_with_keys_reordered() {
    let scratch = std::env::temp_dir().join(format!("drift-stability-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).unwrap();
    let mut compared = 0;
    for name in [
        "path-parameter-renamed-and-redefaulted",
        "multi-type-parameters",
        "request-max-items-through-all-of",
        "pattern-widened-to-any-string",
    ] {
        let dir = case(name);
        let (old, new) = (dir.join("old.yaml"), dir.join("new.yaml"));
        let original = fingerprints(&drift(&old, &new, Format::Json));
        assert!(!original.is_empty(), "{name}: the fixture reports changes");
        let value: serde_json::Value = serde_yaml_ng::from_str(&std::fs::read_to_string(&new).unwrap()).unwrap();
        let reformatted = scratch.join(format!("{name}.json"));
        std::fs::write(&reformatted, serde_json::to_string_pretty(&reversed(value)).unwrap()).unwrap();
        assert_eq!(
            fingerprints(&drift(&old, &reformatted, Format::Json)),
            original,
            "{name}"
        );
        compared += original.len();
    }
    let _ = std::fs::remove_dir_all(&scratch);
    assert!(compared >= 4);
}

#[test]
fn the_markdown_report_of_a_fixture_pair() {
    let dir = case("path-parameter-renamed-and-redefaulted");
    let report = drift(&dir.join("old.yaml"), &dir.join("new.yaml"), Format::Markdown);
    // The title names the files by absolute path: keep the snapshot independent of the checkout.
    let root = xtask::workspace_root().display().to_string();
    insta::assert_snapshot!("drift_markdown_report", report.replace(&root, "<root>"));
}
