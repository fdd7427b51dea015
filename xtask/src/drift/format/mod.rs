//! Rendering a [`Report`]: `text` for people, `json` for tools, `github` workflow annotations,
//! `markdown` for a job summary or a PR comment, `junit` for CI test reports, `sarif` for code
//! scanning.

mod junit;
mod markdown;
mod sarif;

use std::fmt::Write as _;

use serde_json::json;

use super::level::Level;
use super::locate::NewDocument;
use super::policy::STALE_RULE;
use super::report::{Acknowledged, Change, Report};

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Grouped by operation, breaking first.
    Text,
    /// `{"vendor", "changes": [...], "summary": {...}}`.
    Json,
    /// GitHub Actions workflow commands (`::error title=...::...`).
    Github,
    /// A summary table and one section per operation (`$GITHUB_STEP_SUMMARY`, PR comments).
    Markdown,
    /// JUnit XML: a test case per change, failed from `--fail-on`.
    Junit,
    /// SARIF 2.1.0: a result per change, located in the new side.
    Sarif,
}

impl Format {
    /// Parse `text`, `json` or `github`.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "text" => Some(Self::Text),
            "json" => Some(Self::Json),
            "github" => Some(Self::Github),
            "markdown" => Some(Self::Markdown),
            "junit" => Some(Self::Junit),
            "sarif" => Some(Self::Sarif),
            _ => None,
        }
    }
}

/// What some formats need beyond the report.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options<'a> {
    /// `--fail-on`: the level from which a change fails (JUnit `<failure>`); `None` never.
    pub fail_on: Option<Level>,
    /// The documents of the new side, to locate changes in (SARIF).
    pub documents: &'a [NewDocument],
}

/// Render a report with the default options (`--fail-on ERR`).
pub fn render(report: &Report, format: Format) -> String {
    render_with(
        report,
        format,
        &Options {
            fail_on: Some(Level::Err),
            documents: &[],
        },
    )
}

/// Render a report.
pub fn render_with(report: &Report, format: Format, options: &Options<'_>) -> String {
    match format {
        Format::Text => text(report),
        Format::Json => json(report),
        Format::Github => github(report),
        Format::Markdown => markdown::render(report),
        Format::Junit => junit::render(report, options),
        Format::Sarif => sarif::render(report, options),
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
    let acknowledged = match report.acknowledged.len() {
        0 => String::new(),
        n => format!(" ({n} acknowledged)"),
    };
    if report.changes.is_empty() {
        return format!("{}: no changes{acknowledged}\n", report.vendor);
    }
    format!(
        "{}: {} change{} (ERR {}, WARN {}, INFO {}){acknowledged}\n",
        report.vendor,
        report.changes.len(),
        if report.changes.len() == 1 { "" } else { "s" },
        report.count(Level::Err),
        report.count(Level::Warn),
        report.count(Level::Info)
    )
}

/// An acknowledged change in one line: level, rule id, operation, location, fingerprint, and
/// the entry's reason and end date.
fn acknowledged_line(a: &Acknowledged) -> String {
    let c = &a.change;
    let place: Vec<&str> = [c.operation.as_str(), c.location.as_str()]
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect();
    let until = a.until.as_ref().map(|u| format!(" (until {u})")).unwrap_or_default();
    format!(
        "{} {} {} [{}]: {}{until}",
        c.level,
        c.id,
        place.join(" "),
        c.fingerprint(),
        a.reason
    )
}

/// The changes a drift-ignore entry could acknowledge: every open change but the findings about
/// the file itself.
fn acknowledgeable(report: &Report) -> impl Iterator<Item = &Change> {
    report.changes.iter().filter(|c| c.id != STALE_RULE)
}

/// The `[[ignore]]` entry that acknowledges `change`, ready to paste. The comment says which
/// change it is (on one line); the empty reason must be filled in: the file refuses it empty.
fn ignore_entry(change: &Change) -> String {
    let about: Vec<&str> = [change.operation.as_str(), change.location.as_str()]
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect();
    let comment = format!("{} {}, {}", change.level, change.id, about.join(", ")).replace(['\r', '\n'], " ");
    format!(
        "[[ignore]] # {}\nfingerprint = \"{}\"\nreason = \"\" # required: why this change is accepted\n",
        comment.trim_end_matches([',', ' ']),
        change.fingerprint()
    )
}

/// The operations of `changes`, those with the worst changes first, then by name.
fn operations(changes: &[Change]) -> Vec<&str> {
    let mut groups: Vec<(&str, Level)> = Vec::new();
    for change in changes {
        match groups.iter_mut().find(|(op, _)| *op == change.operation) {
            Some((_, worst)) => *worst = (*worst).max(change.level),
            None => groups.push((&change.operation, change.level)),
        }
    }
    groups.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    groups.into_iter().map(|(operation, _)| operation).collect()
}

/// How an operation is titled; changes about no operation are about the document.
fn operation_title(operation: &str) -> &str {
    if operation.is_empty() { "(document)" } else { operation }
}

/// Grouped by operation; operations with the worst changes first, then by name.
pub fn text(report: &Report) -> String {
    let mut out = summary_line(report);
    for operation in operations(&report.changes) {
        let title = operation_title(operation);
        let _ = writeln!(out, "\n{title}");
        for c in report.changes.iter().filter(|c| c.operation == operation) {
            let at = if c.location.is_empty() {
                String::new()
            } else {
                format!("{}: ", c.location)
            };
            let _ = writeln!(
                out,
                "  {:<4} {}  {at}{}  [{}]",
                c.level.as_str(),
                c.id,
                c.message,
                c.fingerprint()
            );
        }
    }
    if let Some(impact) = &report.impact {
        out.push_str(&super::impact::render::text(impact));
    }
    if !report.acknowledged.is_empty() {
        let file = report.ignore_file.as_deref().unwrap_or("the drift-ignore file");
        let _ = writeln!(out, "\nacknowledged in {file}:");
        for a in &report.acknowledged {
            let _ = writeln!(out, "  {}", acknowledged_line(a));
        }
    }
    if let Some(file) = &report.ignore_file {
        let mut entries = acknowledgeable(report).peekable();
        if entries.peek().is_some() {
            let _ = writeln!(out, "\nto acknowledge a change, add its entry to {file}:");
            for change in entries {
                let _ = write!(out, "\n{}", ignore_entry(change));
            }
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
                "fingerprint": c.fingerprint(),
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
        "acknowledged": report.acknowledged.iter().map(|a| {
            json!({
                "id": a.change.id,
                "level": a.change.level.as_str(),
                "operation": a.change.operation,
                "location": a.change.location,
                "message": a.change.message,
                "fingerprint": a.change.fingerprint(),
                "reason": a.reason,
                "until": a.until,
            })
        }).collect::<Vec<_>>(),
    });
    let mut value = value;
    if let (Some(impact), Some(map)) = (&report.impact, value.as_object_mut()) {
        map.insert("impact".into(), super::impact::render::json(impact));
    }
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
            escape_data(&format!("{at}{} [{}]", c.message, c.fingerprint()))
        );
    }
    for note in &report.notes {
        let _ = writeln!(out, "::notice title=drift::{}", escape_data(note));
    }
    // Plain log lines, not annotations: acknowledged changes need no one's attention.
    for a in &report.acknowledged {
        let _ = writeln!(out, "acknowledged: {}", acknowledged_line(a));
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

    // The fingerprint is pinned here too: acknowledgements in drift-ignore.toml rely on it
    // staying the same from one version of this tool to the next.
    #[test]
    fn github_annotations_escape_their_separators() {
        let report = Report::new(
            "v",
            vec![Change::new("endpoint-added", "GET /a:b", "x,y", "100% new\nline")],
        );
        assert_eq!(
            github(&report).lines().next(),
            Some("::notice title=endpoint-added (GET /a%3Ab)::x,y: 100%25 new%0Aline [98c565b27c6575f1]")
        );
    }
}
