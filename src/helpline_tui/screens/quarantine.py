"""Quarantined email (E4): what could not be read, with the reason, size and date.

Never the raw bytes: opening an item shows the relay's text preview (controls already replaced)
through `safe.visitor_text` once more. Reading it is audited by the relay. The reason is the
relay's code said in the console's words (`email_text.why`), never stored English."""

from __future__ import annotations

from datetime import tzinfo
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Static

from helpline_core.protocol.email import (
    CQuarantineList,
    CQuarantineOpen,
    SQuarantineItem,
    SQuarantineList,
)
from helpline_tui.email_text import et, size, why
from helpline_tui.email_ui import ask
from helpline_tui.safe import visitor_text
from helpline_tui.widgets.footer import QuietFooter

if TYPE_CHECKING:
    from helpline_tui.client import ConsoleClient


def quarantine_bindings() -> list[BindingType]:
    return [
        Binding("escape", "back", et("key.email_back"), priority=True),
        Binding("f5", "reload", et("key.email_refresh"), priority=True),
    ]


class QuarantineScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = quarantine_bindings()
    bindings = staticmethod(quarantine_bindings)
    DEFAULT_CSS = """
    QuarantineScreen .q-title { text-style: bold; background: $boost; padding: 0 1; }
    QuarantineScreen #q-table { height: 1fr; }
    QuarantineScreen #q-empty { color: $text-muted; padding: 1; }
    """

    def __init__(self, client: ConsoleClient, timezone: tzinfo) -> None:
        super().__init__()
        self.client = client
        self.timezone = timezone

    def compose(self) -> ComposeResult:
        yield Static(Text(et("quarantine.title")), classes="q-title")
        yield DataTable(id="q-table", cursor_type="row", zebra_stripes=True)
        yield Static(Text(et("quarantine.empty")), id="q-empty")
        yield QuietFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for key in ("date", "reason", "size", "mailbox"):
            table.add_column(et(f"quarantine.col.{key}"), key=key)
        self.action_reload()

    def action_reload(self) -> None:
        self.run_worker(self._reload(), group="quarantine", exclusive=True)

    async def _reload(self) -> None:
        frame = CQuarantineList(type="quarantine_list")
        answer = await ask(
            self,
            self.client.request(frame, lambda f: f.type == "quarantine_list"),  # type: ignore[arg-type]
        )
        if not isinstance(answer, SQuarantineList):
            return
        table = self.query_one(DataTable)
        table.clear()
        for item in answer.items:
            table.add_row(
                Text(item.received_at.astimezone(self.timezone).strftime("%d-%m-%Y %H:%M")),
                Text(why(item.reason_code)),
                Text(size(item.size)),
                visitor_text(item.mailbox),
                key=str(item.id),
            )
        self.query_one("#q-empty").display = not answer.items
        table.display = bool(answer.items)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.run_worker(self._open(int(str(event.row_key.value))), group="quarantine-open")

    async def _open(self, item_id: int) -> None:
        frame = CQuarantineOpen(type="quarantine_open", id=item_id)
        answer = await ask(
            self,
            self.client.request(
                frame,  # type: ignore[arg-type]
                lambda f: f.type == "quarantine_item" and f.id == item_id,
            ),
        )
        if isinstance(answer, SQuarantineItem):
            self.app.push_screen(QuarantineItemScreen(answer, self.timezone))

    def action_back(self) -> None:
        self.dismiss(None)


class QuarantineItemScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", et("key.email_back"), priority=True)
    ]
    DEFAULT_CSS = """
    QuarantineItemScreen { align: center middle; }
    QuarantineItemScreen > VerticalScroll { width: 100; max-width: 100%; height: 80%;
        border: thick $primary; background: $panel; padding: 0 1; }
    """

    def __init__(self, item: SQuarantineItem, timezone: tzinfo) -> None:
        super().__init__()
        self.item = item
        self.timezone = timezone

    def compose(self) -> ComposeResult:
        item = self.item
        head = Text(f"#{item.id} · {size(item.size)} · ", style="bold")
        head.append(item.received_at.astimezone(self.timezone).strftime("%d-%m-%Y %H:%M"))
        head.append("\n")
        head.append(why(item.reason_code))
        with VerticalScroll():
            yield Static(head)
            yield Static(Text(et("quarantine.preview"), style="dim"))
            yield Static(visitor_text(item.preview, multiline=True), id="q-preview")

    def action_close(self) -> None:
        self.dismiss(None)
