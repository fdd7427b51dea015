//! Running `cargo xtask drift` (the command line is parsed in [`crate::flags`]; the binary only
//! prints what this returns).
//!
//! Generic mode (`--base ... --against ...`) compares any documents; vendor mode is a thin layer
//! over it: the old side is the vendor's vendored files, the new side `--against` or the URLs of
//! `vendor.toml`, and the vendor's overlay is checked against the new side.

use std::path::Path;

use super::compare::compare_documents;
use super::format;
use super::impact::{self, Impact, Pipeline};
use super::locate::NewDocument;
use super::observed;
use super::policy::{Date, Policy};
use crate::error::{Error, Result};
use crate::flags::Drift;
use crate::spec::load::Document;
use crate::upstream::fetch::{self, Input};
use crate::vendors;

/// What the command prints and its exit code (0 or 1; errors are `Err`, exit 2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// Standard output.
    pub stdout: String,
    /// 0: nothing reached the fail level; 1: something did.
    pub code: u8,
}

/// Read inputs (files or URLs) into documents, collecting what is worth a note.
fn read_all(sources: &[String], notes: &mut Vec<String>) -> Result<Vec<Document>> {
    Ok(read_inputs(sources, notes)?.into_iter().map(|(_, d)| d).collect())
}

/// Read inputs into documents, keeping each one's text (to locate changes in it).
fn read_inputs(sources: &[String], notes: &mut Vec<String>) -> Result<Vec<(Input, Document)>> {
    let inputs = sources.iter().map(|s| fetch::read(s)).collect::<Result<Vec<Input>>>()?;
    notes.extend(inputs.iter().filter_map(|i| i.note.clone()));
    inputs
        .into_iter()
        .map(|input| input.document().map(|document| (input, document)))
        .collect()
}

/// The new side's documents as the report's formats locate changes in them.
fn new_documents(read: Vec<(Input, Document)>) -> (Vec<Document>, Vec<NewDocument>) {
    read.into_iter()
        .map(|(input, document)| {
            let located = NewDocument {
                uri: input.source,
                text: input.text,
                first_line: input.first_line,
                value: document.value.clone(),
            };
            (document, located)
        })
        .unzip()
}

/// `--impact` in vendor mode: the committed generated file against the codegen of the new side
/// as the vendor's (its overlay, operation ids and hoists).
fn vendor_impact(root: &Path, vendor: &vendors::Vendor, new: &[Document], overlay: Option<&Document>) -> Impact {
    let file = vendor.output().display().to_string().replace('\\', "/");
    let committed = std::fs::read_to_string(root.join(vendor.output())).map_err(|e| e.to_string());
    let pipeline = Pipeline {
        overlay,
        operation_ids: vendor.operation_ids,
        hoists: &vendor.hoists,
    };
    impact::of_committed(&file, committed, new, pipeline)
}

/// Run `drift`.
pub fn run(root: &Path, args: &Drift) -> Result<Outcome> {
    let mut notes = Vec::new();
    let mut located = Vec::new();
    let mut impact = None;
    let report = match (&args.observed, &args.vendor) {
        // Events a client's observer saw: no documents to compare, no SDK impact.
        (Some(file), vendor) => {
            let name = vendor
                .as_deref()
                .ok_or_else(|| Error::msg("--observed needs a vendor"))?;
            let vendor = vendors::named(root, name)?;
            let text = std::fs::read_to_string(file).map_err(|e| Error::msg(format!("cannot read {file}: {e}")))?;
            observed::report(&vendor.name, &text, file)?
        }
        (None, None) => {
            let old = read_all(&args.base, &mut notes)?;
            let new;
            (new, located) = new_documents(read_inputs(&args.against, &mut notes)?);
            let label = format!("{} -> {}", args.base.join(" + "), args.against.join(" + "));
            impact = args.impact.then(|| impact::of_documents(&old, &new));
            compare_documents(&label, &old, &new, None)?
        }
        (None, Some(name)) => {
            let vendor = vendors::named(root, name)?;
            let sources = if args.upstream {
                vendor.upstream()?.into_iter().map(|(_, url)| url.to_owned()).collect()
            } else {
                args.against.clone()
            };
            // The vendored side, as codegen merges it, before the overlay.
            let old = vendor.load_documents(root)?;
            let new;
            (new, located) = new_documents(read_inputs(&sources, &mut notes)?);
            let overlay = vendor.load_overlay(root)?;
            impact = args
                .impact
                .then(|| vendor_impact(root, &vendor, &new, overlay.as_ref()));
            compare_documents(&vendor.name, &old, &new, overlay.as_ref())?
        }
    }
    .with_notes(notes);
    let mut policy = match (&args.vendor, &args.ignore) {
        (Some(name), _) => {
            let file = format!("specs/{name}/drift-ignore.toml");
            Policy::read(&root.join(&file), &file, true)?
        }
        (None, Some(file)) => Policy::read(Path::new(file), file, false)?,
        (None, None) => Policy::empty("a file given to --ignore"),
    };
    policy.severity.extend(args.severity.iter().cloned());
    let mut report = policy.apply(report, Date::today());
    report.impact = impact;
    let failed = args
        .fail_on
        .is_some_and(|level| report.worst().is_some_and(|w| w >= level));
    Ok(Outcome {
        stdout: format::render_with(
            &report,
            args.format,
            &format::Options {
                fail_on: args.fail_on,
                documents: &located,
            },
        ),
        code: u8::from(failed),
    })
}
