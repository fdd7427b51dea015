//! The differ on arbitrary input: it never panics; a document compared with itself, or with a
//! reformatted copy of itself (YAML written as JSON, keys reordered, descriptions reworded),
//! reports nothing (so every rule compares old against new, never against a default); every
//! output format renders every change; an overlay only ever adds overlay findings.

use proptest::prelude::*;
use serde_json::{Map, Value};
use xtask::drift;

/// Arbitrary JSON biased towards OpenAPI keys, `$ref`s (cyclic ones included) and schema keywords.
fn json() -> impl Strategy<Value = Value> {
    let key = prop_oneof![
        Just("paths"),
        Just("/a"),
        Just("/a/{id}"),
        Just("get"),
        Just("post"),
        Just("parameters"),
        Just("requestBody"),
        Just("responses"),
        Just("200"),
        Just("default"),
        Just("content"),
        Just("application/json"),
        Just("schema"),
        Just("components"),
        Just("schemas"),
        Just("S"),
        Just("$ref"),
        Just("type"),
        Just("properties"),
        Just("required"),
        Just("items"),
        Just("allOf"),
        Just("oneOf"),
        Just("anyOf"),
        Just("enum"),
        Just("const"),
        Just("nullable"),
        Just("maximum"),
        Just("exclusiveMinimum"),
        Just("maxLength"),
        Just("minItems"),
        Just("pattern"),
        Just("format"),
        Just("name"),
        Just("in"),
        Just("deprecated"),
        Just("operationId"),
        Just("readOnly"),
        Just("additionalProperties"),
        Just("description"),
        Just("default"),
        Just("example"),
        Just("security"),
        Just("headers"),
        Just("servers"),
        Just("discriminator"),
        Just("if"),
        Just("not"),
        Just("prefixItems"),
    ]
    .prop_map(str::to_owned);
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        prop_oneof![
            Just("#/components/schemas/S"),
            Just("#"),
            Just("#/paths"),
            Just("null"),
            Just("string"),
            Just("integer"),
            Just("query"),
            Just("header"),
            Just("path"),
        ]
        .prop_map(|s| Value::String(s.to_owned())),
        "[a-z#/]{0,6}".prop_map(Value::String),
    ];
    leaf.prop_recursive(6, 96, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((key.clone(), inner), 0..6)
                .prop_map(|pairs| Value::Object(pairs.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// An OpenAPI-shaped document whose schemas, parameters and responses are arbitrary JSON, so the
/// operation, parameter, body, response and schema rules all run (raw arbitrary JSON rarely has
/// `paths` at the top).
fn doc() -> impl Strategy<Value = Value> {
    let schema = || json();
    (
        (schema(), schema(), schema(), schema(), schema()),
        (any::<bool>(), any::<bool>(), prop_oneof![Just("query"), Just("header"), Just("path")]),
        (prop_oneof![Just("200"), Just("201"), Just("404"), Just("default")], json()),
    )
        .prop_map(|((param, body, response, s, t), (required, body_required, place), (status, extra))| {
            serde_json::json!({
                "openapi": "3.1.0",
                "paths": {
                    "/a/{id}": {
                        "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
                        "get": {
                            "operationId": "get",
                            "parameters": [
                                {"name": "p", "in": place, "required": required, "schema": param},
                                {"$ref": "#/components/parameters/P"}
                            ],
                            "responses": {
                                status: {"description": "", "content": {"application/json": {"schema": response}}},
                                "default": {"$ref": "#/components/responses/E"}
                            }
                        },
                        "post": {
                            "requestBody": {"required": body_required, "content": {"application/json": {"schema": {"allOf": [body, {"description": "The body."}]}}}},
                            "responses": {"201": {"description": "", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/S"}}}}},
                            "x-extra": extra
                        }
                    }
                },
                "components": {
                    "schemas": {"S": s, "T": t},
                    "parameters": {"P": {"name": "q", "in": "query", "schema": {"$ref": "#/components/schemas/T"}}},
                    "responses": {"E": {"description": "", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/T"}}}}}
                }
            })
        })
}

/// The document written as YAML, read back, written as JSON and read back: what a vendor
/// switching its published format does.
fn yaml_then_json(doc: &Value) -> Value {
    let yaml = serde_yaml_ng::to_string(doc).unwrap();
    let from_yaml = xtask::spec::load::parse(&yaml).unwrap();
    let json = serde_json::to_string_pretty(&from_yaml).unwrap();
    xtask::spec::load::parse(&json).unwrap()
}

/// Floats as specs write them (at most three decimals, below a million). serde_json without its
/// `float_roundtrip` feature may read a 17-digit or tiny float one ulp off, so such a float
/// written as JSON and read back can differ; this property is about the differ, not the parser.
fn short_floats(value: &Value) -> Value {
    match value {
        Value::Number(n) if n.is_f64() => n
            .as_f64()
            .map(|f| ((f % 1e6) * 1000.0).round() / 1000.0)
            .map_or(Value::Null, Value::from),
        Value::Object(map) => Value::Object(map.iter().map(|(k, v)| (k.clone(), short_floats(v))).collect()),
        Value::Array(items) => Value::Array(items.iter().map(short_floats).collect()),
        other => other.clone(),
    }
}

/// Every object's keys in reverse order, every `description` string reworded (but not inside
/// values: a `default`, `example`, `enum` or `const` is data, where `description` is just a key).
fn reformat(value: &Value) -> Value {
    reformat_in(value, false)
}

fn reformat_in(value: &Value, data: bool) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .rev()
                .map(|(k, v)| match (k.as_str(), v) {
                    ("description", Value::String(s)) if !data => (k.clone(), Value::String(format!("Reworded: {s}"))),
                    ("default" | "example" | "examples" | "enum" | "const", _) => (k.clone(), reformat_in(v, true)),
                    _ => (k.clone(), reformat_in(v, data)),
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(|v| reformat_in(v, data)).collect()),
        other => other.clone(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_pairs_never_panic(old in json(), new in json(), overlay in json()) {
        let report = drift::compare("p", &old, &new, None).unwrap();
        // Every change carries a known rule id with its table level.
        for change in &report.changes {
            prop_assert_eq!(drift::rules::level(&change.id), Some(change.level), "{:?}", change);
        }
        // Every format renders every change.
        let text = drift::format::render(&report, drift::format::Format::Text);
        for change in &report.changes {
            let line = format!("{:<4} {}", change.level.as_str(), change.id);
            prop_assert!(text.contains(&line), "{} not in {}", line, text);
        }
        let json: Value = serde_json::from_str(&drift::format::render(&report, drift::format::Format::Json)).unwrap();
        prop_assert_eq!(json["changes"].as_array().map(Vec::len), Some(report.changes.len()));
        let github = drift::format::render(&report, drift::format::Format::Github);
        prop_assert_eq!(github.lines().filter(|l| l.starts_with("::")).count(), report.changes.len());
        // Changes are located in the new side, written as JSON or YAML: at a node that exists,
        // on a line of the text.
        for text in [serde_json::to_string_pretty(&new).unwrap(), serde_yaml_ng::to_string(&new).unwrap()] {
            let lines = text.lines().count().max(1);
            let documents = [drift::locate::NewDocument { uri: "new".into(), text, first_line: 1, value: new.clone() }];
            for change in &report.changes {
                let place = drift::locate::place(&documents, change).unwrap();
                prop_assert!(new.pointer(&place.pointer).is_some(), "{:?} at {}", change, place.pointer);
                prop_assert!((1..=lines).contains(&place.line), "{:?} at line {} of {}", change, place.line, lines);
            }
            let options = drift::format::Options { fail_on: Some(drift::Level::Warn), documents: &documents };
            for format in [drift::format::Format::Markdown, drift::format::Format::Junit, drift::format::Format::Sarif] {
                let _ = drift::format::render_with(&report, format, &options);
            }
        }
        // Overlay checks may refuse a malformed overlay (an error, never a panic); when they
        // accept it, they only add overlay findings to the same comparison.
        if let Ok(with_overlay) = drift::compare("p", &old, &new, Some(&overlay)) {
            let without: Vec<_> = with_overlay.changes.iter().filter(|c| !c.id.starts_with("overlay-")).cloned().collect();
            prop_assert_eq!(without, report.changes);
        }
    }

    #[test]
    fn line_finding_never_panics_on_any_text(text in any::<String>(), pointer in "(/[-a-z0-9~{}\"' :]{0,6}){0,5}") {
        let line = drift::lines::line_of(&text, &pointer);
        prop_assert!(line >= 1 && line <= text.lines().count().max(1), "{} of {:?}", line, text);
    }

    #[test]
    fn arbitrary_openapi_shaped_pairs_never_panic(old in doc(), new in doc()) {
        let report = drift::compare("p", &old, &new, None).unwrap();
        for change in &report.changes {
            prop_assert_eq!(drift::rules::level(&change.id), Some(change.level), "{:?}", change);
            prop_assert!(!change.operation.is_empty(), "{:?}", change);
        }
    }

    #[test]
    fn a_document_compared_with_itself_reports_nothing(doc in prop_oneof![json(), doc()]) {
        let report = drift::compare("p", &doc, &doc.clone(), None).unwrap();
        prop_assert!(report.changes.is_empty(), "{:?}", report.changes);
    }

    #[test]
    fn reordered_keys_and_edited_descriptions_report_nothing(doc in doc()) {
        let report = drift::compare("p", &doc, &reformat(&doc), None).unwrap();
        prop_assert!(report.changes.is_empty(), "{:?}", report.changes);
    }

    #[test]
    fn yaml_written_as_json_reports_nothing(doc in prop_oneof![json(), doc()]) {
        let doc = short_floats(&doc);
        let copy = yaml_then_json(&doc);
        let report = drift::compare("p", &doc, &copy, None).unwrap();
        prop_assert!(report.changes.is_empty(), "{:?}", report.changes);
        let report = drift::compare("p", &copy, &reformat(&doc), None).unwrap();
        prop_assert!(report.changes.is_empty(), "{:?}", report.changes);
    }

    #[test]
    fn comparing_is_deterministic(old in json(), new in json()) {
        prop_assert_eq!(drift::compare("p", &old, &new, None).unwrap(), drift::compare("p", &old, &new, None).unwrap());
    }
}

#[test]
fn the_vendored_specs_compared_with_themselves_report_nothing() {
    let root = xtask::workspace_root();
    for vendor in xtask::vendors::all(&root).unwrap() {
        let docs = vendor.load_documents(&root).unwrap();
        let merged = xtask::spec::merge::merge(&docs).unwrap();
        let report = drift::compare(&vendor.name, &merged, &merged, None).unwrap();
        assert!(report.changes.is_empty(), "{}: {:?}", vendor.name, report.changes);
    }
}
