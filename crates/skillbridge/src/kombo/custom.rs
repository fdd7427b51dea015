//! Requests to any Kombo route (the escape hatch): for an endpoint this crate does not wrap, with
//! the client's key, default headers, retries, rate and write limits, tracing and Kombo's error
//! rules, decoded into the caller's own type.

use reqwest::Method;
use reqwest::header::{HeaderMap, HeaderValue};
use serde::de::DeserializeOwned;

use super::client::{Integration, VENDOR};
use super::error::KomboErrors;
use super::model::Envelope;
use crate::config::{CallOptions, RequestOptions};
use crate::custom::{RequestParts, custom_request_setters};
use crate::error::{Error, Result};
use crate::response::{Received, Response};
use crate::send::send;

/// The operation name custom requests appear under in errors and traces.
const CUSTOM_OPERATION: &str = "custom_request";

impl Integration {
    /// `GET path` on this integration, e.g. `hris.get("/hris/skills")`: see [`CustomRequest`].
    pub fn get(&self, path: &str) -> CustomRequest {
        self.request(Method::GET, path)
    }

    /// `POST path` on this integration, sent once unless declared
    /// [`idempotent`](CustomRequest::idempotent): see [`CustomRequest`].
    pub fn post(&self, path: &str) -> CustomRequest {
        self.request(Method::POST, path)
    }

    /// A request of any method to `path` (under the client's base URL, e.g. `/hris/skills`) on
    /// this integration: see [`CustomRequest`].
    pub fn request(&self, method: Method, path: &str) -> CustomRequest {
        CustomRequest {
            integration: self.clone(),
            parts: RequestParts::new(method, path),
            options: RequestOptions::default(),
        }
    }
}

/// A request to a Kombo route this crate does not wrap, from [`Integration::get`],
/// [`post`](Integration::post) or [`request`](Integration::request).
///
/// It carries the client's API key, default headers and the integration's `X-Integration-Id`,
/// waits for announced rate limits, runs writes (any method but `GET`/`HEAD`/`OPTIONS`) in the
/// integration's write slots, retries by the client's policy (only requests that may be repeated:
/// see [`idempotent`](Self::idempotent)), traces each attempt, and turns an error answer into the
/// same [`Error`] as every other call. Kombo wraps each answer as
/// `{"status": "success", "data": ...}`: [`send`](Self::send) decodes `data` into your type.
/// The path is checked before anything is sent: a path under the base URL, never another host.
///
/// ```no_run
/// # async fn run(hris: skillbridge::kombo::Integration) -> skillbridge::Result<()> {
/// #[derive(serde::Deserialize)]
/// struct Skills {
///     results: Vec<Skill>,
/// }
/// #[derive(serde::Deserialize)]
/// struct Skill {
///     id: String,
///     name: String,
/// }
///
/// let skills: Skills = hris.get("/hris/skills").query("name_contains", "rust").send().await?;
/// for skill in skills.results {
///     println!("{} {}", skill.id, skill.name);
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until sent"]
pub struct CustomRequest {
    integration: Integration,
    parts: RequestParts,
    options: RequestOptions,
}

impl CustomRequest {
    custom_request_setters!();

    crate::config::request_option_setters!(options);

    /// Sends it and decodes Kombo's `data` into `T` (use `serde_json::Value` to look first).
    pub async fn send<T: DeserializeOwned>(self) -> Result<T> {
        self.send_with_meta().await.map(Response::into_inner)
    }

    /// Like [`send`](Self::send), with the status, headers, attempts and time of the call.
    pub async fn send_with_meta<T: DeserializeOwned>(self) -> Result<Response<T>> {
        let options = self.options.check()?;
        if let Some(invalid) = self.parts.invalid() {
            return Err(invalid);
        }
        let connection = &self.integration.client.inner.connection;
        let attempted = self
            .parts
            .retrier(&options, &connection.retrier)
            .run(CUSTOM_OPERATION, |attempt| self.once(&options, attempt))
            .await;
        Response::from_attempted(attempted)
    }

    /// One attempt; a write takes one of the integration's write slots.
    async fn once<T: DeserializeOwned>(&self, options: &CallOptions, attempt: u32) -> Result<Received<T>> {
        let writes = !matches!(*self.parts.method(), Method::GET | Method::HEAD | Method::OPTIONS);
        let action = match writes {
            true => Some(self.integration.action().await),
            false => None,
        };
        let integration = &self.integration;
        let result = crate::trace::request(VENDOR, CUSTOM_OPERATION, &integration.id, attempt, async {
            let inner = &integration.client.inner;
            let prepared = async {
                let mut headers = HeaderMap::new();
                let id = HeaderValue::from_str(&integration.id)
                    .map_err(|_| Error::invalid("integration_id", "not a valid header value"))?;
                headers.insert("x-integration-id", id);
                let mut request = self
                    .parts
                    .build(&inner.connection.http, &inner.connection.base_url, headers)?;
                // The same credentials and default headers the generated operations send.
                let credentials = inner.credentials.clone();
                credentials
                    .before_send(&mut request)
                    .await
                    .map_err(|_| Error::invalid("request", "the credentials could not be added"))?;
                Ok(request)
            };
            let received = send::<KomboErrors, Envelope<T>>(
                &inner.connection,
                CUSTOM_OPERATION,
                prepared,
                options,
                inner.connection.secrets.with(None),
                |headers| {
                    if let Some(action) = &action {
                        action.read_limit(headers);
                    }
                },
            )
            .await?;
            Ok(received.map(|envelope| envelope.data))
        })
        .await;
        if let Some(action) = action {
            action.finish(&result);
        }
        result
    }
}
