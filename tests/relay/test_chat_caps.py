"""One address cannot keep the queue full (issue 20 point 4): past max_chats_per_address queued
or open chats it gets a calm `too_many_chats`, real visitors elsewhere keep their place, and a
chat that ends frees a place."""

from __future__ import annotations

from contextlib import AsyncExitStack

from sqlalchemy.engine import Engine

from helpline_core import protocol as p
from helpline_core.config import Settings
from tests.relay.test_abuse import with_relay
from tests.support.relay_harness import running_relay
from tests.support.visitor_client import visitor


async def test_one_address_keeps_at_most_the_cap_of_chats_queued_or_open(
    settings: Settings, engine: Engine
) -> None:
    capped = with_relay(
        settings, behind_proxy=True, max_chats_per_address=3, connections_per_minute=1000
    )
    flooder = {"X-Forwarded-For": "198.51.100.66"}
    async with running_relay(capped) as relay, AsyncExitStack() as stack:
        chats = [
            await stack.enter_async_context(visitor(relay.ws_url, headers=flooder))
            for _ in range(3)
        ]
        for number, chat in enumerate(chats):
            await chat.start(f"Flood {number}")
        extra = await stack.enter_async_context(visitor(relay.ws_url, headers=flooder))
        await extra.send(type="start", nickname="Flood 3", intake={}, language="nl")
        refused = await extra.expect(p.SError)
        assert refused.code == "too_many_chats" and refused.detail == ""
        # A real visitor from another address queues behind three, not behind sixty.
        real = await stack.enter_async_context(
            visitor(relay.ws_url, headers={"X-Forwarded-For": "192.0.2.5"})
        )
        queued = await real.start("Echte bezoeker")
        assert queued.position == 4
        assert len(relay.server.relay.hub.queue()) == 4
        # One of the flood's chats ends: the address may start one again.
        await chats[0].send(type="leave")
        await chats[0].expect(p.SEnded)
        await extra.send(type="start", nickname="Flood 3", intake={}, language="nl")
        assert isinstance(await extra.expect(p.SQueued), p.SQueued)
