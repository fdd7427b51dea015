//! The codegen pipeline's steps on small fixture specs, with insta snapshots of their outputs.

use std::path::Path;

use serde_json::Value;
use xtask::codegen;
use xtask::spec::load::{self, Document};
use xtask::spec::operation_ids::{self, OperationIds};
use xtask::spec::{hoist, merge, normalize, overlay};

fn fixture(rel: &str) -> Document {
    load::load(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures"),
        Path::new(rel),
    )
    .unwrap()
}

fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap()
}

#[test]
fn normalize_every_rule() {
    let mut doc = fixture("normalize/every-rule.yaml").value;
    normalize::normalize(&mut doc).unwrap();
    insta::assert_snapshot!(pretty(&doc));
}

/// Every 3.1 construct the normalizer maps, drops or leaves out, and a derived `operationId`, in
/// one document: its 3.0 form, then the notes.
#[test]
fn normalize_openapi_31_rules() {
    let doc = fixture("normalize/openapi-31-rules.yaml");
    let mut value = doc.value.clone();
    let mut notes = operation_ids::assign(&mut value, OperationIds::Derive).unwrap();
    notes.extend(normalize::normalize(&mut value).unwrap());
    let notes: Vec<String> = notes.into_iter().map(|n| n.in_file(&doc.path).to_string()).collect();
    insta::assert_snapshot!(format!("{}\n\n{}", pretty(&value), notes.join("\n")));
}

#[test]
fn normalize_refuses_what_30_cannot_say() {
    let errors: Vec<String> = ["normalize/if-then-else.yaml", "normalize/prefix-items.yaml"]
        .into_iter()
        .map(|rel| {
            let doc = fixture(rel);
            let mut value = doc.value.clone();
            normalize::normalize(&mut value)
                .unwrap_err()
                .in_file(&doc.path)
                .to_string()
        })
        .collect();
    insta::assert_snapshot!(errors.join("\n"));
}

#[test]
fn overlay_appends_merges_and_removes() {
    let mut doc = fixture("overlay/doc.yaml").value;
    overlay::apply(&mut doc, &fixture("overlay/overlay.yaml").value).unwrap();
    insta::assert_snapshot!(pretty(&doc));
}

#[test]
fn merge_joins_operations_and_shared_components() {
    let merged = merge::merge(&[fixture("merge/get.yaml"), fixture("merge/post.yaml")]).unwrap();
    insta::assert_snapshot!(pretty(&merged));
}

#[test]
fn merge_reports_conflicts_with_both_files() {
    let err = merge::merge(&[fixture("merge/get.yaml"), fixture("merge/post-conflicting.yaml")]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "merge/post-conflicting.yaml#/components/responses/Error: conflicting definitions in merge/get.yaml and \
         merge/post-conflicting.yaml"
    );
}

#[test]
fn hoist_shared_record_enum_and_error() {
    let mut doc = fixture("hoist/shared-record.yaml").value;
    hoist::hoist(&mut doc, &[]).unwrap();
    insta::assert_snapshot!(pretty(&doc));
}

#[test]
fn a_progenitor_panic_is_an_error() {
    let doc = fixture("progenitor/mixed-success-and-default.yaml").value;
    let err = codegen::render(&doc).unwrap_err();
    assert!(
        err.reason
            .starts_with("progenitor cannot generate a client for this spec"),
        "{err}"
    );
}

#[test]
fn kombo_and_techwolf_generate_deterministically() {
    let root = xtask::workspace_root();
    let vendors = xtask::vendors::all(&root).unwrap();
    let first = codegen::generate_all(&root, &vendors).unwrap();
    let second = codegen::generate_all(&root, &vendors).unwrap();
    for (a, b) in first.iter().zip(&second) {
        assert_eq!(a.content, b.content, "{} differs between two runs", a.path.display());
    }
}

#[test]
fn hoisting_leaves_one_type_per_kombo_concept() {
    let prepared = codegen::prepare(&xtask::workspace_root(), &vendor("kombo")).unwrap();
    let text = pretty(&prepared.spec);
    // The record appears once, as a component; both operations reference it.
    assert_eq!(
        text.matches("\"staffing_entity_id\": {").count(),
        2,
        "record + request body only"
    );
    let code = codegen::render(&prepared.spec).unwrap();
    // One type per concept (structs also get one typify builder each).
    for (concept, count) in [
        ("pub struct StaffingEntitySkill {", 2),
        ("pub struct ErrorResponse {", 2),
        ("pub enum ErrorCodeInner {", 1),
    ] {
        assert_eq!(code.matches(concept).count(), count, "{concept}");
    }
    for per_operation_copy in [
        "ResultsItem",
        "PositiveResponseData",
        "GetHrisStaffingEntitySkillsResponse",
    ] {
        assert!(!code.contains(per_operation_copy), "{per_operation_copy}");
    }
}

/// The workspace's vendor `name`, as `specs/<name>/vendor.toml` declares it.
fn vendor(name: &str) -> xtask::vendors::Vendor {
    xtask::vendors::named(&xtask::workspace_root(), name).unwrap()
}

/// The vendors' real specs after the whole pipeline (merge, overlay, normalize, hoist): what
/// progenitor reads. A change here is a change of the generated clients' input.
fn normalized(name: &str) -> Value {
    codegen::prepare(&xtask::workspace_root(), &vendor(name)).unwrap().spec
}

#[test]
fn kombo_normalized_spec() {
    insta::assert_json_snapshot!("kombo_normalized_spec", normalized("kombo"));
}

#[test]
fn techwolf_normalized_spec() {
    insta::assert_json_snapshot!("techwolf_normalized_spec", normalized("techwolf"));
}
