//! TechWolf's `POST /export/employees/skill_clusters`: the request, the page and its auth.

use std::sync::Arc;

use axum::Extension;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use serde::Serialize;
use serde_json::Value;

use super::data::Skill;
use super::error::techwolf_error;
use super::state::{NextStartingAfter, TechwolfState};
use crate::faults::Fault;
use crate::http::{bearer, is_json, json_response};
use crate::route::Route;
use crate::server::{Core, InjectedFault};

#[derive(Debug, Default)]
struct ExportRequest {
    limit: usize,
    starting_after: Option<String>,
    is_active: Option<bool>,
    /// (operator is `gt`, day)
    last_updated: Vec<(bool, i64)>,
    current_skills: bool,
    related_skills: bool,
    rejected_skills: bool,
    sources: bool,
}

fn parse_export(v: &Value) -> Result<ExportRequest, String> {
    let obj = v.as_object().ok_or("The request body must be a JSON object.")?;
    let limit = match obj.get("limit") {
        None => return Err("`limit` is required.".to_owned()),
        Some(Value::Number(n)) => match crate::json::integer(n) {
            Some(l @ 1..=100) => l as usize,
            _ => return Err(format!("`limit` must be an integer between 1 and 100, got {n}.")),
        },
        Some(other) => return Err(format!("`limit` must be an integer between 1 and 100, got {other}.")),
    };
    let mut req = ExportRequest {
        limit,
        ..ExportRequest::default()
    };
    match obj.get("starting_after") {
        None | Some(Value::Null) => {}
        Some(Value::String(s)) if s.chars().count() > 100 => {
            return Err("`starting_after` must be at most 100 characters long.".to_owned());
        }
        Some(Value::String(s)) => req.starting_after = Some(s.clone()),
        Some(other) => return Err(format!("`starting_after` must be a string, got {other}.")),
    }
    match obj.get("filters") {
        None | Some(Value::Null) => {}
        Some(Value::Array(filters)) => {
            for f in filters {
                match f.get("filter").and_then(Value::as_str) {
                    Some("is_active") => match f.get("is_active") {
                        Some(Value::Bool(b)) => req.is_active = Some(*b),
                        _ => return Err("The `is_active` filter needs a boolean `is_active`.".to_owned()),
                    },
                    Some("last_updated") => {
                        let gt = match f.get("operator").and_then(Value::as_str) {
                            Some("gt") => true,
                            Some("lt") => false,
                            _ => return Err("The `last_updated` filter needs `operator` `gt` or `lt`.".to_owned()),
                        };
                        let value = f.get("value").and_then(Value::as_str).unwrap_or_default();
                        let date = chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d").map_err(|_| {
                            format!("The `last_updated` filter needs a `value` date like 2022-03-25, got `{value}`.")
                        })?;
                        let day = (date - chrono::NaiveDate::default()).num_days();
                        req.last_updated.push((gt, day));
                    }
                    Some(other) => return Err(format!("Unknown filter `{other}`.")),
                    None => return Err("Each filter needs a `filter` name.".to_owned()),
                }
            }
        }
        Some(other) => return Err(format!("`filters` must be an array, got {other}.")),
    }
    match obj.get("include") {
        None | Some(Value::Null) => {}
        Some(Value::Array(items)) => {
            for item in items {
                match item.as_str() {
                    Some("current_skills") => req.current_skills = true,
                    Some("related_skills") => req.related_skills = true,
                    Some("rejected_skills") => req.rejected_skills = true,
                    Some("sources") => req.sources = true,
                    _ => {
                        return Err(format!(
                            "Unknown `include` value {item}; use current_skills, related_skills, rejected_skills or \
                             sources."
                        ));
                    }
                }
            }
        }
        Some(other) => return Err(format!("`include` must be an array, got {other}.")),
    }
    Ok(req)
}

#[derive(Serialize)]
struct ClusterOut<'a> {
    skill_cluster_id: &'a str,
    skill_cluster_name: &'a str,
    domain_name: &'a str,
    proficiency_level: u8,
    #[serde(skip_serializing_if = "Option::is_none")]
    validation_state: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    current_skills: Option<&'a [Skill]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    related_skills: Option<&'a [Skill]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    rejected_skills: Option<&'a [Skill]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sources: Option<&'a [String]>,
    /// Not in the document: only sent under [`Fault::SpecDrift`].
    #[serde(skip_serializing_if = "Option::is_none")]
    trend: Option<&'a str>,
}

#[derive(Serialize)]
struct RecordOut<'a> {
    external_id: &'a str,
    skill_clusters: Vec<ClusterOut<'a>>,
}

#[derive(Serialize)]
struct ExportOut<'a> {
    has_next: bool,
    records: Vec<RecordOut<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_starting_after: Option<String>,
}

fn export_auth(state: &TechwolfState, headers: &HeaderMap) -> Option<Response> {
    let unauthorized = |description: &str| {
        let mut r = techwolf_error(StatusCode::UNAUTHORIZED, description);
        r.headers_mut().insert(
            "www-authenticate",
            HeaderValue::from_static("Bearer error=\"invalid_token\""),
        );
        r
    };
    let Some(token) = bearer(headers) else {
        return Some(unauthorized(
            "Missing or malformed Authorization header; send `Authorization: Bearer <token>`.",
        ));
    };
    match state.tokens.check(token) {
        Err(m) => Some(unauthorized(m)),
        Ok(scopes) if !scopes.iter().any(|s| s == "read") => Some(techwolf_error(
            StatusCode::FORBIDDEN,
            "The access token lacks the `read` scope.",
        )),
        Ok(_) => None,
    }
}

/// The validation state [`Fault::SpecDrift`] sends: not one the document lists.
const DRIFTED_VALIDATION_STATE: &str = "auto_validated";

/// `POST /export/employees/skill_clusters`.
pub(super) async fn export(
    State(core): State<Arc<Core>>,
    State(state): State<Arc<TechwolfState>>,
    fault: Option<Extension<InjectedFault>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Some(Extension(InjectedFault(Fault::ExpireTokens))) = &fault {
        // Early expiry: every token issued so far stops working, this request's included.
        state.tokens.revoke_all();
    }
    // Undocumented additions: a `trend` on every skill cluster and a validation state the
    // document does not list.
    let drift = matches!(&fault, Some(Extension(InjectedFault(Fault::SpecDrift))));
    if let Some(r) = export_auth(&state, &headers) {
        return r;
    }
    core.delay(Route::TECHWOLF_EXPORT).await;
    let bad = |description: String| techwolf_error(StatusCode::BAD_REQUEST, &description);
    if !is_json(&headers) {
        return bad(
            "The request body was not structured correctly: send it as `Content-Type: application/json`.".to_owned(),
        );
    }
    let value: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => return bad(format!("The request body was not structured correctly: {e}.")),
    };
    let schema = core.contract.check_request(Route::TECHWOLF_EXPORT, &value);
    let req = match parse_export(&value) {
        Ok(r) => r,
        Err(m) => return bad(m),
    };
    if let Err(errors) = schema {
        return bad(format!(
            "The request body was not structured correctly: {}",
            errors.join("; ")
        ));
    }
    let data = &state.data;
    let start = match &req.starting_after {
        None => 0,
        Some(id) => match data.index_of(id) {
            Some(i) => i + 1,
            None => {
                return bad(format!(
                    "`starting_after` `{id}` is not the external_id of an employee."
                ));
            }
        },
    };
    let keep = |is_active: bool, day: i64| {
        req.is_active.is_none_or(|a| is_active == a)
            && req
                .last_updated
                .iter()
                .all(|(gt, filter_day)| if *gt { day > *filter_day } else { day < *filter_day })
    };
    let (employees, has_next) = data.page(start, req.limit, keep);
    let records = employees
        .iter()
        .map(|e| RecordOut {
            external_id: &e.external_id,
            skill_clusters: e
                .skill_clusters
                .iter()
                .map(|c| ClusterOut {
                    skill_cluster_id: &c.skill_cluster_id,
                    skill_cluster_name: &c.skill_cluster_name,
                    domain_name: &c.domain_name,
                    proficiency_level: c.proficiency_level,
                    validation_state: if drift {
                        Some(DRIFTED_VALIDATION_STATE)
                    } else {
                        c.validation_state.as_deref()
                    },
                    current_skills: req.current_skills.then_some(c.current_skills.as_slice()),
                    related_skills: req.related_skills.then_some(c.related_skills.as_slice()),
                    rejected_skills: req.rejected_skills.then_some(c.rejected_skills.as_slice()),
                    sources: req.sources.then_some(c.sources.as_slice()),
                    trend: drift.then_some("rising"),
                })
                .collect(),
        })
        .collect();
    let mode = state.next_starting_after();
    let next_starting_after = employees.last().filter(|_| has_next).and_then(|last| match mode {
        NextStartingAfter::Present => Some(last.external_id.clone()),
        NextStartingAfter::Absent => None,
        NextStartingAfter::Alternating => (last.index % 2 == 0).then(|| last.external_id.clone()),
    });
    json_response(
        StatusCode::OK,
        &ExportOut {
            has_next,
            records,
            next_starting_after,
        },
    )
}
