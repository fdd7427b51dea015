//! TechWolf's seeded employees and their skill clusters, generated on demand from `(seed, index)`.

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

/// Seeded employees, generated on demand from `(seed, index)`.
#[derive(Debug)]
pub(crate) struct TechwolfData {
    seed: u64,
    codec: IdCodec,
    count: u64,
}

fn day_string(day: i64) -> String {
    chrono::DateTime::from_timestamp(day * 86_400, 0)
        .unwrap_or_default()
        .format("%Y-%m-%d")
        .to_string()
}

impl TechwolfData {
    pub(crate) fn new(seed: u64, count: u64) -> Self {
        Self {
            seed,
            codec: IdCodec::new(seed),
            count,
        }
    }

    pub(crate) fn count(&self) -> u64 {
        self.count
    }

    /// The index of the employee with this `external_id`, if there is one.
    pub(super) fn index_of(&self, external_id: &str) -> Option<u64> {
        self.codec
            .decode_uuid(EMPLOYEE, external_id)
            .filter(|i| *i < self.count)
    }

    pub(crate) fn external_id(&self, i: u64) -> String {
        self.codec.uuid(EMPLOYEE, i)
    }

    pub(super) fn is_active(&self, i: u64) -> bool {
        hash3(self.seed, TAG_ACTIVE, i) % 100 < 85
    }

    pub(super) fn updated_day(&self, i: u64) -> i64 {
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

    pub(crate) fn employee(&self, i: u64) -> Option<Employee> {
        if i >= self.count {
            return None;
        }
        let mut rng = SmallRng::seed_from_u64(hash3(self.seed, TAG_EMPLOYEE, i));
        let n_clusters = match rng.random_range(0..20u32) {
            0 => 0,
            n => 1 + (n % 4) as usize,
        };
        let mut picks: Vec<usize> = (0..CATALOG.len()).collect();
        picks.shuffle(&mut rng);
        let mut clusters = Vec::with_capacity(n_clusters);
        for &c in picks.iter().take(n_clusters) {
            let (name, domain, skills) = CATALOG[c];
            let mut order: Vec<usize> = (0..skills.len()).collect();
            order.shuffle(&mut rng);
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
                &mut rng,
                &["validated", "suggested", "suggested", "rejected", "initially_validated"],
            );
            let related = take(n_related, &mut rng, &["suggested"]);
            let rejected = take(n_rejected, &mut rng, &["rejected"]);
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
            clusters.push(SkillCluster {
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
            });
        }
        Some(Employee {
            index: i,
            external_id: self.external_id(i),
            is_active: self.is_active(i),
            last_updated: day_string(self.updated_day(i)),
            skill_clusters: clusters,
        })
    }
}
