"""The relay's database access: one writer task with group commit, and reads in threads.

Every write goes through one queue. The writer takes everything pending, runs it in ONE
transaction in a worker thread, commits, then resolves the callers' futures (so acks follow the
commit). There is no timer: the next batch starts as soon as the previous one is committed, so
one message alone is committed at once and many messages under load share a transaction.
If a batch fails (a resent client id hits the unique constraint, say), each operation is
retried alone so that one bad operation never fails the others.

The writer keeps a connection of its own (no pool checkout, and on PostgreSQL no pre-ping
round trip, per batch). On SQLite it runs the batch on the event loop itself, on that
connection, which never waits for a lock (busy_timeout 0) and never checkpoints: a WAL commit
without fsync takes microseconds, and a thread hand-off per batch costs more than that (GIL,
wake-ups). On PostgreSQL the batch runs in a worker thread; a batch of messages only is one
statement on an autocommit connection (one round trip instead of four). If anything goes
wrong on an own connection (the CLI holds SQLite's write lock, a constraint fails, the
connection was lost) the batch runs the pooled way in a worker thread as above, which may
wait. The SQLite WAL is checkpointed by a background thread (CHECKPOINT_SECONDS), so no commit
on the loop ever does that I/O.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session

from helpline_core.services import chats

T = TypeVar("T")
log = logging.getLogger("relay.store")
CHECKPOINT_SECONDS = 1.0
MAX_BATCH = 1000  # operations per transaction (keeps statements within parameter limits)


@dataclass
class _Op:
    future: asyncio.Future[Any]
    message: chats.NewMessage | None = None
    fn: Callable[[Session], Any] | None = None


class Store:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._pending: list[_Op] = []
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._closing = False
        self.batches = 0
        self.ops = 0
        self.busy = 0.0  # seconds the writer spent in database work
        self.handed_off = 0  # batches that failed on the writer's connection
        self._inline = engine.dialect.name == "sqlite"
        self._connection: Connection | None = None
        self._autocommit: Connection | None = None  # PostgreSQL: for batches of messages
        self._checkpointer: asyncio.Task[None] | None = None

    def start(self) -> None:
        loop = asyncio.get_running_loop()
        self._task = loop.create_task(self._writer(), name="relay-writer")
        if self._inline:
            self._checkpointer = loop.create_task(self._checkpoints(), name="relay-checkpoint")

    async def stop(self) -> None:
        """Commit whatever is pending, then stop the writer."""
        self._closing = True
        self._wake.set()
        if self._task is not None:
            await self._task
        if self._checkpointer is not None:
            self._checkpointer.cancel()
        self._drop_connection()

    async def append(self, message: chats.NewMessage) -> chats.Stored:
        """Store a message (deduplicated by client id); returns once committed."""
        result: chats.Stored = await self._submit(_Op(self._future(), message=message))
        return result

    async def write(self, fn: Callable[[Session], T]) -> T:
        """Run fn(session) in the writer's transaction; returns once committed."""
        result: T = await self._submit(_Op(self._future(), fn=fn))
        return result

    async def read(self, fn: Callable[[Session], T]) -> T:
        """Run fn(session) in a thread, outside the writer (SQLite WAL / PostgreSQL MVCC)."""
        return await asyncio.to_thread(self._read, fn)

    def _read(self, fn: Callable[[Session], T]) -> T:
        with Session(self.engine, expire_on_commit=False) as session:
            return fn(session)

    def _future(self) -> asyncio.Future[Any]:
        return asyncio.get_running_loop().create_future()

    async def _submit(self, op: _Op) -> Any:
        if self._closing and self._task is not None and self._task.done():
            raise RuntimeError("store is closed")
        self._pending.append(op)
        self._wake.set()
        return await op.future

    async def _writer(self) -> None:
        while True:
            if not self._pending:
                if self._closing:
                    return
                await self._wake.wait()
                self._wake.clear()
                continue
            batch, self._pending = self._pending[:MAX_BATCH], self._pending[MAX_BATCH:]
            started = time.perf_counter()
            if self._inline:
                outcomes = self._run_on_own_connection(batch)
                await asyncio.sleep(0)  # let the callers run before the next batch
            elif all(op.message is not None for op in batch):
                outcomes = await asyncio.to_thread(self._run_messages_autocommit, batch)
            else:
                outcomes = await asyncio.to_thread(self._run_on_own_connection, batch)
            if outcomes is None:
                outcomes = await asyncio.to_thread(self._run_batch, batch)
            self.busy += time.perf_counter() - started
            self.batches += 1
            self.ops += len(batch)
            for op, outcome in zip(batch, outcomes, strict=True):
                if op.future.done():
                    continue
                if isinstance(outcome, BaseException):
                    op.future.set_exception(outcome)
                else:
                    op.future.set_result(outcome)

    def _own_connection(self) -> Connection:
        if self._connection is None:
            connection = self.engine.connect()
            if self._inline:
                connection.exec_driver_sql("PRAGMA busy_timeout=0")
                connection.exec_driver_sql("PRAGMA wal_autocheckpoint=0")
            connection.commit()  # end any autobegun transaction: sessions begin their own
            self._connection = connection
        return self._connection

    def _run_on_own_connection(self, batch: list[_Op]) -> list[Any] | None:
        """The batch on the writer's own connection, kept open (no pool checkout and ping per
        batch); None if it must go the pooled way (lock, constraint, lost connection)."""
        try:
            with Session(bind=self._own_connection(), expire_on_commit=False) as session:
                outcomes = self._apply(session, batch)
                session.commit()
                return outcomes
        except Exception as error:
            self._hand_off(error)
            return None

    def _run_messages_autocommit(self, batch: list[_Op]) -> list[Any] | None:
        """PostgreSQL, messages only: one statement that is its own transaction."""
        try:
            if self._autocommit is None:
                connection = self.engine.connect()
                self._autocommit = connection.execution_options(isolation_level="AUTOCOMMIT")
            messages = [op.message for op in batch if op.message is not None]
            return list(chats.append_batch_autocommit(self._autocommit, messages))
        except Exception as error:
            self._hand_off(error)
            return None

    def _hand_off(self, error: Exception) -> None:
        # Rare (a lock, a resent id, a lost connection): start afresh next time rather than
        # work out what state the own connections are in.
        self._drop_connection()
        self.handed_off += 1
        log.debug("batch failed (%s); the pooled way", type(error).__name__)

    def _drop_connection(self) -> None:
        for connection in (self._connection, self._autocommit):
            if connection is not None:
                with contextlib.suppress(Exception):
                    # Never back into the pool: its pragmas/isolation are the writer's own.
                    connection.invalidate()
                    connection.close()
        self._connection = self._autocommit = None

    async def _checkpoints(self) -> None:
        """Move the WAL into the database file now and then, off the loop (PASSIVE: it never
        blocks the writer; what readers still use waits for the next round)."""
        done = self.ops
        while True:
            await asyncio.sleep(CHECKPOINT_SECONDS)
            if self.ops == done:
                continue
            done = self.ops
            try:
                await asyncio.to_thread(self._checkpoint)
            except Exception as error:
                log.warning("checkpoint failed: %s", type(error).__name__)

    def _checkpoint(self) -> None:
        with self.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")

    def _run_batch(self, batch: list[_Op]) -> list[Any]:
        try:
            with Session(self.engine, expire_on_commit=False) as session:
                outcomes = self._apply(session, batch)
                session.commit()
                return outcomes
        except Exception as error:
            # Fall back to one transaction per operation (only the bad one fails).
            log.debug("batch of %d failed (%s); one by one", len(batch), type(error).__name__)
        return [self._run_alone(op) for op in batch]

    def _run_alone(self, op: _Op) -> Any:
        try:
            with Session(self.engine, expire_on_commit=False) as session:
                if op.message is not None:
                    outcome: Any = chats.append_one(session, op.message)
                else:
                    assert op.fn is not None
                    outcome = op.fn(session)
                session.commit()
                return outcome
        except Exception as error:  # handed to the caller
            log.warning("database operation failed: %s", type(error).__name__)
            return error

    def _apply(self, session: Session, batch: list[_Op]) -> list[Any]:
        outcomes: list[Any] = []
        run: list[chats.NewMessage] = []

        def flush_run() -> None:
            if run:
                outcomes.extend(chats.append_batch(session, list(run)))
                run.clear()

        for op in batch:
            if op.message is not None:
                run.append(op.message)
                continue
            flush_run()
            assert op.fn is not None
            outcomes.append(op.fn(session))
            session.flush()
        flush_run()
        return outcomes
