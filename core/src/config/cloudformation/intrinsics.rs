//! CloudFormation's intrinsic functions and conditions, resolved as a deployment would resolve them, with the values
//! a local stack has (docs/behaviour.md §13): parameters take their overrides or defaults, pseudo parameters are a
//! fixed account in the stack's region, and a resource's `Ref` and `Fn::GetAtt` are what AWS would return, with the
//! logical id standing in for the physical name AWS would make up.

use std::collections::{HashMap, HashSet};

use base64::Engine as _;
use serde_json::{Map, Value};

use super::super::reader::{nearest, problem};
use super::super::source::{join, line_of};
use super::super::{Problem, ProblemKind};
use crate::engine::lambda_context::ACCOUNT_ID;

/// What a template declares, and what a local deployment of it is given.
pub struct Stack {
    pub region: String,
    pub stack_name: String,
    /// Each parameter's value: its override, else its `Default`.
    pub parameters: Map<String, Value>,
    pub mappings: Map<String, Value>,
    pub conditions: Map<String, Value>,
    /// Logical id → the resource (`Type`, `Properties`, `Condition`, ...).
    pub resources: Map<String, Value>,
}

/// Resolves values of one stack, collecting every problem with its place in the template.
pub struct Resolver<'s> {
    stack: &'s Stack,
    lines: &'s HashMap<String, u32>,
    conditions: HashMap<String, bool>,
    /// What is being resolved, to name a cycle instead of recursing forever.
    resolving: Vec<String>,
    pub problems: Vec<Problem>,
}

const PSEUDO: &[&str] = &[
    "AWS::AccountId",
    "AWS::NotificationARNs",
    "AWS::NoValue",
    "AWS::Partition",
    "AWS::Region",
    "AWS::StackId",
    "AWS::StackName",
    "AWS::URLSuffix",
];

/// The functions CloudFormation has (with `Ref` and `Condition`), for telling an unknown one from a property.
const INTRINSICS: &[&str] = &[
    "Ref",
    "Condition",
    "Fn::Base64",
    "Fn::Cidr",
    "Fn::FindInMap",
    "Fn::GetAtt",
    "Fn::GetAZs",
    "Fn::ImportValue",
    "Fn::Join",
    "Fn::Select",
    "Fn::Split",
    "Fn::Sub",
    "Fn::Transform",
    "Fn::If",
    "Fn::Equals",
    "Fn::Not",
    "Fn::And",
    "Fn::Or",
    "Fn::Length",
    "Fn::ToJsonString",
];

/// The one key of `{"Fn::Name": args}` or `{"Ref": name}`, when the object is a function call.
pub fn call(value: &Value) -> Option<(&str, &Value)> {
    let map = value.as_object().filter(|m| m.len() == 1)?;
    let (key, args) = map.iter().next()?;
    (key == "Ref" || key == "Condition" || key.starts_with("Fn::")).then_some((key.as_str(), args))
}

/// A `Ref` or `Fn::GetAtt` target, for checking that a template names only what it has.
pub fn references(value: &Value, path: &str, found: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            if let Some((name, args)) = call(value) {
                let at = join(path, name);
                match (name, args) {
                    ("Ref", Value::String(target)) => found.push((target.clone(), at.clone())),
                    ("Fn::GetAtt", Value::Array(parts)) => {
                        if let Some(Value::String(target)) = parts.first() {
                            found.push((target.clone(), at.clone()));
                        }
                    }
                    ("Fn::Sub", args) => {
                        let (text, vars) = match args {
                            Value::Array(a) => (a.first(), a.get(1).and_then(Value::as_object)),
                            other => (Some(other), None),
                        };
                        if let Some(Value::String(text)) = text {
                            for var in sub_variables(text) {
                                let target = var.split('.').next().unwrap_or_default();
                                if !vars.is_some_and(|v| v.contains_key(var)) {
                                    found.push((target.to_string(), at.clone()));
                                }
                            }
                        }
                    }
                    _ => {}
                }
                return references(args, &at, found);
            }
            for (key, item) in map {
                references(item, &join(path, key), found);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                references(item, &join(path, &i.to_string()), found);
            }
        }
        _ => {}
    }
}

/// The `${name}` of a `Fn::Sub` text, without the `${!literal}` escapes.
fn sub_variables(text: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else { break };
        if !after.starts_with('!') {
            names.push(after[..end].trim());
        }
        rest = &after[end + 1..];
    }
    names
}

impl<'s> Resolver<'s> {
    pub fn new(stack: &'s Stack, lines: &'s HashMap<String, u32>) -> Self {
        Self {
            stack,
            lines,
            conditions: HashMap::new(),
            resolving: Vec::new(),
            problems: Vec::new(),
        }
    }

    pub fn stack(&self) -> &'s Stack {
        self.stack
    }

    pub fn report(&mut self, path: &str, kind: ProblemKind) {
        let line = line_of(self.lines, path);
        self.problems
            .push(problem(None, path.to_string(), line, kind));
    }

    fn invalid(&mut self, path: &str, detail: impl Into<String>) -> Value {
        self.report(
            path,
            ProblemKind::InvalidValue {
                detail: detail.into(),
            },
        );
        Value::Null
    }

    /// The value with every function resolved; `None` where `AWS::NoValue` removes it.
    pub fn resolve(&mut self, value: &Value, path: &str) -> Option<Value> {
        if let Some((name, args)) = call(value) {
            return self.function(name, args, &join(path, name));
        }
        Some(match value {
            Value::Object(map) => Value::Object(
                map.iter()
                    .filter_map(|(k, v)| Some((k.clone(), self.resolve(v, &join(path, k))?)))
                    .collect(),
            ),
            Value::Array(items) => Value::Array(
                items
                    .iter()
                    .enumerate()
                    .filter_map(|(i, v)| self.resolve(v, &join(path, &i.to_string())))
                    .collect(),
            ),
            other => other.clone(),
        })
    }

    /// Resolves to a string (numbers and booleans written as CloudFormation writes them).
    pub fn string(&mut self, value: &Value, path: &str) -> Option<String> {
        match self.resolve(value, path)? {
            Value::String(s) => Some(s),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            Value::Null => None,
            other => {
                self.invalid(path, format!("expected a string, got {other}"));
                None
            }
        }
    }

    fn function(&mut self, name: &str, args: &Value, path: &str) -> Option<Value> {
        Some(match name {
            "Ref" => match args {
                Value::String(target) if target == "AWS::NoValue" => return None,
                Value::String(target) => self.reference(target, path),
                _ => self.invalid(path, "Ref takes the name of a parameter or resource"),
            },
            "Fn::GetAtt" => {
                let parts: Vec<String> = match self.resolve(args, path)? {
                    Value::Array(parts) => parts
                        .iter()
                        .filter_map(|p| p.as_str().map(String::from))
                        .collect(),
                    Value::String(text) => text.splitn(2, '.').map(String::from).collect(),
                    _ => Vec::new(),
                };
                match &parts[..] {
                    [resource, attribute] => self.attribute(resource, attribute, path),
                    _ => self.invalid(path, "Fn::GetAtt takes [resource, attribute]"),
                }
            }
            "Fn::Sub" => self.sub(args, path),
            "Fn::Join" => match args.as_array().map(Vec::as_slice) {
                Some([separator, items]) => {
                    let separator = self.string(separator, &join(path, "0")).unwrap_or_default();
                    match self.resolve(items, &join(path, "1"))? {
                        Value::Array(items) => Value::String(
                            items
                                .iter()
                                .map(|i| i.as_str().map_or_else(|| i.to_string(), String::from))
                                .collect::<Vec<_>>()
                                .join(&separator),
                        ),
                        _ => self.invalid(path, "Fn::Join takes a list to join"),
                    }
                }
                _ => self.invalid(path, "Fn::Join takes [separator, [values]]"),
            },
            "Fn::Select" => match args.as_array().map(Vec::as_slice) {
                Some([index, items]) => {
                    let index = self.string(index, &join(path, "0"));
                    let items = self.resolve(items, &join(path, "1"))?;
                    let index = index.and_then(|i| i.parse::<usize>().ok());
                    match (index, items) {
                        (Some(i), Value::Array(items)) if i < items.len() => items[i].clone(),
                        _ => self.invalid(path, "Fn::Select's index is not in its list"),
                    }
                }
                _ => self.invalid(path, "Fn::Select takes [index, [values]]"),
            },
            "Fn::Split" => match args.as_array().map(Vec::as_slice) {
                Some([separator, text]) => {
                    let separator = self.string(separator, &join(path, "0")).unwrap_or_default();
                    let text = self.string(text, &join(path, "1")).unwrap_or_default();
                    if separator.is_empty() {
                        return Some(self.invalid(path, "Fn::Split's separator is empty"));
                    }
                    Value::from(text.split(separator.as_str()).collect::<Vec<_>>())
                }
                _ => self.invalid(path, "Fn::Split takes [separator, text]"),
            },
            "Fn::If" => match args.as_array().map(Vec::as_slice) {
                Some([Value::String(condition), then, otherwise]) => {
                    if self.condition(condition, path) {
                        self.resolve(then, &join(path, "1"))?
                    } else {
                        self.resolve(otherwise, &join(path, "2"))?
                    }
                }
                _ => self.invalid(
                    path,
                    "Fn::If takes [condition name, value if true, value if false]",
                ),
            },
            "Fn::Equals" | "Fn::Not" | "Fn::And" | "Fn::Or" | "Condition" => {
                Value::Bool(self.truth(name, args, path))
            }
            "Fn::FindInMap" => self.find_in_map(args, path),
            "Fn::Base64" => {
                let text = self.string(args, path).unwrap_or_default();
                Value::String(base64::engine::general_purpose::STANDARD.encode(text))
            }
            "Fn::GetAZs" => {
                let region = self.string(args, path).filter(|r| !r.is_empty());
                let region = region.unwrap_or_else(|| self.stack.region.clone());
                Value::from(["a", "b", "c"].map(|z| format!("{region}{z}")).to_vec())
            }
            "Fn::Length" => match self.resolve(args, path)? {
                Value::Array(items) => Value::from(items.len()),
                _ => self.invalid(path, "Fn::Length takes a list"),
            },
            "Fn::ToJsonString" => {
                let value = self.resolve(args, path)?;
                Value::String(value.to_string())
            }
            "Fn::ImportValue" => {
                let export = self.string(args, path).unwrap_or_default();
                self.report(
                    path,
                    ProblemKind::NotLocal {
                        detail: format!("Fn::ImportValue `{export}` is another stack's export"),
                    },
                );
                Value::Null
            }
            "Fn::Cidr" | "Fn::Transform" => {
                self.report(
                    path,
                    ProblemKind::NotLocal {
                        detail: format!("{name} is computed by CloudFormation"),
                    },
                );
                Value::Null
            }
            other => {
                self.report(
                    path,
                    ProblemKind::UnknownIntrinsic {
                        name: other.to_string(),
                    },
                );
                Value::Null
            }
        })
    }

    /// `Ref`: a parameter's value, a pseudo parameter, or what AWS returns for a resource.
    fn reference(&mut self, target: &str, path: &str) -> Value {
        if let Some(value) = self.stack.parameters.get(target) {
            return value.clone();
        }
        if let Some(value) = self.pseudo(target) {
            return value;
        }
        if self.stack.resources.contains_key(target) {
            return self.resource_ref(target, path);
        }
        self.dangling(target, path)
    }

    fn dangling(&mut self, target: &str, path: &str) -> Value {
        let known = self
            .stack
            .parameters
            .keys()
            .chain(self.stack.resources.keys())
            .map(String::as_str)
            .chain(PSEUDO.iter().copied());
        let suggestion = nearest(target, known);
        self.report(
            path,
            ProblemKind::DanglingReference {
                name: target.to_string(),
                suggestion,
            },
        );
        Value::Null
    }

    fn pseudo(&self, name: &str) -> Option<Value> {
        let stack = self.stack;
        Some(Value::String(match name {
            "AWS::AccountId" => ACCOUNT_ID.into(),
            "AWS::Partition" => "aws".into(),
            "AWS::Region" => stack.region.clone(),
            "AWS::StackName" => stack.stack_name.clone(),
            "AWS::StackId" => format!(
                "arn:aws:cloudformation:{}:{ACCOUNT_ID}:stack/{}/00000000-0000-0000-0000-000000000000",
                stack.region, stack.stack_name
            ),
            "AWS::URLSuffix" => "amazonaws.com".into(),
            "AWS::NotificationARNs" => return Some(Value::Array(Vec::new())),
            _ => return None,
        }))
    }

    /// A property of a resource, resolved, guarding against a resource whose name needs itself.
    fn property(&mut self, id: &str, property: &str) -> Option<Value> {
        let value = self
            .stack
            .resources
            .get(id)?
            .get("Properties")?
            .get(property)?;
        if let Some(at) = self.resolving.iter().position(|r| r == id) {
            let through = self.resolving[at..].join(" → ");
            self.report(
                &format!("Resources.{id}.Properties.{property}"),
                ProblemKind::ReferenceCycle {
                    name: id.to_string(),
                    through,
                },
            );
            return None;
        }
        self.resolving.push(id.to_string());
        let resolved = self.resolve(value, &format!("Resources.{id}.Properties.{property}"));
        self.resolving.pop();
        resolved.filter(|v| !v.is_null())
    }

    fn kind(&self, id: &str) -> &'s str {
        self.stack.resources[id]
            .get("Type")
            .and_then(Value::as_str)
            .unwrap_or_default()
    }

    /// The name AWS would give a resource: its name property, else its logical id.
    fn name(&mut self, id: &str, property: &str) -> String {
        match self.property(id, property) {
            Some(Value::String(name)) => name,
            _ => id.to_string(),
        }
    }

    /// The API id a local deployment gives an `AWS::ApiGatewayV2::Api`: made from its name, as a wsgate
    /// definition's is (so that a converted definition keeps its id), unless its `Metadata.wsgate.apiId` fixes one.
    pub fn api_id(&mut self, id: &str) -> String {
        let fixed = self.stack.resources[id]
            .pointer("/Metadata/wsgate/apiId")
            .and_then(Value::as_str);
        match fixed {
            Some(api_id) => api_id.to_string(),
            None => super::super::names::derive_api_id(&self.name(id, "Name")),
        }
    }

    /// What `Ref` returns for a resource (the CloudFormation reference of each type).
    pub fn resource_ref(&mut self, id: &str, _path: &str) -> Value {
        let region = self.stack.region.clone();
        Value::String(match self.kind(id) {
            "AWS::ApiGatewayV2::Api" | "AWS::Serverless::WebSocketApi" => self.api_id(id),
            "AWS::ApiGatewayV2::Stage" => self.name(id, "StageName"),
            "AWS::Lambda::Function" | "AWS::Serverless::Function" => self.name(id, "FunctionName"),
            "AWS::DynamoDB::Table" => self.name(id, "TableName"),
            "AWS::SQS::Queue" => format!(
                "https://sqs.{region}.amazonaws.com/{ACCOUNT_ID}/{}",
                self.name(id, "QueueName")
            ),
            "AWS::SNS::Topic" => {
                format!(
                    "arn:aws:sns:{region}:{ACCOUNT_ID}:{}",
                    self.name(id, "TopicName")
                )
            }
            _ => id.to_string(),
        })
    }

    /// What `Fn::GetAtt` returns; an attribute wsgate has no local value for is `ID.Attribute`.
    fn attribute(&mut self, id: &str, attribute: &str, path: &str) -> Value {
        if !self.stack.resources.contains_key(id) {
            return self.dangling(id, path);
        }
        let region = self.stack.region.clone();
        let kind = self.kind(id);
        if kind.starts_with("Custom::") || kind == "AWS::CloudFormation::CustomResource" {
            self.report(
                path,
                ProblemKind::NotLocal {
                    detail: format!("`{id}.{attribute}` is made by a custom resource"),
                },
            );
            return Value::Null;
        }
        Value::String(match (kind, attribute) {
            ("AWS::ApiGatewayV2::Api" | "AWS::Serverless::WebSocketApi", "ApiEndpoint") => {
                format!(
                    "wss://{}.execute-api.{region}.amazonaws.com",
                    self.api_id(id)
                )
            }
            ("AWS::ApiGatewayV2::Api" | "AWS::Serverless::WebSocketApi", "ApiId") => {
                self.api_id(id)
            }
            ("AWS::Lambda::Function" | "AWS::Serverless::Function", "Arn") => {
                let name = self.name(id, "FunctionName");
                format!("arn:aws:lambda:{region}:{ACCOUNT_ID}:function:{name}")
            }
            ("AWS::IAM::Role", "Arn") => format!("arn:aws:iam::{ACCOUNT_ID}:role/{id}"),
            ("AWS::DynamoDB::Table", "Arn") => {
                let name = self.name(id, "TableName");
                format!("arn:aws:dynamodb:{region}:{ACCOUNT_ID}:table/{name}")
            }
            ("AWS::SQS::Queue", "QueueName") => self.name(id, "QueueName"),
            ("AWS::SQS::Queue", "Arn") => {
                let name = self.name(id, "QueueName");
                format!("arn:aws:sqs:{region}:{ACCOUNT_ID}:{name}")
            }
            ("AWS::SNS::Topic", "TopicName") => self.name(id, "TopicName"),
            ("AWS::SNS::Topic", "TopicArn") => {
                let name = self.name(id, "TopicName");
                format!("arn:aws:sns:{region}:{ACCOUNT_ID}:{name}")
            }
            (kind, attribute)
                if kind.starts_with("AWS::ApiGatewayV2::") && attribute.ends_with("Id") =>
            {
                id.to_string()
            }
            _ => format!("{id}.{attribute}"),
        })
    }

    /// `Fn::Sub`: `${Name}` is a variable of its map, a parameter, a pseudo parameter or a resource's `Ref`;
    /// `${Res.Attr}` a `Fn::GetAtt`; `${!Text}` the text `${Text}`. A `$` without braces (VTL's `$context`) stays.
    fn sub(&mut self, args: &Value, path: &str) -> Value {
        let (text, vars) = match args {
            Value::Array(a) if a.len() == 2 => (&a[0], a[1].as_object()),
            other => (other, None),
        };
        let Some(text) = text.as_str() else {
            return self.invalid(path, "Fn::Sub takes a string, or [string, {variables}]");
        };
        let mut out = String::new();
        let mut rest = text;
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let Some(end) = after.find('}') else {
                out.push_str(&rest[start..]);
                rest = "";
                break;
            };
            let name = &after[..end];
            if let Some(literal) = name.strip_prefix('!') {
                out.push_str("${");
                out.push_str(literal);
                out.push('}');
            } else {
                let name = name.trim();
                let value = match vars.and_then(|v| v.get(name)) {
                    Some(value) => self.resolve(value, &join(&join(path, "1"), name)),
                    None => Some(match name.split_once('.') {
                        Some((id, attribute)) if !self.stack.parameters.contains_key(name) => {
                            self.attribute(id, attribute, path)
                        }
                        _ => self.reference(name, path),
                    }),
                };
                match value {
                    Some(Value::String(s)) => out.push_str(&s),
                    Some(Value::Null) | None => {}
                    Some(other) => out.push_str(&other.to_string()),
                }
            }
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        Value::String(out)
    }

    fn find_in_map(&mut self, args: &Value, path: &str) -> Value {
        let Some(args) = args.as_array().filter(|a| (3..=4).contains(&a.len())) else {
            return self.invalid(
                path,
                "Fn::FindInMap takes [map, top-level key, second-level key]",
            );
        };
        let keys: Vec<Option<String>> = args[..3]
            .iter()
            .enumerate()
            .map(|(i, k)| self.string(k, &join(path, &i.to_string())))
            .collect();
        let found = match &keys[..] {
            [Some(map), Some(top), Some(second)] => self
                .stack
                .mappings
                .get(map)
                .and_then(|m| m.get(top))
                .and_then(|t| t.get(second))
                .cloned(),
            _ => None,
        };
        let default = args.get(3).and_then(|d| d.get("DefaultValue")).cloned();
        match found.or(default) {
            Some(value) => self.resolve(&value, path).unwrap_or(Value::Null),
            None => self.invalid(
                path,
                "Fn::FindInMap finds nothing at these keys of Mappings",
            ),
        }
    }

    /// A named condition's truth, evaluated once.
    pub fn condition(&mut self, name: &str, path: &str) -> bool {
        if let Some(truth) = self.conditions.get(name) {
            return *truth;
        }
        let Some(definition) = self.stack.conditions.get(name) else {
            self.report(
                path,
                ProblemKind::DanglingReference {
                    name: name.to_string(),
                    suggestion: nearest(name, self.stack.conditions.keys().map(String::as_str)),
                },
            );
            return false;
        };
        let key = format!("Conditions.{name}");
        if let Some(at) = self.resolving.iter().position(|r| *r == key) {
            let through = self.resolving[at..].join(" → ");
            self.report(
                &key,
                ProblemKind::ReferenceCycle {
                    name: name.to_string(),
                    through,
                },
            );
            return false;
        }
        self.resolving.push(key.clone());
        let truth = match call(definition) {
            Some((function, args)) => self.truth(function, args, &join(&key, function)),
            None => {
                self.invalid(
                    &key,
                    "a condition is Fn::Equals, Fn::Not, Fn::And, Fn::Or or Condition",
                );
                false
            }
        };
        self.resolving.pop();
        self.conditions.insert(name.to_string(), truth);
        truth
    }

    /// A condition function's truth.
    fn truth(&mut self, function: &str, args: &Value, path: &str) -> bool {
        let operands = |this: &mut Self| -> Vec<bool> {
            args.as_array()
                .into_iter()
                .flatten()
                .enumerate()
                .map(|(i, operand)| {
                    let at = join(path, &i.to_string());
                    match call(operand) {
                        Some((f, a)) => this.truth(f, a, &join(&at, f)),
                        None => this.resolve(operand, &at) == Some(Value::Bool(true)),
                    }
                })
                .collect()
        };
        match function {
            "Condition" => match args.as_str() {
                Some(name) => self.condition(name, path),
                None => {
                    self.invalid(path, "Condition takes a condition's name");
                    false
                }
            },
            "Fn::Equals" => match args.as_array().map(Vec::as_slice) {
                Some([a, b]) => {
                    let a = self.resolve(a, &join(path, "0"));
                    let b = self.resolve(b, &join(path, "1"));
                    // CloudFormation compares values as strings: `!Equals [!Ref Count, 1]` is true for "1".
                    let text = |v: Option<Value>| {
                        v.map(|v| v.as_str().map_or_else(|| v.to_string(), String::from))
                    };
                    text(a) == text(b)
                }
                _ => {
                    self.invalid(path, "Fn::Equals takes two values");
                    false
                }
            },
            "Fn::Not" => match operands(self)[..] {
                [one] => !one,
                _ => {
                    self.invalid(path, "Fn::Not takes one condition");
                    false
                }
            },
            "Fn::And" => operands(self).into_iter().all(|t| t),
            "Fn::Or" => operands(self).into_iter().any(|t| t),
            other => {
                let value = self.function(other, args, path);
                value == Some(Value::Bool(true))
            }
        }
    }

    /// Whether a resource exists in this deployment: no `Condition`, or a true one.
    pub fn exists(&mut self, id: &str) -> bool {
        match self.stack.resources[id]
            .get("Condition")
            .and_then(Value::as_str)
        {
            Some(condition) => self.condition(condition, &format!("Resources.{id}.Condition")),
            None => true,
        }
    }

    /// Checks that every `Ref`, `Fn::GetAtt`, `${...}` and `DependsOn` of the template names something it has,
    /// and that every function is CloudFormation's, wherever it is: a broken template is reported whole.
    pub fn check_names(&mut self, template: &Value) {
        let mut found = Vec::new();
        for section in ["Resources", "Outputs", "Conditions"] {
            if let Some(value) = template.get(section) {
                references(value, section, &mut found);
                self.check_functions(value, section);
            }
        }
        let conditions: HashSet<&str> = self.stack.conditions.keys().map(String::as_str).collect();
        for (target, path) in found {
            let known = self.stack.parameters.contains_key(&target)
                || self.stack.resources.contains_key(&target)
                || PSEUDO.contains(&target.as_str())
                || (path.ends_with(".Condition") && conditions.contains(target.as_str()));
            if !known {
                self.dangling(&target, &path);
            }
        }
        for (id, resource) in &self.stack.resources {
            let depends = match resource.get("DependsOn") {
                Some(Value::String(one)) => vec![one.as_str()],
                Some(Value::Array(many)) => many.iter().filter_map(Value::as_str).collect(),
                _ => Vec::new(),
            };
            for target in depends {
                if !self.stack.resources.contains_key(target) {
                    let path = format!("Resources.{id}.DependsOn");
                    let suggestion =
                        nearest(target, self.stack.resources.keys().map(String::as_str));
                    let line = line_of(self.lines, &path);
                    self.problems.push(problem(
                        None,
                        path,
                        line,
                        ProblemKind::DanglingReference {
                            name: target.to_string(),
                            suggestion,
                        },
                    ));
                }
            }
        }
    }

    fn check_functions(&mut self, value: &Value, path: &str) {
        match value {
            Value::Object(map) => {
                if map.len() == 1 {
                    let (key, args) = map.iter().next().expect("one entry");
                    if key.starts_with("Fn::") && !INTRINSICS.contains(&key.as_str()) {
                        self.report(
                            &join(path, key),
                            ProblemKind::UnknownIntrinsic { name: key.clone() },
                        );
                        return;
                    }
                    return self.check_functions(args, &join(path, key));
                }
                for (key, item) in map {
                    self.check_functions(item, &join(path, key));
                }
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    self.check_functions(item, &join(path, &i.to_string()));
                }
            }
            _ => {}
        }
    }
}
