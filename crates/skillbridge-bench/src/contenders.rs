//! Scenarios 1 and 2's contenders on one mock server, checked to agree before any is timed.

use skillbridge::kombo::Integration;
use skillbridge::techwolf::TechWolf;
use skillbridge_openapi::kombo::Client as GeneratedKombo;
use skillbridge_openapi::techwolf::Client as GeneratedTechWolf;

use crate::kombo::{RawKombo, generated_list, items_list, pages_list};
use crate::mock::Mock;
use crate::sizes::{KOMBO_RECORDS, TECHWOLF_EMPLOYEES};
use crate::tally::Tally;
use crate::techwolf::{RawTechWolf, generated_techwolf_export, techwolf_items, techwolf_pages};

/// Scenario 1's contenders on one mock server, built only once every one of them has listed the
/// same records: their times mean nothing otherwise. That first listing is also the warm-up.
#[allow(missing_debug_implementations, reason = "holds a runtime; never printed")]
pub struct KomboListing {
    /// Keeps the server running while the contenders use it.
    pub mock: Mock,
    /// The hand-written reqwest + serde_json loop.
    pub raw: RawKombo,
    /// The generated client, used directly.
    pub generated: GeneratedKombo,
    /// The mock's integration id.
    pub integration_id: String,
    /// skillbridge's handle for that integration.
    pub hris: Integration,
    /// What every contender must see.
    pub expected: Tally,
}

impl KomboListing {
    /// Starts the mock and checks that every contender lists the same records.
    pub fn new(runtime: &tokio::runtime::Runtime) -> Self {
        let mock = Mock::listing();
        let raw = mock.raw();
        let generated = mock.generated();
        let integration_id = mock.server.kombo().integration_id().to_owned();
        let hris = mock.integration(&mock.kombo());
        let expected = runtime.block_on(raw.list());
        assert_eq!(expected.records, KOMBO_RECORDS, "raw loop record count");
        assert_eq!(runtime.block_on(generated_list(&generated, &integration_id)), expected);
        assert_eq!(runtime.block_on(pages_list(&hris)), expected);
        assert_eq!(runtime.block_on(items_list(&hris, 0)), expected);
        assert_eq!(runtime.block_on(items_list(&hris, 1)), expected);
        Self {
            mock,
            raw,
            generated,
            integration_id,
            hris,
            expected,
        }
    }
}

/// Scenario 2's contenders on one mock server, checked to agree like [`KomboListing`]'s; the
/// skillbridge client fetches (and caches) its token in that first round.
#[allow(missing_debug_implementations, reason = "holds a runtime; never printed")]
pub struct TechWolfExport {
    /// Keeps the server running while the contenders use it.
    pub mock: Mock,
    /// The hand-written reqwest + serde_json loop.
    pub raw: RawTechWolf,
    /// The generated client, used directly.
    pub generated: GeneratedTechWolf,
    /// skillbridge's client.
    pub techwolf: TechWolf,
    /// What every contender must see.
    pub expected: Tally,
}

impl TechWolfExport {
    /// Starts the mock and checks that every contender exports the same employees.
    pub fn new(runtime: &tokio::runtime::Runtime) -> Self {
        let mock = Mock::listing();
        let raw = runtime.block_on(mock.raw_techwolf());
        let generated = raw.generated(&mock.server.techwolf().base_url());
        let techwolf = mock.techwolf();
        let expected = runtime.block_on(raw.export());
        assert_eq!(expected.records, TECHWOLF_EMPLOYEES, "raw loop employee count");
        assert_eq!(runtime.block_on(generated_techwolf_export(&generated)), expected);
        assert_eq!(runtime.block_on(raw.export_into_public_types()), expected);
        assert_eq!(runtime.block_on(techwolf_pages(&techwolf)), expected);
        assert_eq!(runtime.block_on(techwolf_items(&techwolf, 0)), expected);
        assert_eq!(runtime.block_on(techwolf_items(&techwolf, 1)), expected);
        Self {
            mock,
            raw,
            generated,
            techwolf,
            expected,
        }
    }
}
