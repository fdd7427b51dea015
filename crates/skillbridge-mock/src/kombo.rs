//! Kombo's `GET` and `POST /hris/staffing-entity-skills`: compact seeded data and the handlers.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, RwLock};

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::Response;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use serde::Serialize;
use serde_json::Value;

use crate::faults::Route;
use crate::ids::{IdCodec, IdKind, KomboId, fnv1a, hash3};
use crate::server::{AppState, json_response, kombo_error};

/// 2024-01-01T00:00:00Z: seeded `changed_at` values fall in the two years from here.
pub(crate) const BASE_START_MS: i64 = 1_704_067_200_000;
const BASE_SPAN_MS: i64 = 730 * 86_400_000;
/// Every seeded record changed before this; writes are stamped after it.
pub(crate) const BASE_END_MS: i64 = BASE_START_MS + BASE_SPAN_MS;

const TAG_OFFSET: u64 = 101;
const TAG_RECORD: u64 = 102;
const TAG_CLOSED: u64 = 103;
const TAG_FORCED: u64 = 104;

/// The largest `page_size` Kombo allows, and its default.
pub(crate) const MAX_PAGE_SIZE: usize = 250;
const DEFAULT_PAGE_SIZE: usize = 100;

/// A staffing entity (job, position) that expectations hang on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct StaffingEntity {
    /// Position in the seeded data.
    pub index: u32,
    /// Kombo id (24 characters).
    pub id: String,
    /// Closed entities refuse writes with `HRIS.STAFFING_ENTITY_CLOSED`.
    pub closed: bool,
}

/// A skill expectation as the API returns it, for assertions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Expectation {
    /// Position in listing order (creation order).
    #[serde(skip)]
    pub index: u64,
    /// Kombo id.
    pub id: String,
    /// The remote (source system) id, accepted by the `remote_ids` filter; not in the response.
    #[serde(skip)]
    pub remote_id: String,
    /// Kombo id of the staffing entity.
    pub staffing_entity_id: String,
    /// Kombo id of the skill.
    pub skill_id: String,
    /// 1..=5, or `None`.
    pub expected_level: Option<u8>,
    /// `YYYY-MM-DDTHH:mm:ss.sssZ`.
    pub changed_at: String,
    /// Set when deleted in the remote system.
    pub remote_deleted_at: Option<String>,
}

/// The mutable state of a record; only records that were written have one stored.
#[derive(Clone, Copy, Debug)]
struct RecState {
    level: Option<u8>,
    changed_ms: i64,
    deleted_ms: Option<i64>,
}

/// Everything writes changed. Memory grows with writes only, never with the data size.
#[derive(Debug, Default)]
struct Writes {
    state: BTreeMap<u64, RecState>,
    created: Vec<(u32, u32)>,
    created_by_pair: HashMap<(u32, u32), u64>,
    created_by_entity: HashMap<u32, Vec<u64>>,
    last_ms: i64,
}

#[derive(Clone, Copy, Debug)]
struct Rec {
    index: u64,
    entity: u32,
    skill: u32,
    state: RecState,
}

/// Data sizes for Kombo.
#[derive(Clone, Copy, Debug)]
pub(crate) struct KomboSizes {
    pub(crate) staffing_entities: u32,
    pub(crate) skills_per_entity: u32,
    pub(crate) skill_catalog: u32,
}

/// Seeded staffing entities, skills and expectations. Expectation `i` belongs to entity
/// `i / skills_per_entity`; its skill, level, timestamps and deletion are hashes of `(seed, i)`.
#[derive(Debug)]
pub(crate) struct KomboData {
    seed: u64,
    pub(crate) codec: IdCodec,
    entities: u32,
    per_entity: u32,
    skills: u32,
    base: u64,
    forced_closed: Option<u32>,
    writes: RwLock<Writes>,
    pub(crate) unsupported_filters: Vec<String>,
}

fn ms_to_string(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or_default()
}

impl KomboData {
    pub(crate) fn new(seed: u64, sizes: KomboSizes, unsupported_filters: Vec<String>) -> Self {
        let per_entity = sizes.skills_per_entity;
        // Each entity has distinct skills, so the catalog must be at least that large.
        let skills = sizes.skill_catalog.max(per_entity).max(1);
        let entities = sizes.staffing_entities;
        // With two or more entities at least one is closed, so tests can always find one.
        let forced_closed = (entities >= 2).then(|| (hash3(seed, TAG_FORCED, 0) % u64::from(entities)) as u32);
        Self {
            seed,
            codec: IdCodec::new(seed),
            entities,
            per_entity,
            skills,
            base: u64::from(entities) * u64::from(per_entity),
            forced_closed,
            writes: RwLock::new(Writes::default()),
            unsupported_filters,
        }
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Writes> {
        self.writes.read().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn entity_count(&self) -> u32 {
        self.entities
    }

    pub(crate) fn skill_count(&self) -> u32 {
        self.skills
    }

    pub(crate) fn is_closed(&self, e: u32) -> bool {
        self.forced_closed == Some(e) || hash3(self.seed, TAG_CLOSED, u64::from(e)).is_multiple_of(20)
    }

    pub(crate) fn entity(&self, e: u32) -> Option<StaffingEntity> {
        (e < self.entities).then(|| StaffingEntity {
            index: e,
            id: self
                .codec
                .kombo(IdKind::StaffingEntity, u64::from(e))
                .as_str()
                .to_owned(),
            closed: self.is_closed(e),
        })
    }

    pub(crate) fn skill_id(&self, s: u32) -> Option<String> {
        (s < self.skills).then(|| self.codec.kombo(IdKind::Skill, u64::from(s)).as_str().to_owned())
    }

    fn offset(&self, e: u32) -> u32 {
        (hash3(self.seed, TAG_OFFSET, u64::from(e)) % u64::from(self.skills)) as u32
    }

    fn base_index(&self, e: u32, s: u32) -> Option<u64> {
        let j = (s + self.skills - self.offset(e)) % self.skills;
        (j < self.per_entity).then(|| u64::from(e) * u64::from(self.per_entity) + u64::from(j))
    }

    pub(crate) fn total(&self) -> u64 {
        self.base + self.read().created.len() as u64
    }

    fn total_in(&self, w: &Writes) -> u64 {
        self.base + w.created.len() as u64
    }

    fn rec(&self, w: &Writes, i: u64) -> Option<Rec> {
        if i < self.base {
            let per = u64::from(self.per_entity);
            let entity = (i / per) as u32;
            let skill = ((u64::from(self.offset(entity)) + i % per) % u64::from(self.skills)) as u32;
            let state = w.state.get(&i).copied().unwrap_or_else(|| {
                let h = hash3(self.seed, TAG_RECORD, i);
                let level = (!h.is_multiple_of(10)).then(|| 1 + ((h >> 8) % 5) as u8);
                let changed_ms = BASE_START_MS + ((h >> 24) % BASE_SPAN_MS as u64) as i64;
                let deleted_ms = (h >> 16).is_multiple_of(20).then_some(changed_ms);
                RecState {
                    level,
                    changed_ms,
                    deleted_ms,
                }
            });
            Some(Rec {
                index: i,
                entity,
                skill,
                state,
            })
        } else {
            let pos = usize::try_from(i - self.base).ok()?;
            let (entity, skill) = *w.created.get(pos)?;
            let state = *w.state.get(&i)?;
            Some(Rec {
                index: i,
                entity,
                skill,
                state,
            })
        }
    }

    fn remote_id(index: u64) -> String {
        format!("SES-{:08}", index + 1)
    }

    fn decode_remote_id(s: &str) -> Option<u64> {
        s.strip_prefix("SES-")?.parse::<u64>().ok()?.checked_sub(1)
    }

    fn to_expectation(&self, r: &Rec) -> Expectation {
        Expectation {
            index: r.index,
            id: self.codec.kombo(IdKind::Expectation, r.index).as_str().to_owned(),
            remote_id: Self::remote_id(r.index),
            staffing_entity_id: self
                .codec
                .kombo(IdKind::StaffingEntity, u64::from(r.entity))
                .as_str()
                .to_owned(),
            skill_id: self.codec.kombo(IdKind::Skill, u64::from(r.skill)).as_str().to_owned(),
            expected_level: r.state.level,
            changed_at: ms_to_string(r.state.changed_ms),
            remote_deleted_at: r.state.deleted_ms.map(ms_to_string),
        }
    }

    pub(crate) fn expectation(&self, i: u64) -> Option<Expectation> {
        let w = self.read();
        self.rec(&w, i).map(|r| self.to_expectation(&r))
    }

    pub(crate) fn expectation_by_id(&self, id: &str) -> Option<Expectation> {
        self.expectation(self.codec.decode_kombo(IdKind::Expectation, id)?)
    }

    fn find(&self, w: &Writes, e: u32, s: u32) -> Option<u64> {
        self.base_index(e, s)
            .or_else(|| w.created_by_pair.get(&(e, s)).copied())
    }

    pub(crate) fn find_expectation(&self, staffing_entity_id: &str, skill_id: &str) -> Option<Expectation> {
        let e = u32::try_from(self.codec.decode_kombo(IdKind::StaffingEntity, staffing_entity_id)?).ok()?;
        let s = u32::try_from(self.codec.decode_kombo(IdKind::Skill, skill_id)?).ok()?;
        if e >= self.entities || s >= self.skills {
            return None;
        }
        let w = self.read();
        let i = self.find(&w, e, s)?;
        self.rec(&w, i).map(|r| self.to_expectation(&r))
    }

    /// Records not deleted in the remote system: what a listing without `include_deleted` returns.
    /// O(total): meant for test assertions, not for hot paths.
    pub(crate) fn visible_count(&self) -> u64 {
        let w = self.read();
        (0..self.total_in(&w))
            .filter_map(|i| self.rec(&w, i))
            .filter(|r| r.state.deleted_ms.is_none())
            .count() as u64
    }
}

// ---------------------------------------------------------------------------------------------
// Listing

/// The list filters in canonical form (sorted, deduplicated), which is what a cursor is bound to.
#[derive(Debug, Default, PartialEq)]
struct Filters {
    ids: Option<Vec<String>>,
    remote_ids: Option<Vec<String>>,
    staffing_entity_ids: Option<Vec<String>>,
    skill_ids: Option<Vec<String>>,
    updated_after: Option<i64>,
    include_deleted: bool,
    ignore_unsupported_filters: bool,
}

impl Filters {
    fn hash(&self) -> u64 {
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
struct ListRequest {
    filters: Filters,
    page_size: usize,
    after: Option<u64>,
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

fn encode_cursor(after: u64, filters: &Filters) -> String {
    let body = CursorBody {
        after,
        filters: format!("{:016x}", filters.hash()),
    };
    B64.encode(serde_json::to_vec(&body).unwrap_or_default())
}

fn parse_list(uri: &Uri) -> Result<ListRequest, String> {
    let pairs = Query::<Vec<(String, String)>>::try_from_uri(uri)
        .map_err(|e| format!("The query string could not be parsed: {e}"))?
        .0;
    let mut seen: HashMap<&str, &str> = HashMap::new();
    for (k, v) in &pairs {
        let Some(known) = LIST_PARAMS.iter().find(|p| **p == k) else {
            return Err(format!(
                "Unknown query parameter `{k}`. Supported: {}.",
                LIST_PARAMS.join(", ")
            ));
        };
        if seen.insert(known, v).is_some() {
            return Err(format!(
                "Query parameter `{k}` was given more than once; pass a comma-separated list instead."
            ));
        }
    }
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

/// Filters resolved to indices; `None` = not filtered.
struct Compiled {
    ids: Option<HashSet<u64>>,
    remote_ids: Option<HashSet<u64>>,
    entities: Option<HashSet<u32>>,
    skills: Option<HashSet<u32>>,
    updated_after: Option<i64>,
    include_deleted: bool,
}

impl Compiled {
    fn matches(&self, r: &Rec) -> bool {
        (self.include_deleted || r.state.deleted_ms.is_none())
            && self.updated_after.is_none_or(|t| r.state.changed_ms >= t)
            && self.ids.as_ref().is_none_or(|s| s.contains(&r.index))
            && self.remote_ids.as_ref().is_none_or(|s| s.contains(&r.index))
            && self.entities.as_ref().is_none_or(|s| s.contains(&r.entity))
            && self.skills.as_ref().is_none_or(|s| s.contains(&r.skill))
    }
}

#[derive(Serialize)]
struct RecordOut {
    id: KomboId,
    staffing_entity_id: KomboId,
    skill_id: KomboId,
    expected_level: Option<u8>,
    changed_at: String,
    remote_deleted_at: Option<String>,
}

#[derive(Serialize)]
struct PageData {
    next: Option<String>,
    results: Vec<RecordOut>,
}

#[derive(Serialize)]
struct Success<T> {
    status: &'static str,
    data: T,
}

impl KomboData {
    fn record_out(&self, r: &Rec) -> RecordOut {
        RecordOut {
            id: self.codec.kombo(IdKind::Expectation, r.index),
            staffing_entity_id: self.codec.kombo(IdKind::StaffingEntity, u64::from(r.entity)),
            skill_id: self.codec.kombo(IdKind::Skill, u64::from(r.skill)),
            expected_level: r.state.level,
            changed_at: ms_to_string(r.state.changed_ms),
            remote_deleted_at: r.state.deleted_ms.map(ms_to_string),
        }
    }

    fn compile(&self, f: &Filters, total: u64) -> Compiled {
        let kombo_set = |list: &Option<Vec<String>>, kind: IdKind, limit: u64| {
            list.as_ref().map(|l| {
                l.iter()
                    .filter_map(|id| self.codec.decode_kombo(kind, id))
                    .filter(|i| *i < limit)
                    .collect::<HashSet<u64>>()
            })
        };
        let narrow =
            |set: Option<HashSet<u64>>| set.map(|s| s.into_iter().filter_map(|i| u32::try_from(i).ok()).collect());
        Compiled {
            ids: kombo_set(&f.ids, IdKind::Expectation, total),
            remote_ids: f.remote_ids.as_ref().map(|l| {
                l.iter()
                    .filter_map(|r| Self::decode_remote_id(r))
                    .filter(|i| *i < total)
                    .collect()
            }),
            entities: narrow(kombo_set(
                &f.staffing_entity_ids,
                IdKind::StaffingEntity,
                u64::from(self.entities),
            )),
            skills: narrow(kombo_set(&f.skill_ids, IdKind::Skill, u64::from(self.skills))),
            updated_after: f.updated_after,
            include_deleted: f.include_deleted,
        }
    }

    /// One page: candidates come from the most selective index available, so a page costs
    /// O(page) for id, entity and recent `updated_after` filters and never materialises the data.
    /// Returns the page and, when more records match, the index to continue after.
    fn page(&self, filters: &Filters, page_size: usize, after: Option<u64>) -> (Vec<RecordOut>, Option<u64>) {
        let w = self.read();
        let total = self.total_in(&w);
        let c = self.compile(filters, total);
        let start = after.map_or(0, |a| a.saturating_add(1));
        let sorted = |set: &HashSet<u64>| {
            let mut v: Vec<u64> = set.iter().copied().filter(|i| *i >= start).collect();
            v.sort_unstable();
            v
        };
        let candidates: Box<dyn Iterator<Item = u64> + '_> = if let Some(ids) = &c.ids {
            Box::new(sorted(ids).into_iter())
        } else if let Some(ids) = &c.remote_ids {
            Box::new(sorted(ids).into_iter())
        } else if let Some(entities) = &c.entities {
            let per = u64::from(self.per_entity);
            let mut all: HashSet<u64> = HashSet::new();
            for e in entities {
                all.extend(u64::from(*e) * per..(u64::from(*e) + 1) * per);
                if let Some(created) = w.created_by_entity.get(e) {
                    all.extend(created.iter().copied());
                }
            }
            Box::new(sorted(&all).into_iter())
        } else if c.updated_after.is_some_and(|t| t > BASE_END_MS) {
            // Only written records can be that recent.
            Box::new(w.state.range(start..).map(|(i, _)| *i))
        } else {
            Box::new(start..total)
        };
        let mut results = Vec::with_capacity(page_size);
        let mut last = None;
        let mut more = false;
        for i in candidates {
            let Some(r) = self.rec(&w, i) else { continue };
            if !c.matches(&r) {
                continue;
            }
            if results.len() == page_size {
                more = true;
                break;
            }
            results.push(self.record_out(&r));
            last = Some(i);
        }
        (results, if more { last } else { None })
    }
}

/// Bearer key and integration checks shared by both Kombo routes; `Some` is the refusal.
fn guard(state: &AppState, headers: &HeaderMap) -> Option<Response> {
    let key = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    if key.map(str::trim) != Some(state.creds.kombo_api_key.as_str()) {
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

/// `GET /hris/staffing-entity-skills`.
pub(crate) async fn list(State(state): State<Arc<AppState>>, headers: HeaderMap, uri: Uri) -> Response {
    if let Some(r) = guard(&state, &headers) {
        return r;
    }
    state.delay(Route::KomboList).await;
    let req = match parse_list(&uri) {
        Ok(r) => r,
        Err(message) => return kombo_error(StatusCode::BAD_REQUEST, Some("PLATFORM.INPUT_INVALID"), message),
    };
    let f = &req.filters;
    let unsupported = |name: &str| state.kombo.unsupported_filters.iter().any(|u| u == name);
    let mut effective = Filters {
        include_deleted: f.include_deleted,
        ignore_unsupported_filters: f.ignore_unsupported_filters,
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
        state.kombo.page(&effective, req.page_size, req.after)
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

fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"))
}

/// Counts authenticated writes being handled, and the peak, for [`crate::MockServer::peak_concurrent_writes`].
struct InFlight<'a>(&'a AppState);

impl<'a> InFlight<'a> {
    fn enter(state: &'a AppState) -> Self {
        let now = state.writes_in_flight.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
        state
            .peak_writes_in_flight
            .fetch_max(now, std::sync::atomic::Ordering::SeqCst);
        Self(state)
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0
            .writes_in_flight
            .fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
    }
}

/// `POST /hris/staffing-entity-skills`.
pub(crate) async fn upsert(State(state): State<Arc<AppState>>, headers: HeaderMap, body: Bytes) -> Response {
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
                r.headers_mut().insert("concurrency-limit", HeaderValue::from(*limit));
                r.headers_mut().insert("concurrency-remaining", HeaderValue::from(0u32));
                return r;
            }
        },
    };
    state.delay(Route::KomboUpsert).await;
    let mut response = upsert_inner(&state, &headers, &body);
    if let Some((limit, sem, _permit)) = &permit {
        response
            .headers_mut()
            .insert("concurrency-limit", HeaderValue::from(*limit));
        response.headers_mut().insert(
            "concurrency-remaining",
            HeaderValue::from(sem.available_permits() as u64),
        );
    }
    drop(permit);
    response
}

fn upsert_inner(state: &AppState, headers: &HeaderMap, body: &[u8]) -> Response {
    let invalid = |m: String| kombo_error(StatusCode::BAD_REQUEST, Some("PLATFORM.INPUT_INVALID"), m);
    if !is_json(headers) {
        return invalid("The request body must be JSON (`Content-Type: application/json`).".to_owned());
    }
    let value: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => return invalid(format!("The request body is not valid JSON: {e}.")),
    };
    let schema = state.contract.check_request(Route::KomboUpsert, &value);
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
    let k = &state.kombo;
    let entity = k
        .codec
        .decode_kombo(IdKind::StaffingEntity, &se_id)
        .and_then(|e| u32::try_from(e).ok());
    let Some(entity) = entity.filter(|e| *e < k.entities) else {
        return kombo_error(
            StatusCode::NOT_FOUND,
            Some("PLATFORM.INPUT_INVALID"),
            format!("No staffing entity with the ID `{se_id}` exists."),
        );
    };
    let skill = k
        .codec
        .decode_kombo(IdKind::Skill, &skill_id)
        .and_then(|s| u32::try_from(s).ok());
    let Some(skill) = skill.filter(|s| *s < k.skills) else {
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
    let rec = {
        let mut w = k.writes.write().unwrap_or_else(|e| e.into_inner());
        let stamp = now_ms().max(w.last_ms + 1).max(BASE_END_MS + 1);
        let index = match k.find(&w, entity, skill) {
            Some(i) => i,
            None => {
                let i = k.total_in(&w);
                w.created.push((entity, skill));
                w.created_by_pair.insert((entity, skill), i);
                w.created_by_entity.entry(entity).or_default().push(i);
                w.state.insert(
                    i,
                    RecState {
                        level,
                        changed_ms: stamp,
                        deleted_ms: None,
                    },
                );
                w.last_ms = stamp;
                i
            }
        };
        let Some(mut rec) = k.rec(&w, index) else {
            return kombo_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                Some("PLATFORM.UNKNOWN_ERROR"),
                "record vanished",
            );
        };
        // `changed_at` only moves when a field on the record changes (Kombo's sync guidance).
        if rec.state.level != level || rec.state.deleted_ms.is_some() {
            rec.state = RecState {
                level,
                changed_ms: stamp,
                deleted_ms: None,
            };
            w.state.insert(index, rec.state);
            w.last_ms = stamp;
        }
        rec
    };
    json_response(
        StatusCode::OK,
        &Success {
            status: "success",
            data: k.record_out(&rec),
        },
    )
}
