"""Python functions as integrations: sync and async, Lambda events and contexts, errors, timeouts, $connect."""

import asyncio
import json
import re
import subprocess
import sys
import threading
import time

import pytest

import wsgate
from conftest import API, ask, run, serving, websockets


def echo_reply(event, context):
    body = json.loads(event["body"])
    return {
        "statusCode": 200,
        "body": json.dumps({
            "text": body["text"],
            "routeKey": event["requestContext"]["routeKey"],
            "eventType": event["requestContext"]["eventType"],
            "function": context.function_name,
        }),
    }


def test_a_sync_handler_answers_a_two_way_route(gateway):
    gateway.integration("echo")(echo_reply)

    async def scenario():
        async with serving(gateway) as server, websockets.connect(server.url) as ws:
            reply = await ask(ws, {"action": "echo", "text": "hi"})
            assert reply == {"text": "hi", "routeKey": "echo", "eventType": "MESSAGE", "function": "echo"}

    run(scenario())


def test_an_async_handler_runs_on_the_loop_that_started_the_gateway(gateway):
    loops = []

    @gateway.integration("echo")
    async def echo(event, context):
        loops.append(asyncio.get_running_loop())
        await asyncio.sleep(0)
        return echo_reply(event, context)

    async def scenario():
        async with serving(gateway) as server, websockets.connect(server.url) as ws:
            assert (await ask(ws, {"action": "echo", "text": "async"}))["text"] == "async"
            assert loops == [asyncio.get_running_loop()]

    run(scenario())


def test_the_context_has_the_lambda_attributes(gateway):
    seen = {}

    @gateway.integration("echo")
    def echo(event, context):
        seen.update(
            function_name=context.function_name,
            memory=context.memory_limit_in_mb,
            arn=context.invoked_function_arn,
            group=context.log_group_name,
            stream=context.log_stream_name,
            request_id=context.aws_request_id,
            remaining=context.get_remaining_time_in_millis(),
        )
        return {"statusCode": 200, "body": "ok"}

    async def scenario():
        async with serving(gateway) as server, websockets.connect(server.url) as ws:
            assert await ask(ws, {"action": "echo", "text": "x"}) == "ok"

    run(scenario())
    assert seen["function_name"] == "echo"
    assert seen["memory"] == 128
    assert seen["arn"] == "arn:aws:lambda:us-east-1:123456789012:function:echo"
    assert seen["group"] == "/aws/lambda/echo"
    assert re.fullmatch(r"\d{4}/\d{2}/\d{2}/\[\$LATEST\][0-9a-f]{32}", seen["stream"]), seen["stream"]
    assert len(seen["request_id"]) == 36
    assert 0 < seen["remaining"] <= 500


def test_a_slow_sync_handler_does_not_hold_up_other_messages(gateway):
    release = threading.Event()

    @gateway.integration("echo")
    def echo(event, context):
        if json.loads(event["body"])["text"] == "slow":
            release.wait(5)
        return echo_reply(event, context)

    async def scenario():
        async with serving(gateway) as server, websockets.connect(server.url) as slow, \
                websockets.connect(server.url) as fast:
            await slow.send(json.dumps({"action": "echo", "text": "slow"}))
            assert (await ask(fast, {"action": "echo", "text": "fast"}))["text"] == "fast"
            release.set()
            assert json.loads(await slow.recv())["text"] == "slow"

    run(scenario())


def test_exceptions_become_internal_server_error_and_the_connection_lives(gateway, caplog):
    @gateway.integration("echo")
    def echo(event, context):
        if json.loads(event["body"])["text"] == "fail":
            raise RuntimeError("handler failed on purpose")
        return echo_reply(event, context)

    async def scenario():
        async with serving(gateway) as server, websockets.connect(server.url) as ws:
            error = await ask(ws, {"action": "echo", "text": "fail"})
            assert error["message"] == "Internal server error"
            assert set(error) == {"message", "connectionId", "requestId"}
            assert (await ask(ws, {"action": "echo", "text": "still here"}))["text"] == "still here"

    run(scenario())
    logged = [r for r in caplog.records if r.name == "wsgate"]
    assert "handler failed on purpose" in str(logged[0].exc_info[1])


def test_base_exceptions_and_async_exceptions_are_answered_too(gateway):
    @gateway.integration("echo")
    async def echo(event, context):
        text = json.loads(event["body"])["text"]
        if text == "exit":
            raise SystemExit(3)
        if text == "interrupt":
            raise KeyboardInterrupt
        raise ValueError("async failure")

    async def scenario():
        async with serving(gateway) as server, websockets.connect(server.url) as ws:
            for text in ("exit", "interrupt", "value"):
                assert (await ask(ws, {"action": "echo", "text": text}))["message"] == "Internal server error"

    run(scenario())


def test_a_handler_over_its_timeout_gets_endpoint_request_timed_out(gateway):
    @gateway.integration("echo")
    async def echo(event, context):
        await asyncio.sleep(5)

    async def scenario():
        async with serving(gateway) as server, websockets.connect(server.url) as ws:
            started = time.monotonic()
            reply = await ask(ws, {"action": "echo", "text": "slow"})
            assert reply["message"] == "Endpoint request timed out"
            assert time.monotonic() - started < 4
            assert (await ask(ws, {"action": "greet"}))["hello"]

    run(scenario())


@pytest.mark.parametrize(
    "result, status",
    [({"statusCode": 401}, 401), ({"statusCode": 503}, 503), ("not a dict", 502), ({"body": "no status"}, 502)],
)
def test_connect_results_reject_the_handshake(gateway, result, status):
    gateway.on_connect(lambda event, context: result)

    async def scenario():
        async with serving(gateway) as server:
            with pytest.raises(websockets.exceptions.InvalidStatus) as refused:
                async with websockets.connect(server.url):
                    pass
            assert refused.value.response.status_code == status

    run(scenario())


def test_connect_accepts_none_and_a_200_and_raising_gives_502(gateway):
    @gateway.on_connect
    def connect(event, context):
        token = (event.get("queryStringParameters") or {}).get("token")
        if token == "raise":
            raise PermissionError("no")
        return None if token == "none" else {"statusCode": 200}

    async def scenario():
        async with serving(gateway) as server:
            for token in ("none", "ok"):
                async with websockets.connect(f"{server.url}?token={token}") as ws:
                    assert (await ask(ws, {"action": "greet"}))["hello"]
            with pytest.raises(websockets.exceptions.InvalidStatus) as refused:
                async with websockets.connect(f"{server.url}?token=raise"):
                    pass
            assert refused.value.response.status_code == 502

    run(scenario())


@pytest.mark.parametrize(
    "result, sent",
    [
        ({"statusCode": 200, "body": {"not": "a string"}}, '{"not":"a string"}'),
        ({"statusCode": 200, "body": object()}, "Internal server error"),
    ],
)
def test_odd_results_on_a_two_way_route(gateway, result, sent):
    gateway.integration("echo")(lambda event, context: result)

    async def scenario():
        async with serving(gateway) as server, websockets.connect(server.url) as ws:
            await ws.send(json.dumps({"action": "echo", "text": "x"}))
            reply = await ws.recv()
            assert reply == sent or json.loads(reply)["message"] == sent

    run(scenario())


@pytest.mark.parametrize("result", [{"statusCode": 200}, "a string", None, 42, ["a", "list"]])
def test_results_without_a_body_send_nothing(result):
    # The order of frames from different messages is not guaranteed, so "nothing" is checked on the engine's trace.
    trace = wsgate.simulate(API, json.dumps({"action": "echo", "text": "x"}), result)
    assert trace["routeKey"] == "echo"
    assert trace["send"] == []


def test_routes_the_definition_lacks_are_added_one_way(gateway):
    calls = []

    @gateway.route("typing")
    def typing(event, context):
        calls.append(event["requestContext"]["routeKey"])
        gateway.connections.post(event["requestContext"]["connectionId"], "seen")
        return {"statusCode": 200, "body": "one-way routes send no body"}

    @gateway.default
    def default(event, context):
        return {"statusCode": 200}

    async def scenario():
        async with serving(gateway) as server, websockets.connect(server.url) as ws:
            assert await ask(ws, {"action": "typing"}) == "seen"
            assert calls == ["typing"]

    run(scenario())


def test_registration_errors_are_clear():
    gateway = wsgate.Gateway(API)
    with pytest.raises(wsgate.RegistrationError, match="is MOCK") as mock:
        gateway.integration("greet")
    with pytest.raises(wsgate.RegistrationError, match="no integration `nope`") as unknown:
        gateway.integration("nope")
    with pytest.raises(wsgate.RegistrationError, match="not a route key") as reserved:
        gateway.route("$nope")
    assert [mock.value.code, unknown.value.code, reserved.value.code] == \
        ["not_lambda", "unknown_integration", "not_a_route_key"]
    assert isinstance(mock.value, wsgate.GatewayError)
    with pytest.raises(TypeError):
        gateway.integration("echo")("not a function")


def test_a_gateway_serves_once(gateway):
    async def scenario():
        async with serving(gateway):
            with pytest.raises(wsgate.GatewayError, match="served already"):
                await gateway.start("127.0.0.1", 0)

    run(scenario())


def test_stopping_with_messages_in_flight_answers_or_closes_them_and_returns(gateway):
    entered = threading.Event()

    @gateway.integration("echo")
    def echo(event, context):
        entered.set()
        time.sleep(0.3)
        return echo_reply(event, context)

    async def scenario():
        server = await gateway.start("127.0.0.1", 0)
        async with websockets.connect(server.url) as ws:
            await ws.send(json.dumps({"action": "echo", "text": "in flight"}))
            await asyncio.get_running_loop().run_in_executor(None, entered.wait)
            await server.stop()
            with pytest.raises(websockets.exceptions.ConnectionClosed) as closed:
                while True:
                    await ws.recv()
            assert closed.value.rcvd.code == 1001

    run(scenario())


def test_five_hundred_clients_lose_nothing(gateway):
    gateway.integration("echo")(echo_reply)

    async def client(url, n):
        async with websockets.connect(url) as ws:
            for i in range(4):
                await ws.send(json.dumps({"action": "echo", "text": f"{n}-{i}"}))
            replies = sorted([json.loads(await ws.recv())["text"] for _ in range(4)])
            assert replies == [f"{n}-{i}" for i in range(4)]

    async def scenario():
        async with serving(gateway) as server:
            await asyncio.gather(*(client(server.url, n) for n in range(500)))

    run(scenario(), timeout=120)


EXITS_SERVING = """
import asyncio, json, sys
import websockets, wsgate

gw = wsgate.Gateway(sys.argv[1])
gw.integration("echo")(lambda event, context: {"statusCode": 200, "body": event["body"]})

async def main():
    global server  # still serving when the interpreter finalizes
    server = await gw.start(port=0)
    async with websockets.connect(server.url) as ws:
        await ws.send(json.dumps({"action": "echo", "text": "hi"}))
        print(await ws.recv(), flush=True)
    if sys.argv[2] == "stop":
        await server.stop()

asyncio.run(main())
"""


@pytest.mark.parametrize("ending", ["stop", "exit while serving"])
def test_a_process_that_served_python_handlers_exits_cleanly(ending):
    # The handler threads stay attached to the interpreter: leaving must not crash it as it finalizes.
    done = subprocess.run(
        [sys.executable, "-c", EXITS_SERVING, API, ending], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"action": "echo", "text": "hi"}
    assert "panicked" not in done.stderr and "Fatal" not in done.stderr, done.stderr
