"""A snapshot of the email list at 80x24: overdue first, time left in Dutch, hostile subject and
sender shown literally. Fixed items, no relay: deterministic."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from textual.pilot import Pilot

from helpline_core.protocol import email as pe
from helpline_tui.app import ConsoleApp
from helpline_tui.screens.email import EmailListScreen
from tests.tui.test_snapshots import NOW, Snap, logged_in, make_app

ITEMS = [
    pe.EmailListItem(
        conversation="e-old", team="antwerpen", subject="[@click=app.quit]Help[/] \x1b]0;x\x07",
        sender_name="\u202eanna", sender_address="anna@visitor.example",
        received_at=NOW - timedelta(days=4), due_at=NOW - timedelta(hours=3),
        seconds_left=-3 * 3600, overdue=True, emails=2, counsellor=None,
    ),
    pe.EmailListItem(
        conversation="e-new", team="antwerpen", subject="Vraag over school",
        sender_name=None, sender_address="jo@visitor.example",
        received_at=NOW, due_at=NOW + timedelta(days=1, hours=4),
        seconds_left=28 * 3600, overdue=False, emails=1, counsellor="kim",
    ),
]  # fmt: skip


async def list_screen(pilot: Pilot[Any]) -> EmailListScreen:
    """Log in (no relay) and open an email list that shows only what a test gives it."""
    await logged_in()(pilot)
    app = pilot.app
    assert isinstance(app, ConsoleApp) and app.main is not None
    main = app.main
    screen = EmailListScreen(main.client, main.timezone, main.canned, main.canned_values)
    screen.reload = lambda: None  # type: ignore[method-assign]  # fixed items, no relay
    await app.push_screen(screen)
    await pilot.pause()
    return screen


def email_list() -> Any:
    async def run_before(pilot: Pilot[Any]) -> None:
        screen = await list_screen(pilot)
        screen.show(ITEMS)
        await pilot.pause()

    return run_before


def test_email_list_80x24(snap_compare: Snap) -> None:
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=email_list())
