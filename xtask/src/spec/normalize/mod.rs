//! Normalize an OpenAPI 3.1 document to 3.0.3, the dialect progenitor (through `openapiv3`)
//! understands.
//!
//! General rules, each a rewrite of one construct wherever it appears. Schema positions
//! ([`crate::spec::schemas`]) get the rules of the `schema` module: type arrays, `null` members, `const`,
//! `examples`, numeric exclusive bounds, `$ref` siblings, validation-only keywords. The document
//! gets these:
//! - `openapi: 3.1.x` becomes `3.0.3`;
//! - `webhooks` are left out (a client never calls them), with a note;
//! - `jsonSchemaDialect` naming the OpenAPI 3.1 default dialect is dropped (it changes nothing);
//! - an operation without `responses` (optional in 3.1) gets a `default` response without content:
//!   the client hands back the status and headers, no body;
//! - a `default` response beside a 2XX becomes `4XX` + `5XX` (progenitor cannot mix one success
//!   type with a `default` of another shape and panics).
//!
//! What has no 3.0 equivalent (`prefixItems`, `if`/`then`/`else`, another schema dialect, …) is
//! an error naming the JSON pointer, never a silent drop.

mod schema;

use serde_json::{Map, Value, json};

use crate::error::{Error, Result, join};
use crate::spec::note::Note;
use crate::spec::{refs, schemas};

/// The schema dialect every OpenAPI 3.1 document has unless it names another one.
const DEFAULT_DIALECT: &str = "https://spec.openapis.org/oas/3.1/dialect/base";

/// Normalize `doc` in place. Returns what was left out or not enforced, as notes.
pub fn normalize(doc: &mut Value) -> Result<Vec<Note>> {
    let mut notes = Vec::new();
    document(doc, &mut notes)?;
    // Parents before children, and a node's children listed only after its rules ran: a rule
    // may move subschemas (a `oneOf` member merged into its parent), and they must be normalized
    // where they end up.
    let mut stack: Vec<String> = schemas::roots(doc).into_iter().rev().collect();
    while let Some(pointer) = stack.pop() {
        match doc.pointer_mut(&pointer) {
            Some(Value::Object(node)) => schema::rules(node, &pointer, &mut notes)?,
            Some(Value::Bool(_)) | None => continue,
            Some(_) => return Err(Error::at(pointer, "a schema must be an object")),
        }
        if let Some(node) = doc.pointer(&pointer) {
            stack.extend(schemas::children(node, &pointer).into_iter().rev());
        }
    }
    let operations: Vec<String> = refs::all_operations(doc).map(|o| o.pointer()).collect();
    for pointer in operations {
        let Some(Value::Object(operation)) = doc.pointer_mut(&pointer) else {
            continue;
        };
        if let Some(note) = missing_responses(operation, &pointer) {
            notes.push(note);
        }
        if let Some(Value::Object(responses)) = operation.get_mut("responses") {
            default_response(responses);
        }
    }
    Ok(notes)
}

fn document(doc: &mut Value, notes: &mut Vec<Note>) -> Result<()> {
    let Value::Object(root) = doc else {
        return Err(Error::at("/", "an OpenAPI document must be an object"));
    };
    match root.get("openapi").and_then(Value::as_str) {
        Some(v) if v.starts_with("3.0.") || v.starts_with("3.1.") => {}
        Some(v) => return Err(Error::at("/openapi", format!("unsupported OpenAPI version {v}"))),
        None => return Err(Error::at("/openapi", "missing `openapi` version string")),
    }
    root.insert("openapi".into(), json!("3.0.3"));
    match root.shift_remove("webhooks") {
        Some(Value::Object(hooks)) if !hooks.is_empty() => {
            let names: Vec<&str> = hooks.keys().map(String::as_str).collect();
            notes.push(Note::info(
                "/webhooks",
                format!(
                    "left out of the client (a client never calls webhooks): {}",
                    names.join(", ")
                ),
            ));
        }
        Some(Value::Object(_)) | None => {}
        Some(_) => return Err(Error::at("/webhooks", "`webhooks` must be an object")),
    }
    match root.get("jsonSchemaDialect") {
        None => {}
        Some(dialect) if dialect == DEFAULT_DIALECT => {
            root.shift_remove("jsonSchemaDialect");
        }
        Some(dialect) => {
            return Err(Error::at(
                "/jsonSchemaDialect",
                format!("schema dialect {dialect} has no OpenAPI 3.0 equivalent"),
            ));
        }
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

/// 3.1 made `responses` optional; 3.0 requires at least one. Saying nothing about the answer is a
/// `default` response without content: the generated operation returns status and headers.
fn missing_responses(operation: &mut Map<String, Value>, pointer: &str) -> Option<Note> {
    let empty = match operation.get("responses") {
        None => true,
        Some(Value::Object(responses)) => responses.is_empty(),
        Some(_) => false,
    };
    if !empty {
        return None;
    }
    operation.insert(
        "responses".into(),
        json!({"default": {"description": "not described by the document"}}),
    );
    Some(Note::info(
        join(pointer, "responses"),
        "no responses: a `default` response without content; the client returns status and headers, no body",
    ))
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
        // Beside an inclusive bound, the stricter of the two is kept.
        assert_eq!(
            one(json!({"exclusiveMinimum": 0, "minimum": 1})).unwrap(),
            json!({"minimum": 1})
        );
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
        assert!(normalize(&mut json!({"openapi": "3.1.0", "webhooks": []})).is_err());
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
        let mut doc = json!({"openapi": "3.1.0", "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema"});
        let err = normalize(&mut doc).unwrap_err();
        assert_eq!(err.pointer.as_deref(), Some("/jsonSchemaDialect"));
        assert!(err.reason.contains("no OpenAPI 3.0 equivalent"), "{err}");
        // The OpenAPI 3.1 default dialect changes nothing: dropped.
        let mut doc = json!({"openapi": "3.1.0", "jsonSchemaDialect": DEFAULT_DIALECT});
        assert_eq!(normalize(&mut doc).unwrap(), []);
        assert_eq!(doc, json!({"openapi": "3.0.3", "paths": {}}));

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

    #[test]
    fn webhooks_are_left_out_with_a_note_naming_them() {
        let mut doc = json!({"openapi": "3.1.0", "webhooks": {"newPet": {"post": {}}, "gonePet": {"post": {}}}});
        let notes = normalize(&mut doc).unwrap();
        assert_eq!(doc, json!({"openapi": "3.0.3", "paths": {}}));
        assert_eq!(notes.len(), 1);
        assert_eq!(notes[0].pointer, "/webhooks");
        assert!(notes[0].message.contains("newPet, gonePet"), "{}", notes[0]);
    }

    #[test]
    fn an_operation_without_responses_gets_a_default_without_content() {
        let mut doc =
            json!({"openapi": "3.1.0", "paths": {"/x": {"get": {"operationId": "x"}, "put": {"responses": {}}}}});
        let notes = normalize(&mut doc).unwrap();
        let expected = json!({"default": {"description": "not described by the document"}});
        assert_eq!(doc["paths"]["/x"]["get"]["responses"], expected);
        assert_eq!(doc["paths"]["/x"]["put"]["responses"], expected);
        let pointers: Vec<&str> = notes.iter().map(|n| n.pointer.as_str()).collect();
        assert_eq!(pointers, ["/paths/~1x/get/responses", "/paths/~1x/put/responses"]);
        // Normalizing again changes nothing and notes nothing.
        let mut again = doc.clone();
        assert_eq!(normalize(&mut again).unwrap(), []);
        assert_eq!(again, doc);
    }
}
