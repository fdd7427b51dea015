//! Lazy page streams over continuation-token APIs, shared by every API client.
//!
//! A [`Page`] says how to continue: Kombo pages continue with their `next` cursor and end on
//! `next: null`; TechWolf pages continue after `next_starting_after` (or the last record's id) and end
//! on `has_next: false`. The stream fetches one page at a time, holds one page at a time (memory is
//! constant in the number of pages) and fails with a [`PaginationError`] instead of looping when the
//! API hands back an empty continuation or one it has handed out before: a repeat of the previous
//! one is caught at once, longer cycles within twice their length (Brent's cycle detection, which
//! remembers a single token).

use std::future::Future;

use futures_util::stream::{self, BoxStream, Stream, StreamExt, TryStreamExt};

/// Why a listing stopped; defined beside [`Error`], which wraps it.
pub use crate::error::PaginationError;
use crate::error::{Error, Result};

/// How a listing continues after a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Continuation {
    /// This was the last page.
    End,
    /// Ask for the page after this token (a cursor, an id to start after, ...).
    Next(String),
}

/// One page of a paginated listing.
pub trait Page: Send + 'static {
    /// The records the page carries.
    type Item: Send + 'static;

    /// How to continue after this page.
    fn continuation(&self) -> Continuation;

    /// The page's records, in order.
    fn into_items(self) -> Vec<Self::Item>;
}

/// Brent's cycle detection over continuation tokens (constant memory, any cycle length), plus the
/// previous token so that the commonest loop, a page handing back the token it was fetched with, is
/// caught on that page.
#[derive(Debug)]
struct CycleGuard {
    saved: Option<String>,
    previous: Option<String>,
    power: u64,
    steps: u64,
}

impl CycleGuard {
    fn new(start: Option<&str>) -> Self {
        Self {
            saved: start.map(str::to_owned),
            previous: start.map(str::to_owned),
            power: 1,
            steps: 0,
        }
    }

    fn check(&mut self, token: &str, page: u64) -> Result<(), PaginationError> {
        if token.is_empty() {
            return Err(PaginationError::EmptyContinuation { page });
        }
        if self.saved.as_deref() == Some(token) || self.previous.as_deref() == Some(token) {
            return Err(PaginationError::RepeatedContinuation {
                continuation: token.to_owned(),
                page,
            });
        }
        self.previous = Some(token.to_owned());
        self.steps += 1;
        if self.steps == self.power {
            self.saved = Some(token.to_owned());
            self.power = self.power.saturating_mul(2);
            self.steps = 0;
        }
        Ok(())
    }
}

struct State<F> {
    fetch: F,
    /// `None` once the stream is over (last page, or an error was yielded).
    next: Option<Option<String>>,
    guard: CycleGuard,
    page: u64,
}

/// A lazy stream of pages: `fetch(None)` (or `fetch(Some(start))`) for the first page, then
/// `fetch(Some(token))` with each page's continuation until [`Continuation::End`] or an error.
pub(crate) fn pages<P, F, Fut>(start: Option<String>, fetch: F) -> BoxStream<'static, Result<P>>
where
    P: Page,
    F: FnMut(Option<String>) -> Fut + Send + 'static,
    Fut: Future<Output = Result<P>> + Send + 'static,
{
    let state = State {
        guard: CycleGuard::new(start.as_deref()),
        next: Some(start),
        fetch,
        page: 0,
    };
    // Boxed so that callers get an `Unpin` stream (`try_next().await` works without pinning).
    Box::pin(stream::unfold(state, |mut state| async move {
        let token = state.next.take()?;
        state.page += 1;
        let page = match (state.fetch)(token).await {
            Ok(page) => page,
            Err(error) => return Some((Err(error), state)),
        };
        match page.continuation() {
            Continuation::End => {}
            Continuation::Next(token) => match state.guard.check(&token, state.page) {
                Ok(()) => state.next = Some(Some(token)),
                Err(error) => return Some((Err(Error::Pagination(error)), state)),
            },
        }
        Some((Ok(page), state))
    }))
}

/// [`pages`] for a valid request (its start token and fetch function), or just the error of an
/// invalid one: every listing reports input errors as its stream's first and only item, before
/// anything is sent.
pub(crate) fn pages_or_error<P, F, Fut>(
    request: Result<(Option<String>, F)>,
) -> impl Stream<Item = Result<P>> + Send + Unpin + 'static
where
    P: Page,
    F: FnMut(Option<String>) -> Fut + Send + 'static,
    Fut: Future<Output = Result<P>> + Send + 'static,
{
    match request {
        Ok((start, fetch)) => pages(start, fetch).left_stream(),
        Err(error) => stream::iter([Err(error)]).right_stream(),
    }
}

/// The records of a page stream, one by one.
pub(crate) fn items<P, S>(pages: S) -> impl Stream<Item = Result<P::Item>> + Send + Unpin + 'static
where
    P: Page,
    S: Stream<Item = Result<P>> + Send + Unpin + 'static,
{
    pages
        .map_ok(|page| stream::iter(page.into_items().into_iter().map(Ok)))
        .try_flatten()
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::StreamExt;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    struct Fake {
        items: Vec<u32>,
        next: Option<String>,
    }

    impl Page for Fake {
        type Item = u32;
        fn continuation(&self) -> Continuation {
            self.next.clone().map_or(Continuation::End, Continuation::Next)
        }
        fn into_items(self) -> Vec<u32> {
            self.items
        }
    }

    /// A fake API whose cursor after `t<n>` is `chain[n]`.
    async fn run(chain: &'static [Option<&'static str>], limit: usize) -> Vec<Result<u32>> {
        run_counted(chain, limit, &Arc::default()).await
    }

    /// [`run`], counting the fetches in `fetches`.
    async fn run_counted(
        chain: &'static [Option<&'static str>],
        limit: usize,
        fetches: &Arc<AtomicUsize>,
    ) -> Vec<Result<u32>> {
        let fetches = Arc::clone(fetches);
        let stream = pages(None, move |token: Option<String>| {
            fetches.fetch_add(1, Ordering::Relaxed);
            let index = token.map_or(0, |t| t.trim_start_matches('t').parse::<usize>().unwrap_or(99) + 1);
            let next = chain.get(index).copied().flatten().map(str::to_owned);
            async move {
                Ok(Fake {
                    items: vec![u32::try_from(index).unwrap_or(u32::MAX)],
                    next,
                })
            }
        });
        items(stream).take(limit).collect().await
    }

    #[tokio::test]
    async fn follows_tokens_until_the_end() {
        let got = run(&[Some("t0"), Some("t1"), None], 10).await;
        let values: Vec<u32> = got.into_iter().map(|r| r.expect("no error")).collect();
        assert_eq!(values, vec![0, 1, 2]);
    }

    #[tokio::test]
    async fn a_repeated_token_fails_at_once() {
        // t0 -> t1 -> t1: the third page hands back the token it was fetched with.
        let fetches = Arc::<AtomicUsize>::default();
        let got = run_counted(&[Some("t0"), Some("t1"), Some("t1")], 100, &fetches).await;
        assert_eq!(fetches.load(Ordering::Relaxed), 3, "no fourth request");
        assert_eq!(got.len(), 3, "{got:?}");
        assert_eq!(
            got[..2].iter().map(|r| r.as_ref().ok().copied()).collect::<Vec<_>>(),
            [Some(0), Some(1)]
        );
        assert!(
            matches!(
                &got[2],
                Err(Error::Pagination(PaginationError::RepeatedContinuation { continuation, page: 3 }))
                    if continuation == "t1"
            ),
            "{got:?}"
        );
    }

    #[tokio::test]
    async fn every_repeat_of_the_previous_token_is_caught_on_its_page() {
        // A page repeating its own token, at every position up to 9: never a request too many.
        const CHAINS: [&[Option<&str>]; 8] = [
            &[Some("t0"), Some("t0")],
            &[Some("t0"), Some("t1"), Some("t1")],
            &[Some("t0"), Some("t1"), Some("t2"), Some("t2")],
            &[Some("t0"), Some("t1"), Some("t2"), Some("t3"), Some("t3")],
            &[Some("t0"), Some("t1"), Some("t2"), Some("t3"), Some("t4"), Some("t4")],
            &[
                Some("t0"),
                Some("t1"),
                Some("t2"),
                Some("t3"),
                Some("t4"),
                Some("t5"),
                Some("t5"),
            ],
            &[
                Some("t0"),
                Some("t1"),
                Some("t2"),
                Some("t3"),
                Some("t4"),
                Some("t5"),
                Some("t6"),
                Some("t6"),
            ],
            &[
                Some("t0"),
                Some("t1"),
                Some("t2"),
                Some("t3"),
                Some("t4"),
                Some("t5"),
                Some("t6"),
                Some("t7"),
                Some("t7"),
            ],
        ];
        for chain in CHAINS {
            let fetches = Arc::<AtomicUsize>::default();
            let got = run_counted(chain, 100, &fetches).await;
            let pages = chain.len();
            assert_eq!(fetches.load(Ordering::Relaxed), pages, "{chain:?}");
            assert!(
                matches!(
                    got.last(),
                    Some(Err(Error::Pagination(PaginationError::RepeatedContinuation { page, .. })))
                        if *page == pages as u64
                ),
                "{chain:?}: {got:?}"
            );
        }
    }

    #[tokio::test]
    async fn a_longer_cycle_is_caught_too() {
        // t0 -> t1 -> t2 -> t3 -> t1 -> ...: a cycle of length 3 after a tail.
        let fetches = Arc::<AtomicUsize>::default();
        let chain = &[Some("t0"), Some("t1"), Some("t2"), Some("t3"), Some("t1")];
        let got = run_counted(chain, 100, &fetches).await;
        // The cycle t1 -> t2 -> t3 -> t1 starts on page 2; Brent's bound: within twice its length.
        let fetched = fetches.load(Ordering::Relaxed);
        assert!((5..=2 + 2 * 3).contains(&fetched), "{fetched} requests");
        assert_eq!(got.len(), fetched, "one item per page, the last an error");
        assert!(matches!(
            got.last(),
            Some(Err(Error::Pagination(PaginationError::RepeatedContinuation { .. })))
        ));
    }

    #[tokio::test]
    async fn an_empty_token_fails() {
        let got = run(&[Some("t0"), Some("")], 100).await;
        assert!(matches!(
            got.last(),
            Some(Err(Error::Pagination(PaginationError::EmptyContinuation { page: 2 })))
        ));
    }
}
