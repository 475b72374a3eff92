"""Registration of contacts (F1, G1): drafts pre-filled from the intake, codes checked against
the list, phone calls, the "still to register" list, authorisation and audit (S1)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from helpline_core.clock import utcnow
from helpline_core.codes import load_code_list
from helpline_core.db import session_scope
from helpline_core.models import AuditEvent, Channel, Registration, RegistrationStatus
from helpline_core.services import registrations as reg
from helpline_core.services.actors import Actor, InvalidValue, NotFound
from tests.conftest import MakeCounsellor
from tests.support.contacts import ended_chat

CODES = load_code_list()
VALUES = reg.RegistrationValues(
    contact_type="counselling",
    forms=("partner", "sexual.rape"),
    role="victim",
    age_group="12-17",
    region="antwerpen",
    sex="female",
    victims=(reg.Victim("12-17", "female", "parent"), reg.Victim("0-11", "male", "parent")),
    referrals=("caw", "police"),
)


def actor(engine: Engine, username: str) -> Actor:
    with session_scope(engine) as session:
        return Actor.counsellor(session, username)


def test_a_chat_is_registered_from_a_draft_prefilled_by_the_intake(
    engine: Engine, secret_key: bytes, make_counsellor: MakeCounsellor
) -> None:
    anna = make_counsellor("anna")
    contact = ended_chat(engine, secret_key, anna, age_group="12_17", region="limburg", sex="x")
    me = actor(engine, "anna")
    with session_scope(engine) as session:
        assert [p.contact for p in reg.pending(session, actor=me)] == [contact]
        draft = reg.open_for_contact(session, secret_key, CODES, actor=me, contact=contact)
    assert draft.status == RegistrationStatus.DRAFT
    assert (draft.values.age_group, draft.values.region, draft.values.sex) == (
        "12-17",
        "limburg",
        "x",
    )
    with session_scope(engine) as session:
        # Opening again gives the same draft, not a second registration.
        again = reg.open_for_contact(session, secret_key, CODES, actor=me, contact=contact)
        assert again.public_id == draft.public_id
        assert reg.pending(session, actor=me)[0].registration == draft.public_id
        final = reg.save(
            session,
            secret_key,
            CODES,
            actor=me,
            public_id=draft.public_id,
            values=VALUES,
            final=True,
        )
    assert final.status == RegistrationStatus.FINAL
    assert final.values == VALUES
    assert final.codes_version == CODES.version
    with session_scope(engine) as session:
        assert reg.pending(session, actor=me) == []
        events = session.exec(
            select(AuditEvent).where(AuditEvent.object_id == draft.public_id)
        ).all()
    assert [e.action for e in events] == ["registration.start", "registration.save"]
    # Ids and codes only: nothing the visitor wrote, not even the nickname.
    assert all("hello" not in e.detail and "Visitor" not in e.detail for e in events)


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"forms": ("sexual.nonsense",)}, "not_in_code_list"),
        ({"forms": ("nonsense",)}, "not_in_code_list"),
        ({"role": "saint"}, "not_in_code_list"),
        ({"age_group": "12_17"}, "not_in_code_list"),
        ({"victims": (reg.Victim(relation="cousin"),)}, "not_in_code_list"),
        ({"referrals": ("nowhere",)}, "not_in_code_list"),
        ({"contact_type": "gossip"}, "not_in_code_list"),
        # Each rule has its own code, so that the console can say what to change.
        ({"forms": ()}, "form_needed"),
        ({"forms": ("partner", "partner")}, "chosen_twice"),
        ({"referrals": ("caw", "caw")}, "chosen_twice"),
        ({"victims": (reg.Victim(),) * (reg.MAX_VICTIMS + 1)}, "too_many_victims"),
    ],
)
def test_a_code_outside_the_list_is_refused_and_nothing_changes(
    engine: Engine,
    secret_key: bytes,
    make_counsellor: MakeCounsellor,
    change: dict[str, object],
    code: str,
) -> None:
    anna = make_counsellor("anna")
    contact = ended_chat(engine, secret_key, anna)
    me = actor(engine, "anna")
    with session_scope(engine) as session:
        draft = reg.open_for_contact(session, secret_key, CODES, actor=me, contact=contact)
    bad = reg.RegistrationValues(**{**VALUES.__dict__, **change})  # type: ignore[arg-type]
    with session_scope(engine) as session, pytest.raises(InvalidValue) as refused:
        reg.save(
            session,
            secret_key,
            CODES,
            actor=me,
            public_id=draft.public_id,
            values=bad,
            final=True,
        )
    assert refused.value.code == code
    with session_scope(engine) as session:
        assert reg.get(session, actor=me, public_id=draft.public_id) == draft


def test_a_silent_contact_needs_no_form(
    engine: Engine, secret_key: bytes, make_counsellor: MakeCounsellor
) -> None:
    make_counsellor("anna")
    me = actor(engine, "anna")
    with session_scope(engine) as session:
        done = reg.register_phone(
            session,
            secret_key,
            CODES,
            actor=me,
            contact_at=utcnow() - timedelta(minutes=9),
            duration_seconds=45,
            values=reg.RegistrationValues(contact_type="silent"),
        )
    assert done.channel == Channel.PHONE and done.status == RegistrationStatus.FINAL
    assert done.contact is None and done.duration_seconds == 45


def test_a_phone_call_is_a_contact_on_the_phone_channel(
    engine: Engine, secret_key: bytes, make_counsellor: MakeCounsellor
) -> None:
    make_counsellor("anna")
    me = actor(engine, "anna")
    when = utcnow() - timedelta(hours=2)
    with session_scope(engine) as session:
        draft = reg.register_phone(
            session,
            secret_key,
            CODES,
            actor=me,
            contact_at=when,
            duration_seconds=600,
            values=VALUES,
            final=False,
        )
        # An unfinished phone registration is still to register.
        assert [p.registration for p in reg.pending(session, actor=me)] == [draft.public_id]
        for when_called, seconds, code in (
            (utcnow() + timedelta(hours=1), 60, "call_in_future"),
            (utcnow() - timedelta(hours=1), 24 * 3600 + 1, "call_too_long"),
            (utcnow() - timedelta(hours=1), -1, "call_too_long"),
        ):
            with pytest.raises(InvalidValue) as refused:
                reg.register_phone(
                    session,
                    secret_key,
                    CODES,
                    actor=me,
                    contact_at=when_called,
                    duration_seconds=seconds,
                    values=VALUES,
                )
            assert refused.value.code == code
    with session_scope(engine) as session:
        row = session.exec(
            select(Registration).where(Registration.public_id == draft.public_id)
        ).one()
        assert (row.channel, row.contact_at, row.team_id) == (Channel.PHONE, when, me.team_id)


def test_another_counsellor_cannot_see_or_register_my_contact_but_my_lead_can(
    engine: Engine, secret_key: bytes, make_counsellor: MakeCounsellor
) -> None:
    anna = make_counsellor("anna")
    make_counsellor("bert")
    make_counsellor("lea", role="team_lead")
    make_counsellor("otto", team="limburg", role="team_lead")
    contact = ended_chat(engine, secret_key, anna)
    with session_scope(engine) as session:
        draft = reg.open_for_contact(
            session, secret_key, CODES, actor=Actor.counsellor(session, "anna"), contact=contact
        )
    for name in ("bert", "otto"):
        who = actor(engine, name)
        with session_scope(engine) as session:
            with pytest.raises(NotFound):
                reg.open_for_contact(session, secret_key, CODES, actor=who, contact=contact)
            with pytest.raises(NotFound):
                reg.get(session, actor=who, public_id=draft.public_id)
            assert reg.pending(session, actor=who, team=True) == []
    lead = actor(engine, "lea")
    with session_scope(engine) as session:
        assert [p.contact for p in reg.pending(session, actor=lead, team=True)] == [contact]
        assert reg.pending(session, actor=lead) == []  # "mine" stays mine
        assert reg.get(session, actor=lead, public_id=draft.public_id) == draft
