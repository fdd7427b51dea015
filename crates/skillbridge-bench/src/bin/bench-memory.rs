//! Streams N Kombo records through `items()` and reports this process's peak resident memory: the
//! memory figure of BENCHMARKS.md (scenario 3). Only the client runs here; the server is another
//! process, so only the client's memory counts.
//!
//! ```text
//! KOMBO_API_KEY=... KOMBO_BASE_URL=http://127.0.0.1:PORT/kombo/v1 \
//!     cargo run --release -p skillbridge-bench --bin bench-memory -- INTEGRATION_ID RECORDS
//! ```
//!
//! `bench-report` starts a mock server in a child process and runs this binary for
//! 100,000 and 1,000,000 records. Output, one line: `records=N rss_before_kib=A peak_rss_kib=B`
//! (`rss_before` after the runtime and client are built; `peak` is `VmHWM` of /proc/self/status).
//!
//! Two more modes measure a sync run (scenario 10), each into a database in a fresh temporary
//! directory, removed afterwards:
//!
//! ```text
//! bench-memory --sync-kombo INTEGRATION_ID RECORDS   # a full sync into a SqliteMirror
//! bench-memory --sync-techwolf EMPLOYEES             # a first run into a SqliteStore + counting sink
//! ```
//!
//! The first lists every record the server holds (RECORDS must be that number, deleted ones
//! included); the second reads the `TECHWOLF_*` variables and exports every employee. Their line
//! adds `db_kib=` (the database and its log at the end).
#![allow(clippy::print_stdout, reason = "the figures go to stdout for the report generator")]

use futures::{StreamExt, TryStreamExt};
use skillbridge::kombo::{Kombo, StaffingEntitySkill};
use skillbridge::sync::sqlite::{SqliteMirror, SqliteStore};
use skillbridge::techwolf::TechWolf;
use skillbridge_bench::{CountingSink, ScratchDir, TECHWOLF_LIMIT};

type Error = Box<dyn std::error::Error>;

/// A `kB` field of /proc/self/status (Linux only).
fn status_kib(field: &str) -> Result<u64, Error> {
    let status = std::fs::read_to_string("/proc/self/status")?;
    status
        .lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .ok_or_else(|| format!("no {field} in /proc/self/status").into())
}

fn main() -> Result<(), Error> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["--sync-kombo", integration_id, records] => sync_kombo(integration_id, records.parse()?),
        ["--sync-techwolf", employees] => sync_techwolf(employees.parse()?),
        _ => stream(args.into_iter()),
    }
}

/// A full Kombo sync of everything the server holds into a `SqliteMirror`.
fn sync_kombo(integration_id: &str, records: u64) -> Result<(), Error> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let hris = Kombo::from_env()?.integration(integration_id)?;
    let scratch = ScratchDir::new("memory-kombo")?;
    let mut mirror = SqliteMirror::<StaffingEntitySkill>::open(scratch.path().join("mirror.db"))?;
    let rss_before = status_kib("VmRSS")?;
    let summary = runtime.block_on(hris.staffing_entity_skills().page_size(250).sync().run(&mut mirror))?;
    let seen = summary.upserted + summary.deleted;
    if seen != records {
        return Err(format!("synced {seen} records, expected {records}").into());
    }
    drop(mirror);
    println!(
        "records={seen} rss_before_kib={rss_before} peak_rss_kib={} db_kib={}",
        status_kib("VmHWM")?,
        scratch.size() / 1024
    );
    Ok(())
}

/// A first TechWolf sync run (every employee new) into a `SqliteStore` and a counting sink.
fn sync_techwolf(employees: u64) -> Result<(), Error> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let techwolf = TechWolf::from_env()?;
    let scratch = ScratchDir::new("memory-techwolf")?;
    let store = SqliteStore::open(scratch.path().join("store.db"), "techwolf")?;
    let mut destination = (CountingSink::default(), store);
    let rss_before = status_kib("VmRSS")?;
    let summary = runtime.block_on(
        techwolf
            .employee_skill_clusters()
            .limit(TECHWOLF_LIMIT)
            .sync()
            .run(&mut destination),
    )?;
    if summary.upserted != employees || destination.0.upserts != employees {
        return Err(format!("synced {} employees, expected {employees}", summary.upserted).into());
    }
    drop(destination);
    println!(
        "records={} rss_before_kib={rss_before} peak_rss_kib={} db_kib={}",
        summary.upserted,
        status_kib("VmHWM")?,
        scratch.size() / 1024
    );
    Ok(())
}

/// Streams RECORDS records through `items()` (scenario 3).
fn stream(mut args: impl Iterator<Item = String>) -> Result<(), Error> {
    let (Some(integration_id), Some(records)) = (args.next(), args.next()) else {
        return Err("usage: bench_memory INTEGRATION_ID RECORDS (with KOMBO_API_KEY and KOMBO_BASE_URL set)".into());
    };
    let records: usize = records.parse()?;
    // One thread, as a simple sync job would run it.
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let kombo = Kombo::from_env()?;
    let hris = kombo.integration(&integration_id)?;
    let rss_before = status_kib("VmRSS")?;
    let seen = runtime.block_on(async {
        hris.staffing_entity_skills()
            .page_size(250)
            .include_deleted(true)
            .items()
            .take(records)
            .try_fold(0_usize, |n, record| async move {
                // Touch the record so that nothing is optimised away.
                Ok(n + usize::from(!record.id.as_str().is_empty()))
            })
            .await
    })?;
    if seen != records {
        return Err(format!("streamed {seen} records, expected {records}").into());
    }
    println!(
        "records={seen} rss_before_kib={rss_before} peak_rss_kib={}",
        status_kib("VmHWM")?
    );
    Ok(())
}
