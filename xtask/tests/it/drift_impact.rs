//! `cargo xtask drift --impact`: the generated SDK of two spec revisions compared. Each folder of
//! `fixtures/drift/impact/` holds an `old.yaml` and a `new.yaml`; the tests assert exactly which
//! generated items change and the release that calls for.

use std::path::{Path, PathBuf};

use xtask::drift::cli::run;
use xtask::drift::format::Format;
use xtask::drift::impact::{self, Impact, Release};
use xtask::flags::Drift;
use xtask::spec::load::{self, Document};

fn case(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/drift/impact")
        .join(name)
}

fn doc(dir: &Path, file: &str) -> Vec<Document> {
    vec![load::load(dir, Path::new(file)).unwrap()]
}

fn impact_of(name: &str) -> Impact {
    let dir = case(name);
    impact::of_documents(&doc(&dir, "old.yaml"), &doc(&dir, "new.yaml"))
}

/// `how kind item[.member]: old -> new`, one per change.
fn lines(impact: &Impact) -> Vec<String> {
    impact
        .changes
        .iter()
        .map(|c| {
            let show = |t: &Option<String>| t.as_deref().map(impact::model::short).unwrap_or_default();
            format!(
                "{} {} {}: {} -> {}",
                c.how.as_str(),
                c.kind,
                c.name(),
                show(&c.old),
                show(&c.new)
            )
        })
        .collect()
}

#[test]
fn a_removed_a_retyped_and_an_added_property_call_for_major() {
    let got = impact_of("retyped-removed-added");
    assert_eq!(got.error, None);
    assert_eq!(
        lines(&got),
        [
            "removed field types::Thing.label: Option<String> -> ",
            "retyped field types::Thing.size: i64 -> String",
            "added field types::Thing.color:  -> Option<String>",
        ]
    );
    assert_eq!(got.release, Some(Release::Major));
}

#[test]
fn additions_only_call_for_minor() {
    let got = impact_of("added-only");
    assert_eq!(got.error, None);
    assert_eq!(
        lines(&got),
        [
            "added builder method builder::GetThing.verbose:  -> Option<bool>",
            "added field types::Thing.color:  -> Option<String>",
        ]
    );
    assert_eq!(got.release, Some(Release::Minor));
}

#[test]
fn an_unchanged_spec_lists_nothing() {
    let got = impact_of("unchanged");
    assert_eq!(got.error, None);
    assert!(got.changes.is_empty(), "{:?}", got.changes);
    assert_eq!(got.release, Some(Release::None));
}

#[test]
fn a_side_that_fails_codegen_is_an_impact_error() {
    let got = impact_of("codegen-fails");
    assert_eq!(got.release, None);
    let error = got.error.unwrap();
    assert!(error.starts_with("new side: codegen fails: "), "{error}");
}

fn args(dir: &Path, format: Format) -> Drift {
    Drift {
        vendor: None,
        base: vec![dir.join("old.yaml").display().to_string()],
        against: vec![dir.join("new.yaml").display().to_string()],
        upstream: false,
        format,
        fail_on: None,
        ignore: None,
        severity: Vec::new(),
        impact: true,
        observed: None,
    }
}

#[test]
fn the_report_shows_the_impact_in_text_json_and_markdown() {
    let dir = case("retyped-removed-added");
    let root = xtask::workspace_root();
    let text = run(&root, &args(&dir, Format::Text)).unwrap().stdout;
    assert!(
        text.contains("SDK impact (codegen of the base -> codegen of the new side): major release"),
        "{text}"
    );
    assert!(
        text.contains("  retyped field          types::Thing.size: i64 -> String\n"),
        "{text}"
    );
    let json: serde_json::Value = serde_json::from_str(&run(&root, &args(&dir, Format::Json)).unwrap().stdout).unwrap();
    assert_eq!(json["impact"]["release"], "major");
    assert_eq!(json["impact"]["changes"].as_array().unwrap().len(), 3);
    assert_eq!(json["impact"]["changes"][1]["change"], "retyped");
    assert_eq!(json["impact"]["changes"][1]["member"], "size");
    let markdown = run(&root, &args(&dir, Format::Markdown)).unwrap().stdout;
    assert!(markdown.contains("### SDK impact\n\nRelease: **major**"), "{markdown}");
    assert!(
        markdown.contains("| retyped | field | `types::Thing.size` | `i64 -> String` |"),
        "{markdown}"
    );
    // Without --impact the report has no impact.
    let mut plain = args(&dir, Format::Json);
    plain.impact = false;
    let json: serde_json::Value = serde_json::from_str(&run(&root, &plain).unwrap().stdout).unwrap();
    assert!(json.get("impact").is_none());
}

#[test]
fn vendor_mode_compares_with_the_committed_generated_file() {
    // The seed pages are the vendored documents: codegen of them (with the overlay) is the
    // committed file, so nothing changes.
    let root = xtask::workspace_root();
    let pages = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/drift/pages");
    let args = Drift {
        vendor: Some("kombo".into()),
        base: Vec::new(),
        against: ["get-staffing-entity-skills.md", "post-staffing-entity-skills.md"]
            .iter()
            .map(|p| pages.join(p).display().to_string())
            .collect(),
        upstream: false,
        format: Format::Json,
        fail_on: None,
        ignore: None,
        severity: Vec::new(),
        impact: true,
        observed: None,
    };
    let json: serde_json::Value = serde_json::from_str(&run(&root, &args).unwrap().stdout).unwrap();
    assert_eq!(json["impact"]["error"], serde_json::Value::Null, "{json}");
    assert_eq!(json["impact"]["release"], "none", "{json}");
    assert_eq!(json["impact"]["changes"], serde_json::json!([]));
    assert_eq!(
        json["impact"]["compared"],
        "crates/skillbridge-openapi/src/generated/kombo.rs -> codegen of the new side"
    );
}
