"""Typing while the queue or the hot list has the focus is never silently lost (issue 16,
point 3): with an open conversation it goes to its composer; without one, the screen says why."""

from __future__ import annotations

from helpline_tui.i18n import t
from helpline_tui.screens.main import MainScreen
from helpline_tui.widgets.hotlist import HotList
from helpline_tui.widgets.queue import QueueTable
from tests.tui.test_snapshots import logged_in, make_app


async def test_keys_typed_in_the_hot_list_reach_the_composer() -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await logged_in(open_chat="c-sam")(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen) and screen.current == "c-sam"
        screen.query_one(HotList).focus()
        await pilot.pause()
        await pilot.press("h", "a", "l", "l", "o")
        pane = screen.pane("c-sam")
        assert pane is not None
        assert pane.composer.text == "hallo"
        assert app.focused is pane.composer


async def test_without_a_conversation_the_screen_says_why_once() -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await logged_in()(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen) and screen.current is None
        screen.query_one(QueueTable).focus()
        await pilot.press("d", "a", "g")
        await pilot.pause()
        notes = [str(note.message) for note in app._notifications]
        assert notes.count(t("typing.no_conversation")) == 1
        assert "ctrl+g" in t("typing.no_conversation")  # the key that works in every terminal
