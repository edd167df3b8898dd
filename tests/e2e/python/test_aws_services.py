"""AWS service integrations served from a CloudFormation template with no Lambda function (services.yaml): the
gateway keeps connections in DynamoDB and queues jobs in SQS itself, sending each rendered request, SigV4-signed, to
the `--aws-endpoint` of its service. The endpoint is moto's server, as real as a local AWS gets; `websockets` clients
drive it and boto3 reads what landed there."""

import asyncio
import datetime
import http.server
import json
import os
import pathlib
import signal
import socket
import subprocess
import sys
import threading

import boto3
import botocore.auth
import pytest
import websockets
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from conftest import HERE, ROOT

TEMPLATE = str(HERE / "services.yaml")
BINARY = os.environ.get("WSGATE_BIN", str(ROOT / "target" / "debug" / "wsgate"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def aws():
    """moto's server on a free port, with the template's table and queue; yields its URL."""
    port = free_port()
    moto = pathlib.Path(sys.executable).with_name("moto_server")
    process = subprocess.Popen(
        [str(moto), "-H", "127.0.0.1", "-p", str(port)], stderr=subprocess.PIPE, text=True
    )
    for line in process.stderr:  # werkzeug says when it accepts requests
        if "Running on" in line:
            break
    # Drained, so that its request log never fills the pipe.
    threading.Thread(target=process.stderr.read, daemon=True).start()
    url = f"http://127.0.0.1:{port}"
    boto3.client("dynamodb", endpoint_url=url).create_table(
        TableName="connections",
        KeySchema=[{"AttributeName": "connectionId", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "connectionId", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    boto3.client("sqs", endpoint_url=url).create_queue(QueueName="jobs")
    yield url
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=30)


def serve(*options):
    """`wsgate serve services.yaml` with `options`; returns the process and its URL once it accepts connections."""
    process = subprocess.Popen(
        [BINARY, "serve", TEMPLATE, "--port", "0", *options],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    line = process.stdout.readline()  # blocks until wsgate accepts connections
    assert line.startswith("listening on "), line + process.stderr.read()
    return process, line.split()[-1]


def stop(process):
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 0, stderr
    return stderr


@pytest.fixture
def gateway(aws):
    process, url = serve("--aws-endpoint", f"dynamodb={aws}", "--aws-endpoint", f"sqs={aws}")
    yield url
    stop(process)


def run(coroutine):
    return asyncio.run(asyncio.wait_for(coroutine, timeout=30))


async def ask(ws, **message):
    await ws.send(json.dumps(message))
    return json.loads(await ws.recv())


def connection_ids(aws):
    items = boto3.client("dynamodb", endpoint_url=aws).scan(TableName="connections")["Items"]
    return {item["connectionId"]["S"]: item["team"]["S"] for item in items}


def test_connect_puts_the_connection_in_dynamodb_and_disconnect_deletes_it(aws):
    process, url = serve("--aws-endpoint", f"dynamodb={aws}")

    async def scenario():
        async with websockets.connect(url + "?team=core") as ws:
            me = await ask(ws, action="whoami")
            assert connection_ids(aws)[me["connectionId"]] == "core"
            # Stopping the gateway closes the client with 1001 and runs its $disconnect before it exits.
            stop(process)
            await ws.wait_closed()
            return me

    me = run(scenario())
    assert me["team"] == "core"
    assert me["connectionId"] not in connection_ids(aws)


def test_enqueue_sends_the_job_to_sqs_and_answers_with_the_integration_response(gateway, aws):
    async def scenario():
        async with websockets.connect(gateway) as ws:
            return await ask(ws, action="enqueue", job={"resize": "cat.png", "width": 200})

    assert run(scenario()) == {"queued": True}
    sqs = boto3.client("sqs", endpoint_url=aws)
    queue = sqs.get_queue_url(QueueName="jobs")["QueueUrl"]
    messages = sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=1)["Messages"]
    assert [json.loads(m["Body"]) for m in messages] == [{"resize": "cat.png", "width": 200}]


def test_a_service_error_selects_the_4xx_integration_response(aws):
    process, url = serve(
        "--aws-endpoint", f"dynamodb={aws}", "--aws-endpoint", f"sqs={aws}",
        "--parameter-overrides", "LookupTableName=missing",
    )

    async def scenario():
        async with websockets.connect(url) as ws:
            return await ask(ws, action="whoami")

    try:
        answer = run(scenario())
    finally:
        stop(process)
    assert answer == {"error": "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException"}


def test_without_an_endpoint_serve_says_so_and_the_route_fails_as_an_integration_does(aws):
    process, url = serve("--aws-endpoint", f"dynamodb={aws}")

    async def scenario():
        async with websockets.connect(url) as ws:
            return await ask(ws, action="enqueue", job={})

    try:
        answer = run(scenario())
    finally:
        stderr = stop(process)
    assert answer["message"] == "Internal server error"
    assert "integration EnqueueIntegration (sqs path/123456789012/jobs): nowhere: give --aws-endpoint sqs=URL" in stderr
    assert f"integration ConnectIntegration (dynamodb action/PutItem): at the AWS endpoint {aws}" in stderr


class Recorder(http.server.BaseHTTPRequestHandler):
    """An SQS stand-in that keeps each request it gets."""
    requests = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Recorder.requests.append((self.command, self.path, self.headers, body))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def test_requests_are_signed_as_botocore_signs_them(aws):
    recorder = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=recorder.serve_forever, daemon=True).start()
    endpoint = f"http://127.0.0.1:{recorder.server_port}"
    process, url = serve("--aws-endpoint", f"dynamodb={aws}", "--aws-endpoint", f"sqs={endpoint}")

    async def scenario():
        async with websockets.connect(url) as ws:
            return await ask(ws, action="enqueue", job="a b&c")

    try:
        assert run(scenario()) == {"queued": True}
    finally:
        stop(process)
        recorder.shutdown()
    [(method, path, headers, body)] = Recorder.requests
    assert (method, path) == ("POST", "/123456789012/jobs")
    assert headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert body == b"Action=SendMessage&MessageBody=%22a+b%26c%22"

    # botocore signs the same request, at the same time, with the same credentials.
    authorization = headers["Authorization"]
    signed = authorization.split("SignedHeaders=")[1].split(",")[0].split(";")
    request = AWSRequest(
        method=method, url=endpoint + path, data=body,
        headers={name: value for name, value in headers.items() if name.lower() in signed and name.lower() != "host"},
    )
    at = datetime.datetime.strptime(headers["X-Amz-Date"], "%Y%m%dT%H%M%SZ")
    original = botocore.auth.get_current_datetime
    botocore.auth.get_current_datetime = lambda: at
    try:
        credentials = Credentials(os.environ["AWS_ACCESS_KEY_ID"], os.environ["AWS_SECRET_ACCESS_KEY"])
        botocore.auth.SigV4Auth(credentials, "sqs", "us-east-1").add_auth(request)
    finally:
        botocore.auth.get_current_datetime = original
    assert request.headers["Authorization"] == authorization
