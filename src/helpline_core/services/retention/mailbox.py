"""Removing expired mail from the IMAP mailboxes (E3): carrying out the pending mailbox rows
the purge wrote (`PendingDeletion`, kind "imap"), per team mailbox and folder.

The removal itself, by UID or by Message-ID search with the guard that keeps mail still stored,
is mail/expunge.py, shared with a thread's deletion on request (mail/delete.py). A mailbox that
cannot be reached keeps its pending rows; the run names it and the next run retries. A message the
search cannot tell from kept mail (or that nothing finds any more) stays in the mailbox and is
counted per team in `left`, for a person; its row is done (nothing a later run could do better:
once the kept mail expires too, its own search finds and removes both).
"""

from __future__ import annotations

import asyncio
import logging
import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import delete
from sqlalchemy.engine import Engine
from sqlmodel import col, func, select

from helpline_core.config import Settings
from helpline_core.db import session_scope
from helpline_core.mail.expunge import Going, Removal, Staying, remove_messages, staying_mail
from helpline_core.mail.imap import (
    MailLoginFailed,
    MailServerUnreachable,
    connect_imap,
    logout_quietly,
)
from helpline_core.models import PendingDeletion

log = logging.getLogger("helpline.retention")


@dataclass
class MailboxOutcome:
    """`removed` messages expunged; `waiting` pending rows per team mailbox not reached;
    `left` expired messages per team that stayed, for a person (`Removal.left`)."""

    removed: int = 0
    waiting: dict[str, int] = field(default_factory=dict)
    left: dict[str, int] = field(default_factory=dict)


def last_row(engine: Engine) -> int:
    """The highest pending mailbox row id now (0 for none): rows written later are above it."""
    with session_scope(engine) as session:
        found = session.exec(
            select(func.max(col(PendingDeletion.id))).where(PendingDeletion.kind == "imap")
        ).one()
        return int(found or 0)


def _load(engine: Engine, after: int) -> dict[str, tuple[list[PendingDeletion], Staying]]:
    with session_scope(engine) as session:
        rows = session.exec(
            select(PendingDeletion)
            .where(PendingDeletion.kind == "imap")
            .where(col(PendingDeletion.id) > after)
            .order_by(col(PendingDeletion.id))
        ).all()
        grouped: dict[str, list[PendingDeletion]] = {}
        for row in rows:
            grouped.setdefault(row.mailbox or "", []).append(row)
        return {
            code: (
                items,
                staying_mail(session, code, [r.message_id for r in items if r.message_id]),
            )
            for code, items in grouped.items()
        }


def _done(engine: Engine, ids: list[int]) -> None:
    for start in range(0, len(ids), 500):
        with session_scope(engine) as session:
            chunk = ids[start : start + 500]
            session.execute(delete(PendingDeletion).where(col(PendingDeletion.id).in_(chunk)))


async def _clear_one(
    settings: Settings,
    code: str,
    rows: list[PendingDeletion],
    kept: Staying,
    ssl_context: ssl.SSLContext | None,
    environ: Mapping[str, str] | None,
) -> Removal:
    team = settings.team(code)
    if team is None or not team.mail.imap_host:
        return Removal()  # no mailbox configured any more: nothing can be reached or removed
    client = await connect_imap(team.mail, ssl_context=ssl_context, environ=environ)
    try:
        total = Removal()
        folders: dict[str, list[PendingDeletion]] = {}
        for row in rows:
            folders.setdefault(row.folder or team.mail.imap_folder, []).append(row)
        for folder, items in folders.items():
            # Searched by Message-ID (and sender) only where the UID does not place it: the
            # Sent copies, mail stored without a UID, a folder whose UIDVALIDITY changed.
            going = [Going(r.message_id, r.from_address, r.uidvalidity, r.uid) for r in items]
            staying = kept if folder == team.mail.imap_folder else kept.elsewhere()
            removal = await remove_messages(client, folder, going, staying)
            total.removed += removal.removed
            total.left += removal.left
        return total
    finally:
        await logout_quietly(client)


async def clear_mailboxes(
    settings: Settings,
    engine: Engine,
    *,
    ssl_context: ssl.SSLContext | None = None,
    environ: Mapping[str, str] | None = None,
    after: int = 0,
) -> MailboxOutcome:
    """Carry out every pending mailbox deletion (only the rows above `after`, `last_row`: an
    erasure's own); a mailbox that fails keeps its rows. Raises nothing for a mailbox:
    failures are in `waiting`, messages left for a person in `left`."""
    outcome = MailboxOutcome()
    for code, (rows, kept) in (await asyncio.to_thread(_load, engine, after)).items():
        try:
            removal = await _clear_one(settings, code, rows, kept, ssl_context, environ)
        except (MailServerUnreachable, MailLoginFailed, OSError, TimeoutError) as error:
            log.warning("team %s: mailbox deletions wait (%s)", code, type(error).__name__)
            outcome.waiting[code] = len(rows)
            continue
        outcome.removed += removal.removed
        if removal.left:
            # Counts only: the message's id and sender are personal data.
            log.warning("team %s: %d expired message(s) left for a person", code, removal.left)
            outcome.left[code] = removal.left
        await asyncio.to_thread(_done, engine, [row.id for row in rows if row.id is not None])
    return outcome
