//! Shared state, the fault/log/contract middleware, vendor error shapes and the accept loop.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes, to_bytes};
use axum::extract::{Request, State};
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE, RETRY_AFTER};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Serialize;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use tower::ServiceExt as _;

use crate::contract::Contract;
use crate::faults::{Fault, FaultSet, Route};
use crate::kombo::{self, KomboData};
use crate::log::{LoggedRequest, RequestLog};
use crate::techwolf::{self, NextStartingAfter, TechwolfData, Tokens};

pub(crate) const KOMBO_PREFIX: &str = "/kombo/v1";
pub(crate) const TECHWOLF_PREFIX: &str = "/techwolf";
pub(crate) const TOKEN_PATH: &str = "/oauth/token";
const KOMBO_PATH: &str = "/kombo/v1/hris/staffing-entity-skills";
const EXPORT_PATH: &str = "/techwolf/export/employees/skill_clusters";

/// Request bodies larger than this are refused (every valid body is far smaller).
const MAX_REQUEST_BODY: usize = 1024 * 1024;

/// The credentials the mock accepts.
#[derive(Clone)]
pub(crate) struct Credentials {
    pub(crate) kombo_api_key: String,
    pub(crate) integration_id: String,
    pub(crate) client_id: String,
    pub(crate) client_secret: String,
    pub(crate) audience: String,
    pub(crate) tenant: String,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("kombo_api_key", &crate::log::MASK)
            .field("integration_id", &self.integration_id)
            .field("client_id", &self.client_id)
            .field("client_secret", &crate::log::MASK)
            .field("audience", &self.audience)
            .field("tenant", &self.tenant)
            .finish()
    }
}

/// Everything a request can touch.
#[derive(Debug)]
pub(crate) struct AppState {
    pub(crate) creds: Credentials,
    pub(crate) kombo: KomboData,
    pub(crate) techwolf: TechwolfData,
    pub(crate) tokens: Tokens,
    pub(crate) faults: FaultSet,
    pub(crate) log: RequestLog,
    pub(crate) contract: Contract,
    pub(crate) write_permits: Option<(u32, Arc<Semaphore>)>,
    /// Requests received per route, indexed by [`Route::position`].
    pub(crate) route_requests: [AtomicU64; 4],
    pub(crate) writes_in_flight: AtomicU64,
    pub(crate) peak_writes_in_flight: AtomicU64,
    pub(crate) next_starting_after: Mutex<NextStartingAfter>,
    pub(crate) holds: crate::hold::Holds,
    /// Requests logged since the server started (the log itself is bounded and can be cleared).
    pub(crate) logged: tokio::sync::watch::Sender<u64>,
    /// Whether the token endpoint repeats a wrong `client_secret` in its error description.
    pub(crate) echo_client_secret: bool,
}

impl AppState {
    /// The route's configured added latency, then its hold ([`crate::MockServer::hold`]).
    pub(crate) async fn delay(&self, route: Route) {
        let d = self.faults.latency(route);
        if !d.is_zero() {
            tokio::time::sleep(d).await;
        }
        self.holds.pass(route).await;
    }

    /// Appends to the request log and counts the entry for [`crate::MockServer::wait_logged`].
    pub(crate) fn log_request(&self, entry: LoggedRequest) {
        self.log.push(entry);
        self.logged.send_modify(|n| *n += 1);
    }

    pub(crate) fn next_starting_after(&self) -> NextStartingAfter {
        *self.next_starting_after.lock().unwrap_or_else(|e| e.into_inner())
    }
}

// ---------------------------------------------------------------------------------------------
// Response helpers

pub(crate) fn json_response<T: Serialize>(status: StatusCode, body: &T) -> Response {
    match serde_json::to_vec(body) {
        Ok(bytes) => (
            status,
            [(CONTENT_TYPE, HeaderValue::from_static("application/json"))],
            bytes,
        )
            .into_response(),
        Err(e) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("serialising the response failed: {e}"),
        )
            .into_response(),
    }
}

static INTERACTION: AtomicU64 = AtomicU64::new(1);

fn kombo_title(code: Option<&str>) -> Option<&'static str> {
    Some(match code? {
        "PLATFORM.RATE_LIMIT_EXCEEDED" => "You have exceeded the rate limit.",
        "PLATFORM.CONCURRENCY_LIMIT_EXCEEDED" => "You have exceeded the concurrency limit.",
        "PLATFORM.INTEGRATION_NOT_FOUND" => "The integration could not be found.",
        "PLATFORM.INPUT_INVALID" => "The input is invalid.",
        "PLATFORM.AUTHENTICATION_INVALID" => "The authentication is invalid.",
        "HRIS.STAFFING_ENTITY_CLOSED" => "The staffing entity is closed.",
        "REMOTE.SERVICE_UNAVAILABLE" => "The remote system is unavailable.",
        _ => "An error occurred.",
    })
}

#[derive(Serialize)]
struct KomboErrorBody<'a> {
    status: &'static str,
    error: KomboErrorDetail<'a>,
}

#[derive(Serialize)]
struct KomboErrorDetail<'a> {
    code: Option<&'a str>,
    title: Option<&'static str>,
    message: &'a str,
    log_url: String,
}

/// Kombo's error envelope.
pub(crate) fn kombo_error(status: StatusCode, code: Option<&str>, message: impl Into<String>) -> Response {
    let message = message.into();
    let n = INTERACTION.fetch_add(1, Ordering::Relaxed);
    json_response(
        status,
        &KomboErrorBody {
            status: "error",
            error: KomboErrorDetail {
                code,
                title: kombo_title(code),
                message: &message,
                log_url: format!("https://app.kombo.dev/mock/logs?interactionId={n}"),
            },
        },
    )
}

/// TechWolf's error array, titled like `400 Bad Request`.
pub(crate) fn techwolf_error(status: StatusCode, description: &str) -> Response {
    let title = format!("{} {}", status.as_u16(), status.canonical_reason().unwrap_or("Error"));
    json_response(
        status,
        &serde_json::json!([{ "title": title, "description": description }]),
    )
}

/// An OAuth 2.0 / Auth0 style error object.
pub(crate) fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    json_response(
        status,
        &serde_json::json!({ "error": error, "error_description": description }),
    )
}

fn route_error(route: Option<Route>, status: StatusCode, code: Option<&str>, message: &str) -> Response {
    match route {
        Some(r) if r.is_kombo() => kombo_error(status, code, message),
        Some(Route::TechwolfToken) => {
            let error = if status == StatusCode::TOO_MANY_REQUESTS {
                "too_many_requests"
            } else {
                "server_error"
            };
            oauth_error(status, error, message)
        }
        _ => techwolf_error(status, message),
    }
}

// ---------------------------------------------------------------------------------------------
// Middleware

/// Marks a response whose connection must be closed without sending it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct DropConnection;

fn classify(method: &Method, path: &str) -> Option<Route> {
    match (path, method) {
        (KOMBO_PATH, &Method::GET) => Some(Route::KomboList),
        (KOMBO_PATH, &Method::POST) => Some(Route::KomboUpsert),
        (TOKEN_PATH, &Method::POST) => Some(Route::TechwolfToken),
        (EXPORT_PATH, &Method::POST) => Some(Route::TechwolfExport),
        _ => None,
    }
}

const SERVICE_UNAVAILABLE_HTML: &str = "<html>\r\n<head><title>503 Service Temporarily Unavailable</title></head>\r\n\
<body>\r\n<center><h1>503 Service Temporarily Unavailable</h1></center>\r\n</body>\r\n</html>\r\n";

const MALFORMED_JSON: &[u8] = b"{\"status\":\"success\",\"data\":{\"next\":,\"results\":[{\"id\":";

fn secs_ceil(d: Duration) -> u64 {
    d.as_secs() + u64::from(d.subsec_nanos() > 0)
}

/// The response a fault answers with instead of the handler's, if it does.
fn fault_response(state: &AppState, route: Route, fault: &Fault) -> Option<Response> {
    Some(match fault {
        Fault::RateLimit {
            limit,
            reset,
            retry_after,
        } => {
            let mut r = route_error(
                Some(route),
                StatusCode::TOO_MANY_REQUESTS,
                Some("PLATFORM.RATE_LIMIT_EXCEEDED"),
                "Rate limit exceeded; retry after the window resets.",
            );
            let h = r.headers_mut();
            h.insert("ratelimit-limit", HeaderValue::from(*limit));
            h.insert("ratelimit-remaining", HeaderValue::from(0u32));
            h.insert("ratelimit-reset", HeaderValue::from(secs_ceil(*reset)));
            if let Some(after) = retry_after {
                h.insert(RETRY_AFTER, HeaderValue::from(secs_ceil(*after)));
            }
            r
        }
        Fault::ServiceUnavailable => (
            StatusCode::SERVICE_UNAVAILABLE,
            [(CONTENT_TYPE, HeaderValue::from_static("text/html"))],
            SERVICE_UNAVAILABLE_HTML,
        )
            .into_response(),
        Fault::Error { status, code, message } => {
            let status = StatusCode::from_u16(*status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            route_error(Some(route), status, code.as_deref(), message)
        }
        Fault::DropConnection => {
            let mut r = Response::new(Body::empty());
            r.extensions_mut().insert(DropConnection);
            r
        }
        Fault::ExpireTokens => {
            state.tokens.revoke_all();
            return None;
        }
        Fault::Delay(_) | Fault::TruncatedJson | Fault::MalformedJson | Fault::IncompleteBody => return None,
    })
}

/// Validates a JSON response against the spec and applies body-corrupting faults.
async fn finish(state: &AppState, route: Route, response: Response, fault: Option<&Fault>) -> Response {
    let corrupt = matches!(
        fault,
        Some(Fault::TruncatedJson | Fault::MalformedJson | Fault::IncompleteBody)
    );
    let is_json = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !(corrupt || is_json && state.contract.enabled) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let bytes = to_bytes(body, usize::MAX).await.unwrap_or_default();
    if is_json {
        state.contract.check_response(route, parts.status.as_u16(), &bytes);
    }
    if let Some(Fault::IncompleteBody) = fault {
        // hyper frames the body by this header; the stream's error then aborts the connection.
        parts.headers.insert(CONTENT_LENGTH, HeaderValue::from(bytes.len()));
        let half = bytes.slice(..bytes.len() / 2);
        // The pause lets hyper flush the head and the first half before the error aborts the
        // connection; an immediate error would drop everything unsent.
        let cut = futures::stream::once(async {
            tokio::time::sleep(Duration::from_millis(20)).await;
            Err(std::io::Error::other("body cut off by an injected fault"))
        });
        let stream = futures::StreamExt::chain(futures::stream::iter([Ok(half)]), cut);
        return Response::from_parts(parts, Body::from_stream(stream));
    }
    let bytes = match fault {
        Some(Fault::TruncatedJson) => bytes.slice(..bytes.len() / 2),
        Some(Fault::MalformedJson) => Bytes::from_static(MALFORMED_JSON),
        _ => bytes,
    };
    parts.headers.remove(CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(bytes))
}

async fn observe(State(state): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    let route = classify(req.method(), req.uri().path());
    let (parts, body) = req.into_parts();
    let bytes = match to_bytes(body, MAX_REQUEST_BODY).await {
        Ok(b) => b,
        Err(_) => {
            let mut entry = LoggedRequest::new(route, parts.method.as_str(), &parts.uri, &parts.headers, b"");
            let r = route_error(
                route,
                StatusCode::PAYLOAD_TOO_LARGE,
                Some("PLATFORM.INPUT_INVALID"),
                "Body too large.",
            );
            entry.status = Some(r.status().as_u16());
            state.log_request(entry);
            return r;
        }
    };
    let mut entry = LoggedRequest::new(route, parts.method.as_str(), &parts.uri, &parts.headers, &bytes);
    if let Some(r) = route {
        state.route_requests[r.position()].fetch_add(1, Ordering::Relaxed);
    }
    let fault = route.and_then(|r| state.faults.pick(r));
    entry.fault = fault.as_ref().map(|f| format!("{f:?}"));
    let mut pending = PendingLog {
        state: Arc::clone(&state),
        entry: Some(entry),
    };
    if let Some(Fault::Delay(d)) = &fault {
        tokio::time::sleep(*d).await;
    }
    let response = match route {
        None => next.run(Request::from_parts(parts, Body::from(bytes))).await,
        Some(route) => {
            let early = fault.as_ref().and_then(|f| fault_response(&state, route, f));
            let response = match early {
                Some(r) => r,
                None => next.run(Request::from_parts(parts, Body::from(bytes))).await,
            };
            finish(&state, route, response, fault.as_ref()).await
        }
    };
    if let Some(entry) = pending.entry.as_mut() {
        entry.status = response
            .extensions()
            .get::<DropConnection>()
            .is_none()
            .then(|| response.status().as_u16());
    }
    drop(pending);
    response
}

/// Pushes its entry to the request log when dropped: at the end of [`observe`], or when the
/// client hangs up mid-request and hyper drops the handler (then with no status), so that
/// abandoned requests are logged too.
struct PendingLog {
    state: Arc<AppState>,
    entry: Option<LoggedRequest>,
}

impl Drop for PendingLog {
    fn drop(&mut self) {
        if let Some(entry) = self.entry.take() {
            self.state.log_request(entry);
        }
    }
}

async fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "no such endpoint on the skillbridge mock").into_response()
}

pub(crate) fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route(KOMBO_PATH, get(kombo::list).post(kombo::upsert))
        .route(EXPORT_PATH, post(techwolf::export))
        .route(TOKEN_PATH, post(techwolf::token))
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(state.clone(), observe))
        .with_state(state)
}

// ---------------------------------------------------------------------------------------------
// Accept loop

/// The error that makes hyper close a connection without answering.
#[derive(Debug)]
struct DroppedOnPurpose;

impl std::fmt::Display for DroppedOnPurpose {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by an injected fault")
    }
}

impl std::error::Error for DroppedOnPurpose {}

/// Serves `router` on `listener` until the returned task is aborted or `stop` turns true; either
/// also ends every open connection (they live in the task's `JoinSet`). On `stop` the task ends
/// only after every connection has.
pub(crate) fn spawn(
    listener: TcpListener,
    router: Router,
    mut stop: tokio::sync::watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut connections = JoinSet::new();
        loop {
            tokio::select! {
                _ = async { stop.wait_for(|stop| *stop).await.map(|_| ()) } => {
                    connections.shutdown().await;
                    return;
                }
                accepted = listener.accept() => {
                    let Ok((stream, _)) = accepted else {
                        // Out of file descriptors and the like: back off instead of spinning.
                        tokio::time::sleep(Duration::from_millis(5)).await;
                        continue;
                    };
                    let _ = stream.set_nodelay(true);
                    let router = router.clone();
                    connections.spawn(async move {
                        let service = hyper::service::service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
                            let router = router.clone();
                            async move {
                                let response = router
                                    .oneshot(req.map(Body::new))
                                    .await
                                    .unwrap_or_else(|never: Infallible| match never {});
                                if response.extensions().get::<DropConnection>().is_some() {
                                    Err(DroppedOnPurpose)
                                } else {
                                    Ok(response)
                                }
                            }
                        });
                        let io = hyper_util::rt::TokioIo::new(stream);
                        // Errors here are the client's or an injected drop; either way the connection is done.
                        let _ = hyper::server::conn::http1::Builder::new().serve_connection(io, service).await;
                    });
                }
                Some(_) = connections.join_next(), if !connections.is_empty() => {}
            }
        }
    })
}

pub(crate) async fn bind(addr: SocketAddr) -> std::io::Result<TcpListener> {
    TcpListener::bind(addr).await
}
