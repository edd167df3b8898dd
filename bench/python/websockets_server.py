"""The peer of the Python benchmark: a hand-written `websockets` server doing the same job as wsgate there (parse the
JSON, route on `action`, build a Lambda proxy event, call handler.echo, send the body back), as well as asyncio can.
Prints `listening on ws://HOST:PORT/` once it accepts connections."""

import asyncio
import itertools
import json
import sys
import time

import websockets

from handler import echo

ids = itertools.count()


async def serve(ws):
    connection_id = f"{next(ids):015d}="
    connected_at = int(time.time() * 1000)
    async for text in ws:
        try:
            route = json.loads(text).get("action")
        except ValueError:
            route = None
        if route != "echo":
            await ws.send('{"message": "Forbidden"}')
            continue
        now = int(time.time() * 1000)
        event = {
            "requestContext": {
                "routeKey": route, "messageId": f"{next(ids):015d}=", "eventType": "MESSAGE",
                "messageDirection": "IN", "stage": "dev", "connectedAt": connected_at, "requestTimeEpoch": now,
                "identity": {"sourceIp": ws.remote_address[0]}, "requestId": f"{next(ids):015d}=",
                "domainName": "localhost", "connectionId": connection_id, "apiId": "abcdefghij",
            },
            "body": text,
            "isBase64Encoded": False,
        }
        result = echo(event, None)
        await ws.send(result["body"])


async def main():
    async with websockets.serve(serve, "127.0.0.1", 0, compression=None) as server:
        port = server.sockets[0].getsockname()[1]
        print(f"listening on ws://127.0.0.1:{port}/", flush=True)
        await asyncio.Future()


if __name__ == "__main__":
    sys.path.insert(0, ".")
    asyncio.run(main())
