"""The frozen extract: each month's final registrations and email figures, copied once into
`reportextract*` and never changed (DESIGN G1: "figures for a period ... never change once
published"). Every report of a month reads its extract, so two reports of one month cannot
differ and so cannot be subtracted from each other. Freezing is audited (ids and counts only).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, select
from sqlmodel import Session, col

from helpline_core.codes import UNKNOWN, CodeList
from helpline_core.models import (
    EmailMessage,
    Registration,
    RegistrationForm,
    RegistrationStatus,
    RegistrationVictim,
    ReportExtract,
    ReportExtractContact,
    ReportExtractEmail,
    ReportExtractVictim,
    Team,
)
from helpline_core.services import audit
from helpline_core.services.reports.emails import email_figures
from helpline_core.services.reports.periods import Month

SEVERAL = "several"  # a contact naming more than one form of violence
CONTACT_COLUMNS = (
    "channel", "team", "contact_type", "counselling", "role", "age_group", "region", "sex",
    "form", "subform",
)  # fmt: skip


class PeriodNotClosed(Exception):
    """The month cannot be frozen yet: it has not ended `freeze_after_days` ago."""


@dataclass(frozen=True)
class FreezeRules:
    """What freezing needs: the code list (forms, which contact types are requests for help),
    the helpline's time zone (month boundaries) and the days to wait after a month ends."""

    codes: CodeList
    zone: ZoneInfo
    freeze_after_days: int

    def frozen_from(self, month: Month) -> datetime:
        """The first instant (UTC) at which `month` may be frozen."""
        return month.end(self.zone) + timedelta(days=self.freeze_after_days)


def _form_of(codes: CodeList, form_codes: Iterable[str]) -> tuple[str, str]:
    """(top-level form, sub-form) as the figures count a contact: its one form, "several" when it
    names more than one, "unknown" when none."""
    distinct = set(form_codes)
    tops = {
        codes.top_level(code) if codes.is_form(code) else code.split(".")[0] for code in distinct
    }
    top = tops.pop() if len(tops) == 1 else (SEVERAL if tops else UNKNOWN)
    sub = next(iter(distinct)) if len(distinct) == 1 else (SEVERAL if distinct else UNKNOWN)
    return top, sub


def _in_month(month: Month, zone: ZoneInfo) -> Any:
    return (
        (col(Registration.status) == RegistrationStatus.FINAL)
        & (col(Registration.contact_at) >= month.start(zone))
        & (col(Registration.contact_at) < month.end(zone))
    )


def _contact_rows(
    session: Session, extract_id: int, month: Month, rules: FreezeRules
) -> tuple[list[dict[str, Any]], set[str]]:
    where = _in_month(month, rules.zone)
    forms: dict[int, list[str]] = defaultdict(list)
    form_query = (
        select(col(RegistrationForm.registration_id), col(RegistrationForm.code))
        .join(Registration, col(Registration.id) == col(RegistrationForm.registration_id))
        .where(where)
    )
    for registration_id, code in session.execute(form_query):
        forms[registration_id].append(code)
    counselling = {entry.code for entry in rules.codes.contact_types if entry.counselling}
    query = (
        select(
            col(Registration.id),
            col(Registration.channel),
            func.coalesce(col(Team.code), UNKNOWN),
            col(Registration.contact_type),
            col(Registration.role),
            col(Registration.age_group),
            col(Registration.region),
            col(Registration.sex),
            col(Registration.codes_version),
        )
        .outerjoin(Team, col(Team.id) == col(Registration.team_id))
        .where(where)
        .order_by(col(Registration.id))
    )
    rows, versions = [], set()
    for seq, channel, team, kind, role, age, region, sex, version in session.execute(query):
        form, subform = _form_of(rules.codes, forms.get(seq, ()))
        versions.add(version)
        rows.append(
            {
                "extract_id": extract_id, "seq": seq, "channel": str(channel), "team": team,
                "contact_type": kind, "counselling": kind in counselling, "role": role,
                "age_group": age, "region": region, "sex": sex, "form": form, "subform": subform,
            }
        )  # fmt: skip
    return rows, versions


def _victim_rows(
    session: Session, extract_id: int, month: Month, zone: ZoneInfo
) -> list[dict[str, Any]]:
    query = (
        select(
            col(RegistrationVictim.registration_id),
            col(RegistrationVictim.id),
            col(RegistrationVictim.age_group),
            col(RegistrationVictim.sex),
            col(RegistrationVictim.relation),
        )
        .join(Registration, col(Registration.id) == col(RegistrationVictim.registration_id))
        .where(_in_month(month, zone))
        .order_by(col(RegistrationVictim.id))
    )
    return [
        {"extract_id": extract_id, "seq": seq, "victim": victim, "age_group": age, "sex": sex,
         "relation": relation}
        for seq, victim, age, sex, relation in session.execute(query)
    ]  # fmt: skip


def _digest(month: Month, *groups: Sequence[dict[str, Any]]) -> str:
    """SHA-256 over the extract's rows in a fixed order, without the extract's own id."""
    digest = hashlib.sha256(str(month).encode())
    for rows in groups:
        digest.update(b"\x1e")
        for row in rows:
            values = (str(value) for name, value in row.items() if name != "extract_id")
            digest.update(("\x1f".join(values) + "\n").encode())
    return digest.hexdigest()


def frozen_extract(session: Session, month: Month) -> ReportExtract | None:
    """The stored extract of `month`, or None when it was never frozen."""
    statement = select(ReportExtract).where(col(ReportExtract.month) == str(month))
    return session.execute(statement).scalar_one_or_none()


def freeze_month(
    session: Session, key: bytes, month: Month, rules: FreezeRules, *, now: datetime, actor: str
) -> ReportExtract:
    """The extract of `month`: the stored one, or a new one written now (and audited).

    Raises PeriodNotClosed before `rules.frozen_from(month)`: late registrations of a month still
    count until then. Only FINAL registrations are copied (DESIGN G1).
    """
    existing = frozen_extract(session, month)
    if existing is not None:
        return existing
    if now < rules.frozen_from(month):
        opens = rules.frozen_from(month).astimezone(rules.zone)
        raise PeriodNotClosed(
            f"the figures of {month} can be frozen from {opens:%Y-%m-%d %H:%M} "
            f"([report] freeze_after_days = {rules.freeze_after_days})"
        )
    extract = ReportExtract(month=str(month), frozen_at=now, frozen_by=actor[:64])
    session.add(extract)
    session.flush()
    assert extract.id is not None
    contacts, versions = _contact_rows(session, extract.id, month, rules)
    victims = _victim_rows(session, extract.id, month, rules.zone)
    emails: list[dict[str, Any]] = [
        {"extract_id": extract.id, "team": team, "received": figures[0], "in_time": figures[1],
         "late": figures[2], "still_open": figures[3]}
        for team, figures in sorted(
            email_figures(session, month.start(rules.zone), month.end(rules.zone)).items()
        )
    ]  # fmt: skip
    model: Any
    for model, rows in (
        (ReportExtractContact, contacts),
        (ReportExtractVictim, victims),
        (ReportExtractEmail, emails),
    ):
        if rows:
            # Core executemany: the ORM bulk path costs several times more per row here.
            session.connection().execute(insert(model.__table__), rows)
    requests = {row["seq"] for row in contacts if row["counselling"]}
    extract.codes_versions = ",".join(sorted(versions))[:255]
    extract.contacts = len(contacts)
    extract.requests = len(requests)
    extract.victims = sum(1 for row in victims if row["seq"] in requests)
    extract.emails = sum(row["received"] for row in emails)
    extract.digest = _digest(month, contacts, victims, emails)
    audit.record(
        session,
        key,
        actor=actor,
        action="report.freeze",
        object_type="reportextract",
        object_id=extract.id,
        detail={
            "month": str(month),
            "contacts": extract.contacts,
            "requests": extract.requests,
            "victims": extract.victims,
            "emails": extract.emails,
            "digest": extract.digest,
        },
        at=now,
    )
    session.flush()
    return extract


def unfrozen_closed_months(session: Session, rules: FreezeRules, *, now: datetime) -> list[Month]:
    """Months that hold final registrations or inbound email, may be frozen at `now`, and are not
    frozen yet, oldest first. The purge freezes these before it deletes contacts."""
    firsts = [
        session.execute(select(func.min(col(Registration.contact_at)))).scalar_one_or_none(),
        session.execute(select(func.min(col(EmailMessage.received_at)))).scalar_one_or_none(),
    ]
    dates = [value.astimezone(rules.zone) for value in firsts if value is not None]
    if not dates:
        return []
    first = min(dates)
    month, found = Month(first.year, first.month), []
    frozen = set(session.execute(select(col(ReportExtract.month))).scalars())
    while now >= rules.frozen_from(month):
        if str(month) not in frozen:
            found.append(month)
        month = month.next()
    return found


def freeze_closed_months(
    session: Session, key: bytes, rules: FreezeRules, *, now: datetime, actor: str
) -> list[ReportExtract]:
    """Freeze every closed month not frozen yet (cron, and the purge before it deletes)."""
    return [
        freeze_month(session, key, month, rules, now=now, actor=actor)
        for month in unfrozen_closed_months(session, rules, now=now)
    ]
