//! Kombo's handlers: the key and integration guard, the listing, the upsert and the skill
//! catalog.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::Response;
use serde::Serialize;
use serde_json::Value;

use super::error::kombo_error;
use super::query::{Filters, encode_cursor, parse_list, parse_skills};
use super::state::{InFlight, KomboState};
use crate::http::{bearer, is_json, json_response};
use crate::route::Route;
use crate::server::Core;

#[derive(Serialize)]
struct PageData<T> {
    next: Option<String>,
    results: Vec<T>,
}

#[derive(Serialize)]
struct Success<T> {
    status: &'static str,
    data: T,
}

/// Bearer key and integration checks shared by every Kombo route; `Some` is the refusal.
fn guard(state: &KomboState, headers: &HeaderMap) -> Option<Response> {
    if bearer(headers) != Some(state.creds.api_key.as_str()) {
        return Some(kombo_error(
            StatusCode::UNAUTHORIZED,
            Some("PLATFORM.AUTHENTICATION_INVALID"),
            "The API key is missing or invalid. Send it as `Authorization: Bearer <key>`.",
        ));
    }
    match headers.get("x-integration-id").map(|v| v.to_str().unwrap_or_default()) {
        None => Some(kombo_error(
            StatusCode::BAD_REQUEST,
            Some("PLATFORM.INPUT_INVALID"),
            "The `X-Integration-Id` header is required.",
        )),
        Some(id) if id == state.creds.integration_id => None,
        Some(id) => Some(kombo_error(
            StatusCode::NOT_FOUND,
            Some("PLATFORM.INTEGRATION_NOT_FOUND"),
            format!("No integration with the ID `{id}` exists in this environment."),
        )),
    }
}

/// What a read passes before it is answered: the guard, then the route's latency and hold.
async fn admit_read(core: &Core, state: &KomboState, headers: &HeaderMap, route: Route) -> Option<Response> {
    if let Some(r) = guard(state, headers) {
        return Some(r);
    }
    core.delay(route).await;
    None
}

/// `GET /hris/staffing-entity-skills`.
pub(super) async fn list(
    State(core): State<Arc<Core>>,
    State(state): State<Arc<KomboState>>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    if let Some(r) = admit_read(&core, &state, &headers, Route::KOMBO_LIST).await {
        return r;
    }
    let req = match parse_list(&uri) {
        Ok(r) => r,
        Err(message) => return kombo_error(StatusCode::BAD_REQUEST, Some("PLATFORM.INPUT_INVALID"), message),
    };
    let f = &req.filters;
    let unsupported = |name: &str| state.data.unsupported_filters.iter().any(|u| u == name);
    // The filters the page is selected by (`ignore_unsupported_filters` selects nothing: it only
    // decides, below, whether a dropped filter refuses the request).
    let mut effective = Filters {
        include_deleted: f.include_deleted,
        ..Filters::default()
    };
    let mut refused = false;
    // A filter the integration cannot apply is dropped when the client allows it; otherwise
    // Kombo answers with no results rather than with unfiltered data.
    let mut keep = |name: &str, present: bool| {
        let drop = present && unsupported(name);
        refused |= drop && !f.ignore_unsupported_filters;
        !drop
    };
    if keep("ids", f.ids.is_some()) {
        effective.ids = f.ids.clone();
    }
    if keep("remote_ids", f.remote_ids.is_some()) {
        effective.remote_ids = f.remote_ids.clone();
    }
    if keep("staffing_entity_ids", f.staffing_entity_ids.is_some()) {
        effective.staffing_entity_ids = f.staffing_entity_ids.clone();
    }
    if keep("skill_ids", f.skill_ids.is_some()) {
        effective.skill_ids = f.skill_ids.clone();
    }
    if keep("updated_after", f.updated_after.is_some()) {
        effective.updated_after = f.updated_after;
    }
    let (results, next) = if refused {
        (Vec::new(), None)
    } else {
        state.data.page(&effective, req.page_size, req.after)
    };
    // The cursor is bound to the filters the client sent, not to the effective ones.
    let next = next.map(|after| encode_cursor(after, f));
    json_response(
        StatusCode::OK,
        &Success {
            status: "success",
            data: PageData { next, results },
        },
    )
}

/// `GET /hris/skills`: the whole selection in one answer, as Kombo documents no paging for it.
pub(super) async fn skills(
    State(core): State<Arc<Core>>,
    State(state): State<Arc<KomboState>>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    if let Some(r) = admit_read(&core, &state, &headers, Route::KOMBO_SKILLS).await {
        return r;
    }
    match parse_skills(&uri) {
        Ok(query) => json_response(
            StatusCode::OK,
            &Success {
                status: "success",
                data: PageData {
                    next: None,
                    results: state.catalog.select(&query),
                },
            },
        ),
        Err(message) => kombo_error(StatusCode::BAD_REQUEST, Some("PLATFORM.INPUT_INVALID"), message),
    }
}

/// Checks an upsert body; `Err` is the message for a 400.
fn validate_upsert(v: &Value) -> Result<(String, String, Option<u8>), String> {
    let obj = v.as_object().ok_or("The request body must be a JSON object.")?;
    let id = |name: &str| -> Result<String, String> {
        match obj.get(name) {
            None | Some(Value::Null) => Err(format!("`{name}` is required.")),
            Some(Value::String(s)) if s.trim().is_empty() => Err(format!("`{name}` must not be empty.")),
            Some(Value::String(s)) => Ok(s.clone()),
            Some(other) => Err(format!("`{name}` must be a string, got {other}.")),
        }
    };
    let staffing_entity_id = id("staffing_entity_id")?;
    let skill_id = id("skill_id")?;
    let level = match obj.get("expected_level") {
        None => None,
        Some(Value::Null) => {
            return Err(
                "`expected_level` must be an integer between 1 and 5; omit it to attach the skill without \
                        a level."
                    .to_owned(),
            );
        }
        Some(Value::Number(n)) => match crate::json::integer(n) {
            Some(l @ 1..=5) => Some(l as u8),
            _ => return Err(format!("`expected_level` must be an integer between 1 and 5, got {n}.")),
        },
        Some(other) => {
            return Err(format!(
                "`expected_level` must be an integer between 1 and 5, got {other}."
            ));
        }
    };
    Ok((staffing_entity_id, skill_id, level))
}

/// `POST /hris/staffing-entity-skills`.
pub(super) async fn upsert(
    State(core): State<Arc<Core>>,
    State(state): State<Arc<KomboState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Some(r) = guard(&state, &headers) {
        return r;
    }
    let _in_flight = InFlight::enter(&state);
    // A real in-flight limit: the permit is held through the added latency and the write.
    let permit = match &state.write_permits {
        None => None,
        Some((limit, sem)) => match sem.clone().try_acquire_owned() {
            Ok(p) => Some((*limit, sem.clone(), p)),
            Err(_) => {
                let mut r = kombo_error(
                    StatusCode::TOO_MANY_REQUESTS,
                    Some("PLATFORM.CONCURRENCY_LIMIT_EXCEEDED"),
                    format!("Too many concurrent actions for this integration (limit {limit}). Retry with backoff."),
                );
                r.headers_mut()
                    .insert("concurrency-limit", state.announced_limit(*limit));
                r.headers_mut().insert("concurrency-remaining", HeaderValue::from(0u32));
                return r;
            }
        },
    };
    core.delay(Route::KOMBO_UPSERT).await;
    let mut response = upsert_inner(&core, &state, &headers, &body);
    if let Some((limit, sem, _permit)) = &permit {
        response
            .headers_mut()
            .insert("concurrency-limit", state.announced_limit(*limit));
        response.headers_mut().insert(
            "concurrency-remaining",
            HeaderValue::from(sem.available_permits() as u64),
        );
    }
    drop(permit);
    response
}

fn upsert_inner(core: &Core, state: &KomboState, headers: &HeaderMap, body: &[u8]) -> Response {
    let invalid = |m: String| kombo_error(StatusCode::BAD_REQUEST, Some("PLATFORM.INPUT_INVALID"), m);
    if !is_json(headers) {
        return invalid("The request body must be JSON (`Content-Type: application/json`).".to_owned());
    }
    let value: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => return invalid(format!("The request body is not valid JSON: {e}.")),
    };
    let schema = core.contract.check_request(Route::KOMBO_UPSERT, &value);
    let (se_id, skill_id, level) = match validate_upsert(&value) {
        Ok(parts) => parts,
        Err(m) => return invalid(m),
    };
    if let Err(errors) = schema {
        return invalid(format!(
            "The request body does not match the schema: {}",
            errors.join("; ")
        ));
    }
    let k = &state.data;
    let Some(entity) = k.entity_index(&se_id) else {
        return kombo_error(
            StatusCode::NOT_FOUND,
            Some("PLATFORM.INPUT_INVALID"),
            format!("No staffing entity with the ID `{se_id}` exists."),
        );
    };
    let Some(skill) = k.skill_index(&skill_id) else {
        return kombo_error(
            StatusCode::NOT_FOUND,
            Some("PLATFORM.INPUT_INVALID"),
            format!("No skill with the ID `{skill_id}` exists."),
        );
    };
    if k.is_closed(entity) {
        return kombo_error(
            StatusCode::CONFLICT,
            Some("HRIS.STAFFING_ENTITY_CLOSED"),
            format!("The staffing entity `{se_id}` is closed and cannot be changed."),
        );
    }
    let Some(rec) = k.write(entity, skill, level) else {
        return kombo_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            Some("PLATFORM.UNKNOWN_ERROR"),
            "record vanished",
        );
    };
    json_response(
        StatusCode::OK,
        &Success {
            status: "success",
            data: k.record_out(&rec),
        },
    )
}
