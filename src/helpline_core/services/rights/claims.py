"""Claim codes: the only way an anonymous chat visitor can later prove that a conversation is
theirs (R1-R6, the policy's "absolutely sure of your identity"). A code is its row number and
eight words drawn with `secrets` from a 2048-word list in the visitor's language (88 bits), e.g.
"17-maan-fiets-...". It is shown once; only an argon2 hash of the words is stored, with the
conversation (and so its case file). Wrong codes are rate-limited across processes by counting
the audit log's "claim.wrong" events (ids only) in the last `WINDOW`."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session, col, func, select

from helpline_core.clock import utcnow
from helpline_core.models import AuditEvent, ClaimCode, Conversation
from helpline_core.services import audit
from helpline_core.services.actors import InvalidValue, NotFound

WORDS_PER_CODE = 8  # 8 x 11 bits = 88 bits, above the 80 the brief asks
WINDOW = timedelta(minutes=15)
MAX_WRONG = 5  # wrong codes per WINDOW, for everyone together: a guesser gets nowhere
_HASHER = PasswordHasher()
_DIR = Path(__file__).parent / "words"


@cache
def words(language: str) -> tuple[str, ...]:
    """The 2048-word list of a language (nl, fr, en; others get Dutch)."""
    name = language if language in ("nl", "fr", "en") else "nl"
    found = tuple((_DIR / f"{name}.txt").read_text(encoding="utf-8").split())
    assert len(found) == 2048 and len(set(found)) == 2048
    return found


def issue(session: Session, key: bytes, *, conversation: str, language: str, actor: str) -> str:
    """Give the conversation (public id) a claim code; returns it, to be shown once. NotFound
    for an unknown conversation."""
    row = session.exec(select(Conversation).where(Conversation.public_id == conversation)).first()
    if row is None or row.id is None:
        raise NotFound("no such conversation")
    chosen = "-".join(secrets.choice(words(language)) for _ in range(WORDS_PER_CODE))
    item = ClaimCode(conversation_id=row.id, code_hash=_HASHER.hash(chosen))
    session.add(item)
    session.flush()
    audit.record(session, key, actor=actor, action="claim.issue", object_type="conversation",
                 object_id=row.public_id, detail={"claim": item.id or 0})  # fmt: skip
    return f"{item.id}-{chosen}"


def _normalised(code: str) -> tuple[int, str] | None:
    parts = [p for p in code.strip().lower().replace(" ", "-").split("-") if p]
    if len(parts) != WORDS_PER_CODE + 1 or not parts[0].isdigit() or len(parts[0]) > 12:
        return None
    return int(parts[0]), "-".join(parts[1:])


def find(
    session: Session, key: bytes, code: str, *, actor: str, now: datetime | None = None
) -> int:
    """The conversation id a claim code belongs to. InvalidValue for a wrong code (recorded,
    without the code) or when too many wrong codes were tried in the last WINDOW."""
    at = now or utcnow()
    wrong = session.exec(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.action == "claim.wrong", col(AuditEvent.at) > at - WINDOW)
    ).one()
    if wrong >= MAX_WRONG:
        raise InvalidValue("too many wrong claim codes; try again in 15 minutes")
    parsed = _normalised(code)
    row = session.get(ClaimCode, parsed[0]) if parsed else None
    if row is not None and parsed is not None:
        try:
            _HASHER.verify(row.code_hash, parsed[1])
            return row.conversation_id
        except (VerificationError, InvalidHashError):
            pass
    audit.record(session, key, actor=actor, action="claim.wrong", object_type="claim", at=at)
    # The attempt must count although the request fails and the caller rolls back.
    session.commit()
    raise InvalidValue("claim code not recognised")
