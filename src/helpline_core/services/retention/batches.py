"""Deletion in bounded batches, each its own short transaction (synapse #4228: one huge
transaction locked the database), walking the ids upwards so no row is looked at twice."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import delete, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

DEFAULT_BATCH = 250


def in_transactions(engine: Engine, step: Callable[[Session, int], int | None]) -> None:
    """Call `step(session, after)` in a transaction of its own until it finds no row; it
    returns the highest id it looked at (None: nothing left), the next call's `after`. All
    batches run on one connection of their own."""
    after = 0
    with engine.connect() as connection:
        postgres = connection.dialect.name == "postgresql"
        if postgres:
            # A batch lost in a crash is simply done again by the next run (the rule still
            # matches, and what is owed to disk and mailbox commits with it), so its commit
            # need not wait for the WAL flush, nor hold up the relay's commits.
            connection.execute(text("SET synchronous_commit = off"))
            connection.commit()
        try:
            while True:
                with Session(connection, expire_on_commit=False) as session:
                    last = step(session, after)
                    session.commit()
                if last is None:
                    return
                after = last
        finally:
            if postgres:
                connection.rollback()
                connection.execute(text("RESET synchronous_commit"))
                connection.commit()


def each_batch(
    engine: Engine,
    id_column: Any,
    rule: Any,
    apply: Callable[[Session, list[int]], None],
    *,
    size: int = DEFAULT_BATCH,
) -> None:
    """Call `apply(session, ids)` for the ids matching `rule`, `size` at a time, each batch in
    its own transaction. `apply` must re-check the rule in its statements: the candidates are
    only where to look, the rule is evaluated again when the rows go."""

    def step(session: Session, after: int) -> int | None:
        ids = [int(value) for value in session.exec(candidates(id_column, rule, after, size))]
        if not ids:
            return None
        apply(session, ids)
        return ids[-1]

    in_transactions(engine, step)


def candidates(id_column: Any, rule: Any, after: int, size: int) -> Any:
    """The next `size` ids past `after` that match `rule`, in id order."""
    return (
        select(id_column)
        .where(rule)
        .where(col(id_column) > after)
        .order_by(col(id_column))
        .limit(size)
    )


def delete_each_batch(engine: Engine, table: Any, rule: Any, *, size: int = DEFAULT_BATCH) -> int:
    """Delete the rows of `table` (with an `id`) matching `rule` in batches, the rule checked
    again in each DELETE; returns how many went."""
    gone = 0

    def apply(session: Session, ids: list[int]) -> None:
        nonlocal gone
        result = session.execute(delete(table).where(col(table.id).in_(ids)).where(rule))
        gone += int(result.rowcount or 0)  # type: ignore[attr-defined]

    each_batch(engine, table.id, rule, apply, size=size)
    return gone
