//! The report's scenarios, one module each, numbered as in BENCHMARKS.md and run in that order.

pub(crate) mod s10_sync;
pub(crate) mod s1_kombo_listing;
pub(crate) mod s2_techwolf_export;
pub(crate) mod s3_memory;
pub(crate) mod s4_bulk_upsert;
pub(crate) mod s5_decoding;
pub(crate) mod s6_codegen;
pub(crate) mod s7_read_ahead;
pub(crate) mod s8_rate_limit;
pub(crate) mod s9_build_cost;
