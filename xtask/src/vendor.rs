//! `cargo xtask vendor <vendor> --from <FILE|URL>...`: refresh the vendored documents.
//!
//! Each `--from` is mapped to a vendored file: docs pages whose fence is titled `METHOD /path`
//! go to the vendored file that holds that operation; otherwise inputs map to the vendor's files
//! in order (and then there must be exactly one per file). A page's YAML block is written byte
//! for byte, ending in a single newline. Everything is read, checked (each document is OpenAPI
//! 3.x and the new set merges without conflicts) and staged before the first file is replaced.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::error::{Error, Result};
use crate::spec::load::Document;
use crate::spec::{merge, refs};
use crate::upstream::fetch::{self, Input};
use crate::vendors;

/// Run `vendor`: replace `vendor_name`'s documents with those read from `from` (files or URLs).
/// The command line is parsed in [`crate::flags`].
pub fn run(root: &Path, vendor_name: &str, from: &[String]) -> Result<String> {
    let vendor = vendors::by_name(vendor_name).ok_or_else(|| Error::msg(format!("unknown vendor {vendor_name}")))?;
    if from.is_empty() {
        return Err(Error::msg("vendor: give at least one --from <FILE|URL>"));
    }
    let inputs = from.iter().map(|s| fetch::read(s)).collect::<Result<Vec<_>>>()?;
    let current = vendor.load_documents(root)?;
    let plan = map_inputs(&current, &inputs)?;
    // The new set: replaced documents where given, current ones elsewhere.
    let mut next: Vec<Document> = current.clone();
    for (index, input) in &plan {
        let mut doc = input.document()?;
        doc.path = current[*index].path.clone();
        next[*index] = doc;
    }
    merge::merge(&next).map_err(|e| Error {
        reason: format!("the new documents do not merge: {}", e.reason),
        ..e
    })?;
    let writes: Vec<(PathBuf, &str)> = plan
        .iter()
        .map(|(index, input)| (current[*index].path.clone(), input.text.as_str()))
        .collect();
    write_all(root, &writes)
}

/// Which vendored file (index) each input replaces.
fn map_inputs<'i>(current: &[Document], inputs: &'i [Input]) -> Result<Vec<(usize, &'i Input)>> {
    let titled = inputs.iter().all(|i| i.title.as_deref().and_then(operation).is_some());
    let mut plan: Vec<(usize, &Input)> = Vec::new();
    if titled {
        for input in inputs {
            let title = input.title.as_deref().unwrap_or_default();
            let (method, path) = operation(title).unwrap_or_default();
            let index = current
                .iter()
                .position(|d| {
                    d.value
                        .get("paths")
                        .and_then(|p| p.get(path))
                        .and_then(|i| i.get(method))
                        .is_some_and(Value::is_object)
                })
                .ok_or_else(|| {
                    Error::msg(format!("no vendored document holds {title}")).in_file(Path::new(&input.source))
                })?;
            if plan.iter().any(|(i, _)| *i == index) {
                return Err(Error::msg(format!(
                    "two inputs map to {}",
                    current[index].path.display()
                )));
            }
            plan.push((index, input));
        }
    } else {
        if inputs.len() != current.len() {
            return Err(Error::msg(format!(
                "{} inputs for {} vendored files: give one per file, in order ({}), or docs pages titled `METHOD /path`",
                inputs.len(),
                current.len(),
                current
                    .iter()
                    .map(|d| d.path.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        plan.extend(inputs.iter().enumerate());
    }
    Ok(plan)
}

/// `GET /x` -> (`get`, `/x`).
fn operation(title: &str) -> Option<(&'static str, &str)> {
    let (method, path) = title.trim().split_once(' ')?;
    let method = refs::method(method)?;
    let path = path.trim();
    path.starts_with('/').then_some((method, path))
}

/// Stage every file next to its target, then rename them all; nothing is replaced unless
/// everything could be staged.
fn write_all(root: &Path, writes: &[(PathBuf, &str)]) -> Result<String> {
    let mut staged: Vec<(PathBuf, PathBuf)> = Vec::new();
    let cleanup = |staged: &[(PathBuf, PathBuf)]| {
        for (tmp, _) in staged {
            let _ = std::fs::remove_file(tmp);
        }
    };
    let mut report = String::new();
    for (rel, text) in writes {
        let target = root.join(rel);
        if std::fs::read(&target).ok().as_deref() == Some(text.as_bytes()) {
            report.push_str(&format!("unchanged {}\n", rel.display()));
            continue;
        }
        let name = rel
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let tmp = target.with_file_name(format!(".{name}.{}.vendor.tmp", std::process::id()));
        if let Err(e) = crate::write_atomic(&tmp, text.as_bytes()) {
            cleanup(&staged);
            return Err(Error::msg(format!("cannot write: {e}")).in_file(rel));
        }
        staged.push((tmp, target));
        report.push_str(&format!("wrote {}\n", rel.display()));
    }
    for (i, (tmp, target)) in staged.iter().enumerate() {
        if let Err(e) = std::fs::rename(tmp, target) {
            cleanup(&staged[i..]);
            return Err(Error::msg(format!("cannot replace {}: {e}", target.display())));
        }
    }
    Ok(report)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly on bad fixtures")]
mod tests {
    use super::*;

    #[test]
    fn fence_titles_parse() {
        assert_eq!(operation("GET /hris/x"), Some(("get", "/hris/x")));
        assert_eq!(operation("post /a"), Some(("post", "/a")));
        assert_eq!(operation("GET"), None);
        assert_eq!(operation("FETCH /a"), None);
    }
}
