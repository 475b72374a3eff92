"""The console's client and its session (issue 15): a superseded console says so and stays off,
a "typing" that the relay never ends times out, a resync never skips lines, and a quit with
chats open asks first and hands them back to the queue."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable

import pytest
from websockets.asyncio.server import ServerConnection, serve

from helpline_core import protocol as p
from helpline_core.clock import utcnow
from helpline_core.config import Settings
from helpline_tui import client as client_module
from helpline_tui import events as ev
from helpline_tui.client import ConsoleClient
from helpline_tui.screens.dialogs import ConfirmDialog
from helpline_tui.screens.login import LoginScreen
from helpline_tui.screens.main import MainScreen
from tests.conftest import TEST_PASSWORD
from tests.support.console_client import console
from tests.support.relay_harness import RunningRelay
from tests.support.visitor_client import visitor
from tests.tui.conftest import console_app, log_in, screen_text, wait_for
from tests.tui.test_console_flow import notices, take_the_waiting_chat


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


class ScriptedRelay:
    """A websocket server that plays the relay's side of the console protocol step by step,
    so that a test can drop the connection at exactly the moment it means."""

    def __init__(self) -> None:
        self.connections: asyncio.Queue[ServerConnection] = asyncio.Queue()

    async def handler(self, ws: ServerConnection) -> None:
        await self.connections.put(ws)
        await ws.wait_closed()

    @staticmethod
    async def receive(ws: ServerConnection, kind: str) -> dict[str, object]:
        while True:
            frame: dict[str, object] = json.loads(await ws.recv())
            if frame["type"] == kind:
                return frame


def chat_line(conversation: str, seq: int, text: str) -> p.ChatMessage:
    return p.ChatMessage(
        conversation=conversation, seq=seq, sender="visitor", name="Mira", text=text, at=utcnow()
    )


async def test_two_drops_with_a_sync_pending_lose_no_line() -> None:
    """Lines 3 and 4 came while the console was away; its sync is unanswered when its own
    line (5) is acknowledged, and then the connection drops again. The next sync must still
    ask from 2, or 3 and 4 are gone for good."""
    conversation = "c" * 22
    info = p.ConversationInfo(
        id=conversation,
        state="active",
        nickname="Mira",
        intake=p.Intake(),
        language="nl",
        team="antwerpen",
        counsellor="kim",
        counsellor_name="Kim",
        visitor="connected",
        started_at=utcnow(),
        last_seq=2,
        participation="owner",
    )
    welcome = p.SLoginOk(
        username="kim",
        display_name="Kim",
        team="antwerpen",
        role="counsellor",
        status="available",
        max_chats=3,
        conversations=[info],
    )
    script = ScriptedRelay()
    async with serve(script.handler, "127.0.0.1", 0) as server:
        port = next(iter(server.sockets)).getsockname()[1]
        fast = client_module.Backoff(first=0.01, most=0.05)
        heard = Heard()
        console = ConsoleClient(f"ws://127.0.0.1:{port}/console", heard, backoff=fast)
        login = asyncio.create_task(console.login("kim", TEST_PASSWORD))
        ws = await script.connections.get()
        await script.receive(ws, "login")
        await ws.send(p.dump(welcome))
        await login
        assert (await script.receive(ws, "sync"))["after"] == 0
        first = [chat_line(conversation, 1, "een"), chat_line(conversation, 2, "twee")]
        await ws.send(p.dump(p.SConversation(conversation=info, messages=first)))
        await ws.close()  # drop 1; lines 3 and 4 are stored meanwhile

        ws = await script.connections.get()
        await script.receive(ws, "login")
        await ws.send(p.dump(welcome))
        assert (await script.receive(ws, "sync"))["after"] == 2  # left unanswered
        client_id = await console.send(conversation, "mijn regel")
        sent = await script.receive(ws, "send")
        assert sent["client_id"] == client_id
        await ws.send(p.dump(p.SAck(conversation=conversation, client_id=client_id, seq=5)))
        await heard.wait(
            lambda e: isinstance(e, ev.NewMessages) and any(m.seq == 5 for m in e.messages)
        )
        await ws.close()  # drop 2, the sync still unanswered

        ws = await script.connections.get()
        await script.receive(ws, "login")
        await ws.send(p.dump(welcome))
        assert (await script.receive(ws, "sync"))["after"] == 2
        await console.close()


async def test_quit_with_open_chats_asks_then_hands_them_back(
    settings: Settings, relay: RunningRelay, kim: str
) -> None:
    async with visitor(relay.ws_url) as mira:
        await mira.start("Mira", region="antwerpen")
        app = console_app(settings, relay)
        async with app.run_test(size=(100, 30)) as pilot:
            await take_the_waiting_chat(pilot, kim)
            await mira.expect(p.SJoined)
            await pilot.press("ctrl+q")
            await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog), "the question")
            assert "1 open" in screen_text(pilot)
            await pilot.press("escape")  # no: the console stays, the chat too
            await wait_for(pilot, lambda: isinstance(app.screen, MainScreen), "back")
            assert app.client is not None and app.client.connection == "online"
            await pilot.press("ctrl+q")
            await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog), "the question")
            await pilot.press("enter")
            left = await mira.expect(p.SLeft)
            assert left.reason == "away"
            assert (await mira.expect(p.SQueued)).position == 1
            assert not any(isinstance(f, p.SHolding | p.SResumed) for f in mira.buffer)
        assert relay.server.relay.hub.queue()  # waiting for a colleague


async def test_the_superseded_console_says_so_on_screen(
    settings: Settings, relay: RunningRelay, kim: str
) -> None:
    app = console_app(settings, relay)
    async with app.run_test(size=(100, 30)) as pilot:
        await log_in(pilot, kim)
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen), "the main screen")
        async with console(relay.ws_url, username=kim, password=TEST_PASSWORD):
            await wait_for(pilot, lambda: isinstance(app.screen, LoginScreen), "the login")
            await wait_for(
                pilot,
                lambda: any("op een andere console aangemeld" in n for n in notices(app)),
                "the reason",
            )
            assert app.client is not None and app.client.connection == "offline"
            hub = relay.server.relay.hub
            assert hub.presence[kim].peer is not None  # the other console keeps it
