"""Everything kept about one data subject (R1, R2, GDPR art. 15 and 20), as plain data for the
JSON export and the HTML copy. Rows are reached only through the subject's ids (`subject`), and
counsellors appear by role and team, not by name, unless `rights.names_counsellors` is set."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import false, or_
from sqlmodel import Session, col, select

from helpline_core.config import Settings
from helpline_core.mail.charsets import header_bytes_text
from helpline_core.mail.reasons import decode
from helpline_core.models import (
    Assessment,
    Attachment,
    CaseFile,
    CaseNote,
    Channel,
    ClientStatement,
    Complaint,
    Consent,
    Conversation,
    Counsellor,
    DataSubjectRequest,
    Disclosure,
    EmailDirection,
    EmailMessage,
    MailKind,
    Message,
    QuarantinedEmail,
    Referral,
    Registration,
    RegistrationForm,
    RegistrationReferral,
    RegistrationVictim,
    Team,
)
from helpline_core.services.retention.rules import Limits, chat_ended_at, limits_at
from helpline_core.services.rights.subject import Scope

SCHEMA_VERSION = 1


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


class _People:
    """Counsellor ids as "counsellor (team)" labels, or names when configured."""

    def __init__(self, session: Session, by_name: bool) -> None:
        self.session, self.by_name, self.cache = session, by_name, {}  # type: ignore[var-annotated]

    def __call__(self, counsellor_id: int | None) -> str | None:
        if counsellor_id is None:
            return None
        if counsellor_id not in self.cache:
            row = self.session.get(Counsellor, counsellor_id)
            team = self.session.get(Team, row.team_id) if row and row.team_id else None
            label = str(row.role).replace("_", " ") if row else "counsellor"
            label += f" ({team.code})" if team else ""
            if row and self.by_name:
                label = f"{row.display_name}, {label}"
            self.cache[counsellor_id] = label
        return str(self.cache[counsellor_id])


def _chat(session: Session, c: Conversation, limits: Limits, people: _People) -> dict[str, Any]:
    """A chat's transcript, nickname and intake answers while kept; after the retention purge
    stripped them, or once the chat is past its limit (expired is gone, purged or not), only
    when they went. The keyed IP hash is never shown (it identifies no one, DESIGN S2)."""
    ended = session.exec(select(chat_ended_at()).where(Conversation.id == c.id)).one()
    if c.purged_at is not None or ended <= limits.chat:
        return {"retained": False, "removed_on": _iso(c.purged_at or limits.now),
                "nickname": None, "intake": None, "messages": []}  # fmt: skip
    rows = session.exec(
        select(Message).where(Message.conversation_id == c.id).order_by(col(Message.seq))
    ).all()
    return {
        "retained": True,
        "removed_on": None,
        "nickname": c.nickname,
        "intake": {"age_group": c.intake_age_group, "region": c.intake_region,
                   "sex": c.intake_sex, "role": c.intake_role},
        "messages": [
            {"at": _iso(m.created_at), "from": str(m.sender),
             "counsellor": people(m.counsellor_id), "text": m.body}
            for m in rows
        ],
    }  # fmt: skip


def _from_subject(c: Conversation, e: EmailMessage, email: str | None) -> bool:
    """Whether an inbound email was written by the subject. Named by address: mail from that
    address, or the correspondent's mail in a thread that is theirs (the address is its
    correspondent); a thread the subject only wrote into (a forward into someone else's) is
    not. Named by case file or claim code: the correspondent's mail. A bounce never is."""
    if e.direction != EmailDirection.INBOUND or e.kind == MailKind.BOUNCE:
        return False
    if email is not None and (e.from_address or "").lower() == email:
        return True
    theirs = email is None or email in (c.correspondent or "").split(",")
    return theirs and not e.other_sender


def _email(
    session: Session, c: Conversation, e: EmailMessage, people: _People, email: str | None
) -> dict[str, Any]:
    """One email. The subject's own mail shows their name and addresses as stored; a reply,
    where it went. Mail in the thread from someone else (a forward, a bounce, the other
    person's mail in a thread the subject wrote into) is marked "other" and that person's name
    and address are left out. Message-IDs and routing headers are internal and not shown."""
    files = session.exec(select(Attachment).where(Attachment.email_id == e.id)).all()
    inbound = e.direction == EmailDirection.INBOUND
    yours = _from_subject(c, e, email)
    return {
        "at": _iso(e.received_at),
        "from": ("you" if yours else "other") if inbound else "helpline",
        "from_name": e.from_name if yours else None,
        "from_address": e.from_address if yours else None,
        "reply_to": e.reply_to if yours else None,
        "to": None if inbound else e.to_addresses,
        "counsellor": people(e.counsellor_id),
        "subject": e.subject,
        "text": e.body_text,
        "attachments": [
            {"name": a.original_name, "type": a.detected_type, "size": a.size}
            for a in files if a.dropped_reason is None
        ],
    }  # fmt: skip


def _emails(
    session: Session, c: Conversation, limits: Limits, people: _People, email: str | None
) -> dict[str, Any]:
    rows = session.exec(
        select(EmailMessage)
        .where(EmailMessage.conversation_id == c.id)
        .where(col(EmailMessage.received_at) > limits.email)
        .order_by(col(EmailMessage.received_at), col(EmailMessage.id))
    ).all()
    items = [_email(session, c, e, people, email) for e in rows]
    # The thread's subject lives as long as one of its emails does (the purge clears it with
    # the last one); shown only while an email is kept, as the emails are.
    return {
        "retained": bool(items),
        "removed_on": None if items else _iso(c.purged_at or limits.now),
        "subject": c.subject if items else None,
        "emails": items,
    }


def _own_mail_elsewhere(
    session: Session, scope: Scope, limits: Limits, people: _People, email: str | None
) -> list[dict[str, Any]]:
    """The subject's own mail in threads that belong to someone else, one entry per thread: only
    their emails (and the helpline's replies to them), never the thread's subject, its other
    mail or its registration, which are the other person's (GDPR art. 15(4))."""
    rows = session.exec(
        select(EmailMessage)
        .where(col(EmailMessage.id).in_(scope.email_ids))
        .order_by(col(EmailMessage.conversation_id), col(EmailMessage.received_at),
                  col(EmailMessage.id))
    ).all()  # fmt: skip
    threads: dict[int, list[EmailMessage]] = {}
    for e in rows:
        threads.setdefault(e.conversation_id, []).append(e)
    contacts = []
    for thread_id, mails in threads.items():
        c = session.get(Conversation, thread_id)
        assert c is not None
        kept = [e for e in mails if e.received_at > limits.email]
        contacts.append({
            "channel": str(Channel.EMAIL), "started_at": _iso(mails[0].received_at),
            "ended_at": None, "registration": None, "own_mail_only": True,
            "retained": bool(kept), "removed_on": None if kept else _iso(limits.now),
            "subject": None, "emails": [_email(session, c, e, people, email) for e in kept],
        })  # fmt: skip
    return contacts


def _registration(session: Session, contact_id: int, people: _People) -> dict[str, Any] | None:
    r = session.exec(select(Registration).where(Registration.contact_id == contact_id)).first()
    return None if r is None else _registration_row(session, r, people)


def _registration_row(session: Session, r: Registration, people: _People) -> dict[str, Any]:
    """A registration with its forms of violence, (possible) victims and referrals, as codes of
    the list it was made with (`codes_version`); "draft" until the counsellor finalised it."""
    forms = session.exec(
        select(RegistrationForm.code).where(RegistrationForm.registration_id == r.id)
    ).all()
    victims = session.exec(
        select(RegistrationVictim)
        .where(RegistrationVictim.registration_id == r.id)
        .order_by(col(RegistrationVictim.id))
    ).all()
    referrals = session.exec(
        select(RegistrationReferral.code).where(RegistrationReferral.registration_id == r.id)
    ).all()
    return {"channel": str(r.channel), "contact_at": _iso(r.contact_at), "status": str(r.status),
            "finalised_at": _iso(r.finalised_at), "codes_version": r.codes_version,
            "contact_type": r.contact_type, "duration_seconds": r.duration_seconds,
            "counsellor": people(r.counsellor_id), "role": r.role, "age_group": r.age_group,
            "region": r.region, "sex": r.sex, "forms": sorted(forms),
            "victims": [{"age_group": v.age_group, "sex": v.sex, "relation": v.relation}
                        for v in victims],
            "referrals": sorted(referrals)}  # fmt: skip


def _file_registrations(
    session: Session, case_file_id: int, people: _People
) -> list[dict[str, Any]]:
    """The registrations of contacts that reached the file without a chat or an email of the
    helpline (a phone call, a visit): only the file links them to the subject, so they are in
    the file's part of the export. Those of a chat or email are under their contact."""
    rows = session.exec(
        select(Registration)
        .where(Registration.case_file_id == case_file_id, col(Registration.contact_id).is_(None))
        .order_by(col(Registration.contact_at), col(Registration.id))
    )
    return [_registration_row(session, r, people) for r in rows]


def _file(session: Session, f: CaseFile, people: _People) -> dict[str, Any]:
    assert f.id is not None
    assessments = session.exec(select(Assessment).where(Assessment.case_file_id == f.id)).all()

    def statements(a: Assessment) -> list[dict[str, Any]]:
        rows = session.exec(select(ClientStatement).where(ClientStatement.assessment_id == a.id))
        return [{"at": _iso(s.created_at), "text": s.body} for s in rows]

    by_file = {"case_file_id": f.id}
    return {
        "case": f.public_id,
        "pseudonym": f.pseudonym,
        "region": f.region, "age_group": f.age_group, "sex": f.sex,
        "role": str(f.role) if f.role else None,
        "themes": [t for t in (f.themes or "").split(",") if t],
        "status": str(f.status), "opened_at": _iso(f.opened_at), "closed_at": _iso(f.closed_at),
        "restricted": f.processing_restricted,
        "registrations": _file_registrations(session, f.id, people),
        "notes": [{"at": _iso(n.created_at), "by": people(n.counsellor_id), "text": n.body}
                  for n in session.exec(select(CaseNote).filter_by(**by_file))],
        "assessments": [{"at": _iso(a.created_at), "by": people(a.counsellor_id),
                         "text": a.body, "statements": statements(a)} for a in assessments],
        "referrals": [{"at": _iso(r.created_at), "service": r.service, "reason": r.reason}
                      for r in session.exec(select(Referral).filter_by(**by_file))],
        "consents": [{"given_at": _iso(c.given_at), "third_party": c.third_party,
                      "scope": c.scope, "withdrawn_at": _iso(c.withdrawn_at)}
                     for c in session.exec(select(Consent).filter_by(**by_file))],
        "disclosures": [{"at": _iso(d.disclosed_at), "recipient": d.recipient,
                         "basis": str(d.basis), "what": d.what}
                        for d in session.exec(select(Disclosure).filter_by(**by_file))],
    }  # fmt: skip


def _unread_mail(session: Session, scope: Scope) -> list[dict[str, Any]]:
    """The subject's mail kept raw in quarantine (it could not be read, or was refused) as it
    arrived: its bytes as text (UTF-8, else windows-1252), with why it was kept (a code of
    mail.reasons; never the admin's technical detail)."""
    rows = session.exec(
        select(QuarantinedEmail)
        .where(col(QuarantinedEmail.id).in_(scope.quarantine_ids))
        .order_by(col(QuarantinedEmail.received_at), col(QuarantinedEmail.id))
    )
    return [{"received_at": _iso(q.received_at), "reason": decode(q.reason).code,
             "source": header_bytes_text(bytes(q.raw))} for q in rows]  # fmt: skip


def collect(
    session: Session, settings: Settings, scope: Scope, now: datetime, email: str | None = None
) -> dict[str, Any]:
    """The subject's data as one JSON-ready dict (docs/rights-export.schema.json); `email`: the
    subject's address, whose own requests are theirs too."""
    limits = limits_at(settings, now)
    people = _People(session, settings.rights.names_counsellors)
    contacts = []
    for c in session.exec(
        select(Conversation)
        .where(col(Conversation.id).in_(scope.conversation_ids))
        .order_by(col(Conversation.created_at), col(Conversation.id))
    ):
        assert c.id is not None
        content = (
            _chat(session, c, limits, people)
            if c.channel == Channel.CHAT
            else _emails(session, c, limits, people, email)
        )
        contacts.append({"channel": str(c.channel), "started_at": _iso(c.created_at),
                         "ended_at": _iso(c.ended_at),
                         "registration": _registration(session, c.id, people),
                         **content})  # fmt: skip
    contacts += _own_mail_elsewhere(session, scope, limits, people, email)
    files = session.exec(
        select(CaseFile).where(col(CaseFile.id).in_(scope.case_file_ids)).order_by(col(CaseFile.id))
    ).all()
    requests = session.exec(
        select(DataSubjectRequest)
        .where(
            or_(
                col(DataSubjectRequest.case_file_id).in_(scope.case_file_ids),
                col(DataSubjectRequest.conversation_id).in_(scope.conversation_ids),
                col(DataSubjectRequest.subject_email) == email if email else false(),
            )
        )
        .order_by(col(DataSubjectRequest.id))
    ).all()
    complaints = session.exec(
        select(Complaint).where(col(Complaint.case_file_id).in_(scope.case_file_ids))
    ).all()
    return {
        "schema_version": SCHEMA_VERSION,
        "created_at": _iso(now),
        "contacts": contacts,
        "case_files": [_file(session, f, people) for f in files],
        "unread_mail": _unread_mail(session, scope),
        "requests": [{"kind": str(r.kind), "status": str(r.status),
                      "received_at": _iso(r.received_at), "due_at": _iso(r.due_at),
                      "decision": r.decision_note} for r in requests],
        "complaints": [{"received_at": _iso(c.received_at), "status": c.status,
                        "summary": c.summary, "resolution": c.resolution} for c in complaints],
    }  # fmt: skip
