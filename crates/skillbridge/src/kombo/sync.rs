//! Mirroring skill expectations, the way Kombo's sync guidance prescribes: remember when a fetch
//! started, pass it as `updated_after` next time with `include_deleted=true`, and fetch everything
//! now and then to correct drift.

use std::time::Duration;

use chrono::{DateTime, Utc};
use futures_util::stream::{BoxStream, StreamExt, TryStreamExt};

use super::list::ListStaffingEntitySkills;
use super::model::{StaffingEntitySkill, StaffingEntitySkillId};
use crate::error::{Error, Result};
use crate::pagination::Page;
use crate::sync::{self, Destination, Record, Source, SourcePage, Summary, SyncError, SyncOptions};

impl Record for StaffingEntitySkill {
    type Id = StaffingEntitySkillId;

    fn id(&self) -> &StaffingEntitySkillId {
        &self.id
    }
}

/// A sync of a listing's skill expectations into a mirror, from
/// [`ListStaffingEntitySkills::sync`]; see [`sync`](crate::sync) for the guarantees.
///
/// - The first run, a run after [`full_fetch_every`](Self::full_fetch_every) (default 7 days)
///   and a run with [`full`](Self::full) fetch everything, and then delete from the mirror every
///   id it was given that the listing no longer has.
/// - Other runs fetch with `updated_after` = the start of the last completed run minus
///   [`clock_skew_margin`](Self::clock_skew_margin) (default 5 minutes), and
///   `include_deleted=true`.
/// - A record with `remote_deleted_at` becomes a [`Change::Delete`](crate::sync::Change::Delete)
///   of its id; every other record an [`Upsert`](crate::sync::Change::Upsert).
///
/// ```no_run
/// # async fn run(hris: skillbridge::kombo::Integration) -> Result<(), skillbridge::sync::SyncError> {
/// use skillbridge::kombo::StaffingEntitySkill;
/// use skillbridge::sync::{Change, FileCheckpointStore, Sink};
///
/// struct Printer;
///
/// impl Sink<StaffingEntitySkill> for Printer {
///     type Error = std::convert::Infallible;
///
///     async fn apply(&mut self, changes: &[Change<StaffingEntitySkill>]) -> Result<(), Self::Error> {
///         for change in changes {
///             match change {
///                 Change::Upsert(skill) => println!("upsert {} on {}", skill.skill_id, skill.staffing_entity_id),
///                 Change::Delete(id) => println!("delete {id}"),
///             }
///         }
///         Ok(())
///     }
/// }
///
/// let store = FileCheckpointStore::open("skills.checkpoint.json")?;
/// let summary = hris.staffing_entity_skills().page_size(250).sync().run(&mut (Printer, store)).await?;
/// println!("{} upserted, {} deleted", summary.upserted, summary.deleted);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
#[must_use = "a sync does nothing until run"]
pub struct SyncStaffingEntitySkills {
    listing: ListStaffingEntitySkills,
    options: SyncOptions,
}

impl ListStaffingEntitySkills {
    /// A sync of this listing's records into a mirror. The filters that choose records (ids,
    /// staffing entities, skills) bind its checkpoints; `updated_after`, `include_deleted` and
    /// `cursor` are the engine's to set, and a listing that sets them is refused when the sync runs.
    pub fn sync(self) -> SyncStaffingEntitySkills {
        SyncStaffingEntitySkills {
            listing: self,
            options: SyncOptions::default(),
        }
    }
}

impl SyncStaffingEntitySkills {
    /// A run fetches everything when the last full fetch is older than `period` (default 7 days).
    pub fn full_fetch_every(mut self, period: Duration) -> Self {
        self.options.full_fetch_every = period;
        self
    }

    /// How far before a run's start the next run's `updated_after` reaches (default 5 minutes).
    pub fn clock_skew_margin(mut self, margin: Duration) -> Self {
        self.options.clock_skew_margin = margin;
        self
    }

    /// Whether this run fetches everything, whatever the checkpoint says (default `false`). It also
    /// abandons an interrupted run instead of resuming it: the way out when the server no longer
    /// accepts the cursor the checkpoint saved.
    pub fn full(mut self, full: bool) -> Self {
        self.options.force_full = full;
        self
    }

    /// Runs the sync into `destination`: resumes an interrupted run, or starts a full or
    /// incremental one.
    pub async fn run<D: Destination<StaffingEntitySkill>>(&self, destination: &mut D) -> Result<Summary, SyncError> {
        if let Some(field) = self.listing.sync_owned_input() {
            return Err(Error::invalid(field, "is set by the sync engine; leave it out of a synced listing").into());
        }
        sync::run(self, &self.options, destination).await
    }
}

impl Source for SyncStaffingEntitySkills {
    type Record = StaffingEntitySkill;

    const SNAPSHOT: bool = false;

    fn scope(&self) -> String {
        self.listing.sync_scope()
    }

    fn pages(
        &self,
        since: Option<DateTime<Utc>>,
        cursor: Option<String>,
    ) -> BoxStream<'static, Result<SourcePage<StaffingEntitySkill>>> {
        let mut listing = self.listing.clone().include_deleted(true);
        if let Some(since) = since {
            listing = listing.updated_after(since);
        }
        if let Some(cursor) = cursor {
            listing = listing.cursor(cursor);
        }
        listing
            .pages()
            .map_ok(|page| SourcePage {
                continuation: page.continuation(),
                records: page.results,
            })
            .boxed()
    }

    fn is_deleted(record: &StaffingEntitySkill) -> bool {
        record.is_deleted()
    }
}

/// The mirror's table: one row per record ever delivered; a record deleted upstream (or no
/// longer listed by a full fetch) stays with `deleted = 1`. `WITHOUT ROWID`: the id is the key,
/// so the table is one B-tree instead of a table and an index on `id`.
#[cfg(feature = "sqlite")]
#[cfg_attr(docsrs, doc(cfg(feature = "sqlite")))]
impl sync::sqlite::private::Sealed for StaffingEntitySkill {
    const TABLE: &'static str = "kombo_staffing_entity_skills";
    const SCHEMA: &'static str = "CREATE TABLE IF NOT EXISTS kombo_staffing_entity_skills (
        id TEXT PRIMARY KEY,
        staffing_entity_id TEXT NOT NULL,
        skill_id TEXT NOT NULL,
        expected_level INTEGER,
        deleted INTEGER NOT NULL
    ) WITHOUT ROWID";

    fn upsert(connection: &rusqlite::Connection, record: &Self) -> rusqlite::Result<()> {
        connection
            .prepare_cached(
                "INSERT INTO kombo_staffing_entity_skills (id, staffing_entity_id, skill_id, expected_level, deleted)
                 VALUES (?1, ?2, ?3, ?4, 0)
                 ON CONFLICT (id) DO UPDATE SET staffing_entity_id = excluded.staffing_entity_id,
                     skill_id = excluded.skill_id, expected_level = excluded.expected_level, deleted = 0",
            )?
            .execute(rusqlite::params![
                record.id.as_str(),
                record.staffing_entity_id.as_str(),
                record.skill_id.as_str(),
                record.expected_level.map(super::model::ExpectedLevel::get),
            ])
            .map(drop)
    }

    fn delete(connection: &rusqlite::Connection, id: &str) -> rusqlite::Result<()> {
        connection
            .prepare_cached("UPDATE kombo_staffing_entity_skills SET deleted = 1 WHERE id = ?1")?
            .execute([id])
            .map(drop)
    }
}

#[cfg(feature = "sqlite")]
#[cfg_attr(docsrs, doc(cfg(feature = "sqlite")))]
impl sync::sqlite::SqliteRecord for StaffingEntitySkill {}
