//! Input validation: what is refused before any request.

use std::sync::Arc;

use futures::StreamExt;
use skillbridge::Error;
use skillbridge::kombo::SkillExpectation;
use skillbridge::retry::RetryPolicy;
use skillbridge::techwolf::TechWolf;

use crate::common::{RecordingSleeper, empty_page, hris, kombo_client, received};

#[tokio::test]
async fn ids_with_control_characters_and_an_empty_cursor_send_nothing() {
    let server = crate::common::answering_exactly(empty_page(), 0).await;
    let sleeper = Arc::new(RecordingSleeper::default());
    let client = kombo_client(&server, &sleeper, RetryPolicy::never());
    let hris = hris(&client);
    for (entity, skill, field) in [
        ("entity\u{0}", "skill", "staffing_entity_id"),
        ("entity", "skill\n", "skill_id"),
        ("ent\u{7f}ity", "skill", "staffing_entity_id"),
        ("entity", "\u{1b}[31mskill", "skill_id"),
    ] {
        let error = hris
            .upsert_staffing_entity_skill(SkillExpectation::new(entity, skill))
            .await
            .expect_err("rejected");
        match error {
            Error::InvalidInput { field: got, reason } => {
                assert_eq!(got, field, "{entity:?} {skill:?}");
                assert!(reason.contains("control characters"), "{reason}");
            }
            other => panic!("expected invalid input, got {other:?}"),
        }
    }
    let error = hris
        .staffing_entity_skills()
        .cursor("")
        .send()
        .await
        .expect_err("rejected");
    assert!(
        matches!(error, Error::InvalidInput { field: "cursor", .. }),
        "{error:?}"
    );
    let streamed: Vec<_> = hris.staffing_entity_skills().cursor("").items().collect().await;
    assert!(matches!(
        streamed.as_slice(),
        [Err(Error::InvalidInput { field: "cursor", .. })]
    ));
    assert_eq!(received(&server).await, 0);
    assert_eq!(client.stats().requests, 0);
}

#[test]
fn unusable_techwolf_credentials_are_config_errors() {
    let host = || TechWolf::builder().tenant("acme").region("eu");
    for bad in ["tok\nen", "tok\u{0}en", "tok\ren"] {
        match host().access_token(bad).build() {
            Err(Error::Config(reason)) => {
                assert!(reason.contains("not allowed in a header"), "{reason}");
                assert!(!reason.contains(bad), "{reason}");
            }
            other => panic!("{bad:?}: expected a config error, got {other:?}"),
        }
    }
    let empty_secret = host().client_credentials("client", "").build();
    assert!(matches!(empty_secret, Err(Error::Config(_))), "{empty_secret:?}");
    assert!(host().client_credentials("client", "s").build().is_ok());
}
