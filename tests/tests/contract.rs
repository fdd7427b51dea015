//! The mock's contract checks read the documents `cargo xtask codegen` prepares: a change to the
//! overlay reaches the client's document and the mock's schemas through one pipeline.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::{Value, json};
use skillbridge_mock::{ContractSchemas, Route};

const OVERLAY: &str = "specs/kombo/overlay.yaml";
const KOMBO_INPUTS: [&str; 4] = [
    "specs/kombo/get-hris-staffing-entity-skills.yaml",
    "specs/kombo/post-hris-staffing-entity-skills.yaml",
    OVERLAY,
    "specs/kombo/vendor.toml",
];

fn error_with_code(code: Value) -> Value {
    json!({"status": "error", "error": {"code": code, "title": null, "message": "m", "log_url": null}})
}

#[test]
fn the_committed_documents_are_what_the_pipeline_prepares() {
    let root = xtask::workspace_root();
    for (name, committed) in [
        ("kombo", skillbridge_openapi::documents::KOMBO),
        ("techwolf", skillbridge_openapi::documents::TECHWOLF),
    ] {
        let vendor = xtask::vendors::named(&root, name).unwrap();
        let prepared = xtask::codegen::prepare(&root, &vendor).unwrap();
        assert_eq!(
            xtask::codegen::document_json(&prepared.document).unwrap(),
            committed,
            "{}",
            vendor.name
        );
        assert_eq!(prepared.document["openapi"], "3.1.0", "prepared, not normalized");
    }
}

#[test]
fn the_mock_schema_follows_an_overlay_action() {
    // The committed overlay adds `null` to the error code enum (Kombo's own example has `code: null`).
    let builtin = ContractSchemas::builtin().unwrap();
    let null_code = error_with_code(Value::Null);
    let new_code = error_with_code(json!("PLATFORM.BRAND_NEW"));
    assert_eq!(
        builtin.response_errors(Route::KOMBO_LIST, 400, &null_code),
        Vec::<String>::new()
    );
    assert!(!builtin.response_errors(Route::KOMBO_LIST, 400, &new_code).is_empty());

    // A scratch copy whose overlay adds another code instead of `null`.
    let scratch = std::env::temp_dir().join(format!("skillbridge-contract-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    let root = xtask::workspace_root();
    for rel in KOMBO_INPUTS {
        let to = scratch.join(rel);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(root.join(rel), to).unwrap();
    }
    let overlay = std::fs::read_to_string(scratch.join(OVERLAY)).unwrap();
    assert_eq!(
        overlay.matches("\n    update: null\n").count(),
        1,
        "the action this test edits"
    );
    let edited = overlay.replace("\n    update: null\n", "\n    update: PLATFORM.BRAND_NEW\n");
    std::fs::write(scratch.join(OVERLAY), edited).unwrap();

    let kombo = xtask::vendors::named(&scratch, "kombo").unwrap();
    let prepared = xtask::codegen::prepare(&scratch, &kombo).unwrap();
    let document = xtask::codegen::document_json(&prepared.document).unwrap();
    let _ = std::fs::remove_dir_all(&scratch);
    assert_ne!(document, skillbridge_openapi::documents::KOMBO);
    let changed = ContractSchemas::from_documents(&document, skillbridge_openapi::documents::TECHWOLF).unwrap();
    assert!(!changed.response_errors(Route::KOMBO_LIST, 400, &null_code).is_empty());
    assert_eq!(
        changed.response_errors(Route::KOMBO_UPSERT, 400, &new_code),
        Vec::<String>::new()
    );
}

#[test]
fn unusable_documents_are_errors_naming_the_document() {
    let err = ContractSchemas::from_documents("{", skillbridge_openapi::documents::TECHWOLF).unwrap_err();
    assert!(err.starts_with("kombo:"), "{err}");
    let err = ContractSchemas::from_documents(skillbridge_openapi::documents::KOMBO, "{}").unwrap_err();
    assert!(
        err.starts_with("techwolf") && err.contains("nothing at /paths"),
        "{err}"
    );
}
