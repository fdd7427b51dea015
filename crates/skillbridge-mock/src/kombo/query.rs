//! Parsing a listing's query string, and the cursor bound to its filters.

use std::collections::HashMap;

use axum::extract::Query;
use axum::http::Uri;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use serde::Serialize;

use crate::ids::fnv1a;

/// The largest `page_size` Kombo allows, and its default.
const MAX_PAGE_SIZE: usize = 250;
const DEFAULT_PAGE_SIZE: usize = 100;

/// The list filters in canonical form (sorted, deduplicated), which is what a cursor is bound to.
#[derive(Debug, Default, PartialEq)]
pub(super) struct Filters {
    pub(super) ids: Option<Vec<String>>,
    pub(super) remote_ids: Option<Vec<String>>,
    pub(super) staffing_entity_ids: Option<Vec<String>>,
    pub(super) skill_ids: Option<Vec<String>>,
    pub(super) updated_after: Option<i64>,
    pub(super) include_deleted: bool,
    pub(super) ignore_unsupported_filters: bool,
}

impl Filters {
    pub(super) fn hash(&self) -> u64 {
        let mut canon = String::new();
        for (name, list) in [
            ("ids", &self.ids),
            ("remote_ids", &self.remote_ids),
            ("staffing_entity_ids", &self.staffing_entity_ids),
            ("skill_ids", &self.skill_ids),
        ] {
            if let Some(list) = list {
                canon.push_str(name);
                canon.push('=');
                canon.push_str(&list.join(","));
            }
            canon.push('&');
        }
        canon.push_str(&format!(
            "updated_after={:?}&include_deleted={}&ignore={}",
            self.updated_after, self.include_deleted, self.ignore_unsupported_filters
        ));
        fnv1a(canon.as_bytes())
    }
}

#[derive(Debug)]
pub(super) struct ListRequest {
    pub(super) filters: Filters,
    pub(super) page_size: usize,
    pub(super) after: Option<u64>,
}

const LIST_PARAMS: [&str; 9] = [
    "ids",
    "remote_ids",
    "staffing_entity_ids",
    "skill_ids",
    "updated_after",
    "include_deleted",
    "ignore_unsupported_filters",
    "page_size",
    "cursor",
];

fn split_list(v: &str) -> Option<Vec<String>> {
    let mut items: Vec<String> = v
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    items.sort();
    items.dedup();
    // An empty filter (`ids=`) is treated as absent.
    (!items.is_empty()).then_some(items)
}

fn parse_bool(name: &str, v: &str) -> Result<bool, String> {
    match v {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(format!("`{name}` must be `true` or `false`, got `{v}`.")),
    }
}

#[derive(Serialize, serde::Deserialize)]
struct CursorBody {
    after: u64,
    filters: String,
}

pub(super) fn encode_cursor(after: u64, filters: &Filters) -> String {
    let body = CursorBody {
        after,
        filters: format!("{:016x}", filters.hash()),
    };
    B64.encode(serde_json::to_vec(&body).unwrap_or_default())
}

/// The query's parameters by name; an unknown or repeated one is refused with its message.
fn params(uri: &Uri, supported: &[&'static str]) -> Result<HashMap<&'static str, String>, String> {
    let pairs = Query::<Vec<(String, String)>>::try_from_uri(uri)
        .map_err(|e| format!("The query string could not be parsed: {e}"))?
        .0;
    let mut seen: HashMap<&'static str, String> = HashMap::new();
    for (k, v) in pairs {
        let Some(known) = supported.iter().find(|p| **p == k) else {
            return Err(format!(
                "Unknown query parameter `{k}`. Supported: {}.",
                supported.join(", ")
            ));
        };
        if seen.insert(*known, v).is_some() {
            return Err(format!(
                "Query parameter `{k}` was given more than once; pass a comma-separated list instead."
            ));
        }
    }
    Ok(seen)
}

pub(super) fn parse_list(uri: &Uri) -> Result<ListRequest, String> {
    let seen = params(uri, &LIST_PARAMS)?;
    let mut f = Filters {
        ids: seen.get("ids").and_then(|v| split_list(v)),
        remote_ids: seen.get("remote_ids").and_then(|v| split_list(v)),
        staffing_entity_ids: seen.get("staffing_entity_ids").and_then(|v| split_list(v)),
        skill_ids: seen.get("skill_ids").and_then(|v| split_list(v)),
        ..Filters::default()
    };
    if let Some(v) = seen.get("updated_after") {
        let t = chrono::DateTime::parse_from_rfc3339(v).map_err(|e| {
            format!("`updated_after` must be an ISO 8601 date-time like 2024-01-31T12:00:00.000Z, got `{v}` ({e}).")
        })?;
        f.updated_after = Some(t.timestamp_millis());
    }
    if let Some(v) = seen.get("include_deleted") {
        f.include_deleted = parse_bool("include_deleted", v)?;
    }
    if let Some(v) = seen.get("ignore_unsupported_filters") {
        f.ignore_unsupported_filters = parse_bool("ignore_unsupported_filters", v)?;
    }
    let page_size = match seen.get("page_size") {
        None => DEFAULT_PAGE_SIZE,
        Some(v) => match v.parse::<i64>() {
            Ok(n) if (1..=MAX_PAGE_SIZE as i64).contains(&n) => n as usize,
            _ => {
                return Err(format!(
                    "`page_size` must be an integer between 1 and {MAX_PAGE_SIZE}, got `{v}`."
                ));
            }
        },
    };
    let after = match seen.get("cursor") {
        None => None,
        Some(c) => {
            let body = B64
                .decode(c.trim())
                .ok()
                .and_then(|raw| serde_json::from_slice::<CursorBody>(&raw).ok())
                .ok_or_else(|| "The `cursor` is malformed; pass the `next` value of the previous page.".to_owned())?;
            if body.filters != format!("{:016x}", f.hash()) {
                return Err(
                    "The `cursor` was issued for different filters; keep sending the same filters while \
                            paging, or start again without a cursor."
                        .to_owned(),
                );
            }
            Some(body.after)
        }
    };
    Ok(ListRequest {
        filters: f,
        page_size,
        after,
    })
}

/// The filters of `GET /hris/skills`, the only parameters Kombo documents for it; `None`: not
/// filtered (an empty value too, as for a listing's lists).
#[derive(Debug, Default, PartialEq)]
pub(super) struct SkillsQuery {
    pub(super) ids: Option<Vec<String>>,
    pub(super) remote_ids: Option<Vec<String>>,
    pub(super) name_contains: Option<String>,
}

const SKILLS_PARAMS: [&str; 3] = ["ids", "remote_ids", "name_contains"];

pub(super) fn parse_skills(uri: &Uri) -> Result<SkillsQuery, String> {
    let mut seen = params(uri, &SKILLS_PARAMS)?;
    Ok(SkillsQuery {
        ids: seen.get("ids").and_then(|v| split_list(v)),
        remote_ids: seen.get("remote_ids").and_then(|v| split_list(v)),
        name_contains: seen.remove("name_contains").filter(|v| !v.is_empty()),
    })
}
