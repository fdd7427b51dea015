//! The JSON Schema 2020-12 keywords OpenAPI 3.1 allows that are compared by presence and value,
//! and how each one's change is named.

/// How a JSON Schema keyword's change is named.
#[derive(Debug, Clone, Copy)]
pub(super) enum Keyword {
    /// `-added` / `-removed`; a changed value of a kept keyword is compared by the recursion or not at all.
    Presence,
    /// `-added` / `-removed` / `-changed`.
    PresenceOrChanged,
    /// Any difference is `-changed`.
    Changed,
    /// A count: `-increased` / `-decreased`.
    Count { is_max: bool },
}

/// The keywords a view collects and the attribute comparison compares: JSON key, id part, how.
pub(super) const KEYWORDS: [(&str, &str, Keyword); 16] = [
    ("contains", "contains", Keyword::Presence),
    ("minContains", "min-contains", Keyword::Count { is_max: false }),
    ("maxContains", "max-contains", Keyword::Count { is_max: true }),
    ("if", "if", Keyword::Presence),
    ("then", "then", Keyword::Presence),
    ("else", "else", Keyword::Presence),
    ("dependentRequired", "dependent-required", Keyword::PresenceOrChanged),
    ("dependentSchemas", "dependent-schema", Keyword::Presence),
    ("patternProperties", "pattern-property", Keyword::Presence),
    ("prefixItems", "prefix-items", Keyword::Presence),
    ("propertyNames", "property-names", Keyword::Presence),
    ("unevaluatedItems", "unevaluated-items", Keyword::Presence),
    ("unevaluatedProperties", "unevaluated-properties", Keyword::Presence),
    ("contentEncoding", "content-encoding", Keyword::Changed),
    ("contentMediaType", "content-media-type", Keyword::Changed),
    ("contentSchema", "content-schema", Keyword::Presence),
];
