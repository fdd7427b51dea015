//! Scenario 5: decoding.

use std::fmt::Write as _;
use std::time::Instant;

use serde::Deserialize;
use skillbridge::kombo::StaffingEntitySkillPage;
use skillbridge::techwolf::EmployeeSkillClustersPage;

use crate::effort::Effort;

use crate::render::{Report, thousands};
use crate::stats::{Timing, interleaved};
use skillbridge_bench as common;

/// Kombo's success envelope around the public page type.
#[derive(Deserialize)]
struct KomboEnvelope {
    data: StaffingEntitySkillPage,
}

/// Times `decode(contender, body)` for the four decoding contenders: per-page median and best.
fn time_decodes(effort: Effort, decode: impl Fn(usize, &[u8]), body: &[u8]) -> Vec<Timing> {
    let per = effort.decodes_per_round;
    interleaved(effort.decode_rounds, 4, |contender| {
        let started = Instant::now();
        for _ in 0..per {
            decode(contender, std::hint::black_box(body));
        }
        started.elapsed() / u32::try_from(per).expect("small")
    })
}

fn decode_table(section: &mut String, title: &str, names: [&str; 4], timings: &[Timing]) -> f64 {
    let _ = writeln!(
        section,
        "| {title} | median | best | vs `Value` | vs plain structs |\n|---|---:|---:|---:|---:|"
    );
    for (name, timing) in names.iter().zip(timings) {
        let _ = writeln!(
            section,
            "| {name} | {:.1} µs | {:.1} µs | {:.2} | {:.2} |",
            timing.median.as_secs_f64() * 1e6,
            timing.best.as_secs_f64() * 1e6,
            timing.median.as_secs_f64() / timings[0].median.as_secs_f64(),
            timing.median.as_secs_f64() / timings[1].median.as_secs_f64()
        );
    }
    timings[2].median.as_secs_f64() / timings[0].median.as_secs_f64()
}

/// Runs the scenario and adds its section and verdicts to the report.
pub(crate) fn run(effort: Effort, report: &mut Report) {
    println!("scenario 5: decoding");
    let mock = common::Mock::listing();
    let runtime = common::client_runtime();
    let kombo_body = runtime.block_on(mock.raw().first_page());
    let techwolf_body = runtime.block_on(async { mock.raw_techwolf().await.first_page().await });
    drop(mock);
    let page: KomboEnvelope = serde_json::from_slice(&kombo_body).expect("the Kombo page decodes");
    assert_eq!(page.data.results.len(), 250);
    let page: EmployeeSkillClustersPage = serde_json::from_slice(&techwolf_body).expect("the TechWolf page decodes");
    assert_eq!(page.records.len(), 100);

    let kombo =
        time_decodes(
            effort,
            |contender, body| match contender {
                0 => drop(std::hint::black_box(
                    serde_json::from_slice::<serde_json::Value>(body).expect("decodes"),
                )),
                1 => drop(std::hint::black_box(common::decode_plain_kombo(body))),
                2 => drop(std::hint::black_box(
                    serde_json::from_slice::<KomboEnvelope>(body).expect("decodes"),
                )),
                _ => drop(std::hint::black_box(
                    serde_json::from_slice::<
                        skillbridge_openapi::kombo::types::GetHrisStaffingEntitySkillsPositiveResponse,
                    >(body)
                    .expect("decodes"),
                )),
            },
            &kombo_body,
        );
    let techwolf = time_decodes(
        effort,
        |contender, body| match contender {
            0 => drop(std::hint::black_box(
                serde_json::from_slice::<serde_json::Value>(body).expect("decodes"),
            )),
            1 => drop(std::hint::black_box(common::decode_plain_techwolf(body))),
            2 => drop(std::hint::black_box(
                serde_json::from_slice::<EmployeeSkillClustersPage>(body).expect("decodes"),
            )),
            _ => drop(std::hint::black_box(
                serde_json::from_slice::<skillbridge_openapi::techwolf::types::ExportResponse>(body).expect("decodes"),
            )),
        },
        &techwolf_body,
    );
    let mut section = format!(
        "## 5. Decoding one page\n\n\
         One page as the mock serves it, decoded {} times per round, {} interleaved rounds; time per \
         page. The Kombo page has 250 records ({} bytes, with its `{{\"status\", \"data\"}}` envelope); \
         the TechWolf page 100 employees with every include ({} bytes). \"Generated types\" are what the \
         generated client's `send()` decodes into (the `skillbridge` client decodes straight into the \
         public types instead); \"plain structs\" are the hand-written contenders' types.\n\n",
        effort.decodes_per_round,
        effort.decode_rounds,
        thousands(kombo_body.len() as f64),
        thousands(techwolf_body.len() as f64),
    );
    let kombo_ratio = decode_table(
        &mut section,
        "Kombo page, 250 records",
        [
            "`serde_json::Value`",
            "plain structs (contender (a) of scenario 1)",
            "public types (`kombo::StaffingEntitySkillPage` in the envelope)",
            "generated types",
        ],
        &kombo,
    );
    section.push('\n');
    let techwolf_ratio = decode_table(
        &mut section,
        "TechWolf page, 100 employees",
        [
            "`serde_json::Value`",
            "plain structs (contender (a) of scenario 2)",
            "public types (`techwolf::EmployeeSkillClustersPage`)",
            "generated types",
        ],
        &techwolf,
    );
    let _ = writeln!(
        section,
        "\nDecoding into the public types takes {kombo_ratio:.2}× (Kombo) and {techwolf_ratio:.2}× \
         (TechWolf) the time of decoding into `Value` (below 1 is faster: typed decoding builds no maps)."
    );
    report.section(
        section,
        "decode",
        Some("cargo bench -p skillbridge-bench --bench decode"),
    );
    report.verdict(
        "5. Decoding one page",
        "figures (no target)",
        format!("public types: Kombo {kombo_ratio:.2}×, TechWolf {techwolf_ratio:.2}× `Value`"),
        None,
    );
}
