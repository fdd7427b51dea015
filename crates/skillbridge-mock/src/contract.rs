//! Validation of requests and responses against the specs (JSON Schema 2020-12, which is what
//! OpenAPI 3.1 schemas are).
//!
//! The schemas come from exactly the documents the clients were generated from:
//! [`skillbridge_openapi::documents`], which `cargo xtask codegen` writes after merging each
//! vendor's documents and applying the overlay. The mock has no spec pipeline of its own.

use std::sync::OnceLock;

use jsonschema::Validator;
use serde_json::Value;

use crate::faults::Route;
use crate::log::Ring;

/// Which side of an exchange broke the contract.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Direction {
    /// A request body the client sent did not match the spec's request schema (the client's
    /// fault; the mock answered 400).
    Request,
    /// A response the mock produced did not match the spec's response schema (the mock's fault).
    Response,
}

/// One schema failure.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ContractViolation {
    /// The route it happened on.
    pub route: Route,
    /// Request or response.
    pub direction: Direction,
    /// The HTTP status of the response (for requests: the status the mock answered with).
    pub status: u16,
    /// The validator's messages, each with the JSON pointer of the failing value.
    pub errors: Vec<String>,
}

/// The request and response schemas of every route, compiled from two prepared documents.
///
/// [`ContractSchemas::builtin`] holds the ones the mock checks traffic with; build others from a
/// changed document with [`ContractSchemas::from_documents`] (to see what a spec change would do).
pub struct ContractSchemas {
    kombo_list_ok: Validator,
    kombo_upsert_ok: Validator,
    kombo_upsert_request: Validator,
    kombo_error: Validator,
    techwolf_export_ok: Validator,
    techwolf_export_request: Validator,
    techwolf_error: Validator,
}

impl std::fmt::Debug for ContractSchemas {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ContractSchemas").finish_non_exhaustive()
    }
}

/// Replaces every local `$ref` with the value it points to, so each schema stands alone.
/// The specs have no recursive schemas; the depth bound turns a cycle into an error.
fn inline_refs(doc: &Value, value: &Value, depth: usize) -> Result<Value, String> {
    if depth > 64 {
        return Err("`$ref` nesting deeper than 64 (a cycle?)".to_owned());
    }
    match value {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get("$ref") {
                let pointer = r.strip_prefix('#').ok_or_else(|| format!("non-local $ref {r}"))?;
                let target = doc.pointer(pointer).ok_or_else(|| format!("dangling $ref {r}"))?;
                return inline_refs(doc, target, depth + 1);
            }
            let mut out = serde_json::Map::with_capacity(map.len());
            for (k, v) in map {
                out.insert(k.clone(), inline_refs(doc, v, depth + 1)?);
            }
            Ok(Value::Object(out))
        }
        Value::Array(items) => items
            .iter()
            .map(|v| inline_refs(doc, v, depth + 1))
            .collect::<Result<_, _>>()
            .map(Value::Array),
        other => Ok(other.clone()),
    }
}

fn compile(name: &str, doc: &Value, pointer: &str) -> Result<Validator, String> {
    let schema = doc
        .pointer(pointer)
        .ok_or_else(|| format!("{name}: nothing at {pointer}"))?;
    let schema = inline_refs(doc, schema, 0).map_err(|e| format!("{name} {pointer}: {e}"))?;
    jsonschema::draft202012::options()
        .should_validate_formats(true)
        .build(&schema)
        .map_err(|e| format!("{name} {pointer}: {e}"))
}

fn parse(name: &str, json: &str) -> Result<Value, String> {
    serde_json::from_str(json).map_err(|e| format!("{name}: {e}"))
}

const PATH_PREFIX: &str = "/paths/~1hris~1staffing-entity-skills";

impl ContractSchemas {
    /// Schemas from two prepared documents (JSON, as in [`skillbridge_openapi::documents`]), or a
    /// message naming the document and pointer that is missing or not a valid schema.
    pub fn from_documents(kombo: &str, techwolf: &str) -> Result<Self, String> {
        let kombo = parse("kombo", kombo)?;
        let techwolf = parse("techwolf", techwolf)?;
        let (kombo_get, kombo_post) = (&kombo, &kombo);
        let techwolf = &techwolf;
        let json = "content/application~1json/schema";
        Ok(Self {
            kombo_list_ok: compile(
                "kombo GET",
                kombo_get,
                &format!("{PATH_PREFIX}/get/responses/200/{json}"),
            )?,
            kombo_error: compile(
                "kombo GET",
                kombo_get,
                &format!("/components/responses/ErrorResponseHRIS/{json}"),
            )?,
            kombo_upsert_ok: compile(
                "kombo POST",
                kombo_post,
                &format!("{PATH_PREFIX}/post/responses/200/{json}"),
            )?,
            kombo_upsert_request: compile(
                "kombo POST",
                kombo_post,
                &format!("{PATH_PREFIX}/post/requestBody/{json}"),
            )?,
            techwolf_export_ok: compile(
                "techwolf",
                techwolf,
                &format!("/paths/~1export~1employees~1skill_clusters/post/responses/200/{json}"),
            )?,
            techwolf_export_request: compile(
                "techwolf",
                techwolf,
                &format!("/paths/~1export~1employees~1skill_clusters/post/requestBody/{json}"),
            )?,
            techwolf_error: compile("techwolf", techwolf, &format!("/components/responses/Error/{json}"))?,
        })
    }

    /// The schemas of the documents the clients were generated from, compiled once per process
    /// (parsing and building validators takes milliseconds).
    pub fn builtin() -> Result<&'static ContractSchemas, &'static str> {
        static SCHEMAS: OnceLock<Result<ContractSchemas, String>> = OnceLock::new();
        SCHEMAS
            .get_or_init(|| {
                ContractSchemas::from_documents(
                    skillbridge_openapi::documents::KOMBO,
                    skillbridge_openapi::documents::TECHWOLF,
                )
            })
            .as_ref()
            .map_err(String::as_str)
    }

    /// What is wrong with a request body on `route` (empty: valid, or a route without a body).
    pub fn request_errors(&self, route: Route, body: &Value) -> Vec<String> {
        self.request_validator(route)
            .map(|v| errors(v, body))
            .unwrap_or_default()
    }

    /// What is wrong with a response body on `route` with `status` (empty: valid, or a response
    /// the specs do not describe, such as the token endpoint's).
    pub fn response_errors(&self, route: Route, status: u16, body: &Value) -> Vec<String> {
        self.response_validator(route, status)
            .map(|v| errors(v, body))
            .unwrap_or_default()
    }

    fn request_validator(&self, route: Route) -> Option<&Validator> {
        match route {
            Route::KomboUpsert => Some(&self.kombo_upsert_request),
            Route::TechwolfExport => Some(&self.techwolf_export_request),
            Route::KomboList | Route::TechwolfToken => None,
        }
    }

    fn response_validator(&self, route: Route, status: u16) -> Option<&Validator> {
        let ok = (200..300).contains(&status);
        match (route, ok) {
            (Route::KomboList, true) => Some(&self.kombo_list_ok),
            (Route::KomboUpsert, true) => Some(&self.kombo_upsert_ok),
            (Route::KomboList | Route::KomboUpsert, false) => Some(&self.kombo_error),
            (Route::TechwolfExport, true) => Some(&self.techwolf_export_ok),
            (Route::TechwolfExport, false) => Some(&self.techwolf_error),
            // Auth0's token endpoint is not part of either vendored spec.
            (Route::TechwolfToken, _) => None,
        }
    }
}

fn errors(validator: &Validator, value: &Value) -> Vec<String> {
    validator
        .iter_errors(value)
        .take(20)
        .map(|e| {
            let path = e.instance_path().to_string();
            if path.is_empty() {
                e.to_string()
            } else {
                format!("{path}: {e}")
            }
        })
        .collect()
}

/// Records violations; bounded so long runs cannot grow memory.
#[derive(Debug)]
pub(crate) struct Contract {
    pub(crate) enabled: bool,
    violations: Ring<ContractViolation>,
}

const MAX_VIOLATIONS: usize = 1000;

impl Contract {
    pub(crate) fn new(enabled: bool) -> Self {
        Self {
            enabled,
            violations: Ring::new(MAX_VIOLATIONS),
        }
    }

    fn record(&self, v: ContractViolation) {
        self.violations.push(v);
    }

    pub(crate) fn violations(&self) -> Vec<ContractViolation> {
        self.violations.snapshot()
    }

    pub(crate) fn clear(&self) {
        self.violations.clear();
    }

    fn schemas(&self, route: Route, status: u16) -> Option<&'static ContractSchemas> {
        match ContractSchemas::builtin() {
            Ok(s) => Some(s),
            Err(e) => {
                self.record(ContractViolation {
                    route,
                    direction: Direction::Response,
                    status,
                    errors: vec![format!("the specs could not be loaded: {e}")],
                });
                None
            }
        }
    }

    /// Checks a request body; `Err` carries the messages (already recorded).
    pub(crate) fn check_request(&self, route: Route, body: &Value) -> Result<(), Vec<String>> {
        if !self.enabled {
            return Ok(());
        }
        let Some(v) = self.schemas(route, 400).and_then(|s| s.request_validator(route)) else {
            return Ok(());
        };
        let errs = errors(v, body);
        if errs.is_empty() {
            return Ok(());
        }
        self.record(ContractViolation {
            route,
            direction: Direction::Request,
            status: 400,
            errors: errs.clone(),
        });
        Err(errs)
    }

    /// Checks a response body the mock is about to send.
    pub(crate) fn check_response(&self, route: Route, status: u16, body: &[u8]) {
        if !self.enabled {
            return;
        }
        let Some(v) = self
            .schemas(route, status)
            .and_then(|s| s.response_validator(route, status))
        else {
            return;
        };
        let errs = match serde_json::from_slice::<Value>(body) {
            Ok(value) => errors(v, &value),
            Err(e) => vec![format!("response body is not JSON: {e}")],
        };
        if !errs.is_empty() {
            self.record(ContractViolation {
                route,
                direction: Direction::Response,
                status,
                errors: errs,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn specs_compile_and_check_examples() {
        let s = ContractSchemas::builtin().expect("schemas load");
        let ok = json!({"status":"success","data":{"next":null,"results":[{"id":"C8gqYqWk6N3qjvJ8vh5o3VtH",
            "staffing_entity_id":"26vafvWSRmbhNcxJYqjCzuJg","skill_id":"28KMdr68N8kG9EzLwjsN9aoz",
            "expected_level":null,"changed_at":"2022-08-07T14:01:29.196Z","remote_deleted_at":null}]}});
        assert!(s.kombo_list_ok.is_valid(&ok));
        let bad = json!({"status":"success","data":{"next":null,"results":[{"id":"x","expected_level":9}]}});
        assert!(!s.kombo_list_ok.is_valid(&bad));
        assert!(
            !s.kombo_upsert_request
                .is_valid(&json!({"staffing_entity_id":"a","skill_id":"b","expected_level":0}))
        );
        assert!(
            s.kombo_upsert_request
                .is_valid(&json!({"staffing_entity_id":"a","skill_id":"b"}))
        );
        assert!(!s.techwolf_export_request.is_valid(&json!({"limit":101})));
        assert!(
            !s.techwolf_export_request
                .is_valid(&json!({"limit":5,"filters":[{"filter":"nope"}]}))
        );
        assert!(
            s.techwolf_export_request.is_valid(
                &json!({"limit":5,"filters":[{"filter":"last_updated","value":"2022-03-25","operator":"gt"}]})
            )
        );
        assert!(
            s.techwolf_error
                .is_valid(&json!([{"title":"400 Bad Request","description":"x"}]))
        );
        let changed_at_not_a_date = json!({"status":"success","data":{"id":"a","staffing_entity_id":"b","skill_id":"c",
            "expected_level":1,"changed_at":"yesterday","remote_deleted_at":null}});
        assert!(
            !s.kombo_upsert_ok.is_valid(&changed_at_not_a_date),
            "formats are checked"
        );
        // The overlay's patch: Kombo documents `code: null` (its own "Minimal Error Response").
        let minimal = json!({"status":"error","error":{"code":null,"title":null,"message":"m","log_url":null}});
        assert!(s.kombo_error.is_valid(&minimal));
        let unknown = json!({"status":"error","error":{"code":"NOT.A_CODE","title":null,"message":"m","log_url":null}});
        assert!(!s.kombo_error.is_valid(&unknown));
    }
}
