"""Two data subjects with overlapping names, dates and a shared counsellor: everything about the
first must reach its export, nothing about the second may."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import select

from helpline_core.db import session_scope
from helpline_core.models import (
    Attachment,
    CaseFile,
    Channel,
    Conversation,
    ConversationStatus,
    EmailDirection,
    EmailMessage,
    Message,
    Registration,
    RegistrationForm,
    RegistrationReferral,
    RegistrationStatus,
    RegistrationVictim,
    Sender,
    Team,
)
from helpline_core.services.actors import Actor
from helpline_core.services.cases import consents, entries, files

# What each subject's chat was registered with: a form of violence, a victim and a referral of
# their own, so that one subject's registration is recognised in the other's export.
REGISTERED = {
    "alpha": ("psychological.stalking", ("12-17", "female", "parent"), "vk"),
    "bravo": ("economic.control", ("65+", "male", "stranger"), "clb"),
}


@dataclass
class Subject:
    case: str
    case_id: int
    chat_id: int
    email_id: int
    address: str
    assessment: int
    consent: int


def _chat(engine: Engine, at: datetime, case_id: int, counsellor: int, words: str) -> int:
    with session_scope(engine) as session:
        row = Conversation(
            public_id=secrets.token_hex(8), channel=Channel.CHAT, status=ConversationStatus.ENDED,
            created_at=at, ended_at=at, last_activity_at=at, case_file_id=case_id, last_seq=2,
            counsellor_id=counsellor, nickname=f"nick {words}", intake_age_group="12_17",
            intake_region="antwerpen", intake_sex="female",
        )  # fmt: skip
        session.add(row)
        session.flush()
        assert row.id is not None
        session.add(Message(conversation_id=row.id, seq=1, body=f"visitor says {words}"))
        answer = f"counsellor answers {words}"
        session.add(Message(conversation_id=row.id, seq=2, sender=Sender.COUNSELLOR,
                            counsellor_id=counsellor, body=answer))  # fmt: skip
        registration = Registration(
            public_id=secrets.token_hex(8), contact_id=row.id, case_file_id=case_id,
            counsellor_id=counsellor, codes_version="2026.1", contact_at=at,
            status=RegistrationStatus.FINAL, finalised_at=at,
        )  # fmt: skip
        session.add(registration)
        session.flush()
        assert registration.id is not None
        form, (age_group, sex, relation), referral = REGISTERED[words]
        session.add(RegistrationForm(registration_id=registration.id, code=form))
        session.add(RegistrationVictim(registration_id=registration.id, age_group=age_group,
                                       sex=sex, relation=relation))  # fmt: skip
        session.add(RegistrationReferral(registration_id=registration.id, code=referral))
        return row.id


def _email(engine: Engine, at: datetime, address: str, words: str, counsellor: int | None) -> int:
    with session_scope(engine) as session:
        team = session.exec(select(Team).where(Team.code == "antwerpen")).one()
        row = Conversation(
            public_id=secrets.token_hex(8), channel=Channel.EMAIL, team_id=team.id,
            status=ConversationStatus.ACTIVE, subject="Hulp", created_at=at, last_activity_at=at,
        )  # fmt: skip
        session.add(row)
        session.flush()
        assert row.id is not None
        inbound = EmailMessage(
            conversation_id=row.id, direction=EmailDirection.INBOUND,
            message_id=f"<{secrets.token_hex(6)}@x.example>", subject=f"Hulp {words}",
            from_address=address, from_name=f"Lotte {words}", received_at=at,
            body_text=f"mail about {words}",
        )  # fmt: skip
        session.add(inbound)
        session.flush()
        assert inbound.id is not None
        session.add(Attachment(email_id=inbound.id, stored_name=secrets.token_hex(8),
                               original_name=f"{words}.pdf", sha256="0" * 64, size=10))  # fmt: skip
        session.add(EmailMessage(
            conversation_id=row.id, direction=EmailDirection.OUTBOUND, counsellor_id=counsellor,
            message_id=f"<{secrets.token_hex(6)}@h.example>", received_at=at,
            body_text=f"reply about {words}",
        ))  # fmt: skip
        return row.id


def subject(
    engine: Engine, key: bytes, codes: object, *, name: str, words: str, at: datetime,
    address: str, counsellor_id: int,
) -> Subject:  # fmt: skip
    """A case file named `name` with a note, an assessment, a consent and a disclosure, a chat
    linked to it (with a nickname, intake answers and a registration: `REGISTERED[words]`), and
    an email thread from `address` linked to it; texts carry `words`."""
    actor = Actor.admin("test")
    with session_scope(engine) as session:
        summary = files.open_file(
            session, key, codes, actor=actor,  # type: ignore[arg-type]
            details=files.CaseDetails(pseudonym=name),
        )  # fmt: skip
        case = summary.public_id
        entries.add_note(session, key, actor=actor, case=case, body=f"note on {words}")
        assessment = entries.add_assessment(session, key, actor=actor, case=case,
                                            body=f"assessment of {words}")  # fmt: skip
        consent = consents.add_consent(session, key, actor=actor, case=case,
                                       third_party=f"CAW {words}", scope="all")  # fmt: skip
        consents.disclose_with_consent(session, key, actor=actor, case=case, consent=consent,
                                       what=f"file of {words}")  # fmt: skip
        row = session.exec(select(CaseFile).where(CaseFile.public_id == case)).one()
        assert row.id is not None
        case_id = row.id
    chat_id = _chat(engine, at, case_id, counsellor_id, words)
    email_id = _email(engine, at, address, words, counsellor_id)
    with session_scope(engine) as session:
        thread = session.get(Conversation, email_id)
        assert thread is not None
        thread.case_file_id = case_id
        session.add(thread)
    return Subject(case, case_id, chat_id, email_id, address, assessment, consent)
