//! Turning an integration's outcome into what the client sees: the handshake answer on `$connect`, the
//! proxy body on two-way routes, integration response selection and response templates for non-proxy types,
//! and the error frames.

use serde_json::Value;

use super::{
    select_template, Action, Decision, Engine, ErrorFrame, EventType, Outcome, Pending,
    ResponseChoice,
};
use crate::config::{Integration, IntegrationType, IntegrationUri};
use crate::selection::{Inputs, IntegrationInputs};
use crate::template::Scope;

impl Engine {
    /// An integration call finished: decide what the client sees.
    pub fn complete(&self, pending: Pending, outcome: Outcome) -> Decision {
        if let Some(conn) = pending.authorizing {
            return self.complete_authorizer(pending.integration_id, *conn, pending.vars, outcome);
        }
        let integration = &self.api.integrations[&pending.integration_id];
        if pending.vars.kind == EventType::Disconnect {
            return Decision::default();
        }
        match (&outcome, integration.kind) {
            (Outcome::Timeout, _) => {
                return self.fail(&pending, ErrorFrame::EndpointRequestTimedOut, 504)
            }
            (Outcome::Failed(_), _) => {
                return self.fail(&pending, ErrorFrame::InternalServerError, 502)
            }
            (Outcome::FunctionError { .. }, IntegrationType::AwsProxy) => {
                return self.fail(&pending, ErrorFrame::InternalServerError, 502)
            }
            _ => {}
        }
        if integration.kind.is_proxy() {
            return self.complete_proxy(&pending, outcome);
        }
        let (status, headers, body, error) = match outcome {
            Outcome::Result(v) => (200, lambda_headers(), lambda_text(&v), None),
            Outcome::FunctionError { message } => {
                let body = serde_json::json!({"errorMessage": message}).to_string();
                (200, lambda_headers(), body, Some(message))
            }
            Outcome::Http {
                status,
                headers,
                body,
            } => (status, headers, body, None),
            Outcome::Timeout | Outcome::Failed(_) => unreachable!("handled above"),
        };
        let response = (status, headers.as_slice(), body.as_str());
        self.complete_non_proxy(pending, integration, response, error)
    }

    fn complete_proxy(&self, pending: &Pending, outcome: Outcome) -> Decision {
        let mut decision = Decision {
            route_key: Some(pending.vars.route_key.clone()),
            ..Decision::default()
        };
        let (status, headers, body) = match outcome {
            Outcome::Result(Value::Object(result)) => {
                let status = result
                    .get("statusCode")
                    .and_then(Value::as_u64)
                    .map(|s| s as u16);
                let body = result
                    .get("body")
                    .filter(|b| !b.is_null())
                    .map(|b| match b {
                        Value::String(s) => s.clone(),
                        other => other.to_string(),
                    });
                let headers = result.get("headers").cloned().unwrap_or(Value::Null);
                (status, headers, body)
            }
            // A handler that returns nothing (Python's None, JS's undefined) succeeded with nothing to say (docs/behaviour.md §6.4 [?]).
            Outcome::Result(Value::Null) => (Some(200), Value::Null, None),
            Outcome::Result(_) => (None, Value::Null, None),
            Outcome::Http {
                status,
                headers,
                body,
            } => {
                let headers = Value::Object(
                    headers
                        .into_iter()
                        .map(|(k, v)| (k, Value::String(v)))
                        .collect(),
                );
                (Some(status), headers, (!body.is_empty()).then_some(body))
            }
            _ => unreachable!("errors are handled by complete"),
        };
        if pending.vars.kind == EventType::Connect {
            // A Lambda result without a statusCode is malformed: 502 (docs/behaviour.md §12 [I]).
            let Some(status) = status else {
                return self.fail(pending, ErrorFrame::InternalServerError, 502);
            };
            decision.integration_response = Some(ResponseChoice { key: None, status });
            decision.actions.push(connect_action(status, &headers));
            return decision;
        }
        // statusCode never matters on message routes (docs/behaviour.md §4); only two-way routes send the body.
        if let Some(status) = status {
            decision.integration_response = Some(ResponseChoice { key: None, status });
        }
        if let (true, Some(body)) = (pending.two_way, body) {
            decision.actions.push(Action::Send { text: body });
        }
        decision
    }

    pub(crate) fn complete_non_proxy(
        &self,
        pending: Pending,
        integration: &Integration,
        (status, headers, body): (u16, &[(String, String)], &str),
        error: Option<String>,
    ) -> Decision {
        let mut decision = Decision {
            route_key: Some(pending.vars.route_key.clone()),
            ..Decision::default()
        };
        // Lambda (AWS) responses are selected by errorMessage; HTTP, MOCK and other AWS services by status code
        // (docs/behaviour.md §5.3, §5.6).
        let by_error = integration.kind == IntegrationType::Aws
            && !matches!(integration.uri, Some(IntegrationUri::AwsService { .. }));
        let selector = match by_error {
            true => error.clone().unwrap_or_default(),
            false => status.to_string(),
        };
        let chosen = integration
            .responses
            .iter()
            .find(|r| r.pattern.matches(&selector))
            .or_else(|| integration.responses.iter().find(|r| r.key == "$default"));
        decision.integration_response = Some(ResponseChoice {
            key: chosen.map(|r| r.key.clone()),
            status,
        });
        if pending.vars.kind == EventType::Connect {
            let ok = error.is_none() && (200..300).contains(&status);
            let status = if error.is_some() { 502 } else { status };
            decision.actions.push(if ok {
                Action::Accept { subprotocol: None }
            } else {
                Action::Reject { status }
            });
            return decision;
        }
        let Some(response) = chosen else {
            // An unhandled function error reaches the client on any route; a two-way route with no
            // integration response to answer with gets the same frame (docs/behaviour.md §5.3 [?]).
            if error.is_some() || pending.two_way {
                return self.with_fail(decision, &pending, ErrorFrame::InternalServerError);
            }
            return decision;
        };
        if !pending.two_way {
            return decision;
        }
        let inputs = Inputs {
            body: pending.request_json.as_ref(),
            stage_variables: Some(&self.api.stage_variables),
            // `$integration.response.body` is not a template selection variable: AWS resolves it to
            // nothing, so the `$default` template applies (docs/behaviour.md §5.3, observed).
            integration: Some(IntegrationInputs {
                status,
                headers,
                body: None,
            }),
            ..Inputs::default()
        };
        let text = match select_template(
            response.template_selection.as_ref(),
            &response.response_templates,
            &inputs,
        ) {
            // No template: the integration's body passes through unchanged (docs/behaviour.md §5.3).
            None => body.to_string(),
            Some(template) => {
                let context = pending.vars.context(&self.api);
                let scope = Scope::new(&context, body, &self.stage_variables);
                match template.render(&scope) {
                    Ok(text) => text,
                    Err(_) => {
                        return self.with_fail(decision, &pending, ErrorFrame::InternalServerError)
                    }
                }
            }
        };
        if !text.is_empty() {
            decision.actions.push(Action::Send { text });
        }
        decision
    }

    fn with_fail(&self, mut decision: Decision, pending: &Pending, frame: ErrorFrame) -> Decision {
        decision.actions = self.fail(pending, frame, 500).actions;
        decision
    }
}

/// 2xx accepts (echoing `Sec-WebSocket-Protocol` from the response headers); anything else rejects with it.
fn connect_action(status: u16, headers: &Value) -> Action {
    if !(200..300).contains(&status) {
        return Action::Reject { status };
    }
    let subprotocol = headers.as_object().and_then(|h| {
        h.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("sec-websocket-protocol"))
            .and_then(|(_, v)| v.as_str().map(str::to_string))
    });
    Action::Accept { subprotocol }
}

/// The Invoke API's response headers, as `$integration.response.header.*` sees them (docs/behaviour.md §5.3).
fn lambda_headers() -> Vec<(String, String)> {
    vec![("Content-Type".into(), "application/json".into())]
}

/// A Lambda result as the body a response template reads: strings as they are, the rest as JSON.
fn lambda_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}
