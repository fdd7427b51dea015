//! Requests to any TechWolf route (the escape hatch): for an endpoint this crate does not wrap,
//! with the client's token (fetched, cached, refreshed once after a `401`), default headers,
//! retries, rate limits, tracing and TechWolf's error rules, decoded into the caller's own type.

use reqwest::Method;
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;

use super::client::{TechWolf, VENDOR};
use super::error::TechWolfErrors;
use crate::config::{CallOptions, RequestOptions};
use crate::custom::{RequestParts, custom_request_setters};
use crate::error::{Error, Result};
use crate::response::{Received, Response};
use crate::send::send;

/// The operation name custom requests appear under in errors and traces.
const CUSTOM_OPERATION: &str = "custom_request";

impl TechWolf {
    /// `GET path`, e.g. a report of TechWolf's API this crate does not wrap: see [`CustomRequest`].
    pub fn get(&self, path: &str) -> CustomRequest {
        self.request(Method::GET, path)
    }

    /// `POST path`, sent once unless declared [`idempotent`](CustomRequest::idempotent) (TechWolf's
    /// exports are reads sent as `POST`): see [`CustomRequest`].
    pub fn post(&self, path: &str) -> CustomRequest {
        self.request(Method::POST, path)
    }

    /// A request of any method to `path` (under the client's base URL): see [`CustomRequest`].
    pub fn request(&self, method: Method, path: &str) -> CustomRequest {
        CustomRequest {
            client: self.clone(),
            parts: RequestParts::new(method, path),
            options: RequestOptions::default(),
        }
    }
}

/// A request to a TechWolf route this crate does not wrap, from [`TechWolf::get`],
/// [`post`](TechWolf::post) or [`request`](TechWolf::request).
///
/// It carries the client's token (the same cache as every other call: one fetch for many
/// requests, one refresh after a `401`) and default headers, waits for announced rate limits,
/// retries by the client's policy (only requests that may be repeated: see
/// [`idempotent`](Self::idempotent)), traces each attempt, and turns an error answer into the
/// same [`Error`] as every other call; [`send`](Self::send) decodes the body into your type. The
/// path is checked before anything is sent: a path under the base URL, never another host.
///
/// ```no_run
/// # async fn run(techwolf: skillbridge::techwolf::TechWolf) -> skillbridge::Result<()> {
/// let page: serde_json::Value = techwolf
///     .post("/export/employees/skill_clusters")
///     .json(&serde_json::json!({"limit": 10}))
///     .idempotent()
///     .send()
///     .await?;
/// println!("{}", page["records"]);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until sent"]
pub struct CustomRequest {
    client: TechWolf,
    parts: RequestParts,
    options: RequestOptions,
}

impl CustomRequest {
    custom_request_setters!();

    crate::config::request_option_setters!(options);

    /// Sends it and decodes the body into `T` (use `serde_json::Value` to look first).
    pub async fn send<T: DeserializeOwned>(self) -> Result<T> {
        self.send_with_meta().await.map(Response::into_inner)
    }

    /// Like [`send`](Self::send), with the status, headers, attempts and time of the call.
    pub async fn send_with_meta<T: DeserializeOwned>(self) -> Result<Response<T>> {
        let options = self.options.check()?;
        if let Some(invalid) = self.parts.invalid() {
            return Err(invalid);
        }
        let attempted = self
            .parts
            .retrier(&options, &self.client.inner.connection.retrier)
            .run_with_recovery(
                CUSTOM_OPERATION,
                |attempt| self.once(&options, attempt),
                self.client.token_recovery(CUSTOM_OPERATION),
            )
            .await;
        Response::from_attempted(attempted)
    }

    /// One attempt, with the cached token (fetched first when there is none).
    async fn once<T: DeserializeOwned>(&self, options: &CallOptions, attempt: u32) -> Result<Received<T>> {
        let inner = &self.client.inner;
        crate::trace::request(VENDOR, CUSTOM_OPERATION, "", attempt, async {
            let (token, credentials) = self.client.credentials().await?;
            let prepared = async {
                let mut request =
                    self.parts
                        .build(&inner.connection.http, &inner.connection.base_url, HeaderMap::new())?;
                credentials
                    .before_send(&mut request)
                    .await
                    .map_err(|_| Error::invalid("request", "the credentials could not be added"))?;
                Ok(request)
            };
            let redaction = inner.connection.secrets.with(Some(&token.value));
            let sent = send::<TechWolfErrors, T>(
                &inner.connection,
                CUSTOM_OPERATION,
                prepared,
                options,
                redaction,
                |_| {},
            )
            .await;
            match sent {
                Ok(received) => Ok(received),
                Err(error) => Err(self.client.auth_error(error, &token).await),
            }
        })
        .await
    }
}
