//! The rule table: every change the differ reports has one of these ids and its level.
//!
//! Ids follow oasdiff's where oasdiff has the rule; levels are from the point of view of a
//! generated, typed client (ours): a response enum value it has never seen is possibly breaking,
//! a response property that became nullable breaks deserialization.
//!
//! This is the one place levels are set: the differ reads them through [`level`], and every table
//! of `xtask/DRIFT.md` is generated from them ([`super::oasdiff`] sets them beside oasdiff's own
//! published levels). Where a level departs from oasdiff's, [`DEVIATIONS`] says why.
//!
//! The table is in three parts: rules with a fixed id ([`fixed`]), schema attribute rules
//! ([`schema_attributes`]) and the reasons of the deviations.

pub mod fixed;
pub mod schema_attributes;

pub use super::level::Level;

/// One rule: its id, level and what it means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// The rule id, e.g. `request-parameter-became-required`.
    pub id: String,
    /// The level every change of this rule gets.
    pub level: Level,
    /// What the rule detects, for documentation.
    pub summary: String,
}

pub use fixed::FIXED;
use schema_attributes::schema_rules;
pub use schema_attributes::{OVERRIDES, REQUEST_PREFIXES, RESPONSE_PREFIXES, SCHEMA, SchemaRule, UNUSED};

/// Every rule, fixed rules first, then schema attribute rules per prefix.
pub fn all() -> Vec<Rule> {
    let rule = |id: String, summary: &str| Rule {
        level: level(&id).unwrap_or(Level::Warn),
        id,
        summary: summary.to_owned(),
    };
    let mut out: Vec<Rule> = FIXED.iter().map(|(id, _, s)| rule((*id).to_owned(), s)).collect();
    for prefix in REQUEST_PREFIXES {
        out.extend(schema_rules(false).map(|(a, _, s)| rule(format!("{prefix}-{a}"), s)));
    }
    for prefix in RESPONSE_PREFIXES {
        out.extend(schema_rules(true).map(|(a, _, s)| rule(format!("{prefix}-{a}"), s)));
    }
    out.retain(|r| !UNUSED.contains(&r.id.as_str()));
    out
}

/// The level of a rule id, if the id is known.
pub fn level(id: &str) -> Option<Level> {
    if UNUSED.contains(&id) {
        return None;
    }
    if let Some((_, level)) = OVERRIDES.iter().find(|(i, _)| *i == id) {
        return Some(*level);
    }
    if let Some((_, level, _)) = FIXED.iter().find(|(i, _, _)| *i == id) {
        return Some(*level);
    }
    // A prefix can be the start of another (`request-parameter`, `request-parameter-property`):
    // the first prefix whose table holds the rest wins.
    let tables = REQUEST_PREFIXES
        .iter()
        .map(|p| (*p, false))
        .chain(RESPONSE_PREFIXES.iter().map(|p| (*p, true)));
    for (prefix, response) in tables {
        let Some(attr) = id.strip_prefix(prefix).and_then(|r| r.strip_prefix('-')) else {
            continue;
        };
        if let Some((_, l, _)) = schema_rules(response).find(|(a, _, _)| *a == attr) {
            return Some(l);
        }
    }
    None
}

/// Why one of our levels is not oasdiff's: (rule id, reason). Only the reason is written here: our
/// level is the rule's, oasdiff's is in [`super::oasdiff::ALL`]. A test fails when a rule departs
/// from oasdiff's level without a reason here, or when a reason names a rule that does not.
pub const DEVIATIONS: &[(&str, &str)] = &[
    (
        "request-body-removed",
        "a server that stops reading a body usually ignores one still sent; possibly breaking, not certainly",
    ),
    ("response-body-max-increased", RESP_BOUND),
    ("response-body-max-length-increased", RESP_BOUND),
    ("response-body-max-length-unset", RESP_BOUND),
    ("response-body-min-decreased", RESP_BOUND),
    ("response-body-min-items-decreased", RESP_BOUND),
    ("response-body-min-items-unset", RESP_BOUND),
    ("response-body-min-length-decreased", RESP_BOUND),
    ("response-body-exclusive-max-increased", RESP_BOUND),
    ("response-body-exclusive-min-decreased", RESP_BOUND),
    ("response-property-max-increased", RESP_BOUND),
    ("response-property-max-length-increased", RESP_BOUND),
    ("response-property-max-length-unset", RESP_BOUND),
    ("response-property-min-decreased", RESP_BOUND),
    ("response-property-min-items-decreased", RESP_BOUND),
    ("response-property-min-items-unset", RESP_BOUND),
    ("response-property-min-length-decreased", RESP_BOUND),
    ("response-property-exclusive-max-increased", RESP_BOUND),
    ("response-property-exclusive-min-decreased", RESP_BOUND),
    (
        "api-operation-id-removed",
        "generated clients name methods after operationIds: a changed id breaks callers at compile time",
    ),
    (
        "api-removed-with-deprecation",
        "a client still calling the deprecated operation fails; deprecation is a warning, not consent",
    ),
    (
        "api-security-removed",
        "the removed requirement may be the scheme the client authenticates with",
    ),
    (
        "api-global-security-removed",
        "the removed requirement may be the scheme the client authenticates with",
    ),
    (
        "api-security-scope-added",
        "a token issued for the old scopes is refused",
    ),
    (
        "api-global-security-scope-added",
        "a token issued for the old scopes is refused",
    ),
    (
        "api-security-component-type-changed",
        "an API key client cannot authenticate against OAuth2 (a move from an API key to OAuth2)",
    ),
    (
        "api-security-component-oauth-token-url-changed",
        "a client that requests tokens must follow the new URL",
    ),
    (
        "response-body-any-of-added",
        "a generated client decodes anyOf as untagged alternatives: an unseen one may not decode",
    ),
    (
        "response-property-any-of-added",
        "a generated client decodes anyOf as untagged alternatives: an unseen one may not decode",
    ),
];

/// Why a response bound deviates (ERR in oasdiff, WARN here).
const RESP_BOUND: &str = "a generated client does not check bounds on what it receives: a wider value still decodes, only code relying on the documented bound is affected";

/// Why our level of rule `id` departs from oasdiff's, if it is listed as a deviation.
pub fn deviation(id: &str) -> Option<&'static str> {
    DEVIATIONS.iter().find(|(i, _)| *i == id).map(|(_, why)| *why)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly on bad fixtures")]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_levels_resolve() {
        let rules = all();
        let mut ids: Vec<&str> = rules.iter().map(|r| r.id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), rules.len());
        for r in &rules {
            assert_eq!(level(&r.id), Some(r.level), "{}", r.id);
        }
        assert_eq!(level("no-such-rule"), None);
    }
}
