//! The xtask tests, one binary: each module was its own test crate, and one binary links once
//! where a dozen linked a dozen times (a build after any change to xtask, and every mutant a
//! mutation run builds). Fixtures stay in `tests/fixtures/`.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests: a panic is the failure report.

mod cli;
mod common;
mod compile;
mod drift_cli;
mod drift_formats;
mod drift_impact;
mod drift_observed;
mod drift_props;
mod drift_rules;
mod drift_stability;
mod pipeline;
mod properties;
mod vendor_home;
