//! TechWolf's own state: the seeded employees, the accepted client, the issued tokens and how
//! export pages report `next_starting_after`.

use std::sync::{Arc, Mutex};

use axum::extract::FromRef;

use super::data::TechwolfData;
use super::token_store::TokenStore;
use crate::server::Core;

/// Whether export pages carry `next_starting_after` (TechWolf's docs show it both ways).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum NextStartingAfter {
    /// On every page that has a next page.
    #[default]
    Present,
    /// Never: clients must continue after the last record's `external_id`.
    Absent,
    /// On some pages only (decided by the last record's index), to test the fallback mid-stream.
    Alternating,
}

/// The TechWolf client the token endpoint accepts.
#[derive(Clone)]
pub(crate) struct Credentials {
    pub(crate) client_id: String,
    pub(crate) client_secret: String,
    pub(crate) audience: String,
    pub(crate) tenant: String,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("client_id", &self.client_id)
            .field("client_secret", &crate::log::MASK)
            .field("audience", &self.audience)
            .field("tenant", &self.tenant)
            .finish()
    }
}

/// Everything a TechWolf request can touch besides the [`Core`].
#[derive(Debug)]
pub(crate) struct TechwolfState {
    pub(crate) creds: Credentials,
    pub(crate) data: TechwolfData,
    pub(crate) tokens: TokenStore,
    pub(crate) next_starting_after: Mutex<NextStartingAfter>,
    /// Whether the token endpoint repeats a wrong `client_secret` in its error description.
    pub(crate) echo_client_secret: bool,
}

impl TechwolfState {
    pub(crate) fn next_starting_after(&self) -> NextStartingAfter {
        *self.next_starting_after.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn set_next_starting_after(&self, mode: NextStartingAfter) {
        *self.next_starting_after.lock().unwrap_or_else(|e| e.into_inner()) = mode;
    }
}

/// The router's state: the shared core and TechWolf's own, each reachable as an axum sub-state.
#[derive(Clone)]
pub(super) struct TechwolfApp {
    pub(super) core: Arc<Core>,
    pub(super) techwolf: Arc<TechwolfState>,
}

impl FromRef<TechwolfApp> for Arc<Core> {
    fn from_ref(app: &TechwolfApp) -> Self {
        Arc::clone(&app.core)
    }
}

impl FromRef<TechwolfApp> for Arc<TechwolfState> {
    fn from_ref(app: &TechwolfApp) -> Self {
        Arc::clone(&app.techwolf)
    }
}
