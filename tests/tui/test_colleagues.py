"""Hand over and consult offer the colleagues online, searchable, and the teams (issue 16,
point 2); a real relay, a real colleague's console, a real visitor."""

from __future__ import annotations

from textual.widgets import OptionList

from helpline_core import protocol as p
from helpline_core.config import Settings
from helpline_tui.screens.colleagues import ColleagueDialog
from tests.support.console_client import console
from tests.support.relay_harness import RunningRelay
from tests.support.visitor_client import visitor
from tests.tui.conftest import console_app, keys, screen_text, wait_for
from tests.tui.test_console_flow import take_the_waiting_chat


def shown(dialog: ColleagueDialog) -> list[str]:
    options = dialog.query_one(OptionList)
    return [str(options.get_option_at_index(i).id) for i in range(options.option_count)]


async def test_hand_over_by_choosing_from_the_list(
    settings: Settings, relay: RunningRelay, kim: str, bert: str
) -> None:
    async with (
        visitor(relay.ws_url) as mira,
        console(relay.ws_url, username=bert, password="correct horse 1") as colleague,
    ):
        await colleague.send(type="set_status", status="available")
        await mira.start("Mira", region="antwerpen")
        app = console_app(settings, relay)
        async with app.run_test(size=(100, 30)) as pilot:
            screen = await take_the_waiting_chat(pilot, kim)
            await pilot.press("f5")
            await wait_for(pilot, lambda: isinstance(app.screen, ColleagueDialog), "the list")
            dialog = app.screen
            assert isinstance(dialog, ColleagueDialog)
            await wait_for(pilot, lambda: "bert" in shown(dialog), "the colleagues")
            text = screen_text(pilot)
            assert "Bert (bert) · antwerpen · beschikbaar · 0 gesprekken" in text
            assert "kim" not in shown(dialog)  # not myself
            assert "team:antwerpen" in shown(dialog)  # a team is a target too
            await pilot.press(*keys("limb"))  # search: only the Limburg team is left
            assert shown(dialog) == ["team:limburg"]
            await pilot.press("backspace", "backspace", "backspace", "backspace", *keys("ber"))
            assert shown(dialog)[0] == "bert"
            await pilot.press("enter")
            handed = await colleague.expect(p.SConversation, lambda f: f.why == "handover")
            assert handed.conversation.id == screen.current


async def test_consult_lists_colleagues_but_no_teams(
    settings: Settings, relay: RunningRelay, kim: str, bert: str
) -> None:
    async with (
        visitor(relay.ws_url) as mira,
        console(relay.ws_url, username=bert, password="correct horse 1"),
    ):
        await mira.start("Mira", region="antwerpen")
        app = console_app(settings, relay)
        async with app.run_test(size=(80, 24)) as pilot:
            await take_the_waiting_chat(pilot, kim)
            await pilot.press("f6")
            await wait_for(pilot, lambda: isinstance(app.screen, ColleagueDialog), "the list")
            dialog = app.screen
            assert isinstance(dialog, ColleagueDialog)
            await wait_for(pilot, lambda: "bert" in shown(dialog), "the colleagues")
            assert shown(dialog) == ["bert"]
