"""Small types of the console client: its errors, back-off, and how a command's answer is
recognised (most commands are answered by a state frame rather than `ok`)."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable
from dataclasses import dataclass

from helpline_core.protocol import ConsoleServerFrame


class LoginError(Exception):
    """Login refused or impossible; `reason` is a protocol LoginFailure or "unreachable"."""

    def __init__(self, reason: str, detail: str = "", retry_after: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.detail = detail
        self.retry_after = retry_after


class RequestError(Exception):
    """A command was refused (`code` from the relay) or could not be sent ("offline")."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class Backoff:
    first: float = 0.5
    factor: float = 2.0
    most: float = 15.0

    def delay(self, attempt: int) -> float:
        base = min(self.first * self.factor**attempt, self.most)
        return base * (0.75 + random.random() / 2)  # jitter: consoles don't return in lockstep


Answer = Callable[[ConsoleServerFrame], bool]


@dataclass
class Waiter:
    future: asyncio.Future[ConsoleServerFrame]
    answer: Answer | None


def conversation_answer(why: str, conversation_id: str | None) -> Answer:
    def accepts(frame: ConsoleServerFrame) -> bool:
        return (
            frame.type == "conversation"
            and frame.why == why
            and conversation_id in (None, frame.conversation.id)
        )

    return accepts


def frame_about(kind: str, conversation_id: str) -> Answer:
    def accepts(frame: ConsoleServerFrame) -> bool:
        return frame.type == kind and getattr(frame, "conversation", None) == conversation_id

    return accepts


@dataclass
class Credentials:
    """What the client logs in with. After the first login only the username and the relay's
    session token are kept: a TOTP code is good once, and the password is not needed again."""

    username: str
    password: str
    totp: str | None
    session: str | None = None
