"""The chat room's Lambda handlers, written as for AWS Lambda (handler strings `handlers.connection` and
`handlers.chat`): they reach clients through the management API at `https://{domainName}/{stage}`, built from the
event as AWS's samples do.

Who is in which room is kept in this process's memory, which is enough for one local process; on AWS, where many
instances of a function run, keep it in DynamoDB as AWS's chat sample does.
"""

import json
import threading

import boto3

rooms = {}  # room -> set of connection ids
joined = {}  # connection id -> room
lock = threading.Lock()


def connection(event, context):
    """$connect and $disconnect."""
    connection_id = event["requestContext"]["connectionId"]
    if event["requestContext"]["eventType"] == "DISCONNECT":
        leave(connection_id)
    return {"statusCode": 200}


def chat(event, context):
    """joinroom (two-way: the reply goes back to the client) and sendmessage (broadcast to the room)."""
    context_ = event["requestContext"]
    connection_id = context_["connectionId"]
    body = json.loads(event["body"])
    if context_["routeKey"] == "joinroom":
        room = body["room"]
        leave(connection_id)
        with lock:
            rooms.setdefault(room, set()).add(connection_id)
            joined[connection_id] = room
            members = len(rooms[room])
        return {"statusCode": 200, "body": json.dumps({"joined": room, "members": members})}

    management = boto3.client(
        "apigatewaymanagementapi", endpoint_url=f"https://{context_['domainName']}/{context_['stage']}"
    )
    with lock:
        room = joined.get(connection_id)
        members = sorted(rooms.get(room, ()))
    if room is None:
        notice = {"error": "join a room first: {\"action\": \"joinroom\", \"room\": \"...\"}"}
        management.post_to_connection(ConnectionId=connection_id, Data=json.dumps(notice).encode())
        return {"statusCode": 400}
    data = json.dumps({"room": room, "from": connection_id, "message": body["message"]}).encode()
    for member in members:
        try:
            management.post_to_connection(ConnectionId=member, Data=data)
        except management.exceptions.GoneException:
            leave(member)
    return {"statusCode": 200}


def leave(connection_id):
    with lock:
        room = joined.pop(connection_id, None)
        if room is not None:
            rooms[room].discard(connection_id)
            if not rooms[room]:
                del rooms[room]
