//! The line a JSON pointer's node starts on, in the YAML or JSON text it was parsed from (for
//! SARIF's `region.startLine`).
//!
//! The parsers in the tree (`serde_yaml_ng`, `serde_json`) keep no positions, so this walks the
//! pointer through the text itself: JSON with a small scanner, YAML by indentation (block
//! mappings and sequences, the style specs are written in; a flow collection such as
//! `{name: q, in: query}` is not entered). What cannot be found gives the line of the deepest
//! node that was, at worst line 1. It never fails and never panics.

/// The 1-based line on which the node at `pointer` is written in `text` (its key's line for a
/// mapping member), or that of its deepest ancestor found.
pub fn line_of(text: &str, pointer: &str) -> usize {
    let segments: Vec<String> = pointer
        .split('/')
        .skip(1)
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect();
    if text.trim_start().starts_with(['{', '[']) {
        json_line(text, &segments)
    } else {
        yaml_line(text, &segments)
    }
}

/// A 1-based line from a byte offset.
fn line_at(text: &str, offset: usize) -> usize {
    text.as_bytes().iter().take(offset).filter(|b| **b == b'\n').count() + 1
}

fn json_line(text: &str, segments: &[String]) -> usize {
    let mut scanner = Json { text, at: 0 };
    let mut found = 0;
    scanner.whitespace();
    for segment in segments {
        match scanner.enter(segment) {
            Some(offset) => found = offset,
            None => break,
        }
    }
    line_at(text, found)
}

/// A cursor over JSON text.
struct Json<'t> {
    text: &'t str,
    at: usize,
}

impl Json<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    fn whitespace(&mut self) {
        while self.peek().is_some_and(|b| b.is_ascii_whitespace()) {
            self.at += 1;
        }
    }

    /// From the start of an object or array, move to the start of member `segment`'s value;
    /// the offset of its key (or item), or `None` if there is no such member.
    fn enter(&mut self, segment: &str) -> Option<usize> {
        let open = self.peek()?;
        if open != b'{' && open != b'[' {
            return None;
        }
        self.at += 1;
        let mut index = 0usize;
        loop {
            self.whitespace();
            match self.peek()? {
                b'}' | b']' => return None,
                b',' => {
                    self.at += 1;
                    continue;
                }
                _ => {}
            }
            let start = self.at;
            let hit = if open == b'{' {
                let key_end = self.string_end()?;
                let key: Option<String> = serde_json::from_str(self.text.get(start..key_end)?).ok();
                self.at = key_end;
                self.whitespace();
                if self.peek()? != b':' {
                    return None;
                }
                self.at += 1;
                key.as_deref() == Some(segment)
            } else {
                let hit = segment.parse() == Ok(index);
                index += 1;
                hit
            };
            self.whitespace();
            if hit {
                return Some(start);
            }
            self.skip_value()?;
        }
    }

    /// The offset just past the string starting at the cursor.
    fn string_end(&self) -> Option<usize> {
        let bytes = self.text.as_bytes();
        if bytes.get(self.at) != Some(&b'"') {
            return None;
        }
        let mut i = self.at + 1;
        while let Some(&b) = bytes.get(i) {
            match b {
                b'\\' => i += 2,
                b'"' => return Some(i + 1),
                _ => i += 1,
            }
        }
        None
    }

    /// Move past the value at the cursor (nested collections and strings included).
    fn skip_value(&mut self) -> Option<()> {
        let mut depth = 0usize;
        loop {
            match self.peek()? {
                b'"' => self.at = self.string_end()?,
                b'{' | b'[' => {
                    depth += 1;
                    self.at += 1;
                }
                b'}' | b']' if depth == 0 => return Some(()),
                b'}' | b']' => {
                    depth -= 1;
                    self.at += 1;
                    if depth == 0 {
                        return Some(());
                    }
                }
                b',' if depth == 0 => return Some(()),
                _ => self.at += 1,
            }
        }
    }
}

/// One line of YAML as the walk sees it: a sequence item's dash and what follows it on the
/// same line are two entries (`- name: x` is a `-` at column 0 and `name: x` at column 2).
#[derive(Debug)]
struct Entry<'t> {
    line: usize,
    indent: usize,
    content: &'t str,
}

impl Entry<'_> {
    fn is_item(&self) -> bool {
        self.content == "-"
    }
}

fn yaml_entries(text: &str) -> Vec<Entry<'_>> {
    let mut entries = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let trimmed = raw.trim_start_matches(' ');
        if trimmed.trim().is_empty() || trimmed.starts_with('#') || trimmed.starts_with("---") {
            continue;
        }
        let mut indent = raw.len() - trimmed.len();
        let mut content = trimmed.trim_end();
        // `- - a: b` nests: peel one dash at a time.
        while content == "-" || content.starts_with("- ") {
            entries.push(Entry {
                line: i + 1,
                indent,
                content: "-",
            });
            let rest = content.get(1..).unwrap_or_default();
            let after = rest.trim_start_matches(' ');
            indent += 1 + rest.len() - after.len();
            content = after;
        }
        if !content.is_empty() {
            entries.push(Entry {
                line: i + 1,
                indent,
                content,
            });
        }
    }
    entries
}

/// The key of a `key: value` or `key:` entry, unquoted, and what follows the colon.
fn yaml_key(content: &str) -> Option<(String, &str)> {
    let (key, rest) = if let Some(quoted) = content.strip_prefix('"') {
        let mut i = 0;
        let bytes = quoted.as_bytes();
        while i < bytes.len() && bytes[i] != b'"' {
            i += if bytes[i] == b'\\' { 2 } else { 1 };
        }
        let raw = content.get(..i + 2)?;
        let key: String = serde_json::from_str(raw).unwrap_or_else(|_| raw.trim_matches('"').to_owned());
        (key, content.get(i + 2..)?)
    } else if let Some(quoted) = content.strip_prefix('\'') {
        let mut end = None;
        let bytes = quoted.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'\'' {
                if bytes.get(i + 1) == Some(&b'\'') {
                    i += 2;
                    continue;
                }
                end = Some(i);
                break;
            }
            i += 1;
        }
        let end = end?;
        (quoted.get(..end)?.replace("''", "'"), quoted.get(end + 1..)?)
    } else {
        let colon = content
            .match_indices(':')
            .map(|(i, _)| i)
            .find(|&i| content[i + 1..].is_empty() || content[i + 1..].starts_with(' '))?;
        (content[..colon].trim_end().to_owned(), &content[colon..])
    };
    let rest = rest.trim_start().strip_prefix(':')?;
    Some((key, rest.trim()))
}

fn yaml_line(text: &str, segments: &[String]) -> usize {
    let entries = yaml_entries(text);
    // The current node's children: entries[start..end], all indented deeper than `parent`.
    let (mut start, mut end) = (0, entries.len());
    let mut found = 1;
    for segment in segments {
        let Some(first) = entries.get(start..end).and_then(|r| r.first()) else {
            break;
        };
        let indent = first.indent;
        let siblings = || (start..end).filter(|&i| entries[i].indent == indent);
        let hit = if first.is_item() {
            let index: Option<usize> = segment.parse().ok();
            index.and_then(|n| siblings().filter(|&i| entries[i].is_item()).nth(n))
        } else {
            siblings().find(|&i| yaml_key(entries[i].content).is_some_and(|(k, _)| k == *segment))
        };
        let Some(hit) = hit else {
            break;
        };
        found = entries[hit].line;
        // The value's entries: everything after the hit that is deeper, or, for a mapping
        // member, an indentless sequence (`key:` then `- item` at the same indent).
        let member = !entries[hit].is_item();
        if member && yaml_key(entries[hit].content).is_some_and(|(_, rest)| !rest.is_empty()) {
            // An inline value (a scalar or flow collection): nothing below it to walk.
            start = end;
            continue;
        }
        let mut next = hit + 1;
        while next < end
            && (entries[next].indent > indent || (member && entries[next].indent == indent && entries[next].is_item()))
        {
            next += 1;
        }
        (start, end) = (hit + 1, next);
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    const YAML: &str = "\
openapi: 3.1.0
# a comment
paths:
  /items/{id}:
    get:
      parameters:
      - name: ids
        in: query
      - {name: flow, in: query}
      responses:
        '200':
          description: |
            a block: not a key
          content:
            \"application/json\":
              schema:
                $ref: '#/components/schemas/Page'
components:
  schemas:
    Page:
      properties:
        results:
          type: array
          items:
            - - nested: true
";

    #[test]
    fn yaml_pointers_find_their_lines() {
        assert_eq!(line_of(YAML, ""), 1);
        assert_eq!(line_of(YAML, "/paths"), 3);
        assert_eq!(line_of(YAML, "/paths/~1items~1{id}/get/parameters/0"), 7);
        assert_eq!(line_of(YAML, "/paths/~1items~1{id}/get/parameters/0/in"), 8);
        assert_eq!(line_of(YAML, "/paths/~1items~1{id}/get/parameters/1"), 9);
        assert_eq!(line_of(YAML, "/paths/~1items~1{id}/get/parameters/1/name"), 9);
        assert_eq!(
            line_of(
                YAML,
                "/paths/~1items~1{id}/get/responses/200/content/application~1json/schema"
            ),
            16
        );
        assert_eq!(
            line_of(YAML, "/components/schemas/Page/properties/results/items/0/0/nested"),
            25
        );
    }

    #[test]
    fn missing_nodes_give_the_deepest_ancestor() {
        assert_eq!(line_of(YAML, "/components/schemas/Gone/properties"), 19);
        assert_eq!(line_of(YAML, "/paths/~1items~1{id}/get/parameters/7"), 6);
        assert_eq!(
            line_of(YAML, "/paths/~1items~1{id}/get/responses/200/description/x"),
            12
        );
        for weird in ["", "/", "//", "/~", "\u{0}", "- ", ":", "'", "\"", "a: '", "a: \"\\"] {
            let _ = line_of(weird, "/a/0/b");
            let _ = line_of(YAML, weird);
            let _ = line_of(&format!("{{{weird}"), "/a/0");
        }
    }

    #[test]
    fn json_pointers_find_their_lines() {
        let json = "{\n  \"paths\": {\n    \"/a\": {\"get\": {}},\n    \"/b\\\"\": {\n      \"post\": [1, {\"x\": 2}]\n    }\n  }\n}\n";
        assert_eq!(line_of(json, "/paths"), 2);
        assert_eq!(line_of(json, "/paths/~1a/get"), 3);
        assert_eq!(line_of(json, "/paths/~1b\"/post/1/x"), 5);
        assert_eq!(line_of(json, "/paths/~1c/post"), 2);
        assert_eq!(line_of("[1, [2, 3]]", "/1/1"), 1);
        // Scalars and nested collections before the member are skipped whole; arrays are
        // entered as well as objects; a scalar is not entered.
        let json = "{\"a\": 1, \"n\": [[1, 2], {\"x\": [3]}],\n\"b\": \"s\",\n\"c\": [\n 0,\n [\n  1,\n  2\n ]\n]}";
        assert_eq!(line_of(json, "/b"), 2);
        assert_eq!(line_of(json, "/c/1/1"), 7);
        assert_eq!(line_of(json, "/b/x"), 2);
        // Missing members give their container: an index past an array's end, a key after an
        // object's last (scalar) member.
        assert_eq!(line_of("{\"a\": [\n1,\n2\n]}", "/a/2"), 1);
        assert_eq!(line_of("{\n\"a\": {\n\"x\": 1\n}}", "/a/y"), 2);
    }

    #[test]
    fn yaml_comments_and_document_markers_are_not_nodes() {
        let yaml = "---\npaths:\n  /a:\n# a comment at column 0, inside /a: not its end\n    get:\n      x: 1\n";
        assert_eq!(line_of(yaml, "/paths/~1a/get/x"), 6);
    }
}
