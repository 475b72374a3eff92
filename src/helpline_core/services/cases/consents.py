"""Consents and disclosures (F3, R5): information goes to a third party only against a recorded,
not withdrawn consent (who, what, when), or as an emergency disclosure to the police or the
public prosecutor with its justification, which only a team lead records and which the audit
log marks (action "case.disclosure_emergency")."""

from __future__ import annotations

from typing import Literal

from sqlmodel import Session, select

from helpline_core.clock import utcnow
from helpline_core.models import Consent, Disclosure, DisclosureBasis
from helpline_core.services.actors import Actor, Forbidden, InvalidValue, NotFound
from helpline_core.services.cases.access import get_file, record
from helpline_core.services.cases.entries import MAX_SERVICE, checked_text

EmergencyRecipient = Literal["police", "prosecutor"]
EMERGENCY_RECIPIENTS: tuple[EmergencyRecipient, ...] = ("police", "prosecutor")


def add_consent(
    session: Session, key: bytes, *, actor: Actor, case: str, third_party: str, scope: str
) -> int:
    """Record the client's consent to share `scope` (what) with `third_party` (who), now."""
    row = get_file(session, actor, case)
    assert row.id is not None
    item = Consent(
        case_file_id=row.id,
        third_party=checked_text(third_party, "third party", MAX_SERVICE).strip(),
        scope=checked_text(scope, "scope"),
        recorded_by=actor.counsellor_id,
    )
    session.add(item)
    session.flush()
    assert item.id is not None
    record(session, key, actor, "case.consent", row, {"consent": item.id})
    return item.id


def _consent(session: Session, case_file_id: int | None, consent: int) -> Consent:
    found = session.exec(
        select(Consent).where(Consent.id == consent, Consent.case_file_id == case_file_id)
    ).first()
    if found is None:
        raise NotFound("no such consent in this file", "no_such_consent")
    return found


def withdraw_consent(
    session: Session, key: bytes, *, actor: Actor, case: str, consent: int
) -> None:
    """The client withdraws a consent (R5): kept in the ledger with its withdrawal time; no new
    disclosure may rest on it. InvalidValue if already withdrawn."""
    row = get_file(session, actor, case)
    found = _consent(session, row.id, consent)
    if found.withdrawn_at is not None:
        raise InvalidValue("the consent is already withdrawn", "already_withdrawn")
    found.withdrawn_at = utcnow()
    session.add(found)
    record(session, key, actor, "case.consent_withdrawn", row, {"consent": consent})


def disclose_with_consent(
    session: Session, key: bytes, *, actor: Actor, case: str, consent: int, what: str
) -> int:
    """Record a disclosure to the consent's third party. InvalidValue if the consent was
    withdrawn (F3, R5); NotFound if it is not in this file. Returns the disclosure's id."""
    row = get_file(session, actor, case)
    found = _consent(session, row.id, consent)
    if found.withdrawn_at is not None:
        raise InvalidValue(
            "the consent was withdrawn: no new disclosure may rest on it", "consent_withdrawn"
        )
    assert row.id is not None
    item = Disclosure(
        case_file_id=row.id,
        recipient=found.third_party,
        basis=DisclosureBasis.CONSENT,
        consent_id=found.id,
        what=checked_text(what, "what"),
        counsellor_id=actor.counsellor_id,
    )
    session.add(item)
    session.flush()
    assert item.id is not None
    record(session, key, actor, "case.disclosure", row, {"disclosure": item.id, "consent": consent})
    return item.id


def disclose_in_emergency(
    session: Session,
    key: bytes,
    *,
    actor: Actor,
    case: str,
    recipient: EmergencyRecipient,
    what: str,
    justification: str,
) -> int:
    """Record an emergency disclosure without consent to the police or the public prosecutor,
    with its justification (F3). Forbidden unless the actor is a team lead or admin; the audit
    event's action is "case.disclosure_emergency" so it stands out."""
    row = get_file(session, actor, case)
    if not actor.is_lead:
        raise Forbidden("only a team lead records an emergency disclosure", "lead_only")
    if recipient not in EMERGENCY_RECIPIENTS:
        raise InvalidValue("recipient: police or prosecutor")
    assert row.id is not None
    item = Disclosure(
        case_file_id=row.id,
        recipient=recipient,
        basis=DisclosureBasis.EMERGENCY,
        justification=checked_text(justification, "justification"),
        what=checked_text(what, "what"),
        counsellor_id=actor.counsellor_id,
    )
    session.add(item)
    session.flush()
    assert item.id is not None
    record(
        session,
        key,
        actor,
        "case.disclosure_emergency",
        row,
        {"disclosure": item.id, "recipient": recipient},
    )
    return item.id
