//! Parsing a job document: bytes to [`Job`], or every type error with its JSON pointer.
//!
//! The document is read as a JSON value first, then section by section (each
//! catalog entry on its own) so that one bad entry does not hide the others.

use crate::contract::{
    BatchJob, Catalog, DiagnosisItem, Job, JobBody, JobKind, Options, PlanJob, ReplanJob, WhatifJob, SCHEMA,
};
use crate::validate::pointer_escape;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// A job that could not be read, with what the result must echo back.
#[derive(Clone, Debug)]
pub struct Rejected {
    /// The job's id, as far as it could be read (empty if not).
    pub job_id: String,
    /// The job's kind, as far as it could be read.
    pub kind: Option<JobKind>,
    /// Every problem found.
    pub problems: Vec<DiagnosisItem>,
}

/// [`parse_job`] for a service: a document larger than `limits.max_job_bytes` is rejected
/// (`too_large`) before it is read.
pub fn parse_job_within(text: &str, limits: &crate::limits::Limits) -> Result<Job, Rejected> {
    if text.len() > limits.max_job_bytes {
        return Err(Rejected {
            job_id: String::new(),
            kind: None,
            problems: vec![DiagnosisItem::at(
                "too_large",
                "",
                format!("the job is {} bytes, above the limit of {} bytes", text.len(), limits.max_job_bytes),
            )],
        });
    }
    parse_job(text)
}

/// Reads a job document. Type and shape errors come back all at once, each with a JSON pointer.
pub fn parse_job(text: &str) -> Result<Job, Rejected> {
    // A UTF-8 byte-order mark is not JSON, but some producers write one: accept it.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let value: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            return Err(Rejected {
                job_id: String::new(),
                kind: None,
                problems: vec![DiagnosisItem::at("bad_json", "", format!("the job is not valid JSON: {e}"))],
            })
        }
    };
    parse_value(&value)
}

/// Reads a job from an already parsed JSON value.
pub fn parse_value(value: &Value) -> Result<Job, Rejected> {
    let mut problems = Vec::new();
    let Some(obj) = value.as_object() else {
        return Err(Rejected {
            job_id: String::new(),
            kind: None,
            problems: vec![DiagnosisItem::at("bad_type", "", "the job must be a JSON object")],
        });
    };
    let job_id = match obj.get("job_id") {
        Some(Value::String(s)) if !s.trim().is_empty() => s.clone(),
        Some(Value::String(_)) => {
            problems.push(DiagnosisItem::at("empty", "/job_id", "job_id must not be empty"));
            String::new()
        }
        Some(_) => {
            problems.push(DiagnosisItem::at("bad_type", "/job_id", "job_id must be a string"));
            String::new()
        }
        None => {
            problems.push(DiagnosisItem::at("missing_field", "/job_id", "job_id is missing"));
            String::new()
        }
    };
    match obj.get("schema") {
        Some(Value::String(s)) if s == SCHEMA => {}
        Some(other) => problems.push(DiagnosisItem::at(
            "bad_schema",
            "/schema",
            format!("schema must be \"{SCHEMA}\", not {other}"),
        )),
        None => problems.push(DiagnosisItem::at(
            "missing_field",
            "/schema",
            format!("schema is missing; it must be \"{SCHEMA}\""),
        )),
    }
    let kind = match obj.get("kind") {
        Some(Value::String(s)) => match s.as_str() {
            "plan" => Some(JobKind::Plan),
            "batch" => Some(JobKind::Batch),
            "whatif" => Some(JobKind::Whatif),
            "replan" => Some(JobKind::Replan),
            other => {
                problems.push(DiagnosisItem::at(
                    "bad_value",
                    "/kind",
                    format!("kind '{other}' is not one of plan, batch, whatif, replan"),
                ));
                None
            }
        },
        Some(_) => {
            problems.push(DiagnosisItem::at("bad_type", "/kind", "kind must be a string"));
            None
        }
        None => {
            problems.push(DiagnosisItem::at("missing_field", "/kind", "kind is missing"));
            None
        }
    };
    let options: Option<Options> = match obj.get("options") {
        None | Some(Value::Null) => Some(Options::default()),
        Some(v) => section(v, "/options", &mut problems),
    };
    let body = kind.and_then(|k| parse_body(k, obj, &mut problems));
    match (kind, options, body) {
        (Some(kind), Some(options), Some(body)) if problems.is_empty() => {
            Ok(Job { schema: SCHEMA.to_string(), kind, job_id, options, body })
        }
        _ => Err(Rejected { job_id, kind, problems }),
    }
}

fn parse_body(kind: JobKind, obj: &Map<String, Value>, problems: &mut Vec<DiagnosisItem>) -> Option<JobBody> {
    match kind {
        JobKind::Plan => plan_job(obj, "", problems).map(JobBody::Plan),
        JobKind::Batch => {
            let catalog = catalog(obj.get("catalog"), "/catalog", problems);
            let rest: Option<BatchRest> = section(&without(obj, &["catalog"]), "", problems);
            Some(JobBody::Batch(BatchJob {
                catalog: catalog?,
                groups: rest.as_ref()?.groups.clone(),
                change_costs: rest?.change_costs,
            }))
        }
        JobKind::Whatif => {
            let base = match obj.get("base").and_then(Value::as_object) {
                Some(b) => plan_job(b, "/base", problems),
                None => {
                    problems.push(DiagnosisItem::at("missing_field", "/base", "a whatif job needs a base plan job"));
                    None
                }
            };
            let scenarios: Option<Vec<crate::contract::Scenario>> = field(obj, "scenarios", "", problems);
            Some(JobBody::Whatif(WhatifJob { base: base?, scenarios: scenarios? }))
        }
        JobKind::Replan => {
            let job = match obj.get("job").and_then(Value::as_object) {
                Some(b) => plan_job(b, "/job", problems),
                None => {
                    problems.push(DiagnosisItem::at(
                        "missing_field",
                        "/job",
                        "a replan job needs the original plan job",
                    ));
                    None
                }
            };
            let rest: Option<ReplanRest> = section(&without(obj, &["job", "catalog"]), "", problems);
            let rest = rest?;
            Some(JobBody::Replan(ReplanJob {
                job: job?,
                confirmed: rest.confirmed,
                now: rest.now,
                events: rest.events,
                change_costs: rest.change_costs,
            }))
        }
    }
}

#[derive(serde::Deserialize)]
struct BatchRest {
    groups: Vec<crate::contract::BatchGroup>,
    #[serde(default)]
    change_costs: crate::contract::ChangeCosts,
}

#[derive(serde::Deserialize)]
struct ReplanRest {
    confirmed: crate::contract::Confirmed,
    now: crate::contract::DateTime,
    #[serde(default)]
    events: Vec<crate::contract::Event>,
    #[serde(default)]
    change_costs: crate::contract::ChangeCosts,
}

fn without(obj: &Map<String, Value>, keys: &[&str]) -> Value {
    let mut m = obj.clone();
    for k in keys {
        m.remove(*k);
    }
    Value::Object(m)
}

fn plan_job(obj: &Map<String, Value>, base: &str, problems: &mut Vec<DiagnosisItem>) -> Option<PlanJob> {
    let catalog = catalog(obj.get("catalog"), &format!("{base}/catalog"), problems);
    let group = field(obj, "group", base, problems);
    let trip = field(obj, "trip", base, problems);
    let pricing = match obj.get("pricing") {
        None | Some(Value::Null) => Some(Default::default()),
        Some(v) => section(v, &format!("{base}/pricing"), problems),
    };
    Some(PlanJob { catalog: catalog?, group: group?, trip: trip?, pricing: pricing? })
}

fn field<T: DeserializeOwned>(
    obj: &Map<String, Value>,
    key: &str,
    base: &str,
    problems: &mut Vec<DiagnosisItem>,
) -> Option<T> {
    match obj.get(key) {
        Some(v) => section(v, &format!("{base}/{key}"), problems),
        None => {
            problems.push(DiagnosisItem::at("missing_field", format!("{base}/{key}"), format!("'{key}' is missing")));
            None
        }
    }
}

/// Reads the catalog entry by entry, so that every bad entry is reported.
fn catalog(value: Option<&Value>, path: &str, problems: &mut Vec<DiagnosisItem>) -> Option<Catalog> {
    let Some(value) = value else {
        problems.push(DiagnosisItem::at("missing_field", path, "the catalog is missing"));
        return None;
    };
    let Some(obj) = value.as_object() else {
        problems.push(DiagnosisItem::at("bad_type", path, "the catalog must be an object"));
        return None;
    };
    let before = problems.len();
    let mut cat = Catalog {
        currency: match obj.get("currency") {
            None | Some(Value::Null) => None,
            Some(v) => section(v, &format!("{path}/currency"), problems),
        },
        ..Catalog::default()
    };
    cat.places = list(obj, "places", path, problems);
    cat.legs = list(obj, "legs", path, problems);
    cat.attractions = list(obj, "attractions", path, problems);
    cat.hotels = list(obj, "hotels", path, problems);
    cat.vehicles = list(obj, "vehicles", path, problems);
    cat.restaurants = list(obj, "restaurants", path, problems);
    cat.guides = list(obj, "guides", path, problems);
    cat.fees = list(obj, "fees", path, problems);
    (problems.len() == before).then_some(cat)
}

fn list<T: DeserializeOwned>(
    obj: &Map<String, Value>,
    key: &str,
    base: &str,
    problems: &mut Vec<DiagnosisItem>,
) -> Vec<T> {
    let path = format!("{base}/{key}");
    match obj.get(key) {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => {
            items.iter().enumerate().filter_map(|(i, item)| section(item, &format!("{path}/{i}"), problems)).collect()
        }
        Some(_) => {
            problems.push(DiagnosisItem::at("bad_type", path, format!("'{key}' must be a list")));
            Vec::new()
        }
    }
}

/// Deserialises one section, turning a serde error into a diagnosis item with a JSON pointer.
fn section<T: DeserializeOwned>(value: &Value, path: &str, problems: &mut Vec<DiagnosisItem>) -> Option<T> {
    match serde_path_to_error::deserialize::<_, T>(value) {
        Ok(t) => Some(t),
        Err(err) => {
            let mut pointer = path.to_string();
            for seg in err.path().iter() {
                use serde_path_to_error::Segment;
                match seg {
                    Segment::Seq { index } => pointer.push_str(&format!("/{index}")),
                    Segment::Map { key } => pointer.push_str(&format!("/{}", pointer_escape(key))),
                    Segment::Enum { .. } | Segment::Unknown => {}
                }
            }
            let inner = err.into_inner().to_string();
            let (code, pointer, message) = describe_serde_error(&inner, pointer);
            problems.push(DiagnosisItem::at(code, pointer, message));
            None
        }
    }
}

fn describe_serde_error(inner: &str, pointer: String) -> (&'static str, String, String) {
    if let Some(rest) = inner.strip_prefix("missing field `") {
        let name = rest.split('`').next().unwrap_or("");
        let at = format!("{pointer}/{name}");
        return ("missing_field", at.clone(), format!("{at}: required field '{name}' is missing"));
    }
    let code = if inner.contains("integer `-") || inner.contains("floating point `-") {
        "negative"
    } else if inner.starts_with("invalid type") {
        "bad_type"
    } else {
        "bad_value"
    };
    let shown = if pointer.is_empty() { "/" } else { pointer.as_str() };
    let message = match code {
        "negative" => format!("{shown}: must not be negative ({inner})"),
        _ => format!("{shown}: {inner}"),
    };
    (code, pointer, message)
}
