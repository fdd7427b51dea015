//! Where a change sits in the new document, as a JSON pointer (for SARIF's locations).
//!
//! A [`Change`] names its place for people (`GET /x`, `response 200 application/json:
//! data.results[].id`); this walks that name through a document, following `$ref`s (so the
//! pointer ends where the node is written, e.g. under `/components/schemas`) and `allOf`
//! members. What cannot be found (a removed node, a name this does not understand) stops the
//! walk: the pointer is the deepest node found, at worst the document root. It never fails.

use serde_json::Value;

use super::lines::line_of;
use super::report::Change;

/// A document of the new side as read: where it came from, its text (for line numbers) and its
/// parsed value (to walk a change's location through).
#[derive(Debug, Clone)]
pub struct NewDocument {
    /// The path or URL as given on the command line.
    pub uri: String,
    /// The document's text (a docs page's YAML block).
    pub text: String,
    /// The line of the input on which `text` starts (1, or a page's YAML block's first line).
    pub first_line: usize,
    /// The parsed document.
    pub value: Value,
}

/// Where a change is in the new side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place<'d> {
    /// The document holding it (the one its location goes deepest into).
    pub uri: &'d str,
    /// The 1-based line of the node in that input.
    pub line: usize,
    /// The node's JSON pointer in that document (`""`: the root).
    pub pointer: String,
}

/// The place of `change` among `documents`; `None` only when there is no document.
pub fn place<'d>(documents: &'d [NewDocument], change: &Change) -> Option<Place<'d>> {
    let mut best: Option<(&NewDocument, String, usize)> = None;
    for document in documents {
        let (pointer, steps) = pointer(&document.value, change);
        if best.as_ref().is_none_or(|(_, _, s)| steps > *s) {
            best = Some((document, pointer, steps));
        }
    }
    let (document, pointer, _) = best?;
    Some(Place {
        uri: &document.uri,
        line: document.first_line.saturating_sub(1) + line_of(&document.text, &pointer),
        pointer,
    })
}

/// A node of a document: its JSON pointer and value.
#[derive(Debug, Clone)]
struct Node<'a> {
    pointer: String,
    value: &'a Value,
}

/// The JSON pointer of the deepest node of `doc` that `change` names, and how many steps of its
/// name were found (to pick, among several documents, the one that holds the change).
pub fn pointer(doc: &Value, change: &Change) -> (String, usize) {
    let mut walk = Walk {
        doc,
        node: Node {
            pointer: String::new(),
            value: doc,
        },
        steps: 0,
    };
    walk.change(change);
    (walk.node.pointer, walk.steps)
}

/// `~` and `/` escaped for a JSON pointer segment (RFC 6901).
pub fn escape_segment(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// A walk down a document that keeps the deepest node reached.
struct Walk<'a> {
    doc: &'a Value,
    node: Node<'a>,
    steps: usize,
}

impl<'a> Walk<'a> {
    /// Step into `key` of the current node (following a `$ref` there first); false if absent.
    fn key(&mut self, key: &str) -> bool {
        self.follow_ref();
        match self.node.value.get(key) {
            Some(value) => {
                self.node = Node {
                    pointer: format!("{}/{}", self.node.pointer, escape_segment(key)),
                    value,
                };
                self.steps += 1;
                true
            }
            None => false,
        }
    }

    /// Step into array item `index`.
    fn index(&mut self, index: usize) -> bool {
        match self.node.value.get(index) {
            Some(value) => {
                self.node = Node {
                    pointer: format!("{}/{index}", self.node.pointer),
                    value,
                };
                self.steps += 1;
                true
            }
            None => false,
        }
    }

    /// Step into array item `index`, then to where it is written if it is a `$ref`.
    fn index_resolved(&mut self, index: usize) -> bool {
        let found = self.index(index);
        if found {
            self.follow_ref();
        }
        found
    }

    /// Replace the node by the target of its local `$ref`, if it has one (cycles are bounded).
    fn follow_ref(&mut self) {
        for _ in 0..32 {
            let Some(target) = self.node.value.get("$ref").and_then(Value::as_str) else {
                return;
            };
            let Some(pointer) = target.strip_prefix('#') else {
                return;
            };
            match self.doc.pointer(pointer) {
                Some(value) => {
                    self.node = Node {
                        pointer: pointer.to_owned(),
                        value,
                    }
                }
                None => return,
            }
        }
    }

    fn change(&mut self, change: &Change) {
        // The page-by-page comparison names a shared definition by its pointer.
        if let Some(pointer) = change.location.strip_prefix('#') {
            self.pointer_path(pointer);
            return;
        }
        let found = self.operation(&change.operation);
        if !found || change.location.is_empty() {
            // Document-level changes (servers, security schemes) name their place without an operation.
            if change.operation.is_empty() {
                self.document_place(&change.location);
            }
            return;
        }
        let (place, schema_path) = match change.location.split_once(": ") {
            Some((place, path)) => (place, Some(path)),
            None => (change.location.as_str(), None),
        };
        if self.operation_place(place)
            && let Some(path) = schema_path
        {
            // A parameter's own changes (became required, deprecated) are the parameter's; a
            // path below it is in its schema.
            if place.contains(" parameter ") && !self.key("schema") {
                return;
            }
            self.schema_path(path);
        }
    }

    fn pointer_path(&mut self, pointer: &str) {
        for segment in pointer.split('/').skip(1) {
            let segment = segment.replace("~1", "/").replace("~0", "~");
            let found = match self.node.value {
                Value::Array(_) => segment.parse().is_ok_and(|i| self.index(i)),
                _ => self.key(&segment),
            };
            if !found {
                return;
            }
        }
    }

    /// `METHOD /path` (path parameter names may differ) or `WEBHOOK name METHOD`.
    fn operation(&mut self, operation: &str) -> bool {
        let mut words = operation.split(' ');
        let (Some(first), Some(second)) = (words.next(), words.next()) else {
            return false;
        };
        if first == "WEBHOOK" {
            let method = words.next().unwrap_or_default().to_ascii_lowercase();
            return self.key("webhooks") && self.key(second) && self.key(&method);
        }
        let method = first.to_ascii_lowercase();
        if !self.key("paths") {
            return false;
        }
        let wanted = path_shape(second);
        let found = self
            .node
            .value
            .as_object()
            .and_then(|paths| paths.keys().find(|p| path_shape(p) == wanted).cloned());
        found.is_some_and(|path| self.key(&path) && self.key(&method))
    }

    /// The place in an operation: a parameter, the request body, a response or its header.
    fn operation_place(&mut self, place: &str) -> bool {
        if let Some(rest) = place.strip_prefix("request body") {
            return self.key("requestBody") && self.media(rest.trim());
        }
        if let Some(rest) = place.strip_prefix("response ") {
            let (code, rest) = rest.split_once(' ').unwrap_or((rest, ""));
            if !(self.key("responses") && self.key(code)) {
                return false;
            }
            return match rest.strip_prefix("header ") {
                Some(name) => self.key("headers") && self.key(name) && self.key("schema"),
                None => self.media(rest),
            };
        }
        if let Some((kind, name)) = place.split_once(" parameter ") {
            return self.parameter(kind, name);
        }
        false
    }

    /// `content/<media>/schema` of the current request body or response.
    fn media(&mut self, media: &str) -> bool {
        media.is_empty() || (self.key("content") && self.key(media) && self.key("schema"))
    }

    /// A parameter by `in` and name, on the operation or, failing that, on its path item.
    fn parameter(&mut self, kind: &str, name: &str) -> bool {
        let matches = |doc: &Value, p: &Value| {
            let p = resolve(doc, p);
            let same_name = p.get("name").and_then(Value::as_str).is_some_and(|n| {
                if kind == "header" {
                    n.eq_ignore_ascii_case(name)
                } else {
                    n == name
                }
            });
            same_name && p.get("in").and_then(Value::as_str) == Some(kind)
        };
        let operation = self.node.clone();
        let on_operation = operation
            .value
            .get("parameters")
            .and_then(Value::as_array)
            .and_then(|ps| ps.iter().position(|p| matches(self.doc, p)));
        if let Some(i) = on_operation {
            return self.key("parameters") && self.index_resolved(i);
        }
        // Path-level parameters: the operation's parent.
        let Some(path_item) = operation.pointer.rsplit_once('/').map(|(parent, _)| parent.to_owned()) else {
            return false;
        };
        let Some(item) = self.doc.pointer(&path_item) else {
            return false;
        };
        let on_path = item
            .get("parameters")
            .and_then(Value::as_array)
            .and_then(|ps| ps.iter().position(|p| matches(self.doc, p)));
        match on_path {
            Some(i) => {
                self.node = Node {
                    pointer: path_item,
                    value: item,
                };
                self.key("parameters") && self.index_resolved(i)
            }
            None => false,
        }
    }

    /// A schema path: `a.b`, `[]` for items, `*` for additionalProperties, `<Name>`/`<#i>` for a
    /// oneOf/anyOf alternative.
    fn schema_path(&mut self, path: &str) {
        for token in schema_tokens(path) {
            let found = match token {
                Token::Items => self.key("items"),
                Token::Additional => self.key("additionalProperties"),
                Token::Alternative(name) => self.alternative(name),
                Token::Property(name) => self.property(name),
            };
            if !found {
                return;
            }
        }
    }

    /// A property, in `properties` or in one of the `allOf` members (merged when compared).
    fn property(&mut self, name: &str) -> bool {
        self.follow_ref();
        if self.node.value.get("properties").and_then(|p| p.get(name)).is_some() {
            return self.key("properties") && self.key(name);
        }
        let members = self
            .node
            .value
            .get("allOf")
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
        let start = self.node.clone();
        for i in 0..members {
            self.node = start.clone();
            if self.key("allOf") && self.index(i) {
                self.follow_ref();
                if self.node.value.get("properties").and_then(|p| p.get(name)).is_some() {
                    return self.key("properties") && self.key(name);
                }
            }
        }
        self.node = start;
        false
    }

    /// A oneOf/anyOf alternative: `#i` by position, otherwise the one whose `$ref` names it.
    fn alternative(&mut self, name: &str) -> bool {
        self.follow_ref();
        for keyword in ["oneOf", "anyOf"] {
            let Some(alternatives) = self.node.value.get(keyword).and_then(Value::as_array) else {
                continue;
            };
            let position = match name.strip_prefix('#').and_then(|i| i.parse::<usize>().ok()) {
                Some(i) => (i < alternatives.len()).then_some(i),
                None => alternatives.iter().position(|a| {
                    a.get("$ref")
                        .and_then(Value::as_str)
                        .is_some_and(|r| r == name || r.trim_start_matches("#/components/schemas/") == name)
                }),
            };
            if let Some(i) = position {
                return self.key(keyword) && self.index(i);
            }
        }
        false
    }

    /// Document-level places: `security scheme X`, `server URL ...`.
    fn document_place(&mut self, location: &str) {
        if let Some(rest) = location.strip_prefix("security scheme ") {
            let name = rest.split(" flow ").next().unwrap_or(rest);
            let _ = self.key("components") && self.key("securitySchemes") && self.key(name);
        } else if let Some(rest) = location.strip_prefix("server ") {
            let url = rest.split(" variable ").next().unwrap_or(rest);
            let position = self
                .doc
                .get("servers")
                .and_then(Value::as_array)
                .and_then(|s| s.iter().position(|s| s.get("url").and_then(Value::as_str) == Some(url)));
            let _ = self.key("servers") && position.is_some_and(|i| self.index(i));
        }
    }
}

/// The target of a local `$ref` (one level), or the value itself.
fn resolve<'a>(doc: &'a Value, value: &'a Value) -> &'a Value {
    value
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix('#'))
        .and_then(|p| doc.pointer(p))
        .unwrap_or(value)
}

/// `/a/{id}` and `/a/{other}` are the same path.
fn path_shape(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_param = false;
    for c in path.chars() {
        match c {
            '{' => in_param = true,
            '}' => in_param = false,
            _ if in_param => continue,
            _ => {}
        }
        out.push(c);
    }
    out
}

/// One step of a schema path.
#[derive(Debug, PartialEq, Eq)]
enum Token<'p> {
    Property(&'p str),
    Items,
    Additional,
    Alternative(&'p str),
}

/// `data.results[].x<Skill>.y` as its steps.
fn schema_tokens(path: &str) -> Vec<Token<'_>> {
    let mut tokens = Vec::new();
    let mut rest = path;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix("[]") {
            tokens.push(Token::Items);
            rest = r;
        } else if let Some(r) = rest.strip_prefix('.') {
            rest = r;
        } else if let Some(r) = rest.strip_prefix('<') {
            let end = r.find('>').unwrap_or(r.len());
            tokens.push(Token::Alternative(&r[..end]));
            rest = r.get(end + 1..).unwrap_or_default();
        } else {
            let end = rest.find(['.', '[', '<']).unwrap_or(rest.len());
            let name = &rest[..end];
            tokens.push(if name == "*" {
                Token::Additional
            } else {
                Token::Property(name)
            });
            // A `[` that does not open `[]` belongs to the name: take it and go on.
            let end = if end == 0 { 1.min(rest.len()) } else { end };
            rest = &rest[end..];
        }
    }
    tokens
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly on bad fixtures")]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc() -> Value {
        json!({
            "openapi": "3.1.0",
            "paths": {
                "/items/{item_id}": {
                    "parameters": [{"name": "X-Trace", "in": "header", "schema": {"type": "string"}}],
                    "get": {
                        "parameters": [{"$ref": "#/components/parameters/Ids"}],
                        "responses": {"200": {"content": {"application/json": {
                            "schema": {"$ref": "#/components/schemas/Page"}
                        }}, "headers": {"X-Rate": {"schema": {"type": "integer"}}}}}
                    }
                }
            },
            "components": {
                "parameters": {"Ids": {"name": "ids", "in": "query", "schema": {"type": "array"}}},
                "securitySchemes": {"key": {"type": "apiKey", "in": "header", "name": "X-Key"}},
                "schemas": {
                    "Page": {"allOf": [{"type": "object"}, {"properties": {
                        "results": {"type": "array", "items": {"oneOf": [{"$ref": "#/components/schemas/Skill"}]}}
                    }}]},
                    "Skill": {"properties": {"a/b": {"type": "string"}}}
                }
            },
            "webhooks": {"skillChanged": {"post": {"responses": {"200": {"description": "ok"}}}}}
        })
    }

    fn at(operation: &str, location: &str) -> String {
        pointer(&doc(), &Change::new("endpoint-added", operation, location, "m")).0
    }

    #[test]
    fn locations_are_walked_through_refs_and_all_of() {
        assert_eq!(at("GET /items/{id}", ""), "/paths/~1items~1{item_id}/get");
        assert_eq!(
            at("GET /items/{id}", "query parameter ids"),
            "/components/parameters/Ids"
        );
        assert_eq!(
            at("GET /items/{id}", "query parameter ids: []"),
            "/components/parameters/Ids/schema"
        );
        assert_eq!(
            at("GET /items/{id}", "header parameter x-trace"),
            "/paths/~1items~1{item_id}/parameters/0"
        );
        assert_eq!(
            at("GET /items/{id}", "response 200 application/json: results[]<Skill>.a/b"),
            "/components/schemas/Skill/properties/a~1b"
        );
        assert_eq!(
            at("GET /items/{id}", "response 200 application/json: results[]<#0>"),
            "/components/schemas/Page/allOf/1/properties/results/items/oneOf/0"
        );
        assert_eq!(at("WEBHOOK skillChanged POST", ""), "/webhooks/skillChanged/post");
        assert_eq!(
            at("GET /items/{id}", "response 200 header X-Rate"),
            "/paths/~1items~1{item_id}/get/responses/200/headers/X-Rate/schema"
        );
        assert_eq!(at("", "security scheme key"), "/components/securitySchemes/key");
        // A shared definition named by its pointer, through an array's items.
        assert_eq!(
            at("", "#/components/schemas/Page/allOf/1/properties"),
            "/components/schemas/Page/allOf/1/properties"
        );
    }

    #[test]
    fn steps_count_every_key_and_item_found() {
        let change = Change::new("x", "GET /items/{id}", "header parameter x-trace", "m");
        // paths, the path item, get; then the path item's parameters and item 0.
        assert_eq!(
            pointer(&doc(), &change),
            ("/paths/~1items~1{item_id}/parameters/0".to_owned(), 5)
        );
    }

    #[test]
    fn the_document_the_change_goes_deepest_into_is_its_place_and_the_first_wins_a_tie() {
        let document = |uri: &str, value: Value| NewDocument {
            uri: uri.to_owned(),
            text: serde_json::to_string_pretty(&value).unwrap(),
            first_line: 1,
            value,
        };
        let other = json!({"openapi": "3.1.0", "paths": {"/other": {}}});
        let documents = [document("other.json", other.clone()), document("items.json", doc())];
        let change = Change::new("x", "GET /items/{id}", "query parameter ids", "m");
        let found = place(&documents, &change).unwrap();
        assert_eq!(
            (found.uri, found.pointer.as_str()),
            ("items.json", "/components/parameters/Ids")
        );
        let nowhere = Change::new("x", "GET /gone", "", "m");
        let twins = [document("first.json", other.clone()), document("second.json", other)];
        assert_eq!(place(&twins, &nowhere).unwrap().uri, "first.json");
        assert_eq!(place(&[], &nowhere), None);
    }

    #[test]
    fn what_is_not_found_stops_at_the_deepest_node() {
        assert_eq!(
            at("GET /items/{id}", "response 200 application/json: results.gone.deeper"),
            "/components/schemas/Page/allOf/1/properties/results"
        );
        assert_eq!(
            at("DELETE /items/{id}", "query parameter ids"),
            "/paths/~1items~1{item_id}"
        );
        assert_eq!(at("", "#/components/schemas/Skill"), "/components/schemas/Skill");
        assert_eq!(at("", "#/nope"), "");
        for weird in ["", " ", "[", "<", "a.[.<", "response", "response 200 x: <#99>.*[]"] {
            let _ = at("GET /items/{id}", weird);
            let _ = at(weird, weird);
        }
    }
}
