//! Which operation or schema a progenitor failure concerns.
//!
//! progenitor reports a problem without saying where it is, sometimes with a debug dump of the
//! node, and typify panics on shapes it does not support. progenitor generates operation by
//! operation and type by type, so the document is cut down until the failure stays with one
//! part: a halving search over the component schemas (each with the schemas it references), then
//! over the operations. A document that does not parse as OpenAPI 3.0 is read part by part
//! instead, down to the deepest node that does not parse.

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};

use crate::error::{Error, join};
use crate::spec::{refs, schemas};

/// A check that a node does not parse as `$ty` (a macro: xtask does not depend on `serde` itself
/// to name its `DeserializeOwned`).
macro_rules! rejects {
    ($ty:ty) => {
        (|value: &Value| serde_json::from_value::<$ty>(value.clone()).is_err())
    };
}

/// How a reason starts when the document does not parse as OpenAPI 3.0.
pub const NOT_30: &str = "not a valid OpenAPI 3.0 document after normalization: ";

/// Give `error` (from rendering `spec`) the pointer of the part it concerns, and a reason
/// without debug dumps. An error that already has a pointer is returned as it is.
pub fn locate(spec: &Value, error: Error) -> Error {
    if error.pointer.is_some() {
        return error;
    }
    let reason = summary(&error.reason);
    let pointer = if error.reason.starts_with(NOT_30) {
        unparsable(spec)
    } else {
        failing_schema(spec).or_else(|| failing_operation(spec))
    };
    Error {
        pointer: Some(pointer.unwrap_or_else(|| "/".to_owned())),
        reason,
        ..error
    }
}

/// The reason in words: debug dumps (`Cookie { parameter_data: … }`, `MediaType { … }`) cut off.
pub fn summary(reason: &str) -> String {
    let line = reason.split_whitespace().collect::<Vec<_>>().join(" ");
    match line.find(" {") {
        Some(at) if line.len() - at > 40 => line[..at].trim_end_matches([':', ',']).to_owned(),
        _ => line,
    }
}

fn fails(spec: &Value) -> bool {
    super::render_unlocated(spec).is_err()
}

/// A component schema that fails on its own (with the schemas it references, and no paths).
fn failing_schema(spec: &Value) -> Option<String> {
    let names: Vec<String> = spec
        .pointer("/components/schemas")
        .and_then(Value::as_object)?
        .keys()
        .cloned()
        .collect();
    let with = |subset: &[String]| {
        let mut doc = spec.clone();
        doc["paths"] = json!({});
        let kept = closure(spec, subset);
        if let Some(Value::Object(all)) = doc.pointer_mut("/components/schemas") {
            all.retain(|name, _| kept.contains(name));
        }
        doc
    };
    if !fails(&with(&names)) {
        return None;
    }
    let one = halve(&names, |subset| fails(&with(subset)))?;
    Some(join("/components/schemas", &one))
}

/// An operation that fails on its own (with every component).
fn failing_operation(spec: &Value) -> Option<String> {
    let operations: Vec<(String, &'static str)> = refs::all_operations(spec)
        .map(|o| (o.path.to_owned(), o.method))
        .collect();
    let with = |subset: &[(String, &'static str)]| {
        let mut doc = spec.clone();
        let mut paths = Map::new();
        for (path, method) in subset {
            let Some(Value::Object(item)) = spec.pointer(&join("/paths", path)) else {
                continue;
            };
            let entry = paths.entry(path.clone()).or_insert_with(|| {
                Value::Object(
                    item.iter()
                        .filter(|(k, _)| !refs::is_method(k))
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect(),
                )
            });
            if let (Value::Object(entry), Some(op)) = (entry, item.get(*method)) {
                entry.insert((*method).to_owned(), op.clone());
            }
        }
        doc["paths"] = Value::Object(paths);
        doc
    };
    let (path, method) = halve(&operations, |subset| fails(&with(subset)))?;
    Some(join(&join("/paths", &path), method))
}

/// The one item of `items` that `fails` on by itself, found by halving; `None` when the failure
/// needs several items together.
fn halve<T: Clone>(items: &[T], fails: impl Fn(&[T]) -> bool) -> Option<T> {
    let mut current = items.to_vec();
    while current.len() > 1 {
        let (left, right) = current.split_at(current.len() / 2);
        current = if fails(left) {
            left.to_vec()
        } else if fails(right) {
            right.to_vec()
        } else {
            return None;
        };
    }
    current
        .into_iter()
        .next()
        .filter(|one| fails(std::slice::from_ref(one)))
}

/// `names` and every component schema they reference, directly or not.
fn closure(spec: &Value, names: &[String]) -> BTreeSet<String> {
    let mut kept = BTreeSet::new();
    let mut todo: Vec<String> = names.to_vec();
    while let Some(name) = todo.pop() {
        if !kept.insert(name.clone()) {
            continue;
        }
        if let Some(schema) = spec.pointer(&join("/components/schemas", &name)) {
            references(schema, &mut todo);
        }
    }
    kept
}

fn references(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(name) = map
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix("#/components/schemas/"))
            {
                out.push(name.replace("~1", "/").replace("~0", "~"));
            }
            map.values().for_each(|v| references(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| references(v, out)),
        _ => {}
    }
}

/// Whether a node fails to parse as one OpenAPI 3.0 object.
type Check = fn(&Value) -> bool;

/// The deepest part of `spec` that does not parse as what OpenAPI 3.0 says it is.
fn unparsable(spec: &Value) -> Option<String> {
    use openapiv3::{Info, Parameter, ReferenceOr, RequestBody, Response, SecurityScheme};
    let bad =
        |pointer: &str, check: fn(&Value) -> bool| spec.pointer(pointer).is_some_and(check).then(|| pointer.to_owned());
    if let Some(found) = bad("/info", rejects!(Info)) {
        return Some(found);
    }
    for pointer in schemas::roots(spec) {
        if let Some(found) = unparsable_schema(spec, &pointer) {
            return Some(found);
        }
    }
    let parts: [(&str, Check); 5] = [
        ("parameters", rejects!(ReferenceOr<Parameter>)),
        ("requestBodies", rejects!(ReferenceOr<RequestBody>)),
        ("responses", rejects!(ReferenceOr<Response>)),
        ("headers", rejects!(ReferenceOr<openapiv3::Header>)),
        ("securitySchemes", rejects!(ReferenceOr<SecurityScheme>)),
    ];
    for (kind, check) in parts {
        for (name, value) in spec
            .pointer(&join("/components", kind))
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            if check(value) {
                return Some(join(&join("/components", kind), name));
            }
        }
    }
    for op in refs::all_operations(spec) {
        let at = op.pointer();
        let members = op.op.as_object().into_iter().flatten();
        for (key, value) in members {
            let found = match key.as_str() {
                "parameters" => value
                    .as_array()
                    .into_iter()
                    .flatten()
                    .position(rejects!(ReferenceOr<Parameter>))
                    .map(|i| format!("{}/{i}", join(&at, key))),
                "requestBody" => rejects!(ReferenceOr<RequestBody>)(value).then(|| join(&at, key)),
                "responses" => value
                    .as_object()
                    .into_iter()
                    .flatten()
                    .find(|(_, r)| rejects!(ReferenceOr<Response>)(r))
                    .map(|(code, _)| join(&join(&at, key), code)),
                _ => None,
            };
            if found.is_some() {
                return found;
            }
        }
        if rejects!(openapiv3::Operation)(op.op) {
            return Some(at);
        }
    }
    None
}

/// The deepest schema at or under `pointer` that does not parse.
fn unparsable_schema(spec: &Value, pointer: &str) -> Option<String> {
    let schema = spec.pointer(pointer)?;
    if !rejects!(openapiv3::ReferenceOr<openapiv3::Schema>)(schema) {
        return None;
    }
    let deeper = schemas::children(schema, pointer)
        .into_iter()
        .find_map(|child| unparsable_schema(spec, &child));
    Some(deeper.unwrap_or_else(|| pointer.to_owned()))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // Tests: a panic is the failure report.
mod tests {
    use super::*;

    #[test]
    fn debug_dumps_are_cut_from_reasons() {
        assert_eq!(
            summary(
                "cookie parameters are not supported Cookie { parameter_data: ParameterData { name: \"array\", description: Some(\"x\") } }"
            ),
            "cookie parameters are not supported Cookie"
        );
        assert_eq!(
            summary("path /x is missing operation ID"),
            "path /x is missing operation ID"
        );
        // A brace with little after it is words, not a dump: more than 40 characters from the
        // brace on are cut, 40 are kept, however long the words before it.
        let tail = |n: usize| format!("{{{}", "x".repeat(n - 2));
        assert_eq!(summary("expected a set {x}"), "expected a set {x}");
        assert_eq!(summary(&format!("dump: {}", tail(41))), "dump");
        let kept = format!("a reason long enough to pass the limit on its own {}", tail(40));
        assert_eq!(summary(&kept), kept);
    }

    #[test]
    fn halving_finds_the_one_item_that_fails() {
        let items: Vec<u32> = (0..37).collect();
        assert_eq!(halve(&items, |s| s.contains(&23)), Some(23));
        // A failure that needs two items together has no single culprit.
        assert_eq!(halve(&items, |s| s.contains(&3) && s.contains(&30)), None);
    }

    fn doc(paths: Value, schemas: Value) -> Value {
        json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": paths, "components": {"schemas": schemas}})
    }

    #[test]
    fn a_response_without_description_is_located() {
        let spec = doc(
            json!({"/x": {"get": {"operationId": "x", "responses": {"200": {"content": {}}}}}}),
            json!({}),
        );
        let err = super::super::render(&spec).unwrap_err();
        assert_eq!(err.pointer.as_deref(), Some("/paths/~1x/get/responses/200"), "{err}");
    }

    #[test]
    fn an_unparsable_schema_is_located_at_its_deepest_part() {
        // `required` must be a list: the leaf is what does not parse, not the schemas around it.
        let leaf = json!({"type": "string", "required": "yes"});
        let inner = json!({"type": "object", "properties": {"fine": {"type": "string"}, "leaf": leaf}});
        let outer = json!({"type": "object", "properties": {"inner": inner}});
        let spec = doc(json!({}), json!({"Fine": {"type": "string"}, "Outer": outer}));
        let err = super::super::render(&spec).unwrap_err();
        assert_eq!(
            err.pointer.as_deref(),
            Some("/components/schemas/Outer/properties/inner/properties/leaf"),
            "{err}"
        );
    }

    #[test]
    fn a_progenitor_error_names_the_failing_operation() {
        let ok = json!({"operationId": "ok", "responses": {"204": {"description": "none"}}});
        let cookie = json!({"operationId": "cookie", "parameters": [{"name": "c", "in": "cookie", "schema": {"type": "string"}}],
            "responses": {"204": {"description": "none"}}});
        let spec = doc(json!({"/a": {"get": ok}, "/b": {"get": cookie}}), json!({}));
        let err = super::super::render(&spec).unwrap_err();
        assert_eq!(err.pointer.as_deref(), Some("/paths/~1b/get"), "{err}");
        assert!(!err.reason.contains("parameter_data"), "{err}");
        // Two methods of one path: each is tried without the other.
        let cookie = json!({"operationId": "cookie", "parameters": [{"name": "c", "in": "cookie", "schema": {"type": "string"}}],
            "responses": {"204": {"description": "none"}}});
        let ok = json!({"operationId": "ok", "responses": {"204": {"description": "none"}}});
        let spec = doc(json!({"/b": {"get": ok, "post": cookie}}), json!({}));
        let err = super::super::render(&spec).unwrap_err();
        assert_eq!(err.pointer.as_deref(), Some("/paths/~1b/post"), "{err}");
    }

    #[test]
    fn a_schema_that_cannot_be_generated_is_located_with_what_it_references() {
        // `Alpha` is fine only with the `Zeta` it references: tried alone without it, it would
        // fail too and be blamed. `Omega` references a schema that does not exist.
        let schemas = json!({
            "Alpha": {"$ref": "#/components/schemas/Zeta"},
            "Omega": {"type": "object", "properties": {"a": {"$ref": "#/components/schemas/Missing"}}},
            "Zeta": {"type": "string"},
        });
        let err = super::super::render(&doc(json!({}), schemas)).unwrap_err();
        assert_eq!(err.pointer.as_deref(), Some("/components/schemas/Omega"), "{err}");
    }

    #[test]
    fn an_unparsable_parameter_is_located() {
        let op = json!({"operationId": "x", "parameters": [
            {"name": "fine", "in": "query", "schema": {"type": "string"}},
            {"name": "bad", "in": "nowhere", "schema": {"type": "string"}},
        ], "responses": {"204": {"description": "none"}}});
        let err = super::super::render(&doc(json!({"/x": {"get": op}}), json!({}))).unwrap_err();
        assert_eq!(err.pointer.as_deref(), Some("/paths/~1x/get/parameters/1"), "{err}");
    }
}
