#![doc = include_str!("../README.md")]
#![deny(missing_docs)]

pub mod config;
pub mod error;
pub mod kombo;
pub mod pagination;
pub mod retry;
mod trace;

pub use error::{Error, Result};
/// Secrets (the API key) are kept in [`secrecy`]'s `SecretString`, re-exported for convenience.
pub use secrecy::SecretString;
