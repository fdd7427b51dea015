//! `cargo xtask drift` and `cargo xtask vendor` end to end: the binary, files, and real HTTP on
//! 127.0.0.1 (a tiny server started per test), exit codes 0/1/2 and one-line errors.

use crate::common;

use common::Scratch;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::Output;
use std::sync::{Arc, Mutex};
use std::time::Duration;

const GET_FILE: &str = "specs/kombo/get-hris-staffing-entity-skills.yaml";
const POST_FILE: &str = "specs/kombo/post-hris-staffing-entity-skills.yaml";
const SPECS: [&str; 6] = [
    GET_FILE,
    POST_FILE,
    "specs/kombo/overlay.yaml",
    "specs/kombo/vendor.toml",
    "specs/techwolf/openapi.yaml",
    "specs/techwolf/vendor.toml",
];

fn page(name: &str) -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/drift/pages");
    std::fs::read_to_string(dir.join(name)).unwrap()
}

fn get_page() -> String {
    page("get-staffing-entity-skills.md")
}

fn post_page() -> String {
    page("post-staffing-entity-skills.md")
}

/// Replace exactly one occurrence, so a fixture edit cannot silently miss.
fn edit(text: &str, from: &str, to: &str) -> String {
    assert_eq!(text.matches(from).count(), 1, "{from:?} must occur once");
    text.replacen(from, to, 1)
}

impl Scratch {
    /// A scratch copy of the specs.
    fn with_specs(name: &str) -> Self {
        Scratch::copy("xtask-drift", name, &SPECS)
    }

    fn write(&self, rel: &str, text: &str) -> String {
        let path = self.0.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        path.to_str().unwrap().to_owned()
    }

    /// Writes the GET and POST pages as upstream files; their paths.
    fn upstream(&self, get: &str, post: &str) -> (String, String) {
        (self.write("upstream/get.md", get), self.write("upstream/post.md", post))
    }

    /// Writes the GET page with `from` (which occurs once) replaced by `to`, and the POST page,
    /// as upstream files; their paths.
    fn upstream_get_edited(&self, from: &str, to: &str) -> (String, String) {
        self.upstream(&edit(&get_page(), from, to), &post_page())
    }

    /// `drift kombo --against GET --against POST`, then `extra`.
    fn drift_kombo(&self, get: &str, post: &str, extra: &[&str]) -> Output {
        let mut args = vec!["drift", "kombo", "--against", get, "--against", post];
        args.extend_from_slice(extra);
        self.run(&args)
    }

    /// Points the Kombo `vendor.toml` at these page addresses instead of Kombo's.
    fn point_sources_at(&self, get: &str, post: &str) {
        let sources = self.read("specs/kombo/vendor.toml");
        let sources = edit(
            &sources,
            "https://docs.kombo.dev/hris/v1/get-staffing-entity-skills.md",
            get,
        );
        let sources = edit(
            &sources,
            "https://docs.kombo.dev/hris/v1/post-staffing-entity-skills.md",
            post,
        );
        self.write("specs/kombo/vendor.toml", &sources);
    }
}

/// A one-thread HTTP/1.1 server on 127.0.0.1 answering fixed routes; records request heads.
struct Server {
    base: String,
    requests: Arc<Mutex<Vec<String>>>,
}

impl Server {
    fn start(routes: Vec<(&'static str, u16, String)>) -> Self {
        Self::start_typed(
            routes
                .into_iter()
                .map(|(path, status, body)| (path, status, "text/markdown", body))
                .collect(),
        )
    }

    /// Like [`Server::start`], each route with its own `Content-Type`.
    fn start_typed(routes: Vec<(&'static str, u16, &'static str, String)>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&requests);
        std::thread::spawn(move || {
            // Bounded: a test makes a handful of requests; the thread ends with the test process.
            for stream in listener.incoming().take(64) {
                let Ok(mut stream) = stream else { continue };
                stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut head = String::new();
                for _ in 0..100 {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                        break;
                    }
                    head.push_str(&line);
                }
                let path = head.split_whitespace().nth(1).unwrap_or_default().to_owned();
                seen.lock().unwrap().push(head);
                let (status, content_type, body) = routes
                    .iter()
                    .find(|(p, _, _, _)| *p == path)
                    .map_or((404, "text/plain", "not found".to_owned()), |(_, s, t, b)| {
                        (*s, *t, b.clone())
                    });
                let response = format!(
                    "HTTP/1.1 {status} X\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(response.as_bytes());
                let _ = reader.read(&mut [0; 1]);
            }
        });
        Self { base, requests }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8(out.stderr.clone()).unwrap()
}

/// Exit 2 and a single `error: ` line.
fn assert_bad_input(out: &Output, needle: &str) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(2), "stderr: {err}\nstdout: {}", stdout(out));
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("error: ") && err.contains(needle), "{err}");
}

#[test]
fn seed_pages_over_http_report_no_change() {
    let server = Server::start(vec![("/get", 200, get_page()), ("/post", 200, post_page())]);
    let scratch = Scratch::with_specs("seed-http");
    let out = scratch.drift_kombo(&server.url("/get"), &server.url("/post"), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "kombo: no changes\n");
}

#[test]
fn upstream_reads_the_urls_of_vendor_toml() {
    let server = Server::start(vec![
        ("/hris/v1/get", 200, get_page()),
        ("/hris/v1/post", 200, post_page()),
    ]);
    let scratch = Scratch::with_specs("upstream");
    scratch.point_sources_at(&server.url("/hris/v1/get"), &server.url("/hris/v1/post"));
    let out = scratch.run(&["drift", "kombo", "--upstream", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["vendor"], "kombo");
    assert_eq!(json["changes"], serde_json::json!([]));
    assert_eq!(json["summary"], serde_json::json!({"ERR": 0, "WARN": 0, "INFO": 0}));
    let requests = server.requests.lock().unwrap().clone();
    assert_eq!(requests.len(), 2, "{requests:?}");
    assert!(
        requests
            .iter()
            .all(|r| r.to_ascii_lowercase().contains("accept: text/markdown")),
        "{requests:?}"
    );
}

#[test]
fn a_breaking_upstream_change_exits_1_in_every_format() {
    let scratch = Scratch::with_specs("breaking");
    let (get, post) = scratch.upstream_get_edited(
        "        - name: skill_ids\n          in: query\n          required: false",
        "        - name: skill_ids\n          in: query\n          required: true",
    );
    let run = |extra: &[&str]| scratch.drift_kombo(&get, &post, extra);
    let text = run(&[]);
    assert_eq!(text.status.code(), Some(1), "{}", stderr(&text));
    assert!(
        stdout(&text).contains(
            "GET /hris/staffing-entity-skills\n  ERR  request-parameter-became-required  query parameter skill_ids: parameter became required  [43f6db27c7d93150]\n"
        ),
        "{}",
        stdout(&text)
    );
    let json = run(&["--format", "json"]);
    assert_eq!(json.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_str(&stdout(&json)).unwrap();
    assert_eq!(
        json["changes"],
        serde_json::json!([{
            "id": "request-parameter-became-required",
            "level": "ERR",
            "operation": "GET /hris/staffing-entity-skills",
            "location": "query parameter skill_ids",
            "message": "parameter became required",
            "fingerprint": "43f6db27c7d93150",
        }])
    );
    let github = run(&["--format", "github"]);
    assert_eq!(github.status.code(), Some(1));
    assert!(
        stdout(&github).starts_with(
            "::error title=request-parameter-became-required (GET /hris/staffing-entity-skills)::query parameter skill_ids: parameter became required [43f6db27c7d93150]\n"
        ),
        "{}",
        stdout(&github)
    );
    assert_eq!(run(&["--fail-on", "never"]).status.code(), Some(0));
}

#[test]
fn fail_on_sets_the_level_that_fails() {
    let scratch = Scratch::with_specs("fail-on");
    // A new error code in a response: possibly breaking (WARN). Both pages repeat the component.
    let add_code = |page: String| {
        edit(
            &page,
            "                      - HRIS.EMPLOYEE_ALREADY_EXISTS\n",
            "                      - HRIS.EMPLOYEE_ALREADY_EXISTS\n                      - HRIS.SKILL_NOT_FOUND\n",
        )
    };
    let (get, post) = scratch.upstream(&add_code(get_page()), &add_code(post_page()));
    let run = |fail_on: &[&str]| scratch.drift_kombo(&get, &post, fail_on);
    let default = run(&[]);
    assert_eq!(default.status.code(), Some(0), "{}", stdout(&default));
    assert!(
        stdout(&default).contains("WARN response-property-enum-value-added"),
        "{}",
        stdout(&default)
    );
    assert_eq!(run(&["--fail-on", "WARN"]).status.code(), Some(1));
    assert_eq!(run(&["--fail-on", "INFO"]).status.code(), Some(1));
    assert_eq!(run(&["--fail-on", "ERR"]).status.code(), Some(0));
}

#[test]
fn upstream_declaring_cursor_makes_the_overlay_action_redundant() {
    let scratch = Scratch::with_specs("cursor");
    let (get, post) = scratch.upstream_get_edited(
        "      responses:\n        '200':",
        "        - name: cursor\n          in: query\n          required: false\n          schema:\n            type: string\n      responses:\n        '200':",
    );
    let out = scratch.drift_kombo(&get, &post, &["--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let ids: Vec<(&str, &str)> = json["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["level"].as_str().unwrap(), c["id"].as_str().unwrap()))
        .collect();
    assert_eq!(
        ids,
        [
            ("WARN", "overlay-action-redundant"),
            ("INFO", "new-optional-request-parameter")
        ]
    );
    assert_eq!(json["changes"][0]["location"], "overlay action 0");
}

#[test]
fn bad_inputs_exit_2_with_one_line() {
    let server = Server::start(vec![
        ("/html", 200, "<!DOCTYPE html><html><body>docs</body></html>".to_owned()),
        ("/get", 200, get_page()),
    ]);
    let scratch = Scratch::with_specs("bad");
    let missing = scratch.0.join("nope.yaml");
    assert_bad_input(
        &scratch.run(&["drift", "kombo", "--against", missing.to_str().unwrap()]),
        "cannot read file",
    );
    assert_bad_input(
        &scratch.run(&["drift", "kombo", "--against", &server.url("/html")]),
        "no ```yaml block",
    );
    assert_bad_input(
        &scratch.run(&["drift", "kombo", "--against", &server.url("/gone")]),
        "HTTP 404",
    );
    let not_openapi = scratch.write("upstream/x.yaml", "swagger: '2.0'\npaths: {}\n");
    assert_bad_input(
        &scratch.run(&["drift", "kombo", "--against", &not_openapi]),
        "not an OpenAPI 3.x document",
    );
    let invalid = scratch.write("upstream/y.yaml", "openapi: 3.1.0\npaths: [1, 2\n");
    assert_bad_input(&scratch.run(&["drift", "kombo", "--against", &invalid]), "invalid YAML");
    assert_bad_input(
        &scratch.run(&["drift", "techwolf", "--upstream"]),
        "techwolf has no upstream spec",
    );
    assert_bad_input(
        &scratch.run(&["drift", "nobody", "--against", &not_openapi]),
        "unknown vendor",
    );
    assert_bad_input(&scratch.run(&["drift", "kombo"]), "--against");
    assert_bad_input(
        &scratch.run(&["drift", "kombo", "--against", &not_openapi, "--format", "xml"]),
        "unknown format",
    );
    // Unreadable input stays exit 2, whatever else is given.
    assert_bad_input(
        &scratch.drift_kombo(&server.url("/get"), missing.to_str().unwrap(), &[]),
        "cannot read file",
    );
}

#[test]
fn skewed_pages_are_compared_page_by_page_and_the_shared_component_named() {
    // The GET page gains an error code in the shared `ErrorResponseHRIS` before the POST page
    // does: the two pages no longer merge.
    let scratch = Scratch::with_specs("skew");
    let (get, post) = scratch.upstream_get_edited(
        "                      - PLATFORM.TASK_TIMED_OUT\n",
        "                      - PLATFORM.TASK_TIMED_OUT\n                      - PLATFORM.NEW_CODE\n",
    );
    let run = |extra: &[&str]| {
        let mut args = vec!["--format", "json"];
        args.extend_from_slice(extra);
        scratch.drift_kombo(&get, &post, &args)
    };
    let out = run(&[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let changes: Vec<(String, String, String)> = json["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["id"].as_str().unwrap().to_owned(),
                c["operation"].as_str().unwrap().to_owned(),
                c["location"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    // The new code is reported for the GET operation only (the POST page does not have it yet).
    let ops: Vec<&str> = changes
        .iter()
        .filter(|(id, _, _)| id == "response-property-enum-value-added")
        .map(|(_, op, _)| op.as_str())
        .collect();
    assert!(!ops.is_empty(), "{changes:?}");
    assert!(ops.iter().all(|op| op.starts_with("GET ")), "{changes:?}");
    assert!(
        changes.contains(&(
            "x-upstream-pages-disagree".to_owned(),
            String::new(),
            "#/components/responses/ErrorResponseHRIS".to_owned()
        )),
        "{changes:?}"
    );
    // WARN changes: exit by --fail-on like any report.
    assert_eq!(run(&["--fail-on", "WARN"]).status.code(), Some(1));
}

#[test]
fn generic_mode_compares_any_two_documents() {
    let scratch = Scratch::with_specs("generic");
    let old = scratch.write(
        "a.yaml",
        "openapi: 3.0.3\ninfo: {title: a, version: '1'}\npaths:\n  /x:\n    get:\n      parameters:\n        - {name: q, in: query, schema: {type: string}}\n      responses:\n        '200': {description: ok}\n",
    );
    // The same document as JSON with the parameter now required.
    let new = scratch.write(
        "b.json",
        r#"{"openapi": "3.1.0", "info": {"version": "2", "title": "a"}, "paths": {"/x": {"get": {"responses": {"200": {"description": "ok"}}, "parameters": [{"in": "query", "name": "q", "required": true, "schema": {"type": "string"}}]}}}}"#,
    );
    let out = scratch.run(&["drift", "--base", &old, "--against", &new, "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["changes"][0]["id"], "request-parameter-became-required");
    assert_eq!(json["changes"].as_array().unwrap().len(), 1, "{json}");
    // The reverse direction is safe; a document against itself reports nothing.
    let out = scratch.run(&["drift", "--base", &new, "--against", &old]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("request-parameter-became-optional"),
        "{}",
        stdout(&out)
    );
    let out = scratch.run(&["drift", "--base", &new, "--against", &new]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("no changes"), "{}", stdout(&out));
    // Unreadable input is exit 2.
    assert_bad_input(
        &scratch.run(&["drift", "--base", &old, "--against", "nope.yaml"]),
        "cannot read file",
    );
}

#[test]
fn a_page_url_answering_html_is_read_from_its_markdown_form() {
    let server = Server::start_typed(vec![
        (
            "/get",
            200,
            "text/html; charset=utf-8",
            "<!DOCTYPE html><html>docs</html>".to_owned(),
        ),
        ("/get.md", 200, "text/markdown", get_page()),
        ("/post", 200, "text/html", "<html>post</html>".to_owned()),
        ("/post.md", 200, "text/markdown", post_page()),
        ("/moved", 200, "text/html", "<html>moved</html>".to_owned()),
    ]);
    let scratch = Scratch::with_specs("html");
    let (get, post) = (server.url("/get"), server.url("/post"));
    let out = scratch.drift_kombo(&get, &post, &[]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{}{text}", stderr(&out));
    assert!(text.starts_with("kombo: no changes\n"), "{text}");
    assert!(
        text.contains(&format!("note: {get} answered HTML; read its markdown form {get}.md")),
        "{text}"
    );
    // Once per URL: the page, then its `.md`.
    let paths: Vec<String> = server
        .requests
        .lock()
        .unwrap()
        .iter()
        .map(|h| h.split_whitespace().nth(1).unwrap_or_default().to_owned())
        .collect();
    assert_eq!(paths, ["/get", "/get.md", "/post", "/post.md"]);
    server.requests.lock().unwrap().clear();
    // `--upstream` with vendor.toml naming the HTML addresses does the same.
    scratch.point_sources_at(&get, &post);
    let out = scratch.run(&["drift", "kombo", "--upstream", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["changes"], serde_json::json!([]));
    assert_eq!(
        json["notes"],
        serde_json::json!([
            format!("{get} answered HTML; read its markdown form {get}.md"),
            format!("{post} answered HTML; read its markdown form {post}.md")
        ])
    );
    // The github format says so as a notice.
    let out = scratch.drift_kombo(&get, &post, &["--format", "github"]);
    assert!(stdout(&out).contains("::notice title=drift::"), "{}", stdout(&out));
    // A page whose `.md` form is gone: exit 2, naming both.
    assert_bad_input(
        &scratch.run(&["drift", "kombo", "--against", &server.url("/moved")]),
        "answered HTML and its markdown form",
    );
}

#[test]
fn vendor_maps_pages_by_title_and_writes_the_yaml_block() {
    let server = Server::start(vec![("/post", 200, post_page())]);
    let scratch = Scratch::with_specs("vendor");
    let get_path = scratch.write("upstream/get.md", &get_page());
    // Reverse order: pages map by their `METHOD /path` fence title, not position.
    let out = scratch.run(&["vendor", "kombo", "--from", &server.url("/post"), "--from", &get_path]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), format!("unchanged {POST_FILE}\nunchanged {GET_FILE}\n"));

    let changed = edit(
        &get_page(),
        "                    maximum: 5\n",
        "                    maximum: 10\n",
    );
    let changed_path = scratch.write("upstream/get.md", &changed);
    let out = scratch.run(&["vendor", "kombo", "--from", &changed_path]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), format!("wrote {GET_FILE}\n"));
    let written = scratch.read(GET_FILE);
    let original = std::fs::read_to_string(xtask::workspace_root().join(GET_FILE)).unwrap();
    assert_eq!(
        written,
        edit(
            &original,
            "                    maximum: 5\n",
            "                    maximum: 10\n"
        )
    );
    assert!(written.ends_with("dashboard.\n") && !written.ends_with("\n\n"));
    // The refreshed vendored spec now matches that page.
    let out = scratch.drift_kombo(&changed_path, &server.url("/post"), &[]);
    assert_eq!(stdout(&out), "kombo: no changes\n");
    let leftovers: Vec<_> = std::fs::read_dir(scratch.0.join("specs/kombo"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn vendor_is_all_or_nothing() {
    let scratch = Scratch::with_specs("vendor-atomic");
    let before = (scratch.read(GET_FILE), scratch.read(POST_FILE));
    let good = scratch.write(
        "upstream/get.md",
        &edit(
            &get_page(),
            "                    maximum: 5\n",
            "                    maximum: 10\n",
        ),
    );
    // A page whose block is not OpenAPI: nothing may be written, not even the good page.
    let bad = scratch.write(
        "upstream/post.md",
        &edit(&post_page(), "openapi: 3.1.0\n", "openapi_: 3.1.0\n"),
    );
    assert_bad_input(
        &scratch.run(&["vendor", "kombo", "--from", &good, "--from", &bad]),
        "not an OpenAPI 3.x",
    );
    // Plain documents map by position and need one per vendored file.
    let plain = scratch.write("upstream/get.yaml", &before.0);
    assert_bad_input(
        &scratch.run(&["vendor", "kombo", "--from", &plain]),
        "1 inputs for 2 vendored files",
    );
    // A page for an operation no vendored file holds.
    let other = scratch.write(
        "upstream/other.md",
        &get_page().replace("````yaml GET /hris/staffing-entity-skills", "````yaml GET /hris/other"),
    );
    assert_bad_input(
        &scratch.run(&["vendor", "kombo", "--from", &other]),
        "no vendored document holds GET /hris/other",
    );
    // Pages that each parse but define a shared response two ways: refused as a set, naming why.
    let conflicting = scratch.write(
        "upstream/get-conflicting.md",
        &edit(
            &get_page(),
            "The standard error response with the error codes for the HRIS use case.",
            "Another error response.",
        ),
    );
    let post = scratch.write("upstream/post-ok.md", &post_page());
    assert_bad_input(
        &scratch.run(&["vendor", "kombo", "--from", &conflicting, "--from", &post]),
        "the new documents do not merge: ",
    );
    assert_eq!((scratch.read(GET_FILE), scratch.read(POST_FILE)), before);
}

/// The fingerprint of Kombo's `skill_ids` becoming required (rule, operation, location).
const SKILL_IDS_REQUIRED: &str = "43f6db27c7d93150";

/// A scratch copy whose GET page makes `skill_ids` required (ERR); the pages' paths.
fn skill_ids_required(scratch: &Scratch) -> (String, String) {
    scratch.upstream_get_edited(
        "        - name: skill_ids\n          in: query\n          required: false",
        "        - name: skill_ids\n          in: query\n          required: true",
    )
}

#[test]
fn a_pasted_acknowledgement_keeps_the_change_from_failing() {
    let scratch = Scratch::with_specs("acknowledged");
    let (get, post) = skill_ids_required(&scratch);
    let out = scratch.drift_kombo(&get, &post, &[]);
    assert_eq!(out.status.code(), Some(1));
    // The text report says what to paste, and where.
    let text = stdout(&out);
    let (_, paste) = text
        .split_once("to acknowledge a change, add its entry to specs/kombo/drift-ignore.toml:\n\n")
        .unwrap();
    assert!(
        paste.contains(&format!("fingerprint = \"{SKILL_IDS_REQUIRED}\"\n")),
        "{paste}"
    );
    // Pasted as printed, the empty reason is refused (exit 2), filled in it holds.
    scratch.write("specs/kombo/drift-ignore.toml", paste);
    assert_bad_input(&scratch.drift_kombo(&get, &post, &[]), "reason");
    scratch.write(
        "specs/kombo/drift-ignore.toml",
        &paste.replace("reason = \"\"", "reason = \"we always send skill_ids\""),
    );
    let out = scratch.drift_kombo(&get, &post, &[]);
    assert_eq!(out.status.code(), Some(0), "{}{}", stdout(&out), stderr(&out));
    let text = stdout(&out);
    assert!(text.starts_with("kombo: no changes (1 acknowledged)\n"), "{text}");
    assert!(
        text.contains(&format!(
            "acknowledged in specs/kombo/drift-ignore.toml:\n  ERR request-parameter-became-required GET /hris/staffing-entity-skills query parameter skill_ids [{SKILL_IDS_REQUIRED}]: we always send skill_ids\n"
        )),
        "{text}"
    );
    assert!(!text.contains("to acknowledge"), "{text}");
    // Every format lists it apart.
    let json: serde_json::Value =
        serde_json::from_str(&stdout(&scratch.drift_kombo(&get, &post, &["--format", "json"]))).unwrap();
    assert_eq!(json["changes"], serde_json::json!([]));
    assert_eq!(json["acknowledged"][0]["fingerprint"], SKILL_IDS_REQUIRED);
    assert_eq!(json["acknowledged"][0]["reason"], "we always send skill_ids");
    let github = stdout(&scratch.drift_kombo(&get, &post, &["--format", "github"]));
    assert!(!github.contains("::error"), "{github}");
    assert!(
        github.contains("acknowledged: ERR request-parameter-became-required"),
        "{github}"
    );
    let markdown = stdout(&scratch.drift_kombo(&get, &post, &["--format", "markdown"]));
    assert!(markdown.contains("### Acknowledged"), "{markdown}");
    let junit = stdout(&scratch.drift_kombo(&get, &post, &["--format", "junit"]));
    assert!(
        junit.contains("failures=\"0\"") && junit.contains("<skipped message=\"acknowledged: "),
        "{junit}"
    );
    let sarif: serde_json::Value =
        serde_json::from_str(&stdout(&scratch.drift_kombo(&get, &post, &["--format", "sarif"]))).unwrap();
    assert_eq!(
        sarif["runs"][0]["results"][0]["suppressions"][0]["justification"],
        "we always send skill_ids"
    );
}

#[test]
fn expired_and_unmatched_acknowledgements_are_reported() {
    let scratch = Scratch::with_specs("stale");
    let (get, post) = skill_ids_required(&scratch);
    scratch.write(
        "specs/kombo/drift-ignore.toml",
        &format!(
            "[[ignore]]\nfingerprint = \"{SKILL_IDS_REQUIRED}\"\nreason = \"until Kombo fixes it\"\nuntil = 2000-01-01\n\n\
             [[ignore]]\nfingerprint = \"0123456789abcdef\"\nreason = \"an old change\"\n"
        ),
    );
    let out = scratch.drift_kombo(&get, &post, &[]);
    // The expired entry acknowledges nothing: the ERR change fails again.
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(text.starts_with("kombo: 3 changes (ERR 1, WARN 2, INFO 0)\n"), "{text}");
    assert!(
        text.contains("WARN stale-acknowledgement  specs/kombo/drift-ignore.toml fingerprint 0123456789abcdef: acknowledgement matches no change: remove it (an old change)"),
        "{text}"
    );
    assert!(text.contains("acknowledgement expired on 2000-01-01"), "{text}");
    // Alone, a stale entry is a WARN: it fails from --fail-on WARN.
    scratch.write(
        "specs/kombo/drift-ignore.toml",
        "[[ignore]]\nfingerprint = \"0123456789abcdef\"\nreason = \"an old change\"\n",
    );
    let (get, post) = scratch.upstream(&get_page(), &post_page());
    assert_eq!(scratch.drift_kombo(&get, &post, &[]).status.code(), Some(0));
    assert_eq!(
        scratch.drift_kombo(&get, &post, &["--fail-on", "WARN"]).status.code(),
        Some(1)
    );
}

#[test]
fn severity_overrides_change_the_exit_decision() {
    let scratch = Scratch::with_specs("severity");
    let (get, post) = skill_ids_required(&scratch);
    let run = |extra: &[&str]| scratch.drift_kombo(&get, &post, extra).status.code();
    let demote = ["--severity", "request-parameter-became-required=WARN"];
    assert_eq!(run(&[]), Some(1));
    assert_eq!(run(&demote), Some(0));
    assert_eq!(run(&[&demote[..], &["--fail-on", "WARN"]].concat()), Some(1));
    assert!(stdout(&scratch.drift_kombo(&get, &post, &demote)).contains("WARN request-parameter-became-required"));
    // The [severity] table of the drift-ignore file does the same; --severity comes after it.
    scratch.write(
        "specs/kombo/drift-ignore.toml",
        "[severity]\nrequest-parameter-became-required = \"INFO\"\n",
    );
    assert_eq!(run(&[]), Some(0));
    assert_eq!(run(&["--severity", "request-parameter-became-required=ERR"]), Some(1));
    scratch.write("specs/kombo/drift-ignore.toml", "[severity]\nno-such-rule = \"INFO\"\n");
    assert_bad_input(&scratch.drift_kombo(&get, &post, &[]), "no-such-rule");
}

#[test]
fn generic_mode_reads_acknowledgements_from_ignore() {
    let scratch = Scratch::with_specs("generic-ignore");
    let old = scratch.write(
        "a.yaml",
        "openapi: 3.0.3\ninfo: {title: a, version: '1'}\npaths:\n  /x:\n    get:\n      responses:\n        '200': {description: ok}\n",
    );
    let new = scratch.write("b.yaml", "openapi: 3.0.3\ninfo: {title: a, version: '1'}\npaths: {}\n");
    let out = scratch.run(&["drift", "--base", &old, "--against", &new, "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let fingerprint = json["changes"][0]["fingerprint"].as_str().unwrap().to_owned();
    let ignore = scratch.write(
        "drift-ignore.toml",
        &format!("[[ignore]]\nfingerprint = \"{fingerprint}\"\nreason = \"retired\"\n"),
    );
    let out = scratch.run(&["drift", "--base", &old, "--against", &new, "--ignore", &ignore]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert_bad_input(
        &scratch.run(&["drift", "--base", &old, "--against", &new, "--ignore", "missing.toml"]),
        "cannot read file",
    );
}

#[test]
fn downloads_are_bounded_at_16_mib_and_large_specs_under_it_are_read() {
    const MIB: usize = 1024 * 1024;
    // Public specs run to megabytes (GitHub's is about 10 MB): a few MiB must come through whole.
    let large = format!("openapi: 3.1.0\n{}", "# padding\n".repeat(3 * MIB / 10));
    let over = "x".repeat(16 * MIB + 1);
    let server = Server::start_typed(vec![
        ("/large.yaml", 200, "application/yaml", large.clone()),
        ("/over.yaml", 200, "application/yaml", over),
    ]);
    assert_eq!(xtask::upstream::fetch::get(&server.url("/large.yaml")).unwrap(), large);
    let refused = xtask::upstream::fetch::get(&server.url("/over.yaml")).unwrap_err();
    assert!(refused.reason.contains("cannot read the response body"), "{refused}");
}
