//! Comparing two JSON Schemas (OpenAPI 3.1 dialect, 3.0 `nullable` understood) in one direction.
//!
//! A schema is first flattened into a `View`: `$ref`s followed (siblings kept, as 3.1 allows),
//! `allOf` merged, a `oneOf`/`anyOf` whose only other alternative is `null` read as nullability,
//! `type: [X, 'null']` split into the type `X` and nullability. Two views are then compared
//! attribute by attribute; properties, items and alternatives recurse. Descriptions, titles and
//! examples are never looked at, so editing them reports nothing.

use std::collections::BTreeSet;

use serde_json::Value;

use super::report::Change;
use crate::spec::{refs, schemas};

/// Who sends the data a schema describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// The client sends it: narrowing breaks.
    Request,
    /// The server sends it: widening breaks.
    Response,
}

/// The most schema pairs one diff compares; bounds the work on pathological documents.
const BUDGET: usize = 100_000;
/// The most `$ref`s followed in a chain, and the deepest nesting compared.
const MAX_DEPTH: usize = 64;

/// Where the schemas being compared sit: used for the change's operation, location and rule ids.
#[derive(Debug, Clone, Copy)]
pub struct Site<'s> {
    /// The operation, e.g. `GET /x`.
    pub operation: &'s str,
    /// The schema's place in the operation, e.g. `query parameter ids`.
    pub location: &'s str,
    /// Request or response.
    pub direction: Direction,
    /// Prefix of schema attribute rule ids: `request-parameter`, `request-property` or `response-property`.
    pub prefix: &'static str,
}

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

    fn schema(&mut self, site: &Site<'_>, old: &'a Value, new: &'a Value, path: &str, depth: usize) {
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
            self.emit_attr(
                site,
                "wrapped-in-one-of",
                path,
                format!("now one of {} alternatives", alternatives.len()),
            );
            return;
        }
        self.budget -= 1;
        let ov = View::of(self.old_doc, old);
        let nv = View::of(self.new_doc, new);
        // Cycle protection: a pair of reference chains already being compared further up.
        let key = (ov.refs.join(" "), nv.refs.join(" "));
        let has_refs = !ov.refs.is_empty() || !nv.refs.is_empty();
        if has_refs {
            if self.stack.contains(&key) {
                return;
            }
            self.stack.push(key);
        }
        self.attributes(site, &ov, &nv, path);
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

    fn emit_attr(&mut self, site: &Site<'_>, attr: &str, path: &str, message: String) {
        self.emit_attr_at(site, attr, path, path, message);
    }

    fn emit(&mut self, site: &Site<'_>, id: String, path: &str, message: String) {
        self.changes
            .push(Change::new(id, site.operation, &location(site.location, path), message));
    }

    fn attributes(&mut self, site: &Site<'_>, ov: &View<'a>, nv: &View<'a>, path: &str) {
        let request = site.direction == Direction::Request;
        // Type and format.
        if ov.types != nv.types && (ov.type_list || nv.type_list) {
            // `type: [a, b]` lists: oasdiff's list-of-types ids, one per direction that changed.
            let msg = format!("types changed from {} to {}", types(&ov.types), types(&nv.types));
            // Types compare by name here (oasdiff's reading): `integer` leaving a list that
            // gains `number` is still a type gone.
            let lacks = |a: &Option<BTreeSet<&str>>, b: &Option<BTreeSet<&str>>| match (a, b) {
                (_, None) => false,
                (None, Some(_)) => true,
                (Some(a), Some(b)) => b.iter().any(|t| !a.contains(t)),
            };
            if lacks(&nv.types, &ov.types) {
                self.emit_attr(site, "list-of-types-narrowed", path, msg.clone());
            }
            if lacks(&ov.types, &nv.types) {
                self.emit_attr(site, "list-of-types-widened", path, msg);
            }
        } else if ov.types != nv.types {
            let msg = format!("type changed from {} to {}", types(&ov.types), types(&nv.types));
            // Narrowing is "specialized" in responses (safe) and, as oasdiff names it, in the
            // properties of a parameter's schema.
            let specialized_id = !request || (site.prefix == "request-parameter" && names_a_property(path));
            let attr = if covers(&nv.types, &ov.types) {
                "type-generalized"
            } else if specialized_id && covers(&ov.types, &nv.types) {
                "type-specialized"
            } else {
                "type-changed"
            };
            self.emit_attr(site, attr, path, msg);
        } else if ov.format != nv.format {
            let msg = format!(
                "format changed from {} to {}",
                ov.format.unwrap_or("none"),
                nv.format.unwrap_or("none")
            );
            let attr = match (request, nv.format.is_none(), ov.format.is_none()) {
                (true, true, _) | (false, true, _) => "type-generalized",
                (false, false, true) => "type-specialized",
                _ => "type-changed",
            };
            self.emit_attr(site, attr, path, msg);
        }
        // Nullability.
        match (ov.nullable, nv.nullable) {
            (false, true) => self.emit_attr(site, "became-nullable", path, "became nullable".into()),
            (true, false) => self.emit_attr(site, "became-not-nullable", path, "is no longer nullable".into()),
            _ => {}
        }
        self.values(site, ov, nv, path);
        // Bounds: a limit that appears where there was none has its own `-set` id in requests
        // (oasdiff's; WARN: old clients may send values beyond it), one that disappears its own
        // `-unset` id in responses.
        // Inclusive and exclusive bounds are compared apart, as oasdiff does; 3.0's
        // `exclusiveMaximum: true` beside `maximum` is read as 3.1's numeric exclusive bound.
        let bounds: [Limited<'a, Bound>; 4] = [
            (Limit::new("maximum", "max", true, true, false), |v| v.maximum),
            (Limit::new("minimum", "min", false, true, false), |v| v.minimum),
            (
                Limit::new("exclusiveMaximum", "exclusive-max", true, true, false),
                |v| v.exclusive_maximum,
            ),
            (
                Limit::new("exclusiveMinimum", "exclusive-min", false, true, false),
                |v| v.exclusive_minimum,
            ),
        ];
        self.limits(site, path, (ov, nv), bounds, compare_bound, bound);
        let counts: [Limited<'a, u64>; 4] = [
            (Limit::new("maxLength", "max-length", true, true, true), |v| {
                v.max_length
            }),
            (Limit::new("minLength", "min-length", false, false, false), |v| {
                v.min_length
            }),
            (Limit::new("maxItems", "max-items", true, false, false), |v| v.max_items),
            (Limit::new("minItems", "min-items", false, true, true), |v| v.min_items),
        ];
        self.limits(site, path, (ov, nv), counts, compare_count, count);
        if ov.pattern != nv.pattern {
            let attr = match (ov.pattern, nv.pattern) {
                (_, None) => "pattern-removed",
                (None, Some(_)) => "pattern-added",
                (Some(_), Some(_)) => "pattern-changed",
            };
            let msg = format!(
                "pattern changed from {} to {}",
                ov.pattern.map_or("none".to_owned(), |p| format!("`{p}`")),
                nv.pattern.map_or("none".to_owned(), |p| format!("`{p}`"))
            );
            self.emit_attr(site, attr, path, msg);
        }
        match (ov.default, nv.default) {
            (None, Some(n)) => self.emit_attr(site, "default-value-added", path, format!("default {n} added")),
            (Some(o), None) => self.emit_attr(site, "default-value-removed", path, format!("default {o} removed")),
            (Some(o), Some(n)) if o != n => self.emit_attr(
                site,
                "default-value-changed",
                path,
                format!("default changed from {o} to {n}"),
            ),
            _ => {}
        }
        // `additionalProperties: false` against anything else (absent, true or a schema).
        match (ov.closed, nv.closed) {
            (false, true) => self.emit_attr(
                site,
                "additional-properties-removed",
                path,
                "additionalProperties became false".into(),
            ),
            (true, false) => self.emit_attr(
                site,
                "additional-properties-added",
                path,
                "additionalProperties is no longer false".into(),
            ),
            _ => {}
        }
        match (ov.discriminator, nv.discriminator) {
            (None, Some(n)) => self.emit_attr(site, "discriminator-added", path, format!("discriminator `{n}` added")),
            (Some(o), None) => self.emit_attr(
                site,
                "discriminator-removed",
                path,
                format!("discriminator `{o}` removed"),
            ),
            (Some(o), Some(n)) if o != n => self.emit_attr(
                site,
                "discriminator-property-name-changed",
                path,
                format!("discriminator changed from `{o}` to `{n}`"),
            ),
            _ => {}
        }
        let empty = serde_json::Map::new();
        let (om, nm) = (
            ov.discriminator_mapping.unwrap_or(&empty),
            nv.discriminator_mapping.unwrap_or(&empty),
        );
        for (key, o) in om {
            match nm.get(key) {
                None => self.emit_attr(
                    site,
                    "discriminator-mapping-deleted",
                    path,
                    format!("discriminator mapping {key} removed"),
                ),
                Some(n) if n != o => self.emit_attr(
                    site,
                    "discriminator-mapping-changed",
                    path,
                    format!("discriminator mapping {key} changed from {o} to {n}"),
                ),
                Some(_) => {}
            }
        }
        for key in nm.keys().filter(|k| !om.contains_key(*k)) {
            self.emit_attr(
                site,
                "discriminator-mapping-added",
                path,
                format!("discriminator mapping {key} added"),
            );
        }
        self.keywords(site, ov, nv, path);
        if ov.all_of != nv.all_of {
            let attr = if nv.all_of > ov.all_of {
                "all-of-added"
            } else {
                "all-of-removed"
            };
            let msg = format!("allOf members changed from {} to {}", ov.all_of, nv.all_of);
            self.emit_attr(site, attr, path, msg);
        } else if ov.all_of_annotations != nv.all_of_annotations {
            let attr = if nv.all_of_annotations > ov.all_of_annotations {
                "all-of-added-annotation-only"
            } else {
                "all-of-removed-annotation-only"
            };
            let msg = format!(
                "annotation-only allOf members changed from {} to {}",
                ov.all_of_annotations, nv.all_of_annotations
            );
            self.emit_attr(site, attr, path, msg);
        }
        for v in ov.extensible.iter().filter(|v| !nv.extensible.contains(v)) {
            self.emit_attr(
                site,
                "x-extensible-enum-value-removed",
                path,
                format!("x-extensible-enum value {v} removed"),
            );
        }
    }

    /// Emit one change per limit whose value (read from each side by its getter) moved: `compare`
    /// tells whether it became stricter (`None`: unchanged), `show` prints a value for the message.
    fn limits<T: Copy>(
        &mut self,
        site: &Site<'_>,
        path: &str,
        (ov, nv): (&View<'a>, &View<'a>),
        limits: [Limited<'a, T>; 4],
        compare: fn(Option<T>, Option<T>, bool) -> Option<bool>,
        show: fn(Option<T>) -> String,
    ) {
        let request = site.direction == Direction::Request;
        for (limit, get) in limits {
            let (o, n) = (get(ov), get(nv));
            if let Some(stricter) = compare(o, n, limit.is_max) {
                let msg = format!("{} changed from {} to {}", limit.name, show(o), show(n));
                let attr = limit.attr(request, o.is_some(), n.is_some(), stricter);
                self.emit_attr(site, &attr, path, msg);
            }
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

    /// JSON Schema 2020-12 keywords OpenAPI 3.1 allows: compared by presence and value.
    fn keywords(&mut self, site: &Site<'_>, ov: &View<'a>, nv: &View<'a>, path: &str) {
        for (key, attr, kind) in KEYWORDS {
            let (o, n) = (ov.keyword(key), nv.keyword(key));
            if o == n {
                continue;
            }
            let suffix = match (kind, o, n) {
                (Keyword::Count { is_max }, _, _) => {
                    let (oc, nc) = (o.and_then(Value::as_u64), n.and_then(Value::as_u64));
                    let Some(stricter) = compare_count(oc, nc, is_max) else {
                        continue;
                    };
                    if stricter == is_max { "decreased" } else { "increased" }
                }
                (Keyword::Changed, _, _) => "changed",
                (_, None, Some(_)) => "added",
                (_, Some(_), None) => "removed",
                (Keyword::Presence, Some(_), Some(_)) => continue,
                (Keyword::PresenceOrChanged, Some(_), Some(_)) => "changed",
                (_, None, None) => continue,
            };
            let msg = format!(
                "{key} changed from {} to {}",
                o.map_or_else(|| "none".to_owned(), Value::to_string),
                n.map_or_else(|| "none".to_owned(), Value::to_string)
            );
            self.emit_attr(site, &format!("{attr}-{suffix}"), path, msg);
        }
    }

    /// `enum` and `const` (null is nullability, compared before).
    fn values(&mut self, site: &Site<'_>, ov: &View<'a>, nv: &View<'a>, path: &str) {
        match (&ov.enumv, &nv.enumv) {
            (Some(o), Some(n)) if ov.is_const && nv.is_const => {
                if o != n {
                    let msg = format!("const changed from {} to {}", list(o), list(n));
                    self.emit_attr(site, "const-changed", path, msg);
                }
            }
            (Some(o), Some(n)) => {
                for v in o.iter().filter(|v| !n.contains(v)) {
                    self.emit_attr(site, "enum-value-removed", path, format!("enum value {v} removed"));
                }
                for v in n.iter().filter(|v| !o.contains(v)) {
                    self.emit_attr(site, "enum-value-added", path, format!("enum value {v} added"));
                }
            }
            (None, Some(n)) if nv.is_const => {
                self.emit_attr(site, "const-added", path, format!("now fixed to {}", list(n)));
            }
            (None, Some(n)) => self.emit_attr(site, "became-enum", path, format!("now restricted to {}", list(n))),
            (Some(o), None) if ov.is_const => {
                self.emit_attr(site, "const-removed", path, format!("no longer fixed to {}", list(o)));
            }
            (Some(o), None) => self.emit_attr(
                site,
                "enum-removed",
                path,
                format!("no longer restricted to {}", list(o)),
            ),
            (None, None) => {}
        }
    }

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
                self.emit(site, id.into(), &at, msg);
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
                self.emit(site, id.into(), &at, format!("property `{name}` became {word}"));
            }
            // A required response property that was writeOnly (never sent) is now sent.
            if !request
                && new_req
                && View::of(self.old_doc, old_schema).flag("writeOnly")
                && !View::of(self.new_doc, new_schema).flag("writeOnly")
            {
                self.emit(
                    site,
                    "response-required-property-became-not-write-only".into(),
                    &at,
                    format!("required property `{name}` is no longer writeOnly"),
                );
            }
            self.schema(site, old_schema, new_schema, &at, depth + 1);
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
            self.emit(
                site,
                id.into(),
                &child(path, name),
                format!("new {word} property `{name}`"),
            );
        }
    }

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
                    self.emit_attr_at(site, &attr, path, &at, format!("alternative {} removed", k.1));
                }
            }
        }
        for k in new_keys.iter().filter(|k| !old_keys.contains(k)) {
            let at = format!("{path}<{}>", k.1.trim_start_matches("#/components/schemas/"));
            let attr = format!("{}-added", k.0);
            self.emit_attr_at(site, &attr, path, &at, format!("alternative {} added", k.1));
        }
    }

    /// Emit `<prefix>-<attr>` for the schema at `path`, reported at location `at`. The root of a
    /// body schema has oasdiff's `request-body-`/`response-body-` ids.
    fn emit_attr_at(&mut self, site: &Site<'_>, attr: &str, path: &str, at: &str, message: String) {
        let prefix = match (site.prefix, path.is_empty()) {
            ("request-property", true) => "request-body",
            ("response-property", true) => "response-body",
            ("request-parameter", false)
                if attr == "became-enum" && site.location.starts_with("header parameter") && names_a_property(path) =>
            {
                "request-header-property"
            }
            ("request-parameter", false) if names_a_property(path) => "request-parameter-property",
            (prefix, _) => prefix,
        };
        self.emit(site, format!("{prefix}-{attr}"), at, message);
    }
}

/// How a JSON Schema keyword's change is named.
#[derive(Debug, Clone, Copy)]
enum Keyword {
    /// `-added` / `-removed`; a changed value of a kept keyword is compared by the recursion or not at all.
    Presence,
    /// `-added` / `-removed` / `-changed`.
    PresenceOrChanged,
    /// Any difference is `-changed`.
    Changed,
    /// A count: `-increased` / `-decreased`.
    Count { is_max: bool },
}

/// The keywords compared by [`SchemaDiff::keywords`]: JSON key, id part, how.
const KEYWORDS: [(&str, &str, Keyword); 16] = [
    ("contains", "contains", Keyword::Presence),
    ("minContains", "min-contains", Keyword::Count { is_max: false }),
    ("maxContains", "max-contains", Keyword::Count { is_max: true }),
    ("if", "if", Keyword::Presence),
    ("then", "then", Keyword::Presence),
    ("else", "else", Keyword::Presence),
    ("dependentRequired", "dependent-required", Keyword::PresenceOrChanged),
    ("dependentSchemas", "dependent-schema", Keyword::Presence),
    ("patternProperties", "pattern-property", Keyword::Presence),
    ("prefixItems", "prefix-items", Keyword::Presence),
    ("propertyNames", "property-names", Keyword::Presence),
    ("unevaluatedItems", "unevaluated-items", Keyword::Presence),
    ("unevaluatedProperties", "unevaluated-properties", Keyword::Presence),
    ("contentEncoding", "content-encoding", Keyword::Changed),
    ("contentMediaType", "content-media-type", Keyword::Changed),
    ("contentSchema", "content-schema", Keyword::Presence),
];

/// A limit and how to read its value from a schema view.
type Limited<'a, T> = (Limit, fn(&View<'a>) -> Option<T>);

/// A numeric or count limit and how its changes are named.
struct Limit {
    /// The keyword, for messages.
    name: &'static str,
    /// The id part: `max`, `min-length`...
    attr: &'static str,
    is_max: bool,
    /// A request limit that appears has its own `-set` id.
    set: bool,
    /// A response limit that disappears has its own `-unset` id.
    unset: bool,
}

impl Limit {
    const fn new(name: &'static str, attr: &'static str, is_max: bool, set: bool, unset: bool) -> Self {
        Self {
            name,
            attr,
            is_max,
            set,
            unset,
        }
    }

    /// The id suffix of a change; `stricter` when the new limit admits fewer values.
    fn attr(&self, request: bool, old: bool, new: bool, stricter: bool) -> String {
        if request && self.set && !old && new {
            return format!("{}-set", self.attr);
        }
        if !request && self.unset && old && !new {
            return format!("{}-unset", self.attr);
        }
        let way = if stricter == self.is_max {
            "decreased"
        } else {
            "increased"
        };
        format!("{}-{way}", self.attr)
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

fn location(base: &str, path: &str) -> String {
    if path.is_empty() {
        base.to_owned()
    } else {
        format!("{base}: {path}")
    }
}

fn child(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_owned()
    } else {
        format!("{path}.{name}")
    }
}

/// A numeric bound: its value and whether it is exclusive.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Bound {
    value: f64,
    exclusive: bool,
}

/// `Some(true)` when `new` is stricter than `old`, `Some(false)` when looser, `None` when equal.
fn compare_bound(old: Option<Bound>, new: Option<Bound>, is_max: bool) -> Option<bool> {
    match (old, new) {
        (None, None) => None,
        (None, Some(_)) => Some(true),
        (Some(_), None) => Some(false),
        (Some(o), Some(n)) => {
            let (o_v, n_v) = if is_max {
                (o.value, n.value)
            } else {
                (-o.value, -n.value)
            };
            if n_v < o_v || (n_v == o_v && n.exclusive && !o.exclusive) {
                Some(true)
            } else if o_v < n_v || (n_v == o_v && o.exclusive && !n.exclusive) {
                Some(false)
            } else {
                None
            }
        }
    }
}

/// Like [`compare_bound`] for counts (maxLength...): an absent minimum is 0.
fn compare_count(old: Option<u64>, new: Option<u64>, is_max: bool) -> Option<bool> {
    if is_max {
        match (old, new) {
            (None, None) => None,
            (None, Some(_)) => Some(true),
            (Some(_), None) => Some(false),
            (Some(o), Some(n)) => (o != n).then_some(n < o),
        }
    } else {
        let (o, n) = (old.unwrap_or(0), new.unwrap_or(0));
        (o != n).then_some(n > o)
    }
}

fn number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{v:.0}")
    } else {
        v.to_string()
    }
}

/// A bound's value; the keyword in the message says whether it is exclusive.
fn bound(b: Option<Bound>) -> String {
    b.map_or_else(|| "none".into(), |b| number(b.value))
}

fn count(c: Option<u64>) -> String {
    c.map_or_else(|| "none".into(), |c| c.to_string())
}

fn types(t: &Option<BTreeSet<&str>>) -> String {
    match t {
        None => "any".into(),
        Some(t) if t.is_empty() => "nothing".into(),
        Some(t) => t.iter().copied().collect::<Vec<_>>().join("|"),
    }
}

fn list(values: &[&Value]) -> String {
    let items: Vec<String> = values.iter().map(|v| v.to_string()).collect();
    format!("[{}]", items.join(", "))
}

/// Whether every value of type set `old` is also of type set `new` (integers are numbers).
fn covers(new: &Option<BTreeSet<&str>>, old: &Option<BTreeSet<&str>>) -> bool {
    match (new, old) {
        (None, _) => true,
        (Some(_), None) => false,
        (Some(n), Some(o)) => o
            .iter()
            .all(|t| n.contains(t) || (*t == "integer" && n.contains("number"))),
    }
}

/// A schema flattened for comparison.
#[derive(Debug, Default)]
struct View<'a> {
    /// The `$ref`s followed, in order: identifies the schema for cycle protection.
    refs: Vec<&'a str>,
    /// Non-null types; `None` when unconstrained.
    types: Option<BTreeSet<&'a str>>,
    nullable: bool,
    format: Option<&'a str>,
    /// Non-null enum (or const) values.
    enumv: Option<Vec<&'a Value>>,
    maximum: Option<Bound>,
    minimum: Option<Bound>,
    exclusive_maximum: Option<Bound>,
    exclusive_minimum: Option<Bound>,
    max_length: Option<u64>,
    min_length: Option<u64>,
    max_items: Option<u64>,
    min_items: Option<u64>,
    pattern: Option<&'a str>,
    properties: Vec<(&'a str, &'a Value)>,
    required: BTreeSet<&'a str>,
    items: Option<&'a Value>,
    additional: Option<&'a Value>,
    /// `additionalProperties: false`.
    closed: bool,
    /// `oneOf`/`anyOf` alternatives with their keyword (`one-of`, `any-of`).
    variants: Vec<(&'static str, &'a Value)>,
    flags: BTreeSet<&'a str>,
    /// Whether the values come from `const` rather than `enum`.
    is_const: bool,
    default: Option<&'a Value>,
    discriminator: Option<&'a str>,
    discriminator_mapping: Option<&'a serde_json::Map<String, Value>>,
    /// `x-extensible-enum` values.
    extensible: Vec<&'a Value>,
    /// `type` was written as a list of two or more non-null types.
    type_list: bool,
    /// How many `allOf` members the schema has (members are merged into the view; inlining a
    /// `$ref`'d member is not a change, so only their number is compared).
    all_of: usize,
    /// How many `allOf` members only annotate (description, title, examples...).
    all_of_annotations: usize,
    /// The JSON Schema 2020-12 keywords of [`KEYWORDS`], first occurrence wins.
    keywords: Vec<(&'a str, &'a Value)>,
}

impl<'a> View<'a> {
    fn of(doc: &'a Value, schema: &'a Value) -> Self {
        let mut view = Self::default();
        view.absorb(doc, schema, 0);
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

    fn property(&self, name: &str) -> Option<&'a Value> {
        self.properties.iter().find(|(n, _)| *n == name).map(|(_, s)| *s)
    }

    fn keyword(&self, key: &str) -> Option<&'a Value> {
        self.keywords.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
    }

    fn flag(&self, name: &str) -> bool {
        self.flags.contains(name)
    }

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
        self.bounds(map);
        let count = |key: &str| map.get(key).and_then(Value::as_u64);
        self.max_length = self.max_length.or(count("maxLength"));
        self.min_length = self.min_length.or(count("minLength"));
        self.max_items = self.max_items.or(count("maxItems"));
        self.min_items = self.min_items.or(count("minItems"));
        if self.pattern.is_none() {
            // An empty pattern matches everything: no pattern.
            self.pattern = map.get("pattern").and_then(Value::as_str).filter(|p| !p.is_empty());
        }
        if let Some(props) = map.get("properties").and_then(Value::as_object) {
            for (name, s) in props {
                if self.property(name).is_none() {
                    self.properties.push((name.as_str(), s));
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
        for part in map.get("allOf").and_then(Value::as_array).into_iter().flatten() {
            if annotation_only(part) {
                self.all_of_annotations += 1;
            } else {
                self.all_of += 1;
            }
            self.absorb(doc, part, depth + 1);
        }
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

/// Whether a schema path goes through a property (`a`, `[].a`), not only array items (`[]`) or
/// alternatives (`<#0>`).
fn names_a_property(path: &str) -> bool {
    let mut depth = 0usize;
    let mut rest = String::new();
    for c in path.replace("[]", "").chars() {
        match c {
            '<' => depth += 1,
            '>' => depth = depth.saturating_sub(1),
            _ if depth == 0 => rest.push(c),
            _ => {}
        }
    }
    !rest.is_empty()
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
