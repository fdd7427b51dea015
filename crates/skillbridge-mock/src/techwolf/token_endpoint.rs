//! TechWolf's OAuth 2.0 client-credentials endpoint: reads a token request and answers with an access
//! token from the store (`token_store.rs`) or an OAuth error.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use serde::Serialize;
use serde_json::Value;

use super::error::oauth_error;
use super::state::TechwolfState;
use super::token_store::ALL_SCOPES;
use crate::http::{json_response, media_type};
use crate::route::Route;
use crate::server::Core;

#[derive(Serialize)]
struct TokenResponse {
    access_token: String,
    expires_in: u64,
    scope: String,
    token_type: &'static str,
}

/// Reads a token request sent as JSON (TechWolf's documented form) or as a form body (RFC 6749).
fn token_fields(headers: &HeaderMap, body: &[u8]) -> Result<HashMap<String, Value>, String> {
    let ctype = media_type(headers).unwrap_or_default();
    if ctype == "application/x-www-form-urlencoded" {
        let uri: axum::http::Uri = format!("/?{}", String::from_utf8_lossy(body))
            .parse()
            .map_err(|_| "The form body could not be parsed.".to_owned())?;
        let pairs = axum::extract::Query::<Vec<(String, String)>>::try_from_uri(&uri)
            .map_err(|e| format!("The form body could not be parsed: {e}"))?;
        return Ok(pairs.0.into_iter().map(|(k, v)| (k, Value::String(v))).collect());
    }
    if ctype != "application/json" {
        return Err("Send the token request as application/json.".to_owned());
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map.into_iter().collect()),
        Ok(_) => Err("The request body must be a JSON object.".to_owned()),
        Err(e) => Err(format!("The request body is not valid JSON: {e}")),
    }
}

/// `POST /oauth/token` (client credentials).
pub(super) async fn token(
    State(core): State<Arc<Core>>,
    State(state): State<Arc<TechwolfState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    core.delay(Route::TECHWOLF_TOKEN).await;
    let fields = match token_fields(&headers, &body) {
        Ok(f) => f,
        Err(m) => return oauth_error(StatusCode::BAD_REQUEST, "invalid_request", &m),
    };
    let text = |k: &str| fields.get(k).and_then(Value::as_str);
    match text("grant_type") {
        Some("client_credentials") => {}
        Some(other) => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                &format!("Unsupported grant type: {other}"),
            );
        }
        None => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "Missing required parameter: grant_type",
            );
        }
    }
    let creds = &state.creds;
    if text("client_id") != Some(creds.client_id.as_str())
        || text("client_secret") != Some(creds.client_secret.as_str())
    {
        if state.echo_client_secret {
            let sent = text("client_secret").unwrap_or_default();
            let description = format!("Unauthorized: client secret {sent} is not valid for this client");
            return oauth_error(StatusCode::UNAUTHORIZED, "access_denied", &description);
        }
        return oauth_error(StatusCode::UNAUTHORIZED, "access_denied", "Unauthorized");
    }
    match text("audience") {
        None => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "Missing required parameter: audience",
            );
        }
        Some(a) if a != creds.audience => {
            return oauth_error(
                StatusCode::FORBIDDEN,
                "access_denied",
                &format!("Service not found: {a}"),
            );
        }
        Some(_) => {}
    }
    match text("tenant") {
        None => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "Missing required parameter: tenant",
            );
        }
        Some(t) if t != creds.tenant => {
            return oauth_error(StatusCode::FORBIDDEN, "access_denied", &format!("Unknown tenant: {t}"));
        }
        Some(_) => {}
    }
    // `scopes`: an array or a space-separated string; none means all.
    let requested: Vec<String> = match fields.get("scopes").or_else(|| fields.get("scope")) {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::String(s)) => s.split_whitespace().map(str::to_owned).collect(),
        Some(Value::Array(items)) => {
            let mut out = Vec::new();
            for item in items {
                match item.as_str() {
                    Some(s) => out.push(s.to_owned()),
                    None => return oauth_error(StatusCode::BAD_REQUEST, "invalid_request", "`scopes` must be strings"),
                }
            }
            out
        }
        Some(_) => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "`scopes` must be an array of strings",
            );
        }
    };
    if let Some(bad) = requested.iter().find(|s| !ALL_SCOPES.contains(&s.as_str())) {
        return oauth_error(
            StatusCode::FORBIDDEN,
            "access_denied",
            &format!("Client has not been granted scopes: {bad}"),
        );
    }
    let scopes = if requested.is_empty() {
        ALL_SCOPES.iter().map(|s| (*s).to_owned()).collect()
    } else {
        requested
    };
    let scope = scopes.join(" ");
    let (access_token, ttl) = state.tokens.issue(scopes);
    let mut r = json_response(
        StatusCode::OK,
        &TokenResponse {
            access_token,
            expires_in: ttl.as_secs().max(1),
            scope,
            token_type: "Bearer",
        },
    );
    r.headers_mut()
        .insert("cache-control", HeaderValue::from_static("no-store"));
    r
}
