//! `POST /hris/staffing-entity-skills`: one upsert, and many at once, paced by the integration's
//! write limit, with one result per input.

use std::fmt;
use std::future::IntoFuture;
use std::iter::Enumerate;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use futures_util::future::BoxFuture;
use futures_util::stream::{FuturesUnordered, Stream, StreamExt};
use reqwest::header::HeaderMap;
use skillbridge_openapi::kombo::types as generated;

use std::sync::atomic::{AtomicU64, Ordering};

use super::client::{Integration, VENDOR};
use super::error::{ErrorCode, KomboErrorExt, KomboErrors};
use super::model::Envelope;
use super::model::{SkillExpectation, StaffingEntitySkill};
use crate::config::{self, CallOptions, RequestOptions};
use crate::error::Result;
use crate::limits::{ConcurrencyLimiter, Slot};
use crate::response::{Received, Response};
use crate::retry::Attempted;
use crate::send::send;

/// The upsert's operation name, as in Kombo's spec (errors and traces name it).
pub(super) const UPSERT_OPERATION: &str = "post_hris_staffing_entity_skills";

/// The header in which Kombo announces an integration's limit of actions in flight.
const CONCURRENCY_LIMIT: &str = "concurrency-limit";

impl Integration {
    /// Creates or updates the expectation of a skill on a staffing entity; awaited (or
    /// [`send`](UpsertStaffingEntitySkill::send)), it returns the saved record. Per-call options
    /// (timeout, retry policy, headers) are set on the builder before awaiting it.
    ///
    /// Invalid input (an empty id) fails before any request. The call is retried like a read:
    /// Kombo keys the expectation by (staffing entity, skill), so sending the same expectation again
    /// leaves the same state (idempotent).
    ///
    /// ```no_run
    /// # async fn run(hris: skillbridge::kombo::Integration) -> skillbridge::Result<()> {
    /// use std::time::Duration;
    /// use skillbridge::kombo::SkillExpectation;
    ///
    /// let saved = hris.upsert_staffing_entity_skill(SkillExpectation::new("entity-1", "skill-1")).await?;
    /// let quick = hris
    ///     .upsert_staffing_entity_skill(SkillExpectation::new("entity-1", "skill-2"))
    ///     .timeout(Duration::from_secs(5))
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn upsert_staffing_entity_skill(&self, expectation: SkillExpectation) -> UpsertStaffingEntitySkill {
        UpsertStaffingEntitySkill {
            integration: self.clone(),
            expectation,
            options: RequestOptions::default(),
        }
    }

    /// An upsert with its retries under `options`, and how many requests it took and how long.
    async fn upsert_attempted(
        &self,
        expectation: &SkillExpectation,
        options: &CallOptions,
    ) -> Attempted<Received<StaffingEntitySkill>> {
        let body = match expectation.to_body() {
            Ok(body) => body,
            Err(error) => return Attempted::refused(error),
        };
        let body = &body;
        options
            .retrier(&self.client.inner.connection.retrier)
            .run(UPSERT_OPERATION, |attempt| {
                self.upsert_once(body.clone(), options, attempt)
            })
            .await
    }

    /// One attempt, in one of the integration's write slots; the answer moves its write limit.
    async fn upsert_once(
        &self,
        body: generated::PostHrisStaffingEntitySkillsRequestBody,
        options: &CallOptions,
        attempt: u32,
    ) -> Result<Received<StaffingEntitySkill>> {
        let action = self.action().await;
        let result = crate::trace::request(VENDOR, UPSERT_OPERATION, &self.id, attempt, async {
            let preparing = self.client.preparing();
            let built = preparing
                .api
                .post_hris_staffing_entity_skills()
                .x_integration_id(self.id.to_string())
                .body(body)
                .send();
            let connection = &self.client.inner.connection;
            let redaction = connection.secrets.with(None);
            let prepared = preparing.request(built);
            let saved = send::<KomboErrors, Envelope<_>>(
                connection,
                UPSERT_OPERATION,
                prepared,
                options,
                redaction,
                |headers| action.read_limit(headers),
            )
            .await?;
            Ok(saved.map(|saved| saved.data))
        })
        .await;
        action.finish(&result);
        result
    }

    /// A write slot of this integration for one action (a write), waited for when the
    /// integration's limit is reached.
    pub(super) async fn action(&self) -> Action<'_> {
        Action {
            writes: &self.writes,
            _slot: self.writes.acquire().await,
            announced: AtomicU64::new(0),
        }
    }
}

/// One action in flight: Kombo limits actions in flight per integration and announces the limit
/// on every action's response; the answer moves the integration's write limit.
pub(super) struct Action<'a> {
    writes: &'a ConcurrencyLimiter,
    _slot: Slot,
    /// The limit the response announced (0: none).
    announced: AtomicU64,
}

impl Action<'_> {
    /// Reads the limit a response announces (the limiter decides what it is worth).
    pub(super) fn read_limit(&self, headers: &HeaderMap) {
        let announced = headers
            .get(CONCURRENCY_LIMIT)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.trim().parse::<u64>().ok());
        self.announced.store(announced.unwrap_or(0), Ordering::Relaxed);
    }

    /// Moves the write limit by the action's outcome: an announcement, a success, a refusal.
    pub(super) fn finish<T>(self, result: &Result<T>) {
        match self.announced.load(Ordering::Relaxed) {
            0 => {}
            limit => self.writes.announce(limit),
        }
        match result {
            Ok(_) => self.writes.succeeded(),
            Err(error) if error.kombo_code() == Some(&ErrorCode::PlatformConcurrencyLimitExceeded) => {
                self.writes.refused()
            }
            Err(_) => {}
        }
    }
}

/// One upsert, built by [`Integration::upsert_staffing_entity_skill`]: set per-call options, then
/// await it (it is [`IntoFuture`]), or call [`send`](Self::send) or
/// [`send_with_meta`](Self::send_with_meta). It owns a handle of its integration, so the future
/// is `Send + 'static`: it can be spawned.
#[derive(Debug, Clone)]
#[must_use = "an upsert does nothing until awaited or sent"]
pub struct UpsertStaffingEntitySkill {
    integration: Integration,
    expectation: SkillExpectation,
    options: RequestOptions,
}

impl UpsertStaffingEntitySkill {
    config::request_option_setters!(options);

    /// Sends the upsert (with its retries) and returns the saved record; what awaiting the
    /// builder does.
    pub async fn send(self) -> Result<StaffingEntitySkill> {
        self.send_with_meta().await.map(Response::into_inner)
    }

    /// [`send`](Self::send), with the answer's status and headers (Kombo's `concurrency-limit`,
    /// ...), the attempts it took and how long (see [`Response`]).
    pub async fn send_with_meta(self) -> Result<Response<StaffingEntitySkill>> {
        let options = self.options.check()?;
        Response::from_attempted(self.integration.upsert_attempted(&self.expectation, &options).await)
    }
}

impl IntoFuture for UpsertStaffingEntitySkill {
    type Output = Result<StaffingEntitySkill>;
    type IntoFuture = BoxFuture<'static, Result<StaffingEntitySkill>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

/// The outcome of one upsert of [`Integration::upsert_many`].
#[derive(Debug)]
#[non_exhaustive]
pub struct UpsertOutcome {
    /// The input's position in the iterator given to `upsert_many` (0-based).
    pub index: usize,
    /// The input.
    pub input: SkillExpectation,
    /// The saved record, or why this one failed.
    pub result: Result<StaffingEntitySkill>,
    /// HTTP requests it took: 1 without retries, 0 when rejected before sending.
    pub attempts: u32,
}

impl UpsertOutcome {
    /// Retries it took (attempts after the first).
    pub fn retries(&self) -> u32 {
        self.attempts.saturating_sub(1)
    }
}

type Inputs<'a> = Box<dyn Iterator<Item = SkillExpectation> + Send + 'a>;

/// A stream of [`UpsertOutcome`]s, one per input, in completion order (see
/// [`UpsertOutcome::index`]); made by [`Integration::upsert_many`]. Nothing is sent until it is polled.
///
/// Inputs are taken as slots free up: at most as many upserts run as the integration's write limit
/// allows (see [`Integration::upsert_many`]) and as [`concurrency`](Self::concurrency) permits.
/// The stream borrows what the inputs borrow (`'a`); each upsert owns its input.
///
/// Per-call options ([`timeout`](Self::timeout), [`retry_policy`](Self::retry_policy),
/// [`header`](Self::header)) apply to every upsert; they are read when the first input is taken.
/// A header they refuse fails every input without sending anything.
#[must_use = "streams do nothing unless polled"]
pub struct UpsertMany<'a> {
    integration: Integration,
    inputs: Enumerate<Inputs<'a>>,
    exhausted: bool,
    ceiling: usize,
    options: RequestOptions,
    /// The options, checked once, when the first input is taken.
    checked: Option<Result<Arc<CallOptions>>>,
    running: FuturesUnordered<BoxFuture<'static, UpsertOutcome>>,
}

impl fmt::Debug for UpsertMany<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UpsertMany")
            .field("ceiling", &self.ceiling)
            .field("options", &self.options)
            .field("running", &self.running.len())
            .field("inputs_left", &!self.exhausted)
            .finish_non_exhaustive()
    }
}

impl<'a> UpsertMany<'a> {
    fn new(integration: Integration, inputs: Inputs<'a>) -> Self {
        Self {
            integration,
            inputs: inputs.enumerate(),
            exhausted: false,
            ceiling: usize::MAX,
            options: RequestOptions::default(),
            checked: None,
            running: FuturesUnordered::new(),
        }
    }

    /// The most upserts this stream runs at once (at least 1). Without it, as many as the
    /// integration's write limit allows. Kombo's limit still applies below it: asking for more
    /// than the server allows costs nothing, the excess waits for a slot instead of being refused.
    pub fn concurrency(mut self, concurrency: usize) -> Self {
        self.ceiling = concurrency.max(1);
        self
    }

    config::request_option_setters!(options);

    fn upsert(
        integration: Integration,
        index: usize,
        input: SkillExpectation,
        options: Result<Arc<CallOptions>>,
    ) -> BoxFuture<'static, UpsertOutcome> {
        Box::pin(async move {
            let attempted = match options {
                Ok(options) => integration.upsert_attempted(&input, &options).await,
                Err(refused) => Attempted::refused(refused),
            };
            UpsertOutcome {
                index,
                input,
                result: attempted.result.map(|received| received.value),
                attempts: attempted.attempts,
            }
        })
    }
}

impl Stream for UpsertMany<'_> {
    type Item = UpsertOutcome;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<UpsertOutcome>> {
        let this = self.get_mut();
        loop {
            // The limit grows when a response announces it, and a response ends an upsert, which
            // brings the caller back here: inputs are taken as the room appears.
            let room = this.ceiling.min(this.integration.writes.allowed());
            while !this.exhausted && this.running.len() < room {
                match this.inputs.next() {
                    Some((index, input)) => {
                        let options = this
                            .checked
                            .get_or_insert_with(|| this.options.check().map(Arc::new))
                            .clone();
                        this.running
                            .push(Self::upsert(this.integration.clone(), index, input, options));
                    }
                    None => this.exhausted = true,
                }
            }
            match this.running.poll_next_unpin(cx) {
                Poll::Ready(Some(outcome)) => return Poll::Ready(Some(outcome)),
                Poll::Ready(None) if this.exhausted => return Poll::Ready(None),
                // Room is at least one, so the next round takes an input or finds none left.
                Poll::Ready(None) => {}
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}

impl Integration {
    /// Upserts every expectation of `expectations`, as many at a time as the integration allows,
    /// each retried on its own like [`upsert_staffing_entity_skill`](Self::upsert_staffing_entity_skill).
    /// Yields one [`UpsertOutcome`] per input, so one failure loses nothing else; inputs are read
    /// lazily, as slots free up, so they may borrow (`hris.upsert_many(rows.iter().map(..))`): the
    /// stream then lives no longer than what they borrow, and a stream that is spawned needs
    /// inputs that own their data (a `Vec`, `into_iter()`).
    ///
    /// Kombo limits actions in flight per integration (30 by default, varying per integration) and
    /// announces the limit on every write response. Writes of one integration share one limiter
    /// across the client's handles, this stream and single upserts alike: it starts with one write
    /// in flight, adopts the announced limit from the first answer, and halves on a concurrency
    /// refusal (growing back by one per window of successes) when another writer takes slots or
    /// no limit is announced. [`UpsertMany::concurrency`] sets a lower ceiling.
    ///
    /// ```no_run
    /// # async fn run(hris: skillbridge::kombo::Integration) {
    /// use futures::StreamExt;
    /// use skillbridge::kombo::SkillExpectation;
    ///
    /// // Rows read elsewhere; the inputs borrow them and are made one by one.
    /// let rows = vec![("entity-1", "skill-1"), ("entity-1", "skill-2")];
    /// let inputs = rows.iter().map(|(entity, skill)| SkillExpectation::new(*entity, *skill));
    /// let mut outcomes = hris.upsert_many(inputs).concurrency(8);
    /// while let Some(outcome) = outcomes.next().await {
    ///     if let Err(error) = &outcome.result {
    ///         eprintln!("input {} failed after {} attempts: {error}", outcome.index, outcome.attempts);
    ///     }
    /// }
    /// # }
    /// ```
    pub fn upsert_many<'a, I>(&self, expectations: I) -> UpsertMany<'a>
    where
        I: IntoIterator<Item = SkillExpectation>,
        I::IntoIter: Send + 'a,
    {
        UpsertMany::new(self.clone(), Box::new(expectations.into_iter()))
    }
}
