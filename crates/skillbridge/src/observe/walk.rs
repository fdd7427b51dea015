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
    /// The (schema, value) pairs being checked further up, by address: meeting one again is a
    /// schema that contains itself without the value nesting, which adds nothing but work.
    active: Vec<(usize, usize)>,
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
        // Every JSON number has an `f64` reading; `1.0` is an integer too, as JSON Schema says.
        ("integer", Value::Number(n)) => n.as_f64().is_some_and(|f| f.fract() == 0.0),
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
            active: Vec::new(),
        }
    }

    /// A walk that tries an alternative from here: its own findings, the same path above it.
    fn trial(&self) -> Self {
        Self {
            active: self.active.clone(),
            ..Self::new(self.document)
        }
    }

    /// Takes the findings of a trial that is kept, as if they had been found here.
    fn absorb(&mut self, trial: Self) {
        for finding in trial.findings {
            if self.findings.len() >= MAX_EVENTS_PER_RESPONSE {
                return;
            }
            if self.seen.insert((finding.rule, finding.location.clone())) {
                self.findings.push(finding);
            }
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
        let here = (std::ptr::from_ref(schema) as usize, std::ptr::from_ref(value) as usize);
        if self.active.contains(&here) {
            return;
        }
        self.active.push(here);
        self.check(schema, value, place, depth, own_properties);
        self.active.pop();
    }

    /// [`checked`](Self::checked) of a resolved schema.
    fn check(&mut self, schema: &'a Value, value: &Value, place: &mut Place, depth: usize, own_properties: bool) {
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

    /// Walks the first alternative of `oneOf`/`anyOf` that the value fits without a violation;
    /// when none does, reports that instead of the alternatives' own violations.
    fn alternatives(&mut self, key: &str, alternatives: &'a [Value], value: &Value, place: &mut Place, depth: usize) {
        let mut fitting = None;
        for alternative in alternatives {
            let mut trial = self.trial();
            trial.checked(alternative, value, &mut place.clone(), depth + 1, false);
            if trial.violations() == 0 {
                fitting = Some(trial);
                break;
            }
        }
        match fitting {
            // Its findings are what walking it again would find: walked once, not twice (nested
            // alternatives would otherwise cost twice per level).
            Some(trial) => self.absorb(trial),
            None if !alternatives.is_empty() => self.found(
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
                let open = self.declared(schema, &mut names, &mut BTreeSet::new(), depth);
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
    fn declared(
        &self,
        schema: &'a Value,
        names: &mut BTreeSet<&'a str>,
        visited: &mut BTreeSet<usize>,
        depth: usize,
    ) -> bool {
        if depth >= MAX_DEPTH {
            return true;
        }
        let Some(object) = resolve(self.document, schema, depth).and_then(Value::as_object) else {
            return true;
        };
        // Each schema once (by address): what it declares is gathered already, and schemas that
        // reach one another by several paths would otherwise cost a walk per path.
        if !visited.insert(std::ptr::from_ref(object) as usize) {
            return false;
        }
        if let Some(properties) = object.get("properties").and_then(Value::as_object) {
            names.extend(properties.keys().map(String::as_str));
        }
        let mut open = object
            .get("additionalProperties")
            .is_some_and(|a| a != &Value::Bool(false))
            || object.contains_key("patternProperties");
        for key in ["allOf", "oneOf", "anyOf"] {
            for member in object.get(key).and_then(Value::as_array).into_iter().flatten() {
                open |= self.declared(member, names, visited, depth + 1);
            }
        }
        open
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn findings(document: &Value, schema: &Value, body: &Value) -> Vec<(String, String)> {
        let mut walk = Walk::new(document);
        walk.value(schema, body, &mut Place::default(), 0);
        walk.findings.into_iter().map(|f| (f.pointer, f.message)).collect()
    }

    #[test]
    fn values_are_named_by_their_json_schema_type() {
        let schema = json!({"type": "array", "items": {"enum": ["listed"]}});
        let got = findings(&json!({}), &schema, &json!([-3, 7, 1.5]));
        // One finding per location: the first unlisted value, a negative integer.
        assert_eq!(
            got,
            [(
                "/0".to_owned(),
                "a integer value the schema's `enum` does not list".to_owned()
            )]
        );
        let got = findings(&json!({}), &json!({"enum": ["listed"]}), &json!(1.5));
        assert_eq!(
            got,
            [(
                String::new(),
                "a number value the schema's `enum` does not list".to_owned()
            )]
        );
        assert!(has_type(&json!(2.0), "integer") && !has_type(&json!(2.5), "integer"));
        assert!(has_type(&json!(u64::MAX), "integer") && has_type(&json!(2.5), "number"));
    }

    #[test]
    fn types_single_or_listed_are_checked_and_named() {
        let listed = json!({"type": ["string", "null"]});
        assert!(findings(&json!({}), &listed, &json!("s")).is_empty());
        assert!(findings(&json!({}), &listed, &Value::Null).is_empty());
        assert_eq!(
            findings(&json!({}), &listed, &json!(3)),
            [(
                String::new(),
                "a integer where the schema declares string or null".to_owned()
            )]
        );
        assert_eq!(
            findings(&json!({}), &json!({"type": "boolean"}), &json!([])),
            [(String::new(), "a array where the schema declares boolean".to_owned())]
        );
    }

    #[test]
    fn the_first_alternative_that_fits_is_walked_and_none_fitting_is_one_finding() {
        let schema = json!({"oneOf": [
            {"type": "object", "properties": {"a": {"type": "string"}}},
            {"type": "object", "properties": {"a": {"type": "integer"}, "b": {"enum": ["x"]}}}
        ]});
        // Fits the second alternative, whose enum then speaks.
        assert_eq!(
            findings(&json!({}), &schema, &json!({"a": 1, "b": "y"})),
            [(
                "/b".to_owned(),
                "a string value the schema's `enum` does not list".to_owned()
            )]
        );
        assert_eq!(
            findings(&json!({}), &schema, &json!(true)),
            [(
                String::new(),
                "a boolean that fits none of the `oneOf` alternatives".to_owned()
            )]
        );
        // An empty list is read as no constraint, not as one nothing fits.
        assert!(findings(&json!({}), &json!({"anyOf": []}), &json!(true)).is_empty());
    }

    #[test]
    fn any_part_of_a_schema_may_open_an_object_to_undeclared_properties() {
        let undeclared = [("/b".to_owned(), "a property the schema does not declare".to_owned())];
        let closed = json!({"properties": {"a": {}}, "allOf": [{"additionalProperties": false}]});
        assert_eq!(findings(&json!({}), &closed, &json!({"a": 1, "b": 2})), undeclared);
        for opening in [
            json!({"additionalProperties": {}}),
            json!({"additionalProperties": true}),
            json!({"patternProperties": {"^b": {}}}),
        ] {
            let schema = json!({"properties": {"a": {}}, "allOf": [{"properties": {}}, opening]});
            assert!(
                findings(&json!({}), &schema, &json!({"a": 1, "b": 2})).is_empty(),
                "{schema}"
            );
        }
    }

    #[test]
    fn values_deeper_than_max_depth_are_not_checked() {
        // Each level reached through a declared property, an `additionalProperties` schema or an
        // item: a wrong leaf is reported within the limit and not beyond it.
        let schema = json!({"$ref": "#/components/schemas/Node"});
        let document = json!({"components": {"schemas": {"Node": {
            "type": ["object", "array"],
            "properties": {"p": {"$ref": "#/components/schemas/Node"}},
            "additionalProperties": {"$ref": "#/components/schemas/Node"},
            "items": {"$ref": "#/components/schemas/Node"}
        }}}});
        let nested = |levels: usize| {
            (0..levels).fold(json!("leaf"), |inner, i| match i % 3 {
                0 => json!({"p": inner}),
                1 => json!({"other": inner}),
                _ => json!([inner]),
            })
        };
        // Well within the limit and well beyond it (a `$ref` step near the limit is cut too).
        assert_eq!(findings(&document, &schema, &nested(MAX_DEPTH - 56)).len(), 1);
        assert!(findings(&document, &schema, &nested(MAX_DEPTH + 44)).is_empty());
    }

    #[test]
    fn schemas_that_contain_themselves_end_at_any_depth() {
        let document = json!({"components": {"schemas": {
            "All": {"allOf": [{"$ref": "#/components/schemas/All"}]},
            "List": {"type": "array", "items": {"$ref": "#/components/schemas/List"}},
            "Either": {"anyOf": [{"$ref": "#/components/schemas/Either"}, {"$ref": "#/components/schemas/Either"}]}
        }}});
        let all = json!({"$ref": "#/components/schemas/All"});
        // They declare no property: `a` is reported, once, and the walk ends.
        let undeclared = [("/a".to_owned(), "a property the schema does not declare".to_owned())];
        assert_eq!(findings(&document, &all, &json!({"a": 1})), undeclared);
        let list = json!({"$ref": "#/components/schemas/List"});
        assert_eq!(findings(&document, &list, &json!([[[[]]], "not a list"])).len(), 1);
        let either = json!({"$ref": "#/components/schemas/Either"});
        assert_eq!(findings(&document, &either, &json!({"a": 1})), undeclared);
    }

    #[test]
    fn schemas_nested_past_the_limit_through_all_of_or_alternatives_are_cut() {
        // No `$ref` and no property: the nesting is the schema's own, a level per `allOf` member
        // or alternative. A wrong leaf is reported within the limit and not beyond it.
        let nested =
            |levels: usize, key: &str| (0..levels).fold(json!({"type": "string"}), |inner, _| json!({ key: [inner] }));
        for key in ["allOf", "oneOf"] {
            assert_eq!(
                findings(&json!({}), &nested(MAX_DEPTH - 56, key), &json!(3)).len(),
                1,
                "{key}"
            );
            assert!(
                findings(&json!({}), &nested(MAX_DEPTH + 44, key), &json!(3)).is_empty(),
                "{key}"
            );
        }
    }

    #[test]
    fn a_cycle_through_alternatives_is_cut_where_it_closes() {
        // Each alternative refers back to the schema and then fails: a trial that forgot the path
        // above it would try both alternatives again at every level (2 to the depth).
        let failing = json!({"allOf": [{"$ref": "#/components/schemas/Either"}, {"type": "integer"}]});
        let document = json!({"components": {"schemas": {"Either": {"anyOf": [failing.clone(), failing]}}}});
        let either = json!({"$ref": "#/components/schemas/Either"});
        assert_eq!(
            findings(&document, &either, &json!("s")),
            [(
                String::new(),
                "a string that fits none of the `anyOf` alternatives".to_owned()
            )]
        );
    }
}
