//! The shapes of the values every binding passes as plain data (the trace, a step, the session, simulate and serve
//! options, a problem), written for TypeScript (`bindings-node/contract.d.ts`) and Python
//! (`bindings-python/python/wsgate/contract.py`) from the Rust types' JSON Schemas, so that no binding declares them
//! by hand. A test: it fails when a committed file differs from what the Rust types say;
//! `WSGATE_WRITE_CONTRACT=1 cargo test -p wsgate-core --lib contract_types` rewrites them.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::Path;

use schemars::generate::{Contract, SchemaSettings};
use schemars::JsonSchema;
use serde_json::{Map, Value};

use strum::VariantNames;

use crate::config::{RegistrationError, TemplateOptions};
use crate::engine::{LambdaContext, SessionError, SessionOptions, SimulateOptions, Step, Trace};
use crate::server::ServeOptions;
use crate::Problem;

/// One named type: its JSON Schema, with `$ref`s into the shared definitions.
struct Named {
    name: String,
    schema: Value,
}

/// The named types, in the order written, and the definitions they refer to.
struct Shapes {
    roots: Vec<Named>,
    defs: BTreeMap<String, Value>,
}

impl Shapes {
    fn new() -> Self {
        Self {
            roots: Vec::new(),
            defs: BTreeMap::new(),
        }
    }

    /// Adds `T` as it is serialized (what wsgate returns) or deserialized (what wsgate accepts).
    fn add<T: JsonSchema>(mut self, contract: Contract) -> Self {
        let mut settings = SchemaSettings::draft2020_12();
        settings.contract = contract;
        let mut schema = settings
            .into_generator()
            .into_root_schema_for::<T>()
            .to_value();
        let object = schema.as_object_mut().expect("an object schema");
        for key in ["$schema", "title"] {
            object.remove(key);
        }
        if let Some(Value::Object(defs)) = object.remove("$defs") {
            for (name, def) in defs {
                let known = self.defs.insert(name.clone(), def.clone());
                assert!(known.is_none_or(|k| k == def), "two types named {name}");
            }
        }
        self.roots.push(Named {
            name: T::schema_name().into_owned(),
            schema,
        });
        self
    }

    /// Adds the codes of an error (`strum::VariantNames`) as a union of strings.
    fn codes(mut self, name: &str, description: &str, codes: &[&str]) -> Self {
        self.roots.push(Named {
            name: name.to_string(),
            schema: serde_json::json!({"description": description, "type": "string", "enum": codes}),
        });
        self
    }

    /// Every named type, definitions first (Python evaluates a union's members when it is defined).
    fn all(&self) -> impl Iterator<Item = (&str, &Value)> {
        let defs = self
            .defs
            .iter()
            .map(|(name, schema)| (name.as_str(), schema));
        defs.chain(self.roots.iter().map(|n| (n.name.as_str(), &n.schema)))
    }
}

fn variants(schema: &Value) -> Option<&Vec<Value>> {
    schema
        .get("oneOf")
        .or_else(|| schema.get("anyOf"))
        .and_then(Value::as_array)
}

fn properties(schema: &Value) -> Option<&Map<String, Value>> {
    schema.get("properties").and_then(Value::as_object)
}

fn required(schema: &Value, key: &str) -> bool {
    schema
        .get("required")
        .and_then(Value::as_array)
        .is_some_and(|r| r.iter().any(|k| k == key))
}

fn description(schema: &Value) -> Option<&str> {
    schema.get("description").and_then(Value::as_str)
}

/// The types in JSON's own words, one per `type` entry.
fn types(schema: &Value) -> Vec<&str> {
    match schema.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

fn ref_name(schema: &Value) -> Option<&str> {
    schema
        .get("$ref")
        .and_then(Value::as_str)
        .map(|r| r.trim_start_matches("#/$defs/"))
}

fn literals(schema: &Value) -> Option<Vec<Value>> {
    if let Some(c) = schema.get("const") {
        return Some(vec![c.clone()]);
    }
    schema.get("enum").and_then(Value::as_array).cloned()
}

/// `unknownField` → `UnknownField`, `unknown_field` → `UnknownField`.
fn pascal(text: &str) -> String {
    text.split('_')
        .map(|part| {
            let mut chars = part.chars();
            chars.next().map_or(String::new(), |c| {
                c.to_uppercase().chain(chars).collect::<String>()
            })
        })
        .collect()
}

/// The name of one variant of a union of objects: its tag's value (`code: "unknown_field"`), or its one key.
fn variant_name(parent: &str, variant: &Value) -> String {
    let props = properties(variant).expect("an object variant");
    let tag = props
        .values()
        .find_map(|p| p.get("const").and_then(Value::as_str));
    let key = props.keys().next().expect("a key");
    format!("{parent}{}", pascal(tag.unwrap_or(key)))
}

mod typescript {
    use super::*;

    fn doc(out: &mut String, indent: &str, text: Option<&str>) {
        let Some(text) = text else { return };
        let lines: Vec<&str> = text.lines().collect();
        if let [line] = lines[..] {
            let _ = writeln!(out, "{indent}/** {line} */");
        } else {
            let _ = writeln!(out, "{indent}/**");
            for line in lines {
                let _ = writeln!(out, "{indent} * {line}");
            }
            let _ = writeln!(out, "{indent} */");
        }
    }

    fn object(schema: &Value, indent: &str) -> String {
        let mut out = String::from("{\n");
        let inner = format!("{indent}  ");
        for (key, property) in properties(schema).into_iter().flatten() {
            doc(&mut out, &inner, description(property));
            let optional = if required(schema, key) { "" } else { "?" };
            let _ = writeln!(out, "{inner}{key}{optional}: {}", ty(property, &inner));
        }
        out + indent + "}"
    }

    pub fn ty(schema: &Value, indent: &str) -> String {
        if let Some(name) = ref_name(schema) {
            return name.to_string();
        }
        if let Some(literals) = literals(schema) {
            return literals
                .iter()
                .map(Value::to_string)
                .collect::<Vec<_>>()
                .join(" | ");
        }
        if let Some(variants) = variants(schema) {
            let union: Vec<String> = variants.iter().map(|v| ty(v, indent)).collect();
            let union = union.join(" | ");
            return match properties(schema) {
                Some(_) => format!("{} & ({union})", object(schema, indent)),
                None => union,
            };
        }
        let types = types(schema);
        if types.is_empty() {
            return "unknown".into();
        }
        let union: Vec<String> = types
            .into_iter()
            .map(|t| match t {
                "string" => "string".to_string(),
                "integer" | "number" => "number".into(),
                "boolean" => "boolean".into(),
                "null" => "null".into(),
                "array" => format!("Array<{}>", ty(&schema["items"], indent)),
                "object" if properties(schema).is_some() => object(schema, indent),
                "object" => match schema.get("additionalProperties") {
                    Some(Value::Object(values)) => {
                        format!(
                            "Record<string, {}>",
                            ty(&Value::Object(values.clone()), indent)
                        )
                    }
                    _ => "Record<string, unknown>".into(),
                },
                other => panic!("no TypeScript for JSON Schema type {other}"),
            })
            .collect();
        union.join(" | ")
    }

    pub fn write(contract: &Shapes) -> String {
        let mut out = String::from(HEADER);
        for (name, schema) in contract.all() {
            out.push('\n');
            doc(&mut out, "", description(schema));
            let is_interface = properties(schema).is_some() && variants(schema).is_none();
            if is_interface {
                let _ = writeln!(out, "export interface {name} {}", object(schema, ""));
            } else {
                let _ = writeln!(out, "export type {name} = {}", ty(schema, ""));
            }
        }
        out
    }

    const HEADER: &str = "/* Generated from wsgate's Rust types by core/src/contract_types.rs: do not edit. The shapes of the \
                          values the API\n   takes and returns as plain objects, the same in every language. */\n";
}

mod python {
    use super::*;

    fn doc(out: &mut String, indent: &str, text: Option<&str>) {
        if let Some(text) = text {
            let text = text
                .replace('\\', "\\\\")
                .replace('\n', &format!("\n{indent}"));
            let _ = writeln!(out, "{indent}\"\"\"{text}\"\"\"");
        }
    }

    pub fn ty(schema: &Value) -> String {
        match &members(schema)[..] {
            [] => "Any".into(),
            [one] => one.clone(),
            many => format!("Union[{}]", many.join(", ")),
        }
    }

    /// The members of the union a schema is (one for a plain type). Literals are one each, `Literal["a"]`, not
    /// `Literal["a", "b"]`: at runtime that is the Union mypy sees, as its stubtest checks.
    fn members(schema: &Value) -> Vec<String> {
        if let Some(name) = ref_name(schema) {
            return vec![format!("\"{name}\"")];
        }
        if let Some(literals) = literals(schema) {
            return literals.iter().map(|l| format!("Literal[{l}]")).collect();
        }
        if let Some(variants) = variants(schema) {
            return variants.iter().flat_map(members).collect();
        }
        types(schema)
            .into_iter()
            .map(|t| match t {
                "string" => "str".to_string(),
                "integer" => "int".into(),
                "number" => "float".into(),
                "boolean" => "bool".into(),
                "null" => "None".into(),
                "array" => format!("List[{}]", ty(&schema["items"])),
                "object" => "Dict[str, Any]".into(),
                other => panic!("no Python for JSON Schema type {other}"),
            })
            .collect()
    }

    /// A TypedDict: the required keys in a class of their own when some keys are optional, as `NotRequired` is
    /// newer than the Pythons wsgate supports.
    fn typed_dict(
        out: &mut String,
        name: &str,
        base: Option<&str>,
        schema: &Value,
        documented: bool,
    ) {
        let props = properties(schema).cloned().unwrap_or_default();
        let (must, may): (Vec<_>, Vec<_>) = props.iter().partition(|(k, _)| required(schema, k));
        let keys = |out: &mut String, keys: &[(&String, &Value)]| {
            for (key, property) in keys {
                let _ = writeln!(out, "    {key}: {}", ty(property));
                doc(out, "    ", description(property));
            }
        };
        let base = base.unwrap_or("TypedDict");
        let class = |out: &mut String, name: &str, bases: &str, doc_text: Option<&str>| {
            let _ = writeln!(out, "\n\nclass {name}({bases}):");
            doc(out, "    ", doc_text.filter(|_| documented));
        };
        match (must.is_empty(), may.is_empty()) {
            (_, true) => {
                class(out, name, base, description(schema));
                keys(out, &must);
                if must.is_empty() {
                    out.push_str("    pass\n");
                }
            }
            (true, false) => {
                class(
                    out,
                    name,
                    &format!("{base}, total=False"),
                    description(schema),
                );
                keys(out, &may);
            }
            (false, false) => {
                let required_part = format!("_{name}Required");
                class(out, &required_part, base, None);
                keys(out, &must);
                class(
                    out,
                    name,
                    &format!("{required_part}, total=False"),
                    description(schema),
                );
                keys(out, &may);
            }
        }
    }

    pub fn write(contract: &Shapes) -> String {
        let mut out = String::from(HEADER);
        for (name, schema) in contract.all() {
            let objects = variants(schema).filter(|v| v.iter().all(|v| properties(v).is_some()));
            match (properties(schema), objects) {
                (_, Some(variants)) => {
                    // A union of objects, each with the keys all of them share.
                    let shared = format!("_{name}Shared");
                    let has_shared = properties(schema).is_some();
                    if has_shared {
                        typed_dict(&mut out, &shared, None, schema, false);
                    }
                    let mut names = Vec::new();
                    for variant in variants {
                        let variant_name = variant_name(name, variant);
                        let base = has_shared.then_some(shared.as_str());
                        typed_dict(&mut out, &variant_name, base, variant, true);
                        names.push(variant_name);
                    }
                    let _ = writeln!(out, "\n\n{name} = Union[{}]", names.join(", "));
                    doc(&mut out, "", description(schema));
                }
                (Some(_), None) => typed_dict(&mut out, name, None, schema, true),
                (None, None) => {
                    let _ = writeln!(out, "\n\n{name} = {}", ty(schema));
                    doc(&mut out, "", description(schema));
                }
            }
        }
        out
    }

    const HEADER: &str = "\"\"\"Generated from wsgate's Rust types by core/src/contract_types.rs: do not edit. The shapes \
                          of the values the API\ntakes and returns as dicts, the same in every language.\"\"\"\n\n\
                          from typing import Any, Dict, List, Literal, TypedDict, Union\n";
}

/// Compares `text` with the committed file, or rewrites it when asked.
fn check(path: &str, text: &str) -> Option<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(path);
    if std::env::var_os("WSGATE_WRITE_CONTRACT").is_some() {
        std::fs::write(&path, text).expect("write the contract types");
        return None;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    (committed != text).then(|| format!("{} is not what the Rust types say", path.display()))
}

const SESSION_ERROR: &str = "SessionErrorCode";
const SESSION_ERROR_TEXT: &str =
    "Why a simulated connection cannot run a step: a SessionError's code.";
const REGISTRATION_ERROR: &str = "RegistrationErrorCode";
const REGISTRATION_ERROR_TEXT: &str =
    "Why a handler cannot serve what it was registered for: a RegistrationError's code.";

#[test]
fn the_bindings_types_are_the_rust_types() {
    let accepted = Contract::Deserialize;
    let returned = Contract::Serialize;
    let node = Shapes::new()
        .add::<Trace>(returned.clone())
        .add::<Step>(accepted.clone())
        .add::<SessionOptions>(accepted.clone())
        .add::<SimulateOptions>(accepted.clone())
        .add::<ServeOptions>(accepted.clone())
        .add::<TemplateOptions>(accepted.clone())
        .add::<Problem>(returned.clone())
        .add::<LambdaContext>(returned.clone())
        .codes(SESSION_ERROR, SESSION_ERROR_TEXT, SessionError::VARIANTS)
        .codes(
            REGISTRATION_ERROR,
            REGISTRATION_ERROR_TEXT,
            RegistrationError::VARIANTS,
        );
    // Python takes simulate's and serve's options as keyword arguments, and has Problem as a dataclass.
    let python = Shapes::new()
        .add::<Trace>(returned)
        .add::<Step>(accepted.clone())
        .add::<SessionOptions>(accepted.clone())
        .add::<TemplateOptions>(accepted)
        .codes(SESSION_ERROR, SESSION_ERROR_TEXT, SessionError::VARIANTS)
        .codes(
            REGISTRATION_ERROR,
            REGISTRATION_ERROR_TEXT,
            RegistrationError::VARIANTS,
        );
    let stale: Vec<String> = [
        check("bindings-node/contract.d.ts", &typescript::write(&node)),
        check(
            "bindings-python/python/wsgate/contract.py",
            &python::write(&python),
        ),
    ]
    .into_iter()
    .flatten()
    .collect();
    assert!(
        stale.is_empty(),
        "{}; run WSGATE_WRITE_CONTRACT=1 cargo test -p wsgate-core --lib contract_types",
        stale.join("; ")
    );
}
