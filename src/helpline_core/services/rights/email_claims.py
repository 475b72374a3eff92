"""Claim codes given in an email reply (R1-R6): the counsellor puts a placeholder in the reply
(`protocol.email.CLAIM_PLACEHOLDERS`, in nl, fr or en); queueing the reply turns every
placeholder into a neutral marker ("[claim code given on 2026-11-30]") and reserves a claim
code row without a hash; when the mail worker sends the reply it draws the words (the same
generator and argon2 hashing as the page's), stores the hash and puts the words into the
message sent over SMTP only. The database body, the Sent-folder copy and the logs keep the
marker. Each reply with a placeholder adds a code of its own: an earlier code the visitor kept
stays valid (docs/claim-codes.md).

A reply retried after a temporary failure (which happens only before the message data was sent)
gets fresh words and the hash is replaced, so the stored hash is always that of the one message
that may have been delivered."""

from __future__ import annotations

import re
from datetime import date, datetime

from sqlmodel import Session

from helpline_core.models import ClaimCode, Conversation, EmailMessage
from helpline_core.protocol.email import CLAIM_PLACEHOLDERS
from helpline_core.services import audit
from helpline_core.services.rights import claims

_MARKERS = {
    "nl": "[claimcode gegeven op {day}]",
    "fr": "[code de réclamation donné le {day}]",
    "en": "[claim code given on {day}]",
}
_PLACEHOLDER = re.compile(
    "|".join(re.escape(token) for token in CLAIM_PLACEHOLDERS.values()), re.IGNORECASE
)


def placeholder_language(body: str) -> str | None:
    """The language of the first claim-code placeholder in `body`, None when there is none."""
    found = _PLACEHOLDER.search(body)
    if found is None:
        return None
    token = found.group(0).lower()
    return next(lang for lang, text in CLAIM_PLACEHOLDERS.items() if text == token)


def marker(language: str, day: date) -> str:
    """The neutral text kept where the words went: the language's, with the ISO date."""
    return _MARKERS.get(language, _MARKERS["nl"]).format(day=day.isoformat())


def reserve(
    session: Session, key: bytes, conversation: Conversation, body: str, day: date, *, actor: str
) -> tuple[str, ClaimCode | None]:
    """(body to store, reserved claim code or None). Every placeholder becomes the marker in
    the language of the first one; the code row has no hash (matches nothing) until the reply
    is sent. Audited as `claim.issue` (ids only)."""
    language = placeholder_language(body)
    if language is None or conversation.id is None:
        return body, None
    item = ClaimCode(conversation_id=conversation.id, code_hash="")
    session.add(item)
    session.flush()
    audit.record(
        session, key, actor=actor, action="claim.issue", object_type="conversation",
        object_id=conversation.public_id, detail={"claim": item.id or 0, "by": "email"},
    )  # fmt: skip
    return _PLACEHOLDER.sub(marker(language, day), body), item


def _marker_in(body: str) -> tuple[str, str] | None:
    """(language, marker text) of the first marker in a stored body."""
    pattern = re.compile(
        "|".join(
            f"(?P<{lang}>" + re.escape(text).replace(re.escape("{day}"), r"\d{4}-\d{2}-\d{2}") + ")"
            for lang, text in _MARKERS.items()
        )
    )
    found = pattern.search(body)
    if found is None or found.lastgroup is None:
        return None
    return found.lastgroup, found.group(0)


def words_for_sending(session: Session, reply: EmailMessage, *, now: datetime) -> str:
    """The body to send over SMTP: the stored body with its marker replaced by a freshly drawn
    code, whose argon2 hash is stored (replacing that of an earlier, undelivered attempt). The
    stored body is left as it is; nothing here is logged."""
    item = session.get(ClaimCode, reply.claim_code_id) if reply.claim_code_id else None
    found = _marker_in(reply.body_text)
    if item is None or found is None:
        return reply.body_text
    language, text = found
    chosen = claims.draw(language)
    item.code_hash = claims.hash_words(chosen)
    item.created_at = now
    session.add(item)
    return reply.body_text.replace(text, f"{item.id}-{chosen}")
