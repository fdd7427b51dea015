//! The library's tests against real HTTP on 127.0.0.1 (wiremock and the mock server), one binary: each
//! module was its own test crate, and one binary links once where eight linked eight times (a
//! build after any change to the library, and every mutant a mutation run builds).
#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests: a panic is the failure report.

mod behaviours;
mod common;
mod escape_hatches;
mod kombo;
#[cfg(feature = "observe")]
mod observe;
mod secrets;
mod static_guarantees;
mod techwolf;
mod traces;
