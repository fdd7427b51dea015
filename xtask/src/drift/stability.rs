//! Operations marked unstable with oasdiff's `x-stability-level` extension (`draft`, `alpha`,
//! `beta`, `stable`, on the operation): their changes are reported at most at INFO (draft,
//! alpha) or WARN (beta).
//!
//! oasdiff leaves the changes of draft and alpha operations out of its breaking-change report
//! by default (a removed operation counts by its old level, a changed one by its new); we keep
//! them in the report at INFO so that they stay visible without failing a build. oasdiff reports
//! beta operations at full level; we cap them at WARN, since a beta operation is one its
//! provider may still change (a project that relies on one can raise the level back with
//! `[severity]`).

use serde_json::Value;

use super::level::Level;
use super::report::Change;
use crate::spec::refs;

/// The highest level a change of an operation at stability `level` is reported at.
fn cap(level: &str) -> Option<Level> {
    match level {
        "draft" | "alpha" => Some(Level::Info),
        "beta" => Some(Level::Warn),
        _ => None,
    }
}

/// `METHOD /a/{}`: an operation label with path parameter names blanked, as paths match.
fn shape(label: &str) -> String {
    let mut out = String::with_capacity(label.len());
    let mut in_param = false;
    for c in label.chars() {
        match c {
            '{' => {
                in_param = true;
                out.push('{');
            }
            '}' => {
                in_param = false;
                out.push('}');
            }
            _ if in_param => {}
            _ => out.push(c),
        }
    }
    out
}

/// Every operation of `doc` with an `x-stability-level`: (label shape, level).
fn levels(doc: &Value) -> Vec<(String, String)> {
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (path, item) in paths {
        let item = refs::follow(doc, item);
        for (method, op) in refs::operations(item) {
            let level = op.get("x-stability-level").and_then(Value::as_str).unwrap_or("stable");
            out.push((shape(&refs::label(method, path)), level.to_owned()));
        }
    }
    out
}

/// Cap the level of every change of an unstable operation: its stability in `new` if it is
/// still there, else in `old`. The message says why.
pub fn cap_unstable(old: &Value, new: &Value, changes: &mut [Change]) {
    let (old_levels, new_levels) = (levels(old), levels(new));
    if old_levels.iter().chain(&new_levels).all(|(_, l)| cap(l).is_none()) {
        return;
    }
    for change in changes.iter_mut().filter(|c| !c.operation.is_empty()) {
        let key = shape(&change.operation);
        let find = |levels: &[(String, String)]| levels.iter().find(|(k, _)| *k == key).map(|(_, l)| l.clone());
        let Some(stability) = find(&new_levels).or_else(|| find(&old_levels)) else {
            continue;
        };
        if let Some(max) = cap(&stability)
            && change.level > max
        {
            change.level = max;
            change.message = format!("{} ({stability} operation: at most {max})", change.message);
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly on bad fixtures")]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn alpha_changes_are_info_beta_ones_warn_at_most() {
        let doc = json!({"paths": {
            "/a/{id}": {"get": {"x-stability-level": "alpha"}},
            "/b": {"get": {"x-stability-level": "beta"}},
            "/c": {"get": {}},
        }});
        let mut changes = vec![
            Change::new(
                "request-parameter-became-required",
                "GET /a/{x}",
                "query parameter q",
                "m",
            ),
            Change::new("request-parameter-became-required", "GET /b", "query parameter q", "m"),
            Change::new("request-parameter-became-required", "GET /c", "query parameter q", "m"),
            Change::new("request-parameter-removed", "GET /b", "query parameter p", "m"),
        ];
        cap_unstable(&doc, &doc, &mut changes);
        let levels: Vec<Level> = changes.iter().map(|c| c.level).collect();
        assert_eq!(levels, [Level::Info, Level::Warn, Level::Err, Level::Warn]);
        assert_eq!(changes[0].message, "m (alpha operation: at most INFO)");
        assert_eq!(changes[3].message, "m");
    }

    #[test]
    fn operations_match_by_the_whole_path_shape_not_up_to_a_parameter() {
        let doc = json!({"paths": {
            "/a/{id}/alpha": {"get": {"x-stability-level": "alpha"}},
            "/a/{id}/stable": {"get": {}},
        }});
        let mut changes = vec![Change::new(
            "request-parameter-became-required",
            "GET /a/{x}/stable",
            "query parameter q",
            "m",
        )];
        cap_unstable(&doc, &doc, &mut changes);
        assert_eq!(changes[0].level, Level::Err, "{changes:?}");
    }
}
