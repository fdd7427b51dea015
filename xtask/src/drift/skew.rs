//! Pages out of step: upstream documents that cannot be merged.
//!
//! Kombo publishes one document per endpoint page, each repeating the shared components. When
//! one page is updated before another (an error code added to a shared error schema on one page
//! only), the pages disagree on a shared definition and do not merge. That is a normal upstream
//! state, and the one most worth a report, so instead of failing the comparison runs page by
//! page: for each page, a view of the upstream side in which that page's definitions win is
//! compared with the vendored side, and only the changes of that page's operations are kept
//! (plus document-level ones and removed operations, which belong to no page). Every shared
//! definition the pages disagree on is reported as `x-upstream-pages-disagree`.

use std::collections::BTreeSet;

use serde_json::Value;

use super::diff;
use super::report::Change;
use crate::error::join;
use crate::spec::load::Document;
use crate::spec::merge::is_container;
use crate::spec::refs;

/// The rule id of a definition two upstream documents disagree on.
pub const DISAGREE: &str = "x-upstream-pages-disagree";

/// JSON pointers of the definitions both documents hold with different content.
pub fn disagreements(a: &Value, b: &Value) -> Vec<String> {
    let mut out = Vec::new();
    walk(a, b, "", 0, &mut out);
    out
}

fn walk(a: &Value, b: &Value, pointer: &str, depth: usize, out: &mut Vec<String>) {
    match (a, b) {
        (Value::Object(a), Value::Object(b)) if is_container(pointer, depth) => {
            for (key, av) in a {
                if let Some(bv) = b.get(key) {
                    walk(av, bv, &join(pointer, key), depth + 1, out);
                }
            }
        }
        _ if a == b => {}
        _ => out.push(if pointer.is_empty() {
            "/".to_owned()
        } else {
            pointer.to_owned()
        }),
    }
}

/// Merge like `merge::merge`, but where documents disagree the earlier one wins.
pub fn merge_first_wins<'d>(docs: impl IntoIterator<Item = &'d Value>) -> Value {
    let mut merged: Option<Value> = None;
    for doc in docs {
        match &mut merged {
            None => merged = Some(doc.clone()),
            Some(target) => absorb(target, doc, "", 0),
        }
    }
    merged.unwrap_or(Value::Null)
}

fn absorb(target: &mut Value, incoming: &Value, pointer: &str, depth: usize) {
    if !is_container(pointer, depth) {
        return;
    }
    if let (Value::Object(target), Value::Object(incoming)) = (target, incoming) {
        for (key, value) in incoming {
            let child = join(pointer, key);
            match target.get_mut(key) {
                Some(existing) => absorb(existing, value, &child, depth + 1),
                None => {
                    target.insert(key.clone(), value.clone());
                }
            }
        }
    }
}

/// The operations a document holds, as the differ names them (`GET /x`).
fn operations(doc: &Value) -> BTreeSet<String> {
    refs::all_operations(doc).map(|o| o.label()).collect()
}

/// Compare the vendored side `old` (merged) with upstream documents that do not merge.
pub fn compare(old: &Value, new: &[Document]) -> Vec<Change> {
    let pages: Vec<BTreeSet<String>> = new.iter().map(|d| operations(&d.value)).collect();
    let on_some_page = |op: &str| pages.iter().any(|ops| ops.contains(op));
    let mut changes = Vec::new();
    for (i, page) in new.iter().enumerate() {
        // This page first: its version of every shared definition wins.
        let view = merge_first_wins(std::iter::once(&page.value).chain(new.iter().map(|d| &d.value)));
        changes.extend(
            diff::diff(old, &view)
                .into_iter()
                .filter(|c| c.operation.is_empty() || pages[i].contains(&c.operation) || !on_some_page(&c.operation)),
        );
    }
    let mut rest = new;
    while let Some((a, later)) = rest.split_first() {
        rest = later;
        for b in later {
            for pointer in disagreements(&a.value, &b.value) {
                changes.push(Change::new(
                    DISAGREE,
                    "",
                    &format!("#{pointer}"),
                    format!(
                        "{} and {} define it differently (pages out of step); each page was compared on its own",
                        a.path.display(),
                        b.path.display()
                    ),
                ));
            }
        }
    }
    changes
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly on bad fixtures")]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn disagreements_name_definitions_not_their_insides() {
        let a = json!({"info": {"version": "1"}, "components": {"schemas": {"E": {"enum": ["a"]}, "F": {}}}});
        let b = json!({"info": {"version": "1"}, "components": {"schemas": {"E": {"enum": ["a", "b"]}, "G": {}}}});
        assert_eq!(disagreements(&a, &b), ["/components/schemas/E"]);
        assert_eq!(disagreements(&a, &a), Vec::<String>::new());
    }

    #[test]
    fn the_first_document_wins_and_the_rest_is_added() {
        let a = json!({"components": {"schemas": {"E": 1}}});
        let b = json!({"components": {"schemas": {"E": 2, "F": 3}}});
        assert_eq!(
            merge_first_wins([&a, &b]),
            json!({"components": {"schemas": {"E": 1, "F": 3}}})
        );
    }
}
