#![doc = include_str!("../README.md")]
#![deny(missing_docs)]
// docs.rs (and `.ci/run`) build the docs with `--cfg docsrs`: items say which feature they need.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod auth;
pub mod config;
mod custom;
pub mod error;
mod id;
pub mod kombo;
mod limits;
#[cfg(feature = "observe")]
#[cfg_attr(docsrs, doc(cfg(feature = "observe")))]
pub mod observe;
mod open_enum;
pub mod pagination;
mod redact;
mod response;
pub mod retry;
mod send;
pub mod sync;
pub mod techwolf;
mod timestamp;
mod trace;

pub use error::{Error, Result};
pub use response::Response;
/// Secrets (the API key) are kept in [`secrecy`]'s `SecretString`, re-exported for convenience.
pub use secrecy::SecretString;

/// The date and time types of the public models (`DateTime<Utc>`, `NaiveDate`), re-exported so
/// that callers use the same version.
pub use chrono;
/// The trait of every stream this crate returns ([`pages`](kombo::ListStaffingEntitySkills::pages),
/// [`items`](kombo::ListStaffingEntitySkills::items), ...). Iterate with `futures::StreamExt` or
/// `futures::TryStreamExt`.
pub use futures_core::Stream;
/// The HTTP client behind both APIs, re-exported for [`http_client`](kombo::KomboBuilder::http_client)
/// and [`StatusCode`](error::StatusCode): build your own `reqwest::Client` with this version.
pub use reqwest;
/// The UUID type of the public models, re-exported so that callers use the same version.
pub use uuid;
