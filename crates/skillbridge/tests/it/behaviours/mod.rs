//! Behaviours users depend on that the vendor tests do not reach, one module a concept: the retry
//! budget and caps, the token endpoint's answers, input validation, `upsert_many`'s concurrency,
//! error texts, the shared configuration, per-call options and response metadata. No test here waits on the wall clock: waits are
//! recorded and time is moved by the injected `RecordingSleeper`.

mod configuration;
mod error_texts;
mod input_validation;
mod request_options;
mod response_metadata;
mod retry_budget;
mod token_endpoint;
mod upsert_many_concurrency;
