//! Properties of the normalizer, the merge and the hoister: on arbitrary input they never panic,
//! and whenever they succeed (always, on documents built only from mappable 3.1 constructs) the
//! result is 3.0 through and through, normalizing again changes nothing, and every `$ref` still
//! resolves after hoisting.

use proptest::prelude::*;
use serde_json::{Map, Value, json};
use xtask::spec::load::Document;

/// Arbitrary JSON, biased towards OpenAPI-looking keys so the rules actually fire.
fn json() -> impl Strategy<Value = Value> {
    let key = prop_oneof![
        Just("type".to_owned()),
        Just("properties".to_owned()),
        Just("items".to_owned()),
        Just("const".to_owned()),
        Just("examples".to_owned()),
        Just("enum".to_owned()),
        Just("$ref".to_owned()),
        Just("exclusiveMinimum".to_owned()),
        Just("minimum".to_owned()),
        Just("nullable".to_owned()),
        Just("allOf".to_owned()),
        Just("components".to_owned()),
        Just("schemas".to_owned()),
        Just("paths".to_owned()),
        Just("responses".to_owned()),
        Just("default".to_owned()),
        Just("200".to_owned()),
        Just("content".to_owned()),
        Just("schema".to_owned()),
        Just("get".to_owned()),
        "[a-z/~]{0,6}",
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        prop_oneof![Just("null".to_owned()), Just("string".to_owned()), "[a-z#/]{0,8}"].prop_map(Value::String),
    ];
    leaf.prop_recursive(5, 64, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((key.clone(), inner), 0..6)
                .prop_map(|entries| Value::Object(entries.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

fn with_openapi(mut value: Value, version: &str) -> Value {
    if let Value::Object(map) = &mut value {
        map.insert("openapi".into(), Value::String(version.into()));
    }
    value
}

/// A 3.1 schema using only constructs with a 3.0 equivalent: type arrays with `null`, `const`,
/// `examples`, numeric exclusive bounds, `$ref` with siblings, nested objects, arrays and `allOf`.
fn schema31() -> impl Strategy<Value = Value> {
    let scalar = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        (-1000i64..1000).prop_map(Value::from),
        "[a-z]{0,5}".prop_map(Value::String),
    ];
    let type_name = prop_oneof![Just("string"), Just("integer"), Just("number"), Just("boolean")];
    let leaf = prop_oneof![
        (type_name.clone(), 0..4usize).prop_map(|(t, shape)| match shape {
            0 => json!({"type": t}),
            1 => json!({"type": [t]}),
            2 => json!({"type": [t, "null"]}),
            _ => json!({"type": ["null", t], "description": "nullable"}),
        }),
        (scalar.clone(), any::<bool>()).prop_map(|(c, typed)| {
            if typed {
                json!({"type": "string", "const": c})
            } else {
                json!({"const": c})
            }
        }),
        (prop::collection::vec(scalar, 0..3), any::<bool>()).prop_map(|(examples, with_example)| {
            if with_example {
                json!({"type": "string", "examples": examples, "example": "kept"})
            } else {
                json!({"type": "string", "examples": examples})
            }
        }),
        ((-50i64..50), 0..4usize).prop_map(|(n, shape)| match shape {
            0 => json!({"type": "integer", "exclusiveMinimum": n}),
            1 => json!({"type": "number", "exclusiveMaximum": n as f64 + 0.5}),
            2 => json!({"type": "integer", "exclusiveMinimum": n, "exclusiveMaximum": n + 10}),
            _ => json!({"type": "integer", "minimum": n, "exclusiveMinimum": true}),
        }),
        (0..3usize).prop_map(|shape| match shape {
            0 => json!({"$ref": "#/components/schemas/Base"}),
            1 => json!({"$ref": "#/components/schemas/Base", "description": "annotated"}),
            _ => json!({"$ref": "#/components/schemas/Base", "nullable": true}),
        }),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::btree_map("[a-z]{1,4}", inner.clone(), 1..4)
                .prop_map(|properties| { json!({"type": "object", "properties": properties}) }),
            inner
                .clone()
                .prop_map(|items| json!({"type": ["array", "null"], "items": items})),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| json!({"allOf": [a, b]})),
            inner.prop_map(|s| json!({"$ref": "#/components/schemas/Base", "readOnly": true, "allOf": [s]})),
        ]
    })
}

/// A 3.1 document of such schemas: the same record under two operations (so that hoisting has
/// work), a `default` error beside the success response, and named components.
fn document31() -> impl Strategy<Value = Value> {
    (schema31(), schema31(), schema31()).prop_map(|(shared, error, component)| {
        let response =
            |schema: &Value| json!({"description": "r", "content": {"application/json": {"schema": schema}}});
        let record = json!({"type": "object", "properties": {"data": shared, "note": {"type": ["string", "null"]}}});
        json!({
            "openapi": "3.1.0",
            "paths": {"/a": {
                "get": {"responses": {"200": response(&record), "default": response(&error)}},
                "post": {"responses": {"201": response(&record)}}
            }},
            "components": {"schemas": {
                "Base": {"type": "object", "properties": {"id": {"type": "string", "const": "x"}}},
                "Other": component
            }}
        })
    })
}

/// Fails when anything 3.1-only is left in `doc` (returns the offending pointer and why).
fn left_over_31(doc: &Value) -> Option<String> {
    if doc.get("openapi") != Some(&json!("3.0.3")) {
        return Some("openapi is not 3.0.3".to_owned());
    }
    for pointer in xtask::spec::schemas::all(doc) {
        let Some(schema) = doc.pointer(&pointer).and_then(Value::as_object) else {
            continue;
        };
        if schema.contains_key("const") {
            return Some(format!("{pointer}: const"));
        }
        if schema.contains_key("examples") {
            return Some(format!("{pointer}: schema examples"));
        }
        if schema.get("type").is_some_and(|t| !t.is_string()) {
            return Some(format!("{pointer}: type {}", schema["type"]));
        }
        for bound in ["exclusiveMinimum", "exclusiveMaximum"] {
            if schema.get(bound).is_some_and(|b| !b.is_boolean()) {
                return Some(format!("{pointer}: numeric {bound}"));
            }
        }
        if schema.contains_key("$ref") && schema.len() > 1 {
            return Some(format!("{pointer}: $ref with siblings"));
        }
    }
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for (method, operation) in item.as_object().into_iter().flatten() {
            let responses = operation["responses"].as_object();
            let mixed = responses.is_some_and(|r| r.contains_key("default") && r.keys().any(|k| k.starts_with('2')));
            if mixed {
                return Some(format!("{path} {method}: default beside a success"));
            }
        }
    }
    None
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn mappable_31_normalizes_to_pure_30_once_and_for_all(doc in document31()) {
        let mut normalized = doc.clone();
        let result = xtask::spec::normalize::normalize(&mut normalized);
        prop_assert!(result.is_ok(), "{:?} on {}", result, doc);
        prop_assert_eq!(left_over_31(&normalized), None, "{}", normalized);
        prop_assert!(xtask::spec::refs::check(&normalized).is_ok(), "{}", normalized);
        let mut again = normalized.clone();
        prop_assert!(xtask::spec::normalize::normalize(&mut again).is_ok());
        prop_assert_eq!(again, normalized, "normalizing twice changed the document");
    }

    #[test]
    fn refs_still_resolve_after_hoisting(doc in document31()) {
        let mut doc = doc;
        xtask::spec::normalize::normalize(&mut doc).unwrap();
        prop_assert!(xtask::spec::refs::check(&doc).is_ok());
        let mut hoisted = doc.clone();
        let result = xtask::spec::hoist::hoist(&mut hoisted, &[]);
        prop_assert!(result.is_ok(), "{:?}", result);
        let refs = xtask::spec::refs::check(&hoisted);
        prop_assert!(refs.is_ok(), "{:?} in {}", refs, hoisted);
        // The shared record is one component now, referenced from both operations.
        let get = hoisted.pointer("/paths/~1a/get/responses/200/content/application~1json/schema");
        let post = hoisted.pointer("/paths/~1a/post/responses/201/content/application~1json/schema");
        prop_assert!(get.and_then(|s| s.get("$ref")).is_some(), "{}", hoisted);
        prop_assert_eq!(get, post);
        // Hoisting is deterministic, and a second run finds nothing left to hoist.
        let mut twice = doc.clone();
        xtask::spec::hoist::hoist(&mut twice, &[]).unwrap();
        prop_assert_eq!(&twice, &hoisted);
        xtask::spec::hoist::hoist(&mut twice, &[]).unwrap();
        prop_assert_eq!(&twice, &hoisted);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn normalize_never_panics_and_what_it_accepts_is_30(value in json()) {
        let mut doc = with_openapi(value, "3.1.0");
        if xtask::spec::normalize::normalize(&mut doc).is_ok() {
            prop_assert_eq!(left_over_31(&doc), None, "{}", doc);
            let mut again = doc.clone();
            prop_assert!(xtask::spec::normalize::normalize(&mut again).is_ok());
            prop_assert_eq!(again, doc);
        }
    }

    #[test]
    fn merge_never_panics(a in json(), b in json()) {
        let docs = [
            Document { path: "a".into(), value: a, sha256: String::new() },
            Document { path: "b".into(), value: b, sha256: String::new() },
        ];
        let _ = xtask::spec::merge::merge(&docs);
    }

    #[test]
    fn hoist_never_panics_and_keeps_refs_resolving(value in json()) {
        let mut doc = value;
        let resolved = xtask::spec::refs::check(&doc).is_ok();
        if xtask::spec::hoist::hoist(&mut doc, &[]).is_ok() && resolved {
            prop_assert!(xtask::spec::refs::check(&doc).is_ok(), "{}", doc);
        }
    }

    #[test]
    fn merging_a_document_with_itself_is_identity(value in json()) {
        let docs = [
            Document { path: "a".into(), value: value.clone(), sha256: String::new() },
            Document { path: "b".into(), value: value.clone(), sha256: String::new() },
        ];
        prop_assert_eq!(xtask::spec::merge::merge(&docs).unwrap(), value);
    }
}
