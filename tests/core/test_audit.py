"""The audit chain catches a changed, an inserted and a removed row, and names the first."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Engine

from helpline_core.db import session_scope
from helpline_core.services import audit


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


def test_an_untouched_chain_verifies(engine: Engine, secret_key: bytes) -> None:
    _fill(engine, secret_key)
    result = _verify(engine, secret_key)
    assert result.ok and result.checked == 5


def test_a_changed_row_is_named(engine: Engine, secret_key: bytes) -> None:
    _fill(engine, secret_key)
    with engine.begin() as connection:
        connection.execute(text("UPDATE auditevent SET actor = 'counsellor:someone' WHERE id = 3"))
    result = _verify(engine, secret_key)
    assert not result.ok
    assert result.first_bad_id == 3


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
    result = _verify(engine, secret_key)
    assert not result.ok
    assert result.first_bad_id == 3


def test_a_removed_row_is_named(engine: Engine, secret_key: bytes) -> None:
    _fill(engine, secret_key)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM auditevent WHERE id = 2"))
    result = _verify(engine, secret_key)
    assert not result.ok
    assert result.first_bad_id == 2
    assert "removed" in result.problem


def test_removing_the_newest_rows_is_caught(engine: Engine, secret_key: bytes) -> None:
    _fill(engine, secret_key)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM auditevent WHERE id >= 4"))
    result = _verify(engine, secret_key)
    assert not result.ok
    assert result.first_bad_id == 4


def test_another_key_cannot_verify(engine: Engine, secret_key: bytes) -> None:
    _fill(engine, secret_key)
    result = _verify(engine, b"x" * 32)
    assert not result.ok and result.first_bad_id == 1


def test_detail_keeps_no_free_text_types(engine: Engine, secret_key: bytes) -> None:
    with session_scope(engine) as session:
        event = audit.record(session, secret_key, actor="cli:root", action="x", detail={"n": 1})
    assert event.detail == '{"n": 1}'
