//! JSON Schemas of the job and result documents, generated from the wire types.

use crate::contract::{Job, JobResult};

/// The JSON Schema of a job document.
pub fn job_schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(Job)).expect("a schema serialises")
}

/// The JSON Schema of a result document (of any kind).
pub fn result_schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(JobResult)).expect("a schema serialises")
}
