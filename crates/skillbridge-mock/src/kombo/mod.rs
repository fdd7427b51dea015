//! The Kombo mock: `GET` and `POST /hris/staffing-entity-skills` and `GET /hris/skills` under
//! [`PREFIX`].
//!
//! `routes` registers the three routes with the harness (paths, schemas, fault seeds, error
//! body), `options` holds what the builder sets and builds `state` (what the handlers share),
//! `data` the seeded records and the writes, `catalog` the skill catalog, `ids` Kombo's
//! 24-character ids, `query` parses the query strings and a listing's cursor, `handlers` checks
//! the key and integration and answers, `error` is Kombo's error envelope, `view` is
//! [`KomboView`], what a test reads. [`register`] plugs it all into the server.

mod catalog;
mod data;
mod error;
mod handlers;
mod ids;
mod options;
mod query;
mod routes;
mod state;
mod view;

use std::sync::Arc;

use axum::Router;
use axum::routing::get;

pub use catalog::CatalogSkill;
pub use data::{Expectation, StaffingEntity};
pub(crate) use options::KomboOptions;
pub(crate) use routes::API;
pub(crate) use state::KomboState;
pub use view::KomboView;

use crate::server::{Core, Vendor};

/// Kombo's handlers on its routes, ready for [`crate::server::router`].
pub(crate) fn register(core: Arc<Core>, kombo: Arc<KomboState>) -> Vendor {
    let router = Router::new()
        .route(routes::PATH, get(handlers::list).post(handlers::upsert))
        .route(routes::SKILLS_PATH, get(handlers::skills))
        .with_state(state::KomboApp { core, kombo });
    Vendor {
        router,
        routes: API.routes,
    }
}
