//! The crate's one error type, shared by every API client.
//!
//! [`Error`] says *what kind* of failure happened (the server answered with an error, the
//! connection failed, the request timed out, a body did not decode, an input was rejected before
//! sending, pagination went wrong, the configuration is unusable). What a vendor says about an error
//! lives in [`ApiError::detail`], one [`ApiErrorDetail`] variant per vendor, so that the same type
//! serves the Kombo and TechWolf clients.

use std::fmt;
use std::time::Duration;

use crate::kombo::KomboApiError;
use crate::retry::server_wait;
use crate::techwolf::TechWolfApiError;

/// A `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// HTTP status code of a response (re-exported from `http` through `reqwest`).
pub use reqwest::StatusCode;

/// How many bytes of a body an error keeps, so that an HTML error page cannot bloat the error.
pub(crate) const BODY_SNIPPET_LIMIT: usize = 512;

/// Everything that can go wrong in this crate.
///
/// `Display` is one line; [`Error::status`], [`Error::kombo_code`], [`Error::is_retryable`] and
/// [`Error::retry_after`] answer the usual questions without matching on variants. No variant ever
/// holds a credential.
#[derive(Debug, thiserror::Error)]
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
        /// The underlying error (it never contains request headers).
        #[source]
        source: reqwest::Error,
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
    Pagination(#[from] crate::pagination::PaginationError),

    /// Credentials were refused (`401`/`403`, after one token refresh where the client can refresh),
    /// or no token could be obtained from the token endpoint. Never contains a secret.
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
            Error::Transport { source, .. } => source.status(),
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

    /// The Kombo error `code`, if this is a Kombo API error that carried one.
    pub fn kombo_code(&self) -> Option<&crate::kombo::ErrorCode> {
        self.api()
            .and_then(ApiError::kombo)
            .and_then(|kombo| kombo.code.as_ref())
    }

    /// The vendor's error code as a string (`PLATFORM.RATE_LIMIT_EXCEEDED`, ...), if any.
    pub fn code(&self) -> Option<&str> {
        self.api().and_then(ApiError::code)
    }

    /// Whether retrying the same request may succeed.
    ///
    /// API errors follow the vendor's guidance (see [`ApiErrorDetail::is_retryable`]); connection
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
    /// error with status `401` or `403` (Kombo's keep their `code`, e.g.
    /// `PLATFORM.AUTHENTICATION_INVALID`, so they stay [`Error::Api`]).
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

    /// A transport-level `reqwest` failure: a timeout, or a connection/IO error.
    pub(crate) fn from_reqwest(operation: &'static str, source: reqwest::Error) -> Self {
        if source.is_timeout() {
            Error::Timeout { operation }
        } else {
            Error::Transport {
                operation,
                connect: source.is_connect(),
                source,
            }
        }
    }

    pub(crate) fn invalid(field: &'static str, reason: impl Into<String>) -> Self {
        Error::InvalidInput {
            field,
            reason: reason.into(),
        }
    }
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
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ApiError {
    /// The operation, e.g. `post_hris_staffing_entity_skills`.
    pub operation: &'static str,
    /// The HTTP status.
    pub status: StatusCode,
    /// How long the server asked us to wait before retrying, if it said so.
    pub retry_after: Option<Duration>,
    /// The vendor-specific body.
    pub detail: ApiErrorDetail,
}

impl ApiError {
    /// A new API error.
    pub fn new(
        operation: &'static str,
        status: StatusCode,
        retry_after: Option<Duration>,
        detail: ApiErrorDetail,
    ) -> Self {
        Self {
            operation,
            status,
            retry_after,
            detail,
        }
    }

    /// The Kombo error body, if this came from Kombo and was decoded.
    pub fn kombo(&self) -> Option<&KomboApiError> {
        match &self.detail {
            ApiErrorDetail::Kombo(kombo) => Some(kombo),
            _ => None,
        }
    }

    /// The vendor's error code, if the body carried one.
    pub fn code(&self) -> Option<&str> {
        match &self.detail {
            ApiErrorDetail::Kombo(kombo) => kombo.code.as_ref().map(crate::kombo::ErrorCode::as_str),
            ApiErrorDetail::TechWolf(_) | ApiErrorDetail::Unstructured { .. } => None,
        }
    }

    /// Whether retrying may succeed; see [`ApiErrorDetail::is_retryable`].
    pub fn is_retryable(&self) -> bool {
        self.detail.is_retryable(self.status)
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: HTTP {}", self.operation, self.status.as_u16())?;
        match &self.detail {
            ApiErrorDetail::Kombo(kombo) => write!(f, " {kombo}"),
            ApiErrorDetail::TechWolf(techwolf) => write!(f, " {techwolf}"),
            ApiErrorDetail::Unstructured { body_start } if body_start.is_empty() => f.write_str(" (empty body)"),
            ApiErrorDetail::Unstructured { body_start } => {
                // One line, however the body is laid out.
                let flat: String = body_start.split_whitespace().collect::<Vec<_>>().join(" ");
                write!(f, " (undecoded body: {flat:?})")
            }
        }
    }
}

/// What the vendor said in an error response.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum ApiErrorDetail {
    /// Kombo's `{"status":"error","error":{code,title,message,log_url}}` envelope.
    Kombo(KomboApiError),
    /// TechWolf's `[{"title", "description"}]` array.
    TechWolf(TechWolfApiError),
    /// A body that is not the vendor's error format (e.g. a load balancer's HTML page).
    Unstructured {
        /// The first bytes of the body (lossy UTF-8, at most 512 bytes).
        body_start: String,
    },
}

impl ApiErrorDetail {
    /// Whether a request that failed with this body and `status` may succeed when retried.
    ///
    /// - Kombo, with a `code`: only the codes Kombo calls transient
    ///   (see [`ErrorCode::is_retryable`](crate::kombo::ErrorCode::is_retryable)); never any other
    ///   code, whatever the status.
    /// - Without a code (unstructured body, or `code: null`): `429`, `502`, `503` and `504`.
    /// - TechWolf (no codes, no documented guidance): `429` and any `5xx`.
    pub fn is_retryable(&self, status: StatusCode) -> bool {
        match self {
            ApiErrorDetail::TechWolf(_) => status.as_u16() == 429 || status.is_server_error(),
            ApiErrorDetail::Kombo(KomboApiError { code: Some(code), .. }) => code.is_retryable(),
            ApiErrorDetail::Kombo(_) | ApiErrorDetail::Unstructured { .. } => bare_status_is_retryable(status),
        }
    }
}

/// Statuses worth retrying when the body says nothing more (load balancers, gateways).
pub(crate) fn bare_status_is_retryable(status: StatusCode) -> bool {
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

/// How one vendor's error bodies decode, for [`from_generated`].
pub(crate) trait VendorErrors {
    /// The error body type the generated client decodes.
    type Generated;

    /// Our detail from the generated body.
    fn from_generated(body: Self::Generated) -> ApiErrorDetail;

    /// Our detail from raw bytes the generated client could not decode (`None`: not this vendor's shape).
    fn from_body(body: &[u8]) -> Option<ApiErrorDetail>;
}

/// Turns the generated client's error into ours, using the status and headers the context recorded
/// when the generated client could not decode the body (HTML from a load balancer, a new code).
pub(crate) async fn from_generated<V: VendorErrors>(
    operation: &'static str,
    error: skillbridge_openapi::Error<V::Generated>,
    context: &skillbridge_openapi::RequestContext,
) -> Error {
    use skillbridge_openapi::Error as Generated;
    match error {
        Generated::ErrorResponse(response) => {
            let status = response.status();
            let retry_after = server_wait(status, response.headers());
            let detail = V::from_generated(response.into_inner());
            Error::Api(Box::new(ApiError::new(operation, status, retry_after, detail)))
        }
        Generated::InvalidResponsePayload(body, source) => match context.response_meta() {
            Some(meta) => from_raw::<V>(operation, meta.status, &meta.headers, &body, &source.to_string()),
            None => Error::Decode {
                operation,
                status: StatusCode::OK,
                reason: format!("{source} (status not recorded)"),
                body_start: body_snippet(&body),
            },
        },
        Generated::UnexpectedResponse(response) => {
            let status = response.status();
            let headers = response.headers().clone();
            let body = response.bytes().await.unwrap_or_default();
            from_raw::<V>(operation, status, &headers, &body, "unexpected status")
        }
        Generated::CommunicationError(source)
        | Generated::ResponseBodyError(source)
        | Generated::InvalidUpgrade(source) => Error::from_reqwest(operation, source),
        Generated::InvalidRequest(reason) | Generated::Custom(reason) => Error::InvalidInput {
            field: "request",
            reason,
        },
    }
}

/// An error from a status, headers and a raw body: success statuses are decode errors, others API
/// errors with the vendor's shape when it decodes leniently, or the start of the body when it does not.
fn from_raw<V: VendorErrors>(
    operation: &'static str,
    status: StatusCode,
    headers: &reqwest::header::HeaderMap,
    body: &[u8],
    reason: &str,
) -> Error {
    if status.is_success() {
        return Error::Decode {
            operation,
            status,
            reason: reason.to_owned(),
            body_start: body_snippet(body),
        };
    }
    let detail = V::from_body(body).unwrap_or_else(|| ApiErrorDetail::Unstructured {
        body_start: body_snippet(body),
    });
    Error::Api(Box::new(ApiError::new(
        operation,
        status,
        server_wait(status, headers),
        detail,
    )))
}
