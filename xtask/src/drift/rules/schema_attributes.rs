//! Schema attribute rules: one suffix each, reported under every request or response prefix.

use crate::drift::level::Level::{self, Err, Info, Warn};

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
pub(super) fn schema_rules(response: bool) -> impl Iterator<Item = (&'static str, Level, &'static str)> {
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
