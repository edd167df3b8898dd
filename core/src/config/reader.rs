//! The typed reader the loader is built on: objects with their paths, strings, integers, selection expressions and
//! templates, each read once; every problem reported with its file and line, and an unknown field with the nearest
//! known name.

use std::collections::{BTreeMap, HashMap};

use serde_json::{Map, Value};

use super::source::{self, join};
use super::*;

/// A problem at `path` (and `line` of `file`), its message made from its kind.
pub fn problem(
    file: Option<String>,
    path: String,
    line: Option<u32>,
    kind: ProblemKind,
) -> Problem {
    Problem {
        file,
        path,
        line,
        message: kind.to_string(),
        kind,
    }
}

/// Reads one definition, collecting every problem instead of stopping at the first.
pub(super) struct Loader {
    pub(super) file: Option<String>,
    pub(super) lines: HashMap<String, u32>,
    pub(super) problems: Vec<Problem>,
}

/// An object of the definition being read, with its path for problems.
pub(super) struct Fields<'v> {
    pub(super) map: &'v Map<String, Value>,
    pub(super) path: String,
}

impl<'v> Fields<'v> {
    pub(super) fn get(&self, key: &str) -> Option<&'v Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    pub(super) fn at(&self, key: &str) -> String {
        join(&self.path, key)
    }
}

impl Loader {
    pub(super) fn report(&mut self, path: &str, kind: ProblemKind) {
        let line = source::line_of(&self.lines, path);
        self.problems
            .push(problem(self.file.clone(), path.to_string(), line, kind));
    }

    /// Whether a problem was already reported at `path` or inside it.
    pub(super) fn reported_under(&self, path: &str) -> bool {
        self.problems.iter().any(|p| {
            p.path
                .strip_prefix(path)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
        })
    }

    pub(super) fn invalid(&mut self, path: &str, message: impl Into<String>) {
        self.report(
            path,
            ProblemKind::InvalidValue {
                detail: message.into(),
            },
        );
    }

    pub(super) fn wrong_type(&mut self, path: &str, expected: &str) {
        self.report(
            path,
            ProblemKind::InvalidType {
                expected: expected.to_string(),
            },
        );
    }

    /// An object whose fields must all be in `known`.
    pub(super) fn object<'v>(
        &mut self,
        value: &'v Value,
        path: &str,
        known: &[&str],
    ) -> Option<Fields<'v>> {
        let Value::Object(map) = value else {
            self.wrong_type(path, "a mapping");
            return None;
        };
        for key in map.keys() {
            if !known.contains(&key.as_str()) {
                let suggestion = nearest(key, known);
                self.report(
                    &join(path, key),
                    ProblemKind::UnknownField {
                        field: key.clone(),
                        suggestion,
                    },
                );
            }
        }
        Some(Fields {
            map,
            path: path.to_string(),
        })
    }

    /// The entries of a mapping keyed by user-chosen names (routes, models, templates), with their paths.
    pub(super) fn entries<'v>(
        &mut self,
        fields: &Fields<'v>,
        key: &str,
    ) -> Vec<(String, &'v Value, String)> {
        match fields.get(key) {
            None => Vec::new(),
            Some(Value::Object(map)) => map
                .iter()
                .map(|(k, v)| (k.clone(), v, join(&fields.at(key), k)))
                .collect(),
            Some(_) => {
                self.wrong_type(&fields.at(key), "a mapping");
                Vec::new()
            }
        }
    }

    pub(super) fn string(&mut self, fields: &Fields<'_>, key: &str) -> Option<String> {
        match fields.get(key)? {
            Value::String(s) => Some(s.clone()),
            _ => {
                self.wrong_type(&fields.at(key), "a string");
                None
            }
        }
    }

    /// A boolean; `"true"` and `"false"` too, as CloudFormation takes them.
    pub(super) fn boolean(&mut self, fields: &Fields<'_>, key: &str) -> Option<bool> {
        match fields.get(key)? {
            Value::Bool(b) => Some(*b),
            Value::String(s) if s == "true" || s == "false" => Some(s == "true"),
            _ => {
                self.wrong_type(&fields.at(key), "true or false");
                None
            }
        }
    }

    pub(super) fn required_string(&mut self, fields: &Fields<'_>, key: &str) -> Option<String> {
        if fields.get(key).is_none() {
            self.report(
                &fields.path,
                ProblemKind::MissingField {
                    field: key.to_string(),
                },
            );
            return None;
        }
        self.string(fields, key)
    }

    pub(super) fn integer(
        &mut self,
        fields: &Fields<'_>,
        key: &str,
        min: i64,
        max: i64,
    ) -> Option<i64> {
        let value = fields.get(key)?;
        let Some(n) = value.as_f64() else {
            self.wrong_type(&fields.at(key), "a number");
            return None;
        };
        if n.fract() != 0.0 || n < min as f64 || n > max as f64 {
            self.report(
                &fields.at(key),
                ProblemKind::OutOfRange { value: n, min, max },
            );
            return None;
        }
        Some(n as i64)
    }

    pub(super) fn expression(
        &mut self,
        fields: &Fields<'_>,
        key: &str,
    ) -> Option<SelectionExpression> {
        let source = self.string(fields, key)?;
        match SelectionExpression::parse(&source) {
            Ok(e) => Some(e),
            Err(message) => {
                self.report(
                    &fields.at(key),
                    ProblemKind::InvalidSelectionExpression { detail: message },
                );
                None
            }
        }
    }

    /// A known field wsgate does not emulate: fine only when absent or at AWS's default.
    pub(super) fn unsupported(
        &mut self,
        fields: &Fields<'_>,
        key: &str,
        is_default: impl Fn(&Value) -> bool,
        default: &str,
    ) {
        if let Some(value) = fields.get(key) {
            if !is_default(value) {
                self.report(
                    &fields.at(key),
                    ProblemKind::UnsupportedFeature {
                        field: key.to_string(),
                        default: default.to_string(),
                    },
                );
            }
        }
    }

    pub(super) fn templates(
        &mut self,
        fields: &Fields<'_>,
        key: &str,
    ) -> BTreeMap<String, Template> {
        let mut templates = BTreeMap::new();
        for (name, value, path) in self.entries(fields, key) {
            let Value::String(text) = value else {
                self.wrong_type(&path, "a template string");
                continue;
            };
            match Template::parse(text) {
                Ok(t) => {
                    templates.insert(name, t);
                }
                Err(e) => self.report(
                    &path,
                    ProblemKind::InvalidTemplate {
                        detail: e.message,
                        template_line: e.line,
                        template_column: e.column,
                    },
                ),
            }
        }
        templates
    }
}

pub(super) fn is_empty(v: &Value) -> bool {
    match v {
        Value::Object(m) => m.is_empty(),
        Value::Array(a) => a.is_empty(),
        _ => false,
    }
}

/// The known name closest to an unknown one, if any is close (edit distance ≤ 3, or equal ignoring case).
pub(super) fn nearest(
    word: &str,
    known: impl IntoIterator<Item = impl AsRef<str>>,
) -> Option<String> {
    known
        .into_iter()
        .map(|k| {
            let distance = strsim::levenshtein(&word.to_lowercase(), &k.as_ref().to_lowercase());
            (distance, k.as_ref().to_string())
        })
        .filter(|(d, _)| *d <= 3)
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

#[cfg(test)]
mod tests {
    use super::super::fields::{INTEGRATION_FIELDS, ROUTE_FIELDS};
    use super::*;

    #[test]
    pub(super) fn nearest_names() {
        assert_eq!(
            nearest("integrationURI", INTEGRATION_FIELDS).as_deref(),
            Some("integrationUri")
        );
        assert_eq!(nearest("targt", ROUTE_FIELDS).as_deref(), Some("target"));
        assert_eq!(nearest("zzzzzzzz", ROUTE_FIELDS), None);
    }
}
