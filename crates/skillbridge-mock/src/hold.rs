//! Holding a route's requests until the test lets them go: overlap and abandonment made events the
//! test controls instead of latency it hopes is long enough.

use tokio::sync::watch;

use crate::faults::Route;

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

/// The holds of every route, indexed by [`Route::position`].
#[derive(Debug, Default)]
pub(crate) struct Holds {
    routes: [Hold; 4],
}

/// Counts a request as held while it lives (dropped when the request passes or is abandoned).
struct Held<'a>(&'a watch::Sender<u64>);

impl Drop for Held<'_> {
    fn drop(&mut self) {
        self.0.send_modify(|n| *n = n.saturating_sub(1));
    }
}

impl Holds {
    pub(crate) fn set(&self, route: Route, held: bool) {
        self.routes[route.position()].open.send_replace(!held);
    }

    pub(crate) fn held(&self, route: Route) -> u64 {
        *self.routes[route.position()].held.borrow()
    }

    /// Waits while the route is held.
    pub(crate) async fn pass(&self, route: Route) {
        let hold = &self.routes[route.position()];
        let mut open = hold.open.subscribe();
        if *open.borrow_and_update() {
            return;
        }
        hold.held.send_modify(|n| *n += 1);
        let _held = Held(&hold.held);
        // The sender lives in the server state, which outlives every request.
        let _ = open.wait_for(|open| *open).await;
    }

    /// Resolves once at least `n` requests of the route are held.
    pub(crate) async fn wait_held(&self, route: Route, n: u64) {
        let mut held = self.routes[route.position()].held.subscribe();
        let _ = held.wait_for(|held| *held >= n).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_held_route_waits_until_released() {
        let holds = std::sync::Arc::new(Holds::default());
        holds.pass(Route::KomboList).await; // open by default
        holds.set(Route::KomboList, true);
        let waiting = tokio::spawn({
            let holds = holds.clone();
            async move { holds.pass(Route::KomboList).await }
        });
        holds.wait_held(Route::KomboList, 1).await;
        assert_eq!(holds.held(Route::KomboList), 1);
        assert!(!waiting.is_finished());
        assert_eq!(holds.held(Route::KomboUpsert), 0);
        holds.set(Route::KomboList, false);
        waiting.await.expect("released");
        assert_eq!(holds.held(Route::KomboList), 0);
    }
}
