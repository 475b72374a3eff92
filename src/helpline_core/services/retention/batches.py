"""Deletion in bounded batches, each its own short transaction (synapse #4228: one huge
transaction locked the database), walking the ids upwards so no row is looked at twice."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from helpline_core.db import session_scope

DEFAULT_BATCH = 250


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
    after = 0
    while True:
        with session_scope(engine) as session:
            ids = [
                int(value)
                for value in session.exec(
                    select(id_column)
                    .where(rule)
                    .where(col(id_column) > after)
                    .order_by(col(id_column))
                    .limit(size)
                )
            ]
            if not ids:
                return
            apply(session, ids)
        after = ids[-1]
