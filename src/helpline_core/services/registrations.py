"""Registration of contacts (DESIGN F1, G1): open a draft for a chat or email, save or finalise
it, register a phone call, and list the contacts still to register.

Every value is checked against the code list (`helpline_core.codes`). A registration holds no
text and no identifier; it is what the figures count after the purge removed the transcript.
Authorisation (S1): the counsellor who handled a contact registers it; a team lead may act on
the team's registrations; an admin on all. Anything else is `NotFound`, as if it did not exist.
Every change is audited with ids and counts only.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, or_
from sqlmodel import Session, col, select

from helpline_core.clock import utcnow
from helpline_core.codes import UNKNOWN, CodeList
from helpline_core.models import (
    CaseFile,
    Channel,
    Conversation,
    ConversationStatus,
    Counsellor,
    Registration,
    RegistrationForm,
    RegistrationReferral,
    RegistrationStatus,
    RegistrationVictim,
)
from helpline_core.services import audit
from helpline_core.services.actors import Actor, InvalidValue, NotFound

MAX_VICTIMS = 20
MAX_PHONE_SECONDS = 24 * 3600


@dataclass(frozen=True)
class Victim:
    """A (possible) victim the contact concerns: age band, sex, relation to the perpetrator."""

    age_group: str = UNKNOWN
    sex: str = UNKNOWN
    relation: str = UNKNOWN


@dataclass(frozen=True)
class RegistrationValues:
    """What the counsellor records; every field a code from the list (forms "cat" or "cat.sub")."""

    contact_type: str = "counselling"
    forms: tuple[str, ...] = ()
    role: str = UNKNOWN
    age_group: str = UNKNOWN
    region: str = UNKNOWN
    sex: str = UNKNOWN
    victims: tuple[Victim, ...] = ()
    referrals: tuple[str, ...] = ()


@dataclass(frozen=True)
class RegistrationView:
    """A registration as the console and the CLI see it (ids on the wire, never row ids)."""

    public_id: str
    contact: str | None  # the conversation's public id; None for a phone call
    channel: Channel
    status: RegistrationStatus
    contact_at: datetime
    duration_seconds: int | None
    codes_version: str
    counsellor: str | None
    case_file: str | None
    values: RegistrationValues = field(default_factory=RegistrationValues)


@dataclass(frozen=True)
class PendingContact:
    """A contact still to register: no registration yet (`registration` None) or a draft."""

    contact: str | None
    registration: str | None
    channel: Channel
    at: datetime
    counsellor: str | None  # the counsellor's display name (what colleagues know them by)


def validate(codes: CodeList, values: RegistrationValues, *, final: bool) -> None:
    """Check every code against the list; InvalidValue names the first wrong field.

    A final request for help (a counselling contact type) needs at least one form, which may be
    "unknown": the figures count every request by form (G1)."""

    def check(kind: str, value: str) -> None:
        if value not in codes.codes_of(kind):
            raise InvalidValue(
                f"{kind}: '{value[:40]}' is not in code list {codes.version}", "not_in_code_list"
            )

    check("contact_types", values.contact_type)
    for form in values.forms:
        if not codes.is_form(form):
            raise InvalidValue(
                f"forms: '{form[:40]}' is not in code list {codes.version}", "not_in_code_list"
            )
    if len(set(values.forms)) != len(values.forms):
        raise InvalidValue("forms: the same form twice", "chosen_twice")
    check("roles", values.role)
    check("age_bands", values.age_group)
    check("regions", values.region)
    check("sexes", values.sex)
    if len(values.victims) > MAX_VICTIMS:
        raise InvalidValue(f"victims: at most {MAX_VICTIMS}", "too_many_victims")
    for victim in values.victims:
        check("age_bands", victim.age_group)
        check("sexes", victim.sex)
        check("relations", victim.relation)
    for referral in values.referrals:
        check("referrals", referral)
    if len(set(values.referrals)) != len(values.referrals):
        raise InvalidValue("referrals: the same referral twice", "chosen_twice")
    counselling = codes.contact_type(values.contact_type).counselling
    if final and counselling and not values.forms:
        raise InvalidValue(
            "forms: a request for help needs at least one form (or 'unknown')", "form_needed"
        )


def _may_act(actor: Actor, counsellor_id: int | None, team_id: int | None) -> bool:
    if actor.is_admin:
        return True
    if actor.counsellor_id is not None and counsellor_id == actor.counsellor_id:
        return True
    return actor.is_lead and team_id is not None and team_id == actor.team_id


def _values(session: Session, registration_id: int) -> RegistrationValues:
    row = session.get(Registration, registration_id)
    assert row is not None
    forms = session.exec(
        select(RegistrationForm.code).where(RegistrationForm.registration_id == registration_id)
    ).all()
    victims = session.exec(
        select(RegistrationVictim)
        .where(RegistrationVictim.registration_id == registration_id)
        .order_by(col(RegistrationVictim.id))
    ).all()
    referrals = session.exec(
        select(RegistrationReferral.code).where(
            RegistrationReferral.registration_id == registration_id
        )
    ).all()
    return RegistrationValues(
        contact_type=row.contact_type,
        forms=tuple(sorted(forms)),
        role=row.role,
        age_group=row.age_group,
        region=row.region,
        sex=row.sex,
        victims=tuple(Victim(v.age_group, v.sex, v.relation) for v in victims),
        referrals=tuple(sorted(referrals)),
    )


def view(session: Session, row: Registration) -> RegistrationView:
    """The view of one registration row (no audit: registrations hold no personal data)."""
    assert row.id is not None
    contact = session.get(Conversation, row.contact_id) if row.contact_id else None
    who = session.get(Counsellor, row.counsellor_id) if row.counsellor_id else None
    case = session.get(CaseFile, row.case_file_id) if row.case_file_id else None
    return RegistrationView(
        public_id=row.public_id,
        contact=contact.public_id if contact else None,
        channel=Channel(row.channel),
        status=RegistrationStatus(row.status),
        contact_at=row.contact_at,
        duration_seconds=row.duration_seconds,
        codes_version=row.codes_version,
        counsellor=who.username if who else None,
        case_file=case.public_id if case else None,
        values=_values(session, row.id),
    )


def _prefill(codes: CodeList, conversation: Conversation) -> RegistrationValues:
    """The visitor's intake as the starting values, each kept only if the list knows it."""

    def known(kind: str, value: str | None) -> str:
        return value if value is not None and value in codes.codes_of(kind) else UNKNOWN

    return RegistrationValues(
        age_group=codes.age_band_for_intake(conversation.intake_age_group),
        region=known("regions", conversation.intake_region),
        sex=known("sexes", conversation.intake_sex),
        role=known("roles", conversation.intake_role),
    )


def _write_values(session: Session, row: Registration, values: RegistrationValues) -> None:
    assert row.id is not None
    row.contact_type = values.contact_type
    row.role = values.role
    row.age_group = values.age_group
    row.region = values.region
    row.sex = values.sex
    for table in (RegistrationForm, RegistrationVictim, RegistrationReferral):
        session.execute(delete(table).where(col(table.registration_id) == row.id))
    session.add_all(RegistrationForm(registration_id=row.id, code=code) for code in values.forms)
    session.add_all(
        RegistrationVictim(
            registration_id=row.id, age_group=v.age_group, sex=v.sex, relation=v.relation
        )
        for v in values.victims
    )
    session.add_all(
        RegistrationReferral(registration_id=row.id, code=code) for code in values.referrals
    )


def _audit(session: Session, key: bytes, actor: Actor, action: str, row: Registration) -> None:
    audit.record(
        session,
        key,
        actor=actor.name,
        action=action,
        object_type="registration",
        object_id=row.public_id,
        detail={"status": str(row.status), "channel": str(row.channel)},
    )


def open_for_contact(
    session: Session, key: bytes, codes: CodeList, *, actor: Actor, contact: str
) -> RegistrationView:
    """The registration of a chat or email conversation (public id `contact`): the existing one,
    or a new draft pre-filled from the visitor's intake. NotFound if the actor may not act."""
    conversation = session.exec(
        select(Conversation).where(Conversation.public_id == contact)
    ).first()
    if conversation is None or not _may_act(
        actor, conversation.counsellor_id, conversation.team_id
    ):
        raise NotFound("no such contact")
    existing = session.exec(
        select(Registration).where(Registration.contact_id == conversation.id)
    ).first()
    if existing is not None:
        return view(session, existing)
    ended = conversation.ended_at or conversation.answered_at
    row = Registration(
        public_id=str(uuid.uuid4()),
        contact_id=conversation.id,
        channel=conversation.channel,
        team_id=conversation.team_id,
        counsellor_id=conversation.counsellor_id or actor.counsellor_id,
        case_file_id=conversation.case_file_id,
        status=RegistrationStatus.DRAFT,
        codes_version=codes.version,
        contact_at=conversation.created_at,
        duration_seconds=(
            int((ended - conversation.created_at).total_seconds())
            if ended is not None and conversation.channel == Channel.CHAT
            else None
        ),
    )
    session.add(row)
    session.flush()
    _write_values(session, row, _prefill(codes, conversation))
    session.flush()
    _audit(session, key, actor, "registration.start", row)
    return view(session, row)


def _visible(session: Session, actor: Actor, public_id: str) -> Registration:
    row = session.exec(select(Registration).where(Registration.public_id == public_id)).first()
    if row is None or not _may_act(actor, row.counsellor_id, row.team_id):
        raise NotFound("no such registration")
    return row


def get(session: Session, *, actor: Actor, public_id: str) -> RegistrationView:
    """One registration the actor may act on; NotFound otherwise."""
    return view(session, _visible(session, actor, public_id))


def save(
    session: Session,
    key: bytes,
    codes: CodeList,
    *,
    actor: Actor,
    public_id: str,
    values: RegistrationValues,
    final: bool,
) -> RegistrationView:
    """Store the values as a draft (`final` False) or finalise them. A final registration may be
    corrected and stays final. InvalidValue for a code outside the list; NotFound as above."""
    validate(codes, values, final=final)
    row = _visible(session, actor, public_id)
    _write_values(session, row, values)
    now = utcnow()
    row.codes_version = codes.version
    row.updated_at = now
    if final and row.status != RegistrationStatus.FINAL:
        row.status = RegistrationStatus.FINAL
        row.finalised_at = now
    session.add(row)
    session.flush()
    _audit(session, key, actor, "registration.save", row)
    return view(session, row)


def register_phone(
    session: Session,
    key: bytes,
    codes: CodeList,
    *,
    actor: Actor,
    contact_at: datetime,
    duration_seconds: int,
    values: RegistrationValues,
    final: bool = True,
) -> RegistrationView:
    """A phone call, which happened outside the software, registered as a contact on the phone
    channel (F1, G1). InvalidValue for a time in the future or a duration out of range."""
    if contact_at.tzinfo is None:
        raise InvalidValue("contact_at: give a time with its zone")
    if contact_at > utcnow():
        raise InvalidValue("contact_at: the call cannot be in the future", "call_in_future")
    if not 0 <= duration_seconds <= MAX_PHONE_SECONDS:
        raise InvalidValue("duration: between 0 seconds and 24 hours", "call_too_long")
    validate(codes, values, final=final)
    row = Registration(
        public_id=str(uuid.uuid4()),
        channel=Channel.PHONE,
        team_id=actor.team_id,
        counsellor_id=actor.counsellor_id,
        status=RegistrationStatus.FINAL if final else RegistrationStatus.DRAFT,
        codes_version=codes.version,
        contact_at=contact_at,
        duration_seconds=duration_seconds,
        finalised_at=utcnow() if final else None,
    )
    session.add(row)
    session.flush()
    _write_values(session, row, values)
    session.flush()
    _audit(session, key, actor, "registration.phone", row)
    return view(session, row)


def pending(session: Session, *, actor: Actor, team: bool = False) -> list[PendingContact]:
    """Contacts still to register, oldest first: ended chats and answered emails without a final
    registration, and phone drafts. Mine, or with `team` (team leads; admins: every team) the
    team's. Forbidden-free: a counsellor asking for the team gets their own."""
    registered = select(Registration.contact_id).where(
        Registration.status == RegistrationStatus.FINAL,
        col(Registration.contact_id).is_not(None),
    )
    contacts = (
        select(Conversation)
        .where(
            or_(
                (col(Conversation.channel) == Channel.CHAT)
                & (col(Conversation.status) == ConversationStatus.ENDED),
                (col(Conversation.channel) == Channel.EMAIL)
                & col(Conversation.answered_at).is_not(None),
            )
        )
        .where(col(Conversation.id).not_in(registered))
    )
    phone = select(Registration).where(
        Registration.channel == Channel.PHONE, Registration.status == RegistrationStatus.DRAFT
    )
    if team and actor.is_lead:
        if not actor.is_admin:
            contacts = contacts.where(Conversation.team_id == actor.team_id)
            phone = phone.where(Registration.team_id == actor.team_id)
    else:
        contacts = contacts.where(Conversation.counsellor_id == actor.counsellor_id)
        phone = phone.where(Registration.counsellor_id == actor.counsellor_id)
    conversations = session.exec(contacts.order_by(col(Conversation.created_at)).limit(500)).all()
    drafts = {
        row.contact_id: row.public_id
        for row in session.exec(
            select(Registration).where(
                col(Registration.contact_id).in_([c.id for c in conversations])
            )
        )
    }
    phones = session.exec(phone.order_by(col(Registration.contact_at)).limit(500)).all()
    ids = {c.counsellor_id for c in conversations} | {r.counsellor_id for r in phones}
    names = {
        row.id: row.display_name or row.username
        for row in session.exec(select(Counsellor).where(col(Counsellor.id).in_(ids - {None})))
    }
    items = [
        PendingContact(
            contact=c.public_id,
            registration=drafts.get(c.id),
            channel=Channel(c.channel),
            at=c.created_at,
            counsellor=names.get(c.counsellor_id),
        )
        for c in conversations
    ] + [
        PendingContact(
            contact=None,
            registration=r.public_id,
            channel=Channel.PHONE,
            at=r.contact_at,
            counsellor=names.get(r.counsellor_id),
        )
        for r in phones
    ]
    return sorted(items, key=lambda item: item.at)
