//! Where the schemas being compared sit, and how a change found there is named and reported.

use crate::drift::report::Change;

/// Who sends the data a schema describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// The client sends it: narrowing breaks.
    Request,
    /// The server sends it: widening breaks.
    Response,
}

/// Where the schemas being compared sit: used for the change's operation, location and rule ids.
#[derive(Debug, Clone, Copy)]
pub struct Site<'s> {
    /// The operation, e.g. `GET /x`.
    pub operation: &'s str,
    /// The schema's place in the operation, e.g. `query parameter ids`.
    pub location: &'s str,
    /// Request or response.
    pub direction: Direction,
    /// Prefix of schema attribute rule ids: `request-parameter`, `request-property` or `response-property`.
    pub prefix: &'static str,
}

impl Site<'_> {
    /// Report rule `id` for the schema at `path`.
    pub(super) fn emit(&self, changes: &mut Vec<Change>, id: String, path: &str, message: String) {
        changes.push(Change::new(id, self.operation, &location(self.location, path), message));
    }

    /// Report `<prefix>-<attr>` for the schema at `path`, reported there.
    pub(super) fn emit_attr(&self, changes: &mut Vec<Change>, attr: &str, path: &str, message: String) {
        self.emit_attr_at(changes, attr, path, path, message);
    }

    /// Emit `<prefix>-<attr>` for the schema at `path`, reported at location `at`. The root of a
    /// body schema has oasdiff's `request-body-`/`response-body-` ids.
    pub(super) fn emit_attr_at(&self, changes: &mut Vec<Change>, attr: &str, path: &str, at: &str, message: String) {
        let prefix = match (self.prefix, path.is_empty()) {
            ("request-property", true) => "request-body",
            ("response-property", true) => "response-body",
            ("request-parameter", false)
                if attr == "became-enum" && self.location.starts_with("header parameter") && names_a_property(path) =>
            {
                "request-header-property"
            }
            ("request-parameter", false) if names_a_property(path) => "request-parameter-property",
            (prefix, _) => prefix,
        };
        self.emit(changes, format!("{prefix}-{attr}"), at, message);
    }
}

fn location(base: &str, path: &str) -> String {
    if path.is_empty() {
        base.to_owned()
    } else {
        format!("{base}: {path}")
    }
}

/// Whether a schema path goes through a property (`a`, `[].a`), not only array items (`[]`) or
/// alternatives (`<#0>`).
pub(super) fn names_a_property(path: &str) -> bool {
    let mut depth = 0usize;
    let mut rest = String::new();
    for c in path.replace("[]", "").chars() {
        match c {
            '<' => depth += 1,
            '>' => depth = depth.saturating_sub(1),
            _ if depth == 0 => rest.push(c),
            _ => {}
        }
    }
    !rest.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_names_a_property_outside_alternatives_and_items() {
        for (path, names) in [
            ("a", true),
            ("[].a", true),
            ("[]", false),
            ("<#0>", false),
            ("[]<Skill>", false),
            ("<#0>.a", true),
            ("<Outer<Inner>>", false),
            ("<Outer<Inner>>.a", true),
        ] {
            assert_eq!(names_a_property(path), names, "{path}");
        }
    }
}
