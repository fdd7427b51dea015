//! Merge a vendor's documents into one OpenAPI document.
//!
//! Kombo publishes one document per endpoint page; each repeats `info`, `servers`, shared
//! components and so on. Containers of named definitions (`paths`, a path item's operations,
//! `components` and each of its sections) are merged key by key; every definition below them
//! must be identical wherever it is repeated. A difference is a conflict naming both files and
//! the JSON pointer: silently picking one would hide upstream drift.

use std::path::Path;

use serde_json::Value;

use crate::error::{Error, Result, join};
use crate::spec::load::Document;

/// Merge documents in order. The first document's key order wins, later keys are appended.
pub fn merge(docs: &[Document]) -> Result<Value> {
    let Some((first, rest)) = docs.split_first() else {
        return Err(Error::msg("no documents to merge"));
    };
    let mut merged = first.value.clone();
    // Which file each definition came from, for conflict messages: the first file holds everything
    // but what a later one added (the last record whose pointer is a prefix wins).
    let mut origin: Vec<(String, &Path)> = vec![(String::new(), &first.path)];
    for doc in rest {
        merge_into(&mut merged, &doc.value, "", 0, &doc.path, &mut origin)?;
    }
    Ok(merged)
}

/// Whether the object at `pointer` (at `depth`) is a container of named definitions, merged key
/// by key: `/`, `/paths`, `/components`, `/webhooks`, a path item, a components section.
pub fn is_container(pointer: &str, depth: usize) -> bool {
    match depth {
        0 => true,
        1 => pointer == "/paths" || pointer == "/components" || pointer == "/webhooks",
        2 => pointer.starts_with("/paths/") || pointer.starts_with("/components/"),
        _ => false,
    }
}

fn merge_into<'a>(
    target: &mut Value,
    incoming: &Value,
    pointer: &str,
    depth: usize,
    file: &'a Path,
    origin: &mut Vec<(String, &'a Path)>,
) -> Result<()> {
    let container = is_container(pointer, depth);
    match (target, incoming) {
        (Value::Object(target), Value::Object(incoming)) if container => {
            for (key, value) in incoming {
                let child_ptr = join(pointer, key);
                match target.get_mut(key) {
                    Some(existing) => {
                        merge_into(existing, value, &child_ptr, depth + 1, file, origin)?;
                    }
                    None => {
                        target.insert(key.clone(), value.clone());
                        origin.push((child_ptr.clone(), file));
                    }
                }
            }
            Ok(())
        }
        (target, incoming) if *target == *incoming => Ok(()),
        (_, _) => {
            let first = origin
                .iter()
                .rev()
                .filter(|(p, _)| pointer == p || pointer.starts_with(&format!("{p}/")))
                .map(|(_, f)| f.display().to_string())
                .next()
                .unwrap_or_else(|| "an earlier document".to_owned());
            Err(Error::at(
                if pointer.is_empty() { "/" } else { pointer },
                format!("conflicting definitions in {first} and {}", file.display()),
            )
            .in_file(file))
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // Tests: a panic is the failure report.
mod tests {
    use super::*;
    use serde_json::json;

    fn doc(name: &str, value: Value) -> Document {
        Document {
            path: name.into(),
            value,
            sha256: String::new(),
        }
    }

    #[test]
    fn operations_of_one_path_from_two_files_merge() {
        let a = doc(
            "a.yaml",
            json!({"openapi": "3.1.0", "paths": {"/x": {"get": {"operationId": "g"}}}}),
        );
        let b = doc(
            "b.yaml",
            json!({"openapi": "3.1.0", "paths": {"/x": {"post": {"operationId": "p"}}}}),
        );
        let merged = merge(&[a, b]).unwrap();
        assert_eq!(merged["paths"]["/x"].as_object().unwrap().len(), 2);
    }

    #[test]
    fn identical_duplicates_are_fine() {
        let shared = json!({"components": {"schemas": {"E": {"type": "string"}}}});
        let merged = merge(&[doc("a", shared.clone()), doc("b", shared.clone())]).unwrap();
        assert_eq!(merged, shared);
    }

    #[test]
    fn conflicting_definitions_name_both_files_and_the_pointer() {
        let a = doc("a.yaml", json!({"components": {"schemas": {"E": {"type": "string"}}}}));
        let b = doc("b.yaml", json!({"components": {"schemas": {"E": {"type": "integer"}}}}));
        let err = merge(&[a, b]).unwrap_err().to_string();
        assert_eq!(
            err,
            "b.yaml#/components/schemas/E: conflicting definitions in a.yaml and b.yaml"
        );
    }

    #[test]
    fn a_conflict_names_the_file_that_added_the_definition() {
        let a = doc("a.yaml", json!({"paths": {"/x": {"get": {"operationId": "g"}}}}));
        let b = doc("b.yaml", json!({"paths": {"/y": {"get": {"operationId": "y"}}}}));
        let c = doc("c.yaml", json!({"paths": {"/y": {"get": {"operationId": "other"}}}}));
        let err = merge(&[a.clone(), b, c.clone()]).unwrap_err().to_string();
        assert_eq!(
            err,
            "c.yaml#/paths/~1y/get: conflicting definitions in b.yaml and c.yaml"
        );
        let err = merge(&[a, c.clone(), doc("d.yaml", json!({"paths": {"/x": {"get": {}}}}))]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "d.yaml#/paths/~1x/get: conflicting definitions in a.yaml and d.yaml"
        );
    }

    #[test]
    fn a_definition_is_compared_whole_not_merged_property_by_property() {
        let a = doc(
            "a",
            json!({"components": {"schemas": {"E": {"properties": {"x": {}}}}}}),
        );
        let b = doc(
            "b",
            json!({"components": {"schemas": {"E": {"properties": {"y": {}}}}}}),
        );
        assert!(merge(&[a, b]).is_err());
    }

    #[test]
    fn differing_info_is_a_conflict() {
        let a = doc("a", json!({"info": {"version": "1"}}));
        let b = doc("b", json!({"info": {"version": "2"}}));
        assert_eq!(merge(&[a, b]).unwrap_err().pointer.as_deref(), Some("/info"));
    }
}
