"""A template's `ApiKeyRequired` $connect: the keys of its usage plan and those of an `--api-keys` CSV (as
`aws apigateway import-api-keys` reads it) open connections; a missing, unknown or disabled key gets 403."""

import asyncio
import json

import websockets
from websockets.exceptions import InvalidStatus

from conftest import HERE, serving

TEMPLATE = HERE.parent / "api-keys.yaml"


async def status_of(url, key):
    headers = {} if key is None else {"x-api-key": key}
    try:
        async with websockets.connect(url, additional_headers=headers) as ws:
            await ws.send(json.dumps({"action": "hello"}))
            assert json.loads(await ws.recv())["connected"]
            return 101
    except InvalidStatus as refused:
        return refused.response.status_code


def test_only_enabled_keys_of_the_usage_plan_or_the_file_connect(tmp_path):
    keys = tmp_path / "keys.csv"
    keys.write_text("Name,Key,Enabled\nci,ci-key-from-the-file-0001,true\n")
    with serving("--api-keys", str(keys), definition=TEMPLATE) as gateway:

        async def scenario():
            assert await status_of(gateway.url, "partner-key-0123456789") == 101
            assert await status_of(gateway.url, "ci-key-from-the-file-0001") == 101
            assert await status_of(gateway.url, None) == 403
            assert await status_of(gateway.url, "guessed-key-0123456789") == 403
            assert await status_of(gateway.url, "revoked-key-0123456789") == 403

        asyncio.run(asyncio.wait_for(scenario(), 20))
    # --parameter-overrides sets a key's value as it sets any parameter.
    with serving("--parameter-overrides", "PartnerKeyValue=rotated-key-0123456789", definition=TEMPLATE) as gateway:

        async def rotated():
            assert await status_of(gateway.url, "rotated-key-0123456789") == 101
            assert await status_of(gateway.url, "partner-key-0123456789") == 403

        asyncio.run(asyncio.wait_for(rotated(), 20))
