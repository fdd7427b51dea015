//! Rendering a [`Report`]: `text` for people, `json` for tools, `github` workflow annotations.

use std::fmt::Write as _;

use serde_json::json;

use super::level::Level;
use super::report::Report;

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Grouped by operation, breaking first.
    Text,
    /// `{"vendor", "changes": [...], "summary": {...}}`.
    Json,
    /// GitHub Actions workflow commands (`::error title=...::...`).
    Github,
}

impl Format {
    /// Parse `text`, `json` or `github`.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "text" => Some(Self::Text),
            "json" => Some(Self::Json),
            "github" => Some(Self::Github),
            _ => None,
        }
    }
}

/// Render a report.
pub fn render(report: &Report, format: Format) -> String {
    match format {
        Format::Text => text(report),
        Format::Json => json(report),
        Format::Github => github(report),
    }
}

fn summary_line(report: &Report) -> String {
    let mut out = summary(report);
    for note in &report.notes {
        let _ = writeln!(out, "note: {note}");
    }
    out
}

fn summary(report: &Report) -> String {
    if report.changes.is_empty() {
        return format!("{}: no changes\n", report.vendor);
    }
    format!(
        "{}: {} change{} (ERR {}, WARN {}, INFO {})\n",
        report.vendor,
        report.changes.len(),
        if report.changes.len() == 1 { "" } else { "s" },
        report.count(Level::Err),
        report.count(Level::Warn),
        report.count(Level::Info)
    )
}

/// Grouped by operation; operations with the worst changes first, then by name.
pub fn text(report: &Report) -> String {
    let mut out = summary_line(report);
    let mut groups: Vec<(&str, Level)> = Vec::new();
    for change in &report.changes {
        match groups.iter_mut().find(|(op, _)| *op == change.operation) {
            Some((_, worst)) => *worst = (*worst).max(change.level),
            None => groups.push((&change.operation, change.level)),
        }
    }
    groups.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    for (operation, _) in groups {
        let title = if operation.is_empty() { "(document)" } else { operation };
        let _ = writeln!(out, "\n{title}");
        for c in report.changes.iter().filter(|c| c.operation == operation) {
            let at = if c.location.is_empty() {
                String::new()
            } else {
                format!("{}: ", c.location)
            };
            let _ = writeln!(out, "  {:<4} {}  {at}{}", c.level.as_str(), c.id, c.message);
        }
    }
    out
}

/// Pretty JSON, stable key order.
pub fn json(report: &Report) -> String {
    let changes: Vec<_> = report
        .changes
        .iter()
        .map(|c| {
            json!({
                "id": c.id,
                "level": c.level.as_str(),
                "operation": c.operation,
                "location": c.location,
                "message": c.message,
            })
        })
        .collect();
    let value = json!({
        "vendor": report.vendor,
        "changes": changes,
        "summary": {
            "ERR": report.count(Level::Err),
            "WARN": report.count(Level::Warn),
            "INFO": report.count(Level::Info),
        },
        "notes": report.notes,
    });
    let mut out = serde_json::to_string_pretty(&value).unwrap_or_default();
    out.push('\n');
    out
}

/// One workflow command per change, then the summary as a plain line.
pub fn github(report: &Report) -> String {
    let mut out = String::new();
    for c in &report.changes {
        let command = match c.level {
            Level::Err => "error",
            Level::Warn => "warning",
            Level::Info => "notice",
        };
        let title = if c.operation.is_empty() {
            c.id.clone()
        } else {
            format!("{} ({})", c.id, c.operation)
        };
        let at = if c.location.is_empty() {
            String::new()
        } else {
            format!("{}: ", c.location)
        };
        let _ = writeln!(
            out,
            "::{command} title={}::{}",
            escape_property(&title),
            escape_data(&format!("{at}{}", c.message))
        );
    }
    for note in &report.notes {
        let _ = writeln!(out, "::notice title=drift::{}", escape_data(note));
    }
    out.push_str(&summary(report));
    out
}

/// Workflow command data escaping (`%`, CR, LF).
fn escape_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Workflow command property escaping: data escaping plus `:` and `,`.
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly on bad fixtures")]
mod tests {
    use super::*;
    use crate::drift::report::Change;

    #[test]
    fn github_annotations_escape_their_separators() {
        let report = Report::new(
            "v",
            vec![Change::new("endpoint-added", "GET /a:b", "x,y", "100% new\nline")],
        );
        assert_eq!(
            github(&report).lines().next(),
            Some("::notice title=endpoint-added (GET /a%3Ab)::x,y: 100%25 new%0Aline")
        );
    }
}
