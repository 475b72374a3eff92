"""Blocks, data-subject requests, complaints and purge runs."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel

from helpline_core.models.base import created_at_field, enum_field, time_field


class Block(SQLModel, table=True):
    """A temporary (or, by a team lead, permanent) block of a misusing visitor (C7)."""

    id: int | None = Field(default=None, primary_key=True)
    ip_hash: str | None = Field(default=None, max_length=64, index=True)
    session_hash: str | None = Field(default=None, max_length=64, index=True)
    conversation_id: int | None = Field(default=None, foreign_key="conversation.id")
    reason: str = Field(max_length=500)
    set_by: int | None = Field(default=None, foreign_key="counsellor.id")
    set_by_name: str = Field(max_length=64)  # the CLI sets blocks as "admin:<user>"
    created_at: datetime = created_at_field()
    expires_at: datetime | None = time_field(index=True)  # None: permanent
    lifted_at: datetime | None = time_field()
    lifted_by: str | None = Field(default=None, max_length=64)


class RequestKind(StrEnum):
    ACCESS = "access"  # R1
    PORTABILITY = "portability"  # R2
    RECTIFY = "rectify"  # R3
    OBJECT = "object"  # R4
    RESTRICT = "restrict"  # R4
    WITHDRAW_CONSENT = "withdraw_consent"  # R5
    ERASURE = "erasure"  # R6


class RequestStatus(StrEnum):
    RECEIVED = "received"
    VERIFIED = "verified"
    GRANTED = "granted"
    REFUSED = "refused"
    DONE = "done"


class DataSubjectRequest(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    kind: RequestKind = enum_field(RequestKind.ACCESS)
    status: RequestStatus = enum_field(RequestStatus.RECEIVED, index=True)
    case_file_id: int | None = Field(default=None, foreign_key="casefile.id", index=True)
    received_at: datetime = created_at_field()
    due_at: datetime = time_field(nullable=False, index=True)
    verified_at: datetime | None = time_field()
    verified_by: str | None = Field(default=None, max_length=64)
    verification_method: str | None = Field(default=None, max_length=200)
    decided_at: datetime | None = time_field()
    decision_note: str | None = Field(default=None, sa_column=Column(Text))
    handled_by: str | None = Field(default=None, max_length=64)
    # Who the request is about when there is no case file (yet): an email sender's address, or
    # the conversation a claim code was given for (R1-R6). Exactly one subject is named.
    subject_email: str | None = Field(default=None, max_length=320)
    conversation_id: int | None = Field(default=None, foreign_key="conversation.id")
    language: str = Field(default="nl", max_length=8)  # of the answer and the export
    done_at: datetime | None = time_field()


class RequestEvent(SQLModel, table=True):
    """One state change of a data-subject request: who, when, and the note (a reason or a
    verification method; never the proof itself)."""

    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="datasubjectrequest.id", index=True)
    status: RequestStatus = enum_field(RequestStatus.RECEIVED)
    at: datetime = created_at_field()
    actor: str = Field(max_length=64)
    note: str | None = Field(default=None, sa_column=Column(Text))


class ClaimCode(SQLModel, table=True):
    """A claim code given at the end of an anonymous chat or in an email reply: only its argon2
    hash is kept, with the conversation (and its case file through the conversation)."""

    id: int | None = Field(default=None, primary_key=True)
    conversation_id: int = Field(foreign_key="conversation.id", index=True)
    code_hash: str = Field(max_length=200)
    created_at: datetime = created_at_field()


class ClaimAttempt(SQLModel, table=True):
    """A wrong claim code tried, counted for the rate limit (services/rights/claims.py): when,
    and a keyed hash of where it came from (never the code, never the source in clear). Rows
    older than the counting window are deleted by the next attempt."""

    id: int | None = Field(default=None, primary_key=True)
    source_hash: str = Field(max_length=64, index=True)
    at: datetime = time_field(nullable=False, index=True)


class Complaint(SQLModel, table=True):
    """The complaints register (R7)."""

    id: int | None = Field(default=None, primary_key=True)
    case_file_id: int | None = Field(default=None, foreign_key="casefile.id")
    received_at: datetime = created_at_field()
    summary: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(default="open", max_length=16)
    resolved_at: datetime | None = time_field()
    resolution: str | None = Field(default=None, sa_column=Column(Text))
    received_by: str | None = Field(default=None, max_length=64)
    resolved_by: str | None = Field(default=None, max_length=64)


class PurgeRun(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    actor: str = Field(max_length=64)
    started_at: datetime = created_at_field()
    finished_at: datetime | None = time_field()
    dry_run: bool = Field(default=True)
    counts: str = Field(default="{}", sa_column=Column(Text, nullable=False))  # JSON by kind
    # "running" until the end; then "done", "pending" (a mailbox waits) or "failed".
    outcome: str = Field(default="running", max_length=16)
    as_of: datetime | None = time_field()  # the clock the rules were evaluated at
