"""Helpers of the binding's tests: a gateway started on a free port around each scenario, and websockets clients."""

import asyncio
import contextlib
import json
import os
import pathlib
import resource

import pytest
import websockets

import wsgate

# Clients and the gateway share this process: 500 clients hold 1,000 sockets.
_, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (_hard, _hard))

HERE = pathlib.Path(__file__).parent
ROOT = HERE.parents[1]
API = str(HERE / "api.yaml")

# boto3 signs every request; wsgate accepts any signature, but boto3 needs credentials to make one.
os.environ.setdefault("AWS_ACCESS_KEY_ID", "test")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "test")
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")


def run(coroutine, timeout=30):
    """Runs a scenario on a new event loop, bounded so that a hang fails the test."""
    return asyncio.run(asyncio.wait_for(coroutine, timeout))


@contextlib.asynccontextmanager
async def serving(gateway, **options):
    server = await gateway.start("127.0.0.1", 0, **options)
    try:
        yield server
    finally:
        await server.stop()


async def ask(ws, message):
    """Sends a message (a dict is sent as JSON) and returns the next reply, parsed when it is JSON."""
    await ws.send(json.dumps(message) if isinstance(message, dict) else message)
    reply = await ws.recv()
    try:
        return json.loads(reply)
    except ValueError:
        return reply


@pytest.fixture
def gateway():
    return wsgate.Gateway(API)


__all__ = ["API", "ROOT", "ask", "run", "serving", "websockets"]
