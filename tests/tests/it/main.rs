//! The workspace's tests, one binary: generated code freshness, spec examples, the public API listing,
//! contract, end-to-end and sync tests. Each module was its own test crate; one binary links once where
//! thirteen linked thirteen times (a build after any change to the workspace, and every mutant a
//! mutation run builds).
#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests: a panic is the failure report.

mod common;
mod contract;
mod custom_requests;
mod e2e_kombo;
mod e2e_techwolf;
mod layout;
mod public_api;
mod read_ahead;
mod server_limits;
mod snapshots;
mod spec_examples;
mod sync_common;
mod sync_kombo;
mod sync_properties;
mod sync_techwolf;
