"""The `@connections` API with `--credentials`: boto3 clients signing with a key the gateway was given reach it;
unsigned requests, another key, a wrong secret and a stale signature get API Gateway's 403s."""

import asyncio
import datetime
import json
import urllib.error
import urllib.request

import boto3
import botocore.auth
import botocore.exceptions
import pytest
import websockets
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from conftest import serving

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
