//! The vendor-neutral harness: shared state, the fault/log/contract middleware and the accept
//! loop. It knows no vendor: each vendor plugs in a [`Vendor`] (its router and the [`Route`]s it
//! registers, each with its schemas, fault seed and error body), and the composition point
//! (`lib.rs`) hands them to [`router`].

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes, to_bytes};
use axum::extract::{Request, State};
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE, RETRY_AFTER};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use tokio::net::TcpListener;
use tokio::task::JoinSet;
use tower::ServiceExt as _;

use crate::contract::Contract;
use crate::faults::{Fault, FaultSet};
use crate::hold::Holds;
use crate::log::{LoggedRequest, RequestLog};
use crate::rate_limit::RateLimit;
use crate::route::{Refusal, Route};

/// Request bodies larger than this are refused (every valid body is far smaller).
const MAX_REQUEST_BODY: usize = 1024 * 1024;

/// What every route shares, whatever its vendor.
#[derive(Debug)]
pub(crate) struct Core {
    pub(crate) faults: FaultSet,
    pub(crate) log: RequestLog,
    pub(crate) contract: Contract,
    /// Requests received per registered route (the routes are fixed when the server starts).
    route_requests: HashMap<Route, AtomicU64>,
    pub(crate) holds: Holds,
    /// Requests logged since the server started (the log itself is bounded and can be cleared).
    pub(crate) logged: tokio::sync::watch::Sender<u64>,
    /// Each vendor's request rate limit, if configured.
    pub(crate) rate_limit: Option<RateLimit>,
}

/// The harness's parts, as the composition point configures them.
#[derive(Debug)]
pub(crate) struct CoreParts {
    pub(crate) faults: FaultSet,
    pub(crate) log: RequestLog,
    pub(crate) contract: Contract,
    pub(crate) rate_limit: Option<RateLimit>,
}

impl Core {
    /// The core of a server serving `routes`.
    pub(crate) fn new(parts: CoreParts, routes: &[Route]) -> Self {
        let CoreParts {
            faults,
            log,
            contract,
            rate_limit,
        } = parts;
        Self {
            faults,
            log,
            contract,
            route_requests: routes.iter().map(|r| (*r, AtomicU64::new(0))).collect(),
            holds: Holds::new(routes.iter().copied()),
            logged: tokio::sync::watch::Sender::new(0),
            rate_limit,
        }
    }

    /// The route's configured added latency, then its hold ([`crate::MockServer::hold`]).
    pub(crate) async fn delay(&self, route: Route) {
        let d = self.faults.latency(route);
        if !d.is_zero() {
            tokio::time::sleep(d).await;
        }
        self.holds.pass(route).await;
    }

    /// Requests a route received so far (0 for a route the server does not serve).
    pub(crate) fn request_count(&self, route: Route) -> u64 {
        self.route_requests.get(&route).map_or(0, |n| n.load(Ordering::Relaxed))
    }

    /// Appends to the request log and counts the entry for [`crate::MockServer::wait_logged`].
    pub(crate) fn log_request(&self, entry: LoggedRequest) {
        self.log.push(entry);
        self.logged.send_modify(|n| *n += 1);
    }
}

/// What a vendor plugs into the server.
pub(crate) struct Vendor {
    /// The vendor's handlers, its own state already applied.
    pub(crate) router: Router,
    /// The routes of `router` that faults, latency, holds, counters and the log are aimed at.
    pub(crate) routes: &'static [Route],
}

/// A fault the server picked for a request and leaves to the vendor to apply (today
/// [`Fault::ExpireTokens`], [`Fault::SpecDrift`]); handlers find it in the request's extensions.
#[derive(Clone, Debug)]
pub(crate) struct InjectedFault(pub(crate) Fault);

/// The middleware's state: the core and the registered routes.
struct Harness {
    core: Arc<Core>,
    routes: Vec<Route>,
}

impl Harness {
    fn classify(&self, method: &Method, path: &str) -> Option<Route> {
        self.routes
            .iter()
            .copied()
            .find(|r| r.path() == path && method == r.method())
    }
}

// ---------------------------------------------------------------------------------------------
// Middleware

/// Marks a response whose connection must be closed without sending it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct DropConnection;

const SERVICE_UNAVAILABLE_HTML: &str = "<html>\r\n<head><title>503 Service Temporarily Unavailable</title></head>\r\n\
<body>\r\n<center><h1>503 Service Temporarily Unavailable</h1></center>\r\n</body>\r\n</html>\r\n";

const MALFORMED_JSON: &[u8] = b"{\"status\":\"success\",\"data\":{\"next\":,\"results\":[{\"id\":";

fn secs_ceil(d: Duration) -> u64 {
    d.as_secs() + u64::from(d.subsec_nanos() > 0)
}

/// The response a fault answers with instead of the handler's, if it does.
fn fault_response(route: Route, fault: &Fault) -> Option<Response> {
    let error = route.spec().refusal;
    Some(match fault {
        Fault::RateLimit {
            limit,
            reset,
            retry_after,
        } => {
            let mut r = error(StatusCode::TOO_MANY_REQUESTS, Refusal::RateLimited);
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
            let code = code.as_deref();
            error(status, Refusal::Injected { code, message })
        }
        Fault::DropConnection => {
            let mut r = Response::new(Body::empty());
            r.extensions_mut().insert(DropConnection);
            r
        }
        // Left to the vendor, which finds it as an [`InjectedFault`].
        Fault::ExpireTokens | Fault::SpecDrift => return None,
        Fault::Delay(_) | Fault::TruncatedJson | Fault::MalformedJson | Fault::IncompleteBody => return None,
    })
}

/// Validates a JSON response against the spec and applies body-corrupting faults.
async fn finish(state: &Core, route: Route, response: Response, fault: Option<&Fault>) -> Response {
    let corrupt = matches!(
        fault,
        Some(Fault::TruncatedJson | Fault::MalformedJson | Fault::IncompleteBody)
    );
    let is_json = crate::http::is_json(response.headers());
    if !(corrupt || is_json && state.contract.enabled()) {
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

async fn observe(State(harness): State<Arc<Harness>>, req: Request, next: Next) -> Response {
    let state = &harness.core;
    let route = harness.classify(req.method(), req.uri().path());
    // Counted on arrival, before faults: a refused request used no part of the window.
    let rate = route
        .filter(|r| r.spec().rate_limited)
        .and_then(|r| Some(state.rate_limit.as_ref()?.admit(r.vendor())));
    let (parts, body) = req.into_parts();
    let bytes = match to_bytes(body, MAX_REQUEST_BODY).await {
        Ok(b) => b,
        Err(_) => {
            let mut entry = LoggedRequest::new(route, parts.method.as_str(), &parts.uri, &parts.headers, b"");
            let status = StatusCode::PAYLOAD_TOO_LARGE;
            let r = match route {
                Some(route) => (route.spec().refusal)(status, Refusal::TooLarge),
                None => (status, Refusal::TooLarge.message().to_owned()).into_response(),
            };
            entry.status = Some(r.status().as_u16());
            state.log_request(entry);
            return r;
        }
    };
    let mut entry = LoggedRequest::new(route, parts.method.as_str(), &parts.uri, &parts.headers, &bytes);
    if let Some(count) = route.and_then(|r| state.route_requests.get(&r)) {
        count.fetch_add(1, Ordering::Relaxed);
    }
    let fault = route.and_then(|r| state.faults.pick(r));
    entry.fault = fault.as_ref().map(|f| format!("{f:?}"));
    let mut pending = PendingLog {
        state: Arc::clone(state),
        entry: Some(entry),
    };
    if let Some(Fault::Delay(d)) = &fault {
        tokio::time::sleep(*d).await;
    }
    let response = match route {
        None => next.run(Request::from_parts(parts, Body::from(bytes))).await,
        Some(route) => {
            let early = match rate {
                Some(verdict) if !verdict.admitted => Some((route.spec().refusal)(
                    StatusCode::TOO_MANY_REQUESTS,
                    Refusal::RateLimited,
                )),
                _ => fault.as_ref().and_then(|f| fault_response(route, f)),
            };
            let response = match early {
                Some(r) => r,
                None => {
                    let mut req = Request::from_parts(parts, Body::from(bytes));
                    if let Some(f) = &fault {
                        req.extensions_mut().insert(InjectedFault(f.clone()));
                    }
                    next.run(req).await
                }
            };
            let mut response = finish(state, route, response, fault.as_ref()).await;
            if let Some(verdict) = rate {
                verdict.headers(response.headers_mut());
            }
            response
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
    state: Arc<Core>,
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

/// Merges the vendors' routers under the fault/log/contract middleware.
pub(crate) fn router(core: Arc<Core>, vendors: Vec<Vendor>) -> Router {
    let mut router = Router::new();
    let mut routes = Vec::new();
    for vendor in vendors {
        router = router.merge(vendor.router);
        routes.extend_from_slice(vendor.routes);
    }
    let harness = Arc::new(Harness { core, routes });
    router
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(harness, observe))
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
