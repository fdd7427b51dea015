//! Kombo's routes as it registers them with the harness: where each is served, the schemas of
//! its document that check it (none for the skill catalog), the seed of its faults, and Kombo's
//! envelope for refusals.

use crate::route::{Route, RouteSpec, Schemas, VendorApi};

/// Where the Kombo API is mounted.
pub(super) const PREFIX: &str = "/kombo/v1";
/// The path the listing and the upsert share.
pub(super) const PATH: &str = "/kombo/v1/hris/staffing-entity-skills";
/// The skill catalog's path.
pub(super) const SKILLS_PATH: &str = "/kombo/v1/hris/skills";

const LIST: RouteSpec = RouteSpec {
    vendor: "kombo",
    name: "list",
    method: "GET",
    path: PATH,
    rate_limited: true,
    fault_seed: 11,
    schemas: Schemas {
        request: None,
        success: Some("/paths/~1hris~1staffing-entity-skills/get/responses/200/content/application~1json/schema"),
        error: Some(ERROR_SCHEMA),
    },
    refusal: super::error::refusal,
};

const UPSERT: RouteSpec = RouteSpec {
    vendor: "kombo",
    name: "upsert",
    method: "POST",
    path: PATH,
    rate_limited: true,
    fault_seed: 12,
    schemas: Schemas {
        request: Some("/paths/~1hris~1staffing-entity-skills/post/requestBody/content/application~1json/schema"),
        success: Some("/paths/~1hris~1staffing-entity-skills/post/responses/200/content/application~1json/schema"),
        error: Some(ERROR_SCHEMA),
    },
    refusal: super::error::refusal,
};

/// `GET /hris/skills` ("Get skills", closed beta), as documented in the Kombo Ruby SDK generated
/// from Kombo's OpenAPI spec (repository `acaloiaro/kombo-ruby-sdk`, `docs/UnifiedHRISAPIApi.md`
/// section `get_hris_skills`, and `docs/GetHrisSkillsPositiveResponseDataResultsInner.md`).
const SKILLS: RouteSpec = RouteSpec {
    vendor: "kombo",
    name: "skills",
    method: "GET",
    path: SKILLS_PATH,
    rate_limited: true,
    fault_seed: 15,
    // No contract checks: the vendored spec pages do not describe this endpoint, and a schema we
    // cannot trace to a published document is not vendored. A test checks the answer's shape
    // field by field against the documented one instead (`tests/kombo_skills.rs`).
    schemas: Schemas {
        request: None,
        success: None,
        error: None,
    },
    refusal: super::error::refusal,
};

/// Every Kombo error answer, whatever its status.
const ERROR_SCHEMA: &str = "/components/responses/ErrorResponseHRIS/content/application~1json/schema";

impl Route {
    /// Kombo `GET /hris/staffing-entity-skills`.
    pub const KOMBO_LIST: Route = Route::new(&LIST);
    /// Kombo `POST /hris/staffing-entity-skills`.
    pub const KOMBO_UPSERT: Route = Route::new(&UPSERT);
    /// Kombo `GET /hris/skills`, the skill catalog (not contract-checked: no vendored spec).
    pub const KOMBO_SKILLS: Route = Route::new(&SKILLS);
}

/// What Kombo registers: its prepared document and its routes.
pub(crate) const API: VendorApi = VendorApi {
    name: "kombo",
    document: skillbridge_openapi::documents::KOMBO,
    routes: &[Route::KOMBO_LIST, Route::KOMBO_UPSERT, Route::KOMBO_SKILLS],
};

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::contract::ContractSchemas;

    #[test]
    fn kombos_schemas_compile_and_check_its_examples() {
        let s = ContractSchemas::compile(&[(API, API.document)]).expect("schemas load");
        let list_ok = |v: &serde_json::Value| s.response_errors(Route::KOMBO_LIST, 200, v).is_empty();
        let upsert_request_ok = |v: &serde_json::Value| s.request_errors(Route::KOMBO_UPSERT, v).is_empty();
        let error_ok = |v: &serde_json::Value| s.response_errors(Route::KOMBO_LIST, 400, v).is_empty();
        let ok = json!({"status":"success","data":{"next":null,"results":[{"id":"C8gqYqWk6N3qjvJ8vh5o3VtH",
            "staffing_entity_id":"26vafvWSRmbhNcxJYqjCzuJg","skill_id":"28KMdr68N8kG9EzLwjsN9aoz",
            "expected_level":null,"changed_at":"2022-08-07T14:01:29.196Z","remote_deleted_at":null}]}});
        assert!(list_ok(&ok));
        let bad = json!({"status":"success","data":{"next":null,"results":[{"id":"x","expected_level":9}]}});
        assert!(!list_ok(&bad));
        assert!(!upsert_request_ok(
            &json!({"staffing_entity_id":"a","skill_id":"b","expected_level":0})
        ));
        assert!(upsert_request_ok(&json!({"staffing_entity_id":"a","skill_id":"b"})));
        let changed_at_not_a_date = json!({"status":"success","data":{"id":"a","staffing_entity_id":"b","skill_id":"c",
            "expected_level":1,"changed_at":"yesterday","remote_deleted_at":null}});
        assert!(
            !s.response_errors(Route::KOMBO_UPSERT, 200, &changed_at_not_a_date)
                .is_empty(),
            "formats are checked"
        );
        // The overlay's patch: Kombo documents `code: null` (its own "Minimal Error Response").
        let minimal = json!({"status":"error","error":{"code":null,"title":null,"message":"m","log_url":null}});
        assert!(error_ok(&minimal));
        let unknown = json!({"status":"error","error":{"code":"NOT.A_CODE","title":null,"message":"m","log_url":null}});
        assert!(!error_ok(&unknown));
        assert!(
            !s.response_errors(Route::KOMBO_UPSERT, 409, &unknown).is_empty(),
            "both routes share the error schema"
        );
        assert!(
            s.response_errors(Route::KOMBO_SKILLS, 200, &json!("anything"))
                .is_empty()
                && s.response_errors(Route::KOMBO_SKILLS, 400, &json!("anything"))
                    .is_empty(),
            "the skill catalog has no vendored schema, so it is not checked"
        );
    }
}
