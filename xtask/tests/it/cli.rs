//! `cargo xtask codegen` on broken inputs: a one-line error, exit 2, and no output file touched.

use crate::common;

use common::Scratch;

use std::path::PathBuf;
use std::process::{Command, Output};

const INPUTS: [&str; 6] = [
    "specs/kombo/get-hris-staffing-entity-skills.yaml",
    "specs/kombo/post-hris-staffing-entity-skills.yaml",
    "specs/kombo/overlay.yaml",
    "specs/techwolf/openapi.yaml",
    "specs/kombo/vendor.toml",
    "specs/techwolf/vendor.toml",
];
const OUTPUTS: [&str; 4] = [
    "crates/skillbridge-openapi/src/generated/kombo.rs",
    "crates/skillbridge-openapi/src/generated/techwolf.rs",
    "crates/skillbridge-openapi/src/generated/kombo.openapi.json",
    "crates/skillbridge-openapi/src/generated/techwolf.openapi.json",
];

impl Scratch {
    /// Runs `codegen --check`, expects exit 1 (stale), and returns the report it printed.
    fn stale_report(&self) -> String {
        let out = self.run(&["codegen", "--check"]);
        assert_eq!(out.status.code(), Some(1));
        String::from_utf8(out.stdout).unwrap()
    }

    /// A scratch copy of the specs and generated files.
    fn with_codegen_files(name: &str) -> Self {
        let files: Vec<&str> = INPUTS.iter().chain(&OUTPUTS).copied().collect();
        Scratch::copy("xtask-cli", name, &files)
    }

    fn edit(&self, rel: &str, f: impl FnOnce(String) -> String) {
        let path = self.0.join(rel);
        let text = std::fs::read_to_string(&path).unwrap();
        let edited = f(text.clone());
        assert_ne!(text, edited, "the edit of {rel} changed nothing");
        std::fs::write(path, edited).unwrap();
    }

    fn outputs(&self) -> Vec<Vec<u8>> {
        OUTPUTS
            .iter()
            .map(|rel| std::fs::read(self.0.join(rel)).unwrap())
            .collect()
    }

    fn leftovers(&self) -> Vec<PathBuf> {
        let dir = self.0.join("crates/skillbridge-openapi/src/generated");
        std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| !OUTPUTS.iter().any(|o| p.ends_with(o)))
            .collect()
    }
}

/// [`fails_cleanly`] after replacing `from` (which occurs once) by `to` in the input file `input`.
fn fails_after_edit(name: &str, input: &str, from: &str, to: &str) -> String {
    fails_cleanly(name, |s| s.edit(input, |t| t.replacen(from, to, 1)))
}

/// Break the inputs, run codegen, and check the failure is clean. Returns stderr.
fn fails_cleanly(name: &str, break_inputs: impl FnOnce(&Scratch)) -> String {
    let scratch = Scratch::with_codegen_files(name);
    let before = scratch.outputs();
    break_inputs(&scratch);
    let out = scratch.run(&["codegen"]);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(2), "{name}: {stderr}");
    assert_eq!(stderr.lines().count(), 1, "{name}: one line expected, got {stderr:?}");
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(scratch.outputs(), before, "{name}: generated files were touched");
    assert_eq!(
        scratch.leftovers(),
        Vec::<PathBuf>::new(),
        "{name}: temporary files left behind"
    );
    stderr
}

#[test]
fn invalid_yaml() {
    let err = fails_after_edit("yaml", INPUTS[0], "paths:", "paths: [unclosed");
    assert!(
        err.starts_with("error: specs/kombo/get-hris-staffing-entity-skills.yaml: invalid YAML"),
        "{err}"
    );
}

#[test]
fn missing_file() {
    let err = fails_cleanly("missing", |s| std::fs::remove_file(s.0.join(INPUTS[1])).unwrap());
    assert!(
        err.starts_with("error: specs/kombo/post-hris-staffing-entity-skills.yaml: cannot read file"),
        "{err}"
    );
}

#[test]
fn unknown_ref() {
    let err = fails_after_edit(
        "ref",
        INPUTS[3],
        "$ref: '#/components/schemas/Include'",
        "$ref: '#/components/schemas/Nope'",
    );
    assert_eq!(
        err.trim_end(),
        "error: specs/techwolf/openapi.yaml#/components/schemas/ExportRequest/properties/include/items/$ref: unknown \
         reference #/components/schemas/Nope"
    );
}

#[test]
fn overlay_target_matching_nothing() {
    let err = fails_after_edit(
        "overlay",
        INPUTS[2],
        "$.paths['/hris/staffing-entity-skills']",
        "$.paths['/hris/gone']",
    );
    assert!(
        err.starts_with("error: specs/kombo/overlay.yaml#/actions/0/target: target $.paths['/hris/gone']"),
        "{err}"
    );
}

#[test]
fn spec_that_makes_progenitor_panic() {
    let err = fails_after_edit(
        "panic",
        INPUTS[3],
        "        default:\n          $ref: '#/components/responses/Error'",
        "        '201':\n          description: other\n          content:\n            application/json:\n              \
                 schema: {type: array, items: {type: integer}}\n        default:\n          $ref: \
                 '#/components/responses/Error'",
    );
    assert!(
        err.contains("progenitor cannot generate a client for this spec"),
        "{err}"
    );
    // The operation progenitor failed on, found by generating parts of the document.
    assert!(
        err.starts_with("error: specs/techwolf/openapi.yaml#/paths/~1export~1employees~1skill_clusters/post: "),
        "{err}"
    );
    assert!(err.trim_end().chars().count() <= 200, "{err}");
}

#[test]
fn check_reports_stale_code_with_a_diff_and_the_fix() {
    let scratch = Scratch::with_codegen_files("stale");
    assert_eq!(scratch.run(&["codegen", "--check"]).status.code(), Some(0));
    scratch.edit(OUTPUTS[1], |t| {
        t.replacen("pub struct SkillCluster {", "pub struct SkillClusterRenamed {", 1)
    });
    let stdout = scratch.stale_report();
    assert!(
        stdout.contains("-    pub struct SkillClusterRenamed {\n+    pub struct SkillCluster {"),
        "{stdout}"
    );
    assert!(stdout.contains("run `cargo xtask codegen`"), "{stdout}");
    // Write mode repairs it and names the one file it wrote; check then passes.
    let repair = scratch.run(&["codegen"]);
    assert_eq!(repair.status.code(), Some(0));
    let said = String::from_utf8_lossy(&repair.stdout);
    assert_eq!(said.lines().count(), 1, "{said}");
    assert!(
        said.starts_with("wrote ") && said.trim_end().ends_with(OUTPUTS[1]),
        "{said}"
    );
    assert_eq!(scratch.run(&["codegen", "--check"]).status.code(), Some(0));
}

#[test]
fn the_prepared_documents_are_generated_and_checked_too() {
    let scratch = Scratch::with_codegen_files("documents");
    // An overlay change reaches the prepared document (still 3.1, overlay applied) ...
    scratch.edit(INPUTS[2], |t| t.replacen("maximum: 250", "maximum: 99", 1));
    let stdout = scratch.stale_report();
    assert!(
        stdout.contains("+++ b/crates/skillbridge-openapi/src/generated/kombo.openapi.json"),
        "{stdout}"
    );
    assert!(stdout.contains("+              \"maximum\": 99"), "{stdout}");
    assert_eq!(scratch.run(&["codegen"]).status.code(), Some(0));
    let document = std::fs::read_to_string(scratch.0.join(OUTPUTS[2])).unwrap();
    assert!(
        document.starts_with("{\n  \"openapi\": \"3.1.0\""),
        "not normalized: {document:.80}"
    );
    // ... and a hand edit of the document is stale like a hand edit of the code.
    scratch.edit(OUTPUTS[3], |t| t.replacen("\"3.1.0\"", "\"3.1.1\"", 1));
    assert_eq!(scratch.run(&["codegen", "--check"]).status.code(), Some(1));
}

#[test]
fn the_committed_generated_code_is_fresh() {
    let root = xtask::workspace_root();
    match xtask::codegen::check(&root, &xtask::vendors::all(&root).unwrap()).unwrap() {
        xtask::codegen::Check::Fresh => {}
        xtask::codegen::Check::Stale(report) => panic!("{report}"),
    }
}

fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask")).args(args).output().unwrap()
}

#[test]
fn help_exits_0_with_the_usage_of_each_command() {
    for (args, first_line) in [
        (&[][..], "usage: cargo xtask [--root DIR] <command> [options]"),
        (&["--help"], "usage: cargo xtask [--root DIR] <command> [options]"),
        (&["-h"], "usage: cargo xtask [--root DIR] <command> [options]"),
        (&["help"], "usage: cargo xtask [--root DIR] <command> [options]"),
        (
            &["help", "vendor"],
            "usage: cargo xtask vendor <vendor> --from <FILE|URL>...",
        ),
        (&["codegen", "--help"], "usage: cargo xtask codegen [--check]"),
        (
            &["drift", "--help"],
            "usage: cargo xtask drift <vendor> (--upstream | --against <FILE|URL>...) [options]",
        ),
        (
            &["drift", "kombo", "--help"],
            "usage: cargo xtask drift <vendor> (--upstream | --against <FILE|URL>...) [options]",
        ),
        (
            &["drift", "kombo", "--against", "x", "-h"],
            "usage: cargo xtask drift <vendor> (--upstream | --against <FILE|URL>...) [options]",
        ),
        (
            &["vendor", "--help"],
            "usage: cargo xtask vendor <vendor> --from <FILE|URL>...",
        ),
        (
            &["vendor", "kombo", "--help"],
            "usage: cargo xtask vendor <vendor> --from <FILE|URL>...",
        ),
    ] {
        let out = xtask(args);
        let stdout = String::from_utf8(out.stdout).unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(stdout.lines().next(), Some(first_line), "{args:?}");
        assert!(out.stderr.is_empty(), "{args:?}");
    }
}

#[test]
fn usage_errors_exit_2_with_one_line_naming_the_help() {
    for (args, needle, help) in [
        (&["frobnicate"][..], "unknown command frobnicate", "cargo xtask --help"),
        (
            &["--root"],
            "missing argument for option '--root'",
            "cargo xtask --help",
        ),
        (
            &["codegen", "--root"],
            "missing argument for option '--root'",
            "cargo xtask codegen --help",
        ),
        (
            &["codegen", "--chek"],
            "invalid option '--chek'",
            "cargo xtask codegen --help",
        ),
        (
            &["help", "frobnicate"],
            "no help for unknown command frobnicate",
            "cargo xtask --help",
        ),
        (
            &["drift", "kombo", "--upstream", "--fail-on", "FATAL"],
            "unknown level FATAL",
            "cargo xtask drift --help",
        ),
        (
            &["drift", "kombo", "--upstream", "--frobnicate"],
            "invalid option '--frobnicate'",
            "cargo xtask drift --help",
        ),
        (
            &["drift", "kombo", "--upstream", "extra"],
            "unexpected argument \"extra\"",
            "cargo xtask drift --help",
        ),
        (
            &["drift", "kombo", "--against", "a", "--upstream"],
            "exclusive",
            "cargo xtask drift --help",
        ),
        (
            &["drift", "--base", "a.yaml"],
            "--base needs --against",
            "cargo xtask drift --help",
        ),
        (
            &["vendor", "kombo"],
            "give --from <FILE|URL>..., --upstream or --add",
            "cargo xtask vendor --help",
        ),
    ] {
        let out = xtask(args);
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(
            stderr.starts_with("error: ") && stderr.contains(needle),
            "{args:?}: {stderr}"
        );
        assert!(stderr.contains(help), "{args:?}: {stderr}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
}

#[test]
fn codegen_on_fresh_inputs_says_up_to_date_and_writes_nothing() {
    let scratch = Scratch::with_codegen_files("fresh");
    let before = scratch.outputs();
    for args in [&["codegen"][..], &["codegen", "--check"]] {
        let out = scratch.run(args);
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        assert_eq!(
            String::from_utf8(out.stdout).unwrap(),
            "generated code is up to date\n",
            "{args:?}"
        );
    }
    assert_eq!(scratch.outputs(), before);
    // `--root` after the command works too.
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["codegen", "--check", "--root"])
        .arg(&scratch.0)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
}

fn fixture_path(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
}

#[test]
fn try_runs_one_document_through_the_pipeline_and_writes_nothing() {
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["codegen", "--try"])
        .arg(fixture_path("normalize/every-rule.yaml"))
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        stdout.starts_with("ok: ") && stdout.contains("every-rule.yaml: 1 operations, "),
        "{stdout}"
    );

    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["codegen", "--try"])
        .arg(fixture_path("normalize/prefix-items.yaml"))
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("prefix-items.yaml#/components/schemas/Pair/prefixItems: "),
        "{stderr}"
    );
}
