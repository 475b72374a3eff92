"""The console endpoint: login rules, authorisation, hand over, consult, team leads, audit."""

from __future__ import annotations

import json
import uuid

import pyotp
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from helpline_core import protocol as p
from helpline_core.config import Settings
from helpline_core.db import session_scope
from helpline_core.models import AuditEvent
from helpline_core.services import accounts
from tests.conftest import TEST_PASSWORD, MakeCounsellor
from tests.support.console_client import ConsoleClient, console
from tests.support.relay_harness import RunningRelay, running_relay
from tests.support.visitor_client import visitor


async def login_failure(
    client: ConsoleClient, username: str, password: str, **extra: object
) -> str:
    await client.send(
        type="login", version=extra.pop("version", 1), username=username, password=password, **extra
    )
    return (await client.expect(p.SLoginFailed)).reason


async def test_login_failures_never_tell_which_factor_was_right(
    relay: RunningRelay, make_counsellor: MakeCounsellor, engine: Engine, secret_key: bytes
) -> None:
    totp_user = make_counsellor("tia", team="limburg", totp=True)
    make_counsellor("dirk", team="limburg")
    with session_scope(engine) as session:
        accounts.set_active(session, secret_key, "dirk", False, actor="test")
    async with console(relay.ws_url) as c:
        assert await login_failure(c, "tia", "wrong password!") == "bad_credentials"
        assert await login_failure(c, "nobody", TEST_PASSWORD) == "bad_credentials"
        # A right password without (or with a wrong) code is not confirmed: the same answer.
        assert await login_failure(c, "tia", TEST_PASSWORD) == "bad_credentials"
        wrong = "000000" if pyotp.TOTP(totp_user.totp_secret or "").now() != "000000" else "1" * 6
        assert await login_failure(c, "tia", TEST_PASSWORD, totp=wrong) == "bad_credentials"
        assert await login_failure(c, "dirk", TEST_PASSWORD) == "disabled"
        assert totp_user.totp_secret is not None
        code = pyotp.TOTP(totp_user.totp_secret).now()
        ok = await c.login("tia", TEST_PASSWORD, totp=code)
        assert ok.username == "tia" and ok.team == "limburg" and ok.role == "counsellor"
    async with console(relay.ws_url) as c:
        assert await login_failure(c, "tia", TEST_PASSWORD, version=99) == "version_mismatch"
    async with console(relay.ws_url) as c:
        await c.send(type="take", conversation=None)
        assert (await c.expect(p.SError)).code == "not_logged_in"


async def test_login_attempts_are_rate_limited(
    tmp_path: object, settings: Settings, engine: Engine, make_counsellor: MakeCounsellor
) -> None:
    make_counsellor("ann", team="limburg")
    strict = settings.model_copy(
        update={"relay": settings.relay.model_copy(update={"login_attempts_per_15_minutes": 3})}
    )
    async with running_relay(strict) as relay, console(relay.ws_url) as c:
        for _ in range(3):
            assert await login_failure(c, "ann", "not the password") == "bad_credentials"
        await c.send(type="login", version=1, username="ann", password=TEST_PASSWORD)
        refused = await c.expect(p.SLoginFailed)
        assert refused.reason == "rate_limited" and (refused.retry_after or 0) > 0


async def test_a_counsellor_sees_only_own_and_shared_conversations(
    relay: RunningRelay, ann: str, bert: str
) -> None:
    async with (
        console(relay.ws_url, username=ann, password=TEST_PASSWORD) as a,
        console(relay.ws_url, username=bert, password=TEST_PASSWORD) as b,
        visitor(relay.ws_url) as v,
    ):
        await v.start("Mira", region="limburg")
        # Ann (Limburg) is available: Bert (Antwerpen) is not offered a Limburg chat yet.
        await b.expect(p.SQueue, lambda f: f.entries == [])
        conversation = (await a.take_next()).conversation.id
        guessed = str(uuid.uuid4())
        for frame in (
            {"type": "take", "conversation": conversation},
            {"type": "sync", "conversation": conversation, "after": 0},
            {"type": "send", "conversation": conversation, "client_id": "x1", "text": "hoi"},
            {"type": "typing", "conversation": conversation, "typing": True},
            {"type": "end", "conversation": conversation},
            {"type": "block", "conversation": conversation, "reason": "test"},
            {"type": "handover", "conversation": conversation, "to_user": "bert"},
            {"type": "invite", "conversation": conversation, "username": "bert"},
            {"type": "join", "conversation": conversation},
            {"type": "take_over", "conversation": conversation},
            {"type": "sync", "conversation": guessed, "after": 0},
            {"type": "take", "conversation": guessed},
        ):
            await b.send(**frame, ref="r")
            error = await b.expect(p.SError)
            assert error.code == "forbidden", frame
            assert error.ref == "r"
        # Shared with Bert: now he may read and write.
        await a.send(type="invite", conversation=conversation, username="bert")
        invited = await b.expect(p.SConversation, lambda f: f.why == "invite")
        assert invited.conversation.participation == "consult"
        seq = await b.say(conversation, "Ik kijk even mee")
        seen = await v.expect(p.ChatMessage)
        assert (seen.seq, seen.name) == (seq, "Bert")
        await a.expect(p.ChatMessage, lambda f: f.seq == seq)
        await b.send(type="leave", conversation=conversation)
        await b.expect(p.SReleased, lambda f: f.reason == "left")
        await b.send(type="sync", conversation=conversation, after=0)
        assert (await b.expect(p.SError)).code == "forbidden"


async def test_handover_to_a_colleague_and_to_a_team(
    relay: RunningRelay, ann: str, bert: str
) -> None:
    async with (
        console(relay.ws_url, username=ann, password=TEST_PASSWORD) as a,
        console(relay.ws_url, username=bert, password=TEST_PASSWORD) as b,
        visitor(relay.ws_url) as v,
    ):
        await v.start("Mira", region="limburg")
        conversation = (await a.take_next()).conversation.id
        await v.say("hallo")
        await a.send(type="handover", conversation=conversation, to_user="bert", ref="h1")
        handed = await b.expect(p.SConversation, lambda f: f.why == "handover")
        assert handed.conversation.counsellor == "bert"
        assert [m.text for m in handed.messages] == ["hallo"]
        assert (await a.expect(p.SReleased)).to == "bert"
        assert (await a.expect(p.SOk, lambda f: f.ref == "h1")).action == "handover"
        assert (await v.expect(p.SJoined, lambda f: f.name == "Bert")).name == "Bert"
        # Bert hands it back to the Limburg team's queue; Ann takes it again.
        await b.send(type="handover", conversation=conversation, to_team="limburg")
        await b.expect(p.SReleased, lambda f: f.to == "limburg")
        queued = await v.expect(p.SQueued)
        assert queued.position == 1
        retaken = await a.take_next()
        assert retaken.conversation.id == conversation


async def test_team_lead_overview_join_and_take_over(
    relay: RunningRelay, ann: str, lead: str
) -> None:
    async with (
        console(relay.ws_url, username=ann, password=TEST_PASSWORD) as a,
        console(relay.ws_url, username=lead, password=TEST_PASSWORD, available=False) as boss,
        visitor(relay.ws_url) as v,
    ):
        await a.send(type="overview")
        assert (await a.expect(p.SError)).code == "forbidden"
        await v.start("Mira", region="limburg")
        await boss.send(type="overview")
        overview = await boss.expect(p.STeamOverview, lambda f: len(f.queue) == 1)
        assert overview.team == "limburg"
        assert {x.username for x in overview.counsellors} >= {"ann", "lea"}
        conversation = (await a.take_next()).conversation.id
        live = await boss.expect(p.STeamOverview, lambda f: len(f.conversations) == 1)
        # The team lead reads who has the chat by name, as the console shows it.
        (row,) = live.conversations
        assert (row.counsellor, row.counsellor_name) == ("ann", "Ann")
        await boss.send(type="join", conversation=conversation)
        joined = await boss.expect(p.SConversation, lambda f: f.why == "join")
        assert joined.conversation.participation == "observer"
        await boss.send(type="send", conversation=conversation, client_id="o1", text="x")
        assert (await boss.expect(p.SError)).code == "forbidden"  # observers read only
        await boss.send(type="take_over", conversation=conversation)
        taken = await boss.expect(p.SConversation, lambda f: f.why == "take_over")
        assert taken.conversation.counsellor == "lea"
        released = await a.expect(p.SReleased)
        assert (released.reason, released.to) == ("take_over", "lea")


async def test_reads_and_actions_are_audited_without_text(
    relay: RunningRelay, ann: str, engine: Engine
) -> None:
    secret_text = "geheim-verhaal-8412"
    async with (
        console(relay.ws_url, username=ann, password=TEST_PASSWORD) as a,
        visitor(relay.ws_url) as v,
    ):
        await v.start("Nickname-5521", region="limburg")
        conversation = (await a.take_next()).conversation.id
        await v.say(secret_text)
        await a.send(type="sync", conversation=conversation, after=0)
        await a.expect(p.SConversation, lambda f: f.why == "sync")
        await a.send(type="end", conversation=conversation)
        await a.expect(p.SStatus)
    with Session(engine) as session:
        events = session.exec(select(AuditEvent).order_by(col(AuditEvent.id))).all()
    mine = [(e.actor, e.action, e.object_id) for e in events if e.object_id == conversation]
    assert ("visitor", "chat.start", conversation) in mine
    assert ("counsellor:ann", "chat.take", conversation) in mine
    assert ("counsellor:ann", "chat.read", conversation) in mine
    assert ("counsellor:ann", "chat.end", conversation) in mine
    assert any(e.action == "console.login" and e.actor == "counsellor:ann" for e in events)
    dumped = json.dumps([e.model_dump(mode="json") for e in events])
    assert secret_text not in dumped and "Nickname-5521" not in dumped
    assert "127.0.0.1" not in dumped


async def test_capacity_and_empty_queue(
    settings: Settings, engine: Engine, make_counsellor: MakeCounsellor
) -> None:
    make_counsellor("ann", team="limburg")
    one = settings.model_copy(
        update={"relay": settings.relay.model_copy(update={"max_chats_per_counsellor": 1})}
    )
    async with (
        running_relay(one) as relay,
        console(relay.ws_url, username="ann", password=TEST_PASSWORD) as a,
    ):
        await a.send(type="take", conversation=None)
        assert (await a.expect(p.SError)).code == "queue_empty"
        async with visitor(relay.ws_url) as v1, visitor(relay.ws_url) as v2:
            await v1.start("Een")
            assert (await v2.start("Twee")).position == 2
            await a.take_next()
            assert (await v2.expect(p.SQueued, lambda f: f.position == 1)).position == 1
            await a.send(type="take", conversation=None)
            assert (await a.expect(p.SError)).code == "at_capacity"


@pytest.mark.parametrize("permanent", [False, True])
async def test_permanent_block_needs_a_team_lead(
    relay: RunningRelay, ann: str, permanent: bool
) -> None:
    async with (
        console(relay.ws_url, username=ann, password=TEST_PASSWORD) as a,
        visitor(relay.ws_url) as v,
    ):
        await v.start("Mira", region="limburg")
        conversation = (await a.take_next()).conversation.id
        await a.send(
            type="block", conversation=conversation, reason="misbruik", permanent=permanent
        )
        if permanent:
            assert (await a.expect(p.SError)).code == "forbidden"
        else:
            blocked = await v.expect(p.SBlocked)
            assert blocked.until is not None
            assert (await v.expect(p.SEnded)).reason == "blocked"
