"""Registering a phone call (F1, G1): calls happen outside the software; the counsellor gives
the date, time and duration, and the same registration as for a chat. It counts as a contact
on the phone channel. A call left as a draft shows up in "contacts still to register"."""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Input, Label

from helpline_core.clock import utcnow
from helpline_core.protocol import CPhoneRegister, RegistrationValues, SCodes, SRegistration
from helpline_tui.case_requests import attempt
from helpline_tui.i18n import t
from helpline_tui.screens.registration import RegistrationScreen

if TYPE_CHECKING:
    from collections.abc import Callable

    from helpline_tui.client import ConsoleClient

TIME_FORMAT = "%Y-%m-%d %H:%M"


def parse_when(text: str, timezone: tzinfo) -> datetime | None:
    """ "2026-03-02 14:30" in the helpline's time zone, or None when it is not that shape."""
    try:
        return datetime.strptime(text.strip(), TIME_FORMAT).replace(tzinfo=timezone)
    except ValueError:
        return None


def parse_minutes(text: str) -> int | None:
    """Whole minutes from 0 to 1440, or None."""
    text = text.strip()
    if not text.isdigit() or not 0 <= int(text) <= 24 * 60:
        return None
    return int(text)


class PhoneScreen(RegistrationScreen):
    DEFAULT_CSS = """
    PhoneScreen .phone-row { height: auto; }
    PhoneScreen .phone-row > Label { width: 30; padding: 1 1 0 0; }
    PhoneScreen .phone-row > Input { width: 1fr; }
    """

    def __init__(
        self,
        client: ConsoleClient,
        codes: SCodes,
        timezone: tzinfo,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        super().__init__(client, codes, None, timezone)
        self.clock = clock

    def title_text(self) -> str:
        if self.registration is None:
            return t("reg.phone_title")
        return super().title_text()

    def extra_fields(self) -> ComposeResult:
        now = self.clock().astimezone(self.timezone).strftime(TIME_FORMAT)
        with Horizontal(classes="phone-row"):
            yield Label(t("reg.when"))
            yield Input(now, id="phone-when")
        with Horizontal(classes="phone-row"):
            yield Label(t("reg.duration"))
            yield Input("", id="phone-minutes", placeholder="15")

    def on_input_changed(self, event: Input.Changed) -> None:
        self.dirty = True

    async def request(self, values: RegistrationValues, final: bool) -> SRegistration | None:
        if self.registration is not None:
            return await super().request(values, final)
        when = parse_when(self.query_one("#phone-when", Input).value, self.timezone)
        minutes = parse_minutes(self.query_one("#phone-minutes", Input).value)
        if when is None or minutes is None:
            problem = "reg.bad_when" if when is None else "reg.bad_duration"
            self.notify(t(problem), severity="error", markup=False)
            self.query_one("#phone-when" if when is None else "#phone-minutes").focus()
            return None
        frame = CPhoneRegister(
            type="phone_register",
            contact_at=when,
            duration_seconds=minutes * 60,
            values=values,
            final=final,
        )
        answer = await attempt(self, self.client, frame)
        if isinstance(answer, SRegistration):
            # Stored: the time and duration are set; later saves go to this registration.
            for widget in self.query(Input):
                widget.disabled = True
            return answer
        return None

    def _autosave(self) -> None:
        # A call is stored only when the counsellor saves it the first time (time and duration
        # must be right); afterwards the timer keeps its draft like any other.
        if self.registration is not None:
            super()._autosave()

    def action_back(self) -> None:
        if self.registration is None and not self.dirty:
            self.dismiss(False)  # nothing typed: nothing to keep
            return
        super().action_back()
