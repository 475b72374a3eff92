"""The registration of a contact (DESIGN F1, G1): what it was about, never what was said.

A registration is a record of its own, made by the counsellor who handled the contact: channel,
date, team, contact type, forms of violence, the contact person's role, age band, region and sex,
the (possible) victims it concerns, and the referrals given. It holds no text, no nickname, no
address and no IP, so the retention purge can delete a transcript or an email after six months
and keep the figures (G1). The link to the contact (`contact_id`) is a plain pointer that the
purge may leave dangling or set to NULL; every figure is computed from the registration alone.
Codes come from the code list (`helpline_core.codes`); `codes_version` says which list.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, ForeignKey, Integer
from sqlmodel import Field, SQLModel

from helpline_core.models.base import created_at_field, enum_field, time_field
from helpline_core.models.contacts import Channel


class RegistrationStatus(StrEnum):
    DRAFT = "draft"  # started, kept while the counsellor is interrupted
    FINAL = "final"  # counted in the figures


class Registration(SQLModel, table=True):
    """One contact's registration. Phone calls have no contact row: `contact_id` is None and
    `duration_seconds` is set."""

    id: int | None = Field(default=None, primary_key=True)
    public_id: str = Field(max_length=36, unique=True, index=True)
    # The chat or email conversation registered; None for a phone call, or after the contact row
    # itself was removed. SET NULL so that deleting a contact never deletes its registration.
    contact_id: int | None = Field(
        default=None,
        sa_column=Column(
            Integer, ForeignKey("conversation.id", ondelete="SET NULL"), unique=True, nullable=True
        ),
    )
    channel: Channel = enum_field(Channel.CHAT, index=True)
    team_id: int | None = Field(default=None, foreign_key="team.id", index=True)
    counsellor_id: int | None = Field(default=None, foreign_key="counsellor.id", index=True)
    # The case file this contact belongs to (F1), for phone calls the only link there is (a chat
    # or email links through its conversation too). SET NULL: erasing a file keeps the figures.
    case_file_id: int | None = Field(
        default=None,
        sa_column=Column(
            Integer, ForeignKey("casefile.id", ondelete="SET NULL"), nullable=True, index=True
        ),
    )
    status: RegistrationStatus = enum_field(RegistrationStatus.DRAFT, index=True)
    codes_version: str = Field(max_length=32)
    contact_at: datetime = time_field(nullable=False, index=True)  # when the contact started
    duration_seconds: int | None = Field(default=None, ge=0)
    contact_type: str = Field(default="counselling", max_length=32)
    role: str = Field(default="unknown", max_length=32)
    age_group: str = Field(default="unknown", max_length=16)
    region: str = Field(default="unknown", max_length=32)
    sex: str = Field(default="unknown", max_length=16)
    created_at: datetime = created_at_field()
    updated_at: datetime | None = time_field()
    finalised_at: datetime | None = time_field()


class RegistrationForm(SQLModel, table=True):
    """A form of violence or theme of a registration: "category" or "category.sub"."""

    registration_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("registration.id", ondelete="CASCADE"), primary_key=True
        )
    )
    code: str = Field(max_length=48, primary_key=True)


class RegistrationVictim(SQLModel, table=True):
    """A (possible) victim the contact concerns; the figures count these too (F1, G1)."""

    id: int | None = Field(default=None, primary_key=True)
    registration_id: int = Field(
        sa_column=Column(
            Integer,
            ForeignKey("registration.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        )
    )
    age_group: str = Field(default="unknown", max_length=16)
    sex: str = Field(default="unknown", max_length=16)
    relation: str = Field(default="unknown", max_length=32)


class RegistrationReferral(SQLModel, table=True):
    """A referral given during the contact, by code from the list."""

    registration_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("registration.id", ondelete="CASCADE"), primary_key=True
        )
    )
    code: str = Field(max_length=32, primary_key=True)
