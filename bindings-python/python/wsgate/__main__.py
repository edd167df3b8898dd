"""``wsgate`` and ``python -m wsgate``: the command line of every wsgate package (``serve``, ``route``, ``check``),
serving with Python handlers.

    wsgate serve api.yaml --handlers app        # functions of module app named after integrations/routes
    wsgate serve api.yaml --handlers lambdas/   # integrationUri handler strings such as chat.handler
"""

from __future__ import annotations

import asyncio
import importlib
import importlib.util
import pathlib
import sys
from types import ModuleType
from typing import Any, Dict, List, Optional

from . import Gateway, _wsgate
from .errors import GatewayError


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


def bind_handlers(gateway: Gateway, handlers: str, bindings: List[Dict[str, Any]]) -> List[str]:
    """Registers the handlers the core chose for ``--handlers``: functions of a directory's modules (named by
    Lambda handler strings such as ``app.handler``, SAM's ``Handler:``), or of one module or .py file (named after
    integration ids or route keys; those it lacks stay unbound). Returns what was bound."""
    # The core decided: a binding with a module names a module of the handlers directory, one without is the module's.
    if any(binding["module"] is not None for binding in bindings):
        sys.path.insert(0, str(pathlib.Path(handlers).resolve()))
    own: Optional[ModuleType] = None
    bound = []
    for binding in bindings:
        if binding["module"] is not None:
            module = importlib.import_module(binding["module"].replace("/", "."))
        else:
            module = own = own or _module(handlers)
        function = getattr(module, binding["function"], None)
        if not callable(function):
            if binding["required"]:
                raise GatewayError(f"{module.__name__}.{binding['function']} is not a function in {handlers}")
            continue
        name = f"{module.__name__}.{binding['function']}"
        if binding["integration"] is not None:
            gateway.integration(binding["integration"])(function)
            bound.append(f"{binding['integration']} -> {name}")
        else:
            gateway.route(binding["route"])(function)
            bound.append(f"route {binding['route']} -> {name}")
    return bound


def main(argv: Optional[List[str]] = None) -> int:
    """``wsgate ARGS...``: the command line every wsgate package shares (parsed and decided by the core), serving
    with Python handlers."""
    outcome = _wsgate.cli(["wsgate", *(sys.argv[1:] if argv is None else argv)])
    if "serve" not in outcome:
        if outcome["stderr"]:
            print(outcome["stderr"].rstrip("\n"), file=sys.stderr)
        if outcome["stdout"]:
            print(outcome["stdout"].rstrip("\n"))
        return int(outcome["code"])
    args = outcome["serve"]
    try:
        gateway = Gateway(args["file"], args["template"])
        for line in bind_handlers(gateway, args["handlers"], outcome["handlers"]) if args["handlers"] else []:
            print(f"handler: {line}", file=sys.stderr)
        options = args["options"]
        asyncio.run(gateway._serve_until_stopped(
            options["host"], options["port"],
            {"stage": options["stage"], "lambda_endpoint": options["lambdaEndpoint"], "tls_dir": options["tlsDir"]},
            note=outcome["tlsNote"],
        ))
    except GatewayError as error:
        print(error, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
