"""A refused block says what was refused and why, and keeps what was typed (issue 16, point 5):
a counsellor asks for a permanent block, a real relay refuses it, the dialog stays open with
the reason still there, and hours instead of 0 then block the visitor."""

from __future__ import annotations

from textual.widgets import Input

from helpline_core import protocol as p
from helpline_core.config import Settings
from helpline_tui.screens.dialogs import BlockDialog
from tests.support.relay_harness import RunningRelay
from tests.support.visitor_client import visitor
from tests.tui.conftest import console_app, keys, screen_text, wait_for
from tests.tui.test_console_flow import take_the_waiting_chat


async def test_a_refused_permanent_block_keeps_the_reason(
    settings: Settings, relay: RunningRelay, kim: str
) -> None:
    async with visitor(relay.ws_url) as mira:
        await mira.start("Mira", region="antwerpen")
        app = console_app(settings, relay)
        async with app.run_test(size=(100, 30)) as pilot:
            await take_the_waiting_chat(pilot, kim)
            await pilot.press("f7")
            await wait_for(pilot, lambda: isinstance(app.screen, BlockDialog), "the block dialog")
            await pilot.press(*keys("dreigt met geweld"))
            # Reason, then the address box, then the hours.
            await pilot.press("tab", "tab", "backspace", "backspace", "0", "enter")
            await wait_for(
                pilot,
                lambda: "Permanent blokkeren geweigerd" in screen_text(pilot),
                "the refusal in the dialog",
            )
            dialog = app.screen
            assert isinstance(dialog, BlockDialog)  # still open
            assert dialog.query_one("#reason", Input).value == "dreigt met geweld"
            assert "teamverantwoordelijke" in screen_text(pilot)
            await pilot.press("backspace", *keys("12"), "enter")
            blocked = await mira.expect(p.SBlocked)
            assert blocked.until is not None
            await wait_for(pilot, lambda: not isinstance(app.screen, BlockDialog), "it to close")
