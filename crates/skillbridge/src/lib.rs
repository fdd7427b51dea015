//! Ergonomic clients for Kombo's staffing-entity skills API and TechWolf's skill-cluster export.
#![deny(missing_docs)]
