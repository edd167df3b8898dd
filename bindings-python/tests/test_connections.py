"""The @connections API: in-process through gw.connections, and over HTTP through boto3, unchanged."""

import asyncio
import datetime
import json
import os

import boto3
import pytest

import wsgate
from conftest import API, ask, run, serving, websockets


def whoami(gateway):
    @gateway.integration("echo")
    def echo(event, context):
        return {"statusCode": 200, "body": event["requestContext"]["connectionId"]}


def test_in_process_post_get_and_delete(gateway):
    whoami(gateway)

    async def scenario():
        async with serving(gateway) as server, websockets.connect(server.url) as ws:
            connection_id = await ask(ws, {"action": "echo", "text": "who"})
            gateway.connections.post(connection_id, "text")
            assert await ws.recv() == "text"
            await gateway.connections.apost(connection_id, "ünïcode".encode())
            assert await ws.recv() == "ünïcode"
            gateway.connections.post(connection_id, b"\xff\x00")
            assert await ws.recv() == b"\xff\x00"

            info = await gateway.connections.aget(connection_id)
            assert info["Identity"]["SourceIp"] == "127.0.0.1"
            assert info["Identity"]["UserAgent"].startswith("Python/")
            assert isinstance(info["ConnectedAt"], datetime.datetime)
            assert info["ConnectedAt"] <= info["LastActiveAt"]

            with pytest.raises(wsgate.PayloadTooLargeException):
                gateway.connections.post(connection_id, b"x" * 131_073)
            gateway.connections.post(connection_id, "y" * 131_072)
            assert len(await ws.recv()) == 131_072

            gateway.connections.delete(connection_id)
            with pytest.raises(websockets.exceptions.ConnectionClosed) as closed:
                await ws.recv()
            assert closed.value.rcvd.code == 1000

            for call in (lambda: gateway.connections.post(connection_id, "late"),
                         lambda: gateway.connections.get(connection_id),
                         lambda: gateway.connections.delete(connection_id)):
                with pytest.raises(wsgate.GoneException):
                    call()

    run(scenario())


def test_connections_before_start_is_a_clear_error(gateway):
    with pytest.raises(wsgate.GatewayError, match="not serving"):
        gateway.connections.post("XDmENcnwIE0CFEQ=", "x")


def test_posting_from_connect_to_the_connection_itself_is_gone(gateway):
    outcome = []

    @gateway.on_connect
    def connect(event, context):
        try:
            gateway.connections.post(event["requestContext"]["connectionId"], "too early")
        except wsgate.GoneException as error:
            outcome.append(error)

    async def scenario():
        async with serving(gateway) as server, websockets.connect(server.url) as ws:
            assert (await ask(ws, {"action": "greet"}))["hello"]

    run(scenario())
    assert len(outcome) == 1


def test_boto3_reaches_the_management_url_unchanged(gateway):
    whoami(gateway)

    async def scenario():
        async with serving(gateway) as server, websockets.connect(server.url) as ws:
            client = boto3.client("apigatewaymanagementapi", endpoint_url=server.management_url)
            connection_id = await ask(ws, {"action": "echo", "text": "who"})
            await asyncio.to_thread(client.post_to_connection, ConnectionId=connection_id, Data=b"via boto3")
            assert await ws.recv() == "via boto3"
            info = await asyncio.to_thread(client.get_connection, ConnectionId=connection_id)
            assert info["Identity"]["SourceIp"] == "127.0.0.1"
            await asyncio.to_thread(client.delete_connection, ConnectionId=connection_id)
            with pytest.raises(websockets.exceptions.ConnectionClosed):
                await ws.recv()
            with pytest.raises(client.exceptions.GoneException):
                await asyncio.to_thread(client.post_to_connection, ConnectionId=connection_id, Data=b"x")

    run(scenario())


@pytest.mark.parametrize("management", [None, "127.0.0.1:0"], ids=["on the clients' port", "on its own port"])
def test_an_unchanged_lambda_handler_posts_to_https_domain_name_with_no_certificate_set_up(gateway, management):
    """``https://{domainName}/{stage}`` is the gateway's own port: boto3 reaches it with no AWS_CA_BUNDLE, and
    reaches the management API there when it listens on a port of its own."""

    @gateway.integration("echo")
    def handler(event, context):  # as AWS's samples write it
        domain = event["requestContext"]["domainName"]
        stage = event["requestContext"]["stage"]
        client = boto3.client("apigatewaymanagementapi", endpoint_url=f"https://{domain}/{stage}")
        text = json.loads(event["body"])["text"]
        client.post_to_connection(ConnectionId=event["requestContext"]["connectionId"], Data=text.upper().encode())
        return {"statusCode": 200}

    async def scenario():
        async with serving(gateway, management=management) as server, websockets.connect(server.url) as ws:
            assert (server.management_url.split("/")[2] == server.url.split("/")[2]) == (management is None)
            assert await ask(ws, {"action": "echo", "text": "shout"}) == "SHOUT"

    run(scenario())


def test_handlers_reach_the_management_api_at_the_url_aws_gives_it(gateway):
    """AWS's samples build the client from the API id and region; in-process, that URL reaches this gateway."""

    @gateway.integration("echo")
    def echo(event, context):
        context_ = event["requestContext"]
        url = f"https://{context_['apiId']}.execute-api.{os.environ['AWS_DEFAULT_REGION']}.amazonaws.com/{context_['stage']}"
        client = boto3.client("apigatewaymanagementapi", endpoint_url=url)
        client.post_to_connection(ConnectionId=context_["connectionId"], Data=b"posted through AWS's URL")
        return {"statusCode": 200}

    async def scenario():
        async with serving(gateway) as server, websockets.connect(server.url) as ws:
            await ws.send(json.dumps({"action": "echo", "text": "x"}))
            assert await ws.recv() == "posted through AWS's URL"

    run(scenario())


def test_with_credentials_only_boto3_signing_with_a_given_key_is_answered(gateway, tmp_path):
    whoami(gateway)
    credentials = tmp_path / "credentials"
    credentials.write_text("[backend]\naws_access_key_id = AKIAPYTHONBACKEND01\naws_secret_access_key = py-secret\n")

    def client(server, secret):
        return boto3.client("apigatewaymanagementapi", endpoint_url=server.management_url, region_name="us-east-1",
                            aws_access_key_id="AKIAPYTHONBACKEND01", aws_secret_access_key=secret)

    async def scenario():
        async with serving(gateway, credentials=str(credentials)) as server, websockets.connect(server.url) as ws:
            connection_id = await ask(ws, {"action": "echo", "text": "who"})
            await asyncio.to_thread(client(server, "py-secret").post_to_connection, ConnectionId=connection_id, Data=b"ok")
            assert await ws.recv() == "ok"
            wrong = client(server, "guessed")
            with pytest.raises(wrong.exceptions.ClientError) as refused:
                await asyncio.to_thread(wrong.post_to_connection, ConnectionId=connection_id, Data=b"no")
            assert refused.value.response["Error"]["Code"] == "InvalidSignatureException"

    run(scenario())


def test_a_misspelled_serve_option_and_an_unusable_management_address_are_clear_errors(gateway):
    with pytest.raises(TypeError, match="credentails"):
        run(gateway.start("127.0.0.1", 0, credentails="x"))  # type: ignore[call-arg]
    with pytest.raises(wsgate.GatewayError, match="the management API's nowhere"):
        run(wsgate.Gateway(API).start("127.0.0.1", 0, management="nowhere"))


def test_a_credentials_file_without_keys_is_a_clear_error(gateway, tmp_path):
    empty = tmp_path / "credentials"
    empty.write_text("[default]\nregion = us-east-1\n")
    with pytest.raises(wsgate.GatewayError, match="no profile with aws_access_key_id"):
        run(gateway.start("127.0.0.1", 0, credentials=str(empty)))
