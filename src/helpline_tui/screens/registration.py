"""Registering a contact (F1, G1): the form for one registration, and the list of contacts
still to register (mine; a team lead's F6 shows the team's).

The draft lives in the relay's database, not in the console: escape saves it, and so does a
timer while the counsellor is interrupted, so a closed console or a relay restart loses nothing
that was saved. ctrl+s finishes the registration (counted in the figures).
"""

from __future__ import annotations

from datetime import tzinfo
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Static

from helpline_core.protocol import (
    CRegistrationOpen,
    CRegistrationPending,
    CRegistrationSave,
    RegistrationValues,
    SCodes,
    SRegistration,
    SRegistrationPending,
)
from helpline_tui.case_requests import attempt, channel_label, codes_for
from helpline_tui.i18n import localized, t
from helpline_tui.screens.help import show_help
from helpline_tui.screens.row_list import Row, RowListScreen
from helpline_tui.widgets.footer import QuietFooter
from helpline_tui.widgets.registration_form import RegistrationForm

if TYPE_CHECKING:
    from helpline_tui.client import ConsoleClient

AUTOSAVE_SECONDS = 20.0


def form_bindings() -> list[BindingType]:
    return [
        Binding("ctrl+s", "finish", t("key.reg_final"), priority=True),
        Binding("ctrl+d", "draft", t("key.reg_draft"), priority=True),
        Binding("f3", "add_victim", t("key.reg_victim_add"), priority=True),
        Binding("f4", "remove_victim", t("key.reg_victim_remove"), priority=True),
        Binding("ctrl+k", "case_file", t("key.case_from_contact"), priority=True),
        Binding("escape", "back", t("key.back"), priority=True),
        Binding("f1", "help", t("key.help"), priority=True),
    ]


class RegistrationScreen(Screen[bool]):
    """One registration; dismissed with True once finished, False when left as a draft."""

    BINDINGS: ClassVar[list[BindingType]] = form_bindings()
    bindings = staticmethod(form_bindings)
    DEFAULT_CSS = """
    RegistrationScreen .reg-title { text-style: bold; background: $boost; padding: 0 1; }
    RegistrationScreen #reg-body { height: 1fr; padding: 0 1; }
    """

    def __init__(
        self,
        client: ConsoleClient,
        codes: SCodes,
        registration: SRegistration | None,
        timezone: tzinfo,
    ) -> None:
        super().__init__()
        self.client = client
        self.codes = codes
        self.registration = registration
        self.timezone = timezone
        self.dirty = False
        self.saving = False

    def title_text(self) -> str:
        reg = self.registration
        assert reg is not None
        when = reg.contact_at.astimezone(self.timezone).strftime("%Y-%m-%d %H:%M")
        return f"{t('reg.title')} · {channel_label(reg.channel)} {when} · {t(f'reg.{reg.status}')}"

    def initial_values(self) -> RegistrationValues:
        return self.registration.values if self.registration else RegistrationValues()

    def compose(self) -> ComposeResult:
        yield Static(Text(self.title_text()), classes="reg-title", id="reg-title")
        with VerticalScroll(id="reg-body"):
            yield from self.extra_fields()
            yield RegistrationForm(self.codes, self.initial_values())
        yield QuietFooter()

    def extra_fields(self) -> ComposeResult:
        yield from ()

    def on_mount(self) -> None:
        self.set_interval(AUTOSAVE_SECONDS, self._autosave)

    def on_registration_form_changed(self, event: RegistrationForm.Changed) -> None:
        self.dirty = True

    @property
    def form(self) -> RegistrationForm:
        return self.query_one(RegistrationForm)

    def _autosave(self) -> None:
        if self.dirty and not self.saving and self.registration is not None:
            self.run_worker(self.save(final=False, leave=False), group="registration")

    async def request(self, values: RegistrationValues, final: bool) -> SRegistration | None:
        """Send the values; overridden by the phone screen for a call not yet stored."""
        assert self.registration is not None
        frame = CRegistrationSave(
            type="registration_save",
            registration=self.registration.registration,
            values=values,
            final=final,
        )
        answer = await attempt(self, self.client, frame)
        return answer if isinstance(answer, SRegistration) else None

    async def save(self, *, final: bool, leave: bool) -> None:
        if self.saving:
            return
        self.saving = True
        try:
            values = self.form.values()
            self.dirty = False
            answer = await self.request(values, final)
            if answer is None:
                self.dirty = True
                return
            self.registration = answer
            self.query_one("#reg-title", Static).update(Text(self.title_text()))
            if leave:
                self.notify(t("reg.saved" if final else "reg.drafted"), markup=False, timeout=3)
                self.dismiss(answer.status == "final")
        finally:
            self.saving = False

    def action_finish(self) -> None:
        self.run_worker(self.save(final=True, leave=True), group="registration")

    def action_draft(self) -> None:
        self.run_worker(self.save(final=False, leave=False), group="registration")
        self.notify(t("reg.drafted"), markup=False, timeout=2)

    def action_back(self) -> None:
        """Leave; what was typed is kept as a draft (never thrown away)."""
        if self.dirty or self.registration is None:
            self.run_worker(self.save(final=False, leave=True), group="registration")
        else:
            self.dismiss(self.registration.status == "final")

    def action_case_file(self) -> None:
        """Open a case file from this contact (F1), with this registration's facts."""
        from helpline_core.protocol import CaseDetails
        from helpline_tui.screens.cases import open_from_contact

        reg = self.registration
        if reg is None:
            self.notify(t("reg.save_first"), severity="warning", markup=False)
            return
        values = self.form.values()
        initial = CaseDetails(
            pseudonym="x", region=values.region, age_group=values.age_group, sex=values.sex,
            role=values.role, themes=values.forms[:20],
        )  # fmt: skip
        contact = reg.contact or reg.registration  # a phone call: its registration
        open_from_contact(self, self.client, self.timezone, contact, initial)

    def action_add_victim(self) -> None:
        self.form.add_victim()

    def action_remove_victim(self) -> None:
        self.form.remove_victim()

    def action_help(self) -> None:
        show_help(self)


async def open_registration(
    screen: Screen[Any],
    client: ConsoleClient,
    timezone: tzinfo,
    *,
    contact: str | None = None,
    registration: str | None = None,
) -> None:
    """Ask the relay for a contact's registration (a draft when new) and show the form."""
    known = await codes_for(screen, client)
    if known is None:
        return
    frame = CRegistrationOpen(type="registration_open", contact=contact, registration=registration)
    answer = await attempt(screen, client, frame)
    if isinstance(answer, SRegistration):
        screen.app.push_screen(localized(RegistrationScreen)(client, known, answer, timezone))


def offer_registration(
    app: App[Any], client: ConsoleClient, timezone: tzinfo, contact: str
) -> None:
    """A chat ended or an email was answered: open its registration (once per contact)."""
    offered: set[str] = app.__dict__.setdefault("_registration_offered", set())
    if contact in offered or isinstance(app.screen, RegistrationScreen):
        return
    offered.add(contact)
    app.run_worker(open_registration(app.screen, client, timezone, contact=contact))


def pending_bindings() -> list[BindingType]:
    return [
        Binding("enter", "open", t("key.reg_open"), show=True),
        Binding("f5", "reload", t("key.reload"), priority=True),
        Binding("f6", "toggle_team", t("key.pending_team"), priority=True),
        Binding("escape", "back", t("key.back"), priority=True),
        Binding("f1", "help", t("key.help"), priority=True),
    ]


class PendingScreen(RowListScreen):
    """Contacts still to register, oldest first."""

    BINDINGS: ClassVar[list[BindingType]] = pending_bindings()
    bindings = staticmethod(pending_bindings)
    DEFAULT_CSS = """
    PendingScreen .pending-title { text-style: bold; background: $boost; padding: 0 1; }
    PendingScreen DataTable { height: 1fr; }
    PendingScreen #pending-empty { color: $text-muted; padding: 1; }
    """

    COLUMNS = ("when", "channel", "state", "who")
    COLUMN_KEYS = "pending.col"
    EMPTY_ID = "pending-empty"

    def __init__(self, client: ConsoleClient, timezone: tzinfo) -> None:
        super().__init__()
        self.client = client
        self.timezone = timezone
        self.team = False

    def compose(self) -> ComposeResult:
        yield Static(Text(t("pending.title")), classes="pending-title", id="pending-title")
        yield DataTable(id="pending-table", cursor_type="row", zebra_stripes=True)
        yield Static(Text(t("pending.empty")), id="pending-empty")
        yield QuietFooter()

    async def rows(self) -> list[Row] | None:
        frame = CRegistrationPending(type="registration_pending", team=self.team)
        answer = await attempt(self, self.client, frame)
        if not isinstance(answer, SRegistrationPending):
            return None
        title = t("pending.team_title" if self.team else "pending.title")
        self.query_one("#pending-title", Static).update(Text(title))
        found: list[Row] = []
        for item in answer.items:
            when = item.at.astimezone(self.timezone).strftime("%Y-%m-%d %H:%M")
            state = t("reg.draft") if item.registration else t("pending.not_started")
            key = f"c:{item.contact}" if item.contact else f"r:{item.registration}"
            cells = [Text(when), Text(channel_label(item.channel)), Text(state)]
            found.append(([*cells, Text(item.counsellor or "")], key))
        return found

    def open(self, key: str) -> None:
        kind, _, public_id = key.partition(":")
        self.run_worker(
            open_registration(
                self,
                self.client,
                self.timezone,
                contact=public_id if kind == "c" else None,
                registration=public_id if kind == "r" else None,
            )
        )

    def on_screen_resume(self) -> None:
        if self.loads:
            self.reload()

    def action_toggle_team(self) -> None:
        self.team = not self.team
        self.reload()

    def action_help(self) -> None:
        show_help(self)
