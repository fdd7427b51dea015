//! Kombo's skill catalog, as `GET /hris/skills` serves it: the skills that expectations name by
//! `skill_id`, each with a name, remote id, description, levels and timestamp computed from
//! `(seed, index)`.
//!
//! Provenance: Kombo's "Get skills" (closed beta), documented in the Kombo Ruby SDK generated
//! from Kombo's OpenAPI spec, repository `acaloiaro/kombo-ruby-sdk`, files
//! `docs/UnifiedHRISAPIApi.md` (section `get_hris_skills`) and
//! `docs/GetHrisSkillsPositiveResponseDataResultsInner.md`, and in Kombo's TypeScript types
//! (`GetHrisSkillsPositiveResponse`). Records: `id`, `remote_id`, `name`, `description` (or null),
//! `ordered_levels` (or null), `changed_at`, `remote_deleted_at` (or null), `remote_data` (or
//! null); query parameters `ids`, `remote_ids`, `name_contains`; no paging parameters, so the
//! answer holds every match and `next` is null.
//!
//! Names come from a vocabulary the composition point hands in (the other vendor's skill names),
//! so that an expectation's skill joins, by name, with employees' skills there.

use std::collections::BTreeSet;

use serde::Serialize;

use super::data::ms_to_string;
use super::ids::{KomboIds, SKILL};
use super::query::SkillsQuery;
use crate::ids::hash3;

/// Orders the vocabulary for a seed.
const TAG_NAME_ORDER: u64 = 105;
/// A skill's description, levels and `changed_at`.
const TAG_SKILL: u64 = 106;

/// 2024-01-01T00:00:00Z and two years: where seeded `changed_at` values fall, as for expectations.
const CHANGED_START_MS: i64 = 1_704_067_200_000;
const CHANGED_SPAN_MS: u64 = 730 * 86_400_000;

/// The levels of a skill that has levels: five, as `expected_level` runs 1..=5 (level `n` is
/// `ordered_levels[n - 1]`). Kombo's own example is `["Beginner", "Intermediate", "Advanced"]`.
const LEVELS: [&str; 5] = ["Beginner", "Intermediate", "Advanced", "Expert", "Master"];

/// A skill of Kombo's catalog, as `GET /hris/skills` returns it (less `remote_data`, always null).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct CatalogSkill {
    /// Position in the catalog (the listing's order).
    #[serde(skip)]
    pub index: u32,
    /// Kombo id, the `skill_id` of expectations.
    pub id: String,
    /// The remote (source system) id, `SKL-<index + 1, 8 digits>`.
    pub remote_id: String,
    /// A name from the vocabulary the server was given.
    pub name: String,
    /// About a third of the skills have none.
    pub description: Option<String>,
    /// Five levels, lowest first, or `None` (about a quarter of the skills).
    pub ordered_levels: Option<Vec<String>>,
    /// `YYYY-MM-DDTHH:mm:ss.sssZ`, in 2024-2025.
    pub changed_at: String,
    /// Always `None`: no seeded skill is deleted.
    pub remote_deleted_at: Option<String>,
}

/// One record of the answer: a skill and its `remote_data`.
#[derive(Serialize)]
pub(super) struct SkillOut {
    #[serde(flatten)]
    skill: CatalogSkill,
    remote_data: Option<serde_json::Value>,
}

/// The catalog: `count` skills, named from a vocabulary in an order the seed fixes.
#[derive(Debug)]
pub(crate) struct SkillCatalog {
    seed: u64,
    ids: KomboIds,
    count: u32,
    /// (skill name, its group) in the seed's order; skill `i` has word `i % len`.
    words: Vec<(&'static str, &'static str)>,
}

impl SkillCatalog {
    /// `count` skills named from `vocabulary` ((skill name, group) pairs): the first
    /// `vocabulary.len()` skills have distinct names, a larger catalog repeats them (the ids tell
    /// them apart). An empty vocabulary names skills `Skill <index + 1>`.
    pub(crate) fn new(seed: u64, count: u32, vocabulary: &[(&'static str, &'static str)]) -> Self {
        let mut words = vocabulary.to_vec();
        words.sort_unstable();
        words.dedup_by_key(|w| w.0);
        // Sorted first so the order depends on the seed and the words, not on how they came.
        words.sort_by_cached_key(|w| hash3(seed, TAG_NAME_ORDER, crate::ids::fnv1a(w.0.as_bytes())));
        Self {
            seed,
            ids: KomboIds::new(seed),
            count,
            words,
        }
    }

    fn word(&self, i: u32) -> Option<(&'static str, &'static str)> {
        let len = u32::try_from(self.words.len()).ok().filter(|n| *n > 0)?;
        self.words.get((i % len) as usize).copied()
    }

    /// The name of skill `i`, if it exists.
    pub(crate) fn name(&self, i: u32) -> Option<String> {
        (i < self.count).then(|| match self.word(i) {
            Some((name, _)) => name.to_owned(),
            None => format!("Skill {}", u64::from(i) + 1),
        })
    }

    fn remote_id(i: u32) -> String {
        format!("SKL-{:08}", u64::from(i) + 1)
    }

    fn decode_remote_id(s: &str) -> Option<u32> {
        s.strip_prefix("SKL-")?.parse::<u32>().ok()?.checked_sub(1)
    }

    /// Skill `i`, if it exists.
    pub(crate) fn skill(&self, i: u32) -> Option<CatalogSkill> {
        let name = self.name(i)?;
        let h = hash3(self.seed, TAG_SKILL, u64::from(i));
        let description = (!h.is_multiple_of(3)).then(|| match self.word(i) {
            Some((_, group)) => format!("{name}, a skill of the {group} group."),
            None => format!("{name}."),
        });
        let ordered_levels = (!(h >> 8).is_multiple_of(4)).then(|| LEVELS.iter().map(|l| (*l).to_owned()).collect());
        let changed_ms = CHANGED_START_MS + ((h >> 16) % CHANGED_SPAN_MS) as i64;
        Some(CatalogSkill {
            index: i,
            id: self.ids.encode(SKILL, u64::from(i)).as_str().to_owned(),
            remote_id: Self::remote_id(i),
            name,
            description,
            ordered_levels,
            changed_at: ms_to_string(changed_ms),
            remote_deleted_at: None,
        })
    }

    /// The skill with this Kombo id, if it exists.
    pub(crate) fn skill_by_id(&self, id: &str) -> Option<CatalogSkill> {
        self.skill(u32::try_from(self.ids.decode(SKILL, id)?).ok()?)
    }

    /// Indices a list of ids names (unknown ones name nothing), or `None` for no list.
    fn named(&self, list: Option<&[String]>, decode: impl Fn(&str) -> Option<u32>) -> Option<BTreeSet<u32>> {
        list.map(|l| l.iter().filter_map(|s| decode(s)).filter(|i| *i < self.count).collect())
    }

    /// The skills a query selects, in catalog order: OR within a list, AND across filters;
    /// `name_contains` is a case-insensitive substring. O(listed ids), or O(catalog) without ids.
    pub(super) fn select(&self, q: &SkillsQuery) -> Vec<SkillOut> {
        let by_id = self.named(q.ids.as_deref(), |id| u32::try_from(self.ids.decode(SKILL, id)?).ok());
        let by_remote_id = self.named(q.remote_ids.as_deref(), Self::decode_remote_id);
        let candidates: Box<dyn Iterator<Item = u32>> = match (by_id, by_remote_id) {
            (Some(a), Some(b)) => Box::new(a.intersection(&b).copied().collect::<Vec<_>>().into_iter()),
            (Some(set), None) | (None, Some(set)) => Box::new(set.into_iter()),
            (None, None) => Box::new(0..self.count),
        };
        let needle = q.name_contains.as_deref().map(str::to_lowercase);
        candidates
            .filter_map(|i| self.skill(i))
            .filter(|s| needle.as_deref().is_none_or(|n| s.name.to_lowercase().contains(n)))
            .map(|skill| SkillOut {
                skill,
                remote_data: None,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WORDS: [(&str, &str); 4] = [
        ("Rust", "Programming"),
        ("SQL", "Data"),
        ("Budgeting", "Finance"),
        ("Rust", "Programming"),
    ];

    #[test]
    fn names_cycle_through_the_vocabulary_in_the_seeds_order() {
        let c = SkillCatalog::new(7, 7, &WORDS);
        let names: Vec<String> = (0..7).filter_map(|i| c.name(i)).collect();
        assert_eq!(names.len(), 7);
        let first: BTreeSet<&str> = names[..3].iter().map(String::as_str).collect();
        assert_eq!(
            first,
            BTreeSet::from(["Budgeting", "Rust", "SQL"]),
            "a repeated word counts once"
        );
        assert_eq!(names[..3], names[3..6]);
        assert_eq!(c.name(7), None);
        let reordered = SkillCatalog::new(7, 7, &[WORDS[2], WORDS[1], WORDS[0]]);
        assert_eq!(
            reordered.name(0),
            c.name(0),
            "the order depends on the words, not their order"
        );
        assert_eq!(SkillCatalog::new(7, 2, &[]).name(1).as_deref(), Some("Skill 2"));
    }

    #[test]
    fn remote_ids_round_trip_and_skills_decode_their_ids() {
        let c = SkillCatalog::new(3, 5, &WORDS);
        for i in 0..5 {
            let s = c.skill(i).expect("skill");
            assert_eq!(SkillCatalog::decode_remote_id(&s.remote_id), Some(i));
            assert_eq!(c.skill_by_id(&s.id), Some(s));
        }
        assert_eq!(SkillCatalog::decode_remote_id("SKL-00000000"), None);
        assert_eq!(SkillCatalog::decode_remote_id("SES-00000001"), None);
        assert_eq!(c.skill_by_id("not-an-id"), None);
    }
}
