//! The spec pipeline, one stage per file, used alike by `codegen`, `drift` and `vendor`:
//!
//! [`load`] (YAML/JSON into ordered JSON) → [`merge`] (a vendor's documents into one) →
//! [`operation_ids`] (a derived name for operations without one) → [`overlay`] (our documented
//! patches) → [`normalize`] (OpenAPI 3.1 to 3.0.3) → [`hoist`] (shared inline schemas into named
//! components). [`refs`] is the one `$ref` resolver and the one list of HTTP methods; [`schemas`]
//! knows where schemas sit in a document; [`note`] is what a stage left out without refusing.

pub mod hoist;
pub mod load;
pub mod merge;
pub mod normalize;
pub mod note;
pub mod operation_ids;
pub mod overlay;
pub mod refs;
pub mod schemas;
