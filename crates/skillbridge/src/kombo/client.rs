//! The Kombo client: where it connects ([`Region`]), how it is configured ([`KomboBuilder`]), the
//! client ([`Kombo`]) and the handle for one integration ([`Integration`]). The operations live
//! beside it, one a file: `list.rs` (the listing) and `upsert.rs` (single and many upserts).

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use secrecy::{ExposeSecret, SecretString};
use skillbridge_openapi::RequestContext;
use skillbridge_openapi::kombo::Client as GeneratedClient;

use crate::config::{self, HttpOptions};
use crate::error::{Error, Result};
use crate::limits::ConcurrencyLimiter;
use crate::retry::RequestStats;
use crate::send::{Connection, Preparing};

/// The vendor name requests are traced under.
pub(super) const VENDOR: &str = "kombo";

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

    /// A base URL replacing the region's, e.g. a proxy, or the embedded mock server, which serves
    /// Kombo under `/kombo/v1` (`mock.kombo().base_url()`; see the crate README's "Testing against
    /// the mock").
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
        let secrets = self.http.secrets([&api_key]);
        let connection = observed(
            Connection::new(&self.http, self.http.http_client()?, base_url, secrets),
            &self.http,
        );
        Ok(Kombo {
            inner: Arc::new(Inner {
                connection,
                write_limits: Mutex::default(),
                credentials,
            }),
        })
    }
}

/// The connection, observing responses against the document the client was generated from when
/// the builder asked for it (feature `observe`).
#[cfg(feature = "observe")]
#[cfg_attr(docsrs, doc(cfg(feature = "observe")))]
fn observed(connection: Connection, options: &HttpOptions) -> Connection {
    connection.observed(options, VENDOR, skillbridge_openapi::documents::KOMBO)
}

#[cfg(not(feature = "observe"))]
fn observed(connection: Connection, _: &HttpOptions) -> Connection {
    connection
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
    /// The pool, base URL, retrier and rate gate; its secrets are the key and the default headers'
    /// values, kept out of errors.
    pub(super) connection: Connection,
    /// The key and the default headers, sent with every request (values marked sensitive).
    pub(super) credentials: RequestContext,
    /// One write limiter per integration id, shared by every handle of this client.
    write_limits: Mutex<HashMap<Arc<str>, Arc<ConcurrencyLimiter>>>,
}

impl fmt::Debug for Inner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Kombo")
            .field("base_url", &self.connection.base_url)
            .field("api_key", &"<redacted>")
            .field("retry", &self.connection.retrier)
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
        &self.inner.connection.base_url
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
        self.inner.connection.retrier.stats()
    }

    /// A generated client that describes requests with the key and the default headers, for
    /// [`send`](crate::send::send).
    pub(super) fn preparing(&self) -> Preparing<GeneratedClient> {
        self.inner
            .connection
            .preparing(self.inner.credentials.clone(), GeneratedClient::new_with_client)
    }
}

/// A handle for one integration (one connected HRIS): every request sends its `X-Integration-Id`.
/// Cheap to clone.
#[derive(Clone, Debug)]
pub struct Integration {
    pub(super) client: Kombo,
    pub(super) id: Arc<str>,
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
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The observer finds every operation of this client in the document by its name.
    #[cfg(feature = "observe")]
    #[test]
    fn the_observer_knows_every_operation() {
        let config = crate::observe::ObserveConfig::sampled(1.0);
        let observer = crate::observe::Observer::new(config, VENDOR, skillbridge_openapi::documents::KOMBO)
            .expect("the document parses");
        assert!(observer.knows(super::super::list::LIST_OPERATION));
        assert!(observer.knows(super::super::upsert::UPSERT_OPERATION));
    }

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
