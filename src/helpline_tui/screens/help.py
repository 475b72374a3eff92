"""The help screen: every key of the console, generated from the bindings so it never drifts."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from helpline_tui.i18n import localized, t
from helpline_tui.widgets.composer import NEWLINE_KEYS


def typing_keys() -> list[tuple[str, str]]:
    """The composer's keys: the most used of all, so the help screen starts with them."""
    return [("enter", t("help.enter")), (" / ".join(NEWLINE_KEYS), t("help.newline"))]


def extra_keys() -> list[tuple[str, str]]:
    """Keys handled by widgets rather than screen bindings."""
    return [
        ("alt+1 … alt+9", t("help.buffers")),
        ("ctrl+n / ctrl+p", t("help.step")),
        ("tab / shift+tab", t("help.tab")),
        ("f10", t("help.palette")),
        ("ctrl+q", t("help.quit")),
    ]


def key_rows(bindings: Iterable[BindingType]) -> list[tuple[str, str]]:
    """Typing keys, then the screen's shown keys in its order (most used first), then the rest."""
    rows: list[tuple[str, str]] = []
    for binding in bindings:
        if isinstance(binding, Binding) and binding.show:
            rows.append((binding.key, binding.description))
    return typing_keys() + rows + extra_keys()


def key_table(rows: Iterable[tuple[str, str]]) -> Table:
    """The keys as a borderless table whose descriptions wrap: nothing is cut at 80 columns."""
    table = Table(box=None, expand=True, show_edge=False, pad_edge=False, header_style="bold")
    table.add_column(t("help.key"), no_wrap=True, style="bold")
    table.add_column(t("help.action"), ratio=1, overflow="fold")
    for key, description in rows:
        table.add_row(Text(key), Text(description))
    return table


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = []

    @staticmethod
    def bindings() -> list[BindingType]:
        return [Binding("escape,f1,q", "dismiss", t("help.close"), priority=True)]

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll { width: 90; max-width: 100%; height: auto; max-height: 100%;
                                  border: thick $primary; background: $panel; }
    HelpScreen .help-title { text-style: bold; padding: 0 1; }
    HelpScreen #help-keys { padding: 0 1; }
    """

    def __init__(self, bindings: Iterable[BindingType]) -> None:
        super().__init__()
        self._rows = key_rows(bindings)

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(Text(t("help.title")), classes="help-title")
            yield Static(key_table(self._rows), id="help-keys")

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)


def show_help(screen: Screen[Any]) -> None:
    """Open the help screen with the keys of `screen`."""
    screen.app.push_screen(help_screen(screen.BINDINGS))


def help_screen(bindings: Iterable[BindingType]) -> HelpScreen:
    """A help screen whose own keys are described in the current language."""
    return localized(HelpScreen)(bindings)
