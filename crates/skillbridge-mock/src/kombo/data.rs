//! Kombo's seeded staffing entities, skills and expectations, the writes made to them, and the
//! paging over both: records are hashes of `(seed, index)`, so memory grows with writes only.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::RwLock;

use serde::Serialize;

use super::ids::{EXPECTATION, KomboId, KomboIds, SKILL, STAFFING_ENTITY};
use super::query::Filters;
use crate::ids::{IdKind, hash3};

/// 2024-01-01T00:00:00Z: seeded `changed_at` values fall in the two years from here.
const BASE_START_MS: i64 = 1_704_067_200_000;
const BASE_SPAN_MS: i64 = 730 * 86_400_000;
/// Every seeded record changed before this; writes are stamped after it.
pub(super) const BASE_END_MS: i64 = BASE_START_MS + BASE_SPAN_MS;

const TAG_OFFSET: u64 = 101;
const TAG_RECORD: u64 = 102;
const TAG_CLOSED: u64 = 103;
const TAG_FORCED: u64 = 104;

/// A staffing entity (job, position) that expectations hang on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct StaffingEntity {
    /// Position in the seeded data.
    pub index: u32,
    /// Kombo id (24 characters).
    pub id: String,
    /// Closed entities refuse writes with `HRIS.STAFFING_ENTITY_CLOSED`.
    pub closed: bool,
}

/// A skill expectation as the API returns it, for assertions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Expectation {
    /// Position in listing order (creation order).
    #[serde(skip)]
    pub index: u64,
    /// Kombo id.
    pub id: String,
    /// The remote (source system) id, accepted by the `remote_ids` filter; not in the response.
    #[serde(skip)]
    pub remote_id: String,
    /// Kombo id of the staffing entity.
    pub staffing_entity_id: String,
    /// Kombo id of the skill.
    pub skill_id: String,
    /// 1..=5, or `None`.
    pub expected_level: Option<u8>,
    /// `YYYY-MM-DDTHH:mm:ss.sssZ`.
    pub changed_at: String,
    /// Set when deleted in the remote system.
    pub remote_deleted_at: Option<String>,
}

/// The mutable state of a record; only records that were written have one stored.
#[derive(Clone, Copy, Debug)]
pub(super) struct RecState {
    pub(super) level: Option<u8>,
    pub(super) changed_ms: i64,
    pub(super) deleted_ms: Option<i64>,
}

/// Everything writes changed. Memory grows with writes only, never with the data size.
#[derive(Debug, Default)]
pub(super) struct Writes {
    pub(super) state: BTreeMap<u64, RecState>,
    pub(super) created: Vec<(u32, u32)>,
    pub(super) created_by_pair: HashMap<(u32, u32), u64>,
    pub(super) created_by_entity: HashMap<u32, Vec<u64>>,
    pub(super) last_ms: i64,
}

impl Writes {
    /// The stamp of the next change: the wall clock, but strictly after every earlier stamp and
    /// every seeded `changed_at`, so `updated_after` sees each change even within one millisecond.
    fn next_stamp(&self) -> i64 {
        now_ms().max(self.last_ms + 1).max(BASE_END_MS + 1)
    }

    /// Stores a record's new state, stamped `state.changed_ms` (from [`Writes::next_stamp`]).
    fn store(&mut self, index: u64, state: RecState) {
        self.state.insert(index, state);
        self.last_ms = self.last_ms.max(state.changed_ms);
    }
}

#[derive(Clone, Copy, Debug)]
pub(super) struct Rec {
    pub(super) index: u64,
    pub(super) entity: u32,
    pub(super) skill: u32,
    pub(super) state: RecState,
}

/// Data sizes for Kombo.
#[derive(Clone, Copy, Debug)]
pub(crate) struct KomboSizes {
    pub(crate) staffing_entities: u32,
    pub(crate) skills_per_entity: u32,
    pub(crate) skill_catalog: u32,
}

/// Seeded staffing entities, skills and expectations. Expectation `i` belongs to entity
/// `i / skills_per_entity`; its skill, level, timestamps and deletion are hashes of `(seed, i)`.
#[derive(Debug)]
pub(crate) struct KomboData {
    seed: u64,
    pub(super) ids: KomboIds,
    entities: u32,
    per_entity: u32,
    skills: u32,
    base: u64,
    forced_closed: Option<u32>,
    writes: RwLock<Writes>,
    pub(crate) unsupported_filters: Vec<String>,
}

pub(super) fn ms_to_string(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

pub(super) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or_default()
}

impl KomboData {
    pub(crate) fn new(seed: u64, sizes: KomboSizes, unsupported_filters: Vec<String>) -> Self {
        let per_entity = sizes.skills_per_entity;
        // Each entity has distinct skills, so the catalog must be at least that large.
        let skills = sizes.skill_catalog.max(per_entity).max(1);
        let entities = sizes.staffing_entities;
        // With two or more entities at least one is closed, so tests can always find one.
        let forced_closed = (entities >= 2).then(|| (hash3(seed, TAG_FORCED, 0) % u64::from(entities)) as u32);
        Self {
            seed,
            ids: KomboIds::new(seed),
            entities,
            per_entity,
            skills,
            base: u64::from(entities) * u64::from(per_entity),
            forced_closed,
            writes: RwLock::new(Writes::default()),
            unsupported_filters,
        }
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Writes> {
        self.writes.read().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn entity_count(&self) -> u32 {
        self.entities
    }

    pub(crate) fn skill_count(&self) -> u32 {
        self.skills
    }

    pub(super) fn is_closed(&self, e: u32) -> bool {
        self.forced_closed == Some(e) || hash3(self.seed, TAG_CLOSED, u64::from(e)).is_multiple_of(20)
    }

    pub(crate) fn entity(&self, e: u32) -> Option<StaffingEntity> {
        (e < self.entities).then(|| StaffingEntity {
            index: e,
            id: self.ids.encode(STAFFING_ENTITY, u64::from(e)).as_str().to_owned(),
            closed: self.is_closed(e),
        })
    }

    pub(crate) fn skill_id(&self, s: u32) -> Option<String> {
        (s < self.skills).then(|| self.ids.encode(SKILL, u64::from(s)).as_str().to_owned())
    }

    fn offset(&self, e: u32) -> u32 {
        (hash3(self.seed, TAG_OFFSET, u64::from(e)) % u64::from(self.skills)) as u32
    }

    fn base_index(&self, e: u32, s: u32) -> Option<u64> {
        let j = (s + self.skills - self.offset(e)) % self.skills;
        (j < self.per_entity).then(|| u64::from(e) * u64::from(self.per_entity) + u64::from(j))
    }

    pub(crate) fn total(&self) -> u64 {
        self.base + self.read().created.len() as u64
    }

    pub(super) fn total_in(&self, w: &Writes) -> u64 {
        self.base + w.created.len() as u64
    }

    pub(super) fn rec(&self, w: &Writes, i: u64) -> Option<Rec> {
        if i < self.base {
            let per = u64::from(self.per_entity);
            let entity = (i / per) as u32;
            let skill = ((u64::from(self.offset(entity)) + i % per) % u64::from(self.skills)) as u32;
            let state = w.state.get(&i).copied().unwrap_or_else(|| {
                let h = hash3(self.seed, TAG_RECORD, i);
                let level = (!h.is_multiple_of(10)).then(|| 1 + ((h >> 8) % 5) as u8);
                let changed_ms = BASE_START_MS + ((h >> 24) % BASE_SPAN_MS as u64) as i64;
                let deleted_ms = (h >> 16).is_multiple_of(20).then_some(changed_ms);
                RecState {
                    level,
                    changed_ms,
                    deleted_ms,
                }
            });
            Some(Rec {
                index: i,
                entity,
                skill,
                state,
            })
        } else {
            let pos = usize::try_from(i - self.base).ok()?;
            let (entity, skill) = *w.created.get(pos)?;
            let state = *w.state.get(&i)?;
            Some(Rec {
                index: i,
                entity,
                skill,
                state,
            })
        }
    }

    fn remote_id(index: u64) -> String {
        format!("SES-{:08}", index + 1)
    }

    fn decode_remote_id(s: &str) -> Option<u64> {
        s.strip_prefix("SES-")?.parse::<u64>().ok()?.checked_sub(1)
    }

    fn to_expectation(&self, r: &Rec) -> Expectation {
        Expectation {
            index: r.index,
            id: self.ids.encode(EXPECTATION, r.index).as_str().to_owned(),
            remote_id: Self::remote_id(r.index),
            staffing_entity_id: self
                .ids
                .encode(STAFFING_ENTITY, u64::from(r.entity))
                .as_str()
                .to_owned(),
            skill_id: self.ids.encode(SKILL, u64::from(r.skill)).as_str().to_owned(),
            expected_level: r.state.level,
            changed_at: ms_to_string(r.state.changed_ms),
            remote_deleted_at: r.state.deleted_ms.map(ms_to_string),
        }
    }

    pub(crate) fn expectation(&self, i: u64) -> Option<Expectation> {
        let w = self.read();
        self.rec(&w, i).map(|r| self.to_expectation(&r))
    }

    pub(crate) fn expectation_by_id(&self, id: &str) -> Option<Expectation> {
        self.expectation(self.ids.decode(EXPECTATION, id)?)
    }

    pub(super) fn find(&self, w: &Writes, e: u32, s: u32) -> Option<u64> {
        self.base_index(e, s)
            .or_else(|| w.created_by_pair.get(&(e, s)).copied())
    }

    pub(crate) fn find_expectation(&self, staffing_entity_id: &str, skill_id: &str) -> Option<Expectation> {
        let e = u32::try_from(self.ids.decode(STAFFING_ENTITY, staffing_entity_id)?).ok()?;
        let s = u32::try_from(self.ids.decode(SKILL, skill_id)?).ok()?;
        if e >= self.entities || s >= self.skills {
            return None;
        }
        let w = self.read();
        let i = self.find(&w, e, s)?;
        self.rec(&w, i).map(|r| self.to_expectation(&r))
    }

    /// The index of a staffing entity by Kombo id, if it exists.
    pub(super) fn entity_index(&self, id: &str) -> Option<u32> {
        let e = u32::try_from(self.ids.decode(STAFFING_ENTITY, id)?).ok()?;
        (e < self.entities).then_some(e)
    }

    /// The index of a skill by Kombo id, if it exists.
    pub(super) fn skill_index(&self, id: &str) -> Option<u32> {
        let s = u32::try_from(self.ids.decode(SKILL, id)?).ok()?;
        (s < self.skills).then_some(s)
    }

    fn write_lock(&self) -> std::sync::RwLockWriteGuard<'_, Writes> {
        self.writes.write().unwrap_or_else(|e| e.into_inner())
    }

    /// Creates or updates the expectation of `skill` on `entity`; `None` only if the record
    /// vanished, which cannot happen while the lock is held.
    pub(super) fn write(&self, entity: u32, skill: u32, level: Option<u8>) -> Option<Rec> {
        let mut w = self.write_lock();
        let index = match self.find(&w, entity, skill) {
            Some(i) => i,
            None => {
                let i = self.total_in(&w);
                w.created.push((entity, skill));
                w.created_by_pair.insert((entity, skill), i);
                w.created_by_entity.entry(entity).or_default().push(i);
                let stamp = w.next_stamp();
                w.store(
                    i,
                    RecState {
                        level,
                        changed_ms: stamp,
                        deleted_ms: None,
                    },
                );
                i
            }
        };
        self.write_at(&mut w, index, level)
    }

    /// Sets the level of the record at `index` as an upsert does: a deleted record is restored,
    /// and `changed_at` moves only when a field changes. `None` if there is no such record.
    fn write_at(&self, w: &mut Writes, index: u64, level: Option<u8>) -> Option<Rec> {
        let mut rec = self.rec(w, index)?;
        // `changed_at` only moves when a field on the record changes (Kombo's sync guidance).
        if rec.state.level != level || rec.state.deleted_ms.is_some() {
            rec.state = RecState {
                level,
                changed_ms: w.next_stamp(),
                deleted_ms: None,
            };
            w.store(index, rec.state);
        }
        Some(rec)
    }

    /// Sets the level of the expectation with this Kombo id through the upsert's write path;
    /// `false` for an unknown id or a level outside 1..=5.
    pub(crate) fn set_level(&self, id: &str, level: Option<u8>) -> bool {
        if level.is_some_and(|l| !(1..=5).contains(&l)) {
            return false;
        }
        let Some(index) = self.ids.decode(EXPECTATION, id) else {
            return false;
        };
        let mut w = self.write_lock();
        self.write_at(&mut w, index, level).is_some()
    }

    /// Deletes the expectation with this Kombo id in the remote system, now: `remote_deleted_at`
    /// and `changed_at` both take the next stamp. `false` for an unknown id or a deleted record.
    pub(crate) fn delete(&self, id: &str) -> bool {
        let Some(index) = self.ids.decode(EXPECTATION, id) else {
            return false;
        };
        let mut w = self.write_lock();
        let Some(rec) = self.rec(&w, index) else {
            return false;
        };
        if rec.state.deleted_ms.is_some() {
            return false;
        }
        let stamp = w.next_stamp();
        w.store(
            index,
            RecState {
                level: rec.state.level,
                changed_ms: stamp,
                deleted_ms: Some(stamp),
            },
        );
        true
    }

    /// Records not deleted in the remote system: what a listing without `include_deleted` returns.
    /// O(total): meant for test assertions, not for hot paths.
    pub(crate) fn visible_count(&self) -> u64 {
        let w = self.read();
        (0..self.total_in(&w))
            .filter_map(|i| self.rec(&w, i))
            .filter(|r| r.state.deleted_ms.is_none())
            .count() as u64
    }
}

/// Filters resolved to indices; `None` = not filtered.
pub(super) struct Compiled {
    pub(super) ids: Option<HashSet<u64>>,
    pub(super) remote_ids: Option<HashSet<u64>>,
    pub(super) entities: Option<HashSet<u32>>,
    pub(super) skills: Option<HashSet<u32>>,
    pub(super) updated_after: Option<i64>,
    pub(super) include_deleted: bool,
}

impl Compiled {
    fn matches(&self, r: &Rec) -> bool {
        (self.include_deleted || r.state.deleted_ms.is_none())
            && self.updated_after.is_none_or(|t| r.state.changed_ms >= t)
            && self.ids.as_ref().is_none_or(|s| s.contains(&r.index))
            && self.remote_ids.as_ref().is_none_or(|s| s.contains(&r.index))
            && self.entities.as_ref().is_none_or(|s| s.contains(&r.entity))
            && self.skills.as_ref().is_none_or(|s| s.contains(&r.skill))
    }
}

#[derive(Serialize)]
pub(super) struct RecordOut {
    pub(super) id: KomboId,
    pub(super) staffing_entity_id: KomboId,
    pub(super) skill_id: KomboId,
    pub(super) expected_level: Option<u8>,
    pub(super) changed_at: String,
    pub(super) remote_deleted_at: Option<String>,
}

impl KomboData {
    pub(super) fn record_out(&self, r: &Rec) -> RecordOut {
        RecordOut {
            id: self.ids.encode(EXPECTATION, r.index),
            staffing_entity_id: self.ids.encode(STAFFING_ENTITY, u64::from(r.entity)),
            skill_id: self.ids.encode(SKILL, u64::from(r.skill)),
            expected_level: r.state.level,
            changed_at: ms_to_string(r.state.changed_ms),
            remote_deleted_at: r.state.deleted_ms.map(ms_to_string),
        }
    }

    pub(super) fn compile(&self, f: &Filters, total: u64) -> Compiled {
        let kombo_set = |list: &Option<Vec<String>>, kind: IdKind, limit: u64| {
            list.as_ref().map(|l| {
                l.iter()
                    .filter_map(|id| self.ids.decode(kind, id))
                    .filter(|i| *i < limit)
                    .collect::<HashSet<u64>>()
            })
        };
        let narrow =
            |set: Option<HashSet<u64>>| set.map(|s| s.into_iter().filter_map(|i| u32::try_from(i).ok()).collect());
        Compiled {
            ids: kombo_set(&f.ids, EXPECTATION, total),
            remote_ids: f.remote_ids.as_ref().map(|l| {
                l.iter()
                    .filter_map(|r| Self::decode_remote_id(r))
                    .filter(|i| *i < total)
                    .collect()
            }),
            entities: narrow(kombo_set(
                &f.staffing_entity_ids,
                STAFFING_ENTITY,
                u64::from(self.entities),
            )),
            skills: narrow(kombo_set(&f.skill_ids, SKILL, u64::from(self.skills))),
            updated_after: f.updated_after,
            include_deleted: f.include_deleted,
        }
    }

    /// One page: candidates come from the most selective index available, so a page costs
    /// O(page) for id, entity and recent `updated_after` filters and never materialises the data.
    /// Returns the page and, when more records match, the index to continue after.
    pub(super) fn page(
        &self,
        filters: &Filters,
        page_size: usize,
        after: Option<u64>,
    ) -> (Vec<RecordOut>, Option<u64>) {
        let w = self.read();
        let total = self.total_in(&w);
        let c = self.compile(filters, total);
        let start = after.map_or(0, |a| a.saturating_add(1));
        let sorted = |set: &HashSet<u64>| {
            let mut v: Vec<u64> = set.iter().copied().filter(|i| *i >= start).collect();
            v.sort_unstable();
            v
        };
        let candidates: Box<dyn Iterator<Item = u64> + '_> = if let Some(ids) = &c.ids {
            Box::new(sorted(ids).into_iter())
        } else if let Some(ids) = &c.remote_ids {
            Box::new(sorted(ids).into_iter())
        } else if let Some(entities) = &c.entities {
            let per = u64::from(self.per_entity);
            let mut all: HashSet<u64> = HashSet::new();
            for e in entities {
                all.extend(u64::from(*e) * per..(u64::from(*e) + 1) * per);
                if let Some(created) = w.created_by_entity.get(e) {
                    all.extend(created.iter().copied());
                }
            }
            Box::new(sorted(&all).into_iter())
        } else if c.updated_after.is_some_and(|t| t > BASE_END_MS) {
            // Only written records can be that recent.
            Box::new(w.state.range(start..).map(|(i, _)| *i))
        } else {
            Box::new(start..total)
        };
        let mut results = Vec::with_capacity(page_size);
        let mut last = None;
        let mut more = false;
        for i in candidates {
            let Some(r) = self.rec(&w, i) else { continue };
            if !c.matches(&r) {
                continue;
            }
            if results.len() == page_size {
                more = true;
                break;
            }
            results.push(self.record_out(&r));
            last = Some(i);
        }
        (results, if more { last } else { None })
    }
}
