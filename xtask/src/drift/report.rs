//! What a comparison found: each [`Change`] with its rule id and level, and the sorted
//! [`Report`] every output format renders.

use super::fingerprint;
use super::impact::Impact;
use super::level::Level;
use super::rules;

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
    /// The change's fingerprint (rule id, operation and location; never the message): what
    /// `drift-ignore.toml` names to acknowledge it. See [`super::fingerprint`].
    pub fn fingerprint(&self) -> String {
        fingerprint::fingerprint(&self.id, &self.operation, &self.location)
    }

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

/// A change that `drift-ignore.toml` acknowledges: listed apart, never counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acknowledged {
    /// The change.
    pub change: Change,
    /// Why it is accepted, as the entry says.
    pub reason: String,
    /// The last day the acknowledgement holds (`YYYY-MM-DD`), if temporary.
    pub until: Option<String>,
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
    /// Changes acknowledged by the drift-ignore file: not in `changes`, not counted.
    pub acknowledged: Vec<Acknowledged>,
    /// The drift-ignore file that applies, once a [`super::policy::Policy`] was applied: where
    /// the text and markdown formats tell you to paste an entry that acknowledges a change.
    pub ignore_file: Option<String>,
    /// `--impact`: what the change does to the generated SDK.
    pub impact: Option<Impact>,
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
            acknowledged: Vec::new(),
            ignore_file: None,
            impact: None,
        }
    }

    /// The report with `notes` added after those it has.
    #[must_use]
    pub fn with_notes(mut self, notes: Vec<String>) -> Self {
        self.notes.extend(notes);
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
