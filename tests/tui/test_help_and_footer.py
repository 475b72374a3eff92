"""F1 and the footer at the two widths counsellors use (issue 16, point 6): nothing is cut, and
the most used keys come first."""

from __future__ import annotations

from typing import Any

import pytest
from textual.binding import Binding
from textual.widgets._footer import FooterKey

from helpline_tui.screens.email import list_bindings
from helpline_tui.screens.help import HelpScreen, key_rows
from helpline_tui.screens.main import MainScreen, main_bindings
from helpline_tui.widgets.footer import QuietFooter
from tests.tui.conftest import screen_text
from tests.tui.test_email_snapshot import list_screen
from tests.tui.test_snapshots import logged_in, make_app


@pytest.mark.parametrize("width", [80, 120])
async def test_every_help_row_is_on_screen_whole(width: int) -> None:
    app = make_app()
    async with app.run_test(size=(width, 40)) as pilot:
        await logged_in(open_chat="c-sam")(pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(pilot)
        words = " ".join(text.replace("█", " ").split())
        rows = key_rows(main_bindings())
        for key, description in rows:
            assert key in text
            assert " ".join(description.split()) in words, description  # wrapped, not cut
        assert all(len(line) <= width for line in text.splitlines())
        # The most used come first: typing, then help, take, end, hand over.
        assert [key for key, _ in rows[:6]] == [
            "enter", "ctrl+j / shift+enter / alt+enter", "f1", "f3", "f8", "f5",
        ]  # fmt: skip


def _footer_keys(app: Any) -> tuple[list[FooterKey], FooterKey]:
    keys = list(app.screen.query_one(QuietFooter).query(FooterKey))
    palette = [key for key in keys if key.has_class("-command-palette")]
    return [key for key in keys if key not in palette], palette[0]


@pytest.mark.parametrize(("width", "at_least"), [(80, 4), (120, 6)])
async def test_the_footer_shows_whole_keys_most_used_first(width: int, at_least: int) -> None:
    app = make_app()
    async with app.run_test(size=(width, 24)) as pilot:
        await logged_in(open_chat="c-sam")(pilot)
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        keys, palette = _footer_keys(app)
        assert [key.key for key in keys] == ["f1", "f3", "f8", "f5", "f6", "ctrl+r"][: len(keys)]
        assert len(keys) >= at_least
        assert all(key.region.right <= palette.region.x for key in keys)  # none under the palette
        assert palette.region.right <= width
        footer = screen_text(pilot).splitlines()[-1]
        for key in keys:
            assert f"{key.key_display} {key.description}" in footer


async def test_the_footer_refits_when_the_terminal_grows() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await logged_in()(pilot)
        narrow = len(_footer_keys(app)[0])
        await pilot.resize_terminal(120, 24)
        await pilot.pause()
        await pilot.pause()
        assert len(_footer_keys(app)[0]) > narrow


async def test_every_key_of_the_email_list_fits_at_80_columns() -> None:
    """Issue 16: the email list's footer dropped F1 and Enter at 80 columns. When the keys do
    not fit, the footer goes compact and leaves out the palette key (F1 lists it) first."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await list_screen(pilot)
        wanted = [b.key for b in list_bindings() if isinstance(b, Binding) and b.show]
        keys = list(app.screen.query_one(QuietFooter).query(FooterKey))
        assert [key.key for key in keys] == wanted
        assert all(key.region.right <= 80 for key in keys)
