//! The view of a schema: one schema flattened for comparison. `$ref`s are followed (siblings kept,
//! as 3.1 allows), `allOf` merged, a `oneOf`/`anyOf` whose only other alternative is `null` read
//! as nullability, `type: [X, 'null']` split into the type `X` and nullability.

use std::collections::BTreeSet;

use serde_json::Value;

use super::keywords::KEYWORDS;
use crate::spec::refs;

/// A schema flattened for comparison.
#[derive(Debug, Default)]
pub(super) struct View<'a> {
    /// The `$ref`s followed, in order: identifies the schema for cycle protection.
    pub(super) refs: Vec<&'a str>,
    /// Non-null types; `None` when unconstrained.
    pub(super) types: Option<BTreeSet<&'a str>>,
    pub(super) nullable: bool,
    pub(super) format: Option<&'a str>,
    /// Non-null enum (or const) values.
    pub(super) enumv: Option<Vec<&'a Value>>,
    pub(super) maximum: Option<Bound>,
    pub(super) minimum: Option<Bound>,
    pub(super) exclusive_maximum: Option<Bound>,
    pub(super) exclusive_minimum: Option<Bound>,
    pub(super) max_length: Option<u64>,
    pub(super) min_length: Option<u64>,
    pub(super) max_items: Option<u64>,
    pub(super) min_items: Option<u64>,
    pub(super) pattern: Option<&'a str>,
    pub(super) properties: Vec<(&'a str, &'a Value)>,
    /// Further schemas of a property already in `properties` (the same property in two `allOf`
    /// members): they all hold, so they are merged into the property's view.
    pub(super) property_extras: Vec<(&'a str, &'a Value)>,
    pub(super) required: BTreeSet<&'a str>,
    pub(super) items: Option<&'a Value>,
    pub(super) additional: Option<&'a Value>,
    /// `additionalProperties: false`.
    pub(super) closed: bool,
    /// `oneOf`/`anyOf` alternatives with their keyword (`one-of`, `any-of`).
    pub(super) variants: Vec<(&'static str, &'a Value)>,
    pub(super) flags: BTreeSet<&'a str>,
    /// Whether the values come from `const` rather than `enum`.
    pub(super) is_const: bool,
    pub(super) default: Option<&'a Value>,
    pub(super) discriminator: Option<&'a str>,
    pub(super) discriminator_mapping: Option<&'a serde_json::Map<String, Value>>,
    /// `x-extensible-enum` values.
    pub(super) extensible: Vec<&'a Value>,
    /// `type` was written as a list of two or more non-null types.
    pub(super) type_list: bool,
    /// How many `allOf` members the schema has (members are merged into the view; inlining a
    /// `$ref`'d member is not a change, so only their number is compared).
    pub(super) all_of: usize,
    /// How many `allOf` members only annotate (description, title, examples...).
    pub(super) all_of_annotations: usize,
    /// The JSON Schema 2020-12 keywords of [`KEYWORDS`] (and `not`), first occurrence wins.
    pub(super) keywords: Vec<(&'a str, &'a Value)>,
}

impl<'a> View<'a> {
    pub(super) fn of(doc: &'a Value, schema: &'a Value) -> Self {
        Self::of_all(doc, schema, &[])
    }

    /// The view of `schema` and `more` together (all of them hold).
    pub(super) fn of_all(doc: &'a Value, schema: &'a Value, more: &[&'a Value]) -> Self {
        let mut view = Self::default();
        view.absorb(doc, schema, 0);
        for extra in more {
            view.absorb(doc, extra, 0);
        }
        // A schema with properties or items but no `type` is still an object or an array.
        if view.types.is_none() {
            if !view.properties.is_empty() {
                view.types = Some(BTreeSet::from(["object"]));
            } else if view.items.is_some() {
                view.types = Some(BTreeSet::from(["array"]));
            }
        }
        view
    }

    pub(super) fn property(&self, name: &str) -> Option<&'a Value> {
        self.properties.iter().find(|(n, _)| *n == name).map(|(_, s)| *s)
    }

    /// The further schemas of property `name` (see [`Self::property_extras`]).
    pub(super) fn property_more(&self, name: &str) -> Vec<&'a Value> {
        self.property_extras
            .iter()
            .filter(|(n, _)| *n == name)
            .map(|(_, s)| *s)
            .collect()
    }

    pub(super) fn keyword(&self, key: &str) -> Option<&'a Value> {
        self.keywords.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
    }

    pub(super) fn flag(&self, name: &str) -> bool {
        self.flags.contains(name)
    }

    /// Merge `schema` into the view: its `$ref` first, then its own keywords, its `allOf`
    /// members and its `oneOf`/`anyOf` alternatives.
    fn absorb(&mut self, doc: &'a Value, schema: &'a Value, depth: usize) {
        let Some(map) = schema.as_object() else { return };
        if depth > refs::MAX_HOPS {
            return;
        }
        if let Some(reference) = map.get("$ref").and_then(Value::as_str)
            && !self.refs.contains(&reference)
        {
            self.refs.push(reference);
            if let Ok(target) = refs::target(doc, reference) {
                self.absorb(doc, target, depth + 1);
            }
        }
        self.absorb_type(map);
        self.absorb_value_keywords(map);
        self.absorb_limits(map);
        self.absorb_members(map);
        self.absorb_all_of(doc, map, depth);
        self.absorb_alternatives(doc, map, depth);
    }

    /// `type`, a string or a list, with `null` read as nullability.
    fn absorb_type(&mut self, map: &'a serde_json::Map<String, Value>) {
        if let Some(t) = map.get("type") {
            let listed: Vec<&str> = match t {
                Value::String(s) => vec![s.as_str()],
                Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
                _ => Vec::new(),
            };
            if listed.contains(&"null") {
                self.nullable = true;
            }
            if listed.iter().filter(|t| **t != "null").count() > 1 {
                self.type_list = true;
            }
            let set: BTreeSet<&str> = listed.into_iter().filter(|t| *t != "null").collect();
            // Several `type`s (through allOf or $ref siblings) must all hold: intersect.
            self.types = Some(match self.types.take() {
                None => set,
                Some(prev) => prev.intersection(&set).copied().collect(),
            });
        }
    }

    /// What one value may be: nullability, format, `const`/`enum`, default, discriminator,
    /// `x-extensible-enum`.
    fn absorb_value_keywords(&mut self, map: &'a serde_json::Map<String, Value>) {
        if map.get("nullable").and_then(Value::as_bool) == Some(true) {
            self.nullable = true;
        }
        if self.format.is_none() {
            self.format = map.get("format").and_then(Value::as_str);
        }
        if map.contains_key("const") {
            self.is_const = true;
        }
        if self.default.is_none() {
            self.default = map.get("default");
        }
        if self.discriminator_mapping.is_none() {
            self.discriminator_mapping = map
                .get("discriminator")
                .and_then(|d| d.get("mapping"))
                .and_then(Value::as_object);
        }
        if self.discriminator.is_none() {
            self.discriminator = map
                .get("discriminator")
                .and_then(|d| d.get("propertyName"))
                .and_then(Value::as_str);
        }
        if let Some(values) = map.get("x-extensible-enum").and_then(Value::as_array) {
            for v in values {
                if !self.extensible.contains(&v) {
                    self.extensible.push(v);
                }
            }
        }
        let values = match (map.get("enum").and_then(Value::as_array), map.get("const")) {
            (_, Some(c)) => Some(vec![c]),
            (Some(e), None) => Some(e.iter().collect()),
            (None, None) => None,
        };
        if let Some(values) = values {
            let values: Vec<&Value> = values.into_iter().filter(|v| !v.is_null()).collect();
            self.enumv = Some(match self.enumv.take() {
                None => values,
                Some(prev) => prev.into_iter().filter(|v| values.contains(v)).collect(),
            });
        }
    }

    /// Numeric bounds, lengths, item counts and the pattern; the first one seen wins.
    fn absorb_limits(&mut self, map: &'a serde_json::Map<String, Value>) {
        self.bounds(map);
        // The schemas merged into one view all hold (`$ref` siblings, `allOf` members): the
        // strictest count of each wins, whichever member states it.
        let count = |key: &str| map.get(key).and_then(Value::as_u64);
        let strictest = |a: Option<u64>, b: Option<u64>, max: bool| match (a, b) {
            (Some(a), Some(b)) => Some(if max { a.min(b) } else { a.max(b) }),
            (a, b) => a.or(b),
        };
        self.max_length = strictest(self.max_length, count("maxLength"), true);
        self.min_length = strictest(self.min_length, count("minLength"), false);
        self.max_items = strictest(self.max_items, count("maxItems"), true);
        self.min_items = strictest(self.min_items, count("minItems"), false);
        if self.pattern.is_none() {
            // A pattern that matches every string (empty, `.*`, `^.*$`) is no pattern.
            self.pattern = map
                .get("pattern")
                .and_then(Value::as_str)
                .filter(|p| !matches_any_string(p));
        }
    }

    /// Properties, `required`, items, `additionalProperties`, flags and the 2020-12 keywords.
    fn absorb_members(&mut self, map: &'a serde_json::Map<String, Value>) {
        if let Some(props) = map.get("properties").and_then(Value::as_object) {
            for (name, s) in props {
                if self.property(name).is_none() {
                    self.properties.push((name.as_str(), s));
                } else if !self.property_extras.contains(&(name.as_str(), s)) {
                    self.property_extras.push((name.as_str(), s));
                }
            }
        }
        if let Some(required) = map.get("required").and_then(Value::as_array) {
            self.required.extend(required.iter().filter_map(Value::as_str));
        }
        if self.items.is_none() {
            self.items = map.get("items").filter(|i| i.is_object());
        }
        if self.additional.is_none() {
            self.additional = map.get("additionalProperties").filter(|i| i.is_object());
        }
        if map.get("additionalProperties") == Some(&Value::Bool(false)) {
            self.closed = true;
        }
        for flag in ["readOnly", "writeOnly", "deprecated"] {
            if map.get(flag).and_then(Value::as_bool) == Some(true) {
                self.flags.insert(flag);
            }
        }
        // `not` is only traversed, never reported by itself.
        for key in KEYWORDS.iter().map(|(k, _, _)| *k).chain(["not"]) {
            if let Some(v) = map.get(key)
                && self.keyword(key).is_none()
            {
                self.keywords.push((key, v));
            }
        }
    }

    /// `allOf` members, merged in; only their number is compared.
    fn absorb_all_of(&mut self, doc: &'a Value, map: &'a serde_json::Map<String, Value>, depth: usize) {
        for part in map.get("allOf").and_then(Value::as_array).into_iter().flatten() {
            if annotation_only(part) {
                self.all_of_annotations += 1;
            } else {
                self.all_of += 1;
            }
            self.absorb(doc, part, depth + 1);
        }
    }

    /// `oneOf`/`anyOf`: a null alternative is nullability, bare types a type list, the rest
    /// alternatives compared one by one.
    fn absorb_alternatives(&mut self, doc: &'a Value, map: &'a serde_json::Map<String, Value>, depth: usize) {
        for (key, kind) in [("oneOf", "one-of"), ("anyOf", "any-of")] {
            let Some(alternatives) = map.get(key).and_then(Value::as_array) else {
                continue;
            };
            let (nulls, others): (Vec<&Value>, Vec<&Value>) = alternatives.iter().partition(|a| is_null_schema(doc, a));
            if !nulls.is_empty() {
                self.nullable = true;
            }
            // `anyOf: [X, {type: 'null'}]` is 3.1's spelling of a nullable X, and alternatives
            // that only name a type (`oneOf: [{type: string}, {type: integer}]`) are a list of
            // types, as oasdiff reads them.
            let bare: Option<BTreeSet<&str>> = (others.len() > 1)
                .then(|| others.iter().map(|o| bare_type(o)).collect::<Option<BTreeSet<&str>>>())
                .flatten();
            match (others.as_slice(), bare) {
                ([only], _) if !nulls.is_empty() => self.absorb(doc, only, depth + 1),
                (_, Some(set)) => {
                    self.type_list = set.len() > 1;
                    self.types = Some(match self.types.take() {
                        None => set,
                        Some(prev) => prev.intersection(&set).copied().collect(),
                    });
                }
                _ => self.variants.extend(others.into_iter().map(|o| (kind, o))),
            }
        }
    }

    fn bounds(&mut self, map: &'a serde_json::Map<String, Value>) {
        let num = |key: &str| map.get(key).and_then(Value::as_f64);
        let flag = |key: &str| map.get(key).and_then(Value::as_bool) == Some(true);
        let inclusive = |v: f64| Bound {
            value: v,
            exclusive: false,
        };
        let exclusive = |v: f64| Bound {
            value: v,
            exclusive: true,
        };
        for (key, exclusive_key, slot, exclusive_slot) in [
            (
                "maximum",
                "exclusiveMaximum",
                &mut self.maximum,
                &mut self.exclusive_maximum,
            ),
            (
                "minimum",
                "exclusiveMinimum",
                &mut self.minimum,
                &mut self.exclusive_minimum,
            ),
        ] {
            if slot.is_some() || exclusive_slot.is_some() {
                continue;
            }
            match (num(key), flag(exclusive_key), num(exclusive_key)) {
                // 3.0: the boolean makes the bound exclusive.
                (Some(v), true, _) => *exclusive_slot = Some(exclusive(v)),
                (v, _, e) => {
                    *slot = v.map(inclusive);
                    *exclusive_slot = e.map(exclusive);
                }
            }
        }
    }
}

/// A numeric bound: its value and whether it is exclusive.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Bound {
    pub(super) value: f64,
    pub(super) exclusive: bool,
}

/// A type set in words, for messages.
pub(super) fn types(t: &Option<BTreeSet<&str>>) -> String {
    match t {
        None => "any".into(),
        Some(t) if t.is_empty() => "nothing".into(),
        Some(t) => t.iter().copied().collect::<Vec<_>>().join("|"),
    }
}

/// Whether every value of type set `old` is also of type set `new` (integers are numbers).
pub(super) fn covers(new: &Option<BTreeSet<&str>>, old: &Option<BTreeSet<&str>>) -> bool {
    match (new, old) {
        (None, _) => true,
        (Some(_), None) => false,
        (Some(n), Some(o)) => o
            .iter()
            .all(|t| n.contains(t) || (*t == "integer" && n.contains("number"))),
    }
}

/// Whether `pattern` matches every string: empty, or `.*` (optionally anchored or grouped), the
/// usual ways of saying "any string".
fn matches_any_string(pattern: &str) -> bool {
    let body = pattern.strip_prefix('^').unwrap_or(pattern);
    let body = body.strip_suffix('$').unwrap_or(body);
    let body = body
        .strip_prefix('(')
        .and_then(|b| b.strip_suffix(')'))
        .map(|b| b.strip_prefix("?:").unwrap_or(b))
        .unwrap_or(body);
    matches!(body, "" | ".*" | "[\\s\\S]*" | "[\\S\\s]*")
}

/// Whether a schema only annotates (nothing that constrains a value).
fn annotation_only(schema: &Value) -> bool {
    schema.as_object().is_some_and(|map| {
        map.keys().all(|k| {
            matches!(
                k.as_str(),
                "description" | "title" | "example" | "examples" | "deprecated" | "externalDocs" | "$comment"
            )
        })
    })
}

/// The type of a schema that says nothing but its type (annotations aside).
fn bare_type(schema: &Value) -> Option<&str> {
    let map = schema.as_object()?;
    let only_type = map
        .keys()
        .all(|k| matches!(k.as_str(), "type" | "description" | "title" | "example" | "examples"));
    if only_type { map.get("type")?.as_str() } else { None }
}

/// Whether a schema (after `$ref`s) admits only null.
fn is_null_schema(doc: &Value, schema: &Value) -> bool {
    let Some(schema) = refs::try_follow(doc, schema) else {
        return false;
    };
    match schema.get("type") {
        Some(Value::String(t)) => t == "null",
        Some(Value::Array(t)) => !t.is_empty() && t.iter().all(|t| t == "null"),
        _ => schema.get("const").is_some_and(Value::is_null),
    }
}
