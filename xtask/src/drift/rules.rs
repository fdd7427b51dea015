//! The rule table: every change the differ reports has one of these ids and its level.
//!
//! Ids follow oasdiff's where oasdiff has the rule; levels are from the point of view of a
//! generated, typed client (ours): a response enum value it has never seen is possibly breaking,
//! a response property that became nullable breaks deserialization.

use std::fmt;

/// How bad a change is for a client built against the old document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// Safe: nothing a client does stops working.
    Info,
    /// Possibly breaking, depending on how a client uses the API.
    Warn,
    /// Breaking: a client built against the old document can fail.
    Err,
}

impl Level {
    /// The level's name as printed: `ERR`, `WARN` or `INFO`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Err => "ERR",
            Self::Warn => "WARN",
            Self::Info => "INFO",
        }
    }

    /// Parse `ERR`, `WARN` or `INFO` (any case).
    pub fn parse(s: &str) -> Option<Self> {
        match s.to_ascii_uppercase().as_str() {
            "ERR" | "ERROR" => Some(Self::Err),
            "WARN" | "WARNING" => Some(Self::Warn),
            "INFO" => Some(Self::Info),
            _ => None,
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

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

use Level::{Err, Info, Warn};

/// Rules about whole operations, parameters, bodies, responses, properties and the overlay.
pub const FIXED: &[(&str, Level, &str)] = &[
    (
        "api-path-removed-without-deprecation",
        Err,
        "a path was removed without being deprecated first",
    ),
    (
        "api-removed-without-deprecation",
        Err,
        "an operation was removed without being deprecated first",
    ),
    (
        "api-removed-with-deprecation",
        Warn,
        "a deprecated operation (or its path) was removed",
    ),
    ("endpoint-added", Info, "a new operation"),
    ("endpoint-deprecated", Info, "an operation became deprecated"),
    (
        "api-operation-id-removed",
        Err,
        "the operationId changed or was removed (generated method names change)",
    ),
    ("new-required-request-parameter", Err, "a new required parameter"),
    ("new-optional-request-parameter", Info, "a new optional parameter"),
    (
        "request-parameter-removed",
        Warn,
        "a parameter was removed (the server may reject or ignore it)",
    ),
    (
        "request-parameter-became-required",
        Err,
        "an optional parameter became required",
    ),
    (
        "request-parameter-became-optional",
        Info,
        "a required parameter became optional",
    ),
    (
        "new-required-request-body",
        Err,
        "an operation now requires a request body",
    ),
    (
        "new-optional-request-body",
        Info,
        "an operation now accepts an optional request body",
    ),
    ("request-body-removed", Warn, "the request body was removed"),
    ("request-body-became-required", Err, "the request body became required"),
    ("request-body-became-optional", Info, "the request body became optional"),
    (
        "request-body-media-type-removed",
        Err,
        "a request media type is no longer accepted",
    ),
    (
        "request-body-media-type-added",
        Info,
        "a new request media type is accepted",
    ),
    ("response-success-status-removed", Err, "a 2xx response was removed"),
    (
        "response-non-success-status-removed",
        Info,
        "a non-2xx response was removed",
    ),
    ("response-success-status-added", Info, "a new 2xx response"),
    ("response-non-success-status-added", Info, "a new non-2xx response"),
    ("response-media-type-removed", Err, "a response media type was removed"),
    ("response-media-type-added", Info, "a new response media type"),
    (
        "request-property-removed",
        Warn,
        "a request property was removed (the server may reject or ignore it)",
    ),
    ("new-required-request-property", Err, "a new required request property"),
    ("new-optional-request-property", Info, "a new optional request property"),
    (
        "request-property-became-required",
        Err,
        "an optional request property became required",
    ),
    (
        "request-property-became-optional",
        Info,
        "a required request property became optional",
    ),
    (
        "response-required-property-removed",
        Err,
        "a required response property was removed",
    ),
    (
        "response-optional-property-removed",
        Warn,
        "an optional response property was removed",
    ),
    (
        "response-required-property-added",
        Info,
        "a new required response property",
    ),
    (
        "response-optional-property-added",
        Info,
        "a new optional response property",
    ),
    (
        "response-property-became-optional",
        Err,
        "a required response property became optional",
    ),
    (
        "response-property-became-required",
        Info,
        "an optional response property became required",
    ),
    (
        "request-schema-variant-removed",
        Err,
        "a oneOf/anyOf alternative of a request schema was removed",
    ),
    (
        "request-schema-variant-added",
        Info,
        "a oneOf/anyOf alternative was added to a request schema",
    ),
    (
        "response-schema-variant-added",
        Warn,
        "a oneOf/anyOf alternative was added to a response schema",
    ),
    (
        "response-schema-variant-removed",
        Info,
        "a oneOf/anyOf alternative of a response schema was removed",
    ),
    (
        "overlay-target-not-found",
        Err,
        "an overlay action's target matches nothing upstream (codegen would fail)",
    ),
    (
        "overlay-action-redundant",
        Warn,
        "upstream now contains what an overlay action adds: drop the action",
    ),
    (
        "x-upstream-pages-disagree",
        Warn,
        "two upstream documents define a shared definition differently (pages out of step); each page is compared on its own",
    ),
];

/// Schema attribute rules for request schemas, suffixed to `request-parameter-` (the schema of a
/// parameter) or `request-property-` (a request body schema, root included).
pub const REQUEST_SCHEMA: &[(&str, Level, &str)] = &[
    (
        "type-changed",
        Err,
        "the type or format changed to one that does not accept all old values",
    ),
    (
        "type-generalized",
        Info,
        "the type or format was widened (e.g. integer to number)",
    ),
    ("became-not-nullable", Err, "null is no longer accepted"),
    ("became-nullable", Info, "null is now accepted"),
    ("enum-value-removed", Err, "an enum value is no longer accepted"),
    ("enum-value-added", Info, "a new enum value is accepted"),
    ("enum-added", Warn, "values are now restricted to an enum"),
    ("enum-removed", Info, "the enum restriction was lifted"),
    ("max-decreased", Err, "the maximum was lowered (or added)"),
    ("max-increased", Info, "the maximum was raised (or removed)"),
    ("min-increased", Err, "the minimum was raised (or added)"),
    ("min-decreased", Info, "the minimum was lowered (or removed)"),
    ("max-length-decreased", Err, "maxLength was lowered (or added)"),
    ("max-length-increased", Info, "maxLength was raised (or removed)"),
    ("min-length-increased", Err, "minLength was raised"),
    ("min-length-decreased", Info, "minLength was lowered"),
    ("max-items-decreased", Err, "maxItems was lowered (or added)"),
    ("max-items-increased", Info, "maxItems was raised (or removed)"),
    ("min-items-increased", Err, "minItems was raised"),
    ("min-items-decreased", Info, "minItems was lowered"),
    ("pattern-changed", Warn, "a pattern was added or changed"),
    ("pattern-removed", Info, "the pattern was removed"),
];

/// Schema attribute rules for response schemas, suffixed to `response-property-` (root included).
pub const RESPONSE_SCHEMA: &[(&str, Level, &str)] = &[
    ("type-changed", Err, "the type or format changed"),
    ("became-nullable", Err, "the value may now be null"),
    ("became-not-nullable", Info, "the value is no longer null"),
    ("enum-value-added", Warn, "a new enum value may be returned"),
    ("enum-value-removed", Info, "an enum value is no longer returned"),
    (
        "enum-removed",
        Warn,
        "the enum restriction was lifted: any value may be returned",
    ),
    ("enum-added", Info, "values are now restricted to an enum"),
    ("max-increased", Warn, "the maximum was raised (or removed)"),
    ("max-decreased", Info, "the maximum was lowered (or added)"),
    ("min-decreased", Warn, "the minimum was lowered (or removed)"),
    ("min-increased", Info, "the minimum was raised (or added)"),
    ("max-length-increased", Warn, "maxLength was raised (or removed)"),
    ("max-length-decreased", Info, "maxLength was lowered (or added)"),
    ("min-length-decreased", Warn, "minLength was lowered"),
    ("min-length-increased", Info, "minLength was raised"),
    ("max-items-increased", Warn, "maxItems was raised (or removed)"),
    ("max-items-decreased", Info, "maxItems was lowered (or added)"),
    ("min-items-decreased", Warn, "minItems was lowered"),
    ("min-items-increased", Info, "minItems was raised"),
    ("pattern-changed", Info, "a pattern was added or changed"),
    ("pattern-removed", Info, "the pattern was removed"),
];

/// The prefixes of request schema attribute rules.
pub const REQUEST_PREFIXES: [&str; 2] = ["request-parameter", "request-property"];
/// The prefix of response schema attribute rules.
pub const RESPONSE_PREFIX: &str = "response-property";

/// Every rule, fixed rules first, then schema attribute rules per prefix.
pub fn all() -> Vec<Rule> {
    let rule = |id: String, level: Level, summary: &str| Rule {
        id,
        level,
        summary: summary.to_owned(),
    };
    let mut out: Vec<Rule> = FIXED.iter().map(|(id, l, s)| rule((*id).to_owned(), *l, s)).collect();
    for prefix in REQUEST_PREFIXES {
        out.extend(
            REQUEST_SCHEMA
                .iter()
                .map(|(a, l, s)| rule(format!("{prefix}-{a}"), *l, s)),
        );
    }
    out.extend(
        RESPONSE_SCHEMA
            .iter()
            .map(|(a, l, s)| rule(format!("{RESPONSE_PREFIX}-{a}"), *l, s)),
    );
    out
}

/// The level of a rule id, if the id is known.
pub fn level(id: &str) -> Option<Level> {
    if let Some((_, level, _)) = FIXED.iter().find(|(i, _, _)| *i == id) {
        return Some(*level);
    }
    for prefix in REQUEST_PREFIXES {
        if let Some(attr) = id.strip_prefix(prefix).and_then(|r| r.strip_prefix('-')) {
            return REQUEST_SCHEMA.iter().find(|(a, _, _)| *a == attr).map(|(_, l, _)| *l);
        }
    }
    let attr = id.strip_prefix(RESPONSE_PREFIX)?.strip_prefix('-')?;
    RESPONSE_SCHEMA.iter().find(|(a, _, _)| *a == attr).map(|(_, l, _)| *l)
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
