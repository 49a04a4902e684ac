//! The MILP formulations and the HiGHS runner.

pub mod elastic;
pub mod highs;
pub mod plan;
