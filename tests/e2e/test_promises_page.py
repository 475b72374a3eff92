"""Promises of the policy a visitor notices in the browser (docs/privacy.md, rows P1, P2, P14,
P17): a chat with nothing given, and nothing left on the device but the one session cookie.

Headless Chromium against a real relay, a real console client and the real database.
"""

from __future__ import annotations

import pytest
from playwright.async_api import expect
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from helpline_core.models import Conversation
from helpline_core.protocol.common import Intake
from tests.e2e.page_helpers import (
    QUEUE_TEXT,
    Factory,
    assert_clean,
    counsellor_console,
    taken_chat,
)
from tests.support.relay_harness import RunningRelay

pytestmark = [pytest.mark.browser, pytest.mark.timeout(60)]
expect.set_options(timeout=10_000)

# Everything a page can keep in the browser, other than cookies, read from inside the page.
STORAGE = """async () => ({
  local: localStorage.length,
  session: sessionStorage.length,
  databases: indexedDB.databases ? (await indexedDB.databases()).length : 0,
  caches: 'caches' in window ? (await caches.keys()).length : 0,
  workers: navigator.serviceWorker
    ? (await navigator.serviceWorker.getRegistrations()).length : 0,
  script_cookies: document.cookie,
})"""


async def test_a_chat_starts_with_every_field_left_empty(
    relay: RunningRelay, visitor_factory: Factory, counsellor: str, engine: Engine
) -> None:
    """P1, P2: no name, no age, no region, no sex: the chat starts all the same, and the
    counsellor and the database learn nothing but "Anoniem" and a keyed hash."""
    async with counsellor_console(relay) as ann:
        visitor = await visitor_factory(relay.http_url)
        page = await visitor.open()
        await expect(page.locator("#start")).to_be_enabled()
        await page.click("#start")
        await expect(page.locator("#queue-position")).to_have_text(QUEUE_TEXT)
        info = (await ann.take_next()).conversation
        await expect(page.locator("#chat-heading")).to_have_text("Je chat met Ann")
        await ann.say(info.id, "Welkom")
        await expect(page.locator("#transcript .counsellor .text")).to_have_text("Welkom")
    assert info.nickname == "Anoniem"
    assert info.intake == Intake()  # every answer "unknown"
    with Session(engine) as session:
        row = session.exec(select(Conversation).where(Conversation.public_id == info.id)).one()
    assert row.nickname == "Anoniem"
    for answer in (row.intake_age_group, row.intake_region, row.intake_sex, row.intake_role):
        assert answer in (None, "unknown")
    assert row.ip_hash is not None and len(row.ip_hash) == 64 and "127.0.0.1" not in row.ip_hash
    assert_clean(visitor)


@pytest.mark.page_only
async def test_the_page_keeps_nothing_on_the_device_but_the_one_session_cookie(
    relay: RunningRelay, visitor_factory: Factory, counsellor: str
) -> None:
    """P14, P17: during a chat the browser holds one cookie, for this session only, that the
    page's own script cannot read; no web storage, database, cache or service worker."""
    async with counsellor_console(relay) as ann:
        visitor, page, conversation = await taken_chat(relay, visitor_factory, ann)
        await ann.say(conversation, "Hoe gaat het?")
        await page.fill("#message", "Niet zo goed")
        await page.keyboard.press("Enter")
        await ann.next_message(conversation)
        (cookie,) = await visitor.context.cookies()
        assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and cookie["path"] == "/"
        assert cookie["expires"] == -1  # a session cookie: gone when the browser closes
        assert await page.evaluate(STORAGE) == {
            "local": 0,
            "session": 0,
            "databases": 0,
            "caches": 0,
            "workers": 0,
            "script_cookies": "",
        }
        await page.reload()
        await expect(page.locator("#transcript .visitor .text")).to_have_text("Niet zo goed")
        assert len(await visitor.context.cookies()) == 1
    assert_clean(visitor)
