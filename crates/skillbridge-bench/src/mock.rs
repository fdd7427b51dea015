//! The mock server each scenario runs against, on its own runtime, and the clients of every
//! contender pointed at it.

use std::time::Duration;

use skillbridge::kombo::{Integration, Kombo};
use skillbridge::retry::RetryPolicy;
use skillbridge::techwolf::TechWolf;
use skillbridge_mock::{MockServer, MockServerBuilder, Route};
use skillbridge_openapi::RequestContext;
use skillbridge_openapi::kombo::Client as GeneratedKombo;

use crate::kombo::RawKombo;
use crate::measure::http_client;
use crate::sizes::{
    KOMBO_ENTITIES, PACED_LATENCY, PACED_PAGES, PAGE_SIZE, SKILLS_PER_ENTITY, TECHWOLF_EMPLOYEES, UPSERT_LATENCY,
    WRITE_LIMIT,
};
use crate::techwolf::{RawTechWolf, RawToken};

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

    /// The listing scenario's server: [`KOMBO_RECORDS`](crate::KOMBO_RECORDS) records, 20,000 employees.
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

    /// Scenario 8's server: 10,000 records under a rate limit of `requests` per `window`.
    pub fn rate_limited(requests: u32, window: Duration) -> Self {
        Self::start(
            MockServer::builder()
                .staffing_entities(2_000)
                .skills_per_entity(SKILLS_PER_ENTITY)
                .rate_limit(requests, window),
        )
    }
}
