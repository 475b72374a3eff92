"""What an inbound email is (a person's mail, automatic mail or a bounce), and who a reply
to it goes to.

Automatic mail never runs the answer clock and is never counted as a request for help:
`Auto-Submitted` other than "no" (RFC 3834), `X-Autoreply`/`X-Autorespond`, `Precedence: bulk |
junk | list | auto_reply`, `List-Id` (RFC 2919), and read receipts (RFC 8098 reports). A bounce
is an RFC 3464 delivery status report, or a mailer daemon's message in one of the common
non-standard forms (see `mail.bounce`). Replies go to Reply-To when present (RFC 5322 3.6.2),
otherwise to every From address.
"""

from __future__ import annotations

import email.utils
import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import Message
from typing import Literal

from helpline_core.mail.bounce import BounceReport, read_bounce
from helpline_core.mail.text import one_line

MAX_REPLY_ADDRESSES = 10
# In a raw From value: "Mail Delivery System <MAILER-DAEMON@mx.example>" or the bare address.
_DAEMON = re.compile(
    r"(^|[<\s,])(mailer-daemon|postmaster|mail-daemon|mailerdaemon)@", re.IGNORECASE
)
_BOUNCE_SUBJECT = re.compile(
    r"^\s*(undeliver(ed|able)|undelivered mail returned to sender|returned mail|"
    r"delivery status notification \(failure\)|mail delivery (failed|failure)|failure notice|"
    r"delivery failure|onbestelbaar|niet bezorgd|non remis|unzustellbar)",
    re.IGNORECASE,
)
_AUTOMATIC_PRECEDENCE = {"bulk", "junk", "list", "auto_reply"}
_NOT_AUTOMATIC = frozenset({"", "no", "false", "0", "off"})


# The values of models.MailKind (not imported: parsing runs in worker processes that need no
# database models).
Kind = Literal["person", "automatic", "bounce"]


@dataclass(frozen=True)
class Classification:
    kind: Kind
    reason: str = ""  # which header or form decided it (for the thread's notes)
    bounce: BounceReport | None = None


def classify(message: Message, headers: Mapping[str, str], body_text: str) -> Classification:
    """Sort a parsed message; `headers` are its raw header values by lower-case name. Never
    raises: a message that cannot be sorted is a person's (it gets a clock and a person's look,
    which errs on the safe side for a helpline)."""
    try:
        return _classify(message, headers, body_text)
    except Exception:
        return Classification("person", "not classified")


def _classify(message: Message, headers: Mapping[str, str], body_text: str) -> Classification:
    # Raw header values first: most mail is a person's, and parsing Content-Type or walking
    # the parts costs more than the rest of the sorting (cheap checks before dear ones).
    content_type = headers.get("content-type", "").lower()
    report_type = _report_type(message) if "multipart/report" in content_type else ""
    daemon = bool(_DAEMON.search(headers.get("from", "")))
    bounce_subject = bool(_BOUNCE_SUBJECT.match(headers.get("subject", "")))
    automatic = _automatic_header(headers)
    if report_type == "delivery-status" or "x-failed-recipients" in headers:
        bounce = True  # RFC 3464, or Exim's header
    elif daemon:
        bounce = bounce_subject or _has_returned_message(message)
    else:
        # A person may write "Undeliverable: my parcel"; a bounce also returns the message.
        bounce = bool(bounce_subject and automatic) and _has_returned_message(message)
    if bounce:
        return Classification("bounce", "bounce", read_bounce(message, body_text))
    if report_type == "disposition-notification":
        return Classification("automatic", "read receipt")
    if automatic:
        return Classification("automatic", automatic)
    return Classification("person")


def _automatic_header(headers: Mapping[str, str]) -> str:
    auto_submitted = headers.get("auto-submitted", "").strip().lower()
    if auto_submitted and not auto_submitted.startswith("no"):
        return "Auto-Submitted"
    for name in ("x-autoreply", "x-autorespond", "x-autoresponse"):
        # Present says automatic, whatever it holds, except a plain "no" (some clients send
        # "X-Autoreply: no" on every mail a person writes).
        if headers.get(name, "").strip().lower() not in _NOT_AUTOMATIC:
            return name.title()
    if headers.get("precedence", "").strip().lower() in _AUTOMATIC_PRECEDENCE:
        return "Precedence"
    if headers.get("list-id", "").strip():
        return "List-Id"
    return ""


def _report_type(message: Message) -> str:
    if message.get_content_type() != "multipart/report":
        return ""
    return str(message.get_param("report-type", "") or "").strip().lower()


def _has_returned_message(message: Message) -> bool:
    return any(
        part.get_content_type()
        in ("message/rfc822", "text/rfc822-headers", "message/delivery-status")
        for part in message.walk()
    )


@functools.lru_cache(maxsize=1024)  # a visitor's From and Reply-To repeat across a mailbox
def addresses_of(value: str) -> tuple[str, ...]:
    """The addresses of an address header (display names left out), as written, deduplicated
    case-insensitively."""
    found: dict[str, str] = {}
    for _, address in email.utils.getaddresses([value]):
        address = one_line(address, 320)
        if "@" in address and " " not in address:
            found.setdefault(address.lower(), address)
    return tuple(found.values())[:MAX_REPLY_ADDRESSES]


def reply_addresses(headers: Mapping[str, str], sender: str | None = None) -> tuple[str, ...]:
    """Who a reply goes to: Reply-To when it holds an address, else every From address.
    `sender`: the From address already parsed, used as is when From names only one."""
    reply_to = headers.get("reply-to", "")
    found = addresses_of(reply_to) if reply_to.strip() else ()
    if found:
        return found
    from_value = headers.get("from", "")
    if sender and "," not in from_value:
        return (sender,)
    return addresses_of(from_value) or ((sender,) if sender else ())
