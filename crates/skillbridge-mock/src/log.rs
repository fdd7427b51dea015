//! A bounded log of the requests the mock received, with secrets masked.

use std::collections::VecDeque;
use std::sync::Mutex;

use axum::http::HeaderMap;

use crate::route::Route;

/// What replaces a secret in the log.
pub const MASK: &str = "***";

/// Longest body kept in the log; longer ones are cut (at a character boundary).
const MAX_BODY: usize = 16 * 1024;

/// One request as the mock received it. `Authorization` (and `Cookie`) values and any
/// `client_secret` in the body are masked.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct LoggedRequest {
    /// The route it matched, if any.
    pub route: Option<Route>,
    /// HTTP method, e.g. `GET`.
    pub method: String,
    /// Path, e.g. `/v1/things`.
    pub path: String,
    /// Raw query string without `?`, if any.
    pub query: Option<String>,
    /// Headers in arrival order, names lower-case, secrets masked.
    pub headers: Vec<(String, String)>,
    /// The body as text (lossy UTF-8), secrets masked, cut at 16 KiB.
    pub body: String,
    /// Status sent back; `None` when the connection was dropped on purpose, or when the client
    /// hung up before the response was ready.
    pub status: Option<u16>,
    /// The injected fault, if one fired (its `Debug` form).
    pub fault: Option<String>,
}

impl LoggedRequest {
    /// The first value of a header (name compared case-insensitively).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The value of one query parameter (percent-decoded), if present.
    pub fn query_param(&self, name: &str) -> Option<String> {
        let query = self.query.as_deref()?;
        let pairs: Vec<(String, String)> = serde_urlencoded_pairs(query);
        pairs.into_iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }

    /// The body parsed as JSON, if it is JSON.
    pub fn json(&self) -> Option<serde_json::Value> {
        serde_json::from_str(&self.body).ok()
    }

    pub(crate) fn new(
        route: Option<Route>,
        method: &str,
        uri: &axum::http::Uri,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Self {
        let headers = headers
            .iter()
            .map(|(name, value)| {
                let shown = match name.as_str() {
                    "authorization" | "proxy-authorization" => {
                        let v = value.to_str().unwrap_or_default();
                        match v.split_once(' ') {
                            Some((scheme, _)) => format!("{scheme} {MASK}"),
                            None => MASK.to_owned(),
                        }
                    }
                    "cookie" => MASK.to_owned(),
                    _ => String::from_utf8_lossy(value.as_bytes()).into_owned(),
                };
                (name.as_str().to_owned(), shown)
            })
            .collect();
        Self {
            route,
            method: method.to_owned(),
            path: uri.path().to_owned(),
            query: uri.query().map(str::to_owned),
            headers,
            body: mask_body(body),
            status: None,
            fault: None,
        }
    }
}

/// Percent-decoded `key=value` pairs of a query string.
fn serde_urlencoded_pairs(query: &str) -> Vec<(String, String)> {
    axum::extract::Query::<Vec<(String, String)>>::try_from_uri(
        &format!("/?{query}")
            .parse()
            .unwrap_or_else(|_| axum::http::Uri::from_static("/")),
    )
    .map(|q| q.0)
    .unwrap_or_default()
}

/// Masks `client_secret` in a JSON or form body and bounds its size.
fn mask_body(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    if let Ok(mut value) = serde_json::from_str::<serde_json::Value>(&text) {
        if let Some(obj) = value.as_object_mut() {
            for key in ["client_secret", "password", "api_key"] {
                if let Some(v) = obj.get_mut(key) {
                    *v = serde_json::Value::String(MASK.to_owned());
                }
            }
        }
        return truncate(value.to_string());
    }
    if text.contains("client_secret=") {
        let masked: Vec<String> = text
            .split('&')
            .map(|pair| {
                if pair.starts_with("client_secret=") {
                    format!("client_secret={MASK}")
                } else {
                    pair.to_owned()
                }
            })
            .collect();
        return truncate(masked.join("&"));
    }
    truncate(text.into_owned())
}

fn truncate(mut s: String) -> String {
    if s.len() > MAX_BODY {
        let mut cut = MAX_BODY;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        s.truncate(cut);
    }
    s
}

/// A thread-safe ring buffer of the last `capacity` items: bounded, so million-request runs
/// cannot grow memory. Holds the request log and the contract violations.
#[derive(Debug)]
pub(crate) struct Ring<T> {
    capacity: usize,
    items: Mutex<VecDeque<T>>,
}

/// The request log: the last `capacity` requests.
pub(crate) type RequestLog = Ring<LoggedRequest>;

impl<T: Clone> Ring<T> {
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            capacity,
            items: Mutex::new(VecDeque::with_capacity(capacity.min(4096))),
        }
    }

    /// Appends, dropping the oldest items beyond the capacity (nothing is kept at capacity 0).
    pub(crate) fn push(&self, item: T) {
        if self.capacity == 0 {
            return;
        }
        let mut items = self.items.lock().unwrap_or_else(|e| e.into_inner());
        while items.len() >= self.capacity {
            items.pop_front();
        }
        items.push_back(item);
    }

    pub(crate) fn snapshot(&self) -> Vec<T> {
        self.items
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .cloned()
            .collect()
    }

    pub(crate) fn clear(&self) {
        self.items.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Logged bodies are cut at 16 KiB, at a character boundary.
    #[test]
    fn long_bodies_are_cut_whole_characters_only() {
        assert_eq!(truncate("a".repeat(MAX_BODY)), "a".repeat(MAX_BODY), "not over: kept");
        assert_eq!(truncate("a".repeat(MAX_BODY + 1)).len(), MAX_BODY);
        // 'é' is two bytes: the limit falls in the middle of one.
        let accented = format!("a{}", "é".repeat(MAX_BODY));
        let cut = truncate(accented.clone());
        assert_eq!(cut.len(), MAX_BODY - 1);
        assert!(accented.starts_with(&cut));
    }

    #[test]
    fn secrets_are_masked() {
        let mut headers = HeaderMap::new();
        headers.insert("authorization", "Bearer sk_live_secret".parse().expect("header"));
        let uri: axum::http::Uri = "/oauth/token?a=1".parse().expect("uri");
        let e = LoggedRequest::new(
            None,
            "POST",
            &uri,
            &headers,
            br#"{"client_id":"c","client_secret":"s3cr3t"}"#,
        );
        assert_eq!(e.header("Authorization"), Some("Bearer ***"));
        assert!(!e.body.contains("s3cr3t"));
        assert_eq!(
            e.json()
                .and_then(|v| v["client_id"].as_str().map(str::to_owned))
                .as_deref(),
            Some("c")
        );
        let form = LoggedRequest::new(None, "POST", &uri, &headers, b"client_id=c&client_secret=s3cr3t");
        assert_eq!(form.body, "client_id=c&client_secret=***");
        assert_eq!(form.query_param("a").as_deref(), Some("1"));
    }

    #[test]
    fn log_is_bounded() {
        let log = RequestLog::new(3);
        let uri: axum::http::Uri = "/".parse().expect("uri");
        for i in 0..10 {
            log.push(LoggedRequest::new(None, &i.to_string(), &uri, &HeaderMap::new(), b""));
        }
        let methods: Vec<String> = log.snapshot().into_iter().map(|e| e.method).collect();
        assert_eq!(methods, ["7", "8", "9"]);
    }
}
