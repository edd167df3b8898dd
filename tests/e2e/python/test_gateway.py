"""wsgate serve with real peers: the `websockets` client, boto3's apigatewaymanagementapi client, and Lambda
handlers behind the Lambda Invoke API."""

import asyncio
import json

import boto3
import pytest
import websockets
import wsgate

import lambda_invoke


def run(coroutine):
    return asyncio.run(asyncio.wait_for(coroutine, timeout=20))


def management(gateway):
    return boto3.client("apigatewaymanagementapi", endpoint_url=gateway.management_url)


def test_messages_reach_the_lambda_and_two_way_replies_come_back(gateway):
    async def scenario():
        async with websockets.connect(gateway.url) as ws:
            await ws.send(json.dumps({"action": "echo", "text": "hi"}))
            reply = json.loads(await ws.recv())
            assert reply["echo"] == {"action": "echo", "text": "hi"}
            assert reply["routeKey"] == "echo"
            assert len(reply["connectionId"]) == 16

    run(scenario())


def test_invalid_bodies_and_unknown_actions_get_api_gateway_frames(gateway):
    async def scenario():
        async with websockets.connect(gateway.url) as ws:
            await ws.send(json.dumps({"action": "echo"}))
            bad = json.loads(await ws.recv())
            assert bad["message"] == "Bad request body"
            await ws.send(json.dumps({"action": "nope"}))
            forbidden = await ws.recv()
            assert forbidden.startswith('{"message": "Forbidden", "connectionId":"')
            await ws.send(json.dumps({"action": "echo", "text": "x", "fail": True}))
            error = json.loads(await ws.recv())
            assert error["message"] == "Internal server error"
            await ws.send(json.dumps({"action": "echo", "text": "still here"}))
            assert json.loads(await ws.recv())["echo"]["text"] == "still here"

    run(scenario())


def test_connect_can_reject_the_handshake(gateway):
    async def scenario():
        with pytest.raises(websockets.exceptions.InvalidStatus) as rejected:
            async with websockets.connect(gateway.url + "?token=bad"):
                pass
        assert rejected.value.response.status_code == 401

    run(scenario())


def test_limits_close_with_1009_and_1003(gateway):
    async def scenario():
        async with websockets.connect(gateway.url) as ws:
            await ws.send("x" * 40_000)
            with pytest.raises(websockets.exceptions.ConnectionClosed) as closed:
                await ws.recv()
            assert closed.value.rcvd.code == 1009
        async with websockets.connect(gateway.url) as ws:
            await ws.send(b"\x00binary")
            with pytest.raises(websockets.exceptions.ConnectionClosed) as closed:
                await ws.recv()
            assert closed.value.rcvd.code == 1003

    run(scenario())


def test_boto3_posts_gets_and_deletes_connections(gateway):
    client = management(gateway)

    async def scenario():
        async with websockets.connect(gateway.url) as ws:
            await ws.send(json.dumps({"action": "echo", "text": "who am i"}))
            connection_id = json.loads(await ws.recv())["connectionId"]

            await asyncio.to_thread(client.post_to_connection, ConnectionId=connection_id, Data=b"pushed")
            assert await ws.recv() == "pushed"

            big = "y" * 100_000
            await asyncio.to_thread(client.post_to_connection, ConnectionId=connection_id, Data=big.encode())
            assert await ws.recv() == big

            with pytest.raises(client.exceptions.PayloadTooLargeException):
                await asyncio.to_thread(client.post_to_connection, ConnectionId=connection_id, Data=b"z" * 131_073)

            info = await asyncio.to_thread(client.get_connection, ConnectionId=connection_id)
            assert info["Identity"]["SourceIp"] == "127.0.0.1"
            assert info["ConnectedAt"] <= info["LastActiveAt"]

            await asyncio.to_thread(client.delete_connection, ConnectionId=connection_id)
            with pytest.raises(websockets.exceptions.ConnectionClosed) as closed:
                await ws.recv()
            assert closed.value.rcvd.code == 1000

        for call in (client.post_to_connection, client.get_connection, client.delete_connection):
            kwargs = {"ConnectionId": connection_id}
            if call == client.post_to_connection:
                kwargs["Data"] = b"late"
            with pytest.raises(client.exceptions.GoneException):
                await asyncio.to_thread(call, **kwargs)

    run(scenario())


def test_the_management_api_of_another_stage_is_forbidden(gateway):
    client = boto3.client("apigatewaymanagementapi", endpoint_url=gateway.management_url.replace("/test", "/prod"))
    with pytest.raises(client.exceptions.ForbiddenException):
        client.post_to_connection(ConnectionId="XDmENcnwIE0CFEQ=", Data=b"x")


def test_the_local_lambda_runtime_gives_the_context_the_python_package_gives():
    """scripts/lambda_invoke.py plays Lambda out of process; its context must be the one wsgate's packages make
    in-process from the core's values, or handlers would see two Lambdas."""
    seen = []
    gateway = wsgate.Gateway({
        "name": "context", "routeSelectionExpression": "$request.body.action",
        "integrations": {"echo": {"integrationType": "AWS_PROXY"}},
        "routes": {"$default": {"target": "integrations/echo", "routeResponseSelectionExpression": "$default"}},
    })

    @gateway.integration("echo")
    def echo(event, context):
        seen.append(context)
        return {"statusCode": 200, "body": "ok"}

    async def scenario():
        server = await gateway.start("127.0.0.1", 0)
        try:
            async with websockets.connect(server.url) as ws:
                await ws.send("{}")
                assert await ws.recv() == "ok"
        finally:
            await server.stop()

    run(scenario())
    in_process, local = seen[0], lambda_invoke.Context("echo")
    names = ["function_name", "function_version", "memory_limit_in_mb", "invoked_function_arn", "log_group_name"]
    assert [getattr(local, n) for n in names] == [getattr(in_process, n) for n in names]
    # One stream per instance, named by its first day and 32 hex digits.
    day, instance = local.log_stream_name.split("[$LATEST]")
    assert in_process.log_stream_name.startswith(day + "[$LATEST]")
    assert len(instance) == len(in_process.log_stream_name.split("[$LATEST]")[1]) == 32
    assert local.log_stream_name == lambda_invoke.Context("echo").log_stream_name
    assert len(local.aws_request_id) == len(in_process.aws_request_id) == 36
