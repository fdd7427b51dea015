//! Rough `items()` throughput against a raw reqwest loop, both on wiremock over loopback.
//!
//! Ignored by default (timing, not correctness): `cargo test -p skillbridge --release --test
//! throughput -- --ignored --nocapture`. Both sides must see every record, so it still fails if
//! either loop loses or repeats a page.

use std::time::{Duration, Instant};

use futures::TryStreamExt;
use serde::Deserialize;
use serde_json::json;
use skillbridge::kombo::Kombo;
use skillbridge::retry::RetryPolicy;
use wiremock::matchers::{method, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

const PAGES: usize = 40;
const PER_PAGE: usize = 250;
const ROUNDS: usize = 3;
/// Bounds the raw loop even if the server misbehaved.
const MAX_PAGES: usize = 1000;

async fn server() -> MockServer {
    let server = MockServer::start().await;
    for page in 0..PAGES {
        let records: Vec<_> = (0..PER_PAGE)
            .map(|i| {
                json!({
                    "id": format!("rec-{page}-{i}"),
                    "staffing_entity_id": format!("entity-{}", i % 17),
                    "skill_id": format!("skill-{i}"),
                    "expected_level": (i % 5) + 1,
                    "changed_at": "2026-03-04T05:06:07.890Z",
                    "remote_deleted_at": null,
                })
            })
            .collect();
        let next = (page + 1 < PAGES).then(|| format!("cursor-{}", page + 1));
        let body = json!({"status": "success", "data": {"results": records, "next": next}});
        let mock = Mock::given(method("GET"));
        let mock = if page == 0 {
            mock.and(query_param_is_missing("cursor"))
        } else {
            mock.and(query_param("cursor", format!("cursor-{page}")))
        };
        mock.respond_with(ResponseTemplate::new(200).set_body_json(body))
            .mount(&server)
            .await;
    }
    server
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

/// The same typed decoding the client does, so that only the wrapper's overhead differs.
#[derive(Deserialize)]
#[allow(dead_code, reason = "decoded for a fair comparison, never read")]
struct RawRecord {
    id: String,
    staffing_entity_id: String,
    skill_id: String,
    expected_level: Option<u8>,
    changed_at: chrono::DateTime<chrono::Utc>,
    remote_deleted_at: Option<chrono::DateTime<chrono::Utc>>,
}

async fn raw_loop(http: &reqwest::Client, base: &str) -> usize {
    let mut cursor: Option<String> = None;
    let mut seen = 0;
    for _ in 0..MAX_PAGES {
        let mut request = http
            .get(format!("{base}/hris/staffing-entity-skills"))
            .header("X-Integration-Id", "sandbox:abc")
            .bearer_auth("key")
            .query(&[("page_size", "250")]);
        if let Some(cursor) = &cursor {
            request = request.query(&[("cursor", cursor)]);
        }
        let bytes = request.send().await.expect("sent").bytes().await.expect("body");
        let page: RawResponse = serde_json::from_slice(&bytes).expect("decodes");
        seen += page.data.results.len();
        match page.data.next {
            Some(next) => cursor = Some(next),
            None => return seen,
        }
    }
    panic!("more than {MAX_PAGES} pages");
}

#[tokio::test]
#[ignore = "timing figures, run on demand"]
async fn items_throughput_against_a_raw_loop() {
    let server = server().await;
    let base = server.uri();
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("client");
    let kombo = Kombo::builder()
        .api_key("key")
        .base_url(&base)
        .retry_policy(RetryPolicy::never())
        .build()
        .expect("valid");
    let hris = kombo.integration("sandbox:abc").expect("valid");
    let total = PAGES * PER_PAGE;

    let (mut best_raw, mut best_items) = (Duration::MAX, Duration::MAX);
    for _ in 0..ROUNDS {
        let started = Instant::now();
        assert_eq!(raw_loop(&http, &base).await, total);
        best_raw = best_raw.min(started.elapsed());

        let started = Instant::now();
        let count = hris
            .staffing_entity_skills()
            .page_size(250)
            .items()
            .try_fold(0_usize, |n, _| async move { Ok(n + 1) })
            .await
            .expect("all pages");
        assert_eq!(count, total);
        best_items = best_items.min(started.elapsed());
    }
    let rate = |d: Duration| total as f64 / d.as_secs_f64();
    eprintln!(
        "{total} records in {PAGES} pages: raw reqwest loop {best_raw:?} ({:.0} records/s), items() {best_items:?} ({:.0} records/s)",
        rate(best_raw),
        rate(best_items)
    );
}
