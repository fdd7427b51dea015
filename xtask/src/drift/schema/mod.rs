//! Comparing two JSON Schemas (OpenAPI 3.1 dialect, 3.0 `nullable` understood) in one direction.
//!
//! A schema is first flattened into a view (`view`): `$ref`s followed (siblings kept, as 3.1
//! allows), `allOf` merged, a `oneOf`/`anyOf` whose only other alternative is `null` read as
//! nullability, `type: [X, 'null']` split into the type `X` and nullability. Two views are then
//! compared (`compare`) attribute by attribute (`attributes`); properties, items and
//! alternatives recurse. Descriptions, titles and examples are never looked at, so editing them
//! reports nothing. `site` names and reports what is found where the schemas sit.
//!
//! This file only names the modules and re-exports what the differ uses.

mod attributes;
mod compare;
mod keywords;
mod site;
mod view;

pub use compare::{SchemaDiff, shape, widens};
pub use site::{Direction, Site};
