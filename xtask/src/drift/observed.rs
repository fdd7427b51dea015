//! `cargo xtask drift <vendor> --observed FILE`: drift that `skillbridge`'s `observe` feature saw
//! in live responses, as a drift report.
//!
//! For a vendor that publishes no spec (TechWolf) there is nothing upstream to diff; a client built
//! with `.observe(ObserveConfig::sampled(..))` reports instead what its responses carry that the
//! document does not declare. Its callback's events, serialized one JSON object a line, are this
//! command's input; each line is `{"api", "operation", "method", "path", "status", "rule",
//! "pointer", "location", "message"}` (other keys are ignored, blank lines skipped). Events of
//! another `api` than the vendor are skipped (a note says how many).
//!
//! Events with the same rule, operation and location are one change: operation `METHOD path`,
//! location `response <status> application/json: <location>` (the body itself: no `: ...`), so
//! fingerprints are computed as for spec changes and `drift-ignore.toml` acknowledges them the
//! same way. Additions (`response-property-added`, `response-property-enum-value-added`) are INFO,
//! `response-schema-violation` is WARN. The message says how many events and where the first one
//! was; events carry no values, so neither does the report.

use std::collections::BTreeMap;

use serde_json::Value;

use super::level::Level;
use super::report::{Change, Report};
use crate::error::{Error, Result};

/// The rules an observer reports, with their levels here.
pub const RULES: [(&str, Level); 3] = [
    ("response-property-added", Level::Info),
    ("response-property-enum-value-added", Level::Info),
    ("response-schema-violation", Level::Warn),
];

/// One change being collected: how many events, and the first one's pointer and message.
struct Seen {
    level: Level,
    count: usize,
    pointer: String,
    message: String,
}

/// A string field of an event, or an error naming the line.
fn field<'a>(event: &'a Value, key: &str, line: usize, source: &str) -> Result<&'a str> {
    event
        .get(key)
        .and_then(Value::as_str)
        .ok_or_else(|| Error::msg(format!("{source}:{line}: an observed event needs a string `{key}`")))
}

/// The report of the events in `text` (JSON lines, read from `source`) for `vendor`.
pub fn report(vendor: &str, text: &str, source: &str) -> Result<Report> {
    let mut seen: BTreeMap<(String, String, String), Seen> = BTreeMap::new();
    let mut other_apis = 0_usize;
    for (index, line) in text.lines().enumerate() {
        let line_number = index + 1;
        if line.trim().is_empty() {
            continue;
        }
        let event: Value = serde_json::from_str(line)
            .map_err(|e| Error::msg(format!("{source}:{line_number}: not a JSON event: {e}")))?;
        if event
            .get("api")
            .and_then(Value::as_str)
            .is_some_and(|api| api != vendor)
        {
            other_apis += 1;
            continue;
        }
        let rule = field(&event, "rule", line_number, source)?;
        let level = RULES
            .iter()
            .find(|(id, _)| *id == rule)
            .map(|(_, level)| *level)
            .ok_or_else(|| {
                let known: Vec<&str> = RULES.iter().map(|(id, _)| *id).collect();
                Error::msg(format!(
                    "{source}:{line_number}: unknown rule {rule} (known: {})",
                    known.join(", ")
                ))
            })?;
        let method = field(&event, "method", line_number, source)?;
        let path = field(&event, "path", line_number, source)?;
        let status = event.get("status").and_then(Value::as_u64).ok_or_else(|| {
            Error::msg(format!(
                "{source}:{line_number}: an observed event needs a numeric `status`"
            ))
        })?;
        let location = field(&event, "location", line_number, source)?;
        let operation = format!("{} {path}", method.to_ascii_uppercase());
        let location = if location.is_empty() {
            format!("response {status} application/json")
        } else {
            format!("response {status} application/json: {location}")
        };
        let entry = seen
            .entry((rule.to_owned(), operation, location))
            .or_insert_with(|| Seen {
                level,
                count: 0,
                pointer: event
                    .get("pointer")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
                message: event
                    .get("message")
                    .and_then(Value::as_str)
                    .unwrap_or("observed")
                    .to_owned(),
            });
        entry.count += 1;
    }
    let changes = seen
        .into_iter()
        .map(|((id, operation, location), seen)| {
            let times = if seen.count == 1 {
                "once".to_owned()
            } else {
                format!("{} times", seen.count)
            };
            let mut change = Change::new(
                id,
                &operation,
                &location,
                format!("observed {times}: {} (first at {})", seen.message, seen.pointer),
            );
            change.level = seen.level;
            change
        })
        .collect();
    let mut notes = Vec::new();
    if other_apis > 0 {
        notes.push(format!("{other_apis} events of other APIs than {vendor} skipped"));
    }
    Ok(Report::new(vendor, changes).with_notes(notes))
}

#[cfg(test)]
mod tests {
    use super::*;

    const LINE: &str = r#"{"api":"v","operation":"export","method":"POST","path":"/x","status":200,"rule":"response-property-added","pointer":"/a/0/b","location":"a[].b","message":"a property the schema does not declare"}"#;

    #[test]
    fn events_of_one_rule_operation_and_location_are_one_change() {
        let other = LINE.replace("/a/0/b", "/a/7/b");
        let root = LINE.replace("\"a[].b\"", "\"\"").replace("added", "enum-value-added");
        let foreign = LINE.replace("\"v\"", "\"w\"");
        let text = format!("{LINE}\n\n{other}\n{root}\n{foreign}\n");
        let report = report("v", &text, "events.jsonl").expect("reads");
        assert_eq!(report.changes.len(), 2, "{:?}", report.changes);
        let added = &report.changes[0];
        assert_eq!(added.id, "response-property-added");
        assert_eq!(added.level, Level::Info);
        assert_eq!(added.operation, "POST /x");
        assert_eq!(added.location, "response 200 application/json: a[].b");
        assert_eq!(
            added.message,
            "observed 2 times: a property the schema does not declare (first at /a/0/b)"
        );
        assert_eq!(report.changes[1].location, "response 200 application/json");
        assert_eq!(report.notes, ["1 events of other APIs than v skipped"]);
    }

    #[test]
    fn violations_are_warnings_and_bad_lines_are_errors() {
        let violation = LINE.replace("response-property-added", "response-schema-violation");
        let report = report("v", &violation, "f").expect("reads");
        assert_eq!(report.changes[0].level, Level::Warn);
        for (bad, says) in [
            ("{", "f:1: not a JSON event"),
            (
                &LINE.replace("response-property-added", "made-up") as &str,
                "unknown rule made-up",
            ),
            (
                &LINE.replace("\"status\":200", "\"status\":\"200\""),
                "numeric `status`",
            ),
        ] {
            let error = super::report("v", bad, "f").expect_err(bad).to_string();
            assert!(error.contains(says), "{error}");
        }
    }
}
