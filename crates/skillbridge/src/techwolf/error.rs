//! TechWolf's error bodies and retry guidance: [`TechWolfApiError`], and [`TechWolfErrorExt`]
//! to reach it from any [`Error`](crate::Error).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::{ApiError, Error, StatusCode};
use crate::send::VendorErrors;

/// One entry of a TechWolf error body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct ErrorMessage {
    /// A short label, e.g. `400 Bad Request`.
    pub title: String,
    /// What went wrong.
    pub description: String,
}

/// A TechWolf error body: an array of `{title, description}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(transparent)]
#[non_exhaustive]
pub struct TechWolfApiError {
    /// The messages, in the server's order.
    pub errors: Vec<ErrorMessage>,
}

impl TechWolfApiError {
    /// Lenient decoding of a raw body (a single object is accepted as a one-entry list).
    pub(crate) fn from_body(body: &[u8]) -> Option<Self> {
        serde_json::from_slice::<Vec<ErrorMessage>>(body)
            .or_else(|_| serde_json::from_slice::<ErrorMessage>(body).map(|one| vec![one]))
            .ok()
            .map(|errors| Self { errors })
    }
}

impl fmt::Display for TechWolfApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let messages: Vec<String> = self
            .errors
            .iter()
            .map(|e| format!("{}: {}", e.title, e.description))
            .collect();
        f.write_str(&messages.join("; "))
    }
}

/// Reaches TechWolf's decoded error body from an [`Error`] or an [`ApiError`].
pub trait TechWolfErrorExt {
    /// TechWolf's error array, if this is a TechWolf API error whose body decoded.
    fn techwolf(&self) -> Option<&TechWolfApiError>;
}

impl TechWolfErrorExt for ApiError {
    fn techwolf(&self) -> Option<&TechWolfApiError> {
        self.detail::<TechWolfApiError>()
    }
}

impl TechWolfErrorExt for Error {
    fn techwolf(&self) -> Option<&TechWolfApiError> {
        self.api().and_then(TechWolfErrorExt::techwolf)
    }
}

/// TechWolf's error array and guidance, for the shared response handling.
pub(crate) struct TechWolfErrors;

impl VendorErrors for TechWolfErrors {
    type Detail = TechWolfApiError;

    fn from_body(body: &[u8]) -> Option<TechWolfApiError> {
        TechWolfApiError::from_body(body)
    }

    fn code(_: &TechWolfApiError) -> Option<String> {
        None
    }

    fn message(detail: &TechWolfApiError) -> Option<String> {
        let text = detail
            .errors
            .iter()
            .map(|e| e.description.as_str())
            .filter(|d| !d.is_empty())
            .collect::<Vec<_>>()
            .join("; ");
        Some(text).filter(|t| !t.is_empty())
    }

    /// TechWolf documents no codes and no retry guidance: `429` and every `5xx` are retried,
    /// whatever the body (its JSON error array or a proxy's HTML page), and nothing else.
    fn is_retryable(status: StatusCode, _: Option<&TechWolfApiError>) -> bool {
        status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    use crate::send::from_raw;
    use crate::send::properties::{check, responses};

    fn techwolf_body() -> BoxedStrategy<Vec<u8>> {
        proptest::collection::vec((".{0,40}", ".{0,2000}"), 0..4)
            .prop_map(|errors| {
                let list: Vec<_> = errors
                    .into_iter()
                    .map(|(title, description)| serde_json::json!({"title": title, "description": description}))
                    .collect();
                serde_json::to_vec(&list).unwrap_or_default()
            })
            .boxed()
    }

    proptest! {
        #[test]
        fn any_response_is_a_typed_error_with_bounded_text((status, headers, body) in responses(techwolf_body())) {
            let code = StatusCode::from_u16(status).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let error = from_raw::<TechWolfErrors>("export_employee_skill_clusters", code, &headers, &body, "decode failed");
            check(&error, status)?;
            if let Error::Api(api) = &error {
                // One rule whatever the body: 429 and every 5xx.
                prop_assert_eq!(api.is_retryable(), status == 429 || status >= 500);
            }
        }
    }

    /// The message is the descriptions joined, the empty ones left out; none at all is no message.
    #[test]
    fn the_message_joins_the_descriptions() {
        let message = |body: serde_json::Value| {
            let body = serde_json::to_vec(&body).unwrap_or_default();
            from_raw::<TechWolfErrors>(
                "export",
                StatusCode::BAD_REQUEST,
                &Default::default(),
                &body,
                "decode failed",
            )
            .message()
            .map(str::to_owned)
        };
        let two = serde_json::json!([
            {"title": "Bad limit", "description": "limit must be at most 1000"},
            {"title": "Empty", "description": ""},
            {"title": "Bad include", "description": "unknown include: trends"}
        ]);
        assert_eq!(
            message(two).as_deref(),
            Some("limit must be at most 1000; unknown include: trends")
        );
        assert_eq!(
            message(serde_json::json!([{"title": "Only a title", "description": ""}])),
            None
        );
        assert_eq!(message(serde_json::json!([])), None);
    }
}
