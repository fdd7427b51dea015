//! Comparing operations: paths, methods, parameters, request bodies and responses.

use serde_json::Value;

use super::report::Change;
use super::schema::{self, Direction, SchemaDiff, Site};
use super::security;
use crate::spec::refs;

/// Every change between `old` (vendored) and `new` (upstream), unsorted.
pub fn diff(old: &Value, new: &Value) -> Vec<Change> {
    let mut d = Differ {
        old,
        new,
        schemas: SchemaDiff::new(old, new),
        changes: Vec::new(),
    };
    d.paths();
    d.webhooks();
    d.changes.extend(security::compare_schemes(old, new));
    d.servers();
    let global = |doc: &'_ Value| doc.get("security").cloned();
    let (old_global, new_global) = (global(old), global(new));
    d.changes.extend(security::compare_requirements(
        "",
        "api-global-security",
        old_global.as_ref(),
        new_global.as_ref(),
    ));
    let mut changes = d.changes;
    changes.extend(d.schemas.changes);
    super::stability::cap_unstable(old, new, &mut changes);
    changes
}

struct Differ<'a> {
    old: &'a Value,
    new: &'a Value,
    schemas: SchemaDiff<'a>,
    changes: Vec<Change>,
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

/// One operation in both documents, with the path items that hold it (for path-level parameters).
#[derive(Clone, Copy)]
struct Sides<'a> {
    old_item: &'a Value,
    old_op: &'a Value,
    new_item: &'a Value,
    new_op: &'a Value,
    /// The path templates on each side (empty for a webhook): where renamed path parameters show.
    paths: (&'a str, &'a str),
}

/// The path item among `paths` (of `doc`) whose path has `path`'s shape, its `$ref` followed.
fn same_shape<'v>(doc: &'v Value, paths: &[(&String, &'v Value)], path: &str) -> Option<&'v Value> {
    same_shape_path(doc, paths, path).map(|(_, item)| item)
}

/// [`same_shape`] with the path it was found at.
fn same_shape_path<'p, 'v>(
    doc: &'v Value,
    paths: &[(&'p String, &'v Value)],
    path: &str,
) -> Option<(&'p str, &'v Value)> {
    let shape = path_shape(path);
    paths
        .iter()
        .find(|(p, _)| path_shape(p) == shape)
        .map(|(p, item)| (p.as_str(), refs::follow(doc, item)))
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
            let old_item = refs::follow(old, old_item);
            let (new_path, new_item) = same_shape_path(new, &new_paths, path).unzip();
            for (method, old_op) in refs::operations(old_item) {
                let operation = refs::label(method, path);
                let new_op = new_item.and_then(|i| i.get(method)).filter(|o| o.is_object());
                match (new_item, new_op) {
                    (_, Some(new_op)) => {
                        let sides = Sides {
                            old_item,
                            old_op,
                            new_item: new_item.unwrap_or(&Value::Null),
                            new_op,
                            paths: (path.as_str(), new_path.unwrap_or(path.as_str())),
                        };
                        self.operation(&operation, sides);
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
            let new_item = refs::follow(new, new_item);
            let old_item = same_shape(old, &old_paths, path);
            for (method, _) in refs::operations(new_item) {
                if old_item.and_then(|i| i.get(method)).is_some_and(Value::is_object) {
                    continue;
                }
                let operation = refs::label(method, path);
                self.push("endpoint-added", &operation, "", "new operation");
            }
        }
    }

    fn operation(&mut self, operation: &str, sides: Sides<'a>) {
        let Sides { old_op, new_op, .. } = sides;
        match (is_true(old_op, "deprecated"), is_true(new_op, "deprecated")) {
            (false, true) => self.push("endpoint-deprecated", operation, "", "operation deprecated"),
            (true, false) => self.push("endpoint-reactivated", operation, "", "operation no longer deprecated"),
            _ => {}
        }
        let old_id = old_op.get("operationId").and_then(Value::as_str);
        let new_id = new_op.get("operationId").and_then(Value::as_str);
        match (old_id, new_id) {
            (Some(o), n) if Some(o) != n => {
                let msg = match n {
                    Some(n) => format!("operationId changed from {o} to {n}"),
                    None => format!("operationId {o} removed"),
                };
                self.push("api-operation-id-removed", operation, "operationId", msg);
            }
            (None, Some(n)) => self.push(
                "api-operation-id-added",
                operation,
                "operationId",
                format!("operationId {n} added"),
            ),
            _ => {}
        }
        let tags = |op: &'a Value| -> Vec<&'a str> {
            op.get("tags")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect()
        };
        let (old_tags, new_tags) = (tags(old_op), tags(new_op));
        for t in old_tags.iter().filter(|t| !new_tags.contains(t)) {
            self.push("api-tag-removed", operation, "tags", format!("tag {t} removed"));
        }
        for t in new_tags.iter().filter(|t| !old_tags.contains(t)) {
            self.push("api-tag-added", operation, "tags", format!("tag {t} added"));
        }
        self.changes.extend(security::compare_requirements(
            operation,
            "api-security",
            old_op.get("security"),
            new_op.get("security"),
        ));
        self.parameters(operation, sides);
        self.request_body(operation, old_op, new_op);
        self.responses(operation, old_op, new_op);
    }

    fn collect_params(doc: &'a Value, item: &'a Value, op: &'a Value) -> Vec<(String, String, &'a Value)> {
        let mut out: Vec<(String, String, &'a Value)> = Vec::new();
        let listed = [item, op]
            .into_iter()
            .flat_map(|holder| holder.get("parameters").and_then(Value::as_array).into_iter().flatten());
        for param in listed {
            let param = refs::follow(doc, param);
            let Some((key, label)) = param_key(param) else { continue };
            // Operation-level parameters override path-level ones of the same identity.
            match out.iter_mut().find(|(k, _, _)| *k == key) {
                Some(slot) => *slot = (key, label, param),
                None => out.push((key, label, param)),
            }
        }
        out
    }

    fn parameters(&mut self, operation: &str, sides: Sides<'a>) {
        let old = Self::collect_params(self.old, sides.old_item, sides.old_op);
        let new = Self::collect_params(self.new, sides.new_item, sides.new_op);
        let required = |p: &Value| is_true(p, "required") || p.get("in").and_then(Value::as_str) == Some("path");
        // Path parameters renamed in place: (old key, new key), each present on its side only.
        let renames: Vec<(String, String)> = super::rename::path_parameters(sides.paths.0, sides.paths.1)
            .into_iter()
            .map(|(o, n)| (format!("path:{o}"), format!("path:{n}")))
            .filter(|(o, n)| {
                old.iter().any(|(k, _, _)| k == o)
                    && new.iter().any(|(k, _, _)| k == n)
                    && !new.iter().any(|(k, _, _)| k == o)
                    && !old.iter().any(|(k, _, _)| k == n)
            })
            .collect();
        for (key, old_label, old_param) in &old {
            let renamed = renames.iter().find(|(o, _)| o == key).map(|(_, n)| n);
            let Some((_, new_label, new_param)) = new.iter().find(|(k, _, _)| Some(k) == renamed.or(Some(key))) else {
                self.push("request-parameter-removed", operation, old_label, "parameter removed");
                continue;
            };
            // A renamed parameter's own changes are located under its new name.
            let label = if renamed.is_some() { new_label } else { old_label };
            if let Some((_, name)) = renamed.and_then(|n| n.split_once(':')) {
                self.push(
                    "request-parameter-renamed",
                    operation,
                    old_label,
                    format!("path parameter renamed to {name} (same place in the path)"),
                );
            }
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
            match (is_true(old_param, "deprecated"), is_true(new_param, "deprecated")) {
                (false, true) => self.push("request-parameter-deprecated", operation, label, "parameter deprecated"),
                (true, false) => self.push(
                    "request-parameter-reactivated",
                    operation,
                    label,
                    "parameter no longer deprecated",
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
            if old.iter().any(|(k, _, _)| k == key) || renames.iter().any(|(_, n)| n == key) {
                continue;
            }
            // Declared on the path item (for every operation of the path), not the operation.
            let path_level = !Self::collect_params(self.new, &Value::Null, sides.new_op)
                .iter()
                .any(|(k, _, _)| k == key);
            if new_param.get("in").and_then(Value::as_str) == Some("path") {
                self.push("new-request-path-parameter", operation, label, "new path parameter");
            } else if path_level {
                let (id, word) = if required(new_param) {
                    ("new-required-request-default-parameter-to-existing-path", "required")
                } else {
                    ("new-optional-request-default-parameter-to-existing-path", "optional")
                };
                self.push(id, operation, label, format!("new {word} parameter of the path"));
            } else if required(new_param) {
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
        let old = old_op.get("requestBody").map(|b| refs::follow(self.old, b));
        let new = new_op.get("requestBody").map(|b| refs::follow(self.new, b));
        match (old, new) {
            (None, None) => {}
            (None, Some(n)) if is_true(n, "required") => {
                self.push(
                    "request-body-added-required",
                    operation,
                    "request body",
                    "request body is now required",
                );
            }
            (None, Some(_)) => self.push(
                "request-body-added-optional",
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
                    let (o, n) = (refs::follow(self.old, old_resp), refs::follow(self.new, new_resp));
                    self.content(operation, &label, o, n, Direction::Response);
                    self.headers(operation, &label, o, n);
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

    /// Compare the `headers` of a response (names case-insensitively).
    fn headers(&mut self, operation: &str, label: &str, old: &'a Value, new: &'a Value) {
        let headers = |doc: &'a Value, resp: &'a Value| -> Vec<(String, &'a Value)> {
            object(resp.get("headers"))
                .map(|(name, h)| (name.to_ascii_lowercase(), refs::follow(doc, h)))
                .collect()
        };
        let old_h = headers(self.old, old);
        let new_h = headers(self.new, new);
        for (name, o) in &old_h {
            let at = format!("{label} header {name}");
            let Some((_, n)) = new_h.iter().find(|(k, _)| k == name) else {
                let id = if is_true(o, "required") {
                    "required-response-header-removed"
                } else {
                    "optional-response-header-removed"
                };
                self.push(id, operation, &at, "header removed");
                continue;
            };
            match (is_true(o, "required"), is_true(n, "required")) {
                (true, false) => self.push(
                    "response-header-became-optional",
                    operation,
                    &at,
                    "header became optional",
                ),
                (false, true) => self.push(
                    "response-header-became-required",
                    operation,
                    &at,
                    "header became required",
                ),
                _ => {}
            }
            if let (Some(os), Some(ns)) = (param_schema(o), param_schema(n)) {
                let ((ot, on), (nt, nn)) = (schema::shape(self.old, os), schema::shape(self.new, ns));
                if ot != nt && schema::widens(self.old, os, self.new, ns) {
                    self.push(
                        "response-header-type-generalized",
                        operation,
                        &at,
                        format!("type widened from {ot} to {nt}"),
                    );
                } else if ot != nt {
                    self.push(
                        "response-header-type-changed",
                        operation,
                        &at,
                        format!("type changed from {ot} to {nt}"),
                    );
                }
                if !on && nn {
                    self.push(
                        "response-header-became-nullable",
                        operation,
                        &at,
                        "header may now be null",
                    );
                }
            }
        }
        for (name, _) in &new_h {
            if !old_h.iter().any(|(k, _)| k == name) {
                self.push(
                    "response-header-added",
                    operation,
                    &format!("{label} header {name}"),
                    "new header",
                );
            }
        }
    }

    /// Compare the names of the document's `webhooks` (3.1).
    fn webhooks(&mut self) {
        let (old, new) = (self.old.get("webhooks"), self.new.get("webhooks"));
        let names = |w: Option<&'a Value>| -> Vec<&'a String> { object(w).map(|(n, _)| n).collect() };
        let (old_names, new_names) = (names(old), names(new));
        for n in old_names.iter().filter(|n| !new_names.contains(n)) {
            self.push("webhook-removed", "", &format!("webhook {n}"), "webhook removed");
        }
        // A webhook kept on both sides: its operations compare like a path's (the API sends
        // the request and reads the response, but oasdiff keeps the directions, and so do we).
        for name in old_names.iter().filter(|n| new_names.contains(n)) {
            let (Some(old_item), Some(new_item)) = (
                old.and_then(|w| w.get(name.as_str())),
                new.and_then(|w| w.get(name.as_str())),
            ) else {
                continue;
            };
            let (old_item, new_item) = (refs::follow(self.old, old_item), refs::follow(self.new, new_item));
            for (method, o) in refs::operations(old_item) {
                if let Some(n) = new_item.get(method).filter(|n| n.is_object()) {
                    let operation = format!("WEBHOOK {name} {}", method.to_ascii_uppercase());
                    let sides = Sides {
                        old_item,
                        old_op: o,
                        new_item,
                        new_op: n,
                        paths: ("", ""),
                    };
                    self.operation(&operation, sides);
                }
            }
        }
        for n in new_names.iter().filter(|n| !old_names.contains(n)) {
            self.push("webhook-added", "", &format!("webhook {n}"), "new webhook");
        }
    }

    /// Compare the document's `servers` (base URLs and their variables).
    fn servers(&mut self) {
        let servers = |doc: &'a Value| -> Vec<(&'a str, &'a Value)> {
            doc.get("servers")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|s| Some((s.get("url")?.as_str()?, s)))
                .collect()
        };
        let (old, new) = (servers(self.old), servers(self.new));
        for (url, o) in &old {
            let Some((_, n)) = new.iter().find(|(u, _)| u == url) else {
                self.push("x-server-removed", "", &format!("server {url}"), "server removed");
                continue;
            };
            for (var, ov) in object(o.get("variables")) {
                let nv = n.get("variables").and_then(|v| v.get(var));
                let key = |v: Option<&Value>| v.map(|v| (v.get("default").cloned(), v.get("enum").cloned()));
                if key(Some(ov)) != key(nv) {
                    self.push(
                        "x-server-variable-changed",
                        "",
                        &format!("server {url} variable {var}"),
                        "default or allowed values changed",
                    );
                }
            }
        }
        for (url, _) in &new {
            if !old.iter().any(|(u, _)| u == url) {
                self.push("x-server-added", "", &format!("server {url}"), "server added");
            }
        }
    }

    /// Compare the `content` maps of a request body or response.
    fn content(&mut self, operation: &str, label: &str, old: &'a Value, new: &'a Value, direction: Direction) {
        let old_content: Vec<(&'a String, &'a Value)> = object(old.get("content")).collect();
        let new_content: Vec<(&'a String, &'a Value)> = object(new.get("content")).collect();
        let (removed, added, prefix, body) = match direction {
            Direction::Request => (
                "request-body-media-type-removed",
                "request-body-media-type-added",
                "request-property",
                "request-body",
            ),
            Direction::Response => (
                "response-media-type-removed",
                "response-media-type-added",
                "response-property",
                "response-body",
            ),
        };
        for &(media, old_mt) in &old_content {
            let location = format!("{label} {media}");
            let Some(&(_, new_mt)) = new_content.iter().find(|(m, _)| m.eq_ignore_ascii_case(media)) else {
                // A response media type replaced by a range that covers it (`application/*`).
                let range = new_content.iter().find(|(m, _)| covers_media(m, media)).map(|(m, _)| m);
                match (direction, range) {
                    (Direction::Response, Some(range)) => self.push(
                        "response-media-type-name-generalized",
                        operation,
                        &location,
                        format!("media type {media} generalized to {range}"),
                    ),
                    _ => self.push(removed, operation, &location, format!("media type {media} removed")),
                }
                continue;
            };
            match (old_mt.get("schema"), new_mt.get("schema")) {
                (Some(o), Some(n)) => {
                    let site = Site {
                        operation,
                        location: &location,
                        direction,
                        prefix,
                    };
                    self.schemas.compare(&site, o, n);
                }
                (None, Some(_)) => self.push(
                    &format!("{body}-media-type-schema-added"),
                    operation,
                    &location,
                    "schema added",
                ),
                (Some(_), None) => self.push(
                    &format!("{body}-media-type-schema-removed"),
                    operation,
                    &location,
                    "schema removed",
                ),
                (None, None) => {}
            }
        }
        for (media, _) in &new_content {
            // A response range that generalized a removed type was reported as that.
            let generalized = direction == Direction::Response
                && old_content.iter().any(|(m, _)| {
                    covers_media(media, m) && !new_content.iter().any(|(n, _)| n.eq_ignore_ascii_case(m))
                });
            if !generalized && !old_content.iter().any(|(m, _)| m.eq_ignore_ascii_case(media)) {
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

/// Whether media range `range` (`application/*`, `*/*`) covers media type `media` (and differs).
fn covers_media(range: &str, media: &str) -> bool {
    let essence = |m: &str| m.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    let (range, media) = (essence(range), essence(media));
    if range == media {
        return false;
    }
    match (range.split_once('/'), media.split_once('/')) {
        (Some(("*", "*")), Some(_)) => true,
        (Some((rt, "*")), Some((mt, _))) => rt == mt,
        _ => false,
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

    /// A path whose `{a}` became `{b}`, with the path parameters each side declares.
    fn renamed_path(old_params: &[&str], new_params: &[&str]) -> Vec<String> {
        let doc = |template: &str, names: &[&str]| {
            let params: Vec<Value> = names
                .iter()
                .map(|name| serde_json::json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}}))
                .collect();
            serde_json::json!({"openapi": "3.0.3", "paths": {template: {"get": {
                "parameters": params, "responses": {"204": {"description": "none"}}
            }}}})
        };
        let changes = diff(&doc("/x/{a}", old_params), &doc("/x/{b}", new_params));
        changes
            .into_iter()
            .map(|c| format!("{} {}", c.id, c.location))
            .collect()
    }

    #[test]
    fn a_path_parameter_is_renamed_only_when_each_name_is_on_one_side() {
        assert_eq!(
            renamed_path(&["a"], &["b"]),
            ["request-parameter-renamed path parameter a"]
        );
        // Either name declared on both sides: `a` was dropped and `b` matched as it is, no rename.
        for (old, new) in [(&["a", "b"][..], &["b"][..]), (&["a"][..], &["a", "b"][..])] {
            let changes = renamed_path(old, new);
            assert!(
                !changes.iter().any(|c| c.starts_with("request-parameter-renamed")),
                "{old:?} -> {new:?}: {changes:?}"
            );
        }
    }
}
