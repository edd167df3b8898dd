"""$connect's Lambda REQUEST authorizer as an in-process Python function, written as AWS's samples write one, with
`websockets` clients sending their token in the query string or a header."""

import pytest

import wsgate
from conftest import ask, run, serving, websockets
from websockets.exceptions import InvalidStatus

GUARDED = """
name: guarded
routeSelectionExpression: $request.body.action
authorizers:
  tokens:
    authorizerType: REQUEST
    identitySource: [route.request.querystring.token]
integrations:
  whoami: { integrationType: AWS_PROXY }
routes:
  $connect: { target: integrations/whoami, authorizationType: CUSTOM, authorizerId: tokens }
  $default: { target: integrations/whoami, routeResponseSelectionExpression: $default }
"""


def guarded():
    gateway = wsgate.Gateway(GUARDED)

    @gateway.authorizer("tokens")
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
            "context": {"plan": "pro", "seats": 5},
        }

    @gateway.integration("whoami")
    def whoami(event, context):
        return {"statusCode": 200, "body": event["requestContext"].get("authorizer")}

    return gateway


async def status_of(url):
    with pytest.raises(InvalidStatus) as refused:
        async with websockets.connect(url):
            pass
    return refused.value.response.status_code


def test_the_authorizer_decides_who_connects_and_its_context_follows_the_connection():
    async def scenario():
        async with serving(guarded()) as server:
            assert await status_of(server.url) == 401  # no token: the authorizer is not called
            assert await status_of(server.url + "?token=expired") == 401
            assert await status_of(server.url + "?token=intruder") == 403
            async with websockets.connect(server.url + "?token=user-7") as ws:
                assert await ask(ws, {"action": "hi"}) == {"principalId": "user-7", "plan": "pro", "seats": "5"}

    run(scenario())


def test_an_authorizer_the_definition_lacks_is_a_registration_error():
    with pytest.raises(wsgate.RegistrationError) as error:
        guarded().authorizer("nope")
    assert error.value.code == "unknown_authorizer"
    assert "tokens" in str(error.value)
