"""Frozen extracts for the government figures (DESIGN G1, E2): one stored copy per month.

When a month is first reported (or frozen by cron before the retention purge runs), the final
registrations of that month are copied into these tables and never changed again, so the
figures of a closed month come out the same in every report: a late registration, an edit or a
purge afterwards cannot make two publications of one month differ (which would let a reader
subtract them). The rows hold codes only: no text, no identifier, no day or time finer than
the month.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Integer
from sqlmodel import Field, SQLModel

from helpline_core.models.base import created_at_field


def _extract_key() -> Column[int]:
    """The extract a row belongs to; deleting an extract deletes its rows."""
    return Column(Integer, ForeignKey("reportextract.id", ondelete="CASCADE"), primary_key=True)


class ReportExtract(SQLModel, table=True):
    """One frozen month. `digest` (SHA-256 over the rows) is printed with every report, so two
    reports show they were made from the same extract."""

    id: int | None = Field(default=None, primary_key=True)
    month: str = Field(max_length=7, unique=True, index=True)  # "2026-03"
    frozen_at: datetime = created_at_field()
    frozen_by: str = Field(max_length=64)
    codes_versions: str = Field(default="", max_length=255)  # the code lists its rows used
    contacts: int = Field(default=0)
    requests: int = Field(default=0)
    victims: int = Field(default=0)
    emails: int = Field(default=0)
    digest: str = Field(default="", max_length=64)


class ReportExtractContact(SQLModel, table=True):
    """One final registration of the month, reduced to the figures' dimensions. `seq` is the
    registration's row number, kept only to tie victims to their contact."""

    extract_id: int = Field(sa_column=_extract_key())
    seq: int = Field(primary_key=True)
    channel: str = Field(max_length=24)
    team: str = Field(max_length=64)  # team code, "unknown" when none
    contact_type: str = Field(max_length=32)
    counselling: bool = Field(default=True)  # a request for help (the code list's flag)
    role: str = Field(max_length=32)
    age_group: str = Field(max_length=16)
    region: str = Field(max_length=32)
    sex: str = Field(max_length=16)
    # The form of violence as the figures count it: each contact once, under its one form, under
    # "several" when it names more than one, "unknown" when none (so every table adds up).
    form: str = Field(max_length=32)  # top-level category
    subform: str = Field(max_length=48)  # "category.sub" or "category"


class ReportExtractVictim(SQLModel, table=True):
    """A (possible) victim of a frozen contact."""

    extract_id: int = Field(sa_column=_extract_key())
    seq: int = Field(primary_key=True)
    victim: int = Field(primary_key=True)
    age_group: str = Field(max_length=16)
    sex: str = Field(max_length=16)
    relation: str = Field(max_length=32)


class ReportExtractEmail(SQLModel, table=True):
    """Email answer figures of one team in the month (E2), counted when the month was frozen."""

    extract_id: int = Field(sa_column=_extract_key())
    team: str = Field(max_length=64, primary_key=True)
    received: int = Field(default=0)
    in_time: int = Field(default=0)  # answered within the working-day deadline
    late: int = Field(default=0)  # answered after the deadline
    still_open: int = Field(default=0)  # not answered when the month was frozen
