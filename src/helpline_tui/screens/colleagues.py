"""Choose whom to hand a conversation over to, or whom to consult: the colleagues online (name,
team, availability, open chats) and, for a hand-over, the teams; searchable as you type.

The list comes from the relay (`colleagues`). A name not in the list can still be typed as a
username (Enter with no match), so a slow or failed list never blocks the hand-over.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from helpline_core import protocol as p
from helpline_tui.client_types import RequestError
from helpline_tui.i18n import coded, refusal, t
from helpline_tui.screens.dialogs import _Dialog

Load = Callable[[], Awaitable[p.SColleagues]]


def colleague_label(person: p.CounsellorPresence) -> Text:
    """`Name · team · availability · N chats`; a display name is shown literally."""
    label = Text(person.display_name or person.username, style="bold")
    label.append(f" ({person.username})", style="dim")
    status = coded("availability", person.status)
    label.append(f" · {person.team or '-'} · {status} · " + t("colleagues.chats", n=person.chats))
    return label


def choices(found: p.SColleagues, *, teams: bool) -> list[tuple[str, Text, str]]:
    """(target, label, search text) for every colleague, then every team when `teams`."""
    rows = [
        (person.username, colleague_label(person),
         f"{person.display_name} {person.username} {person.team or ''}".casefold())
        for person in found.counsellors
    ]  # fmt: skip
    if teams:
        rows += [
            (f"team:{team.code}", Text(t("colleagues.team", name=team.name), style="italic"),
             f"team {team.code} {team.name}".casefold())
            for team in found.teams
        ]  # fmt: skip
    return rows


class ColleagueDialog(_Dialog[str]):
    """Answers a username, `team:<code>` (hand over only), or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", t("dialog.cancel")),
        Binding("down", "move(1)", show=False, priority=True),
        Binding("up", "move(-1)", show=False, priority=True),
    ]
    DEFAULT_CSS = (
        _Dialog.DEFAULT_CSS + "ColleagueDialog OptionList { height: auto; max-height: 12; }"
    )

    def __init__(self, title: str, load: Load, *, teams: bool) -> None:
        super().__init__()
        self._title = title
        self._load = load
        self._teams = teams
        self._rows: list[tuple[str, Text, str]] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Text(self._title), classes="dialog-title")
            yield Label(Text(t("colleagues.search")))
            yield Input(id="target", max_length=64)
            yield OptionList(id="colleagues")
            yield Static(Text(t("colleagues.loading")), classes="dialog-error")
            yield from self.buttons()

    def on_mount(self) -> None:
        self.query_one("#target", Input).focus()
        self.run_worker(self._fetch(), exclusive=True)

    async def _fetch(self) -> None:
        note = self.query_one(".dialog-error", Static)
        try:
            found = await self._load()
        except RequestError as error:
            note.update(Text(t("colleagues.unavailable", reason=refusal(error.code))))
            return
        self._rows = choices(found, teams=self._teams)
        note.update(Text("" if found.counsellors else t("colleagues.none")))
        self._show(self.query_one("#target", Input).value)

    def _show(self, query: str) -> None:
        wanted = query.strip().casefold()
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options(
            [Option(label, id=target) for target, label, text in self._rows if wanted in text]
        )
        if options.option_count:
            options.highlighted = 0

    def on_input_changed(self, event: Input.Changed) -> None:
        self._show(event.value)

    def action_move(self, step: int) -> None:
        options = self.query_one(OptionList)
        if options.option_count:
            now = options.highlighted or 0
            options.highlighted = max(0, min(options.option_count - 1, now + step))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.dismiss(event.option.id)

    def submit(self) -> None:
        options = self.query_one(OptionList)
        if options.option_count and options.highlighted is not None:
            chosen = options.get_option_at_index(options.highlighted).id
            if chosen:
                self.dismiss(chosen)
                return
        typed = self.query_one("#target", Input).value.strip()
        if typed:  # not in the list (yet): taken as a username, as before
            self.dismiss(typed)
