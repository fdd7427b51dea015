//! What a contender saw, reduced to a count and a checksum that every contender must agree on.

use chrono::{DateTime, Utc};

/// What a listing contender saw: the record count and a checksum over every record's fields.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// Records seen.
    pub records: u64,
    /// An order-independent checksum over every record's fields.
    pub checksum: u64,
}

impl Tally {
    pub(crate) fn add(&mut self, id: &str, level: Option<u64>, changed_at: DateTime<Utc>, deleted: bool) {
        self.records += 1;
        // Touches every decoded field so that none of the decoding can be skipped.
        let stamp = u64::try_from(changed_at.timestamp_millis()).unwrap_or_default();
        self.checksum = self
            .checksum
            .wrapping_mul(31)
            .wrapping_add(id.len() as u64 + level.unwrap_or(0) * 7 + u64::from(deleted) * 11 + stamp % 1000);
    }
}
