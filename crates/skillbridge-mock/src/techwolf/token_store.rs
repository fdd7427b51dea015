//! The store of issued access tokens: what the token endpoint (`token_endpoint.rs`) writes and the export
//! (`export.rs`) checks; expiry is enforced on use.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crate::ids::hash3;

const TAG_TOKEN: u64 = 206;

#[derive(Debug)]
struct TokenInfo {
    expires_at: Instant,
    scopes: Vec<String>,
}

/// Issued access tokens; expiry is enforced on use.
#[derive(Debug)]
pub(crate) struct TokenStore {
    seed: u64,
    issued: AtomicU64,
    ttl: Mutex<Duration>,
    live: Mutex<HashMap<String, TokenInfo>>,
    /// How far [`crate::MockServer::advance_clock`] moved the token clock ahead of the real one.
    skew: Mutex<Duration>,
}

pub(super) const ALL_SCOPES: [&str; 3] = ["read", "write", "read_reports"];

impl TokenStore {
    pub(crate) fn new(seed: u64, ttl: Duration) -> Self {
        Self {
            seed,
            issued: AtomicU64::new(0),
            ttl: Mutex::new(ttl),
            live: Mutex::new(HashMap::new()),
            skew: Mutex::new(Duration::ZERO),
        }
    }

    /// The time token lifetimes are measured on.
    fn now(&self) -> Instant {
        Instant::now() + *self.skew.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn advance_clock(&self, by: Duration) {
        let mut skew = self.skew.lock().unwrap_or_else(|e| e.into_inner());
        *skew = skew.saturating_add(by);
    }

    pub(crate) fn issued(&self) -> u64 {
        self.issued.load(Ordering::Relaxed)
    }

    pub(crate) fn set_ttl(&self, ttl: Duration) {
        *self.ttl.lock().unwrap_or_else(|e| e.into_inner()) = ttl;
    }

    pub(crate) fn revoke_all(&self) {
        self.live.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }

    pub(super) fn issue(&self, scopes: Vec<String>) -> (String, Duration) {
        let n = self.issued.fetch_add(1, Ordering::Relaxed);
        let token = format!(
            "twm_{:016x}{:016x}{:016x}",
            hash3(self.seed, TAG_TOKEN, n),
            hash3(self.seed, TAG_TOKEN + 1, n),
            hash3(self.seed, TAG_TOKEN + 2, n)
        );
        let ttl = *self.ttl.lock().unwrap_or_else(|e| e.into_inner());
        let now = self.now();
        let mut live = self.live.lock().unwrap_or_else(|e| e.into_inner());
        live.retain(|_, t| t.expires_at > now);
        live.insert(
            token.clone(),
            TokenInfo {
                expires_at: now + ttl,
                scopes,
            },
        );
        (token, ttl)
    }

    /// `Ok(scopes)` for a live token.
    pub(super) fn check(&self, token: &str) -> Result<Vec<String>, &'static str> {
        let mut live = self.live.lock().unwrap_or_else(|e| e.into_inner());
        match live.get(token) {
            None => Err("The access token is invalid, expired or revoked."),
            Some(t) if t.expires_at <= self.now() => {
                live.remove(token);
                Err("The access token has expired.")
            }
            Some(t) => Ok(t.scopes.clone()),
        }
    }
}
