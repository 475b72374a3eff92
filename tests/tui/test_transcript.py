"""The transcript widget: wrapping by terminal cells, following new lines, staying put when the
reader scrolled up, and a long conversation opening at its end."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len, split_graphemes
from textual.pilot import Pilot

from helpline_core import protocol as p
from helpline_tui.handlers import apply_frame
from helpline_tui.i18n import t
from helpline_tui.screens.main import MainScreen
from helpline_tui.widgets.transcript import Transcript, wrap_cells
from tests.tui.conftest import screen_text
from tests.tui.test_snapshots import info, line, logged_in, make_app


@given(st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs"))), st.integers(1, 60))
def test_wrapped_lines_fit_and_keep_every_word(text: str, width: int) -> None:
    lines = wrap_cells(text, width)
    assert lines
    for part in lines:
        # A line wider than the width is one grapheme cluster that cannot be cut (a wide
        # character, an emoji with its modifier).
        assert cell_len(part) <= width or len(split_graphemes(part)[0]) == 1
    assert "".join(text.split()) == "".join("".join(lines).split())


async def open_long_chat(pilot: Pilot[Any], count: int) -> MainScreen:
    messages = [
        line("c-long", n, "visitor" if n % 2 else "counsellor", f"bericht {n} " * (n % 7 + 1), 1)
        for n in range(1, count + 1)
    ]
    frame = p.SConversation(conversation=info("c-long", "Lang"), messages=messages, why="take")
    screen = pilot.app.screen
    assert isinstance(screen, MainScreen)
    feed(screen, frame)
    await pilot.pause()
    return screen


def feed(screen: MainScreen, *frames: p.ConsoleServerFrame) -> None:
    """What the client does with frames from the relay."""
    for frame in frames:
        for event in apply_frame(screen.client.state, frame):
            screen.handle(event)


def long_transcript(screen: MainScreen) -> Transcript:
    pane = screen.pane("c-long")
    assert pane is not None and screen.current == "c-long"
    return pane.transcript


@asynccontextmanager
async def long_chat(count: int) -> AsyncIterator[tuple[Pilot[Any], MainScreen, Transcript]]:
    """A logged-in console at 80x24 showing a conversation of `count` messages."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await logged_in()(pilot)
        screen = await open_long_chat(pilot, count)
        yield pilot, screen, long_transcript(screen)


async def test_long_conversation_opens_at_its_end_and_follows() -> None:
    async with long_chat(300) as (pilot, screen, transcript):
        await pilot.pause()
        assert transcript.max_scroll_y > 0
        assert transcript.scroll_y == transcript.max_scroll_y
        assert "bericht 300" in screen_text(pilot)

        # New lines follow while at the end...
        feed(screen, line("c-long", 301, "visitor", "nieuw aan het einde", 2))
        await pilot.pause()
        assert transcript.scroll_y == transcript.max_scroll_y
        # ...but not when the reader scrolled up to read back.
        transcript.scroll_to(y=10, animate=False, immediate=True)
        await pilot.pause()
        feed(screen, line("c-long", 302, "visitor", "nog eentje", 3))
        await pilot.pause()
        assert transcript.scroll_y == 10
        assert transcript.message_count == 302


def words_line(seq: int, count: int) -> p.ChatMessage:
    """A visitor line of numbered words, so a word cut off at the edge is easy to spot."""
    text = " ".join(f"woord{n:03d}" for n in range(count))
    return line("c-long", seq, "visitor", text, 3)


async def test_lines_fit_beside_the_scrollbar() -> None:
    """A transcript longer than the screen wraps to the width left of its scrollbar: no word
    hides under it; a short one uses the whole width, and wraps again once it overflows."""
    async with long_chat(1) as (pilot, screen, transcript):
        width = transcript.size.width
        assert transcript.scrollable_content_region.width == width  # no scrollbar yet

        feed(screen, line("c-long", 2, "visitor", " ".join("." * 100), 2))
        await pilot.pause()
        assert transcript.scrollable_content_region.width == width
        assert max(cell_len(part) for part in transcript.plain_lines) >= width - 1

        feed(screen, *(words_line(seq, 40) for seq in range(3, 40)))
        await pilot.pause()
        assert transcript.scrollable_content_region.width < width  # the scrollbar shows
        shown = transcript.scrollable_content_region.width
        assert max(cell_len(part) for part in transcript.plain_lines) <= shown
        text = screen_text(pilot)
        last = text[text.index("woord000") :]
        assert all(f"woord{n:03d}" in last for n in range(40))


async def test_a_resync_that_adds_lines_keeps_the_readers_place() -> None:
    """After a reconnect the relay's sync answer brings the lines missed meanwhile: the lines
    already shown stay put and a reader who scrolled up is not thrown to the end."""
    async with long_chat(300) as (pilot, screen, transcript):
        transcript.scroll_to(y=10, animate=False, immediate=True)
        await pilot.pause()
        before = transcript.plain_lines

        extra = [line("c-long", n, "visitor", f"na de herverbinding {n}", 4) for n in (301, 302)]
        sync = p.SConversation(conversation=info("c-long", "Lang"), messages=extra, why="sync")
        feed(screen, sync)
        await pilot.pause()
        assert transcript.message_count == 302
        assert transcript.scroll_y == 10
        assert transcript.plain_lines[: len(before)] == before
        assert transcript.plain_lines[-1].endswith("na de herverbinding 302")


async def test_page_up_stops_following_and_end_resumes() -> None:
    async with long_chat(300) as (pilot, screen, transcript):
        transcript.focus()
        await pilot.press("pageup")
        await pilot.wait_for_scheduled_animations()  # page up scrolls smoothly: let it land
        await pilot.pause()
        reading = transcript.scroll_y
        assert reading < transcript.max_scroll_y
        feed(screen, line("c-long", 301, "visitor", "terwijl ik teruglees", 2))
        await pilot.pause()
        assert transcript.scroll_y == reading
        assert "terwijl ik teruglees" not in screen_text(pilot)

        await pilot.press("end")
        await pilot.wait_for_scheduled_animations()
        await pilot.pause()
        feed(screen, line("c-long", 302, "visitor", "weer bij", 3))
        await pilot.wait_for_scheduled_animations()
        await pilot.pause()
        assert transcript.scroll_y == transcript.max_scroll_y
        assert "weer bij" in screen_text(pilot)


async def test_a_long_chat_handed_over_in_the_background_opens_at_its_end() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await logged_in()(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        messages = [words_line(n, 12) for n in range(1, 200)]
        handed = p.SConversation(conversation=info("c-long", "Lang"), messages=messages)
        feed(screen, handed.model_copy(update={"why": "handover"}))
        await pilot.pause()
        assert screen.current is None  # still on the queue: a handover does not take the screen

        screen.show_buffer("c-long")
        await pilot.pause()
        transcript = long_transcript(screen)
        assert transcript.scroll_y == transcript.max_scroll_y > 0
        shown = transcript.scrollable_content_region.width
        assert max(cell_len(part) for part in transcript.plain_lines) <= shown
        text = screen_text(pilot)
        assert "woord011" in text[text.rindex("woord000") :]  # the last line, whole


def named(seq: int, sender: str, name: str, text: str) -> p.ChatMessage:
    return line("c-long", seq, sender, text, 3).model_copy(update={"name": name})


@pytest.mark.parametrize(
    "nickname", ["Kim", "kim", "KIM.", "Ｋｉｍ", "K i m", "Kim\u200b", "systeem"]
)
async def test_a_visitor_named_as_the_counsellor_or_the_system_is_marked_as_the_visitor(
    nickname: str,
) -> None:
    # Lines differ only in colour: "Kim: I call the police myself" from a visitor called Kim
    # read as the counsellor's on a monochrome screen or to a colleague reading back.
    async with long_chat(1) as (pilot, screen, transcript):
        # The visitor's line comes first: the mark follows once the counsellor's name is seen.
        feed(screen, named(2, "visitor", nickname, "Ik bel zelf de politie."))
        feed(screen, named(3, "counsellor", "Kim", "Dag, ik ben Kim van de hulplijn."))
        feed(screen, named(4, "visitor", "Anna", "Ik ben Anna."))
        await pilot.pause()
        lines = transcript.plain_lines
        posing = next(text for text in lines if "Ik bel zelf de politie." in text)
        assert f"({t('conv.visitor')}): Ik bel zelf" in posing
        assert any(text.endswith("Kim: Dag, ik ben Kim van de hulplijn.") for text in lines)
        assert any(text.endswith(" Anna: Ik ben Anna.") for text in lines)
