"""Generated from wsgate's Rust types by core/src/contract_types.rs: do not edit. The shapes of the values the API
takes and returns as dicts, the same in every language."""

from typing import Any, Dict, List, Literal, TypedDict, Union


class _AuthorizerStepRequired(TypedDict):
    id: str
    effect: Union[str, None]
    """`Allow` or `Deny`, once the authorizer has answered with a policy."""
    status: Union[int, None]
    """The handshake status it refused with (401, 403, 500); absent when it allowed."""
    reason: str
    context: Union[Dict[str, Any], None]
    """What `$context.authorizer` and `requestContext.authorizer` hold from now on, when it allowed."""


class AuthorizerStep(_AuthorizerStepRequired, total=False):
    """What the authorizer step decided, for the trace."""
    identity: Dict[str, Any]
    """Each identity source and the value the handshake gave it (empty when missing)."""
    request: Any
    """The event the authorizer got; absent when an identity source was missing and it was not called."""
    answer: Any
    """What the authorizer answered (its policy, principalId and context), when it answered with a result."""


class _ClientCloseRequired(TypedDict):
    code: int


class ClientClose(_ClientCloseRequired, total=False):
    """The close frame a client sends."""
    reason: str


class Close(TypedDict):
    code: int
    reason: str


CloseCause = Union[Literal["frame_too_large"], Literal["message_too_large"], Literal["binary_frame"], Literal["invalid_utf8"], Literal["idle_timeout"], Literal["max_duration_reached"], Literal["server_shutdown"], Literal["protocol_error"], Literal["deleted_by_backend"], Literal["client_not_reading"]]
"""Why the gateway closes a connection, with its close code and reason beside it."""


class Handshake(TypedDict):
    status: int
    subprotocol: Union[str, None]


class IntegrationParameters(TypedDict, total=False):
    """Headers, query string parameters and path parameters for the integration request (docs/behaviour.md §5.2)."""
    header: Dict[str, Any]
    querystring: Dict[str, Any]
    path: Dict[str, Any]


IntegrationType = Union[Literal["AWS_PROXY"], Literal["AWS"], Literal["HTTP_PROXY"], Literal["HTTP"], Literal["MOCK"]]
"""An integration's `integrationType`; the variant's name in SCREAMING_SNAKE_CASE is the wire name (`AWS_PROXY`)."""


class _InvocationRequired(TypedDict):
    id: str
    type: "IntegrationType"
    request: Any
    """The Lambda proxy event (AWS_PROXY), or the body to send: the rendered template or the raw message."""


class Invocation(_InvocationRequired, total=False):
    """An integration call the caller must make."""
    parameters: "IntegrationParameters"
    """The integration's `requestParameters`, evaluated: what HTTP and AWS service calls add to their request."""


class ResponseChoice(TypedDict):
    """The integration response that was selected, and the status it was selected by."""
    key: Union[str, None]
    status: int


class RouteSelection(TypedDict):
    """A route selection expression and its value for one message (`value` is null when the message is not JSON)."""
    expression: str
    value: Union[str, None]


class SimulateOptions(TypedDict, total=False):
    """The options of `simulate` in every language (`wsgate route`'s flags, Python's keyword arguments, Node's and the
    WebAssembly build's option objects): what the simulated integration does, and how the message is sent."""
    result: Any
    """What the integration returns: a Lambda result (AWS_PROXY, AWS), or {"statusCode", "headers", "body"} for
    HTTP and HTTP_PROXY."""
    functionError: Union[str, None]
    """The Lambda function fails with this errorMessage."""
    timeout: bool
    """The integration times out."""
    fragments: Union[int, None]
    """Send the message as this many frames (one text frame, then continuations)."""
    binary: bool
    """Send the message as a binary frame."""


class Validation(TypedDict):
    """The model check of one message."""
    model: Union[str, None]
    valid: bool
    errors: List[str]


class _TraceRequired(TypedDict):
    routeKey: Union[str, None]
    validation: Union["Validation", None]
    integration: Union["Invocation", None]
    integrationResponse: Union["ResponseChoice", None]
    send: List[str]
    close: Union["Close", None]


class Trace(_TraceRequired, total=False):
    """The trace of one step. Its top-level keys are a contract shared by every language."""
    selection: Union["RouteSelection", None]
    """Message steps only: why `routeKey` was chosen."""
    handshake: Union["Handshake", None]
    """Connect steps only: the HTTP status of the handshake and the subprotocol chosen."""
    authorizer: Union["AuthorizerStep", None]
    """Connect steps of a `$connect` with an authorizer: its event and what it decided."""


class _StepShared(TypedDict, total=False):
    padTo: int
    """Append spaces to the message up to this many bytes."""
    requestId: Union[str, None]
    """Fixed ids for this step, so a trace can be compared byte for byte."""
    messageId: Union[str, None]
    authorizer: Union["SimulateOptions", None]
    """Connect steps: what `$connect`'s authorizer does (`{"result": {...}}`, `{"functionError": "Unauthorized"}`,
    `{"timeout": true}`); without it, it allows with principalId `user`."""
    result: Any
    """What the integration returns: a Lambda result (AWS_PROXY, AWS), or {"statusCode", "headers", "body"} for
    HTTP and HTTP_PROXY."""
    functionError: Union[str, None]
    """The Lambda function fails with this errorMessage."""
    timeout: bool
    """The integration times out."""
    fragments: Union[int, None]
    """Send the message as this many frames (one text frame, then continuations)."""
    binary: bool
    """Send the message as a binary frame."""


class StepConnect(_StepShared):
    """`{"connect": true}`: the client opens the connection (`$connect`)."""
    connect: bool


class StepMessage(_StepShared):
    """`{"message": TEXT}`: the client sends a message."""
    message: str


class StepClose(_StepShared):
    """`{"close": CAUSE}`: the gateway closes the connection for this cause (`idle_timeout`, ...)."""
    close: "CloseCause"


class StepDisconnect(_StepShared):
    """`{"disconnect": {"code", "reason"}}`, or `null` for a close without a status: the client closes."""
    disconnect: Union["ClientClose", None]


Step = Union[StepConnect, StepMessage, StepClose, StepDisconnect]
"""One step of a simulated connection, as `tests/vectors` write it (`tests/vectors/schema.json` describes it):
one action, `padTo` for a message, and the step's options beside it. Any other key is an error, but for the
vectors' `expect` and `absent`, which are the tests' own and ignored here."""


class SessionOptions(TypedDict, total=False):
    """How the simulated client connects; every field has a deterministic default."""
    connectionId: Union[str, None]
    connectedAt: Union[int, None]
    sourceIp: Union[str, None]
    userAgent: Union[str, None]
    domainName: Union[str, None]
    headers: Dict[str, Any]
    """Extra handshake headers, in order."""
    query: Union[str, None]
    """The raw query string, e.g. `a=1&a=2&b=3`."""
    seed: Union[int, None]
    """Seed of the request and message ids."""
    accessKey: Union[str, None]
    """The access key whose SigV4 signature the handshake carries, as the gateway checked it: what an `AWS_IAM`
    `$connect` needs. Without it the handshake is unsigned."""


class TemplateOptions(TypedDict, total=False):
    """What a local deployment of a CloudFormation/SAM template is given, as `sam deploy` would be: `wsgate
    check|route|serve`'s flags, the Python and Node packages' `template` options. A wsgate definition ignores them."""
    api: Union[str, None]
    """The logical id of the WebSocket API to serve, when the template has several."""
    parameterOverrides: Dict[str, Any]
    """Parameter values, over the template's defaults (`sam deploy --parameter-overrides Name=Value ...`)."""
    stackName: Union[str, None]
    """`AWS::StackName`; else the template's folder name (`sam init` names a project's folder after its stack)."""
    region: Union[str, None]
    """`AWS::Region`; else `us-east-1`."""
    envVars: Union[str, None]
    """Function environment overrides in SAM's format (`sam local --env-vars`):
    `{"FunctionLogicalId": {"VAR": "value"}, "Parameters": {"VAR": "value for every function"}}`."""


SessionErrorCode = Union[Literal["not_a_step"], Literal["invalid_options"], Literal["already_connected"], Literal["connect_rejected"], Literal["not_open"], Literal["not_connected"], Literal["unfinished_message"], Literal["pad_too_long"]]
"""Why a simulated connection cannot run a step: a SessionError's code."""


RegistrationErrorCode = Union[Literal["unknown_integration"], Literal["not_lambda"], Literal["not_a_route_key"], Literal["unknown_authorizer"]]
"""Why a handler cannot serve what it was registered for: a RegistrationError's code."""
