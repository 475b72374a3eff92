"""The electronic case file (F1-F5): the client, notes, assessments, referrals, consents."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from helpline_core.models.base import created_at_field, enum_field, time_field


class ClientRole(StrEnum):
    VICTIM = "victim"
    PERPETRATOR = "perpetrator"
    BYSTANDER = "bystander"
    PROFESSIONAL = "professional"
    OTHER = "other"


class CaseStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class CaseFile(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    public_id: str = Field(max_length=36, unique=True, index=True)
    pseudonym: str = Field(max_length=100)
    team_id: int | None = Field(default=None, foreign_key="team.id", index=True)
    region: str | None = Field(default=None, max_length=32)
    age_group: str | None = Field(default=None, max_length=16)
    sex: str | None = Field(default=None, max_length=16)
    role: ClientRole | None = enum_field(None)
    themes: str | None = Field(default=None, max_length=500)  # comma-separated theme codes
    status: CaseStatus = enum_field(CaseStatus.OPEN, index=True)
    opened_at: datetime = created_at_field()
    closed_at: datetime | None = time_field(index=True)
    legal_hold: bool = Field(default=False)
    legal_hold_reason: str | None = Field(default=None, max_length=500)
    # Why an admin last reopened the file (staff text, never a visitor's; the audit has ids only).
    reopen_reason: str | None = Field(default=None, max_length=500)
    processing_restricted: bool = Field(default=False)  # R4: object / restrict
    created_by: int | None = Field(default=None, foreign_key="counsellor.id")


class CaseNote(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    case_file_id: int = Field(foreign_key="casefile.id", index=True)
    counsellor_id: int | None = Field(default=None, foreign_key="counsellor.id")
    body: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = created_at_field()


class Assessment(SQLModel, table=True):
    """A professional assessment; never overwritten by the client's statement (F2)."""

    id: int | None = Field(default=None, primary_key=True)
    case_file_id: int = Field(foreign_key="casefile.id", index=True)
    counsellor_id: int | None = Field(default=None, foreign_key="counsellor.id")
    body: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = created_at_field()


class ClientStatement(SQLModel, table=True):
    """The client's own word beside an assessment they disagree with (F2, R3)."""

    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = Field(foreign_key="assessment.id", index=True)
    body: str = Field(sa_column=Column(Text, nullable=False))
    recorded_by: int | None = Field(default=None, foreign_key="counsellor.id")
    created_at: datetime = created_at_field()


class Referral(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    case_file_id: int = Field(foreign_key="casefile.id", index=True)
    counsellor_id: int | None = Field(default=None, foreign_key="counsellor.id")
    service: str = Field(max_length=200)
    reason: str | None = Field(default=None, sa_column=Column(Text))
    created_at: datetime = created_at_field()


class Consent(SQLModel, table=True):
    """Permission to share with a third party: who, what, when (F3); withdrawable (R5)."""

    id: int | None = Field(default=None, primary_key=True)
    case_file_id: int = Field(foreign_key="casefile.id", index=True)
    third_party: str = Field(max_length=200)
    scope: str = Field(sa_column=Column(Text, nullable=False))
    given_at: datetime = created_at_field()
    withdrawn_at: datetime | None = time_field()
    recorded_by: int | None = Field(default=None, foreign_key="counsellor.id")


class DisclosureBasis(StrEnum):
    CONSENT = "consent"
    EMERGENCY = "emergency"  # police / public prosecutor, with a justification


class Disclosure(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    case_file_id: int = Field(foreign_key="casefile.id", index=True)
    recipient: str = Field(max_length=200)
    basis: DisclosureBasis = enum_field(DisclosureBasis.CONSENT)
    consent_id: int | None = Field(default=None, foreign_key="consent.id")
    justification: str | None = Field(default=None, sa_column=Column(Text))
    what: str = Field(sa_column=Column(Text, nullable=False))
    disclosed_at: datetime = created_at_field()
    counsellor_id: int | None = Field(default=None, foreign_key="counsellor.id")


class CaseFileShare(SQLModel, table=True):
    """A colleague outside the file's team who may read and add to it (S1, shared secrecy)."""

    __table_args__ = (UniqueConstraint("case_file_id", "counsellor_id", name="uq_casefileshare"),)
    id: int | None = Field(default=None, primary_key=True)
    case_file_id: int = Field(foreign_key="casefile.id", index=True)
    counsellor_id: int = Field(foreign_key="counsellor.id", index=True)
    shared_by: int | None = Field(default=None, foreign_key="counsellor.id")
    created_at: datetime = created_at_field()
