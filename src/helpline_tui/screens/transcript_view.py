"""The transcript of a chat, or the emails of an email contact, linked to a case file, while
it is retained (the relay audits the read). Visitor text: shown literally."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.console import Group
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from helpline_core.protocol import CCaseTranscript, SCaseTranscript
from helpline_tui.case_requests import attempt
from helpline_tui.case_text import header_lines
from helpline_tui.case_text import line as as_line
from helpline_tui.i18n import sender_label, t
from helpline_tui.safe import visitor_text
from helpline_tui.screens.case_dialogs import Field, FieldsDialog
from helpline_tui.widgets.footer import QuietFooter

if TYPE_CHECKING:
    from helpline_tui.screens.case_file import CaseFileScreen


def open_transcript(screen: CaseFileScreen) -> None:
    """Ask which linked contact (the latest retained one by default), then show it."""
    file = screen.file
    kept = [c.contact for c in (file.contacts if file else []) if c.contact and c.retained]
    if not kept:
        screen.notify(t("case.no_transcript"), markup=False)
        return

    def chosen(answers: dict[str, str] | None) -> None:
        if answers is not None:
            screen.run_worker(_show(screen, answers["contact"].strip()))

    fields = [Field("contact", t("case.contact_id"), default=kept[-1] or "")]
    screen.app.push_screen(FieldsDialog(t("key.case_transcript"), fields), chosen)


async def _show(screen: CaseFileScreen, contact: str) -> None:
    if not contact or len(contact) > 36:
        return
    frame = CCaseTranscript(type="case_transcript", case=screen.case, contact=contact)
    answer = await attempt(screen, screen.client, frame)
    if isinstance(answer, SCaseTranscript) and screen.file is not None:
        screen.app.push_screen(TranscriptScreen(screen, answer))


class TranscriptScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", t("key.back"), priority=True),
    ]
    DEFAULT_CSS = """
    TranscriptScreen #transcript-header { background: $boost; padding: 0 1; height: auto; }
    TranscriptScreen VerticalScroll { height: 1fr; padding: 0 1; }
    """

    def __init__(self, owner: CaseFileScreen, frame: SCaseTranscript) -> None:
        super().__init__()
        self.owner = owner
        self.frame = frame

    def compose(self) -> ComposeResult:
        assert self.owner.file is not None
        yield Static(
            Group(*header_lines(self.owner.file.header, self.owner.codes)), id="transcript-header"
        )
        lines: list[Text] = []
        for line in self.frame.lines:
            when = line.at.astimezone(self.owner.timezone).strftime("%Y-%m-%d %H:%M")
            lines.append(Text(f"{when} {sender_label(line.sender)}", style="bold"))
            lines.append(as_line(visitor_text(line.body, multiline=True)))
        with VerticalScroll():
            yield Static(Group(*lines))
        yield QuietFooter()

    def action_back(self) -> None:
        self.dismiss(None)
