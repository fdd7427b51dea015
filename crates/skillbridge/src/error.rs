//! The crate's one error type, shared by every API client.
//!
//! [`Error`] says *what kind* of failure happened (the server answered with an error, the
//! connection failed, the request timed out, a body did not decode, an input was rejected before
//! sending, pagination went wrong, the configuration is unusable). An [`ApiError`] answers the
//! questions every vendor shares (status, code, message, retryable, how long to wait) and keeps the
//! vendor's decoded body, which each vendor module reaches through its own extension trait
//! (`kombo::KomboErrorExt`, `techwolf::TechWolfErrorExt`). This module names no vendor: whether an
//! error is worth retrying is decided once, by the vendor's rules, when the error is built.

use std::any::Any;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderMap;

/// A `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// HTTP status code of a response (re-exported from `http` through `reqwest`).
pub use reqwest::StatusCode;

/// How many bytes of a body an error keeps, so that an HTML error page cannot bloat the error.
pub(crate) const BODY_SNIPPET_LIMIT: usize = 512;

/// Everything that can go wrong in this crate.
///
/// `Display` is one line; [`Error::status`], [`Error::code`], [`Error::is_retryable`] and
/// [`Error::retry_after`] answer the usual questions without matching on variants. No variant ever
/// holds a credential. It is `Clone` (a transport failure's cause is shared), so that one failure can
/// be handed to everyone who waited on it.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The server answered with an error status.
    #[error("{0}")]
    Api(Box<ApiError>),

    /// The request could not be sent or the response could not be read (DNS, connect, reset, TLS).
    ///
    /// `Display` names the operation and the stage; the cause ("connection refused", a TLS alert)
    /// is the [`source`](std::error::Error::source), so that error reporters (`anyhow`'s `{:#}`,
    /// `tracing`'s error fields) print it once.
    #[error("{operation}: {}", if *.connect { "could not connect" } else { "transport error" })]
    Transport {
        /// The operation, e.g. `get_hris_staffing_entity_skills`.
        operation: &'static str,
        /// Whether the failure happened while connecting (no byte reached the server).
        connect: bool,
        /// The underlying error (it never contains request headers), shared so that the error can
        /// be cloned.
        #[source]
        source: Arc<reqwest::Error>,
    },

    /// The request did not complete within the configured timeout.
    #[error("{operation}: timed out")]
    Timeout {
        /// The operation, e.g. `get_hris_staffing_entity_skills`.
        operation: &'static str,
    },

    /// A successful response whose body is not what the API documents.
    #[error("{operation}: could not decode the {status} response: {reason}{}", body_suffix(.body_start))]
    Decode {
        /// The operation, e.g. `get_hris_staffing_entity_skills`.
        operation: &'static str,
        /// The HTTP status of the response.
        status: StatusCode,
        /// Why decoding failed.
        reason: String,
        /// The first bytes of the body (lossy UTF-8, at most 512 bytes).
        body_start: String,
    },

    /// An input was rejected before any request was sent.
    #[error("invalid {field}: {reason}")]
    InvalidInput {
        /// The offending field, e.g. `expected_level` or `staffing_entity_ids`.
        field: &'static str,
        /// Why it was rejected.
        reason: String,
    },

    /// A paginated listing could not continue safely.
    #[error(transparent)]
    Pagination(#[from] PaginationError),

    /// Credentials were refused (`401`/`403`, after one token refresh where the client can refresh),
    /// or no token could be obtained from the token endpoint. Never contains a secret.
    ///
    /// Which refusals land here is one rule: a vendor whose error bodies carry a code keeps its
    /// `401`/`403` as [`Error::Api`] (Kombo: `code()` is `PLATFORM.AUTHENTICATION_INVALID`, and the
    /// body's other fields stay reachable through its extension trait); a vendor without codes
    /// (TechWolf) and every OAuth token endpoint report here, with the OAuth `error` (e.g.
    /// `invalid_client`) as [`AuthError::code`]. [`Error::is_auth`] is true for both.
    #[error("{0}")]
    Auth(Box<AuthError>),

    /// The client configuration is unusable (missing key, malformed base URL, ...).
    #[error("configuration error: {0}")]
    Config(String),
}

impl Error {
    /// The HTTP status of the response this error comes from, if there was one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(api) => Some(api.status),
            Error::Decode { status, .. } => Some(*status),
            Error::Auth(auth) => auth.status,
            // A transport error never has one: reqwest reports a status only from `error_for_status`,
            // which this crate never calls (it reads every status itself).
            _ => None,
        }
    }

    /// The API error, if the server answered with an error status.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(api) => Some(api),
            _ => None,
        }
    }

    /// The vendor's error code as a string (`PLATFORM.RATE_LIMIT_EXCEEDED`, ...), or a token
    /// endpoint's OAuth `error` (`invalid_client`, `access_denied`, ...), if any.
    pub fn code(&self) -> Option<&str> {
        match self {
            Error::Auth(auth) => auth.code(),
            _ => self.api().and_then(ApiError::code),
        }
    }

    /// Whether retrying the same request may succeed.
    ///
    /// API errors follow the vendor's guidance (see [`ApiError::is_retryable`]); connection
    /// failures and timeouts are retryable (every operation this crate sends is idempotent); input,
    /// decode, pagination and configuration errors are not.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Api(api) => api.is_retryable(),
            // reqwest files a body cut off mid-transfer under `is_decode()` (`Response::bytes`); JSON is
            // decoded outside reqwest (`Error::Decode`), so a transport decode error is a broken connection.
            Error::Transport { source, .. } => !source.is_builder() && !source.is_redirect(),
            Error::Timeout { .. } => true,
            Error::Auth(auth) => auth.retryable,
            _ => false,
        }
    }

    /// Whether credentials were refused or could not be obtained: an [`Error::Auth`], or an API
    /// error with status `401` or `403` (a vendor whose bodies carry a `code` keeps such errors as
    /// [`Error::Api`], with the code).
    pub fn is_auth(&self) -> bool {
        match self {
            Error::Auth(_) => true,
            Error::Api(api) => matches!(api.status.as_u16(), 401 | 403),
            _ => false,
        }
    }

    /// How long the server asked us to wait (`Retry-After`, or `ratelimit-reset` on a 429).
    pub fn retry_after(&self) -> Option<Duration> {
        self.api().and_then(|api| api.retry_after)
    }

    /// What the server said, if it answered with an error in its vendor's format (Kombo's
    /// `message`, TechWolf's descriptions).
    pub fn message(&self) -> Option<&str> {
        self.api().and_then(ApiError::message)
    }

    /// A transport-level `reqwest` failure: a timeout, or a connection/IO error.
    pub(crate) fn from_reqwest(operation: &'static str, source: reqwest::Error) -> Self {
        if source.is_timeout() {
            Error::Timeout { operation }
        } else {
            Error::Transport {
                operation,
                connect: source.is_connect(),
                source: Arc::new(source),
            }
        }
    }

    /// The error and its causes on one line (`report: cause: cause`), for a log line: `Display`
    /// alone names what failed and leaves the causes to [`source`](std::error::Error::source).
    ///
    /// ```
    /// # fn log(error: &skillbridge::Error) {
    /// eprintln!("listing failed: {}", error.report());
    /// # }
    /// ```
    pub fn report(&self) -> Report<'_> {
        Report::new(self)
    }

    pub(crate) fn invalid(field: &'static str, reason: impl Into<String>) -> Self {
        Error::InvalidInput {
            field,
            reason: reason.into(),
        }
    }
}

/// Any error and its chain of causes on one line, joined by `": "`; a cause whose text the line
/// already ends with is not repeated (error types that print their source themselves). What
/// `anyhow`'s `{:#}` and aws-sdk's `DisplayErrorContext` print, for errors of any type.
#[derive(Debug, Clone, Copy)]
pub struct Report<'a> {
    error: &'a (dyn std::error::Error + 'static),
}

impl<'a> Report<'a> {
    /// A report of `error` and its causes.
    pub fn new(error: &'a (dyn std::error::Error + 'static)) -> Self {
        Self { error }
    }
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut line = self.error.to_string();
        let mut cause = self.error.source();
        while let Some(error) = cause {
            let text = error.to_string();
            if !text.is_empty() && !line.ends_with(&text) {
                line.push_str(": ");
                line.push_str(&text);
            }
            cause = error.source();
        }
        // One line, however a cause is laid out.
        let mut words = line.split_whitespace();
        if let Some(first) = words.next() {
            f.write_str(first)?;
        }
        for word in words {
            write!(f, " {word}")?;
        }
        Ok(())
    }
}

/// A listing that cannot continue safely.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PaginationError {
    /// The API handed out a continuation token it had handed out before: following it would loop.
    #[error("pagination: page {page} repeats continuation {continuation:?}; stopping instead of looping")]
    RepeatedContinuation {
        /// The repeated token.
        continuation: String,
        /// The 1-based number of the page that carried it (counted from where the stream started).
        page: u64,
    },
    /// The API said there is a next page but gave an empty token to fetch it with.
    #[error("pagination: page {page} has an empty continuation token; stopping instead of looping")]
    EmptyContinuation {
        /// The 1-based number of the page that carried it.
        page: u64,
    },
}

/// Credentials refused by an API or a token endpoint.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct AuthError {
    /// The operation, e.g. `export_employee_skill_clusters` or `oauth_token`.
    pub operation: &'static str,
    /// The HTTP status, when a server answered.
    pub status: Option<StatusCode>,
    /// What the server said (secrets removed).
    pub reason: String,
    /// Whether trying again may help (a token endpoint answering 429 or 5xx).
    pub retryable: bool,
    /// The OAuth `error` a token endpoint answered with (`invalid_client`, `access_denied`, ...).
    pub(crate) code: Option<String>,
}

impl AuthError {
    /// The OAuth `error` code a token endpoint answered with (`invalid_client`, `access_denied`,
    /// `invalid_grant`, ...), if it sent one; `None` for an API's own refusal.
    pub fn code(&self) -> Option<&str> {
        self.code.as_deref()
    }
}

impl fmt::Display for AuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: authentication failed", self.operation)?;
        if let Some(status) = self.status {
            write!(f, " (HTTP {})", status.as_u16())?;
        }
        let reason = self.reason.split_whitespace().collect::<Vec<_>>().join(" ");
        if !reason.is_empty() {
            write!(f, ": {reason}")?;
        }
        Ok(())
    }
}

/// An error response from an API: the status, what the vendor said, and when to come back.
///
/// The vendor's decoded body is reached through the vendor's extension trait
/// (`kombo::KomboErrorExt::kombo`, `techwolf::TechWolfErrorExt::techwolf`).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ApiError {
    /// The operation, e.g. `post_hris_staffing_entity_skills`.
    pub operation: &'static str,
    /// The HTTP status.
    pub status: StatusCode,
    /// How long the server asked us to wait before retrying, if it said so.
    pub retry_after: Option<Duration>,
    /// The vendor's error code, if its body carried one.
    code: Option<String>,
    /// The vendor's human-readable message, if its body had one.
    message: Option<String>,
    /// Decided once, by the vendor's rules, when the error was built.
    retryable: bool,
    /// The body, as the vendor's decoded type.
    detail: Option<Arc<dyn VendorDetail>>,
    /// The first bytes of a body that was not in the vendor's format (e.g. a proxy's HTML page).
    body_start: Option<String>,
    /// The response's headers, without credentials and with configured secrets redacted.
    headers: HeaderMap,
}

/// A vendor's decoded error body, kept type-erased so that this module names no vendor.
pub(crate) trait VendorDetail: Any + fmt::Debug + fmt::Display + Send + Sync {
    fn as_any(&self) -> &dyn Any;
}

impl<T: Any + fmt::Debug + fmt::Display + Send + Sync> VendorDetail for T {
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// What a vendor's rules say about one error response, for [`ApiError::new`].
pub(crate) struct Classified<D> {
    /// The decoded body, or `None` when it was not in the vendor's format.
    pub(crate) detail: Option<D>,
    /// The vendor's error code.
    pub(crate) code: Option<String>,
    /// The vendor's message.
    pub(crate) message: Option<String>,
    /// Whether the vendor says retrying may succeed.
    pub(crate) retryable: bool,
}

impl ApiError {
    /// An API error as a vendor module classified it; `body` is kept (cut) when nothing decoded.
    pub(crate) fn new<D: VendorDetail>(
        operation: &'static str,
        status: StatusCode,
        retry_after: Option<Duration>,
        classified: Classified<D>,
        headers: HeaderMap,
        body: &[u8],
    ) -> Self {
        let body_start = classified.detail.is_none().then(|| body_snippet(body));
        Self {
            operation,
            status,
            retry_after,
            code: classified.code,
            message: classified.message,
            retryable: classified.retryable,
            detail: classified.detail.map(|d| Arc::new(d) as Arc<dyn VendorDetail>),
            body_start,
            headers,
        }
    }

    /// The vendor's error code, if the body carried one (`PLATFORM.RATE_LIMIT_EXCEEDED`, ...).
    pub fn code(&self) -> Option<&str> {
        self.code.as_deref()
    }

    /// The vendor's human-readable message, if the body had one.
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    /// Whether retrying may succeed, by the vendor's guidance (see each vendor module).
    pub fn is_retryable(&self) -> bool {
        self.retryable
    }

    /// The first bytes of the body (lossy UTF-8, at most 512 bytes) when it was not in the vendor's
    /// error format, e.g. a load balancer's HTML page; `None` when the body decoded.
    pub fn body_start(&self) -> Option<&str> {
        self.body_start.as_deref()
    }

    /// The response's headers (`ratelimit-*`, a request id, ...), as far as they are safe to keep:
    /// `Authorization`, `Proxy-Authorization`, `Cookie`, `Set-Cookie` and every header whose name
    /// contains `token`, `secret` or `key` (in any case) are left out, and configured secrets are
    /// replaced by `<redacted>` in the others. `Display` never shows them.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The vendor's decoded body, if it is a `T` (used by the vendor modules' extension traits).
    pub(crate) fn detail<T: Any>(&self) -> Option<&T> {
        self.detail.as_deref().and_then(|d| d.as_any().downcast_ref())
    }
}

/// The most characters of a vendor's error text an [`ApiError`]'s `Display` shows: a server cannot
/// make an error line arbitrarily long (the full text stays in the vendor's detail).
pub(crate) const DISPLAY_TEXT_LIMIT: usize = 1024;

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: HTTP {}", self.operation, self.status.as_u16())?;
        match (&self.detail, self.body_start.as_deref()) {
            (Some(detail), _) => {
                let text = detail.to_string();
                match text.char_indices().nth(DISPLAY_TEXT_LIMIT) {
                    Some((cut, _)) => write!(f, " {}…", &text[..cut]),
                    None => write!(f, " {text}"),
                }
            }
            (None, Some(body)) if !body.is_empty() => {
                // One line, however the body is laid out.
                let flat: String = body.split_whitespace().collect::<Vec<_>>().join(" ");
                write!(f, " (undecoded body: {flat:?})")
            }
            (None, _) => f.write_str(" (empty body)"),
        }
    }
}

/// Statuses worth retrying when the body says nothing more (load balancers, gateways).
pub(crate) fn gateway_status_is_retryable(status: StatusCode) -> bool {
    matches!(status.as_u16(), 429 | 502 | 503 | 504)
}

/// The first bytes of a body, lossy UTF-8, cut on a character boundary.
pub(crate) fn body_snippet(body: &[u8]) -> String {
    let end = body.len().min(BODY_SNIPPET_LIMIT);
    let text = String::from_utf8_lossy(&body[..end]);
    text.trim().to_owned()
}

fn body_suffix(body_start: &str) -> String {
    if body_start.is_empty() {
        String::new()
    } else {
        format!("; body starts with {body_start:?}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("{text}")]
    struct Chain {
        text: &'static str,
        #[source]
        source: Option<Box<Chain>>,
    }

    fn chain(texts: &[&'static str]) -> Option<Box<Chain>> {
        texts.split_first().map(|(text, rest)| {
            Box::new(Chain {
                text,
                source: chain(rest),
            })
        })
    }

    #[test]
    fn a_report_joins_every_cause_on_one_line_once() {
        let error = chain(&["listing: could not connect", "tcp connect error", "Connection\nrefused"]).expect("chain");
        assert_eq!(
            Report::new(&*error).to_string(),
            "listing: could not connect: tcp connect error: Connection refused"
        );
        let multi_line = chain(&["first\n  line", "second"]).expect("chain");
        assert_eq!(Report::new(&*multi_line).to_string(), "first line: second");
        let repeats = chain(&["outer: inner", "inner", ""]).expect("chain");
        assert_eq!(
            Report::new(&*repeats).to_string(),
            "outer: inner",
            "a cause already shown is not repeated"
        );
        let alone = Error::invalid("page_size", "must be 1..=250");
        assert_eq!(alone.report().to_string(), alone.to_string());
    }
}
