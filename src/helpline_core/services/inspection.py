"""Inspection exports of a case file for the care inspectorate (F5).

Anonymised unless it concerns an individual complaint (the policy: "anonymised, unless it
concerns an individual complaint"); a case file whose processing is restricted (R4) is never
exported. Written, recorded and audited as every export (services/exports.py).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from helpline_core.anonymise import Anonymiser
from helpline_core.clock import utcnow
from helpline_core.config import Settings
from helpline_core.models import (
    Assessment,
    CaseFile,
    CaseNote,
    ClientStatement,
    Complaint,
    Consent,
    Conversation,
    Disclosure,
    Referral,
)
from helpline_core.services.exports import (
    ExportRefused,
    ExportSummary,
    Texts,
    export_path,
    owner_only_file,
    record_export,
    retained_items,
    retention_cutoffs,
)
from helpline_core.terminal import safe_json


def inspection_export(
    session: Session,
    key: bytes,
    settings: Settings,
    anonymiser: Anonymiser | None,
    *,
    case_ref: str,
    out: str,
    actor: str,
    complaint_id: int | None = None,
    now: datetime | None = None,
) -> ExportSummary:
    """Write one case file as JSON for the care inspectorate (F5): anonymised, or as it is when
    `complaint_id` names a complaint about this very file. Raises ExportRefused for an unknown
    file or complaint, a restricted file, or a missing anonymiser."""
    now = now or utcnow()
    case = _find_case(session, case_ref)
    if case.processing_restricted:
        raise ExportRefused(f"case file {case.public_id} is restricted (R4): it is not exported")
    if complaint_id is not None:
        complaint = session.get(Complaint, complaint_id)
        if complaint is None or complaint.case_file_id != case.id:
            raise ExportRefused(f"complaint {complaint_id} does not concern case {case.public_id}")
    elif anonymiser is None:
        raise ExportRefused("the anonymiser is needed for an export without --complaint")
    anonymise = complaint_id is None
    summary = ExportSummary(export_path(settings, out), "inspection", anonymised=anonymise)
    texts = Texts(anonymiser if anonymise else None, summary)
    document = _case_document(session, case, texts, summary, settings, now)
    summary.items = 1
    with owner_only_file(summary.path) as handle:
        handle.write(safe_json(document, indent=2) + "\n")  # nothing a terminal acts on (S2)
        record_export(
            session,
            key,
            summary,
            actor=actor,
            now=now,
            case=case.public_id,
            complaint=complaint_id,
        )
    return summary


def _find_case(session: Session, case_ref: str) -> CaseFile:
    case = session.exec(select(CaseFile).where(CaseFile.public_id == case_ref)).first()
    if case is None and case_ref.isdigit():
        case = session.get(CaseFile, int(case_ref))
    if case is None:
        raise ExportRefused(f"no case file {case_ref}")
    return case


def _case_document(
    session: Session,
    case: CaseFile,
    texts: Texts,
    summary: ExportSummary,
    settings: Settings,
    now: datetime,
) -> dict[str, Any]:
    def rows(model: Any) -> list[Any]:
        statement = select(model).where(model.case_file_id == case.id).order_by(col(model.id))
        return list(session.exec(statement).all())

    assessments = []
    for item in rows(Assessment):
        statements = session.exec(
            select(ClientStatement).where(ClientStatement.assessment_id == item.id)
        ).all()
        assessments.append(
            {
                "at": item.created_at.isoformat(),
                "text": texts(item.body),
                "client_statements": [texts(s.body) for s in statements],
            }
        )
    contacts = []
    linked = session.exec(
        select(Conversation)
        .where(Conversation.case_file_id == case.id)
        .order_by(col(Conversation.created_at))
    ).all()
    chat_since, email_since = retention_cutoffs(settings, now)
    for conversation in linked:
        items = retained_items(session, conversation, texts, chat_since, email_since)
        if not items:
            continue  # expired transcripts are not part of the file any more
        summary.messages += len(items)
        contacts.append(
            {
                "channel": str(conversation.channel),
                "started_at": conversation.created_at.isoformat(),
                "messages": items,
            }
        )
    return {
        "case_file": case.public_id if not summary.anonymised else None,
        "anonymised": summary.anonymised,
        "pseudonym": texts.pseudonym(case.pseudonym, "nl"),
        "region": case.region,
        "age_group": case.age_group,
        "sex": case.sex,
        "role": str(case.role) if case.role else None,
        "themes": case.themes.split(",") if case.themes else [],
        "status": str(case.status),
        "opened_at": case.opened_at.isoformat(),
        "closed_at": case.closed_at.isoformat() if case.closed_at else None,
        "notes": [{"at": n.created_at.isoformat(), "text": texts(n.body)} for n in rows(CaseNote)],
        "assessments": assessments,
        "referrals": [
            {"service": texts(r.service), "reason": texts(r.reason)} for r in rows(Referral)
        ],
        "consents": [
            {
                "third_party": texts(c.third_party),
                "scope": texts(c.scope),
                "given_at": c.given_at.isoformat(),
                "withdrawn_at": c.withdrawn_at.isoformat() if c.withdrawn_at else None,
            }
            for c in rows(Consent)
        ],
        "disclosures": [
            {
                "recipient": texts(d.recipient),
                "basis": str(d.basis),
                "justification": texts(d.justification),
                "what": texts(d.what),
                "at": d.disclosed_at.isoformat(),
            }
            for d in rows(Disclosure)
        ],
        "contacts": contacts,
    }
