//! Selection expressions (`$request.body.action`, `${request.body.a}/${request.body.b}`, `\$default`, static text)
//! and the `/regex/` keys of integration responses: parsed once at load time, evaluated per message.

use regex::Regex;
use serde_json::Value;
use serde_json_path::JsonPath;

use crate::stringify;

/// A parsed selection expression.
#[derive(Debug, Clone)]
pub struct SelectionExpression {
    source: String,
    parts: Vec<Part>,
}

#[derive(Debug, Clone)]
enum Part {
    Text(String),
    Var(Variable),
}

#[derive(Debug, Clone)]
enum Variable {
    RequestBody(JsonPath),
    RequestHeader(String),
    RequestQuerystring(String),
    ContextAuthorizer(String),
    Stage(String),
    IntegrationStatus,
    IntegrationHeader(String),
    IntegrationMultiValueHeader(String),
    IntegrationBody(JsonPath),
}

/// Name/value pairs that keep the client's order and casing (headers, query strings).
pub type Pairs = [(String, String)];

/// What an expression may read. Absent inputs evaluate to `""`.
#[derive(Default, Clone, Copy)]
pub struct Inputs<'a> {
    /// The message parsed as JSON; `None` when it is not JSON.
    pub body: Option<&'a Value>,
    pub headers: &'a Pairs,
    pub query: &'a Pairs,
    pub authorizer: Option<&'a serde_json::Map<String, Value>>,
    pub stage_variables: Option<&'a serde_json::Map<String, Value>>,
    pub integration: Option<IntegrationInputs<'a>>,
}

/// The integration's response, for integration response template selection.
#[derive(Clone, Copy)]
pub struct IntegrationInputs<'a> {
    pub status: u16,
    pub headers: &'a Pairs,
    pub body: Option<&'a Value>,
}

impl SelectionExpression {
    /// Parses an expression. `$default` on its own is the static key `$default`, as API Gateway treats it.
    pub fn parse(source: &str) -> Result<Self, String> {
        let parts = if source == "$default" {
            vec![Part::Text(source.to_string())]
        } else {
            parse_parts(source)?
        };
        Ok(Self {
            source: source.to_string(),
            parts,
        })
    }

    /// The expression as written.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// True when the expression has no variables (it always selects the same key).
    pub fn is_static(&self) -> bool {
        self.parts.iter().all(|p| matches!(p, Part::Text(_)))
    }

    /// Evaluates to the selected key; missing values are `""`, non-strings are stringified (docs/behaviour.md §1.2).
    pub fn evaluate(&self, inputs: &Inputs<'_>) -> String {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Text(text) => out.push_str(text),
                Part::Var(var) => out.push_str(&var.evaluate(inputs)),
            }
        }
        out
    }
}

impl Variable {
    fn evaluate(&self, inputs: &Inputs<'_>) -> String {
        match self {
            Self::RequestBody(path) => inputs.body.map(|b| query(path, b)).unwrap_or_default(),
            Self::RequestHeader(name) => lookup(inputs.headers, name, true),
            Self::RequestQuerystring(name) => lookup(inputs.query, name, false),
            Self::ContextAuthorizer(key) => inputs
                .authorizer
                .and_then(|a| a.get(key))
                .map(stringify)
                .unwrap_or_default(),
            Self::Stage(name) => inputs
                .stage_variables
                .and_then(|v| v.get(name))
                .map(stringify)
                .unwrap_or_default(),
            Self::IntegrationStatus => inputs
                .integration
                .map(|i| i.status.to_string())
                .unwrap_or_default(),
            Self::IntegrationHeader(name) => inputs
                .integration
                .map(|i| lookup(i.headers, name, true))
                .unwrap_or_default(),
            Self::IntegrationMultiValueHeader(name) => inputs
                .integration
                .map(|i| {
                    let values: Vec<&str> = i
                        .headers
                        .iter()
                        .filter(|(k, _)| k.eq_ignore_ascii_case(name))
                        .map(|(_, v)| v.as_str())
                        .collect();
                    if values.is_empty() {
                        String::new()
                    } else {
                        format!("[{}]", values.join(", "))
                    }
                })
                .unwrap_or_default(),
            Self::IntegrationBody(path) => inputs
                .integration
                .and_then(|i| i.body)
                .map(|b| query(path, b))
                .unwrap_or_default(),
        }
    }
}

/// Last value wins for repeated names, as API Gateway's single-value maps do.
fn lookup(pairs: &Pairs, name: &str, ignore_case: bool) -> String {
    pairs
        .iter()
        .rev()
        .find(|(k, _)| {
            if ignore_case {
                k.eq_ignore_ascii_case(name)
            } else {
                k == name
            }
        })
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

fn query(path: &JsonPath, body: &Value) -> String {
    let found = path.query(body).all();
    match found.as_slice() {
        [] => String::new(),
        [one] => stringify(one),
        many => stringify(&Value::Array(many.iter().map(|v| (*v).clone()).collect())),
    }
}

fn parse_parts(source: &str) -> Result<Vec<Part>, String> {
    let mut parts = Vec::new();
    let mut text = String::new();
    let mut rest = source;
    while let Some(c) = rest.chars().next() {
        if let Some(after) = rest.strip_prefix("\\$") {
            text.push('$');
            rest = after;
        } else if let Some(after) = rest.strip_prefix("${") {
            let end = after
                .find('}')
                .ok_or_else(|| format!("`${{` without a closing `}}` in `{source}`"))?;
            push_var(&mut parts, &mut text, &after[..end])?;
            rest = &after[end + 1..];
        } else if let Some(after) = rest.strip_prefix('$') {
            // An unbraced variable runs over name characters and bracket groups; braces are needed to
            // put text right after it (docs/behaviour.md §1.2 leaves this open; we choose the strict reading).
            let len = unbraced_len(after);
            if len == 0 {
                return Err(format!(
                    "`$` must start a variable or be escaped as `\\$` in `{source}`"
                ));
            }
            push_var(&mut parts, &mut text, &after[..len])?;
            rest = &after[len..];
        } else {
            text.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    if !text.is_empty() {
        parts.push(Part::Text(text));
    }
    Ok(parts)
}

fn unbraced_len(s: &str) -> usize {
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'_' | b'.' | b'-' | b'*' => i += 1,
            b'[' => match s[i..].find(']') {
                Some(end) => i += end + 1,
                None => return s.len(),
            },
            _ => break,
        }
    }
    // A trailing dot or dash is text, not part of the name.
    while i > 0 && matches!(bytes[i - 1], b'.' | b'-') {
        i -= 1;
    }
    i
}

fn push_var(parts: &mut Vec<Part>, text: &mut String, name: &str) -> Result<(), String> {
    if !text.is_empty() {
        parts.push(Part::Text(std::mem::take(text)));
    }
    parts.push(Part::Var(parse_variable(name)?));
    Ok(())
}

fn parse_variable(name: &str) -> Result<Variable, String> {
    let named = |prefix: &str| {
        name.strip_prefix(prefix)
            .filter(|rest| !rest.is_empty())
            .map(str::to_string)
    };
    if let Some(rest) = name.strip_prefix("request.body") {
        return json_path(rest).map(Variable::RequestBody);
    }
    if let Some(rest) = name.strip_prefix("integration.response.body") {
        return json_path(rest).map(Variable::IntegrationBody);
    }
    if name == "integration.response.statuscode" {
        return Ok(Variable::IntegrationStatus);
    }
    let var = if let Some(n) = named("request.header.") {
        Variable::RequestHeader(n)
    } else if let Some(n) = named("request.querystring.") {
        Variable::RequestQuerystring(n)
    } else if let Some(n) = named("context.authorizer.") {
        Variable::ContextAuthorizer(n)
    } else if let Some(n) = named("stageVariables.") {
        Variable::Stage(n)
    } else if let Some(n) = named("integration.response.header.") {
        Variable::IntegrationHeader(n)
    } else if let Some(n) = named("integration.response.multivalueheader.") {
        Variable::IntegrationMultiValueHeader(n)
    } else {
        return Err(format!(
            "unknown variable `${name}`; expected $request.body.<JSONPath>, $request.header.<name>, \
             $request.querystring.<name>, $context.authorizer.<key>, $stageVariables.<name> or \
             $integration.response.(statuscode|header.<name>|body.<JSONPath>)"
        ));
    };
    Ok(var)
}

/// `.a.b`, `[0]`, `['k']` or nothing (the whole body) after `request.body`.
fn json_path(rest: &str) -> Result<JsonPath, String> {
    if !(rest.is_empty() || rest.starts_with('.') || rest.starts_with('[')) {
        return Err(format!(
            "expected `.` or `[` after request.body, found `{rest}`"
        ));
    }
    compile_json_path(&format!("${rest}"))
}

/// Compiles a JSONPath as API Gateway (Jayway) reads it: RFC 9535 syntax, plus dot-notation names with
/// characters RFC 9535 only allows in brackets (`$.user-id` is `$['user-id']`).
pub fn compile_json_path(path: &str) -> Result<JsonPath, String> {
    let mut normalized = String::with_capacity(path.len() + 8);
    let mut rest = path;
    while let Some(dot) = rest.find('.') {
        normalized.push_str(&rest[..dot]);
        let after = &rest[dot + 1..];
        let len = after.find(['.', '[']).unwrap_or(after.len());
        let name = &after[..len];
        let plain = name.chars().all(|c| c.is_alphanumeric() || c == '_');
        if name.is_empty() || plain || name == "*" || name.contains(['\'', '"', ' ', '(', '?']) {
            normalized.push('.');
            rest = after;
        } else {
            normalized.push_str(&format!("['{name}']"));
            rest = &after[len..];
        }
    }
    normalized.push_str(rest);
    JsonPath::parse(&normalized).map_err(|e| format!("invalid JSONPath `{path}`: {e}"))
}

/// An integration response key: `$default` or a `/regex/` that must match the whole value.
#[derive(Debug, Clone)]
pub enum ResponseKey {
    Default,
    Pattern(Regex),
}

impl ResponseKey {
    pub fn parse(key: &str) -> Result<Self, String> {
        if key == "$default" {
            return Ok(Self::Default);
        }
        let inner = key
            .strip_prefix('/')
            .and_then(|k| k.strip_suffix('/'))
            .filter(|k| !k.is_empty())
            .ok_or_else(|| format!("`{key}` must be `$default` or a /regex/"))?;
        Regex::new(&format!("^(?s:{inner})$"))
            .map(Self::Pattern)
            .map_err(|e| format!("invalid regular expression in `{key}`: {e}"))
    }

    pub fn matches(&self, value: &str) -> bool {
        match self {
            Self::Default => false,
            Self::Pattern(re) => re.is_match(value),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn eval(expr: &str, body: &Value) -> String {
        let inputs = Inputs {
            body: Some(body),
            ..Inputs::default()
        };
        SelectionExpression::parse(expr).unwrap().evaluate(&inputs)
    }

    #[test]
    fn documented_examples_of_spec_1_2() {
        let body = json!({"service":"chat","action":"join","data":{"room":"room1234"}});
        assert_eq!(eval("$request.body.action", &body), "join");
        assert_eq!(eval("${request.body.action}", &body), "join");
        assert_eq!(
            eval("${request.body.service}/${request.body.action}", &body),
            "chat/join"
        );
        assert_eq!(
            eval("${request.body.action}-${request.body.invalidPath}", &body),
            "join-"
        );
        assert_eq!(eval("action", &body), "action");
        assert_eq!(eval("\\$default", &body), "$default");
        assert_eq!(eval("$request.body.data.room", &body), "room1234");
        assert_eq!(eval("$request.body['data']['room']", &body), "room1234");
        assert_eq!(eval("$request.body.data..room", &body), "room1234");
        assert_eq!(eval("$request.body.user-id", &json!({"user-id": 7})), "7");
    }

    #[test]
    fn non_strings_are_stringified() {
        let body = json!({"n": 1, "f": 2.5, "b": true, "a": ["x", 2], "o": {"k": "v"}, "z": null});
        assert_eq!(eval("$request.body.n", &body), "1");
        assert_eq!(eval("$request.body.f", &body), "2.5");
        assert_eq!(eval("$request.body.b", &body), "true");
        assert_eq!(eval("$request.body.a", &body), "[x, 2]");
        assert_eq!(eval("$request.body.o", &body), "{k=v}");
        assert_eq!(eval("$request.body.z", &body), "");
        assert_eq!(eval("$request.body.a[1]", &body), "2");
    }

    #[test]
    fn headers_are_case_insensitive_and_last_value_wins() {
        let headers = vec![("X-Api-Key".to_string(), "k".to_string())];
        let query = vec![("a".into(), "1".into()), ("a".into(), "2".into())];
        let inputs = Inputs {
            headers: &headers,
            query: &query,
            ..Inputs::default()
        };
        let expr =
            SelectionExpression::parse("$request.header.x-api-key/$request.querystring.a").unwrap();
        assert_eq!(expr.evaluate(&inputs), "k/2");
    }

    #[test]
    fn integration_response_variables() {
        let headers = vec![("Content-Type".to_string(), "application/json".to_string())];
        let body = json!({"errorMessage": "boom"});
        let inputs = Inputs {
            integration: Some(IntegrationInputs {
                status: 200,
                headers: &headers,
                body: Some(&body),
            }),
            ..Inputs::default()
        };
        let expr = SelectionExpression::parse(
            "${integration.response.statuscode}:${integration.response.header.content-type}:$integration.response.body.errorMessage",
        )
        .unwrap();
        assert_eq!(expr.evaluate(&inputs), "200:application/json:boom");
    }

    #[test]
    fn bad_expressions_are_rejected() {
        assert!(SelectionExpression::parse("$request.bogus").is_err());
        assert!(SelectionExpression::parse("${request.body.a").is_err());
        assert!(SelectionExpression::parse("a $ b").is_err());
        assert!(SelectionExpression::parse("$request.body.a[").is_err());
    }

    #[test]
    fn response_keys_match_whole_values() {
        let key = ResponseKey::parse("/2\\d\\d/").unwrap();
        assert!(key.matches("200"));
        assert!(!key.matches("1200"));
        assert!(ResponseKey::parse("200").is_err());
        assert!(ResponseKey::parse("/(/").is_err());
        assert!(!ResponseKey::parse("$default").unwrap().matches("x"));
    }
}
