//! The mock's contract checks read the documents `cargo xtask codegen` prepares: a change to the
//! overlay reaches the client's document and the mock's schemas through one pipeline.

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

#[test]
fn a_page_added_to_vendor_toml_reaches_the_mocks_documents_with_no_rust_change() {
    // A scratch copy of the specs; `vendor kombo --add` records a third page and regenerates.
    let scratch = std::env::temp_dir().join(format!("skillbridge-contract-add-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    let root = xtask::workspace_root();
    for rel in KOMBO_INPUTS
        .iter()
        .chain(&["specs/techwolf/openapi.yaml", "specs/techwolf/vendor.toml"])
    {
        let to = scratch.join(rel);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(root.join(rel), to).unwrap();
    }
    let page = root.join("xtask/tests/fixtures/vendor/get-skills.md");
    let args = xtask::flags::Vendor {
        vendor: "kombo".into(),
        action: xtask::flags::VendorAction::Add {
            source: page.to_str().unwrap().to_owned(),
            url: Some("https://docs.kombo.dev/hris/v1/get-skills.md".into()),
        },
    };
    xtask::vendor::run(&scratch, &args).unwrap();
    // What the generated crate would embed as `documents::KOMBO` after this regeneration.
    let document =
        std::fs::read_to_string(scratch.join("crates/skillbridge-openapi/src/generated/kombo.openapi.json")).unwrap();
    let _ = std::fs::remove_dir_all(&scratch);
    let parsed: Value = serde_json::from_str(&document).unwrap();
    assert!(parsed["paths"]["/hris/skills"]["get"].is_object());
    // The mock compiles its contract schemas from it as from the committed one, unchanged.
    let schemas = ContractSchemas::from_documents(&document, skillbridge_openapi::documents::TECHWOLF).unwrap();
    assert!(
        !schemas
            .response_errors(Route::KOMBO_LIST, 400, &error_with_code(json!("PLATFORM.BRAND_NEW")))
            .is_empty()
    );
    assert_eq!(
        schemas.response_errors(Route::KOMBO_LIST, 400, &error_with_code(Value::Null)),
        Vec::<String>::new()
    );
}
