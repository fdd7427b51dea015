//! TechWolf's export API: employees' inferred skill clusters, with OAuth 2.0 client credentials.
//!
//! [`TechWolf`] holds the configuration, the shared HTTP client and the token cache;
//! [`TechWolf::employee_skill_clusters`] exports employees page by page; the export takes
//! per-call options (`timeout`, `retry_policy`, `header`: never sent to the token endpoint), and
//! `send_with_meta` / `pages_with_meta` return each page with its status, headers, attempts and
//! elapsed time ([`Response`](crate::Response)).
//!
//! # Authentication
//! With [`TechWolfBuilder::client_credentials`] the client exchanges the credentials at the token
//! endpoint, caches the token until shortly before it expires, fetches it once however many
//! requests need it at the same time, and after a `401` refreshes it once and retries. With
//! [`TechWolfBuilder::access_token`] it sends the token as given. The token endpoint and audience
//! default per region family: regions starting with `us` use
//! `https://techwolf-us.us.auth0.com/oauth/token` and `us3.techwolf.ai`, all others
//! `https://techwolf.eu.auth0.com/oauth/token` and `eu3.techwolf.ai`.
//!
//! # Environment variables ([`TechWolf::from_env`])
//! | variable | meaning |
//! |---|---|
//! | `TECHWOLF_TENANT` | the tenant name: host `{tenant}.{region}.techwolf.ai`, and the token request's `tenant` |
//! | `TECHWOLF_REGION` | the region label of the host (e.g. `eu`) |
//! | `TECHWOLF_CLIENT_ID`, `TECHWOLF_CLIENT_SECRET` | OAuth client credentials |
//! | `TECHWOLF_ACCESS_TOKEN` | a ready token, instead of client credentials |
//! | `TECHWOLF_BASE_URL` | a base URL replacing the tenant's host (mock server, proxy) |
//! | `TECHWOLF_TOKEN_URL`, `TECHWOLF_AUDIENCE` | override the token endpoint and audience |

mod client;
mod custom;
mod error;
mod export;
mod model;
mod sync;

pub use self::client::{TechWolf, TechWolfBuilder};
pub use self::custom::CustomRequest;
pub use self::error::{ErrorMessage, TechWolfApiError, TechWolfErrorExt};
pub use self::export::{ExportEmployeeSkillClusters, MAX_LIMIT, MAX_STARTING_AFTER_LEN};
pub use self::model::{
    EmployeeId, EmployeeSkillClusters, EmployeeSkillClustersPage, Filter, Include, Skill, SkillCluster, SkillSource,
    ValidationState,
};
pub use self::sync::SyncEmployeeSkillClusters;
