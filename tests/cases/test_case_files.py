"""Case files (F1-F3, S1): open from a contact, link contacts, assessments with the client's
statement beside them, consents and disclosures, close and reopen, legal holds, authorisation
and the audit trail."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from helpline_core.clock import utcnow
from helpline_core.codes import load_code_list
from helpline_core.db import session_scope
from helpline_core.models import AuditEvent, CaseStatus, Channel
from helpline_core.services import registrations as reg
from helpline_core.services.actors import Actor, Forbidden, InvalidValue, NotFound
from helpline_core.services.cases import access, consents, entries, files, timeline
from tests.conftest import MakeCounsellor
from tests.support.contacts import ended_chat

CODES = load_code_list()
DETAILS = files.CaseDetails(
    pseudonym="Kim",
    region="antwerpen",
    age_group="12-17",
    sex="female",
    role="victim",
    themes=("child_abuse", "sexual.assault"),
)


def actor(engine: Engine, username: str) -> Actor:
    with session_scope(engine) as session:
        return Actor.counsellor(session, username)


def actions(engine: Engine, object_id: str) -> list[str]:
    with session_scope(engine) as session:
        rows = session.exec(
            select(AuditEvent).where(AuditEvent.object_id == object_id).order_by(col(AuditEvent.id))
        ).all()
        return [row.action for row in rows]


def test_a_file_from_a_contact_with_an_assessment_and_the_clients_statement_beside_it(
    engine: Engine, secret_key: bytes, make_counsellor: MakeCounsellor
) -> None:
    anna = make_counsellor("anna")
    first = ended_chat(engine, secret_key, anna, lines=("I am scared", "Tell me more"))
    second = ended_chat(engine, secret_key, anna)
    me = actor(engine, "anna")
    with session_scope(engine) as session:
        case = files.open_file(session, secret_key, CODES, actor=me, details=DETAILS, contact=first)
        phone = reg.register_phone(
            session,
            secret_key,
            CODES,
            actor=me,
            contact_at=utcnow() - timedelta(hours=1),
            duration_seconds=300,
            values=reg.RegistrationValues(forms=("unknown",)),
        )
        files.link_contact(session, secret_key, actor=me, case=case.public_id, contact=second)
        files.link_contact(
            session, secret_key, actor=me, case=case.public_id, contact=phone.public_id
        )
        assessment = entries.add_assessment(
            session, secret_key, actor=me, case=case.public_id, body="Risk at home is high."
        )
        entries.add_statement(
            session,
            secret_key,
            actor=me,
            case=case.public_id,
            assessment=assessment,
            body="I do not agree: it is not that bad.",
        )
        entries.add_note(session, secret_key, actor=me, case=case.public_id, body="Call back.")
        entries.add_referral(
            session, secret_key, actor=me, case=case.public_id, service="CAW Antwerpen", reason=None
        )
    with session_scope(engine) as session:
        read = timeline.read(session, secret_key, actor=me, case=case.public_id)
        lines = timeline.transcript(
            session, secret_key, actor=me, case=case.public_id, contact=first
        )
    assert read.summary.details == DETAILS
    assert [c.channel for c in read.contacts] == [Channel.PHONE, Channel.CHAT, Channel.CHAT]
    assert read.contacts[0].registration == phone.public_id
    # F2: the assessment is kept as written, the statement beside it.
    (shown,) = read.assessments
    assert shown.body == "Risk at home is high."
    assert [s.body for s in shown.statements] == ["I do not agree: it is not that bad."]
    assert [line.body for line in lines] == ["I am scared", "Tell me more"]
    assert actions(engine, case.public_id) == [
        "case.open",
        "case.link",
        "case.link",
        "case.assessment",
        "case.statement",
        "case.note",
        "case.referral",
        "case.read",
        "case.transcript_read",
    ]
    with session_scope(engine) as session:
        details = [r.detail for r in session.exec(select(AuditEvent))]
    assert not any("scared" in d or "agree" in d or "Risk" in d for d in details)


def test_a_disclosure_rests_on_a_consent_that_is_not_withdrawn(
    engine: Engine, secret_key: bytes, make_counsellor: MakeCounsellor
) -> None:
    make_counsellor("anna")
    me = actor(engine, "anna")
    with session_scope(engine) as session:
        case = files.open_file(session, secret_key, CODES, actor=me, details=DETAILS).public_id
        consent = consents.add_consent(
            session, secret_key, actor=me, case=case, third_party="CLB", scope="school situation"
        )
        consents.disclose_with_consent(
            session, secret_key, actor=me, case=case, consent=consent, what="school situation"
        )
        consents.withdraw_consent(session, secret_key, actor=me, case=case, consent=consent)
    with session_scope(engine) as session, pytest.raises(InvalidValue, match="withdrawn"):
        consents.disclose_with_consent(
            session, secret_key, actor=me, case=case, consent=consent, what="more"
        )
    with session_scope(engine) as session:
        read = timeline.read(session, secret_key, actor=me, case=case)
    assert len(read.disclosures) == 1 and read.disclosures[0].recipient == "CLB"
    assert read.consents[0].withdrawn_at is not None


def test_an_emergency_disclosure_is_for_a_team_lead_and_stands_out_in_the_audit_log(
    engine: Engine, secret_key: bytes, make_counsellor: MakeCounsellor
) -> None:
    make_counsellor("anna")
    make_counsellor("lea", role="team_lead")
    me, lead = actor(engine, "anna"), actor(engine, "lea")
    with session_scope(engine) as session:
        case = files.open_file(session, secret_key, CODES, actor=me, details=DETAILS).public_id
    arguments = {"case": case, "recipient": "police", "what": "address", "justification": "acute"}
    with session_scope(engine) as session, pytest.raises(Forbidden):
        consents.disclose_in_emergency(session, secret_key, actor=me, **arguments)  # type: ignore[arg-type]
    with session_scope(engine) as session:
        consents.disclose_in_emergency(session, secret_key, actor=lead, **arguments)  # type: ignore[arg-type]
    assert actions(engine, case)[-1] == "case.disclosure_emergency"


def test_close_reopen_and_a_legal_hold(
    engine: Engine, secret_key: bytes, make_counsellor: MakeCounsellor
) -> None:
    make_counsellor("anna")
    make_counsellor("lea", role="team_lead")
    me, lead = actor(engine, "anna"), actor(engine, "lea")
    with session_scope(engine) as session:
        case = files.open_file(session, secret_key, CODES, actor=me, details=DETAILS).public_id
        closed = files.close(session, secret_key, actor=me, case=case)
        assert closed.status == CaseStatus.CLOSED and closed.closed_at is not None
        for missing in (None, "", "   "):
            with pytest.raises(InvalidValue) as refused:
                files.reopen(session, secret_key, actor=me, case=case, reason=missing)
            assert refused.value.code == "reason_missing"
        reopened = files.reopen(session, secret_key, actor=me, case=case, reason=" new contact ")
        assert reopened.reopen_reason == "new contact"
        # Reopening resets the retention clock: no closing date until the next close.
        assert reopened.status == CaseStatus.OPEN and reopened.closed_at is None
        with pytest.raises(InvalidValue) as refused:
            files.reopen(session, secret_key, actor=me, case=case, reason="again")
        assert refused.value.code == "case_open"
        with pytest.raises(Forbidden) as forbidden:
            files.set_hold(session, secret_key, actor=me, case=case, reason="court order")
        assert forbidden.value.code == "lead_only"
        held = files.set_hold(session, secret_key, actor=lead, case=case, reason="court order")
        assert held.legal_hold and held.legal_hold_reason == "court order"
        released = files.set_hold(
            session, secret_key, actor=Actor.admin("root"), case=case, reason=None
        )
        assert not released.legal_hold


def test_a_guessed_file_is_not_found_and_sharing_opens_it(
    engine: Engine, secret_key: bytes, make_counsellor: MakeCounsellor
) -> None:
    make_counsellor("anna")
    make_counsellor("bert")  # same team
    make_counsellor("otto", team="limburg")
    me, colleague, other = (actor(engine, n) for n in ("anna", "bert", "otto"))
    with session_scope(engine) as session:
        case = files.open_file(session, secret_key, CODES, actor=me, details=DETAILS).public_id
    with session_scope(engine) as session:
        assert [f.public_id for f in files.list_files(session, actor=colleague)] == [case]
        assert [f.public_id for f in files.list_files(session, actor=me, query="ki")] == [case]
        assert files.list_files(session, actor=me, query="zz") == []
        assert files.list_files(session, actor=other) == []
        for call in (
            lambda: timeline.read(session, secret_key, actor=other, case=case),
            lambda: entries.add_note(session, secret_key, actor=other, case=case, body="x"),
            lambda: files.close(session, secret_key, actor=other, case=case),
        ):
            with pytest.raises(NotFound):
                call()
        access.share(session, secret_key, actor=me, case=case, username="otto")
    with session_scope(engine) as session:
        assert timeline.read(session, secret_key, actor=other, case=case).summary.pseudonym == "Kim"
        assert [f.public_id for f in files.list_files(session, actor=other)] == [case]


def test_bad_details_are_refused(
    engine: Engine, secret_key: bytes, make_counsellor: MakeCounsellor
) -> None:
    make_counsellor("anna")
    me = actor(engine, "anna")
    for details in (
        files.CaseDetails(pseudonym="  "),
        files.CaseDetails(pseudonym="Kim", region="mars"),
        files.CaseDetails(pseudonym="Kim", themes=("gossip",)),
    ):
        with session_scope(engine) as session, pytest.raises(InvalidValue):
            files.open_file(session, secret_key, CODES, actor=me, details=details)
    with session_scope(engine) as session:
        assert files.list_files(session, actor=me) == []
