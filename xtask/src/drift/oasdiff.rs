//! oasdiff's rule list, for the table in `xtask/DRIFT.md` and the tests that keep it honest.
//!
//! [`ALL`] holds every rule id of oasdiff's checker registry (`checker/rules.go`, 509 rules) with
//! its default level, as published by oasdiff (ids and levels only). Every ERR and WARN rule is
//! either implemented here (same id; [`super::rules::level`] knows it), implemented with another
//! level ([`rules::DEVIATIONS`], with the reason), or listed in [`NOT_IMPLEMENTED`] with the reason; a
//! test fails when one is in none of these.

use super::level::Level::{self, Err, Info, Warn};
use super::rules;

/// Every oasdiff rule id with oasdiff's default level.
pub const ALL: &[(&str, Level)] = &[
    ("api-deprecated-sunset-missing", Err),
    ("api-deprecated-sunset-parse", Err),
    ("api-global-security-added", Info),
    ("api-global-security-removed", Info),
    ("api-global-security-scope-added", Info),
    ("api-global-security-scope-removed", Info),
    ("api-invalid-stability-level", Err),
    ("api-major-version-not-bumped", Info),
    ("api-operation-id-added", Info),
    ("api-operation-id-removed", Info),
    ("api-path-removed-before-sunset", Err),
    ("api-path-removed-with-deprecation", Info),
    ("api-path-removed-without-deprecation", Err),
    ("api-path-sunset-parse", Err),
    ("api-removed-before-sunset", Err),
    ("api-removed-with-deprecation", Info),
    ("api-removed-without-deprecation", Err),
    ("api-schema-removed", Info),
    ("api-security-added", Info),
    ("api-security-component-added", Info),
    ("api-security-component-oauth-scope-added", Info),
    ("api-security-component-oauth-scope-changed", Info),
    ("api-security-component-oauth-scope-removed", Info),
    ("api-security-component-oauth-token-url-changed", Info),
    ("api-security-component-oauth-url-changed", Info),
    ("api-security-component-removed", Info),
    ("api-security-component-type-changed", Info),
    ("api-security-removed", Info),
    ("api-security-scope-added", Info),
    ("api-security-scope-removed", Info),
    ("api-stability-decreased", Err),
    ("api-stability-increased", Info),
    ("api-sunset-date-changed-too-small", Err),
    ("api-sunset-date-too-small", Err),
    ("api-tag-added", Info),
    ("api-tag-removed", Info),
    ("api-version-decreased", Info),
    ("api-version-not-bumped", Info),
    ("endpoint-added", Info),
    ("endpoint-deprecated", Info),
    ("endpoint-deprecated-with-sunset", Info),
    ("endpoint-reactivated", Info),
    ("new-optional-request-default-parameter-to-existing-path", Info),
    ("new-optional-request-parameter", Info),
    ("new-optional-request-property", Info),
    ("new-request-path-parameter", Err),
    ("new-required-request-default-parameter-to-existing-path", Err),
    ("new-required-request-header-property", Err),
    ("new-required-request-parameter", Err),
    ("new-required-request-property", Err),
    ("new-required-request-property-with-default", Err),
    ("optional-response-header-removed", Warn),
    ("request-body-added-optional", Info),
    ("request-body-added-required", Err),
    ("request-body-all-of-added", Err),
    ("request-body-all-of-added-annotation-only", Info),
    ("request-body-all-of-removed", Warn),
    ("request-body-all-of-removed-annotation-only", Info),
    ("request-body-any-of-added", Info),
    ("request-body-any-of-removed", Err),
    ("request-body-became-enum", Err),
    ("request-body-became-not-nullable", Err),
    ("request-body-became-nullable", Info),
    ("request-body-became-optional", Info),
    ("request-body-became-required", Err),
    ("request-body-const-added", Err),
    ("request-body-const-changed", Err),
    ("request-body-const-removed", Info),
    ("request-body-contains-added", Err),
    ("request-body-contains-removed", Info),
    ("request-body-content-encoding-changed", Err),
    ("request-body-content-media-type-changed", Err),
    ("request-body-content-schema-added", Err),
    ("request-body-content-schema-removed", Info),
    ("request-body-default-value-added", Info),
    ("request-body-default-value-changed", Info),
    ("request-body-default-value-removed", Info),
    ("request-body-dependent-required-added", Err),
    ("request-body-dependent-required-changed", Err),
    ("request-body-dependent-required-removed", Info),
    ("request-body-dependent-schema-added", Err),
    ("request-body-dependent-schema-removed", Info),
    ("request-body-discriminator-added", Info),
    ("request-body-discriminator-mapping-added", Info),
    ("request-body-discriminator-mapping-changed", Info),
    ("request-body-discriminator-mapping-deleted", Info),
    ("request-body-discriminator-property-name-changed", Info),
    ("request-body-discriminator-removed", Info),
    ("request-body-else-added", Err),
    ("request-body-else-removed", Info),
    ("request-body-enum-value-removed", Err),
    ("request-body-exclusive-max-decreased", Err),
    ("request-body-exclusive-max-increased", Info),
    ("request-body-exclusive-max-set", Warn),
    ("request-body-exclusive-min-decreased", Info),
    ("request-body-exclusive-min-increased", Err),
    ("request-body-exclusive-min-set", Warn),
    ("request-body-if-added", Err),
    ("request-body-if-removed", Info),
    ("request-body-list-of-types-narrowed", Err),
    ("request-body-list-of-types-widened", Info),
    ("request-body-max-contains-decreased", Err),
    ("request-body-max-contains-increased", Info),
    ("request-body-max-decreased", Err),
    ("request-body-max-increased", Info),
    ("request-body-max-length-decreased", Err),
    ("request-body-max-length-increased", Info),
    ("request-body-max-length-set", Warn),
    ("request-body-max-set", Warn),
    ("request-body-media-type-added", Info),
    ("request-body-media-type-removed", Err),
    ("request-body-media-type-schema-added", Err),
    ("request-body-media-type-schema-removed", Info),
    ("request-body-min-contains-decreased", Info),
    ("request-body-min-contains-increased", Err),
    ("request-body-min-decreased", Info),
    ("request-body-min-increased", Err),
    ("request-body-min-items-increased", Err),
    ("request-body-min-items-set", Warn),
    ("request-body-min-length-decreased", Info),
    ("request-body-min-length-increased", Err),
    ("request-body-min-set", Warn),
    ("request-body-one-of-added", Info),
    ("request-body-one-of-removed", Err),
    ("request-body-pattern-property-added", Err),
    ("request-body-pattern-property-removed", Info),
    ("request-body-prefix-items-added", Info),
    ("request-body-prefix-items-removed", Err),
    ("request-body-property-names-added", Err),
    ("request-body-property-names-removed", Info),
    ("request-body-removed", Err),
    ("request-body-then-added", Err),
    ("request-body-then-removed", Info),
    ("request-body-type-changed", Err),
    ("request-body-type-compatible", Info),
    ("request-body-type-generalized", Info),
    ("request-body-unevaluated-items-added", Err),
    ("request-body-unevaluated-items-removed", Info),
    ("request-body-unevaluated-properties-added", Err),
    ("request-body-unevaluated-properties-removed", Info),
    ("request-body-wrapped-in-one-of", Err),
    ("request-header-property-became-enum", Err),
    ("request-header-property-became-required", Err),
    ("request-optional-property-became-not-read-only", Info),
    ("request-optional-property-became-not-write-only", Info),
    ("request-optional-property-became-read-only", Info),
    ("request-optional-property-became-write-only", Info),
    ("request-parameter-became-enum", Err),
    ("request-parameter-became-not-nullable", Err),
    ("request-parameter-became-nullable", Info),
    ("request-parameter-became-optional", Info),
    ("request-parameter-became-required", Err),
    ("request-parameter-default-value-added", Err),
    ("request-parameter-default-value-changed", Err),
    ("request-parameter-default-value-removed", Err),
    ("request-parameter-deprecated", Info),
    ("request-parameter-deprecated-sunset-missing", Err),
    ("request-parameter-enum-value-added", Info),
    ("request-parameter-enum-value-removed", Err),
    ("request-parameter-exclusive-max-decreased", Err),
    ("request-parameter-exclusive-max-increased", Info),
    ("request-parameter-exclusive-max-set", Warn),
    ("request-parameter-exclusive-min-decreased", Info),
    ("request-parameter-exclusive-min-increased", Err),
    ("request-parameter-exclusive-min-set", Warn),
    ("request-parameter-list-of-types-narrowed", Err),
    ("request-parameter-list-of-types-widened", Info),
    ("request-parameter-max-decreased", Err),
    ("request-parameter-max-increased", Info),
    ("request-parameter-max-items-decreased", Err),
    ("request-parameter-max-items-increased", Info),
    ("request-parameter-max-length-decreased", Err),
    ("request-parameter-max-length-increased", Info),
    ("request-parameter-max-length-set", Warn),
    ("request-parameter-max-set", Warn),
    ("request-parameter-min-decreased", Info),
    ("request-parameter-min-increased", Err),
    ("request-parameter-min-items-decreased", Info),
    ("request-parameter-min-items-increased", Err),
    ("request-parameter-min-items-set", Warn),
    ("request-parameter-min-length-decreased", Info),
    ("request-parameter-min-length-increased", Err),
    ("request-parameter-min-set", Warn),
    ("request-parameter-pattern-added", Err),
    ("request-parameter-pattern-changed", Warn),
    ("request-parameter-pattern-generalized", Info),
    ("request-parameter-pattern-removed", Info),
    ("request-parameter-property-became-not-nullable", Err),
    ("request-parameter-property-became-nullable", Info),
    ("request-parameter-property-enum-value-added", Info),
    ("request-parameter-property-enum-value-removed", Err),
    ("request-parameter-property-list-of-types-narrowed", Err),
    ("request-parameter-property-list-of-types-widened", Info),
    ("request-parameter-property-type-changed", Warn),
    ("request-parameter-property-type-generalized", Info),
    ("request-parameter-property-type-specialized", Err),
    ("request-parameter-reactivated", Info),
    ("request-parameter-removed", Warn),
    ("request-parameter-removed-before-sunset", Err),
    ("request-parameter-removed-with-deprecation", Info),
    ("request-parameter-sunset-date-changed-too-small", Err),
    ("request-parameter-sunset-date-too-small", Err),
    ("request-parameter-sunset-deleted", Err),
    ("request-parameter-sunset-parse", Err),
    ("request-parameter-type-changed", Err),
    ("request-parameter-type-generalized", Info),
    ("request-parameter-x-extensible-enum-value-removed", Err),
    ("request-property-all-of-added", Err),
    ("request-property-all-of-added-annotation-only", Info),
    ("request-property-all-of-removed", Warn),
    ("request-property-all-of-removed-annotation-only", Info),
    ("request-property-any-of-added", Info),
    ("request-property-any-of-removed", Err),
    ("request-property-became-enum", Err),
    ("request-property-became-not-nullable", Err),
    ("request-property-became-nullable", Info),
    ("request-property-became-optional", Info),
    ("request-property-became-required", Err),
    ("request-property-became-required-with-default", Err),
    ("request-property-const-added", Err),
    ("request-property-const-changed", Err),
    ("request-property-const-removed", Info),
    ("request-property-contains-added", Err),
    ("request-property-contains-removed", Info),
    ("request-property-content-encoding-changed", Err),
    ("request-property-content-media-type-changed", Err),
    ("request-property-content-schema-added", Err),
    ("request-property-content-schema-removed", Info),
    ("request-property-default-value-added", Info),
    ("request-property-default-value-changed", Info),
    ("request-property-default-value-removed", Info),
    ("request-property-dependent-required-added", Err),
    ("request-property-dependent-required-changed", Err),
    ("request-property-dependent-required-removed", Info),
    ("request-property-dependent-schema-added", Err),
    ("request-property-dependent-schema-removed", Info),
    ("request-property-deprecated", Info),
    ("request-property-deprecated-sunset-invalid", Err),
    ("request-property-deprecated-sunset-missing", Err),
    ("request-property-deprecated-with-sunset", Info),
    ("request-property-discriminator-added", Info),
    ("request-property-discriminator-mapping-added", Info),
    ("request-property-discriminator-mapping-changed", Info),
    ("request-property-discriminator-mapping-deleted", Info),
    ("request-property-discriminator-property-name-changed", Info),
    ("request-property-discriminator-removed", Info),
    ("request-property-else-added", Err),
    ("request-property-else-removed", Info),
    ("request-property-enum-value-added", Info),
    ("request-property-enum-value-removed", Err),
    ("request-property-exclusive-max-decreased", Err),
    ("request-property-exclusive-max-increased", Info),
    ("request-property-exclusive-max-set", Warn),
    ("request-property-exclusive-min-decreased", Info),
    ("request-property-exclusive-min-increased", Err),
    ("request-property-exclusive-min-set", Warn),
    ("request-property-if-added", Err),
    ("request-property-if-removed", Info),
    ("request-property-list-of-types-narrowed", Err),
    ("request-property-list-of-types-widened", Info),
    ("request-property-max-contains-decreased", Err),
    ("request-property-max-contains-increased", Info),
    ("request-property-max-decreased", Err),
    ("request-property-max-increased", Info),
    ("request-property-max-length-decreased", Err),
    ("request-property-max-length-increased", Info),
    ("request-property-max-length-set", Warn),
    ("request-property-max-set", Warn),
    ("request-property-min-contains-decreased", Info),
    ("request-property-min-contains-increased", Err),
    ("request-property-min-decreased", Info),
    ("request-property-min-increased", Err),
    ("request-property-min-items-increased", Err),
    ("request-property-min-items-set", Warn),
    ("request-property-min-length-decreased", Info),
    ("request-property-min-length-increased", Err),
    ("request-property-min-set", Warn),
    ("request-property-one-of-added", Info),
    ("request-property-one-of-removed", Err),
    ("request-property-pattern-added", Err),
    ("request-property-pattern-changed", Warn),
    ("request-property-pattern-generalized", Info),
    ("request-property-pattern-property-added", Err),
    ("request-property-pattern-property-removed", Info),
    ("request-property-pattern-removed", Info),
    ("request-property-prefix-items-added", Info),
    ("request-property-prefix-items-removed", Err),
    ("request-property-property-names-added", Err),
    ("request-property-property-names-removed", Info),
    ("request-property-reactivated", Info),
    ("request-property-removed", Warn),
    ("request-property-stability-decreased", Err),
    ("request-property-stability-increased", Info),
    ("request-property-sunset-date-too-small", Err),
    ("request-property-then-added", Err),
    ("request-property-then-removed", Info),
    ("request-property-type-changed", Err),
    ("request-property-type-compatible", Info),
    ("request-property-type-generalized", Info),
    ("request-property-unevaluated-items-added", Err),
    ("request-property-unevaluated-items-removed", Info),
    ("request-property-unevaluated-properties-added", Err),
    ("request-property-unevaluated-properties-removed", Info),
    ("request-property-x-extensible-enum-value-removed", Err),
    ("request-read-only-property-enum-value-removed", Info),
    ("request-read-only-property-exclusive-max-decreased", Info),
    ("request-read-only-property-exclusive-min-increased", Info),
    ("request-read-only-property-max-decreased", Info),
    ("request-read-only-property-max-length-decreased", Info),
    ("request-read-only-property-min-increased", Info),
    ("request-required-property-became-not-read-only", Info),
    ("request-required-property-became-not-write-only", Info),
    ("request-required-property-became-read-only", Info),
    ("request-required-property-became-write-only", Info),
    ("required-response-header-removed", Err),
    ("response-body-all-of-added", Info),
    ("response-body-all-of-added-annotation-only", Info),
    ("response-body-all-of-removed", Info),
    ("response-body-all-of-removed-annotation-only", Info),
    ("response-body-any-of-added", Info),
    ("response-body-any-of-removed", Info),
    ("response-body-became-not-nullable", Info),
    ("response-body-became-nullable", Err),
    ("response-body-const-added", Info),
    ("response-body-const-changed", Err),
    ("response-body-const-removed", Err),
    ("response-body-contains-added", Info),
    ("response-body-contains-removed", Err),
    ("response-body-content-encoding-changed", Err),
    ("response-body-content-media-type-changed", Err),
    ("response-body-content-schema-added", Info),
    ("response-body-content-schema-removed", Err),
    ("response-body-default-value-added", Info),
    ("response-body-default-value-changed", Info),
    ("response-body-default-value-removed", Info),
    ("response-body-dependent-required-added", Info),
    ("response-body-dependent-required-changed", Err),
    ("response-body-dependent-required-removed", Err),
    ("response-body-dependent-schema-added", Info),
    ("response-body-dependent-schema-removed", Err),
    ("response-body-discriminator-added", Info),
    ("response-body-discriminator-mapping-added", Info),
    ("response-body-discriminator-mapping-changed", Info),
    ("response-body-discriminator-mapping-deleted", Info),
    ("response-body-discriminator-property-name-changed", Info),
    ("response-body-discriminator-removed", Info),
    ("response-body-else-added", Info),
    ("response-body-else-removed", Err),
    ("response-body-exclusive-max-increased", Err),
    ("response-body-exclusive-min-decreased", Err),
    ("response-body-if-added", Info),
    ("response-body-if-removed", Err),
    ("response-body-list-of-types-narrowed", Info),
    ("response-body-list-of-types-widened", Err),
    ("response-body-max-contains-decreased", Info),
    ("response-body-max-contains-increased", Err),
    ("response-body-max-increased", Err),
    ("response-body-max-length-increased", Err),
    ("response-body-max-length-unset", Err),
    ("response-body-media-type-schema-added", Info),
    ("response-body-media-type-schema-removed", Warn),
    ("response-body-min-contains-decreased", Err),
    ("response-body-min-contains-increased", Info),
    ("response-body-min-decreased", Err),
    ("response-body-min-items-decreased", Err),
    ("response-body-min-items-unset", Err),
    ("response-body-min-length-decreased", Err),
    ("response-body-one-of-added", Err),
    ("response-body-one-of-removed", Info),
    ("response-body-pattern-property-added", Info),
    ("response-body-pattern-property-removed", Err),
    ("response-body-prefix-items-added", Err),
    ("response-body-prefix-items-removed", Info),
    ("response-body-property-names-added", Info),
    ("response-body-property-names-removed", Err),
    ("response-body-then-added", Info),
    ("response-body-then-removed", Err),
    ("response-body-type-changed", Err),
    ("response-body-type-compatible", Info),
    ("response-body-type-generalized", Err),
    ("response-body-type-specialized", Info),
    ("response-body-unevaluated-items-added", Info),
    ("response-body-unevaluated-items-removed", Err),
    ("response-body-unevaluated-properties-added", Info),
    ("response-body-unevaluated-properties-removed", Err),
    ("response-body-wrapped-in-one-of", Err),
    ("response-header-added", Info),
    ("response-header-became-not-nullable", Info),
    ("response-header-became-nullable", Err),
    ("response-header-became-optional", Err),
    ("response-header-type-changed", Err),
    ("response-header-type-compatible", Info),
    ("response-header-type-generalized", Err),
    ("response-header-type-specialized", Info),
    ("response-media-type-added", Info),
    ("response-media-type-name-changed", Info),
    ("response-media-type-name-generalized", Err),
    ("response-media-type-name-specialized", Info),
    ("response-media-type-removed", Err),
    ("response-mediatype-enum-value-removed", Info),
    ("response-non-success-status-added", Info),
    ("response-non-success-status-removed", Info),
    ("response-optional-property-added", Info),
    ("response-optional-property-became-not-read-only", Info),
    ("response-optional-property-became-not-write-only", Info),
    ("response-optional-property-became-read-only", Info),
    ("response-optional-property-became-write-only", Info),
    ("response-optional-property-removed", Warn),
    ("response-optional-write-only-property-added", Info),
    ("response-optional-write-only-property-removed", Info),
    ("response-property-all-of-added", Info),
    ("response-property-all-of-added-annotation-only", Info),
    ("response-property-all-of-removed", Info),
    ("response-property-all-of-removed-annotation-only", Info),
    ("response-property-any-of-added", Info),
    ("response-property-any-of-removed", Info),
    ("response-property-became-not-nullable", Info),
    ("response-property-became-nullable", Err),
    ("response-property-became-optional", Err),
    ("response-property-became-required", Info),
    ("response-property-const-added", Info),
    ("response-property-const-changed", Err),
    ("response-property-const-removed", Err),
    ("response-property-contains-added", Info),
    ("response-property-contains-removed", Err),
    ("response-property-content-encoding-changed", Err),
    ("response-property-content-media-type-changed", Err),
    ("response-property-content-schema-added", Info),
    ("response-property-content-schema-removed", Err),
    ("response-property-default-value-added", Info),
    ("response-property-default-value-changed", Info),
    ("response-property-default-value-removed", Info),
    ("response-property-dependent-required-added", Info),
    ("response-property-dependent-required-changed", Err),
    ("response-property-dependent-required-removed", Err),
    ("response-property-dependent-schema-added", Info),
    ("response-property-dependent-schema-removed", Err),
    ("response-property-deprecated", Info),
    ("response-property-deprecated-sunset-invalid", Err),
    ("response-property-deprecated-sunset-missing", Err),
    ("response-property-deprecated-with-sunset", Info),
    ("response-property-discriminator-added", Info),
    ("response-property-discriminator-mapping-added", Info),
    ("response-property-discriminator-mapping-changed", Info),
    ("response-property-discriminator-mapping-deleted", Info),
    ("response-property-discriminator-property-name-changed", Info),
    ("response-property-discriminator-removed", Info),
    ("response-property-else-added", Info),
    ("response-property-else-removed", Err),
    ("response-property-enum-value-added", Warn),
    ("response-property-enum-value-removed", Info),
    ("response-property-exclusive-max-increased", Err),
    ("response-property-exclusive-min-decreased", Err),
    ("response-property-if-added", Info),
    ("response-property-if-removed", Err),
    ("response-property-list-of-types-narrowed", Info),
    ("response-property-list-of-types-widened", Err),
    ("response-property-max-contains-decreased", Info),
    ("response-property-max-contains-increased", Err),
    ("response-property-max-increased", Err),
    ("response-property-max-length-increased", Err),
    ("response-property-max-length-unset", Err),
    ("response-property-min-contains-decreased", Err),
    ("response-property-min-contains-increased", Info),
    ("response-property-min-decreased", Err),
    ("response-property-min-items-decreased", Err),
    ("response-property-min-items-unset", Err),
    ("response-property-min-length-decreased", Err),
    ("response-property-one-of-added", Err),
    ("response-property-one-of-removed", Info),
    ("response-property-pattern-added", Info),
    ("response-property-pattern-changed", Info),
    ("response-property-pattern-property-added", Info),
    ("response-property-pattern-property-removed", Err),
    ("response-property-pattern-removed", Info),
    ("response-property-prefix-items-added", Err),
    ("response-property-prefix-items-removed", Info),
    ("response-property-property-names-added", Info),
    ("response-property-property-names-removed", Err),
    ("response-property-reactivated", Info),
    ("response-property-stability-decreased", Err),
    ("response-property-stability-increased", Info),
    ("response-property-sunset-date-too-small", Err),
    ("response-property-then-added", Info),
    ("response-property-then-removed", Err),
    ("response-property-type-changed", Err),
    ("response-property-type-compatible", Info),
    ("response-property-type-generalized", Err),
    ("response-property-type-specialized", Info),
    ("response-property-unevaluated-items-added", Info),
    ("response-property-unevaluated-items-removed", Err),
    ("response-property-unevaluated-properties-added", Info),
    ("response-property-unevaluated-properties-removed", Err),
    ("response-required-property-added", Info),
    ("response-required-property-became-not-read-only", Info),
    ("response-required-property-became-not-write-only", Warn),
    ("response-required-property-became-read-only", Info),
    ("response-required-property-became-write-only", Info),
    ("response-required-property-removed", Err),
    ("response-required-write-only-property-added", Info),
    ("response-required-write-only-property-removed", Info),
    ("response-success-status-added", Info),
    ("response-success-status-removed", Err),
    ("response-write-only-property-became-optional", Info),
    ("response-write-only-property-became-required", Info),
    ("response-write-only-property-enum-value-added", Info),
    ("sunset-deleted", Err),
    ("webhook-added", Info),
    ("webhook-removed", Err),
];

/// oasdiff ERR/WARN rules not implemented: (id, applicable to OpenAPI 3.x documents like ours,
/// why not / what happens instead).
pub const NOT_IMPLEMENTED: &[(&str, bool, &str)] = &[
    ("api-deprecated-sunset-missing", false, SUNSET),
    ("api-deprecated-sunset-parse", false, SUNSET),
    ("api-invalid-stability-level", false, SUNSET),
    ("api-path-removed-before-sunset", false, SUNSET),
    ("api-path-sunset-parse", false, SUNSET),
    ("api-removed-before-sunset", false, SUNSET),
    ("api-stability-decreased", false, SUNSET),
    ("api-sunset-date-changed-too-small", false, SUNSET),
    ("api-sunset-date-too-small", false, SUNSET),
    ("request-parameter-deprecated-sunset-missing", false, SUNSET),
    ("request-parameter-removed-before-sunset", false, SUNSET),
    ("request-parameter-sunset-date-changed-too-small", false, SUNSET),
    ("request-parameter-sunset-date-too-small", false, SUNSET),
    ("request-parameter-sunset-deleted", false, SUNSET),
    ("request-parameter-sunset-parse", false, SUNSET),
    ("request-property-deprecated-sunset-invalid", false, SUNSET),
    ("request-property-deprecated-sunset-missing", false, SUNSET),
    ("request-property-stability-decreased", false, SUNSET),
    ("request-property-sunset-date-too-small", false, SUNSET),
    ("response-property-deprecated-sunset-invalid", false, SUNSET),
    ("response-property-deprecated-sunset-missing", false, SUNSET),
    ("response-property-stability-decreased", false, SUNSET),
    ("response-property-sunset-date-too-small", false, SUNSET),
    ("sunset-deleted", false, SUNSET),
];

/// Why oasdiff's sunset and stability rules do not apply.
const SUNSET: &str =
    "oasdiff's own x-sunset / x-stability-level extensions and deprecation-period policy; neither vendor uses them";

/// Our status of an oasdiff rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Same id, same level.
    Implemented,
    /// Same id, another level, for this reason.
    Deviation(&'static str),
    /// Not implemented, for this reason; `true` when it could apply to our documents.
    NotImplemented(bool, &'static str),
    /// In none of the lists (a test fails).
    Unknown,
}

/// Our status of oasdiff rule `id` whose oasdiff level is `level`.
pub fn status(id: &str, level: Level) -> Status {
    if let Some(ours) = rules::level(id) {
        if ours == level {
            return Status::Implemented;
        }
        return rules::deviation(id).map_or(Status::Unknown, Status::Deviation);
    }
    NOT_IMPLEMENTED
        .iter()
        .find(|(i, _, _)| *i == id)
        .map_or(Status::Unknown, |(_, applicable, why)| {
            Status::NotImplemented(*applicable, why)
        })
}

/// oasdiff's level of a rule id, if oasdiff has the rule.
pub fn oasdiff_level(id: &str) -> Option<Level> {
    ALL.iter().find(|(i, _)| *i == id).map(|(_, l)| *l)
}

/// The markdown table of every oasdiff ERR/WARN rule with our status (generated into DRIFT.md).
pub fn err_warn_table() -> String {
    let mut out = String::from("| oasdiff rule id | oasdiff | ours | status |\n|---|---|---|---|\n");
    let mut counts = [0usize; 3];
    for (id, level) in ALL.iter().filter(|(_, l)| *l != Info) {
        let ours = rules::level(id).map_or("-".to_owned(), |l| l.to_string());
        let status = match status(id, *level) {
            Status::Implemented => {
                counts[0] += 1;
                "implemented".to_owned()
            }
            Status::Deviation(why) => {
                counts[1] += 1;
                format!("deviation: {why}")
            }
            Status::NotImplemented(true, why) => {
                counts[2] += 1;
                format!("not yet: {why}")
            }
            Status::NotImplemented(false, why) => {
                counts[2] += 1;
                format!("not applicable: {why}")
            }
            Status::Unknown => "UNKNOWN".to_owned(),
        };
        out.push_str(&format!("| `{id}` | {level} | {ours} | {status} |\n"));
    }
    format!(
        "{} implemented at oasdiff's level, {} implemented with another level, {} not implemented, of {} ERR/WARN rules.\n\n{out}",
        counts[0],
        counts[1],
        counts[2],
        counts.iter().sum::<usize>()
    )
}

/// The markdown table of every level deviation, oasdiff INFO rules included (generated into DRIFT.md).
pub fn deviation_table() -> String {
    let mut out = String::from("| Rule id | oasdiff | ours | why |\n|---|---|---|---|\n");
    for (id, why) in rules::DEVIATIONS {
        let level = oasdiff_level(id).map_or("-".to_owned(), |l| l.to_string());
        let ours = rules::level(id).map_or("-".to_owned(), |l| l.to_string());
        out.push_str(&format!("| `{id}` | {level} | {ours} | {why} |\n"));
    }
    out
}

/// The markdown table of every rule of ours, with oasdiff's level beside it (generated into
/// `xtask/DRIFT.md`). It lives here, beside oasdiff's list, so that the rules need not know it.
pub fn rules_markdown() -> String {
    let mut out = String::from("| Rule id | Level | oasdiff | Meaning |\n|---|---|---|---|\n");
    for rule in rules::all() {
        let oasdiff = match oasdiff_level(&rule.id) {
            Some(l) if l == rule.level => "same".to_owned(),
            Some(l) => format!("{l} there"),
            None => "ours".to_owned(),
        };
        out.push_str(&format!(
            "| `{}` | {} | {oasdiff} | {} |\n",
            rule.id, rule.level, rule.summary
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_err_warn_rule_has_a_status_and_every_deviation_is_real() {
        let unknown: Vec<&str> = ALL
            .iter()
            .filter(|(_, l)| *l != Info)
            .filter(|(id, l)| status(id, *l) == Status::Unknown)
            .map(|(id, _)| *id)
            .collect();
        assert!(
            unknown.is_empty(),
            "oasdiff ERR/WARN rules without a status: {unknown:?}"
        );
        for (id, _) in rules::DEVIATIONS {
            let oasdiff = oasdiff_level(id);
            assert!(oasdiff.is_some(), "{id}: not an oasdiff rule");
            let ours = rules::level(id);
            assert!(ours.is_some() && ours != oasdiff, "{id}: not a deviation ({ours:?})");
        }
        for (id, _, _) in NOT_IMPLEMENTED {
            assert_eq!(
                rules::level(id),
                None,
                "{id} is implemented: drop it from NOT_IMPLEMENTED"
            );
        }
        // Every rule of ours that has an oasdiff id either has oasdiff's level or is a deviation.
        for rule in rules::all() {
            if let Some(level) = oasdiff_level(&rule.id) {
                assert!(
                    level == rule.level || rules::deviation(&rule.id).is_some(),
                    "{} is {} here and {level} in oasdiff: say why in rules::DEVIATIONS",
                    rule.id,
                    rule.level
                );
            }
        }
    }
}
