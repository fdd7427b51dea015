//! Scenario 8: a rate limit honoured before it bites.

use std::time::Duration;

use crate::render::{Report, secs, thousands};

use skillbridge_bench as common;

/// Scenario 8's limit: requests per window, and the window.
const RATE_REQUESTS: u32 = 20;
const RATE_WINDOW: Duration = Duration::from_secs(1);
const RATE_WINDOWS: u32 = 10;

/// Runs the scenario and adds its section and verdicts to the report.
pub(crate) fn run(report: &mut Report) {
    println!("scenario 8: a listing of {RATE_WINDOWS} windows' worth of pages under a rate limit");
    let runtime = common::client_runtime();
    let mock = common::Mock::rate_limited(RATE_REQUESTS, RATE_WINDOW);
    let hris = mock.integration(&mock.kombo());
    // 10,000 records at 50 a page: 200 pages, ten windows of 20.
    let page_size = 10_000 / (RATE_REQUESTS * RATE_WINDOWS);
    let ((tally, arrivals), _) = common::measure(|| runtime.block_on(common::paced_pages(&hris, page_size)));
    let refused = mock.server.rate_limit_refusals();
    let pages = arrivals.len();
    // The first page of the last window: every earlier window was used in full before it.
    let last_window = usize::try_from(RATE_REQUESTS * (RATE_WINDOWS - 1)).unwrap_or(usize::MAX);
    let through = arrivals.get(last_window).copied().unwrap_or_default();
    let achieved = last_window as f64 / through.as_secs_f64().max(1e-9);
    let allowed = f64::from(RATE_REQUESTS) / RATE_WINDOW.as_secs_f64();
    let ratio = achieved / allowed;
    let met = refused == 0 && ratio >= 0.95 && tally.records == 10_000;
    let section = format!(
        "## 8. Rate limit: {RATE_REQUESTS} requests per {} s, a listing of {RATE_WINDOWS} windows' worth\n\n\
         The mock admits {RATE_REQUESTS} requests per window of {} s and says so on every response \
         (`ratelimit-limit`, `ratelimit-remaining`, `ratelimit-reset` in whole seconds); past the \
         limit it answers `429`. `items()` lists 10,000 records at `page_size` {page_size} ({pages} \
         pages). When a response says `ratelimit-remaining: 0`, the client holds its next request \
         (of any handle or stream) until `ratelimit-reset`.\n\n\
         | figure | value |\n|---|---:|\n\
         | records | {} |\n\
         | requests refused with `429` | **{refused}** |\n\
         | time to the first page of window {RATE_WINDOWS} | {} |\n\
         | pages per second over the first {} windows | {:.2} |\n\
         | allowed | {:.2} |\n\n\
         The listing ran at **{:.1}%** of the allowed rate (target ≥ 95%, with zero `429`s after the \
         first window: **{}**). What it loses per window: the time from the window's opening to the \
         answer that uses it up (the server counts the window from its first request, the client \
         waits the announced reset from the last answer), and the rounding of `ratelimit-reset` up \
         to whole seconds.\n",
        RATE_WINDOW.as_secs(),
        RATE_WINDOW.as_secs(),
        thousands(tally.records as f64),
        secs(through),
        RATE_WINDOWS - 1,
        achieved,
        allowed,
        ratio * 100.0,
        if met { "met" } else { "missed" },
    );
    report.section(section, "rate-limit", None);
    report.verdict(
        "8. Rate limit, 10 windows' worth of pages",
        "zero 429s after the first window, ≥ 95% of the allowed rate",
        format!("{refused} refused, {:.1}%", ratio * 100.0),
        Some(met),
    );
}
