//! The Kombo client: where it connects ([`Region`]), how it is configured ([`KomboBuilder`]), the
//! client ([`Kombo`]) and the handle for one integration ([`Integration`]) whose operations
//! `list.rs` and `bulk.rs` build on.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use secrecy::{ExposeSecret, SecretString};
use skillbridge_openapi::RequestContext;
use skillbridge_openapi::kombo::{Client as GeneratedClient, types as generated};

use super::error::{ErrorCode, KomboErrorExt, KomboErrors};
use super::{
    LIST_OPERATION, ListStaffingEntitySkills, SkillExpectation, StaffingEntitySkill, StaffingEntitySkillPage,
    UPSERT_OPERATION, VENDOR,
};
use crate::config::{self, HttpOptions};
use crate::error::{Error, Result};
use crate::limits::{ConcurrencyLimiter, RateGate};
use crate::redact::Secrets;
use crate::response;
use crate::retry::{Attempted, RequestStats, Retrier};

/// Where Kombo serves the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Region {
    /// `https://api.kombo.dev/v1` (the default).
    #[default]
    Eu,
    /// `https://api.us.kombo.dev/v1`.
    Us,
}

impl Region {
    /// The region's base URL.
    pub fn base_url(self) -> &'static str {
        match self {
            Region::Eu => "https://api.kombo.dev/v1",
            Region::Us => "https://api.us.kombo.dev/v1",
        }
    }
}

impl std::str::FromStr for Region {
    type Err = Error;

    /// `eu` or `us`, in any case.
    fn from_str(name: &str) -> Result<Self> {
        match name.trim().to_ascii_lowercase().as_str() {
            "eu" => Ok(Region::Eu),
            "us" => Ok(Region::Us),
            other => Err(Error::Config(format!(
                "unknown Kombo region {other:?} (expected `eu` or `us`)"
            ))),
        }
    }
}

/// Builds a [`Kombo`] client; see [`Kombo::builder`].
#[derive(Debug, Clone, Default)]
#[must_use]
pub struct KomboBuilder {
    api_key: Option<SecretString>,
    region: Region,
    base_url: Option<String>,
    http: HttpOptions,
}

impl KomboBuilder {
    /// A builder filled from `KOMBO_API_KEY`, `KOMBO_REGION` and `KOMBO_BASE_URL` (see the
    /// [module docs](super)); other options keep their defaults and can still be changed.
    pub fn from_env() -> Result<Self> {
        Self::from_lookup(config::env_var)
    }

    fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self> {
        let mut builder = Self::default();
        if let Some(key) = lookup("KOMBO_API_KEY") {
            builder = builder.api_key(key);
        }
        if let Some(region) = lookup("KOMBO_REGION") {
            builder = builder.region(region.parse()?);
        }
        if let Some(url) = lookup("KOMBO_BASE_URL") {
            builder = builder.base_url(url);
        }
        Ok(builder)
    }

    /// The API key (from the Secrets page of Kombo's dashboard). It is kept as a secret: it never
    /// shows in `Debug` output, errors or traces.
    pub fn api_key(mut self, key: impl Into<SecretString>) -> Self {
        self.api_key = Some(key.into());
        self
    }

    /// The region (default [`Region::Eu`]); ignored when [`KomboBuilder::base_url`] is set.
    pub fn region(mut self, region: Region) -> Self {
        self.region = region;
        self
    }

    /// A base URL replacing the region's, e.g. a mock server (`http://127.0.0.1:8080/v1`) or a proxy.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    config::http_option_setters!();

    /// The client, or [`Error::Config`] when the key is missing or unusable or the base URL is malformed.
    pub fn build(self) -> Result<Kombo> {
        let api_key = self
            .api_key
            .filter(|key| !key.expose_secret().trim().is_empty())
            .ok_or_else(|| Error::Config("no Kombo API key: set KOMBO_API_KEY or call api_key()".to_owned()))?;
        // Built once here, so that no request can fail on it (and errors never echo the key).
        let credentials = RequestContext::bearer(api_key.expose_secret())
            .map_err(|_| Error::Config("the Kombo API key contains characters not allowed in a header".to_owned()))?
            .with_headers(self.http.default_headers()?);
        let base_url = config::base_url(self.base_url.as_deref().unwrap_or(self.region.base_url()))?;
        Ok(Kombo {
            inner: Arc::new(Inner {
                secrets: self.http.secrets([&api_key]),
                http: self.http.http_client()?,
                retrier: self.http.retrier(),
                gate: self.http.rate_gate(),
                write_limits: Mutex::default(),
                base_url,
                credentials,
            }),
        })
    }
}

/// A Kombo API client. Cheap to clone: clones share one connection pool, configuration and
/// request counters.
///
/// ```no_run
/// # async fn run() -> skillbridge::Result<()> {
/// use skillbridge::kombo::{Kombo, Region};
///
/// let kombo = Kombo::builder().api_key("secret").region(Region::Us).build()?;
/// let hris = kombo.integration("workday:HWUTwvyx2wLoSUHphiWVrp28")?;
/// let first_page = hris.staffing_entity_skills().page_size(50).send().await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Kombo {
    pub(super) inner: Arc<Inner>,
}

impl fmt::Debug for Kombo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.fmt(f)
    }
}

pub(super) struct Inner {
    http: reqwest::Client,
    base_url: String,
    /// The key and the default headers, sent with every request (values marked sensitive).
    credentials: RequestContext,
    /// The key and the default headers' values, kept out of errors.
    secrets: Arc<Secrets>,
    pub(super) retrier: Retrier,
    gate: RateGate,
    /// One write limiter per integration id, shared by every handle of this client.
    write_limits: Mutex<HashMap<Arc<str>, Arc<ConcurrencyLimiter>>>,
}

impl fmt::Debug for Inner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Kombo")
            .field("base_url", &self.base_url)
            .field("api_key", &"<redacted>")
            .field("retry", &self.retrier)
            .finish_non_exhaustive()
    }
}

impl Kombo {
    /// A builder with the defaults: EU region, 30 s timeout, 10 s connect timeout, default retries.
    pub fn builder() -> KomboBuilder {
        KomboBuilder::default()
    }

    /// A client configured from the environment (see the [module docs](super)).
    pub fn from_env() -> Result<Self> {
        KomboBuilder::from_env()?.build()
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// A handle for one integration; `id` must look like `tool:id` (e.g.
    /// `workday:HWUTwvyx2wLoSUHphiWVrp28`), or [`Error::InvalidInput`] is returned.
    pub fn integration(&self, id: impl AsRef<str>) -> Result<Integration> {
        let id = id.as_ref();
        let valid_part = |part: &str| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
        };
        match id.split_once(':') {
            Some((tool, rest)) if valid_part(tool) && valid_part(rest) => {
                let id: Arc<str> = Arc::from(id);
                let writes = Arc::clone(
                    self.inner
                        .write_limits
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .entry(Arc::clone(&id))
                        .or_default(),
                );
                Ok(Integration {
                    client: self.clone(),
                    id,
                    writes,
                })
            }
            _ => Err(Error::invalid(
                "integration_id",
                format!("{id:?} is not of the form `tool:id` (letters, digits, `_`, `-`, `.`)"),
            )),
        }
    }

    /// Requests and retries made so far by this client and its clones.
    pub fn stats(&self) -> RequestStats {
        self.inner.retrier.stats()
    }

    /// A generated client that builds requests without sending them, and its context (which hands
    /// out the built request, credentials included): see [`response::prepare`].
    fn preparing(&self) -> (GeneratedClient, RequestContext) {
        let context = self.inner.credentials.clone().prepare_only();
        let client = GeneratedClient::new_with_client(&self.inner.base_url, self.inner.http.clone(), context.clone());
        (client, context)
    }

    /// Sends a prepared request and decodes the `data` of Kombo's success envelope straight into
    /// `T`; `observe` sees the response headers.
    async fn exchange<T: serde::de::DeserializeOwned>(
        &self,
        request: reqwest::Request,
        operation: &'static str,
        observe: impl FnOnce(&reqwest::header::HeaderMap),
    ) -> Result<(T, reqwest::StatusCode)> {
        let (envelope, status) = response::exchange::<KomboErrors, Envelope<T>>(
            &self.inner.http,
            &self.inner.gate,
            request,
            operation,
            self.inner.secrets.with(None),
            observe,
        )
        .await?;
        Ok((envelope.data, status))
    }
}

/// The header in which Kombo announces an integration's limit of actions in flight.
const CONCURRENCY_LIMIT: &str = "concurrency-limit";

/// Kombo's success envelope, `{"status": "success", "data": ...}`: only `data` is kept.
#[derive(serde::Deserialize)]
struct Envelope<T> {
    data: T,
}

/// A handle for one integration (one connected HRIS): every request sends its `X-Integration-Id`.
/// Cheap to clone.
#[derive(Clone, Debug)]
pub struct Integration {
    pub(super) client: Kombo,
    id: Arc<str>,
    /// Writes in flight on this integration, from every handle of the client.
    pub(super) writes: Arc<ConcurrencyLimiter>,
}

impl Integration {
    /// The integration id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The client this handle belongs to.
    pub fn client(&self) -> &Kombo {
        &self.client
    }

    /// A listing of skill expectations; add filters, then [`send`](ListStaffingEntitySkills::send)
    /// for one page or stream with [`pages`](ListStaffingEntitySkills::pages) /
    /// [`items`](ListStaffingEntitySkills::items).
    pub fn staffing_entity_skills(&self) -> ListStaffingEntitySkills {
        ListStaffingEntitySkills::new(self.clone())
    }

    /// Creates or updates the expectation of a skill on a staffing entity and returns the saved record.
    ///
    /// Invalid input (an empty id) fails before any request. The call is retried like a read:
    /// Kombo keys the expectation by (staffing entity, skill), so sending the same expectation again
    /// leaves the same state (idempotent).
    pub async fn upsert_staffing_entity_skill(&self, expectation: SkillExpectation) -> Result<StaffingEntitySkill> {
        self.upsert_attempted(&expectation).await.result
    }

    pub(super) async fn upsert_attempted(&self, expectation: &SkillExpectation) -> Attempted<StaffingEntitySkill> {
        let body = match expectation.to_body() {
            Ok(body) => body,
            Err(error) => {
                return Attempted {
                    result: Err(error),
                    attempts: 0,
                };
            }
        };
        let body = &body;
        self.client
            .inner
            .retrier
            .run(UPSERT_OPERATION, |attempt| self.upsert_once(body.clone(), attempt))
            .await
    }

    async fn upsert_once(
        &self,
        body: generated::PostHrisStaffingEntitySkillsRequestBody,
        attempt: u32,
    ) -> Result<StaffingEntitySkill> {
        // Kombo limits actions in flight per integration and says so on every action response.
        let _slot = self.writes.acquire().await;
        let mut announced = None;
        let result = crate::trace::request(VENDOR, UPSERT_OPERATION, &self.id, attempt, async {
            let (api, context) = self.client.preparing();
            let built = api
                .post_hris_staffing_entity_skills()
                .x_integration_id(self.id.to_string())
                .body(body)
                .send();
            let request = response::prepare(&context, built).await?;
            let read_limit = |headers: &reqwest::header::HeaderMap| {
                announced = headers
                    .get(CONCURRENCY_LIMIT)
                    .and_then(|value| value.to_str().ok())
                    .and_then(|value| value.trim().parse::<u64>().ok());
            };
            self.client.exchange(request, UPSERT_OPERATION, read_limit).await
        })
        .await;
        if let Some(limit) = announced {
            self.writes.announce(limit);
        }
        match &result {
            Ok(_) => self.writes.succeeded(),
            Err(error) if error.kombo_code() == Some(&ErrorCode::PlatformConcurrencyLimitExceeded) => {
                self.writes.refused()
            }
            Err(_) => {}
        }
        result
    }

    pub(super) async fn list_once(
        &self,
        query: &super::list::Query,
        cursor: Option<&str>,
        attempt: u32,
    ) -> Result<StaffingEntitySkillPage> {
        crate::trace::request(VENDOR, LIST_OPERATION, &self.id, attempt, async {
            let (api, context) = self.client.preparing();
            let mut request = api
                .get_hris_staffing_entity_skills()
                .x_integration_id(self.id.to_string());
            if let Some(ids) = &query.ids {
                request = request.ids(ids.clone());
            }
            if let Some(ids) = &query.remote_ids {
                request = request.remote_ids(ids.clone());
            }
            if let Some(ids) = &query.staffing_entity_ids {
                request = request.staffing_entity_ids(ids.clone());
            }
            if let Some(ids) = &query.skill_ids {
                request = request.skill_ids(ids.clone());
            }
            if let Some(since) = query.updated_after {
                request = request.updated_after(since);
            }
            if let Some(flag) = query.include_deleted {
                request = request.include_deleted(flag);
            }
            if let Some(flag) = query.ignore_unsupported_filters {
                request = request.ignore_unsupported_filters(flag);
            }
            if let Some(size) = query.page_size {
                request = request.page_size(size);
            }
            if let Some(cursor) = cursor {
                request = request.cursor(cursor.to_owned());
            }
            let request = response::prepare(&context, request.send()).await?;
            self.client.exchange(request, LIST_OPERATION, |_| {}).await
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_lookup_fills_the_builder() {
        let vars = |name: &str| match name {
            "KOMBO_API_KEY" => Some("k".to_owned()),
            "KOMBO_REGION" => Some("US".to_owned()),
            _ => None,
        };
        let kombo = KomboBuilder::from_lookup(vars)
            .and_then(KomboBuilder::build)
            .expect("configured");
        assert_eq!(kombo.base_url(), "https://api.us.kombo.dev/v1");

        let with_url = |name: &str| match name {
            "KOMBO_API_KEY" => Some("k".to_owned()),
            "KOMBO_BASE_URL" => Some("http://127.0.0.1:9/v1/".to_owned()),
            _ => None,
        };
        let kombo = KomboBuilder::from_lookup(with_url)
            .and_then(KomboBuilder::build)
            .expect("configured");
        assert_eq!(kombo.base_url(), "http://127.0.0.1:9/v1");

        let missing = KomboBuilder::from_lookup(|_| None).and_then(KomboBuilder::build);
        assert!(matches!(missing, Err(Error::Config(_))));
        let bad_region = KomboBuilder::from_lookup(|name| (name == "KOMBO_REGION").then(|| "mars".to_owned()));
        assert!(matches!(bad_region, Err(Error::Config(_))));
    }

    #[test]
    fn integration_ids_must_be_tool_colon_id() {
        let kombo = Kombo::builder().api_key("k").build().expect("configured");
        assert!(kombo.integration("workday:HWUTwvyx2wLoSUHphiWVrp28").is_ok());
        for bad in [
            "",
            "workday",
            ":abc",
            "workday:",
            "work day:abc",
            "workday:a:b",
            "workday:abc\n",
        ] {
            assert!(
                matches!(
                    kombo.integration(bad),
                    Err(Error::InvalidInput {
                        field: "integration_id",
                        ..
                    })
                ),
                "{bad:?} accepted"
            );
        }
    }
}
