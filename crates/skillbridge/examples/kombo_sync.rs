//! Incremental sync of staffing-entity skill expectations from Kombo.
//!
//! ```sh
//! KOMBO_API_KEY=... KOMBO_INTEGRATION_ID=workday:HWUTwvyx2wLoSUHphiWVrp28 \
//!     cargo run -p skillbridge --example kombo_sync
//! ```
//!
//! Environment:
//! - `KOMBO_API_KEY` (required), `KOMBO_REGION` (`eu`/`us`), `KOMBO_BASE_URL` (e.g. the mock server):
//!   read by `Kombo::from_env`.
//! - `KOMBO_INTEGRATION_ID` (required): the integration, `tool:id`.
//! - `KOMBO_SYNC_SINCE` (optional, RFC 3339): only records updated after this time; without it, a
//!   full fetch.
//! - `KOMBO_UPSERT` (optional, `entity_id,skill_id[,level]`): also upsert one expectation.
#![allow(clippy::print_stdout, reason = "an example reports on stdout")]

use std::process::ExitCode;

use futures::TryStreamExt;
use skillbridge::error::Report;
use skillbridge::kombo::{ExpectedLevel, Kombo, SkillExpectation};

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("kombo_sync: {}", Report::new(&*error));
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let kombo = Kombo::from_env()?;
    let integration_id = std::env::var("KOMBO_INTEGRATION_ID").map_err(|_| "set KOMBO_INTEGRATION_ID (tool:id)")?;
    let hris = kombo.integration(&integration_id)?;

    // Kombo's sync guidance: remember when this fetch *started* and pass it as `updated_after` next time.
    let started = chrono::Utc::now();
    let mut listing = hris.staffing_entity_skills().page_size(250).include_deleted(true);
    if let Ok(since) = std::env::var("KOMBO_SYNC_SINCE") {
        listing = listing.updated_after(chrono::DateTime::parse_from_rfc3339(&since)?.to_utc());
    }
    let (mut seen, mut deleted) = (0_u64, 0_u64);
    let mut skills = listing.items();
    while let Some(skill) = skills.try_next().await? {
        seen += 1;
        if skill.is_deleted() {
            deleted += 1;
        }
    }
    println!(
        "{seen} skill expectations ({deleted} deleted); next run: KOMBO_SYNC_SINCE={}",
        started.to_rfc3339()
    );

    if let Ok(spec) = std::env::var("KOMBO_UPSERT") {
        let mut parts = spec.split(',');
        let (entity, skill) = (parts.next().unwrap_or_default(), parts.next().unwrap_or_default());
        let level = parts
            .next()
            .map(|l| l.trim().parse::<u8>())
            .transpose()?
            .map(ExpectedLevel::new)
            .transpose()?;
        let saved = hris
            .upsert_staffing_entity_skill(SkillExpectation::new(entity, skill).maybe_expected_level(level))
            .await?;
        println!(
            "saved {} (level {:?})",
            saved.id,
            saved.expected_level.map(ExpectedLevel::get)
        );
    }
    let stats = kombo.stats();
    println!("{} requests, {} retries", stats.requests, stats.retries);
    Ok(())
}
