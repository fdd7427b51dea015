//! Comparing operations: paths, methods, parameters, request bodies and responses.

use serde_json::Value;

use super::Change;
use super::schema::{Direction, SchemaDiff, Site};

const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
const MAX_HOPS: usize = 32;

/// Every change between `old` (vendored) and `new` (upstream), unsorted.
pub fn diff(old: &Value, new: &Value) -> Vec<Change> {
    let mut d = Differ {
        old,
        new,
        schemas: SchemaDiff::new(old, new),
        changes: Vec::new(),
    };
    d.paths();
    let mut changes = d.changes;
    changes.extend(d.schemas.changes);
    changes
}

struct Differ<'a> {
    old: &'a Value,
    new: &'a Value,
    schemas: SchemaDiff<'a>,
    changes: Vec<Change>,
}

/// Follow `$ref`s of a non-schema object (parameter, request body, response, path item).
fn resolve<'a>(doc: &'a Value, mut value: &'a Value) -> &'a Value {
    for _ in 0..MAX_HOPS {
        let Some(target) = value
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix('#'))
            .and_then(|p| doc.pointer(p))
        else {
            break;
        };
        value = target;
    }
    value
}

fn object(value: Option<&Value>) -> impl Iterator<Item = (&String, &Value)> {
    value.and_then(Value::as_object).into_iter().flatten()
}

/// `/a/{id}` and `/a/{other}` are the same path.
fn path_shape(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_param = false;
    for c in path.chars() {
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

fn is_true(value: &Value, key: &str) -> bool {
    value.get(key).and_then(Value::as_bool) == Some(true)
}

/// A parameter's identity (`in` + name, header names case-insensitively) and its label.
fn param_key(param: &Value) -> Option<(String, String)> {
    let name = param.get("name")?.as_str()?;
    let place = param.get("in")?.as_str()?;
    let key_name = if place == "header" {
        name.to_ascii_lowercase()
    } else {
        name.to_owned()
    };
    Some((format!("{place}:{key_name}"), format!("{place} parameter {name}")))
}

/// The schema of a parameter (`schema`, else the first `content` entry's).
fn param_schema(param: &Value) -> Option<&Value> {
    param.get("schema").or_else(|| {
        param
            .get("content")
            .and_then(Value::as_object)
            .and_then(|c| c.values().next())
            .and_then(|m| m.get("schema"))
    })
}

impl<'a> Differ<'a> {
    fn push(&mut self, id: &str, operation: &str, location: &str, message: impl Into<String>) {
        self.changes.push(Change::new(id, operation, location, message));
    }

    fn paths(&mut self) {
        let (old, new) = (self.old, self.new);
        let new_paths: Vec<(&String, &Value)> = object(new.get("paths")).collect();
        let old_paths: Vec<(&String, &Value)> = object(old.get("paths")).collect();
        for (path, old_item) in &old_paths {
            let old_item = resolve(old, old_item);
            let shape = path_shape(path);
            let new_item = new_paths
                .iter()
                .find(|(p, _)| path_shape(p) == shape)
                .map(|(_, item)| resolve(new, item));
            for method in METHODS {
                let Some(old_op) = old_item.get(method).filter(|o| o.is_object()) else {
                    continue;
                };
                let operation = format!("{} {path}", method.to_ascii_uppercase());
                let new_op = new_item.and_then(|i| i.get(method)).filter(|o| o.is_object());
                match (new_item, new_op) {
                    (_, Some(new_op)) => {
                        self.operation(&operation, old_item, old_op, new_item.unwrap_or(&Value::Null), new_op);
                    }
                    _ if is_true(old_op, "deprecated") => {
                        self.push(
                            "api-removed-with-deprecation",
                            &operation,
                            "",
                            "deprecated operation removed",
                        );
                    }
                    (None, None) => {
                        self.push(
                            "api-path-removed-without-deprecation",
                            &operation,
                            "",
                            format!("path {path} removed"),
                        );
                    }
                    (Some(_), None) => {
                        self.push("api-removed-without-deprecation", &operation, "", "operation removed");
                    }
                }
            }
        }
        for (path, new_item) in &new_paths {
            let new_item = resolve(new, new_item);
            let shape = path_shape(path);
            let old_item = old_paths
                .iter()
                .find(|(p, _)| path_shape(p) == shape)
                .map(|(_, item)| resolve(old, item));
            for method in METHODS {
                if new_item.get(method).is_none_or(|o| !o.is_object()) {
                    continue;
                }
                if old_item.and_then(|i| i.get(method)).is_some_and(Value::is_object) {
                    continue;
                }
                let operation = format!("{} {path}", method.to_ascii_uppercase());
                self.push("endpoint-added", &operation, "", "new operation");
            }
        }
    }

    fn operation(
        &mut self,
        operation: &str,
        old_item: &'a Value,
        old_op: &'a Value,
        new_item: &'a Value,
        new_op: &'a Value,
    ) {
        if !is_true(old_op, "deprecated") && is_true(new_op, "deprecated") {
            self.push("endpoint-deprecated", operation, "", "operation deprecated");
        }
        let old_id = old_op.get("operationId").and_then(Value::as_str);
        let new_id = new_op.get("operationId").and_then(Value::as_str);
        if let Some(old_id) = old_id
            && Some(old_id) != new_id
        {
            let msg = match new_id {
                Some(new_id) => format!("operationId changed from {old_id} to {new_id}"),
                None => format!("operationId {old_id} removed"),
            };
            self.push("api-operation-id-removed", operation, "operationId", msg);
        }
        self.parameters(operation, old_item, old_op, new_item, new_op);
        self.request_body(operation, old_op, new_op);
        self.responses(operation, old_op, new_op);
    }

    fn collect_params(doc: &'a Value, item: &'a Value, op: &'a Value) -> Vec<(String, String, &'a Value)> {
        let mut out: Vec<(String, String, &'a Value)> = Vec::new();
        let listed = [item, op]
            .into_iter()
            .flat_map(|holder| holder.get("parameters").and_then(Value::as_array).into_iter().flatten());
        for param in listed {
            let param = resolve(doc, param);
            let Some((key, label)) = param_key(param) else { continue };
            // Operation-level parameters override path-level ones of the same identity.
            match out.iter_mut().find(|(k, _, _)| *k == key) {
                Some(slot) => *slot = (key, label, param),
                None => out.push((key, label, param)),
            }
        }
        out
    }

    fn parameters(
        &mut self,
        operation: &str,
        old_item: &'a Value,
        old_op: &'a Value,
        new_item: &'a Value,
        new_op: &'a Value,
    ) {
        let old = Self::collect_params(self.old, old_item, old_op);
        let new = Self::collect_params(self.new, new_item, new_op);
        let required = |p: &Value| is_true(p, "required") || p.get("in").and_then(Value::as_str) == Some("path");
        for (key, label, old_param) in &old {
            let Some((_, _, new_param)) = new.iter().find(|(k, _, _)| k == key) else {
                self.push("request-parameter-removed", operation, label, "parameter removed");
                continue;
            };
            match (required(old_param), required(new_param)) {
                (false, true) => self.push(
                    "request-parameter-became-required",
                    operation,
                    label,
                    "parameter became required",
                ),
                (true, false) => self.push(
                    "request-parameter-became-optional",
                    operation,
                    label,
                    "parameter became optional",
                ),
                _ => {}
            }
            if let (Some(o), Some(n)) = (param_schema(old_param), param_schema(new_param)) {
                let site = Site {
                    operation,
                    location: label,
                    direction: Direction::Request,
                    prefix: "request-parameter",
                };
                self.schemas.compare(&site, o, n);
            }
        }
        for (key, label, new_param) in &new {
            if old.iter().any(|(k, _, _)| k == key) {
                continue;
            }
            if required(new_param) {
                self.push(
                    "new-required-request-parameter",
                    operation,
                    label,
                    "new required parameter",
                );
            } else {
                self.push(
                    "new-optional-request-parameter",
                    operation,
                    label,
                    "new optional parameter",
                );
            }
        }
    }

    fn request_body(&mut self, operation: &str, old_op: &'a Value, new_op: &'a Value) {
        let old = old_op.get("requestBody").map(|b| resolve(self.old, b));
        let new = new_op.get("requestBody").map(|b| resolve(self.new, b));
        match (old, new) {
            (None, None) => {}
            (None, Some(n)) if is_true(n, "required") => {
                self.push(
                    "new-required-request-body",
                    operation,
                    "request body",
                    "request body is now required",
                );
            }
            (None, Some(_)) => self.push(
                "new-optional-request-body",
                operation,
                "request body",
                "new optional request body",
            ),
            (Some(_), None) => self.push(
                "request-body-removed",
                operation,
                "request body",
                "request body removed",
            ),
            (Some(o), Some(n)) => {
                match (is_true(o, "required"), is_true(n, "required")) {
                    (false, true) => self.push(
                        "request-body-became-required",
                        operation,
                        "request body",
                        "request body became required",
                    ),
                    (true, false) => self.push(
                        "request-body-became-optional",
                        operation,
                        "request body",
                        "request body became optional",
                    ),
                    _ => {}
                }
                self.content(operation, "request body", o, n, Direction::Request);
            }
        }
    }

    fn responses(&mut self, operation: &str, old_op: &'a Value, new_op: &'a Value) {
        let old: Vec<(&String, &Value)> = object(old_op.get("responses")).collect();
        let new: Vec<(&String, &Value)> = object(new_op.get("responses")).collect();
        let success = |code: &str| code.starts_with('2');
        for (code, old_resp) in &old {
            let label = format!("response {code}");
            match new.iter().find(|(c, _)| c.eq_ignore_ascii_case(code)) {
                Some((_, new_resp)) => {
                    let (o, n) = (resolve(self.old, old_resp), resolve(self.new, new_resp));
                    self.content(operation, &label, o, n, Direction::Response);
                }
                None if success(code) => self.push(
                    "response-success-status-removed",
                    operation,
                    &label,
                    format!("success response {code} removed"),
                ),
                None => self.push(
                    "response-non-success-status-removed",
                    operation,
                    &label,
                    format!("response {code} removed"),
                ),
            }
        }
        for (code, _) in &new {
            if old.iter().any(|(c, _)| c.eq_ignore_ascii_case(code)) {
                continue;
            }
            let label = format!("response {code}");
            if success(code) {
                self.push(
                    "response-success-status-added",
                    operation,
                    &label,
                    format!("new success response {code}"),
                );
            } else {
                self.push(
                    "response-non-success-status-added",
                    operation,
                    &label,
                    format!("new response {code}"),
                );
            }
        }
    }

    /// Compare the `content` maps of a request body or response.
    fn content(&mut self, operation: &str, label: &str, old: &'a Value, new: &'a Value, direction: Direction) {
        let old_content: Vec<(&'a String, &'a Value)> = object(old.get("content")).collect();
        let new_content: Vec<(&'a String, &'a Value)> = object(new.get("content")).collect();
        let (removed, added, prefix) = match direction {
            Direction::Request => (
                "request-body-media-type-removed",
                "request-body-media-type-added",
                "request-property",
            ),
            Direction::Response => (
                "response-media-type-removed",
                "response-media-type-added",
                "response-property",
            ),
        };
        for &(media, old_mt) in &old_content {
            let location = format!("{label} {media}");
            let Some(&(_, new_mt)) = new_content.iter().find(|(m, _)| m.eq_ignore_ascii_case(media)) else {
                self.push(removed, operation, &location, format!("media type {media} removed"));
                continue;
            };
            if let (Some(o), Some(n)) = (old_mt.get("schema"), new_mt.get("schema")) {
                let site = Site {
                    operation,
                    location: &location,
                    direction,
                    prefix,
                };
                self.schemas.compare(&site, o, n);
            }
        }
        for (media, _) in &new_content {
            if !old_content.iter().any(|(m, _)| m.eq_ignore_ascii_case(media)) {
                self.push(
                    added,
                    operation,
                    &format!("{label} {media}"),
                    format!("media type {media} added"),
                );
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly on bad fixtures")]
mod tests {
    use super::*;

    #[test]
    fn path_parameter_names_do_not_matter() {
        assert_eq!(path_shape("/a/{id}/b/{x}"), path_shape("/a/{other}/b/{y}"));
        assert_ne!(path_shape("/a/{id}"), path_shape("/b/{id}"));
    }
}
