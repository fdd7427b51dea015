//! `GET /hris/staffing-entity-skills`: the filter builder and its page streams.

use std::num::NonZeroU64;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use futures_util::stream::Stream;

use super::{Integration, LIST_OPERATION, StaffingEntitySkill, StaffingEntitySkillPage};
use crate::error::{Error, Result};
use crate::pagination;

/// The largest page Kombo serves.
pub const MAX_PAGE_SIZE: u32 = 250;

/// The filters of one listing, resent unchanged with every cursor.
#[derive(Debug, Clone, Default)]
pub(super) struct Query {
    pub(super) ids: Option<String>,
    pub(super) remote_ids: Option<String>,
    pub(super) staffing_entity_ids: Option<String>,
    pub(super) skill_ids: Option<String>,
    pub(super) updated_after: Option<DateTime<Utc>>,
    pub(super) include_deleted: Option<bool>,
    pub(super) ignore_unsupported_filters: Option<bool>,
    pub(super) page_size: Option<NonZeroU64>,
}

/// A listing of staffing-entity skill expectations, built from [`Integration::staffing_entity_skills`].
///
/// Filters combine with AND; the values inside one collection filter with OR. An invalid filter
/// (an empty collection, an empty value, a value containing a comma, a page size outside 1..=250)
/// makes [`send`](Self::send) fail, and the streams yield that error first, before any request.
///
/// ```no_run
/// # async fn run(hris: skillbridge::kombo::Integration) -> skillbridge::Result<()> {
/// use futures::TryStreamExt;
///
/// let since = chrono::Utc::now() - chrono::Duration::days(1);
/// let mut skills = hris
///     .staffing_entity_skills()
///     .staffing_entity_ids(["26vafvWSRmbhNcxJYqjCzuJg"])
///     .updated_after(since)
///     .page_size(250)
///     .items();
/// while let Some(skill) = skills.try_next().await? {
///     println!("{} expects {} at {:?}", skill.staffing_entity_id, skill.skill_id, skill.expected_level);
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
#[must_use = "a listing does nothing until sent or streamed"]
pub struct ListStaffingEntitySkills {
    integration: Integration,
    query: Query,
    cursor: Option<String>,
    read_ahead: usize,
    invalid: Option<(&'static str, String)>,
}

impl ListStaffingEntitySkills {
    pub(super) fn new(integration: Integration) -> Self {
        Self {
            integration,
            query: Query::default(),
            cursor: None,
            read_ahead: pagination::DEFAULT_READ_AHEAD,
            invalid: None,
        }
    }

    fn reject(&mut self, field: &'static str, reason: String) {
        // The first problem is the one reported.
        self.invalid.get_or_insert((field, reason));
    }

    fn list<I, S>(&mut self, field: &'static str, values: I) -> Option<String>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut joined = String::new();
        for value in values {
            let value = value.as_ref();
            if value.trim().is_empty() {
                self.reject(field, "contains an empty value".to_owned());
                return None;
            }
            if value.contains(',') {
                self.reject(
                    field,
                    format!("value {value:?} contains a comma, which would split it into two values"),
                );
                return None;
            }
            if !joined.is_empty() {
                joined.push(',');
            }
            joined.push_str(value);
        }
        if joined.is_empty() {
            // Omitting a filter lists everything: an empty collection must not silently mean that.
            self.reject(field, "is empty; omit the filter to list everything".to_owned());
            return None;
        }
        Some(joined)
    }

    /// Only these record ids.
    pub fn ids<I, S>(mut self, ids: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.query.ids = self.list("ids", ids);
        self
    }

    /// Only these ids in the remote system.
    pub fn remote_ids<I, S>(mut self, ids: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.query.remote_ids = self.list("remote_ids", ids);
        self
    }

    /// Only expectations on these staffing entities.
    pub fn staffing_entity_ids<I, S>(mut self, ids: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.query.staffing_entity_ids = self.list("staffing_entity_ids", ids);
        self
    }

    /// Only expectations of these skills.
    pub fn skill_ids<I, S>(mut self, ids: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.query.skill_ids = self.list("skill_ids", ids);
        self
    }

    /// Only records that were, or whose nested data was, updated after `since`. For incremental
    /// sync, pass the time the previous fetch *started*.
    pub fn updated_after(mut self, since: DateTime<Utc>) -> Self {
        self.query.updated_after = Some(since);
        self
    }

    /// Also return records deleted in the remote system (default `false` on Kombo's side).
    pub fn include_deleted(mut self, include: bool) -> Self {
        self.query.include_deleted = Some(include);
        self
    }

    /// Ignore filters the integration cannot apply instead of returning nothing (default `false`).
    pub fn ignore_unsupported_filters(mut self, ignore: bool) -> Self {
        self.query.ignore_unsupported_filters = Some(ignore);
        self
    }

    /// Records per page, 1..=250 (Kombo's default is 100).
    pub fn page_size(mut self, size: u32) -> Self {
        match NonZeroU64::new(u64::from(size)).filter(|_| size <= MAX_PAGE_SIZE) {
            Some(size) => self.query.page_size = Some(size),
            None => self.reject("page_size", format!("{size} is not within 1..={MAX_PAGE_SIZE}")),
        }
        self
    }

    /// Start from a cursor saved from an earlier page's `next` instead of the first page.
    pub fn cursor(mut self, cursor: impl Into<String>) -> Self {
        let cursor = cursor.into();
        if cursor.is_empty() {
            self.reject("cursor", "must not be empty".to_owned());
        } else {
            self.cursor = Some(cursor);
        }
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

    fn into_parts(self) -> Result<(Integration, Arc<Query>, Option<String>)> {
        match self.invalid {
            Some((field, reason)) => Err(Error::InvalidInput { field, reason }),
            None => Ok((self.integration, Arc::new(self.query), self.cursor)),
        }
    }

    /// Fetches one page (the first, or the one at [`cursor`](Self::cursor)), retrying transient errors.
    pub async fn send(self) -> Result<StaffingEntitySkillPage> {
        let (integration, query, cursor) = self.into_parts()?;
        fetch(integration, query, cursor).await
    }

    /// All pages, lazily, one request per page, the next one requested ahead (see
    /// [`read_ahead`](Self::read_ahead)); every request carries every filter. Ends after the page
    /// whose `next` is `null`; fails (and ends) on an error or a repeated cursor.
    pub fn pages(self) -> impl Stream<Item = Result<StaffingEntitySkillPage>> + Send + Unpin + 'static {
        let read_ahead = self.read_ahead;
        pagination::pages_or_error(
            self.into_parts().map(|(integration, query, cursor)| {
                (cursor, move |cursor| {
                    fetch(integration.clone(), Arc::clone(&query), cursor)
                })
            }),
            read_ahead,
        )
    }

    /// All records of all pages, lazily, holding at most [`read_ahead`](Self::read_ahead) + 1 pages.
    pub fn items(self) -> impl Stream<Item = Result<StaffingEntitySkill>> + Send + Unpin + 'static {
        pagination::items(self.pages())
    }
}

async fn fetch(integration: Integration, query: Arc<Query>, cursor: Option<String>) -> Result<StaffingEntitySkillPage> {
    let retrier = &integration.client.inner.retrier;
    retrier
        .run(LIST_OPERATION, |attempt| {
            integration.list_once(&query, cursor.as_deref(), attempt)
        })
        .await
        .result
}
