"""The audit chain catches a changed, an inserted and a removed row, and names the first."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from sqlalchemy import event, text
from sqlalchemy.engine import Engine

from helpline_core.db import session_scope
from helpline_core.models import AuditAnchor, AuditEvent
from helpline_core.services import audit
from helpline_core.services.retention.audit_log import anchor_tag

Result = audit.VerifyResult


def _fill(engine: Engine, key: bytes, count: int = 5) -> None:
    with session_scope(engine) as session:
        for number in range(count):
            audit.record(
                session,
                key,
                actor="counsellor:test-anna",
                action="case.read",
                object_type="case",
                object_id=f"c{number}",
                detail={"reason": "follow-up"},
            )


def _verify(engine: Engine, key: bytes) -> audit.VerifyResult:
    with session_scope(engine) as session:
        return audit.verify(session, key)


def _stored_hash(engine: Engine, event_id: int) -> str:
    """The hash stored in row `event_id`, as a reader of the table sees it."""
    with engine.begin() as connection:
        statement = text("SELECT hash FROM auditevent WHERE id = :id")
        return str(connection.execute(statement, {"id": event_id}).scalar_one())


def test_an_untouched_chain_verifies(engine: Engine, secret_key: bytes) -> None:
    _fill(engine, secret_key)
    assert _verify(engine, secret_key) == Result(True, 5, None, "", _stored_hash(engine, 5))


def test_a_changed_row_is_named(engine: Engine, secret_key: bytes) -> None:
    _fill(engine, secret_key)
    with engine.begin() as connection:
        connection.execute(text("UPDATE auditevent SET actor = 'counsellor:someone' WHERE id = 3"))
    assert _verify(engine, secret_key) == Result(False, 2, 3, "content changed or event forged")


def test_an_inserted_row_is_named(engine: Engine, secret_key: bytes) -> None:
    _fill(engine, secret_key)
    with engine.begin() as connection:
        # Make room at position 3 and insert a forged event with plausible hashes.
        for row_id in (5, 4, 3):
            connection.execute(text(f"UPDATE auditevent SET id = {row_id + 1} WHERE id = {row_id}"))
        prev = connection.execute(text("SELECT hash FROM auditevent WHERE id = 2")).scalar_one()
        connection.execute(
            text(
                "INSERT INTO auditevent (id, at, actor, action, object_type, object_id, detail,"
                " prev_hash, hash) SELECT 3, at, actor, 'case.export', object_type, object_id,"
                " detail, :prev, hash FROM auditevent WHERE id = 2"
            ),
            {"prev": prev},
        )
    # It follows event 2, but only the key could have made its hash.
    assert _verify(engine, secret_key) == Result(False, 2, 3, "content changed or event forged")


def test_a_removed_row_is_named(engine: Engine, secret_key: bytes) -> None:
    _fill(engine, secret_key)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM auditevent WHERE id = 2"))
    assert _verify(engine, secret_key) == Result(False, 1, 2, "event missing (removed)")


def test_removing_the_newest_rows_is_caught(engine: Engine, secret_key: bytes) -> None:
    _fill(engine, secret_key)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM auditevent WHERE id >= 4"))
    kept = _stored_hash(engine, 3)
    assert _verify(engine, secret_key) == Result(False, 3, 4, "newest events removed", kept)


def test_another_key_cannot_verify(engine: Engine, secret_key: bytes) -> None:
    _fill(engine, secret_key)
    assert _verify(engine, b"x" * 32) == Result(False, 0, 1, "content changed or event forged")


def test_detail_keeps_no_free_text_types(engine: Engine, secret_key: bytes) -> None:
    with session_scope(engine) as session:
        event = audit.record(session, secret_key, actor="cli:root", action="x", detail={"n": 1})
    assert event.detail == '{"n": 1}'


def test_an_event_is_stored_as_given_detail_sorted_and_readable(
    engine: Engine, secret_key: bytes
) -> None:
    at = datetime(2026, 3, 1, 12, 0, 0, 250000, tzinfo=UTC)
    with session_scope(engine) as session:
        audit.record(
            session, secret_key, actor="cli:root", action="case.read", object_type="case",
            object_id=7, detail={"reden": "één", "aantal": 2, "ok": True}, at=at,
        )  # fmt: skip
        audit.record(session, secret_key, actor="cli:root", action="login")
    with session_scope(engine) as session:
        first, second = audit.query(session)
        assert (first.id, first.at, first.object_type, first.object_id) == (1, at, "case", "7")
        assert first.detail == '{"aantal": 2, "ok": true, "reden": "één"}'
        assert (second.object_type, second.object_id, second.detail) == ("", "", "{}")
        assert second.prev_hash == first.hash and first.prev_hash == audit.GENESIS


def test_cutting_off_the_newest_events_and_setting_the_head_back_is_caught(
    engine: Engine, secret_key: bytes
) -> None:
    _fill(engine, secret_key)
    with engine.begin() as connection:
        kept = connection.execute(text("SELECT hash FROM auditevent WHERE id = 3")).scalar_one()
        connection.execute(text("DELETE FROM auditevent WHERE id >= 4"))
        connection.execute(
            text("UPDATE audithead SET last_id = 3, last_hash = :kept"), {"kept": kept}
        )
    assert _verify(engine, secret_key) == Result(False, 3, 4, "head changed or forged", kept)


def test_an_emptied_log_is_caught(engine: Engine, secret_key: bytes) -> None:
    _fill(engine, secret_key)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM auditevent"))
        connection.execute(
            text("UPDATE audithead SET last_id = 0, last_hash = :genesis"),
            {"genesis": audit.GENESIS},
        )
    assert _verify(engine, secret_key) == Result(False, 0, 1, "head changed or forged")
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM audithead"))
    assert _verify(engine, secret_key) == Result(False, 0, 1, "no head: the log was emptied")


def test_a_head_tag_copied_from_another_position_does_not_fit(
    engine: Engine, secret_key: bytes
) -> None:
    _fill(engine, secret_key, count=3)
    with engine.begin() as connection:
        old = connection.execute(text("SELECT last_id, last_hash, tag FROM audithead")).one()
    _fill(engine, secret_key, count=2)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM auditevent WHERE id > 3"))
        connection.execute(
            text("UPDATE audithead SET last_id = :i, last_hash = :h, tag = :t"),
            {"i": old[0], "h": old[1], "t": old[2]},
        )
    # A head saved earlier and put back verifies: only a copy kept elsewhere catches this
    # (docs/audit.md). The tag cannot be made for a position the key never tagged.
    third = _stored_hash(engine, 3)
    assert _verify(engine, secret_key) == Result(True, 3, head_hash=third)
    with engine.begin() as connection:
        connection.execute(text("UPDATE audithead SET last_id = 2"))
    assert _verify(engine, secret_key) == Result(False, 3, 4, "head changed or forged", third)


def test_appenders_in_parallel_threads_take_turns(engine: Engine, secret_key: bytes) -> None:
    """Two threads appending at once (a console login beside the relay's writer) both succeed,
    on SQLite as on PostgreSQL, and the chain stays whole."""
    start = threading.Barrier(8)
    errors: list[BaseException] = []

    def append(number: int) -> None:
        start.wait()
        try:
            for _ in range(5):
                with session_scope(engine) as session:
                    audit.record(session, secret_key, actor=f"t{number}", action="test.append")
        except BaseException as error:  # collected, asserted below
            errors.append(error)

    threads = [threading.Thread(target=append, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert _verify(engine, secret_key) == Result(True, 40, head_hash=_stored_hash(engine, 40))


# ----- known answers: a change of key derivation, field order or serialisation fails here -----

KAT_KEY = bytes(range(32))


def _kat_events() -> tuple[AuditEvent, AuditEvent]:
    first = AuditEvent(
        id=1, at=datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=UTC), actor="cli:admin",
        action="case.read", object_type="case", object_id="c1", detail='{"n": 1}',
        prev_hash=audit.GENESIS, hash="",
    )  # fmt: skip
    second = AuditEvent(
        id=2, at=datetime(2026, 1, 2, 3, 4, 6, tzinfo=UTC), actor="counsellor:anna",
        action="transcript.read", object_type="conversation", object_id="x", detail="{}",
        prev_hash="", hash="",
    )  # fmt: skip
    return first, second


def test_known_answers_for_event_hashes_and_the_head_tag() -> None:
    first, second = _kat_events()
    first_hash = audit.compute_hash(KAT_KEY, first)
    assert first_hash == "34b210c83b74417f26be30ba820ddf1e0d3fbf13b459cf89bba8485411e68f3d"
    second.prev_hash = first_hash
    second_hash = audit.compute_hash(KAT_KEY, second)
    assert second_hash == "21c38b9fee46f270fd11cc68016cb9580b5cd39f75e3c93718a464b5dc2fd223"
    assert audit.head_tag(KAT_KEY, 2, second_hash) == (
        "0b2fb43209004ef5e8f87996630a2cb4ba55516621ad80f3e341c7000cb31247"
    )
    moved = audit.Anchor(first_id=5, prev_hash="ab" * 32)
    assert audit.head_tag(KAT_KEY, 2, second_hash, moved) == (
        "1a6198cb3b650ddfdb8bff1ad263b3951451c50f41f5cdddc2f5c759fdb9d57b"
    )


def test_known_answer_with_accents_hashes_their_escaped_form() -> None:
    # Hashed over ["1","2026-01-02T03:04:05.678901+00:00","counsellor:ren\u00e9e",...]:
    # non-ASCII as \u escapes, so the same event hashes alike whatever a database does to text.
    first, _ = _kat_events()
    accented = first.model_copy(update={"actor": "counsellor:renée", "detail": '{"reden": "één"}'})
    assert audit.compute_hash(KAT_KEY, accented) == (
        "062e61dcae59220620239de26430a508fa9e15b5ee7d5d0eff699f08b914ba13"
    )


def test_every_field_is_covered_by_the_hash() -> None:
    first, _ = _kat_events()
    original = audit.compute_hash(KAT_KEY, first)
    changes = {
        "id": 2, "at": datetime(2026, 1, 2, 3, 4, 5, 678902, tzinfo=UTC), "actor": "cli:other",
        "action": "case.note", "object_type": "casefile", "object_id": "c2",
        "detail": '{"n": 2}', "prev_hash": "1" * 64,
    }  # fmt: skip
    for field, value in changes.items():
        changed = first.model_copy(update={field: value})
        assert audit.compute_hash(KAT_KEY, changed) != original, field
    assert audit.compute_hash(bytes(32), first) != original  # and the key


def test_an_event_removed_and_the_rest_renumbered_does_not_follow(
    engine: Engine, secret_key: bytes
) -> None:
    _fill(engine, secret_key)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM auditevent WHERE id = 3"))
        connection.execute(text("UPDATE auditevent SET id = id - 1 WHERE id > 3"))
    assert _verify(engine, secret_key) == Result(False, 2, 3, "does not follow the previous event")


def test_a_missing_head_is_reported(engine: Engine, secret_key: bytes) -> None:
    _fill(engine, secret_key)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM audithead"))
    fifth = _stored_hash(engine, 5)
    assert _verify(engine, secret_key) == Result(False, 5, 6, "no head: the log was emptied", fifth)


def test_query_filters_by_time_actor_and_action_in_order(engine: Engine, secret_key: bytes) -> None:
    start = datetime(2026, 3, 1, 12, tzinfo=UTC)
    with session_scope(engine) as session:
        for minute, actor, action in [
            (0, "cli:admin", "case.read"),
            (1, "counsellor:anna", "case.read"),
            (2, "counsellor:anna", "transcript.read"),
            (3, "cli:admin", "case.read"),
        ]:
            audit.record(
                session, secret_key, actor=actor, action=action,
                at=start + timedelta(minutes=minute),
            )  # fmt: skip
    with session_scope(engine) as session:

        def ids(**filters: object) -> list[int]:
            return [event.id for event in audit.query(session, **filters)]  # type: ignore[arg-type]

        assert ids() == [1, 2, 3, 4]
        assert ids(since=start + timedelta(minutes=2)) == [3, 4]
        assert ids(actor="cli:admin") == [1, 4]
        assert ids(action="case.read") == [1, 2, 4]
        assert ids(actor="counsellor:anna", action="case.read") == [2]
        assert ids(limit=2) == [1, 2]


# ----- the retention anchor: where the chain starts after a purge -----


def _set_anchor(engine: Engine, key: bytes, first_id: int, *, tag: str | None = None) -> str:
    """Put an anchor at `first_id` (after the stored event before it), as a purge leaves it."""
    prev = _stored_hash(engine, first_id - 1)
    with session_scope(engine) as session:
        session.add(
            AuditAnchor(
                id=1, first_id=first_id, prev_hash=prev, tag=tag or anchor_tag(key, first_id, prev)
            )
        )
    return prev


def test_a_chain_that_starts_at_the_anchor_verifies_from_there(
    engine: Engine, secret_key: bytes
) -> None:
    _fill(engine, secret_key)
    _set_anchor(engine, secret_key, 3)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM auditevent WHERE id < 3"))
    assert _verify(engine, secret_key) == Result(True, 3, head_hash=_stored_hash(engine, 5))


def test_an_event_older_than_the_anchor_is_out_of_place(engine: Engine, secret_key: bytes) -> None:
    # Events 1 and 2 should have gone with the purge that set the anchor at 3: one put back (or
    # never deleted) is named.
    _fill(engine, secret_key)
    _set_anchor(engine, secret_key, 3)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM auditevent WHERE id = 1"))
    assert _verify(engine, secret_key) == Result(False, 0, 2, "unexpected event position")


def test_an_anchor_moved_without_the_key_is_caught(engine: Engine, secret_key: bytes) -> None:
    _fill(engine, secret_key)
    _set_anchor(engine, secret_key, 4, tag="0" * 64)
    assert _verify(engine, secret_key) == Result(False, 0, 4, "retention anchor altered")


# ----- appenders take turns -----


def test_an_appender_waits_for_the_one_holding_the_head(engine: Engine, secret_key: bytes) -> None:
    """While one transaction has appended (and not committed), a second appender on another
    connection must wait for it and then follow it; reading the head without the lock would give
    both the same position. Deterministic: the first commits only once the second has gone as
    far as it can (its first write, or its locking read) without seeing the first's event."""
    _fill(engine, secret_key, count=1)
    second_reached_the_lock = threading.Event()
    appender: list[threading.Thread] = []
    errors: list[BaseException] = []

    def watch(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if threading.current_thread() not in appender:
            return
        words = statement.lstrip().upper()
        if words.startswith(("INSERT", "UPDATE")) or "FOR UPDATE" in words:
            second_reached_the_lock.set()

    def append_second() -> None:
        try:
            with session_scope(engine) as session:
                audit.record(session, secret_key, actor="t2", action="test.second")
        except BaseException as error:  # collected, asserted below
            errors.append(error)
        finally:
            second_reached_the_lock.set()  # a failure before that point must not leave us waiting

    event.listen(engine, "before_cursor_execute", watch)
    try:
        with session_scope(engine) as session:
            audit.record(session, secret_key, actor="t1", action="test.first")
            appender.append(threading.Thread(target=append_second))
            appender[0].start()
            assert second_reached_the_lock.wait(timeout=30)
        appender[0].join(timeout=30)
    finally:
        event.remove(engine, "before_cursor_execute", watch)
    assert errors == []
    with session_scope(engine) as session:
        order = [(row.id, row.actor) for row in audit.query(session)]
    assert order == [(1, "counsellor:test-anna"), (2, "t1"), (3, "t2")]
    assert _verify(engine, secret_key) == Result(True, 3, head_hash=_stored_hash(engine, 3))


def test_query_returns_the_first_thousand_unless_told_and_in_chain_order(
    engine: Engine, secret_key: bytes
) -> None:
    rows = [
        {"id": n, "at": "2026-03-01 12:00:00.000000", "actor": "cli:admin", "action": "x",
         "object_type": "", "object_id": "", "detail": "{}", "prev_hash": "", "hash": ""}
        for n in range(1, 1002)
    ]  # fmt: skip
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO auditevent (id, at, actor, action, object_type, object_id, detail,"
                " prev_hash, hash) VALUES (:id, :at, :actor, :action, :object_type, :object_id,"
                " :detail, :prev_hash, :hash)"
            ),
            rows,
        )
        # On PostgreSQL an updated row moves to the end of the table: order must be asked for.
        connection.execute(text("UPDATE auditevent SET detail = '{\"n\": 1}' WHERE id = 1"))
    with session_scope(engine) as session:
        first = [event.id for event in audit.query(session)]
        assert first == list(range(1, 1001))
        assert [event.id for event in audit.query(session, limit=1001)][-2:] == [1000, 1001]


def test_a_row_rewritten_unchanged_still_verifies(engine: Engine, secret_key: bytes) -> None:
    # On PostgreSQL a rewritten row moves to the end of the table (as after a restore): the walk
    # must go by position, not by the order the database happens to keep.
    _fill(engine, secret_key)
    with engine.begin() as connection:
        connection.execute(text("UPDATE auditevent SET detail = detail WHERE id <= 2"))
        connection.execute(text("ANALYZE auditevent"))  # PostgreSQL then scans in stored order
    assert _verify(engine, secret_key) == Result(True, 5, head_hash=_stored_hash(engine, 5))
