"""A modal that asks for a few texts (a note, a consent's who and what, a hold's reason...):
one dialog for every case-file action, so they all behave the same (ctrl+s saves, escape
cancels). Returns {field: text} or None."""

from __future__ import annotations

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


class FieldsDialog(_Dialog[dict[str, str]]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", t("dialog.cancel")),
        Binding("ctrl+s", "save", t("case.ok"), priority=True),
    ]
    DEFAULT_CSS = "FieldsDialog TextArea { height: 6; margin-bottom: 1; }"

    def __init__(self, title: str, fields: list[Field]) -> None:
        super().__init__()
        self._title = title
        self.fields = fields

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
                self.query_one(".dialog-error", Static).update(Text(field.label + " ?"))
                widget.focus()
                return
            answer[field.name] = value
        self.dismiss(answer)
