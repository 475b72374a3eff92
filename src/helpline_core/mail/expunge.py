"""Removing mail from a team's IMAP folders for deletion (E3): the retention purge's
(services/retention/mailbox.py) and a thread's deletion on request (mail/delete.py) both go
through `remove_messages`, and both let one rule, `may_go`, decide which search hits may go.

A message is removed by its UID where its place is known (UID under the folder's current
UIDVALIDITY), otherwise found by a search for its Message-ID (RFC 3501 6.4.4, `HEADER
Message-ID`). Senders reuse Message-IDs (broken mailers, templates, a forward, our own reply coming
back), so a search can also find mail that is still kept. Kept mail whose place is known is left
out by its UID; where kept mail with the same Message-ID has no known place, the search adds the
sender (`FROM`) and its hits may go only when none of that kept mail could be among them.
Otherwise every hit stays (kept mail is never removed) and the message is counted as left for a
person: `Removal.left`, which the callers report. The server's FROM reads the From field its own
way (pymap and Dovecot drop an address's quotes; a sender taken from the Sender header is not in
From at all), so a FROM search that finds none of the messages proves nothing: it is repeated by
Message-ID alone, whose hits beside such kept mail are in doubt (left). A message that the
Message-ID alone does not find is not in the folder (a person removed it, or its Sent copy was
never stored): nothing is left there, and it is not counted.

Removal is \\Deleted plus UID EXPUNGE (RFC 4315, UIDPLUS), which removes exactly the given UIDs.
A server without UIDPLUS only has EXPUNGE, which removes every \\Deleted message of the folder:
there we expunge only when no other message of the folder carries \\Deleted (checked just before).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace

import aioimaplib
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from helpline_core.mail.imap import (
    MailServerUnreachable,
    imap_quote,
    search_numbers,
    uid_set,
    uidvalidity_of,
)
from helpline_core.models import EmailDirection, EmailMessage, QuarantinedEmail

MADE_UP_ID = "@no-message-id.invalid>"  # our stand-in for a missing Message-ID: not searchable


class ExpungeUnsafe(MailServerUnreachable):
    """Without UIDPLUS, EXPUNGE would also remove another client's \\Deleted messages."""


@dataclass(frozen=True)
class Mail:
    """A message of a team mailbox: its Message-ID and sender (what a search can find it by)
    and its place (UIDVALIDITY, UID) where known."""

    message_id: str | None
    from_address: str | None = None
    uidvalidity: int | None = None
    uid: int | None = None

    def placed(self, validity: int) -> bool:
        """Is its place known in a folder whose UIDVALIDITY is `validity`?"""
        return self.uid is not None and self.uidvalidity == validity


@dataclass(frozen=True)
class Going(Mail):
    """A message to remove (quarantined mail has a place only, no Message-ID)."""


@dataclass(frozen=True)
class Kept(Mail):
    """Stored mail of the same team mailbox that stays; with the sender's name, since FROM
    matches the name as well as the address. Its place is in the team's folder."""

    from_name: str | None = None

    def found_by(self, sender: str | None) -> bool:
        """Could a search `FROM sender` find this mail? FROM matches a substring of the From
        field, case-insensitively (RFC 3501 6.4.4), as the server reads that field: pymap and
        Dovecot drop the quotes of `"anna"@x`, so quotes are ignored on both sides (a guard
        that errs says yes). No sender searched or none stored: yes."""
        if sender is None or self.from_address is None:
            return True
        needle = unquoted(sender)
        return needle in unquoted(self.from_address) or needle in unquoted(self.from_name or "")


def unquoted(text: str) -> str:
    """`text` case-folded without the quoting characters of an address (`"`, `\\`): how a
    server's FROM may read it. What a FROM search sends, and what the guard compares."""
    return text.casefold().replace('"', "").replace("\\", "")


@dataclass(frozen=True)
class Staying:
    """What a search in a team's folder must leave alone: the kept mail that has one of the
    searched Message-IDs, and the places of the mailbox's quarantined mail."""

    kept: tuple[Kept, ...] = ()
    quarantined: frozenset[tuple[int | None, int | None]] = frozenset()

    def elsewhere(self) -> Staying:
        """The same mail seen from another folder of the mailbox (the Sent folder): stored UIDs
        are places in the team's folder, so there no kept mail has a known place."""
        return Staying(tuple(replace(k, uidvalidity=None, uid=None) for k in self.kept))

    def places(self, validity: int) -> set[int]:
        """The UIDs under `validity` that hold kept or quarantined mail: never removed."""
        quarantined = {uid for v, uid in self.quarantined if uid is not None and v == validity}
        return {k.uid for k in self.kept if k.uid is not None and k.placed(validity)} | quarantined

    def unplaced(self, message_id: str | None, validity: int) -> list[Kept]:
        """Kept mail with this Message-ID whose place in the folder is not known."""
        return [k for k in self.kept if k.message_id == message_id and not k.placed(validity)]


@dataclass(frozen=True)
class Verdict:
    """`go`: the search hits that may be removed; `left`: messages to remove that stay, because
    the search cannot tell them from kept mail (for a person to look at)."""

    go: frozenset[int]
    left: int = 0


def may_go(
    hits: Collection[int],
    *,
    message_id: str,
    sender: str | None,
    going: Sequence[Going],
    staying: Staying,
    validity: int,
) -> Verdict:
    """Which of `hits` may be removed: the UIDs a search for `message_id` (with `FROM sender`,
    unless None) found in a folder whose UIDVALIDITY is `validity`, looking for `going` (the
    messages with that Message-ID, and that sender, to remove; some may be placed by UID).

    A UID of kept or quarantined mail never goes. The other hits go, unless kept mail with this
    Message-ID has no known place and the search could have found it (`Kept.found_by`): then the
    search cannot tell the copies apart, only the messages placed by UID go, and each message of
    `going` without a place is counted in `left`. Hits that are all placed messages of `going`
    leave nothing in doubt (the unplaced ones are not in the folder)."""
    found = set(hits) - staying.places(validity)
    placed = {g.uid for g in going if g.uid is not None and g.placed(validity)}
    if not found - placed:
        return Verdict(frozenset(found))
    if not any(k.found_by(sender) for k in staying.unplaced(message_id, validity)):
        return Verdict(frozenset(found))
    return Verdict(frozenset(found & placed), sum(1 for g in going if not g.placed(validity)))


def staying_mail(
    session: Session, mailbox: str, message_ids: Collection[str], *, leaving: int | None = None
) -> Staying:
    """The guard for searches by these Message-IDs in team `mailbox`'s folders: the stored emails
    with them, either direction (not those of conversation `leaving`, which go with it; rows the
    purge deleted are gone already), and the places of the mailbox's quarantined mail."""
    statement = (
        sa_select(
            col(EmailMessage.message_id),
            col(EmailMessage.direction),
            col(EmailMessage.from_address),
            col(EmailMessage.from_name),
            col(EmailMessage.imap_uidvalidity),
            col(EmailMessage.imap_uid),
        )
        .where(col(EmailMessage.message_id).in_(sorted(set(message_ids))))
        .where(col(EmailMessage.mailbox) == mailbox)
    )
    if leaving is not None:
        statement = statement.where(col(EmailMessage.conversation_id) != leaving)
    kept = []
    for message_id, direction, sender, name, validity, uid in session.execute(statement):
        if direction != EmailDirection.INBOUND:
            validity = uid = None  # only an inbound email's UID is a place (the team's folder)
        kept.append(Kept(message_id, sender, validity, uid, from_name=name))
    quarantined = session.exec(
        select(QuarantinedEmail.imap_uidvalidity, QuarantinedEmail.imap_uid).where(
            QuarantinedEmail.mailbox == mailbox
        )
    ).all()
    return Staying(tuple(kept), frozenset((validity, uid) for validity, uid in quarantined))


# An untagged EXPUNGE response as aioimaplib gives it: "<sequence number> EXPUNGE".
_EXPUNGE_RESPONSE = re.compile(rb"\d+ EXPUNGE", re.IGNORECASE)


@dataclass
class Removal:
    """`removed` messages expunged; `left` messages to remove that stayed: a search cannot tell
    them from kept mail (`may_go`; also when only the Message-ID finds them), the server refused
    the search, or nothing can find them (no place under the folder's UIDVALIDITY and no
    searchable Message-ID)."""

    removed: int = 0
    left: int = 0


def _quotable(value: str | None) -> bool:
    """Can this go into an IMAP quoted string without CHARSET (ASCII without CR, LF, NUL;
    RFC 3501 4.3 and 6.4.4)? A sender that cannot is not searched for (FROM left out)."""
    if not value:
        return False
    return value.isascii() and not any(char in value for char in "\r\n\x00")


def _searches(
    going: Sequence[Going], staying: Staying, validity: int, search_placed: bool
) -> tuple[dict[tuple[str, str | None], list[Going]], int]:
    """The searches to make, as (Message-ID, sender or None) -> the messages each looks for,
    and how many unplaced messages cannot be searched for (no usable Message-ID)."""
    searches: dict[tuple[str, str | None], list[Going]] = {}
    unsearchable = 0
    for item in going:
        placed = item.placed(validity)
        if placed and not search_placed:
            continue
        message_id = item.message_id
        if message_id is None or message_id.endswith(MADE_UP_ID) or not _quotable(message_id):
            unsearchable += 0 if placed else 1
            continue
        # FROM only where kept mail with this id has no place: elsewhere UIDs guard enough,
        # and a sender whose From header reads differently would not be found.
        sender = item.from_address if staying.unplaced(message_id, validity) else None
        key = unquoted(sender) if sender is not None and _quotable(sender) else None
        searches.setdefault((message_id, key), []).append(item)
    return searches, unsearchable


async def remove_messages(
    client: aioimaplib.IMAP4,
    folder: str,
    going: Sequence[Going],
    staying: Staying | None = None,
    *,
    search_placed: bool = False,
) -> Removal:
    """Remove `going` from `folder`: by UID where placed, else found by Message-ID search
    (also the placed ones when `search_placed`, to find a second delivered copy); `staying`
    decides which hits may go (`may_go`). Raises MailServerUnreachable (ExpungeUnsafe) when
    the folder cannot be opened or the server refuses to flag or expunge."""
    guard = staying or Staying()
    selected = await client.select(folder)
    if selected.result != "OK":
        raise MailServerUnreachable(f"folder {folder} cannot be opened")
    validity = uidvalidity_of(selected.lines)
    uids = {g.uid for g in going if g.uid is not None and g.placed(validity)}
    searches, left = _searches(going, guard, validity, search_placed)
    for (message_id, sender), items in searches.items():
        unplaced = sum(1 for g in items if not g.placed(validity))
        hits = await _search(client, message_id, sender)
        if sender is not None and unplaced and hits is not None:
            placed = {g.uid for g in items if g.placed(validity)}
            if not set(hits) - guard.places(validity) - placed:
                # FROM found none of the unplaced messages. That says nothing: the server reads
                # the From field its own way (an encoded or odd header, a sender we took from
                # another header). By Message-ID alone: found, it is in doubt (left); not
                # found, it is not in the folder.
                sender = None
                hits = await _search(client, message_id, None)
        if hits is None:
            left += unplaced
            continue
        verdict = may_go(
            hits, message_id=message_id, sender=sender, going=items, staying=guard,
            validity=validity,
        )  # fmt: skip
        uids |= verdict.go
        left += verdict.left
    uids -= guard.places(validity)
    removed = await _expunge(client, folder, uids) if uids else 0
    return Removal(removed, left)


async def _search(
    client: aioimaplib.IMAP4, message_id: str, sender: str | None
) -> list[int] | None:
    """UIDs of the folder's mail with this Message-ID (and `FROM sender`); None if refused."""
    criteria = ["HEADER", "Message-ID", imap_quote(message_id)]
    if sender is not None:
        criteria += ["FROM", imap_quote(sender)]
    response = await client.uid_search(*criteria, charset=None)
    if response.result != "OK":
        return None
    return list(search_numbers(response.lines))


async def _expunge(client: aioimaplib.IMAP4, folder: str, uids: set[int]) -> int:
    """Flag `uids` deleted and expunge them; the number of messages the server says it expunged
    (its untagged EXPUNGE responses, RFC 3501 7.4.1): a UID another client removed first is not
    counted."""
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
    return sum(1 for line in expunged.lines if _EXPUNGE_RESPONSE.fullmatch(bytes(line).strip()))
