//! How much to measure: rounds and sizes of the full report and of `--quick`.

/// How much to measure: the committed report uses `FULL`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Effort {
    pub(crate) listing_rounds: usize,
    pub(crate) decode_rounds: usize,
    pub(crate) decodes_per_round: usize,
    pub(crate) upsert_rounds: usize,
    pub(crate) memory_runs: usize,
    pub(crate) codegen_runs: usize,
    pub(crate) paced_rounds: usize,
    pub(crate) limiter_rounds: usize,
    pub(crate) build_cold_rounds: usize,
    pub(crate) build_incremental_rounds: usize,
    pub(crate) sync_rounds: usize,
    pub(crate) sync_memory_runs: usize,
    /// Employees the TechWolf memory child syncs (1,000,000 unless that takes too long here).
    pub(crate) sync_memory_employees: u64,
}

pub(crate) const FULL: Effort = Effort {
    listing_rounds: 25,
    decode_rounds: 9,
    decodes_per_round: 300,
    upsert_rounds: 2,
    memory_runs: 2,
    codegen_runs: 5,
    paced_rounds: 5,
    limiter_rounds: 3,
    build_cold_rounds: 3,
    build_incremental_rounds: 7,
    // Scaled down: one round of scenario 10's syncs takes about 40 s on the 2-core machine.
    sync_rounds: 3,
    sync_memory_runs: 1,
    sync_memory_employees: 1_000_000,
};

pub(crate) const QUICK: Effort = Effort {
    listing_rounds: 3,
    decode_rounds: 3,
    decodes_per_round: 50,
    upsert_rounds: 1,
    memory_runs: 1,
    codegen_runs: 2,
    paced_rounds: 1,
    limiter_rounds: 1,
    build_cold_rounds: 1,
    build_incremental_rounds: 2,
    sync_rounds: 2,
    sync_memory_runs: 1,
    sync_memory_employees: 100_000,
};
