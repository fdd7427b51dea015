//! Normalize an OpenAPI 3.1 document to 3.0.3, the dialect progenitor (through `openapiv3`)
//! understands.
//!
//! One rule per 3.1 construct, each a general rewrite of schema positions (see [`crate::spec::schemas`]):
//! - `type: [T, "null"]` becomes `type: T` + `nullable: true`;
//! - `const: v` becomes `enum: [v]`;
//! - `examples: [a, ...]` in a schema becomes `example: a`;
//! - numeric `exclusiveMinimum`/`exclusiveMaximum` become `minimum`/`maximum` + the boolean form;
//! - `$ref` with sibling keywords becomes `allOf: [{$ref}]` + the siblings (3.0 ignores siblings);
//! - a `default` response beside a 2XX becomes `4XX` + `5XX` (progenitor cannot mix one success
//!   type with a `default` of another shape and panics);
//! - `openapi: 3.1.x` becomes `3.0.3`.
//!
//! What has no 3.0 equivalent (several non-null types, `prefixItems`, `if`/`then`/`else`, …) is an
//! error naming the JSON pointer, never a silent drop.

use serde_json::{Map, Value, json};

use crate::error::{Error, Result, join};
use crate::spec::{refs, schemas};

/// 3.1 (JSON Schema 2020-12) keywords with no OpenAPI 3.0 equivalent.
const UNMAPPABLE: [&str; 18] = [
    "prefixItems",
    "if",
    "then",
    "else",
    "$defs",
    "dependentSchemas",
    "dependentRequired",
    "patternProperties",
    "propertyNames",
    "contains",
    "minContains",
    "maxContains",
    "unevaluatedItems",
    "unevaluatedProperties",
    "$dynamicRef",
    "$dynamicAnchor",
    "contentSchema",
    "$id",
];

/// Keywords that only annotate a `$ref`; OpenAPI 3.0 ignores them beside `$ref`, so dropping
/// them there changes no meaning.
const REF_ANNOTATIONS: [&str; 2] = ["description", "summary"];

/// Normalize `doc` in place.
pub fn normalize(doc: &mut Value) -> Result<()> {
    document(doc)?;
    for pointer in schemas::all(doc) {
        let Some(Value::Object(schema)) = doc.pointer_mut(&pointer) else {
            if doc.pointer(&pointer).is_some_and(|v| !v.is_boolean()) {
                return Err(Error::at(pointer, "a schema must be an object"));
            }
            continue;
        };
        schema_rules(schema, &pointer)?;
    }
    let operations: Vec<String> = refs::all_operations(doc).map(|o| o.pointer()).collect();
    for pointer in operations {
        if let Some(Value::Object(responses)) = doc.pointer_mut(&join(&pointer, "responses")) {
            default_response(responses);
        }
    }
    Ok(())
}

/// Apply every schema rule to one schema node.
pub fn schema_rules(schema: &mut Map<String, Value>, pointer: &str) -> Result<()> {
    unmappable(schema, pointer)?;
    ref_siblings(schema);
    type_array(schema, pointer)?;
    constant(schema, pointer)?;
    examples(schema, pointer)?;
    exclusive_bound(schema, pointer, "exclusiveMinimum", "minimum")?;
    exclusive_bound(schema, pointer, "exclusiveMaximum", "maximum")?;
    Ok(())
}

fn document(doc: &mut Value) -> Result<()> {
    let Value::Object(root) = doc else {
        return Err(Error::at("/", "an OpenAPI document must be an object"));
    };
    match root.get("openapi").and_then(Value::as_str) {
        Some(v) if v.starts_with("3.0.") || v.starts_with("3.1.") => {}
        Some(v) => return Err(Error::at("/openapi", format!("unsupported OpenAPI version {v}"))),
        None => return Err(Error::at("/openapi", "missing `openapi` version string")),
    }
    root.insert("openapi".into(), json!("3.0.3"));
    for key in ["webhooks", "jsonSchemaDialect"] {
        if root.get(key).is_some_and(|v| v != &json!({})) {
            return Err(Error::at(
                join("", key),
                format!("`{key}` has no OpenAPI 3.0 equivalent"),
            ));
        }
        root.shift_remove(key);
    }
    if root.get("components").and_then(|c| c.get("pathItems")).is_some() {
        return Err(Error::at(
            "/components/pathItems",
            "`pathItems` has no OpenAPI 3.0 equivalent",
        ));
    }
    // 3.1 made `paths` optional; 3.0 requires it.
    root.entry("paths").or_insert_with(|| json!({}));
    Ok(())
}

fn unmappable(schema: &Map<String, Value>, pointer: &str) -> Result<()> {
    match UNMAPPABLE.iter().find(|k| schema.contains_key(**k)) {
        Some(key) => Err(Error::at(
            join(pointer, key),
            format!("`{key}` (OpenAPI 3.1) has no OpenAPI 3.0 equivalent"),
        )),
        None => Ok(()),
    }
}

/// `$ref` beside other keywords: 3.1 applies both, 3.0 ignores the siblings.
fn ref_siblings(schema: &mut Map<String, Value>) {
    if !schema.contains_key("$ref") {
        return;
    }
    for key in REF_ANNOTATIONS {
        schema.shift_remove(key);
    }
    if schema.len() > 1 {
        let reference = schema.shift_remove("$ref").unwrap_or(Value::Null);
        // Appended after an existing `allOf`'s members, not before: they keep their pointers, which
        // the caller has already listed for normalizing (moving them would skip them).
        let mut all_of = match schema.shift_remove("allOf") {
            Some(Value::Array(existing)) => existing,
            _ => Vec::new(),
        };
        all_of.push(json!({ "$ref": reference }));
        schema.insert("allOf".into(), Value::Array(all_of));
    }
}

fn type_array(schema: &mut Map<String, Value>, pointer: &str) -> Result<()> {
    let Some(Value::Array(types)) = schema.get("type") else {
        if schema.get("type").is_some_and(|t| t == "null") {
            return Err(Error::at(
                join(pointer, "type"),
                "`type: null` has no OpenAPI 3.0 equivalent",
            ));
        }
        return Ok(());
    };
    let nullable = types.iter().any(|t| t == "null");
    let others: Vec<&Value> = types.iter().filter(|t| *t != "null").collect();
    let single = match others.as_slice() {
        [one] if one.is_string() => (*one).clone(),
        [] => {
            return Err(Error::at(
                join(pointer, "type"),
                "a type array with only `null` has no OpenAPI 3.0 equivalent",
            ));
        }
        _ => {
            return Err(Error::at(
                join(pointer, "type"),
                format!(
                    "a type array with several non-null types ({}) has no OpenAPI 3.0 equivalent",
                    Value::Array(types.clone())
                ),
            ));
        }
    };
    schema.insert("type".into(), single);
    if nullable {
        schema.insert("nullable".into(), Value::Bool(true));
    }
    Ok(())
}

fn constant(schema: &mut Map<String, Value>, pointer: &str) -> Result<()> {
    let Some(value) = schema.shift_remove("const") else {
        return Ok(());
    };
    match schema.get("enum") {
        None => {}
        Some(Value::Array(values)) if values.contains(&value) => {}
        Some(_) => {
            return Err(Error::at(
                join(pointer, "const"),
                "`const` contradicts the schema's `enum`",
            ));
        }
    }
    if value.is_null() {
        schema.insert("nullable".into(), Value::Bool(true));
    }
    schema.insert("enum".into(), json!([value]));
    Ok(())
}

fn examples(schema: &mut Map<String, Value>, pointer: &str) -> Result<()> {
    let Some(examples) = schema.shift_remove("examples") else {
        return Ok(());
    };
    let Value::Array(examples) = examples else {
        return Err(Error::at(
            join(pointer, "examples"),
            "schema `examples` must be an array",
        ));
    };
    // 3.0 holds one example per schema; the rest stay in the vendored file for the drift report.
    if let (Some(first), false) = (examples.into_iter().next(), schema.contains_key("example")) {
        schema.insert("example".into(), first);
    }
    Ok(())
}

fn exclusive_bound(schema: &mut Map<String, Value>, pointer: &str, exclusive: &str, inclusive: &str) -> Result<()> {
    match schema.get(exclusive) {
        Some(Value::Number(bound)) => {
            let bound = bound.clone();
            if schema.contains_key(inclusive) {
                return Err(Error::at(
                    join(pointer, exclusive),
                    format!("numeric `{exclusive}` beside `{inclusive}` has no single OpenAPI 3.0 form"),
                ));
            }
            schema.insert(inclusive.into(), Value::Number(bound));
            schema.insert(exclusive.into(), Value::Bool(true));
            Ok(())
        }
        Some(Value::Bool(_)) | None => Ok(()),
        Some(other) => Err(Error::at(
            join(pointer, exclusive),
            format!("`{exclusive}` must be a number, found {other}"),
        )),
    }
}

/// `default` beside a success response: split into the 4XX and 5XX ranges it stands for.
fn default_response(responses: &mut Map<String, Value>) {
    let has_success = responses.keys().any(|code| code.starts_with('2'));
    if !has_success {
        return;
    }
    let Some(default) = responses.shift_remove("default") else {
        return;
    };
    for range in ["4XX", "5XX"] {
        responses.entry(range).or_insert_with(|| default.clone());
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // Tests: a panic is the failure report.
mod tests {
    use super::*;

    fn one(schema: Value) -> Result<Value> {
        let mut doc = json!({"openapi": "3.1.0", "components": {"schemas": {"S": schema}}});
        normalize(&mut doc)?;
        Ok(doc["components"]["schemas"]["S"].clone())
    }

    #[test]
    fn type_array_with_null_becomes_nullable() {
        assert_eq!(
            one(json!({"type": ["integer", "null"], "format": "int64"})).unwrap(),
            json!({"type": "integer", "format": "int64", "nullable": true})
        );
    }

    #[test]
    fn type_array_without_null_is_unwrapped() {
        assert_eq!(one(json!({"type": ["string"]})).unwrap(), json!({"type": "string"}));
    }

    #[test]
    fn several_non_null_types_are_an_error_with_pointer() {
        let err = one(json!({"type": ["string", "integer"]})).unwrap_err();
        assert_eq!(err.pointer.as_deref(), Some("/components/schemas/S/type"));
    }

    #[test]
    fn type_null_alone_is_an_error() {
        assert!(one(json!({"type": ["null"]})).is_err());
        assert!(one(json!({"type": "null"})).is_err());
    }

    #[test]
    fn const_becomes_single_value_enum() {
        assert_eq!(
            one(json!({"type": "string", "const": "success"})).unwrap(),
            json!({"type": "string", "enum": ["success"]})
        );
        assert!(one(json!({"const": "a", "enum": ["b"]})).is_err());
    }

    #[test]
    fn schema_examples_become_example() {
        assert_eq!(
            one(json!({"type": "string", "examples": ["a", "b"]})).unwrap(),
            json!({"type": "string", "example": "a"})
        );
        assert!(one(json!({"examples": {"a": 1}})).is_err());
    }

    #[test]
    fn numeric_exclusive_bounds_become_boolean_form() {
        assert_eq!(
            one(json!({"type": "integer", "exclusiveMinimum": 0, "exclusiveMaximum": 10})).unwrap(),
            json!({"type": "integer", "exclusiveMinimum": true, "minimum": 0, "exclusiveMaximum": true, "maximum": 10})
        );
        assert!(one(json!({"exclusiveMinimum": 0, "minimum": 1})).is_err());
    }

    #[test]
    fn nested_schemas_are_normalized() {
        let s = one(
            json!({"type": "object", "properties": {"a": {"type": "array", "items": {"type": ["string", "null"]}}}}),
        )
        .unwrap();
        assert_eq!(
            s["properties"]["a"]["items"],
            json!({"type": "string", "nullable": true})
        );
    }

    #[test]
    fn ref_siblings_are_wrapped_or_dropped() {
        assert_eq!(
            one(json!({"$ref": "#/x", "description": "d"})).unwrap(),
            json!({"$ref": "#/x"})
        );
        assert_eq!(
            one(json!({"$ref": "#/x", "nullable": true})).unwrap(),
            json!({"nullable": true, "allOf": [{"$ref": "#/x"}]})
        );
    }

    #[test]
    fn unmappable_keywords_are_errors() {
        let err = one(json!({"prefixItems": [{}]})).unwrap_err();
        assert_eq!(
            err.to_string(),
            "#/components/schemas/S/prefixItems: `prefixItems` (OpenAPI 3.1) has no OpenAPI 3.0 equivalent"
        );
    }

    #[test]
    fn default_beside_success_becomes_4xx_and_5xx() {
        let mut doc = json!({"openapi": "3.1.0", "paths": {"/x": {"get": {"responses": {
            "200": {"description": "ok"}, "default": {"$ref": "#/components/responses/E"}}}}}});
        normalize(&mut doc).unwrap();
        let responses = doc["paths"]["/x"]["get"]["responses"].as_object().unwrap();
        assert_eq!(responses.keys().collect::<Vec<_>>(), ["200", "4XX", "5XX"]);
        assert_eq!(responses["5XX"], json!({"$ref": "#/components/responses/E"}));
    }

    #[test]
    fn default_alone_is_kept() {
        let mut doc =
            json!({"openapi": "3.1.0", "paths": {"/x": {"get": {"responses": {"default": {"description": "d"}}}}}});
        normalize(&mut doc).unwrap();
        assert!(doc["paths"]["/x"]["get"]["responses"].get("default").is_some());
    }

    #[test]
    fn media_type_examples_are_left_alone() {
        let mut doc = json!({"openapi": "3.1.0", "paths": {"/x": {"get": {"responses": {"200": {"content": {
            "application/json": {"schema": {"type": "string"}, "examples": {"a": {"value": "x"}}}}}}}}}});
        normalize(&mut doc).unwrap();
        assert_eq!(
            doc["paths"]["/x"]["get"]["responses"]["200"]["content"]["application/json"]["examples"]["a"]["value"],
            "x"
        );
    }

    #[test]
    fn version_is_set_and_checked() {
        let mut doc = json!({"openapi": "3.1.0"});
        normalize(&mut doc).unwrap();
        assert_eq!(doc, json!({"openapi": "3.0.3", "paths": {}}));
        assert!(normalize(&mut json!({"swagger": "2.0"})).is_err());
        assert!(normalize(&mut json!({"openapi": "3.1.0", "webhooks": {"a": {}}})).is_err());
    }

    #[test]
    fn const_null_becomes_a_nullable_null_enum() {
        assert_eq!(
            one(json!({"type": "string", "const": null})).unwrap(),
            json!({"type": "string", "nullable": true, "enum": [null]})
        );
    }

    #[test]
    fn json_schema_dialect_and_path_item_components_are_errors() {
        let mut doc =
            json!({"openapi": "3.1.0", "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base"});
        let err = normalize(&mut doc).unwrap_err();
        assert_eq!(err.pointer.as_deref(), Some("/jsonSchemaDialect"));
        assert!(err.reason.contains("no OpenAPI 3.0 equivalent"), "{err}");

        let mut doc = json!({"openapi": "3.1.0", "components": {"pathItems": {"P": {"get": {}}}}});
        let err = normalize(&mut doc).unwrap_err();
        assert_eq!(err.pointer.as_deref(), Some("/components/pathItems"));
        assert!(err.reason.contains("`pathItems`"), "{err}");

        // Empty webhooks (a 3.1 default some generators write) are dropped, not refused.
        let mut doc = json!({"openapi": "3.1.0", "webhooks": {}});
        normalize(&mut doc).unwrap();
        assert_eq!(doc, json!({"openapi": "3.0.3", "paths": {}}));
    }

    #[test]
    fn exclusive_bounds_must_be_numbers_or_the_boolean_form() {
        for bad in [json!("0"), json!(null), json!([1]), json!({"a": 1})] {
            let err = one(json!({"type": "integer", "exclusiveMaximum": bad})).unwrap_err();
            assert_eq!(err.pointer.as_deref(), Some("/components/schemas/S/exclusiveMaximum"));
            assert!(err.reason.contains("must be a number"), "{err}");
        }
        // The 3.0 boolean form is left as it is.
        let already = json!({"type": "integer", "minimum": 0, "exclusiveMinimum": true});
        assert_eq!(one(already.clone()).unwrap(), already);
    }

    #[test]
    fn an_existing_example_wins_over_examples() {
        assert_eq!(
            one(json!({"type": "string", "example": "kept", "examples": ["a", "b"]})).unwrap(),
            json!({"type": "string", "example": "kept"})
        );
        assert_eq!(
            one(json!({"type": "string", "examples": []})).unwrap(),
            json!({"type": "string"})
        );
    }

    #[test]
    fn ref_siblings_join_an_existing_all_of() {
        assert_eq!(
            one(json!({"$ref": "#/x", "nullable": true, "allOf": [{"required": ["a"]}, {"minProperties": 1}]}))
                .unwrap(),
            json!({"nullable": true, "allOf": [{"required": ["a"]}, {"minProperties": 1}, {"$ref": "#/x"}]})
        );
        // The members already there are normalized too.
        assert_eq!(
            one(json!({"$ref": "#/x", "readOnly": true, "allOf": [{"type": ["string", "null"]}]})).unwrap(),
            json!({"readOnly": true, "allOf": [{"type": "string", "nullable": true}, {"$ref": "#/x"}]})
        );
    }
}
