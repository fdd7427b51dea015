//! Kombo `GET /hris/skills`, the skill catalog, over real HTTP.
//!
//! No vendored spec describes this endpoint, so the mock does not contract-check it; these tests
//! check its answer against the shape Kombo documents instead (the Kombo Ruby SDK generated from
//! Kombo's OpenAPI spec, `acaloiaro/kombo-ruby-sdk`, `docs/UnifiedHRISAPIApi.md` section
//! `get_hris_skills` and `docs/GetHrisSkillsPositiveResponseDataResultsInner.md`; Kombo's
//! TypeScript type `GetHrisSkillsPositiveResponse`).

use crate::common;

use std::collections::{BTreeSet, HashSet};

use common::Ctx;
use serde_json::{Value, json};
use skillbridge_mock::{CatalogSkill, MockServer, Route};

fn small() -> skillbridge_mock::MockServerBuilder {
    MockServer::builder()
        .seed(7)
        .staffing_entities(30)
        .skills_per_entity(4)
        .skill_catalog(40)
        .employees(300)
}

fn keys(v: &Value) -> BTreeSet<&str> {
    v.as_object()
        .unwrap_or_else(|| panic!("not an object: {v}"))
        .keys()
        .map(String::as_str)
        .collect()
}

fn results(reply: &common::Reply) -> Vec<Value> {
    assert_eq!(reply.status, 200, "{}", reply.text);
    reply.json()["data"]["results"].as_array().expect("results").clone()
}

fn names(records: &[Value]) -> Vec<String> {
    records
        .iter()
        .map(|r| r["name"].as_str().expect("name").to_owned())
        .collect()
}

/// The catalog as the view has it, for oracles.
fn catalog(ctx: &Ctx) -> Vec<CatalogSkill> {
    let kombo = ctx.server.kombo();
    (0..kombo.skills_count())
        .map(|i| kombo.skill(i).expect("skill"))
        .collect()
}

/// Checks one record field by field against `GetHrisSkillsPositiveResponseDataResultsInner`.
fn assert_documented_record(r: &Value) {
    let documented = BTreeSet::from([
        "id",
        "remote_id",
        "name",
        "description",
        "ordered_levels",
        "changed_at",
        "remote_deleted_at",
        "remote_data",
    ]);
    assert_eq!(keys(r), documented, "{r}");
    assert!(r["id"].as_str().is_some_and(|id| id.len() == 24), "{r}");
    assert!(r["remote_id"].as_str().is_some_and(|id| !id.is_empty()), "{r}");
    assert!(r["name"].as_str().is_some_and(|n| !n.is_empty()), "{r}");
    assert!(r["description"].is_null() || r["description"].is_string(), "{r}");
    match &r["ordered_levels"] {
        Value::Null => {}
        Value::Array(levels) => assert!(!levels.is_empty() && levels.iter().all(Value::is_string), "{r}"),
        other => panic!("ordered_levels {other}"),
    }
    let changed_at = r["changed_at"].as_str().expect("changed_at is a string");
    assert!(
        chrono::DateTime::parse_from_rfc3339(changed_at).is_ok() && changed_at.ends_with('Z'),
        "{r}"
    );
    assert!(
        r["remote_deleted_at"].is_null() || r["remote_deleted_at"].is_string(),
        "{r}"
    );
    assert!(r["remote_data"].is_null() || r["remote_data"].is_object(), "{r}");
}

#[tokio::test]
async fn the_answer_has_the_documented_shape() {
    let ctx = Ctx::start(small()).await;
    let r = ctx.skills(&[]).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(
        r.header("content-type")
            .is_some_and(|t| t.starts_with("application/json"))
    );
    let body = r.json();
    assert_eq!(keys(&body), BTreeSet::from(["status", "data"]));
    assert_eq!(body["status"], "success");
    assert_eq!(keys(&body["data"]), BTreeSet::from(["next", "results"]));
    assert_eq!(body["data"]["next"], Value::Null, "no paging is documented: one answer");
    let records = body["data"]["results"].as_array().expect("results");
    let view = catalog(&ctx);
    assert_eq!(records.len(), view.len());
    for (record, skill) in records.iter().zip(&view) {
        assert_documented_record(record);
        let mut expected = serde_json::to_value(skill).expect("serialises");
        expected["remote_data"] = Value::Null;
        assert_eq!(record, &expected, "the view serves what the route does");
    }
    // Both forms of the nullable fields occur, so each was checked above.
    for field in ["description", "ordered_levels"] {
        assert!(records.iter().any(|r| r[field].is_null()), "{field}: never null");
        assert!(records.iter().any(|r| !r[field].is_null()), "{field}: always null");
    }
    let levels = records
        .iter()
        .find_map(|r| r["ordered_levels"].as_array())
        .expect("levels");
    assert_eq!(
        levels,
        &["Beginner", "Intermediate", "Advanced", "Expert", "Master"].map(Value::from)
    );
    // Every expectation's `skill_id` is a skill of the catalog.
    let ids: HashSet<&str> = records.iter().filter_map(|r| r["id"].as_str()).collect();
    let kombo = ctx.server.kombo();
    for i in 0..kombo.expectations_count() {
        let e = kombo.expectation(i).expect("expectation");
        assert!(ids.contains(e.skill_id.as_str()), "{} not in the catalog", e.skill_id);
        assert!(kombo.skill_by_id(&e.skill_id).is_some());
    }
    assert!(ctx.server.contract_violations().is_empty());
}

#[tokio::test]
async fn ids_and_remote_ids_filter_or_within_and_across() {
    let ctx = Ctx::start(small()).await;
    let view = catalog(&ctx);
    let (a, b, c) = (&view[3], &view[17], &view[30]);
    let other_seed = MockServer::builder().seed(8).start().await.expect("mock starts");
    let foreign = other_seed.kombo().skill_id(0).expect("skill");
    // Unknown ids and ids of another seed match nothing; the order is the catalog's.
    let list = format!("{},{},not-an-id,{foreign}", c.id, a.id);
    let by_id = results(&ctx.skills(&[("ids", &list)]).await);
    assert_eq!(names(&by_id), [a.name.as_str(), c.name.as_str()]);
    assert_eq!(by_id[0]["id"], a.id.as_str());
    let remote = format!("{},{},SKL-99999999", b.remote_id, a.remote_id);
    let by_remote = results(&ctx.skills(&[("remote_ids", &remote)]).await);
    assert_eq!(
        by_remote.iter().map(|r| r["id"].clone()).collect::<Vec<_>>(),
        [json!(a.id), json!(b.id)]
    );
    let both = results(&ctx.skills(&[("ids", &list), ("remote_ids", &remote)]).await);
    assert_eq!(names(&both), [a.name.as_str()], "AND across filters");
    // An empty list is no filter.
    assert_eq!(results(&ctx.skills(&[("ids", "")]).await).len(), view.len());
}

#[tokio::test]
async fn name_contains_is_a_case_insensitive_substring() {
    let ctx = Ctx::start(small()).await;
    let view = catalog(&ctx);
    let oracle = |needle: &str| -> Vec<String> {
        view.iter()
            .filter(|s| s.name.to_lowercase().contains(&needle.to_lowercase()))
            .map(|s| s.name.clone())
            .collect()
    };
    let name = &view[5].name;
    for needle in [
        name.to_uppercase(),
        name.to_lowercase(),
        name.chars().skip(1).take(3).collect(),
    ] {
        let got = names(&results(&ctx.skills(&[("name_contains", &needle)]).await));
        assert!(got.contains(name), "{needle}: {got:?}");
        assert_eq!(got, oracle(&needle), "{needle}");
    }
    assert!(results(&ctx.skills(&[("name_contains", "no skill is called this")]).await).is_empty());
    assert_eq!(results(&ctx.skills(&[("name_contains", "")]).await).len(), view.len());
    let other = view
        .iter()
        .find(|s| !s.name.contains(name.as_str()))
        .expect("another name");
    let filtered = ctx.skills(&[("ids", &other.id), ("name_contains", name)]).await;
    assert!(results(&filtered).is_empty(), "AND with the id filter");
}

#[tokio::test]
async fn parameters_kombo_does_not_document_are_refused() {
    let ctx = Ctx::start(small()).await;
    for query in [
        vec![("page_size", "10")],
        vec![("cursor", "abc")],
        vec![("include_deleted", "true")],
        vec![("ids", "a"), ("ids", "b")],
    ] {
        let r = ctx.skills(&query).await;
        assert_eq!(r.status, 400, "{query:?}: {}", r.text);
        assert_eq!(r.code(), "PLATFORM.INPUT_INVALID");
        let message = r.json()["error"]["message"].as_str().expect("message").to_owned();
        assert!(message.contains(query[0].0), "{message}");
    }
}

#[tokio::test]
async fn auth_and_integration_are_checked() {
    let ctx = Ctx::start(small()).await;
    ctx.assert_kombo_auth_refusals(&ctx.skills_url()).await;
    // Refusals are Kombo's envelope, which the other routes' contract checks cover.
    assert_eq!(ctx.server.request_count(Route::KOMBO_SKILLS), 4);
}

#[tokio::test]
async fn names_are_deterministic_for_a_seed() {
    let a = Ctx::start(small()).await;
    let b = Ctx::start(small()).await;
    let c = Ctx::start(small().seed(8)).await;
    let (ra, rb, rc) = (a.skills(&[]).await, b.skills(&[]).await, c.skills(&[]).await);
    assert_eq!(ra.text, rb.text, "the same seed, byte for byte");
    let (na, nc) = (names(&results(&ra)), names(&results(&rc)));
    assert_ne!(na, nc, "another seed orders the names otherwise");
    let distinct: HashSet<&String> = na.iter().collect();
    assert_eq!(
        distinct.len(),
        na.len(),
        "a catalog smaller than the vocabulary repeats no name"
    );
    for (i, name) in na.iter().enumerate() {
        let i = u32::try_from(i).expect("small");
        assert_eq!(a.server.kombo().skill_name(i).as_ref(), Some(name));
    }
    assert_eq!(a.server.kombo().skill_name(40), None);
}

#[tokio::test]
async fn a_staffing_entitys_skills_join_techwolf_employees_by_name() {
    let ctx = Ctx::start(small()).await;
    // TechWolf side: every skill name employees hold, over HTTP.
    let token = ctx.token().await;
    let include = ["current_skills", "related_skills", "rejected_skills"];
    let employees = ctx.export_all(&token, &json!({"limit": 100, "include": include})).await;
    let mut held: HashSet<String> = HashSet::new();
    for e in &employees {
        for cluster in e["skill_clusters"].as_array().expect("clusters") {
            for key in include {
                for s in cluster[key].as_array().expect("skills") {
                    held.insert(s["name"].as_str().expect("name").to_lowercase());
                }
            }
        }
    }
    // Kombo side: one entity's expectations, their skills' names from the catalog.
    let entity = ctx.server.kombo().staffing_entity(2).expect("entity").id;
    let expectations = ctx.list_all(&[("staffing_entity_ids", &entity)]).await;
    assert!(!expectations.is_empty());
    let skill_ids: Vec<&str> = expectations
        .iter()
        .map(|e| e["skill_id"].as_str().expect("skill_id"))
        .collect();
    let catalog = results(&ctx.skills(&[("ids", &skill_ids.join(","))]).await);
    assert_eq!(catalog.len(), skill_ids.len(), "each expected skill is in the catalog");
    for name in names(&catalog) {
        assert!(
            held.contains(&name.to_lowercase()),
            "{name}: no TechWolf employee holds it"
        );
    }
    ctx.assert_no_violations();
}

#[tokio::test]
async fn faults_holds_and_the_log_reach_the_route() {
    let ctx = Ctx::start(small().fault(Route::KOMBO_SKILLS, skillbridge_mock::Fault::rate_limit().first(1))).await;
    let refused = ctx.skills(&[]).await;
    assert_eq!(refused.status, 429);
    assert_eq!(refused.code(), "PLATFORM.RATE_LIMIT_EXCEEDED");
    assert_eq!(ctx.skills(&[("name_contains", "a")]).await.status, 200);
    ctx.server.hold(Route::KOMBO_SKILLS);
    let held = tokio::spawn({
        let (http, url) = (ctx.http.clone(), ctx.skills_url());
        let (key, integration) = (
            ctx.server.kombo().api_key().to_owned(),
            ctx.server.kombo().integration_id().to_owned(),
        );
        async move {
            let r = http
                .get(url)
                .bearer_auth(key)
                .header("X-Integration-Id", integration)
                .send()
                .await
                .expect("request");
            r.status().as_u16()
        }
    });
    ctx.wait_held(Route::KOMBO_SKILLS, 1).await;
    assert_eq!(ctx.server.held(Route::KOMBO_SKILLS), 1);
    ctx.server.release(Route::KOMBO_SKILLS);
    assert_eq!(held.await.expect("joins"), 200);
    assert_eq!(ctx.server.request_count(Route::KOMBO_SKILLS), 3);
    assert_eq!(ctx.server.request_count(Route::KOMBO_LIST), 0);
    ctx.server.wait_logged(3).await;
    let log = ctx.server.request_log();
    assert!(log.iter().all(|l| l.route == Some(Route::KOMBO_SKILLS)), "{log:?}");
    assert_eq!(
        log.iter().map(|l| l.status).collect::<Vec<_>>(),
        [Some(429), Some(200), Some(200)]
    );
    assert_eq!(log[1].query_param("name_contains").as_deref(), Some("a"));
    assert!(log[0].fault.is_some() && log[1].fault.is_none());
    let masked = format!("Bearer {}", skillbridge_mock::MASK);
    assert_eq!(log[0].header("authorization"), Some(masked.as_str()));
}
