//! Drift observation (feature `observe`): a sampled share of successful responses checked against
//! the OpenAPI document the client was generated from, for APIs whose vendor publishes no spec to
//! diff (their drift is otherwise noticed only when a user's code breaks).
//!
//! Turn it on per client with the builder's `observe` setter:
//!
//! ```no_run
//! # fn run(builder: skillbridge::techwolf::TechWolfBuilder) -> skillbridge::Result<()> {
//! use skillbridge::observe::ObserveConfig;
//!
//! let client = builder
//!     .observe(ObserveConfig::sampled(0.01).callback(|event| {
//!         // One JSON line per event: what `cargo xtask drift <vendor> --observed FILE` reads.
//!         if let Ok(line) = serde_json::to_string(event) {
//!             eprintln!("{line}");
//!         }
//!     }))
//!     .build()?;
//! # Ok(()) }
//! ```
//!
//! Each sampled 2xx response of an operation the document describes is parsed once more (as a
//! `serde_json::Value`) and walked along the schema of the operation's response for that status
//! (`$ref`s followed, `allOf` members merged, the best-matching `oneOf`/`anyOf` alternative
//! taken). What the walk finds becomes a [`DriftEvent`]:
//!
//! | rule id | level | what |
//! |---|---|---|
//! | `response-property-added` | INFO | an object has a property its schema does not declare (and `additionalProperties` does not allow) |
//! | `response-property-enum-value-added` | INFO | a value that `enum` (or the open `x-extensible-enum`) does not list |
//! | `response-schema-violation` | WARN | a value of another type (`null` included), a missing required property, a `const` that differs, no `oneOf` alternative that fits |
//!
//! An event names the API, the operation, the status, the rule and where: the JSON pointer of
//! the first value it was seen at (`/records/0/skill_clusters/0/trend`) and the schema location of
//! every such value (`records[].skill_clusters[].trend`). **It never carries a value** of the
//! response (not even an unknown enum value): property names and types only, so a report can go
//! to logs and CI without data or secrets in it. Each (rule, location) is reported once per
//! response, and at most [`MAX_EVENTS_PER_RESPONSE`] events per response.
//!
//! Events go to `tracing` (target `skillbridge::observe`; `INFO` for additions, `WARN` for
//! violations; fields `api`, `operation`, `status`, `rule`, `pointer`, `location`) and to the
//! callback, called on the task that received the response: keep it short (push to a channel or a
//! buffered file). Without the feature nothing of this is compiled; with it, a client without
//! `observe` pays one branch per response, and a sampled response pays one more parse and a walk.
//!
//! # The JSON line format
//!
//! [`DriftEvent`] serializes (serde) to one object per event, fields in this order:
//!
//! ```json
//! {"api":"<vendor>","operation":"<operation>","method":"POST","path":"/export/employees/skill_clusters",
//!  "status":200,"rule":"response-property-added","pointer":"/records/0/skill_clusters/0/trend",
//!  "location":"records[].skill_clusters[].trend","message":"property not declared by the schema"}
//! ```
//!
//! `operation` is the name errors and traces use; `method` and `path` are the document's, as the
//! drift report names operations; `location` uses the drift report's grammar (`.` between
//! properties, `[]` for array items, `*` for `additionalProperties`, empty for the body itself).

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use serde::Serialize;
use serde_json::Value;

mod walk;

use walk::{Place, Walk, resolve};

/// The most events one response produces; the rest of its findings are dropped.
pub const MAX_EVENTS_PER_RESPONSE: usize = 64;

/// The user's callback.
type Callback = Arc<dyn Fn(&DriftEvent) + Send + Sync>;

/// How a client observes its responses: which share is checked and who hears about drift.
///
/// Events always go to `tracing`; [`callback`](Self::callback) adds a function of yours.
#[derive(Clone)]
#[must_use]
pub struct ObserveConfig {
    rate: f64,
    callback: Option<Callback>,
}

impl ObserveConfig {
    /// Checks this share of successful responses, `0.0..=1.0` (`0.01`: one in a hundred, drawn at
    /// random per response; `1.0`: every one). Out-of-range values are clamped, NaN is `0.0`.
    pub fn sampled(rate: f64) -> Self {
        let rate = if rate.is_nan() { 0.0 } else { rate.clamp(0.0, 1.0) };
        Self { rate, callback: None }
    }

    /// Also calls `callback` with every event (after the `tracing` event). It runs on the task
    /// that received the response, before the response is decoded: keep it short.
    pub fn callback(mut self, callback: impl Fn(&DriftEvent) + Send + Sync + 'static) -> Self {
        self.callback = Some(Arc::new(callback));
        self
    }

    /// The share of responses checked.
    pub fn rate(&self) -> f64 {
        self.rate
    }
}

impl fmt::Debug for ObserveConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ObserveConfig")
            .field("rate", &self.rate)
            .field("callback", &self.callback.as_ref().map(|_| "<fn>"))
            .finish()
    }
}

/// What kind of drift an event reports; serialized as its rule id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[non_exhaustive]
pub enum DriftRule {
    /// `response-property-added`: a property the schema does not declare.
    #[serde(rename = "response-property-added")]
    PropertyAdded,
    /// `response-property-enum-value-added`: a value the schema's enumeration does not list.
    #[serde(rename = "response-property-enum-value-added")]
    EnumValueAdded,
    /// `response-schema-violation`: a wrong type, a missing required property, a differing `const`.
    #[serde(rename = "response-schema-violation")]
    SchemaViolation,
}

impl DriftRule {
    /// The rule id, as the drift report names it.
    pub fn id(self) -> &'static str {
        match self {
            Self::PropertyAdded => "response-property-added",
            Self::EnumValueAdded => "response-property-enum-value-added",
            Self::SchemaViolation => "response-schema-violation",
        }
    }

    /// Whether the rule reports an addition (`INFO`: a typed client keeps working) rather than a
    /// violation (`WARN`: decoding may fail).
    pub fn is_addition(self) -> bool {
        !matches!(self, Self::SchemaViolation)
    }
}

impl fmt::Display for DriftRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// One difference between a response and the document; see the [module docs](self) for the JSON
/// line it serializes to. It never holds a value of the response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct DriftEvent {
    /// The API (vendor) the client talks to, in lower case.
    pub api: &'static str,
    /// The operation, as errors and traces name it.
    pub operation: &'static str,
    /// The operation's method in the document, upper case.
    pub method: String,
    /// The operation's path in the document.
    pub path: String,
    /// The response's HTTP status.
    pub status: u16,
    /// What was found.
    pub rule: DriftRule,
    /// The JSON pointer (RFC 6901) of the first value in the body where it was found; for a
    /// missing property, where it should have been.
    pub pointer: String,
    /// Where in the schema, in the drift report's grammar (`records[].skill_clusters[].trend`).
    pub location: String,
    /// What is wrong, in words; names types and properties, never values.
    pub message: String,
}

/// One operation of the document: its method, path and responses.
#[derive(Debug)]
struct Operation {
    method: String,
    path: String,
    /// The JSON pointer of its `responses` object.
    responses: String,
}

/// A client's observer: its configuration, its document parsed once, and the document's
/// operations by name.
pub(crate) struct Observer {
    config: ObserveConfig,
    api: &'static str,
    document: Value,
    operations: HashMap<String, Operation>,
}

impl fmt::Debug for Observer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Observer")
            .field("config", &self.config)
            .field("api", &self.api)
            .finish_non_exhaustive()
    }
}

/// `GetHrisThings` as `get_hris_things`: how operation ids read as the crate's operation names.
fn snake_case(id: &str) -> String {
    let mut out = String::with_capacity(id.len() + 4);
    let mut previous: Option<char> = None;
    for c in id.chars() {
        if c.is_ascii_uppercase() {
            if previous.is_some_and(|p| p.is_ascii_lowercase() || p.is_ascii_digit()) {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else if c == '-' || c == ' ' {
            out.push('_');
        } else {
            out.push(c);
        }
        previous = Some(c);
    }
    out
}

/// A JSON pointer token (RFC 6901: `~` as `~0`, `/` as `~1`).
fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

impl Observer {
    /// The observer of a client of `api` built from `document` (the prepared OpenAPI document as
    /// JSON); `None` when the document is not JSON (it always is: the crate embeds it).
    pub(crate) fn new(config: ObserveConfig, api: &'static str, document: &str) -> Option<Self> {
        let document: Value = serde_json::from_str(document).ok()?;
        let mut operations = HashMap::new();
        if let Some(paths) = document.get("paths").and_then(Value::as_object) {
            for (path, item) in paths {
                let Some(item) = item.as_object() else { continue };
                for (method, operation) in item {
                    let Some(id) = operation.get("operationId").and_then(Value::as_str) else {
                        continue;
                    };
                    operations.insert(
                        snake_case(id),
                        Operation {
                            method: method.to_ascii_uppercase(),
                            path: path.clone(),
                            responses: format!("/paths/{}/{}/responses", escape(path), escape(method)),
                        },
                    );
                }
            }
        }
        Some(Self {
            config,
            api,
            document,
            operations,
        })
    }

    /// Whether the document describes `operation` (a name as errors and traces use it).
    #[cfg(test)]
    pub(crate) fn knows(&self, operation: &str) -> bool {
        self.operations.contains_key(operation)
    }

    /// Checks the body of a successful response of `operation` when the sample picks it, and
    /// reports what differs from the document. Never fails: a body that is not JSON, or an
    /// operation, status or media type the document does not describe, is not checked.
    pub(crate) fn response(&self, operation: &'static str, status: u16, body: &[u8]) {
        let rate = self.config.rate;
        // `fastrand::f64()` is below 1.0: a rate of 1.0 checks every response.
        if rate <= 0.0 || fastrand::f64() >= rate {
            return;
        }
        for event in self.check(operation, status, body) {
            emit(&event);
            if let Some(callback) = &self.config.callback {
                callback(&event);
            }
        }
    }

    /// What differs between `body` and the document's response of `operation` for `status`.
    fn check(&self, operation: &'static str, status: u16, body: &[u8]) -> Vec<DriftEvent> {
        let Some(op) = self.operations.get(operation) else {
            return Vec::new();
        };
        let Some(schema) = self.response_schema(op, status) else {
            return Vec::new();
        };
        let Ok(value) = serde_json::from_slice::<Value>(body) else {
            return Vec::new();
        };
        let mut walk = Walk::new(&self.document);
        walk.value(schema, &value, &mut Place::default(), 0);
        walk.findings
            .into_iter()
            .map(|finding| DriftEvent {
                api: self.api,
                operation,
                method: op.method.clone(),
                path: op.path.clone(),
                status,
                rule: finding.rule,
                pointer: finding.pointer,
                location: finding.location,
                message: finding.message,
            })
            .collect()
    }

    /// The JSON schema of `op`'s response for `status`: the exact code, else `2XX`, else `default`.
    fn response_schema(&self, op: &Operation, status: u16) -> Option<&Value> {
        let responses = self.document.pointer(&op.responses)?.as_object()?;
        let exact = status.to_string();
        let range = format!("{}XX", status / 100);
        let response = responses
            .get(&exact)
            .or_else(|| responses.get(&range))
            .or_else(|| responses.get(&range.to_ascii_lowercase()))
            .or_else(|| responses.get("default"))?;
        let response = resolve(&self.document, response, 0)?;
        let content = response.get("content")?.as_object()?;
        let media = content
            .get("application/json")
            .or_else(|| content.iter().find(|(name, _)| name.contains("json")).map(|(_, m)| m))?;
        media.get("schema")
    }
}

/// The `tracing` event of a finding: INFO for additions, WARN for violations.
fn emit(event: &DriftEvent) {
    macro_rules! event {
        ($level:ident) => {
            tracing::$level!(
                target: "skillbridge::observe",
                api = event.api,
                operation = event.operation,
                status = event.status,
                rule = event.rule.id(),
                pointer = %event.pointer,
                location = %event.location,
                "response drift: {}",
                event.message
            )
        };
    }
    if event.rule.is_addition() {
        event!(info);
    } else {
        event!(warn);
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use proptest::prelude::*;
    use serde_json::json;

    use super::*;

    /// A document with one operation whose response uses `$ref`, `allOf`, `oneOf`, open and closed
    /// enums, nullable and required properties, a map, and a schema that refers to itself.
    const DOCUMENT: &str = r##"{
      "openapi": "3.1.0",
      "paths": {"/things/{id}": {"post": {"operationId": "ExportThings", "responses": {
        "200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Page"}}}},
        "default": {"$ref": "#/components/responses/Error"}}}}},
      "components": {
        "responses": {"Error": {"content": {"application/json": {"schema": {"type": "array"}}}}},
        "schemas": {
          "Page": {"type": "object", "required": ["items", "more"], "properties": {
            "more": {"type": "boolean"},
            "next": {"type": ["string", "null"]},
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/Thing"}},
            "labels": {"type": "object", "additionalProperties": {"type": "string"}}}},
          "Thing": {"allOf": [{"$ref": "#/components/schemas/Named"}, {"type": "object", "properties": {
            "state": {"type": "string", "x-extensible-enum": ["on", "off"]},
            "kind": {"type": "string", "enum": ["a", "b"]},
            "level": {"type": "integer", "nullable": true},
            "shape": {"oneOf": [{"$ref": "#/components/schemas/Circle"}, {"$ref": "#/components/schemas/Square"}]},
            "child": {"$ref": "#/components/schemas/Thing"}}}]},
          "Named": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}},
          "Circle": {"type": "object", "required": ["r"], "properties": {"r": {"type": "number"}}},
          "Square": {"type": "object", "required": ["side"], "properties": {"side": {"type": "number"}}},
          "Loop": {"$ref": "#/components/schemas/Loop"}
        }}}"##;

    fn observer(rate: f64) -> (Observer, Arc<Mutex<Vec<DriftEvent>>>) {
        let events = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&events);
        let config = ObserveConfig::sampled(rate).callback(move |event| {
            sink.lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .push(event.clone());
        });
        (
            Observer::new(config, "example", DOCUMENT).expect("the document parses"),
            events,
        )
    }

    /// The findings for `body`, sorted.
    fn check(body: &Value) -> Vec<(DriftRule, String, String)> {
        let (observer, _) = observer(1.0);
        let bytes = serde_json::to_vec(body).expect("serializes");
        let mut found: Vec<_> = observer
            .check("export_things", 200, &bytes)
            .into_iter()
            .map(|e| (e.rule, e.pointer, e.location))
            .collect();
        found.sort();
        found
    }

    fn finding(rule: DriftRule, pointer: &str, location: &str) -> (DriftRule, String, String) {
        (rule, pointer.to_owned(), location.to_owned())
    }

    #[test]
    fn a_body_that_matches_reports_nothing() {
        let body = json!({"more": false, "next": null, "labels": {"any": "x"}, "items": [
            {"name": "a", "state": "on", "kind": "b", "level": null, "shape": {"side": 2},
             "child": {"name": "b", "shape": {"r": 1.5}}}]});
        assert_eq!(check(&body), []);
    }

    #[test]
    fn added_properties_and_enum_values_are_found_with_their_pointers() {
        let body = json!({"more": false, "extra": 1, "items": [
            {"name": "a", "state": "on"},
            {"name": "b", "state": "standby", "kind": "c", "color": "red", "child": {"name": "c", "depth": 2}},
            {"name": "c", "color": "blue"}]});
        assert_eq!(
            check(&body),
            [
                finding(DriftRule::PropertyAdded, "/extra", "extra"),
                finding(DriftRule::PropertyAdded, "/items/1/child/depth", "items[].child.depth"),
                finding(DriftRule::PropertyAdded, "/items/1/color", "items[].color"),
                finding(DriftRule::EnumValueAdded, "/items/1/kind", "items[].kind"),
                finding(DriftRule::EnumValueAdded, "/items/1/state", "items[].state"),
            ]
        );
    }

    #[test]
    fn violations_are_found() {
        let body = json!({"more": "yes", "labels": {"k": 3}, "items": [
            {"state": 4, "level": 1.5, "shape": {"edge": 1}}, "not an object"]});
        assert_eq!(
            check(&body),
            [
                // No alternative declares it (nor fits).
                finding(DriftRule::PropertyAdded, "/items/0/shape/edge", "items[].shape.edge"),
                finding(DriftRule::SchemaViolation, "/items/0/level", "items[].level"),
                finding(DriftRule::SchemaViolation, "/items/0/name", "items[].name"),
                finding(DriftRule::SchemaViolation, "/items/0/shape", "items[].shape"),
                finding(DriftRule::SchemaViolation, "/items/0/state", "items[].state"),
                finding(DriftRule::SchemaViolation, "/items/1", "items[]"),
                finding(DriftRule::SchemaViolation, "/labels/k", "labels.*"),
                finding(DriftRule::SchemaViolation, "/more", "more"),
            ]
        );
    }

    #[test]
    fn events_carry_names_and_types_never_values() {
        let secret = "sk_live_51HxSECRETvalue0123456789";
        let (observer, events) = observer(1.0);
        let body = json!({"more": false, "api_token": secret, "items": [
            {"name": "a", "state": secret, "kind": secret, "level": secret}]});
        observer.response("export_things", 200, body.to_string().as_bytes());
        let events = events.lock().expect("not poisoned").clone();
        assert_eq!(events.len(), 4, "{events:?}");
        assert_eq!(events[0].rule, DriftRule::PropertyAdded);
        assert_eq!(events[0].pointer, "/api_token");
        for event in &events {
            let line = serde_json::to_string(event).expect("serializes");
            assert!(!line.contains(secret) && !line.contains("sk_live"), "{line}");
            assert!(!format!("{event:?}").contains(secret));
        }
        let line = serde_json::to_value(&events[0]).expect("serializes");
        assert_eq!(
            line,
            json!({"api": "example", "operation": "export_things", "method": "POST", "path": "/things/{id}",
                   "status": 200, "rule": "response-property-added", "pointer": "/api_token",
                   "location": "api_token", "message": "a property the schema does not declare"})
        );
    }

    #[test]
    fn sampling_unknown_operations_statuses_and_bodies_are_skipped() {
        let drifted = json!({"more": false, "items": [], "extra": true}).to_string();
        let (never, events) = observer(0.0);
        never.response("export_things", 200, drifted.as_bytes());
        assert!(events.lock().expect("not poisoned").is_empty());
        let (always, events) = observer(1.0);
        always.response("custom_request", 200, drifted.as_bytes());
        always.response("export_things", 200, b"<html>");
        always.response("export_things", 204, b"");
        assert!(events.lock().expect("not poisoned").is_empty());
        // `default` answers any status; its schema here is an array.
        always.response("export_things", 201, drifted.as_bytes());
        assert_eq!(events.lock().expect("not poisoned").len(), 1);
        assert!(always.knows("export_things"));
        // About one in ten at 10 %.
        let (sampled, events) = observer(0.1);
        for _ in 0..2000 {
            sampled.response("export_things", 200, drifted.as_bytes());
        }
        let seen = events.lock().expect("not poisoned").len();
        assert!((100..320).contains(&seen), "{seen} of 2000 sampled at 10 %");
        assert_eq!(ObserveConfig::sampled(f64::NAN).rate(), 0.0);
        assert_eq!(ObserveConfig::sampled(7.0).rate(), 1.0);
    }

    #[test]
    fn a_schema_that_refers_to_itself_ends() {
        let document: Value = serde_json::from_str(DOCUMENT).expect("parses");
        let mut walk = Walk::new(&document);
        let schema = json!({"$ref": "#/components/schemas/Loop"});
        walk.value(&schema, &json!({"a": [1, {"b": null}]}), &mut Place::default(), 0);
        let mut place = Place::default();
        let mark = place.property("a/b~c");
        place.item(3);
        assert_eq!(
            (place.pointer.as_str(), place.location.as_str()),
            ("/a~1b~0c/3", "a/b~c[]")
        );
        place.back(mark);
        assert_eq!((place.pointer.as_str(), place.location.as_str()), ("", ""));
        assert!(walk.findings.is_empty());
        assert_eq!(
            snake_case("GetHrisStaffingEntitySkills"),
            "get_hris_staffing_entity_skills"
        );
    }

    #[test]
    fn rules_have_their_ids_levels_and_texts() {
        let rules = [
            (DriftRule::PropertyAdded, "response-property-added", true),
            (DriftRule::EnumValueAdded, "response-property-enum-value-added", true),
            (DriftRule::SchemaViolation, "response-schema-violation", false),
        ];
        for (rule, id, addition) in rules {
            assert_eq!(
                (rule.id(), rule.to_string().as_str(), rule.is_addition()),
                (id, id, addition)
            );
        }
        assert_eq!(snake_case("GetV2SkillClusters"), "get_v2_skill_clusters");
        assert_eq!(snake_case("post-hris Skills"), "post_hris_skills");
        let config = ObserveConfig::sampled(0.25).callback(|_| {});
        assert_eq!(
            format!("{config:?}"),
            r#"ObserveConfig { rate: 0.25, callback: Some("<fn>") }"#
        );
        let (watching, _) = observer(0.5);
        let shown = format!("{watching:?}");
        assert!(
            shown.starts_with("Observer { config: ObserveConfig { rate: 0.5"),
            "{shown}"
        );
    }

    #[test]
    fn findings_per_response_are_bounded() {
        let mut body = serde_json::Map::new();
        for i in 0..500 {
            body.insert(format!("extra{i}"), json!(i));
        }
        let found = check(&Value::Object(body));
        assert_eq!(found.len(), MAX_EVENTS_PER_RESPONSE);
    }

    fn json_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(|n| json!(n)),
            any::<f64>().prop_map(|n| json!(n)),
            "(on|off|a|b|[a-z]{0,6})".prop_map(Value::String),
        ];
        leaf.prop_recursive(6, 64, 6, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                proptest::collection::btree_map(
                    "(more|next|items|labels|name|state|kind|level|shape|child|r|side|[a-z~/]{1,4})",
                    inner,
                    0..6
                )
                .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        /// Any JSON body, and any bytes: no panic, bounded findings, pointers that resolve.
        #[test]
        fn any_body_is_checked_without_panicking(body in json_value(), bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            let (observer, _) = observer(1.0);
            let text = serde_json::to_vec(&body).expect("serializes");
            let events = observer.check("export_things", 200, &text);
            prop_assert!(events.len() <= MAX_EVENTS_PER_RESPONSE);
            for event in events {
                if event.rule != DriftRule::SchemaViolation || event.message != "a required property is missing" {
                    prop_assert!(body.pointer(&event.pointer).is_some(), "{:?}", event);
                }
            }
            observer.check("export_things", 200, &bytes);
        }
    }
}
