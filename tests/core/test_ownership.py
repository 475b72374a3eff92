"""Who owns a chat is decided by the database (issue 14): a take, a hand-over and a return to the
queue change the row only if it still has the owner the caller saw, under a row lock, so that
of several relays acting at once exactly one does it. On SQLite and PostgreSQL."""

from __future__ import annotations

import secrets
import threading
from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from helpline_core.clock import utcnow
from helpline_core.db import session_scope
from helpline_core.models import Conversation, ConversationStatus
from helpline_core.services import chats
from tests.conftest import MakeCounsellor

ROUNDS = 20


def waiting_chat(engine: Engine, key: bytes) -> int:
    with session_scope(engine) as session:
        conversation = chats.start_conversation(
            session,
            key,
            nickname="Mira",
            age_group="12_17",
            region="antwerpen",
            sex="female",
            language="nl",
            ip_hash_value=None,
            team_code=None,
            token_hash_value=chats.token_hash(key, secrets.token_hex(16)),
            expires_at=utcnow() + timedelta(minutes=5),
        )
        assert conversation.id is not None
        return conversation.id


def take(engine: Engine, key: bytes, chat: int, who: int, expect: int | None) -> bool:
    with session_scope(engine) as session:
        done = chats.assign(
            session,
            key,
            conversation_id=chat,
            counsellor_id=who,
            actor=f"counsellor:{who}",
            action="chat.take",
            expect_owner=expect,
        )
        return done is not None


def owner(engine: Engine, chat: int) -> tuple[ConversationStatus, int | None]:
    with session_scope(engine) as session:
        row = session.get(Conversation, chat)
        assert row is not None
        return ConversationStatus(row.status), row.counsellor_id


def audits(engine: Engine, action: str) -> int:
    with engine.connect() as connection:
        count = connection.execute(
            text("SELECT count(*) FROM auditevent WHERE action = :a"), {"a": action}
        ).scalar_one()
        return int(count)


def test_a_chat_taken_once_is_not_taken_again_by_who_saw_it_waiting(
    engine: Engine, secret_key: bytes, make_counsellor: MakeCounsellor
) -> None:
    ann, bert = make_counsellor("ann").id, make_counsellor("bert").id
    assert ann is not None and bert is not None
    chat = waiting_chat(engine, secret_key)
    assert take(engine, secret_key, chat, ann, expect=None)
    assert not take(engine, secret_key, chat, bert, expect=None)  # saw it waiting: too late
    assert owner(engine, chat) == (ConversationStatus.ACTIVE, ann)
    assert audits(engine, "chat.take") == 1
    # A hand-over by who holds it goes through.
    assert take(engine, secret_key, chat, bert, expect=ann)


def test_an_orphaned_chat_returns_to_the_queue_once(
    engine: Engine, secret_key: bytes, make_counsellor: MakeCounsellor
) -> None:
    ann = make_counsellor("ann").id
    assert ann is not None
    chat = waiting_chat(engine, secret_key)
    assert take(engine, secret_key, chat, ann, expect=None)
    outcomes = []
    for _ in range(3):  # three relays saw Ann gone
        with session_scope(engine) as session:
            outcomes.append(
                chats.requeue(
                    session,
                    secret_key,
                    conversation_id=chat,
                    team_code=None,
                    actor="system",
                    expect_owner=ann,
                )
            )
    assert outcomes == [True, False, False]
    assert owner(engine, chat) == (ConversationStatus.QUEUED, None)
    assert audits(engine, "chat.handover") == 1


@pytest.mark.postgres
def test_two_takes_at_the_same_instant_one_wins(
    engine: Engine, secret_key: bytes, make_counsellor: MakeCounsellor, database_url: str
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("concurrent writers: PostgreSQL (SQLite has one writer at a time)")
    ann, bert = make_counsellor("ann").id, make_counsellor("bert").id
    assert ann is not None and bert is not None
    for _ in range(ROUNDS):
        chat = waiting_chat(engine, secret_key)
        start = threading.Barrier(2)
        won: dict[int, bool] = {}

        def run(
            who: int, chat: int = chat, start: threading.Barrier = start, won: dict[int, bool] = won
        ) -> None:
            start.wait()
            won[who] = take(engine, secret_key, chat, who, expect=None)

        threads = [threading.Thread(target=run, args=(who,)) for who in (ann, bert)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(won.values()) == [False, True]
        winner = ann if won[ann] else bert
        assert owner(engine, chat) == (ConversationStatus.ACTIVE, winner)
    assert audits(engine, "chat.take") == ROUNDS
