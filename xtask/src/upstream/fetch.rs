//! Reading spec inputs for `drift` and `vendor`: a path or an http(s) URL holding YAML, JSON, or
//! a vendor docs page (markdown with one fenced ```` ```yaml ```` block, as Kombo's Mintlify
//! pages are served in markdown form).

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::Value;

use crate::error::{Error, Result};
use crate::spec::load::{self, Document};

/// How long one download may take, headers and body.
const TIMEOUT: Duration = Duration::from_secs(30);
/// The largest body accepted (Kombo's pages are ~15 KiB).
const MAX_BODY: u64 = 16 * 1024 * 1024;

/// One input, read and with its YAML block extracted if it was a docs page.
#[derive(Debug, Clone)]
pub struct Input {
    /// The path or URL as given.
    pub source: String,
    /// The document text: the whole input, or a page's YAML block ending in a single newline.
    pub text: String,
    /// The line of the input on which `text` starts: 1, or the first line of a page's YAML
    /// block (so that a line in `text` can be shown as a line of the page).
    pub first_line: usize,
    /// A page's fence title after `yaml`, e.g. `GET /hris/staffing-entity-skills`.
    pub title: Option<String>,
    /// Something the report should say about how the input was read (e.g. the `.md` retry).
    pub note: Option<String>,
}

impl Input {
    /// Parse the text into a [`Document`] and check it looks like an OpenAPI document.
    pub fn document(&self) -> Result<Document> {
        let path = PathBuf::from(&self.source);
        let value = load::parse(&self.text).map_err(|e| e.in_file(&path))?;
        check_openapi(&value).map_err(|e| e.in_file(&path))?;
        Ok(Document {
            path,
            value,
            sha256: load::sha256_hex(self.text.as_bytes()),
        })
    }
}

/// Whether a source names a URL rather than a file.
pub fn is_url(source: &str) -> bool {
    source.starts_with("http://") || source.starts_with("https://")
}

/// Read a file (relative to the current directory) or download a URL, then extract a page's YAML block.
pub fn read(source: &str) -> Result<Input> {
    let mut note = None;
    let raw = if is_url(source) {
        let (body, used) = get_page(source)?;
        if used != source {
            note = Some(format!("{source} answered HTML; read its markdown form {used}"));
        }
        body
    } else {
        let path = Path::new(source);
        let bytes = std::fs::read(path).map_err(|e| Error::msg(format!("cannot read file: {e}")).in_file(path))?;
        String::from_utf8(bytes).map_err(|e| Error::msg(format!("not UTF-8: {e}")).in_file(path))?
    };
    let (text, title) = extract(&raw).map_err(|e| e.in_file(Path::new(source)))?;
    // A page's block is a verbatim slice of the page up to its trailing blank lines.
    let first_line = raw.find(text.trim_end()).map_or(1, |at| {
        raw.as_bytes().iter().take(at).filter(|b| **b == b'\n').count() + 1
    });
    Ok(Input {
        source: source.to_owned(),
        text,
        first_line,
        title,
        note,
    })
}

/// Download a docs page: `url`, and when it answers `text/html` (a docs site's rendered page,
/// which has no YAML block), `<url>.md` once, the markdown export Mintlify-style sites serve
/// beside each page. Returns the body and the URL it came from.
pub fn get_page(url: &str) -> Result<(String, String)> {
    let (body, content_type) = get_typed(url)?;
    let html = content_type
        .split(';')
        .next()
        .is_some_and(|t| t.trim().eq_ignore_ascii_case("text/html"));
    if !html || has_md_suffix(url) {
        return Ok((body, url.to_owned()));
    }
    let md = markdown_url(url);
    let (body, _) = get_typed(&md).map_err(|e| Error {
        reason: format!("{url} answered HTML and its markdown form {md} failed: {}", e.reason),
        ..e
    })?;
    Ok((body, md))
}

/// Whether a URL's path already ends in `.md`.
fn has_md_suffix(url: &str) -> bool {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    path.ends_with(".md")
}

/// `<url>.md`, keeping any query and fragment after the path.
pub fn markdown_url(url: &str) -> String {
    match url.find(['?', '#']) {
        Some(i) => format!("{}.md{}", &url[..i], &url[i..]),
        None => format!("{url}.md"),
    }
}

/// Download `url` (2xx only, bounded in time and size).
pub fn get(url: &str) -> Result<String> {
    get_typed(url).map(|(body, _)| body)
}

/// Download `url` (2xx only, bounded in time and size); the body and its `Content-Type`.
fn get_typed(url: &str) -> Result<(String, String)> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(TIMEOUT))
        .http_status_as_error(false)
        .build()
        .into();
    let at = Path::new(url);
    let mut response = agent
        .get(url)
        // Markdown first: docs sites that negotiate serve the page with its YAML block.
        .header(
            "Accept",
            "text/markdown, text/plain;q=0.9, application/yaml;q=0.9, application/json;q=0.8, */*;q=0.1",
        )
        .call()
        .map_err(|e| Error::msg(format!("download failed: {e}")).in_file(at))?;
    let status = response.status();
    if !status.is_success() {
        return Err(Error::msg(format!("download failed: HTTP {status}")).in_file(at));
    }
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let body = response
        .body_mut()
        .with_config()
        .limit(MAX_BODY)
        .read_to_string()
        .map_err(|e| Error::msg(format!("cannot read the response body: {e}")).in_file(at))?;
    Ok((body, content_type))
}

/// A page's YAML block and fence title, or the input unchanged when it is not a page.
///
/// A page is recognised by a line opening a fence of three or more backticks followed by `yaml`.
/// The block is taken byte for byte, trailing blank lines removed, ending in a single newline.
pub fn extract(raw: &str) -> Result<(String, Option<String>)> {
    let mut blocks = Vec::new();
    let mut offset = 0;
    let mut open: Option<(usize, usize, Option<String>)> = None; // (fence length, body start, title)
    for line in raw.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let trimmed = line.trim_end();
        let ticks = trimmed.len() - trimmed.trim_start_matches('`').len();
        match &open {
            None if ticks >= 3 => {
                let info = trimmed[ticks..].trim();
                let lang = info.split_whitespace().next().unwrap_or_default();
                if lang.eq_ignore_ascii_case("yaml") || lang.eq_ignore_ascii_case("yml") {
                    let title = info[lang.len()..].trim();
                    open = Some((ticks, offset, (!title.is_empty()).then(|| title.to_owned())));
                } else {
                    // Another language's fence: skip to its end so its content is not misread.
                    open = Some((ticks, usize::MAX, None));
                }
            }
            Some((fence, body_start, title)) if ticks >= *fence && ticks == trimmed.len() => {
                if *body_start != usize::MAX {
                    blocks.push((raw[*body_start..start].to_owned(), title.clone()));
                }
                open = None;
            }
            _ => {}
        }
    }
    if let Some((_, body_start, _)) = open
        && body_start != usize::MAX
    {
        return Err(Error::msg("the page's ```yaml block is not closed"));
    }
    match blocks.len() {
        0 if looks_like_markdown(raw) => Err(Error::msg("no ```yaml block in the page")),
        0 => Ok((raw.to_owned(), None)),
        1 => {
            let (body, title) = blocks.remove(0);
            Ok((single_newline(&body), title))
        }
        n => Err(Error::msg(format!("the page has {n} ```yaml blocks, expected one"))),
    }
}

/// Markdown or HTML rather than a YAML/JSON document: a page without its YAML block.
fn looks_like_markdown(raw: &str) -> bool {
    let first = raw.trim_start();
    first.starts_with('<')
        || first.starts_with('#')
        || first.starts_with('>')
        || raw.lines().any(|l| l.starts_with("```"))
}

/// Cut trailing blank lines and end with exactly one newline, keeping every other byte.
fn single_newline(body: &str) -> String {
    let end = body.trim_end().len();
    // Keep the rest of the last non-blank line (trailing spaces are content), not the newline.
    let line_end = body[end..].find('\n').map_or(body.len(), |i| end + i);
    let mut out = body[..line_end].trim_end_matches('\r').to_owned();
    out.push('\n');
    out
}

/// Minimal shape check: an object with an `openapi: 3.x` field and, if present, an object `paths`.
pub fn check_openapi(value: &Value) -> Result<()> {
    let version = value.get("openapi").and_then(Value::as_str);
    if !version.is_some_and(|v| v.starts_with("3.")) {
        return Err(Error::at(
            "/openapi",
            "not an OpenAPI 3.x document (no `openapi: 3.x` field)",
        ));
    }
    if value.get("paths").is_some_and(|p| !p.is_object()) {
        return Err(Error::at("/paths", "`paths` must be an object"));
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly on bad fixtures")]
mod tests {
    use super::*;

    #[test]
    fn page_block_is_extracted_with_one_trailing_newline() {
        let page = "# Title\n\n```bash\n```yaml not this\n```\n\n````yaml GET /x\nopenapi: 3.1.0\n  \n\n````\n";
        let (text, title) = extract(page).unwrap();
        assert_eq!(text, "openapi: 3.1.0\n");
        assert_eq!(title.as_deref(), Some("GET /x"));
        // Trailing spaces on the last line are content and stay; line ends and blank lines go.
        assert_eq!(single_newline("a: 1\nb: 'x'   \n\n  \n"), "a: 1\nb: 'x'   \n");
        assert_eq!(single_newline("a: 1  \r\n\r\n"), "a: 1  \n");
        assert_eq!(single_newline("a: 1"), "a: 1\n");
    }

    #[test]
    fn markdown_urls_keep_query_and_fragment() {
        assert_eq!(markdown_url("https://d.example/a/b"), "https://d.example/a/b.md");
        assert_eq!(
            markdown_url("https://d.example/a?x=1#f"),
            "https://d.example/a.md?x=1#f"
        );
        assert!(has_md_suffix("https://d.example/a.md?x=1"));
        assert!(!has_md_suffix("https://d.example/a"));
    }

    #[test]
    fn raw_documents_pass_through_and_pages_without_yaml_fail() {
        assert_eq!(extract("openapi: 3.1.0\n").unwrap().0, "openapi: 3.1.0\n");
        assert!(
            extract("# Page\n\nno spec here\n")
                .unwrap_err()
                .reason
                .contains("no ```yaml block")
        );
        assert!(extract("```yaml\na: 1\n```\n```yaml\nb: 1\n```\n").is_err());
        assert!(extract("````yaml\na: 1\n").is_err());
        // A page that opens with prose is still a page when it has fences.
        assert!(extract("Skills API\n\n```bash\ncurl x\n```\n").is_err());
    }
}
