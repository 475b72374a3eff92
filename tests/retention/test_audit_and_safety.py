"""Audit-log retention keeps `audit verify` working (tampering after a purge is still caught),
one purge at a time, and read paths that hide expired data before any purge ran."""

from __future__ import annotations

from datetime import UTC

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import select

from helpline_core.config import Settings
from helpline_core.db import make_engine, session_scope
from helpline_core.models import AuditAnchor, AuditEvent, Conversation, QuarantinedEmail
from helpline_core.services import audit
from helpline_core.services import mail as mail_service
from helpline_core.services.retention.audit_log import AuditChainBroken
from helpline_core.services.retention.lock import PurgeBusy, purge_lock
from helpline_core.services.retention.visible import chat_content_visible, limits_now
from tests.conftest import POSTGRES_URL, postgres_schema
from tests.retention import seed
from tests.retention.conftest import SECOND, local, purge

NOW = local(2036, 3, 1, 12)


def _events(engine: Engine, key: bytes, *dates: object) -> None:
    with session_scope(engine) as session:
        for at in dates:
            # The chain hashes the time as given: hand it over in UTC, as utcnow() does.
            moment = at.astimezone(UTC)  # type: ignore[attr-defined]
            audit.record(session, key, actor="test", action="case.read", at=moment)


def _verify(engine: Engine, key: bytes) -> audit.VerifyResult:
    with session_scope(engine) as session:
        return audit.verify(session, key)


def test_old_audit_events_go_and_verify_still_catches_tampering(
    settings: Settings, engine: Engine, secret_key: bytes
) -> None:
    limit = local(2026, 3, 1, 12)
    _events(engine, secret_key, limit - 2 * SECOND, limit - SECOND, limit, limit + SECOND)
    _events(engine, secret_key, local(2030, 1, 1), local(2035, 1, 1))
    result = purge(settings, engine, secret_key, NOW)
    assert result.classes["audit"].rows == 3
    with session_scope(engine) as session:
        anchor = session.get(AuditAnchor, 1)
        assert anchor is not None and anchor.first_id == 4
        first = session.exec(select(AuditEvent).order_by(AuditEvent.id)).first()  # type: ignore[arg-type]
        assert first is not None and first.id == 4
    checked = _verify(engine, secret_key)
    assert checked.ok, checked
    # Changing a kept event is still caught, at that event.
    with engine.begin() as connection:
        connection.execute(text("UPDATE auditevent SET actor = 'someone' WHERE id = 5"))
    broken = _verify(engine, secret_key)
    assert not broken.ok and broken.first_bad_id == 5
    with engine.begin() as connection:
        connection.execute(text("UPDATE auditevent SET actor = 'test' WHERE id = 5"))
    assert _verify(engine, secret_key).ok
    # Removing the oldest kept event and moving the anchor without the key is caught too.
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM auditevent WHERE id = 4"))
        connection.execute(text("UPDATE auditanchor SET first_id = 5"))
    moved = _verify(engine, secret_key)
    assert not moved.ok and moved.problem == "retention anchor altered"


def test_a_tampered_event_in_the_range_to_purge_stops_the_audit_purge(
    settings: Settings, engine: Engine, secret_key: bytes
) -> None:
    _events(engine, secret_key, local(2020, 1, 1), local(2021, 1, 1), local(2035, 1, 1))
    with engine.begin() as connection:
        connection.execute(text("UPDATE auditevent SET action = 'case.export' WHERE id = 2"))
    with pytest.raises(AuditChainBroken):
        purge(settings, engine, secret_key, NOW)
    with session_scope(engine) as session:
        assert len(session.exec(select(AuditEvent)).all()) >= 3  # the evidence stays
    assert _verify(engine, secret_key).first_bad_id == 2


def test_a_second_purge_is_refused_while_one_runs(
    settings: Settings, engine: Engine, secret_key: bytes
) -> None:
    with purge_lock(engine), pytest.raises(PurgeBusy):
        purge(settings, engine, secret_key, NOW)
    purge(settings, engine, secret_key, NOW)  # released: runs again


@pytest.mark.postgres
def test_a_purge_of_another_schema_in_the_database_is_not_blocked() -> None:
    # Advisory locks are per database; two helplines (or two tests) in schemas of one database
    # each purge on their own, and each still one at a time.
    if not POSTGRES_URL:
        pytest.skip("HELPLINE_TEST_DATABASE_URL is not set")
    with postgres_schema(POSTGRES_URL) as first_url, postgres_schema(POSTGRES_URL) as second_url:
        first, again, second = (make_engine(u) for u in (first_url, first_url, second_url))
        try:
            with purge_lock(first):
                with purge_lock(second):  # another schema: not blocked
                    pass
                with pytest.raises(PurgeBusy), purge_lock(again):  # the same schema: blocked
                    pass
        finally:
            for engine in (first, again, second):
                engine.dispose()


def test_expired_data_is_invisible_before_any_purge_ran(
    settings: Settings, engine: Engine, secret_key: bytes
) -> None:
    now = local(2026, 10, 26, 12)
    limits = limits_now(settings, now)
    old_chat = seed.chat(engine, limits.chat - SECOND)
    new_chat = seed.chat(engine, limits.chat + SECOND)
    thread, _ = seed.email_thread(engine, limits.email - SECOND)
    mixed, (_, fresh) = seed.email_thread(engine, limits.email - SECOND, limits.email + SECOND)
    seed.quarantined(engine, limits.email - SECOND)
    with session_scope(engine) as session:
        assert not chat_content_visible(session, old_chat, limits)
        assert chat_content_visible(session, new_chat, limits)
        listed = mail_service.list_email_conversations(
            session, team_ids=None, include_answered=True, limits=limits
        )
        public = {session.get(Conversation, i).public_id: i for i in (thread, mixed)}  # type: ignore[union-attr]
        assert [public[item.public_id] for item in listed] == [mixed]
        assert listed[0].emails == 1
        shown = mail_service.read_thread(
            session, b"k" * 32, public_id=listed[0].public_id, team_ids=None, actor="t",
            limits=limits,
        )  # fmt: skip
        assert [email.id for email in shown.emails] == [fresh]
        gone_id = next(key for key, value in public.items() if value == thread)
        with pytest.raises(mail_service.MailNotFound):
            mail_service.read_thread(
                session, b"k" * 32, public_id=gone_id, team_ids=None, actor="t", limits=limits
            )
        assert mail_service.list_quarantine(session, limits=limits) == []
        assert len(session.exec(select(QuarantinedEmail)).all()) == 1  # not yet purged
