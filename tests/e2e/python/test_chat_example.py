"""The chat room, served every way wsgate offers, with `websockets` clients chatting through it over ws:// and wss://:
- the README's first command, `bash examples/chat/serve.sh`: the SAM template, its functions in-process under the
  Python package's `wsgate serve`;
- the README's `scripts/lambda_invoke.py` and the binary: the Lambda handlers, unchanged, behind a local Lambda
  Invoke API, posting over https:// with the gateway's certificate;
- `python -m wsgate serve --handlers examples/chat/handlers.py`: the same handlers, unchanged, in-process;
- `python -m wsgate serve examples/chat/template.yaml`: the room as a SAM template, its functions (the same
  handlers) run in-process as the template says;
- `python -m wsgate serve examples/chat/serverless.yml`: the room as a Serverless Framework service, likewise;
- `python -m wsgate serve examples/chat/cloudformation.yaml`: the room as a plain CloudFormation template;
- `npx wsgate serve examples/node-chat/serverless.yml`, `template.yaml` (SAM, with AWS::Serverless::WebSocketApi) and
  `cloudformation.yaml`: the room's Node functions in each form, in-process in Node;
- `examples/python-chat/app.py`: handlers written for the Python package, posting with `gw.connections`;
- `examples/node-chat/server.mjs`: the room's Node Lambda functions, unchanged, in-process in the Node package."""

import asyncio
import json
import os
import signal
import ssl
import subprocess

import pytest
import websockets

from conftest import ROOT


TLS_DIR = ROOT / "target" / "wsgate-tls"
PYTHON = str(ROOT / ".venv" / "bin" / "python")
WSGATE_BIN = os.environ.get("WSGATE_BIN", str(ROOT / "target" / "debug" / "wsgate"))
WAYS = {
    "serve.sh": ["bash", "examples/chat/serve.sh"],
    "lambda_invoke.py and the binary": ["bash", "-c", f"""
        coproc LAMBDA {{ AWS_CA_BUNDLE={TLS_DIR}/cert.pem exec {PYTHON} scripts/lambda_invoke.py examples/chat/handlers.py; }}
        read -r line <&"${{LAMBDA[0]}}"
        exec {WSGATE_BIN} serve examples/chat/api.yaml --lambda-endpoint "${{line##*listening on }}" --tls-dir {TLS_DIR} "$@"
        """, "lambda_invoke"],
    "python -m wsgate": [PYTHON, "-m", "wsgate", "serve", "examples/chat/api.yaml",
                         "--handlers", "examples/chat/handlers.py", "--tls-dir", str(TLS_DIR)],
    "python -m wsgate template.yaml": [PYTHON, "-m", "wsgate", "serve", "examples/chat/template.yaml",
                                       "--tls-dir", str(TLS_DIR)],
    "python -m wsgate serverless.yml": [PYTHON, "-m", "wsgate", "serve", "examples/chat/serverless.yml",
                                        "--tls-dir", str(TLS_DIR)],
    "python -m wsgate cloudformation.yaml": [PYTHON, "-m", "wsgate", "serve", "examples/chat/cloudformation.yaml",
                                             "--tls-dir", str(TLS_DIR)],
    **{
        f"npx wsgate {file}": ["node", "examples/node-chat/node_modules/wsgate/cli.js", "serve",
                               f"examples/node-chat/{file}", "--tls-dir", str(TLS_DIR)]
        for file in ["serverless.yml", "template.yaml", "cloudformation.yaml"]
    },
    "python-chat": [PYTHON, "examples/python-chat/app.py"],
    "node-chat": ["node", "examples/node-chat/server.mjs"],
}


@pytest.fixture(scope="module", params=WAYS)
def chat(request):
    """Starts the chat room one way; yields its URL and the certificate its wss:// has, if known."""
    # Its own session, so that stopping it reaches the script, the gateway and the Lambda runtime, as Ctrl-C does.
    process = subprocess.Popen(
        WAYS[request.param] + ["--port", "0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        # In-process handlers reach https://{domainName}/{stage} with no certificate set up.
        start_new_session=True,
    )
    line = process.stdout.readline()  # blocks until wsgate accepts connections
    assert line.startswith("listening on ws://127.0.0.1:"), line
    yield line.split()[-1], None if request.param == "python-chat" else TLS_DIR / "cert.pem"
    os.killpg(process.pid, signal.SIGINT)
    assert process.wait(timeout=30) == 0


@pytest.fixture
def chat_url(chat):
    return chat[0]


def run(coroutine):
    return asyncio.run(asyncio.wait_for(coroutine, timeout=30))


async def send(ws, **message):
    await ws.send(json.dumps(message))


async def receive(ws):
    return json.loads(await ws.recv())


async def join(ws, room):
    await send(ws, action="joinroom", room=room)
    return await receive(ws)


def test_messages_reach_everyone_in_the_room_and_nobody_else(chat_url):
    async def scenario():
        async with websockets.connect(chat_url) as ana, websockets.connect(chat_url) as ben, \
                websockets.connect(chat_url) as cy:
            assert (await join(ana, "lobby"))["joined"] == "lobby"
            assert (await join(ben, "lobby"))["members"] == 2
            assert (await join(cy, "garden"))["members"] == 1

            await send(ana, action="sendmessage", message="hi all")
            for ws in (ana, ben):
                message = await receive(ws)
                assert message["room"] == "lobby"
                assert message["message"] == "hi all"
            # Cy's first message is from its own room: nothing from the lobby reached it before.
            await send(cy, action="sendmessage", message="only plants here")
            assert (await receive(cy))["message"] == "only plants here"

    run(scenario())


def test_the_gateway_answers_bad_and_unknown_messages_itself(chat_url):
    async def scenario():
        async with websockets.connect(chat_url) as ws:
            await send(ws, action="sendmessage", message="anyone?")
            assert "join a room first" in (await receive(ws))["error"]
            await send(ws, action="joinroom")
            assert (await receive(ws))["message"] == "Bad request body"
            await send(ws, action="dance")
            assert (await receive(ws))["message"].startswith("Unknown action")

    run(scenario())


def test_a_closed_client_leaves_its_room(chat_url):
    async def scenario():
        async with websockets.connect(chat_url) as ana:
            await join(ana, "attic")
            async with websockets.connect(chat_url) as ben:
                assert (await join(ben, "attic"))["members"] == 2
            # Ben's $disconnect has run once a newcomer finds two members: Ana and itself.
            async with websockets.connect(chat_url) as cy:
                while (await join(cy, "attic"))["members"] != 2:
                    await join(cy, "elsewhere")

    run(scenario())


def test_clients_chat_over_wss_with_the_gateway_certificate(chat):
    chat_url, certificate = chat
    if certificate is None:
        pytest.skip("this way of serving makes a certificate of its own for each run")
    trusted = ssl.create_default_context(cafile=certificate)
    secure_url = chat_url.replace("ws://127.0.0.1", "wss://localhost", 1)

    async def scenario():
        async with websockets.connect(secure_url, ssl=trusted) as secure, websockets.connect(chat_url) as plain:
            await join(secure, "vault")
            await join(plain, "vault")
            await send(plain, action="sendmessage", message="over TLS too")
            assert (await receive(secure))["message"] == "over TLS too"

    run(scenario())
