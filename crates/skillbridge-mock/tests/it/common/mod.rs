//! Helpers shared by the integration tests: a reqwest client aimed at a running mock.
#![allow(unreachable_pub, reason = "a test helper module of the one test binary")]

use std::time::Duration;

use reqwest::header::HeaderMap;
use serde_json::{Value, json};
use skillbridge_mock::{MockServer, MockServerBuilder, Route};

/// Upper bound on pages any test follows, so a pagination bug fails instead of looping.
pub const MAX_PAGES: usize = 10_000;

/// How long a test waits for requests to be held before it fails: they arrive in milliseconds, and
/// a hold that never fills (a broken hold, a request never sent) fails the test instead of hanging.
pub const HOLD_GUARD: Duration = Duration::from_secs(30);

pub struct Ctx {
    pub server: MockServer,
    pub http: reqwest::Client,
}

pub struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub text: String,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }

    /// Kombo's error code.
    pub fn code(&self) -> Value {
        self.json()["error"]["code"].clone()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .expect("reqwest client")
}

async fn reply(r: reqwest::Response) -> Reply {
    let status = r.status().as_u16();
    let headers = r.headers().clone();
    let text = r.text().await.expect("body");
    Reply { status, headers, text }
}

impl Ctx {
    /// Waits until `n` requests of `route` are held, failing after [`HOLD_GUARD`].
    pub async fn wait_held(&self, route: Route, n: u64) {
        tokio::time::timeout(HOLD_GUARD, self.server.wait_held(route, n))
            .await
            .unwrap_or_else(|_| {
                panic!(
                    "{n} requests of {route:?} never held ({} were)",
                    self.server.held(route)
                )
            });
    }

    /// Starts the mock with contract checks on (their default depends on the build profile,
    /// and these tests assert on violations even under `cargo test --release`).
    pub async fn start(builder: MockServerBuilder) -> Ctx {
        Ctx {
            server: builder.contract_checks(true).start().await.expect("mock starts"),
            http: client(),
        }
    }

    pub fn kombo_url(&self) -> String {
        format!("{}/hris/staffing-entity-skills", self.server.kombo().base_url())
    }

    pub fn export_url(&self) -> String {
        format!("{}/export/employees/skill_clusters", self.server.techwolf().base_url())
    }

    /// GET a Kombo URL with valid credentials.
    async fn kombo_get(&self, url: String, query: &[(&str, &str)]) -> Reply {
        let r = self
            .http
            .get(url)
            .bearer_auth(self.server.kombo().api_key())
            .header("X-Integration-Id", self.server.kombo().integration_id())
            .query(query)
            .send()
            .await
            .expect("Kombo GET request");
        reply(r).await
    }

    /// GET the Kombo list with valid credentials.
    pub async fn list(&self, query: &[(&str, &str)]) -> Reply {
        self.kombo_get(self.kombo_url(), query).await
    }

    pub fn skills_url(&self) -> String {
        format!("{}/hris/skills", self.server.kombo().base_url())
    }

    /// GET Kombo's skill catalog with valid credentials.
    pub async fn skills(&self, query: &[(&str, &str)]) -> Reply {
        self.kombo_get(self.skills_url(), query).await
    }

    /// Asserts that a Kombo GET on `url` is refused, in Kombo's envelope, without the key, with
    /// a wrong key, without the integration and with an unknown integration.
    pub async fn assert_kombo_auth_refusals(&self, url: &str) {
        let kombo = self.server.kombo();
        let cases: [(Option<&str>, Option<&str>, u16, &str); 4] = [
            (
                None,
                Some(kombo.integration_id()),
                401,
                "PLATFORM.AUTHENTICATION_INVALID",
            ),
            (
                Some("wrong-key"),
                Some(kombo.integration_id()),
                401,
                "PLATFORM.AUTHENTICATION_INVALID",
            ),
            (Some(kombo.api_key()), None, 400, "PLATFORM.INPUT_INVALID"),
            (
                Some(kombo.api_key()),
                Some("sandbox:nope"),
                404,
                "PLATFORM.INTEGRATION_NOT_FOUND",
            ),
        ];
        for (key, integration, status, code) in cases {
            let mut req = self.http.get(url);
            if let Some(k) = key {
                req = req.bearer_auth(k);
            }
            if let Some(i) = integration {
                req = req.header("X-Integration-Id", i);
            }
            let r = req.send().await.expect("request");
            assert_eq!(r.status().as_u16(), status);
            let body: Value = r.json().await.expect("json");
            assert_eq!(body["status"], "error");
            assert_eq!(body["error"]["code"], code);
            assert!(body["error"]["message"].as_str().is_some_and(|m| !m.is_empty()));
            // A code Kombo documents has a title of its own, not the catch-all.
            let title = body["error"]["title"].as_str().unwrap_or_default();
            assert!(!title.is_empty() && title != "An error occurred.", "{code}: {title:?}");
        }
    }

    /// Every record of a listing, following `next`; asserts each page is a 200.
    pub async fn list_all(&self, query: &[(&str, &str)]) -> Vec<Value> {
        let mut out = Vec::new();
        let mut cursor: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let mut q: Vec<(&str, &str)> = query.to_vec();
            if let Some(c) = &cursor {
                q.push(("cursor", c));
            }
            let r = self.list(&q).await;
            assert_eq!(r.status, 200, "{}", r.text);
            let body = r.json();
            out.extend(body["data"]["results"].as_array().expect("results").iter().cloned());
            match body["data"]["next"].as_str() {
                Some(next) => cursor = Some(next.to_owned()),
                None => return out,
            }
        }
        panic!("listing did not end within {MAX_PAGES} pages");
    }

    /// POST an upsert body with valid credentials.
    pub async fn upsert(&self, body: &Value) -> Reply {
        let r = self
            .http
            .post(self.kombo_url())
            .bearer_auth(self.server.kombo().api_key())
            .header("X-Integration-Id", self.server.kombo().integration_id())
            .json(body)
            .send()
            .await
            .expect("upsert request");
        reply(r).await
    }

    pub fn token_body(&self) -> Value {
        json!({
            "client_id": self.server.techwolf().client_id(),
            "client_secret": self.server.techwolf().client_secret(),
            "audience": self.server.techwolf().audience(),
            "grant_type": "client_credentials",
            "tenant": self.server.techwolf().tenant(),
        })
    }

    pub async fn token_request(&self, body: &Value) -> Reply {
        let r = self
            .http
            .post(self.server.techwolf().token_url())
            .json(body)
            .send()
            .await
            .expect("token request");
        reply(r).await
    }

    /// A fresh access token.
    pub async fn token(&self) -> String {
        let r = self.token_request(&self.token_body()).await;
        assert_eq!(r.status, 200, "{}", r.text);
        r.json()["access_token"].as_str().expect("access_token").to_owned()
    }

    pub async fn export(&self, token: &str, body: &Value) -> Reply {
        let r = self
            .http
            .post(self.export_url())
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .expect("export request");
        reply(r).await
    }

    /// Every record of an export, following `has_next` (falling back to the last `external_id`).
    pub async fn export_all(&self, token: &str, body: &Value) -> Vec<Value> {
        let mut out: Vec<Value> = Vec::new();
        let mut after: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let mut b = body.clone();
            if let Some(a) = &after {
                b["starting_after"] = json!(a);
            }
            let r = self.export(token, &b).await;
            assert_eq!(r.status, 200, "{}", r.text);
            let page = r.json();
            let records = page["records"].as_array().expect("records").clone();
            let last = records
                .last()
                .map(|r| r["external_id"].as_str().expect("external_id").to_owned());
            out.extend(records);
            if !page["has_next"].as_bool().expect("has_next") {
                return out;
            }
            after = page["next_starting_after"].as_str().map(str::to_owned).or(last);
        }
        panic!("export did not end within {MAX_PAGES} pages");
    }

    /// Asserts the mock produced only spec-conforming responses and saw only conforming bodies.
    pub fn assert_no_violations(&self) {
        let v = self.server.contract_violations();
        assert!(v.is_empty(), "contract violations: {v:#?}");
    }
}

impl Ctx {
    /// An upsert future that owns what it needs, so it can be spawned.
    pub fn upsert_owned(&self, body: Value) -> impl std::future::Future<Output = Reply> + Send + 'static {
        let req = self
            .http
            .post(self.kombo_url())
            .bearer_auth(self.server.kombo().api_key())
            .header("X-Integration-Id", self.server.kombo().integration_id())
            .json(&body);
        async move { reply(req.send().await.expect("upsert request")).await }
    }
}
