"""Back-dated rows for retention tests: each helper writes one item with the given dates."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import select

from helpline_core.db import session_scope
from helpline_core.models import (
    Assessment,
    Attachment,
    Block,
    CaseFile,
    CaseNote,
    CaseStatus,
    Channel,
    ChatSession,
    ClientStatement,
    Consent,
    Conversation,
    ConversationStatus,
    Disclosure,
    EmailDirection,
    EmailMessage,
    Message,
    QuarantinedEmail,
    Referral,
    Registration,
    RegistrationForm,
    RegistrationStatus,
    Team,
)


def chat(
    engine: Engine, ended: datetime, *, case_file_id: int | None = None, messages: int = 3
) -> int:
    """An ended chat with a transcript, nickname, IP hash, intake, a session and its registration
    (a form of violence)."""
    with session_scope(engine) as session:
        row = Conversation(
            public_id=secrets.token_hex(8), channel=Channel.CHAT, status=ConversationStatus.ENDED,
            nickname="Vlinder", ip_hash="ab" * 32, intake_age_group="12-15",
            intake_region="antwerpen", intake_sex="f", intake_role="victim",
            created_at=ended, ended_at=ended, last_activity_at=ended,
            case_file_id=case_file_id, last_seq=messages,
        )  # fmt: skip
        session.add(row)
        session.flush()
        assert row.id is not None
        for seq in range(1, messages + 1):
            session.add(Message(conversation_id=row.id, seq=seq, body=f"geheim {seq}"))
        session.add(
            ChatSession(conversation_id=row.id, token_hash=secrets.token_hex(32), expires_at=ended)
        )
        registration = Registration(
            public_id=secrets.token_hex(8), contact_id=row.id, channel=Channel.CHAT,
            status=RegistrationStatus.FINAL, codes_version="2026.1", contact_at=ended,
            role="victim", age_group="12-17", region="antwerpen", sex="female",
        )  # fmt: skip
        session.add(registration)
        session.flush()
        assert registration.id is not None
        session.add(RegistrationForm(registration_id=registration.id, code="sexual"))
        return row.id


def email_thread(
    engine: Engine, *received: datetime, case_file_id: int | None = None
) -> tuple[int, list[int]]:
    """An email thread with one inbound email per date (no mailbox); returns the ids."""
    with session_scope(engine) as session:
        team = session.exec(select(Team).where(Team.code == "antwerpen")).one()
        row = Conversation(
            public_id=secrets.token_hex(8), channel=Channel.EMAIL, team_id=team.id,
            status=ConversationStatus.ACTIVE, subject="Hulp", case_file_id=case_file_id,
            created_at=received[0], last_activity_at=received[-1],
        )  # fmt: skip
        session.add(row)
        session.flush()
        assert row.id is not None
        ids = []
        for at in received:
            email = EmailMessage(
                conversation_id=row.id, direction=EmailDirection.INBOUND,
                message_id=f"<{secrets.token_hex(6)}@visitor.example>", subject="Hulp",
                from_address="anna@visitor.example", received_at=at, body_text="mijn verhaal",
            )  # fmt: skip
            session.add(email)
            session.flush()
            assert email.id is not None
            ids.append(email.id)
        return row.id, ids


def attachment(engine: Engine, email_id: int, stored_name: str) -> None:
    with session_scope(engine) as session:
        session.add(Attachment(email_id=email_id, stored_name=stored_name, sha256="0" * 64))


def quarantined(engine: Engine, received: datetime) -> int:
    with session_scope(engine) as session:
        row = QuarantinedEmail(mailbox="antwerpen", reason="test", raw=b"x", received_at=received)
        session.add(row)
        session.flush()
        assert row.id is not None
        return row.id


def case_file(
    engine: Engine, closed: datetime | None, *, hold: bool = False, reopened: bool = False
) -> int:
    """A case file with a note, an assessment and statement, a referral, consent, disclosure."""
    with session_scope(engine) as session:
        status = CaseStatus.OPEN if closed is None or reopened else CaseStatus.CLOSED
        row = CaseFile(
            public_id=secrets.token_hex(8), pseudonym="Client A", status=status,
            closed_at=closed, legal_hold=hold,
        )  # fmt: skip
        session.add(row)
        session.flush()
        assert row.id is not None
        session.add(CaseNote(case_file_id=row.id, body="notitie"))
        assessment = Assessment(case_file_id=row.id, body="inschatting")
        session.add(assessment)
        session.flush()
        assert assessment.id is not None
        session.add(ClientStatement(assessment_id=assessment.id, body="niet akkoord"))
        session.add(Referral(case_file_id=row.id, service="CAW"))
        consent = Consent(case_file_id=row.id, third_party="CAW", scope="alles")
        session.add(consent)
        session.flush()
        session.add(
            Disclosure(case_file_id=row.id, recipient="CAW", consent_id=consent.id, what="dossier")
        )
        return row.id


def block(engine: Engine, expires: datetime | None, lifted: datetime | None = None) -> int:
    with session_scope(engine) as session:
        row = Block(
            ip_hash="cd" * 32, reason="misbruik", set_by_name="test", expires_at=expires,
            lifted_at=lifted,
        )  # fmt: skip
        session.add(row)
        session.flush()
        assert row.id is not None
        return row.id
