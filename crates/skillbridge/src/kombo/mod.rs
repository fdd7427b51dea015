//! Kombo's unified HRIS API: skill expectations on staffing entities.
//!
//! [`Kombo`] holds the configuration and the shared HTTP client; [`Kombo::integration`] gives a
//! handle for one connected HRIS ([`Integration`]), which lists with
//! [`Integration::staffing_entity_skills`] and writes with
//! [`Integration::upsert_staffing_entity_skill`] and [`Integration::upsert_many`].
//!
//! # Environment variables ([`Kombo::from_env`])
//! | variable | meaning |
//! |---|---|
//! | `KOMBO_API_KEY` | the API key (required) |
//! | `KOMBO_REGION` | `eu` (default) or `us` |
//! | `KOMBO_BASE_URL` | a base URL that replaces the region's, e.g. a mock server or proxy |

mod client;
mod error;
mod list;
mod model;
mod upsert;

pub use self::client::{Integration, Kombo, KomboBuilder, Region};
pub use self::error::{ErrorCode, KomboApiError, KomboErrorExt};
pub use self::list::{ListStaffingEntitySkills, MAX_PAGE_SIZE};
pub use self::model::{ExpectedLevel, SkillExpectation, StaffingEntitySkill, StaffingEntitySkillPage};
pub use self::upsert::{UpsertMany, UpsertOutcome};
