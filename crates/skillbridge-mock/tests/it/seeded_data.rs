//! What a seed serves is the same in every release: tests and fixtures that name seeded records
//! (an id, a level, a timestamp) keep working when the mock is upgraded. A change to the generated
//! data shows here as a snapshot diff, to be made on purpose (`INSTA_UPDATE=always cargo test -p
//! skillbridge-mock --test it seeded_data`) and named in the changelog.

use crate::common;

use common::Ctx;
use serde_json::json;
use skillbridge_mock::MockServer;

#[tokio::test]
async fn a_seed_serves_the_same_data_in_every_release() {
    // Keys sorted: a workspace build may turn on serde_json's `preserve_order`, a build of this
    // package alone does not.
    let mut settings = insta::Settings::clone_current();
    settings.set_sort_maps(true);
    let _sorted = settings.bind_to_scope();
    let ctx = Ctx::start(
        MockServer::builder()
            .seed(1)
            .staffing_entities(3)
            .skills_per_entity(2)
            .skill_catalog(6)
            .employees(3),
    )
    .await;
    let listing = ctx.list(&[("include_deleted", "true")]).await;
    assert_eq!(listing.status, 200, "{}", listing.text);
    insta::assert_json_snapshot!("kombo_staffing_entity_skills", listing.json());
    let catalog = ctx.skills(&[]).await;
    assert_eq!(catalog.status, 200, "{}", catalog.text);
    insta::assert_json_snapshot!("kombo_skills", catalog.json());
    let token = ctx.token().await;
    let include = ["current_skills", "related_skills", "rejected_skills", "sources"];
    let export = ctx.export(&token, &json!({ "limit": 10, "include": include })).await;
    assert_eq!(export.status, 200, "{}", export.text);
    insta::assert_json_snapshot!("techwolf_employee_skill_clusters", export.json());
    ctx.assert_no_violations();
}
