//! The configured secrets, kept out of every error text a server can fill, shared by every API client.
//!
//! A server may echo what it was sent: a gateway's 400 quoting the request's headers, a 401 naming
//! the token it refused, a token endpoint repeating the client secret. Every error text that comes
//! from a response (a vendor's decoded error body, the start of a body that did not decode, a
//! decoding error that quotes the body) passes through a [`Redaction`] first, which replaces each
//! configured secret (API key, client secret, access token, default header values) with
//! `<redacted>`: as written, JSON-escaped and `Debug`-escaped, and inside every string of a JSON
//! body (so that a secret spelled with `\u` escapes is found once decoded).

use std::borrow::Cow;
use std::fmt;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use secrecy::{ExposeSecret, SecretString};

/// What a secret is replaced with.
pub(crate) const REDACTED: &str = "<redacted>";

/// A client's configured secrets (never shown: `Debug` prints how many there are).
#[derive(Default)]
pub(crate) struct Secrets {
    values: Vec<SecretString>,
}

impl fmt::Debug for Secrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secrets({} redacted)", self.values.len())
    }
}

impl Secrets {
    /// The non-blank values among `values`, each once.
    pub(crate) fn new<'a>(values: impl IntoIterator<Item = &'a SecretString>) -> Self {
        let mut kept: Vec<SecretString> = Vec::new();
        for value in values {
            let text = value.expose_secret();
            if !text.trim().is_empty() && !kept.iter().any(|k| k.expose_secret() == text) {
                kept.push(value.clone());
            }
        }
        // Longest first: a secret containing another is replaced whole.
        kept.sort_by_key(|value| std::cmp::Reverse(value.expose_secret().len()));
        Self { values: kept }
    }

    /// A redaction of these secrets and, for one request, the credential it was sent with.
    pub(crate) fn with<'a>(&'a self, request: Option<&'a SecretString>) -> Redaction<'a> {
        Redaction {
            configured: &self.values,
            request,
            call: &[],
        }
    }
}

/// The secrets one request's error texts must not contain.
#[derive(Clone, Copy)]
pub(crate) struct Redaction<'a> {
    configured: &'a [SecretString],
    request: Option<&'a SecretString>,
    /// What the call itself was given to send (per-call header values).
    call: &'a [SecretString],
}

impl<'a> Redaction<'a> {
    /// This redaction, also of the `call`'s own secrets.
    pub(crate) fn and(self, call: &'a [SecretString]) -> Self {
        Self { call, ..self }
    }
}

impl Redaction<'_> {
    /// Every form of every secret to look for: as written, JSON-escaped, `Debug`-escaped.
    fn forms(&self) -> Vec<String> {
        let mut forms = Vec::new();
        let values = self
            .request
            .into_iter()
            .chain(self.call)
            .filter(|value| !value.expose_secret().trim().is_empty())
            .chain(self.configured);
        for value in values {
            let raw = value.expose_secret();
            let json = serde_json::to_string(raw).unwrap_or_default();
            let debug = format!("{raw:?}");
            forms.extend([raw, unquote(&json), unquote(&debug)].map(str::to_owned));
        }
        // Longest first, so that where two forms start at one place the longer is replaced whole.
        forms.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        forms.dedup();
        forms
    }

    /// `text` with every secret replaced.
    pub(crate) fn text<'t>(&self, text: &'t str) -> Cow<'t, str> {
        let forms = self.forms();
        replace_text(text, &forms)
    }

    /// A response body with every secret replaced: inside the strings (and keys) of a JSON body,
    /// then anywhere in the bytes (an HTML page, a body that is not JSON).
    pub(crate) fn body<'b>(&self, body: &'b [u8]) -> Cow<'b, [u8]> {
        let forms = self.forms();
        if forms.is_empty() {
            return Cow::Borrowed(body);
        }
        let mut body = Cow::Borrowed(body);
        if let Ok(mut value) = serde_json::from_slice::<serde_json::Value>(&body)
            && redact_json(&mut value, &forms)
            && let Ok(rewritten) = serde_json::to_vec(&value)
        {
            body = Cow::Owned(rewritten);
        }
        match replace_bytes(&body, &forms) {
            Some(replaced) => Cow::Owned(replaced),
            None => body,
        }
    }

    /// The response headers worth keeping: none that carries a credential
    /// ([`is_credential_header`]), and every configured secret replaced in the values of the
    /// others (a value that no longer makes a header is left out).
    pub(crate) fn headers(&self, headers: &HeaderMap) -> HeaderMap {
        let mut kept = HeaderMap::new();
        let mut forms = None;
        for (name, value) in headers {
            if is_credential_header(name) {
                continue;
            }
            let forms = forms.get_or_insert_with(|| self.forms());
            match replace_bytes(value.as_bytes(), forms) {
                None => {
                    kept.append(name, value.clone());
                }
                Some(bytes) => {
                    if let Ok(value) = HeaderValue::from_bytes(&bytes) {
                        kept.append(name, value);
                    }
                }
            }
        }
        kept
    }
}

/// Whether a header of this name may carry a credential or a session: `Authorization`,
/// `Proxy-Authorization`, `Cookie`, `Set-Cookie`, and any name containing `token`, `secret` or
/// `key` (in any case). Responses keep none of them.
pub(crate) fn is_credential_header(name: &HeaderName) -> bool {
    // Header names are lowercase once parsed.
    let name = name.as_str();
    matches!(name, "authorization" | "proxy-authorization" | "cookie" | "set-cookie")
        || ["token", "secret", "key"].iter().any(|word| name.contains(word))
}

fn unquote(quoted: &str) -> &str {
    quoted
        .strip_prefix('"')
        .and_then(|rest| rest.strip_suffix('"'))
        .unwrap_or(quoted)
}

fn replace_text<'t>(text: &'t str, forms: &[String]) -> Cow<'t, str> {
    match replace_bytes(text.as_bytes(), forms) {
        // Each form is whole UTF-8 and can only match at a character boundary: still UTF-8.
        Some(replaced) => Cow::Owned(String::from_utf8_lossy(&replaced).into_owned()),
        None => Cow::Borrowed(text),
    }
}

/// Redacts every string and key of a JSON value in place; whether anything changed.
fn redact_json(value: &mut serde_json::Value, forms: &[String]) -> bool {
    use serde_json::Value;
    match value {
        Value::String(text) => match replace_text(text, forms) {
            Cow::Owned(replaced) => {
                *text = replaced;
                true
            }
            Cow::Borrowed(_) => false,
        },
        Value::Array(items) => items
            .iter_mut()
            .fold(false, |changed, item| redact_json(item, forms) | changed),
        Value::Object(map) => {
            let entries = std::mem::take(map);
            let mut changed = false;
            for (key, mut item) in entries {
                changed |= redact_json(&mut item, forms);
                let key = match replace_text(&key, forms) {
                    Cow::Owned(replaced) => {
                        changed = true;
                        replaced
                    }
                    Cow::Borrowed(_) => key,
                };
                map.insert(key, item);
            }
            changed
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => false,
    }
}

/// `haystack` with every occurrence of any of the `forms` replaced, or `None` when there is none.
/// One pass from the left, the longest match at each place. A marker already there (written by an
/// earlier pass, e.g. inside a JSON body's strings) is passed over whole unless a longer form
/// starts with it: a secret that happens to be part of the marker leaves it readable.
fn replace_bytes(haystack: &[u8], forms: &[String]) -> Option<Vec<u8>> {
    let mut out: Option<Vec<u8>> = None;
    let (mut at, mut copied) = (0, 0);
    while let Some(rest) = haystack.get(at..).filter(|rest| !rest.is_empty()) {
        let form = forms
            .iter()
            .find(|form| !form.is_empty() && rest.starts_with(form.as_bytes()));
        let marker = rest.starts_with(REDACTED.as_bytes());
        match form {
            Some(form) if !marker || form.len() > REDACTED.len() => {
                let out = out.get_or_insert_with(|| Vec::with_capacity(haystack.len()));
                out.extend_from_slice(&haystack[copied..at]);
                out.extend_from_slice(REDACTED.as_bytes());
                at += form.len();
                copied = at;
            }
            _ if marker => at += REDACTED.len(),
            _ => at += 1,
        }
    }
    let mut out = out?;
    out.extend_from_slice(&haystack[copied..]);
    Some(out)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn secrets(values: &[&str]) -> Secrets {
        let values: Vec<SecretString> = values.iter().map(|v| SecretString::from(*v)).collect();
        Secrets::new(&values)
    }

    #[test]
    fn every_form_of_a_secret_is_replaced() {
        let secrets = secrets(&["s3cr\"et/1", "", "  "]);
        let redaction = secrets.with(None);
        assert_eq!(redaction.text("a s3cr\"et/1 b"), "a <redacted> b");
        assert_eq!(redaction.text("json: s3cr\\\"et/1"), "json: <redacted>");
        assert_eq!(redaction.text("nothing here"), "nothing here");
        let escaped = br#"{"message": "bad key \u0073\u0033cr\"et/1", "s3cr\"et/1": 1}"#;
        let body = redaction.body(escaped);
        let text = String::from_utf8_lossy(&body);
        assert!(!text.contains("s3cr"), "{text}");
        assert!(text.contains("bad key <redacted>"), "{text}");
        let html = b"<p>token s3cr\"et/1</p>\xff";
        assert_eq!(&*redaction.body(html), b"<p>token <redacted></p>\xff");
        assert_eq!(format!("{secrets:?}"), "Secrets(1 redacted)");
    }

    #[test]
    fn the_request_credential_is_redacted_with_the_configured_ones() {
        let secrets = secrets(&["configured-one"]);
        let token = SecretString::from("the-token");
        let redaction = secrets.with(Some(&token));
        assert_eq!(
            redaction.text("the-token and configured-one"),
            "<redacted> and <redacted>"
        );
        assert_eq!(secrets.with(None).text("the-token"), "the-token");
    }

    #[test]
    fn secrets_that_are_part_of_the_marker_leave_it_whole() {
        let marker_parts = secrets(&["red", "act", "<"]);
        let redaction = marker_parts.with(None);
        assert_eq!(redaction.text("red act < ok"), "<redacted> <redacted> <redacted> ok");
        assert_eq!(
            redaction.text("a <redacted> red"),
            "a <redacted> <redacted>",
            "after a marker"
        );
        assert_eq!(&*redaction.body(b"red, act"), b"<redacted>, <redacted>");
        assert_eq!(
            &*redaction.body(br#"{"e": "red"}"#),
            br#"{"e":"<redacted>"}"#,
            "the marker written inside a JSON body's strings is not searched again as bytes"
        );
        let longer = secrets(&["<redacted>-and-more", "red"]);
        assert_eq!(
            longer.with(None).text("x <redacted>-and-more red"),
            "x <redacted> <redacted>"
        );
    }

    #[test]
    fn a_secret_containing_another_is_replaced_whole() {
        let secrets = secrets(&["abc", "xxabcxx"]);
        assert_eq!(secrets.with(None).text("1 xxabcxx 2 abc"), "1 <redacted> 2 <redacted>");
    }

    #[test]
    fn kept_headers_carry_no_credential_and_no_secret() {
        let secrets = secrets(&["configured-one"]);
        let call = [SecretString::from("call-one")];
        let mut headers = HeaderMap::new();
        for (name, value) in [
            ("ratelimit-remaining", "0"),
            ("ratelimit-reset", "12"),
            ("x-request-id", "r-1"),
            ("set-cookie", "a=1"),
            ("set-cookie", "b=2"),
            ("cookie", "c=3"),
            ("authorization", "Bearer x"),
            ("proxy-authorization", "Basic x"),
            ("x-refresh-token", "t"),
            ("x-client-secret", "s"),
            ("x-api-key", "k"),
            ("keyring", "k"),
            ("x-echo", "got configured-one and call-one"),
        ] {
            headers.append(HeaderName::from_static(name), HeaderValue::from_static(value));
        }
        let kept = secrets.with(None).and(&call).headers(&headers);
        let names: Vec<&str> = kept.keys().map(HeaderName::as_str).collect();
        assert_eq!(
            names,
            ["ratelimit-remaining", "ratelimit-reset", "x-request-id", "x-echo"]
        );
        assert_eq!(kept["x-echo"], "got <redacted> and <redacted>");
        assert_eq!(kept["ratelimit-reset"], "12");
    }

    proptest! {
        #[test]
        fn no_body_keeps_a_secret(secret in "[a-zA-Z0-9_\"\\\\/é]{4,16}", prefix in ".{0,20}", suffix in ".{0,20}") {
            let secrets = secrets(&[secret.as_str()]);
            let redaction = secrets.with(None);
            let json = serde_json::json!({ "message": format!("{prefix}{secret}{suffix}") }).to_string();
            let raw = format!("{prefix}{secret}{suffix}");
            for body in [json.as_bytes(), raw.as_bytes()] {
                let redacted = redaction.body(body);
                let text = String::from_utf8_lossy(&redacted);
                let decoded = serde_json::from_str::<serde_json::Value>(&text)
                    .ok()
                    .and_then(|value| value.get("message").and_then(|m| m.as_str()).map(str::to_owned))
                    .unwrap_or_default();
                prop_assert!(!text.contains(secret.as_str()), "{text}");
                prop_assert!(!decoded.contains(secret.as_str()), "{decoded}");
            }
            prop_assert!(!redaction.text(&raw).contains(secret.as_str()));
        }
    }
}
