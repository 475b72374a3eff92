"""Resume (C4): the cookie brings a visitor back to the same chat and counsellor, with the whole
transcript; it rotates on each resume, is stored only as a hash, and dies with the chat."""

from __future__ import annotations

import time

from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from helpline_core import protocol as p
from helpline_core.models import ChatSession, Message
from helpline_core.secrets import keyed_hash
from tests.conftest import TEST_PASSWORD
from tests.support.console_client import console
from tests.support.relay_harness import RunningRelay
from tests.support.visitor_client import CookieJar, visitor


async def test_drop_and_resume_same_counsellor_whole_transcript(
    relay: RunningRelay, ann: str, engine: Engine, secret_key: bytes
) -> None:
    jar = CookieJar()
    async with console(relay.ws_url, username=ann, password=TEST_PASSWORD) as c:
        async with visitor(relay.ws_url, jar=jar) as v:
            await v.start("Mira", region="limburg")
            conversation = (await c.take_next()).conversation.id
            await v.expect(p.SJoined)
            assert await v.say("een", client_id="m-1") == 1
            assert await c.say(conversation, "twee") == 2
            await v.expect(p.ChatMessage, lambda f: f.seq == 2)
        first_cookie = jar.value
        assert jar.name == "helpline_chat"
        assert "HttpOnly" in jar.attributes and "SameSite=Strict" in jar.attributes
        assert "Secure" not in jar.attributes
        holding = await c.expect(p.SVisitorState)
        assert (holding.conversation, holding.state) == (conversation, "holding")
        assert await c.say(conversation, "drie") == 3  # while the visitor is away

        async with visitor(relay.ws_url, jar=jar) as back:
            assert back.welcome is not None and back.welcome.resume is not None
            resume = back.welcome.resume
            assert (resume.state, resume.counsellor, resume.last_seq) == ("active", "Ann", 3)
            assert jar.value != first_cookie  # rotated
            connected = await c.expect(p.SVisitorState)
            assert connected.state == "connected"
            # A frame the page never saw acknowledged is resent: stored once, original seq.
            assert await back.say("een", client_id="m-1") == 1
            missed = await back.sync(after=2)
            assert [(m.seq, m.text) for m in missed] == [(3, "drie")]
            everything = await back.sync(after=0)
            assert [m.seq for m in everything] == [1, 2, 3]
            assert everything[0].client_id == "m-1" and everything[0].sender == "visitor"
            assert await back.say("vier") == 4
            got = await c.expect(p.ChatMessage, lambda f: f.seq == 4)
            assert (got.conversation, got.text) == (conversation, "vier")

    with Session(engine) as session:
        count = session.exec(select(func.count()).select_from(Message)).one()
        assert count == 4
        hashes = [row.token_hash for row in session.exec(select(ChatSession))]
    assert jar.value is not None and first_cookie is not None
    assert keyed_hash(secret_key, "chat-session", jar.value) in hashes
    assert jar.value not in hashes and first_cookie not in hashes  # only hashes are stored

    # The old cookie no longer resumes anything.
    stale = CookieJar()
    stale.name, stale.value = jar.name, first_cookie
    async with visitor(relay.ws_url, jar=stale) as old:
        assert old.welcome is not None and old.welcome.resume is None


async def test_new_tab_takes_over_and_the_old_one_is_told(relay: RunningRelay) -> None:
    jar = CookieJar()
    async with visitor(relay.ws_url, jar=jar) as first:
        await first.start("Noor")
        async with visitor(relay.ws_url, jar=jar) as second:
            assert second.welcome is not None and second.welcome.resume is not None
            assert second.welcome.resume.state == "queued"
            assert second.welcome.resume.position == 1
            error = await first.expect(p.SError)
            assert error.code == "superseded"
            await second.say("nog steeds hier")


async def test_after_the_resume_time_the_chat_ends_and_a_new_one_starts(
    relay: RunningRelay, ann: str
) -> None:
    jar = CookieJar()
    async with console(relay.ws_url, username=ann, password=TEST_PASSWORD) as c:
        async with visitor(relay.ws_url, jar=jar) as v:
            await v.start("Mira", region="limburg")
            conversation = (await c.take_next()).conversation.id
        await c.expect(p.SVisitorState, lambda f: f.state == "holding")
        chat = relay.server.relay.hub.chats[conversation]
        chat.gone_deadline = time.monotonic() - 1  # as if five minutes passed
        ended = await c.expect(p.SEnded)
        assert (ended.conversation, ended.reason) == (conversation, "expired")
        async with visitor(relay.ws_url, jar=jar) as again:
            assert again.welcome is not None and again.welcome.resume is None
            queued = await again.start("Mira")
            assert queued.position == 1
            assert relay.server.relay.hub.chats.keys() != {conversation}


async def test_ended_chat_voids_the_cookie(relay: RunningRelay, ann: str) -> None:
    jar = CookieJar()
    async with console(relay.ws_url, username=ann, password=TEST_PASSWORD) as c:
        async with visitor(relay.ws_url, jar=jar) as v:
            await v.start("Mira", region="limburg")
            conversation = (await c.take_next()).conversation.id
            await c.send(type="end", conversation=conversation)
            await v.expect(p.SEnded)
            # The same connection cannot start again: the page reconnects for a fresh cookie.
            await v.send(type="start", nickname="Mira", intake={}, language="nl")
            assert (await v.expect(p.SError)).code == "ended"
        async with visitor(relay.ws_url, jar=jar) as again:
            assert again.welcome is not None and again.welcome.resume is None


async def test_secure_cookie_behind_a_tls_proxy(settings: object, engine: Engine) -> None:
    from helpline_core.config import Settings
    from tests.support.relay_harness import running_relay

    assert isinstance(settings, Settings)
    proxied = settings.model_copy(
        update={"relay": settings.relay.model_copy(update={"behind_proxy": True})}
    )
    async with running_relay(proxied) as running:
        from websockets.asyncio.client import connect

        async with connect(
            f"{running.ws_url}/chat", additional_headers={"X-Forwarded-Proto": "https"}
        ) as socket:
            assert socket.response is not None
            cookie = socket.response.headers["Set-Cookie"]
    assert cookie.startswith("__Host-helpline_chat=")
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert "Path=/" in cookie and "Domain" not in cookie


async def test_counsellor_drop_holds_then_returns_the_chat_to_the_queue(
    relay: RunningRelay, ann: str, make_counsellor: object
) -> None:
    assert callable(make_counsellor)
    make_counsellor("nina", team="limburg", display_name="Nina")
    async with visitor(relay.ws_url) as v:
        await v.start("Mira", region="limburg")
        async with console(relay.ws_url, username=ann, password=TEST_PASSWORD) as a:
            conversation = (await a.take_next()).conversation.id
            await v.expect(p.SJoined)
        await v.expect(p.SHolding)
        # Ann comes back in time: the visitor is told, and the chat is still hers.
        async with console(relay.ws_url, username=ann, password=TEST_PASSWORD):
            await v.expect(p.SResumed)
        await v.expect(p.SHolding)
        ann_presence = relay.server.relay.hub.presence[ann]
        ann_presence.gone_deadline = time.monotonic() - 1  # as if five minutes passed
        assert (await v.expect(p.SLeft)).reason == "away"  # said calmly, without a name
        v.buffer.clear()  # earlier `queued` news (counsellors coming and going)
        queued = await v.expect(p.SQueued)
        assert queued.position == 1
        async with console(relay.ws_url, username="nina", password=TEST_PASSWORD) as n:
            taken = await n.take_next()
            assert taken.conversation.id == conversation
            assert (await v.expect(p.SJoined)).name == "Nina"
