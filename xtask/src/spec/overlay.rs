//! OpenAPI Overlay 1.0: actions with a JSONPath `target` and an `update` or `remove`.
//!
//! Semantics (Overlay 1.0.0, "Action Object"): when the target selects an array, `update` is
//! appended to it; when it selects an object, `update` (an object) is merged into it, nested
//! objects recursively and other values replaced. `remove: true` deletes the selected nodes.
//! A target that selects nothing is an error: the document it was written for has changed.

use serde_json::{Map, Value};
use serde_json_path::JsonPath;

use crate::error::{Error, Result};

/// One parsed overlay action.
#[derive(Debug, Clone)]
pub struct Action {
    /// Index in the overlay's `actions` array.
    pub index: usize,
    /// The JSONPath expression as written.
    pub target: String,
    /// Why the action exists.
    pub description: Option<String>,
    /// What to do to the matched nodes.
    pub kind: ActionKind,
}

/// What an action does.
#[derive(Debug, Clone, PartialEq)]
pub enum ActionKind {
    /// Merge into objects, append to arrays.
    Update(Value),
    /// Remove the matched nodes.
    Remove,
}

/// Parse and check an overlay document.
pub fn parse_actions(overlay: &Value) -> Result<Vec<Action>> {
    let version = overlay.get("overlay").and_then(Value::as_str);
    if !version.is_some_and(|v| v.starts_with("1.")) {
        return Err(Error::at("/overlay", "not an OpenAPI Overlay 1.x document"));
    }
    let actions = overlay
        .get("actions")
        .and_then(Value::as_array)
        .ok_or_else(|| Error::at("/actions", "an overlay needs an `actions` array"))?;
    actions
        .iter()
        .enumerate()
        .map(|(index, action)| {
            let ptr = format!("/actions/{index}");
            let target = action
                .get("target")
                .and_then(Value::as_str)
                .ok_or_else(|| Error::at(&ptr, "action has no string `target`"))?
                .to_owned();
            JsonPath::parse(&target)
                .map_err(|e| Error::at(format!("{ptr}/target"), format!("invalid JSONPath: {e}")))?;
            let remove = action.get("remove").and_then(Value::as_bool).unwrap_or(false);
            let kind = match (remove, action.get("update")) {
                (true, None) => ActionKind::Remove,
                (false, Some(update)) => ActionKind::Update(update.clone()),
                (true, Some(_)) => {
                    return Err(Error::at(&ptr, "an action cannot both update and remove"));
                }
                (false, None) => return Err(Error::at(&ptr, "action has neither `update` nor `remove: true`")),
            };
            let description = action.get("description").and_then(Value::as_str).map(str::to_owned);
            Ok(Action {
                index,
                target,
                description,
                kind,
            })
        })
        .collect()
}

/// JSON pointers of the nodes an action's target selects in `doc`.
pub fn matches(doc: &Value, target: &str) -> Result<Vec<String>> {
    let path = JsonPath::parse(target).map_err(|e| Error::msg(format!("invalid JSONPath {target}: {e}")))?;
    Ok(path
        .query_located(doc)
        .locations()
        .map(|loc| loc.to_json_pointer())
        .collect())
}

/// Apply every action of `overlay` to `doc`, in order.
pub fn apply(doc: &mut Value, overlay: &Value) -> Result<()> {
    for action in parse_actions(overlay)? {
        apply_action(doc, &action)?;
    }
    Ok(())
}

/// Apply one action.
pub fn apply_action(doc: &mut Value, action: &Action) -> Result<()> {
    let at = format!("/actions/{}/target", action.index);
    let pointers = matches(doc, &action.target)?;
    if pointers.is_empty() {
        return Err(Error::at(
            at,
            format!("target {} matches nothing in the document", action.target),
        ));
    }
    match &action.kind {
        ActionKind::Update(update) => {
            for pointer in &pointers {
                let node = doc
                    .pointer_mut(pointer)
                    .ok_or_else(|| Error::at(&at, format!("matched node {pointer} vanished")))?;
                match (node, update) {
                    (Value::Array(items), update) => items.push(update.clone()),
                    (Value::Object(map), Value::Object(update)) => merge_object(map, update),
                    _ => {
                        return Err(Error::at(
                            &at,
                            format!(
                                "{pointer}: update must be an object merged into an object, or a value appended to an array"
                            ),
                        ));
                    }
                }
            }
        }
        ActionKind::Remove => {
            // Remove deepest and highest-index nodes first so earlier pointers stay valid: array
            // indices compare as numbers (`/a/10` before `/a/2`), not as strings.
            let mut pointers = pointers;
            pointers.sort_by(|a, b| pointer_order(b, a));
            for pointer in pointers {
                remove_at(doc, &pointer).ok_or_else(|| Error::at(&at, format!("cannot remove {pointer}")))?;
            }
        }
    }
    Ok(())
}

/// Orders JSON pointers segment by segment, numeric segments as numbers (so `/a/2` < `/a/10`), a
/// pointer before its descendants.
fn pointer_order(a: &str, b: &str) -> std::cmp::Ordering {
    let key = |segment: &str| (segment.parse::<u64>().ok(), segment.to_owned());
    let segments = |p: &str| p.split('/').map(key).collect::<Vec<_>>();
    segments(a).cmp(&segments(b))
}

fn merge_object(target: &mut Map<String, Value>, update: &Map<String, Value>) {
    for (key, value) in update {
        match (target.get_mut(key), value) {
            (Some(Value::Object(existing)), Value::Object(value)) => merge_object(existing, value),
            _ => {
                target.insert(key.clone(), value.clone());
            }
        }
    }
}

fn remove_at(doc: &mut Value, pointer: &str) -> Option<Value> {
    let (parent, last) = pointer.rsplit_once('/')?;
    let key = last.replace("~1", "/").replace("~0", "~");
    match doc.pointer_mut(parent)? {
        Value::Object(map) => map.shift_remove(&key),
        Value::Array(items) => {
            let index: usize = key.parse().ok()?;
            (index < items.len()).then(|| items.remove(index))
        }
        _ => None,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // Tests: a panic is the failure report.
mod tests {
    use super::*;
    use serde_json::json;

    fn overlay(actions: Value) -> Value {
        json!({"overlay": "1.0.0", "info": {"title": "t", "version": "1"}, "actions": actions})
    }

    #[test]
    fn update_appends_to_arrays_and_merges_objects() {
        let mut doc =
            json!({"paths": {"/x": {"get": {"parameters": [{"name": "a"}], "summary": "s", "x-y": {"w": 2}}}}});
        apply(
            &mut doc,
            &overlay(json!([
                {"target": "$.paths['/x'].get.parameters", "update": {"name": "cursor"}},
                {"target": "$.paths['/x'].get", "update": {"summary": "new", "x-y": {"z": 1}}}
            ])),
        )
        .unwrap();
        assert_eq!(doc["paths"]["/x"]["get"]["parameters"][1]["name"], "cursor");
        assert_eq!(doc["paths"]["/x"]["get"]["summary"], "new");
        assert_eq!(doc["paths"]["/x"]["get"]["x-y"]["z"], 1);
        // Objects merge all the way down: what the update does not name stays.
        assert_eq!(doc["paths"]["/x"]["get"]["x-y"]["w"], 2);
    }

    #[test]
    fn remove_deletes_every_match() {
        let mut doc = json!({"a": [{"k": 1}, {"k": 2}, {"k": 1}]});
        apply(
            &mut doc,
            &overlay(json!([{"target": "$.a[?@.k == 1]", "remove": true}])),
        )
        .unwrap();
        assert_eq!(doc, json!({"a": [{"k": 2}]}));
    }

    #[test]
    fn remove_on_a_long_array_removes_exactly_the_matches() {
        // Indices 2 and 10 both match: removing `/a/2` before `/a/10` would shift the array and
        // delete the element after the second match (or fail past the end).
        let items: Vec<Value> = (0..12).map(|i| json!({"i": i, "drop": i == 2 || i == 10})).collect();
        let mut doc = json!({ "a": items });
        apply(
            &mut doc,
            &overlay(json!([{"target": "$.a[?@.drop == true]", "remove": true}])),
        )
        .unwrap();
        let left: Vec<i64> = doc["a"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["i"].as_i64().unwrap())
            .collect();
        assert_eq!(left, [0, 1, 3, 4, 5, 6, 7, 8, 9, 11]);

        // Nested arrays: the deeper pointers go first, then higher indices.
        let mut doc = json!({"a": (0..11).map(|i| json!({"b": [i, i, 0]})).collect::<Vec<_>>()});
        apply(&mut doc, &overlay(json!([{"target": "$.a[*].b[2]", "remove": true}]))).unwrap();
        apply(&mut doc, &overlay(json!([{"target": "$.a[9,10,1]", "remove": true}]))).unwrap();
        let firsts: Vec<i64> = doc["a"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["b"][0].as_i64().unwrap())
            .collect();
        assert_eq!(firsts, [0, 2, 3, 4, 5, 6, 7, 8]);
        assert!(
            doc["a"]
                .as_array()
                .unwrap()
                .iter()
                .all(|v| v["b"].as_array().unwrap().len() == 2)
        );
    }

    #[test]
    fn an_update_of_the_wrong_type_is_an_error() {
        for (doc, update) in [
            (json!({"a": {"x": 1}}), json!(3)),
            (json!({"a": "text"}), json!({"x": 1})),
            (json!({"a": 7}), json!([1])),
        ] {
            let mut changed = doc.clone();
            let err = apply(&mut changed, &overlay(json!([{"target": "$.a", "update": update}]))).unwrap_err();
            assert_eq!(err.pointer.as_deref(), Some("/actions/0/target"), "{err}");
            assert!(err.reason.contains("/a: update must be"), "{err}");
        }
    }

    #[test]
    fn a_target_matching_nothing_is_an_error() {
        let mut doc = json!({"paths": {}});
        let err = apply(
            &mut doc,
            &overlay(json!([{"target": "$.paths['/gone'].get", "update": {}}])),
        )
        .unwrap_err();
        assert_eq!(err.pointer.as_deref(), Some("/actions/0/target"));
        assert!(err.reason.contains("matches nothing"));
    }

    #[test]
    fn malformed_overlays_are_errors() {
        assert!(parse_actions(&json!({"actions": []})).is_err());
        assert!(parse_actions(&overlay(json!([{"target": "$["}]))).is_err());
        assert!(parse_actions(&overlay(json!([{"target": "$.a"}]))).is_err());
        assert!(parse_actions(&overlay(json!([{"target": "$.a", "remove": true, "update": 1}]))).is_err());
    }
}
