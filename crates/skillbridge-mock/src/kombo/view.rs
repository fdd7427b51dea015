//! [`KomboView`]: the Kombo side of a running server, as a test reads it.

use std::net::SocketAddr;

use super::catalog::CatalogSkill;
use super::data::{Expectation, StaffingEntity};
use super::routes::PREFIX;
use super::state::KomboState;

/// The Kombo side of a running [`MockServer`](crate::MockServer), from
/// [`MockServer::kombo`](crate::MockServer::kombo): the URL and credentials to point a client
/// at, and the data to assert on (seeded records and the writes made since).
///
/// # Data
/// `staffing_entities × skills_per_entity` expectations. Expectation `i` belongs to
/// entity `i / skills_per_entity`; the entity's skills are distinct, drawn from a catalog of
/// `skill_catalog` skills. About 10% have `expected_level: null`, about 5% are deleted
/// (`remote_deleted_at` set, hidden unless `include_deleted=true`), about 5% of staffing entities
/// are closed (at least one when there are two or more). Ids are 24-character base58 strings,
/// like Kombo's, that decode back to the index, so id filters and cursors cost O(1) per value.
/// Seeded `changed_at` values fall in 2024-2025; writes are stamped with the wall clock (and
/// always later than every seeded value), so a write is visible to `updated_after`.
/// The listing order is creation order; records created by upserts come after the seeded ones.
/// Each record also has a remote id `SES-<index + 1, 8 digits>` for the `remote_ids` filter
/// (the response has no remote id field).
///
/// # Changes made by tests
/// A test changes the data as the remote system would, without HTTP:
/// [`KomboView::delete_expectation`] deletes a record (`remote_deleted_at` and `changed_at` set to
/// now) and [`KomboView::set_expected_level`] sets a level through the upsert's own write path.
/// Every change, these and upserts alike, is stamped with the wall clock and strictly later than
/// every earlier stamp, so a listing with `updated_after` set to the last `changed_at` a client saw
/// returns exactly what changed since (and that record again, as the filter is inclusive). Like
/// upserts, they are kept per record: memory grows with changes, never with the data size.
///
/// The skill catalog (`GET /hris/skills`) has the `skill_catalog` skills expectations name by
/// `skill_id` (see [`KomboView::skill`]). Names are TechWolf's skill names (those its employees'
/// clusters hold), in an order the seed fixes: the first 91 skills have distinct names, a
/// larger catalog repeats them, so an expectation's skill always joins by name with TechWolf
/// skills. About two thirds have a description (naming the TechWolf cluster), three quarters
/// `ordered_levels` `Beginner`, `Intermediate`, `Advanced`, `Expert`, `Master` (level `n` of an
/// expectation is `ordered_levels[n - 1]`); `changed_at` falls in 2024-2025; `remote_deleted_at`
/// and `remote_data` are `null`; remote ids are `SKL-<index + 1, 8 digits>`.
///
/// # Behaviour and chosen status codes
/// - Auth: wrong or missing `Authorization: Bearer <key>` → 401
///   `PLATFORM.AUTHENTICATION_INVALID`; missing `X-Integration-Id` → 400 `PLATFORM.INPUT_INVALID`;
///   an unknown one → 404 `PLATFORM.INTEGRATION_NOT_FOUND`.
/// - List: `ids`, `remote_ids`, `staffing_entity_ids`, `skill_ids` (comma-separated; OR
///   within, AND across; an empty value is no filter; unknown ids match nothing),
///   `updated_after` (RFC 3339, inclusive: `changed_at >= updated_after`), `include_deleted`,
///   `ignore_unsupported_filters` (see [`MockServerBuilder::unsupported_filter`]), `page_size`
///   (1..=250, default 100) and `cursor`. Unknown or repeated parameters, bad booleans, dates or
///   page sizes → 400 `PLATFORM.INPUT_INVALID`. Cursors are base64 JSON of the last index served
///   and a hash of the filters: stateless, so they stay valid on a fresh listing (even on another
///   server with the same seed), and a cursor sent with other filters → 400. `page_size` may
///   change between pages. `next` is `null` on the last page.
/// - Upsert: the body must be `application/json` and match the spec (`staffing_entity_id`
///   and `skill_id` non-empty strings, `expected_level` an integer 1..=5 or omitted; `null` is
///   refused as the spec's type is `integer`) → else 400 `PLATFORM.INPUT_INVALID` with a message
///   naming the field. Unknown staffing entity or skill → **404** `PLATFORM.INPUT_INVALID`;
///   closed staffing entity → **409** `HRIS.STAFFING_ENTITY_CLOSED`. It creates or updates by
///   `(staffing_entity_id, skill_id)` (omitting `expected_level` sets it to `null`; an upsert on
///   a deleted record restores it) and returns the saved record. `changed_at` moves only when a
///   field changes, as Kombo documents; an identical upsert returns the record unchanged.
/// - Skills: `ids`, `remote_ids` (comma-separated; OR within, AND across; an empty value is no
///   filter; unknown ids match nothing) and `name_contains` (a case-insensitive substring of the
///   name), the parameters Kombo documents; any other parameter, or one repeated → 400
///   `PLATFORM.INPUT_INVALID`. Kombo documents no paging for it: every match is in one answer,
///   in catalog order, and `next` is `null`. Its answers are not contract-checked (no vendored
///   spec describes the endpoint).
/// - Write concurrency: a real in-flight limit ([`MockServerBuilder::write_concurrency_limit`],
///   default 30) held through the added latency; over it → 429 `PLATFORM.CONCURRENCY_LIMIT_EXCEEDED`
///   with `Concurrency-Limit` and `Concurrency-Remaining` (also sent on successful writes).
///
/// [`MockServerBuilder::unsupported_filter`]: crate::MockServerBuilder::unsupported_filter
/// [`MockServerBuilder::write_concurrency_limit`]: crate::MockServerBuilder::write_concurrency_limit
#[derive(Clone, Copy)]
pub struct KomboView<'a> {
    addr: SocketAddr,
    state: &'a KomboState,
}

impl std::fmt::Debug for KomboView<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KomboView")
            .field("base_url", &self.base_url())
            .finish_non_exhaustive()
    }
}

impl<'a> KomboView<'a> {
    pub(crate) fn new(addr: SocketAddr, state: &'a KomboState) -> Self {
        Self { addr, state }
    }

    /// Base URL of the Kombo API, e.g. `http://127.0.0.1:PORT/kombo/v1`.
    pub fn base_url(self) -> String {
        format!("http://{}{PREFIX}", self.addr)
    }

    /// The API key the server accepts.
    pub fn api_key(self) -> &'a str {
        &self.state.creds.api_key
    }

    /// The `X-Integration-Id` the server accepts.
    pub fn integration_id(self) -> &'a str {
        &self.state.creds.integration_id
    }

    /// The most authenticated writes that were being handled at the same time (rejected ones
    /// included): assert a client's own write concurrency with it.
    pub fn peak_concurrent_writes(self) -> u64 {
        self.state.peak_writes()
    }

    /// All expectations, deleted ones and those created by upserts included.
    pub fn expectations_count(self) -> u64 {
        self.state.data.total()
    }

    /// Expectations a listing without `include_deleted` returns. O(total): for assertions.
    pub fn visible_expectations_count(self) -> u64 {
        self.state.data.visible_count()
    }

    /// The expectation at a position in listing order.
    pub fn expectation(self, index: u64) -> Option<Expectation> {
        self.state.data.expectation(index)
    }

    /// The expectation with this Kombo id.
    pub fn expectation_by_id(self, id: &str) -> Option<Expectation> {
        self.state.data.expectation_by_id(id)
    }

    /// Every expectation as it is now, in listing order, deleted ones and those created by
    /// upserts included (the records that exist when it is called). O(total): for assertions.
    pub fn expectations(self) -> impl Iterator<Item = Expectation> + 'a {
        let data = &self.state.data;
        (0..data.total()).filter_map(|i| data.expectation(i))
    }

    /// Deletes the expectation with this Kombo id in the remote system, now, as if someone removed
    /// it at the source: `remote_deleted_at` is set and `changed_at` moves to the same stamp (a
    /// field of the record changed), so a listing with `include_deleted=true` and an earlier
    /// `updated_after` returns it deleted and a listing without `include_deleted` no longer
    /// does. An upsert of its staffing entity and skill restores it. `false` for an unknown id or
    /// a record already deleted (nothing changes then).
    pub fn delete_expectation(self, id: &str) -> bool {
        self.state.data.delete(id)
    }

    /// Sets the level of the expectation with this Kombo id (`None`: no level) as an upsert with
    /// that level would, through the same write path but without HTTP, faults or the write
    /// limit: `changed_at` moves only if the level changes, and a deleted record is restored
    /// (which moves `changed_at` too). Closed staffing entities are not refused, as this is a
    /// change at the source, not a client's write. `false` for an unknown id or a level outside
    /// 1..=5 (nothing changes then).
    pub fn set_expected_level(self, id: &str, level: Option<u8>) -> bool {
        self.state.data.set_level(id, level)
    }

    /// The expectation of a skill on a staffing entity, if there is one.
    pub fn find_expectation(self, staffing_entity_id: &str, skill_id: &str) -> Option<Expectation> {
        self.state.data.find_expectation(staffing_entity_id, skill_id)
    }

    /// Number of staffing entities.
    pub fn staffing_entities_count(self) -> u32 {
        self.state.data.entity_count()
    }

    /// A staffing entity by index.
    pub fn staffing_entity(self, index: u32) -> Option<StaffingEntity> {
        self.state.data.entity(index)
    }

    /// Every staffing entity, computed lazily.
    pub fn staffing_entities(self) -> impl Iterator<Item = StaffingEntity> + 'a {
        let data = &self.state.data;
        (0..data.entity_count()).filter_map(|i| data.entity(i))
    }

    /// Size of the skill catalog.
    pub fn skills_count(self) -> u32 {
        self.state.data.skill_count()
    }

    /// The Kombo id of a skill by index.
    pub fn skill_id(self, index: u32) -> Option<String> {
        self.state.data.skill_id(index)
    }

    /// The name of a skill by index, as `GET /hris/skills` serves it.
    pub fn skill_name(self, index: u32) -> Option<String> {
        self.state.catalog.name(index)
    }

    /// A skill of the catalog by index, as `GET /hris/skills` serves it.
    pub fn skill(self, index: u32) -> Option<CatalogSkill> {
        self.state.catalog.skill(index)
    }

    /// The skill with this Kombo id (an expectation's `skill_id`), if there is one.
    pub fn skill_by_id(self, id: &str) -> Option<CatalogSkill> {
        self.state.catalog.skill_by_id(id)
    }
}
