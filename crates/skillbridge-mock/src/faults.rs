//! Fault injection: what can go wrong on a request, when it fires, and the rules installed per
//! [`Route`].

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

use crate::ids::hash3;
use crate::route::Route;

/// Something that goes wrong on a request. Error bodies take the shape of the route's vendor
/// (each route words its refusals in its vendor's error body).
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Fault {
    /// HTTP 429 with the vendor's rate-limit error (its code, if it has codes), and the
    /// headers `ratelimit-limit`, `ratelimit-remaining: 0`, `ratelimit-reset` (whole seconds,
    /// rounded up) and, when set, `Retry-After`.
    RateLimit {
        /// Value of `ratelimit-limit`.
        limit: u32,
        /// Time until the window resets (`ratelimit-reset`).
        reset: Duration,
        /// Value of `Retry-After`; `None` leaves the header out (not every vendor documents it).
        retry_after: Option<Duration>,
    },
    /// HTTP 503 with an HTML body, as a load balancer sends it.
    ServiceUnavailable,
    /// An error of the vendor's shape with this status and code (`code` is the vendor's error
    /// code; a vendor without codes ignores it and derives a title from the status).
    Error {
        /// HTTP status.
        status: u16,
        /// The vendor's error code, e.g. `REMOTE.SERVICE_UNAVAILABLE`; `None` sends no code.
        code: Option<String>,
        /// The error message.
        message: String,
    },
    /// Wait this long, then answer normally.
    Delay(Duration),
    /// Answer normally but cut the JSON body in half (the HTTP message itself is complete).
    TruncatedJson,
    /// Answer with the normal status and headers but a body that is not valid JSON.
    MalformedJson,
    /// Send the normal status and headers, with a `Content-Length` for the whole body, then only
    /// half of the body before closing the connection: a transfer cut off mid-stream.
    IncompleteBody,
    /// Close the connection without sending any response.
    DropConnection,
    /// Revoke every access token the vendor issued so far, then answer normally (so a request
    /// carrying one of them gets 401): early token expiry. Left to the route's vendor.
    ExpireTokens,
    /// Answer normally, with what a vendor adds to a response without announcing it: a property
    /// its document does not declare and an enum value it does not list (where: the route's
    /// vendor's choice, see its docs; a route without such a place answers normally). For
    /// clients that watch for drift; the mock's own contract check still passes, as JSON Schema
    /// allows both.
    SpecDrift,
}

impl Fault {
    /// A rate limit that asks to retry immediately (`ratelimit-reset: 0`, `Retry-After: 0`):
    /// handy in tests that must stay fast.
    pub fn rate_limit() -> Self {
        Fault::RateLimit {
            limit: 100,
            reset: Duration::ZERO,
            retry_after: Some(Duration::ZERO),
        }
    }

    /// Fire on every request.
    pub fn always(self) -> FaultRule {
        FaultRule {
            fault: self,
            trigger: Trigger::Always,
        }
    }

    /// Fire on the first `n` requests the rule sees, then never again.
    pub fn first(self, n: u64) -> FaultRule {
        FaultRule {
            fault: self,
            trigger: Trigger::First(n),
        }
    }

    /// Fire on the `n`th, `2n`th, ... request the rule sees (`n = 0` never fires).
    pub fn every(self, n: u64) -> FaultRule {
        FaultRule {
            fault: self,
            trigger: Trigger::EveryNth(n),
        }
    }

    /// Fire with probability `p` per request, drawn from a generator seeded by the server's seed,
    /// the route and the rule's position: the same request sequence gives the same faults.
    pub fn with_probability(self, p: f64) -> FaultRule {
        FaultRule {
            fault: self,
            trigger: Trigger::Probability(p),
        }
    }
}

/// When a [`FaultRule`] fires. Counts are per rule and start when the rule is installed.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Trigger {
    /// Every request.
    Always,
    /// The first `n` requests.
    First(u64),
    /// Requests number `n`, `2n`, `3n`, ... (1-based).
    EveryNth(u64),
    /// Each request with this probability (seeded, deterministic).
    Probability(f64),
}

/// A fault and when it fires. Build one with [`Fault::first`], [`Fault::every`],
/// [`Fault::with_probability`] or [`Fault::always`]; a bare [`Fault`] converts to "always".
#[derive(Clone, Debug, PartialEq)]
pub struct FaultRule {
    /// What happens.
    pub fault: Fault,
    /// When it happens.
    pub trigger: Trigger,
}

impl From<Fault> for FaultRule {
    fn from(fault: Fault) -> Self {
        fault.always()
    }
}

#[derive(Debug)]
struct ActiveRule {
    rule: FaultRule,
    seen: u64,
    rng: SmallRng,
}

/// The installed rules of every route. Rules of a route are tried in order; each rule that is
/// tried counts the request, and the first that fires wins (later rules do not see it).
#[derive(Debug)]
pub(crate) struct FaultSet {
    seed: u64,
    rules: Mutex<HashMap<Route, Vec<ActiveRule>>>,
    latency: Mutex<HashMap<Route, Duration>>,
}

impl FaultSet {
    pub(crate) fn new(seed: u64) -> Self {
        Self {
            seed,
            rules: Mutex::new(HashMap::new()),
            latency: Mutex::new(HashMap::new()),
        }
    }

    fn active(&self, route: Route, position: usize, rule: FaultRule) -> ActiveRule {
        let rng = SmallRng::seed_from_u64(hash3(self.seed, route.spec().fault_seed, position as u64));
        ActiveRule { rule, seen: 0, rng }
    }

    pub(crate) fn add(&self, route: Route, rule: FaultRule) {
        let mut rules = self.rules.lock().unwrap_or_else(|e| e.into_inner());
        let list = rules.entry(route).or_default();
        let active = self.active(route, list.len(), rule);
        list.push(active);
    }

    pub(crate) fn set(&self, route: Route, new: Vec<FaultRule>) {
        let list = new
            .into_iter()
            .enumerate()
            .map(|(i, r)| self.active(route, i, r))
            .collect();
        self.rules.lock().unwrap_or_else(|e| e.into_inner()).insert(route, list);
    }

    pub(crate) fn clear(&self) {
        self.rules.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }

    pub(crate) fn set_latency(&self, route: Route, latency: Duration) {
        self.latency
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(route, latency);
    }

    pub(crate) fn latency(&self, route: Route) -> Duration {
        self.latency
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&route)
            .copied()
            .unwrap_or_default()
    }

    /// The fault this request gets, if any.
    pub(crate) fn pick(&self, route: Route) -> Option<Fault> {
        let mut rules = self.rules.lock().unwrap_or_else(|e| e.into_inner());
        let list = rules.get_mut(&route)?;
        for active in list.iter_mut() {
            active.seen += 1;
            let fire = match active.rule.trigger {
                Trigger::Always => true,
                Trigger::First(n) => active.seen <= n,
                Trigger::EveryNth(n) => n > 0 && active.seen % n == 0,
                Trigger::Probability(p) => active.rng.random::<f64>() < p,
            };
            if fire {
                return Some(active.rule.fault.clone());
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::route::testing::{FIRST, SECOND};

    fn pattern(set: &FaultSet, route: Route, n: usize) -> Vec<bool> {
        (0..n).map(|_| set.pick(route).is_some()).collect()
    }

    #[test]
    fn triggers_count_per_rule() {
        let set = FaultSet::new(1);
        set.add(FIRST, Fault::ServiceUnavailable.first(2));
        assert_eq!(pattern(&set, FIRST, 4), [true, true, false, false]);
        set.set(FIRST, vec![Fault::ServiceUnavailable.every(3)]);
        assert_eq!(pattern(&set, FIRST, 6), [false, false, true, false, false, true]);
        assert_eq!(pattern(&set, SECOND, 2), [false, false]);
        // Every 0th request is none (documented), not a division by zero.
        set.set(FIRST, vec![Fault::ServiceUnavailable.every(0)]);
        assert_eq!(pattern(&set, FIRST, 3), [false; 3]);
    }

    #[test]
    fn probability_is_seeded() {
        let a = FaultSet::new(9);
        let b = FaultSet::new(9);
        a.add(SECOND, Fault::DropConnection.with_probability(0.5));
        b.add(SECOND, Fault::DropConnection.with_probability(0.5));
        let pa = pattern(&a, SECOND, 64);
        assert_eq!(pa, pattern(&b, SECOND, 64));
        let fired = pa.iter().filter(|f| **f).count();
        assert!((10..54).contains(&fired), "{fired} of 64 fired at p=0.5");

        // p is the share that fires, not the share that passes.
        let c = FaultSet::new(9);
        c.add(SECOND, Fault::DropConnection.with_probability(0.1));
        let fired = pattern(&c, SECOND, 200).iter().filter(|f| **f).count();
        assert!((5..50).contains(&fired), "{fired} of 200 fired at p=0.1");
    }

    #[test]
    fn clearing_removes_every_rule() {
        let set = FaultSet::new(1);
        set.add(FIRST, Fault::ServiceUnavailable.always());
        set.add(SECOND, Fault::ServiceUnavailable.every(2));
        set.clear();
        assert_eq!(pattern(&set, FIRST, 3), [false; 3]);
        assert_eq!(pattern(&set, SECOND, 3), [false; 3]);
    }
}
