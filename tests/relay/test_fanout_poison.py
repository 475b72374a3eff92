"""One event on the shared Redis channel that cannot be read or handled is dropped, and the
fan-out goes on (a 100,000-deep JSON array once ended the listener: every relay was cut off
from the others while /healthz said ok). Through a real Redis."""

from __future__ import annotations

import asyncio
import json
import secrets
from typing import Any

import pytest
import redis.asyncio as aioredis

from relay.fanout_redis import RedisFanout

URL = "redis://127.0.0.1:6379/0"


async def _redis_or_skip() -> aioredis.Redis:
    client = aioredis.Redis.from_url(URL)
    try:
        await client.ping()
    except Exception:
        pytest.skip("no Redis at 127.0.0.1:6379")
    return client


@pytest.mark.parametrize(
    "poison",
    [
        "[" * 100_000 + "]" * 100_000,  # the standard parser's recursion limit
        "{not json",
        json.dumps({"k": "message", "f": 12}),  # a field of the wrong type: the handler raises
    ],
)
async def test_a_poisoned_event_is_dropped_and_the_next_one_arrives(poison: str) -> None:
    client = await _redis_or_skip()
    prefix = f"poison-{secrets.token_hex(4)}"
    fanout = RedisFanout(URL, prefix=prefix)
    received: list[dict[str, Any]] = []
    arrived = asyncio.Event()

    def on_event(event: dict[str, Any]) -> None:
        if not isinstance(event.get("f"), str):
            raise AttributeError("'int' object has no attribute 'split'")  # as deliver does
        received.append(event)
        arrived.set()

    await fanout.start(on_event, lambda _ok: None)
    try:
        await client.publish(f"{prefix}:all", poison)
        await client.publish(f"{prefix}:all", json.dumps({"k": "message", "f": "ok"}))
        await asyncio.wait_for(arrived.wait(), 10)
        assert received == [{"k": "message", "f": "ok"}]
        assert fanout.healthy
    finally:
        await fanout.stop()
        await client.aclose()
