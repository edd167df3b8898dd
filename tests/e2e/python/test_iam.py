"""The `@connections` API with `--credentials`: boto3 clients signing with a key the gateway was given reach it;
unsigned requests, another key, a wrong secret and a stale signature get API Gateway's 403s."""

import asyncio
import datetime
import json
import os
import re
import signal
import subprocess
import threading
import urllib.error
import urllib.request

import boto3
import botocore.auth
import botocore.exceptions
import pytest
import websockets
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from conftest import HERE, ROOT, serving

CREDENTIALS = """# as ~/.aws/credentials holds them
[backend]
aws_access_key_id = AKIAWSGATEBACKEND01
aws_secret_access_key = backend-secret
"""


@pytest.fixture
def guarded(tmp_path):
    path = tmp_path / "credentials"
    path.write_text(CREDENTIALS)
    with serving("--credentials", str(path)) as gateway:
        yield gateway


def client(gateway, key="AKIAWSGATEBACKEND01", secret="backend-secret"):
    return boto3.client(
        "apigatewaymanagementapi", endpoint_url=gateway.management_url, region_name="us-east-1",
        aws_access_key_id=key, aws_secret_access_key=secret,
    )


def error_of(call):
    with pytest.raises(botocore.exceptions.ClientError) as failed:
        call()
    return failed.value.response["ResponseMetadata"]["HTTPStatusCode"], failed.value.response["Error"]


def test_only_callers_signing_with_a_given_key_reach_the_connections(guarded):
    async def scenario():
        async with websockets.connect(guarded.url) as ws:
            await ws.send(json.dumps({"action": "echo", "text": "who"}))
            connection_id = json.loads(await ws.recv())["connectionId"]
            post = lambda c: c.post_to_connection(ConnectionId=connection_id, Data=b"pushed")  # noqa: E731

            await asyncio.to_thread(post, client(guarded))
            assert await ws.recv() == "pushed"

            status, error = await asyncio.to_thread(error_of, lambda: post(client(guarded, secret="guessed")))
            assert (status, error["Code"]) == (403, "InvalidSignatureException")
            assert error["Message"].startswith("The request signature we calculated does not match")
            status, error = await asyncio.to_thread(error_of, lambda: post(client(guarded, key="AKIAOTHERKEY0000000")))
            assert (status, error["Code"]) == (403, "UnrecognizedClientException")

            url = f"{guarded.management_url}/@connections/{connection_id}"
            for request in (unsigned(url), signed_long_ago(url)):
                with pytest.raises(urllib.error.HTTPError) as refused:
                    urllib.request.urlopen(request)
                assert refused.value.code == 403
                body = json.loads(refused.value.read())
                if request.get_header("Authorization") is None:
                    assert body == {"message": "Missing Authentication Token"}
                else:
                    assert body["message"].startswith("Signature expired:")
            # Nothing refused reached the client: the next frame is the one a signed call sends.
            await asyncio.to_thread(post, client(guarded))
            assert await ws.recv() == "pushed"

    asyncio.run(asyncio.wait_for(scenario(), 20))


def unsigned(url):
    return urllib.request.Request(url, data=b"x", method="POST")


def signed_long_ago(url):
    """A request botocore signed an hour ago with the right key."""
    request = AWSRequest(method="POST", url=url, data=b"x")
    original = botocore.auth.get_current_datetime
    botocore.auth.get_current_datetime = lambda: original() - datetime.timedelta(hours=1)
    try:
        botocore.auth.SigV4Auth(Credentials("AKIAWSGATEBACKEND01", "backend-secret"), "execute-api", "us-east-1").add_auth(request)
    finally:
        botocore.auth.get_current_datetime = original
    return urllib.request.Request(url, data=b"x", method="POST", headers=dict(request.headers))


CONNECT_CREDENTIALS = """[client]
aws_access_key_id = AKIAWSGATECLIENT001
aws_secret_access_key = client-secret
wsgate_allowed_actions = execute-api:Invoke

[backend]
aws_access_key_id = AKIAWSGATEBACKEND01
aws_secret_access_key = backend-secret
wsgate_allowed_actions = execute-api:ManageConnections
"""


@pytest.fixture
def iam_connect(tmp_path):
    """iam.yaml, whose $connect is AWS_IAM, with a client key that may connect and a backend key that may manage."""
    path = tmp_path / "credentials"
    path.write_text(CONNECT_CREDENTIALS)
    with serving("--credentials", str(path), definition=HERE.parent / "iam.yaml") as gateway:
        yield gateway


def presigned(url, key="AKIAWSGATECLIENT001", secret="client-secret", expires=60, age=datetime.timedelta(0)):
    """`url` presigned by botocore as the AWS samples presign a wss:// URL for an IAM-guarded WebSocket API."""
    http_url = url.replace("ws://", "http://", 1)
    request = AWSRequest(method="GET", url=http_url)
    original = botocore.auth.get_current_datetime
    botocore.auth.get_current_datetime = lambda: original() - age
    try:
        botocore.auth.SigV4QueryAuth(Credentials(key, secret), "execute-api", "us-east-1", expires=expires).add_auth(request)
    finally:
        botocore.auth.get_current_datetime = original
    return request.url.replace("http://", "ws://", 1)


def header_signed(url, key="AKIAWSGATECLIENT001", secret="client-secret"):
    """The handshake's headers, signed by botocore's SigV4Auth."""
    request = AWSRequest(method="GET", url=url.replace("ws://", "http://", 1))
    botocore.auth.SigV4Auth(Credentials(key, secret), "execute-api", "us-east-1").add_auth(request)
    return {k: v for k, v in request.headers.items() if k.lower() != "host"}


async def refusal(url, **options):
    with pytest.raises(websockets.exceptions.InvalidStatus) as refused:
        async with websockets.connect(url, **options):
            pass
    response = refused.value.response
    return response.status_code, response.headers.get("x-amzn-ErrorType"), json.loads(response.body)["message"]


def test_an_iam_connect_takes_presigned_and_header_signed_handshakes_of_known_keys(iam_connect):
    async def scenario():
        url = iam_connect.url
        async with websockets.connect(presigned(url)) as ws:
            await ws.send(json.dumps({"action": "whoami"}))
            me = json.loads(await ws.recv())
            assert me["userArn"] == "arn:aws:iam::123456789012:user/client"
            assert me["accessKey"] == "AKIAWSGATECLIENT001"
            connection_id = me["connectionId"]
            # The backend key may manage connections; the client key may only connect.
            await asyncio.to_thread(lambda: client(iam_connect).post_to_connection(ConnectionId=connection_id, Data=b"hi"))
            assert await ws.recv() == "hi"
            status, error = await asyncio.to_thread(
                error_of,
                lambda: client(iam_connect, "AKIAWSGATECLIENT001", "client-secret").get_connection(ConnectionId=connection_id),
            )
            assert (status, error["Code"]) == (403, "AccessDeniedException")
            assert "is not authorized to perform: execute-api:ManageConnections" in error["Message"]
        async with websockets.connect(url, additional_headers=header_signed(url)) as ws:
            await ws.send(json.dumps({"action": "whoami"}))
            assert json.loads(await ws.recv())["accessKey"] == "AKIAWSGATECLIENT001"

        assert await refusal(url) == (403, "MissingAuthenticationTokenException", "Missing Authentication Token")
        status, kind, message = await refusal(presigned(url, secret="guessed"))
        assert (status, kind) == (403, "InvalidSignatureException")
        assert "The Canonical String for this request should have been" in message
        status, kind, message = await refusal(presigned(url, key="AKIAWSGATEBACKEND01", secret="backend-secret"))
        assert (status, kind) == (403, "AccessDeniedException")
        assert re.fullmatch(
            r"User: arn:aws:iam::123456789012:user/backend is not authorized to perform: execute-api:Invoke on "
            r"resource: arn:aws:execute-api:us-east-1:123456789012:[a-z0-9]{10}/test/\$connect",
            message,
        ), message
        status, kind, message = await refusal(presigned(url, expires=60, age=datetime.timedelta(minutes=5)))
        assert (status, kind) == (403, "InvalidSignatureException") and message.startswith("Signature expired")
        # A signed URL whose query was changed after signing.
        status, kind, _ = await refusal(presigned(url) + "&room=other")
        assert (status, kind) == (403, "InvalidSignatureException")

    asyncio.run(asyncio.wait_for(scenario(), 30))



def test_with_management_on_its_own_port_boto3_reaches_it_there_and_clients_port_refuses_it():
    binary = os.environ.get("WSGATE_BIN", str(ROOT / "target" / "debug" / "wsgate"))
    process = subprocess.Popen(
        [binary, "serve", str(ROOT / "examples" / "mock-templates" / "api.yaml"), "--port", "0",
         "--management", "127.0.0.1:0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        url = process.stdout.readline().split()[-1]  # blocks until wsgate accepts connections
        management_url = next(line for line in process.stderr if line.startswith("management API on ")).split()[-1]
        threading.Thread(target=process.stderr.read, daemon=True).start()  # the log, unread, must not fill the pipe
        assert management_url.split("/")[2] != url.split("/")[2]

        async def scenario():
            async with websockets.connect(url) as ws:
                await ws.send(json.dumps({"action": "whoami"}))
                connection_id = json.loads(await ws.recv())["connectionId"]
                management = boto3.client("apigatewaymanagementapi", endpoint_url=management_url, region_name="us-east-1")
                await asyncio.to_thread(management.post_to_connection, ConnectionId=connection_id, Data=b"pushed")
                assert await ws.recv() == "pushed"
                on_clients_port = boto3.client(
                    "apigatewaymanagementapi", endpoint_url=url.replace("ws://", "http://"), region_name="us-east-1"
                )
                status, error = await asyncio.to_thread(
                    error_of, lambda: on_clients_port.post_to_connection(ConnectionId=connection_id, Data=b"x")
                )
                assert (status, error["Code"]) == (403, "ForbiddenException")

        asyncio.run(asyncio.wait_for(scenario(), 20))
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
