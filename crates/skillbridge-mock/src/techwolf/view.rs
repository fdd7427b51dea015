//! [`TechwolfView`]: the TechWolf side of a running server, as a test reads and steers it.

use std::net::SocketAddr;
use std::time::Duration;

use super::data::Employee;
use super::routes::{PREFIX, TOKEN_PATH};
use super::state::{NextStartingAfter, TechwolfState};
use crate::route::Route;
use crate::server::Core;

/// The TechWolf side of a running [`MockServer`](crate::MockServer), from
/// [`MockServer::techwolf`](crate::MockServer::techwolf): the URLs and the OAuth client to point
/// a client at, the tokens issued, the seeded employees, and the switches that change how the
/// export and the token endpoint behave at runtime.
///
/// # Data
/// `employees` employees in creation order, about 85% active, with 0 to 4 skill
/// clusters from a fixed catalog of 16. Clusters sometimes lack `validation_state`; skills cover
/// `validated`, `suggested`, `rejected` and `initially_validated`, and `skill_sources` may be
/// empty. `external_id`s are UUID-shaped and decode back to the index (keyset pagination in O(1)).
///
/// # Changes made by tests
/// The export has no change filter, so a sync client compares snapshots; tests change the data
/// between runs, without HTTP: [`TechwolfView::remove_employee`] takes an employee out of
/// exports, [`TechwolfView::change_employee`] gives one other skill clusters (and today as
/// `last_updated`), [`TechwolfView::add_employees`] appends new ones (`last_updated` today) after
/// every other. Edits are kept as an overlay on the generated data (the removed indices, a version
/// per changed employee, the number added), so memory grows with edits only. Paging, `limit` and
/// both filters see the edited data; a removed employee keeps its place in the order, so a
/// `starting_after` naming it (a checkpoint a client kept) continues after where it was.
/// [`TechwolfView::employee`], [`TechwolfView::employee_by_id`], [`TechwolfView::employees`] and
/// [`TechwolfView::employees_count`] read the data as it is now.
///
/// # Behaviour and chosen status codes
/// - Token: JSON (as documented) or form body with `client_id`, `client_secret`,
///   `audience`, `grant_type: client_credentials`, `tenant`, optional `scopes` (array or
///   space-separated). Wrong client → 401 `{"error":"access_denied",...}`; wrong audience or
///   tenant or an unknown scope → 403; missing fields → 400 `invalid_request`. Tokens expire after
///   the TTL (enforced on the export; `expires_in` is the TTL in whole seconds, at least 1).
/// - Export: missing/unknown/expired/revoked token → 401, token without the `read`
///   scope → 403, bodies that are not `application/json` or do not match the spec → 400, all
///   with TechWolf's `[{"title","description"}]`. A `starting_after` that is no employee's
///   `external_id` → 400 (a removed employee's is still accepted, see above).
#[derive(Clone, Copy)]
pub struct TechwolfView<'a> {
    addr: SocketAddr,
    state: &'a TechwolfState,
    core: &'a Core,
}

impl std::fmt::Debug for TechwolfView<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TechwolfView")
            .field("base_url", &self.base_url())
            .finish_non_exhaustive()
    }
}

impl<'a> TechwolfView<'a> {
    pub(crate) fn new(addr: SocketAddr, state: &'a TechwolfState, core: &'a Core) -> Self {
        Self { addr, state, core }
    }

    /// Base URL of the TechWolf API, e.g. `http://127.0.0.1:PORT/techwolf`.
    pub fn base_url(self) -> String {
        format!("http://{}{PREFIX}", self.addr)
    }

    /// The token endpoint, e.g. `http://127.0.0.1:PORT/oauth/token`.
    pub fn token_url(self) -> String {
        format!("http://{}{TOKEN_PATH}", self.addr)
    }

    /// The OAuth client id the token endpoint accepts.
    pub fn client_id(self) -> &'a str {
        &self.state.creds.client_id
    }

    /// The OAuth client secret the token endpoint accepts.
    pub fn client_secret(self) -> &'a str {
        &self.state.creds.client_secret
    }

    /// The token audience the token endpoint accepts.
    pub fn audience(self) -> &'a str {
        &self.state.creds.audience
    }

    /// The tenant the token endpoint accepts.
    pub fn tenant(self) -> &'a str {
        &self.state.creds.tenant
    }

    /// Requests the token endpoint received (whatever their outcome, faults included).
    pub fn token_requests(self) -> u64 {
        self.core.request_count(Route::TECHWOLF_TOKEN)
    }

    /// Access tokens issued.
    pub fn tokens_issued(self) -> u64 {
        self.state.tokens.issued()
    }

    /// Revokes every access token issued so far (early expiry), as
    /// [`Fault::ExpireTokens`](crate::Fault::ExpireTokens) does.
    pub fn revoke_tokens(self) {
        self.state.tokens.revoke_all();
    }

    /// Changes the lifetime of tokens issued from now on.
    pub fn set_token_ttl(self, ttl: Duration) {
        self.state.tokens.set_ttl(ttl);
    }

    /// Moves the clock that token expiry is measured on forward by `by`, so that tests expire
    /// tokens without waiting for them.
    pub fn advance_clock(self, by: Duration) {
        self.state.tokens.advance_clock(by);
    }

    /// Changes whether export pages carry `next_starting_after`.
    pub fn set_next_starting_after(self, mode: NextStartingAfter) {
        self.state.set_next_starting_after(mode);
    }

    /// Employees an export without filters returns now: the seeded ones and those added,
    /// less those removed. With removals, indices run past it (see [`TechwolfView::employees`]).
    pub fn employees_count(self) -> u64 {
        self.state.data.count()
    }

    /// An employee by index (creation order, the export's), with every optional part, as
    /// exported now; `None` if removed or past the last.
    pub fn employee(self, index: u64) -> Option<Employee> {
        self.state.data.employee(index)
    }

    /// The employee with this `external_id`, as exported now; `None` if removed or unknown.
    pub fn employee_by_id(self, external_id: &str) -> Option<Employee> {
        self.state.data.employee_by_id(external_id)
    }

    /// Every current employee in export order, as an export without filters returns them
    /// (the employees there when it is called). O(total): for assertions.
    pub fn employees(self) -> impl Iterator<Item = Employee> + 'a {
        let data = &self.state.data;
        (0..data.issued_count()).filter_map(|i| data.employee(i))
    }

    /// Removes the employee with this `external_id` from exports from now on. Its place in the
    /// order stays, so `starting_after` it still continues after it. `false` if there is no such
    /// employee (unknown, or removed already).
    pub fn remove_employee(self, external_id: &str) -> bool {
        self.state.data.remove(external_id)
    }

    /// Changes the employee with this `external_id`: its skill clusters are generated again, from
    /// the seed, its index and a new version, and always differ from the ones they replace (a
    /// draw that happens to be equal has its first cluster's level moved, or gains a cluster);
    /// `last_updated` becomes today's date (UTC, never earlier than it was). `false` if there is
    /// no such employee (unknown, or removed).
    pub fn change_employee(self, external_id: &str) -> bool {
        self.state.data.change(external_id)
    }

    /// Appends `n` employees after every other in the export order, with the ids the next indices
    /// give and data generated from them as for seeded employees, `last_updated` today (UTC).
    pub fn add_employees(self, n: u64) {
        self.state.data.add(n);
    }
}
