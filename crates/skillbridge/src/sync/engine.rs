//! The run: decide the mode, list page by page, commit each page, sweep after a full listing,
//! finish by moving the watermark.

use std::collections::HashSet;
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures_util::stream::{BoxStream, StreamExt};
use serde::Serialize;

use super::hash::content_hash;
use super::{Change, Checkpoint, Commit, Destination, Mode, Record, RunState, SyncError};
use crate::error::Result;
use crate::pagination::Continuation;

/// Ids a full run's sweep deletes per step.
const SWEEP_BATCH: usize = 1_000;

/// One page of a sync source: its records, and how the listing continues after it.
pub(crate) struct SourcePage<T> {
    pub(crate) records: Vec<T>,
    pub(crate) continuation: Continuation,
}

/// A listing a sync run reads; each vendor module makes its own.
pub(crate) trait Source: Send + Sync {
    /// The records it lists.
    type Record: Record;

    /// Whether every run lists everything and changes come from comparing content with the last
    /// run (an API without a change filter), rather than from a `since` filter.
    const SNAPSHOT: bool;

    /// What a checkpoint made by this source is bound to: the vendor, the account, the filters.
    fn scope(&self) -> String;

    /// The pages of the listing of records changed at or after `since` (all, when `None`),
    /// deleted ones included, starting after `cursor` (at the first page when `None`).
    fn pages(
        &self,
        since: Option<DateTime<Utc>>,
        cursor: Option<String>,
    ) -> BoxStream<'static, Result<SourcePage<Self::Record>>>;

    /// Whether a listed record says it was deleted (it becomes a [`Change::Delete`]).
    fn is_deleted(record: &Self::Record) -> bool;
}

/// When a run fetches everything, and how far back the watermark reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct SyncOptions {
    /// A run fetches everything when the last full fetch is older than this (default 7 days).
    pub full_fetch_every: Duration,
    /// Subtracted from a run's start to make the next watermark, so that a server clock behind
    /// ours loses nothing (default 5 minutes; the few records changed within it come twice).
    pub clock_skew_margin: Duration,
    /// Fetch everything on this run, whatever the checkpoint says, abandoning an interrupted run
    /// instead of resuming it.
    pub force_full: bool,
}

impl Default for SyncOptions {
    fn default() -> Self {
        Self {
            full_fetch_every: Duration::from_secs(7 * 86_400),
            clock_skew_margin: Duration::from_secs(300),
            force_full: false,
        }
    }
}

/// What a run did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Summary {
    /// Whether the run fetched everything or only changes.
    pub mode: Mode,
    /// Records upserted into the mirror.
    pub upserted: u64,
    /// Ids deleted from the mirror (deleted upstream, or no longer listed by a full fetch).
    pub deleted: u64,
    /// Pages this run fetched (a resumed run: those after the last acknowledged one).
    pub pages: u64,
    /// Whether the run continued an interrupted one.
    pub resumed: bool,
}

/// Runs `source` into `destination` (see the [module docs](super)).
pub(crate) async fn run<S, D>(source: &S, options: &SyncOptions, destination: &mut D) -> Result<Summary, SyncError>
where
    S: Source,
    D: Destination<S::Record>,
{
    let scope = source.scope();
    let mut checkpoint = match destination.load()? {
        Some(saved) if saved.scope != scope => {
            return Err(SyncError::ScopeMismatch {
                stored: saved.scope,
                requested: scope,
            });
        }
        Some(saved) => saved,
        None => Checkpoint::new(scope),
    };
    let now = Utc::now();
    let (mut run, resumed) = match checkpoint.run.take() {
        // A forced full fetch starts over: the way out of a run whose cursor the server no longer
        // accepts. Starting over is always safe: the new run's generation sweeps what it misses.
        Some(run) if !options.force_full => (run, true),
        _ => (new_run::<S>(&checkpoint, options, now), false),
    };
    checkpoint.generation = run.generation;
    let mut summary = Summary {
        mode: run.mode,
        upserted: 0,
        deleted: 0,
        pages: 0,
        resumed,
    };

    if !run.listed {
        let mut pages = source.pages(run.since, run.cursor.clone());
        while let Some(page) = pages.next().await {
            let SourcePage { records, continuation } = page?;
            summary.pages += 1;
            let mut commit = changes_of::<S, D>(records, run.generation, destination)?;
            match continuation {
                Continuation::Next(cursor) => run.cursor = Some(cursor),
                Continuation::End => {
                    run.cursor = None;
                    run.listed = true;
                }
            }
            checkpoint.run = Some(run.clone());
            commit.checkpoint = checkpoint.clone();
            count(&mut summary, &commit.changes);
            destination.commit(commit).await?;
            if run.listed {
                break;
            }
        }
        if !run.listed {
            // The page stream ends after its last page or on an error, which was returned above.
            return Err(SyncError::Api(crate::Error::invalid(
                "listing",
                "ended without a last page",
            )));
        }
    }

    if run.mode == Mode::Full {
        // Everything the ledger holds that this run did not see is gone upstream.
        let mut swept = HashSet::new();
        loop {
            let unseen = destination.unseen(run.generation, SWEEP_BATCH)?;
            if unseen.is_empty() {
                break;
            }
            // A store that lists an id again after forgetting it would keep this loop deleting
            // the same records for ever.
            if let Some(id) = unseen.iter().find(|id| !swept.insert((*id).clone())) {
                return Err(SyncError::Inconsistent { id: id.clone() });
            }
            let changes: Vec<_> = unseen
                .iter()
                .map(|id| Change::Delete(<S::Record as Record>::Id::from(id.clone())))
                .collect();
            count(&mut summary, &changes);
            destination
                .commit(Commit {
                    changes,
                    seen: Vec::new(),
                    forgotten: unseen,
                    generation: run.generation,
                    checkpoint: checkpoint.clone(),
                })
                .await?;
        }
        checkpoint.last_full_fetch = Some(run.started);
    }
    checkpoint.watermark = Some(watermark(run.started, options.clock_skew_margin));
    checkpoint.run = None;
    destination
        .commit(Commit {
            changes: Vec::new(),
            seen: Vec::new(),
            forgotten: Vec::new(),
            generation: run.generation,
            checkpoint,
        })
        .await?;
    Ok(summary)
}

/// A new run's mode, bounds and generation.
fn new_run<S: Source>(checkpoint: &Checkpoint, options: &SyncOptions, now: DateTime<Utc>) -> RunState {
    let full_is_due = match checkpoint.last_full_fetch {
        None => true,
        Some(last) => (now - last).to_std().is_ok_and(|age| age >= options.full_fetch_every),
    };
    let mode = if S::SNAPSHOT || options.force_full || full_is_due || checkpoint.watermark.is_none() {
        Mode::Full
    } else {
        Mode::Incremental
    };
    RunState {
        mode,
        started: now,
        since: match mode {
            Mode::Full => None,
            Mode::Incremental => checkpoint.watermark,
        },
        cursor: None,
        listed: false,
        generation: checkpoint.generation.saturating_add(1),
    }
}

/// `started` moved back by the margin (a margin beyond chrono's range moves it to the start of time).
fn watermark(started: DateTime<Utc>, margin: Duration) -> DateTime<Utc> {
    chrono::Duration::from_std(margin)
        .ok()
        .and_then(|margin| started.checked_sub_signed(margin))
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// A page's changes and ledger entries. A deleted record is a delete and leaves the ledger; on a
/// snapshot source, a record whose content hash the ledger already holds is no change, only seen.
fn changes_of<S, D>(
    records: Vec<S::Record>,
    generation: u64,
    destination: &mut D,
) -> Result<Commit<S::Record>, SyncError>
where
    S: Source,
    D: Destination<S::Record>,
{
    // Only a snapshot comparison needs the contents' hash; the ledger of other sources records
    // which ids the mirror holds (for a full fetch's sweep), and a hash of 0 says nothing.
    let (hashes, held): (Vec<u64>, Vec<Option<u64>>) = if S::SNAPSHOT {
        let ids: Vec<&str> = records.iter().map(|r| r.id().as_ref()).collect();
        (records.iter().map(content_hash).collect(), destination.hashes(&ids)?)
    } else {
        (vec![0; records.len()], vec![None; records.len()])
    };
    let mut commit = Commit {
        changes: Vec::with_capacity(records.len()),
        seen: Vec::with_capacity(records.len()),
        forgotten: Vec::new(),
        generation,
        checkpoint: Checkpoint::new(String::new()),
    };
    for ((record, hash), held) in records.into_iter().zip(hashes).zip(held) {
        let id = record.id().as_ref().to_owned();
        if S::is_deleted(&record) {
            commit.forgotten.push(id);
            commit.changes.push(Change::Delete(record.id().clone()));
        } else {
            commit.seen.push((id, hash));
            if held != Some(hash) {
                commit.changes.push(Change::Upsert(record));
            }
        }
    }
    Ok(commit)
}

fn count<T: Record>(summary: &mut Summary, changes: &[Change<T>]) {
    for change in changes {
        match change {
            Change::Upsert(_) => summary.upserted += 1,
            Change::Delete(_) => summary.deleted += 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::testing::Item;

    /// A source with a change filter; `SNAPSHOT` is the only thing `new_run` asks of it.
    struct Listing;

    impl Source for Listing {
        type Record = Item;
        const SNAPSHOT: bool = false;

        fn scope(&self) -> String {
            "listing".to_owned()
        }

        /// One empty last page.
        fn pages(&self, _: Option<DateTime<Utc>>, _: Option<String>) -> BoxStream<'static, Result<SourcePage<Item>>> {
            let last = SourcePage {
                records: Vec::new(),
                continuation: Continuation::End,
            };
            futures::stream::iter([Ok(last)]).boxed()
        }

        fn is_deleted(_: &Item) -> bool {
            false
        }
    }

    /// A run is incremental only with a watermark and a full fetch younger than `full_fetch_every`,
    /// unless forced; otherwise it fetches everything.
    #[test]
    fn a_run_is_incremental_only_from_a_watermark_and_a_recent_full_fetch() {
        let now = Utc::now();
        let options = SyncOptions::default();
        let hour = chrono::Duration::hours(1);
        let mut checkpoint = Checkpoint::new("listing");
        checkpoint.generation = 4;
        let fresh = new_run::<Listing>(&checkpoint, &options, now);
        assert_eq!((fresh.mode, fresh.since, fresh.generation), (Mode::Full, None, 5));

        checkpoint.watermark = Some(now - hour);
        checkpoint.last_full_fetch = Some(now - hour);
        let next = new_run::<Listing>(&checkpoint, &options, now);
        assert_eq!((next.mode, next.since), (Mode::Incremental, Some(now - hour)));

        let forced = SyncOptions {
            force_full: true,
            ..options
        };
        assert_eq!(new_run::<Listing>(&checkpoint, &forced, now).mode, Mode::Full);

        let week_old = Checkpoint {
            last_full_fetch: Some(now - chrono::Duration::days(7)),
            ..checkpoint.clone()
        };
        assert_eq!(
            new_run::<Listing>(&week_old, &options, now).mode,
            Mode::Full,
            "a full fetch is due"
        );

        // A store that kept the full fetch but lost the watermark: nothing says where to resume.
        let no_watermark = Checkpoint {
            watermark: None,
            ..checkpoint
        };
        let run = new_run::<Listing>(&no_watermark, &options, now);
        assert_eq!((run.mode, run.since), (Mode::Full, None));
    }

    /// A destination whose ledger never forgets: it lists `gone` as unseen whatever it is told.
    #[derive(Default)]
    struct Unforgetting {
        deletes: usize,
    }

    impl Destination<Item> for Unforgetting {
        fn load(&mut self) -> Result<Option<Checkpoint>, SyncError> {
            Ok(None)
        }

        fn hashes(&mut self, ids: &[&str]) -> Result<Vec<Option<u64>>, SyncError> {
            Ok(vec![None; ids.len()])
        }

        fn unseen(&mut self, _: u64, _: usize) -> Result<Vec<String>, SyncError> {
            Ok(vec!["gone".to_owned()])
        }

        async fn commit(&mut self, commit: Commit<Item>) -> Result<(), SyncError> {
            self.deletes += commit.changes.len();
            Ok(())
        }
    }

    #[tokio::test]
    async fn a_store_that_lists_a_forgotten_id_again_stops_the_sweep() {
        let mut destination = Unforgetting::default();
        let stopped = run(&Listing, &SyncOptions::default(), &mut destination).await;
        assert!(
            matches!(&stopped, Err(SyncError::Inconsistent { id }) if id == "gone"),
            "{stopped:?}"
        );
        assert_eq!(destination.deletes, 1, "deleted once, not again");
    }
}
