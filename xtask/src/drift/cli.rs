//! Argument handling of `cargo xtask drift` (the binary only prints what this returns).

use std::path::Path;

use super::format::{self, Format};
use super::{Level, compare};
use crate::error::{Error, Result};
use crate::{fetch, load, merge, sources, vendor};

/// Usage of the `drift` task.
// No line continuation before the first line: it would eat the indentation.
pub const USAGE: &str = "  drift <vendor> [--against <FILE|URL>]... [--upstream] [--format text|json|github]
        [--fail-on ERR|WARN|INFO|never]
                      compare the vendored spec with upstream documents (YAML, JSON or a
                      docs page with a ```yaml block); exit 1 when a change reaches --fail-on
                      (default ERR)
";

/// What the command prints and its exit code (0 or 1; errors are `Err`, exit 2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// Standard output.
    pub stdout: String,
    /// 0: nothing reached the fail level; 1: something did.
    pub code: u8,
}

/// Parsed `drift` arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Args {
    vendor: String,
    against: Vec<String>,
    upstream: bool,
    format: Format,
    fail_on: Option<Level>,
}

fn parse(args: &[&str]) -> Result<Args> {
    let mut it = args.iter();
    let vendor = it
        .next()
        .filter(|v| !v.starts_with("--"))
        .ok_or_else(|| Error::msg("drift: missing <vendor>"))?;
    let mut parsed = Args {
        vendor: (*vendor).to_owned(),
        against: Vec::new(),
        upstream: false,
        format: Format::Text,
        fail_on: Some(Level::Err),
    };
    while let Some(arg) = it.next() {
        let mut value = |name: &str| {
            it.next()
                .map(|v| (*v).to_owned())
                .ok_or_else(|| Error::msg(format!("drift: {name} needs a value")))
        };
        match *arg {
            "--against" => parsed.against.push(value("--against")?),
            "--upstream" => parsed.upstream = true,
            "--format" => {
                let v = value("--format")?;
                parsed.format = Format::parse(&v)
                    .ok_or_else(|| Error::msg(format!("drift: unknown format {v} (text, json, github)")))?;
            }
            "--fail-on" => {
                let v = value("--fail-on")?;
                parsed.fail_on = if v.eq_ignore_ascii_case("never") {
                    None
                } else {
                    Some(
                        Level::parse(&v)
                            .ok_or_else(|| Error::msg(format!("drift: unknown level {v} (ERR, WARN, INFO, never)")))?,
                    )
                };
            }
            other => return Err(Error::msg(format!("drift: unknown argument {other}"))),
        }
    }
    match (parsed.upstream, parsed.against.is_empty()) {
        (false, true) => Err(Error::msg("drift: give --against <FILE|URL> or --upstream")),
        (true, false) => Err(Error::msg("drift: --upstream and --against are exclusive")),
        _ => Ok(parsed),
    }
}

/// Run `drift` with the arguments after the task name.
pub fn run(root: &Path, args: &[&str]) -> Result<Outcome> {
    let args = parse(args)?;
    let vendor = vendor::by_name(&args.vendor).ok_or_else(|| {
        let known: Vec<&str> = vendor::VENDORS.iter().map(|v| v.name).collect();
        Error::msg(format!("unknown vendor {} (known: {})", args.vendor, known.join(", ")))
    })?;
    let sources = if args.upstream {
        sources::upstream(root, &vendor)?
            .into_iter()
            .map(|(_, url)| url)
            .collect()
    } else {
        args.against.clone()
    };
    // The vendored side, merged as codegen merges it, before the overlay.
    let vendored = vendor
        .inputs
        .iter()
        .map(|p| load::load(root, Path::new(p)))
        .collect::<Result<Vec<_>>>()?;
    let old = merge::merge(&vendored)?;
    let upstream = sources
        .iter()
        .map(|s| fetch::read(s)?.document())
        .collect::<Result<Vec<_>>>()?;
    let new = merge::merge(&upstream)?;
    let overlay = match vendor.overlay {
        Some(path) => Some(load::load(root, Path::new(path))?),
        None => None,
    };
    let report = compare(vendor.name, &old, &new, overlay.as_ref().map(|d| &d.value)).map_err(|e| match &overlay {
        Some(d) => e.in_file(&d.path),
        None => e,
    })?;
    let failed = args
        .fail_on
        .is_some_and(|level| report.worst().is_some_and(|w| w >= level));
    Ok(Outcome {
        stdout: format::render(&report, args.format),
        code: u8::from(failed),
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly on bad fixtures")]
mod tests {
    use super::*;

    #[test]
    fn arguments_parse_and_conflicts_are_refused() {
        let a = parse(&[
            "kombo",
            "--against",
            "a.yaml",
            "--against",
            "b",
            "--format",
            "json",
            "--fail-on",
            "never",
        ])
        .unwrap();
        assert_eq!(a.against, ["a.yaml", "b"]);
        assert_eq!(a.format, Format::Json);
        assert_eq!(a.fail_on, None);
        assert!(parse(&["kombo"]).is_err());
        assert!(parse(&["kombo", "--upstream", "--against", "x"]).is_err());
        assert!(parse(&["kombo", "--upstream", "--format", "xml"]).is_err());
        assert!(parse(&["kombo", "--against"]).is_err());
        assert!(parse(&["--upstream"]).is_err());
    }
}
