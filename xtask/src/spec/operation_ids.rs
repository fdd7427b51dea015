//! Operations without an `operationId` get one derived from their method and path, so progenitor
//! (which names every client method after it) can generate them, and the name is predictable.
//!
//! The rule: the method, then each path segment in lower snake case, a `{parameter}` segment as
//! `by_<parameter>`, all joined by `_`; the root path is `root`. `get /streams/{id}` is
//! `get_streams_by_id`, `post /v1/Users.list` is `post_v1_users_list`, `get /` is `get_root`.
//!
//! It runs after the merge and before the overlay, so an overlay sees the derived names and can
//! replace one. Two operations whose names are the same once progenitor snake-cases them are an
//! error naming both pointers, derived or not. A vendor may opt out ([`OperationIds::Require`]):
//! then an operation without an `operationId` is an error.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::error::{Error, Result, join};
use crate::spec::note::Note;
use crate::spec::refs;

/// What to do with an operation that has no `operationId`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OperationIds {
    /// Derive one from method and path (with a note naming it).
    Derive,
    /// Refuse the document: every operation must name itself.
    Require,
}

/// Give every operation of `doc` an `operationId` (or refuse, per `policy`) and check that no
/// two operations share a client method name.
pub fn assign(doc: &mut Value, policy: OperationIds) -> Result<Vec<Note>> {
    let missing: Vec<(String, String)> = refs::all_operations(doc)
        .filter(|o| o.op.get("operationId").is_none())
        .map(|o| (o.pointer(), derive(o.method, o.path)))
        .collect();
    let mut notes = Vec::new();
    for (pointer, name) in missing {
        if policy == OperationIds::Require {
            return Err(Error::at(
                pointer,
                "operation has no `operationId`, and this vendor requires one",
            ));
        }
        if let Some(Value::Object(op)) = doc.pointer_mut(&pointer) {
            op.insert("operationId".into(), Value::String(name.clone()));
        }
        notes.push(Note::info(
            join(&pointer, "operationId"),
            format!("no `operationId`: derived `{name}` from method and path"),
        ));
    }
    unique(doc)?;
    Ok(notes)
}

/// The derived name of the operation `method path` (see the module documentation).
pub fn derive(method: &str, path: &str) -> String {
    let mut parts = vec![method.to_ascii_lowercase()];
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        let part = match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(param) => format!("by_{}", snake(param)),
            None => snake(segment),
        };
        if !part.is_empty() {
            parts.push(part);
        }
    }
    if parts.len() == 1 {
        parts.push("root".into());
    }
    parts.join("_")
}

/// Lower snake case, the way progenitor names client methods: a word break before an upper-case
/// letter that follows a lower-case one or a digit, and at anything not alphanumeric.
fn snake(text: &str) -> String {
    let mut out = String::new();
    let mut previous_lower = false;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if c.is_uppercase() && previous_lower && !out.ends_with('_') {
                out.push('_');
            }
            out.extend(c.to_lowercase());
            previous_lower = c.is_lowercase() || c.is_ascii_digit();
        } else {
            if !out.is_empty() && !out.ends_with('_') {
                out.push('_');
            }
            previous_lower = false;
        }
    }
    out.trim_end_matches('_').to_owned()
}

/// No two operations may become the same client method.
fn unique(doc: &Value) -> Result<()> {
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    for op in refs::all_operations(doc) {
        let Some(id) = op.op.get("operationId") else {
            continue;
        };
        let pointer = join(&op.pointer(), "operationId");
        let Some(id) = id.as_str() else {
            return Err(Error::at(pointer, "`operationId` must be a string"));
        };
        if let Some(first) = seen.insert(snake(id), pointer.clone()) {
            return Err(Error::at(
                pointer,
                format!("`operationId` {id} names the same client method as #{first}"),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // Tests: a panic is the failure report.
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_derive_from_method_and_path() {
        assert_eq!(derive("get", "/streams/{id}"), "get_streams_by_id");
        assert_eq!(derive("post", "/v1/Users.list"), "post_v1_users_list");
        assert_eq!(derive("get", "/"), "get_root");
        assert_eq!(derive("delete", "/a/{itemId}/b-c/"), "delete_a_by_item_id_b_c");
        // What is not alphanumeric breaks words, and never starts one.
        assert_eq!(derive("get", "/.well-known/{_id}"), "get_well_known_by_id");
    }

    #[test]
    fn missing_ids_are_derived_with_a_note_and_explicit_ones_kept() {
        let mut doc = json!({"paths": {"/streams/{id}": {"get": {}, "put": {"operationId": "replaceStream"}}}});
        let notes = assign(&mut doc, OperationIds::Derive).unwrap();
        assert_eq!(doc["paths"]["/streams/{id}"]["get"]["operationId"], "get_streams_by_id");
        assert_eq!(doc["paths"]["/streams/{id}"]["put"]["operationId"], "replaceStream");
        assert_eq!(notes.len(), 1);
        assert_eq!(notes[0].pointer, "/paths/~1streams~1{id}/get/operationId");
        // A second run derives nothing.
        assert_eq!(assign(&mut doc, OperationIds::Derive).unwrap(), []);
    }

    #[test]
    fn a_vendor_that_requires_ids_refuses_an_operation_without_one() {
        let mut doc = json!({"paths": {"/x": {"get": {}}}});
        let err = assign(&mut doc, OperationIds::Require).unwrap_err();
        assert_eq!(err.pointer.as_deref(), Some("/paths/~1x/get"));
        assert!(err.reason.contains("requires one"), "{err}");
    }

    #[test]
    fn collisions_name_both_pointers() {
        let mut doc = json!({"paths": {
            "/streams/{id}": {"get": {}},
            "/other": {"get": {"operationId": "getStreamsById"}}
        }});
        let err = assign(&mut doc, OperationIds::Derive).unwrap_err();
        assert_eq!(
            err.to_string(),
            "#/paths/~1other/get/operationId: `operationId` getStreamsById names the same client method as \
             #/paths/~1streams~1{id}/get/operationId"
        );
        let mut doc = json!({"paths": {"/a": {"get": {"operationId": 7}}}});
        assert!(assign(&mut doc, OperationIds::Derive).is_err());
    }
}
