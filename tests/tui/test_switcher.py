"""ctrl+g, then a digit, goes to a conversation in any terminal (issue 16, point 4; the keys
through a real tmux are in tests/e2e/test_console_tmux.py)."""

from __future__ import annotations

from helpline_tui.screens.main import MainScreen
from helpline_tui.screens.switcher import SwitcherScreen
from tests.tui.conftest import screen_text
from tests.tui.test_snapshots import Snap, logged_in, make_app


async def test_ctrl_g_and_a_digit_switch_the_conversation() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await logged_in()(pilot)
        main = app.screen
        assert isinstance(main, MainScreen) and main.current is None
        first, second = (item.id for item in main.client.state.buffers())
        await pilot.press("ctrl+g")
        assert isinstance(app.screen, SwitcherScreen)
        assert "Naar welk gesprek?" in screen_text(pilot)
        await pilot.press("7")  # no conversation 7: the switcher stays, nothing changes
        assert isinstance(app.screen, SwitcherScreen) and main.current is None
        await pilot.press("2")
        await pilot.pause()
        assert app.screen is main and main.current == second
        await pilot.press("ctrl+g", "escape")
        assert app.screen is main and main.current == second
        await pilot.press("ctrl+g", "1")
        await pilot.pause()
        assert main.current == first
        assert main.pane(first) is not None and app.focused is main.pane(first).composer  # type: ignore[union-attr]
        await pilot.press("ctrl+g", "0")
        await pilot.pause()
        assert main.current is None


def test_switcher_snapshot(snap_compare: Snap) -> None:
    run = logged_in(open_chat="c-mira")
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run, press=["ctrl+g"])
