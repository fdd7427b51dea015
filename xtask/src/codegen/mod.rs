//! `cargo xtask codegen [--check]`: specs in, committed progenitor client out.
//!
//! load → merge → operation ids → overlay → normalize → hoist → progenitor → prettyplease →
//! header (with the notes) → write. A failure names the part it concerns ([`locate`]).
//! Every vendor is generated in memory before anything is written, and each file is written to a
//! temporary file and renamed, so a failure never leaves a partial generation behind.

use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use progenitor::{GenerationSettings, Generator, InterfaceStyle, TagStyle};
use serde_json::Value;

use crate::error::{Error, Result};
use crate::spec::load::Document;
use crate::spec::note::Note;
use crate::spec::operation_ids::{self, OperationIds};
use crate::spec::{hoist, normalize, overlay, refs};
use crate::vendors::Vendor;

pub mod locate;

/// The command that regenerates everything, shown whenever generated code is stale.
pub const FIX_COMMAND: &str = "cargo xtask codegen";

/// One vendor's spec after merge, overlay and normalization, ready for progenitor.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The documents that went in (overlay last), with their hashes.
    pub inputs: Vec<Document>,
    /// The merged document with the overlay applied, before normalization: still the vendor's
    /// OpenAPI version (3.1). The mock validates traffic against exactly this.
    pub document: Value,
    /// The normalized, hoisted OpenAPI 3.0.3 document.
    pub spec: Value,
    /// What the pipeline left out of the client or does not enforce, each naming its file.
    pub notes: Vec<Note>,
}

/// Load, merge, apply the overlay, normalize and hoist one vendor's spec.
pub fn prepare(root: &Path, vendor: &Vendor) -> Result<Prepared> {
    let mut prepared = prepare_unhoisted(root, vendor)?;
    hoist::hoist(&mut prepared.spec, &vendor.hoists).map_err(|e| attribute(e, &prepared.inputs))?;
    Ok(prepared)
}

/// Everything [`prepare`] does but hoisting (for measuring what hoisting saves).
pub fn prepare_unhoisted(root: &Path, vendor: &Vendor) -> Result<Prepared> {
    prepare_documents(
        vendor.load_documents(root)?,
        vendor.load_overlay(root)?,
        vendor.operation_ids,
    )
}

/// Merge `docs`, apply `overlay`, check references and normalize: the vendor-independent part of
/// [`prepare_unhoisted`].
fn prepare_documents(docs: Vec<Document>, overlay: Option<Document>, ids: OperationIds) -> Result<Prepared> {
    let mut spec = crate::spec::merge::merge(&docs)?;
    // Before the overlay, so that it sees the derived names and can replace one.
    let id_notes = operation_ids::assign(&mut spec, ids).map_err(|e| attribute(e, &docs))?;
    let mut inputs = docs;
    if let Some(overlay_doc) = overlay {
        overlay::apply(&mut spec, &overlay_doc.value).map_err(|e| e.in_file(&overlay_doc.path))?;
        inputs.push(overlay_doc);
    }
    let mut notes = id_notes;
    notes.extend(refs::check(&spec).map_err(|e| attribute(e, &inputs))?);
    let document = spec.clone();
    notes.extend(normalize::normalize(&mut spec).map_err(|e| attribute(e, &inputs))?);
    let notes = notes.into_iter().map(|n| attribute_note(n, &inputs)).collect();
    Ok(Prepared {
        inputs,
        document,
        spec,
        notes,
    })
}

/// Name the input file a note's pointer comes from, as [`attribute`] does for errors.
fn attribute_note(note: Note, inputs: &[Document]) -> Note {
    match attribute(Error::at(note.pointer.clone(), ""), inputs).file {
        Some(file) => note.in_file(&file),
        None => note,
    }
}

/// Name the input file an error's pointer comes from (the first document that has it).
fn attribute(error: Error, inputs: &[Document]) -> Error {
    let file = error.pointer.as_deref().and_then(|ptr| {
        let ptr = if ptr == "/" { "" } else { ptr };
        inputs
            .iter()
            .find(|d| d.value.pointer(ptr).is_some())
            .map(|d| d.path.clone())
    });
    match file.or_else(|| inputs.first().map(|d| d.path.clone())) {
        Some(file) => error.in_file(&file),
        None => error,
    }
}

/// What `codegen --try` found out about one document that generates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tried {
    /// Operations in the generated client.
    pub operations: usize,
    /// Lines of generated Rust.
    pub lines: usize,
    /// What the pipeline left out or does not enforce.
    pub notes: Vec<Note>,
    /// The generated Rust source (without the `@generated` header).
    pub code: String,
}

/// Run one document through the whole pipeline as a vendor of its own (no overlay, no named
/// hoists), in memory: how a spec nobody has prepared for fares. `file` is read as given (relative
/// to the current directory).
pub fn try_document(file: &Path) -> Result<Tried> {
    let doc = crate::spec::load::load(Path::new(""), file)?;
    let mut prepared = prepare_documents(vec![doc], None, OperationIds::Derive)?;
    hoist::hoist(&mut prepared.spec, &[]).map_err(|e| attribute(e, &prepared.inputs))?;
    let code = render(&prepared.spec).map_err(|e| e.in_file(file))?;
    Ok(Tried {
        operations: refs::all_operations(&prepared.spec).count(),
        lines: code.lines().count(),
        notes: prepared.notes,
        code,
    })
}

/// Run `docs` through the whole pipeline in memory (merge, operation ids, `overlay`, normalize,
/// `hoists`, progenitor) and return the Rust source without its header: what `drift --impact`
/// compares with the committed file.
pub fn render_documents(
    docs: Vec<Document>,
    overlay: Option<Document>,
    ids: OperationIds,
    hoists: &[hoist::Hoist],
) -> Result<String> {
    let mut prepared = prepare_documents(docs, overlay, ids)?;
    hoist::hoist(&mut prepared.spec, hoists).map_err(|e| attribute(e, &prepared.inputs))?;
    render(&prepared.spec)
}

/// Generate one vendor's Rust source (its `@generated` header followed by one comment line per
/// note), its prepared document (deterministic, pretty JSON) and the notes.
pub fn generate_files(root: &Path, vendor: &Vendor) -> Result<(String, String, Vec<Note>)> {
    let prepared = prepare(root, vendor)?;
    let code = render(&prepared.spec).map_err(|e| {
        let files: Vec<_> = prepared.inputs.iter().map(|d| d.path.display().to_string()).collect();
        Error {
            file: Some(PathBuf::from(files.join(" + "))),
            ..e
        }
    })?;
    let document = document_json(&prepared.document)?;
    let head = header_with_notes(&prepared.inputs, &prepared.notes);
    Ok((format!("{head}\n\n{code}"), document, prepared.notes))
}

/// The prepared document as committed: pretty JSON in the specs' key order, one final newline.
pub fn document_json(document: &Value) -> Result<String> {
    serde_json::to_string_pretty(document)
        .map(|json| json + "\n")
        .map_err(|e| Error::msg(format!("cannot serialize the prepared document: {e}")))
}

/// The `@generated` line: inputs and their sha256, so a reader knows what produced the file.
pub fn header(inputs: &[Document]) -> String {
    let inputs: Vec<String> = inputs
        .iter()
        .map(|d| {
            format!(
                "{} (sha256 {})",
                d.path.display().to_string().replace('\\', "/"),
                d.sha256
            )
        })
        .collect();
    format!(
        "// @generated by `{FIX_COMMAND}` from {}. Do not edit.",
        inputs.join(", ")
    )
}

/// The `@generated` line followed by one comment line per note: a file without notes keeps the
/// bytes it had before notes existed.
pub fn header_with_notes(inputs: &[Document], notes: &[Note]) -> String {
    let mut head = header(inputs);
    for note in notes {
        head.push_str(&format!("\n// {note}"));
    }
    head
}

/// The progenitor settings shared by every vendor.
fn settings() -> Result<GenerationSettings> {
    let tokens = |s: &str| {
        s.parse::<proc_macro2::TokenStream>()
            .map_err(|e| Error::msg(e.to_string()))
    };
    let mut settings = GenerationSettings::new();
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Merged)
        .with_derive("schemars::JsonSchema")
        // The hand-written `RequestContext` carries the credentials and default headers in. Its
        // pre-hook is fallible so that a prepare-only context takes the built request and stops
        // there: the ergonomic crate sends it itself and decodes into its own types, so no
        // post-hook is needed.
        .with_inner_type(tokens("crate::RequestContext")?)
        .with_pre_hook_async(tokens("crate::RequestContext::before_send")?);
    Ok(settings)
}

/// Run progenitor on a normalized document and pretty-print the result.
///
/// progenitor and typify assert on shapes they do not support; such a panic is caught and
/// returned as an error instead of reaching the user. Every failure names the JSON pointer of
/// the node it concerns ([`locate`]), in words without progenitor's debug dumps.
pub fn render(spec: &Value) -> Result<String> {
    render_unlocated(spec).map_err(|e| locate::locate(spec, e))
}

/// [`render`] without looking for the node a failure concerns (what [`locate`] tries on parts).
fn render_unlocated(spec: &Value) -> Result<String> {
    let openapi: openapiv3::OpenAPI =
        serde_json::from_value(spec.clone()).map_err(|e| Error::msg(format!("{}{e}", locate::NOT_30)))?;
    let settings = settings()?;
    let tokens = catch_panic(|| Generator::new(&settings).generate_tokens(&openapi))?
        .map_err(|e| Error::msg(format!("progenitor: {e}")))?;
    let mut file: syn::File =
        syn::parse2(tokens).map_err(|e| Error::msg(format!("progenitor emitted invalid Rust: {e}")))?;
    optional_schemars(&mut file.items)?;
    Ok(prettyplease::unparse(&file))
}

/// progenitor derives `JsonSchema` unconditionally; the generated crate offers it behind its
/// `schemars` feature, so each `#[derive(.., schemars::JsonSchema, ..)]` loses that path and the
/// item gains `#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]`.
fn optional_schemars(items: &mut [syn::Item]) -> Result<()> {
    use syn::punctuated::Punctuated;
    for item in items {
        let attrs = match item {
            syn::Item::Struct(item) => &mut item.attrs,
            syn::Item::Enum(item) => &mut item.attrs,
            syn::Item::Mod(item) => {
                if let Some((_, items)) = &mut item.content {
                    optional_schemars(items)?;
                }
                continue;
            }
            _ => continue,
        };
        // Right after the derive it came from: `schemars` reads the `#[serde]` helpers that follow.
        let mut derives_schema = None;
        for (index, attr) in attrs
            .iter_mut()
            .enumerate()
            .filter(|(_, a)| a.path().is_ident("derive"))
        {
            let paths = attr
                .parse_args_with(Punctuated::<syn::Path, syn::Token![,]>::parse_terminated)
                .map_err(|e| Error::msg(format!("progenitor emitted an unreadable derive: {e}")))?;
            let (schema, kept): (Vec<_>, Vec<_>) = paths
                .into_iter()
                .partition(|p| p.segments.last().is_some_and(|s| s.ident == "JsonSchema"));
            if !schema.is_empty() {
                derives_schema = Some(index + 1);
                *attr = syn::parse_quote!(#[derive(#(#kept),*)]);
            }
        }
        if let Some(index) = derives_schema {
            attrs.insert(
                index,
                syn::parse_quote!(#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]),
            );
        }
    }
    Ok(())
}

fn catch_panic<T>(f: impl FnOnce() -> T) -> Result<T> {
    let previous = panic::take_hook();
    panic::set_hook(Box::new(|_| {}));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    panic::set_hook(previous);
    result.map_err(|payload| {
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_owned());
        Error::msg(format!("progenitor cannot generate a client for this spec: {message}"))
    })
}

/// A generated file and what it should contain.
#[derive(Debug, Clone)]
pub struct Output {
    /// Path relative to the workspace root.
    pub path: PathBuf,
    /// Expected content.
    pub content: String,
    /// What the pipeline left out of this output or does not enforce (shown on stderr).
    pub notes: Vec<Note>,
}

/// Generate every vendor in memory: its Rust source and its prepared document.
pub fn generate_all(root: &Path, vendors: &[Vendor]) -> Result<Vec<Output>> {
    let mut outputs = Vec::new();
    for vendor in vendors {
        let (code, document, notes) = generate_files(root, vendor)?;
        outputs.push(Output {
            path: vendor.output(),
            content: code,
            notes,
        });
        outputs.push(Output {
            path: vendor.document_output(),
            content: document,
            notes: Vec::new(),
        });
    }
    Ok(outputs)
}

/// Outcome of a check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Check {
    /// Every generated file matches its inputs.
    Fresh,
    /// Some files differ; the report holds unified diffs and the fix command.
    Stale(String),
}

/// Regenerate in memory and compare with the files on disk.
pub fn check(root: &Path, vendors: &[Vendor]) -> Result<Check> {
    Ok(compare(root, &generate_all(root, vendors)?))
}

/// Compare generated outputs with the files on disk.
pub fn compare(root: &Path, outputs: &[Output]) -> Check {
    let mut report = String::new();
    for output in outputs {
        let current = std::fs::read_to_string(root.join(&output.path)).unwrap_or_default();
        if current != output.content {
            let name = output.path.display().to_string();
            let diff = similar::TextDiff::from_lines(&current, &output.content);
            report.push_str(
                &diff
                    .unified_diff()
                    .context_radius(3)
                    .header(&format!("a/{name}"), &format!("b/{name}"))
                    .to_string(),
            );
        }
    }
    if report.is_empty() {
        Check::Fresh
    } else {
        report.push_str(&format!(
            "\ngenerated code is stale: run `{FIX_COMMAND}` and commit the result\n"
        ));
        Check::Stale(report)
    }
}

/// Write every generated output that differs from the file on disk. Returns the paths written.
pub fn write_outputs(root: &Path, outputs: Vec<Output>) -> Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    for output in outputs {
        let path = root.join(&output.path);
        if std::fs::read_to_string(&path).ok().as_deref() == Some(output.content.as_str()) {
            continue;
        }
        crate::write_atomic(&path, output.content.as_bytes())
            .map_err(|e| Error::msg(format!("cannot write: {e}")).in_file(&output.path))?;
        written.push(output.path);
    }
    Ok(written)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // Tests: a panic is the failure report.
mod tests {
    use super::*;

    #[test]
    fn notes_follow_the_generated_line_only_when_there_are_some() {
        let inputs = [Document {
            path: PathBuf::from("specs/a.yaml"),
            value: Value::Null,
            sha256: "00".into(),
        }];
        let plain = header(&inputs);
        assert_eq!(header_with_notes(&inputs, &[]), plain);
        let notes = [Note::info("/webhooks", "left out").in_file(Path::new("specs/a.yaml"))];
        assert_eq!(
            header_with_notes(&inputs, &notes),
            format!("{plain}\n// note: specs/a.yaml#/webhooks: left out")
        );
    }
}
