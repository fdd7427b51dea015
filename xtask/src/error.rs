//! The one error type of the xtask: where (file, JSON pointer) and why, printed on one line.

use std::fmt;
use std::path::{Path, PathBuf};

/// A failure that stops a task. `Display` is a single line: `file#pointer: reason`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// The input file the problem is in, when one is known.
    pub file: Option<PathBuf>,
    /// The JSON pointer of the offending node, when one is known.
    pub pointer: Option<String>,
    /// What is wrong, in words.
    pub reason: String,
}

impl Error {
    /// An error with only a reason.
    pub fn msg(reason: impl Into<String>) -> Self {
        Self {
            file: None,
            pointer: None,
            reason: reason.into(),
        }
    }

    /// An error at a JSON pointer.
    pub fn at(pointer: impl Into<String>, reason: impl Into<String>) -> Self {
        Self {
            file: None,
            pointer: Some(pointer.into()),
            reason: reason.into(),
        }
    }

    /// Attach the file the error belongs to, unless one is already set.
    #[must_use]
    pub fn in_file(mut self, file: &Path) -> Self {
        if self.file.is_none() {
            self.file = Some(file.to_path_buf());
        }
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.file, &self.pointer) {
            (Some(file), Some(ptr)) => write!(f, "{}#{}: ", file.display(), ptr)?,
            (Some(file), None) => write!(f, "{}: ", file.display())?,
            (None, Some(ptr)) => write!(f, "#{ptr}: ")?,
            (None, None) => {}
        }
        // One line, whatever the underlying message looked like.
        let reason = self.reason.split_whitespace().collect::<Vec<_>>().join(" ");
        f.write_str(&reason)
    }
}

impl std::error::Error for Error {}

/// The xtask's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Escape one JSON pointer segment (RFC 6901).
pub fn escape_segment(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// Append a segment to a JSON pointer.
pub fn join(pointer: &str, segment: &str) -> String {
    format!("{pointer}/{}", escape_segment(segment))
}
