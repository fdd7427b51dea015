//! Reading spec documents (YAML or JSON) into `serde_json::Value`s that keep key order.

use std::path::{Path, PathBuf};

use serde_json::{Map, Number, Value};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// One input document, as read from disk.
#[derive(Debug, Clone)]
pub struct Document {
    /// The path as shown to people (relative to the workspace root).
    pub path: PathBuf,
    /// The parsed content.
    pub value: Value,
    /// Hex sha256 of the file's bytes.
    pub sha256: String,
}

/// Read and parse the file at `root/rel`.
pub fn load(root: &Path, rel: &Path) -> Result<Document> {
    let bytes = std::fs::read(root.join(rel)).map_err(|e| Error::msg(format!("cannot read file: {e}")).in_file(rel))?;
    let text = std::str::from_utf8(&bytes).map_err(|e| Error::msg(format!("not UTF-8: {e}")).in_file(rel))?;
    let value = parse(text).map_err(|e| e.in_file(rel))?;
    Ok(Document {
        path: rel.to_path_buf(),
        value,
        sha256: sha256_hex(&bytes),
    })
}

/// Hex-encoded sha256 of some bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Parse YAML or JSON text (JSON is YAML, but JSON's own parser gives better messages).
pub fn parse(text: &str) -> Result<Value> {
    if text.trim_start().starts_with('{') {
        return serde_json::from_str(text).map_err(|e| Error::msg(format!("invalid JSON: {e}")));
    }
    let yaml: serde_yaml_ng::Value =
        serde_yaml_ng::from_str(text).map_err(|e| Error::msg(format!("invalid YAML: {e}")))?;
    yaml_to_json(yaml, "")
}

fn yaml_to_json(yaml: serde_yaml_ng::Value, pointer: &str) -> Result<Value> {
    use serde_yaml_ng::Value as Y;
    Ok(match yaml {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                let f = n.as_f64().unwrap_or(f64::NAN);
                Value::Number(
                    Number::from_f64(f)
                        .ok_or_else(|| Error::at(pointer, format!("number {f} has no JSON representation")))?,
                )
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(
            items
                .into_iter()
                .enumerate()
                .map(|(i, item)| yaml_to_json(item, &format!("{pointer}/{i}")))
                .collect::<Result<_>>()?,
        ),
        Y::Mapping(mapping) => {
            let mut map = Map::new();
            for (key, value) in mapping {
                // OpenAPI keys are strings; YAML lets `200:` be a number, so stringify scalars.
                let key = match key {
                    Y::String(s) => s,
                    Y::Number(n) => n.to_string(),
                    Y::Bool(b) => b.to_string(),
                    other => {
                        return Err(Error::at(
                            pointer,
                            format!("mapping key must be a scalar, found {other:?}"),
                        ));
                    }
                };
                let child = crate::error::join(pointer, &key);
                map.insert(key, yaml_to_json(value, &child)?);
            }
            Value::Object(map)
        }
        Y::Tagged(tagged) => {
            return Err(Error::at(pointer, format!("YAML tag {} is not supported", tagged.tag)));
        }
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // Tests: a panic is the failure report.
mod tests {
    use super::*;

    #[test]
    fn yaml_numeric_keys_become_strings_and_order_is_kept() {
        let v = parse("responses:\n  200: ok\n  default: err\n  404: nf\n").unwrap();
        let keys: Vec<_> = v["responses"].as_object().unwrap().keys().cloned().collect();
        assert_eq!(keys, ["200", "default", "404"]);
    }

    #[test]
    fn invalid_yaml_is_an_error_not_a_panic() {
        let err = parse("a: [1, 2\nb: }").unwrap_err();
        assert!(err.reason.starts_with("invalid YAML"), "{err}");
    }

    #[test]
    fn json_is_accepted() {
        assert_eq!(parse(r#"{"a": 1}"#).unwrap()["a"], 1);
    }
}
