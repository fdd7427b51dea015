//! `GET /hris/staffing-entity-skills`: the filter builder, its page streams, and the request for
//! one page.

use std::num::NonZeroU64;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use futures_util::stream::Stream;

use super::client::{Integration, VENDOR};
use super::error::KomboErrors;
use super::model::Envelope;
use super::model::{SkillId, StaffingEntityId, StaffingEntitySkill, StaffingEntitySkillId, StaffingEntitySkillPage};
use crate::config::{self, CallOptions};
use crate::error::Result;
use crate::pagination::{self, Listing, PageSource};
use crate::response::{Received, Response};
use crate::send::send;

/// The listing's operation name, as in Kombo's spec (errors and traces name it).
pub(super) const LIST_OPERATION: &str = "get_hris_staffing_entity_skills";

/// The largest page Kombo serves.
pub const MAX_PAGE_SIZE: u32 = 250;

/// The filters of one listing, resent unchanged with every cursor.
#[derive(Debug, Clone, Default)]
struct Query {
    ids: Option<String>,
    remote_ids: Option<String>,
    staffing_entity_ids: Option<String>,
    skill_ids: Option<String>,
    updated_after: Option<DateTime<Utc>>,
    include_deleted: Option<bool>,
    ignore_unsupported_filters: Option<bool>,
    page_size: Option<NonZeroU64>,
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
    listing: Listing,
}

impl Integration {
    /// A listing of skill expectations; add filters, then [`send`](ListStaffingEntitySkills::send)
    /// for one page or stream with [`pages`](ListStaffingEntitySkills::pages) /
    /// [`items`](ListStaffingEntitySkills::items).
    pub fn staffing_entity_skills(&self) -> ListStaffingEntitySkills {
        ListStaffingEntitySkills {
            integration: self.clone(),
            query: Query::default(),
            listing: Listing::default(),
        }
    }
}

impl ListStaffingEntitySkills {
    fn reject(&mut self, field: &'static str, reason: String) {
        self.listing.reject(field, reason);
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
        S: Into<StaffingEntitySkillId>,
    {
        self.query.ids = self.list("ids", ids.into_iter().map(Into::into));
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
        S: Into<StaffingEntityId>,
    {
        self.query.staffing_entity_ids = self.list("staffing_entity_ids", ids.into_iter().map(Into::into));
        self
    }

    /// Only expectations of these skills.
    pub fn skill_ids<I, S>(mut self, ids: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<SkillId>,
    {
        self.query.skill_ids = self.list("skill_ids", ids.into_iter().map(Into::into));
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
            self.listing.start_at(cursor);
        }
        self
    }

    pagination::read_ahead_setter!();

    config::request_option_setters!(listing.options);

    /// What a sync checkpoint of this listing is bound to: the integration and the filters that
    /// choose records (not the page size, nor what the sync engine sets itself).
    pub(super) fn sync_scope(&self) -> String {
        let query = &self.query;
        let mut scope = format!("kombo:{}:staffing-entity-skills", self.integration.id);
        let filters = [
            ("ids", &query.ids),
            ("remote_ids", &query.remote_ids),
            ("staffing_entity_ids", &query.staffing_entity_ids),
            ("skill_ids", &query.skill_ids),
        ];
        for (name, value) in filters {
            if let Some(value) = value {
                scope.push_str(&format!(";{name}={value}"));
            }
        }
        if let Some(ignore) = query.ignore_unsupported_filters {
            scope.push_str(&format!(";ignore_unsupported_filters={ignore}"));
        }
        scope
    }

    /// The first input the sync engine sets itself that this listing sets too, if any.
    pub(super) fn sync_owned_input(&self) -> Option<&'static str> {
        if self.query.updated_after.is_some() {
            Some("updated_after")
        } else if self.query.include_deleted.is_some() {
            Some("include_deleted")
        } else if self.listing.has_start() {
            Some("cursor")
        } else {
            None
        }
    }

    /// The listing, and the requests of this listing (its filters are checked by then).
    fn into_parts(self) -> (Listing, impl FnOnce(CallOptions) -> Result<PageRequest>) {
        let Self {
            integration,
            query,
            listing,
        } = self;
        (listing, move |options| {
            Ok(PageRequest {
                integration,
                query,
                options,
            })
        })
    }

    /// Fetches one page (the first, or the one at [`cursor`](Self::cursor)), retrying transient errors.
    pub async fn send(self) -> Result<StaffingEntitySkillPage> {
        let (listing, source) = self.into_parts();
        listing.send(source).await
    }

    /// [`send`](Self::send), with the page's status and headers, the attempts it took and how
    /// long (see [`Response`]).
    pub async fn send_with_meta(self) -> Result<Response<StaffingEntitySkillPage>> {
        let (listing, source) = self.into_parts();
        listing.send_with_meta(source).await
    }

    /// All pages, lazily, one request per page, the next one requested ahead (see
    /// [`read_ahead`](Self::read_ahead)); every request carries every filter. Ends after the page
    /// whose `next` is `null`; fails (and ends) on an error or a repeated cursor.
    pub fn pages(self) -> impl Stream<Item = Result<StaffingEntitySkillPage>> + Send + Unpin + 'static {
        let (listing, source) = self.into_parts();
        listing.pages(source)
    }

    /// [`pages`](Self::pages), each page with its status and headers, the attempts it took and
    /// how long (see [`Response`]).
    pub fn pages_with_meta(
        self,
    ) -> impl Stream<Item = Result<Response<StaffingEntitySkillPage>>> + Send + Unpin + 'static {
        let (listing, source) = self.into_parts();
        listing.pages_with_meta(source)
    }

    /// All records of all pages, lazily, holding at most [`read_ahead`](Self::read_ahead) + 1 pages.
    pub fn items(self) -> impl Stream<Item = Result<StaffingEntitySkill>> + Send + Unpin + 'static {
        let (listing, source) = self.into_parts();
        listing.items(source)
    }
}

/// The request for a page of one listing: its integration, filters and options, and a cursor
/// per page.
struct PageRequest {
    integration: Integration,
    query: Query,
    options: CallOptions,
}

impl PageSource for PageRequest {
    type Page = StaffingEntitySkillPage;

    async fn fetch(self: Arc<Self>, cursor: Option<String>) -> Result<Response<Self::Page>> {
        let retrier = self.options.retrier(&self.integration.client.inner.connection.retrier);
        let attempted = retrier
            .run(LIST_OPERATION, |attempt| self.once(cursor.as_deref(), attempt))
            .await;
        Response::from_attempted(attempted)
    }
}

impl PageRequest {
    /// One attempt at the page at `cursor`: every filter copied into the generated request.
    async fn once(&self, cursor: Option<&str>, attempt: u32) -> Result<Received<StaffingEntitySkillPage>> {
        let Self {
            integration,
            query,
            options,
        } = self;
        crate::trace::request(VENDOR, LIST_OPERATION, &integration.id, attempt, async {
            let preparing = integration.client.preparing();
            let mut request = preparing
                .api
                .get_hris_staffing_entity_skills()
                .x_integration_id(integration.id.to_string());
            if let Some(ids) = &query.ids {
                request = request.ids(ids.clone());
            }
            if let Some(ids) = &query.remote_ids {
                request = request.remote_ids(ids.clone());
            }
            if let Some(ids) = &query.staffing_entity_ids {
                request = request.staffing_entity_ids(ids.clone());
            }
            if let Some(ids) = &query.skill_ids {
                request = request.skill_ids(ids.clone());
            }
            if let Some(since) = query.updated_after {
                request = request.updated_after(since);
            }
            if let Some(flag) = query.include_deleted {
                request = request.include_deleted(flag);
            }
            if let Some(flag) = query.ignore_unsupported_filters {
                request = request.ignore_unsupported_filters(flag);
            }
            if let Some(size) = query.page_size {
                request = request.page_size(size);
            }
            if let Some(cursor) = cursor {
                request = request.cursor(cursor.to_owned());
            }
            let connection = &integration.client.inner.connection;
            let redaction = connection.secrets.with(None);
            let prepared = preparing.request(request.send());
            let received =
                send::<KomboErrors, Envelope<_>>(connection, LIST_OPERATION, prepared, options, redaction, |_| {})
                    .await?;
            Ok(received.map(|page| page.data))
        })
        .await
    }
}
