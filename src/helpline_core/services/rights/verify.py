"""Identity verification (R1-R6: "only if we are absolutely sure of your identity"): who
verified, how and when is recorded; the proof itself never is (no copy of an identity card, no
claim code). Methods are a fixed list so the register can be counted and audited."""

from __future__ import annotations

from sqlmodel import Session

from helpline_core.clock import utcnow
from helpline_core.models import DataSubjectRequest, RequestStatus
from helpline_core.services.actors import Actor, InvalidValue
from helpline_core.services.cases.entries import checked_text
from helpline_core.services.rights.register import MAX_NOTE, change, require_open

METHODS = {
    "claim-code": "the subject gave the claim code of the conversation",
    "email-round-trip": "a message to the address the subject wrote from was answered from it",
    "in-person": "the subject came to the helpline and was recognised by the counsellor",
    "phone-callback": "the counsellor called back the number known from the contact",
    "case-knowledge": "the subject answered questions only the client of the file can answer",
}


def verify(
    session: Session,
    key: bytes,
    *,
    actor: Actor,
    row: DataSubjectRequest,
    method: str,
    note: str | None = None,
) -> None:
    """Record that `actor` verified the subject's identity by `method` (one of METHODS) now,
    with an optional note about how (never the proof). InvalidValue for an unknown method or a
    request that is closed or verified already."""
    require_open(row, verified=False)
    if RequestStatus(row.status) != RequestStatus.RECEIVED:
        raise InvalidValue(f"request {row.id} is verified already")
    if method not in METHODS:
        raise InvalidValue(f"method: one of {', '.join(METHODS)}")
    row.verified_at = utcnow()
    row.verified_by = actor.name
    row.verification_method = method
    text = checked_text(note, "note", MAX_NOTE) if note else None
    change(
        session, key, actor, row, RequestStatus.VERIFIED, f"{method}: {text}" if text else method
    )
