"""What in-process handlers' AWS SDK calls reach: a boto3 management-API client built with the URL API Gateway has,
``https://{apiId}.execute-api.{region}.amazonaws.com/{stage}`` (as AWS's samples build it from the API id and
region) or ``https://{domainName}/{stage}`` (the gateway's own host and port), is sent to this gateway over plain
HTTP instead, with no DNS or certificate to set up (docs/behaviour.md §7)."""

from __future__ import annotations

import urllib.parse
from typing import Any, Callable

_EVENT = "before-send.apigatewaymanagementapi"
_LOOPBACK = {"localhost", "127.0.0.1", "::1"}


def route_management_api(api_id: str, management_url: str, client_url: str) -> Callable[[], None]:
    """Sends boto3's management-API requests for ``api_id``, and those to the gateway's own ports (the clients' and
    the management API's), to ``management_url``; returns what undoes it. Clients of boto3's default session are
    routed (``boto3.client(...)``, as handlers make them); without boto3, nothing is."""
    try:
        import boto3  # type: ignore  # untyped, or not installed
    except ImportError:
        return lambda: None
    gateway = urllib.parse.urlsplit(management_url)
    ports = {gateway.port, urllib.parse.urlsplit(client_url).port}

    def redirect(request: Any, **_: Any) -> None:
        url = urllib.parse.urlsplit(request.url)
        host = url.hostname or ""
        aws_url = host.startswith(f"{api_id}.execute-api.") and host.endswith(".amazonaws.com")
        own_url = url.port in ports and (host in _LOOPBACK or host == gateway.hostname)
        if aws_url or own_url:
            request.url = urllib.parse.urlunsplit((gateway.scheme, gateway.netloc, url.path, url.query, ""))

    if boto3.DEFAULT_SESSION is None:
        boto3.setup_default_session()
    events = boto3.DEFAULT_SESSION._session.get_component("event_emitter")
    events.register(_EVENT, redirect)
    return lambda: events.unregister(_EVENT, redirect)
