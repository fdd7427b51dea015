//! TechWolf token endpoint and `POST /export/employees/skill_clusters` over real HTTP.

use crate::common;

use std::collections::HashSet;
use std::time::Duration;

use common::Ctx;
use serde_json::{Value, json};
use skillbridge_mock::{MockServer, NextStartingAfter};

fn small() -> skillbridge_mock::MockServerBuilder {
    MockServer::builder().seed(5).employees(60)
}

#[tokio::test]
async fn token_endpoint_issues_and_refuses() {
    let ctx = Ctx::start(small().token_ttl(Duration::from_secs(10_800))).await;
    let ok = ctx.token_request(&ctx.token_body()).await;
    assert_eq!(ok.status, 200);
    let t = ok.json();
    assert_eq!(t["token_type"], "Bearer");
    assert_eq!(t["expires_in"], 10_800);
    assert_eq!(t["scope"], "read write read_reports");
    assert!(t["access_token"].as_str().is_some_and(|s| s.len() > 20));

    let mut scoped = ctx.token_body();
    scoped["scopes"] = json!(["read"]);
    assert_eq!(ctx.token_request(&scoped).await.json()["scope"], "read");

    let with = |key: &str, value: Value| {
        let mut b = ctx.token_body();
        b[key] = value;
        b
    };
    let without = |key: &str| {
        let mut b = ctx.token_body();
        b.as_object_mut().expect("object").remove(key);
        b
    };
    for (body, status, error) in [
        (with("client_secret", json!("wrong")), 401, "access_denied"),
        (with("client_id", json!("someone-else")), 401, "access_denied"),
        (with("audience", json!("us3.techwolf.ai")), 403, "access_denied"),
        (with("tenant", json!("other")), 403, "access_denied"),
        (with("scopes", json!(["admin"])), 403, "access_denied"),
        (with("grant_type", json!("password")), 400, "unsupported_grant_type"),
        (without("grant_type"), 400, "invalid_request"),
        (without("audience"), 400, "invalid_request"),
    ] {
        let r = ctx.token_request(&body).await;
        assert_eq!(r.status, status, "{body}");
        assert_eq!(r.json()["error"], error);
        assert!(r.json()["error_description"].is_string());
    }

    // The RFC 6749 form encoding is accepted too.
    let form = format!(
        "grant_type=client_credentials&client_id={}&client_secret={}&audience={}&tenant={}",
        ctx.server.techwolf().client_id(),
        ctx.server.techwolf().client_secret(),
        ctx.server.techwolf().audience(),
        ctx.server.techwolf().tenant()
    );
    let r = ctx
        .http
        .post(ctx.server.techwolf().token_url())
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form)
        .send()
        .await
        .expect("form token");
    assert_eq!(r.status().as_u16(), 200);

    assert_eq!(ctx.server.techwolf().token_requests(), 11);
    assert_eq!(ctx.server.techwolf().tokens_issued(), 3);
    // The secret never reaches the log.
    let secret = ctx.server.techwolf().client_secret().to_owned();
    assert!(ctx.server.request_log().iter().all(|e| !e.body.contains(&secret)));
    ctx.assert_no_violations();
}

#[tokio::test]
async fn export_checks_the_bearer_token() {
    let ctx = Ctx::start(small()).await;
    let body = json!({"limit": 5});
    let no_auth = ctx
        .http
        .post(ctx.export_url())
        .json(&body)
        .send()
        .await
        .expect("request");
    assert_eq!(no_auth.status().as_u16(), 401);
    let errors: Value = no_auth.json().await.expect("json");
    assert_eq!(errors[0]["title"], "401 Unauthorized");
    assert!(errors[0]["description"].is_string());

    assert_eq!(ctx.export("not-a-token", &body).await.status, 401);

    let mut write_only = ctx.token_body();
    write_only["scopes"] = json!("write");
    let token = ctx.token_request(&write_only).await.json()["access_token"]
        .as_str()
        .expect("token")
        .to_owned();
    let r = ctx.export(&token, &body).await;
    assert_eq!(r.status, 403);
    assert_eq!(r.json()[0]["title"], "403 Forbidden");
    ctx.assert_no_violations();
}

#[tokio::test]
async fn tokens_expire_server_side() {
    let ctx = Ctx::start(small().token_ttl(Duration::from_secs(60))).await;
    let r = ctx.token_request(&ctx.token_body()).await.json();
    assert_eq!(r["expires_in"], 60);
    let token = r["access_token"].as_str().expect("token").to_owned();
    assert_eq!(ctx.export(&token, &json!({"limit": 1})).await.status, 200);
    // The server's token clock, moved instead of waited for: just before the end, then past it.
    ctx.server.techwolf().advance_clock(Duration::from_secs(59));
    assert_eq!(
        ctx.export(&token, &json!({"limit": 1})).await.status,
        200,
        "still valid"
    );
    ctx.server.techwolf().advance_clock(Duration::from_secs(1));
    let expired = ctx.export(&token, &json!({"limit": 1})).await;
    assert_eq!(expired.status, 401);
    assert!(expired.header("www-authenticate").is_some());
    let fresh = ctx.token().await;
    assert_eq!(ctx.export(&fresh, &json!({"limit": 1})).await.status, 200);

    // Sub-second TTLs report one second.
    ctx.server.techwolf().set_token_ttl(Duration::from_millis(500));
    assert_eq!(ctx.token_request(&ctx.token_body()).await.json()["expires_in"], 1);
    // Issuing a token forgets expired ones only: the earlier token is still good.
    assert_eq!(ctx.export(&fresh, &json!({"limit": 1})).await.status, 200);

    // Revocation (early expiry) at runtime.
    ctx.server.techwolf().revoke_tokens();
    assert_eq!(ctx.export(&fresh, &json!({"limit": 1})).await.status, 401);
    ctx.assert_no_violations();
}

#[tokio::test]
async fn export_validates_its_body() {
    let ctx = Ctx::start(small()).await;
    let token = ctx.token().await;
    let long = "x".repeat(101);
    let cases = [
        json!({}),
        json!({"limit": 0}),
        json!({"limit": 101}),
        json!({"limit": "10"}),
        json!({"limit": 2.5}),
        json!({"limit": 10, "starting_after": long}),
        json!({"limit": 10, "include": ["everything"]}),
        json!({"limit": 10, "filters": [{"filter": "department", "department": "x"}]}),
        json!({"limit": 10, "filters": [{"filter": "last_updated", "value": "March", "operator": "gt"}]}),
        json!({"limit": 10, "filters": [{"filter": "last_updated", "value": "2024-01-01", "operator": "eq"}]}),
        json!({"limit": 10, "filters": [{"filter": "is_active", "is_active": "yes"}]}),
    ];
    for body in &cases {
        let r = ctx.export(&token, body).await;
        assert_eq!(r.status, 400, "{body}");
        let e = r.json();
        assert_eq!(e[0]["title"], "400 Bad Request", "{body}");
        assert!(e[0]["description"].as_str().is_some_and(|d| !d.is_empty()));
    }
    // `starting_after` that names no employee, and a body that is not JSON.
    let r = ctx
        .export(
            &token,
            &json!({"limit": 10, "starting_after": "4cbdbabe-5644-4423-8157-520f8a2f429a"}),
        )
        .await;
    assert_eq!(r.status, 400);
    // 100 characters is a length TechWolf takes: refused for naming no employee, not for its length.
    let longest = ctx
        .export(&token, &json!({"limit": 10, "starting_after": "x".repeat(100)}))
        .await;
    assert_eq!(longest.status, 400);
    let description = longest.json()[0]["description"].as_str().unwrap_or_default().to_owned();
    assert!(!description.contains("at most 100"), "{description}");
    for (body, ctype) in [("{limit: 1", "application/json"), ("{\"limit\": 1}", "text/plain")] {
        let raw = ctx
            .http
            .post(ctx.export_url())
            .bearer_auth(&token)
            .header("content-type", ctype)
            .body(body)
            .send()
            .await
            .expect("request");
        assert_eq!(raw.status().as_u16(), 400, "{body} as {ctype}");
    }
    // Boundaries are accepted.
    assert_eq!(ctx.export(&token, &json!({"limit": 1})).await.status, 200);
    assert_eq!(ctx.export(&token, &json!({"limit": 100})).await.status, 200);
    // A whole number is an integer however it is written (JSON Schema's rule, and Kombo's
    // `expected_level` handler's): `3.0` is a limit of 3.
    let float_limit = ctx.export(&token, &json!({"limit": 3.0})).await;
    assert_eq!(float_limit.status, 200);
    assert_eq!(float_limit.json()["records"].as_array().map(Vec::len), Some(3));
    // Every schema-invalid body was recorded as a request violation; no response broke the spec.
    let v = ctx.server.contract_violations();
    assert!(v.len() >= 8, "{v:#?}");
    assert!(v.iter().all(|v| v.direction == skillbridge_mock::Direction::Request));
}

#[tokio::test]
async fn include_decides_which_arrays_appear() {
    let ctx = Ctx::start(small()).await;
    let token = ctx.token().await;
    let optional = ["current_skills", "related_skills", "rejected_skills", "sources"];
    let clusters = |page: &Value| -> Vec<Value> {
        page["records"]
            .as_array()
            .expect("records")
            .iter()
            .flat_map(|r| r["skill_clusters"].as_array().cloned().unwrap_or_default())
            .collect()
    };
    let bare = ctx.export(&token, &json!({"limit": 20})).await.json();
    let bare_clusters = clusters(&bare);
    assert!(!bare_clusters.is_empty());
    for c in &bare_clusters {
        for key in optional {
            assert!(c.get(key).is_none(), "{key} sent without being included");
        }
    }
    for key in optional {
        let page = ctx.export(&token, &json!({"limit": 20, "include": [key]})).await.json();
        for c in clusters(&page) {
            for other in optional {
                assert_eq!(c.get(other).is_some(), other == key, "include [{key}] and {other}");
            }
        }
    }
    // With everything included, a record equals the server's own view of the employee.
    let full = ctx
        .export(&token, &json!({"limit": 3, "include": optional}))
        .await
        .json();
    for (i, record) in full["records"].as_array().expect("records").iter().enumerate() {
        let employee = ctx.server.techwolf().employee(i as u64).expect("employee");
        assert_eq!(record, &serde_json::to_value(&employee).expect("json"));
    }
    ctx.assert_no_violations();
}

#[tokio::test]
async fn data_covers_the_documented_variety() {
    let ctx = Ctx::start(small()).await;
    let token = ctx.token().await;
    let all = ctx
        .export_all(
            &token,
            &json!({"limit": 100, "include": ["current_skills", "related_skills", "rejected_skills", "sources"]}),
        )
        .await;
    let clusters: Vec<&Value> = all
        .iter()
        .flat_map(|r| r["skill_clusters"].as_array().into_iter().flatten())
        .collect();
    let skills: Vec<&Value> = clusters
        .iter()
        .flat_map(|c| {
            ["current_skills", "related_skills", "rejected_skills"]
                .into_iter()
                .flat_map(|k| c[k].as_array().into_iter().flatten())
        })
        .collect();
    let states: HashSet<&str> = skills.iter().filter_map(|s| s["validation_state"].as_str()).collect();
    for state in ["validated", "suggested", "rejected"] {
        assert!(states.contains(state), "{state} missing");
    }
    assert!(
        skills
            .iter()
            .any(|s| s["skill_sources"].as_array().is_some_and(Vec::is_empty))
    );
    assert!(clusters.iter().any(|c| c.get("validation_state").is_none()));
    assert!(clusters.iter().any(|c| c.get("validation_state").is_some()));
    assert!(
        all.iter()
            .any(|r| r["skill_clusters"].as_array().is_some_and(Vec::is_empty)),
        "an employee without clusters"
    );
    ctx.assert_no_violations();
}

#[tokio::test]
async fn filters_match_the_oracle() {
    let ctx = Ctx::start(small()).await;
    let token = ctx.token().await;
    let employees: Vec<_> = (0..ctx.server.techwolf().employees_count())
        .filter_map(|i| ctx.server.techwolf().employee(i))
        .collect();
    let ids = |records: Vec<Value>| -> Vec<String> {
        records
            .iter()
            .map(|r| r["external_id"].as_str().expect("id").to_owned())
            .collect()
    };
    for active in [true, false] {
        let got = ids(ctx
            .export_all(
                &token,
                &json!({"limit": 9, "filters": [{"filter": "is_active", "is_active": active}]}),
            )
            .await);
        let want: Vec<String> = employees
            .iter()
            .filter(|e| e.is_active == active)
            .map(|e| e.external_id.clone())
            .collect();
        assert!(!want.is_empty());
        assert_eq!(got, want);
    }
    let mut dates: Vec<&str> = employees.iter().map(|e| e.last_updated.as_str()).collect();
    dates.sort_unstable();
    let pivot = dates[dates.len() / 2];
    for (op, keep) in [("gt", std::cmp::Ordering::Greater), ("lt", std::cmp::Ordering::Less)] {
        let body = json!({"limit": 100, "filters": [
            {"filter": "last_updated", "value": pivot, "operator": op},
            {"filter": "is_active", "is_active": true}
        ]});
        let got = ids(ctx.export_all(&token, &body).await);
        let want: Vec<String> = employees
            .iter()
            .filter(|e| e.is_active && e.last_updated.as_str().cmp(pivot) == keep)
            .map(|e| e.external_id.clone())
            .collect();
        assert!(!want.is_empty());
        assert_eq!(got, want, "{op}");
    }
    ctx.assert_no_violations();
}

#[tokio::test]
async fn keyset_pagination_in_creation_order() {
    let ctx = Ctx::start(small()).await;
    let token = ctx.token().await;
    let expected: Vec<String> = (0..60)
        .filter_map(|i| ctx.server.techwolf().employee(i))
        .map(|e| e.external_id)
        .collect();

    let first = ctx.export(&token, &json!({"limit": 7})).await.json();
    assert_eq!(first["has_next"], true);
    assert_eq!(first["next_starting_after"], expected[6].as_str());
    let got: Vec<String> = ctx
        .export_all(&token, &json!({"limit": 7}))
        .await
        .iter()
        .map(|r| r["external_id"].as_str().expect("id").to_owned())
        .collect();
    assert_eq!(got, expected, "no duplicates, no gaps");

    let last = ctx
        .export(&token, &json!({"limit": 10, "starting_after": expected[49]}))
        .await
        .json();
    assert_eq!(last["has_next"], false);
    assert!(last.get("next_starting_after").is_none());
    assert_eq!(last["records"].as_array().map(Vec::len), Some(10));

    // Without next_starting_after, continuing after the last external_id still works.
    ctx.server.techwolf().set_next_starting_after(NextStartingAfter::Absent);
    let page = ctx.export(&token, &json!({"limit": 7})).await.json();
    assert!(page.get("next_starting_after").is_none());
    assert_eq!(page["has_next"], true);
    let got: Vec<String> = ctx
        .export_all(&token, &json!({"limit": 7}))
        .await
        .iter()
        .map(|r| r["external_id"].as_str().expect("id").to_owned())
        .collect();
    assert_eq!(got, expected);

    ctx.server
        .techwolf()
        .set_next_starting_after(NextStartingAfter::Alternating);
    let mut present = 0;
    let mut absent = 0;
    let mut after: Option<String> = None;
    for _ in 0..common::MAX_PAGES {
        let mut body = json!({"limit": 3});
        if let Some(a) = &after {
            body["starting_after"] = json!(a);
        }
        let page = ctx.export(&token, &body).await.json();
        if page["has_next"] == false {
            break;
        }
        match page["next_starting_after"].as_str() {
            Some(n) => {
                present += 1;
                after = Some(n.to_owned());
            }
            None => {
                absent += 1;
                after = page["records"]
                    .as_array()
                    .and_then(|r| r.last())
                    .and_then(|r| r["external_id"].as_str())
                    .map(str::to_owned);
            }
        }
    }
    assert!(
        present > 0 && absent > 0,
        "alternating: {present} present, {absent} absent"
    );
    ctx.assert_no_violations();
}

#[tokio::test]
async fn same_seed_gives_same_employees() {
    let a = Ctx::start(small()).await;
    let b = Ctx::start(small()).await;
    let c = Ctx::start(small().seed(6)).await;
    let body = json!({"limit": 50, "include": ["current_skills", "related_skills", "rejected_skills", "sources"]});
    let (ta, tb, tc) = (a.token().await, b.token().await, c.token().await);
    assert_eq!(ta, tb, "tokens are seeded too");
    let (pa, pb, pc) = (
        a.export(&ta, &body).await,
        b.export(&tb, &body).await,
        c.export(&tc, &body).await,
    );
    assert_eq!(pa.text, pb.text);
    assert_ne!(pa.text, pc.text);
}

fn external_ids(records: &[Value]) -> Vec<String> {
    records
        .iter()
        .map(|r| r["external_id"].as_str().expect("external_id").to_owned())
        .collect()
}

#[tokio::test]
async fn edits_show_in_the_next_export() {
    let ctx = Ctx::start(small()).await;
    let techwolf = ctx.server.techwolf();
    let token = ctx.token().await;
    let every_part = json!({"limit": 7, "include": ["current_skills", "related_skills", "rejected_skills", "sources"]});
    let before = ctx.export_all(&token, &every_part).await;
    let before_ids = external_ids(&before);
    assert_eq!(before_ids.len(), 60);
    let (removed, changed) = (before_ids[10].clone(), before_ids[20].clone());
    let changed_before = techwolf.employee_by_id(&changed).expect("employee");

    assert!(techwolf.remove_employee(&removed));
    assert!(!techwolf.remove_employee(&removed), "removed already");
    assert!(!techwolf.change_employee(&removed), "a removed employee cannot change");
    assert!(!techwolf.remove_employee("not-an-employee"));
    assert!(techwolf.change_employee(&changed));
    techwolf.add_employees(3);
    assert_eq!(techwolf.employees_count(), 62);
    assert_eq!(techwolf.employee_by_id(&removed), None);

    // The next snapshot: the removed employee gone, the changed one changed, three new at the end.
    let after = ctx.export_all(&token, &every_part).await;
    let after_ids = external_ids(&after);
    let view_ids: Vec<String> = techwolf.employees().map(|e| e.external_id).collect();
    assert_eq!(after_ids, view_ids);
    assert_eq!(after_ids.len() as u64, techwolf.employees_count());
    let kept: Vec<&String> = before_ids.iter().filter(|id| **id != removed).collect();
    assert_eq!(after_ids[..59].iter().collect::<Vec<_>>(), kept);
    let added = &after_ids[59..];
    assert!(added.iter().all(|id| !before_ids.contains(id)));
    let changed_now = techwolf.employee_by_id(&changed).expect("employee");
    assert_ne!(changed_now.skill_clusters, changed_before.skill_clusters);
    assert!(changed_now.last_updated > changed_before.last_updated);
    let record = |records: &[Value], id: &str| {
        records
            .iter()
            .find(|r| r["external_id"] == id)
            .cloned()
            .expect("exported")
    };
    assert_ne!(record(&before, &changed), record(&after, &changed));
    assert_eq!(
        record(&after, &changed),
        serde_json::to_value(&changed_now).expect("json"),
        "the export serves the view's record"
    );
    for (old, new) in before.iter().zip(&after).take(10) {
        assert_eq!(old, new, "the others stay as they were");
    }

    // A checkpoint naming the removed employee continues after its place.
    let resumed = ctx
        .export(&token, &json!({"limit": 2, "starting_after": removed}))
        .await;
    assert_eq!(resumed.status, 200, "{}", resumed.text);
    assert_eq!(
        external_ids(resumed.json()["records"].as_array().expect("records")),
        before_ids[11..13]
    );
    // One by one, paging steps over the removed employee without a gap or a repeat.
    assert_eq!(
        external_ids(&ctx.export_all(&token, &json!({"limit": 1})).await),
        after_ids
    );

    // Filters see the edits: what changed and what was added carry the latest dates.
    let employees: Vec<_> = techwolf.employees().collect();
    for active in [true, false] {
        let got = ctx
            .export_all(
                &token,
                &json!({"limit": 9, "filters": [{"filter": "is_active", "is_active": active}]}),
            )
            .await;
        let want: Vec<String> = employees
            .iter()
            .filter(|e| e.is_active == active)
            .map(|e| e.external_id.clone())
            .collect();
        assert_eq!(external_ids(&got), want);
    }
    let day_before = (chrono::NaiveDate::parse_from_str(&changed_now.last_updated, "%Y-%m-%d").expect("date")
        - chrono::Days::new(1))
    .to_string();
    let recent = ctx
        .export_all(
            &token,
            &json!({"limit": 100, "filters": [{"filter": "last_updated", "value": day_before, "operator": "gt"}]}),
        )
        .await;
    let want: Vec<String> = employees
        .iter()
        .filter(|e| e.last_updated > day_before)
        .map(|e| e.external_id.clone())
        .collect();
    assert_eq!(external_ids(&recent), want);
    assert!(
        want.contains(&changed) && added.iter().all(|id| want.contains(id)),
        "{want:?}"
    );
    ctx.assert_no_violations();
}

#[tokio::test]
async fn spec_drift_adds_an_undeclared_property_and_an_unknown_validation_state() {
    let ctx = Ctx::start(small()).await;
    let token = ctx.token().await;
    let body = json!({"limit": 5});
    let clean = ctx.export(&token, &body).await.json();
    ctx.server.set_faults(
        skillbridge_mock::Route::TECHWOLF_EXPORT,
        [skillbridge_mock::Fault::SpecDrift.first(1)],
    );
    let drifted = ctx.export(&token, &body).await.json();
    let clusters = |page: &Value| -> Vec<Value> {
        page["records"]
            .as_array()
            .expect("records")
            .iter()
            .flat_map(|r| r["skill_clusters"].as_array().cloned().unwrap_or_default())
            .collect()
    };
    assert!(!clusters(&drifted).is_empty());
    for cluster in clusters(&drifted) {
        assert_eq!(cluster["trend"], "rising", "{cluster}");
        assert_eq!(cluster["validation_state"], "auto_validated", "{cluster}");
    }
    assert!(clusters(&clean).iter().all(|c| c.get("trend").is_none()));
    // Only the first request drifted; the rest of the page is the same employees.
    let again = ctx.export(&token, &body).await.json();
    assert_eq!(again, clean);
    assert_eq!(drifted["records"].as_array().map(Vec::len), Some(5));
    // JSON Schema allows both additions: the mock's own contract check passes.
    ctx.assert_no_violations();
}

/// The module docs promise about 85% of employees active: the filter has both kinds to tell apart.
#[tokio::test]
async fn about_85_percent_of_employees_are_active() {
    let server = MockServer::builder()
        .seed(5)
        .employees(400)
        .start()
        .await
        .expect("mock starts");
    let active = (0..server.techwolf().employees_count())
        .filter_map(|i| server.techwolf().employee(i))
        .filter(|e| e.is_active)
        .count();
    assert!((300..=380).contains(&active), "{active} of 400 active");
}
