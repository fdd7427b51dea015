//! TechWolf's seeded employees and their skill clusters, generated on demand from `(seed, index)`,
//! and the edits tests make to them (kept as an overlay, so memory grows with edits only).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};

use rand::rngs::SmallRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use serde::Serialize;

use crate::ids::{IdCodec, IdKind, hash3, uuid_from_hash};

/// The id kind of an employee's `external_id`.
const EMPLOYEE: IdKind = IdKind::new(5);

const TAG_EMPLOYEE: u64 = 201;
const TAG_ACTIVE: u64 = 202;
const TAG_UPDATED: u64 = 203;
const TAG_CLUSTER_ID: u64 = 204;
const TAG_SKILL_ID: u64 = 205;
const TAG_VERSION: u64 = 206;
const TAG_NUDGE: u64 = 207;

/// 2024-01-01 as days since the Unix epoch; `last_updated` dates fall in the 900 days after it.
const UPDATED_START_DAY: i64 = 19_723;
const UPDATED_SPAN_DAYS: u64 = 900;

/// The skill sources TechWolf documents.
const SOURCES: [&str; 5] = [
    "working_history",
    "resume_document",
    "education_history",
    "learning",
    "project",
];

/// (cluster name, domain, skills): the catalog employees' clusters are drawn from.
const CATALOG: &[(&str, &str, &[&str])] = &[
    (
        "DevOps",
        "Computer Science",
        &["Git", "Jenkins", "Kubernetes", "Helm", "Terraform", "Docker", "Ansible"],
    ),
    (
        "Programming Languages",
        "Computer Science",
        &[
            "Python",
            "Java",
            "Rust",
            "Go",
            "TypeScript",
            "Django",
            "Spring Framework",
        ],
    ),
    (
        "Data Engineering",
        "Computer Science",
        &["SQL", "Apache Spark", "Airflow", "dbt", "Kafka", "Snowflake"],
    ),
    (
        "Machine Learning",
        "Computer Science",
        &[
            "PyTorch",
            "scikit-learn",
            "Feature Engineering",
            "MLOps",
            "NLP",
            "Computer Vision",
        ],
    ),
    (
        "Cloud Platforms",
        "Computer Science",
        &["AWS", "Azure", "Google Cloud", "Serverless", "IAM", "Cost Optimisation"],
    ),
    (
        "Financial accounting",
        "Finance",
        &[
            "Balance Sheet",
            "IFRS",
            "US GAAP",
            "Reconciliation",
            "Accruals",
            "Audit Preparation",
        ],
    ),
    (
        "Financial Planning",
        "Finance",
        &[
            "Budgeting",
            "Forecasting",
            "Variance Analysis",
            "Financial Modelling",
            "Excel",
        ],
    ),
    (
        "Talent Acquisition",
        "Human Resources",
        &[
            "Sourcing",
            "Interviewing",
            "Employer Branding",
            "ATS Administration",
            "Onboarding",
        ],
    ),
    (
        "People Analytics",
        "Human Resources",
        &[
            "HR Metrics",
            "Survey Design",
            "Workforce Planning",
            "Power BI",
            "Attrition Modelling",
        ],
    ),
    (
        "Sales",
        "Commercial",
        &[
            "Negotiation",
            "Prospecting",
            "CRM",
            "Account Management",
            "Pipeline Management",
            "Salesforce",
        ],
    ),
    (
        "Marketing",
        "Commercial",
        &[
            "SEO",
            "Content Marketing",
            "Marketing Automation",
            "Copywriting",
            "Google Analytics",
        ],
    ),
    (
        "Project Management",
        "Management",
        &[
            "Agile",
            "Scrum",
            "Stakeholder Management",
            "Risk Management",
            "Jira",
            "PRINCE2",
        ],
    ),
    (
        "Leadership",
        "Management",
        &[
            "Coaching",
            "Delegation",
            "Conflict Resolution",
            "Strategic Thinking",
            "Change Management",
        ],
    ),
    (
        "Supply Chain",
        "Operations",
        &[
            "Procurement",
            "Inventory Management",
            "Logistics",
            "SAP",
            "Demand Planning",
            "Lean",
        ],
    ),
    (
        "Customer Support",
        "Operations",
        &[
            "Ticketing",
            "Zendesk",
            "Escalation Handling",
            "Knowledge Base Writing",
            "Empathy",
        ],
    ),
    (
        "Legal Compliance",
        "Legal",
        &[
            "GDPR",
            "Contract Review",
            "Employment Law",
            "Policy Writing",
            "Due Diligence",
        ],
    ),
];

/// Every skill name employees' clusters hold, with its cluster: the vocabulary the composition
/// point hands other vendors' seeded data, so that their skills join with these by name.
pub(crate) fn skill_vocabulary() -> Vec<(&'static str, &'static str)> {
    CATALOG
        .iter()
        .flat_map(|(cluster, _, skills)| skills.iter().map(move |skill| (*skill, *cluster)))
        .collect()
}

/// One skill of a cluster.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Skill {
    /// Skill name.
    pub name: String,
    /// Skill UUID.
    pub skill_id: String,
    /// `validated`, `suggested`, `rejected` or `initially_validated`.
    pub validation_state: String,
    /// Where it was inferred from; may be empty.
    pub skill_sources: Vec<String>,
}

/// One skill cluster of an employee, with every optional part present.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct SkillCluster {
    /// Cluster UUID.
    pub skill_cluster_id: String,
    /// Cluster name.
    pub skill_cluster_name: String,
    /// Domain name.
    pub domain_name: String,
    /// 1..=5.
    pub proficiency_level: u8,
    /// Absent on some clusters, as in TechWolf's example.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub validation_state: Option<String>,
    /// Sent when `current_skills` is included.
    pub current_skills: Vec<Skill>,
    /// Sent when `related_skills` is included.
    pub related_skills: Vec<Skill>,
    /// Sent when `rejected_skills` is included.
    pub rejected_skills: Vec<Skill>,
    /// Sent when `sources` is included.
    pub sources: Vec<String>,
}

/// A seeded TechWolf employee, for assertions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Employee {
    /// Position in creation order (the export's order).
    #[serde(skip)]
    pub index: u64,
    /// The employee's id, UUID-shaped.
    pub external_id: String,
    /// What the `is_active` filter tests (not in the response).
    #[serde(skip)]
    pub is_active: bool,
    /// What the `last_updated` filter compares, `YYYY-MM-DD` (not in the response).
    #[serde(skip)]
    pub last_updated: String,
    /// The clusters, 0 to 4 of them.
    pub skill_clusters: Vec<SkillCluster>,
}

/// How a test changed an employee: its clusters are generated again at `version` (seeded ones
/// are version 0), `nudged` when that draw happened to equal the clusters it replaced.
#[derive(Clone, Copy, Debug)]
struct Change {
    version: u64,
    nudged: bool,
    /// The new `last_updated`, as days since the Unix epoch.
    day: i64,
}

/// What tests changed, by index; everything else is computed from `(seed, index)`.
#[derive(Debug, Default)]
pub(super) struct Edits {
    /// Employees no longer exported; their indices keep their place, so an `external_id` a client
    /// already holds still says where to continue.
    removed: HashSet<u64>,
    changed: HashMap<u64, Change>,
    /// Employees appended after the seeded ones, counted from `count`.
    added: u64,
    /// The day each batch of added employees was added, by the index of its first employee.
    added_on: BTreeMap<u64, i64>,
}

/// Seeded employees, generated on demand from `(seed, index)`, with the tests' edits on top.
#[derive(Debug)]
pub(crate) struct TechwolfData {
    seed: u64,
    codec: IdCodec,
    /// Seeded employees; added ones follow them in the export order.
    count: u64,
    edits: RwLock<Edits>,
}

fn day_string(day: i64) -> String {
    chrono::DateTime::from_timestamp(day * 86_400, 0)
        .unwrap_or_default()
        .format("%Y-%m-%d")
        .to_string()
}

/// Today (UTC, wall clock) as days since the Unix epoch.
fn today() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs() / 86_400).unwrap_or(i64::MAX))
        .unwrap_or_default()
}

impl TechwolfData {
    pub(crate) fn new(seed: u64, count: u64) -> Self {
        Self {
            seed,
            codec: IdCodec::new(seed),
            count,
            edits: RwLock::new(Edits::default()),
        }
    }

    pub(super) fn read(&self) -> RwLockReadGuard<'_, Edits> {
        self.edits.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self) -> RwLockWriteGuard<'_, Edits> {
        self.edits.write().unwrap_or_else(|e| e.into_inner())
    }

    /// Every index ever issued: the seeded employees and the added ones, removed ones included.
    fn issued(&self, edits: &Edits) -> u64 {
        self.count.saturating_add(edits.added)
    }

    /// Employees an unfiltered export returns now.
    pub(crate) fn count(&self) -> u64 {
        let edits = self.read();
        self.issued(&edits) - edits.removed.len() as u64
    }

    /// Indices issued so far, removed employees' included: every current employee's is below.
    pub(crate) fn issued_count(&self) -> u64 {
        self.issued(&self.read())
    }

    /// The index of the employee with this `external_id`, if it was ever issued (removed
    /// employees included, so that `starting_after` one of them continues after its place).
    pub(super) fn index_of(&self, external_id: &str) -> Option<u64> {
        let issued = self.issued(&self.read());
        self.codec.decode_uuid(EMPLOYEE, external_id).filter(|i| *i < issued)
    }

    /// The index of a current (not removed) employee with this `external_id`.
    fn current_index(&self, edits: &Edits, external_id: &str) -> Option<u64> {
        self.codec
            .decode_uuid(EMPLOYEE, external_id)
            .filter(|i| *i < self.issued(edits) && !edits.removed.contains(i))
    }

    pub(crate) fn external_id(&self, i: u64) -> String {
        self.codec.uuid(EMPLOYEE, i)
    }

    pub(super) fn is_active(&self, i: u64) -> bool {
        hash3(self.seed, TAG_ACTIVE, i) % 100 < 85
    }

    /// `last_updated` as days since the Unix epoch: the day of the last change or of the
    /// addition, else the seeded day.
    pub(super) fn updated_day(&self, edits: &Edits, i: u64) -> i64 {
        if let Some(change) = edits.changed.get(&i) {
            return change.day;
        }
        if i >= self.count
            && let Some((_, day)) = edits.added_on.range(..=i).next_back()
        {
            return *day;
        }
        UPDATED_START_DAY + (hash3(self.seed, TAG_UPDATED, i) % UPDATED_SPAN_DAYS) as i64
    }

    fn skill(&self, rng: &mut SmallRng, cluster: usize, skill: usize, state: &str) -> Skill {
        let name = CATALOG
            .get(cluster)
            .and_then(|c| c.2.get(skill))
            .copied()
            .unwrap_or("Unknown");
        let key = (cluster * 64 + skill) as u64;
        let n_sources = rng.random_range(0..=3usize);
        let mut sources: Vec<String> = SOURCES.iter().map(|s| (*s).to_owned()).collect();
        sources.shuffle(rng);
        sources.truncate(n_sources);
        Skill {
            name: name.to_owned(),
            skill_id: uuid_from_hash(
                hash3(self.seed, TAG_SKILL_ID, key),
                hash3(self.seed, TAG_SKILL_ID ^ 1, key),
            ),
            validation_state: state.to_owned(),
            skill_sources: sources,
        }
    }

    /// The employee at `i` as exported now; `None` if removed or never issued.
    pub(crate) fn employee(&self, i: u64) -> Option<Employee> {
        self.employee_in(&self.read(), i)
    }

    /// The current employee with this `external_id`.
    pub(crate) fn employee_by_id(&self, external_id: &str) -> Option<Employee> {
        let edits = self.read();
        let i = self.current_index(&edits, external_id)?;
        self.employee_in(&edits, i)
    }

    pub(super) fn employee_in(&self, edits: &Edits, i: u64) -> Option<Employee> {
        if i >= self.issued(edits) || edits.removed.contains(&i) {
            return None;
        }
        let change = edits.changed.get(&i);
        Some(Employee {
            index: i,
            external_id: self.external_id(i),
            is_active: self.is_active(i),
            last_updated: day_string(self.updated_day(edits, i)),
            skill_clusters: self.clusters(i, change.map_or(0, |c| c.version), change.is_some_and(|c| c.nudged)),
        })
    }

    /// The employee's clusters at `version` (0: as seeded). `nudged` changes them for sure: the
    /// first cluster's level moves up by one (5 wraps to 1), or a cluster is added to none.
    fn clusters(&self, i: u64, version: u64, nudged: bool) -> Vec<SkillCluster> {
        let rng_seed = match version {
            0 => hash3(self.seed, TAG_EMPLOYEE, i),
            v => hash3(hash3(self.seed, TAG_VERSION, v), TAG_EMPLOYEE, i),
        };
        let mut rng = SmallRng::seed_from_u64(rng_seed);
        let n_clusters = match rng.random_range(0..20u32) {
            0 => 0,
            n => 1 + (n % 4) as usize,
        };
        let mut picks: Vec<usize> = (0..CATALOG.len()).collect();
        picks.shuffle(&mut rng);
        let mut clusters: Vec<SkillCluster> = picks
            .iter()
            .take(n_clusters)
            .map(|&c| self.cluster(&mut rng, c))
            .collect();
        if nudged {
            match clusters.first_mut() {
                Some(first) => first.proficiency_level = first.proficiency_level % 5 + 1,
                None => {
                    let mut rng = SmallRng::seed_from_u64(hash3(self.seed, TAG_NUDGE, i));
                    let c = rng.random_range(0..CATALOG.len());
                    clusters.push(self.cluster(&mut rng, c));
                }
            }
        }
        clusters
    }

    /// Cluster `c` of the catalog, its skills, states and level drawn from `rng`.
    fn cluster(&self, rng: &mut SmallRng, c: usize) -> SkillCluster {
        let (name, domain, skills) = CATALOG[c];
        let mut order: Vec<usize> = (0..skills.len()).collect();
        order.shuffle(rng);
        let n_current = rng.random_range(1..=3usize);
        let n_related = rng.random_range(0..=2usize);
        let n_rejected = rng.random_range(0..=1usize);
        let mut next = order.into_iter();
        let mut take = |n: usize, rng: &mut SmallRng, states: &[&str]| -> Vec<Skill> {
            next.by_ref()
                .take(n)
                .collect::<Vec<_>>()
                .into_iter()
                .map(|s| {
                    let state = states[rng.random_range(0..states.len())];
                    self.skill(rng, c, s, state)
                })
                .collect()
        };
        let current = take(
            n_current,
            rng,
            &["validated", "suggested", "suggested", "rejected", "initially_validated"],
        );
        let related = take(n_related, rng, &["suggested"]);
        let rejected = take(n_rejected, rng, &["rejected"]);
        let mut sources: Vec<String> = Vec::new();
        for s in current.iter().chain(&related).flat_map(|s| &s.skill_sources) {
            if !sources.contains(s) {
                sources.push(s.clone());
            }
        }
        let validation_state = match rng.random_range(0..8u32) {
            0 | 1 => None,
            2..=4 => Some("validated"),
            5 | 6 => Some("suggested"),
            _ => Some("rejected"),
        };
        SkillCluster {
            skill_cluster_id: uuid_from_hash(
                hash3(self.seed, TAG_CLUSTER_ID, c as u64),
                hash3(self.seed, TAG_CLUSTER_ID ^ 1, c as u64),
            ),
            skill_cluster_name: name.to_owned(),
            domain_name: domain.to_owned(),
            proficiency_level: rng.random_range(1..=5u8),
            validation_state: validation_state.map(str::to_owned),
            current_skills: current,
            related_skills: related,
            rejected_skills: rejected,
            sources,
        }
    }

    /// Removes the current employee with this `external_id` from exports; `false` if there is
    /// none (unknown, or removed already).
    pub(crate) fn remove(&self, external_id: &str) -> bool {
        let mut edits = self.write();
        let Some(i) = self.current_index(&edits, external_id) else {
            return false;
        };
        // A removed employee never comes back, so its change no longer matters.
        edits.changed.remove(&i);
        edits.removed.insert(i)
    }

    /// Gives the current employee with this `external_id` other clusters and today as
    /// `last_updated` (never an earlier day than it had); `false` if there is no such employee.
    pub(crate) fn change(&self, external_id: &str) -> bool {
        let mut edits = self.write();
        let Some(i) = self.current_index(&edits, external_id) else {
            return false;
        };
        let (before, day_before) = match self.employee_in(&edits, i) {
            Some(e) => (e.skill_clusters, self.updated_day(&edits, i)),
            None => return false,
        };
        let version = edits.changed.get(&i).map_or(0, |c| c.version).saturating_add(1);
        // A fresh draw can equal what it replaces (two employees without clusters, say): then
        // it is nudged, which makes it differ for sure.
        let nudged = self.clusters(i, version, false) == before;
        edits.changed.insert(
            i,
            Change {
                version,
                nudged,
                day: today().max(day_before),
            },
        );
        true
    }

    /// Appends `n` employees to the export order, generated from their indices as seeded ones
    /// are, with today as `last_updated`.
    pub(crate) fn add(&self, n: u64) {
        if n == 0 {
            return;
        }
        let mut edits = self.write();
        let first = self.issued(&edits);
        edits.added_on.insert(first, today());
        edits.added = edits.added.saturating_add(n);
    }

    /// The page of an export: up to `limit` current employees after index `start - 1` that
    /// `keep(is_active, last_updated day)` accepts, and whether more follow. One read of the
    /// edits, so a page never mixes two states of the data.
    pub(super) fn page(&self, start: u64, limit: usize, keep: impl Fn(bool, i64) -> bool) -> (Vec<Employee>, bool) {
        let edits = self.read();
        let mut employees = Vec::with_capacity(limit);
        for i in start..self.issued(&edits) {
            if edits.removed.contains(&i) || !keep(self.is_active(i), self.updated_day(&edits, i)) {
                continue;
            }
            if employees.len() == limit {
                return (employees, true);
            }
            if let Some(e) = self.employee_in(&edits, i) {
                employees.push(e);
            }
        }
        (employees, false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nudge_always_changes_the_clusters() {
        let data = TechwolfData::new(5, 0);
        let mut without_clusters = 0;
        for i in 0..400 {
            let drawn = data.clusters(i, 1, false);
            let nudged = data.clusters(i, 1, true);
            assert_ne!(drawn, nudged, "employee {i}");
            if drawn.is_empty() {
                without_clusters += 1;
                assert_eq!(nudged.len(), 1, "a cluster is added to none");
            } else {
                assert_eq!(nudged[1..], drawn[1..], "only the first cluster's level moves");
            }
        }
        assert!(without_clusters > 0, "the empty case ran");
    }

    #[test]
    fn a_change_always_gives_other_clusters_and_a_later_day() {
        let data = TechwolfData::new(5, 200);
        for round in 0..3 {
            for i in 0..200 {
                let before = data.employee(i).expect("employee");
                assert!(data.change(&before.external_id));
                let after = data.employee(i).expect("employee");
                assert_ne!(
                    after.skill_clusters, before.skill_clusters,
                    "employee {i}, round {round}"
                );
                assert_eq!(
                    (&after.external_id, after.is_active),
                    (&before.external_id, before.is_active)
                );
                // Today, or the day it had if that is later (ISO dates compare as strings).
                assert_eq!(after.last_updated, day_string(today()).max(before.last_updated));
            }
        }
        assert_eq!(data.read().changed.len(), 200, "one entry per changed employee");
    }

    #[test]
    fn a_redraw_equal_to_the_clusters_it_replaces_is_nudged() {
        // An employee seeded without clusters whose first redraw has none either.
        let data = TechwolfData::new(5, 100_000);
        let i = (0..100_000)
            .find(|&i| data.clusters(i, 0, false).is_empty() && data.clusters(i, 1, false).is_empty())
            .expect("one in 400 employees is such");
        assert!(data.change(&data.external_id(i)));
        assert!(data.read().changed[&i].nudged);
        assert_eq!(data.employee(i).expect("employee").skill_clusters.len(), 1);
    }

    #[test]
    fn removed_employees_keep_their_place_and_added_ones_follow() {
        let data = TechwolfData::new(5, 10);
        let gone = data.external_id(3);
        assert!(data.remove(&gone));
        assert!(!data.remove(&gone), "removed already");
        assert!(!data.change(&gone), "a removed employee cannot change");
        assert!(!data.remove("not-an-employee") && !data.change("not-an-employee"));
        assert_eq!(
            (data.count(), data.employee(3), data.employee_by_id(&gone)),
            (9, None, None)
        );
        assert_eq!(data.index_of(&gone), Some(3), "starting_after it still has a place");

        assert!(data.remove(&data.external_id(9)));
        let (page, more) = data.page(0, 8, |_, _| true);
        assert_eq!((page.len(), more), (8, false), "only removed employees follow the last");
        data.add(0);
        assert_eq!(data.index_of(&data.external_id(10)), None, "not issued yet");
        data.add(1_000_000);
        assert_eq!((data.count(), data.issued_count()), (1_000_008, 1_000_010));
        let last = data.employee(1_000_009).expect("the last added");
        assert_eq!(data.employee_by_id(&last.external_id).as_ref(), Some(&last));
        assert_eq!(last.last_updated, day_string(today()));
        assert_eq!(data.employee(1_000_010), None);
        {
            let edits = data.read();
            assert_eq!(
                (edits.removed.len(), edits.added_on.len()),
                (2, 1),
                "memory grows with edits, not with n"
            );
        }

        let (page, more) = data.page(3, 2, |_, _| true);
        let indices: Vec<u64> = page.iter().map(|e| e.index).collect();
        assert_eq!((indices, more), (vec![4, 5], true), "the removed employee is skipped");
        let (page, more) = data.page(1_000_009, 2, |_, _| true);
        assert_eq!((page.len(), more), (1, false));
    }
}
