"""Deletion in bounded batches, each its own short transaction (synapse #4228: one huge
transaction locked the database), walking the ids upwards so no row is looked at twice."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from helpline_core.db import session_scope

DEFAULT_BATCH = 250


def in_transactions(engine: Engine, step: Callable[[Session, int], list[int]]) -> None:
    """Call `step(session, after)` in a transaction of its own until it handles no row; it
    returns the ids it handled, and the next call gets the highest as `after`."""
    after = 0
    while True:
        with session_scope(engine) as session:
            if engine.dialect.name == "postgresql":
                # A batch lost in a crash is simply done again by the next run (the rule still
                # matches, and what is owed to disk and mailbox commits with it), so its commit
                # need not wait for the WAL flush, nor hold up the relay's commits.
                session.execute(text("SET LOCAL synchronous_commit = off"))
            done = step(session, after)
        if not done:
            return
        after = max(done)


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

    def step(session: Session, after: int) -> list[int]:
        ids = [int(value) for value in session.exec(candidates(id_column, rule, after, size))]
        if ids:
            apply(session, ids)
        return ids

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
