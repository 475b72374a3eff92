"""The console's client and its session (issue 15): a superseded console says so and stays off,
a "typing" that the relay never ends times out."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest

from helpline_core import protocol as p
from helpline_tui import client as client_module
from helpline_tui import events as ev
from helpline_tui.client import ConsoleClient
from tests.conftest import TEST_PASSWORD
from tests.support.relay_harness import RunningRelay
from tests.support.visitor_client import visitor


class Heard:
    """The events a client emitted, with a way to wait for one."""

    def __init__(self) -> None:
        self.events: list[ev.Event] = []
        self.changed = asyncio.Event()

    def __call__(self, event: ev.Event) -> None:
        self.events.append(event)
        self.changed.set()

    async def wait(self, condition: Callable[[ev.Event], bool]) -> ev.Event:
        async with asyncio.timeout(10):
            while True:
                found = next((e for e in self.events if condition(e)), None)
                if found is not None:
                    return found
                self.changed.clear()
                await self.changed.wait()


async def test_a_superseded_console_says_so_and_stops_reconnecting(
    relay: RunningRelay, kim: str
) -> None:
    heard_first, heard_second = Heard(), Heard()
    first = ConsoleClient(relay.console_url, heard_first)
    second = ConsoleClient(relay.console_url, heard_second)
    try:
        await first.login(kim, TEST_PASSWORD)
        await second.login(kim, TEST_PASSWORD)
        lost = await heard_first.wait(lambda e: isinstance(e, ev.LoginLost))
        assert isinstance(lost, ev.LoginLost) and lost.reason == "superseded"
        assert first.connection == "offline"
        # The second console keeps the session: a round trip later it was never superseded,
        # and the first made no attempt to take it back.
        await second.set_status("available")
        await second.set_status("away")
        assert not any(isinstance(e, ev.LoginLost) for e in heard_second.events)
        assert second.connection == "online"
        assert first.connection == "offline"
        assert relay.server.relay.hub.presence[kim].status == "away"
    finally:
        await first.close()
        await second.close()


async def test_typing_shown_in_the_console_times_out(
    relay: RunningRelay, kim: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(client_module, "TYPING_TIMEOUT_SECONDS", 0.3)
    heard = Heard()
    console = ConsoleClient(relay.console_url, heard)
    try:
        async with visitor(relay.ws_url) as mira:
            await mira.start("Mira", region="antwerpen")
            await console.login(kim, TEST_PASSWORD)
            await console.set_status("available")
            taken = await console.take()
            assert isinstance(taken, p.SConversation)
            conversation = console.state.conversations[taken.conversation.id]
            await mira.expect(p.SJoined)
            # A typing:true whose typing:false never comes (lost with a flaky connection).
            await mira.send(type="typing", typing=True)
            await heard.wait(lambda e: conversation.typing == "Mira")
            await heard.wait(lambda e: conversation.typing is None)
    finally:
        await console.close()
