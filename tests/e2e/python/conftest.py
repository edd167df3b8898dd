"""Starts `wsgate serve` (the binary cargo built) and a Lambda Invoke API for handlers.py, for each test."""

import contextlib
import os
import pathlib
import signal
import subprocess
import sys

import pytest

HERE = pathlib.Path(__file__).parent
ROOT = HERE.parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import lambda_invoke  # noqa: E402

# boto3 signs every request; wsgate accepts any signature, but boto3 needs credentials to make one.
os.environ.setdefault("AWS_ACCESS_KEY_ID", "test")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "test")
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")


class Gateway:
    def __init__(self, process, url):
        self.process = process
        self.url = url  # ws://127.0.0.1:PORT/test
        self.management_url = url.replace("ws://", "http://", 1)


@contextlib.contextmanager
def serving(*options, definition=HERE / "api.yaml"):
    """`wsgate serve api.yaml` (or `definition`, with `options`) and a Lambda Invoke API for handlers.py, both on
    free ports."""
    invoke_url, invoke_server = lambda_invoke.start(HERE / "handlers.py")
    binary = os.environ.get("WSGATE_BIN", str(ROOT / "target" / "debug" / "wsgate"))
    process = subprocess.Popen(
        [binary, "serve", str(definition), "--port", "0", "--lambda-endpoint", invoke_url, *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    line = process.stdout.readline()  # blocks until wsgate accepts connections
    assert line.startswith("listening on "), line
    try:
        yield Gateway(process, line.split()[-1])
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
        invoke_server.shutdown()


@pytest.fixture
def gateway():
    with serving() as started:
        yield started
