"""Whether an inbound email is already stored: the duplicate rule (E4: nothing lost).

A duplicate is the same message, not merely the same Message-ID: an inbound email of the same
mailbox with its Message-ID AND the same `content_key`. Senders reuse Message-IDs (broken
mailers, templates, forwarded copies, a hostile sender who wants a message hidden), so a
different message under a known Message-ID is stored as its own email, with REUSED_ID_NOTE.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import cast

from sqlalchemy import Table
from sqlalchemy import select as sa_select
from sqlmodel import Session

from helpline_core.mail.parse import ParsedEmail
from helpline_core.models import Attachment, EmailDirection, EmailMessage

_EMAIL = cast(Table, EmailMessage.__table__).c  # type: ignore[attr-defined]
_ATTACHMENT = cast(Table, Attachment.__table__).c  # type: ignore[attr-defined]

REUSED_ID_NOTE = "Message-ID already used by a different email: stored as its own email"


def content_key(
    from_address: str | None,
    header_date: datetime | None,
    subject: str | None,
    body_text: str,
    attachments: Iterable[tuple[int, str | None]],
) -> str:
    """What makes two deliveries under one Message-ID the same message: the sender (case
    folded), the Date header (as UTC), the subject and text as shown, and the attachments'
    sizes and declared types. Transport headers (Received, delivery dates) are left out, so a
    copy delivered twice is one message; anything a reader would see that differs is not.
    Returns a SHA-256 hex digest."""
    date = header_date.astimezone(UTC).isoformat() if header_date else ""
    files = sorted(f"{size}:{kind or ''}" for size, kind in attachments)
    fields = [(from_address or "").lower(), date, subject or "", body_text, *files]
    return hashlib.sha256("\x00".join(fields).encode("utf-8", "surrogatepass")).hexdigest()


def parsed_content_key(parsed: ParsedEmail) -> str:
    """`content_key` of a parsed email."""
    return content_key(
        parsed.from_address, parsed.header_date, parsed.subject, parsed.body_text,
        ((item.size, item.declared_type) for item in parsed.attachments),
    )  # fmt: skip


def stored_content_keys(session: Session, mailbox: str, ids: set[str]) -> dict[str, set[str]]:
    """`content_key`s of the mailbox's inbound emails with these Message-IDs, by Message-ID."""
    rows = session.execute(
        sa_select(
            _EMAIL.id, _EMAIL.message_id, _EMAIL.from_address, _EMAIL.header_date,
            _EMAIL.subject, _EMAIL.body_text,
        )
        .where(_EMAIL.message_id.in_(ids))
        .where(_EMAIL.mailbox == mailbox)
        .where(_EMAIL.direction == EmailDirection.INBOUND)
    ).all()  # fmt: skip
    files: dict[int, list[tuple[int, str | None]]] = {}
    for email_id, size, declared in session.execute(
        sa_select(_ATTACHMENT.email_id, _ATTACHMENT.size, _ATTACHMENT.declared_type).where(
            _ATTACHMENT.email_id.in_([row[0] for row in rows])
        )
    ):
        files.setdefault(email_id, []).append((size, declared))
    known: dict[str, set[str]] = {}
    for email_id, message_id, sender, date, subject, body in rows:
        key = content_key(sender, date, subject, body, files.get(email_id, []))
        known.setdefault(message_id, set()).add(key)
    return known
