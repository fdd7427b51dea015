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

/// Schema attribute rules for request schemas, suffixed to `request-parameter-` (a parameter's
/// schema), `request-body-` (a request body's root schema) or `request-property-` (below it).
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
    (
        "type-specialized",
        Err,
        "the type was narrowed (e.g. number to integer; parameter properties only)",
    ),
    ("became-not-nullable", Err, "null is no longer accepted"),
    ("became-nullable", Info, "null is now accepted"),
    ("enum-value-removed", Err, "an enum value is no longer accepted"),
    ("enum-value-added", Info, "a new enum value is accepted"),
    ("became-enum", Err, "values are now restricted to an enum"),
    ("enum-removed", Info, "the enum restriction was lifted"),
    ("const-added", Err, "the value is now fixed by `const`"),
    ("const-changed", Err, "the `const` value changed"),
    ("const-removed", Info, "the `const` restriction was lifted"),
    ("max-decreased", Err, "the maximum was lowered"),
    ("max-increased", Info, "the maximum was raised (or removed)"),
    ("max-set", Warn, "a maximum was set where there was none"),
    ("min-increased", Err, "the minimum was raised"),
    ("min-decreased", Info, "the minimum was lowered (or removed)"),
    ("min-set", Warn, "a minimum was set where there was none"),
    ("max-length-decreased", Err, "maxLength was lowered"),
    ("max-length-increased", Info, "maxLength was raised (or removed)"),
    ("max-length-set", Warn, "a maxLength was set where there was none"),
    ("min-length-increased", Err, "minLength was raised (or set)"),
    ("min-length-decreased", Info, "minLength was lowered"),
    ("max-items-decreased", Err, "maxItems was lowered (or set)"),
    ("max-items-increased", Info, "maxItems was raised (or removed)"),
    ("min-items-increased", Err, "minItems was raised"),
    ("min-items-decreased", Info, "minItems was lowered"),
    ("min-items-set", Warn, "a minItems was set where there was none"),
    ("pattern-added", Err, "a pattern was added"),
    ("pattern-changed", Warn, "the pattern changed"),
    ("pattern-removed", Info, "the pattern was removed"),
    ("default-value-added", Info, "a default value was added"),
    ("default-value-changed", Info, "the default value changed"),
    ("default-value-removed", Info, "the default value was removed"),
    ("one-of-added", Info, "a oneOf alternative was added"),
    ("one-of-removed", Err, "a oneOf alternative was removed"),
    ("any-of-added", Info, "an anyOf alternative was added"),
    ("any-of-removed", Err, "an anyOf alternative was removed"),
    (
        "additional-properties-removed",
        Err,
        "additionalProperties became false: unknown properties are refused",
    ),
    (
        "additional-properties-added",
        Info,
        "additionalProperties is no longer false: unknown properties are accepted",
    ),
    ("discriminator-added", Info, "a discriminator was added"),
    ("discriminator-removed", Info, "the discriminator was removed"),
    (
        "discriminator-property-name-changed",
        Info,
        "the discriminator's property name changed",
    ),
    (
        "x-extensible-enum-value-removed",
        Err,
        "an x-extensible-enum value was removed",
    ),
    ("exclusive-max-decreased", Err, "the exclusive maximum was lowered"),
    (
        "exclusive-max-increased",
        Info,
        "the exclusive maximum was raised (or removed)",
    ),
    (
        "exclusive-max-set",
        Warn,
        "an exclusive maximum was set where there was none",
    ),
    ("exclusive-min-increased", Err, "the exclusive minimum was raised"),
    (
        "exclusive-min-decreased",
        Info,
        "the exclusive minimum was lowered (or removed)",
    ),
    (
        "exclusive-min-set",
        Warn,
        "an exclusive minimum was set where there was none",
    ),
    ("list-of-types-narrowed", Err, "a `type` list lost a type"),
    ("list-of-types-widened", Info, "a `type` list gained a type"),
    (
        "all-of-added",
        Err,
        "an allOf member was added (values must match it too)",
    ),
    ("all-of-removed", Warn, "an allOf member was removed"),
    ("contains-added", Err, "`contains` was added"),
    ("contains-removed", Info, "`contains` was removed"),
    ("min-contains-increased", Err, "minContains was raised (or set)"),
    ("min-contains-decreased", Info, "minContains was lowered (or removed)"),
    ("max-contains-decreased", Err, "maxContains was lowered (or set)"),
    ("max-contains-increased", Info, "maxContains was raised (or removed)"),
    ("if-added", Err, "`if` was added"),
    ("if-removed", Info, "`if` was removed"),
    ("then-added", Err, "`then` was added"),
    ("then-removed", Info, "`then` was removed"),
    ("else-added", Err, "`else` was added"),
    ("else-removed", Info, "`else` was removed"),
    ("dependent-required-added", Err, "dependentRequired was added"),
    ("dependent-required-removed", Info, "dependentRequired was removed"),
    ("dependent-required-changed", Err, "dependentRequired changed"),
    ("dependent-schema-added", Err, "dependentSchemas was added"),
    ("dependent-schema-removed", Info, "dependentSchemas was removed"),
    ("pattern-property-added", Err, "patternProperties was added"),
    ("pattern-property-removed", Info, "patternProperties was removed"),
    ("prefix-items-added", Info, "prefixItems was added"),
    ("prefix-items-removed", Err, "prefixItems was removed"),
    ("property-names-added", Err, "propertyNames was added"),
    ("property-names-removed", Info, "propertyNames was removed"),
    ("unevaluated-items-added", Err, "unevaluatedItems was added"),
    ("unevaluated-items-removed", Info, "unevaluatedItems was removed"),
    ("unevaluated-properties-added", Err, "unevaluatedProperties was added"),
    (
        "unevaluated-properties-removed",
        Info,
        "unevaluatedProperties was removed",
    ),
    ("content-encoding-changed", Err, "contentEncoding changed"),
    ("content-media-type-changed", Err, "contentMediaType changed"),
    ("content-schema-added", Err, "contentSchema was added"),
    ("content-schema-removed", Info, "contentSchema was removed"),
    ("discriminator-mapping-added", Info, "a discriminator mapping was added"),
    (
        "discriminator-mapping-deleted",
        Info,
        "a discriminator mapping was removed",
    ),
    (
        "discriminator-mapping-changed",
        Info,
        "a discriminator mapping points elsewhere",
    ),
    (
        "all-of-added-annotation-only",
        Info,
        "an allOf member that only annotates (description, examples...) was added",
    ),
    (
        "all-of-removed-annotation-only",
        Info,
        "an allOf member that only annotates was removed",
    ),
];

/// Schema attribute rules for response schemas, suffixed to `response-body-` (the root schema)
/// or `response-property-` (below it).
pub const RESPONSE_SCHEMA: &[(&str, Level, &str)] = &[
    ("type-changed", Err, "the type or format changed"),
    (
        "type-generalized",
        Err,
        "the type was widened (e.g. integer to number): values the client cannot decode",
    ),
    (
        "type-specialized",
        Info,
        "the type was narrowed (e.g. number to integer)",
    ),
    ("became-nullable", Err, "the value may now be null"),
    ("became-not-nullable", Info, "the value is no longer null"),
    ("enum-value-added", Warn, "a new enum value may be returned"),
    ("enum-value-removed", Info, "an enum value is no longer returned"),
    (
        "enum-removed",
        Warn,
        "the enum restriction was lifted: any value may be returned",
    ),
    ("became-enum", Info, "values are now restricted to an enum"),
    ("const-added", Info, "the value is now fixed by `const`"),
    ("const-changed", Err, "the `const` value changed"),
    (
        "const-removed",
        Err,
        "the `const` restriction was lifted: other values may be returned",
    ),
    ("max-increased", Warn, "the maximum was raised (or removed)"),
    ("max-decreased", Info, "the maximum was lowered (or set)"),
    ("min-decreased", Warn, "the minimum was lowered (or removed)"),
    ("min-increased", Info, "the minimum was raised (or set)"),
    ("max-length-increased", Warn, "maxLength was raised"),
    ("max-length-unset", Warn, "maxLength was removed"),
    ("max-length-decreased", Info, "maxLength was lowered (or set)"),
    ("min-length-decreased", Warn, "minLength was lowered"),
    ("min-length-increased", Info, "minLength was raised"),
    ("max-items-increased", Warn, "maxItems was raised (or removed)"),
    ("max-items-decreased", Info, "maxItems was lowered (or set)"),
    ("min-items-decreased", Warn, "minItems was lowered"),
    ("min-items-unset", Warn, "minItems was removed"),
    ("min-items-increased", Info, "minItems was raised (or set)"),
    ("pattern-added", Info, "a pattern was added"),
    ("pattern-changed", Info, "the pattern changed"),
    ("pattern-removed", Info, "the pattern was removed"),
    ("default-value-added", Info, "a default value was added"),
    ("default-value-changed", Info, "the default value changed"),
    ("default-value-removed", Info, "the default value was removed"),
    (
        "one-of-added",
        Err,
        "a oneOf alternative was added: values the client cannot decode",
    ),
    ("one-of-removed", Info, "a oneOf alternative is no longer returned"),
    (
        "any-of-added",
        Warn,
        "an anyOf alternative was added: values the client may not decode",
    ),
    ("any-of-removed", Info, "an anyOf alternative is no longer returned"),
    (
        "additional-properties-removed",
        Info,
        "additionalProperties became false: no unknown properties are returned",
    ),
    (
        "additional-properties-added",
        Warn,
        "additionalProperties is no longer false: unknown properties may be returned",
    ),
    ("discriminator-added", Info, "a discriminator was added"),
    ("discriminator-removed", Info, "the discriminator was removed"),
    (
        "discriminator-property-name-changed",
        Info,
        "the discriminator's property name changed",
    ),
    (
        "x-extensible-enum-value-removed",
        Info,
        "an x-extensible-enum value is no longer returned",
    ),
    (
        "exclusive-max-increased",
        Warn,
        "the exclusive maximum was raised (or removed)",
    ),
    (
        "exclusive-max-decreased",
        Info,
        "the exclusive maximum was lowered (or set)",
    ),
    (
        "exclusive-min-decreased",
        Warn,
        "the exclusive minimum was lowered (or removed)",
    ),
    (
        "exclusive-min-increased",
        Info,
        "the exclusive minimum was raised (or set)",
    ),
    (
        "list-of-types-widened",
        Err,
        "a `type` list gained a type: values the client cannot decode",
    ),
    ("list-of-types-narrowed", Info, "a `type` list lost a type"),
    ("all-of-added", Info, "an allOf member was added"),
    ("all-of-removed", Info, "an allOf member was removed"),
    ("contains-added", Info, "`contains` was added"),
    ("contains-removed", Err, "`contains` was removed"),
    ("min-contains-increased", Info, "minContains was raised (or set)"),
    ("min-contains-decreased", Err, "minContains was lowered (or removed)"),
    ("max-contains-decreased", Info, "maxContains was lowered (or set)"),
    ("max-contains-increased", Err, "maxContains was raised (or removed)"),
    ("if-added", Info, "`if` was added"),
    ("if-removed", Err, "`if` was removed"),
    ("then-added", Info, "`then` was added"),
    ("then-removed", Err, "`then` was removed"),
    ("else-added", Info, "`else` was added"),
    ("else-removed", Err, "`else` was removed"),
    ("dependent-required-added", Info, "dependentRequired was added"),
    ("dependent-required-removed", Err, "dependentRequired was removed"),
    ("dependent-required-changed", Err, "dependentRequired changed"),
    ("dependent-schema-added", Info, "dependentSchemas was added"),
    ("dependent-schema-removed", Err, "dependentSchemas was removed"),
    ("pattern-property-added", Info, "patternProperties was added"),
    ("pattern-property-removed", Err, "patternProperties was removed"),
    ("prefix-items-added", Err, "prefixItems was added"),
    ("prefix-items-removed", Info, "prefixItems was removed"),
    ("property-names-added", Info, "propertyNames was added"),
    ("property-names-removed", Err, "propertyNames was removed"),
    ("unevaluated-items-added", Info, "unevaluatedItems was added"),
    ("unevaluated-items-removed", Err, "unevaluatedItems was removed"),
    ("unevaluated-properties-added", Info, "unevaluatedProperties was added"),
    (
        "unevaluated-properties-removed",
        Err,
        "unevaluatedProperties was removed",
    ),
    ("content-encoding-changed", Err, "contentEncoding changed"),
    ("content-media-type-changed", Err, "contentMediaType changed"),
    ("content-schema-added", Info, "contentSchema was added"),
    ("content-schema-removed", Err, "contentSchema was removed"),
    ("discriminator-mapping-added", Info, "a discriminator mapping was added"),
    (
        "discriminator-mapping-deleted",
        Info,
        "a discriminator mapping was removed",
    ),
    (
        "discriminator-mapping-changed",
        Info,
        "a discriminator mapping points elsewhere",
    ),
    (
        "all-of-added-annotation-only",
        Info,
        "an allOf member that only annotates (description, examples...) was added",
    ),
    (
        "all-of-removed-annotation-only",
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
        out.extend(REQUEST_SCHEMA.iter().map(|(a, _, s)| rule(format!("{prefix}-{a}"), s)));
    }
    for prefix in RESPONSE_PREFIXES {
        out.extend(RESPONSE_SCHEMA.iter().map(|(a, _, s)| rule(format!("{prefix}-{a}"), s)));
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
        .map(|p| (*p, REQUEST_SCHEMA))
        .chain(RESPONSE_PREFIXES.iter().map(|p| (*p, RESPONSE_SCHEMA)));
    for (prefix, table) in tables {
        let Some(attr) = id.strip_prefix(prefix).and_then(|r| r.strip_prefix('-')) else {
            continue;
        };
        if let Some((_, l, _)) = table.iter().find(|(a, _, _)| *a == attr) {
            return Some(*l);
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
