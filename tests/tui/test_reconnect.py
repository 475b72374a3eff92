"""Reconnects: a dropped network and a stopped relay lose no line and double none; a line typed
while offline goes out once the console is back, and the composer keeps unsent text."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from helpline_core import protocol as p
from helpline_core.config import Settings
from helpline_core.db import session_scope
from helpline_core.services import accounts
from helpline_tui.screens.login import LoginScreen
from helpline_tui.screens.main import MainScreen
from relay.server import RelayServer
from tests.support.relay_harness import RunningRelay
from tests.support.visitor_client import visitor
from tests.tui.conftest import console_app, keys, log_in, screen_text, wait_for
from tests.tui.test_console_flow import logged_in_available


async def test_network_drop_resyncs_without_gaps_or_duplicates(
    settings: Settings, relay: RunningRelay, kim: str
) -> None:
    async with visitor(relay.ws_url) as mira:
        await mira.start("Mira", region="antwerpen")
        app = console_app(settings, relay)
        async with app.run_test(size=(100, 30)) as pilot:
            await logged_in_available(pilot, kim)
            client = app.client
            assert client is not None
            await wait_for(pilot, lambda: client.state.queue)
            await pilot.press("f3")
            screen = app.screen
            assert isinstance(screen, MainScreen)
            await wait_for(pilot, lambda: screen.current is not None)
            conversation = client.state.conversations[screen.current or ""]
            await mira.say("voor", client_id="v1")
            await wait_for(pilot, lambda: len(conversation.messages) == 1)

            await client.drop_connection()
            await wait_for(pilot, lambda: client.connection == "reconnecting", "the drop")
            assert "opnieuw verbinden" in screen_text(pilot)
            await mira.say("tijdens", client_id="v2")
            await wait_for(pilot, lambda: client.connection == "online", "reconnect")
            await mira.say("na", client_id="v3")
            await wait_for(pilot, lambda: len(conversation.messages) == 3, "three lines")
            assert [m.text for m in conversation.messages] == ["voor", "tijdens", "na"]
            pane = screen.pane(conversation.id)
            assert pane is not None
            await wait_for(pilot, lambda: pane.transcript.message_count == 3)


async def test_line_typed_while_the_relay_is_down_is_sent_once(
    settings: Settings, relay: RunningRelay, kim: str
) -> None:
    async with visitor(relay.ws_url) as mira:
        await mira.start("Mira", region="antwerpen")
        jar = mira.jar
        app = console_app(settings, relay)
        async with app.run_test(size=(100, 30)) as pilot:
            await logged_in_available(pilot, kim)
            client = app.client
            assert client is not None
            await wait_for(pilot, lambda: client.state.queue)
            await pilot.press("f3")
            screen = app.screen
            assert isinstance(screen, MainScreen)
            await wait_for(pilot, lambda: screen.current is not None)
            conversation = client.state.conversations[screen.current or ""]

            port = relay.port
            await relay.stop()
            await wait_for(pilot, lambda: client.connection == "reconnecting", "the drop")
            await pilot.press(*keys("terwijl de server weg was"))
            await pilot.press("enter")
            await wait_for(pilot, lambda: conversation.pending, "the pending line")
            assert "Niet verzonden" in screen_text(pilot)

            relay.server = RelayServer(relay.settings)
            await relay.server.start(relay.host, port)
            await wait_for(pilot, lambda: client.connection == "online", "reconnect")
            await wait_for(pilot, lambda: not conversation.pending, "the resend")
            assert [m.text for m in conversation.messages] == ["terwijl de server weg was"]

        async with visitor(relay.ws_url, jar=jar) as back:
            lines = await back.sync(after=0)
            sent = [m.text for m in lines if m.sender == "counsellor"]
            assert sent == ["terwijl de server weg was"]
            assert back.welcome is not None and back.welcome.resume is not None
            assert isinstance(back.welcome.resume, p.Resume)


async def test_refused_after_reconnect_asks_to_log_in_again(
    settings: Settings, relay: RunningRelay, kim: str, engine: Engine, secret_key: bytes
) -> None:
    app = console_app(settings, relay)
    async with app.run_test(size=(100, 30)) as pilot:
        await logged_in_available(pilot, kim)
        client = app.client
        assert client is not None
        with session_scope(engine) as session:
            accounts.set_active(session, secret_key, kim, False, actor="test")
        await relay.restart()
        await wait_for(pilot, lambda: isinstance(app.screen, LoginScreen), "the login screen")
        assert client.connection == "offline"
        with session_scope(engine) as session:
            accounts.set_active(session, secret_key, kim, True, actor="test")
        await log_in(pilot, kim)
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen), "the main screen")
        await wait_for(pilot, lambda: client.connection == "online", "online again")
        assert app.client is client
