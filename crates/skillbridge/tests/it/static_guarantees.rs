//! What users rely on when they put clients in an `Arc`, spawn requests and keep errors: checked by
//! the compiler. A change that makes any of these types (or the futures and streams the clients
//! return) lose `Send`, `Sync` or `'static` stops this file from compiling.

use std::future::IntoFuture;

use futures::Stream;
use skillbridge::Error;
use skillbridge::kombo::{
    Integration, Kombo, KomboBuilder, ListStaffingEntitySkills, SkillExpectation, UpsertMany, UpsertOutcome,
    UpsertStaffingEntitySkill,
};
use skillbridge::retry::RetryPolicy;
use skillbridge::techwolf::{ExportEmployeeSkillClusters, TechWolf, TechWolfBuilder};

fn shared<T: Send + Sync + 'static>() {}
fn sendable<T: Send + 'static>(_: &T) {}
fn send_only<T: Send>(_: &T) {}
fn error_type<T: std::error::Error + Send + Sync + Clone + 'static>() {}

#[test]
fn clients_handles_builders_and_errors_are_send_sync_static() {
    shared::<Kombo>();
    shared::<KomboBuilder>();
    shared::<Integration>();
    shared::<ListStaffingEntitySkills>();
    shared::<UpsertOutcome>();
    shared::<UpsertStaffingEntitySkill>();
    shared::<skillbridge::Response<skillbridge::kombo::StaffingEntitySkillPage>>();
    shared::<TechWolf>();
    shared::<TechWolfBuilder>();
    shared::<ExportEmployeeSkillClusters>();
    shared::<RetryPolicy>();
    shared::<Error>();
    error_type::<Error>();
}

#[test]
fn futures_and_streams_can_be_spawned() {
    let kombo = Kombo::builder()
        .api_key("k")
        .base_url("http://127.0.0.1:9/v1")
        .build()
        .unwrap();
    let hris = kombo.integration("workday:abc").unwrap();
    // Built, never polled: only their types matter here.
    sendable(&hris.staffing_entity_skills().send());
    sendable(&hris.staffing_entity_skills().send_with_meta());
    sendable(&hris.staffing_entity_skills().pages());
    sendable(&hris.staffing_entity_skills().pages_with_meta());
    sendable(&hris.staffing_entity_skills().items());
    let many: UpsertMany<'static> = hris.upsert_many(vec![SkillExpectation::new("entity", "skill")]);
    assert_stream(&many);
    sendable(&many);
    // Inputs may borrow: the stream is then `Send` for as long as what they borrow lives.
    let rows = [("entity", "skill")];
    let borrowing = hris.upsert_many(
        rows.iter()
            .map(|(entity, skill)| SkillExpectation::new(*entity, *skill)),
    );
    assert_stream(&borrowing);
    send_only(&borrowing);
    // The upsert owns a handle of its integration: its futures are `Send + 'static`, whatever
    // happens to `hris` afterwards.
    let upsert = || hris.upsert_staffing_entity_skill(SkillExpectation::new("entity", "skill"));
    sendable(&upsert().into_future());
    sendable(&upsert().send());
    sendable(&upsert().send_with_meta());

    let techwolf = TechWolf::builder()
        .base_url("http://127.0.0.1:9")
        .access_token("t")
        .build()
        .unwrap();
    sendable(&techwolf.employee_skill_clusters().send());
    sendable(&techwolf.employee_skill_clusters().send_with_meta());
    sendable(&techwolf.employee_skill_clusters().pages());
    sendable(&techwolf.employee_skill_clusters().pages_with_meta());
    sendable(&techwolf.employee_skill_clusters().items());
}

fn assert_stream<S: Stream>(_: &S) {}
