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
#![allow(clippy::print_stdout, reason = "the figures go to stdout for the report generator")]

use futures::{StreamExt, TryStreamExt};
use skillbridge::kombo::Kombo;

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
    let mut args = std::env::args().skip(1);
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
