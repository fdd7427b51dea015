//! The SDK impact in the report's formats: a section of the text report, the `"impact"` object
//! of the JSON report and a section of the markdown report.

use std::fmt::Write as _;

use serde_json::{Value, json};

use super::model::short;
use super::{Impact, ItemChange};

/// The headline: `SDK impact (<compared>): <release>` or the error.
fn headline(impact: &Impact) -> String {
    match (&impact.error, impact.release) {
        (Some(e), _) => format!("SDK impact ({}): error: {e}", impact.compared),
        (None, Some(r)) => format!("SDK impact ({}): {} release", impact.compared, r.as_str()),
        (None, None) => format!("SDK impact ({}): unknown", impact.compared),
    }
}

/// A member's type change in words: `Option<String>`, `i64 -> String`.
fn types(change: &ItemChange) -> String {
    let show = |t: &Option<String>| t.as_deref().map(short).filter(|t| !t.is_empty());
    match (show(&change.old), show(&change.new)) {
        (Some(o), Some(n)) => format!("{o} -> {n}"),
        (Some(t), None) | (None, Some(t)) => t,
        (None, None) => String::new(),
    }
}

/// The text section (starts with a blank line).
pub fn text(impact: &Impact) -> String {
    let mut out = format!("\n{}\n", headline(impact));
    for c in &impact.changes {
        let ty = types(c);
        let ty = if ty.is_empty() { ty } else { format!(": {ty}") };
        let _ = writeln!(out, "  {:<7} {:<14} {}{ty}", c.how.as_str(), c.kind, c.name());
    }
    out
}

/// The `"impact"` object of the JSON report.
pub fn json(impact: &Impact) -> Value {
    json!({
        "compared": impact.compared,
        "release": impact.release.map(|r| r.as_str()),
        "error": impact.error,
        "changes": impact.changes.iter().map(|c| json!({
            "change": c.how.as_str(),
            "kind": c.kind,
            "item": c.item,
            "member": c.member,
            "old": c.old,
            "new": c.new,
        })).collect::<Vec<_>>(),
    })
}

/// The markdown section; `escape` is the report's markdown escaping.
pub fn markdown(impact: &Impact, escape: fn(&str) -> String) -> String {
    let mut out = String::from("\n### SDK impact\n\n");
    match (&impact.error, impact.release) {
        (Some(e), _) => {
            let _ = writeln!(out, "**Error:** {}", escape(e));
        }
        (None, release) => {
            let release = release.map_or("unknown", |r| r.as_str());
            let _ = writeln!(out, "Release: **{release}** ({})", escape(&impact.compared));
        }
    }
    if !impact.changes.is_empty() {
        out.push_str("\n| Change | Kind | Item | Type |\n|---|---|---|---|\n");
        for c in &impact.changes {
            let ty = types(c);
            let ty = if ty.is_empty() {
                String::new()
            } else {
                format!("`{}`", ty.replace('`', "'").replace('|', "\\|"))
            };
            let _ = writeln!(out, "| {} | {} | `{}` | {ty} |", c.how.as_str(), c.kind, c.name());
        }
    }
    out
}
