//! TechWolf's public types: employees' skill clusters, filters, includes and error bodies.

use std::collections::BTreeSet;
use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use skillbridge_openapi::techwolf::types as generated;
use uuid::Uuid;

use crate::open_enum::open_enum;
use crate::pagination::{Continuation, Page};

open_enum! {
    /// How far a skill or cluster has been confirmed. TechWolf adds states over time: one this
    /// release does not know decodes as [`ValidationState::Unknown`].
    pub enum ValidationState (schema "TechWolfValidationState") {
        /// Confirmed by the employee or a manager.
        Validated = "validated",
        /// Inferred, not yet confirmed.
        Suggested = "suggested",
        /// Rejected by the employee or a manager.
        Rejected = "rejected",
        /// Validated at onboarding.
        InitiallyValidated = "initially_validated",
    }
}

open_enum! {
    /// Where a skill was inferred from. TechWolf documents more event types than are listed here
    /// (11 at last count): others decode as [`SkillSource::Unknown`].
    pub enum SkillSource (schema "TechWolfSkillSource") {
        /// Work experience.
        WorkingHistory = "working_history",
        /// An uploaded resume.
        ResumeDocument = "resume_document",
        /// Education.
        EducationHistory = "education_history",
        /// Learning activity.
        Learning = "learning",
        /// Project work.
        Project = "project",
    }
}

/// One employee and their skill clusters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct EmployeeSkillClusters {
    /// The employee's identifier in the customer's systems.
    pub external_id: String,
    /// The employee's skill clusters.
    pub skill_clusters: Vec<SkillCluster>,
}

/// A cluster of related skills and the employee's proficiency in it.
///
/// The skill lists are `None` when the request did not [`Include`] them, and `Some` (possibly
/// empty) when it did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct SkillCluster {
    /// The cluster's id.
    pub skill_cluster_id: Uuid,
    /// The cluster's name, e.g. `DevOps`.
    pub skill_cluster_name: String,
    /// The domain the cluster belongs to, e.g. `Computer Science`.
    pub domain_name: String,
    /// The employee's proficiency in the cluster (no range is documented; examples show 2 and 3).
    pub proficiency_level: i64,
    /// The cluster's validation state; absent on some clusters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validation_state: Option<ValidationState>,
    /// Skills the employee has ([`Include::CurrentSkills`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_skills: Option<Vec<Skill>>,
    /// Skills related to the cluster ([`Include::RelatedSkills`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub related_skills: Option<Vec<Skill>>,
    /// Skills that were rejected ([`Include::RejectedSkills`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rejected_skills: Option<Vec<Skill>>,
    /// Where the cluster was inferred from ([`Include::Sources`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sources: Option<Vec<SkillSource>>,
}

/// A skill within a cluster.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct Skill {
    /// The skill's name, e.g. `Kubernetes`.
    pub name: String,
    /// The skill's id.
    pub skill_id: Uuid,
    /// The skill's validation state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validation_state: Option<ValidationState>,
    /// Where the skill was inferred from; may be empty.
    #[serde(default)]
    pub skill_sources: Vec<SkillSource>,
}

/// Extra data to include in each skill cluster.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Include {
    /// [`SkillCluster::current_skills`].
    CurrentSkills,
    /// [`SkillCluster::related_skills`].
    RelatedSkills,
    /// [`SkillCluster::rejected_skills`].
    RejectedSkills,
    /// [`SkillCluster::sources`].
    Sources,
}

impl Include {
    /// Every include this version knows (a function, not an array constant, so that a new variant
    /// does not change a public type).
    pub const fn all() -> &'static [Include] {
        &[
            Include::CurrentSkills,
            Include::RelatedSkills,
            Include::RejectedSkills,
            Include::Sources,
        ]
    }

    pub(crate) fn to_generated(self) -> generated::Include {
        match self {
            Include::CurrentSkills => generated::Include::CurrentSkills,
            Include::RelatedSkills => generated::Include::RelatedSkills,
            Include::RejectedSkills => generated::Include::RejectedSkills,
            Include::Sources => generated::Include::Sources,
        }
    }
}

/// A filter on the exported employees; all filters of a request must hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Filter {
    /// Only employees whose active flag is this value.
    IsActive(bool),
    /// Only employees last updated after this date.
    UpdatedAfter(NaiveDate),
    /// Only employees last updated before this date.
    UpdatedBefore(NaiveDate),
}

impl Filter {
    pub(crate) fn to_generated(self) -> generated::Filter {
        use generated::LastUpdatedFilterOperator as Operator;
        use generated::{IsActiveFilter, IsActiveFilterFilter, LastUpdatedFilter, LastUpdatedFilterFilter as Tag};
        let last_updated = |value, operator| {
            generated::Filter::LastUpdatedFilter(LastUpdatedFilter {
                filter: Tag::LastUpdated,
                operator,
                value,
            })
        };
        match self {
            Filter::IsActive(is_active) => generated::Filter::IsActiveFilter(IsActiveFilter {
                filter: IsActiveFilterFilter::IsActive,
                is_active,
            }),
            Filter::UpdatedAfter(date) => last_updated(date, Operator::Gt),
            Filter::UpdatedBefore(date) => last_updated(date, Operator::Lt),
        }
    }
}

/// One page of the export.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct EmployeeSkillClustersPage {
    /// Whether more employees follow this page.
    pub has_next: bool,
    /// The employees of this page, oldest first.
    pub records: Vec<EmployeeSkillClusters>,
    /// Where the next page starts; when absent, after the last record's `external_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_starting_after: Option<String>,
}

impl EmployeeSkillClustersPage {
    /// Converts the generated page. The generated layer cannot tell an absent skill list from an
    /// empty one (it reads both as empty), so the request's includes decide: a list that was asked
    /// for is `Some`, even when empty; one that was not is `None` unless the server sent items anyway.
    pub(crate) fn from_generated(page: generated::ExportResponse, included: &BTreeSet<Include>) -> Self {
        let list = |include: Include, items: Vec<generated::Skill>| {
            (included.contains(&include) || !items.is_empty())
                .then(|| items.into_iter().map(Skill::from_generated).collect())
        };
        let records = page
            .records
            .into_iter()
            .map(|record| EmployeeSkillClusters {
                external_id: record.external_id,
                skill_clusters: record
                    .skill_clusters
                    .into_iter()
                    .map(|cluster| SkillCluster {
                        skill_cluster_id: cluster.skill_cluster_id,
                        skill_cluster_name: cluster.skill_cluster_name,
                        domain_name: cluster.domain_name,
                        proficiency_level: cluster.proficiency_level,
                        validation_state: cluster.validation_state.map(|s| ValidationState::from(s.0)),
                        current_skills: list(Include::CurrentSkills, cluster.current_skills),
                        related_skills: list(Include::RelatedSkills, cluster.related_skills),
                        rejected_skills: list(Include::RejectedSkills, cluster.rejected_skills),
                        sources: (included.contains(&Include::Sources) || !cluster.sources.is_empty()).then(|| {
                            cluster
                                .sources
                                .iter()
                                .map(|s| SkillSource::from(s.0.as_str()))
                                .collect()
                        }),
                    })
                    .collect(),
            })
            .collect();
        Self {
            has_next: page.has_next,
            records,
            next_starting_after: page.next_starting_after.map(String::from),
        }
    }
}

impl Skill {
    fn from_generated(skill: generated::Skill) -> Self {
        Self {
            name: skill.name,
            skill_id: skill.skill_id,
            validation_state: skill.validation_state.map(|s| ValidationState::from(s.0.as_str())),
            skill_sources: skill
                .skill_sources
                .iter()
                .map(|s| SkillSource::from(s.0.as_str()))
                .collect(),
        }
    }
}

impl Page for EmployeeSkillClustersPage {
    type Item = EmployeeSkillClusters;

    /// `next_starting_after` when present, else the last record's `external_id`; an empty token
    /// while `has_next` is true is reported by the page stream as an error, not followed.
    fn continuation(&self) -> Continuation {
        if !self.has_next {
            return Continuation::End;
        }
        let token = self
            .next_starting_after
            .clone()
            .or_else(|| self.records.last().map(|r| r.external_id.clone()));
        Continuation::Next(token.unwrap_or_default())
    }

    fn into_items(self) -> Vec<EmployeeSkillClusters> {
        self.records
    }
}

/// One entry of a TechWolf error body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct ErrorMessage {
    /// A short label, e.g. `400 Bad Request`.
    pub title: String,
    /// What went wrong.
    pub description: String,
}

/// A TechWolf error body: an array of `{title, description}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(transparent)]
#[non_exhaustive]
pub struct TechWolfApiError {
    /// The messages, in the server's order.
    pub errors: Vec<ErrorMessage>,
}

impl TechWolfApiError {
    pub(crate) fn from_generated(list: generated::ErrorList) -> Self {
        Self {
            errors: list
                .0
                .into_iter()
                .map(|e| ErrorMessage {
                    title: e.title,
                    description: e.description,
                })
                .collect(),
        }
    }

    /// Lenient decoding of a raw body (a single object is accepted as a one-entry list).
    pub(crate) fn from_body(body: &[u8]) -> Option<Self> {
        serde_json::from_slice::<Vec<ErrorMessage>>(body)
            .or_else(|_| serde_json::from_slice::<ErrorMessage>(body).map(|one| vec![one]))
            .ok()
            .map(|errors| Self { errors })
    }
}

impl fmt::Display for TechWolfApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let messages: Vec<String> = self
            .errors
            .iter()
            .map(|e| format!("{}: {}", e.title, e.description))
            .collect();
        f.write_str(&messages.join("; "))
    }
}
