//! The vendors whose specs we generate clients for: inputs, overlay, output, type names. Every
//! command reads them from here; where their documents come from upstream is
//! [`crate::upstream`], and the `vendor` command that refreshes them is [`crate::vendor`].

use std::path::{Path, PathBuf};

use crate::error::Result;
use crate::spec::hoist::Hoist;
use crate::spec::load::{self, Document};
use crate::spec::operation_ids::OperationIds;

/// One API vendor.
#[derive(Debug, Clone, Copy)]
pub struct Vendor {
    /// Short name, also the generated module's name.
    pub name: &'static str,
    /// Spec documents, relative to the workspace root, merged in this order.
    pub inputs: &'static [&'static str],
    /// Our documented patches (OpenAPI Overlay 1.0), applied after the merge.
    pub overlay: Option<&'static str>,
    /// Named hoists: the concepts that deserve a deliberate Rust type name.
    pub hoists: &'static [Hoist],
    /// Whether an operation without an `operationId` gets a derived one or refuses the document.
    pub operation_ids: OperationIds,
}

impl Vendor {
    /// The generated file, relative to the workspace root.
    pub fn output(&self) -> PathBuf {
        Path::new("crates/skillbridge-openapi/src/generated").join(format!("{}.rs", self.name))
    }

    /// The prepared document (merged, overlay applied, not normalized), relative to the workspace
    /// root; the generated crate exposes it as a constant and the mock validates against it.
    pub fn document_output(&self) -> PathBuf {
        Path::new("crates/skillbridge-openapi/src/generated").join(format!("{}.openapi.json", self.name))
    }

    /// Read and parse the vendored documents from `root`, in merge order.
    pub fn load_documents(&self, root: &Path) -> Result<Vec<Document>> {
        self.inputs.iter().map(|p| load::load(root, Path::new(p))).collect()
    }

    /// Read and parse the overlay from `root`, if the vendor has one.
    pub fn load_overlay(&self, root: &Path) -> Result<Option<Document>> {
        self.overlay.map(|p| load::load(root, Path::new(p))).transpose()
    }

    /// Every input path (documents, then overlay).
    pub fn all_inputs(&self) -> impl Iterator<Item = &'static str> {
        self.inputs.iter().copied().chain(self.overlay)
    }
}

/// All vendors, in generation order.
pub const VENDORS: [Vendor; 2] = [KOMBO, TECHWOLF];

/// Kombo's unified HRIS API: one published document per endpoint page.
pub const KOMBO: Vendor = Vendor {
    name: "kombo",
    inputs: &[
        "specs/kombo/get-hris-staffing-entity-skills.yaml",
        "specs/kombo/post-hris-staffing-entity-skills.yaml",
    ],
    overlay: Some("specs/kombo/overlay.yaml"),
    hoists: &[
        Hoist {
            name: "StaffingEntitySkill",
            pointer: "/components/schemas/GetHrisStaffingEntitySkillsPositiveResponse/properties/data/properties/results/items",
        },
        Hoist {
            name: "StaffingEntitySkillPage",
            pointer: "/components/schemas/GetHrisStaffingEntitySkillsPositiveResponse/properties/data",
        },
        Hoist {
            name: "SuccessStatus",
            pointer: "/components/schemas/GetHrisStaffingEntitySkillsPositiveResponse/properties/status",
        },
        Hoist {
            name: "ErrorResponse",
            pointer: "/components/responses/ErrorResponseHRIS/content/application~1json/schema",
        },
        Hoist {
            name: "ErrorDetail",
            pointer: "/components/schemas/ErrorResponse/properties/error",
        },
        Hoist {
            name: "ErrorCode",
            pointer: "/components/schemas/ErrorDetail/properties/code",
        },
    ],
    operation_ids: OperationIds::Derive,
};

/// TechWolf's export API: a hand-written spec (TechWolf publishes none), already componentized.
pub const TECHWOLF: Vendor = Vendor {
    name: "techwolf",
    inputs: &["specs/techwolf/openapi.yaml"],
    overlay: None,
    hoists: &[],
    operation_ids: OperationIds::Derive,
};

/// Look a vendor up by name.
pub fn by_name(name: &str) -> Option<Vendor> {
    VENDORS.into_iter().find(|v| v.name == name)
}
