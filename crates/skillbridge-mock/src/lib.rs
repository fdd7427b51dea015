//! An embedded HTTP server that speaks Kombo's and TechWolf's APIs, for tests, examples and
//! benchmarks of the `skillbridge` clients.
//!
//! It serves, on `127.0.0.1` and an ephemeral port:
//! - Kombo `GET` and `POST /hris/staffing-entity-skills` under [`MockServer::kombo_base_url`],
//! - TechWolf `POST /export/employees/skill_clusters` under [`MockServer::techwolf_base_url`],
//! - TechWolf's OAuth 2.0 client-credentials token endpoint at [`MockServer::token_url`].
//!
//! ```no_run
//! use std::time::Duration;
//! use skillbridge_mock::{Fault, MockServer, Route};
//!
//! # async fn demo() -> std::io::Result<()> {
//! let server = MockServer::builder()
//!     .seed(7)
//!     .staffing_entities(2_000)
//!     .skills_per_entity(5)
//!     .employees(500)
//!     .token_ttl(Duration::from_secs(3600))
//!     .latency(Route::KomboUpsert, Duration::from_millis(5))
//!     .fault(Route::KomboList, Fault::rate_limit().first(2))
//!     .write_concurrency_limit(30)
//!     .start()
//!     .await?;
//! let list_url = format!("{}/hris/staffing-entity-skills", server.kombo_base_url());
//! // ... point a client at `list_url` with `server.kombo_api_key()` and `server.integration_id()`.
//! server.set_faults(Route::TechwolfExport, [Fault::ExpireTokens.first(1)]); // at runtime
//! assert!(server.contract_violations().is_empty());
//! # Ok(()) }
//! ```
//!
//! # Data
//! Everything is derived from the seed: the same seed and sizes give the same ids, levels,
//! timestamps and employees, byte for byte. Nothing is materialised up front; a record is computed
//! from `(seed, index)` when it is served, so a million expectations cost no memory. Only writes
//! are stored.
//!
//! **Kombo.** `staffing_entities × skills_per_entity` expectations. Expectation `i` belongs to
//! entity `i / skills_per_entity`; the entity's skills are distinct, drawn from a catalog of
//! `skill_catalog` skills. About 10% have `expected_level: null`, about 5% are deleted
//! (`remote_deleted_at` set, hidden unless `include_deleted=true`), about 5% of staffing entities
//! are closed (at least one when there are two or more). Ids are 24-character base58 strings,
//! like Kombo's, that decode back to the index, so id filters and cursors cost O(1) per value.
//! Seeded `changed_at` values fall in 2024-2025; writes are stamped with the wall clock (and
//! always later than every seeded value), so a write is visible to `updated_after`.
//! The listing order is creation order; records created by upserts come after the seeded ones.
//! Each record also has a remote id `SES-<index + 1, 8 digits>` for the `remote_ids` filter
//! (the response has no remote id field).
//!
//! **TechWolf.** `employees` employees in creation order, about 85% active, with 0 to 4 skill
//! clusters from a fixed catalog of 16. Clusters sometimes lack `validation_state`; skills cover
//! `validated`, `suggested`, `rejected` and `initially_validated`, and `skill_sources` may be
//! empty. `external_id`s are UUID-shaped and decode back to the index (keyset pagination in O(1)).
//!
//! # Behaviour and chosen status codes
//! - Kombo auth: wrong or missing `Authorization: Bearer <key>` → 401
//!   `PLATFORM.AUTHENTICATION_INVALID`; missing `X-Integration-Id` → 400 `PLATFORM.INPUT_INVALID`;
//!   an unknown one → 404 `PLATFORM.INTEGRATION_NOT_FOUND`.
//! - Kombo list: `ids`, `remote_ids`, `staffing_entity_ids`, `skill_ids` (comma-separated; OR
//!   within, AND across; an empty value is no filter; unknown ids match nothing),
//!   `updated_after` (RFC 3339, inclusive: `changed_at >= updated_after`), `include_deleted`,
//!   `ignore_unsupported_filters` (see [`MockServerBuilder::unsupported_filter`]), `page_size`
//!   (1..=250, default 100) and `cursor`. Unknown or repeated parameters, bad booleans, dates or
//!   page sizes → 400 `PLATFORM.INPUT_INVALID`. Cursors are base64 JSON of the last index served
//!   and a hash of the filters: stateless, so they stay valid on a fresh listing (even on another
//!   server with the same seed), and a cursor sent with other filters → 400. `page_size` may
//!   change between pages. `next` is `null` on the last page.
//! - Kombo upsert: the body must be `application/json` and match the spec (`staffing_entity_id`
//!   and `skill_id` non-empty strings, `expected_level` an integer 1..=5 or omitted; `null` is
//!   refused as the spec's type is `integer`) → else 400 `PLATFORM.INPUT_INVALID` with a message
//!   naming the field. Unknown staffing entity or skill → **404** `PLATFORM.INPUT_INVALID`;
//!   closed staffing entity → **409** `HRIS.STAFFING_ENTITY_CLOSED`. It creates or updates by
//!   `(staffing_entity_id, skill_id)` (omitting `expected_level` sets it to `null`; an upsert on
//!   a deleted record restores it) and returns the saved record. `changed_at` moves only when a
//!   field changes, as Kombo documents; an identical upsert returns the record unchanged.
//! - Kombo write concurrency: a real in-flight limit ([`MockServerBuilder::write_concurrency_limit`],
//!   default 30) held through the added latency; over it → 429 `PLATFORM.CONCURRENCY_LIMIT_EXCEEDED`
//!   with `Concurrency-Limit` and `Concurrency-Remaining` (also sent on successful writes).
//! - TechWolf token: JSON (as documented) or form body with `client_id`, `client_secret`,
//!   `audience`, `grant_type: client_credentials`, `tenant`, optional `scopes` (array or
//!   space-separated). Wrong client → 401 `{"error":"access_denied",...}`; wrong audience or
//!   tenant or an unknown scope → 403; missing fields → 400 `invalid_request`. Tokens expire after
//!   the TTL (enforced on the export; `expires_in` is the TTL in whole seconds, at least 1).
//! - TechWolf export: missing/unknown/expired/revoked token → 401, token without the `read`
//!   scope → 403, bodies that are not `application/json` or do not match the spec → 400, all
//!   with TechWolf's `[{"title","description"}]`. An unknown `starting_after` → 400.
//! - Numbers: an integer field accepts any whole number, `59` and `59.0` alike, as JSON Schema
//!   counts integers (one rule for both vendors: Kombo's `expected_level`, TechWolf's `limit`).
//!
//! ## Where the mock is stricter than the specs, on purpose
//! Third-party validators (Schemathesis, Prism) found the mock stricter than the specs in these
//! places; each is a decision, kept so that a client bug shows up here rather than in production:
//! - An unknown `starting_after` is a 400, the spec's own example request included (its id is not
//!   one of the seeded employees): `external_id`s are opaque to a client, so continuing "after" a
//!   key the server never issued would hide a client that invents or mangles keys.
//! - `cursor=` (empty) is a 400 while an empty `ids=` (or any empty filter list) is no filter: an
//!   empty list filters nothing, but an empty cursor cannot be told from "start over", which is
//!   how a client that loses its cursor loops forever.
//! - Unknown query parameters are a 400 (`PLATFORM.INPUT_INVALID` naming the parameter). Real APIs
//!   often ignore them; here a typo in a client's filter name fails loudly instead of silently
//!   returning everything.
//!   `last_updated` filters compare the employee's update date strictly (`gt`: after, `lt`:
//!   before). `next_starting_after` is configurable ([`NextStartingAfter`]) and never sent on the
//!   last page.
//!
//! # Faults
//! A real rate limit per vendor ([`MockServerBuilder::rate_limit`]): `ratelimit-*` headers on
//! every response, `429` past the limit until the window resets.
//!
//! Injected rate limits (429 with `ratelimit-*` and `Retry-After`), 503 with an HTML body, any
//! vendor-shaped error, added delay, a truncated or malformed JSON body, a body cut off
//! mid-transfer, a dropped connection and early token expiry: see [`Fault`]. Faults are set per
//! [`Route`] at build time ([`MockServerBuilder::fault`]) or at runtime
//! ([`MockServer::set_faults`], [`MockServer::add_fault`], [`MockServer::clear_faults`]), each
//! with a [`Trigger`]: always, the first N requests, every Nth, or a seeded probability. Faults
//! run before authentication, as a gateway's would. Latency per route
//! ([`MockServerBuilder::latency`]) is added after authentication (inside the write permit).
//!
//! # Contract checks
//! With [`MockServerBuilder::contract_checks`] on (the default in debug builds, so in tests;
//! off by default in release builds, so in benchmarks), every JSON response of the Kombo
//! and TechWolf routes is validated against the response schema of the vendored spec
//! (`specs/kombo/*.yaml` with `specs/kombo/overlay.yaml` applied, `specs/techwolf/openapi.yaml`;
//! JSON Schema 2020-12 with formats checked), and every request body against the request schema;
//! failures are recorded in [`MockServer::contract_violations`] and a failing request gets the
//! vendor's 400. Checking costs
//! a JSON parse and a schema walk of each response (measured in release builds: about 0.4 ms per
//! 250-record Kombo page, 3.6 ms per 100-employee TechWolf page with every `include`).
//!
//! # Throughput
//! Records are computed on demand (about 0.4 µs per expectation, 5 µs per employee in release
//! builds) and pages are serialised straight from them. `cargo run --release -p skillbridge-mock
//! --example throughput` streams 100,000 expectations at `page_size` 250 through plain reqwest:
//! about 0.3 s, most of it the client's JSON parsing.
//!
//! # Request log
//! [`MockServer::request_log`] keeps the last [`MockServerBuilder::request_log_capacity`] requests
//! (default 1024) with `Authorization` values and `client_secret` masked. Counters that never
//! forget: [`MockServer::request_count`] per route, [`MockServer::token_requests`],
//! [`MockServer::peak_concurrent_writes`].
//!
//! # Layout
//! The harness names no vendor; each vendor lives in one folder and plugs into it.
//! - `server`: the vendor-neutral core state (faults, request log, contract checks, per-route
//!   counts, holds), the fault/log/contract middleware and the accept loop. It merges the
//!   routers the vendors hand it and never imports a vendor module.
//! - `http`: JSON responses, bearer tokens and the one `Content-Type` check.
//! - `faults`, `hold`, `log`, `contract`, `ids`, `json`: fault rules, holds, the request log, the
//!   spec checks, seeded ids and the integer rule, all shared.
//! - `kombo/`: `data` (seeded records and writes), `query` (list parameters and cursors),
//!   `handlers`, `error` (Kombo's envelope and codes), `state` (credentials, write limit and
//!   counters); `routes()` plugs it in.
//! - `techwolf/`: `data` (seeded employees), `token_endpoint` (OAuth 2.0), `token_store` (issued tokens), `export`, `error` (the error
//!   array and OAuth errors), `state` (client, tokens, `next_starting_after` mode); `routes()`.
//! - This file is the one composition point: the builder, the states, and [`MockServer`].
//!
//! # Events for tests
//! Tests synchronise on events, not on time: [`MockServer::hold`] keeps a route's requests
//! waiting until [`MockServer::release`] ([`MockServer::wait_held`] resolves once N are waiting),
//! [`MockServer::wait_logged`] resolves once the server has finished with N requests (answered or
//! abandoned), [`MockServer::advance_clock`] expires tokens without waiting, and
//! [`MockServer::shutdown`] returns once every connection is closed.
#![deny(missing_docs)]

mod contract;
mod faults;
mod hold;
mod http;
mod ids;
mod json;
mod kombo;
mod log;
mod rate_limit;
mod server;
mod techwolf;

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

pub use contract::{ContractSchemas, ContractViolation, Direction};
pub use faults::{Fault, FaultRule, Route, Trigger};
pub use kombo::{Expectation, StaffingEntity};
pub use log::{LoggedRequest, MASK};
pub use techwolf::{Employee, NextStartingAfter, Skill, SkillCluster};

use ids::{IdCodec, IdKind, hash3};
use kombo::KomboState;
use server::Core;
use techwolf::TechwolfState;

/// The credentials the mock accepts, per vendor.
#[derive(Clone, Debug)]
struct Credentials {
    kombo: kombo::Credentials,
    techwolf: techwolf::Credentials,
}

/// The composition point: the vendor-neutral core and each vendor's state. This is the one
/// place that names both the server and the vendors; the server never imports a vendor.
#[derive(Debug)]
struct AppState {
    core: Arc<Core>,
    kombo: Arc<KomboState>,
    techwolf: Arc<TechwolfState>,
}

/// Configures and starts a [`MockServer`]. Every setting has a default; see each method.
#[derive(Clone)]
pub struct MockServerBuilder {
    seed: u64,
    host: IpAddr,
    port: u16,
    staffing_entities: u32,
    skills_per_entity: u32,
    skill_catalog: u32,
    employees: u64,
    token_ttl: Duration,
    latency: HashMap<Route, Duration>,
    faults: Vec<(Route, FaultRule)>,
    write_concurrency_limit: u32,
    announced_write_limits: Vec<String>,
    rate_limit: Option<(u32, Duration)>,
    request_log_capacity: usize,
    contract_checks: bool,
    unsupported_filters: Vec<String>,
    next_starting_after: NextStartingAfter,
    kombo_api_key: Option<String>,
    integration_id: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
    audience: Option<String>,
    tenant: Option<String>,
    echo_client_secret: bool,
}

impl std::fmt::Debug for MockServerBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockServerBuilder")
            .field("seed", &self.seed)
            .field("host", &self.host)
            .field("port", &self.port)
            .field("staffing_entities", &self.staffing_entities)
            .field("skills_per_entity", &self.skills_per_entity)
            .field("skill_catalog", &self.skill_catalog)
            .field("employees", &self.employees)
            .field("token_ttl", &self.token_ttl)
            .field("faults", &self.faults)
            .field("write_concurrency_limit", &self.write_concurrency_limit)
            .field("announced_write_limits", &self.announced_write_limits)
            .field("rate_limit", &self.rate_limit)
            .field("contract_checks", &self.contract_checks)
            .finish_non_exhaustive()
    }
}

impl Default for MockServerBuilder {
    fn default() -> Self {
        Self {
            seed: 1,
            host: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 0,
            staffing_entities: 200,
            skills_per_entity: 5,
            skill_catalog: 300,
            employees: 100,
            token_ttl: Duration::from_secs(3600),
            latency: HashMap::new(),
            faults: Vec::new(),
            write_concurrency_limit: 30,
            announced_write_limits: Vec::new(),
            rate_limit: None,
            request_log_capacity: 1024,
            // Tests run in debug builds, benchmarks in release builds: see the crate docs.
            contract_checks: cfg!(debug_assertions),
            unsupported_filters: Vec::new(),
            next_starting_after: NextStartingAfter::Present,
            kombo_api_key: None,
            integration_id: None,
            client_id: None,
            client_secret: None,
            audience: None,
            tenant: None,
            echo_client_secret: false,
        }
    }
}

impl MockServerBuilder {
    /// Seed of all generated data, ids, default credentials and probabilistic faults (default 1).
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Address to bind (default `127.0.0.1`).
    pub fn host(mut self, host: IpAddr) -> Self {
        self.host = host;
        self
    }

    /// Port to bind (default 0: an ephemeral port).
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// Number of Kombo staffing entities (default 200).
    pub fn staffing_entities(mut self, n: u32) -> Self {
        self.staffing_entities = n;
        self
    }

    /// Expectations per staffing entity (default 5); the total is `staffing_entities × this`.
    pub fn skills_per_entity(mut self, n: u32) -> Self {
        self.skills_per_entity = n;
        self
    }

    /// Size of the Kombo skill catalog (default 300; raised to `skills_per_entity` if smaller).
    pub fn skill_catalog(mut self, n: u32) -> Self {
        self.skill_catalog = n;
        self
    }

    /// Number of TechWolf employees (default 100).
    pub fn employees(mut self, n: u64) -> Self {
        self.employees = n;
        self
    }

    /// Lifetime of TechWolf access tokens (default 1 hour), enforced by the server.
    pub fn token_ttl(mut self, ttl: Duration) -> Self {
        self.token_ttl = ttl;
        self
    }

    /// Latency added to every request of a route (after authentication).
    pub fn latency(mut self, route: Route, latency: Duration) -> Self {
        self.latency.insert(route, latency);
        self
    }

    /// Adds a fault rule to a route (a bare [`Fault`] fires on every request).
    pub fn fault(mut self, route: Route, rule: impl Into<FaultRule>) -> Self {
        self.faults.push((route, rule.into()));
        self
    }

    /// In-flight limit for Kombo writes (default 30, like Kombo's example); 0 means no limit.
    pub fn write_concurrency_limit(mut self, limit: u32) -> Self {
        self.write_concurrency_limit = limit;
        self
    }

    /// What Kombo's write answers announce in `Concurrency-Limit`, one value per answer in a cycle
    /// (default: the real [`write_concurrency_limit`](Self::write_concurrency_limit)), to play a
    /// server whose announcements cannot be trusted: flip-flopping, huge, zero, negative or not a
    /// number. The real limit is unchanged. [`MockServer::start`] refuses a value that is not a
    /// valid header value.
    pub fn announced_write_limits<I, S>(mut self, values: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.announced_write_limits = values.into_iter().map(Into::into).collect();
        self
    }

    /// A rate limit on each vendor's API (default none): `requests` per `window`, counted per
    /// vendor, the token endpoint excepted. Every response of a limited route carries
    /// `ratelimit-limit`, `ratelimit-remaining` and `ratelimit-reset` (whole seconds, rounded up);
    /// a request over the limit gets a `429` in the vendor's shape (Kombo:
    /// `PLATFORM.RATE_LIMIT_EXCEEDED`) until the window resets. A window opens with the first
    /// request after the previous one closed.
    pub fn rate_limit(mut self, requests: u32, window: Duration) -> Self {
        self.rate_limit = Some((requests, window));
        self
    }

    /// How many requests the log keeps (default 1024; 0 keeps none).
    pub fn request_log_capacity(mut self, n: usize) -> Self {
        self.request_log_capacity = n;
        self
    }

    /// Validate requests and responses against the specs. Default: on in debug builds (where
    /// tests run), off in release builds (where benchmarks run), because checking costs about
    /// 0.4 ms per 250-record Kombo page and 3.6 ms per 100-employee TechWolf page.
    pub fn contract_checks(mut self, on: bool) -> Self {
        self.contract_checks = on;
        self
    }

    /// Declares a Kombo list filter (`ids`, `remote_ids`, `staffing_entity_ids`, `skill_ids`,
    /// `updated_after`) unsupported by the integration: a listing that uses it returns no
    /// results unless `ignore_unsupported_filters=true`, which drops the filter instead.
    pub fn unsupported_filter(mut self, name: &str) -> Self {
        self.unsupported_filters.push(name.to_owned());
        self
    }

    /// Whether export pages carry `next_starting_after` (default: present).
    pub fn next_starting_after(mut self, mode: NextStartingAfter) -> Self {
        self.next_starting_after = mode;
        self
    }

    /// The Kombo API key to accept (default derived from the seed).
    pub fn kombo_api_key(mut self, key: impl Into<String>) -> Self {
        self.kombo_api_key = Some(key.into());
        self
    }

    /// The `X-Integration-Id` to accept (default `sandbox:<24 characters from the seed>`).
    pub fn integration_id(mut self, id: impl Into<String>) -> Self {
        self.integration_id = Some(id.into());
        self
    }

    /// The TechWolf OAuth client id to accept (default derived from the seed).
    pub fn client_id(mut self, id: impl Into<String>) -> Self {
        self.client_id = Some(id.into());
        self
    }

    /// The TechWolf OAuth client secret to accept (default derived from the seed).
    pub fn client_secret(mut self, secret: impl Into<String>) -> Self {
        self.client_secret = Some(secret.into());
        self
    }

    /// The token audience to accept (default `eu3.techwolf.ai`).
    pub fn audience(mut self, audience: impl Into<String>) -> Self {
        self.audience = Some(audience.into());
        self
    }

    /// The TechWolf tenant to accept in token requests (default `acme`).
    pub fn tenant(mut self, tenant: impl Into<String>) -> Self {
        self.tenant = Some(tenant.into());
        self
    }

    fn credentials(&self) -> Credentials {
        let s = self.seed;
        let h = |tag: u64| hash3(s, tag, 0);
        Credentials {
            kombo: kombo::Credentials {
                api_key: self
                    .kombo_api_key
                    .clone()
                    .unwrap_or_else(|| format!("kombo_mock_{:016x}{:016x}", h(301), h(302))),
                integration_id: self
                    .integration_id
                    .clone()
                    .unwrap_or_else(|| format!("sandbox:{}", IdCodec::new(s).kombo(IdKind::Integration, 0).as_str())),
            },
            techwolf: techwolf::Credentials {
                client_id: self
                    .client_id
                    .clone()
                    .unwrap_or_else(|| format!("twmock_{:016x}", h(303))),
                client_secret: self
                    .client_secret
                    .clone()
                    .unwrap_or_else(|| format!("{:016x}{:016x}", h(304), h(305))),
                audience: self.audience.clone().unwrap_or_else(|| "eu3.techwolf.ai".to_owned()),
                tenant: self.tenant.clone().unwrap_or_else(|| "acme".to_owned()),
            },
        }
    }

    /// Makes the token endpoint repeat a wrong `client_secret` in its `error_description`, as
    /// careless servers and proxies do (default off): clients must keep it out of their errors.
    pub fn echo_client_secret(mut self, on: bool) -> Self {
        self.echo_client_secret = on;
        self
    }

    /// Binds the listener and starts serving on the current Tokio runtime.
    pub async fn start(self) -> std::io::Result<MockServer> {
        if self.contract_checks {
            // Fail early (not on the first request) if the vendored specs do not compile.
            contract::ContractSchemas::builtin().map_err(std::io::Error::other)?;
        }
        let faults = faults::FaultSet::new(self.seed);
        for (route, rule) in &self.faults {
            faults.add(*route, rule.clone());
        }
        for (route, latency) in &self.latency {
            faults.set_latency(*route, *latency);
        }
        let announced_limits = self
            .announced_write_limits
            .iter()
            .map(|value| {
                axum::http::HeaderValue::from_str(value).map_err(|_| {
                    std::io::Error::new(
                        std::io::ErrorKind::InvalidInput,
                        format!("announced write limit {value:?} is not a valid header value"),
                    )
                })
            })
            .collect::<std::io::Result<Vec<_>>>()?;
        let creds = self.credentials();
        let core = Arc::new(Core::new(
            faults,
            log::RequestLog::new(self.request_log_capacity),
            contract::Contract::new(self.contract_checks),
            self.rate_limit
                .map(|(requests, window)| rate_limit::RateLimit::new(requests, window)),
        ));
        let kombo = Arc::new(KomboState::new(
            creds.kombo,
            kombo::KomboData::new(
                self.seed,
                kombo::KomboSizes {
                    staffing_entities: self.staffing_entities,
                    skills_per_entity: self.skills_per_entity,
                    skill_catalog: self.skill_catalog,
                },
                self.unsupported_filters.clone(),
            ),
            self.write_concurrency_limit,
            announced_limits,
        ));
        let techwolf = Arc::new(TechwolfState {
            creds: creds.techwolf,
            data: techwolf::TechwolfData::new(self.seed, self.employees),
            tokens: techwolf::TokenStore::new(self.seed, self.token_ttl),
            next_starting_after: std::sync::Mutex::new(self.next_starting_after),
            echo_client_secret: self.echo_client_secret,
        });
        let router = server::router(
            Arc::clone(&core),
            vec![
                kombo::routes(Arc::clone(&core), Arc::clone(&kombo)),
                techwolf::routes(Arc::clone(&core), Arc::clone(&techwolf)),
            ],
        );
        let state = AppState { core, kombo, techwolf };
        let listener = server::bind(SocketAddr::new(self.host, self.port)).await?;
        let addr = listener.local_addr()?;
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let task = server::spawn(listener, router, stopped);
        Ok(MockServer {
            addr,
            seed: self.seed,
            state,
            task,
            stop,
        })
    }
}

/// A running mock server. Dropping it stops the server and closes its connections.
pub struct MockServer {
    addr: SocketAddr,
    seed: u64,
    state: AppState,
    task: tokio::task::JoinHandle<()>,
    stop: tokio::sync::watch::Sender<bool>,
}

impl std::fmt::Debug for MockServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockServer")
            .field("addr", &self.addr)
            .field("seed", &self.seed)
            .finish_non_exhaustive()
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl MockServer {
    /// A builder with every default.
    pub fn builder() -> MockServerBuilder {
        MockServerBuilder::default()
    }

    /// Starts a server with every default.
    pub async fn start() -> std::io::Result<MockServer> {
        Self::builder().start().await
    }

    /// Stops the server and returns once the listener and every connection are closed (dropping
    /// the server stops it too, without waiting).
    pub async fn shutdown(mut self) {
        self.stop.send_replace(true);
        // A panicking or aborted server task is stopped as well.
        let _ = (&mut self.task).await;
    }

    /// Holds the route's requests from now on: each waits, after authentication and (for writes)
    /// after taking its write permit, until [`MockServer::release`]. With
    /// [`MockServer::wait_held`], a test makes requests overlap, or keeps one open, for as long
    /// as it needs instead of adding latency and hoping it suffices.
    pub fn hold(&self, route: Route) {
        self.state.core.holds.set(route, true);
    }

    /// Lets the route's held requests, and later ones, through.
    pub fn release(&self, route: Route) {
        self.state.core.holds.set(route, false);
    }

    /// Requests of the route being held right now.
    pub fn held(&self, route: Route) -> u64 {
        self.state.core.holds.held(route)
    }

    /// Resolves once at least `n` requests of the route are being held.
    pub async fn wait_held(&self, route: Route, n: u64) {
        self.state.core.holds.wait_held(route, n).await;
    }

    /// Requests logged since the server started; unlike [`MockServer::request_log`] this counts
    /// every request once it is answered or abandoned, and is not reset by clearing the log.
    pub fn logged_count(&self) -> u64 {
        *self.state.core.logged.borrow()
    }

    /// Resolves once [`MockServer::logged_count`] reaches `n`: the moment the server has finished
    /// with (or noticed the client abandon) that many requests.
    pub async fn wait_logged(&self, n: u64) {
        let mut logged = self.state.core.logged.subscribe();
        let _ = logged.wait_for(|logged| *logged >= n).await;
    }

    /// Moves the clock that token expiry is measured on forward by `by`, so that tests expire
    /// tokens without waiting for them.
    pub fn advance_clock(&self, by: Duration) {
        self.state.techwolf.tokens.advance_clock(by);
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The seed the data was generated from.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Base URL of the Kombo API, e.g. `http://127.0.0.1:PORT/kombo/v1`.
    pub fn kombo_base_url(&self) -> String {
        format!("http://{}{}", self.addr, kombo::PREFIX)
    }

    /// Base URL of the TechWolf API, e.g. `http://127.0.0.1:PORT/techwolf`.
    pub fn techwolf_base_url(&self) -> String {
        format!("http://{}{}", self.addr, techwolf::PREFIX)
    }

    /// The TechWolf token endpoint, e.g. `http://127.0.0.1:PORT/oauth/token`.
    pub fn token_url(&self) -> String {
        format!("http://{}{}", self.addr, techwolf::TOKEN_PATH)
    }

    /// The Kombo API key the server accepts.
    pub fn kombo_api_key(&self) -> &str {
        &self.state.kombo.creds.api_key
    }

    /// The `X-Integration-Id` the server accepts.
    pub fn integration_id(&self) -> &str {
        &self.state.kombo.creds.integration_id
    }

    /// The TechWolf OAuth client id.
    pub fn client_id(&self) -> &str {
        &self.state.techwolf.creds.client_id
    }

    /// The TechWolf OAuth client secret.
    pub fn client_secret(&self) -> &str {
        &self.state.techwolf.creds.client_secret
    }

    /// The token audience.
    pub fn audience(&self) -> &str {
        &self.state.techwolf.creds.audience
    }

    /// The TechWolf tenant.
    pub fn tenant(&self) -> &str {
        &self.state.techwolf.creds.tenant
    }

    /// The last requests received (oldest first), secrets masked.
    pub fn request_log(&self) -> Vec<LoggedRequest> {
        self.state.core.log.snapshot()
    }

    /// Empties the request log.
    pub fn clear_request_log(&self) {
        self.state.core.log.clear();
    }

    /// Requests the token endpoint received (whatever their outcome, faults included).
    pub fn token_requests(&self) -> u64 {
        self.request_count(Route::TechwolfToken)
    }

    /// Requests a route received so far, whatever their outcome (faults included); unlike the
    /// request log this never forgets, so retry counts can be asserted on long runs.
    pub fn request_count(&self, route: Route) -> u64 {
        self.state.core.route_requests[route.position()].load(Ordering::Relaxed)
    }

    /// Requests refused by the [rate limit](MockServerBuilder::rate_limit) so far.
    pub fn rate_limit_refusals(&self) -> u64 {
        self.state
            .core
            .rate_limit
            .as_ref()
            .map_or(0, rate_limit::RateLimit::refused)
    }

    /// The most authenticated Kombo writes that were being handled at the same time (rejected
    /// ones included): assert a client's own write concurrency with it.
    pub fn peak_concurrent_writes(&self) -> u64 {
        self.state.kombo.peak_writes()
    }

    /// Access tokens issued.
    pub fn tokens_issued(&self) -> u64 {
        self.state.techwolf.tokens.issued()
    }

    /// Revokes every access token issued so far (early expiry), as [`Fault::ExpireTokens`] does.
    pub fn revoke_tokens(&self) {
        self.state.techwolf.tokens.revoke_all();
    }

    /// Changes the lifetime of tokens issued from now on.
    pub fn set_token_ttl(&self, ttl: Duration) {
        self.state.techwolf.tokens.set_ttl(ttl);
    }

    /// Contract violations seen so far (bounded to the last 1000).
    pub fn contract_violations(&self) -> Vec<ContractViolation> {
        self.state.core.contract.violations()
    }

    /// Forgets recorded contract violations.
    pub fn clear_contract_violations(&self) {
        self.state.core.contract.clear();
    }

    /// Replaces a route's fault rules (counts restart).
    pub fn set_faults<I>(&self, route: Route, rules: I)
    where
        I: IntoIterator,
        I::Item: Into<FaultRule>,
    {
        self.state
            .core
            .faults
            .set(route, rules.into_iter().map(Into::into).collect());
    }

    /// Adds a fault rule to a route.
    pub fn add_fault(&self, route: Route, rule: impl Into<FaultRule>) {
        self.state.core.faults.add(route, rule.into());
    }

    /// Removes every fault rule of every route.
    pub fn clear_faults(&self) {
        self.state.core.faults.clear();
    }

    /// Sets a route's added latency.
    pub fn set_latency(&self, route: Route, latency: Duration) {
        self.state.core.faults.set_latency(route, latency);
    }

    /// Changes whether export pages carry `next_starting_after`.
    pub fn set_next_starting_after(&self, mode: NextStartingAfter) {
        self.state.techwolf.set_next_starting_after(mode);
    }

    /// All expectations, deleted ones and those created by upserts included.
    pub fn expectations_count(&self) -> u64 {
        self.state.kombo.data.total()
    }

    /// Expectations a listing without `include_deleted` returns. O(total): for assertions.
    pub fn visible_expectations_count(&self) -> u64 {
        self.state.kombo.data.visible_count()
    }

    /// The expectation at a position in listing order.
    pub fn expectation(&self, index: u64) -> Option<Expectation> {
        self.state.kombo.data.expectation(index)
    }

    /// The expectation with this Kombo id.
    pub fn expectation_by_id(&self, id: &str) -> Option<Expectation> {
        self.state.kombo.data.expectation_by_id(id)
    }

    /// The expectation of a skill on a staffing entity, if there is one.
    pub fn find_expectation(&self, staffing_entity_id: &str, skill_id: &str) -> Option<Expectation> {
        self.state.kombo.data.find_expectation(staffing_entity_id, skill_id)
    }

    /// Number of staffing entities.
    pub fn staffing_entities_count(&self) -> u32 {
        self.state.kombo.data.entity_count()
    }

    /// A staffing entity by index.
    pub fn staffing_entity(&self, index: u32) -> Option<StaffingEntity> {
        self.state.kombo.data.entity(index)
    }

    /// Every staffing entity, computed lazily.
    pub fn staffing_entities(&self) -> impl Iterator<Item = StaffingEntity> + '_ {
        (0..self.state.kombo.data.entity_count()).filter_map(|i| self.state.kombo.data.entity(i))
    }

    /// Size of the skill catalog.
    pub fn skills_count(&self) -> u32 {
        self.state.kombo.data.skill_count()
    }

    /// The Kombo id of a skill by index.
    pub fn skill_id(&self, index: u32) -> Option<String> {
        self.state.kombo.data.skill_id(index)
    }

    /// Number of TechWolf employees.
    pub fn employees_count(&self) -> u64 {
        self.state.techwolf.data.count()
    }

    /// A TechWolf employee by index (creation order), with every optional part.
    pub fn employee(&self, index: u64) -> Option<Employee> {
        self.state.techwolf.data.employee(index)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn send_sync<T: Send + Sync>() {}

    #[test]
    fn public_types_can_cross_threads() {
        // Benchmarks run the server on its own runtime and share the handle with client threads.
        send_sync::<MockServer>();
        send_sync::<MockServerBuilder>();
        send_sync::<Fault>();
        send_sync::<LoggedRequest>();
        send_sync::<ContractViolation>();
    }

    #[test]
    fn debug_never_shows_secrets() {
        let b = MockServer::builder()
            .kombo_api_key("sk_secret_key")
            .client_secret("cs_secret");
        let creds = b.credentials();
        let shown = format!("{b:?} {creds:?}");
        assert!(
            !shown.contains("sk_secret_key") && !shown.contains("cs_secret"),
            "{shown}"
        );
    }
}
