"""Why mail was quarantined, an attachment not kept, a reply not sent or not delivered, or a
mailbox is failing: a closed set of stable codes with their parameters (issue 16, point 1).

The code is stored, not English words, so the console says it in its own language; the CLI and
/healthz use the English sentence here. A reason lives in the text column it always had
(`quarantinedemail.reason`, `attachment.dropped_reason`, `emailmessage.last_error`,
`conversation.attention`, `mailboxstatus.last_error`), written by `Reason.encode` as
`code` or `code {"param": value, ...}`: parameters are whole numbers (sizes in bytes, an SMTP
reply code) or short tokens (a delivery status "5.1.1", an exception's class name); the key
"detail" holds English technical words for an admin only (a server's answer, a host name),
never sent to the console. `decode` reads any stored text back: text that is not a known code
with exactly its parameters (English words stored before codes) is `unknown`, with the text
as its detail, so the console shows a generic sentence and never the raw words.

Codes and their parameters, by what they explain:

Quarantine (`QuarantineCode`; `quarantinedemail.reason`, and `duplicate` as an ingest result):
  too_large (size, limit), too_large_kept (size, limit, kept, uid), empty,
  header_too_large (size, limit), nested_too_deeply, too_many_parts (parts, most), no_headers,
  no_sender,
  parser_error (error), store_failed (error), duplicate
Attachment not kept (`AttachmentCode`; `attachment.dropped_reason`):
  too_many_attachments (limit), attachment_too_large (limit)
Reply not sent or not delivered (`DeliveryCode`; `emailmessage.last_error`, and the
conversation's `attention`):
  smtp_refused (status), recipient_refused (status), smtp_login_refused (status),
  smtp_password_missing, smtp_unreachable (error), no_smtp_server, team_not_configured,
  cannot_build, connection_lost (error), delivery_unknown, delivery_unknown_no_sent_folder,
  bounced (status), returned, unmatched_bounce, sent_copy_failed (error), recovered_sent
Mailbox failing (`MailboxCode`; `mailboxstatus.last_error`):
  login_refused, password_missing, unreachable, connection_closed, timeout, command_failed,
  failed (error)
Any of them: unknown (stored before codes, or not a code of this list).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final, Literal, get_args

QuarantineCode = Literal[
    "too_large",
    "too_large_kept",
    "empty",
    "header_too_large",
    "nested_too_deeply",
    "too_many_parts",
    "no_headers",
    "no_sender",
    "parser_error",
    "store_failed",
    "duplicate",
]
AttachmentCode = Literal["too_many_attachments", "attachment_too_large"]
DeliveryCode = Literal[
    "smtp_refused",
    "recipient_refused",
    "smtp_login_refused",
    "smtp_password_missing",
    "smtp_unreachable",
    "no_smtp_server",
    "team_not_configured",
    "cannot_build",
    "connection_lost",
    "delivery_unknown",
    "delivery_unknown_no_sent_folder",
    "bounced",
    "returned",
    "unmatched_bounce",
    "sent_copy_failed",
    "recovered_sent",
]
MailboxCode = Literal[
    "login_refused",
    "password_missing",
    "unreachable",
    "connection_closed",
    "timeout",
    "command_failed",
    "failed",
]
Code = Literal[QuarantineCode, AttachmentCode, DeliveryCode, MailboxCode, "unknown"]
UNKNOWN: Final = "unknown"

ParamValue = int | str
DETAIL = "detail"
MAX_DETAIL = 300
# A parameter that is text is a token (a status, a class name), never words or a sender's text.
_TOKEN = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")


@dataclass(frozen=True)
class _Spec:
    params: tuple[str, ...]
    english: str  # for the CLI, /healthz and logs; the console has its own words


_SPECS: Final[dict[str, _Spec]] = {
    # quarantine
    "too_large": _Spec(("size", "limit"), "message of {size} bytes exceeds the {limit} limit"),
    "too_large_kept": _Spec(
        ("size", "limit", "kept", "uid"),
        "message of {size} bytes exceeds the {limit} byte limit; the first {kept} bytes are "
        "kept here, the whole message stays in the mailbox (UID {uid})",
    ),
    "empty": _Spec((), "empty message"),
    "header_too_large": _Spec(("size", "limit"), "header block of {size} bytes exceeds {limit}"),
    "nested_too_deeply": _Spec((), "MIME structure nested too deeply"),
    "too_many_parts": _Spec(("parts", "most"), "{parts} MIME parts, more than the {most} read"),
    "no_headers": _Spec((), "no header fields: not an email message"),
    "no_sender": _Spec((), "no usable sender address (From)"),
    "parser_error": _Spec(
        ("error",), "parser error ({error}): a bug in the helpline, not in the mail"
    ),
    "store_failed": _Spec(("error",), "could not be stored: {error}"),
    "duplicate": _Spec((), "the same message is already stored"),
    # attachments
    "too_many_attachments": _Spec(("limit",), "more than {limit} attachments"),
    "attachment_too_large": _Spec(("limit",), "larger than {limit} bytes"),
    # replies
    "smtp_refused": _Spec(("status",), "reply not sent: the mail server refused it ({status})"),
    "recipient_refused": _Spec(("status",), "reply not sent: recipient refused ({status})"),
    "smtp_login_refused": _Spec(("status",), "reply not sent: SMTP login refused ({status})"),
    "smtp_password_missing": _Spec((), "reply not sent: the SMTP password is not available"),
    "smtp_unreachable": _Spec(("error",), "reply not sent: SMTP server unreachable ({error})"),
    "no_smtp_server": _Spec((), "reply not sent: no SMTP server configured for this team"),
    "team_not_configured": _Spec((), "reply not sent: the team is no longer configured"),
    "cannot_build": _Spec((), "reply not sent: the message cannot be built"),
    "connection_lost": _Spec(
        ("error",),
        "delivery unknown: the connection was lost after the message was sent ({error})",
    ),
    "delivery_unknown": _Spec(
        (),
        "delivery unknown: interrupted while sending and not found in the Sent folder; not "
        "retried automatically so that it is never sent twice: check with the visitor or send "
        "it again",
    ),
    "delivery_unknown_no_sent_folder": _Spec(
        (),
        "delivery unknown: interrupted while sending, no Sent folder to check; not retried "
        "automatically so that it is never sent twice: check with the visitor or send it again",
    ),
    "bounced": _Spec(("status",), "not delivered: returned with status {status}"),
    "returned": _Spec((), "not delivered: returned by the mail server"),
    "unmatched_bounce": _Spec(
        (), "a returned mail that matches none of our replies: check it; never answered"
    ),
    "sent_copy_failed": _Spec(("error",), "sent; the copy to the Sent folder failed ({error})"),
    "recovered_sent": _Spec((), "recovered: found in the Sent folder"),
    # mailboxes
    "login_refused": _Spec((), "login refused: check the mailbox password (wrong or expired?)"),
    "password_missing": _Spec((), "the mailbox password is not configured or cannot be read"),
    "unreachable": _Spec((), "mail server not reachable"),
    "connection_closed": _Spec((), "the mail server closed the connection"),
    "timeout": _Spec((), "the mail server did not answer in time"),
    "command_failed": _Spec((), "the mail server refused a command"),
    "failed": _Spec(("error",), "unexpected error ({error})"),
    UNKNOWN: _Spec((), "reason not recorded as a code"),
}

CODES: Final[tuple[str, ...]] = get_args(Code)
FAMILIES: Final[dict[str, tuple[str, ...]]] = {
    "quarantine": get_args(QuarantineCode),
    "attachment": get_args(AttachmentCode),
    "delivery": get_args(DeliveryCode),
    "mailbox": get_args(MailboxCode),
}


@dataclass(frozen=True)
class Reason:
    """A code of this module with its parameters, and English `detail` for an admin only."""

    code: str
    params: Mapping[str, ParamValue] = field(default_factory=dict)
    detail: str = ""

    def encode(self) -> str:
        """The text stored in the database: `code`, or `code {json}` with parameters/detail."""
        data: dict[str, ParamValue] = dict(sorted(self.params.items()))
        if self.detail:
            data[DETAIL] = self.detail
        if not data:
            return self.code
        return f"{self.code} {json.dumps(data, ensure_ascii=False, separators=(',', ':'))}"

    def english(self, *, detail: bool = True) -> str:
        """The sentence for an admin (CLI, /healthz, logs), with the detail in brackets
        (`detail` False: without it). An `unknown` reason is its stored text as it was."""
        if self.code == UNKNOWN:
            return self.detail or _SPECS[UNKNOWN].english
        sentence = _SPECS[self.code].english.format(**self.params)
        return f"{sentence} ({self.detail})" if detail and self.detail else sentence


def reason(code: Code, detail: str = "", **params: ParamValue) -> Reason:
    """A reason of the closed list; ValueError for a parameter the code does not take or
    lacks, or one that is not a whole number or a token (a mistake in the caller)."""
    spec = _SPECS[code]
    if set(params) != set(spec.params):
        raise ValueError(f"{code} takes {spec.params}, not {tuple(params)}")
    for name, value in params.items():
        if not _valid(value):
            raise ValueError(f"{code}: {name} must be a whole number or a short token")
    return Reason(code, dict(params), " ".join(detail.split())[:MAX_DETAIL])


def _valid(value: object) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, str) and bool(_TOKEN.match(value)))


def decode(text: str) -> Reason:
    """The reason stored as `text`; `unknown` (with `text` as its detail) for anything that is
    not a code of this list with exactly its parameters, e.g. English words of an older row."""
    code, _, rest = text.partition(" ")
    spec = _SPECS.get(code)
    if spec is None or code == UNKNOWN:
        return Reason(UNKNOWN, {}, text)
    data: object = {}
    if rest:
        try:
            data = json.loads(rest)
        except ValueError:
            return Reason(UNKNOWN, {}, text)
    if not isinstance(data, dict):
        return Reason(UNKNOWN, {}, text)
    detail = data.pop(DETAIL, "")
    if (
        not isinstance(detail, str)
        or set(data) != set(spec.params)
        or not all(_valid(value) for value in data.values())
    ):
        return Reason(UNKNOWN, {}, text)
    return Reason(code, data, detail)


def describe(text: str | None, *, detail: bool = True) -> str | None:
    """Stored reason text in English words for an admin (see `Reason.english`); None stays
    None."""
    return None if text is None else decode(text).english(detail=detail)
