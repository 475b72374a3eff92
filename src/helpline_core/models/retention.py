"""Retention bookkeeping: deletions still owed to a mailbox or the disk, and the audit anchor."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger
from sqlmodel import Field, SQLModel

from helpline_core.models.base import created_at_field


class PendingDeletion(SQLModel, table=True):
    """Something the purge owes outside the database: an IMAP message or an attachment file.

    Written in the same transaction that deletes the rows, so a run killed after that commit
    still knows what is left to remove; the next run carries it out and deletes the row.
    """

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=16, index=True)  # "imap" or "file"
    mailbox: str | None = Field(default=None, max_length=40)  # team code (imap)
    folder: str | None = Field(default=None, max_length=255)  # folder name at deletion (imap)
    uidvalidity: int | None = Field(default=None, sa_type=BigInteger)
    uid: int | None = Field(default=None, sa_type=BigInteger)
    message_id: str | None = Field(default=None, max_length=998)  # found by search when no UID
    # The email's sender: searched with the Message-ID (IMAP FROM) where kept mail reuses it.
    # Personal data, kept only as long as the row (deleted once the deletion is carried out).
    from_address: str | None = Field(default=None, max_length=320)
    stored_name: str | None = Field(default=None, max_length=64)  # attachment file (file)
    created_at: datetime = created_at_field()


class AuditAnchor(SQLModel, table=True):
    """Where the audit chain starts after its oldest events were purged (one row, id 1).

    `tag` is a keyed hash of (first_id, prev_hash): moving the anchor needs the secret key.
    """

    id: int = Field(default=1, primary_key=True, sa_column_kwargs={"autoincrement": False})
    first_id: int = Field(default=1)
    prev_hash: str = Field(max_length=64)
    tag: str = Field(max_length=64)
    updated_at: datetime = created_at_field()
