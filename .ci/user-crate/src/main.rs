//! A program a new user writes from the crate README alone, built against the packaged crates
//! (not the workspace): list, upsert, export, a request to a route the library does not wrap (the
//! skill catalog) for a skill-name lookup, the clock through the re-exported chrono, and one typed
//! error logged with its cause, on the in-process mock. It imports nothing from the generated crate.

use futures::TryStreamExt;
use serde::Deserialize;
use skillbridge::chrono::Utc;
use skillbridge::error::Report;
use skillbridge::kombo::{ExpectedLevel, Kombo, SkillExpectation, StaffingEntitySkill};
use skillbridge::techwolf::{Include, TechWolf};
use skillbridge_mock::MockServer;

/// Kombo's skill catalog, as far as this program reads it.
#[derive(Deserialize)]
struct Skills {
    results: Vec<CatalogSkill>,
}

#[derive(Deserialize)]
struct CatalogSkill {
    id: String,
    name: String,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mock = MockServer::builder().seed(7).staffing_entities(30).employees(12).start().await?;

    // Kombo: every page, lazily, then one upsert read back by filter.
    let kombo = Kombo::builder()
        .api_key(mock.kombo().api_key())
        .base_url(mock.kombo().base_url())
        .build()?;
    let hris = kombo.integration(mock.kombo().integration_id())?;
    let all: Vec<StaffingEntitySkill> = hris.staffing_entity_skills().page_size(25).items().try_collect().await?;
    let first = all.first().ok_or("the mock has expectations")?;
    let saved = hris
        .upsert_staffing_entity_skill(
            SkillExpectation::new(first.staffing_entity_id.clone(), first.skill_id.clone())
                .expected_level(ExpectedLevel::try_from(3_u8)?),
        )
        .await?;
    let again: Vec<StaffingEntitySkill> = hris
        .staffing_entity_skills()
        .staffing_entity_ids([saved.staffing_entity_id.as_str()])
        .items()
        .try_collect()
        .await?;
    let read_back = again.iter().find(|s| s.skill_id == saved.skill_id).ok_or("upsert not visible")?;
    assert_eq!(read_back.expected_level.map(u8::from), Some(3));

    // A route the library does not wrap: the skill catalog names the skill just upserted.
    let catalog: Skills = hris.get("/hris/skills").query("ids", saved.skill_id.as_str()).send().await?;
    let named = catalog.results.iter().find(|s| s.id == saved.skill_id).ok_or("skill not in the catalog")?;
    assert!(!named.name.is_empty());
    let since = Utc::now() - skillbridge::chrono::Duration::days(1);
    let recent: Vec<StaffingEntitySkill> =
        hris.staffing_entity_skills().updated_after(since).items().try_collect().await?;
    assert!(recent.iter().any(|s| s.id == saved.id), "the upsert is among the day's changes");

    // TechWolf: OAuth2 client credentials against the mock's token endpoint.
    let techwolf = TechWolf::builder()
        .base_url(mock.techwolf().base_url())
        .token_url(mock.techwolf().token_url())
        .tenant(mock.techwolf().tenant())
        .audience(mock.techwolf().audience())
        .client_credentials(mock.techwolf().client_id(), mock.techwolf().client_secret().to_owned())
        .build()?;
    let employees: Vec<_> = techwolf
        .employee_skill_clusters()
        .include(Include::all())
        .limit(5)
        .items()
        .try_collect()
        .await?;
    assert_eq!(employees.len(), 12);

    // One typed error: a wrong key is an auth error with its status, and never shows the key.
    let wrong = Kombo::builder().api_key("wrong-key-SECRET").base_url(mock.kombo().base_url()).build()?;
    let error = wrong
        .integration(mock.kombo().integration_id())?
        .staffing_entity_skills()
        .send()
        .await
        .err()
        .ok_or("a wrong key must fail")?;
    assert!(error.is_auth(), "{error:?}");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
    assert!(!error.is_retryable());
    assert!(!format!("{error} {error:?}").contains("SECRET"));
    // Logged on one line with its causes, as a log line wants it.
    let unreachable = Kombo::builder()
        .api_key("k")
        .base_url("http://127.0.0.1:9/v1")
        .retry_policy(skillbridge::retry::RetryPolicy::never())
        .build()?;
    let down = unreachable.integration("tool:id")?.staffing_entity_skills().send().await.err().ok_or("port 9 answered")?;
    let line = Report::new(&down).to_string();
    assert!(line.len() > down.to_string().len(), "the cause is in the line: {line}");
    eprintln!("logged: {line}");

    println!(
        "user crate OK: listed {}, upserted {} ({}), exported {} employees, typed error: {error}",
        all.len(),
        saved.id,
        named.name,
        employees.len()
    );
    Ok(())
}
