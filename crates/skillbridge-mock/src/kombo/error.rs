//! Kombo's error envelope: `{"status":"error","error":{code,title,message,log_url}}`.

use std::sync::atomic::{AtomicU64, Ordering};

use axum::http::StatusCode;
use axum::response::Response;
use serde::Serialize;

use crate::http::json_response;
use crate::route::Refusal;

static INTERACTION: AtomicU64 = AtomicU64::new(1);

fn kombo_title(code: Option<&str>) -> Option<&'static str> {
    Some(match code? {
        "PLATFORM.RATE_LIMIT_EXCEEDED" => "You have exceeded the rate limit.",
        "PLATFORM.CONCURRENCY_LIMIT_EXCEEDED" => "You have exceeded the concurrency limit.",
        "PLATFORM.INTEGRATION_NOT_FOUND" => "The integration could not be found.",
        "PLATFORM.INPUT_INVALID" => "The input is invalid.",
        "PLATFORM.AUTHENTICATION_INVALID" => "The authentication is invalid.",
        "HRIS.STAFFING_ENTITY_CLOSED" => "The staffing entity is closed.",
        "REMOTE.SERVICE_UNAVAILABLE" => "The remote system is unavailable.",
        _ => "An error occurred.",
    })
}

#[derive(Serialize)]
struct KomboErrorBody<'a> {
    status: &'static str,
    error: KomboErrorDetail<'a>,
}

#[derive(Serialize)]
struct KomboErrorDetail<'a> {
    code: Option<&'a str>,
    title: Option<&'static str>,
    message: &'a str,
    log_url: String,
}

/// Kombo's error envelope.
pub(super) fn kombo_error(status: StatusCode, code: Option<&str>, message: impl Into<String>) -> Response {
    let message = message.into();
    let n = INTERACTION.fetch_add(1, Ordering::Relaxed);
    json_response(
        status,
        &KomboErrorBody {
            status: "error",
            error: KomboErrorDetail {
                code,
                title: kombo_title(code),
                message: &message,
                log_url: format!("https://app.kombo.dev/mock/logs?interactionId={n}"),
            },
        },
    )
}

/// The server's own refusals in Kombo's envelope, with Kombo's codes.
pub(super) fn refusal(status: StatusCode, why: Refusal<'_>) -> Response {
    let code = match why {
        Refusal::RateLimited => Some("PLATFORM.RATE_LIMIT_EXCEEDED"),
        Refusal::TooLarge => Some("PLATFORM.INPUT_INVALID"),
        Refusal::Injected { code, .. } => code,
    };
    kombo_error(status, code, why.message())
}
