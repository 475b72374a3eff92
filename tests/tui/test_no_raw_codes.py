"""The Dutch console shows no raw code, key or English word (issue 16, point 1): screens are
rendered with Pilot, in Dutch, after every kind of end, in the dialogs, the team view and the
refusals a counsellor meets offline, and what is on screen is searched for protocol codes and
translation keys."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, get_args

from textual.pilot import Pilot

from helpline_core import protocol as p
from helpline_tui import email_text, i18n
from helpline_tui.app import ConsoleApp
from helpline_tui.handlers import apply_frame
from helpline_tui.screens.main import MainScreen
from tests.tui.conftest import screen_text, wait_for
from tests.tui.test_snapshots import info, line, logged_in, make_app
from tests.tui.test_translations import FAMILIES

# Codes the protocol sends (a Dutch word that is also a code, like "offline", is left out)
# and English words the console once showed in Dutch (issue 16).
CODES = {
    code
    for family in ("state", "availability", "ended", "sender", "refused", "participation")
    for code in FAMILIES[family]
} - {"offline", "closed", "in"}  # also Dutch words
ENGLISH = {"Counsellor", "State", "Duration", "palette", "Close", "Quit", "Keys", "Screenshot"}
KEYS = set(i18n._STRINGS) | set(email_text._STRINGS)
WORD = re.compile(r"[A-Za-z_][A-Za-z_.]*[A-Za-z_]")


def raw_words(shown: str) -> set[str]:
    words = set(WORD.findall(shown))
    return {w for w in words if w in CODES or w in ENGLISH or w in KEYS}


def ended_everyway() -> list[Any]:
    """One conversation for every way a conversation ends (SEnded) or leaves me (SReleased)."""
    ends: list[Any] = [p.SEnded(reason=r) for r in get_args(p.EndReason)]
    ends += [p.SReleased(conversation="-", reason=r) for r in get_args(p.ReleaseReason)]
    frames: list[Any] = []
    for n, end in enumerate(ends):
        cid = f"c-end{n}"
        messages = [line(cid, 1, "visitor", "dag", 1)]
        frames.append(
            p.SConversation(conversation=info(cid, f"Naam{n}"), messages=messages, why="handover")
        )
        frames.append(end.model_copy(update={"conversation": cid}))
    return frames


async def seen(
    pilot: Pilot[Any], press: str = "", until: Callable[[], object] | None = None
) -> str:
    if press:
        await pilot.press(press)
    if until is not None:
        await wait_for(pilot, until, f"after {press}")
    await pilot.pause()
    notes = " ".join(str(note.message) for note in pilot.app._notifications)
    return screen_text(pilot) + "\n" + notes


async def test_dutch_screens_show_no_raw_code() -> None:
    app = make_app()
    shown: dict[str, str] = {}
    async with app.run_test(size=(120, 40)) as pilot:
        await logged_in(role="team_lead")(pilot)
        assert isinstance(app, ConsoleApp) and app.client is not None
        screen = app.screen
        assert isinstance(screen, MainScreen)
        for frame in ended_everyway():
            apply_frame(app.client.state, frame)
            screen.handle(_event(frame))
        await pilot.pause()
        shown["main"] = await seen(pilot)
        for conversation in list(app.client.state.conversations):
            screen.show_buffer(conversation)
            shown[conversation] = await seen(pilot)
        screen.show_buffer("c-mira")
        shown["help"] = await seen(pilot, "f1")
        shown["switcher"] = await seen(pilot, "escape") + await seen(pilot, "ctrl+g")
        await pilot.press("escape")
        # Offline (no relay here): every refusal is said in Dutch, never as its code.
        shown["hand over"] = await seen(pilot, "f5", lambda: "Geen lijst" in screen_text(pilot))
        await pilot.press("escape")
        shown["block"] = await seen(pilot, "f7")
        await pilot.press("escape")
        shown["team"] = await seen(pilot, "f9")
        shown["team refresh"] = await seen(
            pilot, "r", lambda: any("Geen verbinding" in str(n.message) for n in app._notifications)
        )
        await pilot.press("escape")
        shown["email"] = await seen(pilot, "f12")
    found = {name: raw_words(text) for name, text in shown.items()}
    assert {name: words for name, words in found.items() if words} == {}
    assert "de bezoeker is snel weggegaan" in "".join(shown.values())


def _event(frame: Any) -> Any:
    from helpline_tui import events as ev

    if isinstance(frame, p.SConversation):
        return ev.ConversationOpened(frame.conversation.id, frame.why)
    return ev.ConversationChanged(frame.conversation)
