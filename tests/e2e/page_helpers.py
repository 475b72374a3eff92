"""Shared steps and checks of the visitor page's browser tests."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

from playwright.async_api import Page, expect

from tests.conftest import TEST_PASSWORD
from tests.e2e.conftest import Visitor
from tests.support.console_client import ConsoleClient, console
from tests.support.relay_harness import RunningRelay

# Strings that must appear exactly as typed: markup, script, event handlers, RTL overrides,
# terminal escapes and other control characters, and Rich/Textual markup.
HOSTILE = [
    "<script>window.__pwned = 1</script>",
    '<img src=x onerror="window.__pwned = 2">',
    "<b>bold</b> &amp; <i>italic</i> &lt;",
    "\u202egnirts desrever\u202c and \u2067isolate\u2069 \u200f",
    "\x1b[31mred\x1b[0m \x07 bell \x08 tab\there",
    "[bold red]rich[/] [link=https://evil.example]x[/link]",
    "line one\nline two\r\nline three",
    "{{constructor.constructor('window.__pwned = 3')()}}",
]

DUTCH_WEEKDAYS = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
QUEUE_TEXT = re.compile(r"Je bent (nummer \d+ in de wachtrij|de volgende)\.")

Factory = Callable[..., Awaitable[Visitor]]


def counsellor_console(relay: RunningRelay, username: str = "ann") -> Any:
    """Log in over /console as a synthetic counsellor and become available."""
    return console(relay.ws_url, origin=relay.http_url, username=username, password=TEST_PASSWORD)


async def start_chat(page: Page, nickname: str = "Mira", region: str = "limburg") -> None:
    await expect(page.locator("#start")).to_be_enabled()
    await page.fill("#nickname", nickname)
    await page.select_option("#region", region)
    await page.click("#start")
    await expect(page.locator("#queue-position")).to_have_text(QUEUE_TEXT)


async def transcript(page: Page) -> list[dict[str, Any]]:
    """The messages on screen, in order, read with textContent."""
    shown: list[dict[str, Any]] = await page.eval_on_selector_all(
        "#transcript li.msg:not(.system)",
        """items => items.map(li => ({
            seq: li.dataset.seq ? Number(li.dataset.seq) : null,
            role: li.dataset.role,
            pending: li.classList.contains('pending'),
            text: li.querySelector('.text').textContent,
        }))""",
    )
    return shown


async def assert_no_sideways_scroll(page: Page) -> None:
    width, viewport = await page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert width <= viewport


def assert_clean(visitor: Visitor) -> None:
    assert visitor.foreign_requests() == []
    assert visitor.problems == []


async def taken_chat(
    relay: RunningRelay,
    visitor_factory: Factory,
    counsellor_client: ConsoleClient,
    init_script: str | None = None,
) -> tuple[Visitor, Page, str]:
    """A visitor whose chat the counsellor has taken; returns the conversation id."""
    visitor = await visitor_factory(relay.http_url)
    if init_script:
        await visitor.context.add_init_script(init_script)
    page = await visitor.open()
    await start_chat(page)
    taken = await counsellor_client.take_next()
    await expect(page.locator("#chat-heading")).to_have_text("Je chat met Ann")
    return visitor, page, taken.conversation.id
