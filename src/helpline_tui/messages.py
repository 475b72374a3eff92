"""Textual messages of the console: small dataclasses, posted from the client to the app."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from helpline_tui import events as ev


@dataclass
class ClientEvent(Message, bubble=False):
    """Something the websocket client learned; the app hands it to the main screen."""

    event: ev.Event

    def can_replace(self, message: Message) -> bool:
        # A burst of status/queue/overview refreshes coalesces: only the state matters.
        from helpline_tui import events as ev

        coalesce = (ev.StatusChanged, ev.QueueChanged, ev.OverviewChanged)
        return (
            isinstance(message, ClientEvent)
            and isinstance(self.event, coalesce)
            and type(message.event) is type(self.event)
            and not getattr(message.event, "added", None)
        )


@dataclass
class LoggedIn(Message, bubble=False):
    """The login screen succeeded (first login or after the relay refused a reconnect)."""
