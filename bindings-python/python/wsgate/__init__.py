"""wsgate: Amazon API Gateway WebSocket APIs, self-hosted and in-process.

    import wsgate
    gw = wsgate.Gateway("api.yaml")

    @gw.route("sendmessage")
    def send(event, context):
        gw.connections.post(event["requestContext"]["connectionId"], "hi")

    gw.serve(port=8080)
"""

from typing import Any, List, Optional

from . import _wsgate
from .contract import SessionOptions, Step, TemplateOptions, Trace
from .errors import (
    ConfigError,
    GatewayError,
    GoneException,
    LimitExceededException,
    PayloadTooLargeException,
    Problem,
    RegistrationError,
    SessionError,
)
from .gateway import Api, Connections, Gateway, Server

Session = _wsgate.Session
LambdaContext = _wsgate.LambdaContext


def simulate(
    api: Any,
    message: str,
    result: Any = None,
    *,
    function_error: Optional[str] = None,
    timeout: bool = False,
    fragments: Optional[int] = None,
    binary: bool = False,
    template: Optional[TemplateOptions] = None,
) -> Trace:
    """What the gateway does with one message on a new connection, without a socket: the trace of ``wsgate route``
    (``routeKey``, ``validation``, ``integration``, ``integrationResponse``, ``send``, ``close``) as a dict.
    ``result`` is what the integration returns (a Lambda result, or ``{"statusCode", "headers", "body"}`` for HTTP).
    ``template`` deploys a CloudFormation/SAM template (its API, parameter overrides, stack name, region)."""
    trace: Trace = _wsgate.simulate(api, message, result, function_error, timeout, fragments, binary, template)
    return trace


def check(api: Any, template: Optional[TemplateOptions] = None) -> List[Problem]:
    """Every problem of a definition (a path, YAML or JSON text, or a dict), as ``wsgate check`` lists them; an
    empty list when it loads. ``template`` deploys a CloudFormation/SAM template, as for ``simulate``."""
    problems: List[Problem] = _wsgate.check(api, template)
    return problems


__all__ = [
    "Api",
    "ConfigError",
    "Connections",
    "Gateway",
    "GatewayError",
    "GoneException",
    "LambdaContext",
    "LimitExceededException",
    "PayloadTooLargeException",
    "Problem",
    "RegistrationError",
    "Server",
    "Session",
    "SessionError",
    "SessionOptions",
    "Step",
    "TemplateOptions",
    "Trace",
    "check",
    "simulate",
]
