//! `cargo xtask drift`: a semantic diff of a vendor's vendored spec against upstream documents.
//!
//! Both sides are merged the way codegen merges them (before the overlay) and compared natively
//! as OpenAPI 3.1: `$ref`s are resolved on both sides while comparing (with cycle protection),
//! `type: [X, 'null']` is nullability, not a type change, and descriptions, examples, key order
//! and formatting are never compared. Each change gets a rule id ([`rules`]), a level, the
//! operation, a location and a one-line message. See `xtask/DRIFT.md`.

pub mod cli;
pub mod diff;
pub mod format;
pub mod oasdiff;
pub mod overlay_check;
pub mod rules;
pub mod schema;
pub mod skew;

use serde_json::Value;

use crate::spec::load::Document;

pub use rules::Level;

/// One reported difference.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Change {
    /// The rule id, e.g. `request-parameter-became-required`.
    pub id: String,
    /// How breaking the change is.
    pub level: Level,
    /// The operation, e.g. `GET /hris/staffing-entity-skills`; empty when the change is not about one.
    pub operation: String,
    /// Where in the operation (parameter, body, response and property path).
    pub location: String,
    /// What changed, in one line.
    pub message: String,
}

impl Change {
    /// A change of rule `id`; its level comes from the rule table.
    pub fn new(id: impl Into<String>, operation: &str, location: &str, message: impl Into<String>) -> Self {
        let id = id.into();
        // Every id the differ emits is in the table (a test checks it); WARN is the safe fallback.
        let level = rules::level(&id).unwrap_or(Level::Warn);
        Self {
            id,
            level,
            operation: operation.to_owned(),
            location: location.to_owned(),
            message: message.into(),
        }
    }
}

/// The outcome of one comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// The vendor compared.
    pub vendor: String,
    /// Every change, sorted: breaking first, then by operation, rule id, location and message.
    pub changes: Vec<Change>,
    /// How inputs were read, when worth saying (a page URL that answered HTML, retried as `.md`).
    pub notes: Vec<String>,
}

impl Report {
    /// A report with its changes sorted deterministically and exact duplicates removed.
    pub fn new(vendor: &str, mut changes: Vec<Change>) -> Self {
        changes.sort_by(|a, b| {
            b.level
                .cmp(&a.level)
                .then_with(|| a.operation.cmp(&b.operation))
                .then_with(|| a.id.cmp(&b.id))
                .then_with(|| a.location.cmp(&b.location))
                .then_with(|| a.message.cmp(&b.message))
        });
        changes.dedup();
        Self {
            vendor: vendor.to_owned(),
            changes,
            notes: Vec::new(),
        }
    }

    /// The report with `notes` attached.
    #[must_use]
    pub fn with_notes(mut self, notes: Vec<String>) -> Self {
        self.notes = notes;
        self
    }

    /// How many changes have `level`.
    pub fn count(&self, level: Level) -> usize {
        self.changes.iter().filter(|c| c.level == level).count()
    }

    /// The highest level reported, if any change was.
    pub fn worst(&self) -> Option<Level> {
        self.changes.iter().map(|c| c.level).max()
    }
}

/// Compare two merged OpenAPI documents (old = vendored, new = upstream) and, if given, check an
/// overlay against the new document.
pub fn compare(vendor: &str, old: &Value, new: &Value, overlay: Option<&Value>) -> crate::error::Result<Report> {
    let mut changes = diff::diff(old, new);
    if let Some(overlay) = overlay {
        changes.extend(overlay_check::check(new, overlay)?);
    }
    Ok(Report::new(vendor, changes))
}

/// Compare two sets of documents: each side is merged as codegen merges a vendor's files. When
/// the new side does not merge (pages out of step), it is compared page by page ([`skew`]) and
/// the disagreement reported; the old side must merge. The overlay, if given, is checked against
/// the merged new side (where pages disagree, the first page's definitions).
pub fn compare_documents(
    label: &str,
    old: &[Document],
    new: &[Document],
    overlay: Option<&Document>,
) -> crate::error::Result<Report> {
    let old = crate::spec::merge::merge(old)?;
    let (mut changes, new_merged) = match crate::spec::merge::merge(new) {
        Ok(merged) => (diff::diff(&old, &merged), merged),
        Err(_) if new.len() > 1 => (
            skew::compare(&old, new),
            skew::merge_first_wins(new.iter().map(|d| &d.value)),
        ),
        Err(e) => return Err(e),
    };
    if let Some(overlay) = overlay {
        changes.extend(overlay_check::check(&new_merged, &overlay.value).map_err(|e| e.in_file(&overlay.path))?);
    }
    Ok(Report::new(label, changes))
}
