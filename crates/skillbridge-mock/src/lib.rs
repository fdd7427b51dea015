//! An embedded HTTP server that speaks Kombo's and TechWolf's APIs.
#![deny(missing_docs)]
