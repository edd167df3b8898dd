"""The chat room (examples/chat/api.yaml) served in-process by the wsgate Python package: the handlers are plain
functions, and they reach clients through ``gw.connections``, wsgate's in-process ``@connections`` API.

    pip install ./bindings-python
    python examples/python-chat/app.py            # ws://127.0.0.1:8080/dev; --port 0 picks a free port

The same room written as Lambda functions that deploy to AWS unchanged (boto3's management client instead of
``gw.connections``) is examples/chat/handlers.py, served in-process by
``python -m wsgate serve examples/chat/api.yaml --handlers examples/chat/handlers.py --tls-dir DIR`` with
``AWS_CA_BUNDLE=DIR/cert.pem``.
"""

import argparse
import json
import pathlib
from typing import Any, Dict, Set

import wsgate

gw = wsgate.Gateway(pathlib.Path(__file__).parent.parent / "chat" / "api.yaml")
members: Dict[str, Set[str]] = {}  # room -> connection ids
room_of: Dict[str, str] = {}  # connection id -> room


@gw.integration("connection")
def connection(event: Dict[str, Any], context: Any) -> None:
    """$connect accepts everyone (returning nothing is a 200); $disconnect leaves the room."""
    if event["requestContext"]["eventType"] == "DISCONNECT":
        connection_id = event["requestContext"]["connectionId"]
        members.get(room_of.pop(connection_id, ""), set()).discard(connection_id)


@gw.integration("chat")
async def chat(event: Dict[str, Any], context: Any) -> Dict[str, Any]:
    """joinroom answers the client (a two-way route); sendmessage goes to everyone in the room."""
    me = event["requestContext"]["connectionId"]
    body = json.loads(event["body"])
    if event["requestContext"]["routeKey"] == "joinroom":
        members.get(room_of.get(me, ""), set()).discard(me)
        room_of[me] = body["room"]
        members.setdefault(body["room"], set()).add(me)
        return {"statusCode": 200, "body": json.dumps({"joined": body["room"], "members": len(members[body["room"]])})}
    room = room_of.get(me)
    if room is None:
        await gw.connections.apost(me, json.dumps({"error": "join a room first"}))
        return {"statusCode": 400}
    data = json.dumps({"room": room, "from": me, "message": body["message"]})
    for member in sorted(members[room]):
        try:
            await gw.connections.apost(member, data)
        except wsgate.GoneException:
            members[room].discard(member)
    return {"statusCode": 200}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="the chat room on wsgate")
    parser.add_argument("--port", type=int, default=8080)
    gw.serve(port=parser.parse_args().port)
