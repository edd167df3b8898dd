"""The Lambda functions of template.yaml, written as AWS's samples write a WebSocket REQUEST authorizer."""

import json


def authorize(event, context):
    token = event["queryStringParameters"]["token"]
    if token == "expired":
        raise Exception("Unauthorized")
    effect = "Allow" if token.startswith("user-") else "Deny"
    return {
        "principalId": token,
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [{"Action": "execute-api:Invoke", "Effect": effect, "Resource": event["methodArn"]}],
        },
        "context": {"plan": "pro"},
    }


def whoami(event, context):
    return {"statusCode": 200, "body": json.dumps(event["requestContext"]["authorizer"])}
