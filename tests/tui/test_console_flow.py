"""The console against a real relay and a real visitor websocket: log in, take a chat, talk,
typing both ways, hand over, and survive a relay restart without losing or doubling a line."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from textual.command import CommandList
from textual.pilot import Pilot
from textual.widgets import Input

from helpline_core import protocol as p
from helpline_core.clock import utcnow
from helpline_core.config import Settings
from helpline_tui.app import ConsoleApp
from helpline_tui.screens.main import MainScreen
from helpline_tui.widgets.composer import Composer
from helpline_tui.widgets.conversation import ConversationPane
from helpline_tui.widgets.status import StatusBar
from tests.support.console_client import console
from tests.support.relay_harness import RunningRelay
from tests.support.visitor_client import visitor
from tests.tui.conftest import console_app, keys, log_in, screen_text, wait_for


def main_screen(app: ConsoleApp) -> MainScreen:
    assert app.main is not None
    return app.main


def open_pane(app: ConsoleApp) -> ConversationPane:
    screen = main_screen(app)
    assert screen.current is not None, "no conversation on screen"
    pane = screen.pane(screen.current)
    assert pane is not None
    return pane


def notices(app: ConsoleApp) -> list[str]:
    return [str(note.message) for note in app._notifications]


async def logged_in_available(pilot: Pilot[Any], username: str) -> ConsoleApp:
    app = pilot.app
    assert isinstance(app, ConsoleApp)
    await log_in(pilot, username)
    await wait_for(pilot, lambda: isinstance(app.screen, MainScreen), "the main screen")
    assert app.client is not None
    if app.client.state.status != "available":
        await pilot.press("f4")
    await wait_for(pilot, lambda: app.client and app.client.state.status == "available")
    return app


async def take_the_waiting_chat(pilot: Pilot[Any], username: str) -> MainScreen:
    """Log in available, wait for the queue, take the chat (F3) and wait for it to open."""
    app = await logged_in_available(pilot, username)
    screen = main_screen(app)
    await wait_for(pilot, lambda: app.client and app.client.state.queue)
    await pilot.press("f3")
    await wait_for(pilot, lambda: screen.current is not None, "the chat to open")
    return screen


async def test_take_a_chat_and_talk(settings: Settings, relay: RunningRelay, kim: str) -> None:
    async with visitor(relay.ws_url) as mira:
        await mira.start("Mira", region="antwerpen", age_group="12_17")
        app = console_app(settings, relay)
        async with app.run_test(size=(100, 30)) as pilot:
            await logged_in_available(pilot, kim)
            screen = main_screen(app)
            await wait_for(pilot, lambda: "Mira" in screen_text(pilot), "Mira in the queue")
            assert "12-17" in screen_text(pilot)

            await pilot.press("f3")
            await wait_for(pilot, lambda: screen.current is not None, "the chat to open")
            joined = await mira.expect(p.SJoined)
            assert joined.name == "Kim"

            await mira.say("hallo, is daar iemand?")
            await wait_for(pilot, lambda: "hallo, is daar iemand?" in screen_text(pilot))

            # Visitor types: the console shows it; the counsellor types: the visitor hears it.
            await mira.send(type="typing", typing=True)
            await wait_for(pilot, lambda: "Mira typt" in screen_text(pilot), "typing notice")
            assert isinstance(app.focused, Composer)
            await pilot.press(*keys("Dag Mira"))
            assert (await mira.expect(p.STyping)).typing is True
            await pilot.press("ctrl+j")
            await pilot.press(*keys("ik luister"))
            await pilot.press("enter")
            said = await mira.expect(p.ChatMessage, lambda m: m.sender == "counsellor")
            assert said.text == "Dag Mira\nik luister"
            pane = open_pane(app)
            await wait_for(pilot, lambda: pane.transcript.message_count == 2)
            assert pane.composer.text == ""
            lines = pane.transcript.plain_lines
            assert any(line.endswith("Kim: Dag Mira") for line in lines)
            assert any(line.strip() == "ik luister" for line in lines)


async def test_hand_over_to_a_colleague(
    settings: Settings, relay: RunningRelay, kim: str, bert: str
) -> None:
    async with (
        visitor(relay.ws_url) as mira,
        console(relay.ws_url, username=bert, password="correct horse 1") as colleague,
    ):
        await mira.start("Mira", region="antwerpen")
        app = console_app(settings, relay)
        async with app.run_test(size=(100, 30)) as pilot:
            screen = await take_the_waiting_chat(pilot, kim)
            conversation_id = screen.current
            await pilot.press("f5")
            await pilot.press(*keys("bert"))
            await pilot.press("enter")
            handed = await colleague.expect(p.SConversation, lambda f: f.why == "handover")
            assert handed.conversation.id == conversation_id
            assert app.client is not None
            await wait_for(
                pilot,
                lambda: app.client.state.conversations[conversation_id].closed_reason == "handover",
            )
            assert "overgedragen" in screen_text(pilot)  # the reason in words, not its code
            # Closing the finished buffer brings back the queue.
            await pilot.press("f8")
            await wait_for(pilot, lambda: screen.current is None)
            assert conversation_id not in app.client.state.conversations


async def test_survives_a_relay_restart(settings: Settings, relay: RunningRelay, kim: str) -> None:
    async with visitor(relay.ws_url) as mira:
        await mira.start("Mira", region="antwerpen")
        jar = mira.jar
        app = console_app(settings, relay)
        async with app.run_test(size=(100, 30)) as pilot:
            screen = await take_the_waiting_chat(pilot, kim)
            await mira.say("een")
            pane = open_pane(app)
            await wait_for(pilot, lambda: pane.transcript.message_count == 1)
            await pilot.press(*keys("half getypt"))

            client = app.client
            assert client is not None
            await relay.restart()
            await wait_for(pilot, lambda: client.connection == "reconnecting", "the drop")
            await wait_for(pilot, lambda: client.connection == "online", "reconnect")
            await wait_for(pilot, lambda: client.state.status == "available", "status restored")

            # The visitor comes back with the resume cookie, on a new connection.
            async with visitor(relay.ws_url, jar=jar) as back:
                # A browser keeps counting its client ids; a fresh test client would reuse
                # "visitor-1", which the relay rightly takes for a resent duplicate.
                await back.say("twee", client_id="after-restart-1")
                await wait_for(pilot, lambda: pane.transcript.message_count == 2, "line two")
            assert pane.composer.text == "half getypt"
            seqs = [message.seq for message in client.state.conversations[screen.current].messages]
            assert seqs == sorted(set(seqs))
            texts = [m.text for m in client.state.conversations[screen.current].messages]
            assert texts == ["een", "twee"]


async def test_canned_reply_from_the_palette(
    settings: Settings, relay: RunningRelay, kim: str
) -> None:
    async with visitor(relay.ws_url) as mira:
        await mira.start("Mira", region="antwerpen")
        app = console_app(settings, relay)
        async with app.run_test(size=(100, 30)) as pilot:
            await take_the_waiting_chat(pilot, kim)
            await pilot.press("ctrl+r")
            await pilot.press(*keys("noodnummers"))
            await wait_for(pilot, lambda: "Noodnummers" in screen_text(pilot), "the reply")
            await pilot.press("enter")
            pane = open_pane(app)
            await wait_for(pilot, lambda: "101" in pane.composer.text, "the inserted text")
            assert "112" in pane.composer.text and "{" not in pane.composer.text
            await pilot.press("enter")
            said = await mira.expect(p.ChatMessage, lambda m: m.sender == "counsellor")
            assert "101" in said.text and "112" in said.text


async def test_bell_and_visual_cue_when_a_chat_arrives(
    settings: Settings, relay: RunningRelay, kim: str
) -> None:
    app = console_app(settings, relay)
    bells: list[bool] = []
    app.bell = lambda: bells.append(True)  # type: ignore[method-assign]
    async with app.run_test(size=(100, 30)) as pilot:
        await logged_in_available(pilot, kim)
        screen = main_screen(app)
        bar = screen.query_one(StatusBar)
        assert not bar.has_class("-alert")
        async with visitor(relay.ws_url) as noor:
            await noor.start("Noor", region="antwerpen")
            await wait_for(pilot, lambda: bells, "the bell")
            assert bar.has_class("-alert")
            assert any("Noor" in notice for notice in notices(app))


async def test_no_bell_for_chats_already_waiting_at_login_or_after_a_reconnect(
    settings: Settings, relay: RunningRelay, kim: str
) -> None:
    async with visitor(relay.ws_url) as mira:
        await mira.start("Mira", region="antwerpen")
        app = console_app(settings, relay)
        bells: list[bool] = []
        app.bell = lambda: bells.append(True)  # type: ignore[method-assign]
        async with app.run_test(size=(100, 30)) as pilot:
            await logged_in_available(pilot, kim)
            client = app.client
            assert client is not None
            await wait_for(pilot, lambda: "Mira" in screen_text(pilot), "Mira in the queue")
            await client.drop_connection()
            await wait_for(pilot, lambda: client.connection == "reconnecting", "the drop")
            await wait_for(pilot, lambda: client.connection == "online", "reconnect")
            await wait_for(pilot, lambda: client.state.status == "available", "status restored")
            async with visitor(relay.ws_url) as noor:
                await noor.start("Noor", region="antwerpen")
                # The console hears of frames in order: a bell for Mira would have come first.
                await wait_for(pilot, lambda: "Noor" in " ".join(notices(app)), "Noor's notice")
            assert bells == [True]
            assert not any("Mira" in notice for notice in notices(app))


async def test_visitor_drop_shows_holding(
    settings: Settings, relay: RunningRelay, kim: str
) -> None:
    async with visitor(relay.ws_url) as mira:
        await mira.start("Mira", region="antwerpen")
        app = console_app(settings, relay)
        async with app.run_test(size=(100, 30)) as pilot:
            await take_the_waiting_chat(pilot, kim)
            await mira.socket.close()
            await wait_for(pilot, lambda: "Bezoeker weg" in screen_text(pilot), "holding")
            assert "verbinding weg" in screen_text(pilot)  # the hot-list says so too


async def test_every_action_is_in_the_palette(
    settings: Settings, relay: RunningRelay, kim: str
) -> None:
    app = console_app(settings, relay)
    async with app.run_test(size=(100, 30)) as pilot:
        await logged_in_available(pilot, kim)
        screen = main_screen(app)
        titles = {command.title for command in app.get_system_commands(screen)}
        for binding in screen.BINDINGS:
            assert binding.description in titles  # type: ignore[union-attr]
        await pilot.press("f10")
        await pilot.press(*keys("Overdragen"))
        await wait_for(
            pilot,
            lambda: (
                app.screen.query(CommandList) and app.screen.query_one(CommandList).option_count
            ),
            "a palette hit",
        )
        hits = app.screen.query_one(CommandList)
        prompt = str(hits.get_option_at_index(0).prompt)
        assert "Overdragen" in prompt


async def test_block_with_reason_and_duration(
    settings: Settings, relay: RunningRelay, kim: str
) -> None:
    async with visitor(relay.ws_url) as mira:
        await mira.start("Mira", region="antwerpen")
        app = console_app(settings, relay)
        async with app.run_test(size=(100, 30)) as pilot:
            screen = await take_the_waiting_chat(pilot, kim)
            conversation_id = screen.current or ""
            await pilot.press("f7")
            await wait_for(pilot, lambda: app.screen.query("#reason"), "the block dialog")
            await pilot.press(*keys("herhaald misbruik"))
            await pilot.press("tab", "tab")  # past "also block the address", left unticked
            await pilot.press("backspace", "backspace", "2")
            await pilot.press("enter")
            blocked = await mira.expect(p.SBlocked)
            assert blocked.until is not None and blocked.scope == "session"
            # The 2 hours typed in the dialog, not the 24-hour default.
            left = blocked.until - utcnow()
            assert timedelta(hours=1, minutes=55) < left <= timedelta(hours=2)
            assert app.client is not None
            await wait_for(
                pilot,
                lambda: app.client.state.conversations[conversation_id].closed_reason is not None,
                "the chat to end",
            )


async def test_block_the_address_on_purpose_with_its_shorter_default(
    settings: Settings, relay: RunningRelay, kim: str
) -> None:
    async with visitor(relay.ws_url) as mira:
        await mira.start("Mira", region="antwerpen")
        app = console_app(settings, relay)
        async with app.run_test(size=(100, 30)) as pilot:
            await take_the_waiting_chat(pilot, kim)
            await pilot.press("f7")
            await wait_for(pilot, lambda: app.screen.query("#reason"), "the block dialog")
            assert "opvanghuis" in screen_text(pilot)  # what an address block does, explained
            await pilot.press(*keys("dreigementen"))
            await pilot.press("tab", "space")  # tick "also block the address"
            hours = settings.relay.block_address_default_hours
            await wait_for(pilot, lambda: app.screen.query_one("#hours", Input).value == str(hours))
            await pilot.press("tab", "enter")
            blocked = await mira.expect(p.SBlocked)
            assert blocked.scope == "address" and blocked.until is not None
            left = blocked.until - utcnow()
            assert timedelta(hours=hours - 1) < left <= timedelta(hours=hours)


async def test_consult_a_colleague(
    settings: Settings, relay: RunningRelay, kim: str, bert: str
) -> None:
    async with (
        visitor(relay.ws_url) as mira,
        console(relay.ws_url, username=bert, password="correct horse 1") as colleague,
    ):
        await mira.start("Mira", region="antwerpen")
        app = console_app(settings, relay)
        async with app.run_test(size=(100, 30)) as pilot:
            screen = await take_the_waiting_chat(pilot, kim)
            await pilot.press("f6")
            await wait_for(pilot, lambda: app.screen.query("#target"), "the consult dialog")
            await pilot.press(*keys("bert"))
            await pilot.press("enter")
            invited = await colleague.expect(p.SConversation, lambda f: f.why == "invite")
            assert invited.conversation.id == screen.current
            assert invited.conversation.participation == "consult"
            # The colleague's words reach my screen, marked with their name.
            await colleague.say(invited.conversation.id, "Ik lees mee.")
            await wait_for(pilot, lambda: "Bert: Ik lees mee." in screen_text(pilot))
