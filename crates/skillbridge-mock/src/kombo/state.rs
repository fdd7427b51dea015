//! Kombo's own state: the seeded data and skill catalog, the accepted key and integration, the
//! write limit and the write counters.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use axum::http::HeaderValue;

use axum::extract::FromRef;
use tokio::sync::Semaphore;

use super::catalog::SkillCatalog;
use super::data::KomboData;
use crate::server::Core;

/// The Kombo credentials the mock accepts.
#[derive(Clone)]
pub(crate) struct Credentials {
    pub(crate) api_key: String,
    pub(crate) integration_id: String,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("kombo_api_key", &crate::log::MASK)
            .field("integration_id", &self.integration_id)
            .finish()
    }
}

/// Everything a Kombo request can touch besides the [`Core`].
#[derive(Debug)]
pub(crate) struct KomboState {
    pub(crate) creds: Credentials,
    pub(crate) data: KomboData,
    /// The skills expectations name, as `GET /hris/skills` serves them.
    pub(crate) catalog: SkillCatalog,
    /// The in-flight write limit and its permits; `None` is unlimited.
    pub(crate) write_permits: Option<(u32, Arc<Semaphore>)>,
    /// What `Concurrency-Limit` says on successive write answers, in a cycle; empty: the real limit.
    announced_limits: Vec<HeaderValue>,
    announcements: AtomicUsize,
    pub(crate) writes_in_flight: AtomicU64,
    pub(crate) peak_writes_in_flight: AtomicU64,
}

impl KomboState {
    /// `write_limit` 0 is unlimited; `announced_limits` (valid header values) replace what write
    /// answers announce, in a cycle.
    pub(crate) fn new(
        creds: Credentials,
        data: KomboData,
        catalog: SkillCatalog,
        write_limit: u32,
        announced_limits: Vec<HeaderValue>,
    ) -> Self {
        Self {
            creds,
            data,
            catalog,
            write_permits: (write_limit > 0).then(|| (write_limit, Arc::new(Semaphore::new(write_limit as usize)))),
            announced_limits,
            announcements: AtomicUsize::new(0),
            writes_in_flight: AtomicU64::new(0),
            peak_writes_in_flight: AtomicU64::new(0),
        }
    }

    /// The `Concurrency-Limit` of the next write answer: the real `limit`, or the next announcement
    /// of the configured cycle.
    pub(crate) fn announced_limit(&self, limit: u32) -> HeaderValue {
        if self.announced_limits.is_empty() {
            return HeaderValue::from(limit);
        }
        let next = self.announcements.fetch_add(1, Ordering::SeqCst);
        self.announced_limits[next % self.announced_limits.len()].clone()
    }

    /// The most writes handled at once so far.
    pub(crate) fn peak_writes(&self) -> u64 {
        self.peak_writes_in_flight.load(Ordering::SeqCst)
    }
}

/// The router's state: the shared core and Kombo's own, each reachable as an axum sub-state.
#[derive(Clone)]
pub(super) struct KomboApp {
    pub(super) core: Arc<Core>,
    pub(super) kombo: Arc<KomboState>,
}

impl FromRef<KomboApp> for Arc<Core> {
    fn from_ref(app: &KomboApp) -> Self {
        Arc::clone(&app.core)
    }
}

impl FromRef<KomboApp> for Arc<KomboState> {
    fn from_ref(app: &KomboApp) -> Self {
        Arc::clone(&app.kombo)
    }
}

/// Counts authenticated writes being handled, and the peak, for [`crate::MockServer::peak_concurrent_writes`].
pub(super) struct InFlight<'a>(&'a KomboState);

impl<'a> InFlight<'a> {
    pub(super) fn enter(state: &'a KomboState) -> Self {
        let now = state.writes_in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        state.peak_writes_in_flight.fetch_max(now, Ordering::SeqCst);
        Self(state)
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.writes_in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The key is masked wherever the state is printed; the integration is not a secret.
    #[test]
    fn credentials_debug_masks_the_key() {
        let credentials = Credentials {
            api_key: "mock_key_SECRET".to_owned(),
            integration_id: "mock:integration".to_owned(),
        };
        let shown = format!("{credentials:?}");
        assert!(!shown.contains("SECRET"), "{shown}");
        assert!(shown.contains(crate::log::MASK), "{shown}");
        assert!(shown.contains("mock:integration"), "{shown}");
    }
}
