"""Fixtures for console tests: a real relay on a random port, counsellors, and helpers that
drive the Textual app with Pilot and wait for what the screen shows (no sleeps)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from helpline_core.config import Settings
from helpline_tui.app import ConsoleApp
from tests.conftest import TEST_PASSWORD, MakeCounsellor
from tests.support.relay_harness import RunningRelay, running_relay

WAIT_SECONDS = 15.0


@pytest.fixture
async def relay(settings: Settings, engine: object) -> AsyncIterator[RunningRelay]:
    async with running_relay(settings) as running:
        yield running


@pytest.fixture
def kim(make_counsellor: MakeCounsellor) -> str:
    make_counsellor("kim", team="antwerpen", display_name="Kim")
    return "kim"


@pytest.fixture
def bert(make_counsellor: MakeCounsellor) -> str:
    make_counsellor("bert", team="antwerpen", display_name="Bert")
    return "bert"


def console_app(settings: Settings, relay: RunningRelay, **kwargs: Any) -> ConsoleApp:
    return ConsoleApp(settings, server=relay.console_url, **kwargs)


async def wait_for(pilot: Pilot[Any], condition: Callable[[], object], what: str = "") -> None:
    """Let the app process events until `condition()` holds (fails after WAIT_SECONDS)."""
    try:
        async with asyncio.timeout(WAIT_SECONDS):
            while not condition():
                await pilot.pause(0.02)
    except TimeoutError:
        raise AssertionError(f"timed out waiting for {what or condition}") from None


def screen_text(pilot: Pilot[Any]) -> str:
    """Every character on the screen, as the terminal would show it."""
    app = pilot.app
    strips = app.screen._compositor.render_strips()
    return "\n".join(strip.text for strip in strips)


def keys(text: str) -> list[str]:
    """Key names for Pilot.press: one per character."""
    names = {" ": "space", "[": "left_square_bracket", "]": "right_square_bracket"}
    return [names.get(char, char) for char in text]


async def log_in(
    pilot: Pilot[Any], username: str, password: str = TEST_PASSWORD, totp: str | None = None
) -> None:
    """Type credentials like a person: username, Tab, password, Enter."""
    await wait_for(pilot, lambda: pilot.app.screen.query("#username"), "the login form")
    screen = pilot.app.screen
    screen.query_one("#username", Input).focus()
    await pilot.press(*keys(username))
    await pilot.press("tab")
    await pilot.press(*keys(password))
    if totp is not None:
        screen.query_one("#totp", Input).focus()
        await pilot.press(*keys(totp))
    await pilot.press("enter")
