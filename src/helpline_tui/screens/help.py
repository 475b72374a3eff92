"""The help screen: every key of the console, generated from the bindings so it never drifts."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Static

from helpline_tui.i18n import t
from helpline_tui.widgets.composer import NEWLINE_KEYS


def extra_keys() -> list[tuple[str, str]]:
    """Keys handled by widgets rather than screen bindings."""
    return [
        ("enter", t("help.enter")),
        (" / ".join(NEWLINE_KEYS), t("help.newline")),
        ("alt+1 … alt+9", t("help.buffers")),
        ("ctrl+n / ctrl+p", t("help.step")),
        ("tab / shift+tab", t("help.tab")),
        ("f10", t("help.palette")),
        ("ctrl+q", t("help.quit")),
    ]


def key_rows(bindings: Iterable[BindingType]) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    for binding in bindings:
        if isinstance(binding, Binding) and binding.show:
            rows.append((binding.key, binding.description))
    return rows + extra_keys()


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f1,q", "dismiss", "Close", priority=True)
    ]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll { width: 90; max-width: 100%; height: auto; max-height: 100%;
                                  border: thick $primary; background: $panel; }
    HelpScreen .help-title { text-style: bold; padding: 0 1; }
    HelpScreen DataTable { height: auto; }
    """

    def __init__(self, bindings: Iterable[BindingType]) -> None:
        super().__init__()
        self._rows = key_rows(bindings)

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(Text(t("help.title")), classes="help-title")
            yield DataTable(show_cursor=False, zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(t("help.key"), t("help.action"))
        for key, description in self._rows:
            table.add_row(Text(key, style="bold"), Text(description))

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)


def show_help(screen: Screen[Any]) -> None:
    """Open the help screen with the keys of `screen`."""
    screen.app.push_screen(HelpScreen(screen.BINDINGS))
