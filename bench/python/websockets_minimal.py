"""The minimal `websockets` server a user would write instead of wsgate: parse the frame as JSON, take `action`,
call a Lambda handler with a small event, send its body back. Prints `listening on ws://HOST:PORT/`."""

import asyncio
import json
import uuid

import websockets


def handler(event, context):
    return {"statusCode": 200, "body": event["body"]}


async def serve(ws):
    connection_id = str(uuid.uuid4())
    async for body in ws:
        try:
            route_key = json.loads(body).get("action")
        except ValueError:
            route_key = None
        if route_key != "echo":
            await ws.send('{"message": "Forbidden"}')
            continue
        event = {"body": body, "requestContext": {"routeKey": route_key, "eventType": "MESSAGE", "connectionId": connection_id}}
        result = handler(event, None)
        await ws.send(result["body"])


async def main():
    async with websockets.serve(serve, "127.0.0.1", 0, compression=None) as server:
        print(f"listening on ws://127.0.0.1:{server.sockets[0].getsockname()[1]}/", flush=True)
        await asyncio.Future()


if __name__ == "__main__":
    asyncio.run(main())
