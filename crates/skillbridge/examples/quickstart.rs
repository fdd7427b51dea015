//! skillbridge in one run: list Kombo skill expectations, upsert one and read it back, and export
//! TechWolf skill clusters.
//!
//! ```sh
//! cargo run --example quickstart
//! ```
//!
//! With no credentials in the environment it starts the embedded mock server (`skillbridge-mock`)
//! on 127.0.0.1 and talks to that: nothing leaves the machine. With `KOMBO_API_KEY` and
//! `KOMBO_INTEGRATION_ID` set it talks to Kombo instead, and with the `TECHWOLF_*` variables to
//! TechWolf (see `Kombo::from_env` and `TechWolf::from_env`). Against a real Kombo account the
//! upsert step only runs with `SKILLBRIDGE_QUICKSTART_WRITE=1`: a quickstart should not write to
//! production data unasked.
#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "an example reports on the terminal"
)]

use std::collections::BTreeMap;
use std::collections::HashMap;
use std::io::{IsTerminal as _, Write as _};
use std::process::ExitCode;
use std::time::Instant;

use futures::TryStreamExt;
use skillbridge::error::Report;
use skillbridge::kombo::{ExpectedLevel, Integration, Kombo, SkillExpectation, StaffingEntityId, StaffingEntitySkill};
use skillbridge::techwolf::{Include, TechWolf};
use skillbridge_mock::MockServer;

type AnyError = Box<dyn std::error::Error>;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("\nquickstart failed: {}", Report::new(&*error));
            ExitCode::FAILURE
        }
    }
}

/// Where each API comes from: the real service (from the environment) or the embedded mock.
struct Setup {
    hris: Integration,
    techwolf: TechWolf,
    may_write: bool,
    /// Kept alive for the whole run (the server stops when dropped); its counts explain ours.
    mock: Option<MockServer>,
}

async fn setup() -> Result<Setup, AnyError> {
    let real_kombo = std::env::var_os("KOMBO_API_KEY").is_some();
    let real_techwolf = ["TECHWOLF_CLIENT_ID", "TECHWOLF_ACCESS_TOKEN"]
        .iter()
        .any(|v| std::env::var_os(v).is_some());
    let mock = if real_kombo && real_techwolf {
        None
    } else {
        Some(
            MockServer::builder()
                .seed(7)
                .staffing_entities(2_000)
                .skills_per_entity(5)
                .employees(300)
                .start()
                .await?,
        )
    };
    let (hris, may_write) = match (&mock, real_kombo) {
        (_, true) => {
            let id = std::env::var("KOMBO_INTEGRATION_ID")
                .map_err(|_| "KOMBO_API_KEY is set: also set KOMBO_INTEGRATION_ID")?;
            let kombo = Kombo::from_env()?;
            println!("Kombo:    {} (from KOMBO_* variables)", kombo.base_url());
            let write = std::env::var("SKILLBRIDGE_QUICKSTART_WRITE").is_ok_and(|v| v == "1");
            (kombo.integration(id)?, write)
        }
        (Some(mock), false) => {
            println!(
                "Kombo:    {} (embedded mock, integration {})",
                mock.kombo().base_url(),
                mock.kombo().integration_id()
            );
            let kombo = Kombo::builder()
                .api_key(mock.kombo().api_key().to_owned())
                .base_url(mock.kombo().base_url())
                .build()?;
            (kombo.integration(mock.kombo().integration_id())?, true)
        }
        (None, false) => unreachable!("a mock is started whenever Kombo credentials are missing"),
    };
    let techwolf = match (&mock, real_techwolf) {
        (_, true) => {
            let techwolf = TechWolf::from_env()?;
            println!("TechWolf: {} (from TECHWOLF_* variables)", techwolf.base_url());
            techwolf
        }
        (Some(mock), false) => {
            println!(
                "TechWolf: {} (embedded mock, token endpoint {})",
                mock.techwolf().base_url(),
                mock.techwolf().token_url()
            );
            TechWolf::builder()
                .base_url(mock.techwolf().base_url())
                .token_url(mock.techwolf().token_url())
                .tenant(mock.techwolf().tenant())
                .audience(mock.techwolf().audience())
                .client_credentials(mock.techwolf().client_id(), mock.techwolf().client_secret().to_owned())
                .build()?
        }
        (None, false) => unreachable!("a mock is started whenever TechWolf credentials are missing"),
    };
    Ok(Setup {
        hris,
        techwolf,
        may_write,
        mock,
    })
}

/// Kombo's skill catalog (`GET /hris/skills`, a route the library does not wrap), as far as the
/// quickstart reads it.
#[derive(serde::Deserialize)]
struct Skills {
    results: Vec<CatalogSkill>,
}

#[derive(serde::Deserialize)]
struct CatalogSkill {
    id: String,
    name: String,
}

/// The names of these expectations' skills, by Kombo skill id; empty when the catalog cannot be
/// read (it is in closed beta: an integration may not have it).
async fn skill_names(hris: &Integration, expectations: &[StaffingEntitySkill]) -> HashMap<String, String> {
    let ids: Vec<&str> = expectations.iter().map(|e| e.skill_id.as_str()).collect();
    match hris
        .get("/hris/skills")
        .query("ids", ids.join(","))
        .send::<Skills>()
        .await
    {
        Ok(skills) => skills.results.into_iter().map(|s| (s.id, s.name)).collect(),
        Err(error) => {
            eprintln!("   (no skill names: {})", error.report());
            HashMap::new()
        }
    }
}

async fn run() -> Result<(), AnyError> {
    println!("skillbridge quickstart\n");
    let setup = setup().await?;

    // 1. A few staffing entities' expectations, by filter.
    let first = setup.hris.staffing_entity_skills().page_size(20).send().await?;
    let mut entities: Vec<StaffingEntityId> = first.results.iter().map(|r| r.staffing_entity_id.clone()).collect();
    entities.dedup();
    entities.truncate(3);
    println!("\n1. Skill expectations of {} staffing entities", entities.len());
    if !entities.is_empty() {
        let some: Vec<StaffingEntitySkill> = setup
            .hris
            .staffing_entity_skills()
            .staffing_entity_ids(&entities)
            .items()
            .try_collect()
            .await?;
        let names = skill_names(&setup.hris, &some).await;
        for skill in &some {
            let level = skill
                .expected_level
                .map_or_else(|| "none".to_owned(), |l| l.to_string());
            let name = names.get(skill.skill_id.as_str()).map_or("(no name)", String::as_str);
            println!(
                "   entity {}  skill {} {name:<24}  expected level {level}",
                skill.staffing_entity_id, skill.skill_id
            );
        }
    }

    // 2. The long listing, every page, with progress.
    println!("\n2. Every expectation (page size 250)");
    let started = Instant::now();
    let mut pages = setup.hris.staffing_entity_skills().page_size(250).pages();
    // Redraw one line on a terminal; in a log, a line every 10 pages.
    let terminal = std::io::stderr().is_terminal();
    let (mut records, mut page_count, mut without_level) = (0_u64, 0_u64, 0_u64);
    while let Some(page) = pages.try_next().await? {
        page_count += 1;
        records += page.results.len() as u64;
        without_level += page.results.iter().filter(|r| r.expected_level.is_none()).count() as u64;
        if terminal {
            eprint!("\r   {records:>8} records, {page_count:>4} pages ...");
            let _ = std::io::stderr().flush();
        } else if page_count % 10 == 0 {
            eprintln!("   ... {records} records, {page_count} pages");
        }
    }
    if terminal {
        eprintln!();
    }
    println!(
        "   {records} records in {page_count} pages, {:.2} s; {without_level} without an expected level",
        started.elapsed().as_secs_f64()
    );
    // Why the count is not the number seeded: Kombo leaves out deleted records unless asked.
    match &setup.mock {
        Some(mock) => println!(
            "   ({} expectations seeded; the {} deleted ones are listed only with include_deleted(true))",
            mock.kombo().expectations_count(),
            mock.kombo().expectations_count().saturating_sub(records)
        ),
        None => println!("   (deleted expectations are listed only with include_deleted(true))"),
    }

    // 3. Upsert one expectation with a new level and read it back.
    println!("\n3. Upsert and read back");
    if setup.may_write {
        upsert_and_read_back(&setup.hris, &first.results).await?;
    } else {
        println!("   skipped against the real Kombo API (set SKILLBRIDGE_QUICKSTART_WRITE=1 to write)");
    }

    // 4. TechWolf: every employee's skill clusters, every include.
    println!("\n4. TechWolf skill clusters (every include)");
    let employees: Vec<_> = setup
        .techwolf
        .employee_skill_clusters()
        .include(Include::all())
        .limit(100)
        .items()
        .try_collect()
        .await?;
    let mut clusters = BTreeMap::<&str, u64>::new();
    for employee in &employees {
        for cluster in &employee.skill_clusters {
            *clusters.entry(cluster.skill_cluster_name.as_str()).or_default() += 1;
        }
    }
    let mut top: Vec<_> = clusters.into_iter().collect();
    top.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    println!("   {} employees; most common clusters:", employees.len());
    for (name, count) in top.iter().take(3) {
        println!("   - {name}: {count} employees");
    }
    let stats = setup.techwolf.stats();
    println!(
        "   {} requests, {} token fetched",
        stats.requests,
        setup.techwolf.token_fetches()
    );
    println!(
        "\nDone. Kombo: {} requests, {} retries.",
        setup.hris.client().stats().requests,
        setup.hris.client().stats().retries
    );
    Ok(())
}

/// Moves one expectation to another level; a closed staffing entity refuses writes, so a few
/// candidates are tried.
async fn upsert_and_read_back(hris: &Integration, candidates: &[StaffingEntitySkill]) -> Result<(), AnyError> {
    for before in candidates.iter().filter(|c| !c.is_deleted()).take(10) {
        let new_level = match before.expected_level.map(ExpectedLevel::get) {
            Some(5) => ExpectedLevel::new(1)?,
            Some(level) => ExpectedLevel::new(level + 1)?,
            None => ExpectedLevel::new(3)?,
        };
        let expectation = SkillExpectation::new(&before.staffing_entity_id, &before.skill_id).expected_level(new_level);
        match hris.upsert_staffing_entity_skill(expectation).await {
            Ok(saved) => {
                let read: Vec<StaffingEntitySkill> = hris
                    .staffing_entity_skills()
                    .ids([&saved.id])
                    .items()
                    .try_collect()
                    .await?;
                let after = read
                    .first()
                    .ok_or("the saved expectation was not found when read back")?;
                println!(
                    "   entity {} skill {}: level {} -> {}, changed_at {} -> {}",
                    after.staffing_entity_id,
                    after.skill_id,
                    before
                        .expected_level
                        .map_or_else(|| "none".to_owned(), |l| l.to_string()),
                    after
                        .expected_level
                        .map_or_else(|| "none".to_owned(), |l| l.to_string()),
                    before.changed_at.format("%Y-%m-%d %H:%M:%S"),
                    after.changed_at.format("%Y-%m-%d %H:%M:%S"),
                );
                return Ok(());
            }
            Err(error) if error.code() == Some("HRIS.STAFFING_ENTITY_CLOSED") => {
                println!(
                    "   entity {} is closed ({error}); trying another",
                    before.staffing_entity_id
                );
            }
            Err(error) => return Err(error.into()),
        }
    }
    Err("no open staffing entity among the first records".into())
}
