//! The one way every operation sends a request. The generated client describes the request
//! ([`Preparing`]: URL, query, headers, body, credentials) without sending it; [`send`] waits at the
//! client's rate gate, sends it, shows the headers to whoever watches them, and turns the answer
//! into this crate's types: a success body is decoded once, straight into the public types;
//! anything else (the vendor's error body, a proxy's HTML page, a new error code) becomes a typed
//! [`Error`] by one rule per vendor, with the configured secrets taken out of its text.
//!
//! A vendor module describes its error bodies and its retry guidance once ([`VendorErrors`]). This
//! module names no vendor.

use std::fmt;
use std::future::Future;
use std::sync::Arc;

use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;
use skillbridge_openapi::{RequestContext, ResponseValue};

use crate::config::{CallOptions, HttpOptions};
use crate::error::{ApiError, Classified, Error, Result, StatusCode, body_snippet};
use crate::limits::RateGate;
use crate::redact::{Redaction, Secrets};
use crate::response::Received;
use crate::retry::{Retrier, server_wait};

/// How one vendor's error bodies decode and which errors it says are worth retrying.
pub(crate) trait VendorErrors {
    /// The vendor's own error body type, reached by users through the vendor's extension trait.
    type Detail: fmt::Debug + fmt::Display + Send + Sync + 'static;

    /// Our detail from raw bytes the generated client could not decode (`None`: not this vendor's
    /// shape, e.g. HTML).
    fn from_body(body: &[u8]) -> Option<Self::Detail>;

    /// The error code the body carries, if the vendor has codes.
    fn code(detail: &Self::Detail) -> Option<String>;

    /// The human-readable message the body carries.
    fn message(detail: &Self::Detail) -> Option<String>;

    /// Whether a request that failed with `status` and this body (`None`: not in the vendor's
    /// format) may succeed when retried.
    fn is_retryable(status: StatusCode, detail: Option<&Self::Detail>) -> bool;
}

/// An [`ApiError`] from a status, the server's wait and the vendor's detail (or the raw body it
/// came in).
fn api_error<V: VendorErrors>(
    operation: &'static str,
    status: StatusCode,
    retry_after: Option<std::time::Duration>,
    detail: Option<V::Detail>,
    headers: &HeaderMap,
    body: &[u8],
) -> Error {
    let classified = Classified {
        code: detail.as_ref().and_then(V::code),
        message: detail.as_ref().and_then(V::message),
        retryable: V::is_retryable(status, detail.as_ref()),
        detail,
    };
    Error::Api(Box::new(ApiError::new(
        operation,
        status,
        retry_after,
        classified,
        headers.clone(),
        body,
    )))
}

/// What every request of one client shares: the connection pool, where requests go, the gate of
/// announced rate limits, the retrier and the secrets kept out of errors. Built once per client
/// ([`HttpOptions::connection`](crate::config::HttpOptions::connection)).
pub(crate) struct Connection {
    pub(crate) http: reqwest::Client,
    pub(crate) base_url: String,
    pub(crate) gate: RateGate,
    pub(crate) retrier: Retrier,
    pub(crate) secrets: Arc<Secrets>,
    /// Checks a sample of successful responses against the client's document, when configured.
    #[cfg(feature = "observe")]
    #[cfg_attr(docsrs, doc(cfg(feature = "observe")))]
    pub(crate) observer: Option<crate::observe::Observer>,
}

impl Connection {
    /// What every request of a client built from `options` shares: `http` (from
    /// [`HttpOptions::http_client`]), `base_url`, the `secrets`, the retrier and a gate for
    /// announced rate limits that never waits longer than one call's retry budget.
    pub(crate) fn new(options: &HttpOptions, http: reqwest::Client, base_url: String, secrets: Arc<Secrets>) -> Self {
        Self {
            http,
            base_url,
            gate: RateGate::new(Arc::clone(&options.sleeper), options.retry.budget()),
            retrier: Retrier::new(options.retry.clone(), Arc::clone(&options.sleeper)),
            secrets,
            #[cfg(feature = "observe")]
            #[cfg_attr(docsrs, doc(cfg(feature = "observe")))]
            observer: None,
        }
    }

    /// The connection, observing its responses as `options` ask (if they do) against `document`,
    /// the prepared OpenAPI document (JSON) of `api`, whose operations the vendor's operation
    /// names match (`ExportThings` is `export_things`).
    #[cfg(feature = "observe")]
    #[cfg_attr(docsrs, doc(cfg(feature = "observe")))]
    pub(crate) fn observed(mut self, options: &HttpOptions, api: &'static str, document: &str) -> Self {
        self.observer = options
            .observe
            .clone()
            .and_then(|config| crate::observe::Observer::new(config, api, document));
        self
    }

    /// A generated client, made by `new_client` (the generated `Client::new_with_client`), whose
    /// operations describe requests with `credentials` and hand them over instead of sending them.
    pub(crate) fn preparing<C>(
        &self,
        credentials: RequestContext,
        new_client: impl FnOnce(&str, reqwest::Client, RequestContext) -> C,
    ) -> Preparing<C> {
        let context = credentials.prepare_only();
        let api = new_client(&self.base_url, self.http.clone(), context.clone());
        Preparing { api, context }
    }
}

/// A generated client ([`api`](Self::api)) built with a
/// [`prepare_only`](skillbridge_openapi::RequestContext::prepare_only) context: its operations stop
/// once the request is built, and [`request`](Self::request) takes it for [`send`].
pub(crate) struct Preparing<C> {
    pub(crate) api: C,
    context: RequestContext,
}

impl<C> Preparing<C> {
    /// The request that `built` (one of [`api`](Self::api)'s operations, run) described.
    pub(crate) async fn request<T, E>(
        &self,
        built: impl Future<Output = std::result::Result<ResponseValue<T>, skillbridge_openapi::Error<E>>>,
    ) -> Result<reqwest::Request> {
        let outcome = built.await;
        match (self.context.take_prepared(), outcome) {
            (Some(request), _) => Ok(request),
            // A parameter the generated builder could not convert (none of ours: inputs are checked first).
            (None, Err(skillbridge_openapi::Error::InvalidRequest(reason))) => Err(Error::invalid("request", reason)),
            (None, _) => Err(Error::invalid(
                "request",
                "the generated client did not build the request",
            )),
        }
    }
}

/// Sends what an operation `prepared` ([`Preparing::request`]), with the call's `options` (its
/// headers and timeout), once the client's rate gate is open, and decodes a success body straight
/// into `T`; any other status becomes the vendor's typed error ([`from_raw`]), whatever the body
/// looks like. The gate reads every response's rate-limit headers; `observe` sees the headers too,
/// before the body is read (a vendor's concurrency limit). Whatever of the body and headers an
/// error or the answer keeps passes through `redaction` (with the call's own secrets) first: a
/// server that echoes a credential does not put it in our errors.
pub(crate) async fn send<V: VendorErrors, T: DeserializeOwned>(
    connection: &Connection,
    operation: &'static str,
    prepared: impl Future<Output = Result<reqwest::Request>>,
    options: &CallOptions,
    redaction: Redaction<'_>,
    observe: impl FnOnce(&HeaderMap),
) -> Result<Received<T>> {
    let mut request = prepared.await?;
    options.apply(&mut request);
    let redaction = redaction.and(options.secrets());
    connection.gate.wait().await;
    let mut response = connection
        .http
        .execute(request)
        .await
        .map_err(|source| Error::from_reqwest(operation, source))?;
    let status = response.status();
    // A 429's own wait is the retrier's to honour (its Retry-After wins); the gate takes the
    // window's end from the answers that were let through.
    if status != StatusCode::TOO_MANY_REQUESTS {
        connection.gate.observe(response.headers());
    }
    observe(response.headers());
    // Taken, not cloned: reading the body does not need them.
    let headers = redaction.headers(&std::mem::take(response.headers_mut()));
    let body = response
        .bytes()
        .await
        .map_err(|source| Error::from_reqwest(operation, source))?;
    if !status.is_success() {
        let body = redaction.body(&body);
        return Err(from_raw::<V>(operation, status, &headers, &body, "error status"));
    }
    #[cfg(feature = "observe")]
    #[cfg_attr(docsrs, doc(cfg(feature = "observe")))]
    if let Some(observer) = &connection.observer {
        observer.response(operation, status.as_u16(), &body);
    }
    match serde_json::from_slice(&body) {
        Ok(value) => Ok(Received { value, status, headers }),
        Err(error) => {
            // A decoding error quotes the value it could not read.
            let reason = error.to_string();
            Err(from_raw::<V>(
                operation,
                status,
                &HeaderMap::new(),
                &redaction.body(&body),
                &redaction.text(&reason),
            ))
        }
    }
}

/// An error from a status, headers and a raw body: success statuses are decode errors, others API
/// errors with the vendor's shape when it decodes leniently, or the start of the body when it does
/// not. An API error keeps `headers`, which the caller has cleaned ([`Redaction::headers`]).
pub(crate) fn from_raw<V: VendorErrors>(
    operation: &'static str,
    status: StatusCode,
    headers: &HeaderMap,
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
    api_error::<V>(
        operation,
        status,
        server_wait(status, headers),
        V::from_body(body),
        headers,
        body,
    )
}

/// What every vendor's response handling must satisfy, for the vendors' property tests: arbitrary
/// statuses, headers and bodies in, a typed error with bounded text out, never a panic.
#[cfg(test)]
pub(crate) mod properties {
    use proptest::prelude::*;
    use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

    use crate::error::{BODY_SNIPPET_LIMIT, DISPLAY_TEXT_LIMIT, Error};

    /// Statuses, `Retry-After`/`ratelimit-*`/content-type headers and bodies as a server (or
    /// something in front of it) might send them, for [`from_raw`].
    pub(crate) fn responses(vendor_body: BoxedStrategy<Vec<u8>>) -> impl Strategy<Value = (u16, HeaderMap, Vec<u8>)> {
        let header_value = prop_oneof![
            "[0-9]{1,12}",
            "(Mon|Sun), [0-9]{2} (Jan|Nov) [0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2} GMT",
            ".{0,40}",
        ];
        let headers = proptest::collection::vec(
            (
                prop_oneof![
                    Just("retry-after"),
                    Just("ratelimit-reset"),
                    Just("ratelimit-remaining"),
                    Just("content-type")
                ],
                header_value,
            ),
            0..4,
        )
        .prop_map(|pairs| {
            let mut headers = HeaderMap::new();
            for (name, value) in pairs {
                if let Ok(value) = HeaderValue::from_str(&value) {
                    headers.append(HeaderName::from_static(name), value);
                }
            }
            headers
        });
        let body = prop_oneof![proptest::collection::vec(any::<u8>(), 0..2048), vendor_body];
        (100_u16..=599, headers, body)
    }

    /// What every vendor and operation must satisfy: no panic, a typed error, bounded text.
    pub(crate) fn check(error: &Error, status: u16) -> Result<(), TestCaseError> {
        let text = error.to_string();
        // The operation, the status, at most the cut vendor text or body snippet (escaped), a suffix.
        let bound = 200 + 6 * DISPLAY_TEXT_LIMIT.max(BODY_SNIPPET_LIMIT);
        prop_assert!(text.len() <= bound, "{} bytes: {text:.200}", text.len());
        prop_assert!(!text.contains('\n'));
        match error {
            Error::Decode {
                status: s, body_start, ..
            } => {
                prop_assert!((200..300).contains(&status));
                prop_assert_eq!(s.as_u16(), status);
                prop_assert!(body_start.len() <= 3 * BODY_SNIPPET_LIMIT);
            }
            Error::Api(api) => {
                prop_assert!(!(200..300).contains(&status));
                prop_assert_eq!(api.status.as_u16(), status);
                prop_assert!(api.body_start().is_none_or(|b| b.len() <= 3 * BODY_SNIPPET_LIMIT));
            }
            other => prop_assert!(false, "unexpected error kind: {other:?}"),
        }
        Ok(())
    }
}
