"""The rights export's content field by field (R1, R2): `collect` in-process on a database with
two subjects, every value written out by hand. Chats and emails at the retention limit, purged
contacts, dropped attachments, files with empty fields, requests found by address, and the
other subject's rows beside each of the first's."""

from __future__ import annotations

import html
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from markupsafe import escape
from sqlalchemy.engine import Engine
from sqlmodel import Session

from helpline_core.config import Settings
from helpline_core.db import session_scope
from helpline_core.models import (
    Assessment,
    Attachment,
    CaseFile,
    CaseNote,
    CaseStatus,
    Channel,
    ClientRole,
    ClientStatement,
    Complaint,
    Consent,
    Conversation,
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
    RegistrationStatus,
    RegistrationVictim,
    RequestKind,
    RequestStatus,
    Sender,
)
from helpline_core.services.rights.collect import _People, collect
from helpline_core.services.rights.export import render_html
from helpline_core.services.rights.letters import LABELS
from helpline_core.services.rights.subject import Scope
from tests.conftest import MakeCounsellor, make_settings

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
# Six months before NOW in Brussels (winter time): the chat and email limit.
LIMIT = datetime(2025, 12, 15, 13, 0, tzinfo=UTC)
SECOND = timedelta(seconds=1)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def _add(session: Session, row: Any) -> int:
    session.add(row)
    session.flush()
    assert row.id is not None
    return int(row.id)


def _details(
    s: Session, registration: int, forms: list[str], victims: list[tuple[str, str, str]],
    referrals: list[str],
) -> None:  # fmt: skip
    s.add_all(RegistrationForm(registration_id=registration, code=c) for c in forms)
    s.add_all(RegistrationVictim(registration_id=registration, age_group=age, sex=sex,
                                 relation=relation) for age, sex, relation in victims)  # fmt: skip
    s.add_all(RegistrationReferral(registration_id=registration, code=c) for c in referrals)


def _seed(engine: Engine, greta: int, lena: int, tom: int) -> dict[str, int]:
    """Subject A: two files, chats and threads of each kind; subject B: one of each, all with
    the same counsellor and dates close to A's."""
    ids: dict[str, int] = {}
    with session_scope(engine) as s:
        ids["a1"] = a1 = _add(s, CaseFile(
            public_id="case-a1", pseudonym="Lotte V", region="antwerpen", age_group="18-24",
            sex="f", role=ClientRole.VICTIM, themes="violence,,stalking",
            status=CaseStatus.CLOSED, opened_at=at("2026-01-05T09:00:00"),
            closed_at=at("2026-05-20T16:00:00"), processing_restricted=True,
        ))  # fmt: skip
        ids["a2"] = a2 = _add(s, CaseFile(
            public_id="case-a2", pseudonym="Lotte V 2", opened_at=at("2026-02-01T09:00:00"),
        ))  # fmt: skip
        ids["b"] = b = _add(s, CaseFile(
            public_id="case-b", pseudonym="Lotte W", region="limburg", role=ClientRole.OTHER,
            themes="bravo", opened_at=at("2026-01-05T09:00:00"),
        ))  # fmt: skip
        for file_id, words in ((b, "bravo"), (a1, "alpha")):
            s.add(CaseNote(case_file_id=file_id, counsellor_id=greta, body=f"note {words}",
                           created_at=at("2026-01-06T10:00:00")))  # fmt: skip
        s.add(CaseNote(case_file_id=a1, body="note without author",
                       created_at=at("2026-01-07T10:00:00")))  # fmt: skip
        other = _add(s, Assessment(case_file_id=b, counsellor_id=greta, body="assess bravo",
                                   created_at=at("2026-01-08T10:00:00")))  # fmt: skip
        s.add(ClientStatement(assessment_id=other, body="statement bravo",
                              created_at=at("2026-01-09T10:00:00")))  # fmt: skip
        mine = _add(s, Assessment(case_file_id=a1, counsellor_id=tom, body="assess alpha",
                                  created_at=at("2026-01-08T11:00:00")))  # fmt: skip
        for day, words in ((9, "I see it differently"), (10, "and more")):
            s.add(ClientStatement(assessment_id=mine, body=words,
                                  created_at=at(f"2026-01-{day:02}T11:00:00")))  # fmt: skip
        for file_id, words in ((b, "bravo"), (a1, "alpha")):
            s.add(Referral(case_file_id=file_id, service=f"CAW {words}", reason=f"why {words}",
                           created_at=at("2026-01-11T10:00:00")))  # fmt: skip
            consent = _add(s, Consent(
                case_file_id=file_id, third_party=f"GP {words}", scope=f"scope {words}",
                given_at=at("2026-01-12T10:00:00"),
                withdrawn_at=at("2026-03-01T10:00:00") if words == "alpha" else None,
            ))  # fmt: skip
            s.add(Disclosure(
                case_file_id=file_id, recipient=f"GP {words}", consent_id=consent,
                what=f"file of {words}", disclosed_at=at("2026-01-13T10:00:00"),
            ))  # fmt: skip
            s.add(Complaint(case_file_id=file_id, summary=f"slow {words}",
                            received_at=at("2026-04-01T10:00:00"),
                            status="resolved" if words == "alpha" else "open",
                            resolution="apologised" if words == "alpha" else None))  # fmt: skip

        def chat(name: str, created: datetime, ended: datetime | None, **kw: Any) -> int:
            ids[name] = _add(s, Conversation(
                public_id=name, channel=Channel.CHAT, created_at=created, ended_at=ended,
                last_activity_at=ended, **kw,
            ))  # fmt: skip
            return ids[name]

        def thread(name: str, created: datetime, **kw: Any) -> int:
            ids[name] = _add(s, Conversation(
                public_id=name, channel=Channel.EMAIL, created_at=created, **kw))  # fmt: skip
            return ids[name]

        # B's chat first, with the same counsellor and a registration of its own.
        chat_b = chat("chat-b", at("2026-06-01T10:00:00"), at("2026-06-01T10:30:00"),
                      case_file_id=b, nickname="Bravo Nick", intake_age_group="65_plus",
                      intake_region="limburg", intake_sex="male",
                      intake_role="perpetrator")  # fmt: skip
        s.add(Message(conversation_id=chat_b, seq=1, body="bravo speaks",
                      created_at=at("2026-06-01T10:01:00")))  # fmt: skip
        reg_b = _add(s, Registration(public_id="reg-b", contact_id=chat_b, codes_version="1",
                                     contact_at=at("2026-06-01T10:00:00"),
                                     role="other"))  # fmt: skip
        _details(s, reg_b, ["economic.control"], [("65+", "male", "stranger")], ["clb"])
        thread_b = thread("mail-b", at("2026-06-01T08:00:00"), case_file_id=b)
        mail_b = _add(s, EmailMessage(
            conversation_id=thread_b, message_id="<b@x>", subject="bravo",
            from_name="Lotte W", from_address="lotte.w@visitor.example",
            received_at=at("2026-06-01T08:00:00"), body_text="bravo writes"))  # fmt: skip
        s.add(Attachment(email_id=mail_b, stored_name="b1", original_name="bravo.pdf",
                         sha256="0" * 64, size=1))  # fmt: skip

        # A's chat kept: ended one second inside the limit; messages stored out of order.
        kept = chat("chat-kept", LIMIT - timedelta(hours=1), LIMIT + SECOND, case_file_id=a1,
                    nickname="Lotte", intake_age_group="18_24", intake_region="antwerpen",
                    intake_sex="female", intake_role="victim")  # fmt: skip
        s.add(Message(conversation_id=kept, seq=3, sender=Sender.SYSTEM, body="chat ended",
                      created_at=LIMIT))  # fmt: skip
        s.add(Message(conversation_id=kept, seq=1, body="alpha speaks",
                      created_at=LIMIT - timedelta(minutes=50)))  # fmt: skip
        s.add(Message(conversation_id=kept, seq=2, sender=Sender.COUNSELLOR, counsellor_id=greta,
                      body="greta answers", created_at=LIMIT - timedelta(minutes=40)))  # fmt: skip
        reg_a = _add(s, Registration(
            public_id="reg-a", contact_id=kept, channel=Channel.CHAT, codes_version="1",
            contact_at=LIMIT - timedelta(hours=1), role="victim", age_group="18-24",
            region="antwerpen", sex="f", case_file_id=a1, counsellor_id=greta,
            status=RegistrationStatus.FINAL, finalised_at=LIMIT + timedelta(minutes=5),
        ))  # fmt: skip
        # Stored out of order: the export lists forms and referrals by code, victims as added.
        _details(s, reg_a, ["psychological.stalking", "physical.hitting"],
                 [("18-24", "female", "partner"), ("0-11", "male", "parent")],
                 ["police", "caw"])  # fmt: skip
        # Phone calls: no contact row, only the file links them (stored out of order); B's too.
        phone = _add(s, Registration(
            public_id="reg-phone-a2", channel=Channel.PHONE, codes_version="1",
            contact_at=at("2026-03-02T10:00:00"), role="victim", age_group="18-24",
            region="antwerpen", sex="f", case_file_id=a1, duration_seconds=725,
            contact_type="information",
        ))  # fmt: skip
        _details(s, phone, ["sexual.harassment"], [("18-24", "female", "acquaintance")],
                 ["zorgcentrum"])  # fmt: skip
        s.add(Registration(public_id="reg-phone-a1", channel=Channel.PHONE, codes_version="1",
                           contact_at=at("2026-03-01T10:00:00"), role="witness",
                           case_file_id=a1))  # fmt: skip
        phone_b = _add(s, Registration(public_id="reg-phone-b", channel=Channel.PHONE,
                                       codes_version="1", contact_at=at("2026-03-01T10:00:00"),
                                       region="bravoland", case_file_id=b))  # fmt: skip
        _details(s, phone_b, ["neglect"], [("12-17", "x", "family")], ["doctor"])
        # Ended exactly at the limit, not purged yet: its time is up all the same.
        # Past the limit its nickname and intake are as gone as its messages.
        expired = chat("chat-expired", LIMIT - timedelta(hours=2), LIMIT, case_file_id=a1,
                       nickname="Lotte expired", intake_region="west-vlaanderen")  # fmt: skip
        s.add(Message(conversation_id=expired, seq=1, body="expired words", created_at=LIMIT))
        chat("chat-purged", at("2026-04-30T10:00:00"), at("2026-04-30T11:00:00"),
             purged_at=at("2026-05-01T03:00:00"), case_file_id=a1)  # fmt: skip

        mails = thread("mail-a", at("2026-06-02T08:00:00"), case_file_id=a2, subject="Help",
                       correspondent="lotte@visitor.example")  # fmt: skip
        for when, words in ((LIMIT, "at the limit"), (LIMIT - SECOND, "before the limit")):
            _add(s, EmailMessage(conversation_id=mails, message_id=f"<{words}@x>",
                                 received_at=when, body_text=words))  # fmt: skip
        inbound = _add(s, EmailMessage(
            conversation_id=mails, direction=EmailDirection.INBOUND, message_id="<a1@x>",
            subject="Help", received_at=at("2026-06-02T08:00:00"), body_text="alpha writes",
            from_name="Lotte Verstraete", from_address="lotte@visitor.example",
            reply_to="lotte.home@visitor.example", to_addresses="antwerpen@helpline.example",
        ))  # fmt: skip
        s.add(Attachment(email_id=inbound, stored_name="a1", original_name="report.pdf",
                         detected_type="application/pdf", sha256="0" * 64, size=1234))  # fmt: skip
        s.add(Attachment(email_id=inbound, stored_name="a2", original_name="run.exe",
                         sha256="0" * 64, size=99, dropped_reason="executable"))  # fmt: skip
        _add(s, EmailMessage(
            conversation_id=mails, direction=EmailDirection.OUTBOUND, counsellor_id=lena,
            message_id="<a2@h>", subject="Re: Help", received_at=at("2026-06-02T09:00:00"),
            body_text="lena replies", from_address="antwerpen@helpline.example",
            to_addresses="lotte.home@visitor.example",
        ))  # fmt: skip
        # A forward into A's thread from someone else: their name and address are theirs.
        _add(s, EmailMessage(
            conversation_id=mails, direction=EmailDirection.INBOUND, message_id="<fw@x>",
            subject="Fwd: Help", received_at=at("2026-06-02T10:00:00"),
            body_text="a friend forwards", from_name="Karel Vriend",
            from_address="karel@friend.example", reply_to="karel@friend.example",
            to_addresses="antwerpen@helpline.example", other_sender=True,
        ))  # fmt: skip
        _add(s, EmailMessage(conversation_id=mails, message_id="<a0@x>", subject="Earlier",
                             received_at=LIMIT + SECOND, body_text="first kept mail"))  # fmt: skip
        old = thread("mail-old", at("2025-11-01T08:00:00"), subject="Old subject")
        _add(s, EmailMessage(conversation_id=old, message_id="<old@x>", body_text="old words",
                             received_at=at("2025-11-01T08:00:00")))  # fmt: skip
        thread("mail-purged", at("2026-01-01T08:00:00"), purged_at=at("2026-03-01T03:00:00"))

        for name, kind, status, extra in (
            ("req-b", RequestKind.ACCESS, RequestStatus.DONE, {"case_file_id": b}),
            ("req-file", RequestKind.ACCESS, RequestStatus.VERIFIED, {"case_file_id": a1}),
            ("req-other-mail", RequestKind.ACCESS, RequestStatus.RECEIVED,
             {"subject_email": "lotte.w@visitor.example"}),
            ("req-chat", RequestKind.ERASURE, RequestStatus.REFUSED,
             {"conversation_id": kept, "decision_note": "legal hold"}),
            ("req-mail", RequestKind.PORTABILITY, RequestStatus.RECEIVED,
             {"subject_email": "lotte@visitor.example"}),
        ):  # fmt: skip
            ids[name] = _add(s, DataSubjectRequest(
                kind=kind, status=status, received_at=at("2026-06-10T09:00:00"),
                due_at=at("2026-06-24T09:00:00"), **extra,
            ))  # fmt: skip
    return ids


@pytest.fixture
def seeded(engine: Engine, make_counsellor: MakeCounsellor) -> dict[str, int]:
    greta = make_counsellor("greta", display_name="Greta Gedeeld")
    lena = make_counsellor("lena", team=None, role="admin", display_name="Lena Leider")
    tom = make_counsellor("tom", role="team_lead", display_name="Tom Teamlead")
    assert greta.id is not None and lena.id is not None and tom.id is not None
    return _seed(engine, greta.id, lena.id, tom.id)


def _scope(ids: dict[str, int]) -> Scope:
    contacts = ("chat-kept", "chat-expired", "chat-purged", "mail-a", "mail-old", "mail-purged")
    return Scope(frozenset({ids["a2"], ids["a1"]}), frozenset(ids[c] for c in contacts))


GRETA = "counsellor (antwerpen)"
LENA = "admin"
TOM = "team lead (antwerpen)"


REG_A = {
    "channel": "chat", "contact_at": "2025-12-15T12:00:00+00:00", "status": "final",
    "finalised_at": "2025-12-15T13:05:00+00:00", "codes_version": "1",
    "contact_type": "counselling", "duration_seconds": None, "counsellor": GRETA,
    "role": "victim", "age_group": "18-24", "region": "antwerpen", "sex": "f",
    "forms": ["physical.hitting", "psychological.stalking"],
    "victims": [{"age_group": "18-24", "sex": "female", "relation": "partner"},
                {"age_group": "0-11", "sex": "male", "relation": "parent"}],
    "referrals": ["caw", "police"],
}  # fmt: skip
PHONE_A2 = {
    "channel": "phone", "contact_at": "2026-03-02T10:00:00+00:00", "status": "draft",
    "finalised_at": None, "codes_version": "1", "contact_type": "information",
    "duration_seconds": 725, "counsellor": None, "role": "victim", "age_group": "18-24",
    "region": "antwerpen", "sex": "f", "forms": ["sexual.harassment"],
    "victims": [{"age_group": "18-24", "sex": "female", "relation": "acquaintance"}],
    "referrals": ["zorgcentrum"],
}  # fmt: skip


def _request(kind: str, status: str, note: str | None = None) -> dict[str, Any]:
    return {"kind": kind, "status": status, "received_at": "2026-06-10T09:00:00+00:00",
            "due_at": "2026-06-24T09:00:00+00:00", "decision": note}  # fmt: skip


def test_the_export_holds_each_field_of_the_subject_and_nothing_of_the_other(
    seeded: dict[str, int], engine: Engine, settings: Settings
) -> None:
    with session_scope(engine) as session:
        data = collect(session, settings, _scope(seeded), NOW, email="lotte@visitor.example")
    assert data["schema_version"] == 1 and data["created_at"] == "2026-06-15T12:00:00+00:00"
    assert data["contacts"] == [
        {"channel": "email", "started_at": "2025-11-01T08:00:00+00:00", "ended_at": None,
         "registration": None, "retained": False, "removed_on": "2026-06-15T12:00:00+00:00",
         "subject": None, "emails": []},
        {"channel": "chat", "started_at": "2025-12-15T11:00:00+00:00",
         "ended_at": "2025-12-15T13:00:00+00:00", "registration": None, "retained": False,
         "removed_on": "2026-06-15T12:00:00+00:00", "nickname": None, "intake": None,
         "messages": []},
        {"channel": "chat", "started_at": "2025-12-15T12:00:00+00:00",
         "ended_at": "2025-12-15T13:00:01+00:00",
         "registration": REG_A,
         "retained": True, "removed_on": None, "nickname": "Lotte",
         "intake": {"age_group": "18_24", "region": "antwerpen", "sex": "female",
                    "role": "victim"},
         "messages": [
             {"at": "2025-12-15T12:10:00+00:00", "from": "visitor", "counsellor": None,
              "text": "alpha speaks"},
             {"at": "2025-12-15T12:20:00+00:00", "from": "counsellor", "counsellor": GRETA,
              "text": "greta answers"},
             {"at": "2025-12-15T13:00:00+00:00", "from": "system", "counsellor": None,
              "text": "chat ended"},
         ]},
        {"channel": "email", "started_at": "2026-01-01T08:00:00+00:00", "ended_at": None,
         "registration": None, "retained": False, "removed_on": "2026-03-01T03:00:00+00:00",
         "subject": None, "emails": []},
        {"channel": "chat", "started_at": "2026-04-30T10:00:00+00:00",
         "ended_at": "2026-04-30T11:00:00+00:00", "registration": None, "retained": False,
         "removed_on": "2026-05-01T03:00:00+00:00", "nickname": None, "intake": None,
         "messages": []},
        {"channel": "email", "started_at": "2026-06-02T08:00:00+00:00", "ended_at": None,
         "registration": None, "retained": True, "removed_on": None, "subject": "Help",
         "emails": [
             {"at": "2025-12-15T13:00:01+00:00", "from": "you", "from_name": None,
              "from_address": None, "reply_to": None, "to": None, "counsellor": None,
              "subject": "Earlier", "text": "first kept mail", "attachments": []},
             {"at": "2026-06-02T08:00:00+00:00", "from": "you", "from_name": "Lotte Verstraete",
              "from_address": "lotte@visitor.example",
              "reply_to": "lotte.home@visitor.example", "to": None, "counsellor": None,
              "subject": "Help", "text": "alpha writes",
              "attachments": [{"name": "report.pdf", "type": "application/pdf", "size": 1234}]},
             {"at": "2026-06-02T09:00:00+00:00", "from": "helpline", "from_name": None,
              "from_address": None, "reply_to": None, "to": "lotte.home@visitor.example",
              "counsellor": LENA, "subject": "Re: Help", "text": "lena replies",
              "attachments": []},
             {"at": "2026-06-02T10:00:00+00:00", "from": "other", "from_name": None,
              "from_address": None, "reply_to": None, "to": None, "counsellor": None,
              "subject": "Fwd: Help", "text": "a friend forwards", "attachments": []},
         ]},
    ]  # fmt: skip
    assert data["case_files"] == [
        {"case": "case-a1", "pseudonym": "Lotte V", "region": "antwerpen", "age_group": "18-24",
         "sex": "f", "role": "victim", "themes": ["violence", "stalking"], "status": "closed",
         "opened_at": "2026-01-05T09:00:00+00:00", "closed_at": "2026-05-20T16:00:00+00:00",
         "restricted": True,
         "registrations": [
             {"channel": "phone", "contact_at": "2026-03-01T10:00:00+00:00", "status": "draft",
              "finalised_at": None, "codes_version": "1", "contact_type": "counselling",
              "duration_seconds": None, "counsellor": None, "role": "witness",
              "age_group": "unknown", "region": "unknown", "sex": "unknown", "forms": [],
              "victims": [], "referrals": []},
             PHONE_A2],
         "notes": [{"at": "2026-01-06T10:00:00+00:00", "by": GRETA, "text": "note alpha"},
                   {"at": "2026-01-07T10:00:00+00:00", "by": None,
                    "text": "note without author"}],
         "assessments": [{"at": "2026-01-08T11:00:00+00:00", "by": TOM, "text": "assess alpha",
                          "statements": [
                              {"at": "2026-01-09T11:00:00+00:00",
                               "text": "I see it differently"},
                              {"at": "2026-01-10T11:00:00+00:00", "text": "and more"}]}],
         "referrals": [{"at": "2026-01-11T10:00:00+00:00", "service": "CAW alpha",
                        "reason": "why alpha"}],
         "consents": [{"given_at": "2026-01-12T10:00:00+00:00", "third_party": "GP alpha",
                       "scope": "scope alpha", "withdrawn_at": "2026-03-01T10:00:00+00:00"}],
         "disclosures": [{"at": "2026-01-13T10:00:00+00:00", "recipient": "GP alpha",
                          "basis": "consent", "what": "file of alpha"}]},
        {"case": "case-a2", "pseudonym": "Lotte V 2", "region": None, "age_group": None,
         "sex": None, "role": None, "themes": [], "status": "open",
         "opened_at": "2026-02-01T09:00:00+00:00", "closed_at": None, "restricted": False,
         "registrations": [], "notes": [], "assessments": [], "referrals": [], "consents": [],
         "disclosures": []},
    ]  # fmt: skip
    assert data["requests"] == [
        _request("access", "verified"),
        _request("erasure", "refused", "legal hold"),
        _request("portability", "received"),
    ]
    assert data["complaints"] == [
        {"received_at": "2026-04-01T10:00:00+00:00", "status": "resolved",
         "summary": "slow alpha", "resolution": "apologised"},
    ]  # fmt: skip
    assert "bravo" not in repr(data) and "Lotte W" not in repr(data)
    for other in ("Bravo Nick", "limburg", "economic", "stranger", "clb", "neglect", "family",
                  "doctor", "Karel", "friend.example", "Old subject", "Lotte expired",
                  "west-vlaanderen"):  # fmt: skip
        assert other not in repr(data)


def test_without_an_address_only_the_requests_linked_by_id_are_theirs(
    seeded: dict[str, int], engine: Engine, settings: Settings
) -> None:
    # Requests naming nobody by address (B's among them) must not match a missing address.
    with session_scope(engine) as session:
        data = collect(session, settings, _scope(seeded), NOW)
    assert data["requests"] == [
        _request("access", "verified"),
        _request("erasure", "refused", "legal hold"),
    ]


def test_counsellors_are_named_when_configured(
    seeded: dict[str, int], engine: Engine, tmp_path: Path, database_url: str
) -> None:
    named = make_settings(tmp_path, database_url, HELPLINE_RIGHTS__NAMES_COUNSELLORS="true")
    with session_scope(engine) as session:
        data = collect(session, named, _scope(seeded), NOW)
    chat = data["contacts"][2]["messages"]
    assert [m["counsellor"] for m in chat] == [None, "Greta Gedeeld, counsellor (antwerpen)", None]
    assert data["contacts"][5]["emails"][2]["counsellor"] == "Lena Leider, admin"
    assert (
        data["contacts"][2]["registration"]["counsellor"] == "Greta Gedeeld, counsellor (antwerpen)"
    )


def _contacts(engine: Engine, settings: Settings, ids: dict[str, int]) -> dict[str, Any]:
    """A's contacts by the time they started (the seed's names, for reading the tests)."""
    with session_scope(engine) as session:
        data = collect(session, settings, _scope(ids), NOW, email="lotte@visitor.example")
    names = ("mail-old", "chat-expired", "chat-kept", "mail-purged", "chat-purged", "mail-a")
    return dict(zip(names, data["contacts"], strict=True)) | {"data": data}


def test_a_kept_chat_shows_the_nickname_and_intake_and_a_removed_one_only_that_they_went(
    seeded: dict[str, int], engine: Engine, settings: Settings
) -> None:
    chats = _contacts(engine, settings, seeded)
    kept = chats["chat-kept"]
    assert kept["nickname"] == "Lotte"
    assert kept["intake"] == {"age_group": "18_24", "region": "antwerpen", "sex": "female",
                              "role": "victim"}  # fmt: skip
    # Past its limit (not purged yet) and purged: said the same way as for the messages.
    for name, on in (("chat-expired", "2026-06-15T12:00:00+00:00"),
                     ("chat-purged", "2026-05-01T03:00:00+00:00")):  # fmt: skip
        gone = chats[name]
        assert (gone["retained"], gone["removed_on"]) == (False, on)
        assert (gone["nickname"], gone["intake"], gone["messages"]) == (None, None, [])
    assert "Lotte expired" not in repr(chats) and "west-vlaanderen" not in repr(chats)
    assert "Bravo Nick" not in repr(chats) and "65_plus" not in repr(chats)


def test_each_registration_shows_its_forms_victims_referrals_and_whether_it_is_finalised(
    seeded: dict[str, int], engine: Engine, settings: Settings
) -> None:
    contacts = _contacts(engine, settings, seeded)
    chat = contacts["chat-kept"]["registration"]
    assert chat["status"] == "final" and chat["finalised_at"] == "2025-12-15T13:05:00+00:00"
    assert chat["forms"] == ["physical.hitting", "psychological.stalking"]
    assert chat["victims"] == [
        {"age_group": "18-24", "sex": "female", "relation": "partner"},
        {"age_group": "0-11", "sex": "male", "relation": "parent"},
    ]
    assert chat["referrals"] == ["caw", "police"]
    assert (chat["contact_type"], chat["counsellor"], chat["codes_version"]) == (
        "counselling", GRETA, "1")  # fmt: skip
    # A phone call, reached through the case file only.
    phone = contacts["data"]["case_files"][0]["registrations"][1]
    assert (phone["status"], phone["finalised_at"]) == ("draft", None)
    assert phone["forms"] == ["sexual.harassment"] and phone["referrals"] == ["zorgcentrum"]
    assert phone["victims"] == [{"age_group": "18-24", "sex": "female", "relation": "acquaintance"}]
    assert (phone["contact_type"], phone["duration_seconds"]) == ("information", 725)
    # B's registrations (by contact and by file) have their own codes: none of them is here.
    for other in ("economic.control", "stranger", "clb", "neglect", "family", "doctor"):
        assert other not in repr(contacts)


def test_an_email_shows_the_subjects_own_name_and_addresses_and_not_a_forwarders(
    seeded: dict[str, int], engine: Engine, settings: Settings
) -> None:
    thread = _contacts(engine, settings, seeded)["mail-a"]
    assert thread["subject"] == "Help"
    _earlier, mine, reply, forward = thread["emails"]
    assert (mine["from"], mine["from_name"], mine["from_address"], mine["reply_to"]) == (
        "you",
        "Lotte Verstraete",
        "lotte@visitor.example",
        "lotte.home@visitor.example",
    )
    assert mine["to"] is None  # the helpline's own address and whoever else it went to
    assert (reply["from"], reply["to"], reply["from_address"]) == (
        "helpline", "lotte.home@visitor.example", None)  # fmt: skip
    # Mail in the thread from someone else: their text stays in the subject's file, their
    # identity does not, and it is not said to be the subject's.
    assert (forward["from"], forward["text"]) == ("other", "a friend forwards")
    assert (forward["from_name"], forward["from_address"], forward["reply_to"]) == (None,) * 3
    assert "Karel" not in repr(thread) and "friend.example" not in repr(thread)
    # A thread whose emails are past their limit shows no subject, purged or not.
    contacts = _contacts(engine, settings, seeded)
    assert contacts["mail-old"]["subject"] is None and contacts["mail-purged"]["subject"] is None


def test_named_by_address_the_subject_did_not_write_a_thread_they_only_wrote_into(
    engine: Engine, settings: Settings
) -> None:
    # Lotte forwarded something into Karel's thread: a request by her address reaches the
    # thread (her mail is in it), but Karel's mail and a bounce are not hers to be named in.
    day = NOW - timedelta(days=1)
    with session_scope(engine) as s:
        thread = _add(s, Conversation(public_id="k", channel=Channel.EMAIL, created_at=day,
                                      correspondent="karel@friend.example"))  # fmt: skip
        for minutes, name, address, extra in (
            (0, "Karel Vriend", "karel@friend.example", {}),
            (10, "Lotte Verstraete", "Lotte@Visitor.example", {"other_sender": True}),
            (20, None, "mailer-daemon@relay.example", {"kind": MailKind.BOUNCE}),
        ):  # fmt: skip
            _add(s, EmailMessage(
                conversation_id=thread, direction=EmailDirection.INBOUND,
                message_id=f"<{minutes}@x>", received_at=day + timedelta(minutes=minutes),
                from_name=name, from_address=address, body_text=f"mail {minutes}", **extra,
            ))  # fmt: skip
    scope = Scope(frozenset(), frozenset({thread}))
    with session_scope(engine) as session:
        by_address = collect(session, settings, scope, NOW, email="lotte@visitor.example")
        by_file = collect(session, settings, scope, NOW)  # Karel's file, say
    assert [(m["from"], m["from_name"], m["from_address"])
            for m in by_address["contacts"][0]["emails"]] == [
        ("other", None, None),
        ("you", "Lotte Verstraete", "Lotte@Visitor.example"),
        ("other", None, None),
    ]  # fmt: skip
    assert [(m["from"], m["from_name"]) for m in by_file["contacts"][0]["emails"]] == [
        ("you", "Karel Vriend"), ("other", None), ("other", None)]  # fmt: skip


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("nl", ["Psychisch / emotioneel geweld: Stalking", "Fysiek geweld: Slaan, schoppen",
                "(Ex-)partner", "Ouder / opvoeder", "Politie", "CAW", "Hulpvraag",
                "Slachtoffer", "Antwerpen", "Informatievraag", "Seksueel geweld: Seksuele "
                "intimidatie", "Kennis, vriend(in)", "Zorgcentrum na Seksueel Geweld",
                ", afgewerkt)", ", niet afgewerkt)", "13 min", "Uw schuilnaam", "leeftijd 18-24",
                "Vrouw"]),
        ("en", ["Psychological / emotional violence: Stalking", "(Former) partner", "Police",
                "Sexual assault care centre", "Acquaintance, friend", "Request for help",
                "Antwerp", ", finalised)", ", not finalised)", "Your nickname", "age 18-24",
                "Female"]),
        ("fr", ["Violence psychologique / émotionnelle: Harcèlement (stalking)",
                "Violence physique: Coups, coups de pied", "(Ex-)partenaire",
                "Parent / éducateur", "Police", "CAW (centre flamand d'aide sociale générale)",
                "Demande d'aide", "Victime", "Anvers", "Demande d'information",
                "Violence sexuelle: Harcèlement sexuel", "Connaissance, ami(e)",
                "Centre de prise en charge des violences sexuelles (CPVS)", "Femme",
                "Votre pseudonyme", ", finalisé)", ", non finalisé)"]),
    ],
)  # fmt: skip
def test_the_html_copy_shows_the_codes_in_words_in_the_subjects_language(
    seeded: dict[str, int], engine: Engine, settings: Settings, language: str, words: list[str]
) -> None:
    data = _contacts(engine, settings, seeded)["data"]
    page = render_html(settings, data, language)
    text = html.unescape(page)
    for expected in words:
        assert expected in text
    for code in ("psychological.stalking", "physical.hitting", "sexual.harassment", "zorgcentrum"):
        assert code not in text
    if language != "en":  # the code list's own words, not its English ones
        for english in (
            "Psychological / emotional violence",
            "Request for help",
            "Female",
            "Information request",
            "Sexual assault care centre",
            "(Former) partner",
        ):
            assert english not in text
    assert "Lotte Verstraete &lt;lotte@visitor.example&gt;" in page
    assert "Lotte" in text and "Karel" not in text


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("nl", ["<h3>chat &middot;", "<h3>e-mail &middot;", "(telefoongesprek, ", "afgesloten",
                "inzage in uw gegevens &ndash; identiteit nagegaan",
                "wissing &ndash; geweigerd &ndash; legal hold",
                "een kopie van uw gegevens om mee te nemen &ndash; ontvangen",
                ": afgehandeld</p>", "Hoe het werd opgelost"]),
        ("en", ["<h3>email &middot;", "(phone call, ", "closed",
                "access to your data &ndash; identity checked", "erasure &ndash; refused",
                ": resolved</p>", "How it was resolved"]),
        ("fr", ["<h3>e-mail &middot;", "(appel téléphonique, ", "clôturé",
                "accès à vos données &ndash; identité vérifiée", "effacement &ndash; refusée",
                ": traitée</p>", "Comment elle a été traitée"]),
    ],
)  # fmt: skip
def test_the_html_copy_names_channels_statuses_and_requests_in_the_subjects_language(
    seeded: dict[str, int], engine: Engine, settings: Settings, language: str, words: list[str]
) -> None:
    data = _contacts(engine, settings, seeded)["data"]
    page = render_html(settings, data, language)
    for expected in words:
        assert expected in page
    # The complaint's resolution is in the copy, as stored.
    assert '<div class="text">apologised</div>' in page
    # No stored code is shown where a word exists (English words may read like the codes).
    if language != "en":
        for code in (": access ", "&ndash; verified", ": portability ", "&ndash; received",
                     ">email ", "(phone,", ": resolved</p>", " closed "):  # fmt: skip
            assert code not in page


def test_a_nickname_and_a_senders_name_full_of_markup_are_shown_as_text(
    engine: Engine, settings: Settings
) -> None:
    hostile = '<img src=x onerror="alert(1)"><script>alert(2)</script>'
    with session_scope(engine) as s:
        chat = _add(s, Conversation(public_id="c", channel=Channel.CHAT, nickname=hostile,
                                    created_at=NOW - timedelta(hours=1), ended_at=NOW,
                                    intake_region=hostile[:32]))  # fmt: skip
        mails = _add(s, Conversation(public_id="m", channel=Channel.EMAIL, subject=hostile,
                                     created_at=NOW))  # fmt: skip
        _add(s, EmailMessage(conversation_id=mails, direction=EmailDirection.INBOUND,
                             message_id="<h@x>", received_at=NOW, from_name=hostile,
                             from_address=hostile, reply_to=hostile))  # fmt: skip
        s.add(Registration(public_id="r", contact_id=chat, codes_version="1", contact_at=NOW))
        reg = _add(s, Registration(public_id="r2", contact_id=mails, codes_version="1",
                                   contact_at=NOW))  # fmt: skip
        _details(s, reg, [hostile[:48]], [], [hostile[:32]])
    scope = Scope(frozenset(), frozenset({chat, mails}))
    with session_scope(engine) as session:
        data = collect(session, settings, scope, NOW)
    assert data["contacts"][0]["nickname"] == hostile
    page = render_html(settings, data, "en")
    assert "<img" not in page and "<script" not in page
    # The nickname, the thread's subject, the sender's name, address and Reply-To, whole.
    assert page.count(str(escape(hostile))) == 5
    assert str(escape(hostile[:32])) in page  # the intake answer (32 characters at most)


def test_an_account_no_longer_there_is_a_counsellor(engine: Engine) -> None:
    with session_scope(engine) as session:
        people = _People(session, by_name=True)
        assert people(987654) == "counsellor"
        assert people(987654) == "counsellor"  # from the cache
        assert people(None) is None


def test_every_language_of_the_copy_has_every_label() -> None:
    # A label missing in one language would fail only for subjects who chose it.
    english = set(LABELS["en"])
    for language, labels in LABELS.items():
        assert set(labels) == english, (language, english ^ set(labels))


def test_own_mail_in_other_people_s_threads_thread_by_thread_in_time_order(
    engine: Engine, settings: Settings
) -> None:
    # Lotte wrote into three threads of other people; only her mail is hers (GDPR art. 15(4)).
    # Rows are inserted out of time order, so that only the stated order gives the expected.
    day = NOW - timedelta(days=3)
    with session_scope(engine) as s:
        first, second, third = (
            _add(s, Conversation(public_id=f"o{n}", channel=Channel.EMAIL, created_at=day,
                                 correspondent=f"other{n}@friend.example", subject=f"Zijn {n}"))
            for n in (1, 2, 3)
        )  # fmt: skip

        def mail(thread: int, when: datetime, text: str) -> int:
            return _add(s, EmailMessage(
                conversation_id=thread, direction=EmailDirection.INBOUND, message_id=f"<{text}>",
                received_at=when, from_name="Lotte", from_address="Lotte@Visitor.example",
                other_sender=True, body_text=text,
            ))  # fmt: skip

        ids = [
            mail(first, day + timedelta(hours=2), "first, later"),
            mail(first, day + timedelta(hours=1), "first, earlier"),
            mail(first, day + timedelta(hours=2), "first, later, second row"),
            mail(second, day - timedelta(days=1), "second, before all"),
            # Exactly at the limit: gone with the retention rule, as in her own threads.
            mail(third, LIMIT, "third, at the limit"),
        ]
    scope = Scope(frozenset(), frozenset(), frozenset(ids))
    with session_scope(engine) as session:
        data = collect(session, settings, scope, NOW, email="lotte@visitor.example")
    contacts = data["contacts"]
    assert [[m["text"] for m in c["emails"]] for c in contacts] == [
        ["first, earlier", "first, later", "first, later, second row"],
        ["second, before all"],
        [],
    ]
    assert all(m["from"] == "you" and m["from_address"] == "Lotte@Visitor.example"
               for c in contacts for m in c["emails"])  # fmt: skip
    shared = {"channel": "email", "ended_at": None, "registration": None,
              "own_mail_only": True, "subject": None}  # fmt: skip
    assert [{k: v for k, v in c.items() if k != "emails"} for c in contacts] == [
        {**shared, "started_at": (day + timedelta(hours=1)).isoformat(), "retained": True,
         "removed_on": None},
        {**shared, "started_at": (day - timedelta(days=1)).isoformat(), "retained": True,
         "removed_on": None},
        {**shared, "started_at": LIMIT.isoformat(), "retained": False,
         "removed_on": NOW.isoformat()},
    ]  # fmt: skip


def test_a_thread_s_emails_and_the_contacts_come_in_time_order_then_as_stored(
    engine: Engine, settings: Settings
) -> None:
    day = NOW - timedelta(days=2)
    with session_scope(engine) as s:
        later = _add(s, Conversation(public_id="t2", channel=Channel.EMAIL,
                                     created_at=day + timedelta(hours=5)))  # fmt: skip
        tied_a = _add(s, Conversation(public_id="t1a", channel=Channel.EMAIL, created_at=day))
        tied_b = _add(s, Conversation(public_id="t1b", channel=Channel.EMAIL, created_at=day))
        for minutes, text in ((30, "b, later"), (10, "b, earlier"), (30, "b, later again")):
            when = day + timedelta(minutes=minutes)
            _add(s, EmailMessage(conversation_id=tied_b, direction=EmailDirection.INBOUND,
                                 message_id=f"<{text}>", received_at=when,
                                 from_address="lotte@visitor.example", body_text=text))  # fmt: skip
        for thread, text in ((later, "later thread"), (tied_a, "a")):
            _add(s, EmailMessage(conversation_id=thread, direction=EmailDirection.INBOUND,
                                 message_id=f"<{text}>", received_at=day + timedelta(hours=6),
                                 from_address="lotte@visitor.example", body_text=text))  # fmt: skip
    scope = Scope(frozenset(), frozenset({later, tied_a, tied_b}))
    with session_scope(engine) as session:
        data = collect(session, settings, scope, NOW, email="lotte@visitor.example")
    assert [[m["text"] for m in c["emails"]] for c in data["contacts"]] == [
        ["a"], ["b, earlier", "b, later", "b, later again"], ["later thread"]]  # fmt: skip


def test_quarantined_mail_comes_whole_in_time_order_with_its_reason_code(
    engine: Engine, settings: Settings
) -> None:
    with session_scope(engine) as s:
        ids = [
            _add(s, QuarantinedEmail(mailbox="antwerpen", reason=reason, raw=raw,
                                     received_at=NOW - timedelta(hours=hours)))
            for hours, reason, raw in (
                (1, 'header_too_large {"limit": 262144, "size": 300000}', b"From: a\r\n\r\nlast"),
                (2, "no_sender", b"Subject: x\r\n\r\nZo\xeb, tied and stored first"),
                (2, "made-up words stored before codes", b"\r\n\r\ntied, stored second"),
            )
        ]  # fmt: skip
    scope = Scope(frozenset(), frozenset(), quarantine_ids=frozenset(ids))
    with session_scope(engine) as session:
        data = collect(session, settings, scope, NOW)
    hours = [(NOW - timedelta(hours=h)).isoformat() for h in (2, 2, 1)]
    assert data["unread_mail"] == [
        {"received_at": hours[0], "reason": "no_sender",
         "source": "Subject: x\r\n\r\nZoë, tied and stored first"},
        {"received_at": hours[1], "reason": "unknown", "source": "\r\n\r\ntied, stored second"},
        {"received_at": hours[2], "reason": "header_too_large", "source": "From: a\r\n\r\nlast"},
    ]  # fmt: skip


def test_mail_from_another_of_the_subjects_addresses_in_their_own_thread_is_theirs(
    engine: Engine, settings: Settings
) -> None:
    # Her thread lists both her addresses (Reply-To); she wrote once from the second one.
    day = NOW - timedelta(days=1)
    with session_scope(engine) as s:
        thread = _add(s, Conversation(
            public_id="two", channel=Channel.EMAIL, created_at=day,
            correspondent="lotte.werk@work.example,lotte@visitor.example"))  # fmt: skip
        _add(s, EmailMessage(conversation_id=thread, direction=EmailDirection.INBOUND,
                             message_id="<w@x>", received_at=day, from_name="Lotte",
                             from_address="lotte.werk@work.example",
                             body_text="van het werk"))  # fmt: skip
    with session_scope(engine) as session:
        data = collect(session, settings, Scope(frozenset(), frozenset({thread})), NOW,
                       email="lotte@visitor.example")  # fmt: skip
    (mail,) = data["contacts"][0]["emails"]
    assert (mail["from"], mail["from_address"]) == ("you", "lotte.werk@work.example")
