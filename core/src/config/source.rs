//! Reading a definition's text (YAML or JSON) into a JSON value plus the line on which each path starts.
//!
//! JSON is read by the YAML parser too (YAML 1.2 is a superset of JSON), so both formats report lines the same way.
//! CloudFormation's short-form tags become the long form they stand for, as CloudFormation reads them: `!Ref X` is
//! `{"Ref": "X"}`, `!GetAtt A.B` is `{"Fn::GetAtt": ["A", "B"]}`, `!Sub ...` is `{"Fn::Sub": ...}`
//! (docs/behaviour.md §13).

use std::collections::HashMap;

use serde_json::{Map, Number, Value};
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser, Tag};
use yaml_rust2::scanner::{Marker, TScalarStyle};
use yaml_rust2::Yaml;

/// A parsed document: its value and the 1-based line where each dotted path (`routes.join.target`) begins.
pub struct Document {
    pub value: Value,
    pub lines: HashMap<String, u32>,
}

/// Why the text could not be read at all.
pub struct SyntaxError {
    pub line: Option<u32>,
    pub message: String,
}

/// Parses YAML or JSON text.
pub fn parse(text: &str) -> Result<Document, SyntaxError> {
    let mut builder = Builder::default();
    Parser::new_from_str(text)
        .load(&mut builder, false)
        .map_err(|e| SyntaxError {
            line: Some(e.marker().line() as u32),
            message: e.info().to_string(),
        })?;
    if let Some(message) = builder.error {
        return Err(SyntaxError {
            line: builder.error_line,
            message,
        });
    }
    Ok(Document {
        value: builder.root.unwrap_or(Value::Null),
        lines: builder.lines,
    })
}

/// The line of a dotted path, or of its nearest ancestor that has one.
pub fn line_of(lines: &HashMap<String, u32>, path: &str) -> Option<u32> {
    let mut p = path;
    loop {
        if let Some(line) = lines.get(p) {
            return Some(*line);
        }
        p = &p[..p.rfind('.')?];
    }
}

/// Joins a parent path and a key the way config errors print it.
pub fn join(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_string()
    } else {
        format!("{parent}.{key}")
    }
}

enum Collection {
    Map {
        map: Map<String, Value>,
        pending_key: Option<String>,
    },
    Seq(Vec<Value>),
}

struct Frame {
    collection: Collection,
    path: String,
    anchor: usize,
    /// The long-form key of a short-form tag on this collection (`Fn::Join` for `!Join [...]`).
    intrinsic: Option<String>,
}

/// The long-form key a CloudFormation short-form tag stands for; `None` for YAML's own tags (`!!str`).
fn intrinsic(tag: Option<&Tag>) -> Option<String> {
    let tag = tag.filter(|t| t.handle == "!")?;
    Some(match tag.suffix.as_str() {
        "Ref" | "Condition" => tag.suffix.clone(),
        long if long.starts_with("Fn::") => tag.suffix.clone(),
        other => format!("Fn::{other}"),
    })
}

/// `{"<key>": value}`; `!GetAtt A.B` written as one scalar is `["A", "B"]`, split at the first dot.
fn wrap(key: String, value: Value) -> Value {
    let value = match (key.as_str(), value) {
        ("Fn::GetAtt", Value::String(text)) => match text.split_once('.') {
            Some((resource, attribute)) => Value::from(vec![resource, attribute]),
            None => Value::String(text),
        },
        (_, value) => value,
    };
    Value::Object(Map::from_iter([(key, value)]))
}

#[derive(Default)]
struct Builder {
    stack: Vec<Frame>,
    root: Option<Value>,
    lines: HashMap<String, u32>,
    anchors: HashMap<usize, Value>,
    error: Option<String>,
    error_line: Option<u32>,
}

impl Builder {
    /// The path a value arriving now would have, or None when it is a mapping key.
    fn next_path(&self) -> Option<String> {
        let Some(frame) = self.stack.last() else {
            return Some(String::new());
        };
        match &frame.collection {
            Collection::Map { pending_key, .. } => {
                pending_key.as_ref().map(|k| join(&frame.path, k))
            }
            Collection::Seq(items) => Some(join(&frame.path, &items.len().to_string())),
        }
    }

    fn fail(&mut self, line: usize, message: String) {
        if self.error.is_none() {
            self.error = Some(message);
            self.error_line = Some(line as u32);
        }
    }

    fn finish_value(&mut self, value: Value, anchor: usize, line: usize) {
        if anchor > 0 {
            self.anchors.insert(anchor, value.clone());
        }
        let Some(frame) = self.stack.last_mut() else {
            self.root = Some(value);
            return;
        };
        match &mut frame.collection {
            Collection::Seq(items) => items.push(value),
            Collection::Map { map, pending_key } => match pending_key.take() {
                Some(key) => {
                    map.insert(key, value);
                }
                None => {
                    // A key: only scalars make sense as keys of an API definition.
                    let key = match value {
                        Value::String(s) => s,
                        Value::Null => String::new(),
                        Value::Bool(_) | Value::Number(_) => value.to_string(),
                        _ => return self.fail(line, "a mapping key must be a scalar".into()),
                    };
                    if map.contains_key(&key) {
                        return self.fail(line, format!("duplicate key `{key}`"));
                    }
                    // The key's own line is where users look for the value's problems.
                    self.lines
                        .entry(join(&frame.path, &key))
                        .or_insert(line as u32);
                    *pending_key = Some(key);
                }
            },
        }
    }
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        if self.error.is_some() {
            return;
        }
        let line = mark.line();
        match ev {
            Event::MappingStart(anchor, ref tag) | Event::SequenceStart(anchor, ref tag) => {
                let Some(mut path) = self.next_path() else {
                    return self.fail(line, "a mapping key must be a scalar".into());
                };
                self.lines.entry(path.clone()).or_insert(line as u32);
                let intrinsic = intrinsic(tag.as_ref());
                if let Some(key) = &intrinsic {
                    // The items sit under the long form's key, as in the value built.
                    path = join(&path, key);
                    self.lines.entry(path.clone()).or_insert(line as u32);
                }
                let collection = if matches!(ev, Event::MappingStart(..)) {
                    Collection::Map {
                        map: Map::new(),
                        pending_key: None,
                    }
                } else {
                    Collection::Seq(Vec::new())
                };
                self.stack.push(Frame {
                    collection,
                    path,
                    anchor,
                    intrinsic,
                });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                let Some(frame) = self.stack.pop() else {
                    return;
                };
                let mut value = match frame.collection {
                    Collection::Map { map, .. } => Value::Object(map),
                    Collection::Seq(items) => Value::Array(items),
                };
                if let Some(key) = frame.intrinsic {
                    value = wrap(key, value);
                }
                self.finish_value(value, frame.anchor, line);
            }
            Event::Scalar(text, style, anchor, tag) => {
                let path = self.next_path();
                if let Some(path) = &path {
                    self.lines.entry(path.clone()).or_insert(line as u32);
                }
                if let Some(key) = intrinsic(tag.as_ref()) {
                    if let Some(path) = &path {
                        self.lines.entry(join(path, &key)).or_insert(line as u32);
                    }
                    // A tagged scalar is its text (`!Ref 200` names the resource `200`), but for an empty `!Ref`.
                    return self.finish_value(wrap(key, Value::String(text)), anchor, line);
                }
                let explicit_string = tag.as_ref().is_some_and(|t| t.suffix == "str");
                let value = if style == TScalarStyle::Plain && !explicit_string {
                    match Yaml::from_str(&text) {
                        Yaml::Null => Value::Null,
                        Yaml::Boolean(b) => Value::Bool(b),
                        Yaml::Integer(i) => Value::Number(i.into()),
                        Yaml::Real(r) => r
                            .parse::<f64>()
                            .ok()
                            .and_then(Number::from_f64)
                            .map_or(Value::String(text), Value::Number),
                        _ => Value::String(text),
                    }
                } else {
                    Value::String(text)
                };
                self.finish_value(value, anchor, line);
            }
            Event::Alias(id) => match self.anchors.get(&id).cloned() {
                Some(value) => self.finish_value(value, 0, line),
                None => self.fail(line, "unknown alias".into()),
            },
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_and_json_give_the_same_value_and_lines() {
        let yaml = parse("a:\n  b: 1\n  c: [x, 'y']\nd: true\n").ok().unwrap();
        let json = parse("{\n\"a\": {\"b\": 1,\n \"c\": [\"x\", \"y\"]},\n\"d\": true}")
            .ok()
            .unwrap();
        assert_eq!(yaml.value, json.value);
        assert_eq!(yaml.lines["a.b"], 2);
        assert_eq!(yaml.lines["a.c.1"], 3);
        assert_eq!(json.lines["a.c"], 3);
        assert_eq!(json.lines["d"], 4);
    }

    #[test]
    fn anchors_and_aliases_copy_values() {
        let doc = parse("a: &x {k: 1}\nb: *x\n").ok().unwrap();
        assert_eq!(doc.value["b"]["k"], 1);
    }

    #[test]
    fn syntax_errors_and_duplicate_keys_have_lines() {
        let err = parse("a: [1, 2\nb: 3\n").err().unwrap();
        assert!(err.line.is_some());
        let err = parse("a: 1\na: 2\n").err().unwrap();
        assert_eq!(err.message, "duplicate key `a`");
        assert_eq!(err.line, Some(2));
    }

    #[test]
    fn short_form_tags_are_the_long_form() {
        let doc = parse(
            "a: !Ref X\nb: !GetAtt Fn.Arn\nc: !Join\n  - '/'\n  - [integrations, !Ref I]\n\
             d: !Sub\n  - '${x}'\n  - x: !GetAtt [A, B]\ne: !!str 1\nf: !Equals [!Ref P, 'y']\n",
        )
        .ok()
        .unwrap();
        let expected: Value = serde_json::from_str(
            r#"{"a": {"Ref": "X"}, "b": {"Fn::GetAtt": ["Fn", "Arn"]},
                "c": {"Fn::Join": ["/", ["integrations", {"Ref": "I"}]]},
                "d": {"Fn::Sub": ["${x}", {"x": {"Fn::GetAtt": ["A", "B"]}}]}, "e": "1",
                "f": {"Fn::Equals": [{"Ref": "P"}, "y"]}}"#,
        )
        .unwrap();
        assert_eq!(doc.value, expected);
        assert_eq!(doc.lines["c.Fn::Join.1.1"], 5);
        assert_eq!(doc.lines["d.Fn::Sub.1.x"], 8);
    }

    #[test]
    fn quoted_scalars_stay_strings() {
        let doc = parse("a: '200'\nb: 200\n").ok().unwrap();
        assert_eq!(doc.value["a"], "200");
        assert_eq!(doc.value["b"], 200);
    }
}
