"""A visitor's steps on the page, written once for every engine of tests/e2e/engines.py."""

from __future__ import annotations

from typing import Any

from tests.e2e.engines import EnginePage
from tests.support.console_client import ConsoleClient

READY = "return !document.getElementById('start').disabled"
QUEUED = "return /Je bent (nummer \\d+ in de wachtrij|de volgende)\\./.test("
QUEUED += "document.getElementById('queue-position').textContent)"


async def open_page(page: EnginePage, url: str, **setup: Any) -> EnginePage:
    """A fresh visitor (window 1024x768 unless `setup` says otherwise) on the page at `url`,
    once its start form can be used."""
    await page.fresh(**setup)
    await page.goto(url)
    await page.wait(READY, what="the start form")
    return page


async def start_chat(page: EnginePage, nickname: str = "Mira") -> None:
    await page.type_into("#nickname", nickname)
    await page.run(
        "const s = document.getElementById('region'); s.value = 'limburg';"
        "s.dispatchEvent(new Event('change', {bubbles: true}));"
    )
    await page.click("#start")
    await page.wait(QUEUED, what="the queue position")


async def chat_taken(page: EnginePage, ann: ConsoleClient) -> str:
    """Start a chat that counsellor Ann takes; the conversation id once the page shows her."""
    await start_chat(page)
    conversation = (await ann.take_next()).conversation.id
    await page.wait_text("#chat-heading", "Je chat met Ann")
    return str(conversation)


async def say(page: EnginePage, text: str) -> None:
    """The visitor sends `text`; set as the field's value when it holds keys a driver would
    press (newlines, escapes), typed otherwise."""
    if text.isprintable():
        await page.type_into("#message", text)
    else:
        await page.run(
            "const m = document.getElementById('message'); m.value = arguments[0];"
            "m.dispatchEvent(new Event('input', {bubbles: true}));",
            text,
        )
    await page.click("#send")
