"""Read a team's IMAP folder into the database, exactly once per message.

`MailboxState` holds the folder's UIDVALIDITY and the last UID stored. Each batch of messages
and the new last UID are committed in one transaction, so a crash re-reads at most the batch
that was not committed, and never skips one. When UIDVALIDITY changes (the folder was rebuilt)
the folder is read again from the start and messages already stored are recognised as
duplicates (`mail.ingest`). The server's INTERNALDATE (capped at now) is the receipt time, so
the answer clock starts when the mail arrived, not when a worker that was down got round to
reading it.

The first read of a folder (no state yet) follows `first_sync` (issue 21): by default it starts
from now and leaves the mail already there alone ('unseen' takes the unread mail, 'all' every
mail); mail taken in that first read is due counted from the read, so an imported mailbox is
not overdue at once.

Database work runs in a thread so the relay's event loop keeps serving chats meanwhile.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any

import aioimaplib
from sqlalchemy.engine import Engine
from sqlmodel import select

from helpline_core.clock import utcnow
from helpline_core.config import Settings, TeamSettings
from helpline_core.db import session_scope
from helpline_core.mail import parse_pool
from helpline_core.mail.imap import (
    Fetched,
    ImapCommandFailed,
    parse_fetch,
    search_numbers,
    uid_set,
    uidvalidity_of,
)
from helpline_core.mail.ingest import IngestResult, ThreadIndex, quarantine, store_parsed
from helpline_core.mail.parse import ParsedEmail, Quarantine
from helpline_core.mail.reasons import reason
from helpline_core.mail.store import remove_attachment
from helpline_core.models import MailboxState, Team

log = logging.getLogger("helpline.mail")
BATCH_SIZE = 50
# Of a message over the size limit, this much is kept in quarantine; the rest stays on the server.
OVERSIZE_KEEP_BYTES = 1024 * 1024

OnResult = Callable[[IngestResult], None]
Parsed = Sequence[ParsedEmail | Quarantine] | None
POOL_MIN_BATCHES = 4  # a backlog of this many batches is parsed in other processes
PREFETCH_BATCHES = 2  # batches fetched (and being parsed) ahead of the one being stored
Prepared = tuple[list[tuple[int, int]], list[Fetched], "asyncio.Future[Parsed] | None"]


@dataclass
class SyncReport:
    team: str
    stored: int = 0
    duplicates: int = 0
    quarantined: int = 0
    parser_errors: int = 0  # of those quarantined: the parser raised (a bug, never the mail's)
    last_uid: int = 0
    new_conversations: list[int] = field(default_factory=list)

    def add(self, result: IngestResult) -> None:
        if result.kind == "stored":
            self.stored += 1
            if result.new_conversation and result.conversation_id is not None:
                self.new_conversations.append(result.conversation_id)
        elif result.kind == "duplicate":
            self.duplicates += 1
        else:
            self.quarantined += 1
            self.parser_errors += result.parser_error


def _check(response: aioimaplib.Response, what: str) -> aioimaplib.Response:
    if response.result != "OK":
        raise ImapCommandFailed(f"IMAP {what} failed ({response.result})")
    return response


def load_state(engine: Engine, mailbox: str, folder: str) -> tuple[int, int]:
    with session_scope(engine) as session:
        state = session.get(MailboxState, (mailbox, folder))
        return (state.uidvalidity, state.last_uid) if state else (0, 0)


async def sync_folder(
    client: aioimaplib.IMAP4,
    settings: Settings,
    engine: Engine,
    team: TeamSettings,
    *,
    on_result: OnResult | None = None,
    batch_size: int = BATCH_SIZE,
    parse_processes: bool | None = None,
) -> SyncReport:
    """Read every message newer than the stored state; returns what was done.

    `parse_processes`: parse in other processes (default: when there are several batches and
    more than one CPU)."""
    folder = team.mail.imap_folder
    report = SyncReport(team=team.code)
    selected = _check(await client.select(folder), f"SELECT {folder}")
    uidvalidity = uidvalidity_of(selected.lines)
    known_validity, last_uid = await asyncio.to_thread(load_state, engine, team.code, folder)
    first = not known_validity
    if known_validity and known_validity != uidvalidity:
        log.warning(
            "team %s: UIDVALIDITY of %s changed; reading the folder again", team.code, folder
        )
    if known_validity != uidvalidity:
        last_uid = 0
    report.last_uid = last_uid
    # SEARCH answers in one line; a FETCH of every size at once would be one line per message,
    # and aioimaplib handles the lines of one read recursively (RecursionError past ~1,000).
    found = _check(await client.uid_search("UID", f"{last_uid + 1}:*", charset=None), "SEARCH")
    # "n:*" always includes the highest UID, even when it is below n: filter.
    pending = sorted({uid for uid in search_numbers(found.lines) if uid > last_uid})
    clock_from: datetime | None = None
    start_after = 0
    if first and team.mail.first_sync != "all":
        start_after = pending[-1] if pending else 0
        pending = []
        if team.mail.first_sync == "unseen":
            unseen = _check(await client.uid_search("UNSEEN", charset=None), "SEARCH UNSEEN")
            pending = sorted(set(search_numbers(unseen.lines)))
        log.info("team %s: first read of %s; mail already there left alone", team.code, folder)
    if first:
        clock_from = utcnow()
    chunks = [pending[start : start + batch_size] for start in range(0, len(pending), batch_size)]
    if parse_processes is None:
        parse_processes = len(chunks) >= POOL_MIN_BATCHES and parse_pool.available()

    if parse_processes and chunks:
        parse_pool.warm_up()  # the process starts while the first batch is fetched

    async def parse(sized: list[tuple[int, int]], fetched: list[Fetched]) -> Parsed:
        sizes = dict(sized)
        items = [(f.uid, sizes[f.uid], f.body or b"") for f in wanted_items(sizes, fetched)]
        return await parse_pool.parse_in_pool(settings.mail, items)

    # Pipelined in three stages: batches are fetched one after another (one command at a time
    # on the connection), each is parsed in another process as soon as it has come, and stored
    # in a thread in order. The queue bounds how far fetching runs ahead.
    ready: asyncio.Queue[Prepared] = asyncio.Queue(maxsize=PREFETCH_BATCHES)

    async def fetch_all() -> None:
        for uids in chunks:
            sized, fetched = await _fetch_chunk(client, uids, settings.mail.max_message_bytes)
            parsing = asyncio.ensure_future(parse(sized, fetched)) if parse_processes else None
            await ready.put((sized, fetched, parsing))

    fetcher = asyncio.ensure_future(fetch_all()) if chunks else None
    try:
        for chunk in chunks:
            assert fetcher is not None
            sized, fetched, parsing = await _next_ready(ready, fetcher)
            parsed = await parsing if parsing is not None else None
            results = await asyncio.to_thread(
                store_batch, settings, engine, team.code, folder, uidvalidity, sized, fetched,
                parsed, clock_from,
            )  # fmt: skip
            for result in results:
                report.add(result)
                if on_result is not None:
                    on_result(result)
            report.last_uid = chunk[-1]
    finally:
        # After an error the connection is abandoned by the caller; don't leak the tasks.
        pending_tasks: list[asyncio.Future[Any]] = [fetcher] if fetcher is not None else []
        while not ready.empty():
            waiting = ready.get_nowait()[2]
            if waiting is not None:
                pending_tasks.append(waiting)
        for task in pending_tasks:
            if not task.done():
                task.cancel()
            with contextlib.suppress(BaseException):
                await task
    if first:
        # Recorded after the batches: a crash before this reads the first batch's range again.
        report.last_uid = max(report.last_uid, start_after)
        await asyncio.to_thread(save_state, engine, team.code, folder, uidvalidity, report.last_uid)
    return report


def save_state(engine: Engine, mailbox: str, folder: str, uidvalidity: int, last_uid: int) -> None:
    """The folder is read up to `last_uid` (never moved back within one UIDVALIDITY)."""
    with session_scope(engine) as session:
        state = session.get(MailboxState, (mailbox, folder)) or MailboxState(
            mailbox=mailbox, folder=folder
        )
        kept = state.last_uid if state.uidvalidity == uidvalidity else 0
        state.uidvalidity = uidvalidity
        state.last_uid = max(kept, last_uid)
        state.updated_at = utcnow()
        session.add(state)


async def _next_ready(ready: asyncio.Queue[Prepared], fetcher: asyncio.Future[None]) -> Prepared:
    """The next fetched batch; raises what the fetcher raised if it failed first."""
    while ready.empty() and not fetcher.done():
        getting = asyncio.ensure_future(ready.get())
        waited: list[asyncio.Future[Any]] = [getting, fetcher]
        try:
            await asyncio.wait(waited, return_when=asyncio.FIRST_COMPLETED)
        finally:
            if not getting.done():
                getting.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await getting
        if getting.done() and not getting.cancelled():
            return getting.result()
    if not ready.empty():
        return ready.get_nowait()
    fetcher.result()  # raises the fetcher's error
    raise ImapCommandFailed("fetching ended before every batch came")


async def _fetch_chunk(
    client: aioimaplib.IMAP4, uids: Sequence[int], limit: int
) -> tuple[list[tuple[int, int]], list[Fetched]]:
    """The messages of a batch; one over the limit only in part.

    Every message is first fetched up to OVERSIZE_KEEP_BYTES: what comes shorter than that is the
    whole message (asking the size first would cost the server nearly as much as the message).
    Only for the few that fill the window is the size asked for; those within the limit are then
    fetched whole, the others keep their start. Returns (uid, size) for every UID asked for (0
    when it vanished meanwhile) and what came."""
    window = OVERSIZE_KEEP_BYTES
    response = await client.uid(
        "fetch", uid_set(uids), f"(UID INTERNALDATE BODY.PEEK[]<0.{window}>)"
    )
    fetched = [f for f in parse_fetch(_check(response, "FETCH").lines) if f.body is not None]
    sizes = {f.uid: len(f.body or b"") for f in fetched}
    long = [uid for uid in uids if sizes.get(uid, 0) >= window]
    if long:
        response = await client.uid("fetch", uid_set(long), "(UID RFC822.SIZE)")
        real = {f.uid: f.size or 0 for f in parse_fetch(_check(response, "FETCH").lines)}
        sizes.update((uid, size) for uid, size in real.items() if uid in sizes)
        whole = [uid for uid in long if uid in real and real[uid] <= limit]
        complete: dict[int, Fetched] = {}
        if whole:
            response = await client.uid("fetch", uid_set(whole), "(UID INTERNALDATE BODY.PEEK[])")
            complete = {
                f.uid: f for f in parse_fetch(_check(response, "FETCH").lines) if f.body is not None
            }
        # Expunged meanwhile: left out, as if it had gone before the first FETCH.
        gone = {uid for uid in long if uid not in real} | (set(whole) - complete.keys())
        fetched = [complete.get(f.uid, f) for f in fetched if f.uid not in gone]
        for uid in gone:
            del sizes[uid]
    return [(uid, sizes.get(uid, 0)) for uid in uids], fetched


def store_batch(
    settings: Settings,
    engine: Engine,
    mailbox: str,
    folder: str,
    uidvalidity: int,
    chunk: Sequence[tuple[int, int]],
    fetched: Sequence[Fetched],
    parsed: Parsed = None,
    clock_from: datetime | None = None,
) -> list[IngestResult]:
    """Store a batch and advance the folder state in one transaction (`parsed`: the batch
    already parsed, in the order of `wanted_items`; `clock_from`: answer clocks start no
    earlier than this, for mail of a first read).

    Fast path: the whole batch in one transaction. If anything fails, the batch is rolled back
    and stored again one message per savepoint, so that only the message that fails is
    quarantined (with the reason) and the rest are kept (E4).
    """
    sizes = dict(chunk)
    wanted = wanted_items(sizes, fetched)
    now = utcnow()
    if parsed is None:
        items = [(item.uid, sizes[item.uid], item.body or b"") for item in wanted]
        parsed = parse_pool.parse_items(settings.mail, items)
    written: list[str] = []
    try:
        return _store(
            settings, engine, mailbox, folder, uidvalidity, chunk, wanted, parsed, now, written,
            clock_from=clock_from,
        )  # fmt: skip
    except Exception as error:
        log.warning(
            "team %s: batch store failed (%s); storing one by one", mailbox, type(error).__name__
        )
        _remove(settings, written)
    try:
        return _store(
            settings, engine, mailbox, folder, uidvalidity, chunk, wanted, parsed, now, written,
            careful=True, clock_from=clock_from,
        )  # fmt: skip
    except BaseException:
        _remove(settings, written)
        raise


def _remove(settings: Settings, written: list[str]) -> None:
    """Files of a rolled-back transaction: no row points at them."""
    for name in written:
        remove_attachment(settings, name)
    written.clear()


def wanted_items(sizes: dict[int, int], fetched: Sequence[Fetched]) -> list[Fetched]:
    """The messages of a batch to store, by UID (not asked for or expunged meanwhile: left out)."""
    return [
        item
        for item in sorted(fetched, key=lambda fetched_item: fetched_item.uid)
        if item.uid in sizes and item.body is not None
    ]


def _store(
    settings: Settings,
    engine: Engine,
    mailbox: str,
    folder: str,
    uidvalidity: int,
    chunk: Sequence[tuple[int, int]],
    wanted: Sequence[Fetched],
    parsed: Sequence[ParsedEmail | Quarantine],
    now: datetime,
    written: list[str],
    *,
    careful: bool = False,
    clock_from: datetime | None = None,
) -> list[IngestResult]:
    results: list[IngestResult] = []
    with session_scope(engine) as session:
        team = session.exec(select(Team).where(Team.code == mailbox)).one()
        emails = [item for item in parsed if isinstance(item, ParsedEmail)]
        index = ThreadIndex(session, settings, team, emails, now, bulk=not careful)
        index.written = written
        for item, result in zip(wanted, parsed, strict=True):
            assert item.body is not None
            received = min(item.internal_date or now, now)
            store = partial(
                store_parsed, session, settings, team=team, raw=item.body, parsed=result,
                index=index, uidvalidity=uidvalidity, uid=item.uid, received_at=received,
                clock_from=clock_from,
            )  # fmt: skip
            if not careful:
                results.append(store())
                continue
            mark = len(written)
            try:
                with session.begin_nested():
                    results.append(store())
            except Exception as error:
                _remove(settings, written[mark:])
                del written[mark:]
                log.warning(
                    "team %s: UID %s not stored (%s)", mailbox, item.uid, type(error).__name__
                )
                results.append(
                    quarantine(
                        session,
                        mailbox=mailbox,
                        raw=item.body,
                        reason=reason("store_failed", error=type(error).__name__),
                        uidvalidity=uidvalidity,
                        uid=item.uid,
                    )
                )
        index.flush_bulk(session)
        results = index.settle(results)
        state = session.get(MailboxState, (mailbox, folder)) or MailboxState(
            mailbox=mailbox, folder=folder
        )
        state.last_uid = max(
            state.last_uid if state.uidvalidity == uidvalidity else 0, chunk[-1][0]
        )
        state.uidvalidity = uidvalidity
        state.updated_at = now
        session.add(state)
    return results
