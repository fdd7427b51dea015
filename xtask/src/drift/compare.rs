//! Running a comparison: the whole-document differ ([`super::diff`]), the page-by-page fallback
//! when upstream pages disagree ([`super::skew`]) and the overlay check
//! ([`super::overlay_check`]), gathered into one [`Report`].

use serde_json::Value;

use super::report::Report;
use super::{diff, overlay_check, skew};
use crate::spec::load::Document;

/// Compare two merged OpenAPI documents (old = vendored, new = upstream) and, if given, check an
/// overlay against the new document.
pub fn compare(vendor: &str, old: &Value, new: &Value, overlay: Option<&Value>) -> crate::error::Result<Report> {
    let mut changes = diff::diff(old, new);
    if let Some(overlay) = overlay {
        changes.extend(overlay_check::check(new, overlay)?);
    }
    Ok(Report::new(vendor, changes))
}

/// Compare two sets of documents: each side is merged as codegen merges a vendor's files. When
/// the new side does not merge (pages out of step), it is compared page by page ([`skew`]) and
/// the disagreement reported; the old side must merge. The overlay, if given, is checked against
/// the merged new side (where pages disagree, the first page's definitions).
pub fn compare_documents(
    label: &str,
    old: &[Document],
    new: &[Document],
    overlay: Option<&Document>,
) -> crate::error::Result<Report> {
    let old = crate::spec::merge::merge(old)?;
    let (mut changes, new_merged) = match crate::spec::merge::merge(new) {
        Ok(merged) => (diff::diff(&old, &merged), merged),
        // One page always merges: only several can disagree. No page at all is an error.
        Err(e) if new.is_empty() => return Err(e),
        Err(_) => (
            skew::compare(&old, new),
            skew::merge_first_wins(new.iter().map(|d| &d.value)),
        ),
    };
    if let Some(overlay) = overlay {
        changes.extend(overlay_check::check(&new_merged, &overlay.value).map_err(|e| e.in_file(&overlay.path))?);
    }
    Ok(Report::new(label, changes))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // Tests: a panic is the failure report.
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn no_new_page_at_all_is_an_error_not_an_empty_report() {
        let old = Document {
            path: "old.yaml".into(),
            value: json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {}}),
            sha256: String::new(),
        };
        let err = compare_documents("x", &[old], &[], None).unwrap_err();
        assert!(err.reason.contains("no documents to merge"), "{err}");
    }
}
