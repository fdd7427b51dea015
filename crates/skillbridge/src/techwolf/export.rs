//! `POST /export/employees/skill_clusters`: the request builder, its page streams, and the
//! request for one page (with the token it needs, refreshed once after a `401`).

use std::collections::BTreeSet;
use std::sync::Arc;

use futures_util::stream::Stream;
use skillbridge_openapi::techwolf::{Client as GeneratedClient, types as generated};

use super::client::{TechWolf, VENDOR};
use super::error::TechWolfErrors;
use super::model::{EmployeeId, EmployeeSkillClusters, EmployeeSkillClustersPage, Filter, Include};
use crate::config::{self, CallOptions};
use crate::error::{Error, Result};
use crate::pagination::{self, Listing, PageSource};
use crate::response::{Received, Response};
use crate::send::send;

/// The export's operation name, as in TechWolf's spec (errors and traces name it).
pub(super) const EXPORT_OPERATION: &str = "export_employee_skill_clusters";

/// The largest page TechWolf serves, and the default.
pub const MAX_LIMIT: u32 = 100;

/// The longest `starting_after` TechWolf accepts.
pub const MAX_STARTING_AFTER_LEN: usize = 100;

/// An export of employees' skill clusters, built from [`TechWolf::employee_skill_clusters`].
///
/// Employees come oldest first. An invalid input (a limit outside 1..=100, an empty or over-long
/// `starting_after`) makes [`send`](Self::send) fail, and the streams yield that error first,
/// before any request.
///
/// ```no_run
/// # async fn run(techwolf: skillbridge::techwolf::TechWolf) -> skillbridge::Result<()> {
/// use futures::TryStreamExt;
/// use skillbridge::techwolf::{Filter, Include};
///
/// let mut employees = techwolf
///     .employee_skill_clusters()
///     .filter(Filter::IsActive(true))
///     .include([Include::CurrentSkills, Include::RelatedSkills, Include::Sources])
///     .limit(100)
///     .items();
/// while let Some(employee) = employees.try_next().await? {
///     println!("{}: {} clusters", employee.external_id, employee.skill_clusters.len());
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
#[must_use = "an export does nothing until sent or streamed"]
pub struct ExportEmployeeSkillClusters {
    client: TechWolf,
    filters: Vec<Filter>,
    include: BTreeSet<Include>,
    limit: u32,
    listing: Listing,
}

/// The parts of a request that stay the same on every page.
#[derive(Debug)]
struct Query {
    filters: Vec<generated::Filter>,
    include: BTreeSet<Include>,
    limit: std::num::NonZeroU64,
}

impl Query {
    /// The generated request body for the page after `starting_after`.
    fn body(&self, starting_after: Option<&str>) -> Result<generated::ExportRequest> {
        let starting_after = starting_after
            .map(|token| {
                token.parse::<generated::ExportRequestStartingAfter>().map_err(|e| {
                    Error::invalid(
                        "starting_after",
                        format!("{e} (a continuation token the server returned)"),
                    )
                })
            })
            .transpose()?;
        Ok(generated::ExportRequest {
            filters: self.filters.clone(),
            include: self.include.iter().map(|i| i.to_generated()).collect(),
            limit: self.limit,
            starting_after,
        })
    }
}

impl TechWolf {
    /// An export of employees' skill clusters; add filters and includes, then
    /// [`send`](ExportEmployeeSkillClusters::send) for one page or stream with
    /// [`pages`](ExportEmployeeSkillClusters::pages) / [`items`](ExportEmployeeSkillClusters::items).
    pub fn employee_skill_clusters(&self) -> ExportEmployeeSkillClusters {
        ExportEmployeeSkillClusters {
            client: self.clone(),
            filters: Vec::new(),
            include: BTreeSet::new(),
            limit: MAX_LIMIT,
            listing: Listing::default(),
        }
    }
}

impl ExportEmployeeSkillClusters {
    /// Adds a filter; all filters must hold.
    pub fn filter(mut self, filter: Filter) -> Self {
        self.filters.push(filter);
        self
    }

    /// Adds several filters.
    pub fn filters(mut self, filters: impl IntoIterator<Item = Filter>) -> Self {
        self.filters.extend(filters);
        self
    }

    /// Asks for extra data in each cluster; see [`Include`]. Takes includes by value or by
    /// reference, e.g. `[Include::Sources]` or [`Include::all()`].
    pub fn include<I>(mut self, include: I) -> Self
    where
        I: IntoIterator,
        I::Item: std::borrow::Borrow<Include>,
    {
        self.include
            .extend(include.into_iter().map(|i| *std::borrow::Borrow::borrow(&i)));
        self
    }

    /// Employees per page, 1..=100 (default 100).
    pub fn limit(mut self, limit: u32) -> Self {
        if (1..=MAX_LIMIT).contains(&limit) {
            self.limit = limit;
        } else {
            self.listing
                .reject("limit", format!("{limit} is outside 1..={MAX_LIMIT}"));
        }
        self
    }

    /// Starts after this employee's `external_id` (at most 100 characters).
    pub fn starting_after(mut self, external_id: impl Into<EmployeeId>) -> Self {
        let external_id = external_id.into().into_string();
        let length = external_id.chars().count();
        if external_id.is_empty() {
            self.listing.reject("starting_after", "must not be empty");
        } else if length > MAX_STARTING_AFTER_LEN {
            self.listing.reject(
                "starting_after",
                format!("is {length} characters long; at most {MAX_STARTING_AFTER_LEN} are allowed"),
            );
        }
        self.listing.start_at(external_id);
        self
    }

    pagination::read_ahead_setter!();

    config::request_option_setters!(listing.options);

    /// What a sync checkpoint of this export is bound to: the filters that choose employees and
    /// the includes that shape their content (compared by hash between runs).
    pub(super) fn sync_scope(&self) -> String {
        let mut scope = "techwolf:employee-skill-clusters".to_owned();
        for filter in &self.filters {
            scope.push_str(&match filter {
                Filter::IsActive(active) => format!(";is_active={active}"),
                Filter::UpdatedAfter(date) => format!(";last_updated>{date}"),
                Filter::UpdatedBefore(date) => format!(";last_updated<{date}"),
            });
        }
        for include in &self.include {
            scope.push_str(&format!(";include={}", include.as_str()));
        }
        scope
    }

    /// Whether the export starts after an employee: the sync engine sets that itself.
    pub(super) fn has_start(&self) -> bool {
        self.listing.has_start()
    }

    /// The listing, and the requests of this export once its inputs are known to be valid.
    fn into_parts(self) -> (Listing, impl FnOnce(CallOptions) -> Result<PageRequest>) {
        let Self {
            client,
            filters,
            include,
            limit,
            listing,
        } = self;
        let source = move |options| {
            let limit = std::num::NonZeroU64::new(u64::from(limit))
                .ok_or_else(|| Error::invalid("limit", "must be at least 1"))?;
            let query = Query {
                filters: filters.iter().map(|f| f.to_generated()).collect(),
                include,
                limit,
            };
            Ok(PageRequest { client, query, options })
        };
        (listing, source)
    }

    /// Fetches one page.
    pub async fn send(self) -> Result<EmployeeSkillClustersPage> {
        let (listing, source) = self.into_parts();
        listing.send(source).await
    }

    /// [`send`](Self::send), with the page's status and headers, the attempts it took and how
    /// long (see [`Response`]).
    pub async fn send_with_meta(self) -> Result<Response<EmployeeSkillClustersPage>> {
        let (listing, source) = self.into_parts();
        listing.send_with_meta(source).await
    }

    /// Every page, lazily, the next one requested ahead (see [`read_ahead`](Self::read_ahead)).
    pub fn pages(self) -> impl Stream<Item = Result<EmployeeSkillClustersPage>> + Send + Unpin + 'static {
        let (listing, source) = self.into_parts();
        listing.pages(source)
    }

    /// [`pages`](Self::pages), each page with its status and headers, the attempts it took and
    /// how long (see [`Response`]).
    pub fn pages_with_meta(
        self,
    ) -> impl Stream<Item = Result<Response<EmployeeSkillClustersPage>>> + Send + Unpin + 'static {
        let (listing, source) = self.into_parts();
        listing.pages_with_meta(source)
    }

    /// Every employee of every page, lazily, in order.
    pub fn items(self) -> impl Stream<Item = Result<EmployeeSkillClusters>> + Send + Unpin + 'static {
        let (listing, source) = self.into_parts();
        listing.items(source)
    }
}

/// The request for a page of one export: its client, query and options, and where each page
/// starts.
struct PageRequest {
    client: TechWolf,
    query: Query,
    options: CallOptions,
}

impl PageSource for PageRequest {
    type Page = EmployeeSkillClustersPage;

    async fn fetch(self: Arc<Self>, starting_after: Option<String>) -> Result<Response<Self::Page>> {
        self.export(starting_after.as_deref()).await
    }
}

impl PageRequest {
    /// One page, with retries; a `401` refreshes the token once and retries at once.
    async fn export(&self, starting_after: Option<&str>) -> Result<Response<EmployeeSkillClustersPage>> {
        let body = self.query.body(starting_after)?;
        let attempted = self
            .options
            .retrier(&self.client.inner.connection.retrier)
            .run_with_recovery(
                EXPORT_OPERATION,
                |attempt| self.export_once(&body, attempt),
                self.client.token_recovery(EXPORT_OPERATION),
            )
            .await;
        Response::from_attempted(attempted)
    }

    /// One attempt, with the cached token (fetched first when there is none). The call's options
    /// apply to the API request only: the token endpoint never sees its headers.
    async fn export_once(
        &self,
        body: &generated::ExportRequest,
        attempt: u32,
    ) -> Result<Received<EmployeeSkillClustersPage>> {
        let inner = &self.client.inner;
        crate::trace::request(VENDOR, EXPORT_OPERATION, "", attempt, async {
            let (token, credentials) = self.client.credentials().await?;
            let preparing = inner
                .connection
                .preparing(credentials, GeneratedClient::new_with_client);
            let prepared = preparing.request(preparing.api.export_employee_skill_clusters().body(body.clone()).send());
            let redaction = inner.connection.secrets.with(Some(&token.value));
            let sent = send::<TechWolfErrors, EmployeeSkillClustersPage>(
                &inner.connection,
                EXPORT_OPERATION,
                prepared,
                &self.options,
                redaction,
                |_| {},
            )
            .await;
            match sent {
                Ok(mut received) => {
                    received.value.settle_includes(&self.query.include);
                    Ok(received)
                }
                Err(error) => Err(self.client.auth_error(error, &token).await),
            }
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::techwolf::Include;

    fn export() -> ExportEmployeeSkillClusters {
        let client = TechWolf::builder()
            .base_url("http://127.0.0.1:9")
            .access_token("t")
            .build()
            .expect("a static token needs nothing else");
        client.employee_skill_clusters()
    }

    /// A checkpoint is bound to its export's scope, stored in the checkpoint: exports that differ
    /// only in their includes must not share one, and a checkpoint saved by an earlier release
    /// must still match (the text is the wire names, in a fixed order).
    #[test]
    fn the_sync_scope_names_each_include_by_its_wire_name() {
        let scopes: Vec<String> = Include::all()
            .iter()
            .map(|include| export().include([*include]).sync_scope())
            .collect();
        assert_eq!(
            scopes,
            [
                "techwolf:employee-skill-clusters;include=current_skills",
                "techwolf:employee-skill-clusters;include=related_skills",
                "techwolf:employee-skill-clusters;include=rejected_skills",
                "techwolf:employee-skill-clusters;include=sources",
            ]
        );
        assert_eq!(
            export().include(Include::all()).sync_scope(),
            "techwolf:employee-skill-clusters;include=current_skills;include=related_skills;\
             include=rejected_skills;include=sources"
        );
    }
}
