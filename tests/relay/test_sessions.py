"""Console sessions as a visitor notices them (issue 15): a session that moves to another console
is no drop, a disabled account is cut off at once, typing ends with the connection, and a
resume whose answer never arrived keeps the visitor's cookie good."""

from __future__ import annotations

import asyncio
import base64
import os

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from helpline_core import protocol as p
from helpline_core.config import WEEKDAYS
from helpline_core.db import session_scope
from helpline_core.models import ChatSession, Role
from helpline_core.services import accounts
from tests.conftest import TEST_PASSWORD
from tests.support.console_client import ConsoleClient, console
from tests.support.relay_harness import RunningRelay
from tests.support.visitor_client import CookieJar, VisitorClient, visitor

DROP_NOTICES = (p.SHolding, p.SResumed, p.SLeft)


async def closed(client: ConsoleClient) -> int | None:
    """Wait until the relay closed this console; its close code."""
    await client._reader
    return client.socket.close_code


def notices(v: VisitorClient) -> list[str]:
    return [type(frame).__name__ for frame in v.buffer if isinstance(frame, DROP_NOTICES)]


async def test_second_console_takes_the_session_without_a_drop_for_the_visitor(
    relay: RunningRelay, ann: str
) -> None:
    async with (
        console(relay.ws_url, username=ann, password=TEST_PASSWORD) as first,
        visitor(relay.ws_url) as mira,
    ):
        await mira.start("Mira", region="limburg")
        conversation = (await first.take_next()).conversation.id
        await mira.expect(p.SJoined)
        async with console(relay.ws_url, username=ann, password=TEST_PASSWORD) as second:
            assert (await first.expect(p.SError)).code == "superseded"
            assert await closed(first) == 4000
            await second.say(conversation, "ik ben er nog")
            await mira.expect(p.ChatMessage, lambda m: m.text == "ik ben er nog")
            assert notices(mira) == []
            # The chat is the second console's, and stays so.
            hub = relay.server.relay.hub
            assert hub.presence[ann].peer is not None
            assert hub.chats[conversation].owner == ann


async def test_disabled_account_is_cut_off_and_its_chat_goes_back_to_the_queue(
    relay: RunningRelay, ann: str, bert: str, engine: Engine, secret_key: bytes
) -> None:
    async with console(relay.ws_url, username=ann, password=TEST_PASSWORD) as c:
        async with visitor(relay.ws_url) as mira:
            await mira.start("Mira", region="limburg")
            conversation = (await c.take_next()).conversation.id
            await mira.expect(p.SJoined)
            with session_scope(engine) as session:  # what `helpline counsellor disable` does
                accounts.set_active(session, secret_key, ann, False, actor="cli")
            assert await closed(c) == 4003
            left = await mira.expect(p.SLeft)
            assert left.reason == "away"
            queued = await mira.expect(p.SQueued)
            assert queued.position == 1
            assert "Ann" not in str(left) + str(queued)
            assert p.SHolding not in {type(f) for f in mira.buffer}
            async with console(relay.ws_url, username=bert, password=TEST_PASSWORD) as b:
                taken = await b.take_next()
                assert taken.conversation.id == conversation
                joined = await mira.expect(p.SJoined)
                assert joined.name == "Bert"
        async with console(relay.ws_url) as again:
            await again.send(
                type="login", version=p.PROTOCOL_VERSION, username=ann, password=TEST_PASSWORD
            )
            assert (await again.expect(p.SLoginFailed)).reason == "disabled"


async def test_role_change_closes_the_console_so_it_logs_in_with_the_new_rights(
    relay: RunningRelay, ann: str, engine: Engine, secret_key: bytes
) -> None:
    async with console(relay.ws_url, username=ann, password=TEST_PASSWORD) as c:
        with session_scope(engine) as session:
            accounts.set_role(session, secret_key, ann, Role.TEAM_LEAD, actor="cli")
        assert await closed(c) == 4001
    async with console(relay.ws_url, username=ann, password=TEST_PASSWORD) as c:
        await c.send(type="overview")
        overview = await c.expect(p.STeamOverview)
        assert overview.team == "limburg"


async def test_a_visitor_who_drops_while_typing_is_typing_no_more(
    relay: RunningRelay, ann: str
) -> None:
    async with console(relay.ws_url, username=ann, password=TEST_PASSWORD) as c:
        async with visitor(relay.ws_url) as mira:
            await mira.start("Mira", region="limburg")
            conversation = (await c.take_next()).conversation.id
            await mira.send(type="typing", typing=True)
            assert (await c.expect(p.SConsoleTyping)).typing is True
        stopped = await c.expect(p.SConsoleTyping)
        assert (stopped.conversation, stopped.typing) == (conversation, False)


async def test_a_console_that_drops_while_typing_is_typing_no_more(
    relay: RunningRelay, ann: str
) -> None:
    async with visitor(relay.ws_url) as mira:
        await mira.start("Mira", region="limburg")
        async with console(relay.ws_url, username=ann, password=TEST_PASSWORD) as c:
            conversation = (await c.take_next()).conversation.id
            await c.typing(conversation, True)
            assert (await mira.expect(p.STyping)).typing is True
        assert (await mira.expect(p.STyping)).typing is False
        await mira.expect(p.SHolding)


async def handshake_never_read(relay: RunningRelay, cookie: str) -> None:
    """Open /chat with this cookie and close the socket without reading the response, as when
    the relay dies or the network drops mid-handshake."""
    _reader, writer = await asyncio.open_connection("127.0.0.1", relay.port)
    key = base64.b64encode(os.urandom(16)).decode()
    writer.write(
        (
            "GET /chat HTTP/1.1\r\n"
            f"Host: 127.0.0.1:{relay.port}\r\n"
            "Upgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
            f"Cookie: helpline_chat={cookie}\r\n\r\n"
        ).encode()
    )
    await writer.drain()
    writer.transport.abort()  # gone before a byte of the answer is read


def valid_tokens(engine: Engine) -> int:
    with Session(engine) as session:
        rows = session.exec(select(ChatSession).where(col(ChatSession.revoked_at).is_(None)))
        return len(rows.all())


async def test_a_resume_whose_answer_never_arrived_keeps_the_old_cookie_good(
    relay: RunningRelay, ann: str, engine: Engine
) -> None:
    jar = CookieJar()
    async with console(relay.ws_url, username=ann, password=TEST_PASSWORD) as c:
        async with visitor(relay.ws_url, jar=jar) as v:
            await v.start("Mira", region="limburg")
            conversation = (await c.take_next()).conversation.id
            await v.say("een")
        await c.expect(p.SVisitorState, lambda f: f.state == "holding")
        held = jar.value
        assert held is not None and valid_tokens(engine) == 1

        await handshake_never_read(relay, held)
        async with asyncio.timeout(10):
            while valid_tokens(engine) < 2:  # the relay rotated: a new token, never delivered
                await asyncio.sleep(0.02)

        # The browser still holds the old cookie, and it still brings the visitor back.
        async with visitor(relay.ws_url, jar=jar) as back:
            assert back.welcome is not None and back.welcome.resume is not None
            assert back.welcome.resume.counsellor == "Ann"
            assert [m.text for m in await back.sync(after=0)] == ["een"]
            assert jar.value != held
            # This connection spoke (hello), so its browser holds the new cookie: the old one
            # is void now, and only the new one is valid.
            assert valid_tokens(engine) == 1
            await c.expect(p.SVisitorState, lambda f: f.state == "connected")
        stale = CookieJar()
        stale.name, stale.value = jar.name, held
        async with visitor(relay.ws_url, jar=stale) as old:
            assert old.welcome is not None and old.welcome.resume is None
        assert relay.server.relay.hub.chats[conversation].owner == ann


async def test_a_waiting_visitor_hears_of_every_change_that_matters(
    relay: RunningRelay, ann: str
) -> None:
    async with visitor(relay.ws_url) as mira:
        first = await mira.start("Mira", region="limburg")
        assert (first.position, first.counsellors_online, first.open) == (1, False, True)
        async with console(relay.ws_url, username=ann, password=TEST_PASSWORD) as c:
            came = await mira.expect(p.SQueued)  # same position, but someone is there now
            assert (came.position, came.counsellors_online) == (1, True)
            await c.send(type="set_status", status="away")
            gone = await mira.expect(p.SQueued)
            assert (gone.position, gone.counsellors_online) == (1, False)
        # Opening hours end while the visitor waits.
        hub = relay.server.relay.hub
        days = {day: [] for day in WEEKDAYS}
        closed = hub.settings.chat_hours.model_copy(update={"always_open": False, **days})
        hub.settings = hub.settings.model_copy(update={"chat_hours": closed})
        shut = await mira.expect(p.SQueued)
        assert (shut.position, shut.open) == (1, False)


async def test_after_a_hand_over_the_visitor_reads_that_the_first_counsellor_left(
    relay: RunningRelay, ann: str, bert: str
) -> None:
    async with (
        console(relay.ws_url, username=ann, password=TEST_PASSWORD) as a,
        console(relay.ws_url, username=bert, password=TEST_PASSWORD),
        visitor(relay.ws_url) as mira,
    ):
        await mira.start("Mira", region="limburg")
        conversation = (await a.take_next()).conversation.id
        await mira.expect(p.SJoined, lambda f: f.name == "Ann")
        await a.send(type="handover", conversation=conversation, to_user=bert)
        left = await mira.expect(p.SLeft | p.SJoined)  # type: ignore[arg-type]
        assert isinstance(left, p.SLeft) and left.reason == "handover"  # first: who left
        assert (await mira.expect(p.SJoined)).name == "Bert"
