//! Shared helpers for the integration tests: an independent exhaustive-search
//! oracle for `plan` jobs and a seeded generator of tiny `plan` jobs.
#![allow(dead_code)]

pub mod oracle;
pub mod tiny_jobs;
