"""A modal that asks for a few texts (a note, a consent's who and what, a hold's reason...):
one dialog for every case-file action, so they all behave the same (ctrl+s saves, escape
cancels). Returns {field: text} or None.

With `send`, the dialog stays open until the request is done: `send` returns None when it
was, else what was refused and why, which the dialog shows above what was typed (kept), as
the block dialog does."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Input, Label, Static, TextArea

from helpline_tui.i18n import t
from helpline_tui.screens.dialogs import _Dialog


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    multiline: bool = False
    default: str = ""
    optional: bool = False
    missing: str = ""  # said when a required field is left empty ("<label> ?" otherwise)


class FieldsDialog(_Dialog[dict[str, str]]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", t("dialog.cancel")),
        Binding("ctrl+s", "save", t("case.ok"), priority=True),
    ]
    DEFAULT_CSS = "FieldsDialog TextArea { height: 6; margin-bottom: 1; }"

    def __init__(
        self,
        title: str,
        fields: list[Field],
        send: Callable[[dict[str, str]], Awaitable[str | None]] | None = None,
    ) -> None:
        super().__init__()
        self._title = title
        self.fields = fields
        self._send = send

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog"):
            yield Static(Text(self._title), classes="dialog-title")
            for field in self.fields:
                yield Label(field.label)
                if field.multiline:
                    yield TextArea(field.default, id=f"f-{field.name}", soft_wrap=True,
                                   tab_behavior="focus")  # fmt: skip
                else:
                    yield Input(field.default, id=f"f-{field.name}")
            yield Static("", classes="dialog-error")
            yield from self.buttons()

    def on_mount(self) -> None:
        self.query("Input, TextArea").first().focus()

    def action_save(self) -> None:
        self.submit()

    def submit(self) -> None:
        answer: dict[str, str] = {}
        for field in self.fields:
            widget = self.query_one(f"#f-{field.name}")
            value = widget.text if isinstance(widget, TextArea) else widget.value  # type: ignore[attr-defined]
            if not value.strip() and not field.optional:
                self.show_problem(field.missing or field.label + " ?")
                widget.focus()
                return
            answer[field.name] = value
        if self._send is None:
            self.dismiss(answer)
        else:
            self.run_worker(self._try(answer), exclusive=True)

    async def _try(self, answer: dict[str, str]) -> None:
        assert self._send is not None
        problem = await self._send(answer)
        if problem is None:
            self.dismiss(answer)
        else:
            self.show_problem(problem)

    def show_problem(self, problem: str) -> None:
        """Why it cannot be saved (as plain text), above what was typed."""
        self.query_one(".dialog-error", Static).update(Text(problem))
