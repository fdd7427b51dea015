//! Configuration shared by every API client: timeouts, user agent, retry policy, base URLs.
//!
//! Each client's builder ([`KomboBuilder`](crate::kombo::KomboBuilder), ...) embeds these options
//! next to its vendor-specific ones (credentials, region) and builds one `reqwest::Client` that all of
//! the client's handles and clones share (one connection pool).
//!
//! Every request builder (a listing, an upsert, ...) may change three of them for its own call:
//! `timeout`, `retry_policy` and `header`, checked when the call is sent (an unusable header is an
//! [`Error::InvalidInput`] before anything is sent) and applied to each of its requests.

use std::borrow::Cow;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE, HOST, HeaderMap, HeaderName, HeaderValue};
use secrecy::{ExposeSecret, SecretString};

use crate::error::{Error, Result};
use crate::redact::Secrets;
use crate::retry::{Retrier, RetryPolicy, Sleeper, TokioSleeper};

/// Total time a single HTTP attempt may take, body included, unless configured (30 s).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// Time allowed to establish a connection, unless configured (10 s).
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The `User-Agent` sent unless configured: `skillbridge/<version>`.
pub const DEFAULT_USER_AGENT: &str = concat!("skillbridge/", env!("CARGO_PKG_VERSION"));

/// HTTP and retry options every client builder carries.
#[derive(Debug, Clone)]
pub(crate) struct HttpOptions {
    pub(crate) timeout: Duration,
    pub(crate) connect_timeout: Duration,
    pub(crate) user_agent: String,
    pub(crate) retry: RetryPolicy,
    pub(crate) sleeper: Arc<dyn Sleeper>,
    /// A caller's own client: its timeouts, user agent, proxy, TLS and pool apply instead of ours.
    pub(crate) client: Option<reqwest::Client>,
    /// Extra headers for every API request, as given (checked when the client is built). Values
    /// are kept as secrets: a header may carry a credential (a proxy's, a gateway's).
    pub(crate) default_headers: Vec<(String, SecretString)>,
    /// Drift observation of the client's responses, when asked for.
    #[cfg(feature = "observe")]
    #[cfg_attr(docsrs, doc(cfg(feature = "observe")))]
    pub(crate) observe: Option<crate::observe::ObserveConfig>,
}

impl Default for HttpOptions {
    fn default() -> Self {
        Self {
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            user_agent: DEFAULT_USER_AGENT.to_owned(),
            retry: RetryPolicy::default(),
            sleeper: Arc::new(TokioSleeper),
            client: None,
            default_headers: Vec::new(),
            #[cfg(feature = "observe")]
            #[cfg_attr(docsrs, doc(cfg(feature = "observe")))]
            observe: None,
        }
    }
}

impl HttpOptions {
    /// The shared `reqwest::Client` these options describe, or the caller's own.
    pub(crate) fn http_client(&self) -> Result<reqwest::Client> {
        if let Some(client) = &self.client {
            return Ok(client.clone());
        }
        reqwest::Client::builder()
            .timeout(self.timeout)
            .connect_timeout(self.connect_timeout)
            .user_agent(self.user_agent.clone())
            .build()
            .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))
    }

    /// The default headers, checked by [`checked_header`]. Errors name the header, never its value.
    pub(crate) fn default_headers(&self) -> Result<Arc<HeaderMap>> {
        let mut headers = HeaderMap::new();
        for (name, value) in &self.default_headers {
            let (name, value) =
                checked_header(name, value).map_err(|reason| Error::Config(format!("default header {reason}")))?;
            headers.append(name, value);
        }
        Ok(Arc::new(headers))
    }

    /// Every secret a client built from these options holds: the default headers' values and the
    /// vendor's `credentials` (API key, client secret, static token), for [`Secrets`] to keep them
    /// out of errors.
    pub(crate) fn secrets<'a>(&'a self, credentials: impl IntoIterator<Item = &'a SecretString>) -> Arc<Secrets> {
        let headers = self.default_headers.iter().map(|(_, value)| value);
        Arc::new(Secrets::new(credentials.into_iter().chain(headers)))
    }
}

/// Checks a base URL (`http` or `https`, with a host) and drops a trailing `/`, so that paths can be
/// appended as `{base}/hris/...`.
pub(crate) fn base_url(raw: &str) -> Result<String> {
    let trimmed = raw.trim();
    // Errors do not echo the URL: a proxy URL may carry credentials.
    let url = reqwest::Url::parse(trimmed).map_err(|e| Error::Config(format!("invalid base URL: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(Error::Config("the base URL must be http(s) with a host".to_owned()));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::Config(
            "the base URL must not have a query or fragment".to_owned(),
        ));
    }
    Ok(trimmed.trim_end_matches('/').to_owned())
}

/// An environment variable, `None` when unset or blank.
pub(crate) fn env_var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// A header as given (`name`, `value`), checked: a valid name and value, and none that would
/// replace the credentials (`Authorization`) or the body's framing (`Content-Type`,
/// `Content-Length`, `Host`). The value is marked sensitive. The reason names the header, never
/// its value.
fn checked_header(name: &str, value: &SecretString) -> std::result::Result<(HeaderName, HeaderValue), String> {
    let name =
        HeaderName::from_bytes(name.trim().as_bytes()).map_err(|_| format!("{name:?} is not a valid header name"))?;
    if [AUTHORIZATION, CONTENT_TYPE, CONTENT_LENGTH, HOST].contains(&name) {
        return Err(format!("`{name}` is set by the client itself and cannot be replaced"));
    }
    let mut value = HeaderValue::from_str(value.expose_secret())
        .map_err(|_| format!("`{name}` has characters not allowed in a header"))?;
    value.set_sensitive(true);
    Ok((name, value))
}

/// What one call may change of its client's settings, as the caller gave it; checked when the
/// call is sent ([`check`](Self::check)), so that a builder's setters stay infallible.
#[derive(Debug, Clone, Default)]
pub(crate) struct RequestOptions {
    timeout: Option<Duration>,
    retry: Option<RetryPolicy>,
    /// Kept as secrets, like the default headers: a header may carry a credential.
    headers: Vec<(String, SecretString)>,
}

impl RequestOptions {
    pub(crate) fn set_timeout(&mut self, timeout: Duration) {
        self.timeout = Some(timeout);
    }

    pub(crate) fn set_retry_policy(&mut self, policy: RetryPolicy) {
        self.retry = Some(policy);
    }

    pub(crate) fn add_header(&mut self, name: String, value: SecretString) {
        self.headers.push((name, value));
    }

    /// The options, checked like the default headers; an unusable header is an
    /// [`Error::InvalidInput`] naming it (never its value), before anything is sent.
    pub(crate) fn check(&self) -> Result<CallOptions> {
        let mut headers = HeaderMap::new();
        for (name, value) in &self.headers {
            let (name, value) = checked_header(name, value).map_err(|reason| Error::invalid("header", reason))?;
            headers.append(name, value);
        }
        Ok(CallOptions {
            timeout: self.timeout,
            retry: self.retry.clone(),
            headers,
            secrets: self.headers.iter().map(|(_, value)| value.clone()).collect(),
        })
    }
}

/// A call's checked [`RequestOptions`]: what [`send`](crate::send::send) applies to each of the
/// call's requests, and the retrier its attempts run under.
#[derive(Debug, Default)]
pub(crate) struct CallOptions {
    timeout: Option<Duration>,
    retry: Option<RetryPolicy>,
    headers: HeaderMap,
    /// The headers' values, for the call's [`Redaction`](crate::redact::Redaction).
    secrets: Vec<SecretString>,
}

impl CallOptions {
    /// Sets the call's headers on `request`, each replacing a default header of its name, and
    /// its per-attempt timeout, which replaces the client's.
    pub(crate) fn apply(&self, request: &mut reqwest::Request) {
        for (name, value) in &self.headers {
            request.headers_mut().insert(name, value.clone());
        }
        if let Some(timeout) = self.timeout {
            *request.timeout_mut() = Some(timeout);
        }
    }

    /// The values of the call's headers, to keep out of its errors.
    pub(crate) fn secrets(&self) -> &[SecretString] {
        &self.secrets
    }

    /// Whether the call set its own retry policy.
    pub(crate) fn has_retry_policy(&self) -> bool {
        self.retry.is_some()
    }

    /// The client's retrier, or one with the call's policy (sharing the client's counters).
    pub(crate) fn retrier<'a>(&self, client: &'a Retrier) -> Cow<'a, Retrier> {
        match &self.retry {
            Some(policy) => Cow::Owned(client.with_policy(policy.clone())),
            None => Cow::Borrowed(client),
        }
    }
}

/// The per-call setters of a request builder (a listing, an upsert, ...) whose
/// [`RequestOptions`] are at `$options` (a field path from `self`, e.g. `listing.options`).
macro_rules! request_option_setters {
    ($($options:ident).+) => {
        /// Total time for each HTTP attempt of this call, body included, instead of the timeout
        /// the client was built with (for a listing: each page's requests).
        /// A retry gets its own; an attempt that runs out is an [`Error::Timeout`](crate::Error::Timeout).
        pub fn timeout(mut self, timeout: std::time::Duration) -> Self {
            self.$($options).+.set_timeout(timeout);
            self
        }

        /// When to retry this call, instead of the client's policy (for a listing: each page's
        /// requests, each page with the whole budget); [`RetryPolicy::never`](crate::retry::RetryPolicy::never)
        /// sends once.
        pub fn retry_policy(mut self, policy: crate::retry::RetryPolicy) -> Self {
            self.$($options).+.set_retry_policy(policy);
            self
        }

        /// A header sent with this call's requests only (for a listing: every page's), replacing a
        /// default header of the same name; call once per header. Never sent to a token endpoint. The value is treated as a secret: it is
        /// marked sensitive and never shows in `Debug` output or errors. An invalid name or value,
        /// and `Authorization`, `Content-Type`, `Content-Length` and `Host` (the client's own), are
        /// refused with [`Error::InvalidInput`](crate::Error::InvalidInput) before anything is sent.
        pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
            self.$($options)
                .+
                .add_header(name.into(), secrecy::SecretString::from(value.into()));
            self
        }
    };
}

pub(crate) use request_option_setters;

/// The HTTP and retry setters every client builder shares; the builder has an `http: HttpOptions`.
macro_rules! http_option_setters {
    () => {
        /// Send requests with this `reqwest::Client` (a proxy, a custom root certificate, mTLS, pool
        /// settings). Its own configuration then applies instead of
        /// [`timeout`](Self::timeout), [`connect_timeout`](Self::connect_timeout) and
        /// [`user_agent`](Self::user_agent), which are ignored; retries,
        /// [`default_header`](Self::default_header)s and credentials still apply.
        pub fn http_client(mut self, client: reqwest::Client) -> Self {
            self.http.client = Some(client);
            self
        }

        /// A header sent with every API request (not with token requests), e.g. a gateway's
        /// routing or tracing header; call once per header. The value is treated as a secret: it
        /// never shows in `Debug` output or errors. `Authorization`, `Content-Type`,
        /// `Content-Length` and `Host` are the client's own: [`build`](Self::build) refuses them,
        /// and an invalid name or value, with [`Error::Config`](crate::Error::Config).
        pub fn default_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
            self.http
                .default_headers
                .push((name.into(), secrecy::SecretString::from(value.into())));
            self
        }

        /// Total time for one HTTP attempt, body included (default 30 s). Retries get their own.
        pub fn timeout(mut self, timeout: std::time::Duration) -> Self {
            self.http.timeout = timeout;
            self
        }

        /// Time allowed to establish a connection (default 10 s).
        pub fn connect_timeout(mut self, timeout: std::time::Duration) -> Self {
            self.http.connect_timeout = timeout;
            self
        }

        /// The `User-Agent` header (default `skillbridge/<version>`).
        pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
            self.http.user_agent = user_agent.into();
            self
        }

        /// When to retry (default [`RetryPolicy::default`](crate::retry::RetryPolicy::default);
        /// [`RetryPolicy::never`](crate::retry::RetryPolicy::never) turns retries off).
        pub fn retry_policy(mut self, policy: crate::retry::RetryPolicy) -> Self {
            self.http.retry = policy;
            self
        }

        /// Check a sampled share of this client's successful responses against the OpenAPI
        /// document it was generated from, and report what differs (properties and enum values
        /// the document does not declare, schema violations) to `tracing` and your callback: see
        /// [`observe`](crate::observe). Off unless set.
        #[cfg(feature = "observe")]
        #[cfg_attr(docsrs, doc(cfg(feature = "observe")))]
        pub fn observe(mut self, config: crate::observe::ObserveConfig) -> Self {
            self.http.observe = Some(config);
            self
        }

        /// Where retry waits happen, and the clock the retry budget and token expiry are measured
        /// on (default: tokio's timer and clock). Tests inject a recording sleeper and move its clock.
        pub fn sleeper(mut self, sleeper: std::sync::Arc<dyn crate::retry::Sleeper>) -> Self {
            self.http.sleeper = sleeper;
            self
        }
    };
}

pub(crate) use http_option_setters;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_are_checked_and_trimmed() {
        assert_eq!(
            base_url("https://api.example.com/v1/").ok().as_deref(),
            Some("https://api.example.com/v1")
        );
        assert_eq!(
            base_url("http://127.0.0.1:8080").ok().as_deref(),
            Some("http://127.0.0.1:8080")
        );
        assert!(base_url("api.example.com").is_err());
        assert!(base_url("ftp://api.example.com").is_err());
        assert!(base_url("https://api.example.com/v1?x=1").is_err());
    }
}
