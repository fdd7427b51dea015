//! `specs/<vendor>/vendor.toml` as the vendor's one home, end to end on scratch copies of the
//! specs and generated files (never the real ones) with pages served on 127.0.0.1:
//! `vendor --add` records a new page and regenerates, and codegen and drift read it with no Rust
//! change; `vendor --upstream` refreshes from the recorded addresses, which `codegen --check`
//! then finds stale until `codegen` runs.

use crate::common;

use common::Scratch;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

const KOMBO_TOML: &str = "specs/kombo/vendor.toml";
const GET_FILE: &str = "specs/kombo/get-hris-staffing-entity-skills.yaml";
const POST_FILE: &str = "specs/kombo/post-hris-staffing-entity-skills.yaml";
const ADDED_FILE: &str = "specs/kombo/get-hris-skills.yaml";
const KOMBO_RS: &str = "crates/skillbridge-openapi/src/generated/kombo.rs";
const KOMBO_JSON: &str = "crates/skillbridge-openapi/src/generated/kombo.openapi.json";
const FILES: [&str; 10] = [
    GET_FILE,
    POST_FILE,
    "specs/kombo/overlay.yaml",
    KOMBO_TOML,
    "specs/techwolf/openapi.yaml",
    "specs/techwolf/vendor.toml",
    KOMBO_RS,
    KOMBO_JSON,
    "crates/skillbridge-openapi/src/generated/techwolf.rs",
    "crates/skillbridge-openapi/src/generated/techwolf.openapi.json",
];

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(rel)
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

fn get_page() -> String {
    read(&fixture("drift/pages/get-staffing-entity-skills.md"))
}

fn post_page() -> String {
    read(&fixture("drift/pages/post-staffing-entity-skills.md"))
}

fn skills_page() -> String {
    read(&fixture("vendor/get-skills.md"))
}

/// Serves `routes` (path, markdown body) on 127.0.0.1 for a bounded number of requests; the base URL.
fn serve(routes: Vec<(&'static str, String)>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        // Bounded: a test makes a handful of requests; the thread ends with the test process.
        for stream in listener.incoming().take(32) {
            let Ok(mut stream) = stream else { continue };
            stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request_line = String::new();
            let _ = reader.read_line(&mut request_line);
            let mut line = String::new();
            while reader.read_line(&mut line).unwrap_or(0) > 0 && line != "\r\n" {
                line.clear();
            }
            let path = request_line.split_whitespace().nth(1).unwrap_or_default();
            let (status, body) = routes
                .iter()
                .find(|(p, _)| *p == path)
                .map_or((404, "not found"), |(_, b)| (200, b.as_str()));
            let response = format!(
                "HTTP/1.1 {status} X\r\nContent-Type: text/markdown\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(response.as_bytes());
        }
    });
    base
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

/// The exit code, with the output shown when it is not `code`.
fn assert_exit(out: &Output, code: i32) {
    assert_eq!(
        out.status.code(),
        Some(code),
        "stdout: {}\nstderr: {}",
        text(&out.stdout),
        text(&out.stderr)
    );
}

/// Replace exactly one occurrence, so a fixture edit cannot silently miss.
fn edit(text: &str, from: &str, to: &str) -> String {
    assert_eq!(text.matches(from).count(), 1, "{from:?} must occur once");
    text.replacen(from, to, 1)
}

impl Scratch {
    /// Points Kombo's recorded page addresses (both under one prefix) at `base`.
    fn point_kombo_at(&self, base: &str) {
        let declared = self.read(KOMBO_TOML);
        let prefix = "https://docs.kombo.dev/hris/v1";
        assert_eq!(declared.matches(prefix).count(), 2, "the GET and POST pages");
        let declared = declared.replace(prefix, &format!("{base}/hris/v1"));
        std::fs::write(self.0.join(KOMBO_TOML), declared).unwrap();
    }
}

#[test]
fn an_added_kombo_page_is_recorded_generated_and_read_by_drift_with_no_rust_change() {
    let scratch = Scratch::copy("xtask-vendor-home", "add", &FILES);
    let base = serve(vec![
        ("/hris/v1/get-staffing-entity-skills.md", get_page()),
        ("/hris/v1/post-staffing-entity-skills.md", post_page()),
        ("/hris/v1/get-skills.md", skills_page()),
    ]);
    let before_rs = scratch.read(KOMBO_RS);
    assert!(!before_rs.contains("get_hris_skills"));

    let url = format!("{base}/hris/v1/get-skills.md");
    let out = scratch.run(&["vendor", "kombo", "--add", &url]);
    assert_exit(&out, 0);
    let stdout = text(&out.stdout);
    assert!(stdout.contains(&format!("wrote {ADDED_FILE}\n")), "{stdout}");
    assert!(stdout.contains(&format!("recorded it in {KOMBO_TOML}\n")), "{stdout}");
    assert!(stdout.contains(&format!("wrote {KOMBO_RS}\n")), "{stdout}");

    // Recorded last, with its address; the file is the page's yaml block, byte for byte.
    let kombo = xtask::vendors::named(&scratch.0, "kombo").unwrap();
    assert_eq!(
        kombo.inputs().collect::<Vec<_>>(),
        [GET_FILE, POST_FILE, ADDED_FILE],
        "merge order"
    );
    assert_eq!(kombo.documents[2].url.as_deref(), Some(url.as_str()));
    let page = xtask::upstream::fetch::read(fixture("vendor/get-skills.md").to_str().unwrap()).unwrap();
    assert_eq!(scratch.read(ADDED_FILE), page.text);

    // The generated client exposes the operation, and the prepared document (the generated
    // crate's `documents::KOMBO`, which the mock validates against) holds it.
    let code = scratch.read(KOMBO_RS);
    assert!(
        code.contains("pub fn get_hris_skills(&self)"),
        "no operation in the client"
    );
    assert!(code.contains(&format!("{ADDED_FILE} (sha256 {})", page_sha(&page.text))));
    let document: serde_json::Value = serde_json::from_str(&scratch.read(KOMBO_JSON)).unwrap();
    assert!(document["paths"]["/hris/skills"]["get"].is_object());
    assert!(document["paths"]["/hris/staffing-entity-skills"]["post"].is_object());
    assert_exit(&scratch.run(&["codegen", "--check"]), 0);

    // Drift reads the new file on the vendored side: the recorded pages report nothing, and
    // leaving the new page out reads as its endpoint removed upstream.
    scratch.point_kombo_at(&base);
    let out = scratch.run(&["drift", "kombo", "--upstream"]);
    assert_exit(&out, 0);
    assert_eq!(text(&out.stdout), "kombo: no changes\n");
    let get = format!("{base}/hris/v1/get-staffing-entity-skills.md");
    let post = format!("{base}/hris/v1/post-staffing-entity-skills.md");
    let out = scratch.run(&[
        "drift",
        "kombo",
        "--against",
        &get,
        "--against",
        &post,
        "--fail-on",
        "never",
    ]);
    assert_exit(&out, 0);
    assert!(text(&out.stdout).contains("GET /hris/skills"), "{}", text(&out.stdout));

    // The same page again is refused, and nothing changes.
    let declared = scratch.read(KOMBO_TOML);
    let out = scratch.run(&["vendor", "kombo", "--add", &url]);
    assert_exit(&out, 2);
    assert!(
        text(&out.stderr).contains("GET /hris/skills is already vendored in specs/kombo/get-hris-skills.yaml"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(scratch.read(KOMBO_TOML), declared);
}

fn page_sha(text: &str) -> String {
    xtask::spec::load::sha256_hex(text.as_bytes())
}

#[test]
fn an_added_page_that_does_not_merge_or_generate_leaves_nothing_behind() {
    let scratch = Scratch::copy("xtask-vendor-home", "refused", &FILES);
    let declared = scratch.read(KOMBO_TOML);
    let code = scratch.read(KOMBO_RS);
    let untouched = |scratch: &Scratch| {
        assert_eq!(scratch.read(KOMBO_TOML), declared);
        assert_eq!(scratch.read(KOMBO_RS), code);
        assert!(!scratch.0.join(ADDED_FILE).exists());
    };
    // A shared component defined differently: the merge names it.
    let conflicting = edit(
        &skills_page(),
        "description: A static, human-readable label.",
        "description: A static label.",
    );
    let page = scratch.0.join("upstream/conflicting.md");
    std::fs::create_dir_all(page.parent().unwrap()).unwrap();
    std::fs::write(&page, conflicting).unwrap();
    let page = page.to_str().unwrap();
    let out = scratch.run(&["vendor", "kombo", "--add", page, "--url", "https://d.example/skills.md"]);
    assert_exit(&out, 2);
    assert!(text(&out.stderr).contains("does not merge"), "{}", text(&out.stderr));
    untouched(&scratch);
    // A file needs the address to record.
    let out = scratch.run(&["vendor", "kombo", "--add", page]);
    assert_exit(&out, 2);
    assert!(text(&out.stderr).contains("give --url"), "{}", text(&out.stderr));
    // A recorded address must be one `--upstream` can fetch later.
    let out = scratch.run(&["vendor", "kombo", "--add", page, "--url", "ftp://d.example/skills.md"]);
    assert_exit(&out, 2);
    assert!(
        text(&out.stderr).contains("--url ftp://d.example/skills.md: not an http(s) URL"),
        "{}",
        text(&out.stderr)
    );
    // A page that merges but breaks the overlay or generation: put back.
    let broken = edit(
        &skills_page(),
        "$ref: '#/components/schemas/GetHrisSkillsPositiveResponse'",
        "$ref: '#/components/schemas/NoSuchSchema'",
    );
    std::fs::write(scratch.0.join("upstream/broken.md"), broken).unwrap();
    let broken = scratch.0.join("upstream/broken.md");
    let out = scratch.run(&[
        "vendor",
        "kombo",
        "--add",
        broken.to_str().unwrap(),
        "--url",
        "https://d.example/skills.md",
    ]);
    assert_exit(&out, 2);
    let stderr = text(&out.stderr);
    assert!(
        stderr.starts_with("error: specs/kombo/get-hris-skills.yaml#/paths/") && stderr.contains("nothing was added: "),
        "{stderr}"
    );
    untouched(&scratch);
    // A file of that name that nothing declares (left by hand) is not overwritten.
    std::fs::write(scratch.0.join(ADDED_FILE), "# someone's notes\n").unwrap();
    std::fs::write(scratch.0.join("upstream/skills.md"), skills_page()).unwrap();
    let good = scratch.0.join("upstream/skills.md");
    let out = scratch.run(&[
        "vendor",
        "kombo",
        "--add",
        good.to_str().unwrap(),
        "--url",
        "https://d.example/skills.md",
    ]);
    assert_exit(&out, 2);
    assert!(text(&out.stderr).contains("already exists"), "{}", text(&out.stderr));
    assert_eq!(scratch.read(ADDED_FILE), "# someone's notes\n");
    assert_eq!(scratch.read(KOMBO_TOML), declared);
}

#[test]
fn a_refresh_from_the_recorded_urls_makes_the_code_stale_until_codegen() {
    let scratch = Scratch::copy("xtask-vendor-home", "refresh", &FILES);
    let changed = edit(
        &get_page(),
        "description: The Kombo ID of the skill.",
        "description: The Kombo ID of the skill in the catalog.",
    );
    let base = serve(vec![
        ("/hris/v1/get-staffing-entity-skills.md", changed),
        ("/hris/v1/post-staffing-entity-skills.md", post_page()),
    ]);
    scratch.point_kombo_at(&base);

    let out = scratch.run(&["vendor", "kombo", "--upstream"]);
    assert_exit(&out, 0);
    assert_eq!(text(&out.stdout), format!("wrote {GET_FILE}\nunchanged {POST_FILE}\n"));
    assert!(
        scratch
            .read(GET_FILE)
            .contains("The Kombo ID of the skill in the catalog.")
    );

    let out = scratch.run(&["codegen", "--check"]);
    assert_exit(&out, 1);
    assert!(text(&out.stdout).contains("generated code is stale"));
    assert_exit(&scratch.run(&["codegen"]), 0);
    assert_exit(&scratch.run(&["codegen", "--check"]), 0);
    assert!(
        scratch
            .read(KOMBO_JSON)
            .contains("The Kombo ID of the skill in the catalog.")
    );

    // A second run with nothing new upstream changes nothing.
    let snapshot: Vec<String> = FILES.iter().map(|f| scratch.read(f)).collect();
    let out = scratch.run(&["vendor", "kombo", "--upstream"]);
    assert_exit(&out, 0);
    assert_eq!(
        text(&out.stdout),
        format!("unchanged {GET_FILE}\nunchanged {POST_FILE}\n")
    );
    let out = scratch.run(&["codegen"]);
    assert_exit(&out, 0);
    assert_eq!(text(&out.stdout), "generated code is up to date\n");
    assert_eq!(FILES.iter().map(|f| scratch.read(f)).collect::<Vec<_>>(), snapshot);
}

#[test]
fn a_vendor_without_upstream_refuses_the_refresh_and_a_bad_declaration_names_its_key() {
    let scratch = Scratch::copy("xtask-vendor-home", "declared", &FILES);
    let out = scratch.run(&["vendor", "techwolf", "--upstream"]);
    assert_exit(&out, 2);
    assert!(
        text(&out.stderr).contains("techwolf has no upstream spec"),
        "{}",
        text(&out.stderr)
    );
    let declared = scratch.read(KOMBO_TOML);
    std::fs::write(
        scratch.0.join(KOMBO_TOML),
        declared.replacen("url = \"https", "href = \"https", 1),
    )
    .unwrap();
    for args in [
        &["codegen", "--check"][..],
        &["drift", "kombo", "--upstream"],
        &["vendor", "kombo", "--upstream"],
    ] {
        let out = scratch.run(args);
        assert_exit(&out, 2);
        let stderr = text(&out.stderr);
        assert!(
            stderr.starts_with("error: specs/kombo/vendor.toml: `document[1].href` (line "),
            "{args:?}: {stderr}"
        );
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
    }
}
