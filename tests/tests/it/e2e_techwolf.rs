//! End to end: the `skillbridge` TechWolf client (OAuth2 client credentials, skill-cluster export)
//! against the embedded mock server, over real HTTP on 127.0.0.1. Every export is compared field by
//! field with the mock's own employees, so a record lost, repeated, altered or let through a filter
//! fails the test; every injected fault is either recovered from (and the export is still complete)
//! or reported as the typed error the crate documents.

use crate::common;

use common::{
    HANG_TIMEOUT, assert_no_violations, fast_retries, start, techwolf_builder as configured, techwolf_client as client,
};
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use chrono::NaiveDate;
use futures::{StreamExt, TryStreamExt};
use skillbridge::Error;
use skillbridge::techwolf::{
    EmployeeSkillClusters, ExportEmployeeSkillClusters, Filter, Include, Skill as TwSkill, TechWolf, TechWolfBuilder,
};
use skillbridge_mock::{Employee, Fault, FaultRule, MockServer, MockServerBuilder, NextStartingAfter, Route, Skill};

const SEED: u64 = 7;
/// 47 employees at 10 a page: five pages, the last one short.
const EMPLOYEES: u64 = 47;
const LIMIT: u32 = 10;
const PAGES: u64 = 5;
const EXPORT_OPERATION: &str = "export_employee_skill_clusters";

/// Which mock employees a filter keeps (the oracle).
type Keep = Box<dyn Fn(&Employee) -> bool>;

fn builder() -> MockServerBuilder {
    MockServer::builder()
        .seed(SEED)
        .employees(EMPLOYEES)
        .contract_checks(true)
}

fn employees(server: &MockServer) -> Vec<Employee> {
    (0..server.techwolf().employees_count())
        .map(|i| server.techwolf().employee(i).expect("index below the count"))
        .collect()
}

fn skill_matches(got: &TwSkill, want: &Skill) -> bool {
    got.name == want.name
        && got.skill_id.to_string() == want.skill_id
        && got.validation_state.as_ref().map(|s| s.as_str()) == Some(want.validation_state.as_str())
        && got
            .skill_sources
            .iter()
            .map(|s| s.as_str())
            .eq(want.skill_sources.iter().map(String::as_str))
}

fn skills_match(got: Option<&Vec<TwSkill>>, want: &[Skill], included: bool) -> bool {
    match got {
        None => !included,
        Some(got) => included && got.len() == want.len() && got.iter().zip(want).all(|(g, w)| skill_matches(g, w)),
    }
}

/// Compares one exported employee with the mock's, every field, lists by `include`.
fn assert_employee(got: &EmployeeSkillClusters, want: &Employee, include: &BTreeSet<Include>, context: &str) {
    assert_eq!(got.external_id, want.external_id, "{context}");
    assert_eq!(
        got.skill_clusters.len(),
        want.skill_clusters.len(),
        "{context}: {}",
        want.external_id
    );
    for (g, w) in got.skill_clusters.iter().zip(&want.skill_clusters) {
        let at = format!("{context}: {} cluster {}", want.external_id, w.skill_cluster_name);
        assert_eq!(g.skill_cluster_id.to_string(), w.skill_cluster_id, "{at}");
        assert_eq!(g.skill_cluster_name, w.skill_cluster_name, "{at}");
        assert_eq!(g.domain_name, w.domain_name, "{at}");
        assert_eq!(g.proficiency_level, i64::from(w.proficiency_level), "{at}");
        assert_eq!(
            g.validation_state.as_ref().map(|s| s.as_str()),
            w.validation_state.as_deref(),
            "{at}"
        );
        let lists = [
            (
                "current_skills",
                &g.current_skills,
                &w.current_skills,
                Include::CurrentSkills,
            ),
            (
                "related_skills",
                &g.related_skills,
                &w.related_skills,
                Include::RelatedSkills,
            ),
            (
                "rejected_skills",
                &g.rejected_skills,
                &w.rejected_skills,
                Include::RejectedSkills,
            ),
        ];
        for (name, got, want, list) in lists {
            assert!(
                skills_match(got.as_ref(), want, include.contains(&list)),
                "{at}: {name} {got:?} vs {want:?}"
            );
        }
        let sources = g
            .sources
            .as_ref()
            .map(|s| s.iter().map(|x| x.as_str().to_owned()).collect::<Vec<_>>());
        let want_sources = include.contains(&Include::Sources).then(|| w.sources.clone());
        assert_eq!(sources, want_sources, "{at}: sources");
    }
}

/// Fails on a repeated or lost employee first (clearer than a field diff), then compares each.
fn assert_same_employees(got: &[EmployeeSkillClusters], want: &[Employee], include: &BTreeSet<Include>, context: &str) {
    let mut seen = BTreeSet::new();
    let repeated: Vec<_> = got
        .iter()
        .filter(|e| !seen.insert(e.external_id.clone()))
        .map(|e| &e.external_id)
        .collect();
    assert!(repeated.is_empty(), "{context}: repeated {repeated:?}");
    let lost: Vec<_> = want
        .iter()
        .filter(|e| !seen.contains(e.external_id.as_str()))
        .map(|e| &e.external_id)
        .collect();
    assert!(lost.is_empty(), "{context}: lost {lost:?}");
    assert_eq!(got.len(), want.len(), "{context}: employee count");
    for (g, w) in got.iter().zip(want) {
        assert_employee(g, w, include, context);
    }
}

async fn export_all(export: ExportEmployeeSkillClusters) -> Result<Vec<EmployeeSkillClusters>, Error> {
    export.items().try_collect().await
}

fn include_sets() -> Vec<BTreeSet<Include>> {
    let mut sets = vec![BTreeSet::new()];
    sets.extend(Include::all().iter().map(|i| BTreeSet::from([*i])));
    sets.push(Include::all().iter().copied().collect());
    sets
}

const MODES: [NextStartingAfter; 3] = [
    NextStartingAfter::Present,
    NextStartingAfter::Absent,
    NextStartingAfter::Alternating,
];

// ---------------------------------------------------------------------------------------------
// Full export

#[tokio::test]
async fn export_with_each_include_and_each_continuation_mode_matches_the_mock() {
    let server = start(builder()).await;
    let techwolf = client(&server);
    let want = employees(&server);
    assert!(
        want.iter().any(|e| e.skill_clusters.is_empty()) && want.iter().any(|e| e.skill_clusters.len() >= 3),
        "the seed should give employees without clusters and with several"
    );
    for mode in MODES {
        server.techwolf().set_next_starting_after(mode);
        for include in include_sets() {
            let context = format!("{mode:?} include {include:?}");
            let before = server.request_count(Route::TECHWOLF_EXPORT);
            let got = export_all(techwolf.employee_skill_clusters().include(include.clone()).limit(LIMIT))
                .await
                .unwrap_or_else(|e| panic!("{context}: {e}"));
            assert_same_employees(&got, &want, &include, &context);
            assert_eq!(
                server.request_count(Route::TECHWOLF_EXPORT) - before,
                PAGES,
                "{context}: one request a page"
            );
        }
    }
    // The whole run used one token and never retried.
    assert_eq!(server.techwolf().token_requests(), 1);
    assert_eq!(techwolf.stats().retries, 0);
    assert_no_violations(&server);
}

#[tokio::test]
async fn export_with_every_filter_matches_the_mock() {
    let server = start(builder()).await;
    let techwolf = client(&server);
    let all = employees(&server);
    let day = |e: &Employee| NaiveDate::parse_from_str(&e.last_updated, "%Y-%m-%d").expect("mock date");
    let mut days: Vec<NaiveDate> = all.iter().map(day).collect();
    days.sort();
    // A day some employee was updated on: the comparison is strict, so that employee is excluded.
    let mid = days[days.len() / 2];
    let late = days[days.len() * 3 / 4];
    let include: BTreeSet<Include> = [Include::CurrentSkills].into();
    let cases: Vec<(&str, Vec<Filter>, Keep)> = vec![
        ("active", vec![Filter::IsActive(true)], Box::new(|e| e.is_active)),
        ("inactive", vec![Filter::IsActive(false)], Box::new(|e| !e.is_active)),
        (
            "updated after",
            vec![Filter::UpdatedAfter(mid)],
            Box::new(move |e| day(e) > mid),
        ),
        (
            "updated before",
            vec![Filter::UpdatedBefore(mid)],
            Box::new(move |e| day(e) < mid),
        ),
        (
            "active, within a window",
            vec![
                Filter::IsActive(true),
                Filter::UpdatedAfter(mid),
                Filter::UpdatedBefore(late),
            ],
            Box::new(move |e| e.is_active && day(e) > mid && day(e) < late),
        ),
    ];
    for (name, filters, keep) in cases {
        let want: Vec<Employee> = all.iter().filter(|e| keep(e)).cloned().collect();
        assert!(
            !want.is_empty() && want.len() < all.len(),
            "{name}: the filter must narrow ({})",
            want.len()
        );
        let got = export_all(
            techwolf
                .employee_skill_clusters()
                .filters(filters)
                .include(include.clone())
                .limit(4),
        )
        .await
        .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_same_employees(&got, &want, &include, name);
    }
    assert_no_violations(&server);
}

// ---------------------------------------------------------------------------------------------
// Faults on the export

fn error(status: u16) -> Fault {
    Fault::Error {
        status,
        code: None,
        message: "Injected.".to_owned(),
    }
}

/// Exports everything with `rule` on the export route: the export must be complete and exact, each
/// fault costing exactly one retry.
async fn assert_export_recovers(name: &str, rule: FaultRule, timeout: Duration) -> MockServer {
    let server = start(builder().fault(Route::TECHWOLF_EXPORT, rule)).await;
    let techwolf = configured(&server).timeout(timeout).build().unwrap();
    let include: BTreeSet<Include> = Include::all().iter().copied().collect();
    let got = export_all(techwolf.employee_skill_clusters().include(include.clone()).limit(LIMIT))
        .await
        .unwrap_or_else(|e| panic!("{name}: not recovered: {e}"));
    assert_same_employees(&got, &employees(&server), &include, name);
    // Counted on arrival: the request log misses requests whose client gave up during a delay.
    let faults = server.request_count(Route::TECHWOLF_EXPORT) - PAGES;
    assert!(faults > 0, "{name}: the fault fired");
    let stats = techwolf.stats();
    assert_eq!(stats.retries, faults, "{name}: one retry per fault");
    assert_eq!(stats.requests, server.request_count(Route::TECHWOLF_EXPORT), "{name}");
    assert_no_violations(&server);
    server
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn export_recovers_from_every_transient_fault_without_losing_or_repeating_records() {
    let normal = Duration::from_secs(5);
    for (name, rule, timeout) in [
        ("rate limit", Fault::rate_limit().every(3), normal),
        ("503 with an HTML body", Fault::ServiceUnavailable.every(3), normal),
        ("500 error array", error(500).every(2), normal),
        ("429 error array", error(429).every(3), normal),
        ("dropped connection", Fault::DropConnection.every(3), normal),
        ("body cut off mid-transfer", Fault::IncompleteBody.every(3), normal),
        (
            "delay over the timeout",
            Fault::Delay(Duration::from_secs(3_600)).first(2),
            HANG_TIMEOUT,
        ),
    ] {
        let server = assert_export_recovers(name, rule, timeout).await;
        assert_eq!(
            server.techwolf().token_requests(),
            1,
            "{name}: no fault here needs a new token"
        );
    }
}

#[tokio::test]
async fn early_token_expiry_refreshes_the_token_once_per_expiry() {
    let server = assert_export_recovers("tokens revoked", Fault::ExpireTokens.every(3), Duration::from_secs(5)).await;
    let expiries = server.request_count(Route::TECHWOLF_EXPORT) - PAGES;
    assert_eq!(
        server.techwolf().token_requests(),
        1 + expiries,
        "one fetch, then one refresh per expiry"
    );
    let refused = server
        .request_log()
        .iter()
        .filter(|r| r.route == Some(Route::TECHWOLF_EXPORT) && r.status == Some(401))
        .count() as u64;
    assert_eq!(refused, expiries);
}

#[tokio::test]
async fn tokens_revoked_between_pages_are_refreshed_once() {
    let server = start(builder()).await;
    let techwolf = client(&server);
    // The test acts between pages: each page is fetched when asked for, none ahead.
    let mut pages = techwolf.employee_skill_clusters().limit(LIMIT).read_ahead(0).pages();
    let mut got = Vec::new();
    let mut page_number = 0;
    while let Some(page) = pages.next().await {
        got.extend(page.expect("page").records);
        page_number += 1;
        if page_number == 2 {
            server.techwolf().revoke_tokens();
        }
        assert!(page_number <= PAGES, "more pages than the data has");
    }
    assert_same_employees(&got, &employees(&server), &BTreeSet::new(), "revoked between pages");
    assert_eq!(server.techwolf().token_requests(), 2);
    assert_eq!(techwolf.token_fetches(), 2);
    assert_eq!(
        server.request_count(Route::TECHWOLF_EXPORT),
        PAGES + 1,
        "one refused request, retried once"
    );
    assert_no_violations(&server);
}

/// Exports one page, which must fail with an auth error of `status`; the error.
async fn export_refused(techwolf: &TechWolf, status: u16, why: &str) -> Error {
    let error = techwolf.employee_skill_clusters().send().await.expect_err(why);
    assert!(error.is_auth(), "{why}: {error:?}");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(status), "{why}");
    error
}

#[tokio::test]
async fn a_token_refused_again_after_the_refresh_is_an_auth_error() {
    // Every request revokes every token first: the refreshed token is refused too.
    let server = start(builder().fault(Route::TECHWOLF_EXPORT, Fault::ExpireTokens)).await;
    let techwolf = client(&server);
    let error = export_refused(&techwolf, 401, "refused twice").await;
    assert!(!error.is_retryable());
    assert_eq!(
        server.techwolf().token_requests(),
        2,
        "the token is refreshed once, not in a loop"
    );
    assert_eq!(server.request_count(Route::TECHWOLF_EXPORT), 2);
    assert_no_violations(&server);
}

/// An export that fails on its third page: the first two pages arrived intact, the error is the
/// expected kind after the expected number of attempts, the stream ends, and a fresh export starting
/// after the last employee received delivers exactly the rest.
async fn assert_export_fails_then_resumes(
    name: &str,
    fault: Fault,
    timeout: Duration,
    check: impl Fn(&Error) -> bool,
    attempts_on_failing_page: u64,
) {
    let server = start(builder()).await;
    let techwolf = configured(&server)
        .timeout(timeout)
        .retry_policy(fast_retries().max_attempts(3))
        .build()
        .unwrap();
    let want = employees(&server);
    let none = BTreeSet::new();
    // The test acts between pages: each page is fetched when asked for, none ahead.
    let mut pages = techwolf.employee_skill_clusters().limit(LIMIT).read_ahead(0).pages();
    let mut got = Vec::new();
    for _ in 0..2 {
        got.extend(pages.next().await.expect("a page").expect("no fault yet").records);
    }
    server.set_faults(Route::TECHWOLF_EXPORT, [fault.always()]);
    let before = server.request_count(Route::TECHWOLF_EXPORT);
    let error = pages.next().await.expect("an item").expect_err("the third page fails");
    assert!(check(&error), "{name}: unexpected error {error:?}");
    assert_eq!(
        server.request_count(Route::TECHWOLF_EXPORT) - before,
        attempts_on_failing_page,
        "{name}: attempts"
    );
    assert!(pages.next().await.is_none(), "{name}: the stream ends after an error");
    assert_same_employees(&got, &want[..20], &none, &format!("{name}: before the error"));

    server.clear_faults();
    let last = got.last().expect("records").external_id.clone();
    let rest = export_all(techwolf.employee_skill_clusters().limit(LIMIT).starting_after(last))
        .await
        .expect("resumed");
    got.extend(rest);
    assert_same_employees(&got, &want, &none, &format!("{name}: resumed"));
    assert_no_violations(&server);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn export_faults_that_cannot_be_recovered_are_typed_errors_and_the_export_resumes() {
    let normal = Duration::from_secs(5);
    // A damaged 200 body is not retried (the crate documents decode errors as not retryable).
    let decode = |e: &Error| {
        matches!(e, Error::Decode { status, operation: EXPORT_OPERATION, .. } if status.as_u16() == 200)
            && !e.is_retryable()
    };
    assert_export_fails_then_resumes("truncated json", Fault::TruncatedJson, normal, decode, 1).await;
    assert_export_fails_then_resumes("malformed json", Fault::MalformedJson, normal, decode, 1).await;
    assert_export_fails_then_resumes(
        "timeout forever",
        Fault::Delay(Duration::from_secs(3_600)),
        HANG_TIMEOUT,
        |e| {
            matches!(
                e,
                Error::Timeout {
                    operation: EXPORT_OPERATION
                }
            )
        },
        3,
    )
    .await;
    assert_export_fails_then_resumes(
        "dropped forever",
        Fault::DropConnection,
        normal,
        |e| {
            matches!(
                e,
                Error::Transport {
                    connect: false,
                    operation: EXPORT_OPERATION,
                    ..
                }
            )
        },
        3,
    )
    .await;
    assert_export_fails_then_resumes(
        "rate limit forever",
        Fault::rate_limit(),
        normal,
        |e| e.status().map(|s| s.as_u16()) == Some(429) && e.retry_after() == Some(Duration::ZERO),
        3,
    )
    .await;
    assert_export_fails_then_resumes(
        "400 is not retried",
        error(400),
        normal,
        |e| {
            use skillbridge::techwolf::TechWolfErrorExt as _;
            e.techwolf().is_some_and(|t| t.errors.len() == 1) && !e.is_retryable()
        },
        1,
    )
    .await;
}

// ---------------------------------------------------------------------------------------------
// The token endpoint

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn token_endpoint_faults_are_retried_and_the_export_completes() {
    let normal = Duration::from_secs(5);
    for (name, rule, timeout) in [
        ("rate limit", Fault::rate_limit().first(2), normal),
        ("503 with an HTML body", Fault::ServiceUnavailable.first(2), normal),
        ("dropped connection", Fault::DropConnection.first(1), normal),
        ("body cut off mid-transfer", Fault::IncompleteBody.first(1), normal),
        (
            "delay over the timeout",
            Fault::Delay(Duration::from_secs(3_600)).first(1),
            HANG_TIMEOUT,
        ),
    ] {
        let server = start(builder().fault(Route::TECHWOLF_TOKEN, rule)).await;
        let techwolf = configured(&server).timeout(timeout).build().unwrap();
        let got = export_all(techwolf.employee_skill_clusters().limit(LIMIT))
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_same_employees(&got, &employees(&server), &BTreeSet::new(), name);
        let failed_fetches = server.techwolf().token_requests() - 1;
        assert!(failed_fetches > 0, "{name}: the fault fired");
        assert_eq!(techwolf.token_fetches(), 1, "{name}: one token in the end");
        // A failed token fetch fails its export attempt, which is retried.
        assert_eq!(techwolf.stats().retries, failed_fetches, "{name}");
        assert_eq!(
            server.request_count(Route::TECHWOLF_EXPORT),
            PAGES,
            "{name}: no export without a token"
        );
        assert_no_violations(&server);
    }
}

#[tokio::test]
async fn a_damaged_token_response_is_an_auth_error() {
    for fault in [Fault::TruncatedJson, Fault::MalformedJson] {
        let server = start(builder().fault(Route::TECHWOLF_TOKEN, fault.clone())).await;
        let techwolf = client(&server);
        let error = techwolf.employee_skill_clusters().send().await.expect_err("no token");
        let Error::Auth(auth) = &error else {
            panic!("{fault:?}: {error:?}")
        };
        assert_eq!(auth.operation, "oauth_token");
        assert!(!error.is_retryable());
        assert_eq!(server.techwolf().token_requests(), 1, "{fault:?}: not retried");
        assert_eq!(server.request_count(Route::TECHWOLF_EXPORT), 0);
        assert_no_violations(&server);
    }
}

#[tokio::test]
async fn wrong_credentials_are_typed_auth_errors_without_secrets() {
    let server = start(builder()).await;
    let secret = "cs_wrong_SECRET_do_not_show";
    let cases: Vec<(&str, TechWolfBuilder, u16)> = vec![
        (
            "wrong client id",
            configured(&server).client_credentials("twmock_nobody", server.techwolf().client_secret().to_owned()),
            401,
        ),
        (
            "wrong secret",
            configured(&server).client_credentials(server.techwolf().client_id(), secret.to_owned()),
            401,
        ),
        ("wrong audience", configured(&server).audience("us3.techwolf.ai"), 403),
        ("wrong tenant", configured(&server).tenant("globex"), 403),
        ("unknown scope", configured(&server).scopes(["admin"]), 403),
    ];
    for (name, builder, status) in cases {
        let before = server.techwolf().token_requests();
        let techwolf = builder.build().unwrap();
        let error = techwolf.employee_skill_clusters().send().await.expect_err(name);
        let Error::Auth(auth) = &error else {
            panic!("{name}: {error:?}")
        };
        assert_eq!(auth.operation, "oauth_token", "{name}");
        assert_eq!(error.status().map(|s| s.as_u16()), Some(status), "{name}: {error}");
        // The OAuth `error` is kept (it was dropped before): the one field a program can match on.
        assert_eq!(auth.code(), Some("access_denied"), "{name}: {error:?}");
        assert_eq!(error.code(), Some("access_denied"), "{name}");
        assert!(!error.is_retryable(), "{name}");
        assert_eq!(server.techwolf().token_requests() - before, 1, "{name}: not retried");
        for text in [error.to_string(), format!("{error:?}"), format!("{techwolf:?}")] {
            assert!(
                !text.contains(secret) && !text.contains(server.techwolf().client_secret()),
                "{name}: secret shown: {text}"
            );
        }
    }
    // A token without the `read` scope: the export refuses it (403), which no refresh can fix.
    let techwolf = configured(&server).scopes(["write"]).build().unwrap();
    export_refused(&techwolf, 403, "no read scope").await;
    assert_eq!(techwolf.token_fetches(), 1, "a 403 is not a reason to refresh");
    assert_eq!(techwolf.stats().requests, 1);
    assert_eq!(
        server.request_count(Route::TECHWOLF_EXPORT),
        1,
        "only the scope case reached the export"
    );
    assert_no_violations(&server);
}

// ---------------------------------------------------------------------------------------------
// Restarting an export

/// Every page by hand with `send()` and `starting_after(...)`: (external ids, where the next page starts).
async fn pages_by_hand(techwolf: &TechWolf) -> Vec<(Vec<EmployeeSkillClusters>, Option<String>)> {
    let mut pages = Vec::new();
    let mut start: Option<String> = None;
    for _ in 0..=EMPLOYEES {
        let mut export = techwolf.employee_skill_clusters().limit(LIMIT);
        if let Some(s) = &start {
            export = export.starting_after(s);
        }
        let page = export.send().await.expect("page");
        // The documented continuation: `next_starting_after`, else the last record's id.
        start = page
            .has_next
            .then(|| {
                page.next_starting_after
                    .clone()
                    .or_else(|| page.records.last().map(|r| r.external_id.to_string()))
            })
            .flatten();
        let done = !page.has_next;
        pages.push((page.records, start.clone()));
        if done {
            return pages;
        }
    }
    panic!("the export did not end");
}

#[tokio::test]
async fn an_export_restarts_from_any_page_in_every_continuation_mode() {
    let server = start(builder()).await;
    let techwolf = client(&server);
    let want = employees(&server);
    let none = BTreeSet::new();
    let mut continuations = BTreeMap::new();
    for mode in MODES {
        server.techwolf().set_next_starting_after(mode);
        let pages = pages_by_hand(&techwolf).await;
        assert_eq!(pages.len() as u64, PAGES, "{mode:?}");
        let full: Vec<_> = pages.iter().flat_map(|(records, _)| records.clone()).collect();
        assert_same_employees(&full, &want, &none, &format!("{mode:?} page by page"));
        let mut consumed = 0;
        for (k, (records, next)) in pages.iter().enumerate() {
            consumed += records.len();
            let Some(next) = next else { break };
            // A fresh client (and token) and another page size.
            let fresh = client(&server);
            let rest = export_all(fresh.employee_skill_clusters().limit(7).starting_after(next))
                .await
                .unwrap_or_else(|e| panic!("{mode:?} restart after page {k}: {e}"));
            assert_same_employees(
                &rest,
                &want[consumed..],
                &none,
                &format!("{mode:?} restart after page {k}"),
            );
            continuations.insert(consumed, next.clone());
        }
    }
    // Continuations are employee ids: they stay valid on a restarted server with the same seed.
    drop(server);
    let server = start(builder()).await;
    let techwolf = client(&server);
    for (consumed, next) in continuations {
        let rest = export_all(techwolf.employee_skill_clusters().limit(LIMIT).starting_after(&next))
            .await
            .unwrap();
        assert_same_employees(
            &rest,
            &want[consumed..],
            &none,
            &format!("restarted server after {consumed}"),
        );
    }
    assert_no_violations(&server);
}
