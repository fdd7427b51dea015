//! Hoist inline schemas into named components, so one concept becomes one Rust type.
//!
//! Without this progenitor names every inline schema after where it stands, so the same record
//! returned by two operations becomes two types, and a shared error response becomes one type
//! per operation. Three passes, all deterministic (document order, no hash maps):
//! 1. named hoists from the vendor's configuration (a pointer and the type name it gets);
//! 2. inline schemas of shared response components, named after the response;
//! 3. any remaining structurally identical inline object or enum schemas, named after the
//!    property they stand for.
//!
//! Every pass also replaces all structural twins of the hoisted node: two schemas are the same
//! concept when they differ only in annotations (`description`, `title`, `example(s)`,
//! `externalDocs`). The component keeps the first occurrence's annotations.

use serde_json::{Map, Value, json};

use crate::error::{Error, Result, join};
use crate::spec::schemas;

const ANNOTATIONS: [&str; 5] = ["description", "title", "example", "examples", "externalDocs"];

/// A configured hoist: the schema at `pointer` becomes `#/components/schemas/{name}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hoist {
    /// The component (and so Rust type) name.
    pub name: String,
    /// JSON pointer of one occurrence, as the document stands after the hoists before it.
    pub pointer: String,
}

/// Run all three passes.
pub fn hoist(doc: &mut Value, configured: &[Hoist]) -> Result<()> {
    for hoist in configured {
        if doc.pointer(&hoist.pointer).is_none() {
            return Err(Error::at(
                hoist.pointer.as_str(),
                format!("cannot hoist `{}`: no schema at this pointer", hoist.name),
            ));
        }
        hoist_at(doc, &hoist.pointer, &hoist.name)?;
    }
    let responses: Vec<(String, String)> = doc
        .pointer("/components/responses")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .flat_map(|(name, response)| {
            let base = join(&join("/components/responses", name), "content");
            response
                .get("content")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .map(move |(media, _)| (join(&join(&base, media), "schema"), pascal_case(name)))
        })
        .collect();
    for (pointer, name) in responses {
        if doc.pointer(&pointer).is_some_and(is_nameable) {
            let name = unique_name(doc, &name);
            hoist_at(doc, &pointer, &name)?;
        }
    }
    // Each round removes at least two inline nodes, so this ends; the bound is a guard.
    for _ in 0..10_000 {
        let Some((pointer, name)) = next_duplicate(doc) else {
            return Ok(());
        };
        hoist_at(doc, &pointer, &name)?;
    }
    Err(Error::msg("hoisting did not converge"))
}

/// Replace the schema at `pointer` and all its structural twins with a `$ref` to a new
/// component `name`.
pub fn hoist_at(doc: &mut Value, pointer: &str, name: &str) -> Result<()> {
    let node = doc
        .pointer(pointer)
        .cloned()
        .ok_or_else(|| Error::at(pointer, "no schema here"))?;
    if node.get("$ref").is_some() {
        return Err(Error::at(
            pointer,
            format!("cannot hoist `{name}`: already a reference"),
        ));
    }
    if doc.pointer(&join("/components/schemas", name)).is_some() {
        return Err(Error::at(
            join("/components/schemas", name),
            format!("cannot hoist `{name}`: a component of that name exists"),
        ));
    }
    let key = canonical(&node);
    let twins: Vec<String> = inline_schemas(doc)
        .into_iter()
        .filter(|p| doc.pointer(p).is_some_and(|n| canonical(n) == key))
        .collect();
    let reference = json!({ "$ref": format!("#/components/schemas/{name}") });
    for twin in twins.iter().rev() {
        if let Some(slot) = doc.pointer_mut(twin) {
            *slot = reference.clone();
        }
    }
    let root = doc
        .as_object_mut()
        .ok_or_else(|| Error::at("/", "document is not an object"))?;
    let components = root.entry("components").or_insert_with(|| json!({}));
    let schemas = components
        .as_object_mut()
        .ok_or_else(|| Error::at("/components", "not an object"))?
        .entry("schemas")
        .or_insert_with(|| json!({}));
    schemas
        .as_object_mut()
        .ok_or_else(|| Error::at("/components/schemas", "not an object"))?
        .insert(name.to_owned(), node);
    Ok(())
}

/// The largest group of identical inline schemas still left, with a name for it.
fn next_duplicate(doc: &Value) -> Option<(String, String)> {
    let mut groups: Vec<(String, Vec<String>)> = Vec::new();
    for pointer in inline_schemas(doc) {
        let Some(node) = doc.pointer(&pointer) else { continue };
        if !is_nameable(node) {
            continue;
        }
        let key = canonical(node);
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, pointers)) => pointers.push(pointer),
            None => groups.push((key, vec![pointer])),
        }
    }
    // Outermost (largest) first: hoisting it also takes everything nested inside along.
    let (_, pointers) = groups
        .into_iter()
        .filter(|(_, p)| p.len() > 1)
        .max_by(|(a, pa), (b, pb)| a.len().cmp(&b.len()).then_with(|| pb[0].cmp(&pa[0])))?;
    let first = pointers.into_iter().next()?;
    let name = unique_name(doc, &derived_name(&first));
    Some((first, name))
}

/// Schema nodes that are not themselves named components. References and boolean schemas are
/// among them: callers keep only nodes equal to an inline object schema, or nameable ones.
fn inline_schemas(doc: &Value) -> Vec<String> {
    schemas::all(doc)
        .into_iter()
        .filter(|p| !is_component_root(p))
        .collect()
}

fn is_component_root(pointer: &str) -> bool {
    pointer
        .strip_prefix("/components/schemas/")
        .is_some_and(|rest| !rest.contains('/'))
}

/// Only records and enumerations are worth a type of their own.
fn is_nameable(node: &Value) -> bool {
    node.get("$ref").is_none()
        && (node.get("properties").is_some() || node.get("enum").is_some() || node.get("oneOf").is_some())
}

/// A key equal for schemas that differ only in annotations and key order.
pub fn canonical(schema: &Value) -> String {
    canonical_value(schema, true).to_string()
}

/// An object of the `entries`, sorted by key, each value made canonical (as a schema when
/// `schemas` is true).
fn sorted_canonical<'v>(entries: impl IntoIterator<Item = (&'v String, &'v Value)>, schemas: bool) -> Value {
    let mut entries: Vec<(&String, &Value)> = entries.into_iter().collect();
    entries.sort_by_key(|(k, _)| *k);
    Value::Object(
        entries
            .into_iter()
            .map(|(k, v)| (k.clone(), canonical_value(v, schemas)))
            .collect(),
    )
}

fn canonical_value(value: &Value, is_schema: bool) -> Value {
    match value {
        Value::Object(map) if is_schema => {
            let mut keys: Vec<&String> = map.keys().filter(|k| !ANNOTATIONS.contains(&k.as_str())).collect();
            keys.sort();
            let mut out = Map::new();
            for key in keys {
                let child = &map[key];
                let canon = if schemas::SINGLE.contains(&key.as_str()) {
                    canonical_value(child, true)
                } else if schemas::LIST.contains(&key.as_str()) {
                    Value::Array(
                        child
                            .as_array()
                            .into_iter()
                            .flatten()
                            .map(|c| canonical_value(c, true))
                            .collect(),
                    )
                } else if schemas::MAP.contains(&key.as_str()) {
                    sorted_canonical(child.as_object().into_iter().flatten(), true)
                } else {
                    canonical_value(child, false)
                };
                out.insert(key.clone(), canon);
            }
            Value::Object(out)
        }
        Value::Object(map) => sorted_canonical(map, false),
        Value::Array(items) => Value::Array(items.iter().map(|v| canonical_value(v, false)).collect()),
        other => other.clone(),
    }
}

/// `…/properties/skill_level/items` → `SkillLevelItem`.
fn derived_name(pointer: &str) -> String {
    let segments: Vec<String> = pointer
        .split('/')
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect();
    let mut suffix = String::new();
    for (i, segment) in segments.iter().enumerate().rev() {
        let keyword = i > 0 && segments[i - 1] == "properties";
        match segment.as_str() {
            "items" if !keyword => suffix.insert_str(0, "Item"),
            "schema" | "content" | "properties" | "allOf" | "anyOf" | "oneOf" | "additionalProperties" if !keyword => {}
            s if s.parse::<usize>().is_ok() || s.contains('/') => {}
            s => return format!("{}{suffix}", pascal_case(s)),
        }
    }
    format!("Schema{suffix}")
}

fn unique_name(doc: &Value, base: &str) -> String {
    let taken = |n: &str| doc.pointer(&join("/components/schemas", n)).is_some();
    if !taken(base) {
        return base.to_owned();
    }
    (2..)
        .map(|i| format!("{base}{i}"))
        .find(|n| !taken(n))
        .unwrap_or_else(|| base.to_owned())
}

/// `error_response-hris` → `ErrorResponseHris`; already-Pascal names keep their letters.
pub fn pascal_case(s: &str) -> String {
    s.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|p| !p.is_empty())
        .map(|p| {
            let mut chars = p.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // Tests: a panic is the failure report.
mod tests {
    use super::*;

    fn record(description: &str) -> Value {
        json!({"type": "object", "description": description, "properties": {"id": {"type": "string"}, "description": {"type": "string"}}})
    }

    fn two_operations() -> Value {
        json!({"openapi": "3.0.3", "paths": {"/x": {
            "get": {"responses": {"200": {"content": {"application/json": {"schema": {"type": "object", "properties": {"results": {"type": "array", "items": record("a")}}}}}}}},
            "post": {"responses": {"200": {"content": {"application/json": {"schema": {"type": "object", "properties": {"data": record("b")}}}}}}}
        }}})
    }

    #[test]
    fn identical_records_become_one_component() {
        let mut doc = two_operations();
        hoist(&mut doc, &[]).unwrap();
        let get_items = &doc
            .pointer("/paths/~1x/get/responses/200/content/application~1json/schema/properties/results/items")
            .unwrap();
        let post_data = &doc
            .pointer("/paths/~1x/post/responses/200/content/application~1json/schema/properties/data")
            .unwrap();
        assert_eq!(get_items, post_data);
        assert_eq!(get_items["$ref"], "#/components/schemas/ResultsItem");
        // The first occurrence's annotations are kept.
        assert_eq!(doc["components"]["schemas"]["ResultsItem"]["description"], "a");
    }

    #[test]
    fn a_property_named_description_is_not_an_annotation() {
        let a = json!({"properties": {"description": {"type": "string"}}});
        let b = json!({"properties": {"description": {"type": "integer"}}});
        assert_ne!(canonical(&a), canonical(&b));
        assert_eq!(canonical(&record("x")), canonical(&record("y")));
    }

    #[test]
    fn configured_names_win_and_replace_twins() {
        let mut doc = two_operations();
        let configured = [Hoist {
            name: "Record".into(),
            pointer: "/paths/~1x/post/responses/200/content/application~1json/schema/properties/data".into(),
        }];
        hoist(&mut doc, &configured).unwrap();
        assert_eq!(doc["components"]["schemas"]["Record"]["description"], "b");
        assert_eq!(
            doc.pointer("/paths/~1x/get/responses/200/content/application~1json/schema/properties/results/items/$ref")
                .unwrap(),
            "#/components/schemas/Record"
        );
    }

    #[test]
    fn a_stale_configured_pointer_is_an_error() {
        let mut doc = two_operations();
        let err = hoist(
            &mut doc,
            &[Hoist {
                name: "R".into(),
                pointer: "/nope".into(),
            }],
        )
        .unwrap_err();
        assert_eq!(err.pointer.as_deref(), Some("/nope"));
    }

    #[test]
    fn response_components_are_hoisted_under_their_name() {
        let mut doc = json!({"components": {"responses": {"Error-Response": {"content": {"application/json": {"schema": {"type": "object", "properties": {"m": {}}}}}}}}});
        hoist(&mut doc, &[]).unwrap();
        assert!(doc["components"]["schemas"]["ErrorResponse"].is_object());
        assert_eq!(
            doc["components"]["responses"]["Error-Response"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/ErrorResponse"
        );
    }

    #[test]
    fn names_are_derived_and_deduplicated() {
        assert_eq!(
            derived_name("/paths/~1x/get/responses/200/content/application~1json/schema/properties/skill_level/items"),
            "SkillLevelItem"
        );
        assert_eq!(derived_name("/components/schemas/A/properties/items"), "Items");
        // Keywords between the name and the node add nothing, unless they are property names.
        assert_eq!(derived_name("/components/schemas/A/properties/skill/allOf/0"), "Skill");
        assert_eq!(derived_name("/components/schemas/A/properties/allOf"), "AllOf");
        assert_eq!(pascal_case("ErrorResponseHRIS"), "ErrorResponseHRIS");
    }

    #[test]
    fn a_taken_name_gets_a_numeric_suffix() {
        // `ResultsItem` is taken by an unrelated component: the shared record becomes `ResultsItem2`.
        let mut doc = two_operations();
        doc["components"] = json!({"schemas": {"ResultsItem": {"type": "string"}}});
        hoist(&mut doc, &[]).unwrap();
        assert_eq!(doc["components"]["schemas"]["ResultsItem"], json!({"type": "string"}));
        assert_eq!(doc["components"]["schemas"]["ResultsItem2"]["description"], "a");
        assert_eq!(
            doc.pointer("/paths/~1x/post/responses/200/content/application~1json/schema/properties/data/$ref")
                .unwrap(),
            "#/components/schemas/ResultsItem2"
        );
        // And the next free number after that.
        let mut doc = two_operations();
        doc["components"] = json!({"schemas": {"ResultsItem": {}, "ResultsItem2": {}}});
        hoist(&mut doc, &[]).unwrap();
        assert!(doc["components"]["schemas"]["ResultsItem3"].is_object());
        crate::spec::refs::check(&doc).unwrap();
    }

    #[test]
    fn hoisting_a_reference_or_onto_a_taken_name_is_an_error() {
        let data = "/paths/~1x/post/responses/200/content/application~1json/schema/properties/data";
        let mut doc = two_operations();
        hoist_at(&mut doc, data, "Record").unwrap();
        let err = hoist_at(&mut doc, data, "Other").unwrap_err();
        assert_eq!(err.pointer.as_deref(), Some(data));
        assert!(err.reason.contains("already a reference"), "{err}");

        let mut doc = two_operations();
        doc["components"] = json!({"schemas": {"Record": {"type": "string"}}});
        let before = doc.clone();
        let err = hoist_at(&mut doc, data, "Record").unwrap_err();
        assert_eq!(err.pointer.as_deref(), Some("/components/schemas/Record"));
        assert!(err.reason.contains("a component of that name exists"), "{err}");
        assert_eq!(doc, before, "nothing was replaced");
    }
}
