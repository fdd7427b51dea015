//! Scenario 2: TechWolf export.

use crate::effort::Effort;
use crate::listing_table::{listing_table, listing_verdict};
use crate::render::{Report, thousands};
use crate::stats::interleaved_samples;
use skillbridge_bench as common;

/// Runs the scenario and adds its section and verdicts to the report.
pub(crate) fn run(effort: Effort, report: &mut Report) {
    println!(
        "scenario 2: TechWolf export of {} employees",
        common::TECHWOLF_EMPLOYEES
    );
    let runtime = common::client_runtime();
    // Warm-up round (skillbridge fetches its token here), which also checks that all agree.
    let common::TechWolfExport {
        raw,
        generated,
        techwolf,
        expected,
        ..
    } = &common::TechWolfExport::new(&runtime);

    let samples = interleaved_samples(effort.listing_rounds, 6, |contender| {
        let (tally, sample) = common::measure(|| match contender {
            0 => runtime.block_on(raw.export()),
            1 => runtime.block_on(common::generated_techwolf_export(generated)),
            2 => runtime.block_on(raw.export_into_public_types()),
            3 => runtime.block_on(common::techwolf_pages(techwolf)),
            4 => runtime.block_on(common::techwolf_items(techwolf, 1)),
            _ => runtime.block_on(common::techwolf_items(techwolf, 0)),
        });
        assert_eq!(tally, *expected, "contender {contender} saw other employees");
        sample
    });
    let n = common::TECHWOLF_EMPLOYEES;
    let mut section = format!(
        "## 2. TechWolf export: {} employees with every `include`\n\n\
         Every contender exports all {} employees at `limit` 100 ({} pages) with `current_skills`, \
         `related_skills`, `rejected_skills` and `sources`, continuing after `next_starting_after`, \
         decodes every field and folds them into a checksum; all checksums must agree. All hold a \
         token fetched before the timed rounds ((a), (b) and (c) share one fetched by hand; skillbridge \
         caches the one it fetched in the warm-up round). {} interleaved rounds after a warm-up \
         round.\n\n",
        thousands(n as f64),
        thousands(n as f64),
        n / u64::from(common::TECHWOLF_LIMIT),
        effort.listing_rounds,
    );
    let ratios = listing_table(
        &mut section,
        "employees",
        n,
        &[
            "(a) hand-written reqwest + serde_json loop into plain structs",
            "(b) generated `skillbridge-openapi` client, used directly",
            "(c) loop (a) decoding into skillbridge's public types",
            "`skillbridge` `pages()` (for reference: employees read from each page)",
            "`skillbridge` `items()`, default read-ahead (1 page)",
            "`skillbridge` `items()`, `read_ahead(0)`",
        ],
        &samples,
    );
    listing_verdict(
        report,
        section,
        ratios,
        "employees",
        "2. TechWolf export, 20,000 employees",
        "techwolf",
        "techwolf",
    );
}
