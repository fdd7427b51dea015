//! Vendor-neutral HTTP helpers the vendors' handlers and the server share: JSON responses, the
//! one content-type check, bearer tokens.

use axum::http::header::{AUTHORIZATION, CONTENT_TYPE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// `body` as JSON with `status`; a 500 in plain text if it cannot be serialised.
pub(crate) fn json_response<T: Serialize>(status: StatusCode, body: &T) -> Response {
    match serde_json::to_vec(body) {
        Ok(bytes) => (
            status,
            [(CONTENT_TYPE, HeaderValue::from_static("application/json"))],
            bytes,
        )
            .into_response(),
        Err(e) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("serialising the response failed: {e}"),
        )
            .into_response(),
    }
}

/// The media type of `Content-Type` without parameters, trimmed and lower-cased
/// (`Application/JSON; charset=utf-8` is `application/json`); `None` when absent or not text.
pub(crate) fn media_type(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(CONTENT_TYPE)?.to_str().ok()?;
    let essence = value.split(';').next().unwrap_or_default();
    Some(essence.trim().to_ascii_lowercase())
}

/// Whether `Content-Type` says JSON: the one check for request and response bodies alike.
pub(crate) fn is_json(headers: &HeaderMap) -> bool {
    media_type(headers).as_deref() == Some("application/json")
}

/// The token of `Authorization: Bearer <token>`, trimmed.
pub(crate) fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_type(v: &'static str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(CONTENT_TYPE, HeaderValue::from_static(v));
        h
    }

    #[test]
    fn json_media_type_ignores_case_and_parameters() {
        assert!(is_json(&with_type("application/json")));
        assert!(is_json(&with_type(" Application/JSON ; charset=utf-8")));
        assert!(!is_json(&with_type("text/html")));
        assert!(!is_json(&with_type("application/json-seq")));
        assert!(!is_json(&HeaderMap::new()));
    }
}
