"""The handler both Python servers call for every message: a Lambda proxy handler that answers with the body."""


def echo(event, context):
    return {"statusCode": 200, "body": event["body"]}
