"""The visitor page as a screen reader hears it: live regions there from the start, one steady
sentence while the connection is lost (not a new one at every retry), the phone and email
offered once the relay stays away, and one's own message read once, not again as "sent"."""

from __future__ import annotations

import asyncio

import pytest
from playwright.async_api import expect

from tests.e2e.conftest import Visitor
from tests.e2e.page_helpers import Factory, counsellor_console, start_chat
from tests.support.relay_harness import RunningRelay

pytestmark = [pytest.mark.browser, pytest.mark.page_only]

# Counts every change of the banner's words, as a screen reader would announce them.
COUNT_CHANGES = """
window.__said = [];
new MutationObserver(() => {
  const words = document.getElementById('connection').textContent;
  if (words && words !== window.__said[window.__said.length - 1]) window.__said.push(words);
}).observe(document.getElementById('connection'),
           {childList: true, characterData: true, subtree: true});
"""


async def test_live_regions_are_in_the_page_from_the_start(
    relay: RunningRelay, visitor_factory: Factory
) -> None:
    visitor: Visitor = await visitor_factory(relay.http_url)
    page = await visitor.open()
    await expect(page.locator("#start")).to_be_enabled()
    for region in ("#connection", "#typing", "#queue-position"):
        element = page.locator(region)
        assert await element.get_attribute("aria-live") == "polite", region
        assert await element.get_attribute("hidden") is None, region  # in the tree, empty


async def test_a_long_outage_is_said_once_and_then_offers_phone_and_email(
    relay: RunningRelay, visitor_factory: Factory, counsellor: str
) -> None:
    visitor = await visitor_factory(relay.http_url)
    page = await visitor.open()
    await page.clock.install()
    await expect(page.locator("#start")).to_be_enabled()
    async with counsellor_console(relay) as ann:
        await start_chat(page)
        await ann.take_next()
        await expect(page.locator("#chat-heading")).to_have_text("Je chat met Ann")
    await page.evaluate(COUNT_CHANGES)
    await visitor.lose_network(page)  # the network is gone, and stays gone
    await expect(page.locator("#connection")).to_have_text(
        "Verbinding verbroken. We proberen opnieuw te verbinden."
    )
    # A minute of retries (back-off 0.5 s up to 15 s) changes nothing a screen reader hears...
    for _ in range(6):
        await page.clock.run_for(10_000)
        await asyncio.sleep(0)  # let the page's failed reconnects happen
    # ...except once, to offer the phone and the email, as tappable links.
    banner = page.locator("#connection")
    await expect(banner.locator('a[href^="tel:"]')).to_have_text(relay.settings.helpline.phone)
    await expect(banner.locator('a[href^="mailto:"]')).to_have_text(relay.settings.helpline.email)
    said = await page.evaluate("window.__said")
    assert len(said) <= 2, said


async def test_ones_own_message_is_read_once(
    relay: RunningRelay, visitor_factory: Factory, counsellor: str
) -> None:
    async with counsellor_console(relay) as ann:
        visitor = await visitor_factory(relay.http_url)
        page = await visitor.open()
        await start_chat(page)
        conversation = (await ann.take_next()).conversation.id
        await page.fill("#message", "hallo")
        await page.press("#message", "Enter")
        await ann.next_message(conversation)
        mine = page.locator("#transcript .visitor").last
        await expect(mine).not_to_have_class("pending")
        # The "sent" mark is seen, not heard: it is hidden from the accessibility tree.
        state = mine.locator(".state")
        await expect(state).not_to_have_text("")
        assert await state.get_attribute("aria-hidden") == "true"
