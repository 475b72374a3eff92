"""ctrl+g, then a digit: go to conversation 1 … 9 (0: the queue) in any terminal.

alt+digit is the quick way, but some terminals keep it for their own tabs or type a character
with it (terminal_keys.py); ctrl+g is a plain control byte that tmux, GNU screen and every
terminal pass on. The switcher lists the conversations with their numbers, so it also answers
"which number was that?"."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from helpline_tui.i18n import t
from helpline_tui.screens.dialogs import DIALOG_CSS
from helpline_tui.state import Conversation
from helpline_tui.widgets.hotlist import hot_label


class SwitcherScreen(ModalScreen[int | None]):
    """Dismissed with the buffer number chosen (0 for the queue), or None when cancelled."""

    DEFAULT_CSS = "SwitcherScreen { align: center middle; }\n" + DIALOG_CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,ctrl+g", "cancel", show=False, priority=True)
    ]

    def __init__(self, buffers: Sequence[Conversation], focused: str | None) -> None:
        super().__init__()
        self._buffers = list(buffers)[:9]
        self._focused = focused

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Text(t("switcher.title")), classes="dialog-title")
            options = [Option(Text("0 ", style="bold").append(t("key.home")), id="0")]
            options += [
                Option(hot_label(n, item, item.id == self._focused), id=str(n))
                for n, item in enumerate(self._buffers, start=1)
            ]
            yield OptionList(*options, id="switcher-list")

    def on_mount(self) -> None:
        ids = [item.id for item in self._buffers]
        here = ids.index(self._focused) + 1 if self._focused in ids else 0
        self.query_one("#switcher-list", OptionList).highlighted = here

    def on_key(self, event: events.Key) -> None:
        """A digit chooses at once; the number of a conversation that is not there is ignored."""
        if event.character and event.character.isdigit():
            event.stop()
            number = int(event.character)
            if number <= len(self._buffers):
                self.dismiss(number)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(int(event.option.id or 0))

    def action_cancel(self) -> None:
        self.dismiss(None)
