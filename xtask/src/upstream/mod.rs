//! Where the vendored documents come from upstream, for the `drift` and `vendor` commands: each
//! vendor's `sources.toml` ([`sources`]) and reading a path or URL into a document ([`fetch`]).

pub mod fetch;
pub mod sources;
