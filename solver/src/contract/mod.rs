//! The contract with the outside world (`job-format.md`): wire types only.
//!
//! Nothing here solves anything; [`crate::model`] turns a validated
//! [`PlanJob`] into the core model with every default applied.

pub mod answers;
pub mod clock;
pub mod job;
pub mod kinds;
pub mod relax;
pub mod result;

pub use answers::*;
pub use clock::{Clock, Date, DateTime};
pub use job::*;
pub use kinds::*;
pub use relax::*;
pub use result::*;

/// The schema tag every job and result carries.
pub const SCHEMA: &str = "jidiao/v1";
