//! `$ref`s and operations: the one place that knows how a local reference resolves and which
//! keys of a path item are HTTP methods. Codegen, drift and vendor all go through here.
//!
//! Every local `$ref` must point at something: progenitor would otherwise fail deep inside, or
//! panic, with no hint of where the reference was ([`check`]). Vendor extensions (`x-…`) and
//! `webhooks` are not checked: codegen never reads them, so a reference there that does not
//! resolve is a note, not a refusal. The differ follows references
//! leniently instead ([`follow`]): a document under comparison may be broken, and that is a
//! finding, not a reason to stop.

use serde_json::Value;

use crate::error::{Error, Result, join};
use crate::spec::note::Note;

/// The HTTP methods an OpenAPI path item may hold, in the order the specification lists them
/// (the order in which operations are visited everywhere).
pub const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// How many `$ref` hops [`follow`] takes before it gives up (a guard against cycles).
pub const MAX_HOPS: usize = 32;

/// Whether `key` of a path item names an operation (exact, lower case as OpenAPI spells it).
pub fn is_method(key: &str) -> bool {
    METHODS.contains(&key)
}

/// The method named `name` in any case (`GET`, `get`), as OpenAPI spells it.
pub fn method(name: &str) -> Option<&'static str> {
    METHODS.into_iter().find(|m| m.eq_ignore_ascii_case(name))
}

/// How the differ and reports name an operation: `GET /x`.
pub fn label(method: &str, path: &str) -> String {
    format!("{} {path}", method.to_ascii_uppercase())
}

/// The operations of one path item, in [`METHODS`] order: the method and the operation object.
pub fn operations(item: &Value) -> impl Iterator<Item = (&'static str, &Value)> {
    METHODS
        .into_iter()
        .filter_map(move |m| item.get(m).filter(|op| op.is_object()).map(|op| (m, op)))
}

/// One operation of a document.
#[derive(Debug, Clone, Copy)]
pub struct Operation<'a> {
    /// The path key (`/hris/x/{id}`).
    pub path: &'a str,
    /// The method, lower case.
    pub method: &'static str,
    /// The operation object.
    pub op: &'a Value,
}

impl Operation<'_> {
    /// The JSON pointer of the operation object.
    pub fn pointer(&self) -> String {
        join(&join("/paths", self.path), self.method)
    }

    /// `GET /x`.
    pub fn label(&self) -> String {
        label(self.method, self.path)
    }
}

/// Every operation under `/paths`, path items in document order, methods in [`METHODS`] order.
/// Path items that are themselves `$ref`s are not followed.
pub fn all_operations(doc: &Value) -> impl Iterator<Item = Operation<'_>> {
    doc.get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .flat_map(|(path, item)| {
            operations(item).map(move |(method, op)| Operation {
                path: path.as_str(),
                method,
                op,
            })
        })
}

/// The node a `$ref` value names: a local JSON pointer (`#/...`, percent-decoded) into `doc`.
pub fn target<'a>(doc: &'a Value, reference: &str) -> std::result::Result<&'a Value, String> {
    let Some(pointer) = reference.strip_prefix('#') else {
        return Err(format!(
            "external reference {reference} is not supported: inline it in the spec"
        ));
    };
    let decoded = percent_decode(pointer);
    doc.pointer(&decoded)
        .ok_or_else(|| format!("unknown reference {reference}"))
}

/// Follow `value`'s `$ref` chain (at most [`MAX_HOPS`]): the node reached, and whether every
/// reference on the way resolved.
fn chase<'a>(doc: &'a Value, mut value: &'a Value) -> (&'a Value, bool) {
    for _ in 0..MAX_HOPS {
        let Some(reference) = value.get("$ref").and_then(Value::as_str) else {
            break;
        };
        match target(doc, reference) {
            Ok(next) => value = next,
            Err(_) => return (value, false),
        }
    }
    (value, true)
}

/// Follow `value`'s `$ref`s as far as they resolve (a parameter, request body, response, path
/// item or schema): a reference that does not resolve leaves the node that holds it.
pub fn follow<'a>(doc: &'a Value, value: &'a Value) -> &'a Value {
    chase(doc, value).0
}

/// Follow `value`'s `$ref`s; `None` when one of them does not resolve.
pub fn try_follow<'a>(doc: &'a Value, value: &'a Value) -> Option<&'a Value> {
    match chase(doc, value) {
        (value, true) => Some(value),
        (_, false) => None,
    }
}

/// Check that every `$ref` in `doc` is a local JSON pointer that resolves within `doc`, outside
/// vendor extensions and `webhooks`. Returns a note for each extension holding a `$ref` that
/// does not resolve (left unchecked because codegen never reads it).
pub fn check(doc: &Value) -> Result<Vec<Note>> {
    let mut notes = Vec::new();
    let mut stack = vec![(String::new(), doc)];
    while let Some((pointer, value)) = stack.pop() {
        match value {
            Value::Object(map) => {
                if let Some(reference) = map.get("$ref") {
                    reference
                        .as_str()
                        .ok_or_else(|| "`$ref` must be a string".to_owned())
                        .and_then(|r| target(doc, r))
                        .map_err(|reason| Error::at(join(&pointer, "$ref"), reason))?;
                }
                for (key, child) in map.iter().rev() {
                    let child_pointer = join(&pointer, key);
                    if key.starts_with("x-") {
                        if !resolves_everywhere(doc, child) {
                            notes.push(Note::info(
                                child_pointer,
                                "a `$ref` in this vendor extension does not resolve; left unchecked, codegen never \
                                 reads extensions",
                            ));
                        }
                    } else if !(pointer.is_empty() && key == "webhooks") {
                        stack.push((child_pointer, child));
                    }
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate().rev() {
                    stack.push((format!("{pointer}/{i}"), child));
                }
            }
            _ => {}
        }
    }
    notes.reverse();
    Ok(notes)
}

/// Whether every `$ref` inside `value` is a string that resolves within `doc`.
fn resolves_everywhere(doc: &Value, value: &Value) -> bool {
    match value {
        Value::Object(map) => {
            let own = map
                .get("$ref")
                .is_none_or(|r| r.as_str().is_some_and(|r| target(doc, r).is_ok()));
            own && map.values().all(|v| resolves_everywhere(doc, v))
        }
        Value::Array(items) => items.iter().all(|v| resolves_everywhere(doc, v)),
        _ => true,
    }
}

/// `$ref` values are URIs: `%7B` and friends may appear in path keys.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (
            bytes[i],
            bytes.get(i + 1).copied().and_then(hex),
            bytes.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(hi), Some(lo)) => {
                out.push((hi * 16 + lo) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // Tests: a panic is the failure report.
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn resolving_references_pass() {
        let doc =
            json!({"components": {"schemas": {"A": {"type": "string"}, "B": {"$ref": "#/components/schemas/A"}}}});
        check(&doc).unwrap();
    }

    #[test]
    fn unknown_references_are_errors_with_their_pointer() {
        let doc = json!({"paths": {"/x": {"get": {"responses": {"200": {"$ref": "#/components/responses/Nope"}}}}}});
        let err = check(&doc).unwrap_err();
        assert_eq!(
            err.to_string(),
            "#/paths/~1x/get/responses/200/$ref: unknown reference #/components/responses/Nope"
        );
    }

    #[test]
    fn extensions_and_webhooks_are_not_checked_but_noted() {
        let doc = json!({
            "webhooks": {"a": {"$ref": "other.yaml#/a"}},
            "paths": {"/x": {"get": {"x-policy": [{"$ref": "#/components/x-policies/Nope"}], "x-ok": {"$ref": "#/paths"}}}}
        });
        let notes = check(&doc).unwrap();
        let pointers: Vec<&str> = notes.iter().map(|n| n.pointer.as_str()).collect();
        assert_eq!(pointers, ["/paths/~1x/get/x-policy"]);
    }

    #[test]
    fn external_references_are_errors() {
        assert!(check(&json!({"a": {"$ref": "other.yaml#/x"}})).is_err());
    }

    #[test]
    fn follow_stops_at_the_last_node_that_resolves() {
        let doc = json!({"components": {"parameters": {
            "A": {"$ref": "#/components/parameters/B"},
            "B": {"name": "b"},
            "C": {"$ref": "#/components/parameters/Nope"},
            "D": {"$ref": "#/components/parameters/D"}
        }}});
        let p = |name: &str| &doc["components"]["parameters"][name];
        assert_eq!(follow(&doc, p("A")), &json!({"name": "b"}));
        assert_eq!(follow(&doc, p("C")), p("C"));
        assert_eq!(try_follow(&doc, p("A")), Some(&json!({"name": "b"})));
        assert_eq!(try_follow(&doc, p("C")), None);
        // A cycle ends after MAX_HOPS instead of looping.
        assert_eq!(follow(&doc, p("D")), p("D"));
    }

    #[test]
    fn references_are_percent_decoded() {
        let doc = json!({"paths": {"/a/{id}": {"get": {}}}});
        assert_eq!(target(&doc, "#/paths/~1a~1%7Bid%7D/get"), Ok(&json!({})));
    }

    #[test]
    fn operations_are_methods_with_object_values_in_method_order() {
        let doc = json!({"paths": {
            "/b": {"post": {"n": 1}, "parameters": [], "get": {"n": 2}, "x-get": {}},
            "/a": {"trace": "not an operation", "delete": {"n": 3}}
        }});
        let ops: Vec<(String, String)> = all_operations(&doc).map(|o| (o.label(), o.pointer())).collect();
        assert_eq!(
            ops,
            [
                ("GET /b".to_owned(), "/paths/~1b/get".to_owned()),
                ("POST /b".to_owned(), "/paths/~1b/post".to_owned()),
                ("DELETE /a".to_owned(), "/paths/~1a/delete".to_owned()),
            ]
        );
        assert_eq!(method("PATCH"), Some("patch"));
        assert_eq!(method("FETCH"), None);
        assert!(is_method("head") && !is_method("HEAD") && !is_method("parameters"));
    }
}
