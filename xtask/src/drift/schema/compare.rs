//! Comparing two JSON Schemas (OpenAPI 3.1 dialect, 3.0 `nullable` understood) in one direction.
//!
//! Each side is first flattened into a [`View`]; two views are then compared attribute by
//! attribute ([`super::attributes`]), and properties, items and alternatives recurse here.
//! Descriptions, titles and examples are never looked at, so editing them reports nothing.
use serde_json::Value;

use super::attributes;
use super::site::{Direction, Site};
use super::view::{View, covers, types};
use crate::drift::report::Change;
use crate::spec::schemas;

/// The most schema pairs one diff compares; bounds the work on pathological documents.
const BUDGET: usize = 100_000;
/// The most `$ref`s followed in a chain, and the deepest nesting compared.
const MAX_DEPTH: usize = 64;

/// Compares schemas of two documents and collects the changes.
#[derive(Debug)]
pub struct SchemaDiff<'a> {
    old_doc: &'a Value,
    new_doc: &'a Value,
    budget: usize,
    stack: Vec<(String, String)>,
    /// The changes found so far.
    pub changes: Vec<Change>,
}

impl<'a> SchemaDiff<'a> {
    /// A differ for schemas of `old_doc` (vendored) and `new_doc` (upstream).
    pub fn new(old_doc: &'a Value, new_doc: &'a Value) -> Self {
        Self {
            old_doc,
            new_doc,
            budget: BUDGET,
            stack: Vec::new(),
            changes: Vec::new(),
        }
    }

    /// Compare the schema `old` (in the old document) with `new` (in the new one).
    pub fn compare(&mut self, site: &Site<'_>, old: &'a Value, new: &'a Value) {
        self.schema(site, old, new, "", 0);
    }

    /// Compare one pair of schemas at `path`, then recurse into what both sides hold.
    fn schema(&mut self, site: &Site<'_>, old: &'a Value, new: &'a Value, path: &str, depth: usize) {
        self.schema_with(site, (old, &[]), (new, &[]), path, depth);
    }

    /// [`Self::schema`] for schemas that hold together with further ones (a property declared in
    /// several `allOf` members): each side is a schema and its companions.
    fn schema_with(
        &mut self,
        site: &Site<'_>,
        (old, old_more): (&'a Value, &[&'a Value]),
        (new, new_more): (&'a Value, &[&'a Value]),
        path: &str,
        depth: usize,
    ) {
        if self.budget == 0 || depth > MAX_DEPTH {
            return;
        }
        // A body schema that became a `oneOf` of alternatives (wrapped): the body's shape changed
        // as a whole; reported once (as oasdiff does), not as removed properties.
        if path.is_empty()
            && site.prefix != "request-parameter"
            && old.get("oneOf").is_none()
            && new.get("properties").is_none()
            && new.get("type").is_none()
            && let Some(alternatives) = new.get("oneOf").and_then(Value::as_array)
            && alternatives.len() > 1
        {
            self.budget -= 1;
            site.emit_attr(
                &mut self.changes,
                "wrapped-in-one-of",
                path,
                format!("now one of {} alternatives", alternatives.len()),
            );
            return;
        }
        self.budget -= 1;
        let ov = View::of_all(self.old_doc, old, old_more);
        let nv = View::of_all(self.new_doc, new, new_more);
        // Cycle protection: a pair of reference chains already being compared further up.
        let key = (ov.refs.join(" "), nv.refs.join(" "));
        let has_refs = !ov.refs.is_empty() || !nv.refs.is_empty();
        if has_refs {
            if self.stack.contains(&key) {
                return;
            }
            self.stack.push(key);
        }
        attributes::compare(&mut self.changes, site, &ov, &nv, path);
        self.properties(site, &ov, &nv, path, depth);
        if let (Some(o), Some(n)) = (ov.items, nv.items) {
            self.schema(site, o, n, &format!("{path}[]"), depth + 1);
        }
        if let (Some(o), Some(n)) = (ov.additional, nv.additional) {
            self.schema(site, o, n, &child(path, "*"), depth + 1);
        }
        self.variants(site, &ov, &nv, path, depth);
        self.sub_schemas(site, &ov, &nv, path, depth);
        if has_refs {
            self.stack.pop();
        }
    }

    /// Recurse into the sub-schemas of JSON Schema 2020-12 keywords present on both sides
    /// (`if`/`then`/`else`, `contains`, `prefixItems`, `propertyNames`, `unevaluated*`,
    /// `contentSchema`, `not`, `dependentSchemas`, `patternProperties`). As in oasdiff, a change
    /// inside `not` is reported like any other (its inverted meaning is not modelled).
    fn sub_schemas(&mut self, site: &Site<'_>, ov: &View<'a>, nv: &View<'a>, path: &str, depth: usize) {
        // The pipeline's one-subschema keywords, less `items` and `additionalProperties` (compared
        // with their own rules), plus two that hold a subschema the pipeline does not walk.
        let keys = schemas::SINGLE
            .into_iter()
            .filter(|k| !matches!(*k, "items" | "additionalProperties"))
            .chain(["unevaluatedProperties", "contentSchema"]);
        for key in keys {
            if let (Some(o), Some(n)) = (ov.keyword(key), nv.keyword(key))
                && o.is_object()
                && n.is_object()
            {
                self.schema(site, o, n, &format!("{path}({key})"), depth + 1);
            }
        }
        if let (Some(Value::Array(o)), Some(Value::Array(n))) = (ov.keyword("prefixItems"), nv.keyword("prefixItems")) {
            for (i, (o, n)) in o.iter().zip(n).enumerate() {
                self.schema(site, o, n, &format!("{path}(prefixItems/{i})"), depth + 1);
            }
        }
        for key in ["dependentSchemas", "patternProperties"] {
            if let (Some(Value::Object(o)), Some(Value::Object(n))) = (ov.keyword(key), nv.keyword(key)) {
                for (name, o) in o {
                    if let Some(n) = n.get(name) {
                        self.schema(site, o, n, &format!("{path}({key}/{name})"), depth + 1);
                    }
                }
            }
        }
    }

    /// Properties removed, added, or whose required-ness changed; kept ones recurse.
    fn properties(&mut self, site: &Site<'_>, ov: &View<'a>, nv: &View<'a>, path: &str, depth: usize) {
        let request = site.direction == Direction::Request;
        // A client never sends readOnly properties and never receives writeOnly ones.
        // The properties of a header parameter's object schema have oasdiff's header ids.
        let header = site.prefix == "request-parameter" && site.location.starts_with("header parameter");
        let ignored = |doc: &Value, schema: &Value| {
            let flag = if request { "readOnly" } else { "writeOnly" };
            View::of(doc, schema).flag(flag)
        };
        for (name, old_schema) in &ov.properties {
            let at = child(path, name);
            let old_req = ov.required.contains(name);
            let Some(new_schema) = nv.property(name) else {
                if ignored(self.old_doc, old_schema) {
                    continue;
                }
                let (id, msg) = match (request, old_req) {
                    (true, _) => ("request-property-removed", format!("property `{name}` removed")),
                    (false, true) => (
                        "response-required-property-removed",
                        format!("required property `{name}` removed"),
                    ),
                    (false, false) => (
                        "response-optional-property-removed",
                        format!("optional property `{name}` removed"),
                    ),
                };
                site.emit(&mut self.changes, id.into(), &at, msg);
                continue;
            };
            let new_req = nv.required.contains(name);
            if old_req != new_req && !ignored(self.new_doc, new_schema) {
                let has_default = View::of(self.new_doc, new_schema).default.is_some();
                let id = match (request, new_req) {
                    (true, true) if header => "request-header-property-became-required",
                    (true, true) if has_default => "request-property-became-required-with-default",
                    (true, true) => "request-property-became-required",
                    (true, false) => "request-property-became-optional",
                    (false, true) => "response-property-became-required",
                    (false, false) => "response-property-became-optional",
                };
                let word = if new_req { "required" } else { "optional" };
                site.emit(
                    &mut self.changes,
                    id.into(),
                    &at,
                    format!("property `{name}` became {word}"),
                );
            }
            // A required response property that was writeOnly (never sent) is now sent.
            if !request
                && new_req
                && View::of(self.old_doc, old_schema).flag("writeOnly")
                && !View::of(self.new_doc, new_schema).flag("writeOnly")
            {
                site.emit(
                    &mut self.changes,
                    "response-required-property-became-not-write-only".into(),
                    &at,
                    format!("required property `{name}` is no longer writeOnly"),
                );
            }
            let (old_more, new_more) = (ov.property_more(name), nv.property_more(name));
            self.schema_with(site, (old_schema, &old_more), (new_schema, &new_more), &at, depth + 1);
        }
        for (name, new_schema) in &nv.properties {
            if ov.property(name).is_some() || ignored(self.new_doc, new_schema) {
                continue;
            }
            let required = nv.required.contains(name);
            let has_default = View::of(self.new_doc, new_schema).default.is_some();
            let id = match (request, required) {
                (true, true) if header => "new-required-request-header-property",
                (true, true) if has_default => "new-required-request-property-with-default",
                (true, true) => "new-required-request-property",
                (true, false) => "new-optional-request-property",
                (false, true) => "response-required-property-added",
                (false, false) => "response-optional-property-added",
            };
            let word = if required { "required" } else { "optional" };
            site.emit(
                &mut self.changes,
                id.into(),
                &child(path, name),
                format!("new {word} property `{name}`"),
            );
        }
    }

    /// `oneOf`/`anyOf` alternatives removed or added; kept ones recurse.
    fn variants(&mut self, site: &Site<'_>, ov: &View<'a>, nv: &View<'a>, path: &str, depth: usize) {
        // Alternatives match by keyword and the `$ref` they name, else by position.
        fn key(i: usize, (kw, v): &(&'static str, &Value)) -> (&'static str, String) {
            let name = v
                .get("$ref")
                .and_then(Value::as_str)
                .map_or_else(|| format!("#{i}"), str::to_owned);
            (kw, name)
        }
        let old_keys: Vec<(&str, String)> = ov.variants.iter().enumerate().map(|(i, v)| key(i, v)).collect();
        let new_keys: Vec<(&str, String)> = nv.variants.iter().enumerate().map(|(i, v)| key(i, v)).collect();
        for (i, k) in old_keys.iter().enumerate() {
            let at = format!("{path}<{}>", k.1.trim_start_matches("#/components/schemas/"));
            match new_keys.iter().position(|n| n == k) {
                Some(j) => self.schema(site, ov.variants[i].1, nv.variants[j].1, &at, depth + 1),
                None => {
                    let attr = format!("{}-removed", k.0);
                    site.emit_attr_at(
                        &mut self.changes,
                        &attr,
                        path,
                        &at,
                        format!("alternative {} removed", k.1),
                    );
                }
            }
        }
        for k in new_keys.iter().filter(|k| !old_keys.contains(k)) {
            let at = format!("{path}<{}>", k.1.trim_start_matches("#/components/schemas/"));
            let attr = format!("{}-added", k.0);
            site.emit_attr_at(
                &mut self.changes,
                &attr,
                path,
                &at,
                format!("alternative {} added", k.1),
            );
        }
    }
}

/// A schema's type (and format) in words and whether it admits null: what a response header's
/// schema is compared on.
pub fn shape(doc: &Value, schema: &Value) -> (String, bool) {
    let view = View::of(doc, schema);
    let mut t = types(&view.types);
    if let Some(f) = view.format {
        t = format!("{t} ({f})");
    }
    (t, view.nullable)
}

/// Whether the type of `new` admits every value of the type of `old` (and differs).
pub fn widens(old_doc: &Value, old: &Value, new_doc: &Value, new: &Value) -> bool {
    let (o, n) = (View::of(old_doc, old), View::of(new_doc, new));
    o.types != n.types && covers(&n.types, &o.types)
}

/// The path of property `name` below `path`.
fn child(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_owned()
    } else {
        format!("{path}.{name}")
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly on bad fixtures")]
mod tests {
    use super::*;
    use serde_json::json;

    fn ids(dir: Direction, old: Value, new: Value) -> Vec<String> {
        let (od, nd) = (json!({}), json!({}));
        let mut d = SchemaDiff::new(&od, &nd);
        let prefix = if dir == Direction::Request {
            "request-property"
        } else {
            "response-property"
        };
        let site = Site {
            operation: "GET /x",
            location: "body",
            direction: dir,
            prefix,
        };
        d.compare(&site, &old, &new);
        d.changes.into_iter().map(|c| c.id).collect()
    }

    /// A schema with `levels` nested properties `p` above a leaf of type `leaf`.
    fn nested(levels: usize, leaf: &str) -> Value {
        (0..levels).fold(json!({"type": leaf}), |inner, _| json!({"properties": {"p": inner}}))
    }

    #[test]
    fn nesting_is_compared_down_to_max_depth_and_no_deeper() {
        let changed = |levels| ids(Direction::Response, nested(levels, "string"), nested(levels, "integer"));
        assert_eq!(changed(MAX_DEPTH), ["response-property-type-changed"]);
        assert!(changed(MAX_DEPTH + 1).is_empty());
        // Every keyword a schema nests through counts a level.
        type Wrap = fn(Value) -> Value;
        let wraps: [(&str, Wrap); 4] = [
            ("items", |inner| json!({"items": inner})),
            ("additionalProperties", |inner| json!({"additionalProperties": inner})),
            ("prefixItems", |inner| json!({"prefixItems": [inner]})),
            ("not", |inner| json!({"not": inner})),
        ];
        for (keyword, wrap) in wraps {
            let nest = |levels: usize, leaf: &str| (0..levels).fold(json!({"type": leaf}), |inner, _| wrap(inner));
            let changed = |levels| ids(Direction::Response, nest(levels, "string"), nest(levels, "integer"));
            assert!(!changed(MAX_DEPTH).is_empty(), "{keyword}");
            assert!(changed(MAX_DEPTH + 1).is_empty(), "{keyword}");
        }
    }

    #[test]
    fn alternatives_that_name_one_type_are_that_type_not_a_list() {
        let same = json!({"properties": {"a": {"oneOf": [{"type": "string"}, {"type": "string", "title": "t"}]}}});
        let integer = json!({"properties": {"a": {"type": "integer"}}});
        assert_eq!(
            ids(Direction::Response, same, integer.clone()),
            ["response-property-type-changed"]
        );
        let two = json!({"properties": {"a": {"oneOf": [{"type": "string"}, {"type": "boolean"}]}}});
        let got = ids(Direction::Response, two, integer);
        assert!(got.iter().all(|id| id.contains("list-of-types")), "{got:?}");
    }

    #[test]
    fn a_comparison_stops_when_its_budget_is_spent() {
        // A binary tree of 2^17 changed leaves: about 2.6 budgets of schemas to compare.
        let tree = |leaf: &str| {
            (0..17).fold(
                json!({"type": leaf}),
                |inner, _| json!({"properties": {"a": inner.clone(), "b": inner}}),
            )
        };
        let changes = ids(Direction::Response, tree("string"), tree("integer"));
        assert!((1..=BUDGET).contains(&changes.len()), "{} changes", changes.len());
    }

    #[test]
    fn a_format_added_to_a_response_specializes_it_and_removed_generalizes_it() {
        let with = |format: Option<&str>| match format {
            Some(format) => json!({"properties": {"a": {"type": "string", "format": format}}}),
            None => json!({"properties": {"a": {"type": "string"}}}),
        };
        let response = |old, new| ids(Direction::Response, with(old), with(new));
        assert_eq!(response(None, Some("date")), ["response-property-type-specialized"]);
        assert_eq!(response(Some("date"), None), ["response-property-type-generalized"]);
        assert_eq!(response(Some("date"), Some("uuid")), ["response-property-type-changed"]);
    }

    #[test]
    fn only_a_schema_that_constrained_nothing_may_become_an_object_quietly() {
        let loose = ids(Direction::Request, json!({}), json!({"type": "object"}));
        assert!(loose.is_empty(), "{loose:?}");
        // A schema that asked for items (an array) or for values did constrain the shape.
        for old in [json!({"items": {"type": "string"}}), json!({"enum": ["a", 1]})] {
            let got = ids(Direction::Request, old.clone(), json!({"type": "object"}));
            assert!(got.contains(&"request-body-type-changed".to_owned()), "{old}: {got:?}");
        }
    }

    #[test]
    fn a_ref_chain_is_followed_for_max_hops_and_no_further() {
        // A chain of `hops` references, the last one reaching the schema whose property changes.
        let changes = |hops: usize| {
            let chain = |leaf: &str| {
                let mut schemas = serde_json::Map::new();
                for i in 1..hops {
                    schemas.insert(
                        format!("S{i}"),
                        json!({"$ref": format!("#/components/schemas/S{}", i + 1)}),
                    );
                }
                schemas.insert(format!("S{hops}"), json!({"properties": {"x": {"type": leaf}}}));
                json!({"components": {"schemas": schemas}})
            };
            let (od, nd) = (chain("string"), chain("integer"));
            let mut d = SchemaDiff::new(&od, &nd);
            let site = Site {
                operation: "GET /x",
                location: "body",
                direction: Direction::Response,
                prefix: "response-property",
            };
            let start = json!({"$ref": "#/components/schemas/S1"});
            d.compare(&site, &start, &start);
            d.changes.into_iter().map(|c| c.id).collect::<Vec<String>>()
        };
        assert_eq!(changes(crate::spec::refs::MAX_HOPS), ["response-property-type-changed"]);
        assert!(changes(crate::spec::refs::MAX_HOPS + 1).is_empty());
    }

    #[test]
    fn type_null_array_is_nullability_not_type() {
        let got = ids(
            Direction::Response,
            json!({"type": "string"}),
            json!({"type": ["string", "null"]}),
        );
        assert_eq!(got, ["response-body-became-nullable"]);
        let got = ids(
            Direction::Response,
            json!({"type": "string", "nullable": true}),
            json!({"anyOf": [{"type": "string"}, {"type": "null"}]}),
        );
        assert!(got.is_empty(), "{got:?}");
    }

    #[test]
    fn exclusive_bounds_of_both_dialects_compare() {
        let got = ids(
            Direction::Request,
            json!({"maximum": 5, "exclusiveMaximum": true}),
            json!({"exclusiveMaximum": 5}),
        );
        assert!(got.is_empty(), "{got:?}");
        let got = ids(
            Direction::Request,
            json!({"maximum": 5}),
            json!({"exclusiveMaximum": 5}),
        );
        let mut got = got;
        got.sort();
        assert_eq!(got, ["request-body-exclusive-max-set", "request-body-max-increased"]);
    }

    #[test]
    fn integer_to_number_is_a_generalization_and_breaks_responses_only() {
        assert_eq!(
            ids(
                Direction::Request,
                json!({"type": "integer"}),
                json!({"type": "number"})
            ),
            ["request-body-type-generalized"]
        );
        assert_eq!(
            ids(
                Direction::Response,
                json!({"type": "integer"}),
                json!({"type": "number"})
            ),
            ["response-body-type-generalized"]
        );
        assert_eq!(
            crate::drift::rules::level("request-body-type-generalized"),
            Some(crate::drift::rules::Level::Info)
        );
        assert_eq!(
            crate::drift::rules::level("response-body-type-generalized"),
            Some(crate::drift::rules::Level::Err)
        );
    }
}
