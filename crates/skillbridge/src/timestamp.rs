//! RFC 3339 timestamps, decoded on a fast path, shared by every API client's models.
//!
//! APIs write their timestamps one way, `2026-01-02T03:04:05.678Z`: UTC, `T`, `Z`, an optional
//! fraction. That shape is read here by hand, several times faster than chrono's general parser
//! (which goes through its `Parsed` builder for every value), and it matters: a Kombo page of 250
//! records carries 250 or more timestamps. Anything else (an offset, a space or lower-case
//! separator, a leap second, more than nine fraction digits, a malformed value) goes to chrono's
//! parser, so the result, and the error, is always chrono's.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use serde::Deserializer;
use serde::de::{Error, Visitor};

/// The canonical shape, or `None` to let chrono decide.
fn parse_canonical(text: &str) -> Option<DateTime<Utc>> {
    let b = text.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let digits = |from: usize, to: usize| -> Option<u32> {
        b[from..to]
            .iter()
            .try_fold(0_u32, |n, d| d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0')))
    };
    let (year, month, day) = (digits(0, 4)?, digits(5, 7)?, digits(8, 10)?);
    let (hour, minute, second) = (digits(11, 13)?, digits(14, 16)?, digits(17, 19)?);
    let nanos = match (b[19], b.len()) {
        (b'Z', 20) => 0,
        // `.` then 1 to 9 digits, then `Z`.
        (b'.', len) if (22..=30).contains(&len) && b[len - 1] == b'Z' => {
            let fraction = digits(20, len - 1)?;
            fraction * 10_u32.pow(u32::try_from(30 - len).ok()?)
        }
        _ => return None,
    };
    let date = NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)?;
    // `from_hms_nano_opt` refuses second 60: a leap second is left to chrono's parser.
    let time = NaiveTime::from_hms_nano_opt(hour, minute, second, nanos)?;
    Some(NaiveDateTime::new(date, time).and_utc())
}

/// Parses an RFC 3339 timestamp into UTC: the canonical shape by hand, anything else by chrono.
pub(crate) fn parse(text: &str) -> Result<DateTime<Utc>, chrono::ParseError> {
    match parse_canonical(text) {
        Some(parsed) => Ok(parsed),
        None => text
            .parse::<DateTime<chrono::FixedOffset>>()
            .map(|t| t.with_timezone(&Utc)),
    }
}

struct TimestampVisitor;

impl Visitor<'_> for TimestampVisitor {
    type Value = DateTime<Utc>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an RFC 3339 formatted date and time string")
    }

    fn visit_str<E: Error>(self, text: &str) -> Result<DateTime<Utc>, E> {
        parse(text).map_err(E::custom)
    }
}

/// `#[serde(deserialize_with = "crate::timestamp::required")]` for a `DateTime<Utc>` field.
pub(crate) fn required<'de, D: Deserializer<'de>>(deserializer: D) -> Result<DateTime<Utc>, D::Error> {
    deserializer.deserialize_str(TimestampVisitor)
}

/// `#[serde(default, deserialize_with = "crate::timestamp::optional")]` for an
/// `Option<DateTime<Utc>>` field (`null` or absent is `None`).
pub(crate) fn optional<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<DateTime<Utc>>, D::Error> {
    struct OptionalVisitor;

    impl<'de> Visitor<'de> for OptionalVisitor {
        type Value = Option<DateTime<Utc>>;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("null or an RFC 3339 formatted date and time string")
        }

        fn visit_none<E: Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_unit<E: Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
            required(deserializer).map(Some)
        }
    }

    deserializer.deserialize_option(OptionalVisitor)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// chrono's own reading, which [`parse`] must always give.
    fn chrono(text: &str) -> Result<DateTime<Utc>, chrono::ParseError> {
        text.parse::<DateTime<chrono::FixedOffset>>()
            .map(|t| t.with_timezone(&Utc))
    }

    #[test]
    fn a_value_of_the_wrong_type_says_what_was_expected() {
        #[derive(Debug, serde::Deserialize)]
        struct Stamped {
            #[serde(deserialize_with = "required")]
            #[allow(dead_code)]
            at: DateTime<Utc>,
        }
        let error = serde_json::from_str::<Stamped>(r#"{"at": 5}"#).expect_err("a number is no timestamp");
        assert!(
            error
                .to_string()
                .contains("expected an RFC 3339 formatted date and time string"),
            "{error}"
        );
    }

    #[test]
    fn canonical_values_take_the_fast_path_and_agree_with_chrono() {
        for text in [
            "2026-01-02T03:04:05Z",
            "2026-01-02T03:04:05.6Z",
            "2026-01-02T03:04:05.678Z",
            "2026-12-31T23:59:59.123456789Z",
            "0001-01-01T00:00:00Z",
            "9999-12-31T23:59:59.999Z",
            "2024-02-29T12:00:00Z",
        ] {
            assert!(parse_canonical(text).is_some(), "{text}: fast path");
            assert_eq!(parse(text).ok(), chrono(text).ok(), "{text}");
        }
    }

    #[test]
    fn every_other_shape_is_chronos_to_read() {
        for text in [
            "2026-01-02T03:04:05+02:00",
            "2026-01-02t03:04:05z",
            "2026-01-02 03:04:05Z",
            "2016-12-31T23:59:60Z",
            "2026-01-02T03:04:05.1234567891Z",
            "2023-02-29T00:00:00Z",
            "2026-13-02T03:04:05Z",
            "2026-01-02T24:00:00Z",
            "2026-01-02T03:04:05.Z",
            "2026-01-02T03:04:05",
            "+2026-01-02T03:04:05Z",
            "２026-01-02T03:04:05Z",
            "",
        ] {
            assert!(parse_canonical(text).is_none(), "{text}: not the fast path");
            assert_eq!(
                parse(text).map_err(|e| e.to_string()),
                chrono(text).map_err(|e| e.to_string()),
                "{text}"
            );
        }
    }

    proptest! {
        #[test]
        fn parse_is_chronos_reading_for_any_text(
            text in prop_oneof![
                "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{0,11})?[Zz+-]?[0-9:]{0,5}",
                ".{0,40}",
            ]
        ) {
            prop_assert_eq!(
                parse(&text).map_err(|e| e.to_string()),
                chrono(&text).map_err(|e| e.to_string())
            );
        }

        #[test]
        fn formatted_timestamps_round_trip(secs in 0_i64..253_402_300_799, nanos in 0_u32..1_000_000_000) {
            let time = DateTime::<Utc>::from_timestamp(secs, nanos).expect("in range");
            for format in [chrono::SecondsFormat::Secs, chrono::SecondsFormat::Millis, chrono::SecondsFormat::AutoSi] {
                let text = time.to_rfc3339_opts(format, true);
                prop_assert!(parse_canonical(&text).is_some(), "{}", text);
                prop_assert_eq!(parse(&text).ok(), chrono(&text).ok());
            }
        }
    }
}
