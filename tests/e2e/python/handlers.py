"""Lambda handlers for the end-to-end tests, written as they would be deployed to AWS Lambda."""

import json


def connect(event, context):
    query = event.get("queryStringParameters") or {}
    if query.get("token") == "bad":
        return {"statusCode": 401}
    return {"statusCode": 200}


def disconnect(event, context):
    return {"statusCode": 200}


def echo(event, context):
    body = json.loads(event["body"])
    if body.get("fail"):
        raise ValueError("this handler failed on purpose")
    reply = {
        "echo": body,
        "routeKey": event["requestContext"]["routeKey"],
        "connectionId": event["requestContext"]["connectionId"],
        "requestId": context.aws_request_id,
    }
    return {"statusCode": 200, "body": json.dumps(reply)}
