//! The drift rules against their fixture pairs: `fixtures/drift/cases/<case>/` holds `old*` and
//! `new*` documents (merged like a vendor's files), an optional `overlay.yaml`, and
//! `expected.txt` with one `LEVEL rule-id` per line (empty: the pair must report nothing).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use xtask::drift::{self, Report, rules};
use xtask::spec::load::{self, Document};

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/drift/cases")
}

fn docs(dir: &Path, prefix: &str) -> Vec<Document> {
    let mut names: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with(prefix))
        .collect();
    names.sort();
    assert!(!names.is_empty(), "{} has no {prefix}* document", dir.display());
    // Loaded relative to the case folder, so reports name `old.yaml`, not a path of this machine.
    names
        .iter()
        .map(|p| load::load(dir, Path::new(p.file_name().unwrap())).unwrap())
        .collect()
}

/// Run one case as `cargo xtask drift` would (new documents that do not merge are compared page
/// by page).
fn report(dir: &Path) -> Report {
    let overlay = dir.join("overlay.yaml");
    let overlay = overlay.exists().then(|| load::load(Path::new("/"), &overlay).unwrap());
    drift::compare_documents("fixture", &docs(dir, "old"), &docs(dir, "new"), overlay.as_ref()).unwrap()
}

fn cases() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(cases_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    dirs.sort();
    dirs
}

fn expected(dir: &Path) -> BTreeSet<String> {
    std::fs::read_to_string(dir.join("expected.txt"))
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_owned)
        .collect()
}

#[test]
fn every_case_reports_exactly_its_expected_rules() {
    let mut failures = Vec::new();
    for dir in cases() {
        let got: BTreeSet<String> = report(&dir)
            .changes
            .iter()
            .map(|c| format!("{} {}", c.level, c.id))
            .collect();
        let want = expected(&dir);
        if got != want {
            failures.push(format!(
                "{}: expected {want:?}, got {got:?}",
                dir.file_name().unwrap().to_string_lossy()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The text report of every case, reviewed with `cargo insta review` (messages and locations,
/// which `expected.txt` does not pin).
#[test]
fn drift_fixture_reports() {
    let mut out = String::new();
    for dir in cases() {
        let mut report = report(&dir);
        report.vendor = dir.file_name().unwrap().to_string_lossy().into_owned();
        out.push_str("=== ");
        out.push_str(&drift::format::render(&report, drift::format::Format::Text));
        out.push('\n');
    }
    insta::assert_snapshot!("drift_fixture_reports", out);
}

#[test]
fn every_rule_has_a_fixture_and_every_fixture_names_known_rules() {
    let mut covered = BTreeSet::new();
    for dir in cases() {
        // The changes of unstable operations (`x-stability-level`) are capped below their rule's
        // level; those cases are named `unstable-*`.
        let capped = dir.file_name().unwrap().to_string_lossy().starts_with("unstable-");
        for line in expected(&dir) {
            let (level, id) = line.split_once(' ').unwrap();
            let known = rules::level(id).unwrap_or_else(|| panic!("unknown rule {id} in {}", dir.display()));
            if capped {
                assert!(
                    known.to_string() == level || level != "ERR",
                    "{line} in {}",
                    dir.display()
                );
            } else {
                assert_eq!(known.to_string(), level, "{line} in {}", dir.display());
            }
            covered.insert(id.to_owned());
        }
    }
    let missing: Vec<String> = rules::all()
        .into_iter()
        .map(|r| r.id)
        .filter(|id| !covered.contains(id))
        .collect();
    assert!(missing.is_empty(), "rules without a fixture: {missing:?}");
}

#[test]
fn reformatting_and_description_edits_report_nothing_at_err_or_warn() {
    for name in [
        "identity",
        "kombo-reformatted",
        "description-only",
        "ref-inlined",
        "nullable-spellings",
    ] {
        let report = report(&cases_dir().join(name));
        assert!(report.changes.is_empty(), "{name}: {:?}", report.changes);
    }
}

#[test]
fn reports_are_deterministic() {
    let dir = cases_dir().join("overlay-action-redundant");
    let text = |r: &Report| drift::format::render(r, drift::format::Format::Json);
    assert_eq!(text(&report(&dir)), text(&report(&dir)));
}

#[test]
fn the_vendored_kombo_specs_match_the_seed_pages() {
    let root = xtask::workspace_root();
    let pages = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/drift/pages");
    let upstream: Vec<Document> = ["get-staffing-entity-skills.md", "post-staffing-entity-skills.md"]
        .iter()
        .map(|p| {
            xtask::upstream::fetch::read(pages.join(p).to_str().unwrap())
                .unwrap()
                .document()
                .unwrap()
        })
        .collect();
    let vendored: Vec<Document> = xtask::vendors::named(&root, "kombo")
        .unwrap()
        .load_documents(&root)
        .unwrap();
    let overlay = load::load(&root, Path::new("specs/kombo/overlay.yaml")).unwrap();
    let report = drift::compare(
        "kombo",
        &xtask::spec::merge::merge(&vendored).unwrap(),
        &xtask::spec::merge::merge(&upstream).unwrap(),
        Some(&overlay.value),
    )
    .unwrap();
    assert!(report.changes.is_empty(), "{:?}", report.changes);
    // The page's YAML block is the vendored file, byte for byte.
    for (page, file) in [
        (
            "get-staffing-entity-skills.md",
            "specs/kombo/get-hris-staffing-entity-skills.yaml",
        ),
        (
            "post-staffing-entity-skills.md",
            "specs/kombo/post-hris-staffing-entity-skills.yaml",
        ),
    ] {
        let input = xtask::upstream::fetch::read(pages.join(page).to_str().unwrap()).unwrap();
        assert_eq!(input.text, std::fs::read_to_string(root.join(file)).unwrap(), "{page}");
    }
}

#[test]
fn the_upstream_pages_are_the_recorded_ones() {
    // The pages are Kombo's published docs pages, kept in the repository (their README says
    // where they come from); a missing or edited page fails here instead of being skipped.
    let pages = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/drift/pages");
    let readme = std::fs::read_to_string(pages.join("README.md")).expect("the pages' README.md is missing");
    let mut checked = 0;
    for row in readme.lines().filter(|l| l.starts_with("| `") && l.contains(".md`")) {
        let cells: Vec<&str> = row.split('|').map(|c| c.trim().trim_matches('`')).collect();
        let (name, sha) = (cells[1], cells[3]);
        let bytes = std::fs::read(pages.join(name)).unwrap_or_else(|e| panic!("fixture page {name} is missing: {e}"));
        assert_eq!(
            load::sha256_hex(&bytes),
            sha,
            "{name} differs from the recorded upstream page"
        );
        checked += 1;
    }
    assert_eq!(checked, 2, "README.md must list both Kombo pages");
}

/// `doc` with the text between `<!-- generated:NAME -->` and `<!-- end:NAME -->` replaced.
fn with_section(doc: &str, name: &str, body: &str) -> String {
    let (start, end) = (format!("<!-- generated:{name} -->\n"), format!("<!-- end:{name} -->"));
    let a = doc
        .find(&start)
        .unwrap_or_else(|| panic!("DRIFT.md has no {start:?} marker"))
        + start.len();
    let b = doc
        .find(&end)
        .unwrap_or_else(|| panic!("DRIFT.md has no {end:?} marker"));
    format!("{}{body}{}", &doc[..a], &doc[b..])
}

#[test]
fn drift_md_tables_are_generated_from_the_rule_tables() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("DRIFT.md");
    let doc = std::fs::read_to_string(&path).unwrap();
    let mut want = with_section(&doc, "rules", &xtask::drift::oasdiff::rules_markdown());
    want = with_section(&want, "oasdiff", &drift::oasdiff::err_warn_table());
    want = with_section(&want, "deviations", &drift::oasdiff::deviation_table());
    if want != doc {
        if std::env::var_os("UPDATE_DRIFT_MD").is_some() {
            std::fs::write(&path, want).unwrap();
        } else {
            panic!(
                "xtask/DRIFT.md's rule tables are stale: run `UPDATE_DRIFT_MD=1 cargo test -p xtask --test it drift_rules`"
            );
        }
    }
}
