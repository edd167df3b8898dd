//! A simulated connection (connect, messages, disconnect) driven without sockets, and the trace of each step:
//! what `wsgate route`, `simulate` in the bindings, the playground and the conformance vectors all print.

use std::sync::Arc;

use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{
    Action, AuthorizerStep, Connection, Decision, Engine, EventType, Ids, Invocation, Outcome,
    Request, ResponseChoice, RouteSelection, Validation,
};
use crate::config::IntegrationType;
use crate::frame::{Assembled, Assembler, CloseCause, Opcode};

/// The trace of one step. Its top-level keys are a contract shared by every language.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Trace {
    pub route_key: Option<String>,
    /// Message steps only: why `routeKey` was chosen.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub selection: Option<RouteSelection>,
    pub validation: Option<Validation>,
    pub integration: Option<Invocation>,
    pub integration_response: Option<ResponseChoice>,
    pub send: Vec<String>,
    pub close: Option<Close>,
    /// Connect steps only: the HTTP status of the handshake and the subprotocol chosen.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub handshake: Option<Handshake>,
    /// Connect steps of a `$connect` with an authorizer: its event and what it decided.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authorizer: Option<AuthorizerStep>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct Close {
    pub code: u16,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct Handshake {
    pub status: u16,
    pub subprotocol: Option<String>,
}

/// The options of `simulate` in every language (`wsgate route`'s flags, Python's keyword arguments, Node's and the
/// WebAssembly build's option objects): what the simulated integration does, and how the message is sent.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[cfg_attr(feature = "cli", derive(clap::Args))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SimulateOptions {
    /// What the integration returns: a Lambda result (AWS_PROXY, AWS), or {"statusCode", "headers", "body"} for
    /// HTTP and HTTP_PROXY.
    #[cfg_attr(feature = "cli", arg(long, value_parser = parse_json, conflicts_with_all = ["function_error", "timeout"]))]
    pub result: Option<Value>,
    /// The Lambda function fails with this errorMessage.
    #[cfg_attr(feature = "cli", arg(long, conflicts_with = "timeout"))]
    pub function_error: Option<String>,
    /// The integration times out.
    #[serde(default)]
    #[cfg_attr(feature = "cli", arg(long))]
    pub timeout: bool,
    /// Send the message as this many frames (one text frame, then continuations).
    #[cfg_attr(feature = "cli", arg(long))]
    pub fragments: Option<usize>,
    /// Send the message as a binary frame.
    #[serde(default)]
    #[cfg_attr(feature = "cli", arg(long))]
    pub binary: bool,
}

#[cfg(feature = "cli")]
pub(crate) fn parse_json(text: &str) -> Result<Value, String> {
    serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))
}

impl SimulateOptions {
    fn outcome(&self, kind: IntegrationType, event: EventType) -> Outcome {
        if self.timeout {
            return Outcome::Timeout;
        }
        if let Some(message) = &self.function_error {
            return Outcome::FunctionError {
                message: message.clone(),
            };
        }
        let result = self.result.clone();
        match kind {
            IntegrationType::Http | IntegrationType::HttpProxy => {
                let result = result.unwrap_or(Value::Null);
                let headers = result
                    .get("headers")
                    .and_then(Value::as_object)
                    .map(|h| {
                        h.iter()
                            .map(|(k, v)| (k.clone(), crate::stringify(v)))
                            .collect()
                    })
                    .unwrap_or_default();
                Outcome::Http {
                    status: result
                        .get("statusCode")
                        .and_then(Value::as_u64)
                        .unwrap_or(200) as u16,
                    headers,
                    body: result.get("body").map(crate::stringify).unwrap_or_default(),
                }
            }
            // With no result given, a $connect handler accepts and any other handler returns nothing.
            _ => Outcome::Result(result.unwrap_or_else(|| {
                if event == EventType::Connect {
                    serde_json::json!({"statusCode": 200})
                } else {
                    Value::Null
                }
            })),
        }
    }
}

/// How the simulated client connects; every field has a deterministic default.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SessionOptions {
    pub connection_id: Option<String>,
    pub connected_at: Option<u64>,
    pub source_ip: Option<String>,
    pub user_agent: Option<String>,
    pub domain_name: Option<String>,
    /// Extra handshake headers, in order.
    #[serde(default)]
    pub headers: Map<String, Value>,
    /// The raw query string, e.g. `a=1&a=2&b=3`.
    pub query: Option<String>,
    /// Seed of the request and message ids.
    pub seed: Option<u64>,
    /// The access key whose SigV4 signature the handshake carries, as the gateway checked it: what an `AWS_IAM`
    /// `$connect` needs. Without it the handshake is unsigned.
    pub access_key: Option<String>,
}

/// Why a simulated connection cannot run a step. `code()` is the variant's name in snake_case, as a problem's code
/// is; each binding raises it as its `SessionError` with that code.
#[derive(Debug, Clone, PartialEq, thiserror::Error, strum::IntoStaticStr, strum::VariantNames)]
#[strum(serialize_all = "snake_case")]
pub enum SessionError {
    /// The step is not one of connect, message, close or disconnect with their options.
    #[error("not a step: one of connect, message, close or disconnect, with its options ({0})")]
    NotAStep(String),
    /// Session or simulate options that are not [`SessionOptions`] or [`SimulateOptions`].
    #[error("invalid options: {0}")]
    InvalidOptions(String),
    #[error("the session is already connected")]
    AlreadyConnected,
    /// A message on a new session connects first, and `$connect` refused.
    #[error("$connect rejected the connection with status {0}")]
    ConnectRejected(u16),
    #[error("the connection is not open")]
    NotOpen,
    #[error("the session is not connected")]
    NotConnected,
    #[error("the last frame did not finish the message")]
    UnfinishedMessage,
    #[error("`padTo` is at most {MAX_PAD_TO}")]
    PadTooLong,
}

impl SessionError {
    /// `not_a_step`, `invalid_options`, `already_connected`, `connect_rejected`, `not_open`, `not_connected`, `unfinished_message` or
    /// `pad_too_long`.
    pub fn code(&self) -> &'static str {
        self.into()
    }
}

/// Session or simulate options as every binding receives them: a JSON object, or null for the defaults.
pub fn options<T: serde::de::DeserializeOwned + Default>(value: Value) -> Result<T, SessionError> {
    match value {
        Value::Null => Ok(T::default()),
        other => {
            serde_json::from_value(other).map_err(|e| SessionError::InvalidOptions(e.to_string()))
        }
    }
}

/// How one step (connect, message, disconnect) is simulated: [`SimulateOptions`] (frame options apply to messages
/// only), and fixed ids.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StepOptions {
    /// Fixed ids for this step, so a trace can be compared byte for byte.
    pub request_id: Option<String>,
    pub message_id: Option<String>,
    /// Connect steps: what `$connect`'s authorizer does (`{"result": {...}}`, `{"functionError": "Unauthorized"}`,
    /// `{"timeout": true}`); without it, it allows with principalId `user`.
    pub authorizer: Option<SimulateOptions>,
    #[serde(flatten)]
    pub simulate: SimulateOptions,
}

#[derive(Debug, Clone, PartialEq)]
enum State {
    New,
    Open,
    /// The gateway closed the connection with this code and reason; `$disconnect` has not run yet.
    Closing(u16, String),
    Closed,
}

/// One simulated connection. A clone is the same connection at the same moment: the playground runs a step on
/// a clone to learn the event before a user's function answers it.
#[derive(Clone)]
pub struct Session {
    engine: Arc<Engine>,
    connection: Connection,
    ids: Ids,
    now: u64,
    assembler: Assembler,
    state: State,
}

const DEFAULT_CONNECTED_AT: u64 = 1_700_000_000_000;

impl Session {
    /// A new, not yet connected client of `engine` (shared, so bindings can keep sessions alive on their own).
    pub fn new(engine: Arc<Engine>, options: SessionOptions) -> Self {
        let ids = Ids::seeded(options.seed.unwrap_or(1));
        let connection_id = options.connection_id.unwrap_or_else(|| ids.next_id());
        let domain_name = options
            .domain_name
            .unwrap_or_else(|| "localhost:8080".into());
        let mut headers = vec![("Host".to_string(), domain_name.clone())];
        if let Some(ua) = &options.user_agent {
            headers.push(("User-Agent".into(), ua.clone()));
        }
        headers.extend([
            ("Connection".into(), "Upgrade".into()),
            ("Upgrade".into(), "websocket".into()),
            (
                "Sec-WebSocket-Key".into(),
                "dGhlIHNhbXBsZSBub25jZQ==".into(),
            ),
            ("Sec-WebSocket-Version".into(), "13".into()),
        ]);
        headers.extend(
            options
                .headers
                .iter()
                .map(|(k, v)| (k.clone(), crate::stringify(v))),
        );
        let connected_at = options.connected_at.unwrap_or(DEFAULT_CONNECTED_AT);
        Self {
            assembler: engine.assembler(),
            engine,
            connection: Connection {
                connection_id,
                connected_at,
                source_ip: options.source_ip.unwrap_or_else(|| "127.0.0.1".into()),
                user_agent: options.user_agent,
                domain_name,
                headers,
                query: options
                    .query
                    .as_deref()
                    .map(super::parse_query)
                    .unwrap_or_default(),
                forwarded_port: 8080,
                forwarded_proto: "http".into(),
                authorizer: None,
                caller: options
                    .access_key
                    .map(|key| super::Caller::iam_user(&key, &key)),
            },
            ids,
            now: connected_at,
            state: State::New,
        }
    }

    pub fn connection(&self) -> &Connection {
        &self.connection
    }

    /// The region of the API this session connects to: where its Lambda functions run.
    pub fn region(&self) -> &str {
        &self.engine.api().region
    }

    fn request(&mut self, options: &StepOptions) -> Request {
        self.now += 1;
        let request_id = self.ids.next_id();
        let message_id = self.ids.next_id();
        Request {
            request_id: options.request_id.clone().unwrap_or(request_id),
            message_id: options.message_id.clone().unwrap_or(message_id),
            time_ms: self.now,
        }
    }

    /// Runs the decision to its end, invoking the simulated integration when the engine asks.
    fn finish(&self, decision: Decision, outcome: &SimulateOptions, event: EventType) -> Trace {
        let mut trace = Trace {
            route_key: decision.route_key.clone(),
            selection: None,
            validation: decision.validation.clone(),
            integration: decision.invocation.clone(),
            integration_response: decision.integration_response.clone(),
            send: Vec::new(),
            close: None,
            handshake: None,
            authorizer: decision.authorizer,
        };
        let mut actions = decision.actions;
        if let (Some(pending), Some(invocation)) = (decision.pending, &decision.invocation) {
            let done = self
                .engine
                .complete(pending, outcome.outcome(invocation.kind, event));
            trace.integration_response = done.integration_response;
            actions.extend(done.actions);
        }
        for action in actions {
            match action {
                Action::Send { text } => trace.send.push(text),
                Action::Close { code, reason } => trace.close = Some(Close { code, reason }),
                Action::Accept { subprotocol } => {
                    trace.handshake = Some(Handshake {
                        status: 101,
                        subprotocol,
                    })
                }
                Action::Reject { status } => {
                    trace.handshake = Some(Handshake {
                        status,
                        subprotocol: None,
                    })
                }
            }
        }
        trace
    }

    /// Runs `$connect`'s authorizer when the decision calls it, keeping the context it allows with; the decision
    /// after it carries the whole authorizer step.
    fn authorize(
        &mut self,
        mut decision: Decision,
        simulated: Option<&SimulateOptions>,
    ) -> Decision {
        if !decision.pending.as_ref().is_some_and(|p| p.is_authorizer()) {
            return decision;
        }
        let (Some(pending), Some(invocation)) =
            (decision.pending.take(), decision.invocation.take())
        else {
            unreachable!("an authorizer call has its invocation")
        };
        let outcome = match simulated {
            Some(o) if o.result.is_some() || o.function_error.is_some() || o.timeout => {
                o.outcome(IntegrationType::AwsProxy, EventType::Connect)
            }
            _ => Outcome::Result(serde_json::json!({
                "principalId": "user",
                "policyDocument": {"Version": "2012-10-17", "Statement": [{
                    "Action": "execute-api:Invoke",
                    "Effect": "Allow",
                    "Resource": invocation.request["methodArn"],
                }]},
            })),
        };
        let mut next = self.engine.complete(pending, outcome);
        if let (Some(called), Some(done)) = (decision.authorizer, next.authorizer.as_mut()) {
            done.identity = called.identity;
            done.request = called.request;
        }
        if let Some(context) = next.authorizer.as_ref().and_then(|a| a.context.clone()) {
            self.connection.authorizer = Some(context);
        }
        next
    }

    /// The handshake: `$connect` runs; a rejection ends the session.
    pub fn connect(&mut self, options: &StepOptions) -> Result<Trace, SessionError> {
        if self.state != State::New {
            return Err(SessionError::AlreadyConnected);
        }
        // API Gateway's requestTimeEpoch for CONNECT is about connectedAt + 1 ms.
        let request = self.request(options);
        let decision = self.engine.connect(&self.connection, &request);
        let decision = self.authorize(decision, options.authorizer.as_ref());
        let trace = self.finish(decision, &options.simulate, EventType::Connect);
        let accepted = trace.handshake.as_ref().is_some_and(|h| h.status == 101);
        self.state = if accepted { State::Open } else { State::Closed };
        Ok(trace)
    }

    /// Sends one message (connecting first, accepting, if the session is new).
    pub fn message(&mut self, text: &str, options: &StepOptions) -> Result<Trace, SessionError> {
        if self.state == State::New {
            let accepted = self.connect(&StepOptions::default())?;
            if self.state != State::Open {
                return Err(SessionError::ConnectRejected(
                    accepted.handshake.map_or(0, |h| h.status),
                ));
            }
        }
        if self.state != State::Open {
            return Err(SessionError::NotOpen);
        }
        let frames = frames(text.as_bytes(), options);
        let mut assembled = Assembled::Partial;
        for (opcode, fin, payload) in frames {
            assembled = self.assembler.push(opcode, fin, payload);
            if matches!(assembled, Assembled::Close(_)) {
                break;
            }
        }
        let request = self.request(options);
        match assembled {
            Assembled::Message(message) => {
                let decision = self.engine.message(&self.connection, &request, &message);
                let mut trace = self.finish(decision, &options.simulate, EventType::Message);
                trace.selection = Some(self.engine.route_selection(&self.connection, &message));
                Ok(trace)
            }
            Assembled::Close(cause) => self.close(cause),
            Assembled::Partial => Err(SessionError::UnfinishedMessage),
        }
    }

    /// The gateway closes the connection (a limit, the idle timer, `DELETE @connections`, ...);
    /// `$disconnect` runs at the next [`Session::disconnect`] with the same code and reason.
    pub fn close(&mut self, cause: CloseCause) -> Result<Trace, SessionError> {
        if self.state != State::Open {
            return Err(SessionError::NotOpen);
        }
        let close = Close {
            code: cause.code(),
            reason: cause.reason().to_string(),
        };
        self.state = State::Closing(close.code, close.reason.clone());
        Ok(Trace {
            route_key: None,
            selection: None,
            validation: None,
            integration: None,
            integration_response: None,
            send: Vec::new(),
            close: Some(close),
            handshake: None,
            authorizer: None,
        })
    }

    /// The connection ends: with the client's code and reason, or with the gateway's own close if it closed it.
    pub fn disconnect(
        &mut self,
        close: Option<(u16, String)>,
        options: &StepOptions,
    ) -> Result<Trace, SessionError> {
        let (code, reason) = match (&self.state, close) {
            (State::Closing(code, reason), _) => (*code, reason.clone()),
            (State::Open, Some(close)) => close,
            (State::Open, None) => (1005, "Client-side close frame status not set".into()),
            _ => return Err(SessionError::NotConnected),
        };
        self.state = State::Closed;
        let request = self.request(options);
        let decision = self
            .engine
            .disconnect(&self.connection, &request, code, &reason);
        Ok(self.finish(decision, &options.simulate, EventType::Disconnect))
    }

    /// Runs one step written as JSON, as `tests/vectors` write it ([`Step`]). Every binding runs the shared
    /// vectors through this.
    pub fn step(&mut self, step: &Value) -> Result<Trace, SessionError> {
        let step = Step::deserialize(step).map_err(|e| SessionError::NotAStep(e.to_string()))?;
        self.run(step)
    }

    /// Runs one step.
    pub fn run(&mut self, step: Step) -> Result<Trace, SessionError> {
        let options = step.options;
        match step.action {
            StepAction::Connect(_) => self.connect(&options),
            StepAction::Close(cause) => self.close(cause),
            StepAction::Message(text) => {
                if step.pad_to > MAX_PAD_TO {
                    return Err(SessionError::PadTooLong);
                }
                let padding = step.pad_to.saturating_sub(text.len());
                self.message(&format!("{text}{}", " ".repeat(padding)), &options)
            }
            StepAction::Disconnect(close) => {
                self.disconnect(close.map(|c| (c.code, c.reason)), &options)
            }
        }
    }
}

/// One step of a simulated connection, as `tests/vectors` write it (`tests/vectors/schema.json` describes it):
/// one action, `padTo` for a message, and the step's options beside it. Any other key is an error, but for the
/// vectors' `expect` and `absent`, which are the tests' own and ignored here.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Step {
    #[serde(flatten)]
    pub action: StepAction,
    /// Append spaces to the message up to this many bytes.
    #[serde(default)]
    pub pad_to: usize,
    #[serde(flatten)]
    pub options: StepOptions,
    #[serde(default, rename = "expect")]
    #[cfg_attr(test, schemars(skip))]
    _expect: IgnoredAny,
    #[serde(default, rename = "absent")]
    #[cfg_attr(test, schemars(skip))]
    _absent: IgnoredAny,
}

/// What a step does.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub enum StepAction {
    /// `{"connect": true}`: the client opens the connection (`$connect`).
    Connect(bool),
    /// `{"message": TEXT}`: the client sends a message.
    Message(String),
    /// `{"close": CAUSE}`: the gateway closes the connection for this cause (`idle_timeout`, ...).
    Close(CloseCause),
    /// `{"disconnect": {"code", "reason"}}`, or `null` for a close without a status: the client closes.
    Disconnect(Option<ClientClose>),
}

/// The close frame a client sends.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ClientClose {
    pub code: u16,
    #[serde(default)]
    pub reason: String,
}

/// What the gateway does with one message on a new simulated connection: the trace of `wsgate route` and of every
/// binding's `simulate`.
pub fn simulate(
    api: crate::Api,
    message: &str,
    options: &SimulateOptions,
) -> Result<Trace, SessionError> {
    let options = StepOptions {
        simulate: options.clone(),
        ..StepOptions::default()
    };
    Session::new(Arc::new(Engine::new(api)), SessionOptions::default()).message(message, &options)
}

/// The largest message a step may pad to: well past every limit, small enough for any browser tab.
const MAX_PAD_TO: usize = 4 * 1024 * 1024;

/// The frames a client sends for one message.
fn frames<'t>(bytes: &'t [u8], options: &StepOptions) -> Vec<(Opcode, bool, &'t [u8])> {
    if options.simulate.binary {
        return vec![(Opcode::Binary, true, bytes)];
    }
    let n = options
        .simulate
        .fragments
        .unwrap_or(1)
        .clamp(1, bytes.len().max(1));
    let size = bytes.len().div_ceil(n).max(1);
    let chunks: Vec<&[u8]> = if bytes.is_empty() {
        vec![bytes]
    } else {
        bytes.chunks(size).collect()
    };
    let last = chunks.len() - 1;
    chunks
        .into_iter()
        .enumerate()
        .map(|(i, chunk)| {
            let opcode = if i == 0 {
                Opcode::Text
            } else {
                Opcode::Continuation
            };
            (opcode, i == last, chunk)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Api;

    fn session(api: &str) -> Session {
        let engine = Arc::new(Engine::new(Api::from_str(api).unwrap()));
        Session::new(engine, SessionOptions::default())
    }

    const API: &str = "name: s\nrouteSelectionExpression: $request.body.a\n\
                       integrations: {f: {integrationType: AWS_PROXY}}\n\
                       routes: {$connect: {target: integrations/f}, $disconnect: {target: integrations/f}, \
                       $default: {target: integrations/f}}\n";

    #[test]
    fn a_rejected_handshake_never_runs_disconnect() {
        let mut s = session(API);
        let reject = StepOptions {
            simulate: SimulateOptions {
                result: Some(serde_json::json!({"statusCode": 403})),
                ..SimulateOptions::default()
            },
            ..StepOptions::default()
        };
        assert_eq!(s.connect(&reject).unwrap().handshake.unwrap().status, 403);
        assert!(s.disconnect(None, &StepOptions::default()).is_err());
        assert!(s.message("{}", &StepOptions::default()).is_err());
    }

    #[test]
    fn fragments_split_a_message_into_continuations() {
        let options = StepOptions {
            simulate: SimulateOptions {
                fragments: Some(3),
                ..SimulateOptions::default()
            },
            ..StepOptions::default()
        };
        let frames = frames(b"abcdefg", &options);
        let opcodes: Vec<_> = frames.iter().map(|(op, fin, _)| (*op, *fin)).collect();
        assert_eq!(
            opcodes,
            [
                (Opcode::Text, false),
                (Opcode::Continuation, false),
                (Opcode::Continuation, true)
            ]
        );
        let joined: Vec<u8> = frames.iter().flat_map(|(_, _, p)| p.to_vec()).collect();
        assert_eq!(joined, b"abcdefg");
    }

    #[test]
    fn requests_get_fresh_ids_and_later_times() {
        let mut s = session(API);
        let a = s.request(&StepOptions::default());
        let b = s.request(&StepOptions::default());
        assert_ne!(a.request_id, b.request_id);
        assert_ne!(a.message_id, b.message_id);
        assert!(b.time_ms > a.time_ms);
    }

    #[test]
    fn a_clone_runs_the_same_step_the_same_way_and_leaves_the_original_as_it_was() {
        let mut s = session(API);
        s.connect(&StepOptions::default()).unwrap();
        let step = serde_json::json!({"message": "{\"a\": \"x\"}"});
        let previewed = s.clone().step(&step).unwrap();
        let done = s.step(&step).unwrap();
        assert_eq!(previewed, done);
        let next = s.step(&step).unwrap();
        let id = |t: &Trace| {
            t.integration.as_ref().unwrap().request["requestContext"]["requestId"].clone()
        };
        assert_ne!(id(&next), id(&done));
    }

    #[test]
    fn unknown_step_options_are_refused() {
        let bad = serde_json::from_value::<StepOptions>(serde_json::json!({"bogus": 1}));
        assert!(bad.is_err());
        let good = serde_json::from_value::<StepOptions>(
            serde_json::json!({"fragments": 2, "functionError": "x"}),
        );
        assert_eq!(good.unwrap().simulate.function_error.as_deref(), Some("x"));
    }

    #[test]
    fn a_step_is_one_action_with_its_options_and_nothing_else() {
        let mut s = session(API);
        let connect =
            serde_json::json!({"connect": true, "expect": {"routeKey": "$connect"}, "absent": []});
        assert!(s.step(&connect).is_ok());
        for bad in [
            serde_json::json!({"message": "x", "fragmnets": 2}),
            serde_json::json!({"fragments": 2}),
            serde_json::json!({"disconnect": {"code": 1000, "why": "x"}}),
        ] {
            assert_eq!(s.step(&bad).unwrap_err().code(), "not_a_step", "{bad}");
        }
        let padded = s
            .step(&serde_json::json!({"message": "{}", "padTo": 10}))
            .unwrap();
        assert_eq!(padded.integration.unwrap().request["body"], "{}        ");
    }
}
