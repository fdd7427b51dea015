//! TechWolf's OAuth2 token endpoint and `POST /export/employees/skill_clusters`.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use rand::rngs::SmallRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use serde::Serialize;
use serde_json::Value;

use crate::faults::Route;
use crate::ids::{IdCodec, IdKind, hash3, uuid_from_hash};
use crate::server::{AppState, json_response, oauth_error, techwolf_error};

const TAG_EMPLOYEE: u64 = 201;
const TAG_ACTIVE: u64 = 202;
const TAG_UPDATED: u64 = 203;
const TAG_CLUSTER_ID: u64 = 204;
const TAG_SKILL_ID: u64 = 205;
const TAG_TOKEN: u64 = 206;

/// 2024-01-01 as days since the Unix epoch; `last_updated` dates fall in the 900 days after it.
const UPDATED_START_DAY: i64 = 19_723;
const UPDATED_SPAN_DAYS: u64 = 900;

/// The skill sources TechWolf documents.
const SOURCES: [&str; 5] = [
    "working_history",
    "resume_document",
    "education_history",
    "learning",
    "project",
];

/// (cluster name, domain, skills): the catalog employees' clusters are drawn from.
const CATALOG: &[(&str, &str, &[&str])] = &[
    (
        "DevOps",
        "Computer Science",
        &["Git", "Jenkins", "Kubernetes", "Helm", "Terraform", "Docker", "Ansible"],
    ),
    (
        "Programming Languages",
        "Computer Science",
        &[
            "Python",
            "Java",
            "Rust",
            "Go",
            "TypeScript",
            "Django",
            "Spring Framework",
        ],
    ),
    (
        "Data Engineering",
        "Computer Science",
        &["SQL", "Apache Spark", "Airflow", "dbt", "Kafka", "Snowflake"],
    ),
    (
        "Machine Learning",
        "Computer Science",
        &[
            "PyTorch",
            "scikit-learn",
            "Feature Engineering",
            "MLOps",
            "NLP",
            "Computer Vision",
        ],
    ),
    (
        "Cloud Platforms",
        "Computer Science",
        &["AWS", "Azure", "Google Cloud", "Serverless", "IAM", "Cost Optimisation"],
    ),
    (
        "Financial accounting",
        "Finance",
        &[
            "Balance Sheet",
            "IFRS",
            "US GAAP",
            "Reconciliation",
            "Accruals",
            "Audit Preparation",
        ],
    ),
    (
        "Financial Planning",
        "Finance",
        &[
            "Budgeting",
            "Forecasting",
            "Variance Analysis",
            "Financial Modelling",
            "Excel",
        ],
    ),
    (
        "Talent Acquisition",
        "Human Resources",
        &[
            "Sourcing",
            "Interviewing",
            "Employer Branding",
            "ATS Administration",
            "Onboarding",
        ],
    ),
    (
        "People Analytics",
        "Human Resources",
        &[
            "HR Metrics",
            "Survey Design",
            "Workforce Planning",
            "Power BI",
            "Attrition Modelling",
        ],
    ),
    (
        "Sales",
        "Commercial",
        &[
            "Negotiation",
            "Prospecting",
            "CRM",
            "Account Management",
            "Pipeline Management",
            "Salesforce",
        ],
    ),
    (
        "Marketing",
        "Commercial",
        &[
            "SEO",
            "Content Marketing",
            "Marketing Automation",
            "Copywriting",
            "Google Analytics",
        ],
    ),
    (
        "Project Management",
        "Management",
        &[
            "Agile",
            "Scrum",
            "Stakeholder Management",
            "Risk Management",
            "Jira",
            "PRINCE2",
        ],
    ),
    (
        "Leadership",
        "Management",
        &[
            "Coaching",
            "Delegation",
            "Conflict Resolution",
            "Strategic Thinking",
            "Change Management",
        ],
    ),
    (
        "Supply Chain",
        "Operations",
        &[
            "Procurement",
            "Inventory Management",
            "Logistics",
            "SAP",
            "Demand Planning",
            "Lean",
        ],
    ),
    (
        "Customer Support",
        "Operations",
        &[
            "Ticketing",
            "Zendesk",
            "Escalation Handling",
            "Knowledge Base Writing",
            "Empathy",
        ],
    ),
    (
        "Legal Compliance",
        "Legal",
        &[
            "GDPR",
            "Contract Review",
            "Employment Law",
            "Policy Writing",
            "Due Diligence",
        ],
    ),
];

/// One skill of a cluster.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Skill {
    /// Skill name.
    pub name: String,
    /// Skill UUID.
    pub skill_id: String,
    /// `validated`, `suggested`, `rejected` or `initially_validated`.
    pub validation_state: String,
    /// Where it was inferred from; may be empty.
    pub skill_sources: Vec<String>,
}

/// One skill cluster of an employee, with every optional part present.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct SkillCluster {
    /// Cluster UUID.
    pub skill_cluster_id: String,
    /// Cluster name.
    pub skill_cluster_name: String,
    /// Domain name.
    pub domain_name: String,
    /// 1..=5.
    pub proficiency_level: u8,
    /// Absent on some clusters, as in TechWolf's example.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub validation_state: Option<String>,
    /// Sent when `current_skills` is included.
    pub current_skills: Vec<Skill>,
    /// Sent when `related_skills` is included.
    pub related_skills: Vec<Skill>,
    /// Sent when `rejected_skills` is included.
    pub rejected_skills: Vec<Skill>,
    /// Sent when `sources` is included.
    pub sources: Vec<String>,
}

/// A seeded TechWolf employee, for assertions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Employee {
    /// Position in creation order (the export's order).
    #[serde(skip)]
    pub index: u64,
    /// The employee's id, UUID-shaped.
    pub external_id: String,
    /// What the `is_active` filter tests (not in the response).
    #[serde(skip)]
    pub is_active: bool,
    /// What the `last_updated` filter compares, `YYYY-MM-DD` (not in the response).
    #[serde(skip)]
    pub last_updated: String,
    /// The clusters, 0 to 4 of them.
    pub skill_clusters: Vec<SkillCluster>,
}

/// Seeded employees, generated on demand from `(seed, index)`.
#[derive(Debug)]
pub(crate) struct TechwolfData {
    seed: u64,
    codec: IdCodec,
    count: u64,
}

fn day_string(day: i64) -> String {
    chrono::DateTime::from_timestamp(day * 86_400, 0)
        .unwrap_or_default()
        .format("%Y-%m-%d")
        .to_string()
}

impl TechwolfData {
    pub(crate) fn new(seed: u64, count: u64) -> Self {
        Self {
            seed,
            codec: IdCodec::new(seed),
            count,
        }
    }

    pub(crate) fn count(&self) -> u64 {
        self.count
    }

    pub(crate) fn external_id(&self, i: u64) -> String {
        self.codec.uuid(IdKind::Employee, i)
    }

    fn is_active(&self, i: u64) -> bool {
        hash3(self.seed, TAG_ACTIVE, i) % 100 < 85
    }

    fn updated_day(&self, i: u64) -> i64 {
        UPDATED_START_DAY + (hash3(self.seed, TAG_UPDATED, i) % UPDATED_SPAN_DAYS) as i64
    }

    fn skill(&self, rng: &mut SmallRng, cluster: usize, skill: usize, state: &str) -> Skill {
        let name = CATALOG
            .get(cluster)
            .and_then(|c| c.2.get(skill))
            .copied()
            .unwrap_or("Unknown");
        let key = (cluster * 64 + skill) as u64;
        let n_sources = rng.random_range(0..=3usize);
        let mut sources: Vec<String> = SOURCES.iter().map(|s| (*s).to_owned()).collect();
        sources.shuffle(rng);
        sources.truncate(n_sources);
        Skill {
            name: name.to_owned(),
            skill_id: uuid_from_hash(
                hash3(self.seed, TAG_SKILL_ID, key),
                hash3(self.seed, TAG_SKILL_ID ^ 1, key),
            ),
            validation_state: state.to_owned(),
            skill_sources: sources,
        }
    }

    pub(crate) fn employee(&self, i: u64) -> Option<Employee> {
        if i >= self.count {
            return None;
        }
        let mut rng = SmallRng::seed_from_u64(hash3(self.seed, TAG_EMPLOYEE, i));
        let n_clusters = match rng.random_range(0..20u32) {
            0 => 0,
            n => 1 + (n % 4) as usize,
        };
        let mut picks: Vec<usize> = (0..CATALOG.len()).collect();
        picks.shuffle(&mut rng);
        let mut clusters = Vec::with_capacity(n_clusters);
        for &c in picks.iter().take(n_clusters) {
            let (name, domain, skills) = CATALOG[c];
            let mut order: Vec<usize> = (0..skills.len()).collect();
            order.shuffle(&mut rng);
            let n_current = rng.random_range(1..=3usize);
            let n_related = rng.random_range(0..=2usize);
            let n_rejected = rng.random_range(0..=1usize);
            let mut next = order.into_iter();
            let mut take = |n: usize, rng: &mut SmallRng, states: &[&str]| -> Vec<Skill> {
                next.by_ref()
                    .take(n)
                    .collect::<Vec<_>>()
                    .into_iter()
                    .map(|s| {
                        let state = states[rng.random_range(0..states.len())];
                        self.skill(rng, c, s, state)
                    })
                    .collect()
            };
            let current = take(
                n_current,
                &mut rng,
                &["validated", "suggested", "suggested", "rejected", "initially_validated"],
            );
            let related = take(n_related, &mut rng, &["suggested"]);
            let rejected = take(n_rejected, &mut rng, &["rejected"]);
            let mut sources: Vec<String> = Vec::new();
            for s in current.iter().chain(&related).flat_map(|s| &s.skill_sources) {
                if !sources.contains(s) {
                    sources.push(s.clone());
                }
            }
            let validation_state = match rng.random_range(0..8u32) {
                0 | 1 => None,
                2..=4 => Some("validated"),
                5 | 6 => Some("suggested"),
                _ => Some("rejected"),
            };
            clusters.push(SkillCluster {
                skill_cluster_id: uuid_from_hash(
                    hash3(self.seed, TAG_CLUSTER_ID, c as u64),
                    hash3(self.seed, TAG_CLUSTER_ID ^ 1, c as u64),
                ),
                skill_cluster_name: name.to_owned(),
                domain_name: domain.to_owned(),
                proficiency_level: rng.random_range(1..=5u8),
                validation_state: validation_state.map(str::to_owned),
                current_skills: current,
                related_skills: related,
                rejected_skills: rejected,
                sources,
            });
        }
        Some(Employee {
            index: i,
            external_id: self.external_id(i),
            is_active: self.is_active(i),
            last_updated: day_string(self.updated_day(i)),
            skill_clusters: clusters,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Tokens

#[derive(Debug)]
struct TokenInfo {
    expires_at: Instant,
    scopes: Vec<String>,
}

/// Issued access tokens; expiry is enforced on use.
#[derive(Debug)]
pub(crate) struct Tokens {
    seed: u64,
    issued: AtomicU64,
    ttl: Mutex<Duration>,
    live: Mutex<HashMap<String, TokenInfo>>,
    /// How far [`crate::MockServer::advance_clock`] moved the token clock ahead of the real one.
    skew: Mutex<Duration>,
}

const ALL_SCOPES: [&str; 3] = ["read", "write", "read_reports"];

impl Tokens {
    pub(crate) fn new(seed: u64, ttl: Duration) -> Self {
        Self {
            seed,
            issued: AtomicU64::new(0),
            ttl: Mutex::new(ttl),
            live: Mutex::new(HashMap::new()),
            skew: Mutex::new(Duration::ZERO),
        }
    }

    /// The time token lifetimes are measured on.
    fn now(&self) -> Instant {
        Instant::now() + *self.skew.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn advance_clock(&self, by: Duration) {
        let mut skew = self.skew.lock().unwrap_or_else(|e| e.into_inner());
        *skew = skew.saturating_add(by);
    }

    pub(crate) fn issued(&self) -> u64 {
        self.issued.load(Ordering::Relaxed)
    }

    pub(crate) fn set_ttl(&self, ttl: Duration) {
        *self.ttl.lock().unwrap_or_else(|e| e.into_inner()) = ttl;
    }

    pub(crate) fn revoke_all(&self) {
        self.live.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }

    fn issue(&self, scopes: Vec<String>) -> (String, Duration) {
        let n = self.issued.fetch_add(1, Ordering::Relaxed);
        let token = format!(
            "twm_{:016x}{:016x}{:016x}",
            hash3(self.seed, TAG_TOKEN, n),
            hash3(self.seed, TAG_TOKEN + 1, n),
            hash3(self.seed, TAG_TOKEN + 2, n)
        );
        let ttl = *self.ttl.lock().unwrap_or_else(|e| e.into_inner());
        let now = self.now();
        let mut live = self.live.lock().unwrap_or_else(|e| e.into_inner());
        live.retain(|_, t| t.expires_at > now);
        live.insert(
            token.clone(),
            TokenInfo {
                expires_at: now + ttl,
                scopes,
            },
        );
        (token, ttl)
    }

    /// `Ok(scopes)` for a live token.
    fn check(&self, token: &str) -> Result<Vec<String>, &'static str> {
        let mut live = self.live.lock().unwrap_or_else(|e| e.into_inner());
        match live.get(token) {
            None => Err("The access token is invalid, expired or revoked."),
            Some(t) if t.expires_at <= self.now() => {
                live.remove(token);
                Err("The access token has expired.")
            }
            Some(t) => Ok(t.scopes.clone()),
        }
    }
}

#[derive(Serialize)]
struct TokenResponse {
    access_token: String,
    expires_in: u64,
    scope: String,
    token_type: &'static str,
}

/// Reads a token request sent as JSON (TechWolf's documented form) or as a form body (RFC 6749).
fn token_fields(headers: &HeaderMap, body: &[u8]) -> Result<HashMap<String, Value>, String> {
    let ctype = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    if ctype.starts_with("application/x-www-form-urlencoded") {
        let uri: axum::http::Uri = format!("/?{}", String::from_utf8_lossy(body))
            .parse()
            .map_err(|_| "The form body could not be parsed.".to_owned())?;
        let pairs = axum::extract::Query::<Vec<(String, String)>>::try_from_uri(&uri)
            .map_err(|e| format!("The form body could not be parsed: {e}"))?;
        return Ok(pairs.0.into_iter().map(|(k, v)| (k, Value::String(v))).collect());
    }
    if !ctype.starts_with("application/json") {
        return Err("Send the token request as application/json.".to_owned());
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map.into_iter().collect()),
        Ok(_) => Err("The request body must be a JSON object.".to_owned()),
        Err(e) => Err(format!("The request body is not valid JSON: {e}")),
    }
}

/// `POST /oauth/token` (client credentials).
pub(crate) async fn token(State(state): State<Arc<AppState>>, headers: HeaderMap, body: Bytes) -> Response {
    state.delay(Route::TechwolfToken).await;
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

// ---------------------------------------------------------------------------------------------
// Export

/// Whether export pages carry `next_starting_after` (TechWolf's docs show it both ways).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum NextStartingAfter {
    /// On every page that has a next page.
    #[default]
    Present,
    /// Never: clients must continue after the last record's `external_id`.
    Absent,
    /// On some pages only (decided by the last record's index), to test the fallback mid-stream.
    Alternating,
}

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

fn export_auth(state: &AppState, headers: &HeaderMap) -> Option<Response> {
    let unauthorized = |description: &str| {
        let mut r = techwolf_error(StatusCode::UNAUTHORIZED, description);
        r.headers_mut().insert(
            "www-authenticate",
            HeaderValue::from_static("Bearer error=\"invalid_token\""),
        );
        r
    };
    let Some(token) = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    else {
        return Some(unauthorized(
            "Missing or malformed Authorization header; send `Authorization: Bearer <token>`.",
        ));
    };
    match state.tokens.check(token.trim()) {
        Err(m) => Some(unauthorized(m)),
        Ok(scopes) if !scopes.iter().any(|s| s == "read") => Some(techwolf_error(
            StatusCode::FORBIDDEN,
            "The access token lacks the `read` scope.",
        )),
        Ok(_) => None,
    }
}

/// `POST /export/employees/skill_clusters`.
pub(crate) async fn export(State(state): State<Arc<AppState>>, headers: HeaderMap, body: Bytes) -> Response {
    if let Some(r) = export_auth(&state, &headers) {
        return r;
    }
    state.delay(Route::TechwolfExport).await;
    let bad = |description: String| techwolf_error(StatusCode::BAD_REQUEST, &description);
    let json_body = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with("application/json"));
    if !json_body {
        return bad(
            "The request body was not structured correctly: send it as `Content-Type: application/json`.".to_owned(),
        );
    }
    let value: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => return bad(format!("The request body was not structured correctly: {e}.")),
    };
    let schema = state.contract.check_request(Route::TechwolfExport, &value);
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
    let data = &state.techwolf;
    let start = match &req.starting_after {
        None => 0,
        Some(id) => match data.codec.decode_uuid(IdKind::Employee, id).filter(|i| *i < data.count) {
            Some(i) => i + 1,
            None => {
                return bad(format!(
                    "`starting_after` `{id}` is not the external_id of an employee."
                ));
            }
        },
    };
    let matches = |i: u64| {
        req.is_active.is_none_or(|a| data.is_active(i) == a)
            && req.last_updated.iter().all(|(gt, day)| {
                let d = data.updated_day(i);
                if *gt { d > *day } else { d < *day }
            })
    };
    let mut employees = Vec::with_capacity(req.limit);
    let mut has_next = false;
    for i in start..data.count {
        if !matches(i) {
            continue;
        }
        if employees.len() == req.limit {
            has_next = true;
            break;
        }
        if let Some(e) = data.employee(i) {
            employees.push(e);
        }
    }
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
                    validation_state: c.validation_state.as_deref(),
                    current_skills: req.current_skills.then_some(c.current_skills.as_slice()),
                    related_skills: req.related_skills.then_some(c.related_skills.as_slice()),
                    rejected_skills: req.rejected_skills.then_some(c.rejected_skills.as_slice()),
                    sources: req.sources.then_some(c.sources.as_slice()),
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
