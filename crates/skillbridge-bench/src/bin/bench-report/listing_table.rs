//! The table and verdicts shared by the listing scenarios (1 and 2): each contender against the
//! hand-written loop, with paired ratios and their quartiles.

use std::fmt::Write as _;
use std::time::Duration;

use crate::render::{Report, ms, rate, thousands};
use crate::stats::{Timing, paired, paired_spread};
use skillbridge_bench as common;

/// How `items()` (the last contender) compares with (a), the first.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ListingRatios {
    /// Median over rounds of (a)'s wall time over `items()`'s, each round running both back to back.
    pub(crate) paired: f64,
    /// Lower and upper quartiles of the per-round ratios.
    pub(crate) quartiles: (f64, f64),
    /// (a)'s median wall time over `items()`'s.
    pub(crate) of_medians: f64,
    /// (a)'s median CPU time (client + server) over `items()`'s.
    pub(crate) cpu: f64,
    /// Median client CPU of `items()` minus (b)'s, per item, in µs, and per run, in ms.
    pub(crate) client_extra_vs_b_us: f64,
    pub(crate) client_extra_vs_b_ms: f64,
    /// Median client CPU of `items()` minus (a)'s, per item, in µs.
    pub(crate) client_extra_vs_a_us: f64,
    /// Median over rounds of `read_ahead(0)`'s wall time over the default read-ahead's (the
    /// contender before the last), and the quartiles.
    pub(crate) read_ahead: f64,
    pub(crate) read_ahead_quartiles: (f64, f64),
}

pub(crate) fn listing_table(
    section: &mut String,
    unit: &str,
    n: u64,
    names: &[&str],
    samples: &[Vec<common::Sample>],
) -> ListingRatios {
    let cpu = |s: &common::Sample| s.client_cpu + s.server_cpu;
    let timing = |k: usize, f: &dyn Fn(&common::Sample) -> Duration| Timing::of(samples[k].iter().map(f).collect());
    let _ = writeln!(
        section,
        "| contender | wall time, median | best | worst | {unit}/s (median) | client CPU | server CPU | \
         vs (a) | vs (b) |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|"
    );
    for (k, name) in names.iter().enumerate() {
        let wall = timing(k, &|s| s.wall);
        let _ = writeln!(
            section,
            "| {name} | {} | {} | {} | {} | {} | {} | {:.3} | {:.3} |",
            ms(wall.median),
            ms(wall.best),
            ms(wall.worst),
            thousands(rate(n, wall.median)),
            ms(timing(k, &|s| s.client_cpu).median),
            ms(timing(k, &|s| s.server_cpu).median),
            paired(&samples[0], &samples[k]),
            paired(&samples[1], &samples[k]),
        );
    }
    let last = names.len() - 1;
    let client = |k: usize| timing(k, &|s| s.client_cpu).median.as_secs_f64();
    let ratios = ListingRatios {
        paired: paired(&samples[0], &samples[last]),
        quartiles: paired_spread(&samples[0], &samples[last]),
        of_medians: timing(0, &|s| s.wall).median.as_secs_f64() / timing(last, &|s| s.wall).median.as_secs_f64(),
        cpu: timing(0, &cpu).median.as_secs_f64() / timing(last, &cpu).median.as_secs_f64(),
        client_extra_vs_b_us: (client(last) - client(1)) * 1e6 / n as f64,
        client_extra_vs_b_ms: (client(last) - client(1)) * 1e3,
        client_extra_vs_a_us: (client(last) - client(0)) * 1e6 / n as f64,
        read_ahead: paired(&samples[last], &samples[last - 1]),
        read_ahead_quartiles: paired_spread(&samples[last], &samples[last - 1]),
    };
    let _ = writeln!(
        section,
        "\n\"vs (a)\" and \"vs (b)\" are {unit}-per-second ratios: the median over the rounds of the \
         other contender's wall time over this one's (each round runs the contenders back to back, so \
         each ratio compares runs made under the same load). CPU columns are medians per run: the \
         client's thread and the mock server's (the rest of the process)."
    );
    ratios
}

/// Decode once: `items()` without read-ahead at least as fast as the hand-written loop.
pub(crate) const LISTING_TARGET: f64 = 1.00;
/// Read-ahead with no caller work: no slower than without, within this tolerance for the noise of
/// a shared 2-core machine (the quartiles are printed beside it).
pub(crate) const READ_AHEAD_TOLERANCE: f64 = 0.98;

pub(crate) fn listing_verdict(
    report: &mut Report,
    mut section: String,
    ratios: ListingRatios,
    unit: &str,
    scenario: &str,
    only: &str,
    filter: &str,
) {
    let met = ratios.paired >= LISTING_TARGET;
    let _ = writeln!(
        section,
        "\nWhat the wrapper adds: `items()` (`read_ahead(0)`) used {:+.2} µs of client CPU per {} \
         against (b) ({:+.1} ms per run) and {:+.2} µs against (a).",
        ratios.client_extra_vs_b_us,
        unit.trim_end_matches('s'),
        ratios.client_extra_vs_b_ms,
        ratios.client_extra_vs_a_us,
    );
    let _ = writeln!(
        section,
        "\n`items()` without read-ahead runs at **{:.1}%** of (a)'s {unit} per second (median of the \
         per-round ratios, half of which lie within {:.1}-{:.1}%; {:.1}% as a ratio of the medians). \
         Counting CPU time only (client + server: request and response alternate, so on an idle \
         machine wall time is their sum), {:.1}%. Target ≥ {:.0}%: **{}**.",
        ratios.paired * 100.0,
        ratios.quartiles.0 * 100.0,
        ratios.quartiles.1 * 100.0,
        ratios.of_medians * 100.0,
        ratios.cpu * 100.0,
        LISTING_TARGET * 100.0,
        if met { "met" } else { "missed" }
    );
    let ahead_met = ratios.read_ahead >= READ_AHEAD_TOLERANCE;
    let _ = writeln!(
        section,
        "\nWith the default read-ahead and no work between pages, `items()` runs at **{:.1}%** of its \
         pace without read-ahead (quartiles {:.1}-{:.1}%; target: no slower, read as ≥ {:.0}% for \
         the noise: **{}**).",
        ratios.read_ahead * 100.0,
        ratios.read_ahead_quartiles.0 * 100.0,
        ratios.read_ahead_quartiles.1 * 100.0,
        READ_AHEAD_TOLERANCE * 100.0,
        if ahead_met { "met" } else { "missed" }
    );
    report.section(
        section,
        only,
        Some(&format!("cargo bench -p skillbridge-bench --bench listing -- {filter}")),
    );
    report.verdict(
        scenario,
        &format!(
            "`items()`, no read-ahead, ≥ {:.0}% of raw {unit}/s",
            LISTING_TARGET * 100.0
        ),
        format!("{:.1}% (CPU only: {:.1}%)", ratios.paired * 100.0, ratios.cpu * 100.0),
        Some(met),
    );
    report.verdict(
        &format!("{scenario}, read-ahead without caller work"),
        &format!("no slower than without (≥ {:.0}%)", READ_AHEAD_TOLERANCE * 100.0),
        format!("{:.1}%", ratios.read_ahead * 100.0),
        Some(ahead_met),
    );
}
