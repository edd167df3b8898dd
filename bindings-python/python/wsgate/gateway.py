"""`Gateway`: an API definition served in-process, with Python functions as its Lambda integrations.

The gateway itself (routing, validation, templates, the WebSocket server and the ``@connections`` API) runs in
wsgate's Rust core on threads of its own. The core calls each handler on its Python thread (more when a slow sync
handler holds it); this module registers the handlers and runs what the core hands back: a coroutine on the asyncio
loop that started the gateway, the logging of a failure.
"""

from __future__ import annotations

import asyncio
import datetime
import json
import logging
import os
import signal
import sys
from typing import Any, Awaitable, Callable, Dict, Optional, TypeVar, Union

from . import _wsgate
from .aws import route_management_api
from .contract import TemplateOptions
from .errors import GatewayError

Api = _wsgate.Api
Definition = Union[str, "os.PathLike[str]", Dict[str, Any]]
Handler = Callable[[Dict[str, Any], Any], Any]
H = TypeVar("H", bound=Handler)

log = logging.getLogger("wsgate")


class Connections:
    """The ``@connections`` API in-process, answering as boto3's ``apigatewaymanagementapi`` client does."""

    def __init__(self, gateway: "Gateway") -> None:
        self._gateway = gateway

    def _server(self) -> "_wsgate.Server":
        server = self._gateway._raw
        if server is None:
            raise GatewayError("the gateway is not serving: start it with serve() or await start() first")
        return server

    def post(self, connection_id: str, data: Union[bytes, str]) -> None:
        """PostToConnection: sends ``data`` to the client (``str`` and UTF-8 ``bytes`` as a text frame)."""
        self._server().post(connection_id, data)

    def get(self, connection_id: str) -> Dict[str, Any]:
        """GetConnection: ``{"ConnectedAt", "Identity": {"SourceIp", "UserAgent"}, "LastActiveAt"}`` as boto3
        returns it (timezone-aware datetimes)."""
        info = self._server().get(connection_id)
        return {
            "ConnectedAt": _datetime(info["connectedAt"]),
            "Identity": {"SourceIp": info["identity"]["sourceIp"], "UserAgent": info["identity"]["userAgent"]},
            "LastActiveAt": _datetime(info["lastActiveAt"]),
        }

    def delete(self, connection_id: str) -> None:
        """DeleteConnection: closes the client with 1000; its ``$disconnect`` follows."""
        self._server().delete(connection_id)

    async def apost(self, connection_id: str, data: Union[bytes, str]) -> None:
        self.post(connection_id, data)

    async def aget(self, connection_id: str) -> Dict[str, Any]:
        return self.get(connection_id)

    async def adelete(self, connection_id: str) -> None:
        self.delete(connection_id)


def _datetime(iso: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(iso.replace("Z", "+00:00"))


class Server:
    """A running gateway: where clients connect, and how to stop it."""

    def __init__(self, gateway: "Gateway", raw: "_wsgate.Server") -> None:
        self._gateway = gateway
        self._raw = raw

    @property
    def url(self) -> str:
        """``ws://HOST:PORT/STAGE``, where clients connect (``wss://`` works on the same port)."""
        return self._raw.url

    @property
    def management_url(self) -> str:
        """``http://HOST:PORT/STAGE``: the ``endpoint_url`` of a boto3 ``apigatewaymanagementapi`` client."""
        return self._raw.management_url

    @property
    def certificate_pem(self) -> Optional[str]:
        """The certificate ``wss://`` and ``https://`` are served with, PEM."""
        return self._raw.certificate_pem

    @property
    def connections(self) -> Connections:
        return self._gateway.connections

    async def stop(self) -> None:
        """Closes every client with 1001, runs their ``$disconnect`` handlers, and stops."""
        await asyncio.get_running_loop().run_in_executor(None, self._raw.stop)
        self._gateway._raw = None
        self._gateway._unroute()


class Gateway:
    """An API Gateway WebSocket API, from a definition (a path, YAML or JSON text, a dict, or an ``Api``): a wsgate
    definition or a CloudFormation/SAM template, deployed with ``template`` (its API, parameter overrides, stack name
    and region, as ``wsgate serve``'s flags give them)."""

    def __init__(self, api: Union[Definition, "_wsgate.Api"], template: Optional[TemplateOptions] = None) -> None:
        self.api = api if isinstance(api, _wsgate.Api) else _wsgate.Api(api, template)
        self.connections = Connections(self)
        self._handlers: Dict[str, Handler] = {}
        self._authorizers: Dict[str, Handler] = {}
        self._raw: Optional[_wsgate.Server] = None
        self._served = False
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        self._unroute: Callable[[], None] = lambda: None

    def integration(self, integration_id: str) -> Callable[[H], H]:
        """Serves an AWS_PROXY or AWS integration of the definition with the decorated function."""
        self.api.check_handler_integration(integration_id)
        return self._register(integration_id)

    def route(self, route_key: str) -> Callable[[H], H]:
        """Serves a route with the decorated function; a route the definition lacks is added (one-way, with an
        AWS_PROXY integration of its own)."""
        self.api.route_to_handler(route_key)
        return self._register(route_key)

    def authorizer(self, authorizer_id: str) -> Callable[[H], H]:
        """Serves an authorizer of the definition with the decorated function: it gets the authorizer event and
        returns the policy (or raises ``Exception("Unauthorized")``), as a Lambda authorizer does."""
        self.api.check_authorizer(authorizer_id)
        return self._register(authorizer_id, self._authorizers)

    def on_connect(self, function: H) -> H:
        """Serves ``$connect``: return ``{"statusCode": 200}`` (or nothing) to accept, another status to refuse."""
        return self.route("$connect")(function)

    def on_disconnect(self, function: H) -> H:
        return self.route("$disconnect")(function)

    def default(self, function: H) -> H:
        return self.route("$default")(function)

    def _register(self, name: str, into: Optional[Dict[str, Handler]] = None) -> Callable[[H], H]:
        if self._served:
            raise GatewayError("handlers are registered before the gateway starts serving")
        handlers = self._handlers if into is None else into

        def register(function: H) -> H:
            if not callable(function):
                raise TypeError(f"a handler is a function (event, context), not {function!r}")
            handlers[name] = function
            return function

        return register

    async def start(
        self,
        host: str = "127.0.0.1",
        port: int = 8080,
        *,
        stage: Optional[str] = None,
        lambda_endpoint: Optional[str] = None,
        aws_endpoints: Optional[Dict[str, str]] = None,
        credentials: Optional[str] = None,
        api_keys: Optional[str] = None,
        management: Optional[str] = None,
        tls_dir: Optional[str] = None,
    ) -> Server:
        """Starts serving (``port=0`` picks a free port); coroutine handlers run on the calling loop. The options
        are ``wsgate serve``'s: ``credentials`` a shared credentials file whose keys SigV4 signatures are checked
        against, ``api_keys`` a CSV of API keys as ``aws apigateway import-api-keys`` reads it, ``management``
        the ``HOST:PORT`` the ``@connections`` API listens on instead of the clients' port."""
        if self._served:
            raise GatewayError("this gateway has served already; make a new Gateway to serve again")
        self._served = True
        self._loop = asyncio.get_running_loop()
        api_id = self.api.api_id  # the server takes the API over
        path = lambda p: None if p is None else os.fspath(p)  # noqa: E731
        # The core's ServeOptions, which it reads and checks.
        options: Dict[str, Any] = {
            "host": host, "port": port, "stage": stage, "lambdaEndpoint": lambda_endpoint,
            "awsEndpoints": aws_endpoints or {}, "credentials": path(credentials), "apiKeys": path(api_keys),
            "management": management, "tlsDir": path(tls_dir),
        }
        self._raw = _wsgate.Server.start(
            self.api, dict(self._handlers), dict(self._authorizers), self, json.dumps(options)
        )
        self._unroute = route_management_api(api_id, self._raw.management_url, self._raw.url)
        return Server(self, self._raw)

    def serve(self, host: str = "127.0.0.1", port: int = 8080, **options: Any) -> None:
        """Serves until SIGINT (Ctrl-C) or SIGTERM, printing ``listening on ws://HOST:PORT/STAGE`` once it accepts
        connections; then closes clients with 1001 and runs their ``$disconnect``."""
        asyncio.run(self._serve_until_stopped(host, port, options))

    async def _serve_until_stopped(
        self, host: str, port: int, options: Dict[str, Any], note: Optional[str] = None
    ) -> None:
        server = await self.start(host, port, **options)
        print(f"listening on {server.url}", flush=True)
        if note:
            print(note, file=sys.stderr, flush=True)
        if options.get("management"):
            print(f"management API on {server.management_url}", file=sys.stderr, flush=True)
        stopping = asyncio.Event()
        loop = asyncio.get_running_loop()
        signals = (signal.SIGINT, signal.SIGTERM)
        for number in signals:
            loop.add_signal_handler(number, stopping.set)
        try:
            await stopping.wait()
        finally:
            for number in signals:
                loop.remove_signal_handler(number)
            await server.stop()

    # The core calls these from its Python threads: it calls each handler itself, and hands over what only Python
    # can do with the outcome.

    def _schedule(self, function: Handler, awaitable: Awaitable[Any], done: Any) -> None:
        """Runs the coroutine a handler returned on the gateway's loop; ``done`` gets its result or error."""
        try:
            assert self._loop is not None
            asyncio.run_coroutine_threadsafe(self._await(function, awaitable, done), self._loop)
        except RuntimeError as error:  # the loop has closed
            getattr(awaitable, "close", lambda: None)()
            self._failed(function, error, done)

    async def _await(self, function: Handler, awaitable: Awaitable[Any], done: Any) -> None:
        try:
            result = await awaitable
        except BaseException as error:  # noqa: BLE001 - SystemExit or KeyboardInterrupt would stop the whole loop
            self._failed(function, error, done)
            return
        try:
            done(result)
        except TypeError as refused:
            self._refused(function, refused)

    def _failed(self, function: Handler, error: BaseException, done: Any) -> None:
        log.error("handler %s raised", _name(function), exc_info=error)
        done(None, str(error) or type(error).__name__)

    def _refused(self, function: Handler, refused: TypeError) -> None:
        log.error("handler %s: %s", _name(function), refused)


def _name(function: Handler) -> str:
    return getattr(function, "__qualname__", None) or repr(function)
