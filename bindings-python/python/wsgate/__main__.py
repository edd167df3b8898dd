"""``python -m wsgate``: the ``wsgate`` command line (``serve``, ``route``, ``check``), with Python handlers.

    python -m wsgate serve api.yaml --handlers app        # functions of module app named after integrations/routes
    python -m wsgate serve api.yaml --handlers lambdas/   # integrationUri handler strings such as chat.handler
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import pathlib
import sys
from types import ModuleType
from typing import List, Optional

from . import Gateway, simulate
from .errors import ConfigError, GatewayError
from .gateway import Api


def _module(name_or_file: str) -> ModuleType:
    path = pathlib.Path(name_or_file)
    if path.suffix == ".py":
        sys.path.insert(0, str(path.resolve().parent))
        spec = importlib.util.spec_from_file_location(path.stem, path)
        if spec is None or spec.loader is None:
            raise GatewayError(f"cannot import {name_or_file}")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    sys.path.insert(0, "")
    return importlib.import_module(name_or_file)


def bind_handlers(gateway: Gateway, handlers: str) -> List[str]:
    """Registers handlers from a directory (for `module.function` handler strings, as SAM's `Handler:`) or from a
    module or .py file (functions named after integration ids, else route keys). Returns what was bound."""
    bound = []
    if pathlib.Path(handlers).is_dir():
        sys.path.insert(0, str(pathlib.Path(handlers).resolve()))
        for integration, handler in sorted(gateway.api.handler_uris.items()):
            module_name, _, function_name = handler.rpartition(".")
            if module_name:
                function = getattr(importlib.import_module(module_name), function_name)
                gateway.integration(integration)(function)
                bound.append(f"{integration} -> {handler}")
        return bound
    module = _module(handlers)
    for integration in gateway.api.integrations:
        function = getattr(module, integration, None)
        if callable(function):
            try:
                gateway.integration(integration)(function)
                bound.append(f"{integration} -> {module.__name__}.{integration}")
            except GatewayError:
                pass  # a MOCK or HTTP integration of the same name: not a handler's
    for route in gateway.api.routes:
        function = getattr(module, route, None)
        if callable(function) and route not in gateway.api.integrations:
            gateway.route(route)(function)
            bound.append(f"route {route} -> {module.__name__}.{route}")
    return bound


def _problems(error: ConfigError) -> str:
    lines = []
    for p in error.problems:
        where = ":".join(str(part) for part in (p.file, p.line) if part is not None)
        lines.append(f"{where + ': ' if where else ''}{p.path}: {p.message} [{p.code}]")
    return "\n".join(lines)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m wsgate", description="Amazon API Gateway WebSocket APIs, self-hosted")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the API at ws://HOST:PORT/STAGE")
    serve.add_argument("file")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8080)
    serve.add_argument("--stage")
    serve.add_argument("--lambda-endpoint")
    serve.add_argument("--tls-dir")
    serve.add_argument("--handlers", help="a module, a .py file, or a directory of Lambda handler modules")
    check = commands.add_parser("check", help="print every problem in a definition, or ok")
    check.add_argument("file")
    route = commands.add_parser("route", help="print what the gateway does with one message")
    route.add_argument("file")
    route.add_argument("--message", required=True)
    outcome = route.add_mutually_exclusive_group()
    outcome.add_argument("--result", type=json.loads)
    outcome.add_argument("--function-error")
    outcome.add_argument("--timeout", action="store_true")
    route.add_argument("--fragments", type=int)
    route.add_argument("--binary", action="store_true")
    args = parser.parse_args(argv)

    try:
        if args.command == "check":
            Api(args.file)
            print("ok")
        elif args.command == "route":
            trace = simulate(args.file, args.message, args.result, function_error=args.function_error,
                             timeout=args.timeout, fragments=args.fragments, binary=args.binary)
            print(json.dumps(trace, indent=2, ensure_ascii=False))
        else:
            gateway = Gateway(args.file)
            for line in bind_handlers(gateway, args.handlers) if args.handlers else []:
                print(f"handler: {line}", file=sys.stderr)
            gateway.serve(args.host, args.port, stage=args.stage, lambda_endpoint=args.lambda_endpoint,
                          tls_dir=args.tls_dir)
    except ConfigError as error:
        print(_problems(error), file=sys.stderr)
        return 1
    except GatewayError as error:
        print(f"wsgate: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
