//! `--format sarif`: SARIF 2.1.0, what code scanning (GitHub's `upload-sarif`) reads. One rule
//! per rule id reported, one result per change, located at the changed node of the new side
//! (file and line, and the JSON pointer as a logical location).

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::Options;
use crate::drift::level::Level;
use crate::drift::locate;
use crate::drift::report::{Change, Report};
use crate::drift::rules;

/// Where the rules are documented: DRIFT.md on the repository's default branch (`HEAD`), so the
/// link is absolute, as SARIF asks of `helpUri`.
const DOCS: &str = concat!(env!("CARGO_PKG_REPOSITORY"), "/blob/HEAD/xtask/DRIFT.md");

/// The heading of DRIFT.md that documents a rule id (GitHub's anchor for it).
fn anchor(id: &str) -> &'static str {
    match rules::level(id) {
        Some(_) => "levels-and-rules",
        // Findings about the drift-ignore file rather than the documents.
        None => "acknowledged-changes-and-severity-overrides",
    }
}

/// SARIF's name for a level.
fn sarif_level(level: Level) -> &'static str {
    match level {
        Level::Err => "error",
        Level::Warn => "warning",
        Level::Info => "note",
    }
}

/// The report as a SARIF 2.1.0 log with one run.
pub(super) fn render(report: &Report, options: &Options<'_>) -> String {
    // One rule per id, in id order; a result points at its rule by index.
    let mut ids: BTreeMap<&str, Level> = BTreeMap::new();
    let all = report
        .changes
        .iter()
        .chain(report.acknowledged.iter().map(|a| &a.change));
    for change in all {
        ids.entry(change.id.as_str()).or_insert(change.level);
    }
    let summaries: BTreeMap<String, String> = rules::all().into_iter().map(|r| (r.id, r.summary)).collect();
    let rule_list: Vec<Value> = ids
        .iter()
        .map(|(id, level)| {
            let summary = summaries.get(*id).map_or(*id, String::as_str);
            json!({
                "id": id,
                "shortDescription": {"text": summary},
                "helpUri": format!("{DOCS}#{}", anchor(id)),
                "defaultConfiguration": {"level": sarif_level(*level)},
            })
        })
        .collect();
    let index: BTreeMap<&str, usize> = ids.keys().enumerate().map(|(i, id)| (*id, i)).collect();
    let rule_index = |c: &Change| index.get(c.id.as_str()).copied().unwrap_or_default();
    let mut results: Vec<Value> = report
        .changes
        .iter()
        .map(|c| result(c, rule_index(c), options))
        .collect();
    for a in &report.acknowledged {
        let mut suppressed = result(&a.change, rule_index(&a.change), options);
        // SARIF's own way to say "seen and accepted": code scanning shows it as dismissed.
        let justification = match &a.until {
            Some(until) => format!("{} (until {until})", a.reason),
            None => a.reason.clone(),
        };
        suppressed["suppressions"] = json!([{
            "kind": "external",
            "status": "accepted",
            "justification": justification,
        }]);
        results.push(suppressed);
    }
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "cargo xtask drift",
                "informationUri": DOCS,
                "rules": rule_list,
            }},
            "automationDetails": {"id": format!("spec-drift/{}/", report.vendor)},
            "results": results,
        }],
    });
    let mut out = serde_json::to_string_pretty(&log).unwrap_or_default();
    out.push('\n');
    out
}

/// One change as a SARIF result.
fn result(change: &Change, rule_index: usize, options: &Options<'_>) -> Value {
    let mut text = change.operation.clone();
    if !change.location.is_empty() {
        if !text.is_empty() {
            text.push(' ');
        }
        text.push_str(&change.location);
    }
    let text = if text.is_empty() {
        change.message.clone()
    } else {
        format!("{text}: {}", change.message)
    };
    let mut result = json!({
        "ruleId": change.id,
        "ruleIndex": rule_index,
        "level": sarif_level(change.level),
        "message": {"text": text},
        // What code scanning matches results across runs by: the same fingerprint as
        // drift-ignore.toml's, so one identity serves both.
        "partialFingerprints": {"driftFingerprint/v1": change.fingerprint()},
    });
    if let Some(place) = locate::place(options.documents, change) {
        result["locations"] = json!([{
            "physicalLocation": {
                "artifactLocation": {"uri": uri(place.uri)},
                "region": {"startLine": place.line.max(1)},
            },
            "logicalLocations": [{
                "fullyQualifiedName": place.pointer,
                "kind": "object",
            }],
        }]);
    }
    result
}

/// A path or URL as a URI reference: backslashes as slashes, and the characters a URI cannot
/// hold (spaces, quotes, non-ASCII, ...) percent-encoded.
fn uri(source: &str) -> String {
    let mut out = String::with_capacity(source.len());
    for byte in source.replace('\\', "/").bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' => out.push(char::from(byte)),
            b'-' | b'.' | b'_' | b'~' | b'/' | b':' | b'@' | b'!' | b'$' | b'&' | b'\'' | b'(' | b')' | b'*' | b'+'
            | b',' | b';' | b'=' | b'?' | b'#' | b'%' => out.push(char::from(byte)),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly on bad fixtures")]
mod tests {
    use super::*;
    use crate::drift::locate::NewDocument;

    #[test]
    fn uris_are_encoded_and_levels_mapped() {
        assert_eq!(uri("specs/a b/ü.yaml"), "specs/a%20b/%C3%BC.yaml");
        assert_eq!(uri("C:\\x\\y.json"), "C:/x/y.json");
        assert_eq!(sarif_level(Level::Info), "note");
        assert!(DOCS.starts_with("https://"), "{DOCS}");
    }

    #[test]
    fn results_point_at_the_changed_line() {
        let text = "openapi: 3.1.0\npaths:\n  /a:\n    get:\n      parameters:\n        - name: q\n          in: query\n          required: true\n";
        let documents = [NewDocument {
            uri: "new.yaml".into(),
            text: text.into(),
            first_line: 1,
            value: crate::spec::load::parse(text).unwrap(),
        }];
        let report = Report::new(
            "v",
            vec![Change::new(
                "request-parameter-became-required",
                "GET /a",
                "query parameter q",
                "parameter became required",
            )],
        );
        let log: Value = serde_json::from_str(&render(
            &report,
            &Options {
                documents: &documents,
                ..Options::default()
            },
        ))
        .unwrap();
        let result = &log["runs"][0]["results"][0];
        assert_eq!(result["level"], "error");
        assert_eq!(
            result["locations"][0]["physicalLocation"]["region"]["startLine"], 6,
            "{result}"
        );
        assert_eq!(
            result["locations"][0]["logicalLocations"][0]["fullyQualifiedName"],
            "/paths/~1a/get/parameters/0"
        );
        assert_eq!(
            log["runs"][0]["tool"]["driver"]["rules"][0]["id"],
            "request-parameter-became-required"
        );
    }
}
