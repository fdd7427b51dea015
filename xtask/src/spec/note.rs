//! What the pipeline left out of a client or changed on the way, without refusing the document:
//! printed on stderr by `cargo xtask codegen` and written under the `@generated` line, so a
//! reader of the generated code learns what it does not cover.

use std::fmt;
use std::path::{Path, PathBuf};

/// How much a [`Note`] matters to a user of the generated client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Left out or renamed, with no effect on what the client sends or accepts.
    Note,
    /// A constraint the document states that the client does not enforce.
    Warning,
}

/// One thing the pipeline did to a document that a reader should know. `Display` is one line:
/// `warning: file#pointer: message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// How much it matters.
    pub severity: Severity,
    /// The input file the pointer is in, when known.
    pub file: Option<PathBuf>,
    /// The JSON pointer of the node concerned.
    pub pointer: String,
    /// What was done, and why.
    pub message: String,
}

impl Note {
    /// A note: something left out of the client or renamed.
    pub fn info(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Note,
            file: None,
            pointer: pointer.into(),
            message: message.into(),
        }
    }

    /// A warning: a constraint the client does not enforce.
    pub fn warning(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            ..Self::info(pointer, message)
        }
    }

    /// Attach the file the note belongs to, unless one is already set.
    #[must_use]
    pub fn in_file(mut self, file: &Path) -> Self {
        if self.file.is_none() {
            self.file = Some(file.to_path_buf());
        }
        self
    }
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let severity = match self.severity {
            Severity::Note => "note",
            Severity::Warning => "warning",
        };
        let file = self
            .file
            .as_ref()
            .map(|f| f.display().to_string().replace('\\', "/"))
            .unwrap_or_default();
        write!(f, "{severity}: {file}#{}: {}", self.pointer, self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_note_is_one_line_with_file_and_pointer() {
        let note = Note::warning("/components/schemas/S/contains", "dropped").in_file(Path::new("a.yaml"));
        assert_eq!(
            note.to_string(),
            "warning: a.yaml#/components/schemas/S/contains: dropped"
        );
        assert_eq!(
            Note::info("/webhooks", "left out").to_string(),
            "note: #/webhooks: left out"
        );
    }
}
