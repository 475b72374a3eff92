"""The email frames the relay sends, built from the core's rows (as `case_frames` does for case
files): list items, a thread's emails, the quarantine preview, and stored reasons
(`helpline_core.mail.reasons`) as codes the console says in its own words."""

from __future__ import annotations

import unicodedata
from typing import Literal

from helpline_core.mail.reasons import decode, describe
from helpline_core.protocol import email as pe
from helpline_core.services import mail as mail_service

PREVIEW_BYTES = 4000


def coded(stored: str | None) -> pe.MailReason | None:
    """A stored reason as the console gets it: its code and parameters, never its admin
    detail; the English words of an older row become the code "unknown"."""
    if stored is None:
        return None
    found = decode(stored)
    return pe.MailReason(code=found.code, params=dict(found.params))


def english(stored: str | None) -> str | None:
    """The same in English words, for the older consoles' fields (without the admin detail)."""
    return describe(stored, detail=False)


def summary_item(
    item: mail_service.EmailConversationSummary, names: dict[int, tuple[str, str]]
) -> pe.EmailListItem:
    """One row of `email_list`; `names`: counsellor id -> (username, display name)."""
    owner = names.get(item.counsellor_id) if item.counsellor_id else None
    return pe.EmailListItem(
        conversation=item.public_id,
        team=item.team_code,
        subject=item.subject,
        sender_name=item.sender_name,
        sender_address=item.sender_address,
        received_at=item.last_received_at,
        due_at=item.due_at,
        seconds_left=item.seconds_left,
        overdue=item.overdue,
        emails=item.emails,
        counsellor=owner[0] if owner else None,
        counsellor_name=owner[1] if owner else None,
        answered_at=item.answered_at,
        attention=english(item.attention),
        attention_code=coded(item.attention),
    )


def thread_email(email: mail_service.ThreadEmail) -> pe.ThreadEmailItem:
    """One email of `email_thread`; a failed or returned reply says why (`problem`)."""
    problem = email.last_error if email.outbox_state in ("failed", "undelivered") else None
    return pe.ThreadEmailItem(
        direction="out" if email.direction == "out" else "in",
        from_name=email.from_name,
        from_address=email.from_address,
        at=email.at,
        subject=email.subject,
        body=email.body,
        attachments=[
            pe.EmailAttachmentInfo(
                name=a.name,
                type=a.detected_type or a.declared_type,
                size=a.size,
                dropped=english(a.dropped_reason),
                dropped_code=coded(a.dropped_reason),
            )
            for a in email.attachments
        ],
        outbox_state=email.outbox_state,
        id=email.id,
        kind=_kind(email.kind),
        other_sender=email.other_sender,
        reply_to=list(email.reply_to) if email.direction == "in" else [],
        to=_addresses(email.to) if email.direction == "out" else [],
        problem=english(problem),
        problem_code=coded(problem),
    )


def safe_preview(raw: bytes) -> str:
    """The start of a quarantined email as text, every control character made visible."""
    text = raw[:PREVIEW_BYTES].decode("utf-8", errors="replace")
    kept = []
    for char in text:
        if char in "\n\t":
            kept.append(char)
        elif unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co", "Zl", "Zp"):
            kept.append("\ufffd")
        else:
            kept.append(char)
    return "".join(kept)


def _addresses(value: str | None) -> list[str]:
    return [address.strip() for address in (value or "").split(",") if address.strip()]


def _kind(value: str) -> Literal["person", "automatic", "bounce"]:
    return "bounce" if value == "bounce" else "automatic" if value == "automatic" else "person"
