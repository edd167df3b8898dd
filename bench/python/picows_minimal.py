"""The minimal server a user would write instead of wsgate on `picows`, the fastest Python WebSocket library (its
frame parser is Cython): parse the frame as JSON, take `action`, call a Lambda handler with a small event, send its
body back. Frames are taken as whole messages, which the load generator's are. Prints `listening on
ws://HOST:PORT/`."""

import asyncio
import json
import uuid

from picows import WSListener, WSMsgType, ws_create_server


def handler(event, context):
    return {"statusCode": 200, "body": event["body"]}


class Router(WSListener):
    def on_ws_connected(self, transport):
        self.connection_id = str(uuid.uuid4())

    def on_ws_frame(self, transport, frame):
        if frame.msg_type == WSMsgType.CLOSE:
            transport.send_close(frame.get_close_code(), frame.get_close_message())
            transport.disconnect()
            return
        if frame.msg_type != WSMsgType.TEXT:
            return
        body = frame.get_payload_as_utf8_text()
        try:
            route_key = json.loads(body).get("action")
        except ValueError:
            route_key = None
        if route_key != "echo":
            transport.send(WSMsgType.TEXT, b'{"message": "Forbidden"}')
            return
        event = {"body": body, "requestContext": {"routeKey": route_key, "eventType": "MESSAGE", "connectionId": self.connection_id}}
        transport.send(WSMsgType.TEXT, handler(event, None)["body"].encode())


async def main():
    server = await ws_create_server(lambda request: Router(), "127.0.0.1", 0)
    print(f"listening on ws://127.0.0.1:{server.sockets[0].getsockname()[1]}/", flush=True)
    await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
