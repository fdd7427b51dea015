//! Kombo `POST /hris/staffing-entity-skills` over real HTTP.

use crate::common;

use common::Ctx;
use serde_json::{Value, json};
use skillbridge_mock::{Direction, MockServer, Route, StaffingEntity};

fn small() -> skillbridge_mock::MockServerBuilder {
    MockServer::builder()
        .seed(11)
        .staffing_entities(60)
        .skills_per_entity(4)
        .skill_catalog(30)
}

fn open_entity(ctx: &Ctx) -> StaffingEntity {
    ctx.server
        .kombo()
        .staffing_entities()
        .find(|e| !e.closed)
        .expect("an open entity")
}

/// A skill the entity does not have yet.
fn new_skill_for(ctx: &Ctx, entity: &StaffingEntity) -> String {
    (0..ctx.server.kombo().skills_count())
        .filter_map(|s| ctx.server.kombo().skill_id(s))
        .find(|s| ctx.server.kombo().find_expectation(&entity.id, s).is_none())
        .expect("a skill the entity lacks")
}

#[tokio::test]
async fn creates_then_updates_and_reads_back() {
    let ctx = Ctx::start(small()).await;
    let entity = open_entity(&ctx);
    let skill = new_skill_for(&ctx, &entity);
    let before_count = ctx.server.kombo().expectations_count();
    let before = chrono_now();

    let created = ctx
        .upsert(&json!({"staffing_entity_id": entity.id, "skill_id": skill, "expected_level": 3}))
        .await;
    assert_eq!(created.status, 200, "{}", created.text);
    let data = created.json()["data"].clone();
    assert_eq!(data["staffing_entity_id"], entity.id.as_str());
    assert_eq!(data["skill_id"], skill.as_str());
    assert_eq!(data["expected_level"], 3);
    assert!(data["remote_deleted_at"].is_null());
    assert!(data["changed_at"].as_str().expect("changed_at") >= before.as_str());
    assert_eq!(ctx.server.kombo().expectations_count(), before_count + 1);
    let id = data["id"].as_str().expect("id").to_owned();
    let stored = ctx.server.kombo().expectation_by_id(&id).expect("stored");
    assert_eq!(stored.expected_level, Some(3));
    assert_eq!(
        serde_json::to_value(&stored).expect("json"),
        data,
        "read-back equals the response"
    );

    // Visible to the next read, and to updated_after.
    let listed = ctx.list_all(&[("ids", &id)]).await;
    assert_eq!(listed, std::slice::from_ref(&data));
    let recent = ctx.list_all(&[("updated_after", &before)]).await;
    assert_eq!(recent, std::slice::from_ref(&data));

    // Update: same id, new level, later changed_at (the server stamps each write strictly later
    // than the previous one, whatever the clock's resolution).
    let updated = ctx
        .upsert(&json!({"staffing_entity_id": entity.id, "skill_id": skill, "expected_level": 5}))
        .await;
    assert_eq!(updated.status, 200);
    let up = updated.json()["data"].clone();
    assert_eq!(up["id"], id.as_str());
    assert_eq!(up["expected_level"], 5);
    assert!(up["changed_at"].as_str() > data["changed_at"].as_str());
    assert_eq!(
        ctx.server.kombo().expectations_count(),
        before_count + 1,
        "no duplicate record"
    );

    // An identical upsert changes nothing, so changed_at stays.
    let same = ctx
        .upsert(&json!({"staffing_entity_id": entity.id, "skill_id": skill, "expected_level": 5}))
        .await;
    assert_eq!(same.json()["data"], up);

    // Omitting the level attaches the skill without one.
    let no_level = ctx
        .upsert(&json!({"staffing_entity_id": entity.id, "skill_id": skill}))
        .await;
    assert!(no_level.json()["data"]["expected_level"].is_null());
    ctx.assert_no_violations();
}

fn chrono_now() -> String {
    // The server stamps writes with the wall clock at millisecond precision.
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

#[tokio::test]
async fn updating_a_seeded_and_a_deleted_record() {
    let ctx = Ctx::start(small()).await;
    let open: Vec<StaffingEntity> = ctx.server.kombo().staffing_entities().filter(|e| !e.closed).collect();
    let all: Vec<_> = (0..ctx.server.kombo().expectations_count())
        .filter_map(|i| ctx.server.kombo().expectation(i))
        .collect();
    let on_open = |e: &&skillbridge_mock::Expectation| open.iter().any(|o| o.id == e.staffing_entity_id);
    let seeded = all
        .iter()
        .filter(on_open)
        .find(|e| e.remote_deleted_at.is_none())
        .expect("seeded record");
    let level = if seeded.expected_level == Some(1) { 2 } else { 1 };
    let body =
        json!({"staffing_entity_id": seeded.staffing_entity_id, "skill_id": seeded.skill_id, "expected_level": level});
    let r = ctx.upsert(&body).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["data"]["id"], seeded.id.as_str());
    assert!(r.json()["data"]["changed_at"].as_str() > Some(seeded.changed_at.as_str()));

    // Seed 11 has deleted records on open entities: the restore below must run.
    let deleted = all
        .iter()
        .filter(on_open)
        .find(|e| e.remote_deleted_at.is_some())
        .expect("seed 11 has a deleted record on an open entity");
    {
        let r = ctx
            .upsert(&json!({"staffing_entity_id": deleted.staffing_entity_id, "skill_id": deleted.skill_id}))
            .await;
        assert_eq!(r.status, 200);
        assert!(
            r.json()["data"]["remote_deleted_at"].is_null(),
            "an upsert restores the record"
        );
        assert_eq!(ctx.list_all(&[("ids", &deleted.id)]).await.len(), 1);
    }
    ctx.assert_no_violations();
}

#[tokio::test]
async fn an_upsert_restores_a_record_deleted_at_the_source() {
    let ctx = Ctx::start(small()).await;
    let kombo = ctx.server.kombo();
    let entity = open_entity(&ctx);
    let record = kombo
        .expectations()
        .find(|e| e.staffing_entity_id == entity.id && e.remote_deleted_at.is_none())
        .expect("a live record on an open entity");
    assert!(kombo.delete_expectation(&record.id));
    let deleted = kombo.expectation_by_id(&record.id).expect("deleted record");

    // The same level: only the deletion is undone, and that is a change.
    let mut body = json!({"staffing_entity_id": record.staffing_entity_id, "skill_id": record.skill_id});
    if let Some(level) = record.expected_level {
        body["expected_level"] = json!(level);
    }
    let r = ctx.upsert(&body).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let data = r.json()["data"].clone();
    assert_eq!(data["id"], record.id.as_str());
    assert!(data["remote_deleted_at"].is_null());
    assert!(data["changed_at"].as_str().expect("changed_at") > deleted.changed_at.as_str());
    assert_eq!(ctx.list_all(&[("updated_after", &deleted.changed_at)]).await, [data]);
    ctx.assert_no_violations();
}

#[tokio::test]
async fn set_expected_level_changes_a_record_as_an_upsert_would() {
    let ctx = Ctx::start(small()).await;
    let kombo = ctx.server.kombo();
    let record = kombo
        .expectations()
        .find(|e| e.remote_deleted_at.is_none() && e.expected_level.is_some())
        .expect("a live record with a level");

    // The same level: nothing changes, changed_at stays.
    assert!(kombo.set_expected_level(&record.id, record.expected_level));
    assert_eq!(kombo.expectation_by_id(&record.id).as_ref(), Some(&record));

    // Another level: changed_at moves, and an incremental listing picks it up.
    let level = if record.expected_level == Some(5) { 4 } else { 5 };
    assert!(kombo.set_expected_level(&record.id, Some(level)));
    let changed = kombo.expectation_by_id(&record.id).expect("record");
    assert_eq!(changed.expected_level, Some(level));
    assert!(changed.changed_at > record.changed_at);
    let listed = ctx.list_all(&[("updated_after", &changed.changed_at)]).await;
    assert_eq!(listed, [serde_json::to_value(&changed).expect("json")]);

    // No level at all is a level too; each change is stamped after the last.
    assert!(kombo.set_expected_level(&record.id, None));
    let cleared = kombo.expectation_by_id(&record.id).expect("record");
    assert_eq!(cleared.expected_level, None);
    assert!(cleared.changed_at > changed.changed_at);

    // Refused, and nothing changes: a level outside 1..=5, an unknown id.
    assert!(!kombo.set_expected_level(&record.id, Some(0)));
    assert!(!kombo.set_expected_level(&record.id, Some(6)));
    assert!(!kombo.set_expected_level("not-an-expectation-id", Some(3)));
    assert_eq!(kombo.expectation_by_id(&record.id).as_ref(), Some(&cleared));

    // On a deleted record it restores it, as an upsert does.
    assert!(kombo.delete_expectation(&record.id));
    let deleted = kombo.expectation_by_id(&record.id).expect("record");
    assert!(kombo.set_expected_level(&record.id, None));
    let restored = kombo.expectation_by_id(&record.id).expect("record");
    assert_eq!(restored.remote_deleted_at, None);
    assert!(restored.changed_at > deleted.changed_at);

    // A change at the source is not a client's write: a closed entity's record changes too.
    let closed = kombo.staffing_entities().find(|e| e.closed).expect("a closed entity");
    let on_closed = kombo
        .expectations()
        .find(|e| e.staffing_entity_id == closed.id)
        .expect("a record on the closed entity");
    let level = if on_closed.expected_level == Some(1) { 2 } else { 1 };
    assert!(kombo.set_expected_level(&on_closed.id, Some(level)));
    assert_eq!(
        kombo.expectation_by_id(&on_closed.id).and_then(|e| e.expected_level),
        Some(level)
    );
    ctx.assert_no_violations();
}

#[tokio::test]
async fn invalid_bodies_get_400_with_a_useful_message() {
    let ctx = Ctx::start(small()).await;
    let entity = open_entity(&ctx).id;
    let skill = ctx.server.kombo().skill_id(0).expect("skill");
    let cases: Vec<(Value, &str)> = vec![
        (json!({"skill_id": skill}), "staffing_entity_id"),
        (
            json!({"staffing_entity_id": "", "skill_id": skill}),
            "staffing_entity_id",
        ),
        (json!({"staffing_entity_id": entity, "skill_id": "  "}), "skill_id"),
        (
            json!({"staffing_entity_id": 42, "skill_id": skill}),
            "staffing_entity_id",
        ),
        (
            json!({"staffing_entity_id": entity, "skill_id": skill, "expected_level": 0}),
            "expected_level",
        ),
        (
            json!({"staffing_entity_id": entity, "skill_id": skill, "expected_level": 6}),
            "expected_level",
        ),
        (
            json!({"staffing_entity_id": entity, "skill_id": skill, "expected_level": "3"}),
            "expected_level",
        ),
        (
            json!({"staffing_entity_id": entity, "skill_id": skill, "expected_level": 2.5}),
            "expected_level",
        ),
        (
            json!({"staffing_entity_id": entity, "skill_id": skill, "expected_level": null}),
            "expected_level",
        ),
        (json!([1, 2]), "object"),
    ];
    for (body, field) in &cases {
        let r = ctx.upsert(body).await;
        assert_eq!(r.status, 400, "{body}");
        assert_eq!(r.code(), "PLATFORM.INPUT_INVALID");
        let message = r.json()["error"]["message"].as_str().expect("message").to_owned();
        assert!(message.contains(field), "{body}: {message}");
    }
    // The schema check saw every one of them as a request violation, and no response broke the spec.
    let violations = ctx.server.contract_violations();
    // Empty and blank ids are valid strings to the schema (no `minLength`): 2 cases are the mock's own checks.
    assert_eq!(violations.len(), cases.len() - 2, "{violations:#?}");
    assert!(
        violations
            .iter()
            .all(|v| v.direction == Direction::Request && v.route == Route::KOMBO_UPSERT)
    );

    // Malformed JSON and a non-JSON content type.
    let raw = |body: &'static str, ctype: &'static str| {
        ctx.http
            .post(ctx.kombo_url())
            .bearer_auth(ctx.server.kombo().api_key())
            .header("X-Integration-Id", ctx.server.kombo().integration_id())
            .header("content-type", ctype)
            .body(body)
            .send()
    };
    for (body, ctype, needle) in [
        ("{\"staffing_entity_id\": ", "application/json", "JSON"),
        ("staffing_entity_id=a", "text/plain", "Content-Type"),
    ] {
        let r = raw(body, ctype).await.expect("request");
        assert_eq!(r.status().as_u16(), 400);
        let v: Value = r.json().await.expect("json");
        assert_eq!(v["error"]["code"], "PLATFORM.INPUT_INVALID");
        assert!(
            v["error"]["message"].as_str().is_some_and(|m| m.contains(needle)),
            "{v}"
        );
    }
}

#[tokio::test]
async fn unknown_and_closed_entities() {
    let ctx = Ctx::start(small()).await;
    let entity = open_entity(&ctx).id;
    let skill = ctx.server.kombo().skill_id(0).expect("skill");
    let r = ctx
        .upsert(&json!({"staffing_entity_id": "26vafvWSRmbhNcxJYqjCzuJg", "skill_id": skill}))
        .await;
    assert_eq!((r.status, r.code()), (404, json!("PLATFORM.INPUT_INVALID")));
    let r = ctx
        .upsert(&json!({"staffing_entity_id": entity, "skill_id": "28KMdr68N8kG9EzLwjsN9aoz"}))
        .await;
    assert_eq!((r.status, r.code()), (404, json!("PLATFORM.INPUT_INVALID")));
    // Well-formed ids one past the ends: a server of the same seed with one more of each has them.
    let larger = small()
        .staffing_entities(61)
        .skill_catalog(31)
        .start()
        .await
        .expect("mock starts");
    let past_entity = larger.kombo().staffing_entity(60).expect("entity 60").id;
    let past_skill = larger.kombo().skill_id(30).expect("skill 30");
    for (entity, skill, unknown) in [
        (&past_entity, &skill, "staffing entity"),
        (&entity, &past_skill, "skill"),
    ] {
        let r = ctx
            .upsert(&json!({"staffing_entity_id": entity, "skill_id": skill}))
            .await;
        assert_eq!(
            (r.status, r.code()),
            (404, json!("PLATFORM.INPUT_INVALID")),
            "{unknown}"
        );
        assert!(r.text.contains(&format!("No {unknown} with the ID")), "{}", r.text);
    }
    let closed = ctx
        .server
        .kombo()
        .staffing_entities()
        .find(|e| e.closed)
        .expect("a closed entity");
    let count = ctx.server.kombo().expectations_count();
    let r = ctx
        .upsert(&json!({"staffing_entity_id": closed.id, "skill_id": skill, "expected_level": 2}))
        .await;
    assert_eq!((r.status, r.code()), (409, json!("HRIS.STAFFING_ENTITY_CLOSED")));
    assert_eq!(ctx.server.kombo().expectations_count(), count, "nothing written");
    ctx.assert_no_violations();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrency_limit_is_real() {
    let ctx = Ctx::start(small().write_concurrency_limit(3)).await;
    let entity = open_entity(&ctx).id;
    let skills: Vec<String> = (0..12).filter_map(|s| ctx.server.kombo().skill_id(s)).collect();
    assert_eq!(skills.len(), 12);
    // The permit holders wait inside the server until released: the others find no permit.
    ctx.server.hold(Route::KOMBO_UPSERT);
    let mut requests = tokio::task::JoinSet::new();
    for s in &skills {
        requests.spawn(ctx.upsert_owned(json!({"staffing_entity_id": entity, "skill_id": s})));
    }
    ctx.wait_held(Route::KOMBO_UPSERT, 3).await;
    // Nine replies can come back while three requests are held; each must be a refusal.
    let mut limited = Vec::new();
    for _ in 0..9 {
        tokio::select! {
            reply = requests.join_next() => limited.push(reply.expect("a reply").expect("task")),
            () = ctx.server.wait_held(Route::KOMBO_UPSERT, 4) => panic!("a fourth write got a permit"),
        }
    }
    assert_eq!(
        ctx.server.held(Route::KOMBO_UPSERT),
        3,
        "exactly the limit got a permit"
    );
    assert_eq!(ctx.server.request_count(Route::KOMBO_UPSERT), 12);
    for r in &limited {
        assert_eq!(r.status, 429);
        assert_eq!(r.code(), "PLATFORM.CONCURRENCY_LIMIT_EXCEEDED");
        assert_eq!(r.header("concurrency-limit"), Some("3"));
        assert_eq!(r.header("concurrency-remaining"), Some("0"));
    }
    // Each refusal was handled while the three holders were in flight.
    assert!(
        ctx.server.kombo().peak_concurrent_writes() >= 4,
        "rejected writes count as in flight too"
    );
    ctx.server.release(Route::KOMBO_UPSERT);
    let mut saved = 0;
    while let Some(reply) = requests.join_next().await {
        assert_eq!(reply.expect("task").status, 200);
        saved += 1;
    }
    assert_eq!(saved, 3);
    // Permits come back: a later write succeeds.
    let r = ctx
        .upsert(&json!({"staffing_entity_id": entity, "skill_id": skills[0]}))
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("concurrency-limit"), Some("3"));
    assert_eq!(r.header("concurrency-remaining"), Some("2"));
    ctx.assert_no_violations();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn peak_concurrent_writes_is_measured() {
    let ctx = Ctx::start(small().write_concurrency_limit(0)).await;
    let entity = open_entity(&ctx).id;
    let skills: Vec<String> = (0..8).filter_map(|s| ctx.server.kombo().skill_id(s)).collect();
    assert_eq!(skills.len(), 8);
    let first = ctx
        .upsert(&json!({"staffing_entity_id": entity, "skill_id": skills[0]}))
        .await;
    assert_eq!(first.status, 200);
    assert!(first.header("concurrency-limit").is_none(), "no limit, no headers");
    assert_eq!(ctx.server.kombo().peak_concurrent_writes(), 1);
    ctx.server.hold(Route::KOMBO_UPSERT);
    let mut requests = tokio::task::JoinSet::new();
    for s in &skills {
        requests.spawn(ctx.upsert_owned(json!({"staffing_entity_id": entity, "skill_id": s})));
    }
    ctx.wait_held(Route::KOMBO_UPSERT, 8).await;
    assert_eq!(
        ctx.server.kombo().peak_concurrent_writes(),
        8,
        "no limit: all eight overlapped"
    );
    ctx.server.release(Route::KOMBO_UPSERT);
    while let Some(reply) = requests.join_next().await {
        assert_eq!(reply.expect("task").status, 200);
    }
    assert_eq!(ctx.server.kombo().peak_concurrent_writes(), 8);
    ctx.assert_no_violations();
}
