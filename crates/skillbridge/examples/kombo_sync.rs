//! Keeps a mirror of Kombo's skill expectations current, with the checkpoint in a JSON file: the
//! sync engine without SQLite. Each run prints the changes it applies; the first run (and one every
//! 7 days) fetches everything, the others only what changed since the last run started. For both
//! APIs into SQLite, see the `mirror` example.
//!
//! ```sh
//! KOMBO_API_KEY=... KOMBO_INTEGRATION_ID=workday:HWUTwvyx2wLoSUHphiWVrp28 \
//!     cargo run -p skillbridge --example kombo_sync -- skills.checkpoint.json
//! ```
//!
//! Environment: `KOMBO_API_KEY` (required), `KOMBO_REGION` (`eu`/`us`) or `KOMBO_BASE_URL` (e.g.
//! the mock server), read by `Kombo::from_env`; `KOMBO_INTEGRATION_ID` (required).
#![allow(clippy::print_stdout, reason = "an example reports on stdout")]

use std::process::ExitCode;

use skillbridge::error::Report;
use skillbridge::kombo::{Kombo, StaffingEntitySkill};
use skillbridge::sync::{Change, FileCheckpointStore, Sink};

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

/// The "mirror" of this example: it prints each change. A real sink writes them, idempotently by id.
struct Printer;

impl Sink<StaffingEntitySkill> for Printer {
    type Error = std::convert::Infallible;

    async fn apply(&mut self, changes: &[Change<StaffingEntitySkill>]) -> Result<(), Self::Error> {
        for change in changes {
            match change {
                Change::Upsert(skill) => println!(
                    "upsert {}: {} on {} at {:?}",
                    skill.id, skill.skill_id, skill.staffing_entity_id, skill.expected_level
                ),
                Change::Delete(id) => println!("delete {id}"),
            }
        }
        Ok(())
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let checkpoint = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "kombo.checkpoint.json".to_owned());
    let integration_id = std::env::var("KOMBO_INTEGRATION_ID").map_err(|_| "set KOMBO_INTEGRATION_ID (tool:id)")?;
    let hris = Kombo::from_env()?.integration(&integration_id)?;
    let mut destination = (Printer, FileCheckpointStore::open(&checkpoint)?);
    let summary = hris
        .staffing_entity_skills()
        .page_size(250)
        .sync()
        .run(&mut destination)
        .await?;
    println!(
        "{:?} run: {} upserted, {} deleted, {} pages{}",
        summary.mode,
        summary.upserted,
        summary.deleted,
        summary.pages,
        if summary.resumed { " (resumed)" } else { "" }
    );
    Ok(())
}
