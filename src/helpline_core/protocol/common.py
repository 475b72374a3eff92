"""The shared part of the relay's wire protocol: version, error codes, value types, the frame base.

The protocol is typed JSON frames over two websocket endpoints, /chat (visitor) and /console
(counsellor); docs/protocol.md explains it with examples. This package is its single source of
truth, one module per subject: `common` (this), `visitor`, `console` (chats), `email`, and
`codec` (the unions and the parse/dump functions). `helpline_core.protocol` re-exports them all.
Version rule: PROTOCOL_VERSION changes only when an existing frame changes meaning or loses a
field; adding an optional field or a new server frame keeps the version (clients ignore unknown
server frames).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

PROTOCOL_VERSION = 1
# Hard caps independent of configuration; the relay applies its configured (smaller) limits too.
HARD_MAX_FRAME_BYTES = 1024 * 1024
HARD_MAX_TEXT_CHARS = 20_000

# Why a case-file request was refused, finer than `invalid` / `forbidden` (issue 16): raised by
# the core's case services (`DomainError.code`) and said in the console's words. A file the
# counsellor may not see stays `forbidden`, exactly like one that does not exist (S1); these
# codes tell apart only what may be said about a file that is visible.
CaseRefusal = Literal[
    "case_closed",  # close: the file is closed already
    "case_open",  # reopen: the file is open already
    "reason_missing",  # reopen: a reason is required
    "lead_only",  # legal hold or emergency disclosure: team leads and admins only
    "no_such_colleague",  # share: no active account with that username
    "no_such_contact",  # link / create from a contact: none, or not mine or my team's
    "no_such_assessment",  # statement: no such assessment in this file
    "no_such_consent",  # withdraw / disclose: no such consent in this file
    "consent_withdrawn",  # disclose: the consent was withdrawn, nothing may rest on it
    "already_withdrawn",  # withdraw: the consent is withdrawn already
    "transcript_gone",  # transcript: not a contact of this file, or no longer kept
    "not_in_code_list",  # a region, age band, sex, role or theme outside the code list
]

# Why a registration was refused (services/registrations.py), for the console to say in words.
RegistrationRefusal = Literal[
    "form_needed",  # a final request for help without a form of violence or theme
    "chosen_twice",  # the same form or referral chosen twice
    "too_many_victims",  # more (possible) victims than one registration holds
    "call_in_future",  # a phone call registered at a time still to come
    "call_too_long",  # a phone call's duration outside 0 seconds to 24 hours
]

ErrorCode = Literal[
    "bad_json",  # not a JSON object
    "too_large",  # frame above max_frame_bytes
    "too_long",  # text above max_message_chars
    "unknown_type",  # "type" missing or unknown
    "invalid",  # fields missing, of the wrong type or out of range
    "version_mismatch",  # hello/login with another PROTOCOL_VERSION
    "not_started",  # visitor frame that needs a conversation before `start`
    "already_started",  # second `start` on a connection
    "closed",  # chat is closed (outside opening hours)
    "ended",  # the conversation has ended
    "rate_limited",  # too many frames/messages/connections from this address or account
    "not_logged_in",  # console frame before login_ok
    "forbidden",  # not allowed, or no such conversation (the two are not told apart)
    "queue_empty",  # take next with nobody waiting
    "at_capacity",  # counsellor already has max_chats_per_counsellor chats
    "unavailable",  # handover/invite target is not online or does not exist
    "superseded",  # another tab/login took over this connection
    "too_many_chats",  # relay.max_chats_per_address chats already queued or open from here
    "internal",  # the relay failed; the client may retry
    CaseRefusal,
    RegistrationRefusal,
]


class ProtocolError(Exception):
    """A client frame was refused; `code` goes on the wire in an error frame."""

    def __init__(self, code: ErrorCode, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code: ErrorCode = code
        self.detail = detail


def clean_text(value: str) -> str:
    """Refuse NUL and lone surrogates (ValueError); everything else is kept as sent."""
    # NUL cannot be stored in PostgreSQL text, lone surrogates are not UTF-8: refuse both here so
    # no layer below ever sees them. Everything else (markup, RTL marks, escapes) is kept as sent
    # and displayed literally by the clients.
    if "\x00" in value:
        raise ValueError("text contains NUL")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        raise ValueError("text is not valid Unicode") from error
    return value


Text = Annotated[str, StringConstraints(max_length=HARD_MAX_TEXT_CHARS), AfterValidator(clean_text)]
Nickname = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=64),
    AfterValidator(clean_text),
]
# At most 40: the relay stores it with a short sender prefix in a 64-character column.
ClientId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.:-]{1,40}$")]
BlockScope = Literal["session", "address"]
ConversationId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9-]{1,36}$")]
Username = Annotated[
    str, StringConstraints(min_length=1, max_length=64), AfterValidator(clean_text)
]
Seq = Annotated[int, Field(ge=0, le=2**53)]
Ref = Annotated[str, StringConstraints(max_length=64)] | None

Language = Literal["nl", "fr", "en"]
AgeGroup = Literal["under_12", "12_17", "18_24", "25_39", "40_64", "65_plus", "unknown"]
Region = Literal[
    "antwerpen",
    "limburg",
    "oost-vlaanderen",
    "vlaams-brabant",
    "west-vlaanderen",
    "brussel",
    "elsewhere",
    "unknown",
]
Sex = Literal["female", "male", "x", "unknown"]
SenderKind = Literal["visitor", "counsellor", "system"]
ConversationState = Literal["queued", "active", "holding", "ended"]
EndReason = Literal[
    "visitor", "visitor_quick", "counsellor", "expired", "blocked", "closed", "handover"
]
Availability = Literal["available", "away", "break", "offline"]


class Frame(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Intake(Frame):
    """Optional facts the visitor may give at the start; nothing is mandatory (C2)."""

    age_group: AgeGroup = "unknown"
    region: Region = "unknown"
    sex: Sex = "unknown"


class ChatMessage(Frame):
    """One stored message as both endpoints see it (also the items of a transcript)."""

    type: Literal["message"] = "message"
    conversation: ConversationId | None = None  # set on /console, absent on /chat
    seq: Seq
    sender: SenderKind
    name: str  # visitor nickname or counsellor display name
    text: str
    at: datetime
    client_id: str | None = None


class SAck(Frame):
    type: Literal["ack"] = "ack"
    conversation: ConversationId | None = None  # set on /console
    client_id: str
    seq: Seq


class SEnded(Frame):
    type: Literal["ended"] = "ended"
    conversation: ConversationId | None = None  # set on /console
    reason: EndReason


class SError(Frame):
    type: Literal["error"] = "error"
    code: ErrorCode
    detail: str = ""
    ref: str | None = None  # echoes a console request's ref
    conversation: ConversationId | None = None


class SReconnect(Frame):
    """The relay is going down; reconnect after a short wait (nothing acknowledged is lost)."""

    type: Literal["reconnect"] = "reconnect"
    after_ms: int = 1000


class CFrame(Frame):
    """The base of every console request: `ref` is echoed in `ok` and `error`."""

    ref: Ref = None
