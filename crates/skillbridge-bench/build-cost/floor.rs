//! Build-cost scenario, the floor: the same request by hand, with the crates any client needs
//! (reqwest as skillbridge enables it, serde_json, tokio, chrono) and no skillbridge.
//! Built by `bench-report --only build-cost`, never run.

use chrono::{DateTime, Utc};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let key = std::env::var("KOMBO_API_KEY")?;
    let client = reqwest::Client::builder().build()?;
    let page: serde_json::Value = client
        .get("https://api.kombo.dev/v1/hris/staffing-entity-skills")
        .bearer_auth(key)
        .header("X-Integration-Id", "workday:HWUTwvyx2wLoSUHphiWVrp28")
        .query(&[("page_size", "250")])
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let results = page["data"]["results"].as_array().cloned().unwrap_or_default();
    for skill in &results {
        let changed: DateTime<Utc> = skill["changed_at"].as_str().unwrap_or_default().parse()?;
        println!("{} expects {} (changed {changed})", skill["staffing_entity_id"], skill["skill_id"]);
    }
    Ok(())
}
