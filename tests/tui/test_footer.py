"""The footer keeps the screen's keys in the screen's order wherever the focus is, and still
shows a key that only the focused widget offers."""

from __future__ import annotations

from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Input

from helpline_tui.widgets.footer import QuietFooter
from tests.tui.conftest import screen_text, wait_for


class Editor(Input):
    """Binds a screen key itself (as TextArea does with f6) and offers one key of its own."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f2", "hidden", "hidden", show=False),
        Binding("f5", "own", "Own key"),
    ]

    def action_own(self) -> None:
        pass


class KeysScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1", "first", "First", priority=True),
        Binding("f2", "second", "Second", priority=True),
    ]

    def compose(self) -> ComposeResult:
        yield Input(id="plain", compact=True)
        yield Editor(id="editor", compact=True)
        yield QuietFooter()

    def action_first(self) -> None:
        pass

    def action_second(self) -> None:
        pass


class KeysApp(App[None]):
    ENABLE_COMMAND_PALETTE = False

    def on_mount(self) -> None:
        self.push_screen(KeysScreen())


def footer_line(text: str) -> str:
    return text.splitlines()[-1]


async def test_footer_order_follows_the_screen_and_shows_the_focused_widgets_keys() -> None:
    app = KeysApp()
    async with app.run_test(size=(60, 6)) as pilot:
        app.screen.query_one("#plain").focus()
        await pilot.pause()
        line = footer_line(screen_text(pilot))
        assert line.index("First") < line.index("Second")
        assert "Own key" not in line

        app.screen.query_one("#editor").focus()
        # The footer redraws after the focus event: wait for it (one pause lost the race on a
        # loaded CI machine), then check the order.
        await wait_for(pilot, lambda: "Own key" in footer_line(screen_text(pilot)), "own key")
        line = footer_line(screen_text(pilot))
        assert line.index("First") < line.index("Second") < line.index("Own key")

        app.screen.query_one("#plain").focus()
        await wait_for(pilot, lambda: "Own key" not in footer_line(screen_text(pilot)), "gone")
        assert "Own key" not in footer_line(screen_text(pilot))
