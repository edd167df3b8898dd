//! `$connect`'s Lambda REQUEST authorizer (docs/behaviour.md §8): the identity check that may refuse with 401
//! before any call, the authorizer event, and what its answer means: allowed with a context every later event of
//! the connection carries, or refused with 401, 403 or 500.

use serde::Serialize;
use serde_json::{Map, Value};

use super::event::{self, RequestVars};
use super::lambda_context::ACCOUNT_ID;
use super::{Action, Connection, Decision, Engine, Invocation, Outcome, Pending};
use crate::config::{Authorizer, IntegrationType, Route};
use crate::selection::Inputs;

/// How long an authorizer may take: API Gateway's limit is undocumented for WebSocket APIs; HTTP APIs' is 10 s
/// (docs/behaviour.md §8, inferred).
pub const AUTHORIZER_TIMEOUT_MS: u32 = 10_000;

/// What the authorizer step decided, for the trace.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct AuthorizerStep {
    pub id: String,
    /// Each identity source and the value the handshake gave it (empty when missing).
    #[serde(skip_serializing_if = "Map::is_empty")]
    pub identity: Map<String, Value>,
    /// The event the authorizer got; absent when an identity source was missing and it was not called.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request: Option<Value>,
    /// `Allow` or `Deny`, once the authorizer has answered with a policy.
    pub effect: Option<String>,
    /// What the authorizer answered (its policy, principalId and context), when it answered with a result.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub answer: Option<Value>,
    /// The handshake status it refused with (401, 403, 500); absent when it allowed.
    pub status: Option<u16>,
    pub reason: String,
    /// What `$context.authorizer` and `requestContext.authorizer` hold from now on, when it allowed.
    pub context: Option<Map<String, Value>>,
}

impl AuthorizerStep {
    /// A refusal before any authorizer call: `id` is the authorizer's, `AWS_IAM` or `API key`.
    pub(super) fn refused(id: &str, status: u16, reason: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            identity: Map::new(),
            request: None,
            effect: None,
            answer: None,
            status: Some(status),
            reason: reason.into(),
            context: None,
        }
    }
}

impl Engine {
    /// The authorizer call before `$connect`'s integration, or the 401 of a missing identity source.
    pub(super) fn authorize(
        &self,
        route: &Route,
        authorizer: &Authorizer,
        conn: &Connection,
        vars: RequestVars,
    ) -> Decision {
        let inputs = Inputs {
            headers: &conn.headers,
            query: &conn.query,
            stage_variables: Some(&self.api.stage_variables),
            ..Inputs::default()
        };
        let context = vars.context(&self.api);
        let identity: Map<String, Value> = authorizer
            .identity
            .iter()
            .map(|source| {
                let value = super::source_value(&source.value, &inputs, &context);
                (source.source.clone(), Value::String(value))
            })
            .collect();
        let missing = identity
            .iter()
            .find(|(_, value)| value.as_str().is_some_and(str::is_empty));
        let mut decision = Decision {
            route_key: Some(route.key.clone()),
            ..Decision::default()
        };
        if let Some((source, _)) = missing {
            let reason = format!(
                "the identity source {source} is missing or empty, so the authorizer was not called"
            );
            decision.authorizer = Some(AuthorizerStep {
                identity,
                ..AuthorizerStep::refused(&authorizer.id, 401, reason)
            });
            decision.actions.push(Action::Reject { status: 401 });
            return decision;
        }
        let request = self.authorizer_event(conn, &vars);
        decision.authorizer = Some(AuthorizerStep {
            id: authorizer.id.clone(),
            identity,
            request: Some(request.clone()),
            effect: None,
            answer: None,
            status: None,
            reason: "called".into(),
            context: None,
        });
        decision.invocation = Some(Invocation {
            id: authorizer.id.clone(),
            kind: IntegrationType::AwsProxy,
            uri: authorizer.uri.clone(),
            timeout_ms: AUTHORIZER_TIMEOUT_MS,
            request,
            parameters: Default::default(),
        });
        decision.pending = Some(Pending {
            integration_id: authorizer.id.clone(),
            two_way: false,
            vars,
            request_json: None,
            authorizing: Some(Box::new(conn.clone())),
        });
        decision
    }

    /// The authorizer answered: refuse the handshake, or go on to `$connect`'s integration with its context.
    pub(super) fn complete_authorizer(
        &self,
        id: String,
        mut conn: Connection,
        mut vars: RequestVars,
        outcome: Outcome,
    ) -> Decision {
        let method_arn = self.connect_arn();
        let verdict = verdict(&outcome, &method_arn);
        let (effect, result) = match verdict {
            Ok((effect, context)) => (effect, Ok(context)),
            Err((effect, status, reason)) => (effect, Err((status, reason))),
        };
        let mut step = AuthorizerStep {
            id,
            identity: Map::new(),
            request: None,
            effect,
            answer: match &outcome {
                Outcome::Result(answer) => Some(answer.clone()),
                _ => None,
            },
            status: None,
            reason: String::new(),
            context: None,
        };
        let context = match result {
            Ok(context) => context,
            Err((status, reason)) => {
                step.status = Some(status);
                step.reason = reason;
                return Decision {
                    route_key: Some("$connect".into()),
                    authorizer: Some(step),
                    actions: vec![Action::Reject { status }],
                    ..Decision::default()
                };
            }
        };
        step.reason = "the policy allows execute-api:Invoke on the methodArn".into();
        step.context = Some(context.clone());
        conn.authorizer = Some(context.clone());
        vars.authorizer = Some(context);
        let route = &self.api.routes["$connect"];
        if let Some(refused) = self.check_api_key(route, &conn) {
            return Decision {
                authorizer: Some(AuthorizerStep {
                    status: refused.authorizer.as_ref().and_then(|a| a.status),
                    reason: format!(
                        "{}; then {}",
                        step.reason,
                        refused.authorizer.map(|a| a.reason).unwrap_or_default()
                    ),
                    ..step
                }),
                ..refused
            };
        }
        let decision = self.invoke(route, &conn, vars, "", None);
        Decision {
            authorizer: Some(step),
            ..decision
        }
    }

    /// `apiKeyRequired` on `$connect`: the key `apiKeySelectionExpression` picks (the `x-api-key` header, or the
    /// authorizer's `usageIdentifierKey`) must be an enabled key of the API, else 403 (docs/behaviour.md §8). It is
    /// checked once the caller is authorized, as API Gateway checks usage plans after authorization.
    pub(super) fn check_api_key(&self, route: &Route, conn: &Connection) -> Option<Decision> {
        if !route.api_key_required {
            return None;
        }
        let inputs = Inputs {
            headers: &conn.headers,
            authorizer: conn.authorizer.as_ref(),
            ..Inputs::default()
        };
        let key = self.api.api_key_selection.evaluate(&inputs);
        let reason = match self.api.api_keys.iter().find(|k| k.value == key) {
            Some(known) if known.enabled => return None,
            Some(known) => format!("the API key `{}` is disabled", known.name),
            None if key.is_empty() => format!(
                "no API key: {} is empty",
                self.api.api_key_selection.source()
            ),
            None => "the API key is not one of the API's keys".to_string(),
        };
        Some(Decision {
            route_key: Some(route.key.clone()),
            authorizer: Some(AuthorizerStep::refused("API key", 403, reason)),
            actions: vec![Action::Reject { status: 403 }],
            ..Decision::default()
        })
    }

    /// `arn:aws:execute-api:{region}:{account}:{apiId}/{stage}/$connect`: what authorizer policies and IAM
    /// policies allow `execute-api:Invoke` on.
    pub fn connect_arn(&self) -> String {
        let api = &self.api;
        format!(
            "arn:aws:execute-api:{}:{ACCOUNT_ID}:{}/{}/$connect",
            api.region, api.api_id, api.stage
        )
    }

    /// The authorizer's event: the CONNECT event's headers, query string and `requestContext`, with `type`,
    /// `methodArn` and `stageVariables` (docs/behaviour.md §8).
    fn authorizer_event(&self, conn: &Connection, vars: &RequestVars) -> Value {
        let connect = event::proxy_event(&self.api, conn, vars, "");
        let Value::Object(mut connect) = connect else {
            unreachable!("an event is an object")
        };
        let mut event = Map::new();
        event.insert("type".into(), "REQUEST".into());
        event.insert("methodArn".into(), self.connect_arn().into());
        for key in [
            "headers",
            "multiValueHeaders",
            "queryStringParameters",
            "multiValueQueryStringParameters",
        ] {
            if let Some(value) = connect.remove(key) {
                event.insert(key.into(), value);
            }
        }
        event.insert(
            "stageVariables".into(),
            Value::Object(self.api.stage_variables.clone()),
        );
        if let Some(context) = connect.remove("requestContext") {
            event.insert("requestContext".into(), context);
        }
        Value::Object(event)
    }
}

/// Allowed with its context, or refused with a status and why; the policy's effect when there was one.
type Verdict = Result<(Option<String>, Map<String, Value>), (Option<String>, u16, String)>;

/// What an authorizer's outcome means (docs/behaviour.md §8): an `Unauthorized` error is 401; a policy that denies
/// or does not allow the methodArn is 403; a failure, a timeout or an answer that is no policy is 500.
fn verdict(outcome: &Outcome, method_arn: &str) -> Verdict {
    let result = match outcome {
        Outcome::Result(result) => result,
        Outcome::FunctionError { message } if message == "Unauthorized" => {
            return Err((None, 401, "the authorizer answered Unauthorized".into()))
        }
        Outcome::FunctionError { message } => {
            return Err((None, 500, format!("the authorizer failed: {message}")))
        }
        Outcome::Timeout => return Err((None, 500, "the authorizer timed out".into())),
        Outcome::Failed(reason) => {
            return Err((
                None,
                500,
                format!("the authorizer could not be called: {reason}"),
            ))
        }
        Outcome::Http { status, .. } => {
            return Err((None, 500, format!("the authorizer answered HTTP {status}")))
        }
    };
    let malformed = |why: &str| Err((None, 500, format!("the authorizer's answer {why}")));
    let Some(result) = result.as_object() else {
        return malformed("is not an object");
    };
    let principal = match result.get("principalId") {
        Some(Value::String(p)) => p.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => return malformed("has no principalId"),
    };
    let Some(statements) = result
        .get("policyDocument")
        .and_then(|p| p.get("Statement"))
    else {
        return malformed("has no policyDocument.Statement");
    };
    let statements: Vec<&Value> = match statements {
        Value::Array(list) => list.iter().collect(),
        single => vec![single],
    };
    let mut allowed = false;
    for statement in statements {
        let effect = statement.get("Effect").and_then(Value::as_str);
        let covers = matches_any(statement.get("Action"), "execute-api:Invoke", true)
            && matches_any(statement.get("Resource"), method_arn, false);
        match (effect, covers) {
            (Some("Deny"), true) => {
                return Err((
                    Some("Deny".into()),
                    403,
                    "the policy denies execute-api:Invoke on the methodArn".into(),
                ))
            }
            (Some("Allow"), covers) => allowed |= covers,
            (Some("Deny"), false) => {}
            _ => return malformed("has a statement whose Effect is neither Allow nor Deny"),
        }
    }
    if !allowed {
        return Err((
            Some("Deny".into()),
            403,
            format!("the policy does not allow execute-api:Invoke on {method_arn}"),
        ));
    }
    // Values are strings from here on, as API Gateway passes them (docs/behaviour.md §8, inferred for events).
    let mut context = Map::new();
    context.insert("principalId".into(), principal.into());
    match result.get("context") {
        None | Some(Value::Null) => {}
        Some(Value::Object(values)) => {
            for (key, value) in values {
                if matches!(value, Value::Object(_) | Value::Array(_)) {
                    return malformed(&format!(
                        "has a context value `{key}` that is not a string, number or boolean"
                    ));
                }
                context.insert(key.clone(), crate::stringify(value).into());
            }
        }
        Some(_) => return malformed("has a context that is not an object"),
    }
    if let Some(Value::String(key)) = result.get("usageIdentifierKey") {
        context.insert("usageIdentifierKey".into(), key.as_str().into());
    }
    Ok((Some("Allow".into()), context))
}

/// An IAM `Action` or `Resource` (a string or a list of them, with `*` and `?` wildcards) that covers `value`;
/// actions compare case-insensitively, resources exactly.
fn matches_any(patterns: Option<&Value>, value: &str, any_case: bool) -> bool {
    let fold = |text: &str| {
        if any_case {
            text.to_ascii_lowercase()
        } else {
            text.to_string()
        }
    };
    let matches = |pattern: &Value| {
        pattern
            .as_str()
            .is_some_and(|p| wildcard_match(&fold(p), &fold(value)))
    };
    match patterns {
        Some(Value::Array(list)) => list.iter().any(matches),
        Some(single) => matches(single),
        None => false,
    }
}

/// IAM's wildcard match: `*` is any run of characters, `?` any one.
pub fn wildcard_match(pattern: &str, value: &str) -> bool {
    let (p, v): (Vec<char>, Vec<char>) = (pattern.chars().collect(), value.chars().collect());
    // The classic two-pointer wildcard match, backtracking to the last `*`.
    let (mut i, mut j, mut star, mut mark) = (0, 0, None, 0);
    while j < v.len() {
        if i < p.len() && (p[i] == '?' || p[i] == v[j]) {
            i += 1;
            j += 1;
        } else if i < p.len() && p[i] == '*' {
            star = Some(i);
            mark = j;
            i += 1;
        } else if let Some(s) = star {
            i = s + 1;
            mark += 1;
            j = mark;
        } else {
            return false;
        }
    }
    p[i..].iter().all(|c| *c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const ARN: &str = "arn:aws:execute-api:us-east-1:123456789012:abcdef1234/dev/$connect";

    fn policy(effect: &str, resource: Value) -> Outcome {
        Outcome::Result(json!({
            "principalId": "me",
            "policyDocument": {"Version": "2012-10-17", "Statement": [
                {"Action": "execute-api:Invoke", "Effect": effect, "Resource": resource}
            ]},
            "context": {"n": 1, "ok": true, "s": "x"}
        }))
    }

    #[test]
    fn allow_covers_the_arn_with_wildcards_and_stringifies_the_context() {
        for resource in [
            json!(ARN),
            json!("arn:aws:execute-api:*:*:abcdef1234/*"),
            json!(["x", "*"]),
        ] {
            let (effect, context) = verdict(&policy("Allow", resource), ARN).unwrap();
            assert_eq!(effect.as_deref(), Some("Allow"));
            assert_eq!(
                Value::Object(context),
                json!({"principalId": "me", "n": "1", "ok": "true", "s": "x"})
            );
        }
    }

    #[test]
    fn deny_or_another_resource_is_403_and_bad_answers_500() {
        assert_eq!(
            verdict(&policy("Deny", json!("*")), ARN).unwrap_err().1,
            403
        );
        assert_eq!(
            verdict(
                &policy("Allow", json!("arn:aws:execute-api:*:*:other/*")),
                ARN
            )
            .unwrap_err()
            .1,
            403
        );
        let unauthorized = Outcome::FunctionError {
            message: "Unauthorized".into(),
        };
        assert_eq!(verdict(&unauthorized, ARN).unwrap_err().1, 401);
        for bad in [
            json!("allow"),
            json!({"policyDocument": {}}),
            json!({"principalId": "me"}),
        ] {
            assert_eq!(verdict(&Outcome::Result(bad), ARN).unwrap_err().1, 500);
        }
        assert_eq!(verdict(&Outcome::Timeout, ARN).unwrap_err().1, 500);
    }

    #[test]
    fn actions_match_in_any_case_resources_exactly() {
        let invoke = json!("EXECUTE-API:invoke");
        assert!(matches_any(Some(&invoke), "execute-api:Invoke", true));
        let upper = json!(ARN.replace("/dev/", "/DEV/"));
        assert!(!matches_any(Some(&upper), ARN, false));
    }

    #[test]
    fn wildcards() {
        assert!(wildcard_match("execute-api:*", "execute-api:Invoke"));
        assert!(wildcard_match("a?c*", "abcdef"));
        assert!(!wildcard_match("a?c", "abcd"));
        assert!(wildcard_match("*", ""));
    }
}
