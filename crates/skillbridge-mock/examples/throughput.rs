//! Streams 100,000 Kombo records at page_size 250 and 10,000 TechWolf employees at limit 100
//! through the mock with plain reqwest, with and without contract checks, and prints the time.
//!
//! ```text
//! cargo run --release -p skillbridge-mock --example throughput
//! ```
#![allow(clippy::print_stdout, reason = "an example that reports figures")]

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use skillbridge_mock::MockServer;

type Error = Box<dyn std::error::Error>;

async fn kombo(server: &MockServer, http: &reqwest::Client) -> Result<(usize, usize), Error> {
    let url = format!("{}/hris/staffing-entity-skills", server.kombo().base_url());
    let (mut records, mut pages) = (0, 0);
    let mut cursor: Option<String> = None;
    // Bounded: 100,000 / 250 = 400 pages.
    for _ in 0..1_000 {
        let mut req = http
            .get(&url)
            .bearer_auth(server.kombo().api_key())
            .header("X-Integration-Id", server.kombo().integration_id())
            .query(&[("page_size", "250"), ("include_deleted", "true")]);
        if let Some(c) = &cursor {
            req = req.query(&[("cursor", c)]);
        }
        let page: Value = req.send().await?.error_for_status()?.json().await?;
        pages += 1;
        records += page["data"]["results"].as_array().map_or(0, Vec::len);
        match page["data"]["next"].as_str() {
            Some(n) => cursor = Some(n.to_owned()),
            None => break,
        }
    }
    Ok((records, pages))
}

async fn techwolf(server: &MockServer, http: &reqwest::Client) -> Result<(usize, usize), Error> {
    let token: Value = http
        .post(server.techwolf().token_url())
        .json(
            &json!({"client_id": server.techwolf().client_id(), "client_secret": server.techwolf().client_secret(),
            "audience": server.techwolf().audience(), "grant_type": "client_credentials", "tenant": server.techwolf().tenant()}),
        )
        .send()
        .await?
        .json()
        .await?;
    let token = token["access_token"].as_str().unwrap_or_default().to_owned();
    let url = format!("{}/export/employees/skill_clusters", server.techwolf().base_url());
    let (mut records, mut pages) = (0, 0);
    let mut after: Option<String> = None;
    for _ in 0..1_000 {
        let mut body =
            json!({"limit": 100, "include": ["current_skills", "related_skills", "rejected_skills", "sources"]});
        if let Some(a) = &after {
            body["starting_after"] = json!(a);
        }
        let page: Value = http
            .post(&url)
            .bearer_auth(&token)
            .json(&body)
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        pages += 1;
        records += page["records"].as_array().map_or(0, Vec::len);
        if page["has_next"] != true {
            break;
        }
        after = page["next_starting_after"].as_str().map(str::to_owned);
    }
    Ok((records, pages))
}

fn per_page(d: Duration, pages: usize) -> String {
    format!("{:.0} µs/page", d.as_secs_f64() * 1e6 / pages.max(1) as f64)
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let http = reqwest::Client::new();
    for checks in [false, true] {
        let server = MockServer::builder()
            .staffing_entities(20_000)
            .skills_per_entity(5)
            .employees(10_000)
            .contract_checks(checks)
            .start()
            .await?;
        let t = Instant::now();
        let (records, pages) = kombo(&server, &http).await?;
        let d = t.elapsed();
        println!(
            "contract checks {checks:5}: Kombo    {records} records, {pages} pages in {d:?} ({})",
            per_page(d, pages)
        );
        let t = Instant::now();
        let (records, pages) = techwolf(&server, &http).await?;
        let d = t.elapsed();
        println!(
            "contract checks {checks:5}: TechWolf {records} employees, {pages} pages in {d:?} ({})",
            per_page(d, pages)
        );
        println!("  violations: {}", server.contract_violations().len());
        if !checks {
            let t = Instant::now();
            let n: usize = (0..10_000)
                .filter_map(|i| server.techwolf().employee(i))
                .map(|e| e.skill_clusters.len())
                .sum();
            println!(
                "  generating 10,000 employees in-process: {:?} ({n} clusters)",
                t.elapsed()
            );
            let t = Instant::now();
            let n = (0..100_000)
                .filter_map(|i| server.kombo().expectation(i))
                .filter(|e| e.expected_level.is_some())
                .count();
            println!(
                "  materialising 100,000 expectations in-process: {:?} ({n} with a level)",
                t.elapsed()
            );
        }
    }
    Ok(())
}
