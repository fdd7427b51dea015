//! Holding a route's requests until the test lets them go: overlap and abandonment made events the
//! test controls instead of latency it hopes is long enough.

use std::collections::HashMap;

use tokio::sync::watch;

use crate::route::Route;

/// One route's hold: whether requests may pass, and how many are waiting.
#[derive(Debug)]
struct Hold {
    open: watch::Sender<bool>,
    held: watch::Sender<u64>,
}

impl Default for Hold {
    fn default() -> Self {
        Self {
            open: watch::Sender::new(true),
            held: watch::Sender::new(0),
        }
    }
}

/// The holds of every registered route (fixed when the server starts, so no lock is needed).
#[derive(Debug, Default)]
pub(crate) struct Holds {
    routes: HashMap<Route, Hold>,
}

/// Counts a request as held while it lives (dropped when the request passes or is abandoned).
struct Held<'a>(&'a watch::Sender<u64>);

impl Drop for Held<'_> {
    fn drop(&mut self) {
        self.0.send_modify(|n| *n = n.saturating_sub(1));
    }
}

impl Holds {
    /// Holds for these routes, all open; a route the server does not serve is never held.
    pub(crate) fn new(routes: impl IntoIterator<Item = Route>) -> Self {
        Self {
            routes: routes.into_iter().map(|r| (r, Hold::default())).collect(),
        }
    }

    pub(crate) fn set(&self, route: Route, held: bool) {
        if let Some(hold) = self.routes.get(&route) {
            hold.open.send_replace(!held);
        }
    }

    pub(crate) fn held(&self, route: Route) -> u64 {
        self.routes.get(&route).map_or(0, |hold| *hold.held.borrow())
    }

    /// Waits while the route is held.
    pub(crate) async fn pass(&self, route: Route) {
        let Some(hold) = self.routes.get(&route) else {
            return;
        };
        let mut open = hold.open.subscribe();
        if *open.borrow_and_update() {
            return;
        }
        hold.held.send_modify(|n| *n += 1);
        let _held = Held(&hold.held);
        // The sender lives in the server state, which outlives every request.
        let _ = open.wait_for(|open| *open).await;
    }

    /// Resolves once at least `n` requests of the route are held (for a route the server does not
    /// serve: at once for 0, else never).
    pub(crate) async fn wait_held(&self, route: Route, n: u64) {
        match self.routes.get(&route) {
            Some(hold) => {
                let _ = hold.held.subscribe().wait_for(|held| *held >= n).await;
            }
            None if n == 0 => {}
            None => std::future::pending().await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::route::testing::{FIRST, SECOND};

    #[tokio::test]
    async fn a_held_route_waits_until_released() {
        let holds = std::sync::Arc::new(Holds::new([FIRST, SECOND]));
        holds.pass(FIRST).await; // open by default
        holds.set(FIRST, true);
        let waiting = tokio::spawn({
            let holds = holds.clone();
            async move { holds.pass(FIRST).await }
        });
        tokio::time::timeout(std::time::Duration::from_secs(30), holds.wait_held(FIRST, 1))
            .await
            .expect("the request is held");
        assert_eq!(holds.held(FIRST), 1);
        assert!(!waiting.is_finished());
        assert_eq!(holds.held(SECOND), 0);
        holds.set(FIRST, false);
        waiting.await.expect("released");
        assert_eq!(holds.held(FIRST), 0);
    }

    /// On paused time a wait that never resolves times out at once, without a real wait.
    #[tokio::test(start_paused = true)]
    async fn waiting_on_a_route_not_served_resolves_only_for_none() {
        let holds = Holds::new([FIRST]);
        let hour = std::time::Duration::from_secs(3600);
        tokio::time::timeout(hour, holds.wait_held(SECOND, 0))
            .await
            .expect("zero held requests, at once");
        assert!(tokio::time::timeout(hour, holds.wait_held(SECOND, 1)).await.is_err());
    }
}
