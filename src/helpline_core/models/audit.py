"""The append-only, hash-chained audit log (S1)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel

from helpline_core.models.base import created_at_field


class AuditEvent(SQLModel, table=True):
    # The id is the chain position: explicit, so that a removed row leaves a visible gap.
    id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    at: datetime = created_at_field()
    actor: str = Field(max_length=64, index=True)
    action: str = Field(max_length=64, index=True)
    object_type: str = Field(default="", max_length=40)
    object_id: str = Field(default="", max_length=64)
    detail: str = Field(default="{}", sa_column=Column(Text, nullable=False))
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)


class AuditHead(SQLModel, table=True):
    """One row: the chain's last position. Locking it serialises appends across processes."""

    id: int = Field(default=1, primary_key=True, sa_column_kwargs={"autoincrement": False})
    last_id: int = Field(default=0)
    last_hash: str = Field(default="0" * 64, max_length=64)
    # A keyed tag over the head (and the chain's start): without the key nobody can set the
    # head back to an older event, or empty the log, unnoticed (services.audit.head_tag).
    tag: str = Field(default="", max_length=64)
