//! Checking our overlay against the upstream document: actions whose target vanished (codegen
//! would fail) and actions upstream has made redundant (e.g. upstream now declares `cursor`).

use serde_json::Value;

use super::report::Change;
use crate::error::Result;
use crate::spec::overlay::{self, ActionKind};
use crate::spec::refs;

/// Check each action of `overlay` against `upstream`, in order, applying each matching action
/// before checking the next one (later actions may build on earlier ones).
pub fn check(upstream: &Value, overlay_doc: &Value) -> Result<Vec<Change>> {
    let actions = overlay::parse_actions(overlay_doc)?;
    let mut doc = upstream.clone();
    let mut changes = Vec::new();
    for action in &actions {
        let operation = operation_of(&action.target);
        let location = format!("overlay action {}", action.index);
        let pointers = overlay::matches(&doc, &action.target)?;
        if pointers.is_empty() {
            changes.push(Change::new(
                "overlay-target-not-found",
                &operation,
                &location,
                format!("target {} matches nothing upstream: codegen would fail", action.target),
            ));
            continue;
        }
        if let ActionKind::Update(update) = &action.kind {
            let nodes: Vec<&Value> = pointers.iter().filter_map(|p| doc.pointer(p)).collect();
            if let Some(what) = redundant(&doc, &nodes, update) {
                changes.push(Change::new(
                    "overlay-action-redundant",
                    &operation,
                    &location,
                    format!("upstream already has {what}: drop the action"),
                ));
            }
        }
        // The action matched, so applying it cannot fail on a missing target; any other
        // failure only affects the checks of later actions.
        let _ = overlay::apply_action(&mut doc, action);
    }
    Ok(changes)
}

/// What makes an update redundant on every node it targets, if it is.
fn redundant(doc: &Value, nodes: &[&Value], update: &Value) -> Option<String> {
    let mut what = None;
    for node in nodes {
        let found = match (node, update) {
            (Value::Array(items), Value::Object(u)) if u.contains_key("name") && u.contains_key("in") => {
                // A parameter: same `in` and name (headers case-insensitively) is the same parameter.
                let same = |p: &Value| {
                    let p = refs::follow(doc, p);
                    let place = p.get("in").and_then(Value::as_str);
                    let name = p.get("name").and_then(Value::as_str).unwrap_or_default();
                    let want = u.get("name").and_then(Value::as_str).unwrap_or_default();
                    place == u.get("in").and_then(Value::as_str)
                        && (name == want || (place == Some("header") && name.eq_ignore_ascii_case(want)))
                };
                items.iter().any(same).then(|| {
                    format!(
                        "{} parameter `{}`",
                        u.get("in").and_then(Value::as_str).unwrap_or_default(),
                        u.get("name").and_then(Value::as_str).unwrap_or_default()
                    )
                })
            }
            (Value::Array(items), update) => items.contains(update).then(|| format!("the value {update}")),
            (Value::Object(_), Value::Object(_)) => {
                contains(node, update).then(|| "everything the update sets".to_owned())
            }
            _ => None,
        };
        what = Some(found?);
    }
    what
}

/// Whether merging `update` into `node` would change nothing.
fn contains(node: &Value, update: &Value) -> bool {
    match (node, update) {
        (Value::Object(n), Value::Object(u)) => u.iter().all(|(k, v)| n.get(k).is_some_and(|nv| contains(nv, v))),
        (n, u) => n == u,
    }
}

/// `GET /x` for a target like `$.paths['/x'].get...`, else empty.
pub fn operation_of(target: &str) -> String {
    let Some(start) = target.find("paths[").map(|i| i + "paths[".len()) else {
        return String::new();
    };
    let rest = &target[start..];
    let Some(quote) = rest.chars().next().filter(|c| *c == '\'' || *c == '"') else {
        return String::new();
    };
    let rest = &rest[1..];
    let Some(end) = rest.find(&format!("{quote}]")) else {
        return String::new();
    };
    let path = &rest[..end];
    let after = &rest[end + 2..];
    let method = after
        .strip_prefix('.')
        .map(|m| m.split(['.', '[']).next().unwrap_or_default())
        .filter(|m| refs::is_method(m));
    match method {
        Some(m) => refs::label(m, path),
        None => String::new(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly on bad fixtures")]
mod tests {
    use super::*;

    #[test]
    fn operation_is_read_from_the_target() {
        assert_eq!(operation_of("$.paths['/hris/x'].get.parameters"), "GET /hris/x");
        assert_eq!(operation_of("$.paths[\"/a\"].post"), "POST /a");
        assert_eq!(operation_of("$.paths['/a']"), "");
        assert_eq!(operation_of("$.components.schemas.X"), "");
    }
}
