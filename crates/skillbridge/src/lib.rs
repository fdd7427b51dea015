#![doc = include_str!("../README.md")]
#![deny(missing_docs)]

mod auth;
pub mod config;
pub mod error;
pub mod kombo;
mod open_enum;
pub mod pagination;
pub mod retry;
pub mod techwolf;
mod trace;

pub use error::{Error, Result};
/// Secrets (the API key) are kept in [`secrecy`]'s `SecretString`, re-exported for convenience.
pub use secrecy::SecretString;
