//! `specs/<vendor>/sources.toml`: where each vendored document comes from upstream.
//!
//! ```toml
//! [[document]]
//! file = "specs/kombo/get-hris-staffing-entity-skills.yaml"
//! url = "https://docs.kombo.dev/hris/v1/get-staffing-entity-skills.md"
//! ```
//! A vendor without an upstream spec says so instead: `upstream = false` and a `reason`.

use std::path::Path;

use toml::{Table, Value};

use crate::error::{Error, Result};
use crate::vendors::Vendor;

/// The file listing a vendor's upstream sources, relative to the workspace root.
pub fn path(vendor: &Vendor) -> String {
    format!("specs/{}/sources.toml", vendor.name)
}

/// The upstream URL of each of the vendor's inputs, in the vendor's input order.
pub fn upstream(root: &Path, vendor: &Vendor) -> Result<Vec<(String, String)>> {
    let rel = path(vendor);
    let file = Path::new(&rel);
    let text = std::fs::read_to_string(root.join(file))
        .map_err(|e| Error::msg(format!("cannot read file: {e}")).in_file(file))?;
    let table: Table = text
        .parse()
        .map_err(|e: toml::de::Error| Error::msg(format!("invalid TOML: {}", e.message())).in_file(file))?;
    if table.get("upstream").and_then(Value::as_bool) == Some(false) {
        let reason = table.get("reason").and_then(Value::as_str).unwrap_or("no reason given");
        return Err(Error::msg(format!(
            "{} has no upstream spec to compare against: {reason}",
            vendor.name
        ))
        .in_file(file));
    }
    let documents = table
        .get("document")
        .and_then(Value::as_array)
        .ok_or_else(|| Error::msg("no [[document]] entries").in_file(file))?;
    let mut out = Vec::new();
    for input in vendor.inputs {
        let url = documents
            .iter()
            .find(|d| d.get("file").and_then(Value::as_str) == Some(*input))
            .and_then(|d| d.get("url"))
            .and_then(Value::as_str)
            .ok_or_else(|| Error::msg(format!("no [[document]] with a `url` for {input}")).in_file(file))?;
        out.push(((*input).to_owned(), url.to_owned()));
    }
    Ok(out)
}
