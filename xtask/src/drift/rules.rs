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

/// Rules about documents, operations, parameters, bodies, responses, headers, security, servers,
/// properties and the overlay. Ids are oasdiff's where oasdiff has the rule (`x-` ids are ours);
/// a level that differs from oasdiff's is a deliberate deviation listed in `xtask/DRIFT.md`
/// (change it here, one line, and in [`super::oasdiff`]).
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
    ("webhook-added", Info, "a new webhook"),
    (
        "webhook-removed",
        Err,
        "a webhook was removed (receivers built for it stop being called)",
    ),
    (
        "response-header-type-generalized",
        Err,
        "a response header's type was widened (e.g. integer to number)",
    ),
    (
        "request-body-wrapped-in-one-of",
        Err,
        "a request body schema became one alternative of a oneOf",
    ),
    (
        "response-body-wrapped-in-one-of",
        Err,
        "a response body schema became one alternative of a oneOf",
    ),
    ("endpoint-deprecated", Info, "an operation became deprecated"),
    (
        "endpoint-reactivated",
        Info,
        "a deprecated operation is no longer deprecated",
    ),
    (
        "api-operation-id-removed",
        Err,
        "the operationId changed or was removed (generated method names change)",
    ),
    ("api-operation-id-added", Info, "an operation got an operationId"),
    ("api-tag-added", Info, "an operation got a tag"),
    ("api-tag-removed", Info, "an operation lost a tag"),
    ("new-required-request-parameter", Err, "a new required parameter"),
    ("new-optional-request-parameter", Info, "a new optional parameter"),
    (
        "new-required-request-default-parameter-to-existing-path",
        Err,
        "a new required parameter declared on the path item (for all its operations)",
    ),
    (
        "new-optional-request-default-parameter-to-existing-path",
        Info,
        "a new optional parameter declared on the path item (for all its operations)",
    ),
    (
        "new-request-path-parameter",
        Err,
        "a new path parameter (the path a client builds changes)",
    ),
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
    ("request-parameter-deprecated", Info, "a parameter became deprecated"),
    (
        "request-parameter-reactivated",
        Info,
        "a parameter is no longer deprecated",
    ),
    (
        "request-body-added-required",
        Err,
        "an operation now requires a request body",
    ),
    (
        "request-body-added-optional",
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
    (
        "request-body-media-type-schema-added",
        Err,
        "a request media type without a schema got one (only values matching it are accepted)",
    ),
    (
        "request-body-media-type-schema-removed",
        Info,
        "a request media type's schema was removed (any value is accepted)",
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
        "response-media-type-name-generalized",
        Err,
        "a response media type was replaced by a range covering it (e.g. application/*)",
    ),
    (
        "response-required-property-became-not-write-only",
        Warn,
        "a required response property is no longer writeOnly: it is now sent",
    ),
    (
        "new-required-request-header-property",
        Err,
        "a header parameter's object schema has a new required property",
    ),
    (
        "request-header-property-became-required",
        Err,
        "a property of a header parameter's object schema became required",
    ),
    (
        "request-header-property-became-enum",
        Err,
        "a property of a header parameter's object schema is now restricted to an enum",
    ),
    (
        "response-body-media-type-schema-added",
        Info,
        "a response media type without a schema got one",
    ),
    (
        "response-body-media-type-schema-removed",
        Warn,
        "a response media type's schema was removed (any value may be returned)",
    ),
    (
        "required-response-header-removed",
        Err,
        "a required response header was removed",
    ),
    (
        "optional-response-header-removed",
        Warn,
        "an optional response header was removed",
    ),
    ("response-header-added", Info, "a new response header"),
    (
        "response-header-became-optional",
        Err,
        "a required response header became optional",
    ),
    (
        "response-header-became-required",
        Info,
        "an optional response header became required",
    ),
    (
        "response-header-type-changed",
        Err,
        "a response header's type or format changed",
    ),
    (
        "response-header-became-nullable",
        Err,
        "a response header may now be null",
    ),
    (
        "api-security-added",
        Info,
        "an operation got a security requirement (an alternative, if others remain)",
    ),
    (
        "api-security-removed",
        Warn,
        "an operation's security requirement was removed (the scheme a client uses may be gone)",
    ),
    (
        "api-security-scope-added",
        Warn,
        "an operation's security requirement needs a new scope",
    ),
    (
        "api-security-scope-removed",
        Info,
        "an operation's security requirement needs one scope less",
    ),
    (
        "api-global-security-added",
        Info,
        "the document got a global security requirement (an alternative, if others remain)",
    ),
    (
        "api-global-security-removed",
        Warn,
        "a global security requirement was removed (the scheme a client uses may be gone)",
    ),
    (
        "api-global-security-scope-added",
        Warn,
        "a global security requirement needs a new scope",
    ),
    (
        "api-global-security-scope-removed",
        Info,
        "a global security requirement needs one scope less",
    ),
    ("api-security-component-added", Info, "a new security scheme"),
    ("api-security-component-removed", Info, "a security scheme was removed"),
    (
        "api-security-component-type-changed",
        Warn,
        "a security scheme changed type (e.g. http bearer to oauth2): clients authenticate differently",
    ),
    (
        "api-security-component-oauth-url-changed",
        Info,
        "an OAuth2 flow's authorization URL changed",
    ),
    (
        "api-security-component-oauth-token-url-changed",
        Warn,
        "an OAuth2 flow's token URL changed (a client that requests tokens must follow)",
    ),
    ("x-server-added", Info, "a server (base URL) was added"),
    (
        "x-server-removed",
        Warn,
        "a server (base URL) was removed: clients configured with it must move",
    ),
    (
        "x-server-variable-changed",
        Warn,
        "a server variable's default or allowed values changed",
    ),
    (
        "request-property-removed",
        Warn,
        "a request property was removed (the server may reject or ignore it)",
    ),
    ("new-required-request-property", Err, "a new required request property"),
    (
        "new-required-request-property-with-default",
        Err,
        "a new required request property that has a default",
    ),
    (
        "request-property-became-required-with-default",
        Err,
        "an optional request property with a default became required",
    ),
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

/// One schema attribute rule: its suffix and, for each side it applies to, its level and meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SchemaRule {
    /// The attribute part of the id, e.g. `type-changed`.
    pub suffix: &'static str,
    /// Level and meaning in request schemas, `None` where requests have no such rule.
    pub request: Option<(Level, &'static str)>,
    /// Level and meaning in response schemas, `None` where responses have no such rule.
    pub response: Option<(Level, &'static str)>,
}

impl SchemaRule {
    /// The level and meaning on one side: requests, or responses when `response` is true.
    pub fn side(&self, response: bool) -> Option<(Level, &'static str)> {
        if response { self.response } else { self.request }
    }
}

/// A rule on both sides with one meaning (levels may differ).
const fn both(suffix: &'static str, request: Level, response: Level, summary: &'static str) -> SchemaRule {
    SchemaRule {
        suffix,
        request: Some((request, summary)),
        response: Some((response, summary)),
    }
}

/// A rule on both sides whose meaning reads differently in each.
const fn split(suffix: &'static str, request: (Level, &'static str), response: (Level, &'static str)) -> SchemaRule {
    SchemaRule {
        suffix,
        request: Some(request),
        response: Some(response),
    }
}

/// A rule of request schemas only.
const fn request_only(suffix: &'static str, level: Level, summary: &'static str) -> SchemaRule {
    SchemaRule {
        suffix,
        request: Some((level, summary)),
        response: None,
    }
}

/// A rule of response schemas only.
const fn response_only(suffix: &'static str, level: Level, summary: &'static str) -> SchemaRule {
    SchemaRule {
        suffix,
        request: None,
        response: Some((level, summary)),
    }
}

/// The schema attribute rules of one side, in table order: (suffix, level, meaning).
fn schema_rules(response: bool) -> impl Iterator<Item = (&'static str, Level, &'static str)> {
    SCHEMA
        .iter()
        .filter_map(move |r| r.side(response).map(|(level, summary)| (r.suffix, level, summary)))
}

/// Schema attribute rules, each written once with its level and meaning in requests and in
/// responses. A request rule is suffixed to `request-parameter-` (a parameter's schema),
/// `request-body-` (a request body's root schema) or `request-property-` (below it); a response
/// rule to `response-body-` (the root schema) or `response-property-` (below it). Levels are seen
/// from the client: a change it sends (request) breaks when the server accepts less, a change it
/// reads (response) when the server may return more.
pub const SCHEMA: &[SchemaRule] = &[
    split(
        "type-changed",
        (
            Err,
            "the type or format changed to one that does not accept all old values",
        ),
        (Err, "the type or format changed"),
    ),
    split(
        "type-generalized",
        (Info, "the type or format was widened (e.g. integer to number)"),
        (
            Err,
            "the type was widened (e.g. integer to number): values the client cannot decode",
        ),
    ),
    split(
        "type-specialized",
        (
            Err,
            "the type was narrowed (e.g. number to integer; parameter properties only)",
        ),
        (Info, "the type was narrowed (e.g. number to integer)"),
    ),
    split(
        "became-not-nullable",
        (Err, "null is no longer accepted"),
        (Info, "the value is no longer null"),
    ),
    split(
        "became-nullable",
        (Info, "null is now accepted"),
        (Err, "the value may now be null"),
    ),
    split(
        "enum-value-removed",
        (Err, "an enum value is no longer accepted"),
        (Info, "an enum value is no longer returned"),
    ),
    split(
        "enum-value-added",
        (Info, "a new enum value is accepted"),
        (Warn, "a new enum value may be returned"),
    ),
    both("became-enum", Err, Info, "values are now restricted to an enum"),
    split(
        "enum-removed",
        (Info, "the enum restriction was lifted"),
        (Warn, "the enum restriction was lifted: any value may be returned"),
    ),
    both("const-added", Err, Info, "the value is now fixed by `const`"),
    both("const-changed", Err, Err, "the `const` value changed"),
    split(
        "const-removed",
        (Info, "the `const` restriction was lifted"),
        (Err, "the `const` restriction was lifted: other values may be returned"),
    ),
    split(
        "max-decreased",
        (Err, "the maximum was lowered"),
        (Info, "the maximum was lowered (or set)"),
    ),
    both("max-increased", Info, Warn, "the maximum was raised (or removed)"),
    request_only("max-set", Warn, "a maximum was set where there was none"),
    split(
        "min-increased",
        (Err, "the minimum was raised"),
        (Info, "the minimum was raised (or set)"),
    ),
    both("min-decreased", Info, Warn, "the minimum was lowered (or removed)"),
    request_only("min-set", Warn, "a minimum was set where there was none"),
    split(
        "max-length-decreased",
        (Err, "maxLength was lowered"),
        (Info, "maxLength was lowered (or set)"),
    ),
    split(
        "max-length-increased",
        (Info, "maxLength was raised (or removed)"),
        (Warn, "maxLength was raised"),
    ),
    response_only("max-length-unset", Warn, "maxLength was removed"),
    request_only("max-length-set", Warn, "a maxLength was set where there was none"),
    split(
        "min-length-increased",
        (Err, "minLength was raised (or set)"),
        (Info, "minLength was raised"),
    ),
    both("min-length-decreased", Info, Warn, "minLength was lowered"),
    both("max-items-decreased", Err, Info, "maxItems was lowered (or set)"),
    both("max-items-increased", Info, Warn, "maxItems was raised (or removed)"),
    split(
        "min-items-increased",
        (Err, "minItems was raised"),
        (Info, "minItems was raised (or set)"),
    ),
    both("min-items-decreased", Info, Warn, "minItems was lowered"),
    response_only("min-items-unset", Warn, "minItems was removed"),
    request_only("min-items-set", Warn, "a minItems was set where there was none"),
    both("pattern-added", Err, Info, "a pattern was added"),
    both("pattern-changed", Warn, Info, "the pattern changed"),
    both("pattern-removed", Info, Info, "the pattern was removed"),
    both("default-value-added", Info, Info, "a default value was added"),
    both("default-value-changed", Info, Info, "the default value changed"),
    both("default-value-removed", Info, Info, "the default value was removed"),
    split(
        "one-of-added",
        (Info, "a oneOf alternative was added"),
        (Err, "a oneOf alternative was added: values the client cannot decode"),
    ),
    split(
        "one-of-removed",
        (Err, "a oneOf alternative was removed"),
        (Info, "a oneOf alternative is no longer returned"),
    ),
    split(
        "any-of-added",
        (Info, "an anyOf alternative was added"),
        (Warn, "an anyOf alternative was added: values the client may not decode"),
    ),
    split(
        "any-of-removed",
        (Err, "an anyOf alternative was removed"),
        (Info, "an anyOf alternative is no longer returned"),
    ),
    split(
        "additional-properties-removed",
        (Err, "additionalProperties became false: unknown properties are refused"),
        (
            Info,
            "additionalProperties became false: no unknown properties are returned",
        ),
    ),
    split(
        "additional-properties-added",
        (
            Info,
            "additionalProperties is no longer false: unknown properties are accepted",
        ),
        (
            Warn,
            "additionalProperties is no longer false: unknown properties may be returned",
        ),
    ),
    both("discriminator-added", Info, Info, "a discriminator was added"),
    both("discriminator-removed", Info, Info, "the discriminator was removed"),
    both(
        "discriminator-property-name-changed",
        Info,
        Info,
        "the discriminator's property name changed",
    ),
    split(
        "x-extensible-enum-value-removed",
        (Err, "an x-extensible-enum value was removed"),
        (Info, "an x-extensible-enum value is no longer returned"),
    ),
    split(
        "exclusive-max-decreased",
        (Err, "the exclusive maximum was lowered"),
        (Info, "the exclusive maximum was lowered (or set)"),
    ),
    both(
        "exclusive-max-increased",
        Info,
        Warn,
        "the exclusive maximum was raised (or removed)",
    ),
    request_only(
        "exclusive-max-set",
        Warn,
        "an exclusive maximum was set where there was none",
    ),
    split(
        "exclusive-min-increased",
        (Err, "the exclusive minimum was raised"),
        (Info, "the exclusive minimum was raised (or set)"),
    ),
    both(
        "exclusive-min-decreased",
        Info,
        Warn,
        "the exclusive minimum was lowered (or removed)",
    ),
    request_only(
        "exclusive-min-set",
        Warn,
        "an exclusive minimum was set where there was none",
    ),
    both("list-of-types-narrowed", Err, Info, "a `type` list lost a type"),
    split(
        "list-of-types-widened",
        (Info, "a `type` list gained a type"),
        (Err, "a `type` list gained a type: values the client cannot decode"),
    ),
    split(
        "all-of-added",
        (Err, "an allOf member was added (values must match it too)"),
        (Info, "an allOf member was added"),
    ),
    both("all-of-removed", Warn, Info, "an allOf member was removed"),
    both("contains-added", Err, Info, "`contains` was added"),
    both("contains-removed", Info, Err, "`contains` was removed"),
    both("min-contains-increased", Err, Info, "minContains was raised (or set)"),
    both(
        "min-contains-decreased",
        Info,
        Err,
        "minContains was lowered (or removed)",
    ),
    both("max-contains-decreased", Err, Info, "maxContains was lowered (or set)"),
    both(
        "max-contains-increased",
        Info,
        Err,
        "maxContains was raised (or removed)",
    ),
    both("if-added", Err, Info, "`if` was added"),
    both("if-removed", Info, Err, "`if` was removed"),
    both("then-added", Err, Info, "`then` was added"),
    both("then-removed", Info, Err, "`then` was removed"),
    both("else-added", Err, Info, "`else` was added"),
    both("else-removed", Info, Err, "`else` was removed"),
    both("dependent-required-added", Err, Info, "dependentRequired was added"),
    both("dependent-required-removed", Info, Err, "dependentRequired was removed"),
    both("dependent-required-changed", Err, Err, "dependentRequired changed"),
    both("dependent-schema-added", Err, Info, "dependentSchemas was added"),
    both("dependent-schema-removed", Info, Err, "dependentSchemas was removed"),
    both("pattern-property-added", Err, Info, "patternProperties was added"),
    both("pattern-property-removed", Info, Err, "patternProperties was removed"),
    both("prefix-items-added", Info, Err, "prefixItems was added"),
    both("prefix-items-removed", Err, Info, "prefixItems was removed"),
    both("property-names-added", Err, Info, "propertyNames was added"),
    both("property-names-removed", Info, Err, "propertyNames was removed"),
    both("unevaluated-items-added", Err, Info, "unevaluatedItems was added"),
    both("unevaluated-items-removed", Info, Err, "unevaluatedItems was removed"),
    both(
        "unevaluated-properties-added",
        Err,
        Info,
        "unevaluatedProperties was added",
    ),
    both(
        "unevaluated-properties-removed",
        Info,
        Err,
        "unevaluatedProperties was removed",
    ),
    both("content-encoding-changed", Err, Err, "contentEncoding changed"),
    both("content-media-type-changed", Err, Err, "contentMediaType changed"),
    both("content-schema-added", Err, Info, "contentSchema was added"),
    both("content-schema-removed", Info, Err, "contentSchema was removed"),
    both(
        "discriminator-mapping-added",
        Info,
        Info,
        "a discriminator mapping was added",
    ),
    both(
        "discriminator-mapping-deleted",
        Info,
        Info,
        "a discriminator mapping was removed",
    ),
    both(
        "discriminator-mapping-changed",
        Info,
        Info,
        "a discriminator mapping points elsewhere",
    ),
    both(
        "all-of-added-annotation-only",
        Info,
        Info,
        "an allOf member that only annotates (description, examples...) was added",
    ),
    both(
        "all-of-removed-annotation-only",
        Info,
        Info,
        "an allOf member that only annotates was removed",
    ),
];

/// Levels that differ between prefixes of the same suffix (oasdiff's): a query parameter whose
/// default changes changes what the server does for clients that omit it.
pub const OVERRIDES: &[(&str, Level)] = &[
    ("request-parameter-default-value-added", Err),
    ("request-parameter-default-value-changed", Err),
    ("request-parameter-default-value-removed", Err),
    ("request-parameter-property-type-changed", Warn),
    ("request-parameter-property-type-specialized", Err),
];

/// Suffix and prefix combinations that are never reported: in requests only the properties of a
/// parameter's schema tell a narrowed type (`type-specialized`) from a changed one, as oasdiff does.
pub const UNUSED: &[&str] = &[
    "request-parameter-type-specialized",
    "request-body-type-specialized",
    "request-property-type-specialized",
];

/// The prefixes of request schema attribute rules.
pub const REQUEST_PREFIXES: [&str; 4] = [
    "request-parameter-property",
    "request-parameter",
    "request-body",
    "request-property",
];
/// The prefixes of response schema attribute rules.
pub const RESPONSE_PREFIXES: [&str; 2] = ["response-body", "response-property"];

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
