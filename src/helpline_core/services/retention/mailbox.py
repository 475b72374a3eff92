"""Removing expired mail from the IMAP mailboxes (E3), by UID.

Messages are flagged \\Deleted and removed with UID EXPUNGE (RFC 4315, UIDPLUS), which removes
exactly the given UIDs. A server without UIDPLUS only has EXPUNGE, which removes every \\Deleted
message of the folder: there the purge expunges only when no other message of the folder carries
\\Deleted (checked just before), and otherwise leaves its deletions pending, so it never removes
a message it was not asked to. A mailbox that cannot be reached keeps its pending rows; the run
names it and the next run retries. Where a deletion has to search by Message-ID, `guard` keeps
another sender's mail that reuses it and is still kept (the same guard erasure's thread deletion
uses, mail/delete.py).
"""

from __future__ import annotations

import asyncio
import logging
import ssl
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

import aioimaplib
from sqlalchemy import delete
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from helpline_core.config import Settings
from helpline_core.db import session_scope
from helpline_core.mail.imap import (
    MailLoginFailed,
    MailServerUnreachable,
    connect_imap,
    imap_quote,
    logout_quietly,
    search_numbers,
    uid_set,
    uidvalidity_of,
)
from helpline_core.models import (
    EmailDirection,
    EmailMessage,
    PendingDeletion,
    QuarantinedEmail,
)

log = logging.getLogger("helpline.retention")
MADE_UP_ID = "@no-message-id.invalid>"  # our stand-in for a missing Message-ID: not searchable


class ExpungeUnsafe(MailServerUnreachable):
    """Without UIDPLUS, EXPUNGE would also remove another client's \\Deleted messages."""


async def remove_messages(
    client: aioimaplib.IMAP4,
    folder: str,
    message_ids: Sequence[str],
    known: Sequence[tuple[int | None, int | None]],
    shared: Mapping[str, str | None] | None = None,
    foreign: set[tuple[int | None, int | None]] | None = None,
) -> int:
    """Remove from `folder` the messages with these (UIDVALIDITY, UID) pairs (when the folder's
    UIDVALIDITY still matches) and those found by these Message-IDs; returns how many.

    Senders reuse Message-IDs: a Message-ID in `shared` (another email that must stay has it too)
    is searched together with the sender given for it (IMAP FROM), or not at all when that is
    None; no UID in `foreign` (other emails' and quarantined mail's) is ever removed."""
    selected = await client.select(folder)
    if selected.result != "OK":
        raise MailServerUnreachable(f"folder {folder} cannot be opened")
    validity = uidvalidity_of(selected.lines)
    uids = {uid for uidvalidity, uid in known if uid is not None and uidvalidity == validity}
    others = {uid for uidvalidity, uid in foreign or () if uidvalidity == validity}
    for message_id in message_ids:
        if message_id.endswith(MADE_UP_ID):
            continue
        criteria = ["HEADER", "Message-ID", imap_quote(message_id)]
        if shared is not None and message_id in shared:
            sender = shared[message_id]
            if not sender:
                continue  # another thread has this id and ours cannot be told apart: UID only
            criteria += ["FROM", imap_quote(sender)]
        response = await client.uid_search(*criteria, charset=None)
        if response.result == "OK":
            uids.update(uid for uid in search_numbers(response.lines) if uid not in others)
    uids -= others
    if not uids:
        return 0
    ordered = uid_set(sorted(uids))
    uidplus = client.has_capability("UIDPLUS")
    if not uidplus:
        flagged = await client.uid_search("DELETED", charset=None)
        if flagged.result != "OK" or set(search_numbers(flagged.lines)) - uids:
            raise ExpungeUnsafe(f"{folder}: other messages are flagged deleted and no UIDPLUS")
    stored = await client.uid("store", ordered, "+FLAGS.SILENT", "(\\Deleted)")
    if stored.result != "OK":
        raise MailServerUnreachable(f"flagging messages in {folder} was refused")
    expunged = await (client.uid("expunge", ordered) if uidplus else client.expunge())
    if expunged.result != "OK":
        raise MailServerUnreachable(f"expunging {folder} was refused")
    return len(uids)


@dataclass
class MailboxOutcome:
    """`removed` messages expunged; `waiting` pending rows per team mailbox not reached."""

    removed: int = 0
    waiting: dict[str, int] = field(default_factory=dict)


@dataclass
class Guard:
    """What a Message-ID search in a team's mailbox must leave alone (senders reuse
    Message-IDs): `shared`, Message-IDs of emails still kept whose place in the folder is not
    known (no UID), mapped to None, so not searched at all; `foreign`, the (UIDVALIDITY, UID) of
    the kept emails with the searched Message-IDs and of the mailbox's quarantined mail."""

    shared: dict[str, str | None] = field(default_factory=dict)
    foreign: set[tuple[int | None, int | None]] = field(default_factory=set)


def guard(session: Session, mailbox: str, message_ids: Collection[str]) -> Guard:
    """The guard for a search by these Message-IDs in team `mailbox`'s folder, from the
    emails stored now (those being deleted are gone from the database already)."""
    kept = session.exec(
        select(EmailMessage.message_id, EmailMessage.imap_uidvalidity, EmailMessage.imap_uid)
        .where(col(EmailMessage.message_id).in_(sorted(set(message_ids))))
        .where(EmailMessage.mailbox == mailbox)
        .where(EmailMessage.direction == EmailDirection.INBOUND)
    ).all()
    quarantined = session.exec(
        select(QuarantinedEmail.imap_uidvalidity, QuarantinedEmail.imap_uid).where(
            QuarantinedEmail.mailbox == mailbox
        )
    ).all()
    return Guard(
        shared={message_id: None for message_id, _, uid in kept if uid is None},
        foreign={(validity, uid) for _, validity, uid in kept if uid is not None}
        | {(validity, uid) for validity, uid in quarantined},
    )


def _load(engine: Engine) -> dict[str, tuple[list[PendingDeletion], Guard]]:
    with session_scope(engine) as session:
        rows = session.exec(
            select(PendingDeletion)
            .where(PendingDeletion.kind == "imap")
            .order_by(col(PendingDeletion.id))
        ).all()
        grouped: dict[str, list[PendingDeletion]] = {}
        for row in rows:
            grouped.setdefault(row.mailbox or "", []).append(row)
        return {
            code: (items, guard(session, code, [r.message_id for r in items if r.message_id]))
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
    kept: Guard,
    ssl_context: ssl.SSLContext | None,
    environ: Mapping[str, str] | None,
) -> int:
    team = settings.team(code)
    if team is None or not team.mail.imap_host:
        return 0  # no mailbox configured any more: nothing can be reached or removed
    client = await connect_imap(team.mail, ssl_context=ssl_context, environ=environ)
    try:
        removed = 0
        folders: dict[str, list[PendingDeletion]] = {}
        for row in rows:
            folders.setdefault(row.folder or team.mail.imap_folder, []).append(row)
        for folder, items in folders.items():
            by_uid = [(r.uidvalidity, r.uid) for r in items if r.uid is not None]
            # Search by Message-ID only where no UID is known (the Sent copies, mail stored
            # without one). In the team's own folder another sender's kept mail may have the
            # same Message-ID: the guard keeps it (the Sent folder holds only our replies).
            by_id = [r.message_id for r in items if r.uid is None and r.message_id]
            if folder == team.mail.imap_folder:
                removed += await remove_messages(
                    client, folder, by_id, by_uid, kept.shared, kept.foreign
                )
            else:
                removed += await remove_messages(client, folder, by_id, by_uid)
        return removed
    finally:
        await logout_quietly(client)


async def clear_mailboxes(
    settings: Settings,
    engine: Engine,
    *,
    ssl_context: ssl.SSLContext | None = None,
    environ: Mapping[str, str] | None = None,
) -> MailboxOutcome:
    """Carry out every pending mailbox deletion; a mailbox that fails keeps its rows."""
    outcome = MailboxOutcome()
    for code, (rows, kept) in (await asyncio.to_thread(_load, engine)).items():
        try:
            outcome.removed += await _clear_one(settings, code, rows, kept, ssl_context, environ)
        except (MailServerUnreachable, MailLoginFailed, OSError, TimeoutError) as error:
            log.warning("team %s: mailbox deletions wait (%s)", code, type(error).__name__)
            outcome.waiting[code] = len(rows)
            continue
        await asyncio.to_thread(_done, engine, [row.id for row in rows if row.id is not None])
    return outcome
