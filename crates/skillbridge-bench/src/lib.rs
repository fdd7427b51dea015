//! Benchmark tooling for skillbridge (not published): the scenarios and contenders shared by the
//! criterion benches (`cargo bench -p skillbridge-bench`) and the BENCHMARKS.md generator
//! (`cargo run --release -p skillbridge-bench --bin bench-report`).
//!
//! Every contender of a scenario runs against the same in-process mock server, and returns a
//! [`Tally`] of what it saw so that callers can check that all contenders saw the same records.
//! The mock runs on its own one-worker tokio runtime (its own thread) and the client on a
//! current-thread runtime: on a 2-core machine each side gets one core, the same for every
//! contender.

#![warn(missing_docs)]

use std::collections::HashSet;
use std::num::NonZeroU64;
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures::{StreamExt, TryStreamExt};
use serde::Deserialize;
use skillbridge::kombo::{ExpectedLevel, Integration, Kombo, SkillExpectation, StaffingEntitySkill};
use skillbridge::retry::RetryPolicy;
use skillbridge::techwolf::{EmployeeSkillClusters, Include, TechWolf};
use skillbridge_mock::{MockServer, MockServerBuilder, Route};
use skillbridge_openapi::RequestContext;
use skillbridge_openapi::kombo::Client as GeneratedKombo;
use skillbridge_openapi::techwolf::{Client as GeneratedTechWolf, types as tw};

/// Scenario 1: 20,000 staffing entities × 5 skills = 100,000 records (deleted ones included).
pub const KOMBO_ENTITIES: u32 = 20_000;
/// Skills per staffing entity in every Kombo scenario.
pub const SKILLS_PER_ENTITY: u32 = 5;
/// Records a full Kombo listing yields.
pub const KOMBO_RECORDS: u64 = KOMBO_ENTITIES as u64 * SKILLS_PER_ENTITY as u64;
/// The largest Kombo page, used by every listing contender.
pub const PAGE_SIZE: u32 = 250;
/// Bounds every hand-written pagination loop even if the server misbehaved.
const MAX_PAGES: usize = 100_000;
/// Scenario 2: TechWolf employees exported with every include.
pub const TECHWOLF_EMPLOYEES: u64 = 20_000;
/// The largest TechWolf page.
pub const TECHWOLF_LIMIT: u32 = 100;
/// Added server latency of the bulk-upsert scenario.
pub const UPSERT_LATENCY: Duration = Duration::from_millis(5);
/// The mock's in-flight write limit (Kombo's documented example).
pub const WRITE_LIMIT: u32 = 30;

/// A mock server on its own runtime (one worker thread), stopped when dropped.
#[allow(missing_debug_implementations, reason = "holds a runtime; never printed")]
pub struct Mock {
    /// The server. Declared first so that it drops (and aborts its task) before its runtime.
    pub server: MockServer,
    _runtime: tokio::runtime::Runtime,
}

impl Mock {
    /// Starts `builder` with contract checks and the request log off (throughput runs).
    pub fn start(builder: MockServerBuilder) -> Self {
        Self::start_with_log(builder, 0)
    }

    /// Starts `builder` with contract checks off and a request log of `log_capacity` requests.
    pub fn start_with_log(builder: MockServerBuilder, log_capacity: usize) -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("mock-server")
            .enable_all()
            .build()
            .expect("mock runtime");
        let server = runtime
            .block_on(
                builder
                    .contract_checks(false)
                    .request_log_capacity(log_capacity)
                    .start(),
            )
            .expect("mock server starts");
        Self {
            server,
            _runtime: runtime,
        }
    }

    /// The listing scenario's server: [`KOMBO_RECORDS`] records, 20,000 employees.
    pub fn listing() -> Self {
        Self::start(
            MockServer::builder()
                .staffing_entities(KOMBO_ENTITIES)
                .skills_per_entity(SKILLS_PER_ENTITY)
                .employees(TECHWOLF_EMPLOYEES),
        )
    }

    /// The bulk-upsert scenario's server: 2,000 staffing entities, 5 ms on every upsert, limit 30.
    pub fn upserts() -> Self {
        Self::upserts_logged(0)
    }

    /// [`Mock::upserts`] with a request log of `log_capacity` requests.
    pub fn upserts_logged(log_capacity: usize) -> Self {
        Self::start_with_log(
            MockServer::builder()
                .staffing_entities(2_000)
                .skills_per_entity(SKILLS_PER_ENTITY)
                .latency(Route::KOMBO_UPSERT, UPSERT_LATENCY)
                .write_concurrency_limit(WRITE_LIMIT),
            log_capacity,
        )
    }

    /// A skillbridge Kombo client for this server with the default retry policy.
    pub fn kombo(&self) -> Kombo {
        self.kombo_with(RetryPolicy::default())
    }

    /// A skillbridge Kombo client for this server.
    pub fn kombo_with(&self, retry: RetryPolicy) -> Kombo {
        Kombo::builder()
            .api_key(self.server.kombo().api_key())
            .base_url(self.server.kombo().base_url())
            .retry_policy(retry)
            .build()
            .expect("valid client")
    }

    /// The handle of the server's integration.
    pub fn integration(&self, kombo: &Kombo) -> Integration {
        kombo
            .integration(self.server.kombo().integration_id())
            .expect("valid id")
    }

    /// What the hand-written contenders need to reach this server.
    pub fn raw(&self) -> RawKombo {
        RawKombo {
            http: http_client(),
            url: format!("{}/hris/staffing-entity-skills", self.server.kombo().base_url()),
            api_key: self.server.kombo().api_key().to_owned(),
            integration_id: self.server.kombo().integration_id().to_owned(),
        }
    }

    /// A skillbridge TechWolf client for this server (client credentials, token from the mock).
    pub fn techwolf(&self) -> TechWolf {
        TechWolf::builder()
            .base_url(self.server.techwolf().base_url())
            .token_url(self.server.techwolf().token_url())
            .client_credentials(
                self.server.techwolf().client_id(),
                self.server.techwolf().client_secret(),
            )
            .tenant(self.server.techwolf().tenant())
            .audience(self.server.techwolf().audience())
            .build()
            .expect("valid client")
    }

    /// What the hand-written TechWolf contender needs (it fetches a token once, like a cache would).
    pub async fn raw_techwolf(&self) -> RawTechWolf {
        let http = http_client();
        let body = serde_json::json!({
            "client_id": self.server.techwolf().client_id(),
            "client_secret": self.server.techwolf().client_secret(),
            "audience": self.server.techwolf().audience(),
            "grant_type": "client_credentials",
            "tenant": self.server.techwolf().tenant(),
        });
        let token: RawToken = http
            .post(self.server.techwolf().token_url())
            .json(&body)
            .send()
            .await
            .expect("sent")
            .error_for_status()
            .expect("200")
            .json()
            .await
            .expect("a token");
        RawTechWolf {
            http,
            url: format!("{}/export/employees/skill_clusters", self.server.techwolf().base_url()),
            token: token.access_token,
        }
    }

    /// The generated client, used directly, for this server.
    pub fn generated(&self) -> GeneratedKombo {
        let context = RequestContext::bearer(self.server.kombo().api_key()).expect("valid key");
        GeneratedKombo::new_with_client(&self.server.kombo().base_url(), http_client(), context)
    }
}

/// One timed run: wall time, the CPU time of the calling thread (the client, on its
/// current-thread runtime) and the CPU time of the rest of the process (the in-process mock server).
#[derive(Debug, Clone, Copy, Default)]
pub struct Sample {
    /// Wall-clock time of the run.
    pub wall: Duration,
    /// CPU time of the calling thread (the client).
    pub client_cpu: Duration,
    /// CPU time of the rest of the process (the in-process mock server).
    pub server_cpu: Duration,
}

fn clock(id: rustix::time::ClockId) -> Duration {
    let now = rustix::time::clock_gettime(id);
    Duration::new(
        u64::try_from(now.tv_sec).unwrap_or_default(),
        u32::try_from(now.tv_nsec).unwrap_or_default(),
    )
}

/// Runs `run` and measures it (see [`Sample`]).
pub fn measure<T>(run: impl FnOnce() -> T) -> (T, Sample) {
    let (thread, process) = (
        clock(rustix::time::ClockId::ThreadCPUTime),
        clock(rustix::time::ClockId::ProcessCPUTime),
    );
    let started = std::time::Instant::now();
    let value = run();
    let wall = started.elapsed();
    let client_cpu = clock(rustix::time::ClockId::ThreadCPUTime).saturating_sub(thread);
    let process_cpu = clock(rustix::time::ClockId::ProcessCPUTime).saturating_sub(process);
    let sample = Sample {
        wall,
        client_cpu,
        server_cpu: process_cpu.saturating_sub(client_cpu),
    };
    (value, sample)
}

/// A runtime for the client side: one thread, like a simple sync job.
pub fn client_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("client runtime")
}

/// A reqwest client configured like skillbridge's (30 s timeout, 10 s connect timeout).
pub fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .connect_timeout(Duration::from_secs(10))
        .build()
        .expect("reqwest client")
}

/// What a listing contender saw: the record count and a checksum over every record's fields.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// Records seen.
    pub records: u64,
    /// An order-independent checksum over every record's fields.
    pub checksum: u64,
}

impl Tally {
    fn add(&mut self, id: &str, level: Option<u64>, changed_at: DateTime<Utc>, deleted: bool) {
        self.records += 1;
        // Touches every decoded field so that none of the decoding can be skipped.
        let stamp = u64::try_from(changed_at.timestamp_millis()).unwrap_or_default();
        self.checksum = self
            .checksum
            .wrapping_mul(31)
            .wrapping_add(id.len() as u64 + level.unwrap_or(0) * 7 + u64::from(deleted) * 11 + stamp % 1000);
    }

    fn raw(&mut self, record: &RawRecord) {
        self.add(
            &record.id,
            record.expected_level.map(u64::from),
            record.changed_at,
            record.remote_deleted_at.is_some(),
        );
    }

    fn record(&mut self, record: &StaffingEntitySkill) {
        self.add(
            &record.id,
            record.expected_level.map(|l| u64::from(l.get())),
            record.changed_at,
            record.is_deleted(),
        );
    }
}

/// Contender (a): a hand-written reqwest + serde_json loop into plain structs.
#[derive(Debug, Clone)]
pub struct RawKombo {
    http: reqwest::Client,
    url: String,
    api_key: String,
    integration_id: String,
}

#[derive(Deserialize)]
struct RawResponse {
    data: RawPage,
}

#[derive(Deserialize)]
struct RawPage {
    results: Vec<RawRecord>,
    next: Option<String>,
}

/// The fields the client decodes, with the same types, so that only the wrapper's cost differs.
#[derive(Deserialize)]
struct RawRecord {
    id: String,
    #[allow(dead_code, reason = "decoded like the client does, not needed for the tally")]
    staffing_entity_id: String,
    #[allow(dead_code, reason = "decoded like the client does, not needed for the tally")]
    skill_id: String,
    expected_level: Option<u8>,
    changed_at: DateTime<Utc>,
    remote_deleted_at: Option<DateTime<Utc>>,
}

impl RawKombo {
    /// The request for one page of 250 (deleted records included), after `cursor` if given.
    fn page_request(&self, cursor: Option<&str>) -> reqwest::RequestBuilder {
        let request = self
            .http
            .get(&self.url)
            .bearer_auth(&self.api_key)
            .header("X-Integration-Id", &self.integration_id)
            .query(&[("page_size", "250"), ("include_deleted", "true")]);
        match cursor {
            Some(cursor) => request.query(&[("cursor", cursor)]),
            None => request,
        }
    }

    /// Every record, page by page, until `next` is null.
    pub async fn list(&self) -> Tally {
        let mut tally = Tally::default();
        let mut cursor: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let request = self.page_request(cursor.as_deref());
            let response = request.send().await.expect("sent").error_for_status().expect("200");
            let bytes = response.bytes().await.expect("body");
            let page: RawResponse = serde_json::from_slice(&bytes).expect("decodes");
            for record in &page.data.results {
                tally.raw(record);
            }
            match page.data.next {
                Some(next) => cursor = Some(next),
                None => return tally,
            }
        }
        panic!("more than {MAX_PAGES} pages");
    }

    /// The raw bytes of the first page (the decoding scenario's input).
    pub async fn first_page(&self) -> Vec<u8> {
        self.page_request(None)
            .send()
            .await
            .expect("sent")
            .error_for_status()
            .expect("200")
            .bytes()
            .await
            .expect("body")
            .to_vec()
    }

    /// Contender "sequential loop" of the upsert scenario, by hand: one POST after another.
    pub async fn upsert_sequentially(&self, inputs: &[SkillExpectation]) -> u64 {
        let mut saved = 0;
        for input in inputs {
            let response = self
                .http
                .post(&self.url)
                .bearer_auth(&self.api_key)
                .header("X-Integration-Id", &self.integration_id)
                .json(input)
                .send()
                .await
                .expect("sent");
            if response.status().is_success() {
                saved += 1;
            }
        }
        saved
    }
}

/// Decodes a Kombo page into contender (a)'s plain structs; returns the record count.
pub fn decode_plain_kombo(body: &[u8]) -> usize {
    serde_json::from_slice::<RawResponse>(body)
        .expect("decodes")
        .data
        .results
        .len()
}

/// Decodes a TechWolf page into contender (a)'s plain structs; returns the employee count.
pub fn decode_plain_techwolf(body: &[u8]) -> usize {
    serde_json::from_slice::<RawExportPage>(body)
        .expect("decodes")
        .records
        .len()
}

/// Contender (b): the generated client used directly, with the same loop.
pub async fn generated_list(client: &GeneratedKombo, integration_id: &str) -> Tally {
    let mut tally = Tally::default();
    let mut cursor: Option<String> = None;
    let page_size = NonZeroU64::new(u64::from(PAGE_SIZE)).expect("non-zero");
    for _ in 0..MAX_PAGES {
        let mut request = client
            .get_hris_staffing_entity_skills()
            .x_integration_id(integration_id)
            .page_size(page_size)
            .include_deleted(true);
        if let Some(cursor) = cursor.take() {
            request = request.cursor(cursor);
        }
        let page = request.send().await.expect("200").into_inner().data;
        for r in &page.results {
            tally.add(
                &r.id,
                r.expected_level.map(NonZeroU64::get),
                r.changed_at,
                r.remote_deleted_at.is_some(),
            );
        }
        match page.next {
            Some(next) => cursor = Some(next),
            None => return tally,
        }
    }
    panic!("more than {MAX_PAGES} pages");
}

/// The contender under test: `items()` at page size 250, `read_ahead` pages requested ahead
/// (`0`: none, as the targets of scenarios 1 and 2 are measured).
pub async fn items_list(hris: &Integration, read_ahead: usize) -> Tally {
    hris.staffing_entity_skills()
        .page_size(PAGE_SIZE)
        .include_deleted(true)
        .read_ahead(read_ahead)
        .items()
        .try_fold(Tally::default(), |mut tally, record| async move {
            tally.record(&record);
            Ok(tally)
        })
        .await
        .expect("every page")
}

/// `pages()` at page size 250, records read from each page: `items()` without its per-record stream.
pub async fn pages_list(hris: &Integration) -> Tally {
    hris.staffing_entity_skills()
        .page_size(PAGE_SIZE)
        .include_deleted(true)
        .pages()
        .try_fold(Tally::default(), |mut tally, page| async move {
            for record in &page.results {
                tally.record(record);
            }
            Ok(tally)
        })
        .await
        .expect("every page")
}

/// Hands out skill expectations that do not exist yet on the server (so each upsert creates one),
/// never the same pair twice: skill `(entity + round) % catalog` on every open entity, round after
/// round.
#[derive(Debug)]
pub struct FreshPairs {
    entities: Vec<String>,
    entity_indexes: Vec<u32>,
    catalog: u32,
    round: u32,
    next_entity: usize,
    handed_out: HashSet<(u32, u32)>,
}

impl FreshPairs {
    /// Pairs on the server's open staffing entities that no seeded record uses yet.
    pub fn new(server: &MockServer) -> Self {
        let open: Vec<_> = server.kombo().staffing_entities().filter(|e| !e.closed).collect();
        Self {
            entity_indexes: open.iter().map(|e| e.index).collect(),
            entities: open.into_iter().map(|e| e.id).collect(),
            catalog: server.kombo().skills_count(),
            round: 0,
            next_entity: 0,
            handed_out: HashSet::new(),
        }
    }

    /// `count` new expectations, levels cycling through 1..=5.
    pub fn take(&mut self, server: &MockServer, count: usize) -> Vec<SkillExpectation> {
        let mut out = Vec::with_capacity(count);
        // Bounded: every (entity, round) pair is visited at most once.
        while out.len() < count && self.round < self.catalog {
            let entity = self.next_entity;
            let index = self.entity_indexes[entity];
            let skill = (index + self.round) % self.catalog;
            self.next_entity += 1;
            if self.next_entity == self.entities.len() {
                self.next_entity = 0;
                self.round += 1;
            }
            let Some(skill_id) = server.kombo().skill_id(skill) else {
                continue;
            };
            let entity_id = &self.entities[entity];
            if server.kombo().find_expectation(entity_id, &skill_id).is_some()
                || !self.handed_out.insert((index, skill))
            {
                continue;
            }
            let level = ExpectedLevel::new(u8::try_from(out.len() % 5 + 1).expect("small")).expect("1..=5");
            out.push(SkillExpectation::new(entity_id.clone(), skill_id).expected_level(level));
        }
        assert_eq!(out.len(), count, "the mock ran out of fresh (entity, skill) pairs");
        out
    }
}

/// What a bulk run did, as seen by the client and checked against the server.
#[derive(Debug, Clone, Copy, Default)]
pub struct BulkResult {
    /// Outcomes that were `Ok`.
    pub ok: u64,
    /// Outcomes that were errors.
    pub failed: u64,
    /// Retries reported by `Kombo::stats()`.
    pub retries: u64,
    /// Requests reported by `Kombo::stats()`.
    pub requests: u64,
}

/// `upsert_many(inputs).concurrency(n)`; checks one outcome per input.
pub async fn upsert_many(hris: &Integration, inputs: Vec<SkillExpectation>, concurrency: usize) -> BulkResult {
    let before = hris.client().stats();
    let count = inputs.len();
    let mut seen = vec![false; count];
    let mut result = BulkResult::default();
    let mut outcomes = hris.upsert_many(inputs).concurrency(concurrency);
    while let Some(outcome) = outcomes.next().await {
        assert!(
            !std::mem::replace(&mut seen[outcome.index], true),
            "index {} twice",
            outcome.index
        );
        match outcome.result {
            Ok(_) => result.ok += 1,
            Err(_) => result.failed += 1,
        }
    }
    assert!(seen.iter().all(|s| *s), "an input had no outcome");
    let after = hris.client().stats();
    result.retries = after.retries - before.retries;
    result.requests = after.requests - before.requests;
    result
}

/// The sequential loop: `upsert_staffing_entity_skill` one after another.
pub async fn upsert_sequentially(hris: &Integration, inputs: Vec<SkillExpectation>) -> BulkResult {
    let before = hris.client().stats();
    let mut result = BulkResult::default();
    for input in inputs {
        match hris.upsert_staffing_entity_skill(input).await {
            Ok(_) => result.ok += 1,
            Err(_) => result.failed += 1,
        }
    }
    let after = hris.client().stats();
    result.retries = after.retries - before.retries;
    result.requests = after.requests - before.requests;
    result
}

/// What the server's request log says about the upserts it received.
#[derive(Debug, Clone, Copy, Default)]
pub struct WriteLog {
    /// Upserts answered with a success status.
    pub written: u64,
    /// Upserts refused with `429` (the in-flight limit).
    pub refused: u64,
    /// Upserts with any other outcome.
    pub other: u64,
    /// Whether every input was written by exactly one successful request, and nothing else was.
    pub each_once: bool,
}

/// Reads the request log (it must hold every request of the run) against `inputs`.
pub fn write_log(server: &MockServer, inputs: &[SkillExpectation]) -> WriteLog {
    let mut log = WriteLog::default();
    let mut writes: std::collections::HashMap<(String, String), u32> = std::collections::HashMap::new();
    for request in server.request_log() {
        if request.route != Some(Route::KOMBO_UPSERT) {
            continue;
        }
        match request.status {
            Some(200..=299) => {
                log.written += 1;
                let body: serde_json::Value = serde_json::from_str(&request.body).unwrap_or_default();
                let field = |name: &str| body[name].as_str().unwrap_or_default().to_owned();
                *writes
                    .entry((field("staffing_entity_id"), field("skill_id")))
                    .or_default() += 1;
            }
            Some(429) => log.refused += 1,
            _ => log.other += 1,
        }
    }
    log.each_once = writes.len() == inputs.len()
        && inputs
            .iter()
            .all(|input| writes.get(&(input.staffing_entity_id().to_owned(), input.skill_id().to_owned())) == Some(&1));
    log
}

/// Whether every input is saved on the server with its level (each created once: the count of
/// expectations grew by exactly the number of inputs).
pub fn all_saved_once(server: &MockServer, inputs: &[SkillExpectation], count_before: u64) -> bool {
    let grew_by = server.kombo().expectations_count() - count_before;
    grew_by == inputs.len() as u64
        && inputs.iter().all(|input| {
            server
                .kombo()
                .find_expectation(input.staffing_entity_id(), input.skill_id())
                .is_some_and(|saved| saved.expected_level == input.level().map(ExpectedLevel::get))
        })
}

/// The includes of scenario 2: every one.
pub const ALL_INCLUDES: [&str; 4] = ["current_skills", "related_skills", "rejected_skills", "sources"];

#[derive(Deserialize)]
struct RawToken {
    access_token: String,
}

/// The hand-written TechWolf contender: reqwest + serde_json into plain structs.
#[derive(Debug, Clone)]
pub struct RawTechWolf {
    http: reqwest::Client,
    url: String,
    token: String,
}

#[derive(Deserialize)]
struct RawExportPage {
    has_next: bool,
    records: Vec<RawEmployee>,
    next_starting_after: Option<String>,
}

#[derive(Deserialize)]
struct RawEmployee {
    external_id: String,
    skill_clusters: Vec<RawCluster>,
}

/// The fields the client decodes, with plain types (strings for the enums).
#[derive(Deserialize)]
struct RawCluster {
    #[allow(dead_code, reason = "decoded like the client does, not needed for the tally")]
    skill_cluster_id: uuid::Uuid,
    skill_cluster_name: String,
    #[allow(dead_code, reason = "decoded like the client does, not needed for the tally")]
    domain_name: String,
    proficiency_level: i64,
    validation_state: Option<String>,
    current_skills: Option<Vec<RawSkill>>,
    related_skills: Option<Vec<RawSkill>>,
    rejected_skills: Option<Vec<RawSkill>>,
    sources: Option<Vec<String>>,
}

#[derive(Deserialize)]
struct RawSkill {
    name: String,
    #[allow(dead_code, reason = "decoded like the client does, not needed for the tally")]
    skill_id: uuid::Uuid,
    validation_state: Option<String>,
    #[serde(default)]
    skill_sources: Vec<String>,
}

/// One number per cluster from the fields both contenders decode.
#[allow(
    clippy::too_many_arguments,
    reason = "one argument per field keeps the two contenders' sums alike"
)]
fn cluster_sum(
    name: &str,
    level: i64,
    validated: bool,
    current: Option<(usize, usize)>,
    related: Option<(usize, usize)>,
    rejected: Option<(usize, usize)>,
    sources: Option<usize>,
) -> u64 {
    let list = |l: Option<(usize, usize)>, k: u64| l.map_or(0, |(n, extra)| (n as u64 + 1) * k + extra as u64);
    name.len() as u64
        + level.unsigned_abs() * 3
        + u64::from(validated) * 5
        + list(current, 7)
        + list(related, 11)
        + list(rejected, 13)
        + sources.map_or(0, |n| n as u64 + 1) * 17
}

impl Tally {
    fn employee(&mut self, id: &str, clusters: u64) {
        self.records += 1;
        self.checksum = self.checksum.wrapping_mul(31).wrapping_add(id.len() as u64 + clusters);
    }

    /// Adds a TechWolf employee as the client returns it.
    pub fn techwolf(&mut self, employee: &EmployeeSkillClusters) {
        let skills = |list: &Option<Vec<skillbridge::techwolf::Skill>>| {
            list.as_ref().map(|l| {
                let extra = l
                    .iter()
                    .map(|s| s.name.len() + s.skill_sources.len() + usize::from(s.validation_state.is_some()))
                    .sum();
                (l.len(), extra)
            })
        };
        let clusters = employee
            .skill_clusters
            .iter()
            .map(|c| {
                cluster_sum(
                    &c.skill_cluster_name,
                    c.proficiency_level,
                    c.validation_state.is_some(),
                    skills(&c.current_skills),
                    skills(&c.related_skills),
                    skills(&c.rejected_skills),
                    c.sources.as_ref().map(Vec::len),
                )
            })
            .fold(0_u64, u64::wrapping_add);
        self.employee(&employee.external_id, clusters);
    }

    fn generated_techwolf(&mut self, employee: &tw::EmployeeSkillClusters) {
        // Every list was asked for, so an empty one counts as present (as the public types say).
        let skills = |list: &Vec<tw::Skill>| {
            let extra = list
                .iter()
                .map(|s| s.name.len() + s.skill_sources.len() + usize::from(s.validation_state.is_some()))
                .sum();
            Some((list.len(), extra))
        };
        let clusters = employee
            .skill_clusters
            .iter()
            .map(|c| {
                cluster_sum(
                    &c.skill_cluster_name,
                    c.proficiency_level,
                    c.validation_state.is_some(),
                    skills(&c.current_skills),
                    skills(&c.related_skills),
                    skills(&c.rejected_skills),
                    Some(c.sources.len()),
                )
            })
            .fold(0_u64, u64::wrapping_add);
        self.employee(&employee.external_id, clusters);
    }

    fn raw_techwolf(&mut self, employee: &RawEmployee) {
        let skills = |list: &Option<Vec<RawSkill>>| {
            list.as_ref().map(|l| {
                let extra = l
                    .iter()
                    .map(|s| s.name.len() + s.skill_sources.len() + usize::from(s.validation_state.is_some()))
                    .sum();
                (l.len(), extra)
            })
        };
        let clusters = employee
            .skill_clusters
            .iter()
            .map(|c| {
                cluster_sum(
                    &c.skill_cluster_name,
                    c.proficiency_level,
                    c.validation_state.is_some(),
                    skills(&c.current_skills),
                    skills(&c.related_skills),
                    skills(&c.rejected_skills),
                    c.sources.as_ref().map(Vec::len),
                )
            })
            .fold(0_u64, u64::wrapping_add);
        self.employee(&employee.external_id, clusters);
    }
}

impl RawTechWolf {
    /// The generated TechWolf client, used directly, with this contender's token.
    pub fn generated(&self, base_url: &str) -> GeneratedTechWolf {
        let context = RequestContext::bearer(&self.token).expect("valid token");
        GeneratedTechWolf::new_with_client(base_url, self.http.clone(), context)
    }

    fn request(&self, after: Option<&str>) -> reqwest::RequestBuilder {
        let mut body = serde_json::json!({"limit": TECHWOLF_LIMIT, "include": ALL_INCLUDES});
        if let Some(after) = after {
            body["starting_after"] = serde_json::Value::from(after);
        }
        self.http.post(&self.url).bearer_auth(&self.token).json(&body)
    }

    /// Every employee, page by page, continuing after `next_starting_after` (or the last record).
    pub async fn export(&self) -> Tally {
        let mut tally = Tally::default();
        let mut after: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let response = self
                .request(after.as_deref())
                .send()
                .await
                .expect("sent")
                .error_for_status()
                .expect("200");
            let bytes = response.bytes().await.expect("body");
            let page: RawExportPage = serde_json::from_slice(&bytes).expect("decodes");
            for employee in &page.records {
                tally.raw_techwolf(employee);
            }
            if !page.has_next {
                return tally;
            }
            after = page
                .next_starting_after
                .or_else(|| page.records.last().map(|e| e.external_id.clone()));
        }
        panic!("more than {MAX_PAGES} pages");
    }

    /// The same loop decoding each page straight into skillbridge's public types: what `items()`
    /// would cost without the conversion from the generated types (the closing note's proposal).
    pub async fn export_into_public_types(&self) -> Tally {
        let mut tally = Tally::default();
        let mut after: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let response = self
                .request(after.as_deref())
                .send()
                .await
                .expect("sent")
                .error_for_status()
                .expect("200");
            let bytes = response.bytes().await.expect("body");
            let page: skillbridge::techwolf::EmployeeSkillClustersPage =
                serde_json::from_slice(&bytes).expect("decodes");
            for employee in &page.records {
                tally.techwolf(employee);
            }
            if !page.has_next {
                return tally;
            }
            after = page
                .next_starting_after
                .or_else(|| page.records.last().map(|e| e.external_id.clone()));
        }
        panic!("more than {MAX_PAGES} pages");
    }

    /// The raw bytes of the first page (the decoding scenario's input).
    pub async fn first_page(&self) -> Vec<u8> {
        self.request(None)
            .send()
            .await
            .expect("sent")
            .error_for_status()
            .expect("200")
            .bytes()
            .await
            .expect("body")
            .to_vec()
    }
}

/// Contender (b) of the TechWolf export: the generated client used directly, with the same loop.
pub async fn generated_techwolf_export(client: &GeneratedTechWolf) -> Tally {
    let mut tally = Tally::default();
    let mut after: Option<tw::ExportRequestStartingAfter> = None;
    let include = vec![
        tw::Include::CurrentSkills,
        tw::Include::RelatedSkills,
        tw::Include::RejectedSkills,
        tw::Include::Sources,
    ];
    let limit = NonZeroU64::new(u64::from(TECHWOLF_LIMIT)).expect("non-zero");
    for _ in 0..MAX_PAGES {
        let body = tw::ExportRequest {
            filters: Vec::new(),
            include: include.clone(),
            limit,
            starting_after: after.take(),
        };
        let page = client
            .export_employee_skill_clusters()
            .body(body)
            .send()
            .await
            .expect("200")
            .into_inner();
        for employee in &page.records {
            tally.generated_techwolf(employee);
        }
        if !page.has_next {
            return tally;
        }
        let next = page
            .next_starting_after
            .map(|n| n.to_string())
            .or_else(|| page.records.last().map(|e| e.external_id.clone()))
            .expect("a continuation");
        after = Some(next.parse().expect("a valid starting_after"));
    }
    panic!("more than {MAX_PAGES} pages");
}

/// The TechWolf contender under test: `items()` with every include, 100 per page, `read_ahead`
/// pages requested ahead.
pub async fn techwolf_items(techwolf: &TechWolf, read_ahead: usize) -> Tally {
    techwolf
        .employee_skill_clusters()
        .include(Include::all())
        .limit(TECHWOLF_LIMIT)
        .read_ahead(read_ahead)
        .items()
        .try_fold(Tally::default(), |mut tally, employee| async move {
            tally.techwolf(&employee);
            Ok(tally)
        })
        .await
        .expect("every page")
}

/// TechWolf `pages()` with every include: `items()` without its per-employee stream.
pub async fn techwolf_pages(techwolf: &TechWolf) -> Tally {
    techwolf
        .employee_skill_clusters()
        .include(Include::all())
        .limit(TECHWOLF_LIMIT)
        .pages()
        .try_fold(Tally::default(), |mut tally, page| async move {
            for employee in &page.records {
                tally.techwolf(employee);
            }
            Ok(tally)
        })
        .await
        .expect("every page")
}

/// Scenario 1's contenders on one mock server, built only once every one of them has listed the
/// same records: their times mean nothing otherwise. That first listing is also the warm-up.
#[allow(missing_debug_implementations, reason = "holds a runtime; never printed")]
pub struct KomboListing {
    /// Keeps the server running while the contenders use it.
    pub mock: Mock,
    /// The hand-written reqwest + serde_json loop.
    pub raw: RawKombo,
    /// The generated client, used directly.
    pub generated: GeneratedKombo,
    /// The mock's integration id.
    pub integration_id: String,
    /// skillbridge's handle for that integration.
    pub hris: Integration,
    /// What every contender must see.
    pub expected: Tally,
}

impl KomboListing {
    /// Starts the mock and checks that every contender lists the same records.
    pub fn new(runtime: &tokio::runtime::Runtime) -> Self {
        let mock = Mock::listing();
        let raw = mock.raw();
        let generated = mock.generated();
        let integration_id = mock.server.kombo().integration_id().to_owned();
        let hris = mock.integration(&mock.kombo());
        let expected = runtime.block_on(raw.list());
        assert_eq!(expected.records, KOMBO_RECORDS, "raw loop record count");
        assert_eq!(runtime.block_on(generated_list(&generated, &integration_id)), expected);
        assert_eq!(runtime.block_on(pages_list(&hris)), expected);
        assert_eq!(runtime.block_on(items_list(&hris, 0)), expected);
        assert_eq!(runtime.block_on(items_list(&hris, 1)), expected);
        Self {
            mock,
            raw,
            generated,
            integration_id,
            hris,
            expected,
        }
    }
}

/// Scenario 2's contenders on one mock server, checked to agree like [`KomboListing`]'s; the
/// skillbridge client fetches (and caches) its token in that first round.
#[allow(missing_debug_implementations, reason = "holds a runtime; never printed")]
pub struct TechWolfExport {
    /// Keeps the server running while the contenders use it.
    pub mock: Mock,
    /// The hand-written reqwest + serde_json loop.
    pub raw: RawTechWolf,
    /// The generated client, used directly.
    pub generated: GeneratedTechWolf,
    /// skillbridge's client.
    pub techwolf: TechWolf,
    /// What every contender must see.
    pub expected: Tally,
}

impl TechWolfExport {
    /// Starts the mock and checks that every contender exports the same employees.
    pub fn new(runtime: &tokio::runtime::Runtime) -> Self {
        let mock = Mock::listing();
        let raw = runtime.block_on(mock.raw_techwolf());
        let generated = raw.generated(&mock.server.techwolf().base_url());
        let techwolf = mock.techwolf();
        let expected = runtime.block_on(raw.export());
        assert_eq!(expected.records, TECHWOLF_EMPLOYEES, "raw loop employee count");
        assert_eq!(runtime.block_on(generated_techwolf_export(&generated)), expected);
        assert_eq!(runtime.block_on(raw.export_into_public_types()), expected);
        assert_eq!(runtime.block_on(techwolf_pages(&techwolf)), expected);
        assert_eq!(runtime.block_on(techwolf_items(&techwolf, 0)), expected);
        assert_eq!(runtime.block_on(techwolf_items(&techwolf, 1)), expected);
        Self {
            mock,
            raw,
            generated,
            techwolf,
            expected,
        }
    }
}

/// Scenario 7: pages per listing, and the server's latency and the caller's work per page.
pub const PACED_PAGES: u32 = 100;
/// Scenario 7: the mock's added latency per page, and the time the caller spends on each page
/// (as a database write would).
pub const PACED_LATENCY: Duration = Duration::from_millis(20);

impl Mock {
    /// Scenario 7's server: [`PACED_PAGES`] pages of 250 records, each answered after
    /// [`PACED_LATENCY`].
    pub fn paced() -> Self {
        Self::start(
            MockServer::builder()
                .staffing_entities(PACED_PAGES * PAGE_SIZE / SKILLS_PER_ENTITY)
                .skills_per_entity(SKILLS_PER_ENTITY)
                .latency(Route::KOMBO_LIST, PACED_LATENCY),
        )
    }

    /// Scenario 9's server: 10,000 records under a rate limit of `requests` per `window`.
    pub fn rate_limited(requests: u32, window: Duration) -> Self {
        Self::start(
            MockServer::builder()
                .staffing_entities(2_000)
                .skills_per_entity(SKILLS_PER_ENTITY)
                .rate_limit(requests, window),
        )
    }
}

impl RawKombo {
    /// Contender (a) of scenario 7: loop (a), awaiting `work` after each page as a caller that
    /// writes each page to a database does.
    pub async fn list_with_work(&self, work: Duration) -> Tally {
        let mut tally = Tally::default();
        let mut cursor: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let request = self.page_request(cursor.as_deref());
            let response = request.send().await.expect("sent").error_for_status().expect("200");
            let page: RawResponse = serde_json::from_slice(&response.bytes().await.expect("body")).expect("decodes");
            for record in &page.data.results {
                tally.raw(record);
            }
            tokio::time::sleep(work).await;
            match page.data.next {
                Some(next) => cursor = Some(next),
                None => return tally,
            }
        }
        panic!("more than {MAX_PAGES} pages");
    }
}

/// Scenario 7's contender under test: `items()` (read-ahead `read_ahead`), awaiting `work` after
/// every page's worth of records.
pub async fn items_with_work(hris: &Integration, read_ahead: usize, work: Duration) -> Tally {
    let mut items = hris
        .staffing_entity_skills()
        .page_size(PAGE_SIZE)
        .include_deleted(true)
        .read_ahead(read_ahead)
        .items();
    let mut tally = Tally::default();
    while let Some(record) = items.try_next().await.expect("every page") {
        tally.record(&record);
        if tally.records % u64::from(PAGE_SIZE) == 0 {
            tokio::time::sleep(work).await;
        }
    }
    // The last, shorter page is a page of work too.
    if tally.records % u64::from(PAGE_SIZE) != 0 {
        tokio::time::sleep(work).await;
    }
    tally
}

/// Scenario 9: a listing under a rate limit; when each page arrived, counted from the start.
pub async fn paced_pages(hris: &Integration, page_size: u32) -> (Tally, Vec<Duration>) {
    let started = std::time::Instant::now();
    let mut pages = hris
        .staffing_entity_skills()
        .page_size(page_size)
        .include_deleted(true)
        .pages();
    let mut tally = Tally::default();
    let mut arrivals = Vec::new();
    while let Some(page) = pages.try_next().await.expect("every page") {
        arrivals.push(started.elapsed());
        for record in &page.results {
            tally.record(record);
        }
    }
    (tally, arrivals)
}
