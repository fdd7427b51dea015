//! Lazy page streams over continuation-token APIs, shared by every API client.
//!
//! A [`Page`] says how to continue: Kombo pages continue with their `next` cursor and end on
//! `next: null`; TechWolf pages continue after `next_starting_after` (or the last record's id) and end
//! on `has_next: false`. The stream fetches one page at a time and fails with a [`PaginationError`]
//! instead of looping when the API hands back an empty continuation or one it has handed out before:
//! a repeat of the previous one is caught at once, longer cycles within twice their length (Brent's
//! cycle detection, which remembers a single token).
//!
//! A listing's `pages_with_meta` yields each page as a [`Response`], with its
//! status, headers, attempts and elapsed time; a `Response` of a page is a [`Page`] itself.
//!
//! # Read-ahead
//! The continuation is known as soon as a page is decoded, so the next request need not wait for
//! the caller to finish with the page: with a read-ahead depth of `n` (default
//! [`DEFAULT_READ_AHEAD`]), up to `n` pages are requested or waiting ahead of the caller, on a task
//! of the caller's tokio runtime. Pages are still requested one after another (each needs the one
//! before), so records come exactly once and in order, an error comes after every record before it,
//! and memory is bounded by `n + 1` pages whatever the listing's length. Dropping the stream aborts
//! the task and with it the request in flight. Depth `0` (or no tokio runtime) fetches a page only
//! when the caller asks for it.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use futures_util::stream::{self, BoxStream, Stream, StreamExt, TryStreamExt};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// Pages requested ahead of the caller unless a listing says otherwise: the next page is on its
/// way while the caller works through the current one.
pub const DEFAULT_READ_AHEAD: usize = 1;

use crate::config::{CallOptions, RequestOptions};
/// Why a listing stopped; defined beside [`Error`], which wraps it.
pub use crate::error::PaginationError;
use crate::error::{Error, Result};
use crate::response::Response;

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

/// A stream of pages: `fetch(None)` (or `fetch(Some(start))`) for the first page, then
/// `fetch(Some(token))` with each page's continuation until [`Continuation::End`] or an error,
/// with up to `read_ahead` pages requested ahead of the caller (see the [module docs](self)).
pub(crate) fn pages<P, F, Fut>(start: Option<String>, fetch: F, read_ahead: usize) -> BoxStream<'static, Result<P>>
where
    P: Page,
    F: FnMut(Option<String>) -> Fut + Send + 'static,
    Fut: Future<Output = Result<P>> + Send + 'static,
{
    let sequential = sequential(start, fetch);
    match (read_ahead, tokio::runtime::Handle::try_current()) {
        (0, _) | (_, Err(_)) => sequential,
        (depth, Ok(runtime)) => Box::pin(ReadAhead::spawn(sequential, depth, &runtime)),
    }
}

/// Pages fetched on the caller's demand, one request per page.
fn sequential<P, F, Fut>(start: Option<String>, fetch: F) -> BoxStream<'static, Result<P>>
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

/// A stream's items produced by a task of their own, at most `depth` ahead of the consumer.
struct ReadAhead<T> {
    received: mpsc::Receiver<T>,
    producer: JoinHandle<()>,
    /// An item taken from the channel and handed over on the next poll (see `poll_next`).
    handing_over: Option<T>,
    finished: bool,
}

impl<T: Send + 'static> ReadAhead<T> {
    fn spawn<S>(mut source: S, depth: usize, runtime: &tokio::runtime::Handle) -> Self
    where
        S: Stream<Item = T> + Send + Unpin + 'static,
    {
        let (sender, received) = mpsc::channel(depth.max(1));
        let producer = runtime.spawn(async move {
            // A slot is reserved before the next item is asked for: what is in flight plus what
            // waits in the channel never exceeds `depth`. The loop ends when the source does, or
            // when the consumer is gone.
            while let Ok(slot) = sender.reserve().await {
                match source.next().await {
                    Some(item) => slot.send(item),
                    None => break,
                }
            }
        });
        Self {
            received,
            producer,
            handing_over: None,
            finished: false,
        }
    }
}

// Items are moved in and out whole, never pinned in place.
impl<T> Unpin for ReadAhead<T> {}

impl<T> Stream for ReadAhead<T> {
    type Item = T;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        if let Some(item) = self.handing_over.take() {
            return Poll::Ready(Some(item));
        }
        if self.finished {
            return Poll::Ready(None);
        }
        match self.received.poll_recv(cx) {
            // Taking the item freed its slot and woke the producer. Yield once before handing it
            // over, so that the producer sends the next request before the caller works on this
            // page: on a single-threaded runtime it would otherwise wait until the caller yields,
            // and a caller that never awaits anything else would get no overlap at all.
            Poll::Ready(Some(item)) => {
                self.handing_over = Some(item);
                // tokio's yield defers the wake-up to the scheduler instead of unparking the
                // driver, which would cost a system call per page.
                let mut yielded = std::pin::pin!(tokio::task::yield_now());
                match yielded.as_mut().poll(cx) {
                    Poll::Pending => Poll::Pending,
                    Poll::Ready(()) => Poll::Ready(self.handing_over.take()),
                }
            }
            // The channel closes when the producer ends: wait for it, so that a panic in a fetch
            // reaches the consumer (as it would without read-ahead) instead of ending the stream.
            Poll::Ready(None) => match Pin::new(&mut self.producer).poll(cx) {
                Poll::Ready(outcome) => {
                    self.finished = true;
                    match outcome {
                        Err(error) if error.is_panic() => std::panic::resume_unwind(error.into_panic()),
                        _ => Poll::Ready(None),
                    }
                }
                Poll::Pending => Poll::Pending,
            },
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<T> Drop for ReadAhead<T> {
    /// Cancels the request in flight: nothing is fetched for a consumer that is gone.
    fn drop(&mut self) {
        self.producer.abort();
    }
}

/// How a listing fetches one page: the one after `continuation`, or its first with `None`. The
/// vendor's listing builder makes one from its valid inputs; every page of the listing shares it.
pub(crate) trait PageSource: Send + Sync + 'static {
    /// The page the listing's requests return.
    type Page: Page;

    /// Fetches (with retries) the page after `continuation`, with what came with it.
    fn fetch(
        self: Arc<Self>,
        continuation: Option<String>,
    ) -> impl Future<Output = Result<Response<Self::Page>>> + Send + 'static;
}

/// What every listing builder holds besides its filters, and the `send`/`pages`/`items` every
/// listing offers: the first invalid input, kept until the listing is sent ([`send`](Self::send)
/// fails with it, the streams yield it as their first and only item, before any request), where
/// the listing starts, its read-ahead depth, and the options of each of its requests.
#[derive(Debug, Clone)]
pub(crate) struct Listing {
    invalid: Option<(&'static str, String)>,
    start: Option<String>,
    read_ahead: usize,
    /// Applied to every page's requests; checked with the other inputs.
    pub(crate) options: RequestOptions,
}

impl Default for Listing {
    fn default() -> Self {
        Self {
            invalid: None,
            start: None,
            read_ahead: DEFAULT_READ_AHEAD,
            options: RequestOptions::default(),
        }
    }
}

impl Listing {
    /// Records that `field` is invalid; the first problem is the one reported.
    pub(crate) fn reject(&mut self, field: &'static str, reason: impl Into<String>) {
        self.invalid.get_or_insert_with(|| (field, reason.into()));
    }

    /// Starts the listing at `continuation` instead of at its first page.
    pub(crate) fn start_at(&mut self, continuation: String) {
        self.start = Some(continuation);
    }

    /// Whether the listing starts at a continuation instead of at its first page.
    pub(crate) fn has_start(&self) -> bool {
        self.start.is_some()
    }

    /// Pages the streams request ahead of the caller (see the [module docs](self)).
    pub(crate) fn read_ahead(&mut self, depth: usize) {
        self.read_ahead = depth;
    }

    /// The page source `source` makes, with the checked options, once the inputs are known to be
    /// valid; and the start.
    fn into_parts<S>(self, source: impl FnOnce(CallOptions) -> Result<S>) -> Result<(Arc<S>, Option<String>)> {
        match self.invalid {
            Some((field, reason)) => Err(Error::InvalidInput { field, reason }),
            None => Ok((Arc::new(source(self.options.check()?)?), self.start)),
        }
    }

    /// One page: the first, or the one at the start set with [`start_at`](Self::start_at).
    pub(crate) async fn send<S: PageSource>(self, source: impl FnOnce(CallOptions) -> Result<S>) -> Result<S::Page> {
        self.send_with_meta(source).await.map(Response::into_inner)
    }

    /// [`send`](Self::send), with what came with the page.
    pub(crate) async fn send_with_meta<S: PageSource>(
        self,
        source: impl FnOnce(CallOptions) -> Result<S>,
    ) -> Result<Response<S::Page>> {
        let (source, start) = self.into_parts(source)?;
        source.fetch(start).await
    }

    /// Every page, lazily, each requested with the continuation of the one before (see [`pages`]).
    pub(crate) fn pages<S: PageSource>(
        self,
        source: impl FnOnce(CallOptions) -> Result<S>,
    ) -> impl Stream<Item = Result<S::Page>> + Send + Unpin + 'static {
        self.pages_with_meta(source).map_ok(Response::into_inner)
    }

    /// [`pages`](Self::pages), each with what came with it.
    pub(crate) fn pages_with_meta<S: PageSource>(
        self,
        source: impl FnOnce(CallOptions) -> Result<S>,
    ) -> impl Stream<Item = Result<Response<S::Page>>> + Send + Unpin + 'static {
        let read_ahead = self.read_ahead;
        match self.into_parts(source) {
            Ok((source, start)) => {
                let fetch = move |continuation| Arc::clone(&source).fetch(continuation);
                pages(start, fetch, read_ahead).left_stream()
            }
            Err(error) => stream::iter([Err(error)]).right_stream(),
        }
    }

    /// Every record of every page, lazily, in order.
    pub(crate) fn items<S: PageSource>(
        self,
        source: impl FnOnce(CallOptions) -> Result<S>,
    ) -> impl Stream<Item = Result<<S::Page as Page>::Item>> + Send + Unpin + 'static {
        items(self.pages_with_meta(source))
    }
}

/// The records of a page stream, one by one.
fn items<P, S>(pages: S) -> impl Stream<Item = Result<P::Item>> + Send + Unpin + 'static
where
    P: Page,
    S: Stream<Item = Result<P>> + Send + Unpin + 'static,
{
    pages
        .map_ok(|page| stream::iter(page.into_items().into_iter().map(Ok)))
        .try_flatten()
}

/// The public `read_ahead` setter of a listing builder that keeps its [`Listing`] in `listing`.
macro_rules! read_ahead_setter {
    () => {
        /// Pages [`pages`](Self::pages) and [`items`](Self::items) request ahead of the caller
        /// (default [`DEFAULT_READ_AHEAD`](crate::pagination::DEFAULT_READ_AHEAD): the next page is
        /// on its way while the caller works through the current one); `0` requests a page only
        /// when it is asked for. Order, exactly-once delivery and the loop guard do not depend on
        /// it; see [`pagination`](crate::pagination).
        pub fn read_ahead(mut self, depth: usize) -> Self {
            self.listing.read_ahead(depth);
            self
        }
    };
}

pub(crate) use read_ahead_setter;

/// A page with its response metadata is still a page: it continues, and holds records, as the
/// page does.
impl<P: Page> Page for Response<P> {
    type Item = P::Item;

    fn continuation(&self) -> Continuation {
        self.value().continuation()
    }

    fn into_items(self) -> Vec<P::Item> {
        self.into_inner().into_items()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::StreamExt;
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
    async fn run(chain: &[Option<&str>], limit: usize) -> Vec<Result<u32>> {
        run_counted(chain, limit, &Arc::default()).await
    }

    /// [`run`], counting the fetches in `fetches`. Runs the listing without read-ahead and with
    /// depths 1 and 3, and checks they yield the same and fetch the same: read-ahead changes when
    /// pages are requested, never which or in what order.
    async fn run_counted(chain: &[Option<&str>], limit: usize, fetches: &Arc<AtomicUsize>) -> Vec<Result<u32>> {
        let got = run_at_depth(chain, limit, fetches, 0).await;
        for depth in [1, 3] {
            let counted = Arc::<AtomicUsize>::default();
            let ahead = run_at_depth(chain, limit, &counted, depth).await;
            assert_eq!(format!("{ahead:?}"), format!("{got:?}"), "depth {depth}");
            assert_eq!(
                counted.load(Ordering::Relaxed),
                fetches.load(Ordering::Relaxed),
                "depth {depth}: fetches"
            );
        }
        got
    }

    async fn run_at_depth(
        chain: &[Option<&str>],
        limit: usize,
        fetches: &Arc<AtomicUsize>,
        depth: usize,
    ) -> Vec<Result<u32>> {
        let fetches = Arc::clone(fetches);
        let chain: Vec<Option<String>> = chain.iter().map(|t| t.map(str::to_owned)).collect();
        let stream = pages(
            None,
            move |token: Option<String>| {
                fetches.fetch_add(1, Ordering::Relaxed);
                let index = token.map_or(0, |t| t.trim_start_matches('t').parse::<usize>().unwrap_or(99) + 1);
                let next = chain.get(index).cloned().flatten();
                async move {
                    Ok(Fake {
                        items: vec![u32::try_from(index).unwrap_or(u32::MAX)],
                        next,
                    })
                }
            },
            depth,
        );
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
        const TOKENS: [&str; 8] = ["t0", "t1", "t2", "t3", "t4", "t5", "t6", "t7"];
        let chains = (0..TOKENS.len()).map(|last| {
            let mut chain: Vec<Option<&str>> = TOKENS[..=last].iter().copied().map(Some).collect();
            chain.push(Some(TOKENS[last]));
            chain
        });
        for chain in chains {
            let fetches = Arc::<AtomicUsize>::default();
            let got = run_counted(&chain, 100, &fetches).await;
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

    /// Sends on `dropped` when the future holding it is dropped (cancelled).
    struct DropSignal(Option<tokio::sync::oneshot::Sender<()>>);

    impl Drop for DropSignal {
        fn drop(&mut self) {
            if let Some(signal) = self.0.take() {
                let _ = signal.send(());
            }
        }
    }

    /// A listing whose second request never answers: the test sees when it starts and when the
    /// stream lets go of it.
    fn stuck_after_first_page(
        depth: usize,
    ) -> (
        BoxStream<'static, Result<Fake>>,
        Arc<tokio::sync::Notify>,
        tokio::sync::oneshot::Receiver<()>,
    ) {
        let started = Arc::new(tokio::sync::Notify::new());
        let (dropped, on_drop) = tokio::sync::oneshot::channel();
        let mut dropped = Some(dropped);
        let notify = Arc::clone(&started);
        let stream = pages(
            None,
            move |token: Option<String>| {
                let guard = token.is_some().then(|| DropSignal(dropped.take()));
                let started = Arc::clone(&notify);
                async move {
                    if let Some(_guard) = guard {
                        started.notify_one();
                        std::future::pending::<()>().await;
                    }
                    Ok(Fake {
                        items: vec![1],
                        next: Some("t1".to_owned()),
                    })
                }
            },
            depth,
        );
        (stream, started, on_drop)
    }

    // Paused time: a cancellation that never came would let the runtime run idle, which moves the
    // clock to the timeout at once; the test fails instead of hanging.
    #[tokio::test(start_paused = true)]
    async fn dropping_a_read_ahead_stream_cancels_the_fetch_in_flight() {
        let (mut stream, started, on_drop) = stuck_after_first_page(1);
        let first = stream.next().await;
        assert!(matches!(first, Some(Ok(_))), "page 1");
        started.notified().await; // page 2 is being fetched ahead, unasked
        drop(stream);
        let cancelled = tokio::time::timeout(std::time::Duration::from_secs(3_600), on_drop).await;
        assert!(
            matches!(cancelled, Ok(Ok(()))),
            "the fetch in flight was dropped with the stream"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn without_read_ahead_nothing_is_fetched_unasked() {
        let (mut stream, started, _on_drop) = stuck_after_first_page(0);
        assert!(matches!(stream.next().await, Some(Ok(_))), "page 1");
        let unasked = tokio::time::timeout(std::time::Duration::from_secs(3_600), started.notified()).await;
        assert!(unasked.is_err(), "page 2 is only requested when asked for");
    }
}
