//! Routes: what a vendor registers with the harness. A [`Route`] is both the key tests aim faults,
//! latency and holds at and the descriptor the harness serves it by: its method and path, whether
//! the vendor's rate limit counts it, the seed of its probabilistic faults, the JSON pointers of
//! its schemas in the vendor's document (for contract checks) and how it words a refusal. Each
//! vendor defines its routes as `Route` constants in its own folder; the harness knows none.

use std::cmp::Ordering;
use std::hash::{Hash, Hasher};

use axum::http::StatusCode;
use axum::response::Response;

/// One endpoint of the mock, used to aim latency, faults and holds, and to count requests.
///
/// Each vendor of the mock defines its routes as constants on this type (`Route::KOMBO_LIST`,
/// `Route::TECHWOLF_EXPORT`, ...). Two routes are equal when their vendor and name are.
#[derive(Clone, Copy)]
pub struct Route(&'static RouteSpec);

/// What the harness needs to serve, check and refuse a route.
#[derive(Debug)]
pub(crate) struct RouteSpec {
    /// The vendor serving it, lower case (also its rate-limit window and document name).
    pub(crate) vendor: &'static str,
    /// The route's name within its vendor.
    pub(crate) name: &'static str,
    /// HTTP method, upper case.
    pub(crate) method: &'static str,
    /// The full path on the mock server.
    pub(crate) path: &'static str,
    /// Whether the vendor's rate limit counts it (an API call; not an OAuth token request).
    pub(crate) rate_limited: bool,
    /// Mixed into the seed of the route's probabilistic faults: distinct per route, and fixed so
    /// that a seed gives the same faults from one version to the next.
    pub(crate) fault_seed: u64,
    /// Where its schemas are in the vendor's document.
    pub(crate) schemas: Schemas,
    /// Its error body for the answers the server makes up itself.
    pub(crate) refusal: ErrorBody,
}

/// JSON pointers into the vendor's prepared document; `None`: not checked (a route the document
/// does not describe, or a request without a body).
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Schemas {
    /// The request body's schema.
    pub(crate) request: Option<&'static str>,
    /// The schema of a 2xx response.
    pub(crate) success: Option<&'static str>,
    /// The schema of any other response.
    pub(crate) error: Option<&'static str>,
}

/// Why the server itself refuses a request, in no vendor's words.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Refusal<'a> {
    /// An injected rate limit, or the configured one.
    RateLimited,
    /// The request body is over the server's limit.
    TooLarge,
    /// An injected error, with its code (the vendor's own) and message.
    Injected { code: Option<&'a str>, message: &'a str },
}

impl Refusal<'_> {
    /// The human-readable message.
    pub(crate) fn message(&self) -> &str {
        match self {
            Refusal::RateLimited => "Rate limit exceeded; retry after the window resets.",
            Refusal::TooLarge => "Body too large.",
            Refusal::Injected { message, .. } => message,
        }
    }
}

/// A route's error body for a refusal, in its vendor's shape.
pub(crate) type ErrorBody = fn(StatusCode, Refusal<'_>) -> Response;

/// What a vendor registers: its name, its prepared document (the JSON the clients were generated
/// from) and its routes.
#[derive(Clone, Copy, Debug)]
pub(crate) struct VendorApi {
    pub(crate) name: &'static str,
    pub(crate) document: &'static str,
    pub(crate) routes: &'static [Route],
}

impl Route {
    /// The route a descriptor describes (for the vendors' constants).
    pub(crate) const fn new(spec: &'static RouteSpec) -> Self {
        Self(spec)
    }

    pub(crate) fn spec(self) -> &'static RouteSpec {
        self.0
    }

    /// The vendor serving the route, lower case, as in the names of its route constants.
    pub fn vendor(self) -> &'static str {
        self.0.vendor
    }

    /// The route's name within its vendor, e.g. `list`.
    pub fn name(self) -> &'static str {
        self.0.name
    }

    /// The HTTP method, e.g. `GET`.
    pub fn method(self) -> &'static str {
        self.0.method
    }

    /// The path on the mock server (under the vendor's prefix), e.g. `/v1/things`.
    pub fn path(self) -> &'static str {
        self.0.path
    }

    fn key(self) -> (&'static str, &'static str) {
        (self.0.vendor, self.0.name)
    }
}

impl std::fmt::Debug for Route {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Route({} {})", self.0.vendor, self.0.name)
    }
}

impl PartialEq for Route {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}

impl Eq for Route {}

impl Hash for Route {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.key().hash(state);
    }
}

impl PartialOrd for Route {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Route {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key().cmp(&other.key())
    }
}

/// Routes for the harness's own unit tests, of a vendor that does not exist.
#[cfg(test)]
pub(crate) mod testing {
    use super::*;

    fn plain(status: StatusCode, why: Refusal<'_>) -> Response {
        use axum::response::IntoResponse as _;
        (status, why.message().to_owned()).into_response()
    }

    const fn spec(name: &'static str, fault_seed: u64) -> RouteSpec {
        RouteSpec {
            vendor: "acme",
            name,
            method: "POST",
            path: "/acme/things",
            rate_limited: true,
            fault_seed,
            schemas: Schemas {
                request: Some("/paths/~1things/post/requestBody/content/application~1json/schema"),
                success: None,
                error: None,
            },
            refusal: plain,
        }
    }

    /// A route with a request schema.
    pub(crate) const FIRST: Route = Route::new(&spec("first", 1));
    /// Another route of the same vendor.
    pub(crate) const SECOND: Route = Route::new(&spec("second", 2));
}

#[cfg(test)]
mod tests {
    use super::testing::{FIRST, SECOND};

    #[test]
    fn routes_are_told_apart_by_vendor_and_name() {
        assert_eq!(FIRST, FIRST);
        assert_ne!(FIRST, SECOND);
        assert!(FIRST < SECOND);
        assert_eq!(format!("{FIRST:?}"), "Route(acme first)");
        assert_eq!(
            (FIRST.vendor(), FIRST.method(), FIRST.path()),
            ("acme", "POST", "/acme/things")
        );
    }
}
