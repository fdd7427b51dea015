//! Snapshot guards on our own generated surface (review changes with `cargo insta review`):
//! - the normalized 3.0.3 spec each vendor's client is generated from;
//! - the JSON Schema of every public model type of the generated crate and of `skillbridge`, so a
//!   renamed field, a changed type or a dropped variant fails with a readable diff.
//!
//! (The drift fixture reports are snapshotted by xtask itself, in `xtask/tests/it/drift_rules.rs`.)

use serde_json::{Map, Value};
use std::collections::BTreeSet;

/// `{ "TypeName": <JSON Schema>, ... }` for the listed types of one generated module.
macro_rules! schemas {
    ($module:path => [$($ty:ident),* $(,)?]) => {{
        use $module as m;
        let mut map = Map::new();
        $(
            let schema = schemars::schema_for!(m::$ty);
            map.insert(stringify!($ty).to_owned(), serde_json::to_value(schema).unwrap());
        )*
        Value::Object(map)
    }};
}

fn kombo_types() -> Value {
    schemas!(skillbridge_openapi::kombo::types => [
        ErrorCode, ErrorCodeInner, ErrorDetail, ErrorResponse, ErrorResponseStatus,
        GetHrisStaffingEntitySkillsParameterIds, GetHrisStaffingEntitySkillsParameterRemoteIds,
        GetHrisStaffingEntitySkillsParameterSkillIds, GetHrisStaffingEntitySkillsParameterStaffingEntityIds,
        GetHrisStaffingEntitySkillsPositiveResponse, PostHrisStaffingEntitySkillsPositiveResponse,
        PostHrisStaffingEntitySkillsRequestBody, StaffingEntitySkill, StaffingEntitySkillPage, SuccessStatus,
    ])
}

fn techwolf_types() -> Value {
    schemas!(skillbridge_openapi::techwolf::types => [
        EmployeeSkillClusters, ErrorItem, ErrorList, ExportRequest, ExportRequestStartingAfter, ExportResponse,
        ExportResponseNextStartingAfter, Filter, Include, IsActiveFilter, IsActiveFilterFilter, LastUpdatedFilter,
        LastUpdatedFilterFilter, LastUpdatedFilterOperator, Skill, SkillCluster, SkillSource, ValidationState,
    ])
}

/// `{ "module::TypeName": <JSON Schema>, ... }` for the model types of the `skillbridge` crate.
fn skillbridge_types() -> Value {
    macro_rules! entries {
        ($($module:ident :: $ty:ident),* $(,)?) => {{
            let mut map = Map::new();
            $(
                let schema = schemars::schema_for!(skillbridge::$module::$ty);
                map.insert(concat!(stringify!($module), "::", stringify!($ty)).to_owned(), serde_json::to_value(schema).unwrap());
            )*
            Value::Object(map)
        }};
    }
    entries![
        kombo::ErrorCode,
        kombo::ExpectedLevel,
        kombo::KomboApiError,
        kombo::SkillExpectation,
        kombo::StaffingEntitySkill,
        kombo::StaffingEntitySkillPage,
        techwolf::EmployeeSkillClusters,
        techwolf::EmployeeSkillClustersPage,
        techwolf::ErrorMessage,
        techwolf::Include,
        techwolf::Skill,
        techwolf::SkillCluster,
        techwolf::SkillSource,
        techwolf::TechWolfApiError,
        techwolf::ValidationState,
    ]
}

/// `module::Type` for every type of `crates/skillbridge/src` that derives or implements
/// `JsonSchema`, the module being the first folder under `src/` (`crate` for top-level files).
fn skillbridge_schema_types() -> BTreeSet<String> {
    let src = xtask::workspace_root().join("crates/skillbridge/src");
    let mut found = BTreeSet::new();
    let mut stack = vec![src.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let rel = path.strip_prefix(&src).unwrap();
            let module = match rel.components().count() {
                1 => "crate".to_owned(),
                _ => rel
                    .components()
                    .next()
                    .unwrap()
                    .as_os_str()
                    .to_string_lossy()
                    .into_owned(),
            };
            let text = std::fs::read_to_string(&path).unwrap();
            // Test modules declare throwaway types; only the library's own count.
            let text = text.split("#[cfg(test)]").next().unwrap_or_default();
            let lines: Vec<&str> = text.lines().collect();
            for (i, line) in lines.iter().enumerate() {
                let line = line.trim();
                let name = if let Some(rest) = line
                    .strip_prefix("impl JsonSchema for ")
                    .or_else(|| line.strip_prefix("impl schemars::JsonSchema for "))
                {
                    rest.split(|c: char| !(c.is_alphanumeric() || c == '_')).next()
                } else if let Some(rest) = line.strip_prefix("pub enum ").filter(|r| r.contains("(schema ")) {
                    // `open_enum!` declarations implement JsonSchema through the macro.
                    rest.split(|c: char| !(c.is_alphanumeric() || c == '_')).next()
                } else if (line.starts_with("#[derive(") || line.starts_with("#[cfg_attr("))
                    && line.contains("JsonSchema")
                {
                    // The item the derive belongs to: the next `pub struct`/`pub enum` line.
                    lines[i + 1..].iter().take(8).find_map(|l| {
                        let l = l.trim();
                        l.strip_prefix("pub struct ")
                            .or_else(|| l.strip_prefix("pub enum "))
                            .and_then(|r| r.split(|c: char| !(c.is_alphanumeric() || c == '_')).next())
                    })
                } else {
                    None
                };
                if let Some(name) = name.filter(|n| !n.is_empty()) {
                    found.insert(format!("{module}::{name}"));
                }
            }
        }
    }
    found
}

/// The public type names declared directly in a generated file's `types` module.
fn declared_types(vendor: &str) -> BTreeSet<String> {
    let path = xtask::workspace_root().join(format!("crates/skillbridge-openapi/src/generated/{vendor}.rs"));
    let source = std::fs::read_to_string(path).unwrap();
    let types = source.split("\npub mod types {").nth(1).expect("a `types` module");
    // Items of `types` itself are indented by four spaces; its `builder`/`error` submodules by more.
    let types = types.split("\n    pub mod ").next().unwrap();
    types
        .lines()
        .filter_map(|l| {
            l.strip_prefix("    pub struct ")
                .or_else(|| l.strip_prefix("    pub enum "))
        })
        .map(|rest| {
            rest.split(|c: char| !(c.is_alphanumeric() || c == '_'))
                .next()
                .unwrap()
                .to_owned()
        })
        .collect()
}

fn keys(value: &Value) -> BTreeSet<String> {
    value.as_object().unwrap().keys().cloned().collect()
}

#[test]
fn every_generated_model_type_is_snapshotted() {
    // A type added by codegen must join the lists above, or its schema goes unguarded.
    assert_eq!(keys(&kombo_types()), declared_types("kombo"));
    assert_eq!(keys(&techwolf_types()), declared_types("techwolf"));
}

#[test]
fn every_skillbridge_model_type_is_snapshotted() {
    // A model type that derives or implements JsonSchema must join `skillbridge_types`.
    assert_eq!(keys(&skillbridge_types()), skillbridge_schema_types());
}

#[test]
fn skillbridge_model_types_json_schema() {
    insta::assert_json_snapshot!("skillbridge_model_types_json_schema", skillbridge_types());
}

#[test]
fn kombo_generated_types_json_schema() {
    insta::assert_json_snapshot!("kombo_generated_types_json_schema", kombo_types());
}

#[test]
fn techwolf_generated_types_json_schema() {
    insta::assert_json_snapshot!("techwolf_generated_types_json_schema", techwolf_types());
}
