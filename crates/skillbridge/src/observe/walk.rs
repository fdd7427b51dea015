//! The walk of one response body along its schema: where it is (a JSON pointer and a schema
//! location, kept in two buffers), and what it finds.

use std::collections::BTreeSet;

use serde_json::Value;

use super::{DriftRule, MAX_EVENTS_PER_RESPONSE};

/// How deep the walk goes (instance nesting, `$ref`, `allOf` and `oneOf` steps together): deeper
/// values are not checked, and a schema that refers to itself without nesting stops here.
const MAX_DEPTH: usize = 256;

/// `schema` with its `$ref`s followed (local ones, `#/...`), or `None` for a dangling or external
/// reference, or a chain too long (a cycle).
pub(super) fn resolve<'a>(document: &'a Value, mut schema: &'a Value, depth: usize) -> Option<&'a Value> {
    for _ in depth..MAX_DEPTH {
        match schema.get("$ref").and_then(Value::as_str) {
            Some(reference) => schema = document.pointer(reference.strip_prefix('#')?)?,
            None => return Some(schema),
        }
    }
    None
}

/// Where the walk is: the JSON pointer in the body and the location in the schema, one buffer
/// each, extended on the way down and cut back on the way up (no allocation per value).
#[derive(Debug, Default, Clone)]
pub(super) struct Place {
    pub(super) pointer: String,
    pub(super) location: String,
}

/// The lengths of a [`Place`]'s buffers before a step down, to go back up.
#[derive(Clone, Copy)]
pub(super) struct Mark(usize, usize);

impl Place {
    fn mark(&self) -> Mark {
        Mark(self.pointer.len(), self.location.len())
    }

    pub(super) fn back(&mut self, mark: Mark) {
        self.pointer.truncate(mark.0);
        self.location.truncate(mark.1);
    }

    /// `name` as a JSON pointer token (RFC 6901: `~` as `~0`, `/` as `~1`).
    fn push_token(&mut self, name: &str) {
        self.pointer.push('/');
        for c in name.chars() {
            match c {
                '~' => self.pointer.push_str("~0"),
                '/' => self.pointer.push_str("~1"),
                c => self.pointer.push(c),
            }
        }
    }

    pub(super) fn property(&mut self, name: &str) -> Mark {
        let mark = self.mark();
        self.push_token(name);
        if !self.location.is_empty() {
            self.location.push('.');
        }
        self.location.push_str(name);
        mark
    }

    pub(super) fn item(&mut self, index: usize) -> Mark {
        use std::fmt::Write as _;
        let mark = self.mark();
        let _ = write!(self.pointer, "/{index}");
        self.location.push_str("[]");
        mark
    }

    fn additional(&mut self, name: &str) -> Mark {
        let mark = self.mark();
        self.push_token(name);
        if !self.location.is_empty() {
            self.location.push('.');
        }
        self.location.push('*');
        mark
    }
}

/// One thing a walk found.
#[derive(Debug, Clone)]
pub(super) struct Finding {
    pub(super) rule: DriftRule,
    pub(super) pointer: String,
    pub(super) location: String,
    pub(super) message: String,
}

/// A walk of one value along a schema, collecting findings (each rule and location once).
pub(super) struct Walk<'a> {
    document: &'a Value,
    pub(super) findings: Vec<Finding>,
    seen: BTreeSet<(DriftRule, String)>,
}

/// The JSON type of a value, as schemas name it.
fn type_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Whether `value` has the schema type `name`.
fn has_type(value: &Value, name: &str) -> bool {
    match (name, value) {
        ("integer", Value::Number(n)) => n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0),
        ("number", Value::Number(_)) => true,
        (name, value) => type_of(value) == name,
    }
}

impl<'a> Walk<'a> {
    pub(super) fn new(document: &'a Value) -> Self {
        Self {
            document,
            findings: Vec::new(),
            seen: BTreeSet::new(),
        }
    }

    fn found(&mut self, rule: DriftRule, place: &Place, message: String) {
        if self.findings.len() >= MAX_EVENTS_PER_RESPONSE || !self.seen.insert((rule, place.location.clone())) {
            return;
        }
        self.findings.push(Finding {
            rule,
            pointer: place.pointer.clone(),
            location: place.location.clone(),
            message,
        });
    }

    fn violations(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| f.rule == DriftRule::SchemaViolation)
            .count()
    }

    /// Checks `value` at `place` against `schema`, and its properties and items below.
    pub(super) fn value(&mut self, schema: &'a Value, value: &Value, place: &mut Place, depth: usize) {
        self.checked(schema, value, place, depth, true);
    }

    /// [`value`](Self::value); `own_properties`: whether undeclared properties of this object are
    /// reported here (not in an `allOf` member or an alternative, which declare only part of them).
    fn checked(&mut self, schema: &'a Value, value: &Value, place: &mut Place, depth: usize, own_properties: bool) {
        if depth >= MAX_DEPTH {
            return;
        }
        let Some(schema) = resolve(self.document, schema, depth) else {
            return;
        };
        let Some(object) = schema.as_object() else { return };
        if !self.type_fits(object, value, place) {
            return;
        }
        if let Some(expected) = object.get("const")
            && expected != value
        {
            self.found(
                DriftRule::SchemaViolation,
                place,
                "differs from the constant the schema declares".to_owned(),
            );
        }
        for key in ["enum", "x-extensible-enum"] {
            if let Some(listed) = object.get(key).and_then(Value::as_array)
                && !value.is_null()
                && !listed.contains(value)
            {
                self.found(
                    DriftRule::EnumValueAdded,
                    place,
                    format!("a {} value the schema's `{key}` does not list", type_of(value)),
                );
            }
        }
        if let Some(members) = object.get("allOf").and_then(Value::as_array) {
            for member in members {
                self.checked(member, value, place, depth + 1, false);
            }
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(alternatives) = object.get(key).and_then(Value::as_array) {
                self.alternatives(key, alternatives, value, place, depth);
            }
        }
        match value {
            Value::Object(properties) => self.object(schema, object, properties, place, depth, own_properties),
            Value::Array(items) => {
                if let Some(item_schema) = object.get("items") {
                    for (index, item) in items.iter().enumerate() {
                        let mark = place.item(index);
                        self.value(item_schema, item, place, depth + 1);
                        place.back(mark);
                    }
                }
            }
            _ => {}
        }
    }

    /// Whether `value` has a type the schema allows (reporting it when not); `null` is allowed by
    /// `type: [.., "null"]`, `nullable: true`, an `enum` holding it or a schema without a type.
    fn type_fits(&mut self, object: &serde_json::Map<String, Value>, value: &Value, place: &Place) -> bool {
        let fits = match object.get("type") {
            Some(Value::String(name)) => has_type(value, name),
            Some(Value::Array(names)) => names.iter().filter_map(Value::as_str).any(|name| has_type(value, name)),
            _ => return true,
        };
        if fits {
            return true;
        }
        let nullable = object.get("nullable") == Some(&Value::Bool(true))
            || object
                .get("enum")
                .and_then(Value::as_array)
                .is_some_and(|listed| listed.contains(&Value::Null));
        if value.is_null() && nullable {
            return true;
        }
        let declared = match object.get("type") {
            Some(Value::Array(names)) => names.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(" or "),
            Some(Value::String(name)) => name.clone(),
            _ => String::new(),
        };
        self.found(
            DriftRule::SchemaViolation,
            place,
            format!("a {} where the schema declares {declared}", type_of(value)),
        );
        false
    }

    /// Walks the alternative of `oneOf`/`anyOf` that fits best (fewest violations); when none fits
    /// without one, reports that instead of the alternatives' own violations.
    fn alternatives(&mut self, key: &str, alternatives: &'a [Value], value: &Value, place: &mut Place, depth: usize) {
        let mut best: Option<(usize, &'a Value)> = None;
        for alternative in alternatives {
            let mut trial = Walk::new(self.document);
            trial.checked(alternative, value, &mut place.clone(), depth + 1, false);
            let violations = trial.violations();
            if best.is_none_or(|(fewest, _)| violations < fewest) {
                best = Some((violations, alternative));
            }
            if violations == 0 {
                break;
            }
        }
        match best {
            Some((0, alternative)) => self.checked(alternative, value, place, depth + 1, false),
            Some(_) => self.found(
                DriftRule::SchemaViolation,
                place,
                format!("a {} that fits none of the `{key}` alternatives", type_of(value)),
            ),
            None => {}
        }
    }

    /// The checks of an object: required properties, declared ones walked, undeclared ones reported
    /// (when `own_properties`) or walked along `additionalProperties`.
    fn object(
        &mut self,
        schema: &'a Value,
        object: &'a serde_json::Map<String, Value>,
        properties: &serde_json::Map<String, Value>,
        place: &mut Place,
        depth: usize,
        own_properties: bool,
    ) {
        if let Some(required) = object.get("required").and_then(Value::as_array) {
            for name in required.iter().filter_map(Value::as_str) {
                if !properties.contains_key(name) {
                    let mark = place.property(name);
                    self.found(
                        DriftRule::SchemaViolation,
                        place,
                        "a required property is missing".to_owned(),
                    );
                    place.back(mark);
                }
            }
        }
        let declared = object.get("properties").and_then(Value::as_object);
        // What every part of the schema declares, gathered at the first property this part does not.
        let mut gathered: Option<(BTreeSet<&'a str>, bool)> = None;
        // By name, not in the map's order: serde_json's `preserve_order` feature (on when any crate
        // in the build asks for it) would change which findings come first, and which the cap keeps.
        let mut members: Vec<(&String, &Value)> = properties.iter().collect();
        members.sort_unstable_by_key(|(name, _)| *name);
        for (name, property) in members {
            if let Some(property_schema) = declared.and_then(|d| d.get(name)) {
                let mark = place.property(name);
                self.value(property_schema, property, place, depth + 1);
                place.back(mark);
                continue;
            }
            if let Some(additional @ Value::Object(_)) = object.get("additionalProperties") {
                let mark = place.additional(name);
                self.value(additional, property, place, depth + 1);
                place.back(mark);
                continue;
            }
            if !own_properties {
                continue;
            }
            let (names, open) = gathered.get_or_insert_with(|| {
                let mut names = BTreeSet::new();
                let open = self.declared(schema, &mut names, depth);
                (names, open)
            });
            // Declared by an `allOf` member or an alternative (walked there), or any property allowed.
            if *open || names.contains(name.as_str()) {
                continue;
            }
            let mark = place.property(name);
            self.found(
                DriftRule::PropertyAdded,
                place,
                "a property the schema does not declare".to_owned(),
            );
            place.back(mark);
        }
    }

    /// Adds to `names` every property `schema` declares, its `allOf` members' and every
    /// `oneOf`/`anyOf` alternative's included; true when it takes any property
    /// (`additionalProperties` or `patternProperties` other than `false`).
    fn declared(&self, schema: &'a Value, names: &mut BTreeSet<&'a str>, depth: usize) -> bool {
        if depth >= MAX_DEPTH {
            return true;
        }
        let Some(object) = resolve(self.document, schema, depth).and_then(Value::as_object) else {
            return true;
        };
        if let Some(properties) = object.get("properties").and_then(Value::as_object) {
            names.extend(properties.keys().map(String::as_str));
        }
        let mut open = object
            .get("additionalProperties")
            .is_some_and(|a| a != &Value::Bool(false))
            || object.contains_key("patternProperties");
        for key in ["allOf", "oneOf", "anyOf"] {
            for member in object.get(key).and_then(Value::as_array).into_iter().flatten() {
                open |= self.declared(member, names, depth + 1);
            }
        }
        open
    }
}
