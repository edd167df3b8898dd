"""wsgate's exceptions. Every error carries data, never only a string: `ConfigError.problems` lists each problem
of a definition with its path and stable code; the `@connections` errors are named as boto3 names them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence

from .contract import RegistrationErrorCode, SessionErrorCode


class GatewayError(Exception):
    """Anything wsgate refuses or cannot do."""


@dataclass(frozen=True)
class Problem:
    """One problem in an API definition."""

    path: str
    """Dotted path to the offending value, e.g. ``routes.sendmessage.target`` (empty for the whole document)."""
    code: str
    """Stable snake_case code, e.g. ``unknown_field``, ``dangling_target``."""
    message: str
    file: Optional[str] = None
    line: Optional[int] = None


class ConfigError(GatewayError, ValueError):
    """A definition with problems; ``problems`` lists every one of them."""

    def __init__(self, message: str, problems: Sequence[Problem] = ()) -> None:
        super().__init__(message)
        self.problems: list[Problem] = list(problems)


class SessionError(GatewayError):
    """A simulated connection cannot run a step; ``code`` says why (``not_a_step``, ``not_open``, ...)."""

    def __init__(self, message: str, code: SessionErrorCode) -> None:
        super().__init__(message)
        self.code = code


class RegistrationError(GatewayError):
    """A handler cannot serve the integration or route it was registered for; ``code`` says why
    (``unknown_integration``, ``not_lambda`` or ``not_a_route_key``)."""

    def __init__(self, message: str, code: RegistrationErrorCode) -> None:
        super().__init__(message)
        self.code = code


class GoneException(GatewayError):
    """The connection is closed, never existed, or its ``$connect`` has not finished (HTTP 410)."""


class PayloadTooLargeException(GatewayError):
    """Posted data over 131072 bytes (HTTP 413)."""


class LimitExceededException(GatewayError):
    """The client is not reading its messages and is being closed (HTTP 429)."""
