"""Three relays behind HAProxy on PostgreSQL and Redis (issue 14): live state is shared, a chat
is taken once, positions agree, and a relay's kill -9 or a Redis restart costs nothing that
was acknowledged.

Real processes throughout: `helpline-relay` children, a private redis-server, a foreground
HAProxy, real websocket clients (tests/support). The clients connect to a chosen relay where
the test needs to know who sits where, and through HAProxy to come back after a failure.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.engine import Engine
from websockets.exceptions import ConnectionClosed

from helpline_core import protocol as p
from tests.conftest import TEST_PASSWORD, MakeCounsellor
from tests.support.cluster import Cluster
from tests.support.console_client import ConsoleClient, console
from tests.support.visitor_client import CookieJar, VisitorClient, visitor

ROUNDS = 6


def about(conversation: str) -> object:
    """The answer to a take of this conversation: the transcript, or a refusal."""

    def match(frame: BaseModel) -> bool:
        if isinstance(frame, p.SConversation):
            return frame.conversation.id == conversation and frame.why == "take"
        return isinstance(frame, p.SError) and frame.conversation == conversation

    return match


async def in_queue(client: ConsoleClient, conversation: str) -> None:
    await client.expect(p.SQueue, lambda f: any(e.conversation == conversation for e in f.entries))


async def test_visitor_and_counsellor_on_different_relays_chat_and_see_one_queue(
    three: Cluster, people: tuple[str, str], make_counsellor: MakeCounsellor
) -> None:
    a, b, c = three.relays
    make_counsellor("lea", team="limburg", display_name="Lea")
    async with AsyncExitStack() as stack:
        lea = await stack.enter_async_context(
            console(c.ws_url, username="lea", password=TEST_PASSWORD)
        )
        first = await stack.enter_async_context(visitor(a.ws_url))
        queued = await first.start("Mira", region="antwerpen")
        assert queued.position == 1
        # Nobody of Antwerpen is online on any relay: offered to every team, Limburg too.
        offered = await lea.expect(p.SQueue, lambda f: bool(f.entries))
        assert [(e.nickname, e.any_team) for e in offered.entries] == [("Mira", True)]
        second = await stack.enter_async_context(visitor(c.ws_url))
        # Relay C knows the chat on relay A: the second visitor is second, there too.
        assert (await second.start("Noor", region="antwerpen")).position == 2
        ann = await stack.enter_async_context(
            console(b.ws_url, username="ann", password=TEST_PASSWORD)
        )
        # Ann (Antwerpen) is available on relay B: relay C offers her team's chats to her
        # team first, so Lea's queue empties; Ann's holds both, whichever relay they came to.
        await lea.expect(p.SQueue, lambda f: not f.entries)
        both = await ann.expect(p.SQueue, lambda f: len(f.entries) == 2)
        assert [e.nickname for e in both.entries] == ["Mira", "Noor"]
        taken = await ann.take_next()
        assert taken.conversation.nickname == "Mira"  # the oldest first, whichever relay
        await first.expect(p.SJoined, lambda f: f.name == "Ann")
        await second.expect(p.SQueued, lambda f: f.position == 1)

        chat = taken.conversation.id
        seq = await first.say("hallo, is daar iemand")
        heard = await ann.next_message(chat)
        assert (heard.seq, heard.text) == (seq, "hallo, is daar iemand")
        await ann.typing(chat)
        await first.expect(p.STyping, lambda f: f.typing and f.name == "Ann")
        await ann.say(chat, "ja, ik ben er")
        answer = await first.expect(p.ChatMessage)
        assert (answer.name, answer.text) == ("Ann", "ja, ik ben er")


async def test_two_counsellors_on_two_relays_take_the_same_chat_at_once_one_wins(
    three: Cluster, people: tuple[str, str], engine: Engine
) -> None:
    a, b, c = three.relays
    async with AsyncExitStack() as stack:
        ann = await stack.enter_async_context(
            console(a.ws_url, username="ann", password=TEST_PASSWORD)
        )
        bert = await stack.enter_async_context(
            console(b.ws_url, username="bert", password=TEST_PASSWORD)
        )
        winners: list[str] = []
        for _ in range(ROUNDS):
            async with visitor(c.ws_url) as guest:
                await guest.start("Mira", region="antwerpen")
                queued = await ann.expect(p.SQueue, lambda f: bool(f.entries))
                chat = queued.entries[0].conversation
                await in_queue(bert, chat)
                take = {"type": "take", "conversation": chat, "ref": "t"}
                await asyncio.gather(ann.send(**take), bert.send(**take))
                answers = await asyncio.gather(
                    ann.expect(BaseModel, about(chat)),  # type: ignore[type-abstract]
                    bert.expect(BaseModel, about(chat)),  # type: ignore[type-abstract]
                )
                won = [isinstance(x, p.SConversation) for x in answers]
                assert sorted(won) == [False, True], answers
                winner = (ann, bert)[won.index(True)]
                winners.append("ann" if winner is ann else "bert")
                joined = await guest.expect(p.SJoined)
                assert joined.name == ("Ann" if winner is ann else "Bert")
                await winner.send(type="end", conversation=chat)
                await guest.expect(p.SEnded)
    with engine.connect() as connection:
        takes = connection.execute(
            text(
                "SELECT object_id, count(*) FROM auditevent WHERE action = 'chat.take' "
                "GROUP BY object_id"
            )
        ).all()
    assert len(takes) == ROUNDS
    assert all(count == 1 for _, count in takes)


@asynccontextmanager
async def back_through_proxy(url: str, jar: CookieJar) -> AsyncIterator[VisitorClient]:
    """The page's reconnect: try again through the load balancer until a relay answers."""
    for _ in range(50):
        try:
            async with visitor(url, jar=jar) as client:
                yield client
                return
        except (OSError, ConnectionClosed, TimeoutError):
            await asyncio.sleep(0.2)
    raise AssertionError("no relay took the visitor back")


async def test_kill_9_of_a_relay_loses_no_acknowledged_message_and_leaves_no_chat_unowned(
    three: Cluster, people: tuple[str, str], engine: Engine
) -> None:
    a, b, _ = three.relays
    jar = CookieJar()
    sent: dict[str, str] = {}  # client id -> text, of every message the visitor acked
    async with AsyncExitStack() as stack:
        ann = await stack.enter_async_context(
            console(b.ws_url, username="ann", password=TEST_PASSWORD)
        )
        guest = await stack.enter_async_context(visitor(a.ws_url, jar=jar))
        await guest.start("Mira", region="antwerpen")
        await ann.expect(p.SQueue, lambda f: bool(f.entries))  # relay B heard of it
        chat = (await ann.take_next()).conversation.id
        await guest.expect(p.SJoined)
        for n in range(5):
            client_id = f"m{n}"
            await guest.say(f"bericht {n}", client_id)
            sent[client_id] = f"bericht {n}"
        # One more is on its way when the relay dies: its ack may never come.
        await guest.send(type="message", client_id="m5", text="bericht 5")
        a.kill()
        await ann.expect(p.SVisitorState, lambda f: f.state == "holding", timeout=15)

    async with AsyncExitStack() as stack:
        back = await stack.enter_async_context(back_through_proxy(three.ws_url, jar))
        assert back.welcome is not None and back.welcome.resume is not None
        assert back.welcome.resume.counsellor == "Ann"
        # The page resends what was not acknowledged, with the same client id.
        await back.say("bericht 5", "m5")
        sent["m5"] = "bericht 5"
        transcript = await back.sync(0)
        texts = [m.text for m in transcript if m.sender == "visitor"]
        assert texts == [sent[f"m{n}"] for n in range(6)]  # each once, in order
        ann = await stack.enter_async_context(console(b.ws_url))
        logged = await ann.login("ann", TEST_PASSWORD)
        assert [x.id for x in logged.conversations] == [chat]
        await ann.say(chat, "ik ben er nog")
        await back.expect(p.ChatMessage, lambda f: f.text == "ik ben er nog")
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT status, counsellor_id FROM conversation WHERE public_id = :id"),
            {"id": chat},
        ).all()
    assert [(str(status).lower(), owner is not None) for status, owner in rows] == [
        ("active", True)
    ]


async def test_redis_restart_is_shown_to_counsellors_and_live_sharing_comes_back(
    three: Cluster, people: tuple[str, str]
) -> None:
    a, b, _ = three.relays
    async with AsyncExitStack() as stack:
        ann = await stack.enter_async_context(
            console(b.ws_url, username="ann", password=TEST_PASSWORD)
        )
        guest = await stack.enter_async_context(visitor(a.ws_url))
        await guest.start("Mira", region="antwerpen")
        await ann.expect(p.SQueue, lambda f: bool(f.entries))
        chat = (await ann.take_next()).conversation.id
        await guest.expect(p.SJoined)

        three.redis.stop()
        await ann.expect(p.SService, lambda f: f.down == ["redis"], timeout=15)
        assert "redis: unreachable" in b.health()
        await three.redis.start()
        await ann.expect(p.SService, lambda f: f.down == [], timeout=15)

        # Live again across relays, both ways.
        await guest.say("weer daar?")
        await ann.expect(p.ChatMessage, lambda f: f.text == "weer daar?", timeout=15)
        await ann.say(chat, "ja")
        await guest.expect(p.ChatMessage, lambda f: f.text == "ja")
