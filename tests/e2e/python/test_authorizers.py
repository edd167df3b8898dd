"""A SAM template's Lambda REQUEST authorizer (examples/authorizer), served two ways: in-process under the Python package's `wsgate serve`,
and behind a Lambda Invoke API (the binary with `--lambda-endpoint`). `websockets` clients send their token in the
query string."""

import asyncio
import json
import os
import signal
import subprocess

import pytest
import websockets
from websockets.exceptions import InvalidStatus

from conftest import ROOT

import lambda_invoke  # noqa: E402  (conftest puts scripts/ on the path)

EXAMPLE = ROOT / "examples" / "authorizer"
TEMPLATE = str(EXAMPLE / "template.yaml")
PYTHON = str(ROOT / ".venv" / "bin" / "python")
BINARY = os.environ.get("WSGATE_BIN", str(ROOT / "target" / "debug" / "wsgate"))


@pytest.fixture(params=["in-process", "Invoke API"])
def gateway_url(request):
    invoke_server = None
    if request.param == "in-process":
        command = [PYTHON, "-m", "wsgate", "serve", TEMPLATE, "--port", "0"]
    else:
        invoke_url, invoke_server = lambda_invoke.start(EXAMPLE / "authorizers.py")
        command = [BINARY, "serve", TEMPLATE, "--port", "0", "--lambda-endpoint", invoke_url]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = process.stdout.readline()  # blocks until wsgate accepts connections
    assert line.startswith("listening on "), line
    yield line.split()[-1]
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == 0
    if invoke_server is not None:
        invoke_server.shutdown()


async def status_of(url):
    with pytest.raises(InvalidStatus) as refused:
        async with websockets.connect(url):
            pass
    return refused.value.response.status_code


def test_the_authorizer_decides_who_connects_and_its_context_follows_the_connection(gateway_url):
    async def scenario():
        assert await status_of(gateway_url) == 401  # no token: the authorizer is not called
        assert await status_of(gateway_url + "?token=expired") == 401
        assert await status_of(gateway_url + "?token=intruder") == 403
        async with websockets.connect(gateway_url + "?token=user-9") as ws:
            await ws.send(json.dumps({"action": "hi"}))
            assert json.loads(await ws.recv()) == {"principalId": "user-9", "plan": "pro"}

    asyncio.run(asyncio.wait_for(scenario(), 30))
