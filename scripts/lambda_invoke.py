"""A local Lambda Invoke API for Python handlers, like `sam local start-lambda` without containers.

    python3 scripts/lambda_invoke.py HANDLERS.py [--host 127.0.0.1] [--port 0]

`POST /2015-03-31/functions/NAME/invocations` calls `NAME(event, context)` from HANDLERS.py and answers as Lambda
does: 200 with the result as JSON, `X-Amz-Function-Error: Unhandled` with `errorMessage`/`errorType` when the
handler raises, 404 `ResourceNotFoundException` for an unknown function. Prints `listening on http://HOST:PORT`
once it accepts requests; `wsgate serve --lambda-endpoint` takes that URL. Handlers see an environment like
Lambda's (a region, and credentials to sign their AWS calls with when none are set).
"""

import argparse
import importlib.util
import json
import os
import pathlib
import sys
import threading
import time
import traceback
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

REGION = os.environ.setdefault("AWS_REGION", os.environ.get("AWS_DEFAULT_REGION", "us-east-1"))
os.environ.setdefault("AWS_DEFAULT_REGION", REGION)
# The management API wsgate serves accepts any SigV4 signature; the SDKs just need something to sign with.
os.environ.setdefault("AWS_ACCESS_KEY_ID", "local")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "local")


# This process is one instance of every function: its log stream is named by the day it started (UTC) and a random
# id, as Lambda names an execution environment's.
LOG_STREAM = time.strftime("%Y/%m/%d/[$LATEST]", time.gmtime()) + uuid.uuid4().hex


class Context:
    """The attributes of Lambda's Python context object, with the values wsgate's packages give in-process
    (tests/e2e/python checks that they agree)."""

    def __init__(self, name, timeout_seconds=30):
        self.function_name = name
        self.function_version = "$LATEST"
        self.aws_request_id = str(uuid.uuid4())
        self.memory_limit_in_mb = 128
        self.invoked_function_arn = f"arn:aws:lambda:{REGION}:123456789012:function:{name}"
        self.log_group_name = f"/aws/lambda/{name}"
        self.log_stream_name = LOG_STREAM
        self._deadline = time.monotonic() + timeout_seconds

    def get_remaining_time_in_millis(self):
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def load(path):
    """Imports a handler file as a module (its directory first on sys.path, as Lambda's task root is)."""
    path = pathlib.Path(path).resolve()
    sys.path.insert(0, str(path.parent))
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def invoker(handlers):
    class Invoke(BaseHTTPRequestHandler):
        def do_POST(self):
            parts = self.path.strip("/").split("/")
            if len(parts) != 4 or parts[:2] != ["2015-03-31", "functions"] or parts[3] != "invocations":
                return self.answer(404, {"message": f"No route for {self.path}"}, error_type="UnknownOperationException")
            name = parts[2].rsplit(":", 1)[-1]  # a name or a function ARN
            function = getattr(handlers, name, None)
            if not callable(function):
                return self.answer(404, {"Type": "User", "message": f"Function not found: {name}"},
                                   error_type="ResourceNotFoundException")
            event = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"null")
            try:
                result = function(event, Context(name))
            except Exception as error:  # noqa: BLE001 - every exception is a function error, as on Lambda
                traceback.print_exc()
                failure = {
                    "errorMessage": str(error),
                    "errorType": type(error).__name__,
                    "stackTrace": traceback.format_exc().splitlines(),
                }
                return self.answer(200, failure, function_error=True)
            self.answer(200, result)

        def answer(self, status, body, function_error=False, error_type=None):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            if function_error:
                self.send_header("X-Amz-Function-Error", "Unhandled")
            if error_type:
                self.send_header("x-amzn-ErrorType", error_type)
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    return Invoke


def start(handlers_path, host="127.0.0.1", port=0):
    """Serves in a background thread; returns (url, server)."""
    server = ThreadingHTTPServer((host, port), invoker(load(handlers_path)))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://{host}:{server.server_address[1]}", server


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("handlers", help="a Python file whose functions are the Lambda handlers")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    url, server = start(args.handlers, args.host, args.port)
    print(f"listening on {url}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        server.shutdown()


if __name__ == "__main__":
    main()
