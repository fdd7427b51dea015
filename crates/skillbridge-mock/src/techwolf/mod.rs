//! The TechWolf mock: the OAuth 2.0 token endpoint and `POST /export/employees/skill_clusters`
//! under [`PREFIX`].
//!
//! `routes` registers the two routes with the harness (paths, schemas, fault seeds, error
//! bodies), `options` holds what the builder sets and builds `state` (what the handlers share),
//! `data` the seeded employees, `token_endpoint` issues access tokens, `token_store` keeps and
//! checks them, `export` answers the export, `error` has TechWolf's error bodies, `view` is
//! [`TechwolfView`], what a test reads and steers. [`register`] plugs it all into the server.

mod data;
mod error;
mod export;
mod options;
mod routes;
mod state;
mod token_endpoint;
mod token_store;
mod view;

use std::sync::Arc;

use axum::Router;
use axum::routing::post;

pub(crate) use data::skill_vocabulary;
pub use data::{Employee, Skill, SkillCluster};
pub(crate) use options::TechwolfOptions;
pub(crate) use routes::API;
use routes::TOKEN_PATH;
pub use state::NextStartingAfter;
pub(crate) use state::TechwolfState;
pub use view::TechwolfView;

use crate::server::{Core, Vendor};

/// TechWolf's handlers on its routes, ready for [`crate::server::router`].
pub(crate) fn register(core: Arc<Core>, techwolf: Arc<TechwolfState>) -> Vendor {
    let router = Router::new()
        .route(routes::EXPORT_PATH, post(export::export))
        .route(TOKEN_PATH, post(token_endpoint::token))
        .with_state(state::TechwolfApp { core, techwolf });
    Vendor {
        router,
        routes: API.routes,
    }
}
