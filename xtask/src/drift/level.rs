//! How bad a change is: the level every rule sets and every report counts.

use std::fmt;

/// How bad a change is for a client built against the old document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// Safe: nothing a client does stops working.
    Info,
    /// Possibly breaking, depending on how a client uses the API.
    Warn,
    /// Breaking: a client built against the old document can fail.
    Err,
}

impl Level {
    /// The level's name as printed: `ERR`, `WARN` or `INFO`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Err => "ERR",
            Self::Warn => "WARN",
            Self::Info => "INFO",
        }
    }

    /// Parse `ERR`, `WARN` or `INFO` (any case).
    pub fn parse(s: &str) -> Option<Self> {
        match s.to_ascii_uppercase().as_str() {
            "ERR" | "ERROR" => Some(Self::Err),
            "WARN" | "WARNING" => Some(Self::Warn),
            "INFO" => Some(Self::Info),
            _ => None,
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
