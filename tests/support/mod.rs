//! Shared helpers for the integration tests: an independent exhaustive-search
//! oracle for `plan` jobs, a seeded generator of tiny `plan` jobs, and a `plan` job as
//! a batch group alone.
#![allow(dead_code)]

pub mod lone_group;
pub mod oracle;
pub mod room_for_one;
pub mod tiny_jobs;
