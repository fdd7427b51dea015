//! The escape hatch end to end on the embedded mock: a route the library does not wrap (Kombo's
//! skill catalog, `GET /hris/skills`) reached with the client's credentials, retries, limits and
//! error rules, decoded into the caller's own types; the skills-gap join (a staffing entity's
//! expected skills by name, against the skills TechWolf employees hold) written from the README.

use crate::common;

use std::collections::BTreeSet;

use common::{hris, kombo_builder, kombo_client, start, techwolf_client};
use futures::TryStreamExt;
use serde::Deserialize;
use skillbridge::Error;
use skillbridge::techwolf::Include;
use skillbridge_mock::{Fault, MockServer, MockServerBuilder, Route};

/// The caller's own view of Kombo's skill catalog page (only what the join needs).
#[derive(Debug, Deserialize)]
struct Skills {
    results: Vec<CatalogSkill>,
}

#[derive(Debug, Deserialize)]
struct CatalogSkill {
    id: String,
    name: String,
}

fn builder() -> MockServerBuilder {
    MockServer::builder()
        .seed(5)
        .staffing_entities(12)
        .skills_per_entity(3)
        .skill_catalog(60)
        .employees(40)
        .contract_checks(true)
}

#[tokio::test]
async fn a_route_the_library_does_not_wrap_answers_in_the_callers_types() {
    let server = start(builder()).await;
    let hris = hris(&kombo_client(&server), &server);
    let skills: Skills = hris.get("/hris/skills").send().await.expect("the catalog");
    assert_eq!(skills.results.len(), 60);
    for (index, skill) in skills.results.iter().enumerate() {
        let expected = server.kombo().skill(u32::try_from(index).unwrap()).expect("seeded");
        assert_eq!(
            (skill.id.as_str(), skill.name.as_str()),
            (expected.id.as_str(), expected.name.as_str())
        );
    }
    // Query pairs reach the route; the answer comes with its metadata.
    let needle = skills.results[7].name.to_lowercase();
    let found = hris
        .get("/hris/skills")
        .query("name_contains", &needle)
        .send_with_meta::<Skills>()
        .await
        .expect("filtered");
    assert_eq!(found.status().as_u16(), 200);
    assert_eq!(found.attempts(), 1);
    assert!(!found.value().results.is_empty());
    assert!(
        found
            .value()
            .results
            .iter()
            .all(|s| s.name.to_lowercase().contains(&needle))
    );
    let log = server.request_log();
    let last = log.last().expect("logged");
    assert_eq!(last.header("x-integration-id"), Some(server.kombo().integration_id()));
    assert_eq!(server.request_count(Route::KOMBO_SKILLS), 2);
}

#[tokio::test]
async fn the_skills_gap_join_matches_names_both_vendors_hold() {
    let server = start(builder()).await;
    let (hris, techwolf) = (hris(&kombo_client(&server), &server), techwolf_client(&server));
    // One staffing entity's expected skills, by Kombo id...
    let entity = server.kombo().staffing_entity(2).expect("entity").id;
    let expected: Vec<_> = hris
        .staffing_entity_skills()
        .staffing_entity_ids([entity.as_str()])
        .items()
        .try_collect()
        .await
        .expect("expectations");
    assert!(!expected.is_empty());
    let ids: Vec<&str> = expected.iter().map(|e| e.skill_id.as_str()).collect();
    // ...named through the catalog the library does not wrap...
    let catalog: Skills = hris
        .get("/hris/skills")
        .query("ids", ids.join(","))
        .send()
        .await
        .expect("names");
    let names: BTreeSet<String> = catalog.results.iter().map(|s| s.name.to_lowercase()).collect();
    assert_eq!(catalog.results.len(), ids.len(), "every expected skill has a name");
    // ...against the skills TechWolf employees hold, by name.
    let employees: Vec<_> = techwolf
        .employee_skill_clusters()
        .include([Include::CurrentSkills])
        .items()
        .try_collect()
        .await
        .expect("export");
    let held: BTreeSet<String> = employees
        .iter()
        .flat_map(|e| &e.skill_clusters)
        .flat_map(|c| c.current_skills.iter().flatten())
        .map(|s| s.name.to_lowercase())
        .collect();
    let matched: Vec<_> = names.intersection(&held).collect();
    assert!(
        !matched.is_empty(),
        "ids would have matched nothing; names do: {names:?}"
    );
    common::assert_no_violations(&server);
}

#[tokio::test]
async fn reads_are_retried_writes_are_sent_once_unless_declared_idempotent() {
    let server = start(builder().fault(Route::KOMBO_SKILLS, Fault::ServiceUnavailable.first(1))).await;
    let hris = hris(&kombo_client(&server), &server);
    let skills: Skills = hris.get("/hris/skills").send().await.expect("retried after the 503");
    assert_eq!(skills.results.len(), 60);
    assert_eq!(server.request_count(Route::KOMBO_SKILLS), 2);

    // A POST to the upsert route through the hatch: a 503 is returned, not retried...
    let server = start(builder().fault(Route::KOMBO_UPSERT, Fault::ServiceUnavailable.first(1))).await;
    let hris = hris_of(&kombo_client(&server), &server);
    let entity = server.kombo().staffing_entity(0).expect("entity").id;
    let skill = server.kombo().skill_id(1).expect("skill");
    let body = serde_json::json!({"staffing_entity_id": entity, "skill_id": skill, "expected_level": 2});
    let once = hris
        .post("/hris/staffing-entity-skills")
        .json(&body)
        .send::<serde_json::Value>()
        .await
        .expect_err("503, not retried");
    assert_eq!(once.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(server.request_count(Route::KOMBO_UPSERT), 1);
    // ...unless the caller says the route may be repeated (Kombo keys it by entity and skill).
    let saved: serde_json::Value = hris
        .post("/hris/staffing-entity-skills")
        .json(&body)
        .idempotent()
        .send()
        .await
        .expect("saved");
    assert_eq!(saved["skill_id"], skill.as_str());
    assert_eq!(server.request_count(Route::KOMBO_UPSERT), 2);
    // ...or gives the call a retry policy of its own: the caller decided, as with `idempotent`.
    server.set_faults(Route::KOMBO_UPSERT, [Fault::ServiceUnavailable.first(1)]);
    let retried: serde_json::Value = hris
        .post("/hris/staffing-entity-skills")
        .json(&body)
        .retry_policy(common::fast_retries())
        .send()
        .await
        .expect("saved after a retry");
    assert_eq!(retried["skill_id"], skill.as_str());
    assert_eq!(server.request_count(Route::KOMBO_UPSERT), 4);
    assert!(
        server.kombo().peak_concurrent_writes() <= 1,
        "a write takes a write slot"
    );
}

/// Custom writes share the integration's write slots with the wrapped ones: sixteen POSTs at once
/// against a server that allows two writes in flight are never refused, and a GET takes no slot.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_custom_writes_stay_within_the_announced_write_limit() {
    let server = start(
        builder()
            .write_concurrency_limit(2)
            .latency(Route::KOMBO_UPSERT, std::time::Duration::from_millis(20)),
    )
    .await;
    let hris = hris_of(&kombo_client(&server), &server);
    let entity = server.kombo().staffing_entity(0).expect("entity").id;
    let posts = (0..16).map(|i| {
        let skill = server.kombo().skill_id(i).expect("skill");
        let body = serde_json::json!({"staffing_entity_id": entity, "skill_id": skill, "expected_level": 1});
        hris.post("/hris/staffing-entity-skills")
            .json(&body)
            .send::<serde_json::Value>()
    });
    for (i, outcome) in futures::future::join_all(posts).await.into_iter().enumerate() {
        outcome.unwrap_or_else(|e| panic!("post {i}: {e}"));
    }
    assert_eq!(
        server.request_count(Route::KOMBO_UPSERT),
        16,
        "each sent once, none refused"
    );
    let peak = server.kombo().peak_concurrent_writes();
    assert!((1..=2).contains(&peak), "peak {peak}: never above the limit of 2");
    common::assert_no_violations(&server);
}

#[tokio::test]
async fn bad_paths_and_bodies_send_nothing_and_errors_keep_the_vendors_rules() {
    let server = start(builder()).await;
    let hris = hris(&kombo_client(&server), &server);
    for path in [
        "https://elsewhere.example/hris/skills",
        "//elsewhere.example/x",
        "hris/skills",
        "/a/../b",
        "/x?a=1",
    ] {
        match hris.get(path).send::<serde_json::Value>().await {
            Err(Error::InvalidInput { field: "path", .. }) => {}
            other => panic!("{path}: {other:?}"),
        }
    }
    assert_eq!(server.request_log().len(), 0, "nothing was sent");
    // An unknown parameter: Kombo's own 400, typed and with its code.
    let refused = hris
        .get("/hris/skills")
        .query("frobnicate", 1)
        .send::<serde_json::Value>()
        .await
        .expect_err("refused");
    assert_eq!(refused.code(), Some("PLATFORM.INPUT_INVALID"));
    assert!(!refused.is_retryable());
    // A wrong key: the same typed auth error as every other call, without the key.
    let wrong = kombo_builder(&server).api_key("wrong-SECRET-key").build().unwrap();
    let denied = hris_of(&wrong, &server)
        .get("/hris/skills")
        .send::<serde_json::Value>()
        .await
        .expect_err("401");
    assert!(denied.is_auth(), "{denied:?}");
    assert!(!format!("{denied} {denied:?}").contains("SECRET"));
}

fn hris_of(kombo: &skillbridge::kombo::Kombo, server: &MockServer) -> skillbridge::kombo::Integration {
    kombo.integration(server.kombo().integration_id()).unwrap()
}

#[tokio::test]
async fn techwolf_routes_carry_the_cached_token_and_refresh_it_once() {
    let server = start(builder()).await;
    let techwolf = techwolf_client(&server);
    let page: serde_json::Value = techwolf
        .post("/export/employees/skill_clusters")
        .json(&serde_json::json!({"limit": 5}))
        .idempotent()
        .send()
        .await
        .expect("a page");
    assert_eq!(page["records"].as_array().map(Vec::len), Some(5));
    // Tokens revoked behind the client's back: one 401, one refresh, the request again.
    server.techwolf().revoke_tokens();
    let again: serde_json::Value = techwolf
        .post("/export/employees/skill_clusters")
        .json(&serde_json::json!({"limit": 1}))
        .idempotent()
        .send()
        .await
        .expect("refreshed once");
    assert_eq!(again["records"].as_array().map(Vec::len), Some(1));
    assert_eq!(techwolf.token_fetches(), 2);
}
