//! A hostile server that echoes what it was sent: every configured secret (API key, client secret,
//! access token, default header values) stays out of every error's `Display` and `Debug`, on
//! every path an error can take (API error, auth error, token error, decode error), whether the
//! echo is plain, JSON-escaped with `\u` escapes, or inside an HTML page.

use crate::common;

use common::{EXPORT, INTEGRATION, KEY, SECRET};
use serde_json::Value;
use skillbridge::Error;
use skillbridge::kombo::Kombo;
use skillbridge::retry::RetryPolicy;
use skillbridge::techwolf::TechWolf;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// A default header's value; `HEADERSECRET` must never show in any output.
const HEADER_SECRET: &str = "hdr_HEADERSECRET_7";
/// A per-call header's value; `CALLSECRET` must never show in any output.
const CALL_SECRET: &str = "call_CALLSECRET_3";
/// A static TechWolf access token; `TOKENSECRET` must never show in any output.
const TOKEN: &str = "at_TOKENSECRET_9";

/// How the echo is written.
#[derive(Clone, Copy, Debug)]
enum Echo {
    /// A JSON error body whose message quotes every request header and the request body.
    Json,
    /// The same, every character of the message as a `\u` escape.
    Escaped,
    /// An HTML page quoting them.
    Html,
}

/// The error shape an echo is written in.
#[derive(Clone, Copy, Debug)]
enum Shape {
    /// Kombo's `{"status": "error", "error": {"message": ...}}`; on a success status, a page whose
    /// `results` is the text (a body that does not decode).
    Kombo,
    /// TechWolf's `[{"title", "description"}]`.
    TechWolf,
    /// OAuth's `{"error", "error_description"}`.
    OAuth,
}

/// Answers `status` with everything the request carried (every header and the body), written
/// as `echo` in the vendor's `shape`.
struct Echoing {
    status: u16,
    echo: Echo,
    shape: Shape,
}

impl Respond for Echoing {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let mut text = String::from("you sent:");
        for (name, value) in &request.headers {
            text.push_str(&format!(" {name}={}", value.to_str().unwrap_or_default()));
        }
        text.push_str(&format!(" body={}", String::from_utf8_lossy(&request.body)));
        let quoted = match self.echo {
            Echo::Json | Echo::Html => serde_json::to_string(&text).unwrap(),
            Echo::Escaped => {
                let escaped: String = text.encode_utf16().map(|unit| format!("\\u{unit:04x}")).collect();
                format!("\"{escaped}\"")
            }
        };
        let body = match (self.echo, self.shape, self.status) {
            (Echo::Html, _, _) => format!("<html><body><h1>Bad gateway</h1><p>{text}</p></body></html>"),
            (_, Shape::Kombo, 200) => {
                format!(r#"{{"status": "success", "data": {{"results": {quoted}, "next": null}}}}"#)
            }
            (_, Shape::Kombo, _) => format!(
                r#"{{"status": "error", "error": {{"code": "PLATFORM.INPUT_INVALID", "title": null, "message": {quoted}, "log_url": null}}}}"#
            ),
            (_, Shape::TechWolf, _) => format!(r#"[{{"title": "refused", "description": {quoted}}}]"#),
            (_, Shape::OAuth, _) => format!(r#"{{"error": "invalid_request", "error_description": {quoted}}}"#),
        };
        ResponseTemplate::new(self.status).set_body_raw(body, "application/json")
    }
}

async fn echoing(status: u16, echo: Echo, shape: Shape) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(Echoing { status, echo, shape })
        .mount(&server)
        .await;
    server
}

/// `error`'s `Display` and `Debug`, after checking that no secret is in them.
fn assert_no_secret(error: &Error) -> String {
    let shown = format!("{error} | {error:?} | {:?}", std::error::Error::source(error));
    for secret in ["SUPERSECRET", "HEADERSECRET", "TOKENSECRET", "CALLSECRET"] {
        assert!(!shown.contains(secret), "{secret} leaked: {shown}");
    }
    shown
}

fn kombo(server: &MockServer) -> Kombo {
    Kombo::builder()
        .api_key(KEY)
        .base_url(format!("{}/v1", server.uri()))
        .default_header("x-proxy-token", HEADER_SECRET)
        .retry_policy(RetryPolicy::never())
        .build()
        .unwrap()
}

async fn kombo_error(status: u16, echo: Echo) -> Error {
    let server = echoing(status, echo, Shape::Kombo).await;
    let error = common::list_once(&kombo(&server), INTEGRATION)
        .await
        .expect_err("the server refuses");
    // The server really echoed the secrets, so the checks mean something.
    let request = &server.received_requests().await.unwrap()[0];
    assert!(
        request
            .headers
            .get("authorization")
            .unwrap()
            .to_str()
            .unwrap()
            .contains(KEY)
    );
    error
}

#[tokio::test]
async fn a_kombo_api_error_never_shows_the_key_or_a_default_header() {
    for echo in [Echo::Json, Echo::Escaped] {
        let error = kombo_error(400, echo).await;
        let shown = assert_no_secret(&error);
        assert!(matches!(error, Error::Api(_)), "{shown}");
        let message = error.message().expect("Kombo's message decoded");
        assert!(message.contains("<redacted>"), "{echo:?}: {message}");
        assert!(message.contains("x-proxy-token=<redacted>"), "{echo:?}: {message}");
    }
    let html = kombo_error(502, Echo::Html).await;
    let shown = assert_no_secret(&html);
    let body = html
        .api()
        .and_then(|api| api.body_start())
        .expect("undecoded body kept");
    assert!(body.contains("authorization=Bearer <redacted>"), "{shown}");
}

#[tokio::test]
async fn a_kombo_decode_error_never_shows_the_key() {
    for echo in [Echo::Json, Echo::Escaped] {
        let error = kombo_error(200, echo).await;
        let shown = assert_no_secret(&error);
        assert!(matches!(error, Error::Decode { .. }), "{shown}");
        assert!(shown.contains("<redacted>"), "{shown}");
    }
}

fn techwolf_with_token(server: &MockServer) -> TechWolf {
    TechWolf::builder()
        .base_url(server.uri())
        .access_token(TOKEN)
        .default_header("x-proxy-token", HEADER_SECRET)
        .retry_policy(RetryPolicy::never())
        .build()
        .unwrap()
}

#[tokio::test]
async fn techwolf_api_and_auth_errors_never_show_the_token_or_a_default_header() {
    for (status, echo) in [
        (400, Echo::Json),
        (400, Echo::Escaped),
        (401, Echo::Json),
        (403, Echo::Escaped),
        (503, Echo::Html),
    ] {
        let server = echoing(status, echo, Shape::TechWolf).await;
        let error = techwolf_with_token(&server)
            .employee_skill_clusters()
            .send()
            .await
            .expect_err("refused");
        let shown = assert_no_secret(&error);
        assert_eq!(error.status().map(|s| s.as_u16()), Some(status), "{shown}");
        assert_eq!(error.is_auth(), status != 400 && status != 503, "{shown}");
        assert!(shown.contains("<redacted>"), "{status} {echo:?}: {shown}");
        let request = &server.received_requests().await.unwrap()[0];
        assert_eq!(request.url.path(), EXPORT);
    }
}

#[tokio::test]
async fn a_token_endpoint_error_never_shows_the_client_secret() {
    for (status, echo) in [(400, Echo::Json), (401, Echo::Escaped), (503, Echo::Html)] {
        let token_endpoint = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/oauth/token"))
            .respond_with(Echoing {
                status,
                echo,
                shape: Shape::OAuth,
            })
            .mount(&token_endpoint)
            .await;
        let techwolf = TechWolf::builder()
            .base_url(token_endpoint.uri())
            .token_url(format!("{}/oauth/token", token_endpoint.uri()))
            .tenant("acme")
            .client_credentials("client-id", SECRET)
            .default_header("x-proxy-token", HEADER_SECRET)
            .retry_policy(RetryPolicy::never())
            .build()
            .unwrap();
        let error = techwolf.employee_skill_clusters().send().await.expect_err("no token");
        let shown = assert_no_secret(&error);
        assert!(matches!(error, Error::Auth(_)), "{shown}");
        assert!(shown.contains("<redacted>"), "{status} {echo:?}: {shown}");
        let request = &token_endpoint.received_requests().await.unwrap()[0];
        let sent: Value = serde_json::from_slice(&request.body).unwrap();
        assert_eq!(sent["client_secret"], SECRET, "the secret was really sent, and echoed");
        assert!(
            request.headers.get("x-proxy-token").is_none(),
            "default headers never reach the token endpoint"
        );
    }
}

#[tokio::test]
async fn a_call_header_echoed_by_the_server_is_redacted_like_a_default_header() {
    for (status, echo) in [
        (400, Echo::Json),
        (400, Echo::Escaped),
        (502, Echo::Html),
        (200, Echo::Json),
    ] {
        let server = echoing(status, echo, Shape::Kombo).await;
        let hris = kombo(&server).integration(INTEGRATION).unwrap();
        let listed = hris
            .staffing_entity_skills()
            .header("x-call-auth", CALL_SECRET)
            .send()
            .await
            .expect_err("refused");
        let shown = assert_no_secret(&listed);
        assert!(shown.contains("<redacted>"), "{status} {echo:?}: {shown}");
        let upserted = hris
            .upsert_staffing_entity_skill(skillbridge::kombo::SkillExpectation::new("e", "s"))
            .header("x-call-auth", CALL_SECRET)
            .await
            .expect_err("refused");
        assert_no_secret(&upserted);
        let sent = server.received_requests().await.unwrap();
        assert!(
            sent.iter()
                .all(|request| request.headers.get("x-call-auth").is_some_and(|v| v == CALL_SECRET)),
            "the value was really sent, and echoed"
        );
    }
    for (status, echo) in [(400, Echo::Json), (401, Echo::Escaped), (503, Echo::Html)] {
        let server = echoing(status, echo, Shape::TechWolf).await;
        let error = techwolf_with_token(&server)
            .employee_skill_clusters()
            .header("x-call-auth", CALL_SECRET)
            .send()
            .await
            .expect_err("refused");
        let shown = assert_no_secret(&error);
        assert!(shown.contains("<redacted>"), "{status} {echo:?}: {shown}");
    }
}

#[tokio::test]
async fn a_header_echoing_a_secret_is_redacted_in_an_api_error() {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(
            ResponseTemplate::new(400)
                .insert_header("x-echo", format!("key={KEY} call={CALL_SECRET} header={HEADER_SECRET}"))
                .set_body_raw("no", "text/plain"),
        )
        .mount(&server)
        .await;
    let error = kombo(&server)
        .integration(INTEGRATION)
        .unwrap()
        .staffing_entity_skills()
        .header("x-call-auth", CALL_SECRET)
        .send()
        .await
        .expect_err("refused");
    let shown = assert_no_secret(&error);
    let echoed = error.api().and_then(|api| api.headers().get("x-echo")).expect("kept");
    assert_eq!(echoed, "key=<redacted> call=<redacted> header=<redacted>", "{shown}");
}
