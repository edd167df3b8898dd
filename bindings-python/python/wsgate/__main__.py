"""``wsgate`` and ``python -m wsgate``: the command line of every wsgate package (``serve``, ``route``, ``check``),
serving with Python handlers.

    wsgate serve api.yaml --handlers app        # functions of module app named after integrations/routes
    wsgate serve api.yaml --handlers lambdas/   # integrationUri handler strings such as chat.handler
    wsgate serve template.yaml                  # a SAM/CloudFormation template's python3.* functions, in-process
"""

from __future__ import annotations

import asyncio
import importlib
import importlib.util
import os
import pathlib
import re
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


_loaded: Dict[Any, ModuleType] = {}


def _handler_module(binding: Dict[str, Any]) -> ModuleType:
    """The module a handler string names, as Lambda's Python runtime loads it: ``src/app`` is ``src/app.py`` of the
    code folder, which is first on ``sys.path`` as Lambda's task root is; inline code is the module ``index``."""
    key = (binding["directory"], binding["module"], binding["source"])
    if key in _loaded:
        return _loaded[key]
    if binding["source"] is not None:
        module = ModuleType("index")
        exec(compile(binding["source"], "index.py", "exec"), module.__dict__)
    else:
        directory = pathlib.Path(binding["directory"]).resolve()
        path = directory / f"{binding['module']}.py"
        if not path.is_file():
            raise GatewayError(f"no {binding['module']}.py in {directory}")
        sys.path.insert(0, str(directory))
        name = binding["module"].replace("/", ".")
        spec = importlib.util.spec_from_file_location(name, path)
        if spec is None or spec.loader is None:
            raise GatewayError(f"cannot import {path}")
        module = importlib.util.module_from_spec(spec)
        # Registered like an import, unless another folder's module of that name came first.
        sys.modules.setdefault(name, module)
        spec.loader.exec_module(module)
    _loaded[key] = module
    return module


def bind_handlers(gateway: Gateway, handlers: Optional[str], bindings: List[Dict[str, Any]]) -> List[str]:
    """Registers the handlers the core chose: functions of a folder's modules (named by Lambda handler strings such
    as ``app.handler``: SAM's ``Handler:``, from ``--handlers DIR`` or a template function's code), a template
    function's inline code, or functions of the ``--handlers`` module or .py file (named after integration ids,
    authorizer ids or route keys; those it lacks stay unbound). Returns what was bound."""
    own: Optional[ModuleType] = None
    bound = []
    for binding in bindings:
        if binding["module"] is not None:
            module = _handler_module(binding)
        else:
            module = own = own or _module(str(handlers))
        function = getattr(module, binding["function"], None)
        if not callable(function):
            if binding["required"]:
                where = binding["directory"] or handlers or "its inline code"
                raise GatewayError(f"{module.__name__}.{binding['function']} is not a function in {where}")
            continue
        name = f"{module.__name__}.{binding['function']}"
        if binding["integration"] is not None:
            gateway.integration(binding["integration"])(function)
            bound.append(f"{binding['integration']} -> {name}")
        elif binding["authorizer"] is not None:
            gateway.authorizer(binding["authorizer"])(function)
            bound.append(f"authorizer {binding['authorizer']} -> {name}")
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
        # Lambda sets a function's environment before its code loads; in-process functions share this process's.
        os.environ.update(outcome["environment"])
        for line in outcome["functions"]:
            print(line, file=sys.stderr)
        bound = bind_handlers(gateway, args["handlers"], outcome["handlers"])
        # A template's functions were named above; --handlers bindings are named here.
        for line in bound if args["handlers"] else []:
            print(f"handler: {line}", file=sys.stderr)
        # The core's ServeOptions, camelCase, as `Gateway.start`'s keyword arguments.
        options = {re.sub("([A-Z])", r"_\1", key).lower(): value for key, value in args["options"].items()}
        asyncio.run(gateway._serve_until_stopped(options.pop("host"), options.pop("port"), options, note=outcome["tlsNote"]))
    except GatewayError as error:
        print(error, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
