# The public API of the wsgate package (hand-written; checked by mypy --strict and mypy.stubtest in the tests).
from typing import Any, List, Optional

from ._wsgate import Api as Api
from ._wsgate import LambdaContext as LambdaContext
from ._wsgate import Session as Session
from .contract import SessionOptions as SessionOptions
from .contract import Step as Step
from .contract import Trace as Trace
from .errors import ConfigError as ConfigError
from .errors import GatewayError as GatewayError
from .errors import GoneException as GoneException
from .errors import LimitExceededException as LimitExceededException
from .errors import PayloadTooLargeException as PayloadTooLargeException
from .errors import Problem as Problem
from .errors import RegistrationError as RegistrationError
from .errors import SessionError as SessionError
from .gateway import Connections as Connections
from .gateway import Gateway as Gateway
from .gateway import Server as Server

def simulate(
    api: Any,
    message: str,
    result: Any = None,
    *,
    function_error: Optional[str] = None,
    timeout: bool = False,
    fragments: Optional[int] = None,
    binary: bool = False,
) -> Trace: ...
def check(api: Any) -> List[Problem]: ...

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
    "Trace",
    "check",
    "simulate",
]
