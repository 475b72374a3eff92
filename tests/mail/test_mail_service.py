"""The email use cases the console calls through the relay: list, read, reply, quarantine."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from helpline_core.config import Settings
from helpline_core.db import session_scope
from helpline_core.mail.ingest import ingest_message
from helpline_core.mail.reasons import FAMILIES, decode, reason
from helpline_core.models import AuditEvent, EmailDirection, EmailMessage, Team
from helpline_core.services import mail as mail_service
from tests.mail import mail_corpus
from tests.mail.conftest import with_mailbox

MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def deliver(engine: Engine, settings: Settings, team_code: str, raw: bytes, at: datetime) -> None:
    with session_scope(engine) as session:
        team = session.exec(select(Team).where(Team.code == team_code)).one()
        ingest_message(session, settings, team=team, raw=raw, received_at=at)


def team_id(engine: Engine, code: str) -> int:
    with session_scope(engine) as session:
        found = session.exec(select(Team).where(Team.code == code)).one()
        assert found.id is not None
        return found.id


def test_list_overdue_first_and_team_scoped(settings: Settings, engine: Engine) -> None:
    deliver(
        engine, settings, "antwerpen", mail_corpus.simple("<a@v.example>", subject="nieuw"), MONDAY
    )
    deliver(
        engine, settings, "antwerpen", mail_corpus.simple("<b@v.example>", subject="oud"),
        MONDAY - timedelta(days=7),
    )  # fmt: skip
    deliver(
        engine,
        settings,
        "limburg",
        mail_corpus.simple("<c@v.example>", subject="ander team"),
        MONDAY,
    )
    antwerpen = team_id(engine, "antwerpen")
    with session_scope(engine) as session:
        listed = mail_service.list_email_conversations(
            session, team_ids=[antwerpen], now=MONDAY + timedelta(hours=1)
        )
    assert [item.subject for item in listed] == ["oud", "nieuw"]
    assert listed[0].overdue and listed[0].seconds_left is not None and listed[0].seconds_left < 0
    assert not listed[1].overdue
    # Monday 09:00 + two working days = Wednesday 09:00: 48 h minus the hour already gone.
    assert listed[1].seconds_left == 47 * 3600
    assert listed[1].sender_address == "anna.test@visitor.example"


def test_read_is_audited_and_team_scoped(
    settings: Settings, engine: Engine, secret_key: bytes
) -> None:
    deliver(engine, settings, "antwerpen", mail_corpus.simple("<r@v.example>"), MONDAY)
    with session_scope(engine) as session:
        (item,) = mail_service.list_email_conversations(session, team_ids=None)
    limburg = team_id(engine, "limburg")
    with session_scope(engine) as session, pytest.raises(mail_service.MailNotFound):
        mail_service.read_thread(
            session, secret_key, public_id=item.public_id, team_ids=[limburg], actor="c:x"
        )
    with session_scope(engine) as session:
        thread = mail_service.read_thread(
            session, secret_key, public_id=item.public_id, team_ids=None, actor="c:x"
        )
        event = session.exec(
            select(AuditEvent).where(AuditEvent.action == "email.thread_read")
        ).one()
    assert thread.emails[0].body == "Ik wil graag iets vertellen."
    assert event.object_id == item.public_id and "vertellen" not in event.detail


def test_reply_stops_the_clock_and_records_in_time(
    settings: Settings, engine: Engine, secret_key: bytes
) -> None:
    configured = with_mailbox(settings, from_address="antwerpen@helpline.example")
    deliver(engine, configured, "antwerpen", mail_corpus.simple("<q@v.example>"), MONDAY)
    with session_scope(engine) as session:
        (item,) = mail_service.list_email_conversations(session, team_ids=None)
        mail_service.reply(
            session, secret_key, configured, public_id=item.public_id, body="Hallo",
            team_ids=None, counsellor_id=None, actor="c:x",
        )  # fmt: skip
    with session_scope(engine) as session:
        assert mail_service.list_email_conversations(session, team_ids=None) == []
        (answered,) = mail_service.list_email_conversations(
            session, team_ids=None, include_answered=True
        )
    # Answered now, long after Wednesday: recorded as late.
    assert answered.answered_in_time is False and answered.seconds_left is None


def test_a_new_mail_after_an_answer_restarts_the_clock(
    settings: Settings, engine: Engine, secret_key: bytes
) -> None:
    configured = with_mailbox(settings, from_address="antwerpen@helpline.example")
    deliver(engine, configured, "antwerpen", mail_corpus.simple("<s1@v.example>"), MONDAY)
    with session_scope(engine) as session:
        (item,) = mail_service.list_email_conversations(session, team_ids=None)
        mail_service.reply(
            session, secret_key, configured, public_id=item.public_id, body="Hallo",
            team_ids=None, counsellor_id=None, actor="c:x",
        )  # fmt: skip
    later = datetime.now(UTC)
    follow_up = mail_corpus.simple(
        "<s2@v.example>", subject="Re: Hulp gevraagd", In_Reply_To="<s1@v.example>"
    )
    deliver(engine, configured, "antwerpen", follow_up, later)
    with session_scope(engine) as session:
        (again,) = mail_service.list_email_conversations(session, team_ids=None)
    assert again.public_id == item.public_id and again.emails == 3
    assert again.due_at is not None and again.due_at > later


def test_quarantine_list_and_audited_read(
    settings: Settings, engine: Engine, secret_key: bytes
) -> None:
    deliver(engine, settings, "antwerpen", b"\x00\x01 not mail", MONDAY)
    with session_scope(engine) as session:
        (item,) = mail_service.list_quarantine(session)
        assert decode(item.reason).code in FAMILIES["quarantine"] and item.size == 11
        raw = mail_service.read_quarantined(session, secret_key, item_id=item.id, actor="admin:x")
        assert raw == b"\x00\x01 not mail"
        assert session.exec(
            select(AuditEvent).where(AuditEvent.action == "email.quarantine_read")
        ).one()


def test_each_inbound_email_keeps_its_own_deadline_and_verdict(
    settings: Settings, engine: Engine, secret_key: bytes
) -> None:
    """A late first answer stays late after a follow-up is answered in time (E2 figures)."""
    configured = with_mailbox(settings, from_address="antwerpen@helpline.example")
    deliver(engine, configured, "antwerpen", mail_corpus.simple("<e1@v.example>"), MONDAY)
    with session_scope(engine) as session:
        (item,) = mail_service.list_email_conversations(session, team_ids=None)
        mail_service.reply(
            session,
            secret_key,
            configured,
            public_id=item.public_id,
            body="Hallo",
            team_ids=None,
            counsellor_id=None,
            actor="c:x",
        )  # fmt: skip  (answered now: long after Monday's deadline)
    fresh = datetime.now(UTC)
    follow_up = mail_corpus.simple(
        "<e2@v.example>", subject="Re: Hulp gevraagd", In_Reply_To="<e1@v.example>"
    )
    deliver(engine, configured, "antwerpen", follow_up, fresh)
    with session_scope(engine) as session:
        mail_service.reply(
            session, secret_key, configured, public_id=item.public_id, body="Nog even",
            team_ids=None, counsellor_id=None, actor="c:x",
        )  # fmt: skip
    with session_scope(engine) as session:
        inbound = session.exec(
            select(EmailMessage)
            .where(EmailMessage.direction == EmailDirection.INBOUND)
            .order_by(col(EmailMessage.id))
        ).all()
        verdicts = [(email.message_id, email.answered_in_time) for email in inbound]
        assert all(email.due_at is not None for email in inbound)
    assert verdicts == [("<e1@v.example>", False), ("<e2@v.example>", True)]


def test_a_parser_bug_keeps_the_mail_and_is_counted_apart(
    settings: Settings, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fault of ours while reading a mail: the raw mail is kept in quarantine with a reason
    that says it is a bug, and the sync counts it apart from mail that is itself broken."""
    from helpline_core.mail import parse
    from helpline_core.mail.imap_sync import SyncReport

    raw = (
        b"From: Sam <sam@visitor.example>\r\nTo: antwerpen@helpline.example\r\n"
        b"Subject: hulp\r\nMessage-ID: <bug@visitor.example>\r\n\r\nIk wil praten.\r\n"
    )
    report = SyncReport("antwerpen")
    with session_scope(engine) as session:
        team = session.exec(select(Team).where(Team.code == "antwerpen")).one()
        report.add(ingest_message(session, settings, team=team, raw=b"\x00 not mail"))

        def broken(*_args: object, **_kwargs: object) -> None:
            raise KeyError("a bug")

        monkeypatch.setattr(parse, "_collect", broken)
        report.add(ingest_message(session, settings, team=team, raw=raw, received_at=MONDAY))
    assert (report.stored, report.quarantined, report.parser_errors) == (0, 2, 1)
    with session_scope(engine) as session:
        items = {item.size: item.reason for item in mail_service.list_quarantine(session)}
    bug = decode(items[len(raw)])
    assert bug == reason("parser_error", error="KeyError")
    assert bug.english() == "parser error (KeyError): a bug in the helpline, not in the mail"
    assert decode(items[len(b"\x00 not mail")]).code != "parser_error"
