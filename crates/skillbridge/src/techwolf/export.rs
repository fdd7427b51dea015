//! `POST /export/employees/skill_clusters`: the request builder and its page streams.

use std::collections::BTreeSet;
use std::sync::Arc;

use futures_util::stream::Stream;
use skillbridge_openapi::techwolf::types as generated;

use super::{EmployeeSkillClusters, EmployeeSkillClustersPage, Filter, Include, TechWolf};
use crate::error::{Error, Result};
use crate::pagination;

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
    starting_after: Option<String>,
    read_ahead: usize,
    invalid: Option<(&'static str, String)>,
}

/// The parts of a request that stay the same on every page.
#[derive(Debug)]
pub(super) struct Query {
    pub(super) filters: Vec<generated::Filter>,
    pub(super) include: BTreeSet<Include>,
    pub(super) limit: std::num::NonZeroU64,
}

impl Query {
    /// The generated request body for the page after `starting_after`.
    pub(super) fn body(&self, starting_after: Option<&str>) -> Result<generated::ExportRequest> {
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

impl ExportEmployeeSkillClusters {
    pub(super) fn new(client: TechWolf) -> Self {
        Self {
            client,
            filters: Vec::new(),
            include: BTreeSet::new(),
            limit: MAX_LIMIT,
            starting_after: None,
            read_ahead: pagination::DEFAULT_READ_AHEAD,
            invalid: None,
        }
    }

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
            self.invalid
                .get_or_insert(("limit", format!("{limit} is outside 1..={MAX_LIMIT}")));
        }
        self
    }

    /// Starts after this employee's `external_id` (at most 100 characters).
    pub fn starting_after(mut self, external_id: impl Into<String>) -> Self {
        let external_id = external_id.into();
        let length = external_id.chars().count();
        if external_id.is_empty() {
            self.invalid
                .get_or_insert(("starting_after", "must not be empty".to_owned()));
        } else if length > MAX_STARTING_AFTER_LEN {
            self.invalid.get_or_insert((
                "starting_after",
                format!("is {length} characters long; at most {MAX_STARTING_AFTER_LEN} are allowed"),
            ));
        }
        self.starting_after = Some(external_id);
        self
    }

    /// Pages [`pages`](Self::pages) and [`items`](Self::items) request ahead of the caller (default
    /// [`DEFAULT_READ_AHEAD`](pagination::DEFAULT_READ_AHEAD): the next page is on its way while the
    /// caller works through the current one); `0` requests a page only when it is asked for. Order,
    /// exactly-once delivery and the loop guard do not depend on it; see [`pagination`].
    pub fn read_ahead(mut self, depth: usize) -> Self {
        self.read_ahead = depth;
        self
    }

    fn into_parts(self) -> Result<(TechWolf, Arc<Query>, Option<String>)> {
        if let Some((field, reason)) = self.invalid {
            return Err(Error::invalid(field, reason));
        }
        let limit = std::num::NonZeroU64::new(u64::from(self.limit))
            .ok_or_else(|| Error::invalid("limit", "must be at least 1"))?;
        let query = Query {
            filters: self.filters.iter().map(|f| f.to_generated()).collect(),
            include: self.include,
            limit,
        };
        Ok((self.client, Arc::new(query), self.starting_after))
    }

    /// Fetches one page.
    pub async fn send(self) -> Result<EmployeeSkillClustersPage> {
        let (client, query, starting_after) = self.into_parts()?;
        client.export(&query, starting_after.as_deref()).await
    }

    /// Every page, lazily, the next one requested ahead (see [`read_ahead`](Self::read_ahead)).
    pub fn pages(self) -> impl Stream<Item = Result<EmployeeSkillClustersPage>> + Send + Unpin + 'static {
        let read_ahead = self.read_ahead;
        pagination::pages_or_error(
            self.into_parts().map(|(client, query, start)| {
                (start, move |token: Option<String>| {
                    let client = client.clone();
                    let query = Arc::clone(&query);
                    async move { client.export(&query, token.as_deref()).await }
                })
            }),
            read_ahead,
        )
    }

    /// Every employee of every page, lazily, in order.
    pub fn items(self) -> impl Stream<Item = Result<EmployeeSkillClusters>> + Send + Unpin + 'static {
        pagination::items(self.pages())
    }
}
