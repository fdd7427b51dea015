//! Requests to routes this crate does not wrap (the escape hatch), described here and sent by each
//! vendor's client with its credentials, default headers, retries, limits, tracing and error rules.
//!
//! What is checked before anything is sent: the path is a path of the vendor's API (it starts with
//! `/`, has no scheme, host, query, fragment or `..` segment), so that a request can never take the
//! client's credentials to a host the user did not configure; query pairs and the JSON body
//! serialize. This module names no vendor.

use std::borrow::Cow;

use reqwest::Method;
use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderValue};
use serde::Serialize;

use crate::config::CallOptions;
use crate::error::{Error, Result};
use crate::retry::{Retrier, RetryPolicy};

/// What a custom request sends, checked as it is described; the first problem is kept and
/// returned when the request is sent, before anything goes out.
#[derive(Debug, Clone)]
pub(crate) struct RequestParts {
    method: Method,
    path: String,
    query: Vec<(String, String)>,
    body: Option<Vec<u8>>,
    invalid: Option<Error>,
    /// The caller says the route may be repeated whatever its method.
    idempotent: bool,
}

impl RequestParts {
    /// A request of `method` to `path` under the client's base URL.
    pub(crate) fn new(method: Method, path: &str) -> Self {
        Self {
            invalid: check_path(path).err(),
            method,
            path: path.to_owned(),
            query: Vec::new(),
            body: None,
            idempotent: false,
        }
    }

    /// Declares the route idempotent whatever its method, so that its failures may be retried.
    pub(crate) fn set_idempotent(&mut self, idempotent: bool) {
        self.idempotent = idempotent;
    }

    /// The retrier its attempts run under: the call's policy when it set one; otherwise the
    /// client's for a request that may be repeated, and a single attempt for any other (a `POST`
    /// sent twice may act twice).
    pub(crate) fn retrier<'a>(&self, options: &CallOptions, client: &'a Retrier) -> Cow<'a, Retrier> {
        if options.has_retry_policy() || self.is_idempotent() {
            options.retrier(client)
        } else {
            Cow::Owned(client.with_policy(RetryPolicy::never()))
        }
    }

    /// The HTTP method.
    pub(crate) fn method(&self) -> &Method {
        &self.method
    }

    /// Adds `key=value` to the query string (repeat a key for a repeated parameter).
    pub(crate) fn query(&mut self, key: impl Into<String>, value: impl ToString) {
        self.query.push((key.into(), value.to_string()));
    }

    /// The JSON body, serialized now so that a value that cannot serialize fails before sending.
    pub(crate) fn json<B: Serialize + ?Sized>(&mut self, body: &B) {
        match serde_json::to_vec(body) {
            Ok(bytes) => self.body = Some(bytes),
            Err(error) => {
                self.invalid
                    .get_or_insert_with(|| Error::invalid("body", format!("cannot serialize as JSON: {error}")));
            }
        }
    }

    /// Whether sending it twice leaves the same state as once (RFC 9110 §9.2.2), so that a
    /// failed attempt may be retried.
    pub(crate) fn is_idempotent(&self) -> bool {
        self.idempotent
            || matches!(
                self.method,
                Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS
            )
    }

    /// The first problem found while it was described, if any.
    pub(crate) fn invalid(&self) -> Option<Error> {
        self.invalid.clone()
    }

    /// The request for `http` to send: `base_url` + path, the query pairs, `headers` (the client's
    /// credentials and default headers, added by the vendor), and the body as JSON.
    pub(crate) fn build(&self, http: &reqwest::Client, base_url: &str, headers: HeaderMap) -> Result<reqwest::Request> {
        if let Some(invalid) = &self.invalid {
            return Err(invalid.clone());
        }
        let url = reqwest::Url::parse(&format!("{base_url}{}", self.path))
            .map_err(|e| Error::invalid("path", format!("does not make a URL with the base URL: {e}")))?;
        let mut request = http.request(self.method.clone(), url).headers(headers);
        if !self.query.is_empty() {
            request = request.query(&self.query);
        }
        if let Some(body) = &self.body {
            request = request
                .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
                .body(body.clone());
        }
        request
            .build()
            .map_err(|e| Error::invalid("request", format!("cannot be built: {e}")))
    }
}

/// The setters of a vendor's custom request builder, whose [`RequestParts`] are at `self.parts`.
macro_rules! custom_request_setters {
    () => {
        /// Adds `key=value` to the query string; repeat a key for a repeated parameter (a
        /// comma-separated list is one value: `query("ids", "a,b")`).
        pub fn query(mut self, key: impl Into<String>, value: impl ToString) -> Self {
            self.parts.query(key, value);
            self
        }

        /// The JSON body. A value that does not serialize is an
        /// [`Error::InvalidInput`](crate::Error::InvalidInput) when the request is sent, before
        /// anything goes out.
        pub fn json<B: serde::Serialize + ?Sized>(mut self, body: &B) -> Self {
            self.parts.json(body);
            self
        }

        /// Declares the route idempotent whatever its method, so that a failed attempt is retried
        /// by the client's policy. Without it (or a per-call [`retry_policy`](Self::retry_policy)),
        /// `GET`, `HEAD`, `PUT`, `DELETE` and `OPTIONS` are retried and any other method is sent once.
        pub fn idempotent(mut self) -> Self {
            self.parts.set_idempotent(true);
            self
        }
    };
}

pub(crate) use custom_request_setters;

/// A path of the API: starts with `/`, no scheme or host, no query or fragment (use the query
/// setters), no `.`/`..` segment, no control characters or spaces.
fn check_path(path: &str) -> Result<()> {
    let refuse = |reason: &str| Err(Error::invalid("path", format!("{path:?} {reason}")));
    if !path.starts_with('/') || path.starts_with("//") {
        return refuse("must start with a single `/` (a path under the client's base URL)");
    }
    if path.contains("://") {
        return refuse("must be a path, not a URL: the client only talks to its configured host");
    }
    if path.contains(['?', '#']) {
        return refuse("must not carry a query or fragment (add query pairs with `query`)");
    }
    if path.bytes().any(|b| b.is_ascii_control() || b == b' ' || b == b'\\') {
        return refuse("has characters not allowed in a path");
    }
    if path.split('/').any(|segment| segment == ".." || segment == ".") {
        return refuse("must not have `.` or `..` segments");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_paths_under_the_base_url_are_accepted() {
        for good in [
            "/hris/skills",
            "/hris/skills/abc-123",
            "/export/employees/skill_clusters",
            "/a%20b",
        ] {
            assert!(check_path(good).is_ok(), "{good}");
        }
        for bad in [
            "hris/skills",
            "//evil.example/x",
            "https://evil.example/x",
            "/x?ids=1",
            "/x#top",
            "/a/../b",
            "/a/./b",
            "/a b",
            "/a\nb",
            "/a\\b",
            "",
        ] {
            match check_path(bad) {
                Err(Error::InvalidInput { field: "path", .. }) => {}
                other => panic!("{bad:?}: {other:?}"),
            }
        }
    }

    #[test]
    fn a_request_is_built_under_the_base_url_with_its_query_and_body() {
        let mut custom = RequestParts::new(Method::POST, "/hris/skills");
        custom.query("ids", "a,b");
        custom.query("name_contains", "rust");
        custom.json(&serde_json::json!({"name": "Rust"}));
        let mut headers = HeaderMap::new();
        headers.insert("x-integration-id", HeaderValue::from_static("tool:id"));
        let request = custom
            .build(&reqwest::Client::new(), "http://127.0.0.1:9/api/v1", headers)
            .expect("built");
        assert_eq!(
            request.url().as_str(),
            "http://127.0.0.1:9/api/v1/hris/skills?ids=a%2Cb&name_contains=rust"
        );
        assert_eq!(request.method(), Method::POST);
        assert_eq!(request.headers()["x-integration-id"], "tool:id");
        assert_eq!(request.headers()[CONTENT_TYPE], "application/json");
        assert_eq!(
            request.body().and_then(reqwest::Body::as_bytes),
            Some(br#"{"name":"Rust"}"#.as_slice())
        );
        assert!(!custom.is_idempotent());
        assert!(RequestParts::new(Method::GET, "/x").is_idempotent());
    }

    #[test]
    fn the_first_problem_is_kept_until_send() {
        struct Unserializable;
        impl Serialize for Unserializable {
            fn serialize<S: serde::Serializer>(&self, _: S) -> std::result::Result<S::Ok, S::Error> {
                Err(serde::ser::Error::custom("no"))
            }
        }
        let mut custom = RequestParts::new(Method::POST, "/ok");
        custom.json(&Unserializable);
        assert!(matches!(
            custom.invalid(),
            Some(Error::InvalidInput { field: "body", .. })
        ));
        let built = custom.build(&reqwest::Client::new(), "http://127.0.0.1:9", HeaderMap::new());
        assert!(matches!(built, Err(Error::InvalidInput { field: "body", .. })));
        let bad_path = RequestParts::new(Method::GET, "https://elsewhere.example/x");
        assert!(matches!(
            bad_path.invalid(),
            Some(Error::InvalidInput { field: "path", .. })
        ));
    }
}
