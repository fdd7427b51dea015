//! What the builder sets for TechWolf, with its defaults, and the state built from it.

use std::sync::Mutex;
use std::time::Duration;

use super::data::TechwolfData;
use super::state::{Credentials, NextStartingAfter, TechwolfState};
use super::token_store::TokenStore;
use crate::ids::hash3;

/// TechWolf's settings of a [`crate::MockServerBuilder`]; credentials left `None` are derived
/// from the seed (the audience and tenant have fixed defaults).
#[derive(Clone)]
pub(crate) struct TechwolfOptions {
    pub(crate) employees: u64,
    pub(crate) token_ttl: Duration,
    pub(crate) next_starting_after: NextStartingAfter,
    pub(crate) client_id: Option<String>,
    pub(crate) client_secret: Option<String>,
    pub(crate) audience: Option<String>,
    pub(crate) tenant: Option<String>,
    pub(crate) echo_client_secret: bool,
}

impl Default for TechwolfOptions {
    fn default() -> Self {
        Self {
            employees: 100,
            token_ttl: Duration::from_secs(3600),
            next_starting_after: NextStartingAfter::Present,
            client_id: None,
            client_secret: None,
            audience: None,
            tenant: None,
            echo_client_secret: false,
        }
    }
}

impl std::fmt::Debug for TechwolfOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TechwolfOptions")
            .field("employees", &self.employees)
            .field("token_ttl", &self.token_ttl)
            .field("next_starting_after", &self.next_starting_after)
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret.as_ref().map(|_| crate::log::MASK))
            .field("audience", &self.audience)
            .field("tenant", &self.tenant)
            .field("echo_client_secret", &self.echo_client_secret)
            .finish()
    }
}

impl TechwolfOptions {
    /// The client the token endpoint accepts: the configured one, or one derived from the seed.
    fn credentials(&self, seed: u64) -> Credentials {
        let h = |tag: u64| hash3(seed, tag, 0);
        Credentials {
            client_id: self
                .client_id
                .clone()
                .unwrap_or_else(|| format!("twmock_{:016x}", h(303))),
            client_secret: self
                .client_secret
                .clone()
                .unwrap_or_else(|| format!("{:016x}{:016x}", h(304), h(305))),
            audience: self.audience.clone().unwrap_or_else(|| "eu3.techwolf.ai".to_owned()),
            tenant: self.tenant.clone().unwrap_or_else(|| "acme".to_owned()),
        }
    }

    /// TechWolf's state for a server seeded with `seed`.
    pub(crate) fn build(&self, seed: u64) -> TechwolfState {
        TechwolfState {
            creds: self.credentials(seed),
            data: TechwolfData::new(seed, self.employees),
            tokens: TokenStore::new(seed, self.token_ttl),
            next_starting_after: Mutex::new(self.next_starting_after),
            echo_client_secret: self.echo_client_secret,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_client_secret() {
        let options = TechwolfOptions {
            client_secret: Some("cs_secret".to_owned()),
            ..TechwolfOptions::default()
        };
        let state = options.build(1);
        let shown = format!("{options:?} {:?}", state.creds);
        assert!(!shown.contains("cs_secret"), "{shown}");
        assert_eq!(state.creds.client_secret, "cs_secret");
    }

    #[test]
    fn derived_credentials_follow_the_seed() {
        let a = TechwolfOptions::default().credentials(7);
        assert_eq!(a.client_id, TechwolfOptions::default().credentials(7).client_id);
        assert_ne!(a.client_secret, TechwolfOptions::default().credentials(8).client_secret);
        assert_eq!((a.audience.as_str(), a.tenant.as_str()), ("eu3.techwolf.ai", "acme"));
    }
}
