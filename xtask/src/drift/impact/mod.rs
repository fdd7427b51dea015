//! `cargo xtask drift --impact`: what a spec change does to the generated SDK.
//!
//! The new side is run through the codegen pipeline in memory (merge, operation ids, the
//! vendor's overlay, normalize, hoist, progenitor, prettyplease) and the generated source is
//! compared with the committed one (vendor mode) or with the old side's codegen (generic mode).
//! Both sources are read back into a [`model::Model`] with `syn` (types with their fields and
//! variants, operations with their builder methods, each member's type as token text), and the
//! models are compared: what appears, disappears or changes type, and the release that calls
//! for ([`Release`]). A side that fails codegen (or any other failure, a panic included) is an
//! impact error in the report, never a crash. Rendering is [`render`].

pub mod model;
pub mod render;

use std::panic::{self, AssertUnwindSafe};

use model::{Kind, Model};

use crate::codegen;
use crate::spec::hoist::Hoist;
use crate::spec::load::Document;
use crate::spec::operation_ids::OperationIds;

/// The release a change of the generated SDK calls for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Release {
    /// Nothing public changed.
    None,
    /// Only additions.
    Minor,
    /// Something public was removed or retyped.
    Major,
}

impl Release {
    /// `none`, `minor` or `major`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Minor => "minor",
            Self::Major => "major",
        }
    }
}

/// How one item or member changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum How {
    /// Gone from the new code.
    Removed,
    /// Its type (or payload, or kind) changed.
    Retyped,
    /// New in the new code.
    Added,
}

impl How {
    /// `removed`, `retyped` or `added`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Removed => "removed",
            Self::Retyped => "retyped",
            Self::Added => "added",
        }
    }
}

/// One generated item (or one of its members) that appears, disappears or changes type.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ItemChange {
    /// What happened to it.
    pub how: How,
    /// The item's path: `types::StaffingEntitySkill`, `Client::get_x`, `builder::GetX`.
    pub item: String,
    /// The member (field, variant, builder method); `None` when the item itself changed.
    pub member: Option<String>,
    /// What it is: `type`, `field`, `variant`, `operation`, `builder method`...
    pub kind: &'static str,
    /// Its type on the old side (token text), if it was there.
    pub old: Option<String>,
    /// Its type on the new side, if it is there.
    pub new: Option<String>,
}

impl ItemChange {
    /// `types::Name.member`, or the item alone.
    pub fn name(&self) -> String {
        match &self.member {
            Some(member) => format!("{}.{member}", self.item),
            None => self.item.clone(),
        }
    }
}

/// The impact of a spec change on the generated SDK.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Impact {
    /// What was compared, e.g. `crates/.../kombo.rs -> codegen of the new side`.
    pub compared: String,
    /// Every item change, removed first, then retyped, then added, each by name.
    pub changes: Vec<ItemChange>,
    /// The release the changes call for; `None` when the comparison failed.
    pub release: Option<Release>,
    /// Why the comparison failed (a side that fails codegen), in one line.
    pub error: Option<String>,
}

impl Impact {
    /// The impact of going from `old` to `new` (generated Rust sources).
    pub fn of_sources(compared: &str, old: &str, new: &str) -> Self {
        let parsed = Model::parse(old)
            .map_err(|e| format!("old side: {e}"))
            .and_then(|o| Ok((o, Model::parse(new).map_err(|e| format!("new side: {e}"))?)));
        match parsed {
            Ok((old, new)) => Self::of_models(compared, &old, &new),
            Err(e) => Self::failed(compared, e),
        }
    }

    /// The impact of going from model `old` to model `new`.
    pub fn of_models(compared: &str, old: &Model, new: &Model) -> Self {
        let changes = diff(old, new);
        let release = changes
            .iter()
            .map(|c| match c.how {
                How::Removed | How::Retyped => Release::Major,
                How::Added => Release::Minor,
            })
            .max()
            .unwrap_or(Release::None);
        Self {
            compared: compared.to_owned(),
            changes,
            release: Some(release),
            error: None,
        }
    }

    /// A comparison that could not be made.
    pub fn failed(compared: &str, error: impl Into<String>) -> Self {
        Self {
            compared: compared.to_owned(),
            changes: Vec::new(),
            release: None,
            error: Some(error.into().replace(['\r', '\n'], " ")),
        }
    }
}

/// The codegen settings of one side: the overlay applied after the merge, the operation id
/// policy and the named hoists (a vendor's; none for a document of its own).
#[derive(Debug, Clone, Copy)]
pub struct Pipeline<'a> {
    /// The overlay, if any.
    pub overlay: Option<&'a Document>,
    /// Derive or require operation ids.
    pub operation_ids: OperationIds,
    /// Named hoists.
    pub hoists: &'a [Hoist],
}

impl Pipeline<'_> {
    /// A document of its own: no overlay, derived operation ids, no named hoists (as
    /// `codegen --try`).
    pub const PLAIN: Pipeline<'static> = Pipeline {
        overlay: None,
        operation_ids: OperationIds::Derive,
        hoists: &[],
    };
}

/// Generate the Rust source of `docs` in memory; an error (or a panic anywhere in the pipeline)
/// is returned as one line.
pub fn generate(docs: &[Document], pipeline: Pipeline<'_>) -> Result<String, String> {
    let run = || {
        codegen::render_documents(
            docs.to_vec(),
            pipeline.overlay.cloned(),
            pipeline.operation_ids,
            pipeline.hoists,
        )
    };
    match panic::catch_unwind(AssertUnwindSafe(run)) {
        Ok(Ok(code)) => Ok(code),
        Ok(Err(e)) => Err(format!("codegen fails: {e}")),
        Err(_) => Err("codegen fails: the pipeline panicked".to_owned()),
    }
}

/// Generic mode: the codegen of both sides compared.
pub fn of_documents(old: &[Document], new: &[Document]) -> Impact {
    let compared = "codegen of the base -> codegen of the new side";
    let old = match generate(old, Pipeline::PLAIN) {
        Ok(code) => code,
        Err(e) => return Impact::failed(compared, format!("old side: {e}")),
    };
    match generate(new, Pipeline::PLAIN) {
        Ok(new) => Impact::of_sources(compared, &old, &new),
        Err(e) => Impact::failed(compared, format!("new side: {e}")),
    }
}

/// Vendor mode: the committed generated source (`committed`, read from `file`) against the
/// codegen of the new side as the vendor's (its overlay, operation ids and hoists).
pub fn of_committed(file: &str, committed: Result<String, String>, new: &[Document], pipeline: Pipeline<'_>) -> Impact {
    let compared = format!("{file} -> codegen of the new side");
    let committed = match committed {
        Ok(code) => code,
        Err(e) => return Impact::failed(&compared, format!("cannot read {file}: {e}")),
    };
    match generate(new, pipeline) {
        Ok(new) => Impact::of_sources(&compared, &committed, &new),
        Err(e) => Impact::failed(&compared, format!("new side: {e}")),
    }
}

/// Every item change from `old` to `new`, sorted (removed, retyped, added; then by name).
pub fn diff(old: &Model, new: &Model) -> Vec<ItemChange> {
    let mut out = Vec::new();
    let change = |how, item: &str, member: Option<&str>, kind, old: Option<&String>, new: Option<&String>| ItemChange {
        how,
        item: item.to_owned(),
        member: member.map(str::to_owned),
        kind,
        old: old.cloned(),
        new: new.cloned(),
    };
    for (name, o) in &old.items {
        let Some(n) = new.items.get(name) else {
            out.push(change(How::Removed, name, None, o.kind.item_word(), None, None));
            continue;
        };
        if o.kind != n.kind {
            let (ok, nk) = (format!("{:?}", o.kind), format!("{:?}", n.kind));
            out.push(change(
                How::Retyped,
                name,
                None,
                o.kind.item_word(),
                Some(&ok),
                Some(&nk),
            ));
            continue;
        }
        let word = member_word(o.kind);
        for (member, ot) in &o.members {
            match n.members.get(member) {
                None => out.push(change(How::Removed, name, Some(member), word, Some(ot), None)),
                Some(nt) if nt != ot => out.push(change(How::Retyped, name, Some(member), word, Some(ot), Some(nt))),
                Some(_) => {}
            }
        }
        for (member, nt) in &n.members {
            if !o.members.contains_key(member) {
                out.push(change(How::Added, name, Some(member), word, None, Some(nt)));
            }
        }
    }
    for (name, n) in &new.items {
        if !old.items.contains_key(name) {
            out.push(change(How::Added, name, None, n.kind.item_word(), None, None));
        }
    }
    out.sort();
    out
}

/// The word for a member; an operation's one member is its return type.
fn member_word(kind: Kind) -> &'static str {
    match kind {
        Kind::Operation => "return type",
        other => other.member_word(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly on bad fixtures")]
mod tests {
    use super::*;

    fn impact(old: &str, new: &str) -> Impact {
        Impact::of_sources("test", old, new)
    }

    #[test]
    fn removed_retyped_and_added_members_call_for_major() {
        let got = impact(
            "pub mod types { pub struct A { pub x: i64, pub y: String } pub enum E { P, Q } }",
            "pub mod types { pub struct A { pub x: String, pub z: bool } pub enum E { P, R } }",
        );
        let lines: Vec<String> = got
            .changes
            .iter()
            .map(|c| format!("{} {} {}", c.how.as_str(), c.kind, c.name()))
            .collect();
        assert_eq!(
            lines,
            [
                "removed field types::A.y",
                "removed variant types::E.Q",
                "retyped field types::A.x",
                "added field types::A.z",
                "added variant types::E.R",
            ]
        );
        assert_eq!(got.release, Some(Release::Major));
    }

    #[test]
    fn additions_call_for_minor_and_nothing_for_none() {
        let a = "pub mod types { pub struct A { pub x: i64 } }";
        let b = "pub mod types { pub struct A { pub x: i64 } pub struct B { pub y: i64 } }";
        assert_eq!(impact(a, b).release, Some(Release::Minor));
        assert_eq!(impact(a, a).release, Some(Release::None));
        assert!(impact(a, a).changes.is_empty());
        // Formatting and comments are not the surface.
        let reformatted =
            "// hello\npub mod types {\n    pub struct A {\n        /// doc\n        pub x: i64,\n    }\n}";
        assert!(impact(a, reformatted).changes.is_empty());
    }

    #[test]
    fn unparsable_code_is_an_error_not_a_panic() {
        let got = impact("pub mod types {}", "pub struct {");
        assert_eq!(got.release, None);
        assert!(got.error.unwrap().starts_with("new side: "));
    }
}
