//! Kombo's records and error bodies, as this crate's own types.

use std::fmt;
use std::num::NonZeroU64;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use skillbridge_openapi::kombo::types as generated;

use crate::error::{Error, Result};
use crate::pagination::{Continuation, Page};

/// An expected proficiency level, 1 (lowest) to 5 (highest).
///
/// ```
/// use skillbridge::kombo::ExpectedLevel;
///
/// assert_eq!(ExpectedLevel::new(4)?.get(), 4);
/// assert!(ExpectedLevel::new(0).is_err());
/// assert!(ExpectedLevel::new(6).is_err());
/// assert_eq!(ExpectedLevel::try_from(5_u8)?, ExpectedLevel::MAX);
/// # Ok::<(), skillbridge::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u64", into = "u8")]
pub struct ExpectedLevel(u8);

impl ExpectedLevel {
    /// The lowest level.
    pub const MIN: ExpectedLevel = ExpectedLevel(1);
    /// The highest level.
    pub const MAX: ExpectedLevel = ExpectedLevel(5);

    /// A level, if `level` is within 1..=5; otherwise [`Error::InvalidInput`] naming `expected_level`.
    pub fn new(level: u8) -> Result<Self> {
        Self::try_from(level)
    }

    /// The level as a number in 1..=5.
    pub fn get(self) -> u8 {
        self.0
    }
}

impl TryFrom<u64> for ExpectedLevel {
    type Error = Error;

    fn try_from(level: u64) -> Result<Self> {
        match u8::try_from(level) {
            Ok(level @ 1..=5) => Ok(Self(level)),
            _ => Err(Error::invalid("expected_level", format!("{level} is not within 1..=5"))),
        }
    }
}

impl TryFrom<u8> for ExpectedLevel {
    type Error = Error;

    fn try_from(level: u8) -> Result<Self> {
        Self::try_from(u64::from(level))
    }
}

impl From<ExpectedLevel> for u8 {
    fn from(level: ExpectedLevel) -> u8 {
        level.0
    }
}

impl From<ExpectedLevel> for NonZeroU64 {
    fn from(level: ExpectedLevel) -> NonZeroU64 {
        NonZeroU64::MIN.saturating_add(u64::from(level.0) - 1)
    }
}

impl fmt::Display for ExpectedLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[cfg(feature = "schemars")]
#[cfg_attr(docsrs, doc(cfg(feature = "schemars")))]
impl schemars::JsonSchema for ExpectedLevel {
    fn schema_name() -> String {
        "ExpectedLevel".to_owned()
    }

    fn json_schema(_: &mut schemars::r#gen::SchemaGenerator) -> schemars::schema::Schema {
        use schemars::schema::{InstanceType, Metadata, NumberValidation, SchemaObject};
        SchemaObject {
            metadata: Some(Box::new(Metadata {
                description: Some("An expected proficiency level, 1 (lowest) to 5 (highest).".to_owned()),
                ..Metadata::default()
            })),
            instance_type: Some(InstanceType::Integer.into()),
            format: Some("uint8".to_owned()),
            number: Some(Box::new(NumberValidation {
                minimum: Some(1.0),
                maximum: Some(5.0),
                ..NumberValidation::default()
            })),
            ..SchemaObject::default()
        }
        .into()
    }
}

crate::id::string_id!(
    /// Kombo's id of a skill expectation record (`StaffingEntitySkill::id`).
    StaffingEntitySkillId
);
crate::id::string_id!(
    /// Kombo's id of a staffing entity: a job, position or requisition.
    StaffingEntityId
);
crate::id::string_id!(
    /// Kombo's id of a skill of the integration's skill catalog (`GET /hris/skills`), not a
    /// skill's name and not a TechWolf skill id.
    SkillId
);

/// A skill expected on a staffing entity (a job, position or requisition), as Kombo returns it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct StaffingEntitySkill {
    /// Kombo's globally unique id of this record; a stable primary key for syncing.
    pub id: StaffingEntitySkillId,
    /// The Kombo id of the staffing entity the skill is expected on.
    pub staffing_entity_id: StaffingEntityId,
    /// The Kombo id of the skill.
    pub skill_id: SkillId,
    /// The expected proficiency level; `None` when the source system has no level on the role side.
    pub expected_level: Option<ExpectedLevel>,
    /// When a field directly on this record last changed (not nested data; see `updated_after`).
    #[serde(deserialize_with = "crate::timestamp::required")]
    pub changed_at: DateTime<Utc>,
    /// When the record was deleted in the remote system, if it was.
    #[serde(default, deserialize_with = "crate::timestamp::optional")]
    pub remote_deleted_at: Option<DateTime<Utc>>,
}

impl StaffingEntitySkill {
    /// Whether the record was deleted in the remote system.
    pub fn is_deleted(&self) -> bool {
        self.remote_deleted_at.is_some()
    }
}

/// One page of staffing-entity skills.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct StaffingEntitySkillPage {
    /// The records of this page.
    pub results: Vec<StaffingEntitySkill>,
    /// The cursor of the next page; `None` on the last page.
    pub next: Option<String>,
}

impl Page for StaffingEntitySkillPage {
    type Item = StaffingEntitySkill;

    fn continuation(&self) -> Continuation {
        // Kombo ends a listing with `next: null`; an empty string is caught by the pager.
        self.next.clone().map_or(Continuation::End, Continuation::Next)
    }

    fn into_items(self) -> Vec<StaffingEntitySkill> {
        self.results
    }
}

/// A skill expectation to create or update: this skill, on this staffing entity, at this level.
///
/// Ids are checked when the expectation is sent: an empty id is rejected before any request.
///
/// ```
/// use skillbridge::kombo::{ExpectedLevel, SkillExpectation};
///
/// let expectation = SkillExpectation::new("26vafvWSRmbhNcxJYqjCzuJg", "3KvQZzFZCrLPaDY3kZ5Y1gP9")
///     .expected_level(ExpectedLevel::new(4)?);
/// assert_eq!(expectation.level().map(ExpectedLevel::get), Some(4));
/// # Ok::<(), skillbridge::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct SkillExpectation {
    staffing_entity_id: StaffingEntityId,
    skill_id: SkillId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    expected_level: Option<ExpectedLevel>,
}

impl SkillExpectation {
    /// Expect skill `skill_id` on staffing entity `staffing_entity_id`, without a level.
    pub fn new(staffing_entity_id: impl Into<StaffingEntityId>, skill_id: impl Into<SkillId>) -> Self {
        Self {
            staffing_entity_id: staffing_entity_id.into(),
            skill_id: skill_id.into(),
            expected_level: None,
        }
    }

    /// Sets the expected level.
    #[must_use]
    pub fn expected_level(mut self, level: ExpectedLevel) -> Self {
        self.expected_level = Some(level);
        self
    }

    /// Sets or clears the expected level.
    #[must_use]
    pub fn maybe_expected_level(mut self, level: Option<ExpectedLevel>) -> Self {
        self.expected_level = level;
        self
    }

    /// The staffing entity id.
    pub fn staffing_entity_id(&self) -> &StaffingEntityId {
        &self.staffing_entity_id
    }

    /// The skill id.
    pub fn skill_id(&self) -> &SkillId {
        &self.skill_id
    }

    /// The expected level, if any.
    pub fn level(&self) -> Option<ExpectedLevel> {
        self.expected_level
    }

    /// The request body, or the reason this expectation cannot be sent.
    pub(crate) fn to_body(&self) -> Result<generated::PostHrisStaffingEntitySkillsRequestBody> {
        check_id("staffing_entity_id", self.staffing_entity_id.as_str())?;
        check_id("skill_id", self.skill_id.as_str())?;
        Ok(generated::PostHrisStaffingEntitySkillsRequestBody {
            expected_level: self.expected_level.map(NonZeroU64::from),
            skill_id: self.skill_id.as_str().to_owned(),
            staffing_entity_id: self.staffing_entity_id.as_str().to_owned(),
        })
    }
}

/// Kombo's success envelope, `{"status": "success", "data": ...}`: only `data` is kept.
#[derive(Deserialize)]
pub(super) struct Envelope<T> {
    pub(super) data: T,
}

pub(crate) fn check_id(field: &'static str, id: &str) -> Result<()> {
    if id.trim().is_empty() {
        return Err(Error::invalid(field, "must not be empty"));
    }
    if id.chars().any(char::is_control) {
        return Err(Error::invalid(field, "must not contain control characters"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_round_trip_and_reject_out_of_range() {
        let level: ExpectedLevel = serde_json::from_str("3").expect("3 is a level");
        assert_eq!(level.get(), 3);
        assert_eq!(serde_json::to_string(&level).expect("serializes"), "3");
        assert!(serde_json::from_str::<ExpectedLevel>("0").is_err());
        assert!(serde_json::from_str::<ExpectedLevel>("6").is_err());
        assert!(serde_json::from_str::<ExpectedLevel>("300").is_err());
        assert_eq!(NonZeroU64::from(ExpectedLevel::MAX).get(), 5);
    }

    #[cfg(feature = "schemars")]
    #[test]
    fn the_record_schema_has_a_bounded_nullable_level_and_datetimes() {
        let schema = serde_json::to_value(schemars::schema_for!(StaffingEntitySkill)).expect("serializes");
        let level = &schema["definitions"]["ExpectedLevel"];
        assert_eq!(
            (level["minimum"].as_f64(), level["maximum"].as_f64()),
            (Some(1.0), Some(5.0))
        );
        let required = schema["required"].as_array().expect("required list");
        assert!(
            !required
                .iter()
                .any(|f| f == "expected_level" || f == "remote_deleted_at")
        );
        assert_eq!(schema["properties"]["changed_at"]["format"], "date-time");
    }

    #[test]
    fn records_round_trip() {
        let json = r#"{"id":"a","staffing_entity_id":"e","skill_id":"s","expected_level":null,
            "changed_at":"2026-01-02T03:04:05.678Z","remote_deleted_at":null}"#;
        let record: StaffingEntitySkill = serde_json::from_str(json).expect("decodes");
        assert_eq!(record.expected_level, None);
        let again: StaffingEntitySkill =
            serde_json::from_str(&serde_json::to_string(&record).expect("serializes")).expect("decodes");
        assert_eq!(again, record);
    }
}
