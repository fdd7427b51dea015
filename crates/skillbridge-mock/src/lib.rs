//! An embedded HTTP server that speaks Kombo's and TechWolf's APIs, for tests, examples and
//! benchmarks of the `skillbridge` clients.
//!
//! It serves, on `127.0.0.1` and an ephemeral port:
//! - Kombo `GET` and `POST /hris/staffing-entity-skills` and `GET /hris/skills` (the skill
//!   catalog, named from TechWolf's skill vocabulary) under [`KomboView::base_url`],
//! - TechWolf `POST /export/employees/skill_clusters` under [`TechwolfView::base_url`],
//! - TechWolf's OAuth 2.0 client-credentials token endpoint at [`TechwolfView::token_url`].
//!
//! What every vendor shares (faults, latency, holds, the request log, counters, contract
//! violations) is on [`MockServer`], aimed at a [`Route`] (`Route::KOMBO_LIST`, ...); each
//! vendor's URLs, credentials and data are on its view, [`MockServer::kombo`] and
//! [`MockServer::techwolf`].
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
//!     .latency(Route::KOMBO_UPSERT, Duration::from_millis(5))
//!     .fault(Route::KOMBO_LIST, Fault::rate_limit().first(2))
//!     .write_concurrency_limit(30)
//!     .start()
//!     .await?;
//! let kombo = server.kombo();
//! let list_url = format!("{}/hris/staffing-entity-skills", kombo.base_url());
//! // ... point a client at `list_url` with `kombo.api_key()` and `kombo.integration_id()`.
//! server.set_faults(Route::TECHWOLF_EXPORT, [Fault::ExpireTokens.first(1)]); // at runtime
//! assert!(server.contract_violations().is_empty());
//! # Ok(()) }
//! ```
//!
//! # Data
//! Everything is derived from the seed: the same seed and sizes give the same ids, levels,
//! timestamps and employees, byte for byte. Nothing is materialised up front; a record is computed
//! from `(seed, index)` when it is served, so a million expectations cost no memory. Only writes
//! are stored, and the changes tests make through the views to stand for changes at the source
//! (deleted or re-levelled Kombo records; removed, changed or added TechWolf employees). What each vendor serves, and how it answers, is described on its view:
//! [`KomboView`] (`server.kombo()`) and [`TechwolfView`] (`server.techwolf()`).
//!
//! # Behaviour and chosen status codes
//! Each vendor's, on its view ([`KomboView`], [`TechwolfView`]); shared by both:
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
//! ([`MockServerBuilder::latency`], or on every route with [`MockServerBuilder::latency_all`])
//! is added after authentication (inside the write permit).
//!
//! # Contract checks
//! With [`MockServerBuilder::contract_checks`] on (the default in debug builds, so in tests;
//! off by default in release builds, so in benchmarks), every JSON response of the Kombo
//! and TechWolf routes is validated against the response schema of the vendored spec
//! (`specs/kombo/*.yaml` with `specs/kombo/overlay.yaml` applied, `specs/techwolf/openapi.yaml`;
//! JSON Schema 2020-12 with formats checked), and every request body against the request schema;
//! failures are recorded in [`MockServer::contract_violations`] and a failing request gets the
//! vendor's 400. Kombo's `GET /hris/skills` is the exception: no vendored spec describes it, so
//! its answers are not checked (its tests check the documented shape field by field). Checking costs
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
//! forget: [`MockServer::request_count`] per route, [`TechwolfView::token_requests`],
//! [`KomboView::peak_concurrent_writes`].
//!
//! # Layout
//! The harness names no vendor (a test in `tests/tests/it/layout.rs` checks it); each vendor lives in
//! one folder and registers with it.
//! - `route`: [`Route`], the descriptor a vendor registers for each endpoint (method and path,
//!   schema pointers in its document, fault seed, error body), and the vendor's registration.
//! - `server`: the vendor-neutral core state (faults, request log, contract checks, per-route
//!   counts, holds), the fault/log/contract middleware and the accept loop. It merges the
//!   routers the vendors hand it and never imports a vendor module.
//! - `http`: JSON responses, bearer tokens and the one `Content-Type` check.
//! - `faults`, `hold`, `log`, `contract`, `ids`, `json`, `rate_limit`: fault rules, holds, the
//!   request log, the spec checks (at the routes' pointers), seeded ids, the integer rule and
//!   the per-vendor rate limit, all shared.
//! - `kombo/`: `routes` (its three routes), `options` (what the builder sets; builds `state`),
//!   `data` (seeded records and writes), `catalog` (the skill catalog), `ids` (24-character ids),
//!   `query` (query parameters and cursors), `handlers`, `error` (Kombo's envelope and codes), `state` (credentials, write
//!   limit and counters), `view` ([`KomboView`]); `register` plugs it in.
//! - `techwolf/`: `routes`, `options`, `data` (seeded employees), `token_endpoint` (OAuth 2.0),
//!   `token_store` (issued tokens), `export`, `error` (the error array and OAuth errors), `state`
//!   (client, tokens, `next_starting_after` mode), `view` ([`TechwolfView`]); `register`.
//! - This file is the one composition point: the list of vendors, the builder and
//!   [`MockServer`].
//!
//! # Events for tests
//! Tests synchronise on events, not on time: [`MockServer::hold`] keeps a route's requests
//! waiting until [`MockServer::release`] ([`MockServer::wait_held`] resolves once N are waiting),
//! [`MockServer::wait_logged`] resolves once the server has finished with N requests (answered or
//! abandoned), [`TechwolfView::advance_clock`] expires tokens without waiting, and
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
mod route;
mod server;
mod techwolf;

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

pub use contract::{ContractSchemas, ContractViolation, Direction};
pub use faults::{Fault, FaultRule, Trigger};
pub use kombo::{CatalogSkill, Expectation, KomboView, StaffingEntity};
pub use log::{LoggedRequest, MASK};
pub use route::Route;
pub use techwolf::{Employee, NextStartingAfter, Skill, SkillCluster, TechwolfView};

use kombo::{KomboOptions, KomboState};
use route::VendorApi;
use server::{Core, CoreParts};
use techwolf::{TechwolfOptions, TechwolfState};

/// Every vendor the mock serves, as each registers itself: the one list of them.
const VENDORS: [VendorApi; 2] = [kombo::API, techwolf::API];

/// Configures and starts a [`MockServer`]. Every setting has a default; see each method.
#[derive(Clone, Debug)]
pub struct MockServerBuilder {
    seed: u64,
    host: IpAddr,
    port: u16,
    latency: HashMap<Route, Duration>,
    faults: Vec<(Route, FaultRule)>,
    rate_limit: Option<(u32, Duration)>,
    request_log_capacity: usize,
    contract_checks: bool,
    kombo: KomboOptions,
    techwolf: TechwolfOptions,
}

impl Default for MockServerBuilder {
    fn default() -> Self {
        Self {
            seed: 1,
            host: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 0,
            latency: HashMap::new(),
            faults: Vec::new(),
            rate_limit: None,
            request_log_capacity: 1024,
            // Tests run in debug builds, benchmarks in release builds: see the crate docs.
            contract_checks: cfg!(debug_assertions),
            kombo: KomboOptions::default(),
            techwolf: TechwolfOptions::default(),
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

    /// Latency added to every request of a route (after authentication).
    pub fn latency(mut self, route: Route, latency: Duration) -> Self {
        self.latency.insert(route, latency);
        self
    }

    /// The same latency on every route of every vendor, the token endpoint included (what the
    /// binary's `--latency-ms` sets). It replaces what [`MockServerBuilder::latency`] set
    /// before it; a [`MockServerBuilder::latency`] after it overrides one route.
    pub fn latency_all(mut self, latency: Duration) -> Self {
        for route in VENDORS.iter().flat_map(|v| v.routes.iter()) {
            self.latency.insert(*route, latency);
        }
        self
    }

    /// Adds a fault rule to a route (a bare [`Fault`] fires on every request).
    pub fn fault(mut self, route: Route, rule: impl Into<FaultRule>) -> Self {
        self.faults.push((route, rule.into()));
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
}

/// Kombo's settings.
impl MockServerBuilder {
    /// Number of Kombo staffing entities (default 200).
    pub fn staffing_entities(mut self, n: u32) -> Self {
        self.kombo.staffing_entities = n;
        self
    }

    /// Expectations per staffing entity (default 5); the total is `staffing_entities × this`.
    pub fn skills_per_entity(mut self, n: u32) -> Self {
        self.kombo.skills_per_entity = n;
        self
    }

    /// Size of the Kombo skill catalog (default 300; raised to `skills_per_entity` if smaller).
    pub fn skill_catalog(mut self, n: u32) -> Self {
        self.kombo.skill_catalog = n;
        self
    }

    /// In-flight limit for Kombo writes (default 30, like Kombo's example); 0 means no limit.
    pub fn write_concurrency_limit(mut self, limit: u32) -> Self {
        self.kombo.write_concurrency_limit = limit;
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
        self.kombo.announced_write_limits = values.into_iter().map(Into::into).collect();
        self
    }

    /// Declares a Kombo list filter (`ids`, `remote_ids`, `staffing_entity_ids`, `skill_ids`,
    /// `updated_after`) unsupported by the integration: a listing that uses it returns no
    /// results unless `ignore_unsupported_filters=true`, which drops the filter instead.
    pub fn unsupported_filter(mut self, name: &str) -> Self {
        self.kombo.unsupported_filters.push(name.to_owned());
        self
    }

    /// The Kombo API key to accept (default derived from the seed).
    pub fn kombo_api_key(mut self, key: impl Into<String>) -> Self {
        self.kombo.api_key = Some(key.into());
        self
    }

    /// The `X-Integration-Id` to accept (default `sandbox:<24 characters from the seed>`).
    pub fn integration_id(mut self, id: impl Into<String>) -> Self {
        self.kombo.integration_id = Some(id.into());
        self
    }
}

/// TechWolf's settings.
impl MockServerBuilder {
    /// Number of TechWolf employees (default 100).
    pub fn employees(mut self, n: u64) -> Self {
        self.techwolf.employees = n;
        self
    }

    /// Lifetime of TechWolf access tokens (default 1 hour), enforced by the server.
    pub fn token_ttl(mut self, ttl: Duration) -> Self {
        self.techwolf.token_ttl = ttl;
        self
    }

    /// Whether export pages carry `next_starting_after` (default: present).
    pub fn next_starting_after(mut self, mode: NextStartingAfter) -> Self {
        self.techwolf.next_starting_after = mode;
        self
    }

    /// The TechWolf OAuth client id to accept (default derived from the seed).
    pub fn client_id(mut self, id: impl Into<String>) -> Self {
        self.techwolf.client_id = Some(id.into());
        self
    }

    /// The TechWolf OAuth client secret to accept (default derived from the seed).
    pub fn client_secret(mut self, secret: impl Into<String>) -> Self {
        self.techwolf.client_secret = Some(secret.into());
        self
    }

    /// The token audience to accept (default `eu3.techwolf.ai`).
    pub fn audience(mut self, audience: impl Into<String>) -> Self {
        self.techwolf.audience = Some(audience.into());
        self
    }

    /// The TechWolf tenant to accept in token requests (default `acme`).
    pub fn tenant(mut self, tenant: impl Into<String>) -> Self {
        self.techwolf.tenant = Some(tenant.into());
        self
    }

    /// Makes the token endpoint repeat a wrong `client_secret` in its `error_description`, as
    /// careless servers and proxies do (default off): clients must keep it out of their errors.
    pub fn echo_client_secret(mut self, on: bool) -> Self {
        self.techwolf.echo_client_secret = on;
        self
    }
}

impl MockServerBuilder {
    /// Binds the listener and starts serving on the current Tokio runtime.
    pub async fn start(self) -> std::io::Result<MockServer> {
        let schemas = if self.contract_checks {
            // Fail early (not on the first request) if the vendored specs do not compile.
            Some(ContractSchemas::builtin().map_err(std::io::Error::other)?)
        } else {
            None
        };
        let faults = faults::FaultSet::new(self.seed);
        for (route, rule) in &self.faults {
            faults.add(*route, rule.clone());
        }
        for (route, latency) in &self.latency {
            faults.set_latency(*route, *latency);
        }
        let parts = CoreParts {
            faults,
            log: log::RequestLog::new(self.request_log_capacity),
            contract: contract::Contract::new(schemas),
            rate_limit: self
                .rate_limit
                .map(|(requests, window)| rate_limit::RateLimit::new(requests, window)),
        };
        let routes: Vec<Route> = VENDORS.iter().flat_map(|v| v.routes.iter().copied()).collect();
        let core = Arc::new(Core::new(parts, &routes));
        // Kombo's skills are named from TechWolf's vocabulary, so the two join by skill name.
        let kombo = Arc::new(self.kombo.build(self.seed, &techwolf::skill_vocabulary())?);
        let techwolf = Arc::new(self.techwolf.build(self.seed));
        let router = server::router(
            Arc::clone(&core),
            vec![
                kombo::register(Arc::clone(&core), Arc::clone(&kombo)),
                techwolf::register(Arc::clone(&core), Arc::clone(&techwolf)),
            ],
        );
        let listener = server::bind(SocketAddr::new(self.host, self.port)).await?;
        let addr = listener.local_addr()?;
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let task = server::spawn(listener, router, stopped);
        Ok(MockServer {
            addr,
            seed: self.seed,
            routes,
            core,
            kombo,
            techwolf,
            task,
            stop,
        })
    }
}

impl ContractSchemas {
    /// Schemas from the two vendors' prepared documents (JSON, as in
    /// [`skillbridge_openapi::documents`]), or a message naming the vendor and the pointer that
    /// is missing or not a valid schema.
    pub fn from_documents(kombo: &str, techwolf: &str) -> Result<Self, String> {
        Self::compile(&[(kombo::API, kombo), (techwolf::API, techwolf)])
    }

    /// The schemas of the documents the clients were generated from, compiled once per process
    /// (parsing and building validators takes milliseconds).
    pub fn builtin() -> Result<&'static ContractSchemas, &'static str> {
        static SCHEMAS: OnceLock<Result<ContractSchemas, String>> = OnceLock::new();
        SCHEMAS
            .get_or_init(|| Self::compile(&VENDORS.map(|api| (api, api.document))))
            .as_ref()
            .map_err(String::as_str)
    }
}

/// A running mock server. Dropping it stops the server and closes its connections.
///
/// What is common to every vendor is here (the request log, counters, faults, holds, contract
/// violations); each vendor's URLs, credentials and data are in its view: [`MockServer::kombo`],
/// [`MockServer::techwolf`].
pub struct MockServer {
    addr: SocketAddr,
    seed: u64,
    routes: Vec<Route>,
    core: Arc<Core>,
    kombo: Arc<KomboState>,
    techwolf: Arc<TechwolfState>,
    task: tokio::task::JoinHandle<()>,
    /// Dropping the server drops this sender: the task sees the channel close and stops as on
    /// [`MockServer::shutdown`], without anyone waiting for it.
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
    pub async fn shutdown(self) {
        self.stop.send_replace(true);
        // A panicking or aborted server task is stopped as well.
        let _ = self.task.await;
    }

    /// The Kombo API: its URL, credentials and data.
    pub fn kombo(&self) -> KomboView<'_> {
        KomboView::new(self.addr, &self.kombo)
    }

    /// The TechWolf API and token endpoint: their URLs, the OAuth client, tokens and data.
    pub fn techwolf(&self) -> TechwolfView<'_> {
        TechwolfView::new(self.addr, &self.techwolf, &self.core)
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The seed the data was generated from.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Every route the server serves, vendor by vendor.
    pub fn routes(&self) -> &[Route] {
        &self.routes
    }

    /// Holds the route's requests from now on: each waits, after authentication and (for writes)
    /// after taking its write permit, until [`MockServer::release`]. With
    /// [`MockServer::wait_held`], a test makes requests overlap, or keeps one open, for as long
    /// as it needs instead of adding latency and hoping it suffices.
    pub fn hold(&self, route: Route) {
        self.core.holds.set(route, true);
    }

    /// Lets the route's held requests, and later ones, through.
    pub fn release(&self, route: Route) {
        self.core.holds.set(route, false);
    }

    /// Requests of the route being held right now.
    pub fn held(&self, route: Route) -> u64 {
        self.core.holds.held(route)
    }

    /// Resolves once at least `n` requests of the route are being held.
    pub async fn wait_held(&self, route: Route, n: u64) {
        self.core.holds.wait_held(route, n).await;
    }

    /// Requests logged since the server started; unlike [`MockServer::request_log`] this counts
    /// every request once it is answered or abandoned, and is not reset by clearing the log.
    pub fn logged_count(&self) -> u64 {
        *self.core.logged.borrow()
    }

    /// Resolves once [`MockServer::logged_count`] reaches `n`: the moment the server has finished
    /// with (or noticed the client abandon) that many requests.
    pub async fn wait_logged(&self, n: u64) {
        let mut logged = self.core.logged.subscribe();
        let _ = logged.wait_for(|logged| *logged >= n).await;
    }

    /// The last requests received (oldest first), secrets masked.
    pub fn request_log(&self) -> Vec<LoggedRequest> {
        self.core.log.snapshot()
    }

    /// Empties the request log.
    pub fn clear_request_log(&self) {
        self.core.log.clear();
    }

    /// Requests a route received so far, whatever their outcome (faults included); unlike the
    /// request log this never forgets, so retry counts can be asserted on long runs.
    pub fn request_count(&self, route: Route) -> u64 {
        self.core.request_count(route)
    }

    /// Requests refused by the [rate limit](MockServerBuilder::rate_limit) so far.
    pub fn rate_limit_refusals(&self) -> u64 {
        self.core.rate_limit.as_ref().map_or(0, rate_limit::RateLimit::refused)
    }

    /// Contract violations seen so far (bounded to the last 1000).
    pub fn contract_violations(&self) -> Vec<ContractViolation> {
        self.core.contract.violations()
    }

    /// Forgets recorded contract violations.
    pub fn clear_contract_violations(&self) {
        self.core.contract.clear();
    }

    /// Replaces a route's fault rules (counts restart).
    pub fn set_faults<I>(&self, route: Route, rules: I)
    where
        I: IntoIterator,
        I::Item: Into<FaultRule>,
    {
        self.core.faults.set(route, rules.into_iter().map(Into::into).collect());
    }

    /// Adds a fault rule to a route.
    pub fn add_fault(&self, route: Route, rule: impl Into<FaultRule>) {
        self.core.faults.add(route, rule.into());
    }

    /// Removes every fault rule of every route.
    pub fn clear_faults(&self) {
        self.core.faults.clear();
    }

    /// Sets a route's added latency.
    pub fn set_latency(&self, route: Route, latency: Duration) {
        self.core.faults.set_latency(route, latency);
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
        send_sync::<Route>();
        send_sync::<KomboView<'static>>();
        send_sync::<TechwolfView<'static>>();
    }

    #[test]
    fn debug_never_shows_secrets() {
        let b = MockServer::builder()
            .kombo_api_key("sk_secret_key")
            .client_secret("cs_secret");
        let shown = format!("{b:?}");
        assert!(
            !shown.contains("sk_secret_key") && !shown.contains("cs_secret"),
            "{shown}"
        );
    }

    #[test]
    fn kombos_skills_are_named_from_techwolfs_vocabulary() {
        let vocabulary = techwolf::skill_vocabulary();
        let names: std::collections::HashSet<&str> = vocabulary.iter().map(|w| w.0).collect();
        assert_eq!(names.len(), 91, "the count the Kombo view's docs give");
        let kombo = KomboOptions {
            skill_catalog: 200,
            ..KomboOptions::default()
        }
        .build(3, &vocabulary)
        .expect("valid options");
        let catalog: Vec<String> = (0..200).filter_map(|i| kombo.catalog.name(i)).collect();
        assert_eq!(catalog.len(), 200);
        assert!(catalog.iter().all(|n| names.contains(n.as_str())), "{catalog:?}");
        let first: std::collections::HashSet<&String> = catalog[..names.len()].iter().collect();
        assert_eq!(first.len(), names.len(), "every name once before any repeats");
    }

    #[test]
    fn latency_all_covers_every_route_and_one_route_can_override_it() {
        let b = MockServer::builder()
            .latency(Route::KOMBO_LIST, Duration::from_millis(1))
            .latency_all(Duration::from_millis(5))
            .latency(Route::KOMBO_UPSERT, Duration::from_millis(9));
        let routes: Vec<Route> = VENDORS.iter().flat_map(|v| v.routes.iter().copied()).collect();
        assert!(
            routes.contains(&Route::TECHWOLF_TOKEN),
            "the token endpoint is a route too"
        );
        for route in routes {
            let want = if route == Route::KOMBO_UPSERT { 9 } else { 5 };
            assert_eq!(b.latency.get(&route), Some(&Duration::from_millis(want)), "{route:?}");
        }
    }

    #[test]
    fn every_vendor_registers_distinct_routes() {
        let routes: Vec<Route> = VENDORS.iter().flat_map(|v| v.routes.iter().copied()).collect();
        let mut keys: Vec<(&str, &str)> = routes.iter().map(|r| (r.vendor(), r.name())).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), routes.len(), "{routes:?}");
        let mut seeds: Vec<u64> = routes.iter().map(|r| r.spec().fault_seed).collect();
        seeds.sort_unstable();
        seeds.dedup();
        assert_eq!(seeds.len(), routes.len(), "each route its own fault seed");
    }
}
