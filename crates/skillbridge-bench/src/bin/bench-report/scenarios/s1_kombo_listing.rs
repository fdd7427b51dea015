//! Scenario 1: Kombo listing.

use crate::effort::Effort;
use crate::listing_table::{listing_table, listing_verdict};
use crate::render::{Report, thousands};
use crate::stats::interleaved_samples;
use skillbridge_bench as common;

/// Runs the scenario and adds its section and verdicts to the report.
pub(crate) fn run(effort: Effort, report: &mut Report) {
    println!("scenario 1: Kombo listing of {} records", common::KOMBO_RECORDS);
    let runtime = common::client_runtime();
    // Built after a warm-up round that checks every contender saw the same records.
    let common::KomboListing {
        raw,
        generated,
        integration_id,
        hris,
        expected,
        ..
    } = &common::KomboListing::new(&runtime);

    let samples = interleaved_samples(effort.listing_rounds, 5, |contender| {
        let (tally, sample) = common::measure(|| match contender {
            0 => runtime.block_on(raw.list()),
            1 => runtime.block_on(common::generated_list(generated, integration_id)),
            2 => runtime.block_on(common::pages_list(hris)),
            3 => runtime.block_on(common::items_list(hris, 1)),
            _ => runtime.block_on(common::items_list(hris, 0)),
        });
        assert_eq!(tally, *expected, "contender {contender} saw other records");
        sample
    });
    let n = common::KOMBO_RECORDS;
    let mut section = format!(
        "## 1. Kombo listing: {} records at `page_size` 250\n\n\
         Every contender lists all {} staffing-entity skill records (`include_deleted=true`, so \
         {} pages) from the same mock server, decodes every field (timestamps into `chrono`) and \
         folds them into a checksum; all checksums must agree. {} interleaved rounds after a \
         warm-up round.\n\n",
        thousands(n as f64),
        thousands(n as f64),
        n / u64::from(common::PAGE_SIZE),
        effort.listing_rounds,
    );
    let ratios = listing_table(
        &mut section,
        "records",
        n,
        &[
            "(a) hand-written reqwest + serde_json loop into plain structs",
            "(b) generated `skillbridge-openapi` client, used directly",
            "`skillbridge` `pages()` (for reference: records read from each page)",
            "`skillbridge` `items()`, default read-ahead (1 page)",
            "`skillbridge` `items()`, `read_ahead(0)`",
        ],
        &samples,
    );
    listing_verdict(
        report,
        section,
        ratios,
        "records",
        "1. Kombo listing, 100,000 records",
        "listing",
        "kombo",
    );
}
