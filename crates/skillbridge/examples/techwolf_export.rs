//! Export every active employee's skill clusters from TechWolf and summarise them.
//!
//! ```sh
//! TECHWOLF_TENANT=acme TECHWOLF_REGION=eu TECHWOLF_CLIENT_ID=... TECHWOLF_CLIENT_SECRET=... \
//!     cargo run -p skillbridge --example techwolf_export
//! ```
//!
//! Environment: the `TECHWOLF_*` variables read by `TechWolf::from_env` (tenant and region, or
//! `TECHWOLF_BASE_URL`; client credentials or `TECHWOLF_ACCESS_TOKEN`; optionally
//! `TECHWOLF_TOKEN_URL` and `TECHWOLF_AUDIENCE`).
#![allow(clippy::print_stdout, reason = "an example reports on stdout")]

use std::collections::BTreeMap;
use std::process::ExitCode;

use futures::TryStreamExt;
use skillbridge::error::Report;
use skillbridge::techwolf::{Filter, Include, TechWolf, ValidationState};

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("techwolf_export: {}", Report::new(&*error));
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let techwolf = TechWolf::from_env()?;
    let mut employees = techwolf
        .employee_skill_clusters()
        .filter(Filter::IsActive(true))
        .include([Include::CurrentSkills, Include::RelatedSkills, Include::Sources])
        .limit(100)
        .items();

    let (mut count, mut clusters) = (0_u64, BTreeMap::<String, u64>::new());
    let mut validated_skills = 0_u64;
    while let Some(employee) = employees.try_next().await? {
        count += 1;
        for cluster in &employee.skill_clusters {
            *clusters.entry(cluster.skill_cluster_name.clone()).or_default() += 1;
            validated_skills += cluster
                .current_skills
                .iter()
                .flatten()
                .filter(|s| s.validation_state == Some(ValidationState::Validated))
                .count() as u64;
        }
    }
    println!("{count} active employees, {validated_skills} validated current skills");
    let mut top: Vec<_> = clusters.into_iter().collect();
    top.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    for (name, employees) in top.iter().take(5) {
        println!("  {name}: {employees} employees");
    }
    println!(
        "{} requests, {} token fetches",
        techwolf.stats().requests,
        techwolf.token_fetches()
    );
    Ok(())
}
