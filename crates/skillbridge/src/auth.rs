//! OAuth 2.0 client credentials for TechWolf: fetch, cache, refresh, single flight.
//!
//! TechWolf's token endpoint (Auth0) takes a JSON body with `client_id`, `client_secret`,
//! `audience`, `grant_type`, `tenant` and optional `scopes`. The `tenant` field and the JSON body
//! are outside what the `oauth2` crate's client-credentials request lets one set, so this is a small
//! module of its own.
//!
//! - A token is reused until `expires_in` minus a safety margin, then refreshed.
//! - Concurrent callers that find no valid token wait for one fetch (single flight): the cache is an
//!   async mutex held across the fetch. Everyone who waited on a fetch shares its outcome, a
//!   failure included: a failing endpoint is asked once per attempt, not once per waiter, and each
//!   caller's retry policy paces its next try.
//! - A 401 from the API invalidates the token it was sent with (only that one: a token already
//!   replaced by a concurrent refresh is kept) so the retry fetches a new one, once.
//! - Errors from the token endpoint never contain the client secret (nor any other configured secret).

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use tokio::sync::Mutex;
use tokio::time::Instant;

use crate::error::{AuthError, Error, Result};
use crate::redact::Secrets;
use crate::retry::Sleeper;

/// The operation name token requests appear under in errors and traces.
pub(crate) const TOKEN_OPERATION: &str = "oauth_token";

fn token_error(status: Option<reqwest::StatusCode>, reason: String, retryable: bool) -> Error {
    Error::Auth(Box::new(AuthError {
        operation: TOKEN_OPERATION,
        status,
        reason,
        retryable,
        code: None,
    }))
}

/// The default safety margin: refresh this long before a token expires.
pub(crate) const DEFAULT_REFRESH_MARGIN: Duration = Duration::from_secs(60);

/// Client credentials and where to exchange them for a token.
#[derive(Clone)]
pub(crate) struct ClientCredentials {
    pub(crate) token_url: String,
    pub(crate) client_id: String,
    pub(crate) client_secret: SecretString,
    pub(crate) audience: String,
    pub(crate) tenant: String,
    pub(crate) scopes: Vec<String>,
}

impl fmt::Debug for ClientCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientCredentials")
            .field("token_url", &self.token_url)
            .field("client_id", &self.client_id)
            .field("client_secret", &"<redacted>")
            .field("audience", &self.audience)
            .field("tenant", &self.tenant)
            .field("scopes", &self.scopes)
            .finish()
    }
}

#[derive(Serialize)]
struct TokenRequest<'a> {
    client_id: &'a str,
    client_secret: &'a str,
    audience: &'a str,
    grant_type: &'static str,
    tenant: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    scopes: Option<String>,
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    expires_in: Option<u64>,
    token_type: Option<String>,
}

#[derive(Deserialize, Default)]
struct OAuthErrorBody {
    error: Option<String>,
    error_description: Option<String>,
}

/// A token to send, with the generation it was fetched in (0 for a token the user supplied).
#[derive(Clone)]
pub(crate) struct Token {
    pub(crate) value: SecretString,
    pub(crate) generation: u64,
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Token")
            .field("value", &"<redacted>")
            .field("generation", &self.generation)
            .finish()
    }
}

/// Where the bearer token of each request comes from.
#[derive(Clone, Debug)]
pub(crate) enum TokenSource {
    /// A token the user supplied; never refreshed.
    Static(SecretString),
    /// Client credentials, exchanged and cached.
    ClientCredentials(Arc<TokenCache>),
}

impl TokenSource {
    /// A token valid for at least the safety margin.
    pub(crate) async fn token(&self) -> Result<Token> {
        match self {
            TokenSource::Static(value) => Ok(Token {
                value: value.clone(),
                generation: 0,
            }),
            TokenSource::ClientCredentials(cache) => cache.token().await,
        }
    }

    /// The API refused `token` (401): forget it so the next call fetches another. Returns whether
    /// a retry can use a different token.
    pub(crate) async fn reject(&self, token: &Token) -> bool {
        match self {
            TokenSource::Static(_) => false,
            TokenSource::ClientCredentials(cache) => {
                cache.invalidate(token.generation).await;
                true
            }
        }
    }
}

/// The outcome of the last fetch: the token and when to refresh it, or the failure the callers
/// that waited on it share.
#[derive(Default)]
struct Cached {
    token: Option<(Token, Instant)>,
    failure: Option<Error>,
}

/// The client-credentials token cache.
pub(crate) struct TokenCache {
    http: reqwest::Client,
    credentials: ClientCredentials,
    margin: Duration,
    /// The clock token lifetimes are measured on (the client's [`Sleeper`]).
    clock: Arc<dyn Sleeper>,
    current: Mutex<Cached>,
    generation: AtomicU64,
    /// Fetches that ended (success or failure), bumped under the lock: a caller that saw fewer
    /// before it queued waited on a fetch, and takes that fetch's outcome.
    fetches_ended: AtomicU64,
    /// The client's secrets, kept out of token errors.
    secrets: Arc<Secrets>,
}

impl fmt::Debug for TokenCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenCache")
            .field("credentials", &self.credentials)
            .field("margin", &self.margin)
            .field("fetches", &self.generation.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

impl TokenCache {
    pub(crate) fn new(
        http: reqwest::Client,
        credentials: ClientCredentials,
        margin: Duration,
        clock: Arc<dyn Sleeper>,
        secrets: Arc<Secrets>,
    ) -> Self {
        Self {
            http,
            credentials,
            margin,
            clock,
            current: Mutex::new(Cached::default()),
            generation: AtomicU64::new(0),
            fetches_ended: AtomicU64::new(0),
            secrets,
        }
    }

    /// How many tokens were fetched so far.
    pub(crate) fn fetches(&self) -> u64 {
        self.generation.load(Ordering::Relaxed)
    }

    async fn token(&self) -> Result<Token> {
        let ended_before = self.fetches_ended.load(Ordering::Acquire);
        // Holding the lock across the fetch is what makes concurrent callers share one fetch.
        let mut cached = self.current.lock().await;
        let now = Instant::from_std(self.clock.now());
        if let Some((token, _)) = cached.token.as_ref().filter(|(_, refresh_at)| *refresh_at > now) {
            return Ok(token.clone());
        }
        if self.fetches_ended.load(Ordering::Acquire) != ended_before
            && let Some(failure) = &cached.failure
        {
            // A fetch ended while we waited, and failed: its failure is ours too.
            return Err(failure.clone());
        }
        let outcome = self.fetch().await;
        self.fetches_ended.fetch_add(1, Ordering::Release);
        match outcome {
            Ok((token, refresh_at)) => {
                cached.token = Some((token.clone(), refresh_at));
                cached.failure = None;
                Ok(token)
            }
            Err(error) => {
                cached.failure = Some(error.clone());
                Err(error)
            }
        }
    }

    async fn invalidate(&self, generation: u64) {
        let mut cached = self.current.lock().await;
        if cached.token.as_ref().is_some_and(|(t, _)| t.generation == generation) {
            cached.token = None;
        }
    }

    /// A new token and when to refresh it.
    async fn fetch(&self) -> Result<(Token, Instant)> {
        let c = &self.credentials;
        let body = TokenRequest {
            client_id: &c.client_id,
            client_secret: c.client_secret.expose_secret(),
            audience: &c.audience,
            grant_type: "client_credentials",
            tenant: &c.tenant,
            scopes: (!c.scopes.is_empty()).then(|| c.scopes.join(" ")),
        };
        let started = Instant::from_std(self.clock.now());
        let response = self
            .http
            .post(&c.token_url)
            .json(&body)
            .send()
            .await
            .map_err(|e| Error::from_reqwest(TOKEN_OPERATION, e))?;
        let status = response.status();
        let bytes = response
            .bytes()
            .await
            .map_err(|e| Error::from_reqwest(TOKEN_OPERATION, e))?;
        if !status.is_success() {
            let body: OAuthErrorBody = serde_json::from_slice(&bytes).unwrap_or_default();
            // RFC 6749 §5.2: a short printable code; anything else is no code we can pass on.
            let code = body
                .error
                .as_deref()
                .filter(|code| {
                    (1..=64).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_graphic() || b == b' ')
                })
                .map(|code| self.redact(code));
            let reason = body
                .error_description
                .or(body.error)
                .unwrap_or_else(|| crate::error::body_snippet(&bytes));
            let retryable = status.as_u16() == 429 || status.is_server_error();
            let mut error = token_error(Some(status), self.redact(&reason), retryable);
            if let Error::Auth(auth) = &mut error {
                auth.code = code;
            }
            return Err(error);
        }
        let token: TokenResponse = serde_json::from_slice(&bytes).map_err(|e| {
            let reason = format!("unreadable token response: {e}");
            token_error(Some(status), self.redact(&reason), false)
        })?;
        if token
            .token_type
            .as_deref()
            .is_some_and(|t| !t.eq_ignore_ascii_case("bearer"))
        {
            return Err(token_error(
                Some(status),
                format!("unsupported token type {:?}", token.token_type),
                false,
            ));
        }
        let lifetime = Duration::from_secs(token.expires_in.unwrap_or(3600));
        // Never let the margin eat the whole lifetime of a short-lived token.
        let margin = self.margin.min(lifetime / 2);
        let generation = self.generation.fetch_add(1, Ordering::Relaxed) + 1;
        let token = Token {
            value: SecretString::from(token.access_token),
            generation,
        };
        Ok((token, started + lifetime - margin))
    }

    /// A token endpoint that echoes the secret must not put it in our errors; the text is cut
    /// after it is redacted, so that no cut leaves part of a secret behind.
    fn redact(&self, text: &str) -> String {
        self.secrets.with(None).text(text).chars().take(300).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_names_the_parts_but_never_a_secret() {
        let token = Token {
            value: SecretString::from("tok-VALUE".to_owned()),
            generation: 7,
        };
        assert_eq!(format!("{token:?}"), r#"Token { value: "<redacted>", generation: 7 }"#);
        let credentials = ClientCredentials {
            token_url: "http://127.0.0.1:9/oauth/token".to_owned(),
            client_id: "client".to_owned(),
            client_secret: SecretString::from("secret-VALUE".to_owned()),
            audience: "aud".to_owned(),
            tenant: "acme".to_owned(),
            scopes: vec!["read".to_owned()],
        };
        let shown = format!("{credentials:?}");
        assert!(shown.contains(r#"client_secret: "<redacted>""#), "{shown}");
        assert!(
            shown.contains("client") && shown.contains("acme") && shown.contains("read"),
            "{shown}"
        );
        assert!(!shown.contains("secret-VALUE"), "{shown}");
        let source = TokenSource::Static(SecretString::from("tok-VALUE".to_owned()));
        assert!(!format!("{source:?}").contains("tok-VALUE"));
    }
}
