//! The rules whose id is fixed (not built from a prefix and a schema attribute).

use crate::drift::level::Level::{self, Err, Info, Warn};

/// Rules about documents, operations, parameters, bodies, responses, headers, security, servers,
/// properties and the overlay. Ids are oasdiff's where oasdiff has the rule (`x-` ids are ours);
/// a level that differs from oasdiff's says why in [`super::DEVIATIONS`] (a test asks for it).
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
        "request-parameter-renamed",
        Info,
        "a path parameter was renamed in place (`/a/{id}` to `/a/{entityId}`): clients fill it by position",
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
