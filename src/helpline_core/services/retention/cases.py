"""Case-file retention (F4): a file closed on or after `case_cutoff` goes `case_years` after
closing, one closed before it `case_years_before_cutoff` after; open (also reopened) files and
files under legal hold stay, with everything they hold."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, delete, func, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from helpline_core.models import (
    Assessment,
    CaseFile,
    CaseNote,
    ClientStatement,
    Complaint,
    Consent,
    Conversation,
    DataSubjectRequest,
    Disclosure,
    Referral,
)
from helpline_core.services.retention.batches import DEFAULT_BATCH, each_batch
from helpline_core.services.retention.report import ClassReport, measure
from helpline_core.services.retention.rules import Limits, case_expired

# Children in delete order: disclosures name consents, statements name assessments.
_CHILDREN: tuple[tuple[str, Any], ...] = (
    ("notes", CaseNote),
    ("referrals", Referral),
    ("disclosures", Disclosure),
    ("consents", Consent),
    ("assessments", Assessment),
)
# Rows that only point at a file: they lose the link, not themselves.
_LINKS: tuple[Any, ...] = (Conversation, DataSubjectRequest, Complaint)


def plan(session: Session, limits: Limits) -> ClassReport:
    report = ClassReport("cases")
    rule = case_expired(limits)
    measure(session, report, rule, col(CaseFile.closed_at))
    ids = select(col(CaseFile.id)).where(rule).scalar_subquery()
    for name, table in _CHILDREN:
        report.add(
            name, session.exec(select(func.count()).where(col(table.case_file_id).in_(ids))).one()
        )
    report.held = int(
        session.exec(select(func.count()).where(case_expired(limits, held=True))).one()
    )
    return report


def purge(
    engine: Engine, limits: Limits, *, size: int = DEFAULT_BATCH, scope: Any = None
) -> ClassReport:
    """Delete expired case files with their notes, assessments (and statements), referrals,
    consents and disclosures; contacts and requests that named a file keep their rows.
    `scope` (a condition on CaseFile) narrows the run, as erasure (R6) does."""
    report = ClassReport("cases")
    expired = case_expired(limits) if scope is None else and_(case_expired(limits), scope)

    def apply(session: Session, ids: list[int]) -> None:
        # The rule and the hold are evaluated here; on PostgreSQL this also locks the rows, so
        # a hold being set now waits for this transaction and then finds the file gone.
        gone = [
            int(row_id)
            for row_id in session.execute(
                update(CaseFile)
                .where(col(CaseFile.id).in_(ids))
                .where(expired)
                .values(pseudonym="", themes=None, legal_hold_reason=None, reopen_reason=None)
                .returning(col(CaseFile.id))
            ).scalars()
        ]
        if not gone:
            return
        assessments = select(col(Assessment.id)).where(col(Assessment.case_file_id).in_(gone))
        report.add("statements", _rowcount(session, delete(ClientStatement).where(
            col(ClientStatement.assessment_id).in_(assessments))))  # fmt: skip
        for name, table in _CHILDREN:
            report.add(
                name, _rowcount(session, delete(table).where(col(table.case_file_id).in_(gone)))
            )
        for table in _LINKS:
            session.execute(
                update(table).where(col(table.case_file_id).in_(gone)).values(case_file_id=None)
            )
        session.execute(delete(CaseFile).where(col(CaseFile.id).in_(gone)))
        report.rows += len(gone)

    each_batch(engine, CaseFile.id, expired, apply, size=size)
    return report


def _rowcount(session: Session, statement: Any) -> int:
    return int(session.execute(statement).rowcount or 0)  # type: ignore[attr-defined]
