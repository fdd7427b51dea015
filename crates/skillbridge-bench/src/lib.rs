//! Benchmark tooling for skillbridge (not published): the scenarios and contenders shared by the
//! criterion benches (`cargo bench -p skillbridge-bench`) and the BENCHMARKS.md generator
//! (`cargo run --release -p skillbridge-bench --bin bench-report`).
//!
//! Every contender of a scenario runs against the same in-process mock server, and returns a
//! [`Tally`] of what it saw so that callers can check that all contenders saw the same records.
//! The mock runs on its own one-worker tokio runtime (its own thread) and the client on a
//! current-thread runtime: on a 2-core machine each side gets one core, the same for every
//! contender.

#![warn(missing_docs)]

mod contenders;
mod kombo;
mod measure;
mod mock;
mod sizes;
mod sync;
mod tally;
mod techwolf;
mod upsert;

pub use contenders::{KomboListing, TechWolfExport};
pub use kombo::*;
pub use measure::*;
pub use mock::*;
pub use sizes::*;
pub use sync::*;
pub use tally::*;
pub use techwolf::*;
pub use upsert::*;
