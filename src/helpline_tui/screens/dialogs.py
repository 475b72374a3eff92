"""Modal dialogs for hand over, consult, block and end: each returns its answer or None."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import ClassVar, Generic, TypeVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Static

from helpline_tui.i18n import t

DIALOG_CSS = """
.dialog { width: 64; max-width: 100%; height: auto; border: thick $primary; background: $panel;
          padding: 0 1; }
.dialog > .dialog-title { text-style: bold; padding-bottom: 1; }
.dialog Input { margin-bottom: 1; }
.dialog > Horizontal { height: auto; align-horizontal: right; }
.dialog .dialog-error { color: $error; }
.dialog .dialog-help { color: $text-muted; margin-bottom: 1; }
"""


T = TypeVar("T")


class _Dialog(ModalScreen[T | None], Generic[T]):
    DEFAULT_CSS = "_Dialog { align: center middle; }\n" + DIALOG_CSS
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", t("dialog.cancel"))]

    def buttons(self) -> ComposeResult:
        with Horizontal():
            yield Button(t("dialog.cancel"), id="cancel", compact=True)
            yield Button(t("dialog.ok"), id="ok", variant="primary", compact=True)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "cancel":
            self.dismiss(None)
        else:
            self.submit()

    def on_input_submitted(self) -> None:
        self.submit()

    def submit(self) -> None:
        raise NotImplementedError


class TargetDialog(_Dialog[str]):
    """Ask for a colleague's username (hand over, consult) or `team:code` (hand over)."""

    def __init__(self, title: str, prompt: str) -> None:
        super().__init__()
        self._title = title
        self._prompt = prompt

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Text(self._title), classes="dialog-title")
            yield Label(Text(self._prompt))
            yield Input(id="target", max_length=64)
            yield from self.buttons()

    def submit(self) -> None:
        value = self.query_one("#target", Input).value.strip()
        if value:
            self.dismiss(value)


@dataclass(frozen=True)
class BlockAnswer:
    reason: str
    hours: int | None
    permanent: bool
    scope: str = "session"  # session: this visitor's browser; address: everyone behind it


class BlockDialog(_Dialog[BlockAnswer]):
    """Reason (required), whether to block the address too (off: the session only, explained),
    and duration in hours; 0 asks for a permanent block (team leads). Ticking the address box
    puts the shorter address default into the hours field, unless hours were typed.

    With `send`, the dialog stays open until the block is done: `send` returns None when it
    was, else what was refused and why, which the dialog shows above what was typed (kept)."""

    def __init__(
        self,
        default_hours: int,
        send: Callable[[BlockAnswer], Awaitable[str | None]] | None = None,
        *,
        address_hours: int | None = None,
    ) -> None:
        super().__init__()
        self._default_hours = default_hours
        self._address_hours = address_hours or default_hours
        self._send = send

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Text(t("block.title")), classes="dialog-title")
            yield Label(Text(t("block.reason")))
            yield Input(id="reason", max_length=500)
            yield Checkbox(t("block.address"), id="address", compact=True)
            yield Static(Text(t("block.address_help")), classes="dialog-help")
            yield Label(Text(t("block.hours")))
            yield Input(str(self._default_hours), id="hours", restrict=r"[0-9]*", max_length=4)
            yield Static("", classes="dialog-error")
            yield from self.buttons()

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        hours = self.query_one("#hours", Input)
        defaults = {str(self._default_hours), str(self._address_hours)}
        if hours.value in defaults:
            chosen = self._address_hours if event.value else self._default_hours
            hours.value = str(chosen)

    def submit(self) -> None:
        reason = self.query_one("#reason", Input).value.strip()
        hours_text = self.query_one("#hours", Input).value.strip()
        if not reason or not hours_text.isdigit() or int(hours_text) > 24 * 365:
            self.query_one(".dialog-error", Static).update(Text(t("block.invalid")))
            return
        hours = int(hours_text)
        scope = "address" if self.query_one("#address", Checkbox).value else "session"
        answer = BlockAnswer(reason, None if hours == 0 else hours, hours == 0, scope)
        if self._send is None:
            self.dismiss(answer)
        else:
            self.run_worker(self._try(answer), exclusive=True)

    async def _try(self, answer: BlockAnswer) -> None:
        assert self._send is not None
        problem = await self._send(answer)
        if problem is None:
            self.dismiss(answer)
            return
        self.query_one(".dialog-error", Static).update(Text(problem))
        self.query_one("#hours", Input).focus()


class ConfirmDialog(_Dialog[bool]):
    def __init__(self, title: str, body: str) -> None:
        super().__init__()
        self._title = title
        self._body = body

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Text(self._title), classes="dialog-title")
            yield Static(Text(self._body))
            yield from self.buttons()

    def on_mount(self) -> None:
        self.query_one("#ok", Button).focus()

    def submit(self) -> None:
        self.dismiss(True)
