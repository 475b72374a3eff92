"""The console endpoint (/console), email part (docs/protocol.md, "Email").
 New frames only: PROTOCOL_VERSION does not change. Every string that came from a
sender (subject, names, addresses, bodies, attachment names, quarantine previews) is visitor
text: clients show it literally, never as markup. Why mail was quarantined, a reply failed or
a mailbox is failing comes as a `MailReason` (a code of `helpline_core.mail.reasons` and its
parameters) that the console says in its own words; the older English fields beside them are
kept for older consoles.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from helpline_core.protocol.common import (
    HARD_MAX_TEXT_CHARS,
    ClientId,
    ConversationId,
    Username,
    clean_text,
)

MAX_REPLY_CHARS = HARD_MAX_TEXT_CHARS
# A reply body may hold one of these placeholders (any case): the relay gives the conversation
# a claim code (R1-R6) in that language when the reply is sent, puts its words only into the
# message sent over SMTP, and keeps a neutral marker in their place (docs/claim-codes.md).
CLAIM_PLACEHOLDERS = {"nl": "[[claimcode]]", "fr": "[[code-reclamation]]", "en": "[[claim-code]]"}

ReplyBody = Annotated[
    str,
    StringConstraints(min_length=1, max_length=MAX_REPLY_CHARS),
    AfterValidator(clean_text),
]


class _Frame(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


ReasonCode = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
ReasonParam = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,19}$")]
ReasonValue = int | Annotated[str, StringConstraints(max_length=64)]


class MailReason(_Frame):
    """Why, as a code: `code` of `helpline_core.mail.reasons` ("too_large", "bounced", ...,
    "unknown" for a reason stored before codes) and its `params` (sizes in bytes, an SMTP reply
    code, a delivery status such as "5.1.1"). A client shows its own sentence for the code, and
    a generic one for a code it does not know; never the code itself."""

    code: ReasonCode
    params: dict[ReasonParam, ReasonValue] = {}


class _Request(_Frame):
    ref: Annotated[str, StringConstraints(max_length=64)] | None = None


# ----- console -> relay -----


EMAIL_PAGE = 200  # conversations per `email_list` answer


class CEmailList(_Request):
    """The team's email conversations waiting for an answer (overdue first): the page of
    EMAIL_PAGE from position `offset` (0-based)."""

    type: Literal["email_list"]
    include_answered: bool = False
    offset: Annotated[int, Field(ge=0, le=10_000_000)] = 0


class CEmailOpen(_Request):
    """Read a thread (audited); answered with `email_thread`."""

    type: Literal["email_open"]
    conversation: ConversationId


class CEmailReply(_Request):
    """Queue a reply in the outbox; `ok` (action email_reply) once it is committed.

    The field is `body`, not `text`: an email may be longer than a chat line, so the chat's
    max_message_chars does not apply (max_frame_bytes and MAX_REPLY_CHARS still do)."""

    type: Literal["email_reply"]
    conversation: ConversationId
    client_id: ClientId
    body: ReplyBody
    # The email to answer (an `id` of the thread), chosen deliberately; its reply addresses
    # get the reply. None: the correspondent's newest mail (the thread's `recipients`).
    answer: int | None = None


class CEmailTake(_Request):
    """Make this email conversation mine."""

    type: Literal["email_take"]
    conversation: ConversationId


class CEmailHandover(_Request):
    """Give this email conversation to a colleague (online or not)."""

    type: Literal["email_handover"]
    conversation: ConversationId
    to_user: Username


class CEmailForget(_Request):
    """ "Please don't keep my email" (E3): mark the thread for deletion (database and IMAP)."""

    type: Literal["email_forget"]
    conversation: ConversationId


class CQuarantineList(_Request):
    type: Literal["quarantine_list"]


class CMailboxStatus(_Request):
    """How the team's mailboxes are doing; answered with `mailbox_status`."""

    type: Literal["mailbox_status"]


class CQuarantineOpen(_Request):
    """A safe summary of one quarantined email (audited): never the raw bytes."""

    type: Literal["quarantine_open"]
    id: int


EmailConsoleFrame = (
    CEmailList
    | CEmailOpen
    | CEmailReply
    | CEmailTake
    | CEmailHandover
    | CEmailForget
    | CQuarantineList
    | CQuarantineOpen
    | CMailboxStatus
)
EMAIL_REQUEST_TYPES = frozenset(
    {
        "email_list",
        "email_open",
        "email_reply",
        "email_take",
        "email_handover",
        "email_forget",
        "quarantine_list",
        "quarantine_open",
        "mailbox_status",
    }
)

# ----- relay -> console -----


class EmailListItem(_Frame):
    conversation: ConversationId
    team: str
    subject: str
    sender_name: str | None
    sender_address: str | None
    received_at: datetime | None  # the last inbound email
    due_at: datetime | None
    seconds_left: int | None  # negative: overdue; None: answered
    overdue: bool
    emails: int
    counsellor: str | None  # username of the assigned counsellor
    answered_at: datetime | None = None
    attention: str | None = None  # why it needs a person again, in English (older consoles)
    counsellor_name: str | None = None  # the assigned counsellor's display name
    attention_code: MailReason | None = None  # the same as a code: what the console shows


class SEmailList(_Frame):
    """One page of the list: `items` from position `offset`, of `total` in all."""

    type: Literal["email_list"] = "email_list"
    items: list[EmailListItem]
    offset: int = 0
    total: int | None = None  # None from an older relay: unknown


class EmailAttachmentInfo(_Frame):
    name: str | None
    type: str | None  # detected type, else the declared one
    size: int
    dropped: str | None = None  # why it was not kept, in English (older consoles)
    dropped_code: MailReason | None = None  # the same as a code: what the console shows


class ThreadEmailItem(_Frame):
    direction: Literal["in", "out"]
    from_name: str | None
    from_address: str | None
    at: datetime
    subject: str
    body: str
    attachments: list[EmailAttachmentInfo]
    outbox_state: str | None = None  # outgoing: queued, sending, sent, failed, undelivered
    id: int | None = None  # for `email_reply.answer`
    kind: Literal["person", "automatic", "bounce"] = "person"
    other_sender: bool = False  # incoming from someone who is not the correspondent
    reply_to: list[str] = []  # incoming: who a reply to this email would go to
    problem: str | None = None  # outgoing failed or undelivered: why, in English
    to: list[str] = []  # outgoing: who it went to
    problem_code: MailReason | None = None  # the same as a code: what the console shows


class SEmailThread(_Frame):
    type: Literal["email_thread"] = "email_thread"
    conversation: ConversationId
    subject: str
    counsellor: str | None
    due_at: datetime | None
    seconds_left: int | None
    emails: list[ThreadEmailItem]
    counsellor_name: str | None = None  # the assigned counsellor's display name
    # Who the next reply goes to unless another email is chosen (empty: nothing to answer).
    recipients: list[str] = []
    answers: int | None = None  # the id of the email the next reply answers by default
    attention: str | None = None  # in English (older consoles)
    attention_code: MailReason | None = None  # the same as a code: what the console shows


class SEmailNew(_Frame):
    """New mail (or a change) for the team: ask for `email_list` again."""

    type: Literal["email_new"] = "email_new"
    conversation: ConversationId | None = None
    quarantined: bool = False


class QuarantineListItem(_Frame):
    id: int
    mailbox: str
    reason: str  # in English (older consoles)
    size: int
    received_at: datetime
    reason_code: MailReason | None = None  # the same as a code: what the console shows


class SQuarantineList(_Frame):
    type: Literal["quarantine_list"] = "quarantine_list"
    items: list[QuarantineListItem]


class SQuarantineItem(_Frame):
    """A summary of a quarantined email: its reason and a text preview with every control
    character replaced; clients still show the preview as plain text."""

    type: Literal["quarantine_item"] = "quarantine_item"
    id: int
    mailbox: str
    reason: str  # in English (older consoles)
    size: int
    received_at: datetime
    preview: str
    reason_code: MailReason | None = None  # the same as a code: what the console shows


class MailboxStatusItem(_Frame):
    team: str
    ok: bool
    last_ok_at: datetime | None
    last_error: str | None  # in English (older consoles); never a password or mail content
    last_error_at: datetime | None
    paused_until: datetime | None
    last_error_code: MailReason | None = None  # the same as a code: what the console shows


class SMailboxStatus(_Frame):
    type: Literal["mailbox_status"] = "mailbox_status"
    items: list[MailboxStatusItem]


EmailServerFrame = (
    SEmailList | SEmailThread | SEmailNew | SQuarantineList | SQuarantineItem | SMailboxStatus
)
