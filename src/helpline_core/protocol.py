"""The wire protocol of the relay: typed JSON frames for /chat (visitor) and /console (counsellor).

This module is the single source of truth for both endpoints; docs/protocol.md explains it with
examples. Every frame is one JSON object with a "type" field. `parse_visitor_frame` and
`parse_console_frame` validate one frame from a client (size, JSON, shape, lengths) and return a
model or raise `ProtocolError` with a stable code; `dump` turns any frame into JSON text.
Version rule: PROTOCOL_VERSION changes only when an existing frame changes meaning or loses a
field; adding an optional field or a new server frame keeps the version (clients ignore unknown
server frames).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    TypeAdapter,
    ValidationError,
)

from helpline_core.protocol_email import (
    CEmailForget,
    CEmailHandover,
    CEmailList,
    CEmailOpen,
    CEmailReply,
    CEmailTake,
    CQuarantineList,
    CQuarantineOpen,
    SEmailList,
    SEmailNew,
    SEmailThread,
    SQuarantineItem,
    SQuarantineList,
)

PROTOCOL_VERSION = 1
# Hard caps independent of configuration; the relay applies its configured (smaller) limits too.
HARD_MAX_FRAME_BYTES = 1024 * 1024
HARD_MAX_TEXT_CHARS = 20_000

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
    "internal",  # the relay failed; the client may retry
]


class ProtocolError(Exception):
    """A client frame was refused; `code` goes on the wire in an error frame."""

    def __init__(self, code: ErrorCode, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code: ErrorCode = code
        self.detail = detail


def _clean_text(value: str) -> str:
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


Text = Annotated[
    str, StringConstraints(max_length=HARD_MAX_TEXT_CHARS), AfterValidator(_clean_text)
]
Nickname = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=64),
    AfterValidator(_clean_text),
]
# At most 40: the relay stores it with a short sender prefix in a 64-character column.
ClientId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.:-]{1,40}$")]
ConversationId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9-]{1,36}$")]
Username = Annotated[
    str, StringConstraints(min_length=1, max_length=64), AfterValidator(_clean_text)
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
EndReason = Literal["visitor", "counsellor", "expired", "blocked", "closed", "handover"]
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


# ----- visitor -> relay (/chat) -----


class VHello(Frame):
    type: Literal["hello"]
    version: int
    language: Language = "nl"


class VStart(Frame):
    type: Literal["start"]
    nickname: Nickname
    intake: Intake = Field(default_factory=Intake)
    language: Language = "nl"


class VMessage(Frame):
    type: Literal["message"]
    client_id: ClientId
    text: Annotated[Text, StringConstraints(min_length=1)]


class VTyping(Frame):
    type: Literal["typing"]
    typing: bool


class VSync(Frame):
    type: Literal["sync"]
    after: Seq = 0


class VLeave(Frame):
    type: Literal["leave"]


VisitorFrame = Annotated[
    VHello | VStart | VMessage | VTyping | VSync | VLeave, Field(discriminator="type")
]

# ----- relay -> visitor (/chat) -----


class Resume(Frame):
    """What a visitor coming back with a valid cookie is told in `welcome`."""

    state: ConversationState
    nickname: str
    counsellor: str | None  # display name once taken
    position: int | None  # queue position while queued
    last_seq: Seq


class SWelcome(Frame):
    type: Literal["welcome"] = "welcome"
    version: int = PROTOCOL_VERSION
    helpline: str
    open: bool
    next_opening: datetime | None  # when closed: the next opening, UTC
    counsellors_online: bool
    email: str
    phone: str
    police_number: str
    medical_number: str
    neutral_url: str
    max_message_chars: int
    resume: Resume | None = None


class SQueued(Frame):
    type: Literal["queued"] = "queued"
    position: int  # 1 = next
    counsellors_online: bool


class SJoined(Frame):
    type: Literal["joined"] = "joined"
    name: str  # counsellor display name


class SAck(Frame):
    type: Literal["ack"] = "ack"
    conversation: ConversationId | None = None  # set on /console
    client_id: str
    seq: Seq


class STyping(Frame):
    type: Literal["typing"] = "typing"
    typing: bool
    name: str | None = None


class SSynced(Frame):
    """Ends the `message` frames sent in answer to a visitor `sync`."""

    type: Literal["synced"] = "synced"
    last_seq: Seq


class SHolding(Frame):
    """The counsellor's connection dropped; the conversation is kept."""

    type: Literal["holding"] = "holding"


class SResumed(Frame):
    type: Literal["resumed"] = "resumed"
    name: str | None = None


class SEnded(Frame):
    type: Literal["ended"] = "ended"
    conversation: ConversationId | None = None  # set on /console
    reason: EndReason


class SBlocked(Frame):
    type: Literal["blocked"] = "blocked"
    until: datetime | None  # None: permanent


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


VisitorServerFrame = Annotated[
    SWelcome
    | SQueued
    | SJoined
    | SAck
    | ChatMessage
    | STyping
    | SSynced
    | SHolding
    | SResumed
    | SEnded
    | SBlocked
    | SError
    | SReconnect,
    Field(discriminator="type"),
]

# ----- console -> relay (/console) -----


class CFrame(Frame):
    ref: Ref = None  # optional request id, echoed in `ok` and `error`


class CLogin(CFrame):
    type: Literal["login"]
    version: int
    username: Username
    password: Annotated[str, StringConstraints(max_length=1024)]
    totp: Annotated[str, StringConstraints(pattern=r"^[0-9]{6,8}$")] | None = None


class CSetStatus(CFrame):
    type: Literal["set_status"]
    status: Literal["available", "away", "break"]


class CTake(CFrame):
    type: Literal["take"]
    conversation: ConversationId | None = None  # None: the next one for me


class CSend(CFrame):
    type: Literal["send"]
    conversation: ConversationId
    client_id: ClientId
    text: Annotated[Text, StringConstraints(min_length=1)]


class CTyping(CFrame):
    type: Literal["typing"]
    conversation: ConversationId
    typing: bool


class CSync(CFrame):
    type: Literal["sync"]
    conversation: ConversationId
    after: Seq = 0


class CHandover(CFrame):
    """Hand over to a named colleague (to_user) or back to a team's queue (to_team)."""

    type: Literal["handover"]
    conversation: ConversationId
    to_user: Username | None = None
    to_team: Annotated[str, StringConstraints(max_length=40)] | None = None


class CInvite(CFrame):
    """Invite a colleague to consult (shared professional secrecy, C6)."""

    type: Literal["invite"]
    conversation: ConversationId
    username: Username


class CLeave(CFrame):
    """An invited or joined colleague leaves a conversation they do not own."""

    type: Literal["leave"]
    conversation: ConversationId


class CEnd(CFrame):
    type: Literal["end"]
    conversation: ConversationId


class CBlock(CFrame):
    type: Literal["block"]
    conversation: ConversationId
    reason: Annotated[Text, StringConstraints(min_length=1, max_length=500)]
    hours: Annotated[int, Field(ge=1, le=24 * 365)] | None = None  # None: block_default_hours
    permanent: bool = False  # team leads only


class COverview(CFrame):
    """Team leads: ask for the team overview; later changes are pushed while logged in."""

    type: Literal["overview"]


class CJoin(CFrame):
    """Team leads: join a live conversation of their team as observer (read only)."""

    type: Literal["join"]
    conversation: ConversationId


class CTakeOver(CFrame):
    """Team leads: take a live conversation of their team over from its counsellor."""

    type: Literal["take_over"]
    conversation: ConversationId


class CLogout(CFrame):
    type: Literal["logout"]


ConsoleFrame = Annotated[
    CLogin
    | CSetStatus
    | CTake
    | CSend
    | CTyping
    | CSync
    | CHandover
    | CInvite
    | CLeave
    | CEnd
    | CBlock
    | COverview
    | CJoin
    | CTakeOver
    | CLogout
    | CEmailList
    | CEmailOpen
    | CEmailReply
    | CEmailTake
    | CEmailHandover
    | CEmailForget
    | CQuarantineList
    | CQuarantineOpen,
    Field(discriminator="type"),
]

# ----- relay -> console (/console) -----

Role = Literal["counsellor", "team_lead", "admin"]
Participation = Literal["owner", "consult", "observer"]
LoginFailure = Literal[
    "bad_credentials", "totp_required", "bad_totp", "disabled", "rate_limited", "version_mismatch"
]


class ConversationInfo(Frame):
    id: ConversationId
    state: ConversationState
    nickname: str
    intake: Intake
    language: Language
    team: str | None  # team code
    counsellor: str | None  # username of the owner
    counsellor_name: str | None
    visitor: Literal["connected", "holding", "left"]
    started_at: datetime
    last_seq: Seq
    participation: Participation | None = None  # how the receiving counsellor takes part


class QueueEntry(Frame):
    conversation: ConversationId
    nickname: str
    intake: Intake
    language: Language
    team: str | None  # the team offered first
    waiting_since: datetime
    position: int
    any_team: bool  # waited long enough to be offered to every team


class SLoginOk(Frame):
    type: Literal["login_ok"] = "login_ok"
    version: int = PROTOCOL_VERSION
    username: str
    display_name: str
    team: str | None
    role: Role
    status: Availability
    max_chats: int
    conversations: list[ConversationInfo]  # still open: sync each after a reconnect


class SLoginFailed(Frame):
    type: Literal["login_failed"] = "login_failed"
    reason: LoginFailure
    retry_after: int | None = None  # seconds, with rate_limited


class SStatus(Frame):
    type: Literal["status"] = "status"
    status: Availability
    chats: int
    max_chats: int


class SQueue(Frame):
    """Snapshot of the queue this counsellor may take from, oldest first."""

    type: Literal["queue"] = "queue"
    entries: list[QueueEntry]


class SQueueUpdate(Frame):
    type: Literal["queue_update"] = "queue_update"
    entry: QueueEntry | None = None  # added or changed
    removed: ConversationId | None = None


class SConversation(Frame):
    """A conversation and its transcript after `after`; sent on take, sync, handover, invite..."""

    type: Literal["conversation"] = "conversation"
    conversation: ConversationInfo
    messages: list[ChatMessage]
    complete: bool = True  # False: more messages; sync again after the last seq
    why: Literal["take", "sync", "handover", "invite", "join", "take_over", "login"] = "sync"


class SVisitorState(Frame):
    type: Literal["visitor_state"] = "visitor_state"
    conversation: ConversationId
    state: Literal["connected", "holding", "left"]


class SConsoleTyping(Frame):
    type: Literal["typing"] = "typing"
    conversation: ConversationId
    typing: bool
    name: str  # visitor nickname or colleague display name


class SReleased(Frame):
    """The conversation left this counsellor (handed over, taken over, or they left)."""

    type: Literal["released"] = "released"
    conversation: ConversationId
    reason: Literal["handover", "take_over", "left", "ended"]
    to: str | None = None


class SOk(Frame):
    type: Literal["ok"] = "ok"
    ref: str | None = None
    action: str
    conversation: ConversationId | None = None


class CounsellorPresence(Frame):
    username: str
    display_name: str
    team: str | None
    status: Availability
    chats: int


class LiveConversation(Frame):
    conversation: ConversationId
    nickname: str
    team: str | None
    counsellor: str | None
    state: ConversationState
    started_at: datetime
    taken_at: datetime | None


class STeamOverview(Frame):
    type: Literal["team_overview"] = "team_overview"
    team: str | None
    queue: list[QueueEntry]
    conversations: list[LiveConversation]
    counsellors: list[CounsellorPresence]
    longest_wait_seconds: int


ConsoleServerFrame = Annotated[
    SLoginOk
    | SLoginFailed
    | SStatus
    | SQueue
    | SQueueUpdate
    | SConversation
    | ChatMessage
    | SAck
    | SConsoleTyping
    | SVisitorState
    | SEnded
    | SReleased
    | SOk
    | STeamOverview
    | SError
    | SReconnect
    | SEmailList
    | SEmailThread
    | SEmailNew
    | SQuarantineList
    | SQuarantineItem,
    Field(discriminator="type"),
]

_visitor_in: TypeAdapter[VisitorFrame] = TypeAdapter(VisitorFrame)
_console_in: TypeAdapter[ConsoleFrame] = TypeAdapter(ConsoleFrame)
_visitor_out: TypeAdapter[VisitorServerFrame] = TypeAdapter(VisitorServerFrame)
_console_out: TypeAdapter[ConsoleServerFrame] = TypeAdapter(ConsoleServerFrame)


def _check_size(raw: str | bytes, max_bytes: int) -> None:
    size = len(raw) if isinstance(raw, bytes) else len(raw.encode("utf-8", "surrogatepass"))
    if size > min(max_bytes, HARD_MAX_FRAME_BYTES):
        raise ProtocolError("too_large", f"frame of {size} bytes")


def _error_for(error: ValidationError) -> ProtocolError:
    first = error.errors()[0]
    kind = first["type"]
    where = ".".join(str(part) for part in first["loc"])
    if kind in ("json_invalid", "json_type", "dict_type", "model_type", "model_attributes_type"):
        return ProtocolError("bad_json", "expected one JSON object")
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        return ProtocolError("unknown_type", "missing or unknown type")
    # Never echo the input back: it may be visitor text.
    return ProtocolError("invalid", f"{where}: {kind}"[:200])


def _check_text(frame: BaseModel, max_chars: int) -> None:
    text = getattr(frame, "text", None)
    if isinstance(text, str) and len(text) > max_chars:
        raise ProtocolError("too_long", f"text of {len(text)} characters, at most {max_chars}")


def parse_visitor_frame(
    raw: str | bytes, *, max_bytes: int = 16384, max_chars: int = 4000
) -> VisitorFrame:
    """Validate one frame from a visitor or raise ProtocolError."""
    _check_size(raw, max_bytes)
    try:
        frame = _visitor_in.validate_json(raw)
    except ValidationError as error:
        raise _error_for(error) from None
    _check_text(frame, max_chars)
    return frame


def parse_console_frame(
    raw: str | bytes, *, max_bytes: int = 65536, max_chars: int = 4000
) -> ConsoleFrame:
    """Validate one frame from a console or raise ProtocolError."""
    _check_size(raw, max_bytes)
    try:
        frame = _console_in.validate_json(raw)
    except ValidationError as error:
        raise _error_for(error) from None
    _check_text(frame, max_chars)
    return frame


def parse_visitor_server_frame(raw: str | bytes) -> VisitorServerFrame:
    """For clients and tests: validate a frame the relay sent on /chat."""
    return _visitor_out.validate_json(raw)


def parse_console_server_frame(raw: str | bytes) -> ConsoleServerFrame:
    """For the console client and tests: validate a frame the relay sent on /console."""
    return _console_out.validate_json(raw)


def dump(frame: BaseModel) -> str:
    """JSON text of a frame (ASCII-safe escapes are not needed: websockets sends UTF-8)."""
    return frame.model_dump_json()
