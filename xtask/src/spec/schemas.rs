//! Where schemas live in an OpenAPI document, so rules apply to schema positions only.
//!
//! `examples` is an array in a schema but a map in a media type or parameter: a rule that
//! rewrites schemas must not touch the others, hence this explicit map of schema positions.

use serde_json::Value;

use crate::error::join;
use crate::spec::refs;

/// JSON pointers of every root schema position in an OpenAPI 3.x document, in document order.
pub fn roots(doc: &Value) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(components) = doc.get("components").and_then(Value::as_object) {
        let c = "/components";
        for (name, _) in obj(components.get("schemas")) {
            out.push(join(&join(c, "schemas"), name));
        }
        for (name, param) in obj(components.get("parameters")) {
            parameter(&join(&join(c, "parameters"), name), param, &mut out);
        }
        for (name, header) in obj(components.get("headers")) {
            parameter(&join(&join(c, "headers"), name), header, &mut out);
        }
        for (name, body) in obj(components.get("requestBodies")) {
            content(&join(&join(c, "requestBodies"), name), body, &mut out);
        }
        for (name, response) in obj(components.get("responses")) {
            self::response(&join(&join(c, "responses"), name), response, &mut out);
        }
    }
    for (path, item) in obj(doc.get("paths")) {
        let item_ptr = join("/paths", path);
        for (i, param) in arr(item.get("parameters")) {
            parameter(&format!("{item_ptr}/parameters/{i}"), param, &mut out);
        }
        for (method, op) in refs::operations(item) {
            let op_ptr = join(&item_ptr, method);
            for (i, param) in arr(op.get("parameters")) {
                parameter(&format!("{op_ptr}/parameters/{i}"), param, &mut out);
            }
            if let Some(body) = op.get("requestBody") {
                content(&join(&op_ptr, "requestBody"), body, &mut out);
            }
            for (code, response) in obj(op.get("responses")) {
                self::response(&join(&join(&op_ptr, "responses"), code), response, &mut out);
            }
        }
    }
    out
}

/// Keywords whose value is one subschema.
pub const SINGLE: [&str; 9] = [
    "items",
    "not",
    "additionalProperties",
    "if",
    "then",
    "else",
    "contains",
    "propertyNames",
    "unevaluatedItems",
];
/// Keywords whose value is an array of subschemas.
pub const LIST: [&str; 4] = ["allOf", "anyOf", "oneOf", "prefixItems"];
/// Keywords whose value is a map of subschemas.
pub const MAP: [&str; 4] = ["properties", "patternProperties", "$defs", "dependentSchemas"];

/// JSON pointers of the direct subschemas of the schema at `pointer`.
pub fn children(schema: &Value, pointer: &str) -> Vec<String> {
    let mut out = Vec::new();
    let Some(map) = schema.as_object() else { return out };
    for key in SINGLE {
        if map.get(key).is_some_and(Value::is_object) {
            out.push(join(pointer, key));
        }
    }
    for key in LIST {
        for (i, _) in arr(map.get(key)) {
            out.push(format!("{}/{i}", join(pointer, key)));
        }
    }
    for key in MAP {
        for (name, _) in obj(map.get(key)) {
            out.push(join(&join(pointer, key), name));
        }
    }
    out
}

/// Every schema pointer (roots and all nested subschemas), parents before children.
pub fn all(doc: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack: Vec<String> = roots(doc).into_iter().rev().collect();
    while let Some(pointer) = stack.pop() {
        if let Some(schema) = doc.pointer(&pointer) {
            stack.extend(children(schema, &pointer).into_iter().rev());
        }
        out.push(pointer);
    }
    out
}

fn parameter(pointer: &str, param: &Value, out: &mut Vec<String>) {
    if param.get("schema").is_some() {
        out.push(join(pointer, "schema"));
    }
    content(pointer, param, out);
}

fn response(pointer: &str, response: &Value, out: &mut Vec<String>) {
    for (name, header) in obj(response.get("headers")) {
        parameter(&join(&join(pointer, "headers"), name), header, out);
    }
    content(pointer, response, out);
}

fn content(pointer: &str, holder: &Value, out: &mut Vec<String>) {
    for (media, mt) in obj(holder.get("content")) {
        if mt.get("schema").is_some() {
            out.push(join(&join(&join(pointer, "content"), media), "schema"));
        }
    }
}

fn obj(value: Option<&Value>) -> impl Iterator<Item = (&String, &Value)> {
    value.and_then(Value::as_object).into_iter().flatten()
}

fn arr(value: Option<&Value>) -> impl Iterator<Item = (usize, &Value)> {
    value.and_then(Value::as_array).into_iter().flatten().enumerate()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // Tests: a panic is the failure report.
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn finds_schemas_but_not_media_type_examples() {
        let doc = json!({
            "paths": {"/x": {"get": {
                "parameters": [{"name": "a", "in": "query", "schema": {"type": "string"}}],
                "responses": {"200": {"content": {"application/json": {
                    "schema": {"type": "object", "properties": {"p": {"items": {"type": "string"}}}},
                    "examples": {"e": {"value": 1}}
                }}}}
            }}},
            "components": {"schemas": {"S": {"oneOf": [{"type": "string"}]}}}
        });
        assert_eq!(
            all(&doc),
            [
                "/components/schemas/S",
                "/components/schemas/S/oneOf/0",
                "/paths/~1x/get/parameters/0/schema",
                "/paths/~1x/get/responses/200/content/application~1json/schema",
                "/paths/~1x/get/responses/200/content/application~1json/schema/properties/p",
                "/paths/~1x/get/responses/200/content/application~1json/schema/properties/p/items",
            ]
        );
    }
}
