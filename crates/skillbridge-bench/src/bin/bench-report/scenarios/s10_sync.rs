//! Scenario 10: sync runs (`skillbridge::sync`): an incremental Kombo run against the hand-written
//! `updated_after` loop, a full mirror into SQLite and a TechWolf snapshot comparison against
//! `items()`, and the peak memory of a child process syncing 1,000,000 records.

use std::fmt::Write as _;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use futures::TryStreamExt;
use skillbridge::kombo::{Integration, StaffingEntitySkill};
use skillbridge::sync::sqlite::{SqliteMirror, SqliteStore};
use skillbridge::sync::{CheckpointStore, Mode, Summary};
use skillbridge::techwolf::TechWolf;
use skillbridge_mock::{MockServer, Route};

use crate::effort::Effort;
use crate::render::{Report, command_output, ms, rate, secs, thousands};
use crate::scenarios::s3_memory::ServerProcess;
use crate::stats::{Timing, interleaved_samples, paired, paired_spread};
use crate::workspace::{cargo, target_profile_dir};
use skillbridge_bench as common;

type Error = Box<dyn std::error::Error>;

/// Incremental: the sync's listing requests at most this many times the hand-written loop's.
const INCREMENTAL_TARGET: f64 = 1.10;
/// Full mirror into SQLite: at least this share of `items()`' records per second.
const MIRROR_TARGET: f64 = 0.70;
/// TechWolf steady state: at least this share of `items()`' employees per second.
const SNAPSHOT_TARGET: f64 = 0.80;
/// Peak resident memory of a child process syncing 1,000,000 records or employees.
const MEMORY_TARGET_MIB: f64 = 64.0;

/// Hand-written: what bounds the figures (revisit after a change to `sync::sqlite` or the engine).
const WHERE_TIME_GOES: &str = "\n### Where the time goes\n\n\
- **Not in the listing, nor in memory.** The incremental run makes exactly the loop's requests, \
  and peaks stay well under the target whatever the count: the ledger lives on disk, and SQLite's \
  page cache is bounded (32 MiB). The gap is client CPU (the thread that also runs SQLite): \
  compare the client CPU columns. Wall time beyond them is time the client thread waited, for a \
  core on this shared machine or for the disk.\n\
- **SQLite B-tree writes.** Every record is written twice, into the mirror table and into the \
  ledger (the ids a full fetch sweeps by, with the content hashes a snapshot compares), each a \
  `WITHOUT ROWID` B-tree keyed by id; ids come in no key order, so inserts land on scattered \
  pages. Transactions group pages (up to 1,024 pages or one second, and the run's last step), so \
  a B-tree page is written to the log once per group, not once per listing page; the first \
  version committed each page alone and ran at 2.3% (mirror) and 16.1% (TechWolf) of `items()`.\n\
- **TechWolf steady state rewrites every ledger entry.** An unchanged employee is no change for \
  the sink, but the engine looks its hash up (128 ids a query) and writes its entry again with the \
  run's generation, so that the sweep can tell what the run saw.\n\
- **An in-process mock is the harshest baseline.** `items()` here decodes records as fast as a \
  core can: over a network, where a page takes milliseconds to arrive, the same per-record cost \
  is a far smaller share.\n";

/// Runs the scenario and adds its section and verdicts to the report.
pub(crate) fn run(effort: Effort, report: &mut Report) -> Result<(), Error> {
    println!("scenario 10: sync");
    let load_before = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let runtime = common::client_runtime();
    let mut section =
        String::from("## 10. Sync: incremental runs, a SQLite mirror, a TechWolf snapshot comparison\n\n");
    let _ = writeln!(
        section,
        "A sync run (`skillbridge::sync`) against the plain listing a user would otherwise write, on \
         the same mock server. Contenders run interleaved as in the other scenarios; medians over \
         the rounds, best and worst beside them. Databases are written in a fresh temporary \
         directory, removed afterwards. {} rounds per comparison after a warm-up run (scaled down from \
         the 25 of scenarios 1 and 2: on this machine one round of the syncs below takes about 40 s, \
         and the whole section about 7 minutes).\n",
        effort.sync_rounds
    );
    incremental(effort, &runtime, &mut section, report)?;
    full_mirror(effort, &runtime, &mut section, report)?;
    snapshot(effort, &runtime, &mut section, report)?;
    memory(effort, &mut section, report)?;
    section.push_str(WHERE_TIME_GOES);
    let load = |text: &str| text.split_whitespace().take(3).collect::<Vec<_>>().join(" ");
    let _ = writeln!(
        section,
        "\nMeasured {} at commit `{}`; load average (1/5/15 min) before, after: {} / {}.",
        chrono::Utc::now().format("%Y-%m-%d %H:%M UTC"),
        command_output("git", &["describe", "--always", "--dirty"]),
        load(&load_before),
        load(&std::fs::read_to_string("/proc/loadavg").unwrap_or_default()),
    );
    report.section(section, "sync", None);
    Ok(())
}

fn met(met: bool) -> &'static str {
    if met { "met" } else { "missed" }
}

/// Part 1: 1,000,000 records, 1% changed since a completed full run.
fn incremental(
    effort: Effort,
    runtime: &tokio::runtime::Runtime,
    section: &mut String,
    report: &mut Report,
) -> Result<(), Error> {
    let entities = common::SYNC_KOMBO_ENTITIES;
    let total = u64::from(entities) * u64::from(common::SKILLS_PER_ENTITY);
    let changed = common::SYNC_CHANGED;
    println!("  incremental: a full run over {total} records first");
    let mock = common::Mock::start(
        MockServer::builder()
            .staffing_entities(entities)
            .skills_per_entity(common::SKILLS_PER_ENTITY),
    );
    let hris = mock.integration(&mock.kombo());
    let scratch = common::ScratchDir::new("sync-incremental")?;
    let store = SqliteStore::open(scratch.path().join("store.db"), "kombo")?;
    let mut destination = (common::CountingSink::default(), store);
    let sync = hris.staffing_entity_skills().page_size(common::PAGE_SIZE).sync();
    let started = Instant::now();
    let first = runtime.block_on(sync.run(&mut destination))?;
    let full_time = started.elapsed();
    assert_eq!(first.mode, Mode::Full, "the first run fetches everything");
    assert_eq!(first.upserted + first.deleted, total, "the full run saw every record");

    // The changed records: one in every hundred, spread over the whole listing.
    let stride = total / changed;
    let ids: Vec<String> = (0..changed)
        .map(|i| {
            mock.server
                .kombo()
                .expectation(i * stride)
                .map(|e| e.id)
                .ok_or("no such expectation")
        })
        .collect::<Result<_, _>>()?;
    let change_all = || {
        for id in &ids {
            let kombo = mock.server.kombo();
            let level = kombo.expectation_by_id(id).and_then(|e| e.expected_level);
            // Always another level than the current one (a deleted record is restored).
            assert!(kombo.set_expected_level(id, Some(level.map_or(1, |l| l % 5 + 1))));
        }
    };
    let listing_requests = || mock.server.request_count(Route::KOMBO_LIST);

    // Warm-up: one incremental run of each, unmeasured.
    change_all();
    let mut samples = [Vec::new(), Vec::new()];
    let mut requests: [Vec<u64>; 2] = [Vec::new(), Vec::new()];
    for round in 0..=effort.sync_rounds {
        if round > 0 {
            change_all();
        }
        // The watermark the sync lists from; the hand-written loop is given the same.
        let since = destination
            .1
            .load()?
            .and_then(|c| c.watermark)
            .ok_or("no watermark after a completed run")?;
        for k in 0..2 {
            let contender = (round + k) % 2;
            let before = listing_requests();
            let (seen, sample) = common::measure(|| match contender {
                0 => {
                    let summary: Summary = runtime.block_on(sync.run(&mut destination)).expect("incremental run");
                    assert_eq!(summary.mode, Mode::Incremental, "the second run is incremental");
                    summary.upserted + summary.deleted
                }
                _ => runtime.block_on(updated_after_loop(&hris, since)),
            });
            assert_eq!(seen, changed, "contender {contender} saw other records");
            if round > 0 {
                samples[contender].push(sample);
                requests[contender].push(listing_requests() - before);
            }
        }
    }
    drop(destination);
    let requests_of = |k: usize| requests[k].iter().copied().max().unwrap_or_default();
    let (sync_requests, loop_requests) = (requests_of(0), requests_of(1));
    let deterministic = requests.iter().all(|r| r.iter().all(|&n| n == r[0]));
    let ratio = sync_requests as f64 / loop_requests as f64;
    let ok = ratio <= INCREMENTAL_TARGET;
    let wall = |k: usize| Timing::of(samples[k].iter().map(|s| s.wall).collect());

    let _ = writeln!(
        section,
        "### Incremental run: {} records, 1% changed\n\n\
         A mock with {} records (`staffing_entities({entities})`, 5 skills each). A first, full run \
         goes into a counting sink and a `SqliteStore` ({}, {} records/s; the store's ledger then \
         holds every id). Then, each round, {} records spread over the listing (every {stride}th) get \
         another level at the source (`set_expected_level`), and two contenders list the change: \
         the sync's incremental run (`sync().run(&mut (sink, store))`, default 5-minute clock-skew \
         margin) and a hand-written loop over \
         `staffing_entity_skills().updated_after(t).include_deleted(true).page_size(250).pages()` \
         with `t` the watermark the sync lists from, counting records. Both must see the {} changed \
         records. Listing requests are counted by the mock (`request_count(Route::KOMBO_LIST)`).\n\n\
         | contender | wall time, median | best | worst | changed records/s | listing requests |\n\
         |---|---:|---:|---:|---:|---:|",
        thousands(total as f64),
        thousands(total as f64),
        secs(full_time),
        thousands(rate(total, full_time)),
        thousands(changed as f64),
        thousands(changed as f64),
    );
    for (k, name) in [
        "sync, incremental run (counting sink + `SqliteStore`)",
        "hand-written `updated_after` loop over `pages()`",
    ]
    .iter()
    .enumerate()
    {
        let t = wall(k);
        let _ = writeln!(
            section,
            "| {name} | {} | {} | {} | {} | {} |",
            ms(t.median),
            ms(t.best),
            ms(t.worst),
            thousands(rate(changed, t.median)),
            requests_of(k),
        );
    }
    let _ = writeln!(
        section,
        "\nThe incremental run made **{sync_requests}** listing requests against the loop's \
         {loop_requests} ({:.2}×; the same count in every round: {}; {} pages of 250 hold {} records). \
         Target ≤ {INCREMENTAL_TARGET:.1}×: **{}**. Its wall time is {:.2}× the loop's (median of \
         the per-round ratios): what it adds per page is writing the page's ledger entries and the \
         checkpoint to SQLite.\n",
        ratio,
        if deterministic { "yes" } else { "no" },
        changed.div_ceil(u64::from(common::PAGE_SIZE)),
        thousands(changed as f64),
        met(ok),
        paired(&samples[0], &samples[1]),
    );
    report.verdict(
        "10. Sync, incremental run, 1,000,000 records, 1% changed",
        "listing requests ≤ 1.1× the `updated_after` loop's",
        format!("{sync_requests} vs {loop_requests} ({ratio:.2}×)"),
        Some(ok),
    );
    Ok(())
}

/// The hand-written incremental listing: what changed at or after `since`, deleted ones included.
async fn updated_after_loop(hris: &Integration, since: chrono::DateTime<chrono::Utc>) -> u64 {
    hris.staffing_entity_skills()
        .updated_after(since)
        .include_deleted(true)
        .page_size(common::PAGE_SIZE)
        .pages()
        .try_fold(0_u64, |n, page| async move {
            Ok(n + page.results.iter().filter(|r| !r.id.as_str().is_empty()).count() as u64)
        })
        .await
        .expect("every page")
}

/// Part 2: a full sync of 100,000 records into a fresh `SqliteMirror`, against `items()`.
fn full_mirror(
    effort: Effort,
    runtime: &tokio::runtime::Runtime,
    section: &mut String,
    report: &mut Report,
) -> Result<(), Error> {
    let n = common::KOMBO_RECORDS;
    println!("  full mirror: {n} records into SQLite");
    let mock = common::Mock::listing();
    let hris = mock.integration(&mock.kombo());
    let mut db_bytes = 0;
    // Contender 0: items(); 1: a full sync into a SqliteMirror; 2: into a counting sink and a
    // SqliteStore (the engine and its ledger without the mirror's table).
    let mut run = |contender: usize| -> common::Sample {
        if contender == 0 {
            let (tally, sample) = common::measure(|| runtime.block_on(common::items_list(&hris, 1)));
            assert_eq!(tally.records, n, "items() saw other records");
            return sample;
        }
        let scratch = common::ScratchDir::new("sync-mirror").expect("a scratch directory");
        let path = scratch.path().join("mirror.db");
        let sync = hris.staffing_entity_skills().page_size(common::PAGE_SIZE).sync();
        let (summary, sample) = if contender == 1 {
            let mut mirror = SqliteMirror::<StaffingEntitySkill>::open(&path).expect("a mirror");
            common::measure(|| runtime.block_on(sync.run(&mut mirror)).expect("a full run"))
        } else {
            let store = SqliteStore::open(&path, "kombo").expect("a store");
            let mut destination = (common::CountingSink::default(), store);
            common::measure(|| runtime.block_on(sync.run(&mut destination)).expect("a full run"))
        };
        assert_eq!(
            summary.upserted + summary.deleted,
            n,
            "contender {contender} saw other records"
        );
        if contender == 1 {
            db_bytes = scratch.size();
        }
        sample
    };
    for contender in 0..3 {
        run(contender);
    }
    let samples = interleaved_samples(effort.sync_rounds, 3, run);
    let wall = |k: usize| Timing::of(samples[k].iter().map(|s| s.wall).collect());
    let client = |k: usize| Timing::of(samples[k].iter().map(|s| s.client_cpu).collect()).median;
    let share = paired(&samples[0], &samples[1]);
    let quartiles = paired_spread(&samples[0], &samples[1]);
    let store_share = paired(&samples[0], &samples[2]);
    let ok = share >= MIRROR_TARGET;
    let _ = writeln!(
        section,
        "### Full mirror into SQLite: {} records\n\n\
         A full sync of the {} records of scenario 1 (`page_size` 250, deleted ones included) into a \
         `SqliteMirror::<StaffingEntitySkill>` in a fresh database per round ({:.1} MiB with its \
         log once written), against `items()` (default read-ahead) folding the same records into \
         a checksum; for reference, the same sync into a counting sink and a `SqliteStore` (the \
         engine and its ledger, no mirror table).\n\n\
         | contender | wall time, median | best | worst | records/s (median) | client CPU |\n\
         |---|---:|---:|---:|---:|---:|",
        thousands(n as f64),
        thousands(n as f64),
        db_bytes as f64 / (1024.0 * 1024.0),
    );
    for (k, name) in [
        "`items()` alone",
        "full sync into `SqliteMirror`",
        "full sync into counting sink + `SqliteStore`",
    ]
    .iter()
    .enumerate()
    {
        let t = wall(k);
        let _ = writeln!(
            section,
            "| {name} | {} | {} | {} | {} | {} |",
            ms(t.median),
            ms(t.best),
            ms(t.worst),
            thousands(rate(n, t.median)),
            ms(client(k)),
        );
    }
    let _ = writeln!(
        section,
        "\nThe full sync into `SqliteMirror` runs at **{:.1}%** of `items()`' records per second \
         (median of the per-round ratios, half within {:.1}-{:.1}%); into a counting sink and a \
         `SqliteStore`, {:.1}%. Target ≥ {:.0}%: **{}**.\n",
        share * 100.0,
        quartiles.0 * 100.0,
        quartiles.1 * 100.0,
        store_share * 100.0,
        MIRROR_TARGET * 100.0,
        met(ok),
    );
    report.verdict(
        "10. Sync, full mirror into SQLite, 100,000 records",
        "≥ 70% of `items()`' records/s",
        format!("{:.1}%", share * 100.0),
        Some(ok),
    );
    Ok(())
}

/// `items()` over the export the sync reads, touching every employee's clusters.
async fn export_items(techwolf: &TechWolf) -> u64 {
    techwolf
        .employee_skill_clusters()
        .limit(common::TECHWOLF_LIMIT)
        .items()
        .try_fold(0_u64, |n, employee| async move {
            Ok(n + u64::from(!employee.external_id.as_str().is_empty() && employee.skill_clusters.len() < usize::MAX))
        })
        .await
        .expect("every page")
}

/// Part 3: a TechWolf sync run whose store already holds every employee's hash, against `items()`.
fn snapshot(
    effort: Effort,
    runtime: &tokio::runtime::Runtime,
    section: &mut String,
    report: &mut Report,
) -> Result<(), Error> {
    let n = common::SYNC_TECHWOLF_EMPLOYEES;
    println!("  snapshot: {n} TechWolf employees");
    let mock = common::Mock::start(
        MockServer::builder()
            .staffing_entities(1_000)
            .skills_per_entity(common::SKILLS_PER_ENTITY)
            .employees(n),
    );
    let techwolf = mock.techwolf();
    let scratch = common::ScratchDir::new("sync-snapshot")?;
    let store = SqliteStore::open(scratch.path().join("store.db"), "techwolf")?;
    let mut destination = (common::CountingSink::default(), store);
    let sync = techwolf.employee_skill_clusters().limit(common::TECHWOLF_LIMIT).sync();
    let started = Instant::now();
    let first = runtime.block_on(sync.run(&mut destination))?;
    let first_time = started.elapsed();
    assert_eq!(first.upserted, n, "the first run delivers every employee");
    assert_eq!(runtime.block_on(export_items(&techwolf)), n, "items() count");

    let samples = interleaved_samples(effort.sync_rounds, 2, |contender| {
        if contender == 0 {
            let (seen, sample) = common::measure(|| runtime.block_on(export_items(&techwolf)));
            assert_eq!(seen, n, "items() saw other employees");
            return sample;
        }
        let (summary, sample) = common::measure(|| runtime.block_on(sync.run(&mut destination)).expect("a run"));
        assert_eq!(
            (summary.upserted, summary.deleted, summary.pages),
            (0, 0, n / u64::from(common::TECHWOLF_LIMIT)),
            "a steady-state run finds no change"
        );
        sample
    });
    drop(destination);
    let wall = |k: usize| Timing::of(samples[k].iter().map(|s| s.wall).collect());
    let client = |k: usize| Timing::of(samples[k].iter().map(|s| s.client_cpu).collect()).median;
    let share = paired(&samples[0], &samples[1]);
    let quartiles = paired_spread(&samples[0], &samples[1]);
    let ok = share >= SNAPSHOT_TARGET;
    let _ = writeln!(
        section,
        "### TechWolf snapshot comparison: {} employees, steady state\n\n\
         `techwolf.employee_skill_clusters().limit(100).sync()` (no includes; {} pages) into a \
         counting sink and a `SqliteStore`. A first run delivers every employee ({}, {} \
         employees/s); each measured run then exports everything again and finds every employee's \
         content hash unchanged in the store (0 upserts, 0 deletes, checked), against `items()` over \
         the same export.\n\n\
         | contender | wall time, median | best | worst | employees/s (median) | client CPU |\n\
         |---|---:|---:|---:|---:|---:|",
        thousands(n as f64),
        thousands((n / u64::from(common::TECHWOLF_LIMIT)) as f64),
        secs(first_time),
        thousands(rate(n, first_time)),
    );
    for (k, name) in [
        "`items()` alone",
        "sync run, steady state (counting sink + `SqliteStore`)",
    ]
    .iter()
    .enumerate()
    {
        let t = wall(k);
        let _ = writeln!(
            section,
            "| {name} | {} | {} | {} | {} | {} |",
            ms(t.median),
            ms(t.best),
            ms(t.worst),
            thousands(rate(n, t.median)),
            ms(client(k)),
        );
    }
    let _ = writeln!(
        section,
        "\nThe steady-state run compares **{:.1}%** of `items()`' employees per second (median of \
         the per-round ratios, half within {:.1}-{:.1}%). Target ≥ {:.0}%: **{}**.\n",
        share * 100.0,
        quartiles.0 * 100.0,
        quartiles.1 * 100.0,
        SNAPSHOT_TARGET * 100.0,
        met(ok),
    );
    report.verdict(
        "10. Sync, TechWolf snapshot comparison, 100,000 employees",
        "≥ 80% of `items()`' employees/s",
        format!("{:.1}%", share * 100.0),
        Some(ok),
    );
    Ok(())
}

/// One figure of a bench-memory child: its peak, its RSS before the run, its wall time, the
/// database's size.
struct ChildFigures {
    peak_kib: u64,
    before_kib: u64,
    db_kib: u64,
    wall: Duration,
}

fn child_run(command: &mut Command, count: u64) -> Result<ChildFigures, Error> {
    let started = Instant::now();
    let output = command.stderr(Stdio::inherit()).output()?;
    let wall = started.elapsed();
    if !output.status.success() {
        return Err(format!("bench-memory failed ({})", output.status).into());
    }
    let line = String::from_utf8(output.stdout)?;
    let field = |name: &str| -> Result<u64, Error> {
        line.split_whitespace()
            .find_map(|kv| kv.strip_prefix(name)?.strip_prefix('='))
            .ok_or_else(|| format!("no {name} in {line:?}"))?
            .parse()
            .map_err(Into::into)
    };
    if field("records")? != count {
        return Err(format!("bench-memory synced the wrong count: {line}").into());
    }
    Ok(ChildFigures {
        peak_kib: field("peak_rss_kib")?,
        before_kib: field("rss_before_kib")?,
        db_kib: field("db_kib")?,
        wall,
    })
}

/// Part 4: peak memory of a child process syncing 1,000,000 records (Kombo, into a
/// `SqliteMirror`) and 1,000,000 employees (TechWolf, a first run into a `SqliteStore`).
fn memory(effort: Effort, section: &mut String, report: &mut Report) -> Result<(), Error> {
    println!("  memory: building the bench-memory binary");
    let status = Command::new(cargo())
        .args(["build", "--release", "-p", "skillbridge-bench", "--bin", "bench-memory"])
        .status()?;
    if !status.success() {
        return Err("cannot build the bench-memory binary".into());
    }
    let binary = target_profile_dir()?.join("bench-memory");
    let records = common::SYNC_MEMORY_RECORDS;
    let employees = effort.sync_memory_employees;
    let entities = u32::try_from(records / u64::from(common::SKILLS_PER_ENTITY))?;
    let server = ServerProcess::start(entities, Some(employees))?;
    let mut figures: Vec<Option<ChildFigures>> = vec![None, None];
    for _ in 0..effort.memory_runs.min(effort.sync_memory_runs) {
        for (k, slot) in figures.iter_mut().enumerate() {
            let mut command = Command::new(&binary);
            let count = if k == 0 {
                println!("  memory: a full Kombo sync of {records} records into a SqliteMirror");
                command
                    .args(["--sync-kombo", &server.integration_id, &records.to_string()])
                    .env("KOMBO_BASE_URL", &server.kombo_base_url)
                    .env("KOMBO_API_KEY", &server.kombo_api_key);
                records
            } else {
                println!("  memory: a first TechWolf sync of {employees} employees into a SqliteStore");
                command
                    .args(["--sync-techwolf", &employees.to_string()])
                    .envs(server.techwolf_env.iter().map(|(k, v)| (k, v)));
                employees
            };
            let run = match child_run(&mut command, count) {
                Ok(run) => run,
                Err(error) => {
                    server.stop();
                    return Err(error);
                }
            };
            // The largest peak of the runs, with that run's other figures.
            if slot.as_ref().is_none_or(|f| run.peak_kib > f.peak_kib) {
                *slot = Some(run);
            }
        }
    }
    server.stop();
    let [Some(kombo), Some(techwolf)] = [figures.remove(0), figures.remove(0)] else {
        return Err("no memory figures".into());
    };
    let mib = |kib: u64| kib as f64 / 1024.0;
    let _ = writeln!(
        section,
        "### Memory: a sync of 1,000,000 records in a child process\n\n\
         `src/bin/bench-memory.rs` (one current-thread runtime) syncs from a mock server in another \
         process into a database in a fresh temporary directory and reports its own peak resident \
         memory (`VmHWM`); largest of {} run(s).\n\n\
         | run | count | RSS before the run | peak RSS (`VmHWM`) | database + log | wall time | per second |\n\
         |---|---:|---:|---:|---:|---:|---:|",
        effort.memory_runs.min(effort.sync_memory_runs),
    );
    for (name, count, f) in [
        ("Kombo, full sync into `SqliteMirror` (`--sync-kombo`)", records, &kombo),
        (
            "TechWolf, first run into counting sink + `SqliteStore` (`--sync-techwolf`)",
            employees,
            &techwolf,
        ),
    ] {
        let _ = writeln!(
            section,
            "| {name} | {} | {:.1} MiB | {:.1} MiB | {:.0} MiB | {} | {} |",
            thousands(count as f64),
            mib(f.before_kib),
            mib(f.peak_kib),
            mib(f.db_kib),
            secs(f.wall),
            thousands(rate(count, f.wall)),
        );
    }
    let kombo_ok = mib(kombo.peak_kib) <= MEMORY_TARGET_MIB;
    let techwolf_ok = mib(techwolf.peak_kib) <= MEMORY_TARGET_MIB;
    let _ = writeln!(
        section,
        "\nPeak under {MEMORY_TARGET_MIB:.0} MiB: Kombo **{}**, TechWolf **{}**. One figure by hand, \
         against a running mock (`cargo run --release -p skillbridge-mock -- --staffing-entities \
         200000 --employees {employees} --no-contract-checks`, its `export` lines in the \
         environment): `cargo run --release -p skillbridge-bench --bin bench-memory -- \
         --sync-kombo INTEGRATION_ID {records}` or `... -- --sync-techwolf {employees}`.",
        met(kombo_ok),
        met(techwolf_ok),
    );
    report.verdict(
        "10. Sync, memory, full Kombo sync of 1,000,000 records into SQLite",
        "peak ≤ 64 MiB",
        format!("{:.1} MiB", mib(kombo.peak_kib)),
        Some(kombo_ok),
    );
    report.verdict(
        &format!(
            "10. Sync, memory, TechWolf first run of {} employees",
            thousands(employees as f64)
        ),
        "peak ≤ 64 MiB (at 1,000,000 employees)",
        format!("{:.1} MiB", mib(techwolf.peak_kib)),
        Some(techwolf_ok),
    );
    Ok(())
}
