//! The size of every scenario, shared by the report and the criterion benches.

use std::time::Duration;

/// Scenario 1: 20,000 staffing entities × 5 skills = 100,000 records (deleted ones included).
pub const KOMBO_ENTITIES: u32 = 20_000;
/// Skills per staffing entity in every Kombo scenario.
pub const SKILLS_PER_ENTITY: u32 = 5;
/// Records a full Kombo listing yields.
pub const KOMBO_RECORDS: u64 = KOMBO_ENTITIES as u64 * SKILLS_PER_ENTITY as u64;
/// The largest Kombo page, used by every listing contender.
pub const PAGE_SIZE: u32 = 250;
/// Bounds every hand-written pagination loop even if the server misbehaved.
pub(crate) const MAX_PAGES: usize = 100_000;
/// Scenario 2: TechWolf employees exported with every include.
pub const TECHWOLF_EMPLOYEES: u64 = 20_000;
/// The largest TechWolf page.
pub const TECHWOLF_LIMIT: u32 = 100;
/// Added server latency of the bulk-upsert scenario.
pub const UPSERT_LATENCY: Duration = Duration::from_millis(5);
/// The mock's in-flight write limit (Kombo's documented example).
pub const WRITE_LIMIT: u32 = 30;

/// Scenario 7: pages per listing, and the server's latency and the caller's work per page.
pub const PACED_PAGES: u32 = 100;
/// Scenario 7: the mock's added latency per page, and the time the caller spends on each page
/// (as a database write would).
pub const PACED_LATENCY: Duration = Duration::from_millis(20);

/// Scenario 10: the incremental sync's data, 200,000 staffing entities × 5 = 1,000,000 records.
pub const SYNC_KOMBO_ENTITIES: u32 = 200_000;
/// Scenario 10: records changed at the source between a full run and the incremental one (1%).
pub const SYNC_CHANGED: u64 = 10_000;
/// Scenario 10: TechWolf employees of the snapshot comparison.
pub const SYNC_TECHWOLF_EMPLOYEES: u64 = 100_000;
/// Scenario 10: records or employees a memory child process syncs.
pub const SYNC_MEMORY_RECORDS: u64 = 1_000_000;
