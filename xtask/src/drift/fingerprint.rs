//! A change's fingerprint: what `drift-ignore.toml` names to acknowledge it, stable across runs.
//!
//! It hashes what identifies the change, never how it is worded: the rule id, the operation
//! (method and path, path parameter names blanked: `/a/{id}` and `/a/{x}` are the same path, as
//! everywhere in drift) and the location (parameter, body, response and property path). So a
//! reworded message keeps the fingerprint, and the same rule at another property gets another.
//! SHA-256 of the three, NUL-separated, first 16 hex digits (64 bits: no collision among the
//! few hundred changes a report holds).

use sha2::{Digest, Sha256};

/// How many hex digits of the SHA-256 a fingerprint keeps.
pub const LENGTH: usize = 16;

/// The fingerprint of a change of rule `id` at `operation` and `location`.
pub fn fingerprint(id: &str, operation: &str, location: &str) -> String {
    let mut hasher = Sha256::new();
    for part in [id, &blank_path_parameters(operation), location] {
        hasher.update(part.as_bytes());
        hasher.update([0]);
    }
    hasher
        .finalize()
        .iter()
        .take(LENGTH / 2)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// `GET /a/{id}` as `GET /a/{}`.
fn blank_path_parameters(operation: &str) -> String {
    let mut out = String::with_capacity(operation.len());
    let mut in_parameter = false;
    for c in operation.chars() {
        match c {
            '{' => in_parameter = true,
            '}' => in_parameter = false,
            _ if in_parameter => continue,
            _ => {}
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::drift::report::Change;

    #[test]
    fn the_fingerprint_ignores_the_message_and_path_parameter_names() {
        let a = Change::new(
            "request-parameter-became-required",
            "GET /a/{id}",
            "query parameter q",
            "became required",
        );
        let reworded = Change::new(
            "request-parameter-became-required",
            "GET /a/{x}",
            "query parameter q",
            "now required",
        );
        assert_eq!(a.fingerprint(), reworded.fingerprint());
        assert_eq!(a.fingerprint().len(), LENGTH);
        assert!(a.fingerprint().chars().all(|c| c.is_ascii_hexdigit()));
    }

    #[test]
    fn the_fingerprint_changes_with_the_location_rule_or_operation() {
        let base = fingerprint("request-parameter-became-required", "GET /a", "query parameter q");
        for other in [
            fingerprint("request-parameter-became-required", "GET /a", "query parameter r"),
            fingerprint("request-parameter-became-required", "POST /a", "query parameter q"),
            fingerprint("request-parameter-became-optional", "GET /a", "query parameter q"),
            // The separator keeps parts from running into each other.
            fingerprint("request-parameter-became-required", "GET /aquery", " parameter q"),
        ] {
            assert_ne!(base, other);
        }
    }
}
