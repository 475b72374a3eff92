"""Retention limits at a moment, and the SQL conditions that say what has expired.

Periods are calendar months, years and days counted back in the helpline's time zone
(`helpline.timezone`), so "six months" before 15 October 12:00 is 15 April 12:00 local time,
whatever the summer-time offset was then. A day that does not exist in the earlier month is
clamped to the month's end (31 August - 6 months = 28/29 February). An item has expired when its
timestamp is at or before the limit: it was kept for the whole period, and not a second longer.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, exists, false, func, or_
from sqlmodel import col, select

from helpline_core.config import Settings
from helpline_core.models import (
    Block,
    CaseFile,
    CaseStatus,
    Channel,
    Complaint,
    Conversation,
    DataSubjectRequest,
    EmailMessage,
    QuarantinedEmail,
    RequestStatus,
)


def months_before(moment: datetime, months: int, zone: ZoneInfo | None = None) -> datetime:
    """The same local day and time `months` calendar months before `moment` (aware), in UTC.

    Counted on the wall clock of `zone` (UTC when None); the day is clamped to the month's end.
    """
    local = moment.astimezone(zone or UTC)
    year, month = divmod(local.year * 12 + local.month - 1 - months, 12)
    day = min(local.day, calendar.monthrange(year, month + 1)[1])
    earlier = local.replace(year=year, month=month + 1, day=day, fold=0)
    return _wall_to_utc(earlier, zone)


def days_before(moment: datetime, days: int, zone: ZoneInfo | None = None) -> datetime:
    """The same local time `days` calendar days before `moment`, in UTC."""
    local = moment.astimezone(zone or UTC)
    return _wall_to_utc(local - timedelta(days=days), zone)


def _wall_to_utc(local: datetime, zone: ZoneInfo | None) -> datetime:
    # Re-attach the zone so the offset of the earlier date applies (not the offset of `moment`).
    # A wall time inside a spring-forward gap takes the offset before the change (fold=0).
    naive = local.replace(tzinfo=None)
    return naive.replace(tzinfo=zone or UTC).astimezone(UTC)


@dataclass(frozen=True)
class Limits:
    """What has expired at `now`: every field is a UTC instant; at or before it, data goes."""

    now: datetime
    chat: datetime  # chat ended (C5)
    email: datetime  # email received (E3), quarantine too
    case_cutoff: datetime  # local midnight of retention.case_cutoff (F4)
    case_recent: datetime  # closed on/after case_cutoff and at/before this
    case_old: datetime  # closed before case_cutoff and at/before this
    block: datetime  # block expired or lifted (C7)
    audit: datetime  # audit event written (S1)
    exports: datetime  # export file written
    requests: datetime  # data-subject request done or refused (R1-R6)
    complaints: datetime  # complaint resolved (R7)


def limits_at(settings: Settings, now: datetime) -> Limits:
    """Every class's limit at `now` (aware), from `[retention]` and `[exports]`."""
    zone = ZoneInfo(settings.helpline.timezone)
    rules = settings.retention
    cutoff_day = date.fromisoformat(rules.case_cutoff)
    cutoff = datetime(cutoff_day.year, cutoff_day.month, cutoff_day.day, tzinfo=zone)
    return Limits(
        now=now.astimezone(UTC),
        chat=months_before(now, rules.chat_months, zone),
        email=months_before(now, rules.email_months, zone),
        case_cutoff=cutoff.astimezone(UTC),
        case_recent=months_before(now, 12 * rules.case_years, zone),
        case_old=months_before(now, 12 * rules.case_years_before_cutoff, zone),
        block=days_before(now, rules.block_days_after_expiry, zone),
        audit=months_before(now, 12 * rules.audit_years, zone),
        exports=days_before(now, settings.exports.keep_days, zone),
        requests=months_before(now, 12 * rules.request_years, zone),
        complaints=months_before(now, 12 * rules.complaint_years, zone),
    )


def held_case_file(case_file_id: Any) -> Any:
    """True where `case_file_id` names a case file under legal hold (F4: a hold blocks it)."""
    return exists(
        select(col(CaseFile.id))
        .where(col(CaseFile.id) == case_file_id)
        .where(col(CaseFile.legal_hold).is_(True))
    )


def chat_ended_at() -> Any:
    """When a chat counts as over: its end, or for one never ended (a crashed relay's
    leftover) its last activity."""
    return func.coalesce(
        col(Conversation.ended_at), col(Conversation.last_activity_at), col(Conversation.created_at)
    )


def chat_expired_by_time(limits: Limits) -> Any:
    """Chat conversations past their period with content still there, holds not yet asked."""
    return and_(
        col(Conversation.channel) == Channel.CHAT,
        col(Conversation.purged_at).is_(None),
        chat_ended_at() <= limits.chat,
    )


def chat_expired(limits: Limits, *, held: bool = False) -> Any:
    """Chat conversations whose content has expired and is still there (held: those a hold
    keeps instead)."""
    hold = held_case_file(col(Conversation.case_file_id))
    return and_(chat_expired_by_time(limits), hold if held else ~hold)


def email_expired(limits: Limits, *, held: bool = False) -> Any:
    """Emails past their own retention (per email, not per thread)."""
    hold = exists(
        select(col(Conversation.id))
        .where(col(Conversation.id) == col(EmailMessage.conversation_id))
        .where(held_case_file(col(Conversation.case_file_id)))
    )
    return and_(col(EmailMessage.received_at) <= limits.email, hold if held else ~hold)


def quarantine_expired(limits: Limits) -> Any:
    return col(QuarantinedEmail.received_at) <= limits.email


def case_expired(limits: Limits, *, held: bool = False) -> Any:
    """Closed case files past their period (10 years, 5 if closed before the cutoff); a
    reopened (open) file is kept whatever its old closing date."""
    closed = col(CaseFile.closed_at)
    past = or_(
        and_(closed >= limits.case_cutoff, closed <= limits.case_recent),
        and_(closed < limits.case_cutoff, closed <= limits.case_old),
    )
    hold = col(CaseFile.legal_hold).is_(True)
    return and_(
        col(CaseFile.status) == CaseStatus.CLOSED,
        closed.is_not(None),
        past,
        hold if held else ~hold,
    )


def block_expired(limits: Limits, *, held: bool = False) -> Any:
    """Blocks expired or lifted `block_days_after_expiry` ago; permanent ones stay."""
    if held:
        return false()
    return or_(col(Block.expires_at) <= limits.block, col(Block.lifted_at) <= limits.block)


def request_closed_at() -> Any:
    """When a data-subject request was closed: done, or else decided (refused)."""
    return func.coalesce(col(DataSubjectRequest.done_at), col(DataSubjectRequest.decided_at))


def request_expired(limits: Limits, *, held: bool = False) -> Any:
    """Done or refused requests closed `request_years` ago; open ones stay, and so do those of
    a case file under legal hold (held: those instead)."""
    hold = held_case_file(col(DataSubjectRequest.case_file_id))
    return and_(
        col(DataSubjectRequest.status).in_([RequestStatus.DONE, RequestStatus.REFUSED]),
        request_closed_at() <= limits.requests,
        hold if held else ~hold,
    )


def complaint_expired(limits: Limits, *, held: bool = False) -> Any:
    """Complaints resolved `complaint_years` ago; open ones stay, and those of a held file."""
    hold = held_case_file(col(Complaint.case_file_id))
    return and_(
        col(Complaint.status) == "resolved",
        col(Complaint.resolved_at) <= limits.complaints,
        hold if held else ~hold,
    )


def chat_visible(limits: Limits) -> Any:
    """Read paths: a conversation whose chat content may still be shown."""
    return and_(col(Conversation.purged_at).is_(None), ~chat_expired(limits))
