//! A seeded mutation engine for job documents (the stand-in for cargo-fuzz,
//! which needs a nightly toolchain): structural mutations of the JSON tree
//! (values swapped for edge cases, keys dropped or added, entries duplicated,
//! subtrees moved to where they do not belong, deep nesting) and byte-level
//! mutations of the text (flips, cuts, splices). Shared by `tests/fuzz.rs`
//! (a modest run on every test run) and `examples/fuzz_parse.rs` (the long run).
#![allow(dead_code)]

use jidiao_solver::contract::{PlanResult, Status};
use jidiao_solver::{parse, validate, Limits};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::{json, Map, Value};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

/// The seed documents: every fixture job of the repository (valid, invalid, infeasible).
pub fn corpus(root: &Path) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for dir in ["fixtures/plan", "fixtures/plan-infeasible", "fixtures/infeasible", "fixtures/invalid"] {
        let Ok(entries) = std::fs::read_dir(root.join(dir)) else { continue };
        let mut paths: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for p in paths.into_iter().filter(|p| p.to_string_lossy().ends_with(".job.json")) {
            let text = std::fs::read_to_string(&p).unwrap_or_default();
            let value = serde_json::from_str(&text).unwrap_or(Value::String(text));
            out.push((p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(), value));
        }
    }
    out
}

/// Strings that break parsers and validators.
const STRINGS: &[&str] = &[
    "",
    " ",
    "00:00",
    "23:59",
    "24:00",
    "23:60",
    "7:5",
    "-1:00",
    "2026-02-29",
    "2026-02-30",
    "2028-02-29",
    "0000-01-01",
    "9999-12-31",
    "+10000-01-01",
    "-0001-01-01",
    "2026-07-01T25:00",
    "2026-07-01T23:59",
    "2026-07-01T00:00",
    "262143-12-31T23:59",
    "-262143-01-01T00:00",
    "1999-12-31T23:59",
    "2026-7-1",
    "plan",
    "batch",
    "whatif",
    "replan",
    "jidiao/v1",
    "jidiao/v2",
    "family",
    "couple",
    "male",
    "female",
    "single",
    "lunch",
    "dinner",
    "breakfast",
    "石林",
    "a/b~c",
    "\u{0}",
    "\u{feff}",
    "😀",
    "NaN",
    "1e999",
];

/// Numbers at the edges of every type the contract uses.
fn number(rng: &mut ChaCha8Rng) -> Value {
    let n: Value = match rng.random_range(0..24) {
        0 => json!(0),
        1 => json!(-1),
        2 => json!(1),
        3 => json!(-0.0),
        4 => json!(0.5),
        5 => json!(1e308),
        6 => json!(-1e308),
        7 => json!(4_294_967_295u64),
        8 => json!(4_294_967_296u64),
        9 => json!(u64::MAX),
        10 => json!(i64::MIN),
        11 => json!(1e-320),
        12 => json!(1441),
        13 => json!(1440),
        14 => json!(100_000),
        15 => json!(2_147_483_647),
        16 => json!(-2_147_483_648i64),
        17 => json!(8),
        18 => json!(128),
        19 => json!(129),
        20 => json!(rng.random_range(-5..50)),
        21 => json!(rng.random_range(-1e6..1e9)),
        22 => json!(255),
        _ => json!(65_536),
    };
    n
}

/// An id that occurs somewhere in the document, to make references dangle or collide.
fn some_string(rng: &mut ChaCha8Rng, root: &Value) -> Value {
    if rng.random_bool(0.5) {
        return json!(STRINGS[rng.random_range(0..STRINGS.len())]);
    }
    // A string found by a random walk (an id, a date, a time of this document).
    for _ in 0..8 {
        let path = random_path(rng, root);
        if let Some(Value::String(s)) = get(root, &path) {
            return json!(s);
        }
    }
    json!(STRINGS[rng.random_range(0..STRINGS.len())])
}

/// A random value of a random kind.
fn any_value(rng: &mut ChaCha8Rng, root: &Value) -> Value {
    match rng.random_range(0..10) {
        0..=3 => number(rng),
        4..=6 => some_string(rng, root),
        7 => json!(rng.random_bool(0.5)),
        8 => Value::Null,
        _ => {
            if rng.random_bool(0.5) {
                json!([])
            } else {
                json!({})
            }
        }
    }
}

/// A random node: a walk from the root that stops at each level with some chance.
fn random_path(rng: &mut ChaCha8Rng, root: &Value) -> Vec<Step> {
    let mut path = Vec::new();
    let mut v = root;
    loop {
        let stop = rng.random_bool(if path.is_empty() { 0.05 } else { 0.3 });
        let next = match v {
            Value::Array(a) if !a.is_empty() && !stop => {
                let k = rng.random_range(0..a.len());
                Some((Step::Index(k), &a[k]))
            }
            Value::Object(o) if !o.is_empty() && !stop => {
                let (key, child) = o.iter().nth(rng.random_range(0..o.len())).expect("a key");
                Some((Step::Key(key.clone()), child))
            }
            _ => None,
        };
        match next {
            Some((step, child)) => {
                path.push(step);
                v = child;
            }
            None => return path,
        }
    }
}

#[derive(Clone, Debug)]
enum Step {
    Key(String),
    Index(usize),
}

fn get<'a>(v: &'a Value, path: &[Step]) -> Option<&'a Value> {
    path.iter().try_fold(v, |v, s| match s {
        Step::Key(k) => v.get(k),
        Step::Index(i) => v.get(*i),
    })
}

fn get_mut<'a>(v: &'a mut Value, path: &[Step]) -> Option<&'a mut Value> {
    path.iter().try_fold(v, |v, s| match s {
        Step::Key(k) => v.get_mut(k),
        Step::Index(i) => v.get_mut(*i),
    })
}

/// One structural mutation of the document.
fn mutate_tree(rng: &mut ChaCha8Rng, doc: &mut Value) {
    let path = random_path(rng, doc);
    let kind = rng.random_range(0..12);
    // What a mutation may copy from elsewhere, taken before the node is borrowed.
    let replacement = match kind {
        0..=4 | 7 => any_value(rng, doc),
        _ => Value::Null,
    };
    let text_like = if kind <= 3 { some_string(rng, doc) } else { Value::Null };
    let elsewhere = if kind == 8 {
        let from = random_path(rng, doc);
        get(doc, &from).filter(|v| v.as_array().is_none_or(|a| a.len() < 2_000)).cloned()
    } else {
        None
    };
    let Some(node) = get_mut(doc, &path) else { return };
    match kind {
        // replace with an edge value of the same kind (numbers, strings) or any kind
        0..=3 => {
            *node = match node {
                Value::Number(_) => number(rng),
                Value::String(_) => text_like,
                _ => replacement,
            }
        }
        4 => *node = replacement,
        // drop a key or an entry
        5 => match node {
            Value::Object(o) if !o.is_empty() => {
                let k = o.keys().nth(rng.random_range(0..o.len())).cloned().unwrap_or_default();
                o.remove(&k);
            }
            Value::Array(a) if !a.is_empty() => {
                a.remove(rng.random_range(0..a.len()));
            }
            _ => *node = Value::Null,
        },
        // duplicate an entry (duplicate ids, overlapping ranges), or many times
        6 => {
            if let Value::Array(a) = node {
                if !a.is_empty() {
                    let x = a[rng.random_range(0..a.len())].clone();
                    let times = if rng.random_bool(0.1) { rng.random_range(10..300) } else { 1 };
                    for _ in 0..times {
                        a.push(x.clone());
                    }
                }
            }
        }
        // an unknown key, or a known key in the wrong place
        7 => {
            if let Value::Object(o) = node {
                let key = if rng.random_bool(0.5) {
                    format!("x_{}", rng.random_range(0..100))
                } else {
                    ["id", "place", "rooms", "hours", "budget_per_pax", "size", "available", "meals", "kind"]
                        [rng.random_range(0..9)]
                    .to_string()
                };
                o.insert(key, replacement);
            }
        }
        // a subtree from elsewhere in the document
        8 => {
            if let Some(v) = elsewhere {
                *node = v;
            }
        }
        // deep nesting
        9 => {
            let depth = rng.random_range(10..300);
            let mut v = json!(1);
            for _ in 0..depth {
                v = json!([v]);
            }
            *node = v;
        }
        // swap the type: an object where a list is wanted and back
        10 => {
            *node = match node.take() {
                Value::Array(a) => {
                    Value::Object(a.into_iter().enumerate().map(|(i, x)| (i.to_string(), x)).collect::<Map<_, _>>())
                }
                Value::Object(o) => Value::Array(o.into_iter().map(|(_, x)| x).collect()),
                Value::Number(n) => Value::String(n.to_string()),
                other => json!([other]),
            }
        }
        // nudge a number
        _ => {
            if let Some(f) = node.as_f64() {
                let g = match rng.random_range(0..5) {
                    0 => f + 1.0,
                    1 => f - 1.0,
                    2 => f * 10.0,
                    3 => -f,
                    _ => f / 2.0,
                };
                *node = if f.fract() == 0.0 && g.fract() == 0.0 && g.abs() < 1e15 { json!(g as i64) } else { json!(g) };
            }
        }
    }
}

/// One byte-level mutation of the text (kept valid UTF-8).
fn mutate_text(rng: &mut ChaCha8Rng, text: &mut String) {
    let mut bytes = std::mem::take(text).into_bytes();
    let len = bytes.len().max(1);
    match rng.random_range(0..6) {
        0 => bytes.truncate(rng.random_range(0..len)),
        1 => {
            let i = rng.random_range(0..len).min(bytes.len());
            let b = [b'{', b'}', b'[', b']', b'"', b',', b':', b'\\', b'-', b'0', b'e', b' ', 0xff]
                [rng.random_range(0..13)];
            bytes.insert(i, b);
        }
        2 => {
            if !bytes.is_empty() {
                let i = rng.random_range(0..bytes.len());
                bytes[i] ^= 1 << rng.random_range(0..8);
            }
        }
        3 => {
            if !bytes.is_empty() {
                let i = rng.random_range(0..bytes.len());
                let j = (i + rng.random_range(1..64)).min(bytes.len());
                bytes.drain(i..j);
            }
        }
        4 => {
            if !bytes.is_empty() {
                let i = rng.random_range(0..bytes.len());
                let j = (i + rng.random_range(1..256)).min(bytes.len());
                let chunk = bytes[i..j].to_vec();
                let k = rng.random_range(0..bytes.len());
                bytes.splice(k..k, chunk);
            }
        }
        _ => bytes.splice(0..0, "\u{feff}".bytes()).for_each(drop),
    }
    *text = String::from_utf8_lossy(&bytes).into_owned();
}

/// The `i`-th fuzz input of a run seeded with `seed`.
pub fn input(seed: u64, i: u64, corpus: &[(String, Value)]) -> String {
    let mut rng = ChaCha8Rng::seed_from_u64(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ i);
    let (_, base) = &corpus[rng.random_range(0..corpus.len())];
    let mut doc = base.clone();
    for _ in 0..rng.random_range(1..=4) {
        mutate_tree(&mut rng, &mut doc);
    }
    let mut text =
        if rng.random_bool(0.5) { doc.to_string() } else { serde_json::to_string_pretty(&doc).unwrap_or_default() };
    if rng.random_bool(0.15) {
        for _ in 0..rng.random_range(1..=3) {
            mutate_text(&mut rng, &mut text);
        }
    }
    text
}

/// What parse + validate did with one input.
#[derive(Debug, PartialEq)]
pub enum Verdict {
    /// Read and valid.
    Valid,
    /// Rejected with problems, each with a pointer and a message.
    Rejected,
    /// Panicked (the message), or a problem without a path or message.
    Bug(String),
}

/// Parses and validates one input, catching panics.
pub fn parse_and_validate(text: &str, limits: &Limits) -> Verdict {
    let run = catch_unwind(AssertUnwindSafe(|| match parse::parse_job_within(text, limits) {
        Err(r) => {
            if r.problems.is_empty() {
                return Verdict::Bug("rejected without a problem".into());
            }
            if let Some(p) = r.problems.iter().find(|p| p.path.is_none() || p.message.trim().is_empty()) {
                return Verdict::Bug(format!("problem without a path or message: {p:?}"));
            }
            Verdict::Rejected
        }
        Ok(job) => {
            let problems = validate::validate_job(&job, limits);
            if let Some(p) = problems.iter().find(|p| p.path.is_none() || p.message.trim().is_empty()) {
                return Verdict::Bug(format!("problem without a path or message: {p:?}"));
            }
            if problems.is_empty() {
                Verdict::Valid
            } else {
                Verdict::Rejected
            }
        }
    }));
    run.unwrap_or_else(|e| {
        let msg = e
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        Verdict::Bug(format!("panic: {msg}"))
    })
}

/// Runs a whole job (solve included), catching panics; the result's status, or the panic.
pub fn run_whole(text: &str, ctx: &jidiao_solver::SolveContext) -> Result<PlanResult, String> {
    catch_unwind(AssertUnwindSafe(|| jidiao_solver::run_job(text, ctx))).map_err(|e| {
        e.downcast_ref::<String>()
            .cloned()
            .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default()
    })
}

/// Whether a status is one a whole run may end in.
pub fn acceptable(status: Status) -> bool {
    !matches!(status, Status::Error)
}
