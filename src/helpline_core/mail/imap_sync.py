"""Read a team's IMAP folder into the database, exactly once per message.

`MailboxState` holds the folder's UIDVALIDITY and the last UID stored. Each batch of messages
and the new last UID are committed in one transaction, so a crash re-reads at most the batch
that was not committed, and never skips one. When UIDVALIDITY changes (the folder was rebuilt)
the folder is read again from the start and Message-IDs already stored are recognised as
duplicates. The server's INTERNALDATE (capped at now) is the receipt time, so the answer clock
starts when the mail arrived, not when a worker that was down got round to reading it.

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

import aioimaplib
from sqlalchemy.engine import Engine
from sqlmodel import select

from helpline_core.clock import utcnow
from helpline_core.config import Settings, TeamSettings
from helpline_core.db import session_scope
from helpline_core.mail import parse_pool
from helpline_core.mail.imap import Fetched, parse_fetch, search_numbers, uid_set, uidvalidity_of
from helpline_core.mail.ingest import IngestResult, ThreadIndex, quarantine, store_parsed
from helpline_core.mail.parse import ParsedEmail, Quarantine
from helpline_core.mail.store import remove_attachment
from helpline_core.models import MailboxState, Team

log = logging.getLogger("helpline.mail")
BATCH_SIZE = 50
# Of a message over the size limit, this much is kept in quarantine; the rest stays on the server.
OVERSIZE_KEEP_BYTES = 1024 * 1024

OnResult = Callable[[IngestResult], None]
Parsed = Sequence[ParsedEmail | Quarantine] | None
POOL_MIN_BATCHES = 4  # a backlog of this many batches is parsed in other processes


@dataclass
class SyncReport:
    team: str
    stored: int = 0
    duplicates: int = 0
    quarantined: int = 0
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


class ImapCommandFailed(Exception):
    """The server answered NO or BAD to a command we need."""


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
    chunks = [pending[start : start + batch_size] for start in range(0, len(pending), batch_size)]
    if parse_processes is None:
        parse_processes = len(chunks) >= POOL_MIN_BATCHES and parse_pool.available()

    async def prepare(uids: Sequence[int]) -> tuple[list[tuple[int, int]], list[Fetched], Parsed]:
        sized, fetched = await _fetch_chunk(client, uids, settings.mail.max_message_bytes)
        if not parse_processes:
            return sized, fetched, None
        sizes = dict(sized)
        items = [(f.uid, sizes[f.uid], f.body or b"") for f in wanted_items(sizes, fetched)]
        return sized, fetched, await parse_pool.parse_in_pool(settings.mail, items)

    # Pipelined: the next batch is fetched (and parsed) while this one is stored in a thread.
    next_fetch = asyncio.ensure_future(prepare(chunks[0])) if chunks else None
    try:
        for number, chunk in enumerate(chunks):
            assert next_fetch is not None
            sized, fetched, parsed = await next_fetch
            next_fetch = None
            if number + 1 < len(chunks):
                next_fetch = asyncio.ensure_future(prepare(chunks[number + 1]))
            results = await asyncio.to_thread(
                store_batch, settings, engine, team.code, folder, uidvalidity, sized, fetched,
                parsed,
            )  # fmt: skip
            for result in results:
                report.add(result)
                if on_result is not None:
                    on_result(result)
            report.last_uid = chunk[-1]
    finally:
        if next_fetch is not None and not next_fetch.done():
            # The connection is abandoned by the caller after an error; don't leak the task.
            next_fetch.cancel()
            with contextlib.suppress(BaseException):
                await next_fetch
    return report


async def _fetch_chunk(
    client: aioimaplib.IMAP4, uids: Sequence[int], limit: int
) -> tuple[list[tuple[int, int]], list[Fetched]]:
    """Sizes first (a message over the limit is fetched only in part), then the messages.

    Returns (uid, size) for every UID asked for (0 when it vanished meanwhile) and what came."""
    response = await client.uid("fetch", uid_set(uids), "(UID RFC822.SIZE)")
    sizes = {item.uid: item.size or 0 for item in parse_fetch(_check(response, "FETCH").lines)}
    chunk = [(uid, sizes.get(uid, 0)) for uid in uids]
    normal = [uid for uid, size in chunk if uid in sizes and size <= limit]
    oversize = [uid for uid, size in chunk if size > limit]
    fetched: list[Fetched] = []
    if normal:
        response = await client.uid("fetch", uid_set(normal), "(UID INTERNALDATE BODY.PEEK[])")
        fetched.extend(parse_fetch(_check(response, "FETCH").lines))
    for uid in oversize:
        part = f"(UID INTERNALDATE RFC822.SIZE BODY.PEEK[]<0.{OVERSIZE_KEEP_BYTES}>)"
        response = await client.uid("fetch", str(uid), part)
        fetched.extend(parse_fetch(_check(response, "FETCH").lines))
    return chunk, fetched


def store_batch(
    settings: Settings,
    engine: Engine,
    mailbox: str,
    folder: str,
    uidvalidity: int,
    chunk: Sequence[tuple[int, int]],
    fetched: Sequence[Fetched],
    parsed: Parsed = None,
) -> list[IngestResult]:
    """Store a batch and advance the folder state in one transaction (`parsed`: the batch
    already parsed, in the order of `wanted_items`).

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
            settings, engine, mailbox, folder, uidvalidity, chunk, wanted, parsed, now, written
        )
    except Exception as error:
        log.warning(
            "team %s: batch store failed (%s); storing one by one", mailbox, type(error).__name__
        )
        _remove(settings, written)
    try:
        return _store(
            settings, engine, mailbox, folder, uidvalidity, chunk, wanted, parsed, now, written,
            careful=True,
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
                        reason=f"could not be stored: {type(error).__name__}",
                        uidvalidity=uidvalidity,
                        uid=item.uid,
                    )
                )
        index.flush_bulk(session)
        state = session.get(MailboxState, (mailbox, folder)) or MailboxState(
            mailbox=mailbox, folder=folder
        )
        state.uidvalidity = uidvalidity
        state.last_uid = max(
            state.last_uid if state.uidvalidity == uidvalidity else 0, chunk[-1][0]
        )
        state.updated_at = now
        session.add(state)
    return results
