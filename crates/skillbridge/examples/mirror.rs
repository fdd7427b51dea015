//! Mirrors both APIs into one SQLite database, and keeps it current: Kombo's skill expectations
//! (incremental after the first run) and TechWolf's employee skill clusters (compared with the last
//! export). Interrupt it (Ctrl-C, a kill, a network failure) and the next run continues where the
//! database says it stopped.
//!
//! ```sh
//! cargo run -p skillbridge --example mirror --features sqlite -- --db mirror.db [--full]
//! ```
//!
//! With no credentials in the environment it starts the embedded mock server on 127.0.0.1 (the
//! same data each time, so a second run is incremental and finds nothing new). Otherwise:
//! `KOMBO_API_KEY`, `KOMBO_BASE_URL` (or `KOMBO_REGION`) and `KOMBO_INTEGRATION_ID` for Kombo, and
//! the `TECHWOLF_*` variables for TechWolf (see `Kombo::from_env` and `TechWolf::from_env`);
//! `skillbridge-mock`'s binary prints them for a mock running on its own.
//!
//! Tables: `kombo_staffing_entity_skills` (one row per record; `deleted = 1` once deleted upstream)
//! and `techwolf_employee_skill_clusters` (one row per employee and cluster). Progress goes to
//! stderr; the last stdout lines are one JSON object per vendor:
//! `{"vendor":"kombo","mode":"full","upserted":N,"deleted":N,"pages":N,"resumed":false}`.
#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "an example reports on the terminal"
)]

use std::path::PathBuf;
use std::process::ExitCode;

use serde::Serialize;
use skillbridge::error::Report;
use skillbridge::kombo::{Integration, Kombo, StaffingEntitySkill};
use skillbridge::sync::sqlite::SqliteMirror;
use skillbridge::sync::{Checkpoint, Commit, Destination, Record, Summary, SyncError};
use skillbridge::techwolf::{EmployeeSkillClusters, TechWolf};
use skillbridge_mock::MockServer;

type AnyError = Box<dyn std::error::Error>;

const USAGE: &str = "usage: mirror --db PATH [--full]";

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("mirror: {}", Report::new(&*error));
            ExitCode::FAILURE
        }
    }
}

/// The command line: where the database is, and whether to fetch everything.
struct Args {
    db: PathBuf,
    full: bool,
}

fn args() -> Result<Args, AnyError> {
    let mut db = None;
    let mut full = false;
    let mut args = std::env::args_os().skip(1);
    while let Some(arg) = args.next() {
        match arg.to_str() {
            Some("--db") => db = Some(PathBuf::from(args.next().ok_or("--db needs a path")?)),
            Some("--full") => full = true,
            Some("-h" | "--help") => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            _ => return Err(format!("unexpected argument {arg:?}; {USAGE}").into()),
        }
    }
    Ok(Args {
        db: db.ok_or(USAGE)?,
        full,
    })
}

/// The line printed for each vendor.
#[derive(Serialize)]
struct Line {
    vendor: &'static str,
    #[serde(flatten)]
    summary: Summary,
}

async fn run() -> Result<(), AnyError> {
    let args = args()?;
    let (hris, techwolf, _mock) = clients().await?;

    let mut kombo_mirror = Progress::new("kombo", SqliteMirror::<StaffingEntitySkill>::open(&args.db)?);
    let kombo = hris
        .staffing_entity_skills()
        .page_size(skillbridge::kombo::MAX_PAGE_SIZE)
        .sync()
        .full(args.full)
        .run(&mut kombo_mirror)
        .await?;
    let mut techwolf_mirror = Progress::new("techwolf", SqliteMirror::<EmployeeSkillClusters>::open(&args.db)?);
    let techwolf = techwolf
        .employee_skill_clusters()
        .limit(skillbridge::techwolf::MAX_LIMIT)
        .sync()
        .run(&mut techwolf_mirror)
        .await?;
    for line in [
        Line {
            vendor: "kombo",
            summary: kombo,
        },
        Line {
            vendor: "techwolf",
            summary: techwolf,
        },
    ] {
        println!("{}", serde_json::to_string(&line)?);
    }
    Ok(())
}

/// The clients, from the environment or on the embedded mock (kept alive as the third value).
async fn clients() -> Result<(Integration, TechWolf, Option<MockServer>), AnyError> {
    let real_kombo = std::env::var_os("KOMBO_API_KEY").is_some();
    let real_techwolf = ["TECHWOLF_CLIENT_ID", "TECHWOLF_ACCESS_TOKEN"]
        .iter()
        .any(|v| std::env::var_os(v).is_some());
    let mock = if real_kombo && real_techwolf {
        None
    } else {
        eprintln!("mirror: no credentials in the environment; starting the embedded mock server");
        Some(
            MockServer::builder()
                .seed(7)
                .staffing_entities(2_000)
                .skills_per_entity(5)
                .employees(1_000)
                .start()
                .await?,
        )
    };
    let hris = match (&mock, real_kombo) {
        (Some(mock), false) => Kombo::builder()
            .api_key(mock.kombo().api_key().to_owned())
            .base_url(mock.kombo().base_url())
            .build()?
            .integration(mock.kombo().integration_id())?,
        _ => {
            let id = std::env::var("KOMBO_INTEGRATION_ID").map_err(|_| "set KOMBO_INTEGRATION_ID (tool:id)")?;
            Kombo::from_env()?.integration(id)?
        }
    };
    let techwolf = match (&mock, real_techwolf) {
        (Some(mock), false) => TechWolf::builder()
            .base_url(mock.techwolf().base_url())
            .token_url(mock.techwolf().token_url())
            .tenant(mock.techwolf().tenant())
            .audience(mock.techwolf().audience())
            .client_credentials(mock.techwolf().client_id(), mock.techwolf().client_secret().to_owned())
            .build()?,
        _ => TechWolf::from_env()?,
    };
    Ok((hris, techwolf, mock))
}

/// A destination that reports each committed page on stderr.
struct Progress<D> {
    vendor: &'static str,
    inner: D,
    pages: u64,
}

impl<D> Progress<D> {
    fn new(vendor: &'static str, inner: D) -> Self {
        Self {
            vendor,
            inner,
            pages: 0,
        }
    }
}

impl<T: Record, D: Destination<T>> Destination<T> for Progress<D> {
    fn load(&mut self) -> Result<Option<Checkpoint>, SyncError> {
        let checkpoint = self.inner.load()?;
        if checkpoint.as_ref().is_some_and(|c| c.run.is_some()) {
            eprintln!("{}: resuming an interrupted run", self.vendor);
        }
        Ok(checkpoint)
    }

    fn hashes(&mut self, ids: &[&str]) -> Result<Vec<Option<u64>>, SyncError> {
        self.inner.hashes(ids)
    }

    fn unseen(&mut self, generation: u64, limit: usize) -> Result<Vec<String>, SyncError> {
        self.inner.unseen(generation, limit)
    }

    async fn commit(&mut self, commit: Commit<T>) -> Result<(), SyncError> {
        let changes = commit.changes.len();
        let finished = commit.checkpoint.run.is_none();
        self.inner.commit(commit).await?;
        self.pages += 1;
        if finished {
            eprintln!("{}: done", self.vendor);
        } else {
            eprintln!("{}: step {} committed ({changes} changes)", self.vendor, self.pages);
        }
        Ok(())
    }
}
