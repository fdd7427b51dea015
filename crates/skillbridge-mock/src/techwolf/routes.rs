//! TechWolf's routes as it registers them with the harness: where each is served, the schemas of
//! its document that check it, the seed of its faults, and its error body for refusals (the
//! token endpoint answers as an OAuth server, the API with TechWolf's error array).

use crate::route::{Route, RouteSpec, Schemas, VendorApi};

/// Where the TechWolf API is mounted.
pub(super) const PREFIX: &str = "/techwolf";
/// The token endpoint (outside [`PREFIX`], as TechWolf's identity provider is).
pub(super) const TOKEN_PATH: &str = "/oauth/token";
pub(super) const EXPORT_PATH: &str = "/techwolf/export/employees/skill_clusters";

const TOKEN: RouteSpec = RouteSpec {
    vendor: "techwolf",
    name: "token",
    method: "POST",
    path: TOKEN_PATH,
    // An OAuth token request, not an API call.
    rate_limited: false,
    fault_seed: 13,
    // Auth0's token endpoint is not part of TechWolf's document.
    schemas: Schemas {
        request: None,
        success: None,
        error: None,
    },
    refusal: super::error::oauth_refusal,
};

const EXPORT: RouteSpec = RouteSpec {
    vendor: "techwolf",
    name: "export",
    method: "POST",
    path: EXPORT_PATH,
    rate_limited: true,
    fault_seed: 14,
    schemas: Schemas {
        request: Some("/paths/~1export~1employees~1skill_clusters/post/requestBody/content/application~1json/schema"),
        success: Some("/paths/~1export~1employees~1skill_clusters/post/responses/200/content/application~1json/schema"),
        error: Some("/components/responses/Error/content/application~1json/schema"),
    },
    refusal: super::error::api_refusal,
};

impl Route {
    /// TechWolf's OAuth2 client-credentials token endpoint, `POST /oauth/token`.
    pub const TECHWOLF_TOKEN: Route = Route::new(&TOKEN);
    /// TechWolf `POST /export/employees/skill_clusters`. Under
    /// [`Fault::SpecDrift`](crate::Fault::SpecDrift) every skill cluster carries an undeclared
    /// `trend` and the `validation_state` `auto_validated`, which the document does not list.
    pub const TECHWOLF_EXPORT: Route = Route::new(&EXPORT);
}

/// What TechWolf registers: its prepared document and its routes.
pub(crate) const API: VendorApi = VendorApi {
    name: "techwolf",
    document: skillbridge_openapi::documents::TECHWOLF,
    routes: &[Route::TECHWOLF_TOKEN, Route::TECHWOLF_EXPORT],
};

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::contract::ContractSchemas;

    #[test]
    fn techwolfs_schemas_compile_and_check_its_examples() {
        let s = ContractSchemas::compile(&[(API, API.document)]).expect("schemas load");
        let request_ok = |v: &serde_json::Value| s.request_errors(Route::TECHWOLF_EXPORT, v).is_empty();
        assert!(!request_ok(&json!({"limit":101})));
        assert!(!request_ok(&json!({"limit":5,"filters":[{"filter":"nope"}]})));
        assert!(request_ok(
            &json!({"limit":5,"filters":[{"filter":"last_updated","value":"2022-03-25","operator":"gt"}]})
        ));
        assert!(
            s.response_errors(
                Route::TECHWOLF_EXPORT,
                400,
                &json!([{"title":"400 Bad Request","description":"x"}])
            )
            .is_empty()
        );
        assert!(
            s.response_errors(Route::TECHWOLF_TOKEN, 200, &json!("not checked"))
                .is_empty(),
            "the token endpoint is not in the document"
        );
    }
}
