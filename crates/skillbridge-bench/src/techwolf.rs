//! The TechWolf export contenders: hand-written (a), the generated client (b) and skillbridge's
//! `items()` and `pages()`, each tallied by one fold.

use std::num::NonZeroU64;

use futures::TryStreamExt;
use serde::Deserialize;
use skillbridge::techwolf::{EmployeeSkillClusters, Include, TechWolf};
use skillbridge_openapi::RequestContext;
use skillbridge_openapi::techwolf::{Client as GeneratedTechWolf, types as tw};

use crate::sizes::{MAX_PAGES, TECHWOLF_LIMIT};
use crate::tally::Tally;

/// The includes of scenario 2: every one.
pub const ALL_INCLUDES: [&str; 4] = ["current_skills", "related_skills", "rejected_skills", "sources"];

#[derive(Deserialize)]
pub(crate) struct RawToken {
    pub(crate) access_token: String,
}

/// The hand-written TechWolf contender: reqwest + serde_json into plain structs.
#[derive(Debug, Clone)]
pub struct RawTechWolf {
    pub(crate) http: reqwest::Client,
    pub(crate) url: String,
    pub(crate) token: String,
}

#[derive(Deserialize)]
struct RawExportPage {
    has_next: bool,
    records: Vec<RawEmployee>,
    next_starting_after: Option<String>,
}

#[derive(Deserialize)]
struct RawEmployee {
    external_id: String,
    skill_clusters: Vec<RawCluster>,
}

/// The fields the client decodes, with plain types (strings for the enums).
#[derive(Deserialize)]
struct RawCluster {
    #[allow(dead_code, reason = "decoded like the client does, not needed for the tally")]
    skill_cluster_id: uuid::Uuid,
    skill_cluster_name: String,
    #[allow(dead_code, reason = "decoded like the client does, not needed for the tally")]
    domain_name: String,
    proficiency_level: i64,
    validation_state: Option<String>,
    current_skills: Option<Vec<RawSkill>>,
    related_skills: Option<Vec<RawSkill>>,
    rejected_skills: Option<Vec<RawSkill>>,
    sources: Option<Vec<String>>,
}

#[derive(Deserialize)]
struct RawSkill {
    name: String,
    #[allow(dead_code, reason = "decoded like the client does, not needed for the tally")]
    skill_id: uuid::Uuid,
    validation_state: Option<String>,
    #[serde(default)]
    skill_sources: Vec<String>,
}

/// One number per cluster from the fields every contender decodes.
#[allow(
    clippy::too_many_arguments,
    reason = "one argument per field keeps the contenders' sums alike"
)]
fn cluster_sum(
    name: &str,
    level: i64,
    validated: bool,
    current: Option<(usize, usize)>,
    related: Option<(usize, usize)>,
    rejected: Option<(usize, usize)>,
    sources: Option<usize>,
) -> u64 {
    let list = |l: Option<(usize, usize)>, k: u64| l.map_or(0, |(n, extra)| (n as u64 + 1) * k + extra as u64);
    name.len() as u64
        + level.unsigned_abs() * 3
        + u64::from(validated) * 5
        + list(current, 7)
        + list(related, 11)
        + list(rejected, 13)
        + sources.map_or(0, |n| n as u64 + 1) * 17
}

/// A list as a contender decodes it: the client's and (a)'s are optional, the generated client's
/// always present (every list was asked for, so an empty one counts as present, as the public
/// types say).
trait Listed<T> {
    /// The list, if present.
    fn listed(&self) -> Option<&[T]>;
}

impl<T> Listed<T> for Option<Vec<T>> {
    fn listed(&self) -> Option<&[T]> {
        self.as_deref()
    }
}

impl<T> Listed<T> for Vec<T> {
    fn listed(&self) -> Option<&[T]> {
        Some(self)
    }
}

/// What the tally reads of one skill, whichever contender decoded it.
trait SkillWeight {
    /// A number from the skill's name, sources and validation state.
    fn weight(&self) -> usize;
}

/// The three skill types (the client's, the generated one, (a)'s) have the same field names but
/// no common trait: the one body is written once here.
macro_rules! skill_weight {
    ($($skill:ty),*) => {$(
        impl SkillWeight for $skill {
            fn weight(&self) -> usize {
                self.name.len() + self.skill_sources.len() + usize::from(self.validation_state.is_some())
            }
        }
    )*};
}

skill_weight!(skillbridge::techwolf::Skill, tw::Skill, RawSkill);

/// A skill list's length and weight, if the list is present.
fn skills<S: SkillWeight>(list: Option<&[S]>) -> Option<(usize, usize)> {
    list.map(|l| (l.len(), l.iter().map(SkillWeight::weight).sum()))
}

/// The one fold over an employee's clusters, for each contender's cluster type: the types share
/// their field names, not a trait, so this is a macro rather than a generic function.
macro_rules! clusters_sum {
    ($clusters:expr) => {
        $clusters
            .iter()
            .map(|c| {
                cluster_sum(
                    &c.skill_cluster_name,
                    c.proficiency_level,
                    c.validation_state.is_some(),
                    skills(c.current_skills.listed()),
                    skills(c.related_skills.listed()),
                    skills(c.rejected_skills.listed()),
                    c.sources.listed().map(<[_]>::len),
                )
            })
            .fold(0_u64, u64::wrapping_add)
    };
}

impl Tally {
    fn employee(&mut self, id: &str, clusters: u64) {
        self.records += 1;
        self.checksum = self.checksum.wrapping_mul(31).wrapping_add(id.len() as u64 + clusters);
    }

    /// Adds a TechWolf employee as the client returns it.
    pub fn techwolf(&mut self, employee: &EmployeeSkillClusters) {
        self.employee(employee.external_id.as_str(), clusters_sum!(employee.skill_clusters));
    }

    fn generated_techwolf(&mut self, employee: &tw::EmployeeSkillClusters) {
        self.employee(&employee.external_id, clusters_sum!(employee.skill_clusters));
    }

    fn raw_techwolf(&mut self, employee: &RawEmployee) {
        self.employee(&employee.external_id, clusters_sum!(employee.skill_clusters));
    }
}

impl RawTechWolf {
    /// The generated TechWolf client, used directly, with this contender's token.
    pub fn generated(&self, base_url: &str) -> GeneratedTechWolf {
        let context = RequestContext::bearer(&self.token).expect("valid token");
        GeneratedTechWolf::new_with_client(base_url, self.http.clone(), context)
    }

    fn request(&self, after: Option<&str>) -> reqwest::RequestBuilder {
        let mut body = serde_json::json!({"limit": TECHWOLF_LIMIT, "include": ALL_INCLUDES});
        if let Some(after) = after {
            body["starting_after"] = serde_json::Value::from(after);
        }
        self.http.post(&self.url).bearer_auth(&self.token).json(&body)
    }

    /// Every employee, page by page, continuing after `next_starting_after` (or the last record).
    pub async fn export(&self) -> Tally {
        let mut tally = Tally::default();
        let mut after: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let response = self
                .request(after.as_deref())
                .send()
                .await
                .expect("sent")
                .error_for_status()
                .expect("200");
            let bytes = response.bytes().await.expect("body");
            let page: RawExportPage = serde_json::from_slice(&bytes).expect("decodes");
            for employee in &page.records {
                tally.raw_techwolf(employee);
            }
            if !page.has_next {
                return tally;
            }
            after = page
                .next_starting_after
                .or_else(|| page.records.last().map(|e| e.external_id.clone()));
        }
        panic!("more than {MAX_PAGES} pages");
    }

    /// The same loop decoding each page straight into skillbridge's public types: what `items()`
    /// would cost without the conversion from the generated types (the closing note's proposal).
    pub async fn export_into_public_types(&self) -> Tally {
        let mut tally = Tally::default();
        let mut after: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let response = self
                .request(after.as_deref())
                .send()
                .await
                .expect("sent")
                .error_for_status()
                .expect("200");
            let bytes = response.bytes().await.expect("body");
            let page: skillbridge::techwolf::EmployeeSkillClustersPage =
                serde_json::from_slice(&bytes).expect("decodes");
            for employee in &page.records {
                tally.techwolf(employee);
            }
            if !page.has_next {
                return tally;
            }
            after = page
                .next_starting_after
                .or_else(|| page.records.last().map(|e| e.external_id.as_str().to_owned()));
        }
        panic!("more than {MAX_PAGES} pages");
    }

    /// The raw bytes of the first page (the decoding scenario's input).
    pub async fn first_page(&self) -> Vec<u8> {
        self.request(None)
            .send()
            .await
            .expect("sent")
            .error_for_status()
            .expect("200")
            .bytes()
            .await
            .expect("body")
            .to_vec()
    }
}

/// Decodes a TechWolf page into contender (a)'s plain structs; returns the employee count.
pub fn decode_plain_techwolf(body: &[u8]) -> usize {
    serde_json::from_slice::<RawExportPage>(body)
        .expect("decodes")
        .records
        .len()
}

/// Contender (b) of the TechWolf export: the generated client used directly, with the same loop.
pub async fn generated_techwolf_export(client: &GeneratedTechWolf) -> Tally {
    let mut tally = Tally::default();
    let mut after: Option<tw::ExportRequestStartingAfter> = None;
    let include = vec![
        tw::Include::CurrentSkills,
        tw::Include::RelatedSkills,
        tw::Include::RejectedSkills,
        tw::Include::Sources,
    ];
    let limit = NonZeroU64::new(u64::from(TECHWOLF_LIMIT)).expect("non-zero");
    for _ in 0..MAX_PAGES {
        let body = tw::ExportRequest {
            filters: Vec::new(),
            include: include.clone(),
            limit,
            starting_after: after.take(),
        };
        let page = client
            .export_employee_skill_clusters()
            .body(body)
            .send()
            .await
            .expect("200")
            .into_inner();
        for employee in &page.records {
            tally.generated_techwolf(employee);
        }
        if !page.has_next {
            return tally;
        }
        let next = page
            .next_starting_after
            .map(|n| n.to_string())
            .or_else(|| page.records.last().map(|e| e.external_id.clone()))
            .expect("a continuation");
        after = Some(next.parse().expect("a valid starting_after"));
    }
    panic!("more than {MAX_PAGES} pages");
}

/// The TechWolf contender under test: `items()` with every include, 100 per page, `read_ahead`
/// pages requested ahead.
pub async fn techwolf_items(techwolf: &TechWolf, read_ahead: usize) -> Tally {
    techwolf
        .employee_skill_clusters()
        .include(Include::all())
        .limit(TECHWOLF_LIMIT)
        .read_ahead(read_ahead)
        .items()
        .try_fold(Tally::default(), |mut tally, employee| async move {
            tally.techwolf(&employee);
            Ok(tally)
        })
        .await
        .expect("every page")
}

/// TechWolf `pages()` with every include: `items()` without its per-employee stream.
pub async fn techwolf_pages(techwolf: &TechWolf) -> Tally {
    techwolf
        .employee_skill_clusters()
        .include(Include::all())
        .limit(TECHWOLF_LIMIT)
        .pages()
        .try_fold(Tally::default(), |mut tally, page| async move {
            for employee in &page.records {
                tally.techwolf(employee);
            }
            Ok(tally)
        })
        .await
        .expect("every page")
}
