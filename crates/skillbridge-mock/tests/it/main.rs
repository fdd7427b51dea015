//! The mock server's tests over real HTTP on 127.0.0.1 and its command line, one binary: each module
//! was its own test crate, and one binary links once where six linked six times (a build after any
//! change to the mock, and every mutant a mutation run builds).
#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests: a panic is the failure report.

mod cli;
mod common;
mod faults;
mod kombo_list;
mod kombo_skills;
mod kombo_upsert;
mod seeded_data;
mod server_handle;
mod techwolf;
