//! `cargo xtask drift`: a semantic diff of a vendor's vendored spec against upstream documents.
//!
//! Both sides are merged the way codegen merges them (before the overlay) and compared natively
//! as OpenAPI 3.1: `$ref`s are resolved on both sides while comparing (with cycle protection),
//! `type: [X, 'null']` is nullability, not a type change, and descriptions, examples, key order
//! and formatting are never compared. Each change gets a rule id ([`rules`]), a level, the
//! operation, a location and a one-line message. See `xtask/DRIFT.md`.
//!
//! This file only names the modules and re-exports what callers use; the modules import each
//! other, never this file, so no import runs back up.

pub mod cli;
pub mod compare;
pub mod diff;
pub mod fingerprint;
pub mod format;
pub mod impact;
pub mod level;
pub mod lines;
pub mod locate;
pub mod oasdiff;
pub mod observed;
pub mod overlay_check;
pub mod policy;
pub mod rename;
pub mod report;
pub mod rules;
pub mod schema;
pub mod security;
pub mod skew;
pub mod stability;

pub use compare::{compare, compare_documents};
pub use level::Level;
pub use report::{Change, Report};
