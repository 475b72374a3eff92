"""Make one report: freeze (or reuse) the months' extracts, count, protect, and audit the export.

The one use case behind `helpline report`; the renderings (table, CSV, JSON, HTML) only format
the `Report` it returns.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlmodel import Session, col

from helpline_core.codes import DEFAULT_CODES_FILE, CodeList, load_code_list
from helpline_core.config import Settings
from helpline_core.models import ReportExtract, ReportExtractEmail
from helpline_core.services import audit
from helpline_core.services.reports.extract import FreezeRules, freeze_month, frozen_extract
from helpline_core.services.reports.periods import Month, PeriodKind, months_between
from helpline_core.services.reports.suppression import (
    ProtectedTable,
    protect,
    shares_only_published_margins,
)
from helpline_core.services.reports.tables import PERIOD, Measure, check_dimensions, count_table


@dataclass(frozen=True)
class ReportRequest:
    """What to report: whole months `first`..`last` (dates or YYYY-MM), split by `period` and
    the dimensions `by`, counting `measure`."""

    first: str
    last: str
    period: PeriodKind = "month"
    by: tuple[str, ...] = ()
    measure: Measure = "requests"


@dataclass(frozen=True)
class EmailRow:
    """E2 figures of one team in one month."""

    month: str
    team: str
    received: int
    in_time: int
    late: int
    still_open: int


@dataclass(frozen=True)
class Report:
    """A protected table with what a reader needs to trust it: the extracts it came from (month,
    digest, when frozen), the threshold and method, and the email figures."""

    request: ReportRequest
    codes: CodeList
    table: ProtectedTable
    extracts: tuple[ReportExtract, ...]
    emails: tuple[EmailRow, ...]
    made_at: datetime
    teams: dict[str, str] = field(default_factory=dict)  # code -> name
    # Further tables for the charts, each protected on its own and kept only when it meets the
    # main table in published cells alone; `left_out` names the dimensions of those dropped.
    companions: tuple[ProtectedTable, ...] = ()
    left_out: tuple[str, ...] = ()

    @property
    def contacts(self) -> int:
        return sum(extract.contacts for extract in self.extracts)

    @property
    def requests(self) -> int:
        return sum(extract.requests for extract in self.extracts)

    @property
    def victims(self) -> int:
        return sum(extract.victims for extract in self.extracts)


def freeze_rules(settings: Settings) -> FreezeRules:
    """The freezing rules the settings give (code list, time zone, days to wait)."""
    return FreezeRules(
        codes=load_code_list(settings.codes_path or DEFAULT_CODES_FILE),
        zone=ZoneInfo(settings.helpline.timezone),
        freeze_after_days=settings.report.freeze_after_days,
    )


def _emails(session: Session, extracts: Sequence[ReportExtract]) -> tuple[EmailRow, ...]:
    months = {extract.id: extract.month for extract in extracts}
    rows = session.execute(
        select(ReportExtractEmail).where(col(ReportExtractEmail.extract_id).in_(list(months)))
    ).scalars()
    found = [
        EmailRow(
            months[row.extract_id], row.team, row.received, row.in_time, row.late, row.still_open
        )
        for row in rows
    ]
    return tuple(sorted(found, key=lambda row: (row.month, row.team)))


def build_report(
    session: Session,
    key: bytes,
    settings: Settings,
    request: ReportRequest,
    *,
    now: datetime,
    actor: str,
    progress: Callable[[str], None] = lambda _message: None,
    companions: Sequence[str] = (),
) -> Report:
    """Freeze the months not frozen yet, count and protect; audits the export (counts only).

    `companions` names dimensions that get a table of their own (by period when the main table
    has one) for the HTML charts; one that would share a hidden cell with the main table is left
    out (see `shares_only_published_margins`).

    Raises PeriodError (dates), TableError (dimensions), PeriodNotClosed (a month too recent)
    and SuppressionError (the engine); nothing is frozen when an earlier check fails.
    """
    months = months_between(request.first, request.last)
    rules = freeze_rules(settings)
    dims = list(request.by)
    if len({month.period(request.period) for month in months}) > 1 or not dims:
        dims.insert(0, PERIOD)
    teams = {team.code: team.name for team in settings.teams}
    check_dimensions(dims, request.measure)
    extracts = []
    for month in months:
        if frozen_extract(session, month) is None:
            progress(f"freezing the figures of {month}")
        extracts.append(freeze_month(session, key, month, rules, now=now, actor=actor))
    progress("counting")
    table = count_table(
        session,
        extracts,
        dims,
        measure=request.measure,
        period=request.period,
        codes=rules.codes,
        teams=list(teams),
    )
    progress(f"protecting {len(table.cells)} cells (tau-argus)")
    protected = protect(
        table,
        min_cell=settings.report.min_cell,
        protection_percent=settings.report.protection_percent,
        method=settings.report.method,
    )
    kept, left_out = [], []
    for name in companions:
        if name in dims:
            continue
        companion_dims = [PERIOD, name] if PERIOD in dims else [name]
        extra = protect(
            count_table(
                session, extracts, companion_dims, measure=request.measure,
                period=request.period, codes=rules.codes, teams=list(teams),
            ),
            min_cell=settings.report.min_cell,
            protection_percent=settings.report.protection_percent,
            method=settings.report.method,
        )  # fmt: skip
        if shares_only_published_margins(protected, extra):
            kept.append(extra)
        else:
            left_out.append(name)
    audit.record(
        session,
        key,
        actor=actor,
        action="report.export",
        object_type="report",
        object_id=f"{months[0]}..{months[-1]}",
        detail={
            "from": str(months[0]),
            "to": str(months[-1]),
            "period": request.period,
            "by": ",".join(dims),
            "measure": request.measure,
            "cells": len(protected.counts),
            "suppressed": protected.suppressed(),
            "min_cell": protected.min_cell,
            "companions": ",".join(table.table.dims[-1] for table in kept),
        },
        at=now,
    )
    return Report(
        request=request,
        codes=rules.codes,
        table=protected,
        extracts=tuple(extracts),
        emails=_emails(session, extracts),
        made_at=now,
        teams=teams,
        companions=tuple(kept),
        left_out=tuple(left_out),
    )


__all__ = ["EmailRow", "Month", "Report", "ReportRequest", "build_report", "freeze_rules"]
