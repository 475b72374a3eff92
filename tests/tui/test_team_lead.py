"""The team lead view against a real relay: the team's live conversations and counsellors,
and taking a conversation over from a colleague; a plain counsellor is refused the view."""

from __future__ import annotations

from textual.widgets import DataTable

from helpline_core import protocol as p
from helpline_core.config import Settings
from helpline_tui.screens.lead import TeamScreen
from helpline_tui.screens.main import MainScreen
from tests.conftest import TEST_PASSWORD, MakeCounsellor
from tests.support.console_client import console
from tests.support.relay_harness import RunningRelay
from tests.support.visitor_client import visitor
from tests.tui.conftest import console_app, screen_text, wait_for
from tests.tui.test_console_flow import logged_in_available


async def test_lead_sees_the_team_and_takes_over(
    settings: Settings, relay: RunningRelay, kim: str, make_counsellor: MakeCounsellor
) -> None:
    make_counsellor("lea", team="antwerpen", role="team_lead", display_name="Lea")
    async with (
        visitor(relay.ws_url) as mira,
        console(relay.ws_url, username=kim, password=TEST_PASSWORD) as colleague,
    ):
        await mira.start("Mira", region="antwerpen")
        taken = await colleague.take_next()
        await colleague.say(taken.conversation.id, "Dag Mira")
        app = console_app(settings, relay)
        async with app.run_test(size=(100, 30)) as pilot:
            await logged_in_available(pilot, "lea")
            await pilot.press("f9")
            await wait_for(pilot, lambda: isinstance(app.screen, TeamScreen), "the team view")
            live = app.screen.query_one("#lead-live", DataTable)
            await wait_for(pilot, lambda: live.row_count == 1, "Mira's live conversation")
            await wait_for(
                pilot,
                lambda: all(
                    word in screen_text(pilot) for word in ("Mira", "Kim", "lopend", "Hulpverlener")
                ),
                "the conversation and the counsellor",
            )

            await pilot.press("o")
            released = await colleague.expect(p.SReleased)
            assert released.reason == "take_over"
            await wait_for(pilot, lambda: isinstance(app.screen, MainScreen), "back to main")
            screen = app.screen
            assert isinstance(screen, MainScreen)
            await wait_for(pilot, lambda: "Kim: Dag Mira" in screen_text(pilot), "transcript")


async def test_counsellor_cannot_open_the_team_view(
    settings: Settings, relay: RunningRelay, kim: str
) -> None:
    app = console_app(settings, relay)
    async with app.run_test(size=(100, 30)) as pilot:
        await logged_in_available(pilot, kim)
        await pilot.press("f9")
        # Refused with a word that says why, not silently: the notice is raised and the
        # counsellor stays where they were.
        await wait_for(
            pilot,
            lambda: any(
                n.message == "Enkel voor teamverantwoordelijken." for n in app._notifications
            ),
            "the refusal",
        )
        assert isinstance(app.screen, MainScreen)
        assert not app.screen.query(TeamScreen)


async def test_the_team_view_keeps_up_after_a_reconnect(
    settings: Settings, relay: RunningRelay, make_counsellor: MakeCounsellor
) -> None:
    """The relay stops pushing the overview when a connection drops (issue 22 point 4 found the
    view asking at the wrong time): after the reconnect the view asks again, so a visitor who
    comes later still shows up, rather than a frozen table."""
    make_counsellor("lea", team="antwerpen", role="team_lead", display_name="Lea")
    app = console_app(settings, relay)
    async with app.run_test(size=(100, 30)) as pilot:
        await logged_in_available(pilot, "lea")
        await pilot.press("f9")
        await wait_for(pilot, lambda: isinstance(app.screen, TeamScreen), "the team view")
        client = app.client
        assert client is not None
        await wait_for(pilot, lambda: client.state.overview is not None, "the first overview")
        await client.drop_connection()
        await wait_for(pilot, lambda: client.connection == "reconnecting", "the drop")
        await wait_for(pilot, lambda: client.connection == "online", "the reconnect")
        async with visitor(relay.ws_url) as mira:
            await mira.start("Mira", region="antwerpen")
            queue = app.screen.query_one("#lead-queue", DataTable)
            await wait_for(pilot, lambda: queue.row_count == 1, "Mira in the team's queue")
            assert "Mira" in screen_text(pilot)
        assert not [n for n in app._notifications if n.severity == "error"]
