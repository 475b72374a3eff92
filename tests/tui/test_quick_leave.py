"""After "leave quickly" the counsellor reads that the visitor left in a hurry, in the pane
and in the hot list, in both languages (issue 16, point 7); a real relay and visitor."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from helpline_core import protocol as p
from helpline_core.config import Settings
from helpline_tui.i18n import set_language
from tests.support.relay_harness import RunningRelay
from tests.support.visitor_client import visitor
from tests.tui.conftest import console_app, screen_text, wait_for
from tests.tui.test_console_flow import take_the_waiting_chat


@pytest.fixture(autouse=True)
def dutch_afterwards() -> Iterator[None]:
    yield
    set_language("nl")  # the console's default, for the tests that follow


@pytest.mark.parametrize(
    ("language", "quick", "pane", "hot"),
    [
        ("nl", True, "de bezoeker is snel weggegaan (knop 'Snel weg')", "snel weg!"),
        ("en", True, "the visitor left in a hurry ('leave quickly')", "left in a hurry!"),
        ("nl", False, "Het gesprek is beëindigd. (door de bezoeker)", "afgelopen"),
    ],
)
async def test_how_the_visitor_left_is_named(
    settings: Settings, relay: RunningRelay, kim: str, language: str, quick: bool, pane: str,
    hot: str,
) -> None:  # fmt: skip
    async with visitor(relay.ws_url) as mira:
        await mira.start("Mira", region="antwerpen")
        console = settings.console.model_copy(update={"language": language})
        app = console_app(settings.model_copy(update={"console": console}), relay)
        async with app.run_test(size=(120, 30)) as pilot:
            await take_the_waiting_chat(pilot, kim)
            await mira.expect(p.SJoined)  # the relay has the chat as taken
            await mira.send(type="leave", **({"quick": True} if quick else {}))
            await wait_for(pilot, lambda: pane in screen_text(pilot), "the end notice")
            text = screen_text(pilot)
            assert hot in text
            assert "visitor_quick" not in text
            assert ("snel weg" in text.lower()) is (quick and language == "nl")
