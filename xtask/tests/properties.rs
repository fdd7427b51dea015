//! The normalizer, the merge and the hoister take arbitrary input without panicking.
#![allow(clippy::unwrap_used)]

use proptest::prelude::*;
use serde_json::{Map, Value};
use xtask::load::Document;

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

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn normalize_never_panics(value in json()) {
        let mut doc = with_openapi(value, "3.1.0");
        let _ = xtask::normalize::normalize(&mut doc);
    }

    #[test]
    fn merge_never_panics(a in json(), b in json()) {
        let docs = [
            Document { path: "a".into(), value: a, sha256: String::new() },
            Document { path: "b".into(), value: b, sha256: String::new() },
        ];
        let _ = xtask::merge::merge(&docs);
    }

    #[test]
    fn hoist_and_refs_never_panic(value in json()) {
        let mut doc = value;
        let _ = xtask::refs::check(&doc);
        let _ = xtask::hoist::hoist(&mut doc, &[]);
    }

    #[test]
    fn merging_a_document_with_itself_is_identity(value in json()) {
        let docs = [
            Document { path: "a".into(), value: value.clone(), sha256: String::new() },
            Document { path: "b".into(), value: value.clone(), sha256: String::new() },
        ];
        prop_assert_eq!(xtask::merge::merge(&docs).unwrap(), value);
    }
}
