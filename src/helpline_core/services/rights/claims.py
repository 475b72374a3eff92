"""Claim codes: the only way an anonymous visitor can later prove that a conversation is theirs
(R1-R6, the policy's "absolutely sure of your identity"). A code is its row number and eight
words drawn with `secrets` from a 2048-word list in the visitor's language (8 x 11 = 88 bits),
e.g. "17-maan-fiets-...". It is shown once (or sent once by email, services/rights/
email_claims.py); only an argon2 hash of the words is stored, with the conversation (and so its
case file). The lists are curated: docs/claim-codes.md.

Wrong codes are rate-limited per source (who gave the code: the address or number a request
came from, hashed with the installation key) and under a higher global ceiling that never locks
out a source that made no mistake: see `find` and docs/claim-codes.md for the numbers."""

from __future__ import annotations

import re
import secrets
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete
from sqlmodel import Session, col, func, select

from helpline_core.clock import utcnow
from helpline_core.models import ClaimAttempt, ClaimCode, Conversation
from helpline_core.secrets import keyed_hash
from helpline_core.services import audit
from helpline_core.services.actors import InvalidValue, NotFound
from helpline_core.services.rights.wordrules import LIST_SIZE, fold

WORDS_PER_CODE = 8  # 8 x 11 bits (LIST_SIZE 2048) = 88 bits, above the 80 the issue asks
WINDOW = timedelta(minutes=15)
# One source (a sender's address, a phone number) may get 5 codes wrong per 15 minutes: enough
# for a frightened person's typing mistakes, nothing for a guesser (88 bits).
MAX_WRONG_PER_SOURCE = 5
# All sources together: past 100 wrong codes in 15 minutes someone is guessing from many
# sources; then a source with a wrong code in the window gets no further try until it ages
# out, while a source without a mistake is still checked: a real visitor is never locked out.
GLOBAL_CEILING = 100
LANGUAGES = ("nl", "fr", "en")
# The same words for a mistyped code and for one whose conversation was erased or purged (its
# code row went with it): nothing here tells a guesser that a code once existed.
NOT_FOUND = (
    "claim code not recognised: no conversation is kept under this code (mistyped, or its "
    "data was erased or removed under the retention rule)"
)
SOURCE_PURPOSE = "claim-source"
_HASHER = PasswordHasher()
_DIR = Path(__file__).parent / "words"
_SEPARATORS = re.compile(r"[^a-z0-9]+")


@cache
def words(language: str) -> tuple[str, ...]:
    """The 2048-word list of a language (nl, fr, en; others get Dutch)."""
    name = language if language in LANGUAGES else "nl"
    found = tuple((_DIR / f"{name}.txt").read_text(encoding="utf-8").split())
    assert len(found) == LIST_SIZE and len(set(found)) == LIST_SIZE
    return found


def draw(language: str) -> str:
    """Eight words from the language's list, chosen with `secrets`, joined by dashes."""
    return "-".join(secrets.choice(words(language)) for _ in range(WORDS_PER_CODE))


def hash_words(chosen: str) -> str:
    """The argon2 hash that is stored for the words of a code."""
    return _HASHER.hash(chosen)


def issue(session: Session, key: bytes, *, conversation: str, language: str, actor: str) -> str:
    """Give the conversation (public id) a claim code; returns it, to be shown once. NotFound
    for an unknown conversation."""
    row = session.exec(select(Conversation).where(Conversation.public_id == conversation)).first()
    if row is None or row.id is None:
        raise NotFound("no such conversation")
    chosen = draw(language)
    item = ClaimCode(conversation_id=row.id, code_hash=hash_words(chosen))
    session.add(item)
    session.flush()
    audit.record(session, key, actor=actor, action="claim.issue", object_type="conversation",
                 object_id=row.public_id, detail={"claim": item.id or 0})  # fmt: skip
    return f"{item.id}-{chosen}"


def normalised(code: str) -> tuple[int, str] | None:
    """(row number, words joined by dashes) of a code as a person may type it: any case,
    accents, spaces, dashes, dots or line breaks between the parts; None if it cannot be one."""
    parts = [p for p in _SEPARATORS.split(fold(code)) if p]
    if len(parts) != WORDS_PER_CODE + 1 or not parts[0].isdigit() or len(parts[0]) > 12:
        return None
    return int(parts[0]), "-".join(parts[1:])


def source_hash(key: bytes, source: str) -> str:
    """The keyed hash a source is counted under (the source itself is never stored)."""
    return keyed_hash(key, SOURCE_PURPOSE, " ".join(fold(source).split()))


def _refusal(session: Session, mine: str, at: datetime) -> str | None:
    since = col(ClaimAttempt.at) > at - WINDOW
    own = session.exec(
        select(func.count())
        .select_from(ClaimAttempt)
        .where(since, ClaimAttempt.source_hash == mine)
    ).one()
    if own >= MAX_WRONG_PER_SOURCE:
        return "too many wrong claim codes from this source; try again in 15 minutes"
    if own and session.exec(select(func.count()).select_from(ClaimAttempt).where(since)).one() >= (
        GLOBAL_CEILING
    ):
        return "many wrong claim codes are being tried; after a wrong one, wait 15 minutes"
    return None


def find(
    session: Session,
    key: bytes,
    code: str,
    *,
    actor: str,
    source: str | None = None,
    now: datetime | None = None,
) -> int:
    """The conversation id a claim code belongs to.

    `source` says where the code came from (the address or number a request came from; the
    CLI's actor when not given) and is only kept as a keyed hash, for 15 minutes. InvalidValue
    for a wrong code (recorded, without the code) or when this source has had
    MAX_WRONG_PER_SOURCE wrong codes in the last WINDOW, or one while all sources together had
    GLOBAL_CEILING."""
    at = now or utcnow()
    mine = source_hash(key, source if source is not None else f"actor:{actor}")
    session.execute(delete(ClaimAttempt).where(col(ClaimAttempt.at) <= at - WINDOW))
    refusal = _refusal(session, mine, at)
    if refusal is not None:
        raise InvalidValue(refusal)
    parsed = normalised(code)
    row = session.get(ClaimCode, parsed[0]) if parsed else None
    if row is not None and parsed is not None and row.code_hash:
        try:
            _HASHER.verify(row.code_hash, parsed[1])
            return row.conversation_id
        except (VerificationError, InvalidHashError):
            pass
    session.add(ClaimAttempt(source_hash=mine, at=at))
    audit.record(session, key, actor=actor, action="claim.wrong", object_type="claim", at=at)
    # The attempt must count although the request fails and the caller rolls back.
    session.commit()
    raise InvalidValue(NOT_FOUND)
