//! The vendors whose specs we generate clients for, each declared in `specs/<vendor>/vendor.toml`:
//! its documents in merge order with their upstream addresses, overlay, hoists and operation-id
//! policy. Every command (codegen, drift, vendor) reads vendors through [`all`] or [`named`]; how
//! an upstream document is read is [`crate::upstream`], and the `vendor` command that refreshes
//! and adds documents is [`crate::vendor`].
//!
//! ```toml
//! operation_ids = "derive"          # or "require": refuse an operation without an operationId
//! overlay = "overlay.yaml"          # optional: our patches (OpenAPI Overlay 1.0)
//!
//! [[document]]                      # in merge order
//! file = "get-hris-staffing-entity-skills.yaml"
//! url = "https://docs.kombo.dev/hris/v1/get-staffing-entity-skills.md"
//!
//! [[hoist]]                         # optional, applied in order
//! name = "StaffingEntitySkill"
//! pointer = "/components/schemas/…"
//! ```
//! A vendor without an upstream spec says `upstream = false` with a `reason`, and its documents
//! have no `url`. Files are named relative to the vendor's folder.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{Error, Result};
use crate::spec::hoist::Hoist;
use crate::spec::load::{self, Document};
use crate::spec::operation_ids::OperationIds;

/// Where the vendors live, relative to the workspace root.
pub const SPECS: &str = "specs";
/// The file that declares a vendor, in its folder under [`SPECS`].
pub const FILE: &str = "vendor.toml";

/// One API vendor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vendor {
    /// Short name (its folder's), also the generated module's name.
    pub name: String,
    /// Spec documents, merged in this order.
    pub documents: Vec<Source>,
    /// Our documented patches (OpenAPI Overlay 1.0), relative to the workspace root, applied
    /// after the merge.
    pub overlay: Option<String>,
    /// Named hoists: the concepts that deserve a deliberate Rust type name.
    pub hoists: Vec<Hoist>,
    /// Whether an operation without an `operationId` gets a derived one or refuses the document.
    pub operation_ids: OperationIds,
    /// Why the vendor has no upstream spec (`upstream = false`); `None` when every document has
    /// an upstream `url`.
    pub no_upstream: Option<String>,
}

/// One vendored document and where it comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// The vendored file, relative to the workspace root.
    pub file: String,
    /// Its upstream address (a docs page, YAML or JSON); `None` for a vendor without upstream.
    pub url: Option<String>,
}

impl Vendor {
    /// The declaration, relative to the workspace root.
    pub fn file(&self) -> PathBuf {
        path_of(&self.name)
    }

    /// The vendored documents, relative to the workspace root, in merge order.
    pub fn inputs(&self) -> impl Iterator<Item = &str> {
        self.documents.iter().map(|d| d.file.as_str())
    }

    /// The generated file, relative to the workspace root.
    pub fn output(&self) -> PathBuf {
        Path::new("crates/skillbridge-openapi/src/generated").join(format!("{}.rs", self.name))
    }

    /// The prepared document (merged, overlay applied, not normalized), relative to the workspace
    /// root; the generated crate exposes it as a constant and the mock validates against it.
    pub fn document_output(&self) -> PathBuf {
        Path::new("crates/skillbridge-openapi/src/generated").join(format!("{}.openapi.json", self.name))
    }

    /// Read and parse the vendored documents from `root`, in merge order.
    pub fn load_documents(&self, root: &Path) -> Result<Vec<Document>> {
        self.inputs().map(|p| load::load(root, Path::new(p))).collect()
    }

    /// Read and parse the overlay from `root`, if the vendor has one.
    pub fn load_overlay(&self, root: &Path) -> Result<Option<Document>> {
        self.overlay
            .as_deref()
            .map(|p| load::load(root, Path::new(p)))
            .transpose()
    }

    /// The upstream address of each document, in merge order, or why there is none.
    pub fn upstream(&self) -> Result<Vec<(&str, &str)>> {
        if let Some(reason) = &self.no_upstream {
            return Err(Error::msg(format!(
                "{} has no upstream spec to compare against: {reason}",
                self.name
            ))
            .in_file(&self.file()));
        }
        Ok(self
            .documents
            .iter()
            .filter_map(|d| d.url.as_deref().map(|url| (d.file.as_str(), url)))
            .collect())
    }
}

/// `specs/<name>/vendor.toml`.
pub fn path_of(name: &str) -> PathBuf {
    Path::new(SPECS).join(name).join(FILE)
}

/// Every vendor under `root`: each `specs/*/vendor.toml`, sorted by name (generation order).
pub fn all(root: &Path) -> Result<Vec<Vendor>> {
    let dir = root.join(SPECS);
    let entries = std::fs::read_dir(&dir)
        .map_err(|e| Error::msg(format!("cannot list vendors: {e}")).in_file(Path::new(SPECS)))?;
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| Error::msg(format!("cannot list vendors: {e}")).in_file(Path::new(SPECS)))?;
        if entry.path().join(FILE).is_file() {
            names.push(entry.file_name().to_string_lossy().into_owned());
        }
    }
    names.sort();
    if names.is_empty() {
        return Err(Error::msg(format!("no vendors: no {SPECS}/*/{FILE}")).in_file(Path::new(SPECS)));
    }
    names.iter().map(|name| read(root, name)).collect()
}

/// The vendor called `name` under `root`; an unknown name is an error listing the known ones.
pub fn named(root: &Path, name: &str) -> Result<Vendor> {
    if valid_name(name) && root.join(path_of(name)).is_file() {
        return read(root, name);
    }
    let known: Vec<String> = all(root)?.into_iter().map(|v| v.name).collect();
    Err(Error::msg(format!(
        "unknown vendor {name} (known: {})",
        known.join(", ")
    )))
}

/// Read and check `specs/<name>/vendor.toml`.
pub fn read(root: &Path, name: &str) -> Result<Vendor> {
    let rel = path_of(name);
    let text = std::fs::read_to_string(root.join(&rel))
        .map_err(|e| Error::msg(format!("cannot read file: {e}")).in_file(&rel))?;
    parse(name, &text).map_err(|e| e.in_file(&rel))
}

/// `vendor.toml` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    operation_ids: RawOperationIds,
    overlay: Option<String>,
    #[serde(default = "yes")]
    upstream: bool,
    reason: Option<String>,
    #[serde(default)]
    document: Vec<RawDocument>,
    #[serde(default)]
    hoist: Vec<RawHoist>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "lowercase")]
enum RawOperationIds {
    Derive,
    Require,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDocument {
    file: String,
    url: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHoist {
    name: String,
    pointer: String,
}

/// Parse and check a `vendor.toml` of the vendor `name`. Errors name the key
/// (`document[2].url`) and, for TOML that does not read, its line.
pub fn parse(name: &str, text: &str) -> Result<Vendor> {
    if !valid_name(name) {
        return Err(Error::msg(format!(
            "vendor name {name:?} (its folder) must be lowercase letters, digits and `_`, a Rust module name"
        )));
    }
    let raw: Raw = toml::from_str(text).map_err(|e| Error::msg(toml_error(text, &e)))?;
    if raw.document.is_empty() {
        return bad("document", "no [[document]]: a vendor needs at least one document");
    }
    match (raw.upstream, &raw.reason) {
        (false, None) => return bad("reason", "`upstream = false` needs a `reason`"),
        (true, Some(_)) => return bad("reason", "only for `upstream = false`"),
        _ => {}
    }
    let in_folder = |key: &str, file: &str| -> Result<String> {
        let path = Path::new(file);
        let plain = !file.is_empty() && path.components().all(|c| matches!(c, std::path::Component::Normal(_)));
        if !plain {
            return bad(key, &format!("{file:?} must be a relative path inside specs/{name}/"));
        }
        Ok(format!("{SPECS}/{name}/{file}"))
    };
    let mut documents: Vec<Source> = Vec::new();
    for (i, doc) in raw.document.iter().enumerate() {
        let key = format!("document[{}]", i + 1);
        let file = in_folder(&format!("{key}.file"), &doc.file)?;
        if documents.iter().any(|d| d.file == file) {
            return bad(&format!("{key}.file"), &format!("{} is listed twice", doc.file));
        }
        match (&doc.url, raw.upstream) {
            (None, true) => {
                return bad(
                    &format!("{key}.url"),
                    "missing: every document needs its upstream address (or `upstream = false`)",
                );
            }
            (Some(_), false) => return bad(&format!("{key}.url"), "given, but `upstream = false`"),
            (Some(url), true) if !crate::upstream::fetch::is_url(url) => {
                return bad(&format!("{key}.url"), &format!("{url:?} is not an http(s) URL"));
            }
            _ => {}
        }
        documents.push(Source {
            file,
            url: doc.url.clone(),
        });
    }
    let overlay = raw.overlay.as_deref().map(|o| in_folder("overlay", o)).transpose()?;
    let mut hoists: Vec<Hoist> = Vec::new();
    for (i, hoist) in raw.hoist.iter().enumerate() {
        let key = format!("hoist[{}]", i + 1);
        let type_name = !hoist.name.is_empty()
            && hoist.name.starts_with(|c: char| c.is_ascii_uppercase())
            && hoist.name.chars().all(|c| c.is_ascii_alphanumeric());
        if !type_name {
            return bad(
                &format!("{key}.name"),
                &format!("{:?} is not a CamelCase type name", hoist.name),
            );
        }
        if hoists.iter().any(|h| h.name == hoist.name) {
            return bad(&format!("{key}.name"), &format!("{} is hoisted twice", hoist.name));
        }
        if !hoist.pointer.starts_with('/') {
            return bad(
                &format!("{key}.pointer"),
                &format!("{:?} is not a JSON pointer", hoist.pointer),
            );
        }
        hoists.push(Hoist {
            name: hoist.name.clone(),
            pointer: hoist.pointer.clone(),
        });
    }
    Ok(Vendor {
        name: name.to_owned(),
        documents,
        overlay,
        hoists,
        operation_ids: match raw.operation_ids {
            RawOperationIds::Derive => OperationIds::Derive,
            RawOperationIds::Require => OperationIds::Require,
        },
        no_upstream: raw.reason.filter(|_| !raw.upstream),
    })
}

/// A refusal naming the key it concerns.
fn bad<T>(key: &str, why: &str) -> Result<T> {
    Err(Error::msg(format!("`{key}`: {why}")))
}

/// A vendor name is a Rust module name: `[a-z][a-z0-9_]*`.
fn valid_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// A TOML or shape error as one line: the key it concerns (from serde's message or the line the
/// error points at, inside its `[[table]]` entry) and the line.
fn toml_error(text: &str, error: &toml::de::Error) -> String {
    let message = error.message().trim();
    let Some(span) = error.span() else {
        return message.to_owned();
    };
    let at = span.start.min(text.len());
    let line_no = text[..at].matches('\n').count() + 1;
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line = text[line_start..].lines().next().unwrap_or_default().trim();
    // The [[table]] entry the line belongs to, counted as in the checks' messages (1-based).
    let mut table: Option<(String, usize)> = None;
    let mut counts: Vec<(String, usize)> = Vec::new();
    for l in text[..line_start].lines() {
        let l = l.trim();
        if let Some(name) = l
            .strip_prefix("[[")
            .and_then(|r| r.split_once("]]"))
            .map(|(n, _)| n.trim())
        {
            let n = match counts.iter_mut().find(|(k, _)| k == name) {
                Some((_, n)) => {
                    *n += 1;
                    *n
                }
                None => {
                    counts.push((name.to_owned(), 1));
                    1
                }
            };
            table = Some((name.to_owned(), n));
        } else if l.starts_with('[') {
            table = None;
        }
    }
    let key = line
        .split_once('=')
        .map(|(k, _)| k.trim().trim_matches('"').to_owned())
        .filter(|k| !k.is_empty() && !line.starts_with('['));
    let header = line
        .strip_prefix("[[")
        .and_then(|r| r.split_once("]]"))
        .map(|(n, _)| n.trim());
    let place = match (key, header, &table) {
        (Some(k), _, Some((t, n))) => format!("`{t}[{n}].{k}`"),
        (Some(k), _, None) => format!("`{k}`"),
        // A missing key is reported at its table's header line.
        (None, Some(h), _) => {
            let n = counts.iter().find(|(k, _)| k == h).map_or(0, |(_, n)| *n) + 1;
            format!("`{h}[{n}]`")
        }
        (None, None, _) => "the file".to_owned(),
    };
    format!("{place} (line {line_no}): {message}")
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly on bad fixtures")]
mod tests {
    use super::*;

    const GOOD: &str = r#"
operation_ids = "derive"
overlay = "overlay.yaml"

[[document]]
file = "a.yaml"
url = "https://d.example/a.md"

[[document]]
file = "b.yaml"
url = "https://d.example/b.md"

[[hoist]]
name = "Thing"
pointer = "/components/schemas/X"
"#;

    fn error(text: &str) -> String {
        parse("acme", text).unwrap_err().reason
    }

    #[test]
    fn a_declaration_reads_into_a_vendor() {
        let v = parse("acme", GOOD).unwrap();
        assert_eq!(
            v.inputs().collect::<Vec<_>>(),
            ["specs/acme/a.yaml", "specs/acme/b.yaml"]
        );
        assert_eq!(v.overlay.as_deref(), Some("specs/acme/overlay.yaml"));
        assert_eq!(v.hoists[0].name, "Thing");
        assert_eq!(v.operation_ids, OperationIds::Derive);
        assert_eq!(
            v.upstream().unwrap(),
            [
                ("specs/acme/a.yaml", "https://d.example/a.md"),
                ("specs/acme/b.yaml", "https://d.example/b.md")
            ]
        );
        let none = parse(
            "acme",
            "operation_ids = \"require\"\nupstream = false\nreason = \"none published\"\n[[document]]\nfile = \"a.yaml\"\n",
        )
        .unwrap();
        assert_eq!(none.operation_ids, OperationIds::Require);
        assert!(none.upstream().unwrap_err().reason.contains("none published"));
    }

    #[test]
    fn bad_declarations_name_the_key() {
        let cases = [
            (
                GOOD.replace("overlay =", "overlayy ="),
                "`overlayy` (line 3): unknown field `overlayy`",
            ),
            (
                GOOD.replace("\"derive\"", "\"guess\""),
                "`operation_ids` (line 2): unknown variant `guess`",
            ),
            (
                GOOD.replace("url = \"https://d.example/b.md\"", "url = 7"),
                "`document[2].url` (line 11): invalid type",
            ),
            (
                GOOD.replace("url = \"https://d.example/b.md\"", "href = \"x\""),
                "`document[2].href` (line 11): unknown field",
            ),
            (
                GOOD.replace("file = \"b.yaml\"\n", ""),
                "`document[2]` (line 9): missing field `file`",
            ),
            (
                GOOD.replace("url = \"https://d.example/b.md\"\n", ""),
                "`document[2].url`: missing",
            ),
            (
                GOOD.replace("b.yaml", "../b.yaml"),
                "`document[2].file`: \"../b.yaml\" must be a relative path",
            ),
            (
                GOOD.replace("b.yaml", "a.yaml"),
                "`document[2].file`: a.yaml is listed twice",
            ),
            (
                GOOD.replace("https://d.example/b.md", "ftp://x"),
                "`document[2].url`: \"ftp://x\" is not an http(s) URL",
            ),
            (
                GOOD.replace("\"Thing\"", "\"thing\""),
                "`hoist[1].name`: \"thing\" is not a CamelCase",
            ),
            (GOOD.replace("\"/components", "\"components"), "`hoist[1].pointer`"),
            (
                GOOD.replace("operation_ids = \"derive\"", ""),
                "missing field `operation_ids`",
            ),
            ("operation_ids = \"derive\"\n".to_owned(), "`document`: no [[document]]"),
            (
                format!("upstream = false\n{GOOD}"),
                "`reason`: `upstream = false` needs a `reason`",
            ),
            (
                format!("reason = \"none published\"\n{GOOD}"),
                "`reason`: only for `upstream = false`",
            ),
            (
                format!("upstream = false\nreason = \"none published\"\n{GOOD}"),
                "`document[1].url`: given, but `upstream = false`",
            ),
            (
                GOOD.replace("[[document]]\nfile = \"a", "[[document]\nfile = \"a"),
                "(line 5)",
            ),
            // A line with no key before its `=`: no key to name.
            (
                GOOD.replace("url = \"https://d.example/b.md\"", "= 7"),
                "the file (line 11): ",
            ),
        ];
        for (text, expected) in cases {
            let got = error(&text);
            assert!(got.contains(expected), "expected {expected:?} in {got:?}");
        }
        for name in ["Acme", "acme-x", "1acme", "_acme", ""] {
            assert!(
                parse(name, GOOD).unwrap_err().reason.contains("Rust module name"),
                "{name:?}"
            );
        }
        for name in ["acme_2", "a"] {
            assert!(parse(name, GOOD).is_ok(), "{name:?}");
        }
    }

    #[test]
    fn the_workspace_declares_kombo_and_techwolf_in_order() {
        let root = crate::workspace_root();
        let vendors = all(&root).unwrap();
        let names: Vec<&str> = vendors.iter().map(|v| v.name.as_str()).collect();
        assert_eq!(names, ["kombo", "techwolf"]);
        for vendor in &vendors {
            for input in vendor.inputs().chain(vendor.overlay.as_deref()) {
                assert!(root.join(input).is_file(), "{input}");
            }
        }
        assert!(
            named(&root, "acme")
                .unwrap_err()
                .reason
                .contains("known: kombo, techwolf")
        );
        assert!(named(&root, "../x").is_err());
    }
}
