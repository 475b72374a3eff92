"""What the client tells the app: small frozen dataclasses, no Textual (see messages.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from helpline_core.protocol import ChatMessage, SLoginOk

ConnectionState = Literal["online", "reconnecting", "offline"]


@dataclass(frozen=True)
class Connection:
    state: ConnectionState


@dataclass(frozen=True)
class LoggedIn:
    welcome: SLoginOk


@dataclass(frozen=True)
class LoginLost:
    """Reconnected, but the relay refused the stored credentials: log in again."""

    reason: str


@dataclass(frozen=True)
class QueueChanged:
    added: str | None = None  # a conversation id newly in the queue (for the bell)


@dataclass(frozen=True)
class StatusChanged:
    pass


@dataclass(frozen=True)
class ConversationOpened:
    conversation: str
    why: str


@dataclass(frozen=True)
class NewMessages:
    conversation: str
    messages: tuple[ChatMessage, ...]
    resynced: bool = False  # the whole transcript may have changed


@dataclass(frozen=True)
class ConversationChanged:
    """Info changed: visitor state, typing, ended or released."""

    conversation: str


@dataclass(frozen=True)
class OverviewChanged:
    pass


@dataclass(frozen=True)
class ServerError:
    code: str
    detail: str
    conversation: str | None = None


@dataclass(frozen=True)
class NeedSync:
    """Internal: a gap in a transcript; the client asks the relay for what came after `after`."""

    conversation: str
    after: int


@dataclass(frozen=True)
class EmailNew:
    """New email for my team, or an email conversation handed to me: refresh the email list."""

    conversation: str | None
    quarantined: bool


Event = (
    Connection
    | LoggedIn
    | LoginLost
    | QueueChanged
    | StatusChanged
    | ConversationOpened
    | NewMessages
    | ConversationChanged
    | OverviewChanged
    | ServerError
    | NeedSync
    | EmailNew
)
