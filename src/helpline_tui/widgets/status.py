"""The status bar: connection, my availability, open chats against my cap, queue and oldest wait."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.widgets import Static

from helpline_tui.i18n import coded, t
from helpline_tui.state import ClientState
from helpline_tui.widgets.queue import format_wait

CONNECTION_STYLE = {"online": "bold green", "reconnecting": "bold yellow", "offline": "bold red"}
STATUS_STYLE = {"available": "bold green", "away": "yellow", "break": "yellow", "offline": "red"}


def status_text(state: ClientState, connection: str, now: datetime) -> Text:
    key = {"online": "status.online", "reconnecting": "status.reconnecting"}.get(
        connection, "status.offline"
    )
    text = Text("● ", style=CONNECTION_STYLE.get(connection, "bold red"))
    text.append(t(key))
    for part in state.service_down:
        text.append(" │ ")
        text.append(f"⚠ {t(f'status.service.{part}')}", style="bold red")
    if state.me is not None:
        text.append(" │ ")
        text.append(state.me.display_name[:24])
        text.append(" ")
        label = coded("availability", state.status)
        text.append(f"[{label}]", style=STATUS_STYLE.get(state.status, ""))
    text.append(" │ ")
    text.append(t("status.chats", count=state.open_count, cap=state.max_chats or "?"))
    text.append(" │ ")
    text.append(t("status.queue", count=len(state.queue)), style="bold" if state.queue else "")
    if state.queue:
        oldest = (now - state.queue[0].waiting_since).total_seconds()
        text.append(" ")
        text.append(t("status.oldest", wait=format_wait(oldest)))
    return text


class StatusBar(Static):
    DEFAULT_CSS = """
    StatusBar { height: 1; background: $panel; color: $foreground; padding: 0 1; }
    StatusBar.-alert { background: $warning; color: $text; }
    StatusBar.-offline { background: $error 40%; }
    """

    def show(self, state: ClientState, connection: str, now: datetime) -> None:
        self.update(status_text(state, connection, now))
        self.set_class(connection != "online" or bool(state.service_down), "-offline")
