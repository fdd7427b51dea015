//! Comparing security: requirement lists (an operation's or the document's) and the document's
//! security schemes.

use serde_json::Value;

use super::report::Change;
use crate::spec::refs;

/// Every change between two security requirement lists (`security` of an operation, or the
/// document's when `operation` is empty). A requirement is identified by its scheme names; scopes
/// compare within it. An absent list compares as no change.
pub fn compare_requirements(operation: &str, prefix: &str, old: Option<&Value>, new: Option<&Value>) -> Vec<Change> {
    let mut changes = Vec::new();
    let (Some(old), Some(new)) = (old, new) else {
        // A list on one side only: each of its requirements was added or removed (an empty
        // list has none to report).
        let (list, change) = match (old, new) {
            (None, Some(new)) => (new, "added"),
            (Some(old), None) => (old, "removed"),
            _ => return changes,
        };
        for req in requirement_list(list) {
            push(
                &mut changes,
                &format!("{prefix}-{change}"),
                operation,
                "security",
                format!("requirement {} {change}", req.0),
            );
        }
        return changes;
    };
    let (old_r, new_r) = (requirement_list(old), requirement_list(new));
    for (name, scopes) in &old_r {
        match new_r.iter().find(|(n, _)| n == name) {
            None => push(
                &mut changes,
                &format!("{prefix}-removed"),
                operation,
                "security",
                format!("requirement {name} removed"),
            ),
            Some((_, new_scopes)) => {
                for s in new_scopes.iter().filter(|s| !scopes.contains(s)) {
                    push(
                        &mut changes,
                        &format!("{prefix}-scope-added"),
                        operation,
                        &format!("security {name}"),
                        format!("scope {s} now needed"),
                    );
                }
                for s in scopes.iter().filter(|s| !new_scopes.contains(s)) {
                    push(
                        &mut changes,
                        &format!("{prefix}-scope-removed"),
                        operation,
                        &format!("security {name}"),
                        format!("scope {s} no longer needed"),
                    );
                }
            }
        }
    }
    for (name, _) in &new_r {
        if !old_r.iter().any(|(n, _)| n == name) {
            push(
                &mut changes,
                &format!("{prefix}-added"),
                operation,
                "security",
                format!("requirement {name} added"),
            );
        }
    }
    changes
}

/// Every change between the `components/securitySchemes` of two documents.
pub fn compare_schemes<'d>(old_doc: &'d Value, new_doc: &'d Value) -> Vec<Change> {
    let mut changes = Vec::new();
    let schemes = |doc: &'d Value| -> Vec<(&'d String, &'d Value)> {
        object(doc.get("components").and_then(|c| c.get("securitySchemes")))
            .map(|(n, s)| (n, refs::follow(doc, s)))
            .collect()
    };
    let (old, new) = (schemes(old_doc), schemes(new_doc));
    for (name, o) in &old {
        let at = format!("security scheme {name}");
        let Some((_, n)) = new.iter().find(|(k, _)| k == name) else {
            push(
                &mut changes,
                "api-security-component-removed",
                "",
                &at,
                "security scheme removed",
            );
            continue;
        };
        let kind = |s: &Value| {
            let t = s.get("type").and_then(Value::as_str).unwrap_or("?").to_owned();
            match s.get("scheme").and_then(Value::as_str) {
                Some(scheme) => format!("{t} {}", scheme.to_ascii_lowercase()),
                None => t,
            }
        };
        let (ok, nk) = (kind(o), kind(n));
        if ok != nk {
            push(
                &mut changes,
                "api-security-component-type-changed",
                "",
                &at,
                format!("type changed from {ok} to {nk}"),
            );
            continue;
        }
        for (flow, of) in object(o.get("flows")) {
            let Some(nf) = n.get("flows").and_then(|f| f.get(flow)) else {
                continue;
            };
            for (key, id) in [
                ("tokenUrl", "api-security-component-oauth-token-url-changed"),
                ("authorizationUrl", "api-security-component-oauth-url-changed"),
            ] {
                let (ov, nv) = (of.get(key).and_then(Value::as_str), nf.get(key).and_then(Value::as_str));
                if ov != nv {
                    push(
                        &mut changes,
                        id,
                        "",
                        &format!("{at} flow {flow}"),
                        format!(
                            "{key} changed from {} to {}",
                            ov.unwrap_or("none"),
                            nv.unwrap_or("none")
                        ),
                    );
                }
            }
        }
    }
    for (name, _) in &new {
        if !old.iter().any(|(k, _)| k == name) {
            push(
                &mut changes,
                "api-security-component-added",
                "",
                &format!("security scheme {name}"),
                "new security scheme",
            );
        }
    }
    changes
}

fn push(changes: &mut Vec<Change>, id: &str, operation: &str, location: &str, message: impl Into<String>) {
    changes.push(Change::new(id, operation, location, message));
}

fn object(value: Option<&Value>) -> impl Iterator<Item = (&String, &Value)> {
    value.and_then(Value::as_object).into_iter().flatten()
}

/// A security requirement list as (scheme names joined by `+`, sorted scopes) per requirement.
fn requirement_list(list: &Value) -> Vec<(String, Vec<String>)> {
    list.as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
        .map(|req| {
            let mut names: Vec<&str> = req.keys().map(String::as_str).collect();
            names.sort_unstable();
            let mut scopes: Vec<String> = req
                .iter()
                .flat_map(|(scheme, scopes)| {
                    scopes
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(Value::as_str)
                        .map(move |s| format!("{scheme}:{s}"))
                })
                .collect();
            scopes.sort_unstable();
            scopes.dedup();
            let name = if names.is_empty() {
                "{}".to_owned()
            } else {
                names.join("+")
            };
            (name, scopes)
        })
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly on bad fixtures")]
mod tests {
    use serde_json::json;

    use super::*;

    /// A list on one side only reports each of its requirements; an empty one reports nothing.
    #[test]
    fn a_list_on_one_side_only_reports_each_requirement() {
        let list = json!([{"key": []}, {"oauth": ["read"]}]);
        let ids = |old: Option<&Value>, new: Option<&Value>| -> Vec<String> {
            compare_requirements("GET /x", "api-security", old, new)
                .into_iter()
                .map(|c| format!("{} {}", c.id, c.message))
                .collect()
        };
        assert_eq!(
            ids(None, Some(&list)),
            [
                "api-security-added requirement key added",
                "api-security-added requirement oauth added"
            ]
        );
        assert_eq!(
            ids(Some(&list), None),
            [
                "api-security-removed requirement key removed",
                "api-security-removed requirement oauth removed"
            ]
        );
        assert!(ids(None, Some(&json!([]))).is_empty());
        assert!(ids(None, None).is_empty());
    }
}
