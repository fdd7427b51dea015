//! Kombo's unified HRIS API: skill expectations on staffing entities.
//!
//! [`Kombo`] holds the configuration and the shared HTTP client; [`Kombo::integration`] gives a
//! handle for one connected HRIS ([`Integration`]), which lists with
//! [`Integration::staffing_entity_skills`] and writes with
//! [`Integration::upsert_staffing_entity_skill`] (a builder, awaited directly) and
//! [`Integration::upsert_many`]. Each request builder takes per-call options (`timeout`,
//! `retry_policy`, `header`), and `send_with_meta` (a listing's `pages_with_meta`) returns the
//! value with its status, headers, attempts and elapsed time ([`Response`](crate::Response)).
//!
//! # Environment variables ([`Kombo::from_env`])
//! | variable | meaning |
//! |---|---|
//! | `KOMBO_API_KEY` | the API key (required) |
//! | `KOMBO_REGION` | `eu` (default) or `us` |
//! | `KOMBO_BASE_URL` | a base URL that replaces the region's, e.g. a mock server or proxy |
//!
//! # Typed ids
//! Records and inputs name what they hold: [`StaffingEntitySkillId`], [`StaffingEntityId`],
//! [`SkillId`] (text on the wire). A TechWolf employee id, or a skill's name, is not a Kombo id and
//! does not compile where one belongs:
//!
//! ```compile_fail
//! use skillbridge::kombo::SkillExpectation;
//! use skillbridge::techwolf::EmployeeId;
//!
//! let employee = EmployeeId::from("E-1042");
//! let wrong = SkillExpectation::new(employee, "3KvQZzFZCrLPaDY3kZ5Y1gP9");
//! ```

mod client;
mod custom;
mod error;
mod list;
mod model;
mod sync;
mod upsert;

pub use self::client::{Integration, Kombo, KomboBuilder, Region};
pub use self::custom::CustomRequest;
pub use self::error::{ErrorCode, KomboApiError, KomboErrorExt};
pub use self::list::{ListStaffingEntitySkills, MAX_PAGE_SIZE};
pub use self::model::{
    ExpectedLevel, SkillExpectation, SkillId, StaffingEntityId, StaffingEntitySkill, StaffingEntitySkillId,
    StaffingEntitySkillPage,
};
pub use self::sync::SyncStaffingEntitySkills;
pub use self::upsert::{UpsertMany, UpsertOutcome, UpsertStaffingEntitySkill};
