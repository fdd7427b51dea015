//! The TechWolf mock: the OAuth 2.0 token endpoint and `POST /export/employees/skill_clusters`
//! under [`PREFIX`].
//!
//! `data` holds the seeded employees, `token_endpoint` issues access tokens, `token_store` keeps and checks them, `export` answers
//! the export, `error` has TechWolf's error bodies, `state` is what the routes share. [`routes`]
//! plugs it all into the server.

mod data;
mod error;
mod export;
mod state;
mod token_endpoint;
mod token_store;

use std::sync::Arc;

use axum::Router;
use axum::http::Method;
use axum::routing::post;

pub(crate) use data::TechwolfData;
pub use data::{Employee, Skill, SkillCluster};
pub use state::NextStartingAfter;
pub(crate) use state::{Credentials, TechwolfState};
pub(crate) use token_store::TokenStore;

use crate::faults::Route;
use crate::server::{Core, Endpoint, Vendor};

/// Where the TechWolf API is mounted.
pub(crate) const PREFIX: &str = "/techwolf";
/// The token endpoint (outside [`PREFIX`], as TechWolf's identity provider is).
pub(crate) const TOKEN_PATH: &str = "/oauth/token";
const EXPORT_PATH: &str = "/techwolf/export/employees/skill_clusters";

/// TechWolf's routes, endpoints and error bodies, ready for [`crate::server::router`].
pub(crate) fn routes(core: Arc<Core>, techwolf: Arc<TechwolfState>) -> Vendor {
    let router = Router::new()
        .route(EXPORT_PATH, post(export::export))
        .route(TOKEN_PATH, post(token_endpoint::token))
        .with_state(state::TechwolfApp { core, techwolf });
    Vendor {
        router,
        endpoints: vec![
            Endpoint {
                path: TOKEN_PATH,
                method: Method::POST,
                route: Route::TechwolfToken,
                rate_limited: false,
            },
            Endpoint {
                path: EXPORT_PATH,
                method: Method::POST,
                route: Route::TechwolfExport,
                rate_limited: true,
            },
        ],
        error: error::refusal,
    }
}
