//! The bulk upsert scenario: inputs that create new records, the contenders, and what the
//! server's log and state say about a run.

use std::collections::HashSet;

use futures::StreamExt;
use skillbridge::kombo::{ExpectedLevel, Integration, SkillExpectation};
use skillbridge_mock::{MockServer, Route};

/// Hands out skill expectations that do not exist yet on the server (so each upsert creates one),
/// never the same pair twice: skill `(entity + round) % catalog` on every open entity, round after
/// round.
#[derive(Debug)]
pub struct FreshPairs {
    entities: Vec<String>,
    entity_indexes: Vec<u32>,
    catalog: u32,
    round: u32,
    next_entity: usize,
    handed_out: HashSet<(u32, u32)>,
}

impl FreshPairs {
    /// Pairs on the server's open staffing entities that no seeded record uses yet.
    pub fn new(server: &MockServer) -> Self {
        let open: Vec<_> = server.kombo().staffing_entities().filter(|e| !e.closed).collect();
        Self {
            entity_indexes: open.iter().map(|e| e.index).collect(),
            entities: open.into_iter().map(|e| e.id).collect(),
            catalog: server.kombo().skills_count(),
            round: 0,
            next_entity: 0,
            handed_out: HashSet::new(),
        }
    }

    /// `count` new expectations, levels cycling through 1..=5.
    pub fn take(&mut self, server: &MockServer, count: usize) -> Vec<SkillExpectation> {
        let mut out = Vec::with_capacity(count);
        // Bounded: every (entity, round) pair is visited at most once.
        while out.len() < count && self.round < self.catalog {
            let entity = self.next_entity;
            let index = self.entity_indexes[entity];
            let skill = (index + self.round) % self.catalog;
            self.next_entity += 1;
            if self.next_entity == self.entities.len() {
                self.next_entity = 0;
                self.round += 1;
            }
            let Some(skill_id) = server.kombo().skill_id(skill) else {
                continue;
            };
            let entity_id = &self.entities[entity];
            if server.kombo().find_expectation(entity_id, &skill_id).is_some()
                || !self.handed_out.insert((index, skill))
            {
                continue;
            }
            let level = ExpectedLevel::new(u8::try_from(out.len() % 5 + 1).expect("small")).expect("1..=5");
            out.push(SkillExpectation::new(entity_id.clone(), skill_id).expected_level(level));
        }
        assert_eq!(out.len(), count, "the mock ran out of fresh (entity, skill) pairs");
        out
    }
}

/// What a bulk run did, as seen by the client and checked against the server.
#[derive(Debug, Clone, Copy, Default)]
pub struct BulkResult {
    /// Outcomes that were `Ok`.
    pub ok: u64,
    /// Outcomes that were errors.
    pub failed: u64,
    /// Retries reported by `Kombo::stats()`.
    pub retries: u64,
    /// Requests reported by `Kombo::stats()`.
    pub requests: u64,
}

/// `upsert_many(inputs).concurrency(n)`; checks one outcome per input.
pub async fn upsert_many(hris: &Integration, inputs: Vec<SkillExpectation>, concurrency: usize) -> BulkResult {
    let before = hris.client().stats();
    let count = inputs.len();
    let mut seen = vec![false; count];
    let mut result = BulkResult::default();
    let mut outcomes = hris.upsert_many(inputs).concurrency(concurrency);
    while let Some(outcome) = outcomes.next().await {
        assert!(
            !std::mem::replace(&mut seen[outcome.index], true),
            "index {} twice",
            outcome.index
        );
        match outcome.result {
            Ok(_) => result.ok += 1,
            Err(_) => result.failed += 1,
        }
    }
    assert!(seen.iter().all(|s| *s), "an input had no outcome");
    let after = hris.client().stats();
    result.retries = after.retries - before.retries;
    result.requests = after.requests - before.requests;
    result
}

/// The sequential loop: `upsert_staffing_entity_skill` one after another.
pub async fn upsert_sequentially(hris: &Integration, inputs: Vec<SkillExpectation>) -> BulkResult {
    let before = hris.client().stats();
    let mut result = BulkResult::default();
    for input in inputs {
        match hris.upsert_staffing_entity_skill(input).await {
            Ok(_) => result.ok += 1,
            Err(_) => result.failed += 1,
        }
    }
    let after = hris.client().stats();
    result.retries = after.retries - before.retries;
    result.requests = after.requests - before.requests;
    result
}

/// What the server's request log says about the upserts it received.
#[derive(Debug, Clone, Copy, Default)]
pub struct WriteLog {
    /// Upserts answered with a success status.
    pub written: u64,
    /// Upserts refused with `429` (the in-flight limit).
    pub refused: u64,
    /// Upserts with any other outcome.
    pub other: u64,
    /// Whether every input was written by exactly one successful request, and nothing else was.
    pub each_once: bool,
}

/// Reads the request log (it must hold every request of the run) against `inputs`.
pub fn write_log(server: &MockServer, inputs: &[SkillExpectation]) -> WriteLog {
    let mut log = WriteLog::default();
    let mut writes: std::collections::HashMap<(String, String), u32> = std::collections::HashMap::new();
    for request in server.request_log() {
        if request.route != Some(Route::KOMBO_UPSERT) {
            continue;
        }
        match request.status {
            Some(200..=299) => {
                log.written += 1;
                let body: serde_json::Value = serde_json::from_str(&request.body).unwrap_or_default();
                let field = |name: &str| body[name].as_str().unwrap_or_default().to_owned();
                *writes
                    .entry((field("staffing_entity_id"), field("skill_id")))
                    .or_default() += 1;
            }
            Some(429) => log.refused += 1,
            _ => log.other += 1,
        }
    }
    log.each_once = writes.len() == inputs.len()
        && inputs.iter().all(|input| {
            writes.get(&(input.staffing_entity_id().to_string(), input.skill_id().to_string())) == Some(&1)
        });
    log
}

/// Whether every input is saved on the server with its level (each created once: the count of
/// expectations grew by exactly the number of inputs).
pub fn all_saved_once(server: &MockServer, inputs: &[SkillExpectation], count_before: u64) -> bool {
    let grew_by = server.kombo().expectations_count() - count_before;
    grew_by == inputs.len() as u64
        && inputs.iter().all(|input| {
            server
                .kombo()
                .find_expectation(input.staffing_entity_id().as_str(), input.skill_id().as_str())
                .is_some_and(|saved| saved.expected_level == input.level().map(ExpectedLevel::get))
        })
}
