//! Mirroring employees' skill clusters. The export has no change filter, so each run exports
//! everything and compares each employee with what the last run saw, by content hash.

use chrono::{DateTime, Utc};
use futures_util::stream::{BoxStream, StreamExt, TryStreamExt};

use super::export::ExportEmployeeSkillClusters;
use super::model::{EmployeeId, EmployeeSkillClusters};
use crate::error::{Error, Result};
use crate::pagination::Page;
use crate::sync::{self, Destination, Record, Source, SourcePage, Summary, SyncError, SyncOptions};

impl Record for EmployeeSkillClusters {
    type Id = EmployeeId;

    fn id(&self) -> &EmployeeId {
        &self.external_id
    }
}

/// A sync of an export's employees into a mirror, from [`ExportEmployeeSkillClusters::sync`];
/// see [`sync`](crate::sync) for the guarantees.
///
/// Every run exports every employee the filters select, page by page, and keeps a content hash
/// per employee in the store: a new or changed employee becomes a
/// [`Change::Upsert`](crate::sync::Change::Upsert), an unchanged one no change, and once the last
/// page is acknowledged each employee the export no longer has becomes a
/// [`Change::Delete`](crate::sync::Change::Delete) of their `external_id`. Memory holds a page at
/// a time whatever the number of employees (with a store that keeps its ledger on disk, such as
/// `sqlite::SqliteStore`).
#[derive(Debug, Clone)]
#[must_use = "a sync does nothing until run"]
pub struct SyncEmployeeSkillClusters {
    export: ExportEmployeeSkillClusters,
}

impl ExportEmployeeSkillClusters {
    /// A sync of this export's employees into a mirror. Its filters and includes bind its
    /// checkpoints; `starting_after` is the engine's to set, and an export that sets it is refused
    /// when the sync runs.
    pub fn sync(self) -> SyncEmployeeSkillClusters {
        SyncEmployeeSkillClusters { export: self }
    }
}

impl SyncEmployeeSkillClusters {
    /// Runs the sync into `destination`: resumes an interrupted run, or starts a new one.
    pub async fn run<D: Destination<EmployeeSkillClusters>>(&self, destination: &mut D) -> Result<Summary, SyncError> {
        if self.export.has_start() {
            return Err(Error::invalid(
                "starting_after",
                "is set by the sync engine; leave it out of a synced export",
            )
            .into());
        }
        sync::run(self, &SyncOptions::default(), destination).await
    }
}

impl Source for SyncEmployeeSkillClusters {
    type Record = EmployeeSkillClusters;

    const SNAPSHOT: bool = true;

    fn scope(&self) -> String {
        self.export.sync_scope()
    }

    fn pages(
        &self,
        _since: Option<DateTime<Utc>>,
        cursor: Option<String>,
    ) -> BoxStream<'static, Result<SourcePage<EmployeeSkillClusters>>> {
        let mut export = self.export.clone();
        if let Some(cursor) = cursor {
            export = export.starting_after(cursor);
        }
        export
            .pages()
            .map_ok(|page| SourcePage {
                continuation: page.continuation(),
                records: page.records,
            })
            .boxed()
    }

    fn is_deleted(_: &EmployeeSkillClusters) -> bool {
        false
    }
}

/// The mirror's table: one row per employee and skill cluster; an employee's rows are replaced
/// as a whole, and removed when the export no longer has them.
#[cfg(feature = "sqlite")]
#[cfg_attr(docsrs, doc(cfg(feature = "sqlite")))]
impl sync::sqlite::private::Sealed for EmployeeSkillClusters {
    const TABLE: &'static str = "techwolf_employee_skill_clusters";
    const SCHEMA: &'static str = "CREATE TABLE IF NOT EXISTS techwolf_employee_skill_clusters (
        external_id TEXT NOT NULL,
        skill_cluster_id TEXT NOT NULL,
        skill_cluster_name TEXT NOT NULL,
        proficiency_level INTEGER,
        PRIMARY KEY (external_id, skill_cluster_id)
    ) WITHOUT ROWID";

    fn upsert(connection: &rusqlite::Connection, record: &Self) -> rusqlite::Result<()> {
        Self::delete(connection, record.external_id.as_str())?;
        let mut insert = connection.prepare_cached(
            "INSERT OR REPLACE INTO techwolf_employee_skill_clusters
                 (external_id, skill_cluster_id, skill_cluster_name, proficiency_level)
             VALUES (?1, ?2, ?3, ?4)",
        )?;
        for cluster in &record.skill_clusters {
            insert.execute(rusqlite::params![
                record.external_id.as_str(),
                cluster.skill_cluster_id.to_string(),
                cluster.skill_cluster_name,
                cluster.proficiency_level,
            ])?;
        }
        Ok(())
    }

    fn delete(connection: &rusqlite::Connection, id: &str) -> rusqlite::Result<()> {
        connection
            .prepare_cached("DELETE FROM techwolf_employee_skill_clusters WHERE external_id = ?1")?
            .execute([id])
            .map(drop)
    }
}

#[cfg(feature = "sqlite")]
#[cfg_attr(docsrs, doc(cfg(feature = "sqlite")))]
impl sync::sqlite::SqliteRecord for EmployeeSkillClusters {}
