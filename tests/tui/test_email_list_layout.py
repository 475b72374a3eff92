"""The email list at any width (issue 17, points 6 and 7): the columns fit the screen, the title
says how many conversations there are and which page is shown, emoji sequences keep the columns
aligned, and invisible characters in a sender's name are shown as markers."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from rich.cells import cell_len
from textual.pilot import Pilot

from helpline_core.protocol import email as pe
from tests.tui.conftest import screen_text
from tests.tui.test_email_snapshot import list_screen
from tests.tui.test_snapshots import NOW, make_app

LONG_SUBJECT = "Ik weet niet meer wat ik moet doen met mijn stiefvader en mijn moeder " * 4
NAMES = [
    "Familie 👨‍👩‍👧‍👦 Jansen",  # a joined family: one glyph of two cells
    "Duim 👍🏽 Peeters",  # a skin tone
    "Sleutel 1️⃣ Maes",  # a keycap
    "Anna Smit",
    "Anna\u200b Smit",  # differs from the one above by a zero-width space only
]


def item(index: int, name: str) -> pe.EmailListItem:
    return pe.EmailListItem(
        conversation=f"e-{index}", team="antwerpen", subject=f"{index} {LONG_SUBJECT}",
        sender_name=name, sender_address=f"s{index}@visitor.example",
        received_at=NOW, due_at=NOW + timedelta(hours=index), seconds_left=3600 * (index + 1),
        overdue=False, emails=1, counsellor=None,
    )  # fmt: skip


def table_lines(pilot: Pilot[Any]) -> list[str]:
    return [line for line in screen_text(pilot).splitlines() if " nog " in line]


@pytest.mark.parametrize("width", [80, 140, 200])
async def test_columns_fit_the_width_and_stay_aligned(width: int) -> None:
    app = make_app()
    async with app.run_test(size=(width, 30)) as pilot:
        screen = await list_screen(pilot)
        screen.show([item(n, name) for n, name in enumerate(NAMES)], total=437, offset=200)
        await pilot.pause()
        lines = table_lines(pilot)
        assert len(lines) == len(NAMES), screen_text(pilot)
        for line, name in zip(lines, NAMES, strict=True):
            # The From column is on screen, and every row is as wide as the screen.
            assert name[:4] in line
            assert cell_len(line) == width
        # The sender and the column after it (the count, "1") start at one place on every row:
        # an emoji sequence is measured as the terminal draws it.
        starts = {
            cell_len(line[: line.index(name[:4])]) for line, name in zip(lines, NAMES, strict=True)
        }
        assert len(starts) == 1, lines
        assert len({cell_len(line.split("  1  ")[0]) for line in lines}) == 1, lines
        if width >= 140:
            assert all("@visitor.example>" in line for line in lines)  # the whole sender
        title = screen_text(pilot).splitlines()[0]
        assert "437 gesprekken" in title and "201-205 getoond" in title


async def test_invisible_characters_are_shown() -> None:
    app = make_app()
    async with app.run_test(size=(140, 30)) as pilot:
        screen = await list_screen(pilot)
        screen.show([item(3, NAMES[3]), item(4, NAMES[4])], total=2)
        await pilot.pause()
        plain, hidden = table_lines(pilot)
        assert plain.split("<")[0].rstrip().endswith("Anna Smit")
        assert "Anna[U+200B] Smit" in hidden


async def test_a_name_posing_as_an_address_never_hides_the_real_one() -> None:
    # "Politie <politie@police.be>" as a display name: at 80 columns the From column is cut,
    # and what it keeps must be the address the mail came from.
    app = make_app()
    async with app.run_test(size=(80, 30)) as pilot:
        screen = await list_screen(pilot)
        screen.show([item(1, "Politie <politie@police.be>"), item(2, "Anna Smit")], total=2)
        await pilot.pause()
        posing, plain = table_lines(pilot)
        assert "s1@visitor.e" in posing and "Politie" not in posing.split("s1@")[0]
        assert "Anna Smit" in plain
