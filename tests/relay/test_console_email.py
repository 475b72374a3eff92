"""The console's email frames through a real relay: list, open, reply, take, handover, forget,
quarantine, and the team rule (another team's email is `forbidden`)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from helpline_core import protocol as p
from helpline_core.clock import utcnow
from helpline_core.config import Settings
from helpline_core.db import session_scope
from helpline_core.mail import outbox
from helpline_core.mail.ingest import ingest_message, quarantine
from helpline_core.mail.reasons import reason
from helpline_core.models import (
    AuditEvent,
    Conversation,
    EmailDirection,
    EmailMessage,
    QuarantinedEmail,
    Team,
)
from helpline_core.protocol import email as pe
from tests.conftest import TEST_PASSWORD, MakeCounsellor
from tests.mail import mail_corpus
from tests.mail.conftest import with_mailbox
from tests.support.console_client import console
from tests.support.relay_harness import RunningRelay, running_relay


def deliver(engine: Engine, settings: Settings, team: str, raw: bytes, days_ago: float) -> None:
    with session_scope(engine) as session:
        row = session.exec(select(Team).where(Team.code == team)).one()
        ingest_message(
            session, settings, team=row, raw=raw, received_at=utcnow() - timedelta(days=days_ago)
        )


@pytest.fixture
def mail_settings(settings: Settings) -> Settings:
    return with_mailbox(settings, "antwerpen", from_address="antwerpen@helpline.example")


@pytest.fixture
async def mail_relay(mail_settings: Settings, engine: Engine) -> AsyncIterator[RunningRelay]:
    async with running_relay(mail_settings) as running:
        yield running


@pytest.fixture
def people(make_counsellor: MakeCounsellor) -> None:
    make_counsellor("bert", team="antwerpen", display_name="Bert")
    make_counsellor("bea", team="antwerpen", display_name="Bea")
    make_counsellor("ann", team="limburg", display_name="Ann")


async def test_list_open_reply(
    mail_relay: RunningRelay, mail_settings: Settings, engine: Engine, people: None
) -> None:
    deliver(engine, mail_settings, "antwerpen", mail_corpus.simple("<n@v.ex>", subject="nieuw"), 0)
    deliver(engine, mail_settings, "antwerpen", mail_corpus.simple("<o@v.ex>", subject="oud"), 9)
    deliver(engine, mail_settings, "limburg", mail_corpus.simple("<l@v.ex>", subject="ander"), 1)
    async with console(mail_relay.ws_url) as c:
        await c.login("bert", TEST_PASSWORD)
        await c.send(type="email_list")
        listed = await c.expect(pe.SEmailList)
        assert [item.subject for item in listed.items] == ["oud", "nieuw"]
        assert listed.items[0].overdue and not listed.items[1].overdue
        assert listed.items[0].sender_address == "anna.test@visitor.example"
        first = listed.items[0].conversation
        await c.send(type="email_open", conversation=first)
        thread = await c.expect(pe.SEmailThread)
        assert thread.subject == "oud" and [e.direction for e in thread.emails] == ["in"]
        assert "vertellen" in thread.emails[0].body
        await c.send(
            type="email_reply",
            conversation=first,
            client_id="r1",
            body="Dag Anna,\n\nWelkom.",
            ref="x",
        )
        ok = await c.expect(p.SOk, lambda f: f.ref == "x")
        assert ok.action == "email_reply"
    with session_scope(engine) as session:
        out = session.exec(
            select(EmailMessage).where(EmailMessage.direction == EmailDirection.OUTBOUND)
        ).one()
        assert out.body_text.startswith("Dag Anna") and str(out.outbox_state) == "queued"
        actions = set(session.exec(select(AuditEvent.action)).all())
        assert {"email.thread_read", "email.reply_queued"} <= actions


async def test_other_team_is_forbidden(
    mail_relay: RunningRelay, mail_settings: Settings, engine: Engine, people: None
) -> None:
    deliver(engine, mail_settings, "antwerpen", mail_corpus.simple("<f@v.ex>"), 0)
    with session_scope(engine) as session:
        public_id = session.exec(select(Conversation.public_id)).one()
    async with console(mail_relay.ws_url) as c:
        await c.login("ann", TEST_PASSWORD)
        await c.send(type="email_list")
        assert (await c.expect(pe.SEmailList)).items == []
        for kind, extra in (
            ("email_open", {}),
            ("email_reply", {"client_id": "a", "body": "hallo"}),
            ("email_take", {}),
            ("email_forget", {}),
            ("email_handover", {"to_user": "ann"}),
        ):
            await c.send(type=kind, conversation=public_id, ref=kind, **extra)
            error = await c.expect(p.SError)
            assert (error.code, error.ref) == ("forbidden", kind)
        await c.send(type="email_open", conversation="does-not-exist", ref="none")
        assert (await c.expect(p.SError, lambda f: f.ref == "none")).code == "forbidden"
    with session_scope(engine) as session:
        assert session.exec(select(EmailMessage).where(
            EmailMessage.direction == EmailDirection.OUTBOUND)).first() is None  # fmt: skip


async def test_take_handover_and_forget(
    mail_relay: RunningRelay, mail_settings: Settings, engine: Engine, people: None
) -> None:
    deliver(engine, mail_settings, "antwerpen", mail_corpus.simple("<t@v.ex>"), 0)
    with session_scope(engine) as session:
        public_id = session.exec(select(Conversation.public_id)).one()
    async with console(mail_relay.ws_url) as bert, console(mail_relay.ws_url) as ann:
        await bert.login("bert", TEST_PASSWORD)
        await ann.login("ann", TEST_PASSWORD)
        await bert.send(type="email_take", conversation=public_id, ref="t")
        assert (await bert.expect(p.SOk, lambda f: f.ref == "t")).action == "email_take"
        await bert.send(type="email_list")
        mine = (await bert.expect(pe.SEmailList)).items[0]
        assert (mine.counsellor, mine.counsellor_name) == ("bert", "Bert")
        await bert.send(type="email_handover", conversation=public_id, to_user="nobody", ref="n")
        assert (await bert.expect(p.SError, lambda f: f.ref == "n")).code == "unavailable"
        # Handed to a colleague of another team: now theirs to see, no longer bert's team's.
        await bert.send(type="email_handover", conversation=public_id, to_user="ann", ref="h")
        await bert.expect(p.SOk, lambda f: f.ref == "h")
        assert (await ann.expect(pe.SEmailNew)).conversation == public_id
        await ann.send(type="email_list")
        (item,) = (await ann.expect(pe.SEmailList)).items
        assert item.conversation == public_id and item.counsellor == "ann"
        assert item.counsellor_name == "Ann"  # what the console's list shows
        await ann.send(type="email_open", conversation=public_id)
        opened = await ann.expect(pe.SEmailThread)
        assert (opened.counsellor, opened.counsellor_name) == ("ann", "Ann")
        await ann.send(type="email_forget", conversation=public_id, ref="f")
        assert (await ann.expect(p.SOk, lambda f: f.ref == "f")).action == "email_forget"
        await ann.send(type="email_list")
        assert (await ann.expect(pe.SEmailList)).items == []
    with session_scope(engine) as session:
        conversation = session.exec(select(Conversation)).one()
        assert conversation.delete_requested_at is not None
        actions = list(session.exec(select(AuditEvent.action).order_by(col(AuditEvent.id))))
        assert {"email.take", "email.handover", "email.delete_requested"} <= set(actions)


async def test_quarantine_summary_is_safe_and_team_scoped(
    mail_relay: RunningRelay, mail_settings: Settings, engine: Engine, people: None
) -> None:
    raw = b"Subject: \x1b]0;pwned\x07 [@click=app.quit]\r\n\r\n\x00\xff body \xe2\x80\xae"
    with session_scope(engine) as session:
        quarantine(session, mailbox="antwerpen", raw=raw, reason=reason("no_sender"))
    async with console(mail_relay.ws_url) as bert, console(mail_relay.ws_url) as ann:
        await bert.login("bert", TEST_PASSWORD)
        await ann.login("ann", TEST_PASSWORD)
        await bert.send(type="quarantine_list")
        (item,) = (await bert.expect(pe.SQuarantineList)).items
        assert item.reason_code == pe.MailReason(code="no_sender") and item.size == len(raw)
        assert item.reason == "no usable sender address (From)"  # for older consoles
        await bert.send(type="quarantine_open", id=item.id)
        shown = await bert.expect(pe.SQuarantineItem)
        assert shown.reason_code == pe.MailReason(code="no_sender")
        assert "\x1b" not in shown.preview and "\x00" not in shown.preview
        assert "\u202e" not in shown.preview and "[@click=app.quit]" in shown.preview
        await ann.send(type="quarantine_list")
        assert (await ann.expect(pe.SQuarantineList)).items == []
        await ann.send(type="quarantine_open", id=item.id, ref="q")
        assert (await ann.expect(p.SError, lambda f: f.ref == "q")).code == "forbidden"
    with session_scope(engine) as session:
        assert session.exec(
            select(AuditEvent).where(AuditEvent.action == "email.quarantine_read")
        ).first()


async def test_reasons_go_out_as_codes_without_the_admin_detail(
    mail_relay: RunningRelay,
    mail_settings: Settings,
    engine: Engine,
    secret_key: bytes,
    people: None,
) -> None:
    """A quarantine reason, a reply's failure and the conversation's attention reach the
    console as codes with their parameters, never the server's words (an admin's detail);
    English stored before codes is the code "unknown", its words only in the older field."""
    deliver(engine, mail_settings, "antwerpen", mail_corpus.simple("<f@v.ex>", subject="x"), 0)
    refused = reason("smtp_refused", status=550, detail="5.1.1 the-server-says-this")
    with session_scope(engine) as session:
        conversation = session.exec(select(Conversation)).one()
        reply = outbox.queue_reply(
            session, secret_key, mail_settings, conversation=conversation, body="Dag",
            counsellor_id=None, actor="test",
        )  # fmt: skip
        session.flush()
        assert reply.id is not None
        outbox.mark_failed_attempt(session, reply.id, utcnow(), refused, final=True, max_attempts=1)
        session.add(QuarantinedEmail(mailbox="antwerpen", reason="no From header", raw=b"x"))
        quarantine(
            session,
            mailbox="antwerpen",
            raw=b"y" * 20,
            reason=reason("too_large", size=20, limit=10),
        )
    wanted = pe.MailReason(code="smtp_refused", params={"status": 550})
    async with console(mail_relay.ws_url) as bert:
        await bert.login("bert", TEST_PASSWORD)
        await bert.send(type="email_list")
        (item,) = (await bert.expect(pe.SEmailList)).items
        assert item.attention_code == wanted
        await bert.send(type="email_open", conversation=item.conversation)
        thread = await bert.expect(pe.SEmailThread)
        assert thread.attention_code == wanted
        (sent,) = [email for email in thread.emails if email.direction == "out"]
        assert sent.problem_code == wanted and sent.outbox_state == "failed"
        for english in (item.attention, thread.attention, sent.problem):
            assert english == "reply not sent: the mail server refused it (550)"
        await bert.send(type="quarantine_list")
        listed = {item.size: item for item in (await bert.expect(pe.SQuarantineList)).items}
    assert listed[20].reason_code == pe.MailReason(
        code="too_large", params={"size": 20, "limit": 10}
    )
    assert listed[1].reason_code == pe.MailReason(code="unknown")
    assert listed[1].reason == "no From header"
    for frame in (item, thread, *listed.values()):
        assert "the-server-says-this" not in frame.model_dump_json()
