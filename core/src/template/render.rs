//! Rendering a parsed template against one request: `$context`, `$input`, `$util`, `$stageVariables`, user
//! variables, with a step budget and output cap so no template runs long or grows without bound.

use std::borrow::Cow;
use std::collections::HashMap;

use base64::Engine as _;
use serde_json::{Map, Value};
use serde_json_path::JsonPath;

use crate::selection::compile_json_path;

use super::parse::{Accessor, BinOp, Expr, Node, Reference};
use super::{RenderError, Scope};
use crate::stringify;

/// `#foreach` stops after this many iterations (API Gateway's VTL quota).
pub const MAX_FOREACH: usize = 1000;
/// Evaluation steps one rendering may take.
const MAX_STEPS: usize = 1_000_000;
/// Bytes of output or of any one string value.
pub const MAX_TEXT: usize = 4 << 20;

pub struct Renderer<'s> {
    scope: &'s Scope<'s>,
    vars: HashMap<String, Value>,
    steps: usize,
}

enum Flow {
    Normal,
    Break,
}

impl<'s> Renderer<'s> {
    pub fn new(scope: &'s Scope<'s>) -> Self {
        Self {
            scope,
            vars: HashMap::new(),
            steps: 0,
        }
    }

    fn tick(&mut self) -> Result<(), RenderError> {
        self.steps += 1;
        if self.steps > MAX_STEPS {
            return Err(RenderError(
                "template evaluation exceeded its step budget".into(),
            ));
        }
        Ok(())
    }

    pub fn render(&mut self, nodes: &[Node], out: &mut String) -> Result<(), RenderError> {
        self.nodes(nodes, out).map(|_| ())
    }

    fn nodes(&mut self, nodes: &[Node], out: &mut String) -> Result<Flow, RenderError> {
        for node in nodes {
            self.tick()?;
            match node {
                Node::Text(text) => out.push_str(text),
                Node::Ref(r) => {
                    let value = self.reference(r)?;
                    match value.as_ref() {
                        Value::Null if r.quiet => {}
                        Value::Null => out.push_str(&r.source),
                        v => crate::stringify::write_java(v, out),
                    }
                }
                Node::Set(target, expr) => {
                    let value = self.expr(expr)?;
                    self.set(target, value);
                }
                Node::If(branches, otherwise) => {
                    let mut chosen = otherwise;
                    for (cond, body) in branches {
                        if truthy(&self.expr(cond)?) {
                            chosen = body;
                            break;
                        }
                    }
                    if let Flow::Break = self.nodes(chosen, out)? {
                        return Ok(Flow::Break);
                    }
                }
                Node::Foreach(var, list, body) => self.foreach(var, list, body, out)?,
                Node::Break => return Ok(Flow::Break),
            }
            check_size(out)?;
        }
        Ok(Flow::Normal)
    }

    fn foreach(
        &mut self,
        var: &str,
        list: &Expr,
        body: &[Node],
        out: &mut String,
    ) -> Result<(), RenderError> {
        let items = match self.expr(list)? {
            Value::Array(items) => items,
            Value::Object(map) => map.into_iter().map(|(_, v)| v).collect(),
            Value::Null => Vec::new(),
            other => vec![other],
        };
        let saved_var = self.vars.remove(var);
        let saved_loop = self.vars.remove("foreach");
        let count = items.len().min(MAX_FOREACH);
        for (index, item) in items.into_iter().take(MAX_FOREACH).enumerate() {
            self.vars.insert(var.to_string(), item);
            let mut state = Map::new();
            state.insert("index".into(), index.into());
            state.insert("count".into(), (index + 1).into());
            state.insert("hasNext".into(), (index + 1 < count).into());
            state.insert("first".into(), (index == 0).into());
            state.insert("last".into(), (index + 1 == count).into());
            self.vars.insert("foreach".into(), Value::Object(state));
            self.vars.insert("velocityCount".into(), (index + 1).into());
            if let Flow::Break = self.nodes(body, out)? {
                break;
            }
        }
        restore(&mut self.vars, var, saved_var);
        restore(&mut self.vars, "foreach", saved_loop);
        Ok(())
    }

    fn set(&mut self, target: &Reference, value: Value) {
        if target.accessors.is_empty() {
            if value.is_null() {
                self.vars.remove(&target.name);
            } else {
                self.vars.insert(target.name.clone(), value);
            }
            return;
        }
        // `#set($map.a.b = v)`: walk user maps by property names.
        let Some(mut slot) = self.vars.get_mut(&target.name) else {
            return;
        };
        let (last, path) = target.accessors.split_last().expect("not empty");
        for accessor in path {
            let Accessor::Property(key) = accessor else {
                return;
            };
            match slot.get_mut(key) {
                Some(next) => slot = next,
                None => return,
            }
        }
        if let (Accessor::Property(key), Value::Object(map)) = (last, slot) {
            map.insert(key.clone(), value);
        }
    }

    fn reference(&mut self, r: &Reference) -> Result<Cow<'s, Value>, RenderError> {
        let mut accessors = r.accessors.iter();
        let mut value: Cow<'s, Value> = match r.name.as_str() {
            "input" | "util" => {
                let Some(first) = accessors.next() else {
                    return Ok(Cow::Owned(Value::Null));
                };
                let v = if r.name == "input" {
                    self.input(first)?
                } else {
                    self.util(first)?
                };
                Cow::Owned(v)
            }
            "context" => match accessors.as_slice().first() {
                // `$context.key` asks for one key; only a bare `$context` builds the whole map.
                Some(Accessor::Property(key)) => {
                    accessors.next();
                    Cow::Owned(self.scope.context.get(key).unwrap_or(Value::Null))
                }
                _ => Cow::Owned(self.scope.context.all()),
            },
            "stageVariables" => Cow::Borrowed(self.scope.stage_variables),
            name => match self.vars.get(name) {
                // Clone user variables up front: later accessors may need `&mut self` to evaluate arguments.
                Some(v) => Cow::Owned(v.clone()),
                None => return Ok(Cow::Owned(Value::Null)),
            },
        };
        for accessor in accessors {
            self.tick()?;
            if value.is_null() {
                break;
            }
            value = match accessor {
                Accessor::Property(key) => match value {
                    Cow::Borrowed(v) => Cow::Borrowed(v.get(key).unwrap_or(&Value::Null)),
                    Cow::Owned(v) => Cow::Owned(v.get(key).cloned().unwrap_or(Value::Null)),
                },
                Accessor::Index(index) => {
                    let index = self.expr(index)?;
                    let found = match (&index, value.as_ref()) {
                        (Value::Number(n), Value::Array(items)) => {
                            n.as_u64().and_then(|i| items.get(i as usize))
                        }
                        (Value::String(k), Value::Object(map)) => map.get(k),
                        _ => None,
                    };
                    Cow::Owned(found.cloned().unwrap_or(Value::Null))
                }
                Accessor::Method(name, args) => {
                    let args = self.args(args)?;
                    Cow::Owned(method(value.as_ref(), name, &args)?)
                }
                Accessor::InputPath { .. } => Cow::Owned(Value::Null),
            };
        }
        Ok(value)
    }

    fn args(&mut self, args: &[Expr]) -> Result<Vec<Value>, RenderError> {
        args.iter().map(|a| self.expr(a)).collect()
    }

    fn input(&mut self, accessor: &Accessor) -> Result<Value, RenderError> {
        let scope = self.scope;
        Ok(match accessor {
            Accessor::Property(p) if p == "body" => Value::String(scope.body.to_string()),
            Accessor::Property(p) if p == "params" => scope.context.params(),
            Accessor::InputPath { json, path } => input_path(scope.json(), path, *json),
            Accessor::Method(name, args) => {
                let args = self.args(args)?;
                match (name.as_str(), args.as_slice()) {
                    ("params", []) => scope.context.params(),
                    ("params", [Value::String(name)]) => {
                        let params = scope.context.params();
                        ["path", "querystring", "header"]
                            .iter()
                            .find_map(|section| params.get(section).and_then(|m| m.get(name)))
                            .cloned()
                            .unwrap_or(Value::String(String::new()))
                    }
                    ("json" | "path", [Value::String(path)]) => {
                        let path = compile_json_path(path).map_err(RenderError)?;
                        input_path(scope.json(), &path, name == "json")
                    }
                    _ => return Err(RenderError(format!("unsupported call $input.{name}(...)"))),
                }
            }
            _ => Value::Null,
        })
    }

    fn util(&mut self, accessor: &Accessor) -> Result<Value, RenderError> {
        let Accessor::Method(name, args) = accessor else {
            return Ok(Value::Null);
        };
        let args = self.args(args)?;
        let text = match args.as_slice() {
            [v] => stringify(v),
            _ => return Err(RenderError(format!("$util.{name} takes one argument"))),
        };
        Ok(match name.as_str() {
            "escapeJavaScript" => Value::String(escape_javascript(&text)),
            "parseJson" => serde_json::from_str(&text).unwrap_or(Value::Null),
            "toJson" => Value::String(args[0].to_string()),
            "urlEncode" => Value::String(url_encode(&text)),
            "urlDecode" => Value::String(url_decode(&text)),
            "base64Encode" => Value::String(base64::engine::general_purpose::STANDARD.encode(text)),
            "base64Decode" => base64::engine::general_purpose::STANDARD
                .decode(text.as_bytes())
                .ok()
                .map(|b| Value::String(String::from_utf8_lossy(&b).into_owned()))
                .unwrap_or(Value::Null),
            _ => return Err(RenderError(format!("unknown function $util.{name}"))),
        })
    }

    fn expr(&mut self, expr: &Expr) -> Result<Value, RenderError> {
        self.tick()?;
        Ok(match expr {
            Expr::Literal(v) => v.clone(),
            Expr::Interpolated(nodes) => {
                let mut s = String::new();
                self.nodes(nodes, &mut s)?;
                Value::String(s)
            }
            Expr::Ref(r) => self.reference(r)?.into_owned(),
            Expr::List(items) => Value::Array(self.args(items)?),
            Expr::Range(from, to) => {
                let (from, to) = (self.expr(from)?, self.expr(to)?);
                match (from.as_i64(), to.as_i64()) {
                    (Some(a), Some(b)) => {
                        let step: i64 = if a <= b { 1 } else { -1 };
                        let len = a.abs_diff(b).min(MAX_FOREACH as u64 - 1) as usize + 1;
                        Value::Array((0..len as i64).map(|i| Value::from(a + i * step)).collect())
                    }
                    _ => Value::Null,
                }
            }
            Expr::Map(entries) => {
                let mut map = Map::new();
                for (k, v) in entries {
                    let key = stringify(&self.expr(k)?);
                    let value = self.expr(v)?;
                    map.insert(key, value);
                }
                Value::Object(map)
            }
            Expr::Not(e) => Value::Bool(!truthy(&self.expr(e)?)),
            Expr::Neg(e) => arithmetic(BinOp::Sub, &Value::from(0), &self.expr(e)?),
            Expr::Binary(BinOp::And, a, b) => {
                Value::Bool(truthy(&self.expr(a)?) && truthy(&self.expr(b)?))
            }
            Expr::Binary(BinOp::Or, a, b) => {
                Value::Bool(truthy(&self.expr(a)?) || truthy(&self.expr(b)?))
            }
            Expr::Binary(op, a, b) => {
                let (a, b) = (self.expr(a)?, self.expr(b)?);
                match op {
                    BinOp::Eq => Value::Bool(equal(&a, &b)),
                    BinOp::Ne => Value::Bool(!equal(&a, &b)),
                    BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => compare(*op, &a, &b),
                    _ => arithmetic(*op, &a, &b),
                }
            }
        })
    }
}

fn restore(vars: &mut HashMap<String, Value>, name: &str, saved: Option<Value>) {
    match saved {
        Some(v) => vars.insert(name.to_string(), v),
        None => vars.remove(name),
    };
}

fn check_size(text: &str) -> Result<(), RenderError> {
    if text.len() > MAX_TEXT {
        return Err(RenderError(format!(
            "template output exceeds {MAX_TEXT} bytes"
        )));
    }
    Ok(())
}

/// `$input.path` gives the value found (null if none); `$input.json` gives its JSON text ("" if none).
fn input_path(json: Option<&Value>, path: &JsonPath, as_json: bool) -> Value {
    let found = json.map(|j| path.query(j).all()).unwrap_or_default();
    let value = match found.as_slice() {
        [] => Value::Null,
        [one] => (*one).clone(),
        many => Value::Array(many.iter().map(|v| (*v).clone()).collect()),
    };
    match (as_json, value) {
        (false, value) => value,
        (true, Value::Null) => Value::String(String::new()),
        (true, value) => Value::String(value.to_string()),
    }
}

fn truthy(v: &Value) -> bool {
    !matches!(v, Value::Null | Value::Bool(false))
}

fn equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Null, _) | (_, Value::Null) => a.is_null() && b.is_null(),
        // Velocity compares values of different classes by their string forms.
        _ if std::mem::discriminant(a) != std::mem::discriminant(b) => stringify(a) == stringify(b),
        _ => a == b,
    }
}

fn compare(op: BinOp, a: &Value, b: &Value) -> Value {
    let ordering = match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64().partial_cmp(&y.as_f64()),
        (Value::String(x), Value::String(y)) => Some(x.cmp(y)),
        _ => None,
    };
    let Some(ord) = ordering else {
        return Value::Bool(false);
    };
    Value::Bool(match op {
        BinOp::Lt => ord.is_lt(),
        BinOp::Le => ord.is_le(),
        BinOp::Gt => ord.is_gt(),
        _ => ord.is_ge(),
    })
}

fn arithmetic(op: BinOp, a: &Value, b: &Value) -> Value {
    if let (Some(x), Some(y)) = (a.as_i64(), b.as_i64()) {
        let result = match op {
            BinOp::Add => x.checked_add(y),
            BinOp::Sub => x.checked_sub(y),
            BinOp::Mul => x.checked_mul(y),
            BinOp::Div => x.checked_div(y),
            _ => x.checked_rem(y),
        };
        return result.map_or(Value::Null, Value::from);
    }
    let (Some(x), Some(y)) = (a.as_f64(), b.as_f64()) else {
        return Value::Null;
    };
    let result = match op {
        BinOp::Add => x + y,
        BinOp::Sub => x - y,
        BinOp::Mul => x * y,
        BinOp::Div => x / y,
        _ => x % y,
    };
    serde_json::Number::from_f64(result).map_or(Value::Null, Value::Number)
}

fn regex(pattern: &str) -> Result<regex::Regex, RenderError> {
    regex::Regex::new(pattern)
        .map_err(|e| RenderError(format!("invalid regular expression `{pattern}`: {e}")))
}

/// Java's `String`, `List` and `Map` methods that templates call.
fn method(target: &Value, name: &str, args: &[Value]) -> Result<Value, RenderError> {
    let arg = |i: usize| args.get(i).map(stringify).unwrap_or_default();
    let int = |i: usize| args.get(i).and_then(Value::as_i64).unwrap_or(0).max(0) as usize;
    let result = match (target, name, args.len()) {
        (_, "toString", 0) => Value::String(stringify(target)),
        (_, "equals", 1) => Value::Bool(equal(target, &args[0])),
        (Value::String(s), _, _) => {
            let chars = || s.chars();
            match (name, args.len()) {
                ("length" | "size", 0) => Value::from(chars().count()),
                ("isEmpty", 0) => Value::Bool(s.is_empty()),
                ("toLowerCase", 0) => Value::String(s.to_lowercase()),
                ("toUpperCase", 0) => Value::String(s.to_uppercase()),
                ("trim", 0) => Value::String(s.trim().to_string()),
                ("contains", 1) => Value::Bool(s.contains(&arg(0))),
                ("startsWith", 1) => Value::Bool(s.starts_with(&arg(0))),
                ("endsWith", 1) => Value::Bool(s.ends_with(&arg(0))),
                ("equalsIgnoreCase", 1) => Value::Bool(s.to_lowercase() == arg(0).to_lowercase()),
                ("indexOf", 1) => index_of(s, s.find(&arg(0))),
                ("lastIndexOf", 1) => index_of(s, s.rfind(&arg(0))),
                ("charAt", 1) => chars()
                    .nth(int(0))
                    .map_or(Value::Null, |c| Value::String(c.into())),
                ("substring", 1 | 2) => {
                    let end = if args.len() == 2 { int(1) } else { usize::MAX };
                    Value::String(chars().take(end).skip(int(0)).collect())
                }
                ("replace", 2) => Value::String(s.replace(&arg(0), &arg(1))),
                ("replaceAll", 2) => Value::String(
                    regex(&arg(0))?
                        .replace_all(s, java_replacement(&arg(1)).as_str())
                        .into_owned(),
                ),
                ("replaceFirst", 2) => Value::String(
                    regex(&arg(0))?
                        .replace(s, java_replacement(&arg(1)).as_str())
                        .into_owned(),
                ),
                ("matches", 1) => Value::Bool(regex(&format!("^(?:{})$", arg(0)))?.is_match(s)),
                ("split", 1) => Value::Array(
                    regex(&arg(0))?
                        .split(s)
                        .map(|p| Value::String(p.to_string()))
                        .collect(),
                ),
                _ => return Err(unknown_method(target, name)),
            }
        }
        (Value::Array(items), _, _) => match (name, args.len()) {
            ("size", 0) => Value::from(items.len()),
            ("isEmpty", 0) => Value::Bool(items.is_empty()),
            ("get", 1) => items.get(int(0)).cloned().unwrap_or(Value::Null),
            ("contains", 1) => Value::Bool(items.iter().any(|i| equal(i, &args[0]))),
            _ => return Err(unknown_method(target, name)),
        },
        (Value::Object(map), _, _) => match (name, args.len()) {
            ("size", 0) => Value::from(map.len()),
            ("isEmpty", 0) => Value::Bool(map.is_empty()),
            ("get", 1) => map.get(&arg(0)).cloned().unwrap_or(Value::Null),
            ("containsKey", 1) => Value::Bool(map.contains_key(&arg(0))),
            ("keySet", 0) => Value::Array(map.keys().map(|k| Value::String(k.clone())).collect()),
            ("values", 0) => Value::Array(map.values().cloned().collect()),
            _ => return Err(unknown_method(target, name)),
        },
        _ => return Err(unknown_method(target, name)),
    };
    if let Value::String(s) = &result {
        check_size(s)?;
    }
    Ok(result)
}

fn unknown_method(target: &Value, name: &str) -> RenderError {
    let kind = match target {
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a map",
        Value::Number(_) => "a number",
        _ => "this value",
    };
    RenderError(format!(
        "{kind} has no method `{name}` with these arguments"
    ))
}

fn index_of(s: &str, byte: Option<usize>) -> Value {
    byte.map_or(Value::from(-1), |b| Value::from(s[..b].chars().count()))
}

/// Java replacement strings use `$1` like Rust's, but `\$` for a literal dollar.
fn java_replacement(rep: &str) -> String {
    rep.replace("\\$", "$$").replace("\\\\", "\\")
}

/// Apache Commons `StringEscapeUtils.escapeJavaScript`, which `$util.escapeJavaScript` is.
pub fn escape_javascript(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\'' => out.push_str("\\'"),
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '/' => out.push_str("\\/"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || (c as u32) > 0x7e => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04X}"));
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// `java.net.URLEncoder.encode(s, "UTF-8")`.
fn url_encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'-' | b'*' | b'_' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn url_decode(s: &str) -> String {
    let plus_as_space = s.replace('+', " ");
    percent_encoding::percent_decode_str(&plus_as_space)
        .decode_utf8_lossy()
        .into_owned()
}
