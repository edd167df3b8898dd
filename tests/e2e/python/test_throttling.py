"""A `websockets` client flooding a throttled route: the burst passes, every message past it gets API Gateway's Too
Many Requests frame, nothing goes unanswered and the connection lives on; a handshake past `$connect`'s burst gets
429."""

import asyncio
import json
import time

import websockets
from websockets.exceptions import InvalidStatus

from conftest import HERE, serving

DEFINITION = HERE.parent / "throttled.yaml"
FLOOD = 40


def test_a_flood_past_the_burst_is_answered_too_many_requests_and_the_connection_lives():
    with serving(definition=DEFINITION) as gateway:

        async def scenario():
            async with websockets.connect(gateway.url) as ws:
                started = time.monotonic()
                for n in range(FLOOD):
                    await ws.send(json.dumps({"action": "flood", "n": n}))
                replies = [json.loads(await ws.recv()) for _ in range(FLOOD)]
                elapsed = time.monotonic() - started
                echoed = [r["echo"] for r in replies if "echo" in r]
                throttled = [r for r in replies if r.get("message") == "Too Many Requests"]
                assert len(echoed) + len(throttled) == FLOOD, replies
                # The burst of 5, plus the 1 a second the bucket refills while the flood lasts.
                assert 5 <= len(echoed) <= 5 + int(elapsed) + 1, (len(echoed), elapsed)
                assert echoed[:5] == [0, 1, 2, 3, 4]
                assert all(r["connectionId"] and r["requestId"] for r in throttled), throttled[0]
                # Another route has a bucket of its own: the connection is open and answers.
                await ws.send(json.dumps({"action": "status", "n": "still here"}))
                assert json.loads(await ws.recv()) == {"echo": "still here"}

                # The flood's connection took one of $connect's 3 tokens.
                async with websockets.connect(gateway.url), websockets.connect(gateway.url):
                    try:
                        async with websockets.connect(gateway.url):
                            raise AssertionError("a fourth handshake within the burst connected")
                    except InvalidStatus as refused:
                        assert refused.response.status_code == 429

        asyncio.run(asyncio.wait_for(scenario(), 30))
