"""A chat end to end through a real relay: start, queue, take, messages both ways, end."""

from __future__ import annotations

from helpline_core import protocol as p
from tests.conftest import TEST_PASSWORD
from tests.support.console_client import console
from tests.support.relay_harness import RunningRelay
from tests.support.visitor_client import visitor


async def test_visitor_and_counsellor_exchange_messages(relay: RunningRelay, ann: str) -> None:
    async with (
        console(relay.ws_url, username=ann, password=TEST_PASSWORD) as c,
        visitor(relay.ws_url) as v,
    ):
        assert v.welcome is not None and v.welcome.open and v.welcome.counsellors_online
        queued = await v.start("Mira", region="limburg", age_group="12_17")
        assert queued.position == 1
        queue = await c.expect(p.SQueue, lambda f: len(f.entries) == 1)
        assert queue.entries[0].nickname == "Mira"
        assert queue.entries[0].team == "limburg"
        taken = await c.take_next()
        conversation = taken.conversation.id
        joined = await v.expect(p.SJoined)
        assert joined.name == "Ann"
        seq1 = await v.say("hallo <b>daar</b>")
        got = await c.next_message(conversation)
        assert (got.seq, got.text, got.sender) == (seq1, "hallo <b>daar</b>", "visitor")
        seq2 = await c.say(conversation, "Dag Mira")
        assert seq2 == seq1 + 1
        reply = await v.expect(p.ChatMessage)
        assert (reply.seq, reply.name, reply.text) == (seq2, "Ann", "Dag Mira")
        await c.send(type="end", conversation=conversation)
        ended = await v.expect(p.SEnded)
        assert ended.reason == "counsellor"


async def test_the_counsellor_is_told_when_the_visitor_left_quickly(
    relay: RunningRelay, ann: str
) -> None:
    """ "Leave quickly" ends with its own reason; an ordinary leave stays "visitor" (issue 16)."""
    async with console(relay.ws_url, username=ann, password=TEST_PASSWORD) as c:
        for quick, reason in ((True, "visitor_quick"), (False, "visitor")):
            async with visitor(relay.ws_url) as v:
                await v.start("Mira", region="limburg", age_group="12_17")
                await c.expect(p.SQueue, lambda f: len(f.entries) == 1)
                conversation = (await c.take_next()).conversation.id
                await v.expect(p.SJoined)
                await v.send(type="leave", **({"quick": True} if quick else {}))
                ended = await c.expect(
                    p.SEnded, lambda f, wanted=conversation: f.conversation == wanted
                )
                assert ended.reason == reason
