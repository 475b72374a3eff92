"""The console endpoint (/console), chat part: login, availability, taking and running chats,
shared professional secrecy (hand-over, consult), blocks, the team lead's overview."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field, StrictInt, StringConstraints

from helpline_core.protocol.common import (
    PROTOCOL_VERSION,
    Availability,
    BlockScope,
    CFrame,
    ChatMessage,
    ClientId,
    ConversationId,
    ConversationState,
    Frame,
    Intake,
    Language,
    SAck,
    SEnded,
    Seq,
    SError,
    SReconnect,
    Text,
    Username,
)


class CLogin(CFrame):
    """Log in with the password (and TOTP code), or, after a dropped connection, with the
    `session` token of an earlier `login_ok` instead (a TOTP code is accepted only once)."""

    type: Literal["login"]
    version: StrictInt  # 1, not "1" or 1.0 or true: a version is compared, never coerced
    username: Username
    password: Annotated[str, StringConstraints(max_length=1024)] = ""
    totp: Annotated[str, StringConstraints(pattern=r"^[0-9]{6,8}$")] | None = None
    session: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{20,100}$")] | None = None


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
    hours: Annotated[int, Field(ge=1, le=24 * 365)] | None = None  # None: the scope's default
    permanent: bool = False  # team leads only
    # session: this visitor's browser (default); address: everyone behind the address, a
    # deliberate choice (relay.block_address_default_hours)
    scope: BlockScope = "session"


class COverview(CFrame):
    """Team leads: ask for the team overview; later changes are pushed while logged in."""

    type: Literal["overview"]


class CColleagues(CFrame):
    """Any counsellor: who is online and which teams there are, to choose whom to hand a
    conversation over to or consult (answered with `colleagues`)."""

    type: Literal["colleagues"]


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


# ----- relay -> console (/console) -----

Role = Literal["counsellor", "team_lead", "admin"]
Participation = Literal["owner", "consult", "observer"]
# One generic `bad_credentials` for a wrong password, a missing, wrong or reused TOTP code, an
# unknown account or an expired session token: the answer never tells which factor was right.
# `disabled` only to someone who gave every factor. (totp_required and bad_totp are no longer
# sent; kept so that an older console still understands the frame.)
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
    session: str | None = None  # token for `login` after a dropped connection (12 hours)
    failed_logins: int = 0  # failed logins on this account since its last login


class SLoginFailed(Frame):
    type: Literal["login_failed"] = "login_failed"
    reason: LoginFailure
    retry_after: int | None = None  # seconds, with rate_limited


class SStatus(Frame):
    type: Literal["status"] = "status"
    status: Availability
    chats: int
    max_chats: int


ServicePart = Literal["database", "redis"]


class SService(Frame):
    """What of the relay's own services is out right now (empty: all well). Sent at login
    when something is out and whenever that changes. `redis` out: colleagues and visitors
    on other relays are not seen live (chats on this relay go on); `database` out: nothing
    can be stored, so messages are not acknowledged until it is back (resend then)."""

    type: Literal["service"] = "service"
    down: list[ServicePart] = Field(default_factory=list)


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


ReleaseReason = Literal["handover", "take_over", "left", "ended"]


class SReleased(Frame):
    """The conversation left this counsellor: handed over or taken over (sent to the old owner
    and to every colleague consulting or observing: shares end when the owner changes), or
    they left."""

    type: Literal["released"] = "released"
    conversation: ConversationId
    reason: ReleaseReason
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


class TeamChoice(Frame):
    code: str
    name: str


class SColleagues(Frame):
    """The colleagues online (not the asker), with availability and open chats; all teams."""

    type: Literal["colleagues"] = "colleagues"
    ref: str | None = None
    counsellors: list[CounsellorPresence]
    teams: list[TeamChoice]


class LiveConversation(Frame):
    conversation: ConversationId
    nickname: str
    team: str | None
    counsellor: str | None
    state: ConversationState
    started_at: datetime
    taken_at: datetime | None
    counsellor_name: str | None = None  # the owner's display name (owners of other teams too)


class STeamOverview(Frame):
    type: Literal["team_overview"] = "team_overview"
    team: str | None
    queue: list[QueueEntry]
    conversations: list[LiveConversation]
    counsellors: list[CounsellorPresence]
    longest_wait_seconds: int


ChatConsoleFrame = (
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
    | CColleagues
    | CJoin
    | CTakeOver
    | CLogout
)

ChatConsoleServerFrame = (
    SLoginOk
    | SLoginFailed
    | SStatus
    | SService
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
    | SColleagues
    | SError
    | SReconnect
)
