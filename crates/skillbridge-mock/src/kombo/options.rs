//! What the builder sets for Kombo, with its defaults, and the state built from it.

use axum::http::HeaderValue;

use super::catalog::SkillCatalog;
use super::data::{KomboData, KomboSizes};
use super::ids::{INTEGRATION, KomboIds};
use super::state::{Credentials, KomboState};
use crate::ids::hash3;

/// Kombo's settings of a [`crate::MockServerBuilder`]; credentials left `None` are derived
/// from the seed.
#[derive(Clone)]
pub(crate) struct KomboOptions {
    pub(crate) staffing_entities: u32,
    pub(crate) skills_per_entity: u32,
    pub(crate) skill_catalog: u32,
    pub(crate) write_concurrency_limit: u32,
    pub(crate) announced_write_limits: Vec<String>,
    pub(crate) unsupported_filters: Vec<String>,
    pub(crate) api_key: Option<String>,
    pub(crate) integration_id: Option<String>,
}

impl Default for KomboOptions {
    fn default() -> Self {
        Self {
            staffing_entities: 200,
            skills_per_entity: 5,
            skill_catalog: 300,
            // Kombo's own example.
            write_concurrency_limit: 30,
            announced_write_limits: Vec::new(),
            unsupported_filters: Vec::new(),
            api_key: None,
            integration_id: None,
        }
    }
}

impl std::fmt::Debug for KomboOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KomboOptions")
            .field("staffing_entities", &self.staffing_entities)
            .field("skills_per_entity", &self.skills_per_entity)
            .field("skill_catalog", &self.skill_catalog)
            .field("write_concurrency_limit", &self.write_concurrency_limit)
            .field("announced_write_limits", &self.announced_write_limits)
            .field("unsupported_filters", &self.unsupported_filters)
            .field("api_key", &self.api_key.as_ref().map(|_| crate::log::MASK))
            .field("integration_id", &self.integration_id)
            .finish()
    }
}

impl KomboOptions {
    /// The credentials the mock accepts: the configured ones, or ones derived from the seed.
    fn credentials(&self, seed: u64) -> Credentials {
        let h = |tag: u64| hash3(seed, tag, 0);
        Credentials {
            api_key: self
                .api_key
                .clone()
                .unwrap_or_else(|| format!("kombo_mock_{:016x}{:016x}", h(301), h(302))),
            integration_id: self.integration_id.clone().unwrap_or_else(|| {
                let id = KomboIds::new(seed).encode(INTEGRATION, 0);
                format!("sandbox:{}", id.as_str())
            }),
        }
    }

    /// Kombo's state for a server seeded with `seed`, its skills named from `vocabulary` ((skill
    /// name, group) pairs); an announced write limit that is not a valid header value is refused.
    pub(crate) fn build(&self, seed: u64, vocabulary: &[(&'static str, &'static str)]) -> std::io::Result<KomboState> {
        let announced_limits = self
            .announced_write_limits
            .iter()
            .map(|value| {
                HeaderValue::from_str(value).map_err(|_| {
                    std::io::Error::new(
                        std::io::ErrorKind::InvalidInput,
                        format!("announced write limit {value:?} is not a valid header value"),
                    )
                })
            })
            .collect::<std::io::Result<Vec<_>>>()?;
        let sizes = KomboSizes {
            staffing_entities: self.staffing_entities,
            skills_per_entity: self.skills_per_entity,
            skill_catalog: self.skill_catalog,
        };
        let data = KomboData::new(seed, sizes, self.unsupported_filters.clone());
        // The catalog is as large as the data's, which grows it to fit every entity's skills.
        let catalog = SkillCatalog::new(seed, data.skill_count(), vocabulary);
        Ok(KomboState::new(
            self.credentials(seed),
            data,
            catalog,
            self.write_concurrency_limit,
            announced_limits,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_key() {
        let options = KomboOptions {
            api_key: Some("sk_secret_key".to_owned()),
            ..KomboOptions::default()
        };
        let state = options.build(1, &[]).expect("valid options");
        let shown = format!("{options:?} {:?}", state.creds);
        assert!(!shown.contains("sk_secret_key"), "{shown}");
        assert_eq!(state.creds.api_key, "sk_secret_key");
    }

    #[test]
    fn derived_credentials_follow_the_seed() {
        let a = KomboOptions::default().credentials(7);
        let b = KomboOptions::default().credentials(7);
        assert_eq!((&a.api_key, &a.integration_id), (&b.api_key, &b.integration_id));
        assert!(
            a.integration_id.starts_with("sandbox:") && a.integration_id.len() == 32,
            "{}",
            a.integration_id
        );
        assert_ne!(a.api_key, KomboOptions::default().credentials(8).api_key);
    }

    #[test]
    fn an_announced_limit_must_be_a_header_value() {
        let options = KomboOptions {
            announced_write_limits: vec!["4".to_owned(), "bad\nvalue".to_owned()],
            ..KomboOptions::default()
        };
        let err = options.build(1, &[]).expect_err("refused");
        assert!(err.to_string().contains("bad\\nvalue"), "{err}");
    }
}
