//! Many upserts at once, with bounded concurrency and one result per input.

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_util::stream::{self, BoxStream, Stream, StreamExt};

use super::{Integration, SkillExpectation, StaffingEntitySkill};
use crate::error::Result;

/// Upserts in flight at once unless configured: well below Kombo's limit of 30 concurrent actions
/// per integration, so that other writers keep some room.
pub const DEFAULT_UPSERT_CONCURRENCY: usize = 10;

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
#[must_use = "streams do nothing unless polled"]
pub struct UpsertMany {
    pending: Option<(Integration, Inputs, usize)>,
    running: Option<BoxStream<'static, UpsertOutcome>>,
}

impl fmt::Debug for UpsertMany {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UpsertMany")
            .field("concurrency", &self.pending.as_ref().map(|(_, _, n)| *n))
            .field("started", &self.running.is_some())
            .finish_non_exhaustive()
    }
}

impl UpsertMany {
    pub(super) fn new(integration: Integration, inputs: Inputs) -> Self {
        Self {
            pending: Some((integration, inputs, DEFAULT_UPSERT_CONCURRENCY)),
            running: None,
        }
    }

    /// Upserts in flight at once (at least 1; default [`DEFAULT_UPSERT_CONCURRENCY`]). Above Kombo's
    /// concurrency limit, the excess calls get `PLATFORM.CONCURRENCY_LIMIT_EXCEEDED` and are retried.
    pub fn concurrency(mut self, concurrency: usize) -> Self {
        if let Some((_, _, n)) = &mut self.pending {
            *n = concurrency.max(1);
        }
        self
    }

    fn start(integration: Integration, inputs: Inputs, concurrency: usize) -> BoxStream<'static, UpsertOutcome> {
        stream::iter(inputs.enumerate())
            .map(move |(index, input)| {
                let integration = integration.clone();
                async move {
                    let attempted = integration.upsert_attempted(&input).await;
                    UpsertOutcome {
                        index,
                        input,
                        result: attempted.result,
                        attempts: attempted.attempts,
                    }
                }
            })
            .buffer_unordered(concurrency)
            .boxed()
    }
}

impl Stream for UpsertMany {
    type Item = UpsertOutcome;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<UpsertOutcome>> {
        if let Some((integration, inputs, concurrency)) = self.pending.take() {
            self.running = Some(Self::start(integration, inputs, concurrency));
        }
        match &mut self.running {
            Some(running) => running.poll_next_unpin(cx),
            None => Poll::Ready(None),
        }
    }
}

impl Integration {
    /// Upserts every expectation of `expectations`, [`DEFAULT_UPSERT_CONCURRENCY`] at a time (see
    /// [`UpsertMany::concurrency`]), each retried on its own like
    /// [`upsert_staffing_entity_skill`](Self::upsert_staffing_entity_skill). Yields one
    /// [`UpsertOutcome`] per input, so one failure loses nothing else; inputs are read lazily.
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
