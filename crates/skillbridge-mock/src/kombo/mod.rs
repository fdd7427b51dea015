//! The Kombo mock: `GET` and `POST /hris/staffing-entity-skills` under [`PREFIX`].
//!
//! `data` holds the seeded records and the writes, `query` parses a listing's query string and
//! its cursor, `handlers` checks the key and integration and answers, `error` is Kombo's error
//! envelope, `state` is what the routes share. [`routes`] plugs it all into the server.

mod data;
mod error;
mod handlers;
mod query;
mod state;

use std::sync::Arc;

use axum::Router;
use axum::http::Method;
use axum::routing::get;

pub use data::{Expectation, StaffingEntity};
pub(crate) use data::{KomboData, KomboSizes};
pub(crate) use state::{Credentials, KomboState};

use crate::faults::Route;
use crate::server::{Core, Endpoint, Vendor};

/// Where the Kombo API is mounted.
pub(crate) const PREFIX: &str = "/kombo/v1";
const PATH: &str = "/kombo/v1/hris/staffing-entity-skills";

/// Kombo's routes, endpoints and error body, ready for [`crate::server::router`].
pub(crate) fn routes(core: Arc<Core>, kombo: Arc<KomboState>) -> Vendor {
    let router = Router::new()
        .route(PATH, get(handlers::list).post(handlers::upsert))
        .with_state(state::KomboApp { core, kombo });
    Vendor {
        router,
        endpoints: vec![
            Endpoint {
                path: PATH,
                method: Method::GET,
                route: Route::KomboList,
                rate_limited: true,
            },
            Endpoint {
                path: PATH,
                method: Method::POST,
                route: Route::KomboUpsert,
                rate_limited: true,
            },
        ],
        error: error::refusal,
    }
}
