//! Every local `$ref` must point at something: progenitor would otherwise fail deep inside, or
//! panic, with no hint of where the reference was.

use serde_json::Value;

use crate::error::{Error, Result, join};

/// Check that every `$ref` in `doc` is a local JSON pointer that resolves within `doc`.
pub fn check(doc: &Value) -> Result<()> {
    let mut stack = vec![(String::new(), doc)];
    while let Some((pointer, value)) = stack.pop() {
        match value {
            Value::Object(map) => {
                if let Some(reference) = map.get("$ref") {
                    resolve(doc, reference).map_err(|reason| Error::at(join(&pointer, "$ref"), reason))?;
                }
                for (key, child) in map.iter().rev() {
                    stack.push((join(&pointer, key), child));
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate().rev() {
                    stack.push((format!("{pointer}/{i}"), child));
                }
            }
            _ => {}
        }
    }
    Ok(())
}

fn resolve<'a>(doc: &'a Value, reference: &Value) -> std::result::Result<&'a Value, String> {
    let Some(reference) = reference.as_str() else {
        return Err("`$ref` must be a string".to_owned());
    };
    let Some(pointer) = reference.strip_prefix('#') else {
        return Err(format!(
            "external reference {reference} is not supported: inline it in the spec"
        ));
    };
    let decoded = percent_decode(pointer);
    doc.pointer(&decoded)
        .ok_or_else(|| format!("unknown reference {reference}"))
}

/// `$ref` values are URIs: `%7B` and friends may appear in path keys.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (
            bytes[i],
            bytes.get(i + 1).copied().and_then(hex),
            bytes.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(hi), Some(lo)) => {
                out.push((hi * 16 + lo) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // Tests: a panic is the failure report.
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn resolving_references_pass() {
        let doc =
            json!({"components": {"schemas": {"A": {"type": "string"}, "B": {"$ref": "#/components/schemas/A"}}}});
        check(&doc).unwrap();
    }

    #[test]
    fn unknown_references_are_errors_with_their_pointer() {
        let doc = json!({"paths": {"/x": {"get": {"responses": {"200": {"$ref": "#/components/responses/Nope"}}}}}});
        let err = check(&doc).unwrap_err();
        assert_eq!(
            err.to_string(),
            "#/paths/~1x/get/responses/200/$ref: unknown reference #/components/responses/Nope"
        );
    }

    #[test]
    fn external_references_are_errors() {
        assert!(check(&json!({"a": {"$ref": "other.yaml#/x"}})).is_err());
    }
}
