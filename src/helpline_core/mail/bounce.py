"""Read a bounce: which of our messages it returns, and why it was not delivered.

Standard bounces are RFC 3464 delivery status notifications: `multipart/report;
report-type=delivery-status` with a `message/delivery-status` part (per recipient: Action,
Status, Diagnostic-Code) and the returned message or its headers (`message/rfc822`,
`text/rfc822-headers`). Mailers that do not follow it (older Exim, qmail's "failure notice",
some hosted services) put the returned headers in the body text; for them every Message-ID
found in the text is a candidate, and the caller keeps only those that are ours.

Whom the returned mail was for (`recipients`, so that the data subject's rights reach the bounce,
GDPR art. 15 and 17): the Final-Recipient and Original-Recipient fields of the status part
(RFC 3464 section 2.3); without them, Exim's X-Failed-Recipients header; then the To and Cc of
the returned headers; then qmail's "<address>:" lines (its failure notice names each so).
"""

from __future__ import annotations

import email
import re
from dataclasses import dataclass
from email import policy
from email.message import Message

from helpline_core.mail.headers import addresses
from helpline_core.mail.text import one_line

_MESSAGE_ID = re.compile(r"<[^<>\s]{1,900}>")
_STATUS = re.compile(r"\b([245])\.\d{1,3}\.\d{1,3}\b")
_SMTP_CODE = re.compile(r"\b([45]\d\d)[ -]")
MAX_CANDIDATES = 20
MAX_RECIPIENTS = 20
# RFC 3464 section 2.3.1: "rfc822; anna@example.org" (an address-type, then the address).
_TYPED_ADDRESS = re.compile(
    r"^\s*(?:rfc822|utf-8)\s*;\s*<?([^\s<>;]+@[^\s<>;]+?)>?\s*$", re.IGNORECASE
)
# RFC 6533 section 3 "unitext": a character written as \x{HHHH} in a utf-8 typed address.
_UNITEXT = re.compile(r"\\x\{([0-9A-Fa-f]{1,6})\}")
# qmail's failure notice: "<anna@example.org>:" alone on a line, then why.
_QMAIL_RECIPIENT = re.compile(r"^<([^\s<>]+@[^\s<>]+)>:[ \t]*$", re.MULTILINE)
MAX_SCANNED_CHARS = 64 * 1024
_BLOCKS = re.compile(r"\r?\n[ \t]*\r?\n")


@dataclass(frozen=True)
class BounceReport:
    """What a bounce says: the Message-IDs it may return (ours among them, perhaps), whether
    delivery failed for good (`final`; a "delayed" notice is not), its first delivery status
    ("5.1.1", RFC 3463; None when it gives none) and a short reason in the mail server's
    words (for an admin: mail.reasons keeps it as detail)."""

    message_ids: tuple[str, ...]
    final: bool
    reason: str
    status: str | None = None
    recipients: tuple[str, ...] = ()  # lower-cased addresses the returned mail was for


def read_bounce(message: Message, body_text: str) -> BounceReport:
    """The report of a message already recognised as a bounce (see `classify`)."""
    ids: list[str] = []
    reported: list[str] = []  # from the status part
    returned: list[str] = []  # the returned headers' To and Cc
    actions: list[str] = []
    statuses: list[str] = []
    diagnostics: list[str] = []
    for part in message.walk():
        content_type = part.get_content_type()
        if content_type in ("message/delivery-status", "message/global-delivery-status"):
            for block in _status_blocks(part):
                actions.append(str(block.get("action", "")).strip().lower())
                reported.extend(_typed(block, "final-recipient", "original-recipient"))
                status = _STATUS.search(str(block.get("status", "")))
                if status:
                    statuses.append(status.group(0))
                diagnostic = str(block.get("diagnostic-code", "")).partition(";")[2]
                if diagnostic.strip():
                    diagnostics.append(diagnostic)
        elif content_type in _RETURNED:
            headers = _returned_headers(part)
            if headers is not None:
                ids.extend(_ids_of(headers))
                returned.extend(_addressed(headers))
    # Non-standard bounces: the returned headers are quoted in the text.
    text = body_text[:MAX_SCANNED_CHARS]
    ids.extend(_MESSAGE_ID.findall(text))
    ids.extend(_MESSAGE_ID.findall(str(message.get("in-reply-to", "") or "")))
    ids.extend(_MESSAGE_ID.findall(str(message.get("references", "") or "")))
    if not statuses:
        statuses = [found.group(0) for found in _STATUS.finditer(text)][:1]
    if actions:
        final = any(action == "failed" for action in actions)
    elif statuses:
        final = statuses[0].startswith("5")
    else:
        code = _SMTP_CODE.search(text)
        # A mailer daemon that says nothing readable: treat it as a failure (a person looks).
        final = code is None or code.group(1).startswith("5")
    # Exim names them in a header of the bounce itself.
    failed = _addressed(message, "x-failed-recipients")
    recipients = reported or failed or returned or _QMAIL_RECIPIENT.findall(text)
    reason = "; ".join(
        one_line(item, 160) for item in [*statuses[:1], *diagnostics[:1]] if item.strip()
    )
    return BounceReport(
        message_ids=tuple(dict.fromkeys(ids))[:MAX_CANDIDATES],
        final=final,
        reason=reason or "returned by the mail server",
        status=statuses[0] if statuses else None,
        recipients=tuple(dict.fromkeys(a.lower() for a in recipients))[:MAX_RECIPIENTS],
    )


def typed_address(value: str) -> str | None:
    """The address of an RFC 3464 typed-address value ("rfc822; anna@example.org", section
    2.3.1), or of RFC 6533's "utf-8; ännä@exämple.org" (its \\x{HHHH} escapes read); None for
    another address type (x400) or junk."""
    match = _TYPED_ADDRESS.match(value)
    if match is None:
        return None
    return _UNITEXT.sub(lambda code: _character(code.group(1)), match.group(1))


def _character(hexadecimal: str) -> str:
    point = int(hexadecimal, 16)
    return chr(point) if point <= 0x10FFFF and not 0xD800 <= point <= 0xDFFF else "\ufffd"


def _typed(block: Message, *names: str) -> list[str]:
    """The addresses of a status block's typed-address fields ("rfc822; address")."""
    found = (typed_address(_value(block, name)) for name in names)
    return [address for address in found if address]


def _addressed(headers: Message, *names: str) -> list[str]:
    """The usable addresses in these header fields (the To and Cc of returned headers)."""
    values = (_value(headers, name) for name in names or ("to", "cc"))
    return list(addresses(", ".join(value for value in values if value)))


def _value(headers: Message, name: str) -> str:
    """A header's value as text, "" when absent or unreadable (returned headers may be junk)."""
    try:
        return " ".join(str(headers.get(name, "") or "").split())
    except Exception:
        return ""


# Parts that hold the returned message or its headers (RFC 3462, RFC 6533).
_RETURNED = frozenset(
    {"message/rfc822", "message/global", "text/rfc822-headers", "message/global-headers"}
)


def _returned_headers(part: Message) -> Message | None:
    """The returned message's headers: a message/* part is parsed as a message (its headers
    alone for message/global-headers); text/rfc822-headers is text to parse."""
    payload = part.get_payload()
    if isinstance(payload, list):
        inner = payload[0] if payload else None
        return inner if isinstance(inner, Message) else None
    if part.get_content_type() != "text/rfc822-headers":
        return None
    return email.message_from_string(_text(part), policy=policy.compat32)


def _status_blocks(part: Message) -> list[Message]:
    payload = part.get_payload()
    if part.get_content_type() == "message/global-delivery-status":
        # RFC 6533: the standard parser reads it as one message (its first block the headers,
        # the rest the body); its fields are read as text, block by block.
        inner = payload[0] if isinstance(payload, list) and payload else None
        raw = inner.as_bytes(policy=policy.compat32) if isinstance(inner, Message) else b""
        text = raw.decode("utf-8", "replace")
        return [email.message_from_string(block.strip() + "\n") for block in _BLOCKS.split(text)]
    if isinstance(payload, list):
        return [block for block in payload if isinstance(block, Message)]
    # Some parsers leave the fields as text: the blocks are separated by blank lines.
    text = _text(part)
    return [email.message_from_string(block.strip() + "\n") for block in text.split("\n\n")]


def _ids_of(headers: Message) -> list[str]:
    try:
        value = str(headers.get("message-id", "") or "")
    except Exception:
        return []
    return _MESSAGE_ID.findall(value)[:1]


def _text(part: Message) -> str:
    payload = part.get_payload(decode=True)
    if isinstance(payload, bytes):
        return payload.decode("utf-8", errors="replace")
    raw = part.get_payload()
    return raw if isinstance(raw, str) else ""
