//! Config errors: every problem in a definition, each with the file, the path, the line and a stable code.

use std::fmt;

use serde::Serialize;

/// What is wrong at one place of a definition. Serialized as `{"code": "<code>", ...fields}`; the variant's name in
/// snake_case is its code.
#[derive(Debug, Clone, PartialEq, Serialize, thiserror::Error, strum::IntoStaticStr)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(tag = "code", rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum ProblemKind {
    #[error("cannot read the file: {detail}")]
    Io { detail: String },
    #[error("not valid YAML or JSON: {detail}")]
    SyntaxError { detail: String },
    #[error("unknown field `{field}`{}", suggest(suggestion))]
    UnknownField {
        field: String,
        suggestion: Option<String>,
    },
    #[error("missing required field `{field}`")]
    MissingField { field: String },
    #[error("expected {expected}")]
    InvalidType { expected: String },
    #[error("{detail}")]
    InvalidValue { detail: String },
    #[error("{value} is out of range {min}..{max}")]
    OutOfRange { value: f64, min: i64, max: i64 },
    #[error(
        "target `{target}` names no integration; expected integrations/<id> with one of: {known}"
    )]
    DanglingTarget { target: String, known: String },
    #[error("model `{model}` is not defined under models")]
    UnknownModel { model: String },
    #[error("invalid selection expression: {detail}")]
    InvalidSelectionExpression { detail: String },
    /// `templateLine` and `templateColumn` are in the template; the problem's `line` is the file's.
    #[error("invalid mapping template (line {template_line}, column {template_column} of the template): {detail}")]
    InvalidTemplate {
        detail: String,
        #[serde(rename = "templateLine")]
        template_line: u32,
        #[serde(rename = "templateColumn")]
        template_column: u32,
    },
    #[error("invalid JSON Schema (draft 4): {detail}")]
    InvalidSchema { detail: String },
    #[error("invalid integrationUri: {detail}")]
    InvalidIntegrationUri { detail: String },
    #[error(
        "`{field}` is not emulated by wsgate yet; remove it or set it to AWS's default ({default})"
    )]
    UnsupportedFeature { field: String, default: String },
    /// A template's `Fn::Name` (or `!Name`) that CloudFormation does not have.
    #[error("`{name}` is not a CloudFormation intrinsic function")]
    UnknownIntrinsic { name: String },
    /// A `Ref`, `Fn::GetAtt` or `${...}` naming no parameter, resource or pseudo parameter.
    #[error(
        "`{name}` names no parameter, resource or pseudo parameter of the template{}",
        suggest(suggestion)
    )]
    DanglingReference {
        name: String,
        suggestion: Option<String>,
    },
    /// Resolving a value needs the value itself.
    #[error("`{name}` depends on itself ({through})")]
    ReferenceCycle { name: String, through: String },
    /// A value only AWS has: another stack's export, a custom resource's attribute.
    #[error("{detail}: only a deployed stack has it")]
    NotLocal { detail: String },
    /// The template has no WebSocket API, or several and none was chosen.
    #[error("{detail}")]
    NoApi { detail: String },
}

fn suggest(suggestion: &Option<String>) -> String {
    suggestion
        .as_ref()
        .map(|s| format!(" (did you mean `{s}`?)"))
        .unwrap_or_default()
}

impl ProblemKind {
    /// The stable snake_case code users match on (`dangling_target`), the `code` key of a serialized problem.
    pub fn code(&self) -> &'static str {
        self.into()
    }
}

/// One problem, located.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct Problem {
    /// The definition's file, when it came from one.
    pub file: Option<String>,
    /// Dotted path to the offending value, e.g. `routes.sendmessage.target`; empty for the whole document.
    pub path: String,
    /// 1-based line in the file.
    pub line: Option<u32>,
    /// Human-readable text of `kind`.
    pub message: String,
    #[serde(flatten)]
    pub kind: ProblemKind,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.as_deref().unwrap_or("<definition>"))?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if !self.path.is_empty() {
            write!(f, ": {}", self.path)?;
        }
        write!(f, ": {} [{}]", self.message, self.kind.code())
    }
}

/// A definition that cannot be loaded, with every problem found in it.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfigError {
    pub problems: Vec<Problem>,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, problem) in self.problems.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{problem}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigError {}
