//! Kombo's error bodies and retry guidance: [`ErrorCode`], [`KomboApiError`], and
//! [`KomboErrorExt`] to reach them from any [`Error`](crate::Error).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::{ApiError, Error, StatusCode, gateway_status_is_retryable};
use crate::open_enum::open_enum;
use crate::send::VendorErrors;

open_enum! {
    /// A Kombo error `code`. Codes Kombo adds after this release decode as
    /// [`ErrorCode::Unknown`], keeping the string.
    pub enum ErrorCode (schema "KomboErrorCode") {
        /// Too many requests for the API key (HTTP 429); retryable.
        PlatformRateLimitExceeded = "PLATFORM.RATE_LIMIT_EXCEEDED",
        /// Too many actions in flight for the integration (HTTP 429); retryable.
        PlatformConcurrencyLimitExceeded = "PLATFORM.CONCURRENCY_LIMIT_EXCEEDED",
        /// No integration has the given `X-Integration-Id`.
        PlatformIntegrationNotFound = "PLATFORM.INTEGRATION_NOT_FOUND",
        /// The request is invalid; the message says why.
        PlatformInputInvalid = "PLATFORM.INPUT_INVALID",
        /// An unexpected error inside Kombo.
        PlatformUnknownError = "PLATFORM.UNKNOWN_ERROR",
        /// The caller's IP address is not allowed.
        PlatformIpNotWhitelisted = "PLATFORM.IP_NOT_WHITELISTED",
        /// The API key is invalid.
        PlatformAuthenticationInvalid = "PLATFORM.AUTHENTICATION_INVALID",
        /// A task took too long.
        PlatformTaskTimedOut = "PLATFORM.TASK_TIMED_OUT",
        /// The integration lacks a permission in the remote system.
        IntegrationPermissionMissing = "INTEGRATION.PERMISSION_MISSING",
        /// The integration's credentials for the remote system are invalid.
        IntegrationAuthenticationInvalid = "INTEGRATION.AUTHENTICATION_INVALID",
        /// The integration failed Kombo's quality checks (HTTP 409).
        IntegrationQaFailed = "INTEGRATION.QA_FAILED",
        /// The integration's first sync has not finished (HTTP 409).
        IntegrationSetupSyncPending = "INTEGRATION.SETUP_SYNC_PENDING",
        /// The integration's setup is incomplete (HTTP 409).
        IntegrationSetupIncomplete = "INTEGRATION.SETUP_INCOMPLETE",
        /// The integration is inactive.
        IntegrationInactive = "INTEGRATION.INACTIVE",
        /// The model is not available for this integration's tool.
        IntegrationModelNotAvailable = "INTEGRATION.MODEL_NOT_AVAILABLE",
        /// The model is disabled for this integration.
        IntegrationModelDisabled = "INTEGRATION.MODEL_DISABLED",
        /// The action is not available for this integration's tool.
        IntegrationActionNotAvailable = "INTEGRATION.ACTION_NOT_AVAILABLE",
        /// The action is disabled for this integration.
        IntegrationActionDisabled = "INTEGRATION.ACTION_DISABLED",
        /// The remote system is unavailable; retryable.
        RemoteServiceUnavailable = "REMOTE.SERVICE_UNAVAILABLE",
        /// The remote system's rate limit was hit; retryable.
        RemoteRateLimitExceeded = "REMOTE.RATE_LIMIT_EXCEEDED",
        /// The remote system rejected the input.
        RemoteInputInvalid = "REMOTE.INPUT_INVALID",
        /// The remote system answered with an unexpected HTTP error.
        RemoteUnknownHttpError = "REMOTE.UNKNOWN_HTTP_ERROR",
        /// The staffing entity is closed.
        HrisStaffingEntityClosed = "HRIS.STAFFING_ENTITY_CLOSED",
        /// The employee already exists.
        HrisEmployeeAlreadyExists = "HRIS.EMPLOYEE_ALREADY_EXISTS",
    }
}

impl ErrorCode {
    /// Whether Kombo documents the condition as transient, so that retrying may succeed:
    /// the platform and remote rate limits, the concurrency limit and an unavailable remote
    /// system. Unknown codes are not retried.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            ErrorCode::PlatformRateLimitExceeded
                | ErrorCode::PlatformConcurrencyLimitExceeded
                | ErrorCode::RemoteServiceUnavailable
                | ErrorCode::RemoteRateLimitExceeded
        )
    }
}

/// The `error` object of a Kombo error response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct KomboApiError {
    /// The code to branch on; `None` when Kombo sent `code: null`.
    #[serde(default)]
    pub code: Option<ErrorCode>,
    /// A static, human-readable label.
    #[serde(default)]
    pub title: Option<String>,
    /// A description of what went wrong in this instance.
    #[serde(default)]
    pub message: String,
    /// A link to the request's log in the Kombo dashboard (share it with Kombo's support).
    #[serde(default)]
    pub log_url: Option<String>,
}

impl KomboApiError {
    /// Decodes Kombo's error envelope leniently (any code string, missing fields).
    pub(crate) fn from_body(body: &[u8]) -> Option<Self> {
        #[derive(Deserialize)]
        struct Envelope {
            error: KomboApiError,
        }
        serde_json::from_slice::<Envelope>(body)
            .ok()
            .map(|envelope| envelope.error)
    }
}

impl fmt::Display for KomboApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let code = self.code.as_ref().map_or("(no code)", ErrorCode::as_str);
        write!(f, "{code}")?;
        if let Some(title) = self.title.as_deref().filter(|t| !t.is_empty()) {
            write!(f, " ({})", one_line(title))?;
        }
        f.write_str(":")?;
        write!(f, " {}", one_line(&self.message))?;
        if let Some(url) = &self.log_url {
            write!(f, " (log: {})", one_line(url))?;
        }
        Ok(())
    }
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Reaches Kombo's decoded error body from an [`Error`] or an [`ApiError`].
///
/// ```
/// use skillbridge::kombo::{ErrorCode, KomboErrorExt};
///
/// fn should_alert(error: &skillbridge::Error) -> bool {
///     matches!(error.kombo_code(), Some(ErrorCode::IntegrationAuthenticationInvalid))
/// }
/// ```
pub trait KomboErrorExt {
    /// Kombo's error body, if this is a Kombo API error whose body decoded.
    fn kombo(&self) -> Option<&KomboApiError>;

    /// Kombo's error `code`, if this is a Kombo API error that carried one.
    fn kombo_code(&self) -> Option<&ErrorCode> {
        self.kombo().and_then(|kombo| kombo.code.as_ref())
    }
}

impl KomboErrorExt for ApiError {
    fn kombo(&self) -> Option<&KomboApiError> {
        self.detail::<KomboApiError>()
    }
}

impl KomboErrorExt for Error {
    fn kombo(&self) -> Option<&KomboApiError> {
        self.api().and_then(KomboErrorExt::kombo)
    }
}

/// Kombo's envelope and guidance, for the shared response handling.
pub(crate) struct KomboErrors;

impl VendorErrors for KomboErrors {
    type Detail = KomboApiError;

    fn from_body(body: &[u8]) -> Option<KomboApiError> {
        KomboApiError::from_body(body)
    }

    fn code(detail: &KomboApiError) -> Option<String> {
        detail.code.as_ref().map(|code| code.as_str().to_owned())
    }

    fn message(detail: &KomboApiError) -> Option<String> {
        Some(detail.message.clone()).filter(|m| !m.is_empty())
    }

    /// With a `code`: only the codes Kombo calls transient ([`ErrorCode::is_retryable`]), whatever
    /// the status. Without one (an unstructured body, or `code: null`): `429`, `502`, `503`, `504`.
    fn is_retryable(status: StatusCode, detail: Option<&KomboApiError>) -> bool {
        match detail.and_then(|d| d.code.as_ref()) {
            Some(code) => code.is_retryable(),
            None => gateway_status_is_retryable(status),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use proptest::prelude::*;

    use crate::send::from_raw;
    use crate::send::properties::{check, responses};

    fn kombo_body() -> BoxedStrategy<Vec<u8>> {
        (
            prop::option::of(prop_oneof![
                Just("PLATFORM.RATE_LIMIT_EXCEEDED".to_owned()),
                Just("PLATFORM.INPUT_INVALID".to_owned()),
                "[A-Z.]{0,30}"
            ]),
            ".{0,3000}",
        )
            .prop_map(|(code, message)| {
                serde_json::to_vec(&serde_json::json!({"status": "error", "error": {
                    "code": code, "title": null, "message": message, "log_url": null}}))
                .unwrap_or_default()
            })
            .boxed()
    }

    proptest! {
        #[test]
        fn any_response_is_a_typed_error_with_bounded_text((status, headers, body) in responses(kombo_body())) {
            for operation in ["get_hris_staffing_entity_skills", "post_hris_staffing_entity_skills"] {
                let code = StatusCode::from_u16(status).map_err(|e| TestCaseError::fail(e.to_string()))?;
                let error = from_raw::<KomboErrors>(operation, code, &headers, &body, "decode failed");
                check(&error, status)?;
                if let Error::Api(api) = &error {
                    // Kombo's rule: a known code decides; without one, the gateway statuses.
                    let expected = match api.kombo_code() {
                        Some(code) => code.is_retryable(),
                        None => matches!(status, 429 | 502 | 503 | 504),
                    };
                    prop_assert_eq!(api.is_retryable(), expected);
                }
            }
        }
    }

    /// One line: the code, the title, the message and the log link, each with its line breaks and
    /// runs of spaces folded, so that a log line never splits.
    #[test]
    fn an_error_displays_on_one_line() {
        let body = serde_json::json!({"status": "error", "error": {
            "code": "PLATFORM.INPUT_INVALID",
            "title": "Invalid\n input",
            "message": "skill_id:\r\n  not   found\t",
            "log_url": "https://app.kombo.dev/logs/1\n"}});
        let error = KomboApiError::from_body(body.to_string().as_bytes()).expect("decodes");
        assert_eq!(
            error.to_string(),
            "PLATFORM.INPUT_INVALID (Invalid input): skill_id: not found (log: https://app.kombo.dev/logs/1)"
        );
        let bare = KomboApiError::from_body(br#"{"error": {"title": "", "message": "gone"}}"#).expect("decodes");
        assert_eq!(bare.to_string(), "(no code): gone");
    }

    #[test]
    fn codes_round_trip_known_and_unknown() {
        for code in ErrorCode::KNOWN {
            assert_eq!(&ErrorCode::from(code.as_str()), code);
            let json = serde_json::to_string(code).expect("serializes");
            assert_eq!(&serde_json::from_str::<ErrorCode>(&json).expect("decodes"), code);
        }
        assert_eq!(ErrorCode::KNOWN.len(), 24);
        let new: ErrorCode = serde_json::from_str("\"PLATFORM.BRAND_NEW\"").expect("decodes");
        assert_eq!(new, ErrorCode::Unknown("PLATFORM.BRAND_NEW".to_owned()));
        assert!(!new.is_retryable());
    }
}
