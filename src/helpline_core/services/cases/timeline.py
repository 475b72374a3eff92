"""One case file's timeline (F1, F2, F3) and the transcripts of its linked contacts.

Reading either is audited ("case.read", "case.transcript_read"; ids and counts only). The
timeline keeps each client statement with the assessment it disputes (F2), so no screen can
show one without the other.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from helpline_core.models import (
    Assessment,
    CaseNote,
    Channel,
    ClientStatement,
    Consent,
    Conversation,
    Counsellor,
    Disclosure,
    EmailMessage,
    Message,
    Referral,
    Registration,
)
from helpline_core.services.actors import Actor, NotFound
from helpline_core.services.cases.access import get_file, record
from helpline_core.services.cases.files import CaseSummary, summary


@dataclass(frozen=True)
class ContactItem:
    """A linked contact; `retained` False once the purge removed its transcript or email."""

    channel: Channel
    contact: str | None  # conversation public id; None for a phone call
    registration: str | None
    at: datetime
    duration_seconds: int | None
    retained: bool


@dataclass(frozen=True)
class TextItem:
    """A note (and the base of the other written entries)."""

    id: int
    at: datetime
    author: str | None
    body: str


@dataclass(frozen=True)
class AssessmentItem(TextItem):
    statements: tuple[TextItem, ...] = ()  # the client's own word beside it (F2)


@dataclass(frozen=True)
class ReferralItem:
    id: int
    at: datetime
    author: str | None
    service: str
    reason: str | None


@dataclass(frozen=True)
class ConsentItem:
    id: int
    at: datetime
    author: str | None
    third_party: str
    scope: str
    withdrawn_at: datetime | None


@dataclass(frozen=True)
class DisclosureItem:
    id: int
    at: datetime
    author: str | None
    recipient: str
    basis: str  # "consent" or "emergency"
    consent: int | None
    justification: str | None
    what: str


@dataclass(frozen=True)
class CaseTimeline:
    summary: CaseSummary
    contacts: tuple[ContactItem, ...]
    notes: tuple[TextItem, ...]
    assessments: tuple[AssessmentItem, ...]
    referrals: tuple[ReferralItem, ...]
    consents: tuple[ConsentItem, ...]
    disclosures: tuple[DisclosureItem, ...]


@dataclass(frozen=True)
class TranscriptLine:
    """One chat message or email of a linked contact, as stored (visitor text: show literally)."""

    at: datetime
    sender: str  # "visitor", "counsellor", "system"; for email "in" or "out"
    body: str


def _names(session: Session, ids: set[int | None]) -> dict[int | None, str]:
    wanted = [i for i in ids if i is not None]
    if not wanted:
        return {}
    rows = session.exec(select(Counsellor).where(col(Counsellor.id).in_(wanted)))
    return {row.id: row.username for row in rows}


def _contacts(session: Session, case_file_id: int) -> tuple[ContactItem, ...]:
    conversations = session.exec(
        select(Conversation).where(Conversation.case_file_id == case_file_id)
    ).all()
    registrations = {
        row.contact_id: row
        for row in session.exec(
            select(Registration).where(
                col(Registration.contact_id).in_([c.id for c in conversations])
            )
        )
    }
    items = [
        ContactItem(
            channel=Channel(c.channel),
            contact=c.public_id,
            registration=r.public_id if (r := registrations.get(c.id)) else None,
            at=c.created_at,
            duration_seconds=r.duration_seconds if r else None,
            retained=c.delete_requested_at is None,
        )
        for c in conversations
    ]
    phones = session.exec(
        select(Registration).where(
            Registration.case_file_id == case_file_id, col(Registration.contact_id).is_(None)
        )
    ).all()
    items += [
        ContactItem(
            channel=Channel(r.channel),
            contact=None,
            registration=r.public_id,
            at=r.contact_at,
            duration_seconds=r.duration_seconds,
            retained=False,
        )
        for r in phones
    ]
    return tuple(sorted(items, key=lambda item: item.at))


def read(session: Session, key: bytes, *, actor: Actor, case: str) -> CaseTimeline:
    """The whole file for reading (audited as "case.read"); NotFound if not visible."""
    row = get_file(session, actor, case)
    file_id = row.id
    assert file_id is not None
    notes = session.exec(select(CaseNote).where(CaseNote.case_file_id == file_id)).all()
    assessments = session.exec(select(Assessment).where(Assessment.case_file_id == file_id)).all()
    statements = session.exec(
        select(ClientStatement).where(
            col(ClientStatement.assessment_id).in_([a.id for a in assessments])
        )
    ).all()
    referrals = session.exec(select(Referral).where(Referral.case_file_id == file_id)).all()
    consents = session.exec(select(Consent).where(Consent.case_file_id == file_id)).all()
    disclosures = session.exec(select(Disclosure).where(Disclosure.case_file_id == file_id)).all()
    names = _names(
        session,
        {n.counsellor_id for n in notes}
        | {a.counsellor_id for a in assessments}
        | {s.recorded_by for s in statements}
        | {r.counsellor_id for r in referrals}
        | {c.recorded_by for c in consents}
        | {d.counsellor_id for d in disclosures},
    )
    by_assessment: dict[int, list[TextItem]] = defaultdict(list)
    for s in sorted(statements, key=lambda s: s.created_at):
        assert s.id is not None
        by_assessment[s.assessment_id].append(
            TextItem(s.id, s.created_at, names.get(s.recorded_by), s.body)
        )
    timeline = CaseTimeline(
        summary=summary(session, row),
        contacts=_contacts(session, file_id),
        notes=tuple(
            TextItem(n.id or 0, n.created_at, names.get(n.counsellor_id), n.body) for n in notes
        ),
        assessments=tuple(
            AssessmentItem(
                a.id or 0,
                a.created_at,
                names.get(a.counsellor_id),
                a.body,
                tuple(by_assessment.get(a.id or 0, ())),
            )
            for a in assessments
        ),
        referrals=tuple(
            ReferralItem(r.id or 0, r.created_at, names.get(r.counsellor_id), r.service, r.reason)
            for r in referrals
        ),
        consents=tuple(
            ConsentItem(
                c.id or 0,
                c.given_at,
                names.get(c.recorded_by),
                c.third_party,
                c.scope,
                c.withdrawn_at,
            )
            for c in consents
        ),
        disclosures=tuple(
            DisclosureItem(
                d.id or 0,
                d.disclosed_at,
                names.get(d.counsellor_id),
                d.recipient,
                str(d.basis),
                d.consent_id,
                d.justification,
                d.what,
            )
            for d in disclosures
        ),
    )
    record(session, key, actor, "case.read", row)
    return timeline


def transcript(
    session: Session, key: bytes, *, actor: Actor, case: str, contact: str
) -> list[TranscriptLine]:
    """The transcript of a chat or the emails of an email contact linked to the file, while it
    is retained (audited as "case.transcript_read" with the count of lines). NotFound if the
    contact is not linked to this file or its content is gone."""
    row = get_file(session, actor, case)
    conversation = session.exec(
        select(Conversation).where(
            Conversation.public_id == contact, Conversation.case_file_id == row.id
        )
    ).first()
    if conversation is None or conversation.delete_requested_at is not None:
        raise NotFound("no such contact in this file, or no longer retained", "transcript_gone")
    lines: list[TranscriptLine]
    if conversation.channel == Channel.EMAIL:
        emails = session.exec(
            select(EmailMessage)
            .where(EmailMessage.conversation_id == conversation.id)
            .order_by(col(EmailMessage.received_at))
        ).all()
        lines = [TranscriptLine(e.received_at, str(e.direction), e.body_text) for e in emails]
    else:
        messages = session.exec(
            select(Message)
            .where(Message.conversation_id == conversation.id)
            .order_by(col(Message.seq))
        ).all()
        lines = [TranscriptLine(m.created_at, str(m.sender), m.body) for m in messages]
    record(
        session,
        key,
        actor,
        "case.transcript_read",
        row,
        {"contact": conversation.public_id, "lines": len(lines)},
    )
    return lines
