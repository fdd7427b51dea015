//! Where the vendored documents come from upstream, for the `drift` and `vendor` commands: reading
//! a path or URL into a document ([`fetch`]). Each document's upstream address is recorded beside
//! it in `specs/<vendor>/vendor.toml` ([`crate::vendors`]).

pub mod fetch;
