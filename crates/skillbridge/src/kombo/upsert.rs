//! `POST /hris/staffing-entity-skills`: one upsert, and many at once, paced by the integration's
//! write limit, with one result per input.

use std::fmt;
use std::iter::Enumerate;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_util::future::BoxFuture;
use futures_util::stream::{FuturesUnordered, Stream, StreamExt};
use reqwest::header::HeaderMap;
use skillbridge_openapi::kombo::types as generated;

use super::client::{Integration, VENDOR};
use super::error::{ErrorCode, KomboErrorExt, KomboErrors};
use super::model::Envelope;
use super::model::{SkillExpectation, StaffingEntitySkill};
use crate::error::Result;
use crate::retry::Attempted;
use crate::send::send;

/// The upsert's operation name, as in Kombo's spec (errors and traces name it).
const UPSERT_OPERATION: &str = "post_hris_staffing_entity_skills";

/// The header in which Kombo announces an integration's limit of actions in flight.
const CONCURRENCY_LIMIT: &str = "concurrency-limit";

impl Integration {
    /// Creates or updates the expectation of a skill on a staffing entity and returns the saved record.
    ///
    /// Invalid input (an empty id) fails before any request. The call is retried like a read:
    /// Kombo keys the expectation by (staffing entity, skill), so sending the same expectation again
    /// leaves the same state (idempotent).
    pub async fn upsert_staffing_entity_skill(&self, expectation: SkillExpectation) -> Result<StaffingEntitySkill> {
        self.upsert_attempted(&expectation).await.result
    }

    /// An upsert with its retries, and how many requests it took.
    async fn upsert_attempted(&self, expectation: &SkillExpectation) -> Attempted<StaffingEntitySkill> {
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
            .connection
            .retrier
            .run(UPSERT_OPERATION, |attempt| self.upsert_once(body.clone(), attempt))
            .await
    }

    /// One attempt, in one of the integration's write slots; the answer moves its write limit.
    async fn upsert_once(
        &self,
        body: generated::PostHrisStaffingEntitySkillsRequestBody,
        attempt: u32,
    ) -> Result<StaffingEntitySkill> {
        // Kombo limits actions in flight per integration and says so on every action response.
        let _slot = self.writes.acquire().await;
        let mut announced = None;
        let result = crate::trace::request(VENDOR, UPSERT_OPERATION, &self.id, attempt, async {
            let preparing = self.client.preparing();
            let built = preparing
                .api
                .post_hris_staffing_entity_skills()
                .x_integration_id(self.id.to_string())
                .body(body)
                .send();
            let read_limit = |headers: &HeaderMap| {
                announced = headers
                    .get(CONCURRENCY_LIMIT)
                    .and_then(|value| value.to_str().ok())
                    .and_then(|value| value.trim().parse::<u64>().ok());
            };
            let connection = &self.client.inner.connection;
            let redaction = connection.secrets.with(None);
            let prepared = preparing.request(built);
            let (saved, status) =
                send::<KomboErrors, Envelope<_>>(connection, UPSERT_OPERATION, prepared, redaction, read_limit).await?;
            Ok((saved.data, status))
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

type Inputs = Box<dyn Iterator<Item = SkillExpectation> + Send>;

/// A stream of [`UpsertOutcome`]s, one per input, in completion order (see
/// [`UpsertOutcome::index`]); made by [`Integration::upsert_many`]. Nothing is sent until it is polled.
///
/// Inputs are taken as slots free up: at most as many upserts run as the integration's write limit
/// allows (see [`Integration::upsert_many`]) and as [`concurrency`](Self::concurrency) permits.
#[must_use = "streams do nothing unless polled"]
pub struct UpsertMany {
    integration: Integration,
    inputs: Enumerate<Inputs>,
    exhausted: bool,
    ceiling: usize,
    running: FuturesUnordered<BoxFuture<'static, UpsertOutcome>>,
}

impl fmt::Debug for UpsertMany {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UpsertMany")
            .field("ceiling", &self.ceiling)
            .field("running", &self.running.len())
            .field("inputs_left", &!self.exhausted)
            .finish_non_exhaustive()
    }
}

impl UpsertMany {
    fn new(integration: Integration, inputs: Inputs) -> Self {
        Self {
            integration,
            inputs: inputs.enumerate(),
            exhausted: false,
            ceiling: usize::MAX,
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

    fn upsert(integration: Integration, index: usize, input: SkillExpectation) -> BoxFuture<'static, UpsertOutcome> {
        Box::pin(async move {
            let attempted = integration.upsert_attempted(&input).await;
            UpsertOutcome {
                index,
                input,
                result: attempted.result,
                attempts: attempted.attempts,
            }
        })
    }
}

impl Stream for UpsertMany {
    type Item = UpsertOutcome;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<UpsertOutcome>> {
        let this = self.get_mut();
        loop {
            // The limit grows when a response announces it, and a response ends an upsert, which
            // brings the caller back here: inputs are taken as the room appears.
            let room = this.ceiling.min(this.integration.writes.allowed());
            while !this.exhausted && this.running.len() < room {
                match this.inputs.next() {
                    Some((index, input)) => this.running.push(Self::upsert(this.integration.clone(), index, input)),
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
    /// lazily.
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
    /// use futures_util::StreamExt;
    /// use skillbridge::kombo::SkillExpectation;
    ///
    /// let inputs = vec![SkillExpectation::new("entity-1", "skill-1"), SkillExpectation::new("entity-1", "skill-2")];
    /// let mut outcomes = hris.upsert_many(inputs).concurrency(8);
    /// while let Some(outcome) = outcomes.next().await {
    ///     if let Err(error) = &outcome.result {
    ///         eprintln!("input {} failed after {} attempts: {error}", outcome.index, outcome.attempts);
    ///     }
    /// }
    /// # }
    /// ```
    pub fn upsert_many<I>(&self, expectations: I) -> UpsertMany
    where
        I: IntoIterator<Item = SkillExpectation>,
        I::IntoIter: Send + 'static,
    {
        UpsertMany::new(self.clone(), Box::new(expectations.into_iter()))
    }
}
