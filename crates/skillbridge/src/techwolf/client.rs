//! The TechWolf client: its configuration ([`TechWolfBuilder`]), where tokens come from, and the
//! client ([`TechWolf`]). Its operation, the skill-cluster export, lives in `export.rs`.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use skillbridge_openapi::RequestContext;

use super::error::TechWolfErrorExt;
use crate::auth::{ClientCredentials, DEFAULT_REFRESH_MARGIN, Token, TokenCache, TokenSource};
use crate::config::{self, HttpOptions};
use crate::error::{AuthError, Error, Result};
use crate::retry::{Recovery, RequestStats};
use crate::send::Connection;

/// The vendor name requests are traced under.
pub(super) const VENDOR: &str = "techwolf";

/// Builds a [`TechWolf`] client; see [`TechWolf::builder`].
#[derive(Debug, Clone, Default)]
#[must_use]
pub struct TechWolfBuilder {
    tenant: Option<String>,
    region: Option<String>,
    base_url: Option<String>,
    client_id: Option<String>,
    client_secret: Option<SecretString>,
    access_token: Option<SecretString>,
    token_url: Option<String>,
    audience: Option<String>,
    scopes: Vec<String>,
    refresh_margin: Option<Duration>,
    http: HttpOptions,
}

impl TechWolfBuilder {
    /// A builder filled from the `TECHWOLF_*` variables (see the [module docs](super)); other options
    /// keep their defaults and can still be changed. [`Error::Config`] names a variable whose value
    /// is unusable (a tenant or region that is not a host label).
    pub fn from_env() -> Result<Self> {
        Self::from_lookup(config::env_var)
    }

    fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self> {
        let label = |name: &str| {
            lookup(name)
                .map(|value| host_label(&value).map_err(|e| Error::Config(format!("{name}: {}", config_reason(&e)))))
                .transpose()
        };
        Ok(Self {
            tenant: label("TECHWOLF_TENANT")?,
            region: label("TECHWOLF_REGION")?,
            base_url: lookup("TECHWOLF_BASE_URL"),
            client_id: lookup("TECHWOLF_CLIENT_ID"),
            client_secret: lookup("TECHWOLF_CLIENT_SECRET").map(SecretString::from),
            access_token: lookup("TECHWOLF_ACCESS_TOKEN").map(SecretString::from),
            token_url: lookup("TECHWOLF_TOKEN_URL"),
            audience: lookup("TECHWOLF_AUDIENCE"),
            ..Self::default()
        })
    }

    /// The tenant name: the API host is `{tenant}.{region}.techwolf.ai`, and token requests name it.
    pub fn tenant(mut self, tenant: impl Into<String>) -> Self {
        self.tenant = Some(tenant.into());
        self
    }

    /// The region label of the API host (e.g. `eu`; TechWolf does not document the labels publicly).
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// A base URL replacing `https://{tenant}.{region}.techwolf.ai` (a mock server, a proxy).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// OAuth 2.0 client credentials, exchanged for tokens at the token endpoint and cached.
    pub fn client_credentials(mut self, client_id: impl Into<String>, client_secret: impl Into<SecretString>) -> Self {
        self.client_id = Some(client_id.into());
        self.client_secret = Some(client_secret.into());
        self
    }

    /// A ready access token, sent as is and never refreshed (instead of client credentials).
    pub fn access_token(mut self, token: impl Into<SecretString>) -> Self {
        self.access_token = Some(token.into());
        self
    }

    /// The token endpoint (default: per region family, see the [module docs](super)). Required with
    /// client credentials and a [`base_url`](Self::base_url): the client never sends credentials to
    /// a token endpoint you did not choose for a host you did.
    pub fn token_url(mut self, url: impl Into<String>) -> Self {
        self.token_url = Some(url.into());
        self
    }

    /// The token request's `audience` (default: per region family).
    pub fn audience(mut self, audience: impl Into<String>) -> Self {
        self.audience = Some(audience.into());
        self
    }

    /// Scopes to ask for (`read`, `write`, `read_reports`); none means all.
    pub fn scopes<I, S>(mut self, scopes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// Refresh a token this long before it expires (default 60 s; at most half its lifetime).
    pub fn refresh_margin(mut self, margin: Duration) -> Self {
        self.refresh_margin = Some(margin);
        self
    }

    config::http_option_setters!();

    /// The client, or [`Error::Config`] when the host, the credentials or a URL are unusable.
    pub fn build(self) -> Result<TechWolf> {
        let region = self.region.as_deref().map(host_label).transpose()?;
        let tenant = self.tenant.as_deref().map(host_label).transpose()?;
        let base_url = match (&self.base_url, &tenant, &region) {
            (Some(url), _, _) => config::base_url(url)?,
            (None, Some(tenant), Some(region)) => format!("https://{tenant}.{region}.techwolf.ai"),
            (None, _, _) => {
                return Err(Error::Config(
                    "no TechWolf host: set tenant() and region() (TECHWOLF_TENANT, TECHWOLF_REGION) or base_url()"
                        .to_owned(),
                ));
            }
        };
        let http = self.http.http_client()?;
        let secrets = self.http.secrets(self.access_token.iter().chain(&self.client_secret));
        let us = region.as_deref().is_some_and(|r| r.starts_with("us"));
        let tokens = match (self.access_token, self.client_id, self.client_secret) {
            (Some(token), _, _) if !token.expose_secret().trim().is_empty() => {
                RequestContext::bearer(token.expose_secret()).map_err(|_| {
                    Error::Config("the access token contains characters not allowed in a header".to_owned())
                })?;
                TokenSource::Static(token)
            }
            (_, Some(client_id), Some(client_secret)) if !client_secret.expose_secret().is_empty() => {
                let tenant = tenant.ok_or_else(|| {
                    Error::Config("client credentials need the tenant (tenant() or TECHWOLF_TENANT)".to_owned())
                })?;
                let default_token_url = if us {
                    "https://techwolf-us.us.auth0.com/oauth/token"
                } else {
                    "https://techwolf.eu.auth0.com/oauth/token"
                };
                // A custom host (a mock, a proxy, a staging tenant) with the production token endpoint
                // would send real credentials somewhere the caller did not point the client at.
                let token_url = match (&self.token_url, &self.base_url) {
                    (Some(url), _) => url.as_str(),
                    (None, None) => default_token_url,
                    (None, Some(_)) => {
                        return Err(Error::Config(
                            "a custom base_url() with client credentials needs token_url() (TECHWOLF_TOKEN_URL); \
                             or use access_token()"
                                .to_owned(),
                        ));
                    }
                };
                let token_url = config::base_url(token_url)?;
                let audience = self
                    .audience
                    .unwrap_or_else(|| if us { "us3.techwolf.ai" } else { "eu3.techwolf.ai" }.to_owned());
                let credentials = ClientCredentials {
                    token_url,
                    client_id,
                    client_secret,
                    audience,
                    tenant,
                    scopes: self.scopes,
                };
                let margin = self.refresh_margin.unwrap_or(DEFAULT_REFRESH_MARGIN);
                let clock = Arc::clone(&self.http.sleeper);
                TokenSource::ClientCredentials(Arc::new(TokenCache::new(
                    http.clone(),
                    credentials,
                    margin,
                    clock,
                    Arc::clone(&secrets),
                )))
            }
            _ => {
                return Err(Error::Config(
                    "no TechWolf credentials: set client_credentials() or access_token() (or the TECHWOLF_* variables)"
                        .to_owned(),
                ));
            }
        };
        Ok(TechWolf {
            inner: Arc::new(Inner {
                headers: self.http.default_headers()?,
                tokens,
                connection: observed(Connection::new(&self.http, http, base_url, secrets), &self.http),
            }),
        })
    }
}

/// The text of a [`Error::Config`] (to prefix it with the variable it came from).
fn config_reason(error: &Error) -> String {
    match error {
        Error::Config(reason) => reason.clone(),
        other => other.to_string(),
    }
}

/// The connection, observing responses against the document the client was generated from when
/// the builder asked for it (feature `observe`).
#[cfg(feature = "observe")]
#[cfg_attr(docsrs, doc(cfg(feature = "observe")))]
fn observed(connection: Connection, options: &HttpOptions) -> Connection {
    connection.observed(options, VENDOR, skillbridge_openapi::documents::TECHWOLF)
}

#[cfg(not(feature = "observe"))]
fn observed(connection: Connection, _: &HttpOptions) -> Connection {
    connection
}

/// A DNS label: 1..=63 letters, digits or `-`, not starting or ending with `-`; lowercased.
fn host_label(label: &str) -> Result<String> {
    let label = label.trim().to_ascii_lowercase();
    let valid = (1..=63).contains(&label.len())
        && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !label.starts_with('-')
        && !label.ends_with('-');
    if valid {
        Ok(label)
    } else {
        Err(Error::Config(format!(
            "{label:?} is not a valid host label (letters, digits and `-`, at most 63)"
        )))
    }
}

/// What every TechWolf operation does around its request: credentials from the token cache,
/// one token refresh after the API's `401`, and auth failures as [`Error::Auth`].
impl TechWolf {
    /// The current token (fetched first when there is none), and the credentials and default
    /// headers to send with it.
    pub(super) async fn credentials(&self) -> Result<(Token, RequestContext)> {
        let token = self.inner.tokens.token().await?;
        let credentials = RequestContext::bearer(token.value.expose_secret())
            .map_err(|_| Error::Config("the access token contains characters not allowed in a header".to_owned()))?
            .with_headers(Arc::clone(&self.inner.headers));
        Ok((token, credentials))
    }

    /// The retrier's recovery for `operation`: after the API's `401` (the rejected token was
    /// already dropped from the cache), retry at once with a new token. Only the API's 401 means
    /// "this token": the token endpoint's means the credentials are wrong, and sending them again
    /// cannot help.
    pub(super) fn token_recovery(&self, operation: &'static str) -> impl FnMut(&Error) -> Option<Recovery> + use<> {
        let refreshable = matches!(self.inner.tokens, TokenSource::ClientCredentials(_));
        move |error: &Error| {
            let unauthorized = matches!(error, Error::Auth(auth)
                if auth.operation == operation && auth.status.is_some_and(|s| s.as_u16() == 401));
            (refreshable && unauthorized).then(|| Box::pin(async { Ok(()) }) as Recovery)
        }
    }

    /// `401`/`403` become [`Error::Auth`]; a `401` also drops the token it was sent with.
    pub(super) async fn auth_error(&self, error: Error, token: &Token) -> Error {
        let Error::Api(api) = error else { return error };
        if !matches!(api.status.as_u16(), 401 | 403) {
            return Error::Api(api);
        }
        if api.status.as_u16() == 401 {
            self.inner.tokens.reject(token).await;
        }
        let reason = match (api.techwolf(), api.body_start()) {
            (Some(detail), _) => detail.to_string(),
            (None, body) => body.unwrap_or_default().to_owned(),
        };
        Error::Auth(Box::new(AuthError {
            operation: api.operation,
            status: Some(api.status),
            reason,
            retryable: false,
            code: None,
        }))
    }
}

/// A TechWolf API client. Cheap to clone: clones share one connection pool, token cache and
/// request counters.
///
/// ```no_run
/// # async fn run() -> skillbridge::Result<()> {
/// use skillbridge::techwolf::{Filter, TechWolf};
///
/// let techwolf = TechWolf::builder()
///     .tenant("acme")
///     .region("eu")
///     .client_credentials("client-id", "client-secret")
///     .build()?;
/// let page = techwolf.employee_skill_clusters().filter(Filter::IsActive(true)).limit(10).send().await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct TechWolf {
    pub(super) inner: Arc<Inner>,
}

pub(super) struct Inner {
    /// The pool, base URL, retrier and rate gate; its secrets are the credentials and the default
    /// headers' values, kept out of errors (with each request's token).
    pub(super) connection: Connection,
    /// The default headers, sent with every API request (values marked sensitive).
    pub(super) headers: Arc<reqwest::header::HeaderMap>,
    pub(super) tokens: TokenSource,
}

impl fmt::Debug for TechWolf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TechWolf")
            .field("base_url", &self.inner.connection.base_url)
            .field("tokens", &self.inner.tokens)
            .field("retry", &self.inner.connection.retrier)
            .finish_non_exhaustive()
    }
}

impl TechWolf {
    /// A builder: set the host (tenant and region, or a base URL) and credentials.
    pub fn builder() -> TechWolfBuilder {
        TechWolfBuilder::default()
    }

    /// A client configured from the environment (see the [module docs](super)).
    pub fn from_env() -> Result<Self> {
        TechWolfBuilder::from_env()?.build()
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.inner.connection.base_url
    }

    /// Requests and retries made so far by this client and its clones (token requests excluded).
    pub fn stats(&self) -> RequestStats {
        self.inner.connection.retrier.stats()
    }

    /// How many tokens this client has fetched from the token endpoint (0 with a static token).
    pub fn token_fetches(&self) -> u64 {
        match &self.inner.tokens {
            TokenSource::Static(_) => 0,
            TokenSource::ClientCredentials(cache) => cache.fetches(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(vars: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| vars.iter().find(|(k, _)| *k == name).map(|(_, v)| (*v).to_owned())
    }

    /// The observer finds every operation of this client in the document by its name.
    #[cfg(feature = "observe")]
    #[test]
    fn the_observer_knows_every_operation() {
        let config = crate::observe::ObserveConfig::sampled(1.0);
        let observer = crate::observe::Observer::new(config, VENDOR, skillbridge_openapi::documents::TECHWOLF)
            .expect("the document parses");
        assert!(observer.knows(super::super::export::EXPORT_OPERATION));
    }

    #[test]
    fn host_is_built_from_tenant_and_region() {
        let client = TechWolfBuilder::from_lookup(env(&[
            ("TECHWOLF_TENANT", "Acme"),
            ("TECHWOLF_REGION", "eu"),
            ("TECHWOLF_ACCESS_TOKEN", "t"),
        ]))
        .and_then(TechWolfBuilder::build)
        .expect("configured");
        assert_eq!(client.base_url(), "https://acme.eu.techwolf.ai");
    }

    #[test]
    fn unusable_variables_are_named_when_read() {
        for (name, value) in [("TECHWOLF_TENANT", "ac.me"), ("TECHWOLF_REGION", "-eu")] {
            let vars: &'static [(&'static str, &'static str)] = Box::leak(Box::new([(name, value)]));
            match TechWolfBuilder::from_lookup(env(vars)) {
                Err(Error::Config(reason)) => assert!(reason.starts_with(name), "{reason}"),
                other => panic!("{name}={value}: {other:?}"),
            }
        }
    }

    #[test]
    fn a_custom_host_with_client_credentials_needs_a_token_url() {
        // Before: the production token endpoint was used, so a test config sent real credentials to it.
        let footgun = TechWolf::builder()
            .tenant("acme")
            .base_url("http://127.0.0.1:9")
            .client_credentials("id", "s3cret")
            .build();
        match footgun {
            Err(Error::Config(reason)) => {
                assert!(reason.contains("token_url()"), "{reason}");
                assert!(reason.contains("TECHWOLF_TOKEN_URL"), "{reason}");
                assert!(!reason.contains("s3cret"), "{reason}");
            }
            other => panic!("expected a Config error, got {other:?}"),
        }
        let explicit = TechWolf::builder()
            .tenant("acme")
            .base_url("http://127.0.0.1:9")
            .client_credentials("id", "s3cret")
            .token_url("http://127.0.0.1:9/oauth/token")
            .build()
            .expect("an explicit token endpoint is fine");
        let debug = format!("{explicit:?}");
        assert!(
            debug.contains("127.0.0.1:9/oauth/token") && !debug.contains("auth0"),
            "{debug}"
        );
        TechWolf::builder()
            .base_url("http://127.0.0.1:9")
            .access_token("token")
            .build()
            .expect("a static token needs no token endpoint");
        TechWolf::builder()
            .tenant("acme")
            .region("eu")
            .client_credentials("id", "s3cret")
            .build()
            .expect("the tenant's own host keeps the default token endpoint");
    }

    #[test]
    fn bad_labels_missing_host_and_missing_credentials_are_config_errors() {
        for builder in [
            TechWolf::builder().tenant("ac.me").region("eu").access_token("t"),
            TechWolf::builder().tenant("acme").region("-eu").access_token("t"),
            TechWolf::builder().tenant("acme").access_token("t"),
            TechWolf::builder().tenant("acme").region("eu"),
            TechWolf::builder()
                .base_url("http://127.0.0.1:1")
                .client_credentials("id", "secret"),
            // Blank credentials are no credentials.
            TechWolf::builder().base_url("http://127.0.0.1:1").access_token(" \t"),
            TechWolf::builder()
                .tenant("acme")
                .region("eu")
                .client_credentials("id", ""),
        ] {
            assert!(matches!(builder.build(), Err(Error::Config(_))));
        }
        // A blank access token next to client credentials: the client credentials are used.
        let oauth = TechWolf::builder()
            .tenant("acme")
            .region("eu")
            .access_token("")
            .client_credentials("id", "s3cret")
            .build()
            .expect("client credentials");
        assert!(format!("{oauth:?}").contains("techwolf.eu.auth0.com"), "{oauth:?}");
    }

    #[test]
    fn region_family_picks_token_endpoint_and_audience() {
        let us = TechWolf::builder()
            .tenant("acme")
            .region("us")
            .client_credentials("id", "s3cret")
            .build()
            .expect("ok");
        let debug = format!("{us:?}");
        assert!(debug.contains("techwolf-us.us.auth0.com"), "{debug}");
        assert!(debug.contains("us3.techwolf.ai"), "{debug}");
        assert!(!debug.contains("s3cret"), "{debug}");
        let eu = TechWolf::builder()
            .tenant("acme")
            .region("eu")
            .client_credentials("id", "s3cret")
            .build()
            .expect("ok");
        assert!(format!("{eu:?}").contains("techwolf.eu.auth0.com"));
    }

    /// Every `TECHWOLF_*` variable is read and used: against the mock, the right values export,
    /// and one wrong value at a time fails.
    #[tokio::test]
    async fn every_environment_variable_is_used() {
        let server = skillbridge_mock::MockServer::builder()
            .employees(2)
            .tenant("envco")
            .audience("aud.example")
            .client_id("env-client")
            .client_secret("env-secret")
            .start()
            .await
            .expect("mock starts");
        let good: Vec<(&str, String)> = vec![
            ("TECHWOLF_BASE_URL", server.techwolf().base_url()),
            ("TECHWOLF_TOKEN_URL", server.techwolf().token_url()),
            ("TECHWOLF_TENANT", "envco".to_owned()),
            ("TECHWOLF_AUDIENCE", "aud.example".to_owned()),
            ("TECHWOLF_CLIENT_ID", "env-client".to_owned()),
            ("TECHWOLF_CLIENT_SECRET", "env-secret".to_owned()),
        ];
        let export = |vars: Vec<(&'static str, String)>| async move {
            let lookup = move |name: &str| vars.iter().find(|(k, _)| *k == name).map(|(_, v)| v.clone());
            let client = TechWolfBuilder::from_lookup(lookup)?
                .retry_policy(crate::retry::RetryPolicy::never())
                .build()?;
            client.employee_skill_clusters().send().await
        };
        export(good.clone()).await.expect("configured from the environment");
        assert_eq!(server.techwolf().token_requests(), 1);
        for name in [
            "TECHWOLF_BASE_URL",
            "TECHWOLF_TOKEN_URL",
            "TECHWOLF_TENANT",
            "TECHWOLF_AUDIENCE",
            "TECHWOLF_CLIENT_ID",
            "TECHWOLF_CLIENT_SECRET",
        ] {
            let mut vars = good.clone();
            for (key, value) in &mut vars {
                if *key == name {
                    *value = if name.ends_with("_URL") {
                        format!("{}/elsewhere", server.techwolf().base_url())
                    } else {
                        "other".to_owned()
                    };
                }
            }
            assert!(export(vars).await.is_err(), "{name} was not used");
        }
        // A ready token wins over client credentials: one the server never issued is refused
        // without a token request.
        let before = server.techwolf().token_requests();
        let mut vars = good.clone();
        vars.push(("TECHWOLF_ACCESS_TOKEN", "not-issued".to_owned()));
        let refused = export(vars).await.expect_err("unknown token");
        assert_eq!(refused.status().map(|s| s.as_u16()), Some(401));
        assert_eq!(server.techwolf().token_requests(), before);
        // Without a base URL the host comes from the tenant and TECHWOLF_REGION.
        let hosted = TechWolfBuilder::from_lookup(env(&[
            ("TECHWOLF_TENANT", "envco"),
            ("TECHWOLF_REGION", "us"),
            ("TECHWOLF_CLIENT_ID", "id"),
            ("TECHWOLF_CLIENT_SECRET", "s"),
        ]))
        .and_then(TechWolfBuilder::build)
        .expect("configured");
        assert_eq!(hosted.base_url(), "https://envco.us.techwolf.ai");
        assert!(format!("{hosted:?}").contains("techwolf-us.us.auth0.com"));
    }
}
