//! The MILP formulations and the HiGHS runner.

pub mod highs;
pub mod plan;
