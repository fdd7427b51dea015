//! The one error type of the xtask: where (file, JSON pointer) and why, printed on one line.

use std::fmt;
use std::path::{Path, PathBuf};

/// The longest line a refusal takes on stderr, [`PREFIX`] included: it fits a terminal and a CI
/// annotation.
pub const MAX_LINE: usize = 200;

/// What the command line prints before an [`Error`].
pub const PREFIX: &str = "error: ";

/// The least of a reason an [`Error`] keeps when the file and pointer alone are long.
const MIN_REASON: usize = 40;

/// A failure that stops a task. `Display` is a single line that, after [`PREFIX`], is at most
/// [`MAX_LINE`] characters (unless file and pointer alone are longer): `file#pointer: reason`,
/// the reason cut with `…`.
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
        let place = match (&self.file, &self.pointer) {
            (Some(file), Some(ptr)) => format!("{}#{}: ", file.display(), ptr),
            (Some(file), None) => format!("{}: ", file.display()),
            (None, Some(ptr)) => format!("#{ptr}: "),
            (None, None) => String::new(),
        };
        // One line, whatever the underlying message looked like, and a short one.
        let reason = self.reason.split_whitespace().collect::<Vec<_>>().join(" ");
        let room = MAX_LINE
            .saturating_sub(PREFIX.len() + place.chars().count())
            .max(MIN_REASON);
        f.write_str(&place)?;
        if reason.chars().count() <= room {
            return f.write_str(&reason);
        }
        let cut: String = reason.chars().take(room - 1).collect();
        write!(f, "{}…", cut.trim_end())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_reason_is_cut_to_one_short_line() {
        let err =
            Error::at("/paths/~1x/get", format!("first\nline {}", "word ".repeat(100))).in_file(Path::new("a.yaml"));
        let line = err.to_string();
        let length = PREFIX.len() + line.chars().count();
        assert!((MAX_LINE - 2..=MAX_LINE).contains(&length), "{length}: {line}");
        assert!(line.starts_with("a.yaml#/paths/~1x/get: first line word"), "{line}");
        assert!(line.ends_with('…') && !line.contains('\n'), "{line}");
        let short = Error::at("/a", "short");
        assert_eq!(short.to_string(), "#/a: short");
    }
}
