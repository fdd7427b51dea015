//! Drift observation (feature `observe`) over real HTTP against the embedded mock server: the
//! mock's `SpecDrift` fault adds what TechWolf might add without announcing it, and the observer
//! reports exactly that, at the right JSON pointers; a conforming mock gives no event.

use crate::common;

use std::sync::{Arc, Mutex, PoisonError};

use futures::TryStreamExt;
use skillbridge::kombo::Kombo;
use skillbridge::observe::{DriftEvent, DriftRule, ObserveConfig};
use skillbridge::techwolf::{Include, TechWolf};
use skillbridge_mock::{Fault, MockServer, Route};

/// Every event the callback receives.
#[derive(Clone, Default)]
struct Events(Arc<Mutex<Vec<DriftEvent>>>);

impl Events {
    /// Checks every response (sample rate 1.0) and records its events.
    fn config(&self) -> ObserveConfig {
        let sink = Arc::clone(&self.0);
        ObserveConfig::sampled(1.0).callback(move |event| sink.lock().unwrap().push(event.clone()))
    }

    fn take(&self) -> Vec<DriftEvent> {
        std::mem::take(&mut *self.0.lock().unwrap())
    }
}

async fn mock() -> MockServer {
    MockServer::builder()
        .seed(3)
        .employees(120)
        .start()
        .await
        .expect("mock server starts")
}

fn techwolf(mock: &MockServer, events: &Events) -> TechWolf {
    TechWolf::builder()
        .base_url(mock.techwolf().base_url())
        .token_url(mock.techwolf().token_url())
        .tenant(mock.techwolf().tenant())
        .audience(mock.techwolf().audience())
        .client_credentials(mock.techwolf().client_id(), mock.techwolf().client_secret().to_owned())
        .observe(events.config())
        .build()
        .expect("valid configuration")
}

#[tokio::test]
async fn the_observer_reports_what_the_mock_adds_to_a_techwolf_export() {
    let mock = mock().await;
    let events = Events::default();
    let client = techwolf(&mock, &events);

    // A conforming export, every include and several pages: nothing to report.
    let all = client
        .employee_skill_clusters()
        .include(Include::all())
        .limit(50)
        .items()
        .try_collect::<Vec<_>>()
        .await
        .expect("export");
    assert_eq!(all.len(), 120);
    assert_eq!(events.take(), []);

    // One drifted page: an undeclared `trend` and an unknown `validation_state` on every
    // cluster, reported once each, at the first cluster.
    mock.set_faults(Route::TECHWOLF_EXPORT, [Fault::SpecDrift.first(1)]);
    let page = client.employee_skill_clusters().limit(20).send().await.expect("page");
    let record = page
        .records
        .iter()
        .position(|r| !r.skill_clusters.is_empty())
        .expect("an employee with clusters");
    let taken = events.take();
    let found: Vec<(DriftRule, &str, &str)> = taken
        .iter()
        .map(|e| (e.rule, e.pointer.as_str(), e.location.as_str()))
        .collect();
    let trend = format!("/records/{record}/skill_clusters/0/trend");
    let state = format!("/records/{record}/skill_clusters/0/validation_state");
    assert_eq!(
        found,
        [
            (
                DriftRule::PropertyAdded,
                trend.as_str(),
                "records[].skill_clusters[].trend"
            ),
            (
                DriftRule::EnumValueAdded,
                state.as_str(),
                "records[].skill_clusters[].validation_state"
            ),
        ],
        "{taken:#?}"
    );
    for event in &taken {
        assert_eq!(event.operation, "export_employee_skill_clusters");
        assert_eq!(
            (event.method.as_str(), event.path.as_str()),
            ("POST", "/export/employees/skill_clusters")
        );
        assert_eq!(event.status, 200);
        assert_eq!(event.api, "techwolf");
        // The values the mock sent are not in the event.
        let line = serde_json::to_string(event).expect("serializes");
        assert!(!line.contains("rising") && !line.contains("auto_validated"), "{line}");
    }
    // The client decoded the page anyway (the enum is open, the property ignored).
    assert_eq!(page.records.len(), 20);

    // The fault fired once: the next page conforms again.
    client.employee_skill_clusters().limit(20).send().await.expect("page");
    assert_eq!(events.take(), []);
}

/// Each finding is also a `tracing` event under the `skillbridge::observe` target (additions at
/// INFO), with the fields the module documents and no value from the response.
#[tokio::test]
async fn findings_are_tracing_events_too() {
    let mock = mock().await;
    let recorder = common::recorder::Recorder::default();
    let _guard = tracing::subscriber::set_default(recorder.clone());
    let client = techwolf(&mock, &Events::default());
    mock.set_faults(Route::TECHWOLF_EXPORT, [Fault::SpecDrift.first(1)]);
    client.employee_skill_clusters().limit(20).send().await.expect("page");

    let events = recorder.events.lock().unwrap_or_else(PoisonError::into_inner).clone();
    let drift: Vec<_> = events
        .iter()
        .filter(|e| e.get("@target").is_some_and(|t| t == "skillbridge::observe"))
        .collect();
    let rules: Vec<&str> = drift.iter().filter_map(|e| e.get("rule").map(String::as_str)).collect();
    assert_eq!(
        rules,
        ["response-property-added", "response-property-enum-value-added"],
        "{events:#?}"
    );
    for event in &drift {
        assert_eq!(event.get("@level").map(String::as_str), Some("INFO"), "{event:?}");
        assert_eq!(event.get("api").map(String::as_str), Some("techwolf"));
        assert_eq!(
            event.get("operation").map(String::as_str),
            Some("export_employee_skill_clusters")
        );
        assert_eq!(event.get("status").map(String::as_str), Some("200"));
        assert!(
            event.get("pointer").is_some_and(|p| p.starts_with("/records/")),
            "{event:?}"
        );
        assert!(
            event
                .get("location")
                .is_some_and(|l| l.starts_with("records[].skill_clusters[].")),
            "{event:?}"
        );
        assert!(
            event.get("message").is_some_and(|m| m.starts_with("response drift: ")),
            "{event:?}"
        );
    }
    let everything = format!("{drift:?}");
    assert!(
        !everything.contains("rising") && !everything.contains("auto_validated"),
        "{everything}"
    );
}

#[tokio::test]
async fn a_conforming_kombo_listing_reports_nothing() {
    let mock = mock().await;
    let events = Events::default();
    let kombo = Kombo::builder()
        .api_key(mock.kombo().api_key())
        .base_url(mock.kombo().base_url())
        .observe(events.config())
        .build()
        .expect("valid configuration");
    let skills = kombo
        .integration(mock.kombo().integration_id())
        .expect("valid integration id")
        .staffing_entity_skills()
        .items()
        .try_collect::<Vec<_>>()
        .await
        .expect("listing");
    assert!(!skills.is_empty());
    assert_eq!(events.take(), []);
}
