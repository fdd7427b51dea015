//! `cargo xtask vendor <vendor> (--from <FILE|URL>... | --upstream | --add <FILE|URL>)`: refresh
//! the vendored documents, or add one.
//!
//! Each `--from` is mapped to a vendored file: docs pages whose fence is titled `METHOD /path`
//! go to the vendored file that holds that operation; otherwise inputs map to the vendor's files
//! in order (and then there must be exactly one per file). `--upstream` reads each file's `url`
//! from `specs/<vendor>/vendor.toml`. A page's YAML block is written byte for byte, ending in a
//! single newline. Everything is read, checked (each document is OpenAPI 3.x and the new set
//! merges without conflicts) and staged before the first file is replaced.
//!
//! `--add` vendors one more document: checked the same way and against the existing ones (no
//! operation twice), written beside them, recorded last in `vendor.toml` and regenerated; a
//! failure anywhere puts everything back.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::error::{Error, Result};
use crate::flags::{self, VendorAction};
use crate::spec::load::Document;
use crate::spec::{merge, refs};
use crate::upstream::fetch::{self, Input};
use crate::vendors::{self, Vendor};

/// Run `vendor` as parsed in [`crate::flags`].
pub fn run(root: &Path, args: &flags::Vendor) -> Result<String> {
    let vendor = vendors::named(root, &args.vendor)?;
    match &args.action {
        VendorAction::From(from) => refresh(root, &vendor, from, false),
        VendorAction::Upstream => {
            let urls: Vec<String> = vendor.upstream()?.into_iter().map(|(_, url)| url.to_owned()).collect();
            refresh(root, &vendor, &urls, true)
        }
        VendorAction::Add { source, url } => add(root, &vendor, source, url.as_deref()),
    }
}

/// Replace `vendor`'s documents with those read from `from` (files or URLs); `in_order`: one
/// input per document, in the vendor's order (the recorded upstream addresses).
fn refresh(root: &Path, vendor: &Vendor, from: &[String], in_order: bool) -> Result<String> {
    if from.is_empty() {
        return Err(Error::msg("vendor: give at least one --from <FILE|URL>"));
    }
    let inputs = from.iter().map(|s| fetch::read(s)).collect::<Result<Vec<_>>>()?;
    let current = vendor.load_documents(root)?;
    let plan = if in_order {
        inputs.iter().enumerate().collect()
    } else {
        map_inputs(&current, &inputs)?
    };
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
    let mut report: String = inputs
        .iter()
        .filter_map(|i| i.note.as_deref())
        .map(|n| format!("note: {n}\n"))
        .collect();
    report.push_str(&write_all(root, &writes)?);
    Ok(report)
}

/// Add the document at `source` to `vendor`, record it in its `vendor.toml` and regenerate.
fn add(root: &Path, vendor: &Vendor, source: &str, url: Option<&str>) -> Result<String> {
    let at = Path::new(source);
    let url = match (url, fetch::is_url(source), &vendor.no_upstream) {
        (Some(_), _, Some(_)) => {
            return Err(Error::msg(format!(
                "{} has no upstream (`upstream = false`): drop --url",
                vendor.name
            )));
        }
        (None, true, Some(_)) => {
            return Err(Error::msg(format!(
                "{} has no upstream (`upstream = false`): add a file, not a URL",
                vendor.name
            )));
        }
        (Some(url), _, None) if !fetch::is_url(url) => {
            return Err(Error::msg(format!("--url {url}: not an http(s) URL")));
        }
        (Some(url), _, None) => Some(url.to_owned()),
        (None, true, None) => Some(source.to_owned()),
        (None, false, None) => {
            return Err(Error::msg(format!(
                "a file has no upstream address: give --url <URL> to record in {}",
                vendor.file().display()
            ))
            .in_file(at));
        }
        (None, _, Some(_)) => None,
    };
    let input = fetch::read(source)?;
    let mut doc = input.document()?;
    let current = vendor.load_documents(root)?;
    let operations: Vec<(&'static str, String)> = refs::all_operations(&doc.value)
        .map(|o| (o.method, o.path.to_owned()))
        .collect();
    if operations.is_empty() {
        return Err(Error::at("/paths", "the document has no operation to add").in_file(at));
    }
    for (method, path) in &operations {
        if let Some(holder) = current.iter().find(|d| {
            d.value
                .get("paths")
                .and_then(|p| p.get(path))
                .and_then(|i| i.get(*method))
                .is_some_and(Value::is_object)
        }) {
            return Err(Error::msg(format!(
                "{} is already vendored in {}: refresh it with --from",
                refs::label(method, path),
                holder.path.display()
            ))
            .in_file(at));
        }
    }
    let name = file_name(input.title.as_deref(), &operations).ok_or_else(|| {
        Error::msg("cannot name the file: the page's fence has no `METHOD /path` title and the document has several operations")
            .in_file(at)
    })?;
    let rel = format!("{}/{}/{name}", vendors::SPECS, vendor.name);
    if vendor.inputs().any(|f| f == rel) || root.join(&rel).exists() {
        return Err(Error::msg(format!("{rel} already exists")).in_file(at));
    }
    doc.path = PathBuf::from(&rel);
    let mut next = current;
    next.push(doc);
    merge::merge(&next).map_err(|e| Error {
        reason: format!("the document does not merge with {}'s: {}", vendor.name, e.reason),
        ..e
    })?;
    // Record it: the declaration as it was, with one more [[document]] after the last.
    let toml_rel = vendor.file();
    let toml_path = root.join(&toml_rel);
    let declared = std::fs::read_to_string(&toml_path)
        .map_err(|e| Error::msg(format!("cannot read file: {e}")).in_file(&toml_rel))?;
    let recorded = record_document(&declared, &name, url.as_deref()).map_err(|e| e.in_file(&toml_rel))?;
    let updated = vendors::parse(&vendor.name, &recorded).map_err(|e| e.in_file(&toml_rel))?;
    if updated.inputs().last() != Some(rel.as_str()) || updated.documents.len() != vendor.documents.len() + 1 {
        return Err(Error::msg("cannot record the document: add its [[document]] by hand").in_file(&toml_rel));
    }
    let mut report: String = input.note.iter().map(|n| format!("note: {n}\n")).collect();
    let new_file = root.join(&rel);
    let restore = || {
        let _ = std::fs::remove_file(&new_file);
        let _ = crate::write_atomic(&toml_path, declared.as_bytes());
    };
    let written = crate::write_atomic(&new_file, input.text.as_bytes())
        .map_err(|e| Error::msg(format!("cannot write: {e}")).in_file(Path::new(&rel)))
        .and_then(|()| {
            crate::write_atomic(&toml_path, recorded.as_bytes())
                .map_err(|e| Error::msg(format!("cannot write: {e}")).in_file(&toml_rel))
        })
        .and_then(|()| vendors::all(root))
        .and_then(|all| crate::codegen::generate_all(root, &all))
        .and_then(|outputs| crate::codegen::write_outputs(root, outputs));
    match written {
        Ok(generated) => {
            report.push_str(&format!("wrote {rel}\nrecorded it in {}\n", toml_rel.display()));
            for path in generated {
                report.push_str(&format!("wrote {}\n", path.display()));
            }
            Ok(report)
        }
        Err(e) => {
            restore();
            Err(Error {
                reason: format!("nothing was added: {}", e.reason),
                ..e
            })
        }
    }
}

/// The vendored file's name: from the page's `METHOD /path` title, or the document's one
/// operation: `get /hris/skills/{id}` is `get-hris-skills-id.yaml`.
fn file_name(title: Option<&str>, operations: &[(&'static str, String)]) -> Option<String> {
    let (method, path) = match title.and_then(operation) {
        Some((method, path)) => (method, path.to_owned()),
        None => match operations {
            [(method, path)] => (*method, path.clone()),
            _ => return None,
        },
    };
    let mut name = method.to_owned();
    for word in path
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        name.push('-');
        name.push_str(&word.to_ascii_lowercase());
    }
    Some(format!("{name}.yaml"))
}

/// `declared` with a `[[document]]` entry for `file` (and `url`) after its last one, keeping
/// every other byte (comments, order): the entry goes right after the last document's keys.
fn record_document(declared: &str, file: &str, url: Option<&str>) -> Result<String> {
    let lines: Vec<&str> = declared.split_inclusive('\n').collect();
    let last = lines
        .iter()
        .rposition(|l| l.trim() == "[[document]]")
        .ok_or_else(|| Error::msg("no [[document]] to add after"))?;
    // The entry's keys run to the next table header; comments and blank lines before that
    // header belong to it.
    let first_key = last + 1;
    let next_header = (first_key..lines.len())
        .find(|&i| lines[i].trim_start().starts_with('['))
        .unwrap_or(lines.len());
    let trailing = lines[first_key..next_header]
        .iter()
        .rev()
        .take_while(|line| {
            let line = line.trim();
            line.is_empty() || line.starts_with('#')
        })
        .count();
    let end = next_header - trailing;
    let mut entry = String::new();
    if !lines[end - 1].ends_with('\n') {
        entry.push('\n');
    }
    entry.push_str(&format!("\n[[document]]\nfile = {}\n", quote(file)?));
    if let Some(url) = url {
        entry.push_str(&format!("url = {}\n", quote(url)?));
    }
    let mut out: String = lines[..end].concat();
    out.push_str(&entry);
    if end < lines.len() && !lines[end].trim().is_empty() {
        out.push('\n');
    }
    out.push_str(&lines[end..].concat());
    Ok(out)
}

/// A TOML basic string.
fn quote(value: &str) -> Result<String> {
    if value.chars().any(char::is_control) {
        return Err(Error::msg(format!("{value:?}: control characters cannot be recorded")));
    }
    Ok(format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\"")))
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

    #[test]
    fn added_files_are_named_after_their_operation() {
        let ops = [("get", "/hris/skills/{id}".to_owned())];
        assert_eq!(file_name(None, &ops).as_deref(), Some("get-hris-skills-id.yaml"));
        assert_eq!(
            file_name(Some("POST /hris/staffing-entity-skills"), &[]).as_deref(),
            Some("post-hris-staffing-entity-skills.yaml")
        );
        let two = [("get", "/a".to_owned()), ("post", "/a".to_owned())];
        assert_eq!(file_name(None, &two), None);
    }

    #[test]
    fn a_recorded_document_follows_the_last_one_and_keeps_the_rest() {
        let declared = "# head\noperation_ids = \"derive\"\n\n[[document]]\nfile = \"a.yaml\"\nurl = \"https://d.example/a\"\n\n# hoists\n[[hoist]]\nname = \"A\"\npointer = \"/a\"\n";
        let recorded = record_document(declared, "b.yaml", Some("https://d.example/\"b\"")).unwrap();
        assert_eq!(
            recorded,
            "# head\noperation_ids = \"derive\"\n\n[[document]]\nfile = \"a.yaml\"\nurl = \"https://d.example/a\"\n\n[[document]]\nfile = \"b.yaml\"\nurl = \"https://d.example/\\\"b\\\"\"\n\n# hoists\n[[hoist]]\nname = \"A\"\npointer = \"/a\"\n"
        );
        let vendor = crate::vendors::parse("acme", &recorded).unwrap();
        assert_eq!(vendor.documents[1].url.as_deref(), Some("https://d.example/\"b\""));
        // At the end of a file without a final newline.
        let tail = record_document(
            "operation_ids = \"derive\"\n[[document]]\nfile = \"a.yaml\"",
            "b.yaml",
            None,
        )
        .unwrap();
        assert_eq!(
            tail,
            "operation_ids = \"derive\"\n[[document]]\nfile = \"a.yaml\"\n\n[[document]]\nfile = \"b.yaml\"\n"
        );
        // A header right after the last entry gets a blank line before it, as the others have.
        let packed = record_document(
            "[[document]]\nfile = \"a.yaml\"\n[[hoist]]\nname = \"A\"\n",
            "b.yaml",
            None,
        )
        .unwrap();
        assert_eq!(
            packed,
            "[[document]]\nfile = \"a.yaml\"\n\n[[document]]\nfile = \"b.yaml\"\n\n[[hoist]]\nname = \"A\"\n"
        );
        assert!(record_document("operation_ids = \"derive\"\n", "b.yaml", None).is_err());
    }
}
