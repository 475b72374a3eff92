"""Visitor text through a real relay is only ever text on the counsellor's screen: no markup,
no links or click actions, no escape sequences, no control or bidi characters."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from helpline_core.config import Settings
from helpline_tui.app import ConsoleApp
from helpline_tui.screens.main import MainScreen
from tests.support.relay_harness import RunningRelay
from tests.support.visitor_client import visitor
from tests.tui.conftest import console_app, screen_text, wait_for

NICKNAME = "[@click=app.quit]\u200bMira[/]\x1b]0;pwned\x07\u202e"
# What a visitor sends, and exactly what the counsellor must see: written out by hand, not computed
# with the function under test, so a change in what reaches the screen fails here.
HOSTILE = [
    ("[@click=app.quit]klik hier[/]", "[@click=app.quit]klik hier[/]"),
    (
        "[link=https://evil.example]link[/link] [bold red]LUID[/]",
        "[link=https://evil.example]link[/link] [bold red]LUID[/]",
    ),
    (
        "\x1b[31mrood\x1b[0m en \x1b]8;;https://evil.example\x1b\\osc-link\x1b]8;;\x1b\\",
        "␛[31mrood␛[0m en ␛]8;;https://evil.example␛\\osc-link␛]8;;␛\\",
    ),
    ("\x1b]0;nieuwe titel\x07titel", "␛]0;nieuwe titel␇titel"),
    ("abc\u202edcba \u2066iso\u2069", "abc\ufffddcba \ufffdiso\ufffd"),
    ("bel\x07 back\x08space \x9b31m c1", "bel␇ back␈space \ufffd31m c1"),
    (":warning: [/] [ ] \\[escaped]", ":warning: [/] [ ] \\[escaped]"),
    (
        "zero\u200bwidth\u2060 en een gezin 👨\u200d👩\u200d👧 blijft heel",
        "zero[U+200B]width[U+2060] en een gezin 👨\u200d👩\u200d👧 blijft heel",
    ),
]
SHOWN_NICKNAME = "[@click=app.quit][U+200B]Mira[/]␛]0;pwned␇\ufffd"


def styles_on_screen(pilot: Pilot[Any]) -> list[Any]:
    strips = pilot.app.screen._compositor.render_strips()
    return [segment.style for strip in strips for segment in strip if segment.style]


async def test_hostile_visitor_text_is_shown_literally(
    settings: Settings, relay: RunningRelay, kim: str
) -> None:
    async with visitor(relay.ws_url) as mira:
        await mira.start(NICKNAME, region="antwerpen")
        app: ConsoleApp = console_app(settings, relay)
        async with app.run_test(size=(120, 40)) as pilot:
            from tests.tui.test_console_flow import logged_in_available

            await logged_in_available(pilot, kim)
            # The queue shows the (truncated) nickname as typed, brackets and all.
            await wait_for(pilot, lambda: "[@click=app" in screen_text(pilot), "the nickname")
            await pilot.press("f3")
            screen = app.screen
            assert isinstance(screen, MainScreen)
            await wait_for(pilot, lambda: screen.current is not None)
            for number, (sent, _) in enumerate(HOSTILE, start=1):
                await mira.say(sent, client_id=f"hostile-{number}")
            pane = screen.pane(screen.current or "")
            assert pane is not None
            await wait_for(pilot, lambda: pane.transcript.message_count == len(HOSTILE))

            text = screen_text(pilot)
            for sent, shown in HOSTILE:
                assert shown in text, sent
            assert SHOWN_NICKNAME[:12] in text  # the conversation header
            # Nothing on screen is a link or a click action, and no raw control is drawn.
            for style in styles_on_screen(pilot):
                assert not style.link
                assert "@click" not in (style.meta or {})
            assert not any(0x00 <= ord(c) < 0x20 and c != "\n" for c in text)
            assert not any(c in text for c in "\u202e\u2066\u2069\x9b\x7f")
            # Invisible characters are shown as markers (the nickname and a message).
            assert "[@click=app.quit][U+200" in text  # the nickname, cut to fit the header
            assert "\u200b" not in text and "👨\u200d👩\u200d👧" in text
            assert app.title == "Helpline console"
            assert app.is_running
