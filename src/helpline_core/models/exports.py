"""Exports written to disk (training, inspection): where, what kind, when; for the purge."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel

from helpline_core.models.base import created_at_field, time_field


class ExportRecord(SQLModel, table=True):
    """One export file. The purge deletes the file `exports.keep_days` after `created_at` and
    sets `deleted_at`; the row itself holds no personal data (a path, a kind, counts)."""

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=24, index=True)  # "training" or "inspection"
    path: str = Field(sa_column=Column(Text, nullable=False))
    anonymised: bool = Field(default=True)
    items: int = Field(default=0)  # conversations (training) or case files (inspection)
    actor: str = Field(max_length=64)
    created_at: datetime = created_at_field()
    deleted_at: datetime | None = time_field(index=True)
    # A rights export (R1, R2): the request it answered, so that an erasure of the subject
    # removes the file at once (R6) rather than after keep_days.
    request_id: int | None = Field(default=None, foreign_key="datasubjectrequest.id", index=True)
