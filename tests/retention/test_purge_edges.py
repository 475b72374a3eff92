"""The purge's conditions where the ordinary rows do not tell: a chat whose end and last activity
differ, a chat with neither, a held thread beside one that is not, and the exact limit of
quarantined mail and of expired blocks (SQLite, PostgreSQL)."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import col, select

from helpline_core.config import Settings
from helpline_core.db import session_scope
from helpline_core.models import Block, Conversation, EmailMessage, Message, QuarantinedEmail
from helpline_core.services.retention.rules import limits_at
from tests.retention import seed
from tests.retention.conftest import SECOND, local, purge
from tests.retention.test_purge import count

NOW = local(2026, 10, 26, 12, 0)


def _set_times(engine: Engine, chat: int, **times: object) -> None:
    with session_scope(engine) as session:
        row = session.get(Conversation, chat)
        assert row is not None
        for name, value in times.items():
            setattr(row, name, value)
        session.add(row)


def test_a_chat_counts_from_its_end_not_from_its_last_line(
    settings: Settings, engine: Engine, secret_key: bytes
) -> None:
    # Quiet for an hour before it was ended one second inside the limit: it stays.
    limit = limits_at(settings, NOW).chat
    kept = seed.chat(engine, limit + SECOND)
    _set_times(engine, kept, last_activity_at=limit - 3600 * SECOND)
    result = purge(settings, engine, secret_key, NOW)
    assert result.classes["chats"].rows == 0
    assert count(engine, Message, col(Message.conversation_id) == kept) == 3


def test_a_chat_never_ended_counts_from_its_last_line_then_from_its_start(
    settings: Settings, engine: Engine, secret_key: bytes
) -> None:
    # A crashed relay's leftovers: no end; one with a last line inside the limit stays, one with
    # neither end nor activity goes by its start.
    limit = limits_at(settings, NOW).chat
    active = seed.chat(engine, limit - SECOND)
    _set_times(engine, active, ended_at=None, last_activity_at=limit + SECOND)
    silent = seed.chat(engine, limit - SECOND)
    _set_times(engine, silent, ended_at=None, last_activity_at=None)
    result = purge(settings, engine, secret_key, NOW)
    assert result.classes["chats"].rows == 1
    assert count(engine, Message, col(Message.conversation_id) == active) == 3
    assert count(engine, Message, col(Message.conversation_id) == silent) == 0


def test_a_hold_on_one_thread_keeps_only_that_threads_emails(
    settings: Settings, engine: Engine, secret_key: bytes
) -> None:
    held_file = seed.case_file(engine, None, hold=True)
    free_file = seed.case_file(engine, None)
    old = local(2025, 1, 1, 12)
    _, (held,) = seed.email_thread(engine, old, case_file_id=held_file)
    _, (free,) = seed.email_thread(engine, old, case_file_id=free_file)
    result = purge(settings, engine, secret_key, NOW)
    assert (result.classes["emails"].rows, result.classes["emails"].held) == (1, 1)
    with session_scope(engine) as session:
        assert session.exec(select(EmailMessage.id)).all() == [held]
    assert free != held


def test_quarantined_mail_and_a_block_go_exactly_at_their_limit(
    settings: Settings, engine: Engine, secret_key: bytes
) -> None:
    limits = limits_at(settings, NOW)
    seed.quarantined(engine, limits.email)
    kept_q = seed.quarantined(engine, limits.email + SECOND)
    seed.block(engine, limits.block)
    kept_b = seed.block(engine, limits.block + SECOND)
    result = purge(settings, engine, secret_key, NOW)
    assert (result.classes["quarantine"].rows, result.classes["blocks"].rows) == (1, 1)
    with session_scope(engine) as session:
        assert session.exec(select(QuarantinedEmail.id)).all() == [kept_q]
        assert session.exec(select(Block.id)).all() == [kept_b]
