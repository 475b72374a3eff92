"""The visitor endpoint (/chat): frames a visitor's page sends and the relay's answers."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field, StrictInt, StringConstraints

from helpline_core.protocol.common import (
    PROTOCOL_VERSION,
    BlockScope,
    ChatMessage,
    ClientId,
    ConversationState,
    Frame,
    Intake,
    Language,
    Nickname,
    SAck,
    SEnded,
    Seq,
    SError,
    SReconnect,
    Text,
)

# ----- visitor -> relay (/chat) -----


class VHello(Frame):
    type: Literal["hello"]
    version: StrictInt  # 1, not "1" or 1.0 or true: a version is compared, never coerced
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
    """The visitor ends the chat; `quick` when through "leave quickly" (the counsellor is told:
    leaving in a hurry can matter for their assessment)."""

    type: Literal["leave"]
    quick: bool = False


class VClaim(Frame):
    """After the chat ended: ask for a claim code for it (optional; at most one a chat)."""

    type: Literal["claim"]


VisitorFrame = Annotated[
    VHello | VStart | VMessage | VTyping | VSync | VLeave | VClaim, Field(discriminator="type")
]

# ----- relay -> visitor (/chat) -----


class Resume(Frame):
    """What a visitor coming back with a valid cookie is told in `welcome`."""

    state: ConversationState
    nickname: str
    counsellor: str | None  # display name once taken
    position: int | None  # queue position while queued
    last_seq: Seq
    language: Language = "nl"  # the chat's language: a reload keeps the page in it


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
    """Sent after `start` and whenever anything a waiting visitor should know changes."""

    type: Literal["queued"] = "queued"
    position: int  # 1 = next
    counsellors_online: bool
    open: bool = True  # False: opening hours ended while waiting (they may still wait)
    next_opening: datetime | None = None  # when closed: the next opening, UTC


class SJoined(Frame):
    type: Literal["joined"] = "joined"
    name: str  # counsellor display name


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


class SLeft(Frame):
    """The counsellor left the conversation; `joined` (another counsellor) or `queued` follows.

    `handover`: passed on to a colleague or a team; `away`: the counsellor had to stop (logged
    out, did not come back, or the account was closed). No name: the visitor is told only that
    someone left, never who (the account may be gone).
    """

    type: Literal["left"] = "left"
    reason: Literal["handover", "away"]


class SBlocked(Frame):
    type: Literal["blocked"] = "blocked"
    until: datetime | None  # None: permanent
    # address: the block is on the network, so the page tells whoever else is behind it how
    # to reach the helpline by phone and email (welcome's `phone` and `email`)
    scope: BlockScope = "session"


class SClaimCode(Frame):
    """The chat's claim code, sent once and never again: only its hash is kept (R1-R6)."""

    type: Literal["claim_code"] = "claim_code"
    code: str


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
    | SLeft
    | SEnded
    | SBlocked
    | SClaimCode
    | SError
    | SReconnect,
    Field(discriminator="type"),
]
