//! Scenario 7: read-ahead against a distant server and a caller that works on each page.

use std::fmt::Write as _;

use crate::effort::Effort;

use crate::render::{Report, ms};
use crate::stats::{Timing, interleaved_samples, paired, paired_spread};
use skillbridge_bench as common;

/// Runs the scenario and adds its section and verdicts to the report.
pub(crate) fn run(effort: Effort, report: &mut Report) {
    let pages = common::PACED_PAGES;
    let latency = common::PACED_LATENCY;
    println!(
        "scenario 7: {pages} pages, {} ms latency and {} ms caller work per page",
        latency.as_millis(),
        latency.as_millis()
    );
    let runtime = common::client_runtime();
    let mock = common::Mock::paced();
    let raw = mock.raw();
    let hris = mock.integration(&mock.kombo());
    // Warm-up round, which also checks that the contenders agree.
    let expected = runtime.block_on(raw.list_with_work(latency));
    assert_eq!(expected.records, u64::from(pages * common::PAGE_SIZE));
    assert_eq!(runtime.block_on(common::items_with_work(&hris, 1, latency)), expected);
    let samples = interleaved_samples(effort.paced_rounds, 3, |contender| {
        let (tally, sample) = common::measure(|| match contender {
            0 => runtime.block_on(raw.list_with_work(latency)),
            1 => runtime.block_on(common::items_with_work(&hris, 0, latency)),
            _ => runtime.block_on(common::items_with_work(&hris, 1, latency)),
        });
        assert_eq!(tally, expected, "contender {contender} saw other records");
        sample
    });
    let ratio = paired(&samples[0], &samples[2]);
    let spread = paired_spread(&samples[0], &samples[2]);
    let met = ratio >= 1.8;
    let wall = |k: usize| Timing::of(samples[k].iter().map(|s| s.wall).collect());
    let mut section = format!(
        "## 7. Read-ahead: {pages} pages, {} ms away, {} ms of caller work per page\n\n\
         The mock answers each page of 250 records after {} ms (a server tens of milliseconds \
         away); the caller awaits {} ms after each page (as a database write would). {} interleaved \
         rounds after a warm-up round; all contenders must see the same records.\n\n\
         | contender | wall time, median | best | worst | vs (a) |\n|---|---:|---:|---:|---:|\n",
        latency.as_millis(),
        latency.as_millis(),
        latency.as_millis(),
        latency.as_millis(),
        effort.paced_rounds,
    );
    for (k, name) in [
        "(a) hand-written loop (a), sequential",
        "`skillbridge` `items()`, `read_ahead(0)`",
        "`skillbridge` `items()`, default read-ahead (1 page)",
    ]
    .iter()
    .enumerate()
    {
        let w = wall(k);
        let _ = writeln!(
            section,
            "| {name} | {} | {} | {} | {:.3} |",
            ms(w.median),
            ms(w.best),
            ms(w.worst),
            paired(&samples[0], &samples[k]),
        );
    }
    let ideal =
        latency.mul_f64(f64::from(pages) * 2.0).as_secs_f64() / latency.mul_f64(f64::from(pages) + 1.0).as_secs_f64();
    let _ = writeln!(
        section,
        "\nWith read-ahead, `items()` runs at **{:.2}×** (a)'s pace (median of the per-round ratios, \
         quartiles {:.2}-{:.2}×; target ≥ 1.8×: **{}**). The limit is {:.2}×: the next request \
         overlaps the caller's work on the current page, so each page costs max(latency, work) \
         instead of their sum, plus one latency to start. What remains is the time neither \
         overlaps: decoding each page and the loopback round trip itself.",
        ratio,
        spread.0,
        spread.1,
        if met { "met" } else { "missed" },
        ideal,
    );
    report.section(section, "read-ahead", None);
    report.verdict(
        "7. Read-ahead, 20 ms latency + 20 ms caller work, 100 pages",
        "`items()` ≥ 1.8× the sequential loop",
        format!("{ratio:.2}×"),
        Some(met),
    );
}
