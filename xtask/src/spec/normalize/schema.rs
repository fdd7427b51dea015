//! The schema rules of the normalizer: one JSON Schema 2020-12 construct each, rewritten to what
//! OpenAPI 3.0 says the same way, dropped with a warning when it only constrains validation, or
//! refused with its pointer when it changes the shape of data and 3.0 cannot say it.

use serde_json::{Map, Value, json};

use crate::error::{Error, Result, join};
use crate::spec::note::Note;

/// 2020-12 keywords that change the shape of data (or how references resolve) and have no 3.0
/// equivalent: refused.
const UNMAPPABLE: [&str; 10] = [
    "prefixItems",
    "if",
    "then",
    "else",
    "$defs",
    "dependentSchemas",
    "patternProperties",
    "$dynamicRef",
    "$dynamicAnchor",
    "$id",
];

/// 2020-12 keywords that only narrow which instances validate; a generated client validates
/// none of them, so they are dropped with a warning.
const VALIDATION_ONLY: [&str; 8] = [
    "unevaluatedProperties",
    "unevaluatedItems",
    "contains",
    "minContains",
    "maxContains",
    "dependentRequired",
    "propertyNames",
    "contentSchema",
];

/// Keywords that only annotate a `$ref`; OpenAPI 3.0 ignores them beside `$ref`, so dropping
/// them there changes no meaning.
const REF_ANNOTATIONS: [&str; 2] = ["description", "summary"];

/// Keywords that apply to one JSON type only, so a multi-type schema hands each to its member.
const STRING_KEYWORDS: [&str; 3] = ["minLength", "maxLength", "pattern"];
const NUMBER_KEYWORDS: [&str; 5] = [
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
];
const ARRAY_KEYWORDS: [&str; 4] = ["items", "minItems", "maxItems", "uniqueItems"];
const OBJECT_KEYWORDS: [&str; 5] = [
    "properties",
    "required",
    "additionalProperties",
    "minProperties",
    "maxProperties",
];
/// `format` values that describe numbers; any other format describes a string.
const NUMBER_FORMATS: [&str; 4] = ["int32", "int64", "float", "double"];

/// Apply every schema rule to one schema node, in an order where each rule sees the output of
/// the ones it depends on (a `null` member must be gone before types are read).
pub(super) fn rules(schema: &mut Map<String, Value>, pointer: &str, notes: &mut Vec<Note>) -> Result<()> {
    unmappable(schema, pointer)?;
    validation_only(schema, pointer, notes);
    ref_siblings(schema);
    nullable_union(schema, pointer, "oneOf")?;
    nullable_union(schema, pointer, "anyOf")?;
    type_array(schema, pointer)?;
    only_null(schema, pointer)?;
    constant(schema, pointer)?;
    examples(schema, pointer)?;
    exclusive_bound(schema, pointer, Bound::Lower)?;
    exclusive_bound(schema, pointer, Bound::Upper)?;
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

fn validation_only(schema: &mut Map<String, Value>, pointer: &str, notes: &mut Vec<Note>) {
    for key in VALIDATION_ONLY {
        if schema.shift_remove(key).is_some() {
            notes.push(Note::warning(
                join(pointer, key),
                format!("`{key}` dropped: it only constrains validation, which the client does not do"),
            ));
        }
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
        push_all_of(schema, json!({ "$ref": reference }));
    }
}

/// Add one member to the schema's `allOf`, after the members already there.
fn push_all_of(schema: &mut Map<String, Value>, member: Value) {
    let mut all_of = match schema.shift_remove("allOf") {
        Some(Value::Array(existing)) => existing,
        Some(other) => vec![json!({ "allOf": other })],
        None => Vec::new(),
    };
    all_of.push(member);
    schema.insert("allOf".into(), Value::Array(all_of));
}

/// Whether `member` admits only `null`: `type: 'null'` (or `['null']`), `const: null` or
/// `enum: [null]`, with nothing else but annotations.
fn is_null_schema(member: &Value) -> bool {
    let Some(map) = member.as_object() else {
        return false;
    };
    let mut says_null = false;
    for (key, value) in map {
        let null = match (key.as_str(), value) {
            ("type", Value::String(t)) => t == "null",
            ("type", Value::Array(types)) => types.len() == 1 && types[0] == "null",
            ("enum", Value::Array(values)) => values.len() == 1 && values[0].is_null(),
            ("const", value) => value.is_null(),
            ("nullable" | "description" | "title" | "$comment", _) => continue,
            _ => return false,
        };
        if !null {
            return false;
        }
        says_null = true;
    }
    says_null
}

/// The 3.1 nullable idiom `oneOf`/`anyOf: [X, {type: 'null'}]`: 3.0 says `X` + `nullable: true`
/// (through `allOf` for a `$ref`, whose siblings 3.0 ignores). Several other members stay a union
/// that is nullable.
fn nullable_union(schema: &mut Map<String, Value>, pointer: &str, key: &str) -> Result<()> {
    let Some(Value::Array(members)) = schema.get(key) else {
        return Ok(());
    };
    if !members.iter().any(is_null_schema) {
        return Ok(());
    }
    let others: Vec<Value> = members.iter().filter(|m| !is_null_schema(m)).cloned().collect();
    schema.shift_remove(key);
    schema.insert("nullable".into(), Value::Bool(true));
    match <[Value; 1]>::try_from(others) {
        Err(others) if others.is_empty() => {
            if schema.contains_key("type") {
                return Err(Error::at(
                    join(pointer, key),
                    "a union of only `null` beside a `type` admits no value",
                ));
            }
            schema.insert("enum".into(), json!([null]));
        }
        Err(others) => {
            schema.insert(key.into(), Value::Array(others));
        }
        Ok([Value::Object(other)]) if !other.contains_key("$ref") && other.keys().all(|k| !schema.contains_key(k)) => {
            schema.extend(other);
        }
        Ok([other]) => push_all_of(schema, other),
    }
    Ok(())
}

/// `type: [T, 'null']` is `T` + `nullable`; several non-null types are an `anyOf` of one schema
/// per type, each taking the keywords that apply to its type.
fn type_array(schema: &mut Map<String, Value>, pointer: &str) -> Result<()> {
    let Some(Value::Array(types)) = schema.get("type") else {
        return Ok(());
    };
    if let Some(bad) = types.iter().find(|t| !t.is_string()) {
        return Err(Error::at(
            join(pointer, "type"),
            format!("a type must be a string, found {bad}"),
        ));
    }
    let nullable = types.iter().any(|t| t == "null");
    let others: Vec<String> = types
        .iter()
        .filter_map(Value::as_str)
        .filter(|t| *t != "null")
        .map(str::to_owned)
        .collect();
    match others.as_slice() {
        [] => {
            // Only `null`: the lone-null rule below makes it 3.0.
            schema.insert("type".into(), json!("null"));
            return Ok(());
        }
        [one] => {
            schema.insert("type".into(), json!(one));
        }
        several => split_types(schema, pointer, several)?,
    }
    if nullable {
        schema.insert("nullable".into(), Value::Bool(true));
    }
    Ok(())
}

/// Replace a multi-type `type` by `anyOf` members, one per type.
fn split_types(schema: &mut Map<String, Value>, pointer: &str, types: &[String]) -> Result<()> {
    schema.shift_remove("type");
    let format = schema.shift_remove("format");
    let enumeration = schema.shift_remove("enum");
    let moved: Vec<(&str, Value)> = [
        &STRING_KEYWORDS[..],
        &NUMBER_KEYWORDS,
        &ARRAY_KEYWORDS,
        &OBJECT_KEYWORDS,
    ]
    .concat()
    .into_iter()
    .filter_map(|k| schema.shift_remove(k).map(|v| (k, v)))
    .collect();
    let mut members = Vec::new();
    for ty in types {
        let mut member = Map::new();
        member.insert("type".into(), json!(ty));
        let numeric = ty == "integer" || ty == "number";
        for (key, value) in &moved {
            if keyword_applies(key, ty) {
                member.insert((*key).into(), value.clone());
            }
        }
        if let Some(Value::String(f)) = &format
            && NUMBER_FORMATS.contains(&f.as_str()) == numeric
            && (numeric || ty == "string")
        {
            member.insert("format".into(), json!(f));
        }
        if let Some(Value::Array(values)) = &enumeration {
            let own: Vec<Value> = values.iter().filter(|v| value_has_type(v, ty)).cloned().collect();
            if own.is_empty() {
                continue;
            }
            member.insert("enum".into(), Value::Array(own));
        }
        members.push(Value::Object(member));
    }
    if members.is_empty() {
        return Err(Error::at(
            join(pointer, "enum"),
            "no `enum` value has one of the schema's types",
        ));
    }
    if enumeration
        .as_ref()
        .and_then(Value::as_array)
        .is_some_and(|v| v.iter().any(Value::is_null))
    {
        schema.insert("nullable".into(), Value::Bool(true));
    }
    if schema.contains_key("anyOf") {
        push_all_of(schema, json!({ "anyOf": members }));
    } else {
        schema.insert("anyOf".into(), Value::Array(members));
    }
    Ok(())
}

fn keyword_applies(key: &str, ty: &str) -> bool {
    match ty {
        "string" => STRING_KEYWORDS.contains(&key),
        "integer" | "number" => NUMBER_KEYWORDS.contains(&key),
        "array" => ARRAY_KEYWORDS.contains(&key),
        "object" => OBJECT_KEYWORDS.contains(&key),
        _ => false,
    }
}

fn value_has_type(value: &Value, ty: &str) -> bool {
    match ty {
        "string" => value.is_string(),
        "integer" => value.as_f64().is_some_and(|n| n.fract() == 0.0),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        _ => false,
    }
}

/// `type: 'null'` alone: 3.0 has no null type, but a typeless `nullable` schema whose only value
/// is `null` says the same (progenitor generates it as `()`).
fn only_null(schema: &mut Map<String, Value>, pointer: &str) -> Result<()> {
    if !schema.get("type").is_some_and(|t| t == "null") {
        return Ok(());
    }
    schema.shift_remove("type");
    match schema.get("enum") {
        Some(Value::Array(values)) if !values.iter().any(Value::is_null) => {
            return Err(Error::at(
                join(pointer, "enum"),
                "`type: null` with an `enum` without `null` admits no value",
            ));
        }
        _ => {}
    }
    schema.insert("nullable".into(), Value::Bool(true));
    schema.insert("enum".into(), json!([null]));
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

/// Which end of a numeric range an exclusive bound closes.
#[derive(Clone, Copy)]
enum Bound {
    Lower,
    Upper,
}

/// A numeric `exclusiveMinimum` is 3.0's `minimum` + `exclusiveMinimum: true`. Beside an inclusive
/// `minimum`, the stricter of the two is kept (an exclusive bound equal to the inclusive one is
/// the stricter).
fn exclusive_bound(schema: &mut Map<String, Value>, pointer: &str, bound: Bound) -> Result<()> {
    let (exclusive, inclusive) = match bound {
        Bound::Lower => ("exclusiveMinimum", "minimum"),
        Bound::Upper => ("exclusiveMaximum", "maximum"),
    };
    match schema.get(exclusive) {
        Some(Value::Number(limit)) => {
            let limit = limit.clone();
            let stricter = match schema.get(inclusive) {
                None => true,
                Some(Value::Number(other)) => {
                    let (e, i) = (limit.as_f64().unwrap_or(f64::NAN), other.as_f64().unwrap_or(f64::NAN));
                    match bound {
                        Bound::Lower => e >= i,
                        Bound::Upper => e <= i,
                    }
                }
                Some(other) => {
                    return Err(Error::at(
                        join(pointer, inclusive),
                        format!("`{inclusive}` must be a number, found {other}"),
                    ));
                }
            };
            if stricter {
                schema.insert(inclusive.into(), Value::Number(limit));
                schema.insert(exclusive.into(), Value::Bool(true));
            } else {
                schema.shift_remove(exclusive);
            }
            Ok(())
        }
        Some(Value::Bool(_)) | None => Ok(()),
        Some(other) => Err(Error::at(
            join(pointer, exclusive),
            format!("`{exclusive}` must be a number, found {other}"),
        )),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // Tests: a panic is the failure report.
mod tests {
    use super::*;

    /// Normalize one schema in place; its 3.0 form and the notes.
    fn one(schema: Value) -> Result<(Value, Vec<Note>)> {
        let mut doc = json!({"openapi": "3.1.0", "components": {"schemas": {"S": schema}}});
        let notes = super::super::normalize(&mut doc)?;
        Ok((doc["components"]["schemas"]["S"].clone(), notes))
    }

    fn schema(input: Value) -> Value {
        one(input).unwrap().0
    }

    #[test]
    fn an_enum_of_several_types_is_split_by_value_type() {
        let got = schema(json!({"type": ["number", "string", "integer"], "enum": [1.5, "a", 2]}));
        let members = got["anyOf"].as_array().unwrap();
        assert!(members.contains(&json!({"type": "number", "enum": [1.5, 2]})), "{got}");
        assert!(members.contains(&json!({"type": "string", "enum": ["a"]})), "{got}");
        assert!(members.contains(&json!({"type": "integer", "enum": [2]})), "{got}");
    }

    #[test]
    fn type_null_with_an_enum_of_null_is_nullable() {
        assert_eq!(
            schema(json!({"type": "null", "enum": [null]})),
            json!({"enum": [null], "nullable": true})
        );
        assert!(one(json!({"type": "null", "enum": ["x"]})).is_err());
    }

    #[test]
    fn nullable_one_of_a_ref_becomes_all_of_and_nullable() {
        for key in ["oneOf", "anyOf"] {
            assert_eq!(
                schema(json!({"description": "d", key: [{"$ref": "#/components/schemas/T"}, {"type": "null"}]})),
                json!({"description": "d", "nullable": true, "allOf": [{"$ref": "#/components/schemas/T"}]}),
                "{key}"
            );
        }
    }

    #[test]
    fn nullable_one_of_an_inline_schema_becomes_that_schema_nullable() {
        assert_eq!(
            schema(json!({"anyOf": [{"type": ["null"]}, {"type": "string", "format": "date-time"}]})),
            json!({"nullable": true, "type": "string", "format": "date-time"})
        );
        // A member whose keywords clash with the parent's is kept apart, through `allOf`.
        assert_eq!(
            schema(
                json!({"description": "outer", "oneOf": [{"type": "string", "description": "inner"}, {"const": null}]})
            ),
            json!({"description": "outer", "nullable": true, "allOf": [{"type": "string", "description": "inner"}]})
        );
        // The merged member is normalized where it lands.
        assert_eq!(
            schema(
                json!({"oneOf": [{"type": "object", "properties": {"a": {"type": ["string", "null"]}}}, {"type": "null"}]})
            ),
            json!({"nullable": true, "type": "object", "properties": {"a": {"type": "string", "nullable": true}}})
        );
    }

    #[test]
    fn several_members_beside_null_stay_a_nullable_union() {
        assert_eq!(
            schema(json!({"oneOf": [{"type": "string"}, {"type": "integer"}, {"type": "null"}]})),
            json!({"nullable": true, "oneOf": [{"type": "string"}, {"type": "integer"}]})
        );
        // A member that says more than `null` is not the null member: it stays, in 3.0 form.
        assert_eq!(
            schema(json!({"oneOf": [{"type": "string"}, {"type": "null", "minLength": 1}]})),
            json!({"oneOf": [{"type": "string"}, {"minLength": 1, "nullable": true, "enum": [null]}]})
        );
    }

    #[test]
    fn only_a_member_that_admits_null_alone_is_the_null_member() {
        for null in [
            json!({"type": "null"}),
            json!({"type": ["null"], "title": "t"}),
            json!({"enum": [null]}),
        ] {
            assert!(is_null_schema(&null), "{null}");
        }
        for other in [
            json!({"type": ["string"]}),
            json!({"type": ["null", "string"]}),
            json!({"enum": [null, "a"]}),
            json!({"type": "null", "minLength": 1}),
        ] {
            assert!(!is_null_schema(&other), "{other}");
        }
    }

    #[test]
    fn a_lone_null_type_admits_only_null() {
        let only_null = json!({"nullable": true, "enum": [null]});
        assert_eq!(schema(json!({"type": "null"})), only_null);
        assert_eq!(schema(json!({"type": ["null"]})), only_null);
        assert_eq!(schema(json!({"oneOf": [{"type": "null"}]})), only_null);
        let err = one(json!({"type": "null", "enum": ["a"]})).unwrap_err();
        assert_eq!(err.pointer.as_deref(), Some("/components/schemas/S/enum"));
    }

    #[test]
    fn several_types_become_any_of_one_schema_per_type() {
        assert_eq!(
            schema(json!({
                "description": "d", "type": ["string", "integer", "null"], "format": "int64",
                "minimum": 1, "maxLength": 5, "enum": ["a", 2, null]
            })),
            json!({"description": "d", "nullable": true, "anyOf": [
                {"type": "string", "maxLength": 5, "enum": ["a"]},
                {"type": "integer", "minimum": 1, "format": "int64", "enum": [2]}
            ]})
        );
        assert_eq!(
            schema(json!({"type": ["array", "object"], "items": {"type": ["string", "null"]}, "required": ["a"]})),
            json!({"anyOf": [
                {"type": "array", "items": {"type": "string", "nullable": true}},
                {"type": "object", "required": ["a"]}
            ]})
        );
        let err = one(json!({"type": ["string", 1]})).unwrap_err();
        assert_eq!(err.pointer.as_deref(), Some("/components/schemas/S/type"));
        let err = one(json!({"type": ["string", "integer"], "enum": [true]})).unwrap_err();
        assert_eq!(err.pointer.as_deref(), Some("/components/schemas/S/enum"));
    }

    #[test]
    fn an_exclusive_bound_beside_an_inclusive_one_keeps_the_stricter() {
        assert_eq!(
            schema(
                json!({"type": "integer", "minimum": 0, "exclusiveMinimum": 0, "maximum": 10, "exclusiveMaximum": 11})
            ),
            json!({"type": "integer", "minimum": 0, "exclusiveMinimum": true, "maximum": 10})
        );
        assert_eq!(
            schema(
                json!({"type": "number", "minimum": 2.5, "exclusiveMinimum": 3, "maximum": 9, "exclusiveMaximum": 8.5})
            ),
            json!({"type": "number", "minimum": 3, "exclusiveMinimum": true, "maximum": 8.5, "exclusiveMaximum": true})
        );
        let err = one(json!({"minimum": "0", "exclusiveMinimum": 1})).unwrap_err();
        assert_eq!(err.pointer.as_deref(), Some("/components/schemas/S/minimum"));
    }

    #[test]
    fn validation_only_keywords_are_dropped_with_a_warning() {
        let (s, notes) = one(json!({
            "type": "array", "items": {"type": "string"}, "contains": {"const": "x"}, "minContains": 1,
            "maxContains": 2, "unevaluatedItems": false
        }))
        .unwrap();
        assert_eq!(s, json!({"type": "array", "items": {"type": "string"}}));
        let warned: Vec<String> = notes.iter().map(ToString::to_string).collect();
        assert_eq!(
            warned,
            ["unevaluatedItems", "contains", "minContains", "maxContains"].map(|k| format!(
                "warning: #/components/schemas/S/{k}: `{k}` dropped: it only constrains validation, which the client \
                 does not do"
            ))
        );
        let (s, notes) = one(json!({
            "type": "object", "unevaluatedProperties": false, "dependentRequired": {"a": ["b"]},
            "propertyNames": {"pattern": "^x"}
        }))
        .unwrap();
        assert_eq!(s, json!({"type": "object"}));
        assert_eq!(notes.len(), 3);
    }

    #[test]
    fn shape_keywords_stay_refused_with_their_pointer() {
        for key in [
            "prefixItems",
            "if",
            "then",
            "else",
            "dependentSchemas",
            "patternProperties",
            "$defs",
        ] {
            let err = one(json!({key: {}})).unwrap_err();
            assert_eq!(err.pointer, Some(format!("/components/schemas/S/{key}")), "{key}");
        }
    }
}
