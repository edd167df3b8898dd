//! Runs the shared conformance vectors in `tests/vectors/` through the engine.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::Value;
use wsgate_core::config::convert;
use wsgate_core::engine::{Session, SessionOptions};
use wsgate_core::{Api, Engine};

/// Cases known to fail, with the reason: (file stem, case description, reason). Empty: all pass.
const EXPECTED_FAILURES: &[(&str, &str, &str)] = &[];

fn vector_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors")
}

fn vector_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for topic in std::fs::read_dir(vector_dir()).unwrap() {
        let topic = topic.unwrap().path();
        if topic.is_dir() {
            for file in std::fs::read_dir(&topic).unwrap() {
                let file = file.unwrap().path();
                if file.extension().is_some_and(|e| e == "json") {
                    files.push(file);
                }
            }
        }
    }
    files.sort();
    files
}

/// `expected` is a subset of `actual`: objects by the keys given, everything else exactly.
fn mismatch(expected: &Value, actual: &Value, path: &str) -> Option<String> {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => e.iter().find_map(|(k, v)| match a.get(k) {
            Some(av) => mismatch(v, av, &format!("{path}.{k}")),
            None => Some(format!("{path}.{k}: missing, expected {v}")),
        }),
        (Value::Array(e), Value::Array(a)) if e.len() == a.len() => e
            .iter()
            .zip(a)
            .enumerate()
            .find_map(|(i, (ev, av))| mismatch(ev, av, &format!("{path}[{i}]"))),
        _ if expected == actual => None,
        _ => Some(format!("{path}: expected {expected}, got {actual}")),
    }
}

fn lookup<'v>(value: &'v Value, dotted: &str) -> Option<&'v Value> {
    dotted.split('.').try_fold(value, |v, key| v.get(key))
}

/// How a case's definition is loaded: as written, or converted to a CloudFormation template (`wsgate convert
/// --to cloudformation`) and read back, which must serve the same API.
#[derive(Clone, Copy, PartialEq)]
enum Through {
    Definition,
    Template,
}

fn load(definition: &Value, through: Through) -> Result<Api, wsgate_core::ConfigError> {
    match through {
        Through::Definition => Api::from_value(definition),
        Through::Template => Api::from_str(&convert::yaml(&convert::to_cloudformation(definition))),
    }
}

fn run_case(doc: &Value, case: &Value, through: Through) -> Result<(), String> {
    let api_json = case.get("api").unwrap_or(&doc["api"]);
    if let (Some(_), Through::Template) = (case.get("problems"), through) {
        // A broken definition has no template to convert to.
        return Ok(());
    }
    if let Some(problems) = case.get("problems").and_then(Value::as_array) {
        let err = match Api::from_value(api_json) {
            Ok(_) => return Err("the definition loaded, but problems were expected".into()),
            Err(e) => e,
        };
        for want in problems {
            let found = err
                .problems
                .iter()
                .any(|p| p.path == want["path"] && p.kind.code() == want["code"]);
            if !found {
                return Err(format!("no problem {want} in: {err}"));
            }
        }
        return Ok(());
    }
    let api = load(api_json, through).map_err(|e| format!("definition: {e}"))?;
    let engine = Arc::new(Engine::new(api));
    let session_json = case
        .get("session")
        .or(doc.get("session"))
        .cloned()
        .unwrap_or_else(|| Value::Object(Default::default()));
    let options: SessionOptions =
        serde_json::from_value(session_json).map_err(|e| format!("session: {e}"))?;
    let mut session = Session::new(engine.clone(), options);
    for (i, step) in case["steps"].as_array().unwrap().iter().enumerate() {
        let actual = session
            .step(step)
            .map(|t| serde_json::to_value(t).unwrap())
            .map_err(|e| format!("step {i}: {e}"))?;
        if let Some(m) = mismatch(&step["expect"], &actual, "trace") {
            return Err(format!("step {i}: {m}\n  whole trace: {actual}"));
        }
        for path in step
            .get("absent")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let path = path.as_str().unwrap();
            if let Some(v) = lookup(&actual, path) {
                return Err(format!("step {i}: {path} should be absent, is {v}"));
            }
        }
    }
    Ok(())
}

#[test]
fn every_vector_passes() {
    run_every_vector(Through::Definition);
}

#[test]
fn every_vector_passes_through_its_cloudformation_template() {
    run_every_vector(Through::Template);
}

fn run_every_vector(through: Through) {
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(vector_dir().join("schema.json")).unwrap())
            .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let mut failures = Vec::new();
    let mut passed = 0;
    let files = vector_files();
    assert!(
        files.len() >= 8,
        "vectors not found in {}",
        vector_dir().display()
    );
    for file in files {
        let stem = file.file_stem().unwrap().to_string_lossy().to_string();
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        if let Some(error) = validator.iter_errors(&doc).next() {
            failures.push(format!(
                "{}: not a valid vector file: {error} at {}",
                file.display(),
                error.instance_path()
            ));
            continue;
        }
        for case in doc["cases"].as_array().unwrap() {
            let description = case["description"].as_str().unwrap();
            let expected_failure = EXPECTED_FAILURES
                .iter()
                .any(|(f, c, _)| *f == stem && *c == description);
            match (run_case(&doc, case, through), expected_failure) {
                (Ok(()), false) => passed += 1,
                (Err(_), true) => {}
                (Ok(()), true) => failures.push(format!(
                    "{stem}: {description}: passes; remove it from EXPECTED_FAILURES"
                )),
                (Err(e), false) => failures.push(format!("{stem}: {description}: {e}")),
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failed:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
    assert!(passed > 50, "only {passed} cases ran");
}
