//! Runs every benchmark scenario of issue 7 and writes BENCHMARKS.md at the workspace root:
//!
//! ```text
//! cargo run --release -p skillbridge-bench --bin bench-report
//! ```
//!
//! Options: `--quick` (fewer rounds; to try it out, not to commit), `--out PATH` (default:
//! `BENCHMARKS.md` at the workspace root), `--only NAME[,NAME..]` (`listing`, `techwolf`, `decode`, `upsert`,
//! `memory`, `codegen`, `read-ahead`, `rate-limit`, `build-cost`, `sync`; prints the sections without writing
//! the file),
//! `--merge` (with `--only`: put those sections and summary rows into the existing file instead,
//! replacing theirs, and leave every other figure as it is). `serve-kombo ENTITIES [EMPLOYEES]`
//! is internal: it runs the mock server in a child process for the memory figures (scenarios 3
//! and 10).
//!
//! Contenders of a scenario run interleaved (round after round, the order rotated each round)
//! against the same in-process mock server; the mock runs on its own one-worker runtime and the
//! client on a current-thread runtime, so on a 2-core machine each side has one core. Figures are
//! medians over the rounds, with the best round beside them.
#![allow(clippy::print_stdout, reason = "a report generator prints its progress and sections")]

mod effort;
mod listing_table;
mod merge;
mod render;
mod scenarios;
mod stats;
mod workspace;

use std::path::PathBuf;
use std::time::Instant;

use effort::{FULL, QUICK};
use render::{Report, machine_facts, render};
use scenarios::{
    s1_kombo_listing, s2_techwolf_export, s3_memory, s4_bulk_upsert, s5_decoding, s6_codegen, s7_read_ahead,
    s8_rate_limit, s9_build_cost, s10_sync,
};

type Error = Box<dyn std::error::Error>;

fn main() -> Result<(), Error> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [command, entities, employees @ ..] = args.as_slice()
        && command == "serve-kombo"
        && employees.len() <= 1
    {
        let employees = employees.first().map(|n| n.parse()).transpose()?;
        return s3_memory::serve_kombo(entities.parse()?, employees);
    }
    if cfg!(debug_assertions) {
        return Err("build with --release: debug-build figures mean nothing".into());
    }
    let mut effort = FULL;
    let mut out = workspace::workspace_root()?.join("BENCHMARKS.md");
    let mut only: Option<Vec<String>> = None;
    let mut merge = false;
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--quick" => effort = QUICK,
            "--merge" => merge = true,
            "--out" => out = PathBuf::from(iter.next().ok_or("--out needs a path")?),
            "--only" => {
                only = Some(
                    iter.next()
                        .ok_or("--only needs names")?
                        .split(',')
                        .map(str::to_owned)
                        .collect(),
                )
            }
            other => return Err(format!("unknown argument {other:?}").into()),
        }
    }
    if merge && only.is_none() {
        return Err("--merge needs --only: it replaces the sections of the scenarios run".into());
    }
    let wanted = |name: &str| only.as_ref().is_none_or(|names| names.iter().any(|n| n == name));
    let load_before = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let started = Instant::now();
    let mut report = Report::default();
    if wanted("listing") {
        s1_kombo_listing::run(effort, &mut report);
    }
    if wanted("techwolf") {
        s2_techwolf_export::run(effort, &mut report);
    }
    if wanted("memory") {
        s3_memory::run(effort, &mut report)?;
    }
    if wanted("upsert") {
        s4_bulk_upsert::run(effort, &mut report);
    }
    if wanted("decode") {
        s5_decoding::run(effort, &mut report);
    }
    if wanted("codegen") {
        s6_codegen::run(effort, &mut report)?;
    }
    if wanted("read-ahead") {
        s7_read_ahead::run(effort, &mut report);
    }
    if wanted("rate-limit") {
        s8_rate_limit::run(&mut report);
    }
    if wanted("build-cost") {
        s9_build_cost::run(effort, &mut report)?;
    }
    if wanted("sync") {
        s10_sync::run(effort, &mut report)?;
    }
    let text = render(&report, &machine_facts(&load_before), started.elapsed());
    if merge {
        let merged = merge::merge(&std::fs::read_to_string(&out)?, &report);
        std::fs::write(&out, merged)?;
        println!("merged into {}", out.display());
    } else if only.is_some() {
        println!("{text}");
    } else {
        std::fs::write(&out, text)?;
        println!("wrote {}", out.display());
    }
    Ok(())
}
