//! The command line of `cargo xtask`: every command, its options and its `--help` text, in one place.
//!
//! Parsed with [`lexopt`]: a zero-dependency, no-proc-macro argument lexer (about a thousand
//! lines, stable API, used by ripgrep's author). xtask keeps its dependencies few and builds on
//! every CI run, so a derive-based parser (clap with `derive`, or `xflags`' proc macro) would cost
//! more compile time than the five commands here are worth; `lexopt` gives correct handling of
//! `--opt=value`, `--opt value`, `--` and non-UTF-8 arguments, and the help text stays plain
//! strings that a test can read. Usage errors are [`UsageError`]s (exit 2); `--help` anywhere
//! returns [`Command::Help`] with the text of the command it was given to (exit 0).

use std::ffi::OsString;
use std::fmt;
use std::path::PathBuf;

use lexopt::prelude::*;

use crate::drift::Level;
use crate::drift::format::Format;

/// `cargo xtask --help`.
pub const USAGE: &str = "\
usage: cargo xtask [--root DIR] <command> [options]

commands:
  codegen [--check]        regenerate crates/skillbridge-openapi/src/generated/ from specs/
  codegen --try FILE       run one OpenAPI document through the pipeline, write nothing
  drift <vendor> ...       compare a vendor's vendored spec with upstream documents
  drift --base ... --against ...
                           compare any two OpenAPI 3.0/3.1 documents (or sets of them)
  vendor <vendor> --from | --upstream | --add
                           refresh the vendored documents, or add one
  help [command]           print this text, or a command's

options:
  --root DIR               run on another checkout (default: this workspace)
  -h, --help               print help (also after any command)

exit codes: 0 success, 1 check failed (stale code, drift at --fail-on), 2 bad input or usage
";

/// `cargo xtask codegen --help`.
pub const CODEGEN_USAGE: &str = "\
usage: cargo xtask codegen [--check]
       cargo xtask codegen --try FILE

Regenerate crates/skillbridge-openapi/src/generated/ from specs/ (load, merge, overlay,
normalize, hoist, progenitor, prettyplease).

options:
  --check       regenerate in memory; print a diff and exit 1 if the committed code is stale
  --try FILE    run one OpenAPI document (YAML or JSON) through the same pipeline as a vendor of
                its own (no overlay, no named hoists) and print the outcome; nothing is written.
                Exit 0 when a client generates, 2 with the one-line refusal when not
  -h, --help    print this help
";

/// `cargo xtask drift --help`.
pub const DRIFT_USAGE: &str = "\
usage: cargo xtask drift <vendor> (--upstream | --against <FILE|URL>...) [options]
       cargo xtask drift --base <FILE|URL>... --against <FILE|URL>... [options]
       cargo xtask drift <vendor> --observed <FILE> [options]

Semantic diff of OpenAPI 3.0/3.1 documents, each change classified ERR (breaking), WARN
(possibly breaking) or INFO with oasdiff's rule ids (see xtask/DRIFT.md).

Vendor mode compares the vendored spec of <vendor> (kombo, techwolf) with upstream documents and
checks the vendor's overlay against them. Generic mode compares any documents: --base is the old
side, --against the new one. Several documents on a side are merged; documents that cannot be
merged (pages out of step) are compared page by page and the disagreement is reported.
An input is a file, an http(s) URL, YAML, JSON or a docs page with one ```yaml block; a URL that
answers HTML is retried once with `.md` appended.

options:
  --against <FILE|URL>   new side (repeatable)
  --upstream             vendor mode: the URLs of specs/<vendor>/vendor.toml as the new side
  --base <FILE|URL>      generic mode: old side (repeatable)
  --observed <FILE>      vendor mode: report the drift events (JSON lines) that skillbridge's
                         `observe` feature wrote, instead of comparing documents
  --format <FORMAT>      text (default), json, github (workflow annotations) , markdown
                         (job summary, PR comment), junit (XML test
                         report) or sarif (code scanning)
  --fail-on <LEVEL>      ERR (default), WARN, INFO or never: exit 1 when a change reaches it
  --severity RULE=LEVEL  give a rule's changes another level (repeatable; after the [severity]
                         table of the drift-ignore file)
  --ignore <FILE>        generic mode: acknowledged changes and [severity] overrides (vendor
                         mode reads specs/<vendor>/drift-ignore.toml)
  --impact               also run codegen on the new side and list the generated types, fields,
                         variants and operations that appear, disappear or change type, with
                         the release they call for (text, json, markdown)
  -h, --help             print this help

Acknowledged changes are listed apart and never reach --fail-on; an entry that matches nothing
or whose `until` has passed is reported as stale-acknowledgement (WARN).

exit codes: 0 nothing reached --fail-on, 1 something did, 2 bad input or usage
";

/// `cargo xtask vendor --help`.
pub const VENDOR_USAGE: &str = "\
usage: cargo xtask vendor <vendor> --from <FILE|URL>...
       cargo xtask vendor <vendor> --upstream
       cargo xtask vendor <vendor> --add <FILE|URL> [--url URL]

Replace the vendored documents of <vendor> with upstream ones (YAML, JSON or docs pages). Pages
titled `METHOD /path` map to the vendored file holding that operation, other inputs map to the
vendor's files in order. Nothing is written unless every input reads, parses and merges.

--add vendors one more document: it must merge with the vendor's documents and hold no operation
they hold. It is written beside them (named after its operation: `get-hris-skills.yaml`),
recorded last in specs/<vendor>/vendor.toml with its upstream address, and the clients are
regenerated (`cargo xtask codegen`); if that fails, nothing is left changed.

options:
  --from <FILE|URL>   an upstream document (repeatable)
  --upstream          refresh every document from its `url` in specs/<vendor>/vendor.toml
  --add <FILE|URL>    add an upstream document (a URL is recorded as its upstream address)
  --url <URL>         with --add FILE: the upstream address to record
  -h, --help          print this help
";

/// The parsed command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Xtask {
    /// `--root DIR`, when given.
    pub root: Option<PathBuf>,
    /// What to do.
    pub command: Command,
}

/// A command with its options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Print this help text and exit 0.
    Help(&'static str),
    /// `codegen [--check]`.
    Codegen {
        /// Check instead of writing.
        check: bool,
    },
    /// `codegen --try FILE`: one document through the pipeline, nothing written.
    CodegenTry {
        /// The document to try.
        file: PathBuf,
    },
    /// `drift ...`.
    Drift(Drift),
    /// `vendor <vendor> --from ...`.
    Vendor(Vendor),
}

/// Options of `drift`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drift {
    /// Vendor mode: the vendor; `None` in generic mode.
    pub vendor: Option<String>,
    /// Generic mode: the old side.
    pub base: Vec<String>,
    /// The new side.
    pub against: Vec<String>,
    /// Vendor mode: read the new side from `vendor.toml`.
    pub upstream: bool,
    /// Output format.
    pub format: Format,
    /// The level that makes the command exit 1; `None` never fails.
    pub fail_on: Option<Level>,
    /// Generic mode: the drift-ignore file (acknowledgements, severity overrides).
    pub ignore: Option<String>,
    /// `--severity RULE=LEVEL` overrides, in order (a later one wins).
    pub severity: Vec<(String, Level)>,
    /// `--impact`: compare the generated SDK too.
    pub impact: bool,
    /// Vendor mode: a file of events the client's `observe` feature reported, instead of a
    /// comparison (see `drift::observed`).
    pub observed: Option<String>,
}

/// Options of `vendor`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vendor {
    /// The vendor whose documents are replaced.
    pub vendor: String,
    /// What to do.
    pub action: VendorAction,
}

/// What `vendor` does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VendorAction {
    /// `--from`: replace documents with these upstream ones.
    From(Vec<String>),
    /// `--upstream`: replace every document with the one at its recorded `url`.
    Upstream,
    /// `--add`: vendor one more document.
    Add {
        /// The document (file or URL).
        source: String,
        /// `--url`: the upstream address to record (default: `source` when it is a URL).
        url: Option<String>,
    },
}

/// A usage error: what is wrong and which help text applies. Exit 2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageError {
    /// What is wrong, one line.
    pub message: String,
    /// The command whose `--help` explains it (`None`: the top level).
    pub command: Option<&'static str>,
}

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.command {
            Some(c) => write!(f, "{} (see `cargo xtask {c} --help`)", self.message),
            None => write!(f, "{} (see `cargo xtask --help`)", self.message),
        }
    }
}

impl std::error::Error for UsageError {}

/// The help text of a command name, if it is one.
pub fn usage_of(command: &str) -> Option<&'static str> {
    match command {
        "codegen" => Some(CODEGEN_USAGE),
        "drift" => Some(DRIFT_USAGE),
        "vendor" => Some(VENDOR_USAGE),
        "help" => Some(USAGE),
        _ => None,
    }
}

/// Parse the arguments after the program name.
pub fn parse<I>(args: I) -> Result<Xtask, UsageError>
where
    I: IntoIterator,
    I::Item: Into<OsString>,
{
    let mut p = lexopt::Parser::from_args(args);
    let mut root = None;
    let err = |command: Option<&'static str>| {
        move |e: lexopt::Error| UsageError {
            message: e.to_string(),
            command,
        }
    };
    let top = err(None);
    let name = loop {
        match p.next().map_err(top)? {
            Some(Long("root")) => root = Some(PathBuf::from(p.value().map_err(top)?)),
            Some(Short('h') | Long("help")) => {
                return Ok(Xtask {
                    root,
                    command: Command::Help(USAGE),
                });
            }
            Some(Value(v)) => break v.string().map_err(top)?,
            Some(other) => return Err(top(other.unexpected())),
            // No command: print the overview, as `cargo` does.
            None => {
                return Ok(Xtask {
                    root,
                    command: Command::Help(USAGE),
                });
            }
        }
    };
    let command = match name.as_str() {
        "codegen" => codegen(&mut p, &mut root)?,
        "drift" => drift(&mut p, &mut root)?,
        "vendor" => vendor(&mut p, &mut root)?,
        "help" => {
            let topic = match p.next().map_err(top)? {
                Some(Value(v)) => Some(v.string().map_err(top)?),
                None => None,
                Some(other) => return Err(top(other.unexpected())),
            };
            let usage = match topic {
                None => USAGE,
                Some(t) => usage_of(&t).ok_or_else(|| UsageError {
                    message: format!("no help for unknown command {t}"),
                    command: None,
                })?,
            };
            Command::Help(usage)
        }
        other => {
            return Err(UsageError {
                message: format!("unknown command {other}"),
                command: None,
            });
        }
    };
    Ok(Xtask { root, command })
}

fn codegen(p: &mut lexopt::Parser, root: &mut Option<PathBuf>) -> Result<Command, UsageError> {
    let e = |e: lexopt::Error| UsageError {
        message: format!("codegen: {e}"),
        command: Some("codegen"),
    };
    let mut check = false;
    let mut try_file = None;
    while let Some(arg) = p.next().map_err(e)? {
        match arg {
            Long("check") => check = true,
            Long("try") => try_file = Some(PathBuf::from(p.value().map_err(e)?)),
            Long("root") => *root = Some(PathBuf::from(p.value().map_err(e)?)),
            Short('h') | Long("help") => return Ok(Command::Help(CODEGEN_USAGE)),
            other => return Err(e(other.unexpected())),
        }
    }
    match (check, try_file) {
        (true, Some(_)) => Err(UsageError {
            message: "codegen: --check and --try are exclusive".into(),
            command: Some("codegen"),
        }),
        (_, Some(file)) => Ok(Command::CodegenTry { file }),
        (check, None) => Ok(Command::Codegen { check }),
    }
}

fn drift(p: &mut lexopt::Parser, root: &mut Option<PathBuf>) -> Result<Command, UsageError> {
    let e = |e: lexopt::Error| UsageError {
        message: format!("drift: {e}"),
        command: Some("drift"),
    };
    let bad = |message: String| UsageError {
        message: format!("drift: {message}"),
        command: Some("drift"),
    };
    let mut d = Drift {
        vendor: None,
        base: Vec::new(),
        against: Vec::new(),
        upstream: false,
        format: Format::Text,
        fail_on: Some(Level::Err),
        ignore: None,
        severity: Vec::new(),
        impact: false,
        observed: None,
    };
    while let Some(arg) = p.next().map_err(e)? {
        match arg {
            Long("against") => d.against.push(p.value().map_err(e)?.string().map_err(e)?),
            Long("base") => d.base.push(p.value().map_err(e)?.string().map_err(e)?),
            Long("upstream") => d.upstream = true,
            Long("impact") => d.impact = true,
            Long("format") => {
                let v = p.value().map_err(e)?.string().map_err(e)?;
                d.format = Format::parse(&v).ok_or_else(|| {
                    bad(format!(
                        "unknown format {v} (text, json, github, markdown, junit, sarif)"
                    ))
                })?;
            }
            Long("fail-on") => {
                let v = p.value().map_err(e)?.string().map_err(e)?;
                d.fail_on = if v.eq_ignore_ascii_case("never") {
                    None
                } else {
                    Some(Level::parse(&v).ok_or_else(|| bad(format!("unknown level {v} (ERR, WARN, INFO, never)")))?)
                };
            }
            Long("ignore") => d.ignore = Some(p.value().map_err(e)?.string().map_err(e)?),
            Long("observed") => d.observed = Some(p.value().map_err(e)?.string().map_err(e)?),
            Long("severity") => {
                let v = p.value().map_err(e)?.string().map_err(e)?;
                d.severity.push(crate::drift::policy::parse_override(&v).map_err(bad)?);
            }
            Long("root") => *root = Some(PathBuf::from(p.value().map_err(e)?)),
            Short('h') | Long("help") => return Ok(Command::Help(DRIFT_USAGE)),
            Value(v) if d.vendor.is_none() && d.base.is_empty() => d.vendor = Some(v.string().map_err(e)?),
            other => return Err(e(other.unexpected())),
        }
    }
    if d.observed.is_some() && (d.vendor.is_none() || d.upstream || !d.against.is_empty() || !d.base.is_empty()) {
        return Err(bad(
            "--observed FILE takes a vendor and no --base, --against or --upstream".to_owned(),
        ));
    }
    if !d.base.is_empty() {
        if let Some(v) = &d.vendor {
            return Err(bad(format!("--base compares documents, not a vendor: drop {v}")));
        }
        if d.upstream {
            return Err(bad("--upstream needs a vendor, not --base".to_owned()));
        }
        if d.against.is_empty() {
            return Err(bad("--base needs --against <FILE|URL> for the new side".to_owned()));
        }
        return Ok(Command::Drift(d));
    }
    if let (Some(v), Some(_)) = (&d.vendor, &d.ignore) {
        return Err(bad(format!(
            "--ignore is for --base mode; {v} reads specs/{v}/drift-ignore.toml"
        )));
    }
    if d.vendor.is_none() {
        return Err(bad(
            "missing <vendor> (or --base <FILE|URL> for two documents)".to_owned()
        ));
    }
    match (d.upstream, d.against.is_empty()) {
        (false, true) if d.observed.is_some() => Ok(Command::Drift(d)),
        (false, true) => Err(bad(
            "give --against <FILE|URL>, --upstream or --observed FILE".to_owned()
        )),
        (true, false) => Err(bad("--upstream and --against are exclusive".to_owned())),
        _ => Ok(Command::Drift(d)),
    }
}

fn vendor(p: &mut lexopt::Parser, root: &mut Option<PathBuf>) -> Result<Command, UsageError> {
    let e = |e: lexopt::Error| UsageError {
        message: format!("vendor: {e}"),
        command: Some("vendor"),
    };
    let mut name = None;
    let mut from = Vec::new();
    let mut upstream = false;
    let mut add = None;
    let mut url = None;
    while let Some(arg) = p.next().map_err(e)? {
        match arg {
            Long("from") => from.push(p.value().map_err(e)?.string().map_err(e)?),
            Long("upstream") => upstream = true,
            Long("add") if add.is_none() => add = Some(p.value().map_err(e)?.string().map_err(e)?),
            Long("url") if url.is_none() => url = Some(p.value().map_err(e)?.string().map_err(e)?),
            Long("root") => *root = Some(PathBuf::from(p.value().map_err(e)?)),
            Short('h') | Long("help") => return Ok(Command::Help(VENDOR_USAGE)),
            Value(v) if name.is_none() => name = Some(v.string().map_err(e)?),
            other => return Err(e(other.unexpected())),
        }
    }
    let bad = |m: &str| UsageError {
        message: format!("vendor: {m}"),
        command: Some("vendor"),
    };
    let vendor = name.ok_or_else(|| bad("missing <vendor>"))?;
    let action = match (from.is_empty(), upstream, add) {
        (false, false, None) if url.is_none() => VendorAction::From(from),
        (true, true, None) if url.is_none() => VendorAction::Upstream,
        (true, false, Some(source)) => VendorAction::Add { source, url },
        (true, false, None) if url.is_none() => {
            return Err(bad("give --from <FILE|URL>..., --upstream or --add <FILE|URL>"));
        }
        (_, _, None) if url.is_some() => return Err(bad("--url goes with --add")),
        _ => return Err(bad("--from, --upstream and --add are exclusive")),
    };
    Ok(Command::Vendor(Vendor { vendor, action }))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly on bad fixtures")]
mod tests {
    use super::*;

    fn cmd(args: &[&str]) -> Result<Command, UsageError> {
        parse(args.iter().copied()).map(|x| x.command)
    }

    #[test]
    fn help_is_answered_by_every_command() {
        assert_eq!(cmd(&[]).unwrap(), Command::Help(USAGE));
        assert_eq!(cmd(&["--help"]).unwrap(), Command::Help(USAGE));
        assert_eq!(cmd(&["help"]).unwrap(), Command::Help(USAGE));
        for (topic, usage) in [
            ("codegen", CODEGEN_USAGE),
            ("drift", DRIFT_USAGE),
            ("vendor", VENDOR_USAGE),
            ("help", USAGE),
        ] {
            assert_eq!(cmd(&["help", topic]).unwrap(), Command::Help(usage), "{topic}");
        }
        assert_eq!(cmd(&["codegen", "-h"]).unwrap(), Command::Help(CODEGEN_USAGE));
        assert_eq!(cmd(&["drift", "kombo", "--help"]).unwrap(), Command::Help(DRIFT_USAGE));
        assert_eq!(cmd(&["vendor", "--help"]).unwrap(), Command::Help(VENDOR_USAGE));
        assert!(cmd(&["help", "frobnicate"]).is_err());
    }

    #[test]
    fn drift_arguments_parse_and_conflicts_are_refused() {
        let Command::Drift(a) = cmd(&[
            "drift",
            "kombo",
            "--against",
            "a.yaml",
            "--against=b",
            "--format",
            "json",
            "--fail-on",
            "never",
        ])
        .unwrap() else {
            panic!("not drift");
        };
        assert_eq!(a.vendor.as_deref(), Some("kombo"));
        assert_eq!(a.against, ["a.yaml", "b"]);
        assert_eq!(a.format, Format::Json);
        assert_eq!(a.fail_on, None);
        let Command::Drift(g) = cmd(&["drift", "--base", "a", "--base", "b", "--against", "c"]).unwrap() else {
            panic!("not drift");
        };
        assert_eq!(
            (g.vendor, g.base, g.against),
            (None, vec!["a".into(), "b".into()], vec!["c".into()])
        );
        for bad in [
            &["drift", "kombo"][..],
            &["drift", "kombo", "--upstream", "--against", "x"],
            &["drift", "kombo", "--upstream", "--format", "xml"],
            &["drift", "kombo", "--upstream", "--fail-on", "FATAL"],
            &["drift", "kombo", "--against"],
            &["drift", "--upstream"],
            &["drift", "kombo", "--upstream", "--frobnicate"],
            &["drift", "kombo", "extra", "--upstream"],
            &["drift", "--base", "a"],
            &["drift", "kombo", "--base", "a", "--against", "b"],
            &["drift", "--base", "a", "--against", "b", "--upstream"],
            &["drift", "kombo", "--upstream", "--ignore", "x.toml"],
            &["drift", "kombo", "--upstream", "--severity", "endpoint-added"],
            &["drift", "kombo", "--upstream", "--severity", "no-such-rule=ERR"],
        ] {
            let e = cmd(bad).unwrap_err();
            assert_eq!(e.command, Some("drift"), "{bad:?}: {e}");
        }
    }

    #[test]
    fn root_is_global_and_needs_a_value() {
        let x = parse(["--root", "scratch/x", "codegen", "--check"]).unwrap();
        assert_eq!(x.root, Some(PathBuf::from("scratch/x")));
        assert_eq!(x.command, Command::Codegen { check: true });
        let x = parse(["codegen", "--root=/y"]).unwrap();
        assert_eq!(x.root, Some(PathBuf::from("/y")));
        assert!(parse(["--root"]).is_err());
        assert!(parse(["codegen", "--root"]).is_err());
        assert!(cmd(&["frobnicate"]).is_err());
        assert!(cmd(&["codegen", "--chek"]).is_err());
        assert_eq!(
            cmd(&["codegen", "--try", "api.yaml"]).unwrap(),
            Command::CodegenTry {
                file: PathBuf::from("api.yaml")
            }
        );
        assert!(cmd(&["codegen", "--try"]).is_err());
        assert!(cmd(&["codegen", "--check", "--try", "api.yaml"]).is_err());
        assert!(cmd(&["vendor", "kombo"]).is_err());
        let vendor = |action| {
            Command::Vendor(Vendor {
                vendor: "kombo".into(),
                action,
            })
        };
        assert_eq!(
            cmd(&["vendor", "kombo", "--from", "a"]).unwrap(),
            vendor(VendorAction::From(vec!["a".into()]))
        );
        assert_eq!(
            cmd(&["vendor", "kombo", "--upstream"]).unwrap(),
            vendor(VendorAction::Upstream)
        );
        assert_eq!(
            cmd(&["vendor", "kombo", "--add", "p.md", "--url", "https://d.example/p.md"]).unwrap(),
            vendor(VendorAction::Add {
                source: "p.md".into(),
                url: Some("https://d.example/p.md".into())
            })
        );
        for bad in [
            &["vendor", "kombo", "--upstream", "--from", "a"][..],
            &["vendor", "kombo", "--add", "a", "--from", "b"],
            &["vendor", "kombo", "--add", "a", "--add", "b"],
            &["vendor", "kombo", "--from", "a", "--url", "u"],
            &["vendor", "kombo", "--url", "u"],
            &["vendor", "kombo", "--add", "a", "--url", "u", "--url", "v"],
            &["vendor", "kombo", "techwolf", "--from", "a"],
        ] {
            assert_eq!(cmd(bad).unwrap_err().command, Some("vendor"), "{bad:?}");
        }
        assert_eq!(
            cmd(&["vendor", "kombo", "--upstream", "--from", "a"])
                .unwrap_err()
                .message,
            "vendor: --from, --upstream and --add are exclusive"
        );
        // A stray --url says where it belongs, whatever else was given.
        for stray in [
            &["vendor", "kombo", "--url", "u"][..],
            &["vendor", "kombo", "--from", "a", "--url", "u"],
            &["vendor", "kombo", "--upstream", "--url", "u"],
        ] {
            let error = cmd(stray).unwrap_err();
            assert_eq!(error.message, "vendor: --url goes with --add", "{stray:?}");
        }
    }
}
