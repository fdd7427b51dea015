//! TechWolf's public types: employees' skill clusters, filters, includes and error bodies.

use std::collections::BTreeSet;

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

crate::id::string_id!(
    /// The id a TechWolf employee is exported under (`external_id`: the HR system's employee id),
    /// not a Kombo staffing entity id.
    EmployeeId
);

/// One employee and their skill clusters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct EmployeeSkillClusters {
    /// The employee's identifier in the customer's systems.
    pub external_id: EmployeeId,
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

    /// The include's name on the wire, e.g. `current_skills`.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Include::CurrentSkills => "current_skills",
            Include::RelatedSkills => "related_skills",
            Include::RejectedSkills => "rejected_skills",
            Include::Sources => "sources",
        }
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
    /// Makes the skill lists say what the request asked for, in place: a list that was included is
    /// `Some`, even when the server left it out; one that was not is `None` unless the server sent
    /// items anyway (an empty list nobody asked for says nothing).
    pub(crate) fn settle_includes(&mut self, included: &BTreeSet<Include>) {
        fn settle<T>(list: &mut Option<Vec<T>>, included: bool) {
            match list {
                None if included => *list = Some(Vec::new()),
                Some(items) if !included && items.is_empty() => *list = None,
                _ => {}
            }
        }
        let [current, related, rejected, sources] = [
            Include::CurrentSkills,
            Include::RelatedSkills,
            Include::RejectedSkills,
            Include::Sources,
        ]
        .map(|include| included.contains(&include));
        for cluster in self.records.iter_mut().flat_map(|record| &mut record.skill_clusters) {
            settle(&mut cluster.current_skills, current);
            settle(&mut cluster.related_skills, related);
            settle(&mut cluster.rejected_skills, rejected);
            settle(&mut cluster.sources, sources);
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
            .or_else(|| self.records.last().map(|r| r.external_id.as_str().to_owned()));
        Continuation::Next(token.unwrap_or_default())
    }

    fn into_items(self) -> Vec<EmployeeSkillClusters> {
        self.records
    }
}
