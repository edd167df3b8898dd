"""A small Lambda Invoke API server for the tests: POST /2015-03-31/functions/NAME/invocations runs
handlers.NAME(event, context) and answers as Lambda does (X-Amz-Function-Error on an exception)."""

import json
import threading
import time
import traceback
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import handlers


class Context:
    def __init__(self, name):
        self.function_name = name
        self.aws_request_id = str(uuid.uuid4())
        self.memory_limit_in_mb = 128
        self.invoked_function_arn = f"arn:aws:lambda:us-east-1:123456789012:function:{name}"
        self.log_group_name = f"/aws/lambda/{name}"
        self._deadline = time.time() + 30

    def get_remaining_time_in_millis(self):
        return int((self._deadline - time.time()) * 1000)


class Invoke(BaseHTTPRequestHandler):
    def do_POST(self):
        parts = self.path.strip("/").split("/")
        if len(parts) != 4 or parts[:2] != ["2015-03-31", "functions"] or parts[3] != "invocations":
            self.send_error(404)
            return
        name = parts[2]
        event = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        headers = {"Content-Type": "application/json"}
        try:
            result = getattr(handlers, name)(event, Context(name))
        except Exception as error:  # noqa: BLE001 - every exception is a function error, as on Lambda
            result = {
                "errorMessage": str(error),
                "errorType": type(error).__name__,
                "stackTrace": traceback.format_exc().splitlines(),
            }
            headers["X-Amz-Function-Error"] = "Unhandled"
        body = json.dumps(result).encode()
        self.send_response(200)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def start():
    """Serves on a free port in a background thread; returns (url, server)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), Invoke)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}", server
