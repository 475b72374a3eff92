"""The relay writer: group commit under load, gapless seqs, resends stored once."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from helpline_core.db import session_scope
from helpline_core.models import Conversation, Message, Sender
from helpline_core.services import chats
from relay.store import Store


def conversations(engine: Engine, count: int) -> list[int]:
    ids = []
    with session_scope(engine) as session:
        for n in range(count):
            row = Conversation(public_id=f"store-test-{n}")
            session.add(row)
            session.flush()
            assert row.id is not None
            ids.append(row.id)
    return ids


async def test_concurrent_appends_share_commits_and_keep_seqs_gapless(engine: Engine) -> None:
    ids = conversations(engine, 10)
    store = Store(engine)
    store.start()
    try:
        items = [
            chats.NewMessage(cid, Sender.VISITOR, f"bericht {n}", f"id-{n}")
            for n in range(10)
            for cid in ids
        ]
        stored = await asyncio.gather(*(store.append(item) for item in items))
        # A resent id (visitor) gets the original seq back; the same id from a counsellor is
        # a different message.
        again = await store.append(chats.NewMessage(ids[0], Sender.VISITOR, "x", "id-3"))
        other = await store.append(
            chats.NewMessage(ids[0], Sender.COUNSELLOR, "y", "id-3", counsellor_id=None)
        )
    finally:
        await store.stop()
    assert store.batches < len(items)  # group commit: fewer transactions than messages
    by_conversation: dict[int, list[int]] = {}
    for item, result in zip(items, stored, strict=True):
        by_conversation.setdefault(item.conversation_id, []).append(result.seq)
    assert all(seqs == list(range(1, 11)) for seqs in by_conversation.values())
    assert again.duplicate and again.seq == 4
    assert not other.duplicate and other.seq == 11
    with Session(engine) as session:
        rows = session.exec(
            select(Message).where(Message.conversation_id == ids[0]).order_by(col(Message.seq))
        ).all()
        assert [r.seq for r in rows] == list(range(1, 12))
        assert rows[0].created_at.tzinfo is not None
        last = session.get(Conversation, ids[0])
        assert last is not None and last.last_seq == 11


async def test_a_bad_operation_does_not_fail_the_others(engine: Engine) -> None:
    ids = conversations(engine, 1)
    store = Store(engine)
    store.start()
    try:
        good = store.append(chats.NewMessage(ids[0], Sender.VISITOR, "goed", "a"))
        bad = store.append(chats.NewMessage(999_999, Sender.VISITOR, "weg", "b"))
        results = await asyncio.gather(good, bad, return_exceptions=True)
    finally:
        await store.stop()
    assert not isinstance(results[0], BaseException) and results[0].seq == 1
    assert isinstance(results[1], Exception)


async def test_a_locked_sqlite_database_delays_messages_but_loses_none(engine: Engine) -> None:
    """Another process holds SQLite's write lock: the writer must not freeze the event loop
    waiting for it (it hands the batch to a thread) and must store the message once free."""
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite's write lock")
    ids = conversations(engine, 1)
    store = Store(engine)
    store.start()
    holder = engine.raw_connection()
    try:
        holder.cursor().execute("BEGIN IMMEDIATE")  # as `helpline` would while writing
        pending = asyncio.ensure_future(
            store.append(chats.NewMessage(ids[0], Sender.VISITOR, "toch bewaard", "a"))
        )
        # Waiting on the lock (busy_timeout, 5 s) would freeze the loop: the hand-off must
        # come well before that, while the loop keeps running.
        async with asyncio.timeout(2):
            while store.handed_off == 0:
                await asyncio.sleep(0.01)
        assert not pending.done()
        holder.rollback()
        stored = await asyncio.wait_for(pending, 10)
    finally:
        holder.close()
        await store.stop()
    assert stored.seq == 1
    with Session(engine) as session:
        bodies = session.exec(select(Message.body).where(Message.conversation_id == ids[0])).all()
    assert bodies == ["toch bewaard"]


def test_one_statement_batch_is_all_or_nothing(engine: Engine) -> None:
    """PostgreSQL's one-statement batch commits by itself: a bad message (a conversation that
    does not exist, a resent id) must fail it whole, seqs included, never store half."""
    if engine.dialect.name != "postgresql":
        pytest.skip("the one-statement batch is PostgreSQL's")
    ids = conversations(engine, 2)
    with engine.connect() as raw:
        connection = raw.execution_options(isolation_level="AUTOCOMMIT")
        stored = chats.append_batch_autocommit(
            connection,
            [
                chats.NewMessage(ids[0], Sender.VISITOR, "een", "a"),
                chats.NewMessage(ids[1], Sender.VISITOR, "twee", "a"),
                chats.NewMessage(ids[0], Sender.VISITOR, "drie", "b"),
            ],
        )
        assert [s.seq for s in stored] == [1, 1, 2]
        for bad in (
            chats.NewMessage(999_999, Sender.VISITOR, "weg", "c"),
            chats.NewMessage(ids[1], Sender.VISITOR, "nogmaals", "a"),  # resent id
        ):
            good = chats.NewMessage(ids[0], Sender.VISITOR, "vier", f"d-{bad.client_id}")
            with pytest.raises(IntegrityError):
                chats.append_batch_autocommit(connection, [good, bad])
    with Session(engine) as session:
        bodies = session.exec(
            select(Message.body).where(Message.conversation_id == ids[0]).order_by(col(Message.seq))
        ).all()
        first = session.get(Conversation, ids[0])
        assert first is not None
        assert first.last_seq == 2
    assert bodies == ["een", "drie"]
