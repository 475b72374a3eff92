"""A colleague consulted on a chat leaves it when the owner changes (issue 20 point 5, C6): after
a hand-over or a take-over they can no longer read or write, the visitor no longer sees their
name, and a restart does not bring the share back."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from helpline_core import protocol as p
from helpline_core.models import ConversationShare
from tests.conftest import TEST_PASSWORD, MakeCounsellor
from tests.support.console_client import ConsoleClient, console
from tests.support.relay_harness import RunningRelay
from tests.support.visitor_client import visitor


async def consult(owner: ConsoleClient, colleague: ConsoleClient, conversation: str) -> None:
    await owner.send(type="invite", conversation=conversation, username="bert")
    await colleague.expect(p.SConversation, lambda f: f.why == "invite")


async def shut_out(colleague: ConsoleClient, conversation: str) -> None:
    """Neither writing nor reading is allowed any more."""
    await colleague.send(type="send", conversation=conversation, client_id="late-1", text="nog")
    assert (await colleague.expect(p.SError)).code == "forbidden"
    await colleague.send(type="sync", conversation=conversation, after=0)
    assert (await colleague.expect(p.SError)).code == "forbidden"


def open_shares(engine: Engine) -> list[ConversationShare]:
    with Session(engine) as session:
        statement = select(ConversationShare).where(col(ConversationShare.ended_at).is_(None))
        return list(session.exec(statement).all())


async def test_a_hand_over_ends_the_consultation(
    relay: RunningRelay, ann: str, bert: str, make_counsellor: MakeCounsellor, engine: Engine
) -> None:
    make_counsellor("carl", team="limburg", display_name="Carl")
    async with (
        console(relay.ws_url, username=ann, password=TEST_PASSWORD) as a,
        console(relay.ws_url, username=bert, password=TEST_PASSWORD) as b,
        console(relay.ws_url, username="carl", password=TEST_PASSWORD) as c,
        visitor(relay.ws_url) as v,
    ):
        await v.start("Mira", region="limburg")
        conversation = (await a.take_next()).conversation.id
        await consult(a, b, conversation)
        await a.send(type="handover", conversation=conversation, to_user="carl")
        handed = await c.expect(p.SConversation, lambda f: f.why == "handover")
        assert handed.conversation.counsellor == "carl"
        released = await b.expect(p.SReleased)
        assert released.reason == "handover"
        await shut_out(b, conversation)
        assert open_shares(engine) == []
        # The visitor only ever hears from the new owner now.
        await c.say(conversation, "Ik neem het over")
        assert (await v.expect(p.ChatMessage)).name == "Carl"
        await relay.restart()
    async with console(relay.ws_url, username=bert, password=TEST_PASSWORD) as b:
        assert b.buffer and all(
            conversation not in [i.id for i in f.conversations]
            for f in b.buffer
            if isinstance(f, p.SLoginOk)
        )
        await shut_out(b, conversation)


async def test_a_take_over_ends_the_consultation_and_the_observation(
    relay: RunningRelay, ann: str, bert: str, lead: str, engine: Engine
) -> None:
    async with (
        console(relay.ws_url, username=ann, password=TEST_PASSWORD) as a,
        console(relay.ws_url, username=bert, password=TEST_PASSWORD) as b,
        console(relay.ws_url, username=lead, password=TEST_PASSWORD, available=False) as boss,
        visitor(relay.ws_url) as v,
    ):
        await v.start("Mira", region="limburg")
        conversation = (await a.take_next()).conversation.id
        await consult(a, b, conversation)
        await boss.send(type="join", conversation=conversation)
        await boss.expect(p.SConversation, lambda f: f.why == "join")
        await boss.send(type="take_over", conversation=conversation)
        taken = await boss.expect(p.SConversation, lambda f: f.why == "take_over")
        assert taken.conversation.participation == "owner"
        assert (await b.expect(p.SReleased)).reason == "take_over"
        assert (await a.expect(p.SReleased)).reason == "take_over"
        await shut_out(b, conversation)
        await shut_out(a, conversation)
        assert open_shares(engine) == []
