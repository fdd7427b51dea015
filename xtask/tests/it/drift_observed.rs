//! `cargo xtask drift techwolf --observed FILE`: the events of skillbridge's `observe` feature (a
//! fixture of JSON lines) as a drift report, in the formats and with the fingerprints of spec
//! drift.

use std::path::Path;

use xtask::drift::cli::{Outcome, run};
use xtask::drift::fingerprint::fingerprint;
use xtask::flags::{Command, parse};

const OPERATION: &str = "POST /export/employees/skill_clusters";

fn fixture() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/drift/observed/techwolf.jsonl")
        .to_str()
        .unwrap()
        .to_owned()
}

fn drift(extra: &[&str]) -> Outcome {
    let file = fixture();
    let mut args = vec!["drift", "techwolf", "--observed", file.as_str()];
    args.extend(extra);
    let Command::Drift(drift) = parse(args).unwrap().command else {
        panic!("not a drift command")
    };
    run(&xtask::workspace_root(), &drift).unwrap()
}

#[test]
fn observed_events_read_as_a_drift_report() {
    let json: serde_json::Value = serde_json::from_str(&drift(&["--format", "json"]).stdout).unwrap();
    let changes = json["changes"].as_array().unwrap();
    let summary: Vec<(&str, &str, &str)> = changes
        .iter()
        .map(|c| {
            (
                c["id"].as_str().unwrap(),
                c["level"].as_str().unwrap(),
                c["location"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (
                "response-schema-violation",
                "WARN",
                "response 200 application/json: records[].skill_clusters[].proficiency_level"
            ),
            (
                "response-property-added",
                "INFO",
                "response 200 application/json: records[].skill_clusters[].trend"
            ),
            (
                "response-property-enum-value-added",
                "INFO",
                "response 200 application/json: records[].skill_clusters[].validation_state"
            ),
        ]
    );
    for change in changes {
        assert_eq!(change["operation"], OPERATION);
        let expected = fingerprint(
            change["id"].as_str().unwrap(),
            OPERATION,
            change["location"].as_str().unwrap(),
        );
        assert_eq!(change["fingerprint"], expected.as_str());
    }
    assert_eq!(
        changes[1]["message"],
        "observed 2 times: a property the schema does not declare (first at /records/0/skill_clusters/0/trend)"
    );
    assert_eq!(json["notes"][0], "1 events of other APIs than techwolf skipped");
    assert_eq!(json["summary"]["WARN"], 1);
    assert_eq!(json["summary"]["INFO"], 2);
}

#[test]
fn the_fail_level_and_the_text_format_apply() {
    // Nothing reaches ERR (the default); the violation reaches WARN.
    let text = drift(&[]);
    assert_eq!(text.code, 0);
    assert!(text.stdout.contains("response-property-added"), "{}", text.stdout);
    assert!(text.stdout.contains(OPERATION), "{}", text.stdout);
    assert_eq!(drift(&["--fail-on", "WARN"]).code, 1);
    let github = drift(&["--format", "github", "--fail-on", "never"]).stdout;
    assert!(github.contains("::warning title=response-schema-violation"), "{github}");
}

#[test]
fn observed_takes_a_vendor_and_nothing_to_compare() {
    for args in [
        vec!["drift", "--observed", "f"],
        vec!["drift", "techwolf", "--observed", "f", "--upstream"],
        vec!["drift", "techwolf", "--observed", "f", "--against", "g"],
    ] {
        let error = parse(args.clone()).expect_err(&args.join(" "));
        assert!(error.message.contains("--observed"), "{error}");
    }
}
