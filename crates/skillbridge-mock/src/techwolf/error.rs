//! TechWolf's error bodies: the API's error array and the token endpoint's OAuth 2.0 object.

use axum::http::StatusCode;
use axum::response::Response;

use crate::http::json_response;
use crate::route::Refusal;

/// TechWolf's error array, titled like `400 Bad Request`.
pub(super) fn techwolf_error(status: StatusCode, description: &str) -> Response {
    let title = format!("{} {}", status.as_u16(), status.canonical_reason().unwrap_or("Error"));
    json_response(
        status,
        &serde_json::json!([{ "title": title, "description": description }]),
    )
}

/// An OAuth 2.0 / Auth0 style error object.
pub(super) fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    json_response(
        status,
        &serde_json::json!({ "error": error, "error_description": description }),
    )
}

/// The server's own refusals on the token endpoint, as an OAuth error.
pub(super) fn oauth_refusal(status: StatusCode, why: Refusal<'_>) -> Response {
    let error = if status == StatusCode::TOO_MANY_REQUESTS {
        "too_many_requests"
    } else {
        "server_error"
    };
    oauth_error(status, error, why.message())
}

/// The server's own refusals on the API, in the error array. TechWolf has no error codes, so an
/// injected fault's code is not shown.
pub(super) fn api_refusal(status: StatusCode, why: Refusal<'_>) -> Response {
    techwolf_error(status, why.message())
}
