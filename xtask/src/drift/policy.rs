//! What a project has decided about drift: changes it acknowledged and rule levels it overrides,
//! read from `specs/<vendor>/drift-ignore.toml` (vendor mode) or `--ignore FILE` (generic mode).
//!
//! ```toml
//! [[ignore]]
//! fingerprint = "43f6db27c7d93150"
//! reason = "Kombo made skill_ids required; we always send it"
//! until = "2026-12-31"          # optional: after this day the change counts again
//!
//! [severity]
//! response-property-enum-value-added = "INFO"
//! ```
//!
//! The severity table lives in the same file as the acknowledgements, not in `vendor.toml`:
//! both are decisions about how drift judges changes (vendor.toml says what the vendor's
//! documents are and where they come from, and every command reads it), and one file then works
//! the same in generic mode.
//!
//! Acknowledged changes leave the counts and `--fail-on` and are listed apart; an entry that
//! matches no change, or whose `until` has passed, is itself reported ([`STALE_RULE`], WARN), so
//! the file does not silently rot.

use std::fmt;
use std::path::Path;

use toml::{Table, Value};

use super::level::Level;
use super::report::{Acknowledged, Change, Report};
use super::rules;
use crate::error::{Error, Result};

/// The rule id of an acknowledgement that matches nothing or has expired.
pub const STALE_RULE: &str = "stale-acknowledgement";

/// A calendar day, as `until` is written (`YYYY-MM-DD`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    /// The year, e.g. 2026.
    pub year: u32,
    /// 1 to 12.
    pub month: u32,
    /// 1 to 31.
    pub day: u32,
}

impl Date {
    /// Parse `YYYY-MM-DD` (a TOML date is accepted as its text form).
    pub fn parse(text: &str) -> Option<Self> {
        let mut parts = text.trim().splitn(3, '-');
        let mut next = |digits: usize| {
            parts
                .next()
                .filter(|p| p.len() == digits && p.bytes().all(|b| b.is_ascii_digit()))
                .and_then(|p| p.parse::<u32>().ok())
        };
        let (year, month, day) = (next(4)?, next(2)?, next(2)?);
        ((1..=12).contains(&month) && (1..=31).contains(&day)).then_some(Self { year, month, day })
    }

    /// Today in UTC, from the system clock.
    pub fn today() -> Self {
        let seconds = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        Self::from_days_since_epoch(seconds / 86_400)
    }

    /// The civil date of a day count since 1970-01-01 (Howard Hinnant's `civil_from_days`).
    fn from_days_since_epoch(days: u64) -> Self {
        let z = days + 719_468;
        let era = z / 146_097;
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + u64::from(month <= 2);
        Self {
            year: u32::try_from(year).unwrap_or(u32::MAX),
            month: u32::try_from(month).unwrap_or(1),
            day: u32::try_from(day).unwrap_or(1),
        }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// One `[[ignore]]` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acknowledgement {
    /// The fingerprint of the change acknowledged.
    pub fingerprint: String,
    /// Why the change is accepted.
    pub reason: String,
    /// The last day the acknowledgement holds, if it is temporary.
    pub until: Option<Date>,
}

/// The decisions of one drift-ignore file (or none: an empty policy).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Policy {
    /// The file as shown to people (where to paste new entries).
    pub file: String,
    /// The `[[ignore]]` entries, in file order.
    pub acknowledgements: Vec<Acknowledgement>,
    /// `[severity]` and `--severity`: a rule id and the level its changes get instead.
    pub severity: Vec<(String, Level)>,
}

/// Whether `id` names a rule a severity override may set.
fn known_rule(id: &str) -> bool {
    rules::level(id).is_some() || id == STALE_RULE
}

/// Parse `RULE=LEVEL` (`--severity`).
pub fn parse_override(text: &str) -> std::result::Result<(String, Level), String> {
    let (id, level) = text
        .split_once('=')
        .ok_or_else(|| format!("--severity {text}: expected RULE=LEVEL"))?;
    let level =
        Level::parse(level).ok_or_else(|| format!("--severity {text}: unknown level {level} (ERR, WARN, INFO)"))?;
    if !known_rule(id) {
        return Err(format!("--severity {text}: unknown rule id {id}"));
    }
    Ok((id.to_owned(), level))
}

impl Policy {
    /// An empty policy whose new entries belong in `file`.
    pub fn empty(file: &str) -> Self {
        Self {
            file: file.to_owned(),
            ..Self::default()
        }
    }

    /// Read `path` (shown as `shown`); a file that does not exist is an empty policy when
    /// `optional` (a vendor without acknowledgements needs no file).
    pub fn read(path: &Path, shown: &str, optional: bool) -> Result<Self> {
        let at = Path::new(shown);
        match std::fs::read_to_string(path) {
            Ok(text) => Self::parse(&text, shown).map_err(|e| e.in_file(at)),
            Err(e) if optional && e.kind() == std::io::ErrorKind::NotFound => Ok(Self::empty(shown)),
            Err(e) => Err(Error::msg(format!("cannot read file: {e}")).in_file(at)),
        }
    }

    /// Parse the text of a drift-ignore file. Unknown keys are refused: a misspelt `[[ignore]]`
    /// or `until` would otherwise be silently without effect.
    pub fn parse(text: &str, shown: &str) -> Result<Self> {
        let table: Table = text
            .parse()
            .map_err(|e: toml::de::Error| Error::msg(format!("invalid TOML: {}", e.message())))?;
        let mut policy = Self::empty(shown);
        for (key, value) in &table {
            match (key.as_str(), value) {
                ("ignore", Value::Array(entries)) => {
                    for (i, entry) in entries.iter().enumerate() {
                        policy.acknowledgements.push(acknowledgement(i, entry)?);
                    }
                }
                ("severity", Value::Table(levels)) => {
                    for (id, level) in levels {
                        let level = level.as_str().and_then(Level::parse).ok_or_else(|| {
                            Error::msg(format!("[severity] {id}: expected \"ERR\", \"WARN\" or \"INFO\""))
                        })?;
                        if !known_rule(id) {
                            return Err(Error::msg(format!("[severity] {id}: unknown rule id")));
                        }
                        policy.severity.push((id.clone(), level));
                    }
                }
                _ => {
                    return Err(Error::msg(format!(
                        "unexpected `{key}` (expected [[ignore]] entries and a [severity] table)"
                    )));
                }
            }
        }
        Ok(policy)
    }

    /// The report with this policy applied: levels overridden, acknowledged changes moved to
    /// [`Report::acknowledged`], and a [`STALE_RULE`] finding for each entry that matched no
    /// change or expired before `today` (an expired entry acknowledges nothing).
    pub fn apply(&self, report: Report, today: Date) -> Report {
        let Report {
            vendor,
            changes,
            notes,
            mut acknowledged,
            ..
        } = report;
        let mut open = Vec::new();
        let mut matched = vec![false; self.acknowledgements.len()];
        for change in changes {
            let fingerprint = change.fingerprint();
            let entry = self
                .acknowledgements
                .iter()
                .enumerate()
                .find(|(_, a)| a.fingerprint == fingerprint);
            match entry {
                Some((i, a)) => {
                    matched[i] = true;
                    if a.until.is_some_and(|until| until < today) {
                        open.push(change);
                    } else {
                        acknowledged.push(Acknowledged {
                            change,
                            reason: a.reason.clone(),
                            until: a.until.map(|d| d.to_string()),
                        });
                    }
                }
                None => open.push(change),
            }
        }
        for (a, matched) in self.acknowledgements.iter().zip(matched) {
            let location = format!("{} fingerprint {}", self.file, a.fingerprint);
            let message = match a.until {
                Some(until) if until < today => Some(format!(
                    "acknowledgement expired on {until}: the change counts again; fix it or renew `until` ({})",
                    a.reason
                )),
                _ if !matched => Some(format!("acknowledgement matches no change: remove it ({})", a.reason)),
                _ => None,
            };
            if let Some(message) = message {
                open.push(Change {
                    id: STALE_RULE.to_owned(),
                    level: Level::Warn,
                    operation: String::new(),
                    location,
                    message,
                });
            }
        }
        for change in open.iter_mut().chain(acknowledged.iter_mut().map(|a| &mut a.change)) {
            if let Some((_, level)) = self.severity.iter().rev().find(|(id, _)| *id == change.id) {
                change.level = *level;
            }
        }
        acknowledged.sort_by(|a, b| a.change.cmp(&b.change));
        let mut report = Report::new(&vendor, open).with_notes(notes);
        report.acknowledged = acknowledged;
        report.ignore_file = Some(self.file.clone());
        report
    }
}

/// One `[[ignore]]` entry (the `i`-th, for error messages).
fn acknowledgement(i: usize, entry: &Value) -> Result<Acknowledgement> {
    let at = |what: &str| Error::msg(format!("[[ignore]] entry {}: {what}", i + 1));
    let table = entry.as_table().ok_or_else(|| at("not a table"))?;
    if let Some(key) = table
        .keys()
        .find(|k| !matches!(k.as_str(), "fingerprint" | "reason" | "until"))
    {
        return Err(at(&format!("unexpected `{key}` (fingerprint, reason, until)")));
    }
    let fingerprint = table
        .get("fingerprint")
        .and_then(Value::as_str)
        .ok_or_else(|| at("needs a `fingerprint` string"))?;
    let reason = table
        .get("reason")
        .and_then(Value::as_str)
        .filter(|r| !r.trim().is_empty())
        .ok_or_else(|| at("needs a `reason`: why the change is accepted"))?;
    let until = match table.get("until") {
        None => None,
        Some(value) => {
            // A bare TOML date (`until = 2026-12-31`) and a string both read as YYYY-MM-DD.
            let text = match value {
                Value::String(s) => s.clone(),
                Value::Datetime(d) => d.to_string(),
                _ => String::new(),
            };
            Some(Date::parse(&text).ok_or_else(|| at("`until` must be a date YYYY-MM-DD"))?)
        }
    };
    Ok(Acknowledgement {
        fingerprint: fingerprint.to_owned(),
        reason: reason.to_owned(),
        until,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly on bad fixtures")]
mod tests {
    use super::*;

    const TODAY: Date = Date {
        year: 2026,
        month: 6,
        day: 15,
    };

    fn report() -> Report {
        Report::new(
            "v",
            vec![
                Change::new("request-parameter-became-required", "GET /a", "query parameter q", "m"),
                Change::new(
                    "response-property-enum-value-added",
                    "GET /a",
                    "response 200 application/json: s",
                    "m",
                ),
            ],
        )
    }

    fn policy(text: &str) -> Policy {
        Policy::parse(text, "specs/v/drift-ignore.toml").unwrap()
    }

    #[test]
    fn an_acknowledged_change_leaves_the_counts() {
        let required = report().changes[0].fingerprint();
        let applied = policy(&format!(
            "[[ignore]]\nfingerprint = \"{required}\"\nreason = \"we always send q\"\nuntil = 2026-06-15\n"
        ))
        .apply(report(), TODAY);
        assert_eq!(applied.worst(), Some(Level::Warn), "{applied:?}");
        assert_eq!(applied.acknowledged.len(), 1);
        assert_eq!(applied.acknowledged[0].reason, "we always send q");
        assert_eq!(applied.acknowledged[0].until.as_deref(), Some("2026-06-15"));
        assert_eq!(applied.ignore_file.as_deref(), Some("specs/v/drift-ignore.toml"));
        // `until` is the last day it holds: on that day it is neither expired nor stale.
        assert!(applied.changes.iter().all(|c| c.id != STALE_RULE), "{applied:?}");
    }

    #[test]
    fn expired_and_unmatched_entries_are_reported() {
        let required = report().changes[0].fingerprint();
        let applied = policy(&format!(
            "[[ignore]]\nfingerprint = \"{required}\"\nreason = \"until upstream fixes it\"\nuntil = \"2026-06-14\"\n\n\
             [[ignore]]\nfingerprint = \"0000000000000000\"\nreason = \"old\"\n"
        ))
        .apply(report(), TODAY);
        assert!(applied.acknowledged.is_empty());
        // The expired entry's change counts again.
        assert_eq!(applied.worst(), Some(Level::Err));
        let stale: Vec<&Change> = applied.changes.iter().filter(|c| c.id == STALE_RULE).collect();
        assert_eq!(stale.len(), 2, "{applied:?}");
        assert!(stale.iter().all(|c| c.level == Level::Warn));
        let about = |fingerprint: &str| stale.iter().find(|c| c.location.ends_with(fingerprint)).unwrap();
        assert!(about(&required).message.contains("expired on 2026-06-14"), "{stale:?}");
        assert!(
            about("0000000000000000").message.contains("matches no change"),
            "{stale:?}"
        );
    }

    #[test]
    fn severity_overrides_change_levels_and_later_ones_win() {
        let p = policy("[severity]\nrequest-parameter-became-required = \"WARN\"\n");
        assert_eq!(p.apply(report(), TODAY).worst(), Some(Level::Warn));
        let mut p = policy("[severity]\nresponse-property-enum-value-added = \"err\"\n");
        assert_eq!(p.apply(report(), TODAY).count(Level::Err), 2);
        p.severity
            .push(parse_override("response-property-enum-value-added=INFO").unwrap());
        assert_eq!(p.apply(report(), TODAY).count(Level::Info), 1);
    }

    #[test]
    fn bad_files_and_overrides_are_refused() {
        for bad in [
            "[[ignored]]\nfingerprint = \"a\"\nreason = \"r\"\n",
            "[[ignore]]\nreason = \"r\"\n",
            "[[ignore]]\nfingerprint = \"a\"\n",
            "[[ignore]]\nfingerprint = \"a\"\nreason = \"r\"\nuntil = \"tomorrow\"\n",
            "[[ignore]]\nfingerprint = \"a\"\nreason = \"r\"\nuntill = \"2026-01-01\"\n",
            "[severity]\nno-such-rule = \"ERR\"\n",
            "[severity]\nendpoint-added = \"FATAL\"\n",
            "not toml",
        ] {
            assert!(Policy::parse(bad, "f").is_err(), "{bad}");
        }
        assert!(parse_override("endpoint-added").is_err());
        assert!(parse_override("endpoint-added=LOUD").is_err());
        assert!(parse_override("no-such-rule=ERR").is_err());
        assert_eq!(
            parse_override("stale-acknowledgement=ERR").unwrap(),
            (STALE_RULE.to_owned(), Level::Err)
        );
    }

    #[test]
    fn dates_parse_compare_and_come_from_the_clock() {
        assert_eq!(Date::parse("2026-06-15"), Some(TODAY));
        for bad in ["2026-6-15", "2026-13-01", "2026-06-32", "", "20260615", "2026-06-15x"] {
            assert_eq!(Date::parse(bad), None, "{bad}");
        }
        assert!(Date::parse("2025-12-31").unwrap() < TODAY);
        assert_eq!(Date::from_days_since_epoch(0).to_string(), "1970-01-01");
        assert_eq!(Date::from_days_since_epoch(20_619).to_string(), "2026-06-15");
        // Every day follows the one before, across 600 years of month ends, leap days and the
        // century rules (2000 is a leap year, 2100 is not).
        let successor = |d: &Date| {
            let leap = d.year.is_multiple_of(4) && (!d.year.is_multiple_of(100) || d.year.is_multiple_of(400));
            let days_in_month = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
            match (d.day < days_in_month[d.month as usize - 1], d.month < 12) {
                (true, _) => (d.year, d.month, d.day + 1),
                (false, true) => (d.year, d.month + 1, 1),
                (false, false) => (d.year + 1, 1, 1),
            }
        };
        let mut previous = Date::from_days_since_epoch(0);
        for days in 1..220_000 {
            let date = Date::from_days_since_epoch(days);
            assert_eq!((date.year, date.month, date.day), successor(&previous), "day {days}");
            previous = date;
        }
        assert!(Date::today().year >= 2025);
    }
}
