"""How the main screen reaches registration and case files: F11 the case files, ctrl+o the
contacts still to register, ctrl+t a phone call, and the registration that opens by itself when
a chat of mine ends. Kept out of main.py so that screen stays about chats."""

from __future__ import annotations

from typing import TYPE_CHECKING

from helpline_tui.case_requests import codes_for
from helpline_tui.i18n import localized

if TYPE_CHECKING:
    from helpline_tui.screens.main import MainScreen


def open_cases(screen: MainScreen) -> None:
    from helpline_tui.screens.cases import CaseListScreen

    screen.app.push_screen(localized(CaseListScreen)(screen.client, screen.timezone))


def open_pending(screen: MainScreen) -> None:
    from helpline_tui.screens.registration import PendingScreen

    screen.app.push_screen(localized(PendingScreen)(screen.client, screen.timezone))


def open_phone(screen: MainScreen) -> None:
    from helpline_tui.screens.phone import PhoneScreen

    async def show() -> None:
        known = await codes_for(screen, screen.client)
        if known is None:
            return
        phone = localized(PhoneScreen)(screen.client, known, screen.timezone, screen.clock)
        screen.app.push_screen(phone)

    screen.run_worker(show(), group="phone")


def chat_changed(screen: MainScreen, conversation_id: str) -> None:
    """A chat I own has ended: open its registration (once)."""
    from helpline_tui.screens.registration import offer_registration

    state = screen.client.state
    conversation = state.conversations.get(conversation_id)
    me = state.me.username if state.me else None
    if conversation is None or me is None:
        return
    info = conversation.info
    if info.state == "ended" and info.counsellor == me:
        offer_registration(screen.app, screen.client, screen.timezone, conversation_id)
