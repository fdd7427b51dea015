//! Validation of requests and responses against the specs (JSON Schema 2020-12, which is what
//! OpenAPI 3.1 schemas are).
//!
//! The schemas come from exactly the documents the clients were generated from (each vendor
//! registers its prepared document, which `cargo xtask codegen` writes after merging the vendor's
//! documents and applying its overlay), at the pointers each [`Route`] carries. The mock has no
//! spec pipeline of its own.

use std::collections::HashMap;

use jsonschema::Validator;
use serde_json::Value;

use crate::log::Ring;
use crate::route::{Route, VendorApi};

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

/// The request and response schemas of every route, compiled from the vendors' prepared
/// documents.
///
/// [`ContractSchemas::builtin`] holds the ones the mock checks traffic with; build others from a
/// changed document with [`ContractSchemas::from_documents`] (to see what a spec change would do).
pub struct ContractSchemas {
    routes: HashMap<Route, RouteSchemas>,
}

/// One route's compiled schemas; `None`: not checked.
#[derive(Default)]
struct RouteSchemas {
    request: Option<Validator>,
    success: Option<Validator>,
    error: Option<Validator>,
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

fn compile_schema(name: &str, doc: &Value, pointer: &str) -> Result<Validator, String> {
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

impl ContractSchemas {
    /// The schemas of each vendor's routes, read from the document given beside it (JSON), or a
    /// message naming the vendor and the pointer that is missing or not a valid schema.
    pub(crate) fn compile(vendors: &[(VendorApi, &str)]) -> Result<Self, String> {
        let mut routes = HashMap::new();
        for (api, document) in vendors {
            let doc = parse(api.name, document)?;
            for route in api.routes {
                let name = format!("{} {}", api.name, route.method());
                let schema = |pointer: Option<&str>| pointer.map(|p| compile_schema(&name, &doc, p)).transpose();
                let pointers = route.spec().schemas;
                let compiled = RouteSchemas {
                    request: schema(pointers.request)?,
                    success: schema(pointers.success)?,
                    error: schema(pointers.error)?,
                };
                routes.insert(*route, compiled);
            }
        }
        Ok(Self { routes })
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
        self.routes.get(&route)?.request.as_ref()
    }

    fn response_validator(&self, route: Route, status: u16) -> Option<&Validator> {
        let schemas = self.routes.get(&route)?;
        if (200..300).contains(&status) {
            schemas.success.as_ref()
        } else {
            schemas.error.as_ref()
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

/// Checks traffic against its schemas (none: checks off) and records violations; bounded so long
/// runs cannot grow memory.
#[derive(Debug)]
pub(crate) struct Contract {
    schemas: Option<&'static ContractSchemas>,
    violations: Ring<ContractViolation>,
}

const MAX_VIOLATIONS: usize = 1000;

impl Contract {
    pub(crate) fn new(schemas: Option<&'static ContractSchemas>) -> Self {
        Self {
            schemas,
            violations: Ring::new(MAX_VIOLATIONS),
        }
    }

    /// Whether traffic is checked.
    pub(crate) fn enabled(&self) -> bool {
        self.schemas.is_some()
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

    /// Checks a request body; `Err` carries the messages (already recorded).
    pub(crate) fn check_request(&self, route: Route, body: &Value) -> Result<(), Vec<String>> {
        let Some(v) = self.schemas.and_then(|s| s.request_validator(route)) else {
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
        let Some(v) = self.schemas.and_then(|s| s.response_validator(route, status)) else {
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
    use crate::route::testing::{FIRST, SECOND};
    use serde_json::json;

    /// A document for [`FIRST`]'s request schema: a `$ref` to a schema with a formatted field.
    const DOCUMENT: &str = r##"{"paths":{"/things":{"post":{"requestBody":{"content":{"application/json":
        {"schema":{"$ref":"#/components/schemas/Thing"}}}}}}},
        "components":{"schemas":{"Thing":{"type":"object","required":["at"],
        "properties":{"at":{"type":"string","format":"date-time"},"level":{"type":"integer","maximum":5}}}}}}"##;

    /// Schemas nested up to 64 levels (objects, arrays and references alike) are inlined; one
    /// more is taken for a cycle.
    #[test]
    fn nesting_is_bounded_at_64_levels() {
        let nested = |levels: usize| (0..levels).fold(json!(1), |inner, _| json!({ "a": inner }));
        let doc = json!({});
        assert_eq!(inline_refs(&doc, &nested(64), 0), Ok(nested(64)));
        assert!(inline_refs(&doc, &nested(65), 0).is_err_and(|e| e.contains("deeper than 64")));
        let in_arrays = |levels: usize| (0..levels).fold(json!(1), |inner, _| json!([inner]));
        assert_eq!(inline_refs(&doc, &in_arrays(64), 0), Ok(in_arrays(64)));
        assert!(inline_refs(&doc, &in_arrays(65), 0).is_err());
        let cycle = json!({"components": {"schemas": {"Loop": {"$ref": "#/components/schemas/Loop"}}}});
        assert!(inline_refs(&cycle, &cycle["components"]["schemas"]["Loop"], 0).is_err());
    }

    fn api(routes: &'static [Route]) -> VendorApi {
        VendorApi {
            name: "acme",
            document: DOCUMENT,
            routes,
        }
    }

    #[test]
    fn a_routes_schemas_check_its_traffic() {
        let schemas = ContractSchemas::compile(&[(api(&[FIRST, SECOND]), DOCUMENT)]).expect("compiles");
        assert!(
            schemas
                .request_errors(FIRST, &json!({"at": "2024-03-01T10:00:00Z", "level": 5}))
                .is_empty()
        );
        let errors = schemas.request_errors(FIRST, &json!({"level": 6}));
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(errors.iter().any(|e| e.starts_with("/level: ")), "{errors:?}");
        assert!(
            !schemas.request_errors(FIRST, &json!({"at": "yesterday"})).is_empty(),
            "formats are checked"
        );
        assert!(
            schemas.response_errors(FIRST, 200, &json!("anything")).is_empty(),
            "no response schema"
        );
    }

    #[test]
    fn the_contract_records_what_fails_and_nothing_when_off() {
        let schemas = ContractSchemas::compile(&[(api(&[FIRST]), DOCUMENT)]).expect("compiles");
        let contract = Contract::new(Some(Box::leak(Box::new(schemas))));
        assert!(contract.check_request(FIRST, &json!({"at": 1})).is_err());
        assert!(
            contract.check_request(SECOND, &json!({"at": 1})).is_ok(),
            "not registered: not checked"
        );
        let violations = contract.violations();
        assert_eq!(violations.len(), 1);
        assert_eq!(
            (violations[0].route, violations[0].direction, violations[0].status),
            (FIRST, Direction::Request, 400)
        );
        let off = Contract::new(None);
        assert!(!off.enabled() && off.check_request(FIRST, &json!({"at": 1})).is_ok());
    }

    #[test]
    fn unusable_documents_are_errors_naming_the_vendor_and_pointer() {
        let err = ContractSchemas::compile(&[(api(&[FIRST]), "{")]).expect_err("not JSON");
        assert!(err.starts_with("acme: "), "{err}");
        let err = ContractSchemas::compile(&[(api(&[FIRST]), "{}")]).expect_err("no paths");
        assert!(err.starts_with("acme POST: nothing at /paths/~1things/post"), "{err}");
        let cycle = r##"{"paths":{"/things":{"post":{"requestBody":{"content":{"application/json":
            {"schema":{"$ref":"#/paths/~1things/post/requestBody/content/application~1json/schema"}}}}}}}}"##;
        let err = ContractSchemas::compile(&[(api(&[FIRST]), cycle)]).expect_err("a cycle");
        assert!(err.contains("a cycle?"), "{err}");
    }
}
